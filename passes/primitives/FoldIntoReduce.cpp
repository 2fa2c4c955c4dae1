// fold_into_reduce(assign): `a = a + e -> a += e`, when the left operand of
// the addition reads exactly the element assigned (indices provably equal).
// A reduction means `a = a + e`, so this is exact for every type.
#include "ir/Printer.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

Value foldIntoReduce(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "fold_into_reduce";
  Path path = stmtArg(state, args[0], args.locs[0], directive);
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, path);
  const Assign* assign = stmt->as<Assign>();
  if (!assign || assign->isReduce())
    refuse(call.loc, directive, "expected an assignment, got:", {stmt});
  const BinOp* sum = assign->rhs->as<BinOp>();
  if (!sum || sum->op != BinOpKind::Add)
    refuse(call.loc, directive, "the rhs of the assignment must be an addition", {stmt});
  const Read* self = sum->a->as<Read>();
  bool sameElement = self && self->name == assign->name && self->idx.size() == assign->idx.size();
  for (size_t i = 0; sameElement && i < self->idx.size(); ++i)
    sameElement = provablyEqualAt(state.solver(), proc, path, self->idx[i], assign->idx[i]);
  if (!sameElement)
    refuse(call.loc, directive,
           "the left operand of the addition, '" + printExpr(sum->a) +
               "', is not a read of the element assigned",
           {stmt});
  Stmt reduce = keepIdentity(
      Assign::makeReduce(assign->name, assign->type, assign->idx, sum->b, assign->loc), *assign);
  state.commit(replaceStmt(proc, path, {reduce}), directive, call.loc);
  return Value::none();
}

} // namespace

void registerFoldIntoReduce(PrimitiveRegistry& registry) {
  registry.add({"fold_into_reduce", {{"assign", std::nullopt}}, foldIntoReduce});
}

} // namespace schedc::sched
