// eliminate_dead_code(stmt_cursor)
//
//   if p: s1 else: s2   ->   s1      when p always holds where the if stands
//                       ->   s2      when p never holds (nothing if no else)
//   for i in seq(lo, hi): s   ->   (nothing)   when hi <= lo always
//
// Refused when the solver cannot decide the condition (or the loop may
// run). Forwarding: the surviving branch's statements keep their
// identities; the if or loop itself is gone. Returns None.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "eliminate_dead_code";

static Value eliminateDeadCode(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = loopOrIfArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);

  Block replacement;
  {
    ContextScope context(state, blockOf(path));
    if (const If* branch = stmt->as<If>()) {
      if (context.prove(branch->cond))
        replacement = branch->body;
      else if (context.prove(foldNode(UnOp::make(UnOpKind::Not, branch->cond))))
        replacement = branch->orelse;
      else
        refuse(call.loc, kDirective,
               "cannot prove that the condition " + printExpr(branch->cond) +
                   " is always true or always false",
               {stmt});
    } else {
      const For* loop = stmt->as<For>();
      if (!context.prove(cmpE(BinOpKind::Le, loop->hi, loop->lo)))
        refuse(call.loc, kDirective,
               "cannot prove that loop '" + loop->iter.name() + "' never runs (that " +
                   printExpr(loop->hi) + " <= " + printExpr(loop->lo) + ")",
               {stmt});
    }
  }

  size_t at = path.back().index;
  state.commit(replaceInBlock(proc, blockOf(path), at, at + 1, std::move(replacement)), kDirective,
               call.loc);
  return Value::none();
}

PrimitiveSpec eliminateDeadCodePrimitive() {
  return PrimitiveSpec{"eliminate_dead_code", {{"stmt_cursor", std::nullopt}}, eliminateDeadCode};
}

} // namespace schedc::sched
