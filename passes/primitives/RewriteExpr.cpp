// rewrite_expr(expr_cursor, new_expr): replaces an expression by an
// equivalent one written as a string (or an int), lowered in the scope of the
// statement that holds it.
//
// Equivalence is checked where the statement stands (asserts, sizes >= 1,
// enclosing loop ranges and branch conditions):
// - index expressions and conditions: the Solver proves them equal (as
//   Exo's Check_ExprEqvInContext does);
// - data expressions: after simplification both must be the same
//   computation, operation by operation (same literals, same buffers), with
//   their indices proved equal by the Solver. Anything else could round
//   differently; commute_expr and left_reassociate_expr reorder data.
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

#include <cmath>

namespace schedc::sched {

namespace {

// The same data computation: identical structure, indices and control parts
// provably equal (the solver holds the statement's context).
bool sameComputation(Solver& solver, const Expr& a, const Expr& b) {
  if (Solver::isTranslatable(a) && Solver::isTranslatable(b)) {
    if ((a->type == ScalarType::Bool) != (b->type == ScalarType::Bool))
      return false;
    return exprsEqual(a, b) || solver.prove(solver.toZ3(a) == solver.toZ3(b));
  }
  if (a->kind != b->kind || a->type != b->type)
    return false;
  switch (a->kind) {
  case ExprKind::Const: {
    const Const* x = a->as<Const>();
    const Const* y = b->as<Const>();
    if (isFloat(x->type))
      return x->floatValue == y->floatValue &&
             std::signbit(x->floatValue) == std::signbit(y->floatValue);
    return x->intValue == y->intValue;
  }
  case ExprKind::Read: {
    const Read* x = a->as<Read>();
    const Read* y = b->as<Read>();
    if (x->name != y->name || x->idx.size() != y->idx.size())
      return false;
    for (size_t i = 0; i < x->idx.size(); ++i)
      if (!sameComputation(solver, x->idx[i], y->idx[i]))
        return false;
    return true;
  }
  case ExprKind::BinOp: {
    const BinOp* x = a->as<BinOp>();
    const BinOp* y = b->as<BinOp>();
    return x->op == y->op && sameComputation(solver, x->a, y->a) &&
           sameComputation(solver, x->b, y->b);
  }
  case ExprKind::UnOp: {
    const UnOp* x = a->as<UnOp>();
    const UnOp* y = b->as<UnOp>();
    return x->op == y->op && sameComputation(solver, x->a, y->a);
  }
  case ExprKind::Select: {
    const Select* x = a->as<Select>();
    const Select* y = b->as<Select>();
    return sameComputation(solver, x->cond, y->cond) && sameComputation(solver, x->t, y->t) &&
           sameComputation(solver, x->f, y->f);
  }
  default:
    return exprsEqual(a, b);
  }
}

Value rewriteExpr(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "rewrite_expr";
  ExprRef ref = exprArg(state, args[0], args.locs[0], directive);
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, ref.stmt);
  const Expr& old = ref.expr;
  bool control = Solver::isTranslatable(old);

  Expr replacement;
  if (std::optional<int64_t> value = args[1].intLike(); value && !args[1].isBool()) {
    replacement = isNumeric(old->type) ? Const::makeInt(*value, args.locs[1], old->type)
                                       : Const::makeInt(*value, args.locs[1]);
  } else {
    const std::string& text = args[1].requireStr(args.locs[1], "new_expr");
    replacement = lowerExprAt(text, args.locs[1], state.module(), proc, ref.stmt, old->type,
                              !control, directive);
  }
  std::string shown = "'" + printExpr(replacement) + "'";
  std::string was = "'" + printExpr(old) + "'";

  Solver& solver = state.solver();
  if (control) {
    if (!Solver::isTranslatable(replacement))
      refuse(call.loc, directive, shown + " reads data; " + was + " is an index expression",
             {stmt});
    if ((old->type == ScalarType::Bool) != (replacement->type == ScalarType::Bool))
      refuse(call.loc, directive,
             shown + " is " + (replacement->type == ScalarType::Bool ? "a condition" : "a number") +
                 ", " + was + " is not",
             {stmt});
    if (!provablyEqualAt(solver, proc, ref.stmt, old, replacement)) {
      std::string why = solver.lastUndecided() ? " (the solver could not decide)"
                        : solver.counterexample().empty()
                            ? ""
                            : " (counterexample: " + solver.counterexample() + ")";
      refuse(call.loc, directive, "cannot prove that " + shown + " equals " + was + " here" + why,
             {stmt});
    }
  } else {
    if (replacement->type != old->type)
      refuse(call.loc, directive,
             shown + " is " + typeWord(replacement->type) + ", " + was + " is " +
                 typeWord(old->type),
             {stmt});
    StmtContext context(solver, proc, ref.stmt);
    SimplifyContext simplify;
    simplify.solver = &solver;
    if (!sameComputation(solver, simplifyExpr(old, simplify), simplifyExpr(replacement, simplify)))
      refuse(call.loc, directive,
             shown + " is not the same computation as " + was +
                 " (data expressions are only rewritten to equal ones after simplification; "
                 "commute_expr and left_reassociate_expr reorder them)",
             {stmt});
  }
  state.commit(replaceStmt(proc, ref.stmt, {replaceExprAt(stmt, ref.path, replacement)}), directive,
               call.loc);
  return Value::none();
}

} // namespace

void registerRewriteExpr(PrimitiveRegistry& registry) {
  registry.add(
      {"rewrite_expr", {{"expr_cursor", std::nullopt}, {"new_expr", std::nullopt}}, rewriteExpr});
}

} // namespace schedc::sched
