// Registration of the order primitives (each primitive: legality check and
// rewrite side by side, one file each), and the helpers they share.
#include "passes/primitives/OrderPrimitives.h"

#include "ir/IRMutator.h"

#include <map>

namespace schedc::sched {

// Every order primitive takes `fast_math=False` (not in Exo): with True, its
// dependence check treats float reductions as real additions that commute.
static PrimitiveSpec withFastMath(PrimitiveSpec spec) {
  size_t flag = spec.params.size();
  spec.params.push_back(ParamSpec{"fast_math", Value::fromBool(false)});
  PrimitiveFn inner = std::move(spec.fn);
  spec.fn = [inner, flag](ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
    FloatReassociation scope(args[flag].requireBool(args.locs[flag], "fast_math"));
    return inner(state, args, call);
  };
  return spec;
}

void registerOrderPrimitives(PrimitiveRegistry& registry) {
  PrimitiveRegistry local;
  order::registerReorderLoops(local);
  order::registerParallelizeLoop(local);
  order::registerFission(local);
  order::registerFuse(local);
  order::registerReorderStmts(local);
  order::registerLiftScope(local);
  order::registerRemoveLoop(local);
  for (const PrimitiveSpec& spec : local.all())
    registry.add(withFastMath(spec));
}

namespace order {

namespace {

class SubstituteVar : public IRMutator {
public:
  SubstituteVar(const Sym& from, const Expr& to) : from_(from), to_(to) {}

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    if (e->name == from_ && e->idx.empty())
      return to_;
    return IRMutator::visitRead(e, self);
  }

private:
  Sym from_;
  Expr to_;
};

// Rebuilds every statement (so each gets a new identity) and gives every
// binder a new symbol, renaming its uses.
class FreshCopier : public IRMutator {
protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    std::vector<Expr> idx = mutateExprs(e->idx);
    Sym name = renamed(e->name);
    if (name == e->name && sameNodes(idx, e->idx))
      return self;
    return Read::make(name, std::move(idx), e->type, e->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    std::vector<WindowIndex> idx;
    for (const WindowIndex& w : e->idx)
      idx.push_back(WindowIndex{mutate(w.lo), w.hi ? mutate(w.hi) : nullptr});
    return WindowExpr::make(renamed(e->name), std::move(idx), e->type, e->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    Sym name = renamed(e->name);
    return name == e->name ? self : StrideExpr::make(name, e->dim, e->loc);
  }

  Block visitAssign(const Assign* s, const Stmt&) override {
    std::vector<Expr> idx = mutateExprs(s->idx);
    Expr rhs = mutate(s->rhs);
    Sym name = renamed(s->name);
    return {s->isReduce() ? Assign::makeReduce(name, s->type, std::move(idx), rhs, s->loc)
                          : Assign::make(name, s->type, std::move(idx), rhs, s->loc)};
  }
  Block visitFor(const For* s, const Stmt&) override {
    Expr lo = mutate(s->lo), hi = mutate(s->hi);
    Sym iter = bind(s->iter);
    return {For::make(iter, lo, hi, mutateBlock(s->body), s->mode, s->loc)};
  }
  Block visitIf(const If* s, const Stmt&) override {
    return {If::make(mutate(s->cond), mutateBlock(s->body), mutateBlock(s->orelse), s->loc)};
  }
  Block visitAlloc(const Alloc* s, const Stmt&) override {
    std::vector<Expr> shape = mutateExprs(s->shape);
    return {Alloc::make(bind(s->name), s->type, std::move(shape), s->mem, s->loc)};
  }
  Block visitWindowBind(const WindowBind* s, const Stmt&) override {
    Expr rhs = mutate(s->rhs);
    return {WindowBind::make(bind(s->name), rhs, s->loc)};
  }
  Block visitCall(const Call* s, const Stmt&) override {
    return {Call::make(s->callee, mutateExprs(s->args), s->loc)};
  }
  Block visitPass(const Pass* s, const Stmt&) override { return {Pass::make(s->loc)}; }

private:
  Sym bind(const Sym& s) {
    Sym fresh = s.copy();
    renames_.insert_or_assign(s.id(), fresh);
    return fresh;
  }
  Sym renamed(const Sym& s) const {
    auto found = renames_.find(s.id());
    return found == renames_.end() ? s : found->second;
  }

  std::map<uint64_t, Sym> renames_;
};

} // namespace

Block substituteVar(const Block& block, const Sym& from, const Expr& to) {
  return SubstituteVar(from, to).mutateBlock(block);
}

Block freshCopy(const Block& block) {
  return FreshCopier().mutateBlock(block);
}

Stmt rebuildLoop(const For& loop, Block body) {
  return keepIdentity(For::make(loop.iter, loop.lo, loop.hi, std::move(body), loop.mode, loop.loc),
                      loop);
}

std::string quoted(const Stmt& s) {
  return "'" + stmtText(s) + "'";
}

void refuseConflict(const SrcLoc& at, const std::string& directive, const std::string& reason,
                    const Conflict& conflict) {
  std::string because = reason;
  if (!conflict.undecided.empty())
    because += " (" + conflict.undecided + ")";
  std::vector<Stmt> show{conflict.first};
  if (conflict.second->id != conflict.first->id)
    show.push_back(conflict.second);
  refuse(at, directive, because, show);
}

std::string dependsOnEarlier(const Stmt& later, const Stmt& earlier, const std::string& iter) {
  if (later->id == earlier->id)
    return quoted(later) + " depends on an earlier iteration of " + iter;
  return quoted(later) + " depends on " + quoted(earlier) + " in an earlier iteration of " + iter;
}

} // namespace order

} // namespace schedc::sched
