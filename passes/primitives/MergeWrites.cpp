// merge_writes(block_cursor, fast_math=False): two consecutive writes of one
// element become one (Exo's four cases):
//   `a = b; a = c`   -> `a = c`        `a += b; a = c`  -> `a = c`
//   `a = b; a += c`  -> `a = b + c`    `a += b; a += c` -> `a += b + c`
// The indices must be provably equal where the statements stand, and the
// second right-hand side must not read the buffer (through any window).
//
// Floats: `a = b; a += c` is exact when b already has a's type (storing it
// rounds nothing); `a += b; a += c` regroups `(a + b) + c` as `a + (b + c)`,
// which rounds differently, so it needs fast_math=True (Exo has no guard).
#include "ir/Printer.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

std::string lhsText(const Assign* s) {
  std::string out = s->name.name();
  if (!s->idx.empty()) {
    out += "[";
    for (size_t i = 0; i < s->idx.size(); ++i)
      out += (i ? ", " : "") + printExpr(s->idx[i]);
    out += "]";
  }
  return out;
}

Value mergeWrites(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "merge_writes";
  BlockRange range = blockArg(state, args[0], args.locs[0], directive);
  bool fastMath = fastMathArg(args[1], args.locs[1]);
  const Proc& proc = state.proc();
  const Block& block = blockAt(proc, range.block);
  std::vector<Stmt> shown(block.begin() + static_cast<long>(range.begin),
                          block.begin() + static_cast<long>(range.end));
  if (range.end - range.begin != 2)
    refuse(call.loc, directive,
           "expected a block of size 2, but got a block of size " +
               std::to_string(range.end - range.begin) + ":",
           shown);
  const Assign* first = shown[0]->as<Assign>();
  const Assign* second = shown[1]->as<Assign>();
  if (!first || !second)
    refuse(call.loc, directive, "expected two consecutive assign/reduce statements, got:", shown);
  if (first->name != second->name || first->type != second->type)
    refuse(call.loc, directive,
           "expected the two statements' left hand sides to have the same name & type", shown);
  Path firstPath = range.block.owner;
  firstPath.push_back(Step{range.block.branch, range.begin});
  Solver& solver = state.solver();
  for (size_t i = 0; i < first->idx.size(); ++i)
    if (!provablyEqualAt(solver, proc, firstPath, first->idx[i], second->idx[i]))
      refuse(call.loc, directive,
             "expected the left hand side's indices to be the same, but " + lhsText(first) +
                 " and " + lhsText(second) + " may differ:",
             shown);
  AliasRoots roots(proc);
  if (buffersRead(second->rhs, roots).count(roots.root(first->name)))
    refuse(call.loc, directive,
           "expected the right hand side of the second statement to not depend on the left "
           "hand side of the first statement",
           shown);

  Block merged;
  if (!second->isReduce()) {
    merged = {shown[1]}; // the first write is overwritten
  } else {
    if (isFloat(first->type) && !fastMath) {
      if (first->isReduce())
        refuse(call.loc, directive,
               "merging two " + typeName(first->type) +
                   " reductions regroups the additions and can change the result (pass "
                   "fast_math=True to allow)",
               shown);
      if (first->rhs->type != first->type)
        refuse(call.loc, directive,
               "the first statement rounds its " + typeWord(first->rhs->type) + " value to " +
                   typeName(first->type) +
                   " before the addition; merging drops that rounding (pass fast_math=True to "
                   "allow)",
               shown);
    }
    Expr sum = makeArith(BinOpKind::Add, first->rhs, second->rhs, first->rhs->loc);
    // The merged write is the first statement with more to add: it keeps its identity.
    merged = {keepIdentity(std::make_shared<Assign>(first->kind, first->name, first->type,
                                                    first->idx, sum, first->loc),
                           *first)};
  }
  state.commit(replaceRange(proc, range.block, range.begin, range.end, std::move(merged)),
               directive, call.loc);
  return Value::none();
}

} // namespace

void registerMergeWrites(PrimitiveRegistry& registry) {
  registry.add({"merge_writes",
                {{"block_cursor", std::nullopt}, {"fast_math", Value::fromBool(false)}},
                mergeWrites});
}

} // namespace schedc::sched
