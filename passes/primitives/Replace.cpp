// replace(block_cursor, subproc)
//
//   for i' in seq(0, 4):                        rvm_mld(t[0:4, 0:4],
//       for j' in seq(0, 4):             ->             A[4 * io:4 * io + 4, 0:4])
//           t[i', j'] = A[4 * io + i', j']
//
// The block (as many statements as the body of `subproc`, an instr or a
// proc) is unified with that body: the same statement and expression
// structure, loop variables renamed, each tensor parameter of subproc bound
// to a window of a caller buffer and each control parameter to a caller
// expression. The windows are solved from the index equations: a caller
// dimension whose index uses a loop of the block is an interval dimension of
// the window (in order, one per dimension of the parameter) and its offset
// is the caller index minus the parameter's; the others are points.
//
// Legality: the solution is then checked, not trusted: every loop bound,
// condition and index of the block must be provably equal (z3, in the
// context of its statement) to the corresponding one of subproc's body
// with the arguments substituted, so the call computes exactly what the
// block computed. The arguments' memories must be the parameters' (or extend
// them), and an instr's operands must not alias when it writes one of them
// (it updates in place). The callee's asserts (e.g. stride(src, 1) == 1)
// and the windows' bounds are proved by commit() at the call.
//
// Forwarding: the call is a new statement. Returns a cursor to it.
#include "frontend/ProcLowering.h"
#include "ir/IRMutator.h"
#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/LoopRewrite.h"
#include "passes/primitives/ProcPrimitives.h"

#include <set>

namespace schedc::sched {

static const char* const kDirective = "replace";

namespace {

// Why unification failed (caught and turned into a refusal).
struct NoMatch {
  std::string reason;
};

// A tensor parameter's binding: a window of a caller buffer.
struct WindowBinding {
  Sym buffer;
  ScalarType type = ScalarType::I32;
  std::vector<WindowIndex> idx;
};

// An index, bound or condition of the block and the callee's counterpart;
// the two must be equal where the caller statement stands.
struct Equation {
  std::string what; // "upper bound of loop i", ... for messages
  Path at;
  Expr caller;
  Expr callee; // in the callee's names; substituted once all bindings are known
};

// An access of a tensor parameter, checked after the windows are solved.
struct AccessEquation {
  Path at;
  Sym param;
  std::vector<Expr> calleeIdx;
  std::vector<Expr> callerIdx;
};

class Unifier {
public:
  explicit Unifier(const Proc& callee) : callee_(callee) {}

  std::map<uint64_t, Sym> iters;             // callee loop variable -> caller loop variable
  std::map<uint64_t, Expr> controls;         // callee control parameter -> caller expression
  std::map<uint64_t, WindowBinding> windows; // callee tensor parameter -> caller window
  std::vector<Equation> equations;
  std::vector<AccessEquation> accesses;

  void stmts(const Block& calleeBlock, const Block& callerBlock, const Path& owner, Branch branch) {
    if (calleeBlock.size() != callerBlock.size())
      throw NoMatch{"a block of " + std::to_string(callerBlock.size()) +
                    " statement(s) where the body of '" + callee_.name + "' has " +
                    std::to_string(calleeBlock.size())};
    for (size_t i = 0; i < calleeBlock.size(); ++i) {
      Path p = owner;
      p.push_back({branch, i});
      stmt(calleeBlock[i], callerBlock[i], p);
    }
  }

  // Substitutes the bindings into a callee control expression; nullopt if it
  // mentions something not bound (yet).
  std::optional<Expr> translate(const Expr& e) const {
    struct Subst : IRMutator {
      const Unifier& u;
      bool missing = false;
      explicit Subst(const Unifier& u) : u(u) {}
      Expr visitRead(const Read* r, const Expr& self) override {
        if (!r->idx.empty() || isNumeric(r->type))
          return IRMutator::visitRead(r, self);
        if (auto it = u.iters.find(r->name.id()); it != u.iters.end())
          return varRead(it->second, r->loc);
        if (auto it = u.controls.find(r->name.id()); it != u.controls.end())
          return it->second;
        if (u.callee_.findArg(r->name))
          missing = true; // a parameter not determined by the body
        return self;      // a module const is the same on both sides
      }
      Expr visitStride(const StrideExpr*, const Expr& self) override {
        missing = true;
        return self;
      }
    } subst(*this);
    Expr out = subst.mutate(e);
    if (subst.missing)
      return std::nullopt;
    return simplifyExpr(out);
  }

private:
  const Proc& callee_;
  std::set<uint64_t> boundCallerIters_;

