// cut_loop(loop_cursor, cut_point)
//
//   for i in seq(lo, hi): s
//   ->
//   for i in seq(lo, cut): s
//   for i in seq(cut, hi): s        (a fresh copy)
//
// Checked: lo <= cut <= hi where the loop stands; then the two loops run
// exactly the original iterations in the original order.
//
// Forwarding: the first loop keeps the loop's identity (and the body
// statements theirs); the second loop is a copy with new identities and
// fresh binders. Returns (first, second), so `a, b = cut_loop(...)` works.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "cut_loop";

static Value cutLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  Expr cut = newExprArg(state, args[1], blockOf(path), args.locs[1], kDirective);
  if (!isIndexLike(cut->type))
    refuse(args.locs[1], kDirective, "the cut point must be an index expression");
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  {
    ContextScope context(state, blockOf(path));
    if (!context.prove(cmpE(BinOpKind::Le, loop->lo, cut)))
      refuse(call.loc, kDirective,
             "cannot prove that the cut point " + printExpr(cut) +
                 " is at least the loop's lower bound " + printExpr(loop->lo),
             {stmt});
    if (!context.prove(cmpE(BinOpKind::Le, cut, loop->hi)))
      refuse(call.loc, kDirective,
             "cannot prove that the cut point " + printExpr(cut) +
                 " is at most the loop's upper bound " + printExpr(loop->hi),
             {stmt});
  }

  Stmt firstPart =
      keepIdentity(For::make(loop->iter, loop->lo, cut, loop->body, loop->mode, loop->loc), *stmt);
  Block secondPart =
      freshCopy({For::make(loop->iter, cut, loop->hi, loop->body, loop->mode, loop->loc)});
  uint64_t firstId = firstPart->id, secondId = secondPart[0]->id;

  size_t at = path.back().index;
  state.commit(replaceRange(proc, blockOf(path), at, at + 1,
                            {std::move(firstPart), std::move(secondPart[0])}),
               kDirective, call.loc);
  return Value::newTuple({stmtCursor(state, firstId), stmtCursor(state, secondId)});
}

PrimitiveSpec cutLoopPrimitive() {
  return PrimitiveSpec{
      "cut_loop", {{"loop_cursor", std::nullopt}, {"cut_point", std::nullopt}}, cutLoop};
}

} // namespace schedc::sched
