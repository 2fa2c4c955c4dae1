// parallelize_loop(loop_cursor): `for i in seq(a, b)` -> `for i in par(a, b)`.
//
// Exo sets the loop mode here and checks at code generation; schedc checks
// now, as Exo's Check_ParallelizeLoop does: two different iterations must
// touch disjoint data, except for reading the same locations. Unlike a
// sequential reorder, two reductions into one location conflict (they would
// race). The loop keeps its identity.
#include "passes/primitives/OrderPrimitives.h"

namespace schedc::sched::order {

namespace {

const char* const kName = "parallelize_loop";

Value parallelizeLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kName);
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  if (auto conflict = checkParallel(proc, state.solver(), path))
    refuseConflict(call.loc, kName,
                   dependsOnEarlier(conflict->second, conflict->first, loop->iter.name()) +
                       " (a loop-carried dependence)",
                   *conflict);
  Stmt parallel = keepIdentity(
      For::make(loop->iter, loop->lo, loop->hi, loop->body, LoopMode::Par, loop->loc), *stmt);
  state.commit(replaceStmt(proc, path, {parallel}), kName, call.loc);
  return Value::none();
}

} // namespace

void registerParallelizeLoop(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName, {ParamSpec{"loop_cursor", std::nullopt}}, parallelizeLoop});
}

} // namespace schedc::sched::order