  static const char* kindName(const Stmt& s) {
    switch (s->kind) {
    case StmtKind::Assign:
      return "an assignment";
    case StmtKind::Reduce:
      return "a reduction";
    case StmtKind::For:
      return "a loop";
    case StmtKind::If:
      return "an if";
    case StmtKind::Alloc:
      return "an allocation";
    case StmtKind::WindowBind:
      return "a window binding";
    case StmtKind::Call:
      return "a call";
    case StmtKind::Pass:
      return "pass";
    }
    return "a statement";
  }

  const FnArg& tensorParam(const Sym& name) const {
    const FnArg* arg = callee_.findArg(name);
    if (!arg || !arg->isData())
      throw NoMatch{"the body of '" + callee_.name + "' uses the local buffer '" + name.name() +
                    "'; only parameters can be bound"};
    if (!arg->isTensor())
      throw NoMatch{"scalar parameter '" + name.name() + "' cannot be bound"};
    return *arg;
  }

  // Binds a control parameter read directly as a loop bound to the
  // caller's bound (its only occurrence may be there).
  void bindBound(const Expr& calleeBound, const Expr& callerBound) {
    if (const Read* r = calleeBound->as<Read>(); r && r->idx.empty())
      if (const FnArg* arg = callee_.findArg(r->name); arg && !arg->isData())
        controls.emplace(r->name.id(), callerBound);
  }

public:
  void stmt(const Stmt& cs, const Stmt& s, const Path& p) {
    if (cs->kind != s->kind)
      throw NoMatch{std::string(kindName(s)) + " where the body of '" + callee_.name + "' has " +
                    kindName(cs)};
    if (const For* cf = cs->as<For>()) {
      const For* f = s->as<For>();
      iters[cf->iter.id()] = f->iter;
      boundCallerIters_.insert(f->iter.id());
      bindBound(cf->lo, f->lo);
      bindBound(cf->hi, f->hi);
      equations.push_back({"the lower bound of loop " + f->iter.name(), p, f->lo, cf->lo});
      equations.push_back({"the upper bound of loop " + f->iter.name(), p, f->hi, cf->hi});
      stmts(cf->body, f->body, p, Branch::Body);
    } else if (const If* ci = cs->as<If>()) {
      const If* i = s->as<If>();
      equations.push_back({"the condition", p, i->cond, ci->cond});
      stmts(ci->body, i->body, p, Branch::Body);
      stmts(ci->orelse, i->orelse, p, Branch::OrElse);
    } else if (const Assign* ca = cs->as<Assign>()) {
      const Assign* a = s->as<Assign>();
      access(ca->name, ca->idx, a->name, a->type, a->idx, p);
      expr(ca->rhs, a->rhs, p);
    } else if (cs->kind != StmtKind::Pass) {
      throw NoMatch{std::string("cannot unify ") + kindName(cs)};
    }
  }

private:
  void expr(const Expr& ce, const Expr& e, const Path& p) {
    auto differ = [&] {
      return NoMatch{"'" + printExpr(e) + "' does not match '" + printExpr(ce) + "'"};
    };
    if (ce->kind != e->kind)
      throw differ();
    if (!isNumeric(ce->type)) {
      if (isNumeric(e->type))
        throw differ();
      equations.push_back({"a control value", p, e, ce}); // inside data: compared by z3
      return;
    }
    if (ce->type != e->type)
      throw differ();
    switch (ce->kind) {
    case ExprKind::Const: {
      const Const *cc = ce->as<Const>(), *c = e->as<Const>();
      if (cc->intValue != c->intValue || cc->floatValue != c->floatValue)
        throw differ();
      return;
    }
    case ExprKind::Read: {
      const Read *cr = ce->as<Read>(), *r = e->as<Read>();
      access(cr->name, cr->idx, r->name, r->type, r->idx, p);
      return;
    }
    case ExprKind::BinOp: {
      const BinOp *cb = ce->as<BinOp>(), *b = e->as<BinOp>();
      if (cb->op != b->op)
        throw differ();
      expr(cb->a, b->a, p);
      expr(cb->b, b->b, p);
      return;
    }
    case ExprKind::UnOp: {
      const UnOp *cu = ce->as<UnOp>(), *u = e->as<UnOp>();
      if (cu->op != u->op)
        throw differ();
      expr(cu->a, u->a, p);
      return;
    }
    case ExprKind::Select: {
      const Select *cs = ce->as<Select>(), *s = e->as<Select>();
      expr(cs->cond, s->cond, p);
      expr(cs->t, s->t, p);
      expr(cs->f, s->f, p);
      return;
    }
    default:
      throw differ();
    }
  }

