// fuse(stmt1, stmt2, unsafe_disable_check=False): merge two adjacent loops
// with the same bounds, or two adjacent ifs with the same condition (Exo's
// DoFuseLoop and DoFuseIf).
//
//   for i in seq(a, b):          for i in seq(a, b):
//       s1                ->         s1
//   for j in seq(a, b):              s2[j -> i]
//       s2
//
// Equal bounds (conditions) are proved in context. Loop fusion is fission
// backwards, so it is legal exactly when splitting the fused loop between
// s1 and s2 would be (checkFission). Fusing ifs needs no dependence check:
// the condition only reads control values, which s1 cannot change. The
// first statement keeps its identity; the second's disappears (the
// statements of its body keep theirs). Returns a cursor to the fused one.
#include "passes/primitives/OrderPrimitives.h"

#include "ir/Printer.h"

namespace schedc::sched::order {

namespace {

const char* const kName = "fuse";

// `a` then `b`, without `pass` placeholders unless nothing else is left.
Block concat(const Block& a, const Block& b) {
  Block out;
  for (const Block* part : {&a, &b})
    for (const Stmt& s : *part)
      if (!s->as<Pass>())
        out.push_back(s);
  if (out.empty() && !(a.empty() && b.empty()))
    out.push_back(Pass::make());
  return out;
}

std::string rangeText(const For& loop) {
  return std::string(loop.mode == LoopMode::Par ? "par(" : "seq(") + printExpr(loop.lo) + ", " +
         printExpr(loop.hi) + ")";
}

Stmt fuseLoops(ScheduleState& state, const Path& firstPath, const Stmt& firstStmt,
               const Stmt& secondStmt, bool check, const SrcLoc& at) {
  const Proc& proc = state.proc();
  Solver& solver = state.solver();
  const For* first = firstStmt->as<For>();
  const For* second = secondStmt->as<For>();
  if (first->mode != second->mode)
    refuse(at, kName,
           "cannot fuse loops over " + rangeText(*first) + " and " + rangeText(*second) +
               ": one is parallel, the other is not",
           {firstStmt, secondStmt});
  bool sameBounds = false;
  {
    SolverScope scope(solver);
    DependenceAnalysis(proc, solver).assumeContext(firstPath);
    sameBounds = solver.prove(solver.toZ3(first->lo) == solver.toZ3(second->lo) &&
                              solver.toZ3(first->hi) == solver.toZ3(second->hi));
  }
  if (!sameBounds)
    refuse(at, kName,
           "the loops have different bounds: '" + first->iter.name() + "' in " + rangeText(*first) +
               ", '" + second->iter.name() + "' in " + rangeText(*second),
           {firstStmt, secondStmt});

  Block secondBody =
      substituteVar(second->body, second->iter, Read::make(first->iter, {}, ScalarType::Index));
  Stmt fused = rebuildLoop(*first, concat(first->body, secondBody));
  if (check)
    if (auto conflict =
            checkFission(proc, solver, firstPath, *fused->as<For>(), first->body, secondBody)) {
      // Show the second loop's statement as written, not with i for j.
      if (auto original = findStmt(proc, conflict->second->id))
        conflict->second = stmtAt(proc, *original);
      refuseConflict(at, kName,
                     quoted(conflict->second) + " depends on " + quoted(conflict->first) +
                         " from a later iteration of " + first->iter.name() +
                         " (a dependence would be reversed)",
                     *conflict);
    }
  return fused;
}

Stmt fuseIfs(ScheduleState& state, const Path& firstPath, const Stmt& firstStmt,
             const Stmt& secondStmt, const SrcLoc& at) {
  const If* first = firstStmt->as<If>();
  const If* second = secondStmt->as<If>();
  if (!Solver::isTranslatable(first->cond) || !Solver::isTranslatable(second->cond))
    refuse(at, kName, "cannot fuse ifs whose conditions read data", {firstStmt, secondStmt});
  Solver& solver = state.solver();
  bool sameCondition = false;
  {
    SolverScope scope(solver);
    DependenceAnalysis(state.proc(), solver).assumeContext(firstPath);
    sameCondition = solver.prove(solver.toZ3(first->cond) == solver.toZ3(second->cond));
  }
  if (!sameCondition)
    refuse(at, kName,
           "the conditions differ: '" + printExpr(first->cond) + "' and '" +
               printExpr(second->cond) + "'",
           {firstStmt, secondStmt});
  return keepIdentity(If::make(first->cond, concat(first->body, second->body),
                               concat(first->orelse, second->orelse), first->loc),
                      *firstStmt);
}

Value fuse(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path firstPath = stmtArg(state, args[0], args.locs[0], kName);
  Path secondPath = stmtArg(state, args[1], args.locs[1], kName);
  // Kept for Exo compatibility, but schedc checks every rewrite.
  if (args[2].requireBool(args.locs[2], "unsafe_disable_check"))
    refuse(args.locs[2], kName,
           "unsafe_disable_check=True is not supported: schedc checks every rewrite");
  const bool check = true;
  const Proc& proc = state.proc();
  Stmt first = stmtAt(proc, firstPath);
  Stmt second = stmtAt(proc, secondPath);
  bool loops = first->as<For>() && second->as<For>();
  if (!loops && !(first->as<If>() && second->as<If>()))
    refuse(call.loc, kName, "expected two loops or two ifs", {first, second});
  if (blockOf(firstPath) != blockOf(secondPath) ||
      secondPath.back().index != firstPath.back().index + 1)
    refuse(call.loc, kName, "the second statement does not directly follow the first",
           {first, second});

  Stmt fused = loops ? fuseLoops(state, firstPath, first, second, check, call.loc)
                     : fuseIfs(state, firstPath, first, second, call.loc);
  size_t index = firstPath.back().index;
  ProcPtr next = replaceRange(proc, blockOf(firstPath), index, index + 2, {fused});
  if (loops && first->as<For>()->mode == LoopMode::Par)
    if (auto conflict = checkParallel(*next, state.solver(), firstPath))
      refuseConflict(
          call.loc, kName,
          "the fused loop would not be parallel: " +
              dependsOnEarlier(conflict->second, conflict->first, first->as<For>()->iter.name()),
          *conflict);
  state.commit(next, kName, call.loc);
  return stmtCursor(state, fused->id);
}

} // namespace

void registerFuse(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName,
                             {ParamSpec{"stmt1", std::nullopt}, ParamSpec{"stmt2", std::nullopt},
                              ParamSpec{"unsafe_disable_check", Value::fromBool(false)}},
                             fuse});
}

} // namespace schedc::sched::order
