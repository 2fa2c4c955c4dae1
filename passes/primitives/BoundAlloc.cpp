// bound_alloc(alloc_cursor, bounds)
//
//   y: T[n0, n1]   ->   y: T[b0, n1]        (bounds [b0, None])
//
// New extents for some dimensions (None keeps one), as new expressions in
// the allocation's scope. Every access keeps its coordinates, so it reaches
// its own element as before as long as it stays in the new shape: commit()
// re-proves every access in bounds and refuses the directive otherwise.
// Windows, whole-buffer arguments and strides see the layout and are refused
// (relayoutBuffer).
//
// Forwarding: every statement keeps its identity. Returns nothing.
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"

namespace schedc::sched {

static const char* const kDirective = "bound_alloc";

static Value boundAlloc(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr();
  const Alloc* alloc = stmtAt(*current, path)->as<Alloc>();
  const std::vector<Value>* bounds = args[1].sequenceItems();
  if (!bounds || bounds->size() != alloc->shape.size())
    refuse(args.locs[1], kDirective,
           "bounds must be a list of " + std::to_string(alloc->shape.size()) +
               " extent(s) or None, one per dimension of '" + alloc->name.name() + "'");
  std::vector<Expr> shape = alloc->shape;
  for (size_t d = 0; d < shape.size(); ++d)
    if (!(*bounds)[d].isNone())
      shape[d] = newExprArg(state, (*bounds)[d], blockOf(path), args.locs[1], kDirective);
  IndexMap same = [](const std::vector<Expr>& idx) { return idx; };
  state.commit(relayoutBuffer(*current, path, std::move(shape), same, call.loc, kDirective),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec boundAllocPrimitive() {
  return PrimitiveSpec{
      "bound_alloc", {{"alloc_cursor", std::nullopt}, {"bounds", std::nullopt}}, boundAlloc};
}

} // namespace schedc::sched
