// unroll_loop(loop_cursor)
//
//   for i in seq(lo, lo + 3): s
//   ->
//   s[i -> lo]
//   s[i -> lo + 1]
//   s[i -> lo + 2]
//
// Needs a constant trip count (Exo: constant bounds; here hi - lo only has
// to simplify to a constant, e.g. seq(4 * j, 4 * j + 4)). No other check:
// the copies run the iterations in the original order.
//
// Forwarding: the loop is gone (its cursor becomes invalid). The first copy
// of each body statement keeps the original's identity and binders; the other
// copies are new statements with fresh binders. Returns a block cursor over
// all the copies (None when the loop ran no iteration).
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "unroll_loop";

// More copies than this is surely a mistake (and a very large proc).
static constexpr int64_t kMaxUnroll = 4096;

// hi - lo when it is a constant, whatever the variables in lo and hi.
static std::optional<int64_t> tripCount(Solver& solver, const For& loop) {
  auto lo = constValue(loop.lo), hi = constValue(loop.hi);
  if (lo && hi)
    return *hi - *lo;
  if (!Solver::isTranslatable(loop.lo) || !Solver::isTranslatable(loop.hi))
    return std::nullopt;
  z3::expr difference = (solver.toZ3Int(loop.hi) - solver.toZ3Int(loop.lo)).simplify();
  int64_t value = 0;
  if (difference.is_numeral() && difference.is_numeral_i64(value))
    return value;
  return std::nullopt;
}

static Value unrollLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();

  std::optional<int64_t> count = tripCount(state.solver(), *loop);
  if (!count)
    refuse(call.loc, kDirective,
           "expected loop '" + loop->iter.name() + "' to have a constant trip count, got seq(" +
               printExpr(loop->lo) + ", " + printExpr(loop->hi) + ")",
           {stmt});
  if (*count > kMaxUnroll)
    refuse(call.loc, kDirective,
           "loop '" + loop->iter.name() + "' has " + std::to_string(*count) +
               " iterations; unrolling more than " + std::to_string(kMaxUnroll) + " is refused",
           {stmt});

  Block unrolled;
  for (int64_t k = 0; k < *count; ++k) {
    std::map<uint64_t, Expr> value{{loop->iter.id(), addE(loop->lo, intConst(k, loop->loc))}};
    Block copy = k == 0 ? substitute(loop->body, value) : freshCopy(loop->body, value);
    for (Stmt& s : copy)
      unrolled.push_back(std::move(s));
  }
  std::vector<uint64_t> ids;
  for (const Stmt& s : unrolled)
    ids.push_back(s->id);

  size_t at = path.back().index;
  state.commit(replaceInBlock(proc, blockOf(path), at, at + 1, std::move(unrolled)), kDirective,
               call.loc);
  if (ids.empty())
    return Value::none();
  return blockCursor(state, std::move(ids));
}

PrimitiveSpec unrollLoopPrimitive() {
  return PrimitiveSpec{"unroll_loop", {{"loop_cursor", std::nullopt}}, unrollLoop};
}

} // namespace schedc::sched
