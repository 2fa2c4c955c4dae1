// insert_pass(gap_cursor)
//
//   s1; s2   ->   s1; pass; s2       (at the gap)
//
// Always legal. Returns the new `pass` statement.
#include "passes/primitives/LoopPrimitives.h"

namespace schedc::sched {

static const char* const kDirective = "insert_pass";

static Value insertPass(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Gap gap = gapArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  Stmt pass = Pass::make(call.loc);
  uint64_t passId = pass->id;
  state.commit(replaceRange(*current, gap.block, gap.index, gap.index, {std::move(pass)}),
               kDirective, call.loc);
  return stmtCursor(state, passId);
}

PrimitiveSpec insertPassPrimitive() {
  return PrimitiveSpec{"insert_pass", {{"gap_cursor", std::nullopt}}, insertPass};
}

} // namespace schedc::sched
