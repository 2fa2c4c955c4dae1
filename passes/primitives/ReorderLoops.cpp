// reorder_loops(nested_loops): interchange a loop and the loop that is its
// whole body (Exo's reorder_loops, which is lift_scope of the inner loop).
//
//   for i in seq(a, b):          for j in seq(c, d):
//       for j in seq(c, d):  ->      for i in seq(a, b):
//           s                            s
//
// Legal when the inner bounds do not mention i and no dependence between two
// iterations (i, j) < (i', j') of the nest with j' < j is reversed
// (checkInterchange). Each loop keeps its identity: a cursor to the i loop
// follows it inside.
#include "passes/primitives/OrderPrimitives.h"

#include <regex>

namespace schedc::sched::order {

namespace {

const char* const kName = "reorder_loops";

// Exo's shorthand "i j" (optionally "i j #n"): the n-th loop named i whose
// body starts with a loop named j. Anything else is a pattern or a cursor.
Path nestedLoopsArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc) {
  static const std::regex shorthand(R"(^\s*([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*(?:#\s*(\d+))?\s*$)");
  std::smatch m;
  if (!v.isStr() || !std::regex_match(v.asStr(), m, shorthand))
    return loopArg(state, v, argLoc, kName);
  std::string outer = m[1], inner = m[2];
  size_t wanted = m[3].matched ? std::stoul(m[3]) : 0;
  size_t seen = 0;
  for (const Located& l : allStmts(state.proc())) {
    const For* loop = l.stmt->as<For>();
    if (!loop || loop->iter.name() != outer || loop->body.empty())
      continue;
    const For* first = loop->body.front()->as<For>();
    if (first && first->iter.name() == inner && seen++ == wanted)
      return l.path;
  }
  refuse(argLoc, kName,
         "no loop '" + outer + "' with a loop '" + inner + "' directly inside" +
             (wanted ? " (match #" + std::to_string(wanted) + ")" : std::string()));
}

} // namespace

ProcPtr interchangeLoops(ScheduleState& state, const Path& outerPath, const SrcLoc& at,
                         const std::string& directive) {
  const Proc& proc = state.proc();
  const Stmt& outerStmt = stmtAt(proc, outerPath);
  const For* outer = outerStmt->as<For>();
  const std::string i = outer->iter.name();
  if (outer->body.size() != 1 || !outer->body.front()->as<For>())
    refuse(at, directive, "expected a single loop directly inside loop '" + i + "'", {outerStmt});
  const Stmt& innerStmt = outer->body.front();
  const For* inner = innerStmt->as<For>();
  const std::string j = inner->iter.name();
  if (usesVar(inner->lo, outer->iter) || usesVar(inner->hi, outer->iter))
    refuse(at, directive, "the bounds of loop '" + j + "' depend on '" + i + "'", {innerStmt});

  if (auto conflict = checkInterchange(proc, state.solver(), outerPath))
    refuseConflict(at, directive,
                   dependsOnEarlier(conflict->second, conflict->first, i) +
                       " (a dependence would be reversed)",
                   *conflict);

  Stmt newOuter = rebuildLoop(*inner, {rebuildLoop(*outer, inner->body)});
  ProcPtr next = replaceStmt(proc, outerPath, {newOuter});
  // A parallel outer loop stays parallel inside (its iterations touch
  // disjoint data for every j), but a parallel inner loop moved outside
  // must be checked again: only iterations with equal i were checked.
  if (inner->mode == LoopMode::Par)
    if (auto conflict = checkParallel(*next, state.solver(), outerPath))
      refuseConflict(at, directive,
                     "loop '" + j + "' would not be parallel outside loop '" + i +
                         "': " + dependsOnEarlier(conflict->second, conflict->first, j),
                     *conflict);
  return next;
}

void registerReorderLoops(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName,
                             {ParamSpec{"nested_loops", std::nullopt}},
                             [](ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
                               Path outer = nestedLoopsArg(state, args[0], args.locs[0]);
                               state.commit(interchangeLoops(state, outer, call.loc, kName), kName,
                                            call.loc);
                               return Value::none();
                             }});
}

} // namespace schedc::sched::order
