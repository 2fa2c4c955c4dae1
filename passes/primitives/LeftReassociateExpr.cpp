// left_reassociate_expr(expr, fast_math=False): `a + (b + c) -> (a + b) + c`
// (and the same for `*`).
//
// Integer arithmetic (index or data, wrapping) is associative, so that is
// exact. Float addition and multiplication are not: each operation rounds,
// so the new grouping can give a different result. Exo has no guard (it
// treats data as reals); here a float reassociation needs fast_math=True.
#include "ir/Printer.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

Value leftReassociateExpr(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "left_reassociate_expr";
  ExprRef ref = exprArg(state, args[0], args.locs[0], directive);
  bool fastMath = fastMathArg(args[1], args.locs[1]);
  const Stmt& stmt = stmtAt(state.proc(), ref.stmt);
  const BinOp* outer = ref.expr->as<BinOp>();
  if (!outer || (outer->op != BinOpKind::Add && outer->op != BinOpKind::Mul))
    refuse(call.loc, directive,
           "only '+' or '*' can be reassociated, got '" + printExpr(ref.expr) + "' in:", {stmt});
  const BinOp* inner = outer->b->as<BinOp>();
  if (!inner || inner->op != outer->op)
    refuse(call.loc, directive,
           std::string("the right operand of '") + printExpr(ref.expr) +
               "' must be the same operation ('" + binOpSpelling(outer->op) + "')",
           {stmt});
  if (isFloat(ref.expr->type) && !fastMath)
    refuse(call.loc, directive,
           "reassociating " + operationWord(outer->op, ref.expr->type) +
               " can change the result (pass fast_math=True to allow)",
           {stmt});
  Expr grouped = isNumeric(ref.expr->type)
                     ? makeArith(outer->op, outer->a, inner->a, outer->a->loc)
                     : BinOp::make(outer->op, outer->a, inner->a, outer->a->loc);
  Expr rewritten = remakeBinOp(outer->op, grouped, inner->b, ref.expr->type, ref.expr->loc);
  state.commit(replaceStmt(state.proc(), ref.stmt, {replaceExprAt(stmt, ref.path, rewritten)}),
               directive, call.loc);
  return Value::none();
}

} // namespace

void registerLeftReassociateExpr(PrimitiveRegistry& registry) {
  registry.add({"left_reassociate_expr",
                {{"expr", std::nullopt}, {"fast_math", Value::fromBool(false)}},
                leftReassociateExpr});
}

} // namespace schedc::sched
