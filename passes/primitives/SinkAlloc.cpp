// sink_alloc(alloc_cursor)
//
//   y: T[shape]                for j in seq(lo, hi):
//   for j in seq(lo, hi):  ->      y: T[shape]
//       body                       body
//
// (for an if: into the branch that uses it; refused when both do.)
// The statement right after the allocation must be a loop or an if, and no
// statement after that one may use the buffer. The inverse of lift_alloc,
// with the same check in the other direction: inside a loop the buffer now
// starts fresh in every iteration, so no read in the body may depend on a
// value an earlier iteration left (firstCarriedRead). Exo checks only the
// uses after the scope.
//
// Forwarding: the allocation keeps its identity. Returns nothing.
#include "passes/Dependence.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "sink_alloc";

static Value sinkAlloc(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const std::string& name = alloc->name.name();
  const Block& block = blockAt(*current, blockOf(path));
  size_t position = path.back().index;
  if (position + 1 >= block.size() ||
      !(block[position + 1]->as<For>() || block[position + 1]->as<If>()))
    refuse(call.loc, kDirective,
           "the statement after '" + name + "' must be a loop or an if to sink it into", {stmt});
  const Stmt& scope = block[position + 1];
  for (size_t k = position + 2; k < block.size(); ++k)
    if (usesBuffer({block[k]}, alloc->name))
      refuse(call.loc, kDirective,
             "'" + name + "' is used after the " + (scope->as<For>() ? "loop" : "if"), {block[k]});

  Stmt sunk;
  if (const For* loop = scope->as<For>()) {
    Path loopPath = path;
    loopPath.back().index = position + 1;
    {
      SolverScope context(state.solver());
      assumeContext(state.solver(), *current, BlockLoc{loopPath, Branch::Body});
      if (Stmt carried = firstCarriedRead(state.solver(), loop->body, alloc->name))
        refuse(call.loc, kDirective,
               "'" + name + "' would lose the value one iteration of '" + loop->iter.name() +
                   "' leaves for the next",
               {carried});
    }
    Block body{stmt};
    body.insert(body.end(), loop->body.begin(), loop->body.end());
    sunk = withBlock(scope, Branch::Body, std::move(body));
  } else {
    const If* branch = scope->as<If>();
    if (usesBuffer({If::make(branch->cond, {Pass::make()})}, alloc->name))
      refuse(call.loc, kDirective, "the condition of the if reads '" + name + "'", {scope});
    bool inBody = usesBuffer(branch->body, alloc->name);
    bool inElse = usesBuffer(branch->orelse, alloc->name);
    // Into the branch that uses it; one allocation cannot serve both.
    if (inBody && inElse)
      refuse(call.loc, kDirective, "'" + name + "' is used in both branches of the if", {scope});
    Branch where = inElse ? Branch::OrElse : Branch::Body;
    const Block& old = inElse ? branch->orelse : branch->body;
    Block target{stmt};
    target.insert(target.end(), old.begin(), old.end());
    sunk = withBlock(scope, where, std::move(target));
  }
  state.commit(replaceRange(*current, blockOf(path), position, position + 2, {std::move(sunk)}),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec sinkAllocPrimitive() {
  return PrimitiveSpec{"sink_alloc", {{"alloc_cursor", std::nullopt}}, sinkAlloc};
}

} // namespace schedc::sched
