// commute_expr(expr_cursors): `a + b -> b + a`, `a * b -> b * a`.
//
// As in Exo, only data (numeric) expressions commute. The rewrite is exact
// for every type: integer + and * commute, and IEEE + and * are commutative
// (the rounded result of a + b is the rounded result of b + a).
#include "ir/Printer.h"
#include "passes/primitives/ExprPrimitives.h"

#include <algorithm>

namespace schedc::sched {

namespace {

Value commuteExpr(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "commute_expr";
  std::vector<ExprRef> refs = exprArgs(state, args[0], args.locs[0], directive);
  for (const ExprRef& ref : refs) {
    const Stmt& stmt = stmtAt(state.proc(), ref.stmt);
    const BinOp* b = ref.expr->as<BinOp>();
    if (!b || (b->op != BinOpKind::Add && b->op != BinOpKind::Mul))
      refuse(call.loc, directive,
             "only '+' or '*' can commute, got '" + printExpr(ref.expr) + "' in:", {stmt});
    if (!isNumeric(ref.expr->type))
      refuse(call.loc, directive,
             "only numeric (not index or size) expressions can commute, got '" +
                 printExpr(ref.expr) + "' in:",
             {stmt});
  }
  // Swapping the operands of one node moves only the nodes below it, so
  // working from the deepest expression up keeps every other path valid.
  std::stable_sort(refs.begin(), refs.end(), [](const ExprRef& a, const ExprRef& b) {
    return a.path.size() > b.path.size();
  });
  ProcPtr proc = state.procPtr();
  for (const ExprRef& ref : refs) {
    const Stmt& stmt = stmtAt(*proc, ref.stmt);
    Expr current = exprAt(stmt, ref.path);
    const BinOp* b = current->as<BinOp>();
    Expr swapped = remakeBinOp(b->op, b->b, b->a, current->type, current->loc);
    proc = replaceStmt(*proc, ref.stmt, {replaceExprAt(stmt, ref.path, swapped)});
  }
  state.commit(proc, directive, call.loc);
  return Value::none();
}

} // namespace

void registerCommuteExpr(PrimitiveRegistry& registry) {
  registry.add({"commute_expr", {{"expr_cursors", std::nullopt}}, commuteExpr});
}

} // namespace schedc::sched
