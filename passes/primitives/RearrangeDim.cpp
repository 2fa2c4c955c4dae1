// rearrange_dim(alloc_cursor, permute_vector)
//
//   y: T[n0, n1, n2]           ->   y: T[n2, n0, n1]        (permute_vector [2, 0, 1])
//   ... y[a, b, c] ...              ... y[c, a, b] ...
//
// The same elements in another order of dimensions: a permutation of the
// coordinates is one-to-one. Refused unless permute_vector is a permutation
// of the dimensions, or when a window, a whole-buffer argument or a stride
// sees the layout (relayoutBuffer).
//
// Forwarding: every statement keeps its identity. Returns nothing.
#include "passes/primitives/BufferPrimitives.h"

#include <algorithm>

namespace schedc::sched {

static const char* const kDirective = "rearrange_dim";

static Value rearrangeDim(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  size_t rank = alloc->shape.size();
  std::vector<size_t> order;
  if (const std::vector<Value>* items = args[1].sequenceItems())
    for (const Value& item : *items)
      if (std::optional<int64_t> d = item.intLike(); d && *d >= 0)
        order.push_back(static_cast<size_t>(*d));
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool permutation = args[1].sequenceItems() && order.size() == args[1].sequenceItems()->size() &&
                     order.size() == rank;
  for (size_t k = 0; permutation && k < rank; ++k)
    permutation = sorted[k] == k;
  if (!permutation)
    refuse(args.locs[1], kDirective,
           "permute_vector must list each of the " + std::to_string(rank) + " dimension(s) of '" +
               alloc->name.name() + "' once, got " + args[1].repr());

  std::vector<Expr> shape;
  for (size_t k = 0; k < rank; ++k)
    shape.push_back(alloc->shape[order[k]]);
  IndexMap permute = [&](const std::vector<Expr>& idx) {
    std::vector<Expr> out;
    for (size_t k = 0; k < rank; ++k)
      out.push_back(idx[order[k]]);
    return out;
  };
  state.commit(relayoutBuffer(*current, path, std::move(shape), permute, call.loc, kDirective),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec rearrangeDimPrimitive() {
  return PrimitiveSpec{"rearrange_dim",
                       {{"alloc_cursor", std::nullopt}, {"permute_vector", std::nullopt}},
                       rearrangeDim};
}

} // namespace schedc::sched
