// lift_alloc(alloc_cursor, n_lifts=1)
//
//   for j in seq(lo, hi):          y: T[shape]
//       ...                   ->   for j in seq(lo, hi):
//       y: T[shape]                    ...
//       rest                           rest
//
// (the same for an if), n_lifts times. Exo checks only that the shape does
// not depend on the loop variable. Here the rewrite must also keep every
// value: a buffer allocated inside the loop starts each iteration fresh, so
// no read can see a value from an earlier iteration; after the lift it
// could. So every read of y in the body must provably read a location that
// was written earlier in the same iteration (firstCarriedRead, a must-write
// analysis in BufferPrimitives.cpp).
// Leaving an if needs no such check: the buffer is simply alive longer.
// Leaving a parallel loop is refused: its iterations would share the buffer.
//
// Forwarding: the allocation keeps its identity (it is the same statement,
// moved). Returns nothing.
#include "ir/Printer.h"
#include "passes/Dependence.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "lift_alloc";

static Value liftAlloc(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t lifts = positiveIntArg(args[1], args.locs[1], kDirective, "n_lifts");

  ProcPtr current = state.procPtr();
  for (int64_t lift = 0; lift < lifts; ++lift) {
    const Stmt allocStmt = stmtAt(*current, path);
    const Alloc* alloc = allocStmt->as<Alloc>();
    const std::string& name = alloc->name.name();
    if (path.size() < 2)
      refuse(call.loc, kDirective,
             "'" + name +
                 "' is allocated at the top of the proc; there is no scope to lift it out of",
             {allocStmt});
    Path parent = parentPath(path);
    const Stmt& scope = stmtAt(*current, parent);
    if (const For* loop = scope->as<For>()) {
      if (loop->mode == LoopMode::Par)
        refuse(call.loc, kDirective,
               "'" + name + "' would be shared by the parallel iterations of '" +
                   loop->iter.name() + "'",
               {allocStmt});
      for (const Expr& extent : alloc->shape)
        if (usesVar(extent, loop->iter))
          refuse(call.loc, kDirective,
                 "the shape of '" + name + "' depends on '" + loop->iter.name() + "'", {allocStmt});
      // One iteration of the body, from the allocation on.
      const Block& body = loop->body;
      Block rest(body.begin() + static_cast<std::ptrdiff_t>(path.back().index) + 1, body.end());
      // (The context of the proc being rewritten, not of the state's proc:
      // an earlier lift of this call may already have moved things.)
      SolverScope context(state.solver());
      assumeContext(state.solver(), *current, blockOf(path));
      if (Stmt carried = firstCarriedRead(state.solver(), rest, alloc->name))
        refuse(call.loc, kDirective,
               "'" + name + "' would carry a value from one iteration of '" + loop->iter.name() +
                   "' to the next",
               {carried});
    }
    // Remove the allocation, then put it right before its old scope.
    size_t position = path.back().index;
    ProcPtr without = replaceInBlock(*current, blockOf(path), position, position + 1, {});
    size_t scopeIndex = parent.back().index;
    current = replaceRange(*without, blockOf(parent), scopeIndex, scopeIndex, {allocStmt});
    path = parent;
  }
  state.commit(current, kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec liftAllocPrimitive() {
  return PrimitiveSpec{
      "lift_alloc", {{"alloc_cursor", std::nullopt}, {"n_lifts", Value::fromInt(1)}}, liftAlloc};
}

} // namespace schedc::sched
