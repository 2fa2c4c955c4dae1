// add_loop(block_cursor, iter_name, hi_expr, guard=False)
//
//   s
//   ->
//   for iter_name in seq(0, hi_expr):
//       s                              (guard=True: `if iter_name == 0: s`)
//
// Checked: hi_expr >= 1 where s stands (s must still run), and, unless
// guard, that s is idempotent (running it hi_expr times is running it
// once): nothing it writes is read by it (see LoopRewrite.h).
// Exo takes a one-statement block; any block is accepted here, as long as
// the names it allocates are not used after it.
//
// Forwarding: the statements keep their identities; the loop (and the
// guard) are new. Returns the new loop.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "add_loop";

static Value addLoop(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kDirective);
  std::string name = identifierArg(args[1], args.locs[1], kDirective, "iter_name");
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  Expr hi = newExprArg(state, args[2], range.block, args.locs[2], kDirective);
  if (!isIndexLike(hi->type))
    refuse(args.locs[2], kDirective, "hi_expr must be an index expression");
  bool guard = args[3].requireBool(args.locs[3], "guard");

  const Block& block = blockAt(proc, range.block);
  Path firstPath = range.block.owner;
  firstPath.push_back(Step{range.block.branch, range.begin});
  Block stmts(block.begin() + static_cast<long>(range.begin),
              block.begin() + static_cast<long>(range.end));
  if (auto used = binderUsedAfter(proc, range.block, range.begin, range.end))
    refuse(call.loc, kDirective, "the block defines '" + used->name() + "', which is used after it",
           stmts);
  {
    ContextScope context(state, range.block);
    if (!context.prove(cmpE(BinOpKind::Ge, hi, intConst(1))))
      refuse(call.loc, kDirective,
             "cannot prove that the loop bound " + printExpr(hi) +
                 " is at least 1 (the statements would not run)",
             stmts);
  }
  if (!guard)
    if (auto problem = idempotenceProblem(proc, state.solver(), firstPath, stmts))
      refuse(call.loc, kDirective, "the statements are not idempotent: " + *problem, stmts);

  Sym iter = Sym::fresh(name);
  SrcLoc loc = stmts.front()->loc;
  Block body = std::move(stmts);
  if (guard)
    body = {
        If::make(cmpE(BinOpKind::Eq, varRead(iter, loc), intConst(0)), std::move(body), {}, loc)};
  Stmt loop = For::make(iter, intConst(0), hi, std::move(body), LoopMode::Seq, loc);
  uint64_t loopId = loop->id;

  state.commit(replaceRange(proc, range.block, range.begin, range.end, {std::move(loop)}),
               kDirective, call.loc);
  return stmtCursor(state, loopId);
}

PrimitiveSpec addLoopPrimitive() {
  return PrimitiveSpec{"add_loop",
                       {{"block_cursor", std::nullopt},
                        {"iter_name", std::nullopt},
                        {"hi_expr", std::nullopt},
                        {"guard", Value::fromBool(false)}},
                       addLoop};
}

} // namespace schedc::sched
