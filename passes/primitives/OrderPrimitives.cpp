// Registration of the order primitives (each primitive: legality check and
// rewrite side by side, one file each), and the helpers they share.
#include "passes/primitives/OrderPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

#include "ir/IRMutator.h"

#include <map>
#include <set>

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

} // namespace

Block substituteVar(const Block& block, const Sym& from, const Expr& to) {
  return SubstituteVar(from, to).mutateBlock(block);
}

Block freshCopy(const Block& block) {
  return sched::freshCopy(block); // LoopRewrite's: fresh statement ids and binders
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
  // Float reductions into one place conflict only because their order
  // changes the rounding; where fast_math=True would accept the reordering,
  // say so. (Not for parallelize_loop, where it would be a race, nor for
  // remove_loop, where the sum would run a different number of times.)
  static const std::set<std::string> reordering = {"reorder_stmts", "reorder_loops", "fission",
                                                   "autofission",   "fuse",          "lift_scope"};
  auto floatReduce = [](const Stmt& s) {
    const Assign* a = s->as<Assign>();
    return a && a->isReduce() && isFloat(a->type);
  };
  if (reordering.count(directive) && !floatReassociationAllowed() && floatReduce(conflict.first) &&
      floatReduce(conflict.second))
    because += "; float sums round differently in another order (pass fast_math=True to allow)";
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
