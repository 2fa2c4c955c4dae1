// remove_loop(loop_cursor, unsafe_disable_check=False): replace a loop by
// its body (Exo's DoRemoveLoop).
//
//   for i in seq(a, b):        s
//       s               ->
//
// Legal when the body does not use i and is idempotent (Exo's
// Check_IsIdempotent: no location it modifies is read or reduced into by it,
// so a second run changes nothing), and when the loop provably runs at least
// once; where Exo would guard the body with `if a < b: s`, schedc refuses (see
// below). The statements of the body keep their identities; the loop's
// disappears.
#include "passes/primitives/OrderPrimitives.h"

namespace schedc::sched::order {

namespace {

const char* const kName = "remove_loop";

bool runsAtLeastOnce(const Proc& proc, Solver& solver, const Path& loopPath) {
  const For* loop = stmtAt(proc, loopPath)->as<For>();
  SolverScope scope(solver);
  DependenceAnalysis(proc, solver).assumeContext(loopPath);
  return solver.prove(solver.toZ3(loop->lo) < solver.toZ3(loop->hi));
}

std::string notIdempotent(const Conflict& c) {
  std::string buffer = "'" + c.buffer.name() + "'";
  if (c.firstKind == AccessKind::Reduce)
    return quoted(c.first) + " accumulates into " + buffer;
  if (c.first->id == c.second->id)
    return quoted(c.first) + " reads " + buffer + ", which it also writes";
  return quoted(c.second) + " reads " + buffer + ", which " + quoted(c.first) + " writes";
}

Value removeLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kName);
  // Kept for Exo compatibility, but schedc checks every rewrite.
  if (args[1].requireBool(args.locs[1], "unsafe_disable_check"))
    refuse(args.locs[1], kName,
           "unsafe_disable_check=True is not supported: schedc checks every rewrite");
  const bool check = true;
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  if (usesVar(loop->body, loop->iter))
    refuse(call.loc, kName, "the loop body uses '" + loop->iter.name() + "'", {stmt});
  if (check)
    if (auto conflict = checkIdempotent(proc, state.solver(), path, loop->body))
      refuseConflict(call.loc, kName,
                     "the loop body is not idempotent: " + notIdempotent(*conflict), *conflict);

  // Exo wraps the body in `if lo < hi:` here; schedc refuses instead, so that
  // remove_loop never adds control flow the user did not ask for.
  if (!runsAtLeastOnce(proc, state.solver(), path))
    refuse(call.loc, kName, "cannot prove the loop runs at least once", {stmt});
  state.commit(replaceStmt(proc, path, loop->body), kName, call.loc);
  return Value::none();
}

} // namespace

std::optional<Block> removableLoopBody(const Proc& proc, Solver& solver, const Path& loopPath) {
  const For* loop = stmtAt(proc, loopPath)->as<For>();
  if (usesVar(loop->body, loop->iter) || checkIdempotent(proc, solver, loopPath, loop->body) ||
      !runsAtLeastOnce(proc, solver, loopPath))
    return std::nullopt;
  return loop->body;
}

void registerRemoveLoop(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName,
                             {ParamSpec{"loop_cursor", std::nullopt},
                              ParamSpec{"unsafe_disable_check", Value::fromBool(false)}},
                             removeLoop});
}

} // namespace schedc::sched::order
