// divide_dim(alloc_cursor, dim_idx, quotient)
//
//   y: T[.., n, ..]        ->   y: T[.., n / q, q, ..]
//   ... y[.., e, ..] ...        ... y[.., e / q, e % q, ..] ...
//
// A new layout of the same elements: for 0 <= e < n, (e / q, e % q) is a
// one-to-one map onto [0, n / q) x [0, q) when q divides n, so every access
// reaches its own element as before. Refused unless n % q == 0 is provable
// where the buffer is allocated, or when a window, a whole-buffer argument
// or a stride sees the layout (relayoutBuffer).
//
// Forwarding: every statement keeps its identity. Returns nothing.
#include "ir/Printer.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "divide_dim";

static Value divideDim(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t dimIndex = args[1].requireInt(args.locs[1], "dim_idx");
  int64_t quotient = positiveIntArg(args[2], args.locs[2], kDirective, "quotient");
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  if (dimIndex < 0 || dimIndex >= static_cast<int64_t>(alloc->shape.size()))
    refuse(args.locs[1], kDirective,
           "'" + alloc->name.name() + "' has " + std::to_string(alloc->shape.size()) +
               " dimension(s); there is no dimension " + std::to_string(dimIndex));
  size_t dim = static_cast<size_t>(dimIndex);
  const Expr& extent = alloc->shape[dim];
  Expr q = intConst(quotient);
  {
    ContextScope context(state, blockOf(path));
    if (!context.prove(cmpE(BinOpKind::Eq, modE(extent, q), intConst(0))))
      refuse(call.loc, kDirective,
             "cannot prove that " + printExpr(extent) + " (dimension " + std::to_string(dim) +
                 " of '" + alloc->name.name() + "') is divisible by " + std::to_string(quotient),
             {stmt});
  }
  std::vector<Expr> shape = alloc->shape;
  shape[dim] = divE(extent, q);
  shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(dim) + 1, q);
  IndexMap split = [&](const std::vector<Expr>& idx) {
    std::vector<Expr> out = idx;
    out[dim] = divE(idx[dim], q);
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(dim) + 1, modE(idx[dim], q));
    return out;
  };
  state.commit(relayoutBuffer(*current, path, std::move(shape), split, call.loc, kDirective),
               kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec divideDimPrimitive() {
  return PrimitiveSpec{
      "divide_dim",
      {{"alloc_cursor", std::nullopt}, {"dim_idx", std::nullopt}, {"quotient", std::nullopt}},
      divideDim};
}

} // namespace schedc::sched
