// mult_dim(alloc_cursor, hi_dim_idx, lo_dim_idx)
//
//   y: T[.., n, .., c, ..]        ->   y: T[.., n * c, .., ..]
//   ... y[.., h, .., l, ..] ...        ... y[.., c * h + l, .., ..] ...
//
// A new layout of the same elements: for 0 <= l < c, (h, l) -> c * h + l is
// one-to-one, so every access reaches its own element as before. The lo
// dimension's extent c must be a constant (as in Exo). Refused when it is
// not, when the two dimensions are the same, or when a window, a
// whole-buffer argument or a stride sees the layout (relayoutBuffer).
//
// Forwarding: every statement keeps its identity. Returns nothing.
#include "ir/Printer.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "mult_dim";

static Value multDim(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t hiIndex = args[1].requireInt(args.locs[1], "hi_dim_idx");
  int64_t loIndex = args[2].requireInt(args.locs[2], "lo_dim_idx");
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const std::string& name = alloc->name.name();
  auto rank = static_cast<int64_t>(alloc->shape.size());
  for (size_t k = 1; k <= 2; ++k) {
    int64_t d = k == 1 ? hiIndex : loIndex;
    if (d < 0 || d >= rank)
      refuse(args.locs[k], kDirective,
             "'" + name + "' has " + std::to_string(rank) +
                 " dimension(s); there is no dimension " + std::to_string(d));
  }
  if (hiIndex == loIndex)
    refuse(args.locs[2], kDirective, "hi_dim_idx and lo_dim_idx must be different dimensions");
  auto hi = static_cast<size_t>(hiIndex), lo = static_cast<size_t>(loIndex);
  std::optional<int64_t> loExtent = constValue(alloc->shape[lo]);
  if (!loExtent)
    refuse(call.loc, kDirective,
           "dimension " + std::to_string(lo) + " of '" + name + "' has extent `" +
               printExpr(alloc->shape[lo]) + "`, which is not a constant",
           {stmt});
  Expr c = intConst(*loExtent);
  std::vector<Expr> shape = alloc->shape;
  shape[hi] = mulE(shape[hi], c);
  shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(lo));
  IndexMap merge = [&](const std::vector<Expr>& idx) {
    std::vector<Expr> out = idx;
    out[hi] = addE(mulE(c, idx[hi]), idx[lo]);
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(lo));
    return out;
  };
  state.commit(relayoutBuffer(*current, path, std::move(shape), merge, call.loc, kDirective),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec multDimPrimitive() {
  return PrimitiveSpec{
      "mult_dim",
      {{"alloc_cursor", std::nullopt}, {"hi_dim_idx", std::nullopt}, {"lo_dim_idx", std::nullopt}},
      multDim};
}

} // namespace schedc::sched
