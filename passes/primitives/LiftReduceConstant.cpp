// lift_reduce_constant(block_cursor, fast_math=False):
//   `x = 0.0; for i in _: x += c * y[i]`  ->
//   `x = 0.0; for i in _: x += y[i]` then `x = c * x` after the loop.
//
// Exo's rules (DoLiftConstant): the loop body does not read x; every write
// of x in it (at any depth) is a reduction of the element the first
// statement assigns, of the form `x += c * e` with the same c everywhere (a
// literal, or a read with equal indices); a read c only uses names bound
// before the loop and its buffer is not written in the loop. Calls and window
// binds in the body are refused. Beyond Exo: the first statement must assign
// zero (from any other start value s the result would be c * s + c * sum,
// not s + c * sum).
//
// The float caveat: c * a + c * b is not (a + b) * c in floating point (each
// product and sum rounds), so for float buffers the rewrite needs
// fast_math=True. Integer arithmetic wraps, and distributes exactly.
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

#include <cmath>

namespace schedc::sched {

namespace {

bool isZero(const Expr& e) {
  const Const* c = e->as<Const>();
  return c && (isFloat(c->type) ? c->floatValue == 0 : c->intValue == 0);
}

bool sameConstant(const Expr& a, const Expr& b) {
  const Const* ca = a->as<Const>();
  const Const* cb = b->as<Const>();
  if (ca || cb)
    return ca && cb &&
           (isFloat(ca->type) ? ca->floatValue == cb->floatValue : ca->intValue == cb->intValue);
  const Read* ra = a->as<Read>();
  const Read* rb = b->as<Read>();
  if (ra->name != rb->name || ra->idx.size() != rb->idx.size())
    return false;
  for (size_t i = 0; i < ra->idx.size(); ++i)
    if (!exprsEqual(simplifyExpr(ra->idx[i]), simplifyExpr(rb->idx[i])))
      return false;
  return true;
}

Value liftReduceConstant(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "lift_reduce_constant";
  BlockRange range = blockArg(state, args[0], args.locs[0], directive);
  bool fastMath = fastMathArg(args[1], args.locs[1]);
  const Proc& proc = state.proc();
  const Block& block = blockAt(proc, range.block);
  std::vector<Stmt> shown(block.begin() + static_cast<long>(range.begin),
                          block.begin() + static_cast<long>(range.end));
  if (shown.size() != 2)
    refuse(call.loc, directive,
           "expected a block of size 2, but got a block of size " + std::to_string(shown.size()) +
               ":",
           shown);
  const Assign* init = shown[0]->as<Assign>();
  const For* loop = shown[1]->as<For>();
  if (!init || init->isReduce() || !loop)
    refuse(call.loc, directive, "expected an assignment followed by a loop, got:", shown);
  if (!isZero(init->rhs))
    refuse(call.loc, directive,
           "expected the assignment to set '" + init->name.name() +
               "' to zero (the lifted constant would also scale its start value)",
           shown);
  if (isFloat(init->type) && !fastMath)
    refuse(call.loc, directive,
           "factoring a constant out of an " + typeName(init->type) +
               " sum rounds differently and can change the result (pass fast_math=True to "
               "allow)",
           shown);
  Path loopPath = range.block.owner;
  loopPath.push_back(Step{range.block.branch, range.begin + 1});

  AliasRoots roots(proc);
  uint64_t x = roots.root(init->name);
  std::string xName = "'" + init->name.name() + "'";
  // Reads of x other than the reductions themselves.
  for (const Located& l : allStmts(proc)) {
    if (l.path.size() <= loopPath.size() ||
        !std::equal(loopPath.begin(), loopPath.end(), l.path.begin()))
      continue; // not inside the loop
    for (const Expr& e : stmtExprs(l.stmt))
      if (buffersRead(e, roots).count(x))
        refuse(call.loc, directive,
               "cannot lift constant because the buffer " + xName + " is read in the loop body",
               {l.stmt});
  }

  // The reductions `x += c * e`, at any depth.
  std::vector<Path> reduces;
  Solver& solver = state.solver();
  for (const Located& l : allStmts(proc)) {
    if (l.path.size() <= loopPath.size() ||
        !std::equal(loopPath.begin(), loopPath.end(), l.path.begin()))
      continue;
    const Stmt& s = l.stmt;
    if (s->as<Call>() || s->as<WindowBind>())
      refuse(call.loc, directive, "unsupported statement in the loop body:", {s});
    const Assign* w = s->as<Assign>();
    if (!w || roots.root(w->name) != x)
      continue;
    if (!w->isReduce())
      refuse(call.loc, directive,
             "cannot lift constant because " + xName + " is assigned in the loop body", {s});
    bool sameDest = w->idx.size() == init->idx.size();
    for (size_t i = 0; sameDest && i < w->idx.size(); ++i)
      sameDest = provablyEqualAt(solver, proc, l.path, w->idx[i], init->idx[i]);
    const BinOp* product = w->rhs->as<BinOp>();
    bool scaled = product && product->op == BinOpKind::Mul &&
                  (product->a->as<Const>() || product->a->as<Read>());
    if (!sameDest || !scaled)
      refuse(call.loc, directive,
             "cannot lift constant: every reduction of " + xName +
                 " in the loop must add `c * e` to the element the assignment sets",
             {s});
    reduces.push_back(l.path);
  }
  if (reduces.empty())
    refuse(call.loc, directive,
           "did not find a reduction of the form `" + init->name.name() +
               " += c * e` in the loop body",
           shown);
  Expr constant = stmtAt(proc, reduces.front())->as<Assign>()->rhs->as<BinOp>()->a;
  for (const Path& p : reduces)
    if (!sameConstant(constant, stmtAt(proc, p)->as<Assign>()->rhs->as<BinOp>()->a))
      refuse(call.loc, directive,
             "the reductions of " + xName + " in the loop body scale by different constants",
             {stmtAt(proc, p)});
  if (const Read* c = constant->as<Read>()) {
    std::set<uint64_t> visible;
    for (const Binder& b : bindersAt(proc, loopPath))
      visible.insert(b.sym.id());
    for (uint64_t sym : symsMentioned(constant))
      if (!visible.count(sym))
        refuse(call.loc, directive,
               "'" + printExpr(constant) + "' depends on a name defined within the loop", shown);
    if (buffersWritten(shown[1], roots).count(roots.root(c->name)))
      refuse(call.loc, directive,
             "cannot lift constant because '" + c->name.name() +
                 "' is a buffer that is written in the loop body",
             shown);
  }

  ProcPtr out = state.procPtr();
  for (const Path& p : reduces) {
    const Stmt& s = stmtAt(*out, p);
    const Assign* w = s->as<Assign>();
    Stmt unscaled = keepIdentity(
        Assign::makeReduce(w->name, w->type, w->idx, w->rhs->as<BinOp>()->b, w->loc), *w);
    out = replaceStmt(*out, p, {unscaled});
  }
  Expr current = Read::make(init->name, init->idx, init->type, init->loc);
  Stmt scale = Assign::make(init->name, init->type, init->idx,
                            makeArith(BinOpKind::Mul, constant, current, init->loc), init->loc);
  out = replaceRange(*out, range.block, range.begin + 2, range.begin + 2, {scale});
  state.commit(out, directive, call.loc);
  return Value::none();
}

} // namespace

void registerLiftReduceConstant(PrimitiveRegistry& registry) {
  registry.add({"lift_reduce_constant",
                {{"block_cursor", std::nullopt}, {"fast_math", Value::fromBool(false)}},
                liftReduceConstant});
}

} // namespace schedc::sched