  bool usesBlockLoop(const Expr& e) const {
    for (uint64_t id : symsMentioned(e))
      if (boundCallerIters_.count(id))
        return true;
    return false;
  }

  // `param[calleeIdx]` against `buffer[callerIdx]`: binds param's window on
  // first sight (later accesses are only checked, by the equations).
  void access(const Sym& param, const std::vector<Expr>& calleeIdx, const Sym& buffer,
              ScalarType type, const std::vector<Expr>& callerIdx, const Path& p) {
    const FnArg& arg = tensorParam(param);
    auto [it, fresh] = windows.try_emplace(param.id());
    WindowBinding& w = it->second;
    if (!fresh && w.buffer != buffer)
      throw NoMatch{"'" + param.name() + "' would be both '" + w.buffer.name() + "' and '" +
                    buffer.name() + "'"};
    accesses.push_back({p, param, calleeIdx, callerIdx});
    if (!fresh)
      return;
    if (arg.type != type)
      throw NoMatch{"'" + param.name() + "' holds " + typeWord(arg.type) + ", but '" +
                    buffer.name() + "' holds " + typeWord(type)};
    w.buffer = buffer;
    w.type = type;
    size_t rank = calleeIdx.size(), next = 0;
    for (const Expr& index : callerIdx) {
      if (!usesBlockLoop(index) || next == rank) {
        if (usesBlockLoop(index))
          throw NoMatch{"'" + buffer.name() + "' is indexed by more loops of the block than '" +
                        param.name() + "' has dimensions"};
        w.idx.push_back({index, nullptr}); // a point of the window
        continue;
      }
      std::optional<Expr> calleeIndex = translate(calleeIdx[next]);
      std::optional<Expr> extent = translate(arg.shape[next]);
      if (!calleeIndex || !extent)
        throw NoMatch{"cannot determine the arguments of '" + callee_.name + "' from '" +
                      param.name() + "' (its indices use undetermined parameters)"};
      Expr lo = simplifyExpr(subE(index, *calleeIndex));
      if (usesBlockLoop(lo))
        throw NoMatch{"the offset of '" + param.name() + "' in '" + buffer.name() +
                      "' would depend on a loop of the block (" + printExpr(lo) + ")"};
      w.idx.push_back({lo, simplifyExpr(addE(lo, *extent))});
      ++next;
    }
    if (next != rank)
      throw NoMatch{"'" + buffer.name() + "' is indexed by fewer loops of the block than '" +
                    param.name() + "' has dimensions"};
  }
};

// The caller coordinate `param[calleeIdx]` stands for, through its window.
std::vector<Expr> throughWindow(const WindowBinding& w, const std::vector<Expr>& translated) {
  std::vector<Expr> out;
  size_t next = 0;
  for (const WindowIndex& c : w.idx)
    out.push_back(c.isInterval() ? simplifyExpr(addE(c.lo, translated[next++])) : c.lo);
  return out;
}

std::set<uint64_t> writtenParams(const Proc& callee) {
  struct Finder : IRVisitor {
    std::set<uint64_t> written;
    void visitAssign(const Assign* s) override {
      written.insert(s->name.id());
      IRVisitor::visitAssign(s);
    }
  } finder;
  finder.visitBlock(callee.body);
  return finder.written;
}

} // namespace

static Value replaceBlock(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kDirective);
  ProcPtr calleePtr = procArg(state, args[1], args.locs[1], kDirective);
  const Proc& callee = *calleePtr;

  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Block& block = blockAt(proc, range.block);
  Block stmts(block.begin() + range.begin, block.begin() + range.end);
  Path first = range.block.owner;
  first.push_back({range.block.branch, range.begin});
  std::string prefix = "cannot unify the block with '" + callee.name + "': ";

