// divide_with_recompute(loop_cursor, outer_hi, outer_stride, new_iters)
//
//   for i in seq(0, N): s
//   ->
//   for io in seq(0, outer_hi):
//       for ii in seq(0, outer_stride + (N - outer_hi * outer_stride)):
//           s[i -> io * outer_stride + ii]
//
// Consecutive outer iterations overlap, so some iterations of s run twice
// and not in the original order. Exo checks that the body is idempotent;
// here the whole loop must be (nothing any iteration writes is read or
// reduced by any iteration), since reordering also exposes reads across
// iterations. Then every run of an iteration writes the same values, and
// for a location written by several iterations the highest one still
// writes last (it ends the last outer iteration that reaches it). Also required: outer_hi *
// outer_stride <= N (the inner loop covers the rest) and outer_hi >= 1 when
// the loop runs at all (else nothing would run).
//
// Forwarding: the outer loop keeps the loop's identity and the body
// statements keep theirs; the inner loop is new. Returns (outer, inner).
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "divide_with_recompute";

static Value divideWithRecompute(ScheduleState& state, const BoundArgs& args,
                                 const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  Expr outerHi = newExprArg(state, args[1], blockOf(path), args.locs[1], kDirective);
  if (!isIndexLike(outerHi->type))
    refuse(args.locs[1], kDirective, "outer_hi must be an index expression");
  int64_t strideValue = positiveIntArg(args[2], args.locs[2], kDirective, "outer_stride");
  auto [outerName, innerName] = twoNamesArg(args[3], args.locs[3], kDirective, "new_iters");

  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  const Expr& n = loop->hi;
  Expr stride = intConst(strideValue, loop->loc);

  // What the whole outer blocks cover; `e / s * s` is spelled `e - e % s`
  // as Exo does.
  Expr covered;
  const BinOp* div = outerHi->as<BinOp>();
  if (div && div->op == BinOpKind::Div && constValue(div->b) == strideValue)
    covered = subE(div->a, modE(div->a, stride));
  else
    covered = mulE(outerHi, stride);
  Expr recompute = subE(n, covered);

  // The whole loop, not one iteration: iterations run again after later
  // ones, so no iteration may read what another one writes.
  if (auto problem = idempotenceProblem(proc, state.solver(), path, {stmt}))
    refuse(call.loc, kDirective, "the loop is not idempotent: " + *problem, {stmt});
  {
    ContextScope context(state, blockOf(path));
    if (!context.prove(cmpE(BinOpKind::Eq, loop->lo, intConst(0))))
      refuse(call.loc, kDirective,
             "expected the lower bound of the loop to be zero, got " + printExpr(loop->lo), {stmt});
    if (!context.prove(cmpE(BinOpKind::Ge, recompute, intConst(0))))
      refuse(call.loc, kDirective,
             "outer_hi * outer_stride may exceed the loop's upper bound " + printExpr(n), {stmt});
    Expr runs = cmpE(BinOpKind::Ge, outerHi, intConst(1));
    Expr neverRuns = cmpE(BinOpKind::Le, n, intConst(0));
    if (!context.prove(foldNode(BinOp::make(BinOpKind::Or, runs, neverRuns))))
      refuse(call.loc, kDirective,
             "cannot prove that outer_hi " + printExpr(outerHi) +
                 " is at least 1 (otherwise no iteration would run)",
             {stmt});
  }

  Sym outerIter = Sym::fresh(outerName), innerIter = Sym::fresh(innerName);
  Expr index = addE(mulE(varRead(outerIter, loop->loc), stride), varRead(innerIter, loop->loc));
  Stmt inner =
      For::make(innerIter, intConst(0), addE(stride, recompute),
                substitute(loop->body, {{loop->iter.id(), index}}), LoopMode::Seq, loop->loc);
  uint64_t innerId = inner->id;
  Stmt outer = keepIdentity(
      For::make(outerIter, intConst(0), outerHi, {std::move(inner)}, LoopMode::Seq, loop->loc),
      *stmt);
  uint64_t outerId = outer->id;

  size_t at = path.back().index;
  state.commit(replaceRange(proc, blockOf(path), at, at + 1, {std::move(outer)}), kDirective,
               call.loc);
  return Value::newTuple({stmtCursor(state, outerId), stmtCursor(state, innerId)});
}

PrimitiveSpec divideWithRecomputePrimitive() {
  return PrimitiveSpec{"divide_with_recompute",
                       {{"loop_cursor", std::nullopt},
                        {"outer_hi", std::nullopt},
                        {"outer_stride", std::nullopt},
                        {"new_iters", std::nullopt}},
                       divideWithRecompute};
}

} // namespace schedc::sched
