// join_loops(loop1_cursor, loop2_cursor)
//
//   for i in seq(lo, mid): s
//   for j in seq(mid, hi): s[i -> j]
//   ->
//   for i in seq(lo, hi): s
//
// Checked: the second loop directly follows the first, the bodies are the
// same up to the loop variable, the first loop's upper bound equals the
// second's lower bound, and lo <= mid <= hi (otherwise one of the loops runs
// nothing and the joined loop would run iterations it never ran).
//
// Forwarding: the joined loop keeps the first loop's identity (and its body
// statements theirs); the second loop is gone. Returns the joined loop.
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "join_loops";

static Value joinLoops(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path firstPath = loopArg(state, args[0], args.locs[0], kDirective);
  Path secondPath = loopArg(state, args[1], args.locs[1], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& firstStmt = stmtAt(proc, firstPath);
  const Stmt& secondStmt = stmtAt(proc, secondPath);
  const For* first = firstStmt->as<For>();
  const For* second = secondStmt->as<For>();

  if (!(blockOf(firstPath) == blockOf(secondPath)) ||
      secondPath.back().index != firstPath.back().index + 1)
    refuse(call.loc, kDirective, "expected the second loop to be directly after the first",
           {firstStmt, secondStmt});
  if (first->mode != second->mode)
    refuse(call.loc, kDirective, "expected both loops to be seq or both to be par",
           {firstStmt, secondStmt});
  SymMap iters;
  iters.bind(first->iter, second->iter);
  if (!blocksEqual(first->body, second->body, iters))
    refuse(call.loc, kDirective, "expected the two loops to have identical bodies",
           {firstStmt, secondStmt});
  {
    ContextScope context(state, blockOf(firstPath));
    if (!context.prove(cmpE(BinOpKind::Eq, first->hi, second->lo)))
      refuse(call.loc, kDirective,
             "expected the first loop's upper bound " + printExpr(first->hi) +
                 " to be the same as the second loop's lower bound " + printExpr(second->lo),
             {firstStmt, secondStmt});
    if (!context.prove(cmpE(BinOpKind::Le, first->lo, first->hi)) ||
        !context.prove(cmpE(BinOpKind::Le, second->lo, second->hi)))
      refuse(call.loc, kDirective,
             "cannot prove that " + printExpr(first->lo) + " <= " + printExpr(first->hi) + " <= " +
                 printExpr(second->hi) + " (otherwise the joined loop runs other iterations)",
             {firstStmt, secondStmt});
  }

  Stmt joined = keepIdentity(
      For::make(first->iter, first->lo, second->hi, first->body, first->mode, first->loc),
      *firstStmt);
  uint64_t joinedId = joined->id;
  size_t at = firstPath.back().index;
  state.commit(replaceRange(proc, blockOf(firstPath), at, at + 2, {std::move(joined)}), kDirective,
               call.loc);
  return stmtCursor(state, joinedId);
}

PrimitiveSpec joinLoopsPrimitive() {
  return PrimitiveSpec{
      "join_loops", {{"loop1_cursor", std::nullopt}, {"loop2_cursor", std::nullopt}}, joinLoops};
}

} // namespace schedc::sched
