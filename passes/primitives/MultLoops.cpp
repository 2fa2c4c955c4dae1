// mult_loops(nested_loops, new_iter_name): the inverse of divide_loop.
//
//   for i in seq(0, e):
//       for j in seq(0, c):      c a constant
//           s
//   ->
//   for k in seq(0, e * c):
//       s[i -> k / c, j -> k % c]
//
// k runs through the pairs (i, j) in the original (lexicographic) order, so
// no check is needed beyond the shape: both loops start at 0 and the inner
// bound is a positive constant.
//
// Forwarding: the new loop keeps the outer loop's identity, the body
// statements keep theirs; the inner loop is gone. Returns the new loop.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "mult_loops";

static Value multLoops(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = nestedLoopArg(state, args[0], args.locs[0], kDirective);
  std::string name = identifierArg(args[1], args.locs[1], kDirective, "new_iter_name");
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);
  const For* outer = stmt->as<For>();
  const For* inner = outer->body[0]->as<For>();

  std::optional<int64_t> extent = constValue(inner->hi);
  if (!extent)
    refuse(call.loc, kDirective,
           "expected the inner loop to have a constant bound, got " + printExpr(inner->hi), {stmt});
  if (*extent < 1)
    refuse(call.loc, kDirective,
           "expected the inner loop to have a positive bound, got " + std::to_string(*extent),
           {stmt});
  if (constValue(inner->lo) != 0 || constValue(outer->lo) != 0)
    refuse(call.loc, kDirective,
           "expected the inner and outer loops to have a constant lower bound of 0, got " +
               printExpr(inner->lo) + " and " + printExpr(outer->lo),
           {stmt});

  Sym iter = Sym::fresh(name);
  Expr c = inner->hi;
  Expr k = varRead(iter, outer->loc);
  Block body =
      substitute(inner->body, {{outer->iter.id(), divE(k, c)}, {inner->iter.id(), modE(k, c)}});
  // Iterations of a par loop may run in any order; the product keeps that
  // freedom only when both loops had it.
  LoopMode mode =
      outer->mode == LoopMode::Par && inner->mode == LoopMode::Par ? LoopMode::Par : LoopMode::Seq;
  Stmt product = keepIdentity(
      For::make(iter, intConst(0), mulE(outer->hi, c), std::move(body), mode, outer->loc), *stmt);
  uint64_t productId = product->id;

  size_t at = path.back().index;
  state.commit(replaceRange(proc, blockOf(path), at, at + 1, {std::move(product)}), kDirective,
               call.loc);
  return stmtCursor(state, productId);
}

PrimitiveSpec multLoopsPrimitive() {
  return PrimitiveSpec{
      "mult_loops", {{"nested_loops", std::nullopt}, {"new_iter_name", std::nullopt}}, multLoops};
}

} // namespace schedc::sched
