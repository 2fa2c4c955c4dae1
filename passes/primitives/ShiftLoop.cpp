// shift_loop(loop_cursor, new_lo)
//
//   for i in seq(lo, hi): s
//   ->
//   for i in seq(new_lo, new_lo + (hi - lo)): s[i -> i + (lo - new_lo)]
//
// The same iterations in the same order, renumbered; Exo only requires that
// the new lower bound is non-negative (0 <= new_lo) where the loop stands.
//
// Forwarding: the loop and its body statements keep their identities.
// Returns None (nothing is introduced).
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "shift_loop";

static Value shiftLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  Expr newLo = newExprArg(state, args[1], blockOf(path), args.locs[1], kDirective);
  if (!isIndexLike(newLo->type))
    refuse(args.locs[1], kDirective, "new_lo must be an index expression");
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  {
    ContextScope context(state, blockOf(path));
    if (!context.prove(cmpE(BinOpKind::Ge, newLo, intConst(0))))
      refuse(call.loc, kDirective,
             "cannot prove that the new lower bound " + printExpr(newLo) + " is non-negative",
             {stmt});
  }

  Expr oldIndex = addE(varRead(loop->iter, loop->loc), subE(loop->lo, newLo));
  Stmt shifted = keepIdentity(For::make(loop->iter, newLo, addE(newLo, subE(loop->hi, loop->lo)),
                                        substitute(loop->body, {{loop->iter.id(), oldIndex}}),
                                        loop->mode, loop->loc),
                              *stmt);

  size_t at = path.back().index;
  state.commit(replaceRange(proc, blockOf(path), at, at + 1, {std::move(shifted)}), kDirective,
               call.loc);
  return Value::none();
}

PrimitiveSpec shiftLoopPrimitive() {
  return PrimitiveSpec{
      "shift_loop", {{"loop_cursor", std::nullopt}, {"new_lo", std::nullopt}}, shiftLoop};
}

} // namespace schedc::sched
