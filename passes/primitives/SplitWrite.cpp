// split_write(stmt, fast_math=False): the reverse of merge_writes' last two
// cases: `a = b + c -> a = b; a += c` and `a += b + c -> a += b; a += c`.
//
// `c` must not read the buffer written (it would see the first write; Exo
// does not check this). Floats: splitting an assignment is exact when `b`
// already has the buffer's type (storing it rounds nothing); splitting a
// reduction regroups `a + (b + c)` as `(a + b) + c`, so it needs
// fast_math=True.
#include "ir/Printer.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

Value splitWrite(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "split_write";
  Path path = stmtArg(state, args[0], args.locs[0], directive);
  bool fastMath = fastMathArg(args[1], args.locs[1]);
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, path);
  const Assign* write = stmt->as<Assign>();
  if (!write)
    refuse(call.loc, directive, "expected an assign or reduce statement, got:", {stmt});
  const BinOp* sum = write->rhs->as<BinOp>();
  if (!sum || sum->op != BinOpKind::Add)
    refuse(call.loc, directive, "expected the rhs of the statement to be an addition", {stmt});
  AliasRoots roots(proc);
  if (buffersRead(sum->b, roots).count(roots.root(write->name)))
    refuse(call.loc, directive,
           "'" + printExpr(sum->b) + "' reads '" + write->name.name() +
               "', which the first of the two writes would change",
           {stmt});
  if (isFloat(write->type) && !fastMath) {
    if (write->isReduce())
      refuse(call.loc, directive,
             "splitting an " + typeName(write->type) +
                 " reduction regroups the additions and can change the result (pass "
                 "fast_math=True to allow)",
             {stmt});
    if (sum->a->type != write->type)
      refuse(call.loc, directive,
             "'" + printExpr(sum->a) + "' is " + typeWord(sum->a->type) + "; storing it to the " +
                 typeName(write->type) + " buffer first rounds it (pass fast_math=True to allow)",
             {stmt});
  }
  Stmt head = keepIdentity(std::make_shared<Assign>(write->kind, write->name, write->type,
                                                    write->idx, sum->a, write->loc),
                           *write);
  Stmt tail = Assign::makeReduce(write->name, write->type, write->idx, sum->b, write->loc);
  state.commit(replaceStmt(proc, path, {head, tail}), directive, call.loc);
  return Value::none();
}

} // namespace

void registerSplitWrite(PrimitiveRegistry& registry) {
  registry.add(
      {"split_write", {{"stmt", std::nullopt}, {"fast_math", Value::fromBool(false)}}, splitWrite});
}

} // namespace schedc::sched