  // 1. Structure, loop variables and windows.
  Unifier unifier(callee);
  std::vector<Expr> callArgs;
  try {
    if (callee.body.size() != stmts.size())
      throw NoMatch{"a block of " + std::to_string(stmts.size()) +
                    " statement(s) where the body of '" + callee.name + "' has " +
                    std::to_string(callee.body.size())};
    for (size_t i = 0; i < stmts.size(); ++i) {
      Path p = range.block.owner;
      p.push_back({range.block.branch, range.begin + i});
      unifier.stmt(callee.body[i], stmts[i], p);
    }

    // 2. The arguments, in the callee's order.
    for (const FnArg& param : callee.args) {
      if (param.isData()) {
        auto it = unifier.windows.find(param.name.id());
        if (it == unifier.windows.end())
          throw NoMatch{"'" + param.name.name() + "' is not used by the body"};
        const WindowBinding& w = it->second;
        callArgs.push_back(WindowExpr::make(w.buffer, w.idx, w.type, call.loc));
      } else {
        auto it = unifier.controls.find(param.name.id());
        if (it == unifier.controls.end())
          throw NoMatch{"cannot determine argument '" + param.name.name() + "'"};
        callArgs.push_back(it->second);
      }
    }

    // 3. The solution, checked: every bound, condition and index is equal.
    Solver& solver = state.solver();
    for (const Equation& eq : unifier.equations) {
      std::optional<Expr> theirs = unifier.translate(eq.callee);
      if (!theirs || !provablyEqualAt(solver, proc, eq.at, eq.caller, *theirs))
        throw NoMatch{eq.what + " is '" + printExpr(eq.caller) + "', not provably '" +
                      (theirs ? printExpr(*theirs) : printExpr(eq.callee)) + "'"};
    }
    for (const AccessEquation& a : unifier.accesses) {
      const WindowBinding& w = unifier.windows.at(a.param.id());
      std::vector<Expr> translated;
      for (const Expr& e : a.calleeIdx) {
        std::optional<Expr> t = unifier.translate(e);
        if (!t)
          throw NoMatch{"cannot determine the indices of '" + a.param.name() + "'"};
        translated.push_back(*t);
      }
      std::vector<Expr> expected = throughWindow(w, translated);
      for (size_t d = 0; d < expected.size(); ++d)
        if (!provablyEqualAt(solver, proc, a.at, a.callerIdx[d], expected[d]))
          throw NoMatch{"'" + printExpr(Read::make(w.buffer, a.callerIdx, w.type)) +
                        "' is not provably '" + printExpr(Read::make(w.buffer, expected, w.type)) +
                        "'"};
    }
  } catch (const NoMatch& m) {
    refuse(call.loc, kDirective, prefix + m.reason, stmts);
  }

  // 4. Memories: each argument lives where its parameter wants it.
  std::vector<Binder> scope = bindersAt(proc, first);
  auto binderOf = [&](const Sym& s) -> const Binder* {
    for (const Binder& b : scope)
      if (b.sym == s)
        return &b;
    return nullptr;
  };
  for (size_t i = 0; i < callee.args.size(); ++i) {
    const FnArg& param = callee.args[i];
    if (!param.isData())
      continue;
    const Sym& buffer = callArgs[i]->as<WindowExpr>()->name;
    const Binder* b = binderOf(buffer);
    if (!b)
      refuse(call.loc, kDirective,
             quoteString(buffer.name()) + " is not bound where the block stands", stmts);
    if (!memoryIsA(state.module(), b->mem, param.mem))
      refuse(call.loc, kDirective,
             callee.name + " wants " + quoteString(param.name.name()) + " in " + param.mem +
                 ", but " + quoteString(buffer.name()) + " is in " + b->mem,
             stmts);
  }

  // 5. An instr updates its operands in place: no aliasing when one is written.
  if (callee.isInstr()) {
    AliasRoots roots(proc);
    std::set<uint64_t> written = writtenParams(callee);
    for (size_t i = 0; i < callArgs.size(); ++i)
      for (size_t j = i + 1; j < callArgs.size(); ++j) {
        const WindowExpr *wi = callArgs[i]->as<WindowExpr>(), *wj = callArgs[j]->as<WindowExpr>();
        if (!wi || !wj || roots.root(wi->name) != roots.root(wj->name))
          continue;
        if (written.count(callee.args[i].name.id()) || written.count(callee.args[j].name.id()))
          refuse(call.loc, kDirective,
                 "arguments " + quoteString(callee.args[i].name.name()) + " and " +
                     quoteString(callee.args[j].name.name()) + " of instr '" + callee.name +
                     "' would alias the same buffer " + quoteString(wi->name.name()) +
                     " (the instruction updates its operands in place)",
                 stmts);
      }
  }

  Stmt replacement = Call::make(calleePtr, std::move(callArgs), stmts.front()->loc);
  uint64_t callId = replacement->id;
  state.commit(replaceRange(proc, range.block, range.begin, range.end, {std::move(replacement)}),
               kDirective, call.loc);
  return stmtCursor(state, callId);
}

PrimitiveSpec replacePrimitive() {
  return PrimitiveSpec{
      "replace", {{"block_cursor", std::nullopt}, {"subproc", std::nullopt}}, replaceBlock};
}

} // namespace schedc::sched
