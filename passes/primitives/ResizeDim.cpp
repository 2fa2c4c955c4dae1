// resize_dim(alloc_cursor, dim_idx, size, offset, fold=False)
//
//   y: T[.., n, ..]            ->   y: T[.., size, ..]
//   ... y[.., e, ..] ...            ... y[.., e - offset, ..] ...
//
// A shift of one coordinate is one-to-one, so every access reaches its own
// element as before, provided it stays in the new extent: commit() re-proves
// every access in bounds and refuses the directive otherwise. size and
// offset are new expressions in the allocation's scope. fold=True (Exo's
// circular buffers, which reuse elements) is refused: it needs a liveness
// proof this pass does not make.
//
// Forwarding: every statement keeps its identity. Returns nothing.
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "resize_dim";

static Value resizeDim(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t dimIndex = args[1].requireInt(args.locs[1], "dim_idx");
  Expr size = newExprArg(state, args[2], blockOf(path), args.locs[2], kDirective);
  Expr offset = newExprArg(state, args[3], blockOf(path), args.locs[3], kDirective);
  if (args[4].requireBool(args.locs[4], "fold"))
    refuse(args.locs[4], kDirective, "fold=True is not supported (it would reuse elements)");
  ProcPtr current = state.procPtr();
  const Alloc* alloc = stmtAt(*current, path)->as<Alloc>();
  if (dimIndex < 0 || dimIndex >= static_cast<int64_t>(alloc->shape.size()))
    refuse(args.locs[1], kDirective,
           "'" + alloc->name.name() + "' has " + std::to_string(alloc->shape.size()) +
               " dimension(s); there is no dimension " + std::to_string(dimIndex));
  auto dim = static_cast<size_t>(dimIndex);
  std::vector<Expr> shape = alloc->shape;
  shape[dim] = size;
  IndexMap shift = [&](const std::vector<Expr>& idx) {
    std::vector<Expr> out = idx;
    out[dim] = subE(idx[dim], offset);
    return out;
  };
  state.commit(relayoutBuffer(*current, path, std::move(shape), shift, call.loc, kDirective),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec resizeDimPrimitive() {
  return PrimitiveSpec{"resize_dim",
                       {{"alloc_cursor", std::nullopt},
                        {"dim_idx", std::nullopt},
                        {"size", std::nullopt},
                        {"offset", std::nullopt},
                        {"fold", Value::fromBool(false)}},
                       resizeDim};
}

} // namespace schedc::sched
