// divide_loop(loop_cursor, div_const, new_iters, tail="guard", perfect=False)
//
//   for i in seq(0, N): s
//   ->
//   for io in seq(0, outer_hi):
//       for ii in seq(0, q):
//           [if q * io + ii < N:]        tail="guard": outer_hi = (N + q - 1) / q
//               s[i -> q * io + ii]
//   [for ii in seq(0, N % q):            tail="cut": outer_hi = N / q
//       s[i -> q * (N / q) + ii]]        ("cut_and_guard": under `if N % q > 0:`)
//
// perfect=True: no tail at all, outer_hi = N / q; refused unless N % q == 0
// is provable where the loop stands. Legality otherwise needs no check: the
// iterations run exactly once each, in the original order.
//
// Forwarding: the outer loop keeps the loop's identity, the body statements
// keep theirs; the inner loop, the guard and the tail (a fresh copy) are new.
// Returns (outer, inner) cursors.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "divide_loop";

static Value divideLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopArg(state, args[0], args.locs[0], kDirective);
  int64_t quotient = positiveIntArg(args[1], args.locs[1], kDirective, "div_const");
  auto [outerName, innerName] = twoNamesArg(args[2], args.locs[2], kDirective, "new_iters");
  const std::string& tail = args[3].requireStr(args.locs[3], "tail");
  if (tail != "guard" && tail != "cut" && tail != "cut_and_guard")
    refuse(args.locs[3], kDirective,
           "tail must be 'guard', 'cut' or 'cut_and_guard', not " + quoteString(tail));
  bool perfect = args[4].requireBool(args.locs[4], "perfect");

  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);
  const For* loop = stmt->as<For>();
  const Expr& n = loop->hi;
  Expr q = intConst(quotient, loop->loc);
  {
    ContextScope context(state, blockOf(path));
    if (!context.prove(cmpE(BinOpKind::Eq, loop->lo, intConst(0))))
      refuse(call.loc, kDirective,
             "expected the lower bound of the loop to be zero, got " + printExpr(loop->lo), {stmt});
    if (perfect && !context.prove(cmpE(BinOpKind::Eq, modE(n, q), intConst(0))))
      refuse(call.loc, kDirective,
             "cannot prove that " + printExpr(n) + " is divisible by " + std::to_string(quotient),
             {stmt});
  }

  Sym outerIter = Sym::fresh(outerName), innerIter = Sym::fresh(innerName);
  Expr index = addE(mulE(q, varRead(outerIter, loop->loc)), varRead(innerIter, loop->loc));
  bool guard = !perfect && tail == "guard";
  Expr outerHi = guard ? divE(addE(n, intConst(quotient - 1)), q) : divE(n, q);

  Block body = substitute(loop->body, {{loop->iter.id(), index}});
  if (guard)
    body = {If::make(cmpE(BinOpKind::Lt, index, n), std::move(body), {}, loop->loc)};
  Stmt inner = For::make(innerIter, intConst(0), q, std::move(body), loop->mode, loop->loc);
  uint64_t innerId = inner->id;
  Stmt outer = keepIdentity(
      For::make(outerIter, intConst(0), outerHi, {std::move(inner)}, loop->mode, loop->loc), *stmt);
  uint64_t outerId = outer->id;
  Block replacement{std::move(outer)};

  if (!perfect && tail != "guard") {
    // The last N % q iterations, after the whole blocks of q.
    Sym tailIter = Sym::fresh(innerName);
    Expr remainder = modE(n, q);
    Expr tailIndex = addE(mulE(q, divE(n, q)), varRead(tailIter, loop->loc));
    Stmt tailLoop =
        For::make(tailIter, intConst(0), remainder,
                  freshCopy(loop->body, {{loop->iter.id(), tailIndex}}), loop->mode, loop->loc);
    if (tail == "cut_and_guard")
      tailLoop = If::make(cmpE(BinOpKind::Gt, remainder, intConst(0)), {std::move(tailLoop)}, {},
                          loop->loc);
    replacement.push_back(std::move(tailLoop));
  }

  size_t position = path.back().index;
  state.commit(replaceRange(proc, blockOf(path), position, position + 1, std::move(replacement)),
               kDirective, call.loc);
  return Value::newTuple({stmtCursor(state, outerId), stmtCursor(state, innerId)});
}

PrimitiveSpec divideLoopPrimitive() {
  return PrimitiveSpec{"divide_loop",
                       {{"loop_cursor", std::nullopt},
                        {"div_const", std::nullopt},
                        {"new_iters", std::nullopt},
                        {"tail", Value::fromStr("guard")},
                        {"perfect", Value::fromBool(false)}},
                       divideLoop};
}

} // namespace schedc::sched
