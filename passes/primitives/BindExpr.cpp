// bind_expr(expr_cursors, new_name): `a = 32.0 * x[i] + 4.0` ->
// `b: f32; b = 32.0 * x[i]; a = b + 4.0`.
//
// Exo's rules (DoBindExpr): the expressions must be data; those equal to the
// first are bound (others are left alone); the binding goes right before
// the statement that holds the first one, or, for several, before the
// statement of the innermost block that holds them all. Occurrences are then
// replaced statement by statement until a statement writes a buffer the
// expression reads: occurrences in that statement are still replaced when it
// is a plain write (its reads happen first), not inside a loop or an if; any
// occurrence left is a refusal. Beyond Exo: a call counts as writing every
// buffer passed to it, windows count as the buffers they view, and the
// expression may only mention names already bound where the binding goes.
// The new scalar has the expression's type; its value is computed exactly as
// before, so the rewrite is exact for floats too.
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

bool isPrefix(const Path& prefix, const Path& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Where the binding goes: before this statement (see above).
Path bindingPoint(const Path& first, const Path& last) {
  size_t common = 0;
  while (common < first.size() && common < last.size() && first[common] == last[common])
    ++common;
  if (common == first.size())
    return first; // the first occurrence's statement holds the others
  // Different blocks of one statement (an if's body and else): before that statement.
  if (common > 0 && common < last.size() && first[common].branch != last[common].branch)
    return Path(first.begin(), first.begin() + static_cast<long>(common));
  return Path(first.begin(), first.begin() + static_cast<long>(common) + 1);
}

Value bindExpr(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "bind_expr";
  std::vector<ExprRef> refs = exprArgs(state, args[0], args.locs[0], directive);
  std::string name = nameArg(args[1], args.locs[1], directive);
  const Proc& proc = state.proc();

  for (const ExprRef& ref : refs)
    if (!isNumeric(ref.expr->type))
      refuse(call.loc, directive,
             "only numeric (not index or size) expressions can be bound, got '" +
                 printExpr(ref.expr) + "' in:",
             {stmtAt(proc, ref.stmt)});
  Expr bound = refs.front().expr;
  std::erase_if(refs, [&](const ExprRef& r) { return !exprsEqual(r.expr, bound); });

  Path point = bindingPoint(refs.front().stmt, refs.back().stmt);
  const Stmt& anchor = stmtAt(proc, point);
  std::set<uint64_t> visible;
  for (const Binder& b : bindersAt(proc, point))
    visible.insert(b.sym.id());
  for (uint64_t sym : symsMentioned(bound))
    if (!visible.count(sym))
      refuse(call.loc, directive,
             "'" + printExpr(bound) +
                 "' uses a name that is not bound yet where the new buffer would be set, "
                 "before:",
             {anchor});

  // Replace statement by statement, stopping at the first write of an input.
  AliasRoots roots(proc);
  std::set<uint64_t> inputs = buffersRead(bound, roots);
  BlockLoc block = blockOf(point);
  const Block& stmts = blockAt(proc, block);
  std::vector<bool> done(refs.size(), false);
  for (size_t k = point.back().index; k < stmts.size(); ++k) {
    const Stmt& s = stmts[k];
    bool writesInput = intersects(buffersWritten(s, roots), inputs);
    if (writesInput && (s->as<For>() || s->as<If>()))
      break; // a later iteration or branch may read the new value
    Path here = block.owner;
    here.push_back(Step{block.branch, k});
    for (size_t r = 0; r < refs.size(); ++r)
      if (isPrefix(here, refs[r].stmt))
        done[r] = true;
    if (writesInput)
      break;
  }
  for (size_t r = 0; r < refs.size(); ++r)
    if (!done[r])
      refuse(call.loc, directive,
             "cannot bind every occurrence of '" + printExpr(bound) +
                 "': a buffer it reads is written before this one:",
             {stmtAt(proc, refs[r].stmt)});

  Sym buffer = Sym::fresh(name);
  SrcLoc loc = anchor->loc;
  Expr read = Read::make(buffer, {}, bound->type, bound->loc);
  ProcPtr out = state.procPtr();
  for (const ExprRef& ref : refs) {
    const Stmt& s = stmtAt(*out, ref.stmt);
    out = replaceStmt(*out, ref.stmt, {replaceExprAt(s, ref.path, read)});
  }
  Stmt alloc = Alloc::make(buffer, bound->type, {}, "DRAM", loc);
  Stmt assign = Assign::make(buffer, bound->type, {}, bound, loc);
  uint64_t allocId = alloc->id;
  out = replaceRange(*out, block, point.back().index, point.back().index, {alloc, assign});
  state.commit(out, directive, call.loc);
  return stmtCursor(state, allocId);
}

} // namespace

void registerBindExpr(PrimitiveRegistry& registry) {
  registry.add(
      {"bind_expr", {{"expr_cursors", std::nullopt}, {"new_name", std::nullopt}}, bindExpr});
}

} // namespace schedc::sched
