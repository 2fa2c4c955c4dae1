// specialize(block, conds)
//
//   B
//   ->
//   if cond_0:
//       B
//   else:
//       if cond_1:
//           B                  (a fresh copy per branch)
//       else:
//           B
//
// Every branch runs the same statements, so no legality check is needed
// beyond scoping: an allocation or window made in B must not be used after
// B (it would end up inside a branch). Conditions are control expressions
// (a string or a list of them), parsed where B stands.
//
// Forwarding: the first branch holds the original statements (identities
// kept); the other branches are copies with new identities and fresh
// binders. Returns the outermost if.
#include "ir/Printer.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "specialize";

static Value specialize(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;

  std::vector<Value> condValues;
  if (const std::vector<Value>* items = args[1].sequenceItems())
    condValues = *items;
  else
    condValues.push_back(args[1]);
  if (condValues.empty())
    refuse(args.locs[1], kDirective, "expected at least one condition");
  std::vector<Expr> conds;
  for (const Value& v : condValues) {
    Expr cond = newExprArg(state, v, range.block, args.locs[1], kDirective);
    if (cond->type != ScalarType::Bool)
      refuse(args.locs[1], kDirective, "expected a condition, not " + printExpr(cond));
    conds.push_back(std::move(cond));
  }

  const Block& block = blockAt(proc, range.block);
  Block stmts(block.begin() + static_cast<long>(range.begin),
              block.begin() + static_cast<long>(range.end));
  if (auto used = binderUsedAfter(proc, range.block, range.begin, range.end))
    refuse(call.loc, kDirective, "the block defines '" + used->name() + "', which is used after it",
           stmts);

  SrcLoc loc = stmts.front()->loc;
  Block otherwise = freshCopy(stmts);
  for (size_t i = conds.size(); i-- > 1;)
    otherwise = {If::make(conds[i], freshCopy(stmts), std::move(otherwise), loc)};
  Stmt specialized = If::make(conds[0], std::move(stmts), std::move(otherwise), loc);
  uint64_t specializedId = specialized->id;

  state.commit(replaceRange(proc, range.block, range.begin, range.end, {std::move(specialized)}),
               kDirective, call.loc);
  return stmtCursor(state, specializedId);
}

PrimitiveSpec specializePrimitive() {
  return PrimitiveSpec{
      "specialize", {{"block", std::nullopt}, {"conds", std::nullopt}}, specialize};
}

} // namespace schedc::sched
