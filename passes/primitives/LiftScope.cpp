// lift_scope(scope_cursor): move a loop or an if that is the only statement
// of its parent's block (a loop body, an if's body or else) outside the
// parent (Exo's DoLiftScope):
//
//   for-in-for   reorder_loops of the parent (checked there);
//   if-in-for    `for i: if c: A else: B` -> `if c: (for i: A) else: (for i: B)`,
//                when c does not use i;
//   for-in-if    `if c: for j: A` -> `for j: if c: A` (the if has no else);
//   if-in-if     `if o: (if c: A else: B) else: C`
//                -> `if c: (if o: A else: C) else: (if o: B else: C)`,
//                and the mirror image for an inner if in the else.
//
// Conditions only read control values, which no statement changes, so
// hoisting or sinking them needs no dependence check (an if whose condition
// reads data is refused). Every statement keeps
// its identity; a block that now appears twice (B's loop, C above) is copied
// with new identities and new binders for the second place. Unlike Exo, an
// inner if without an else keeps the outer else it may still need
// (`if o: (if c: A) else: C` -> `if c: (if o: A else: C) else: (if o: pass else: C)`).
#include "passes/primitives/OrderPrimitives.h"

#include "ir/Printer.h"

namespace schedc::sched::order {

namespace {

const char* const kName = "lift_scope";

Stmt makeIf(const Expr& cond, Block body, Block orelse, const SrcLoc& loc) {
  if (body.empty())
    body.push_back(Pass::make(loc));
  return If::make(cond, std::move(body), std::move(orelse), loc);
}

// for i: (if c: A else: B)  ->  if c: (for i: A) else: (for i': B)
Stmt ifOutOfLoop(const Stmt& loopStmt, const Stmt& ifStmt, const SrcLoc& at) {
  const For* loop = loopStmt->as<For>();
  const If* branch = ifStmt->as<If>();
  if (usesVar(branch->cond, loop->iter))
    refuse(at, kName,
           "the condition '" + printExpr(branch->cond) + "' depends on '" + loop->iter.name() + "'",
           {ifStmt});
  Block orelse;
  if (!branch->orelse.empty()) {
    Sym iter = loop->iter.copy();
    Block body = substituteVar(branch->orelse, loop->iter, Read::make(iter, {}, ScalarType::Index));
    orelse.push_back(For::make(iter, loop->lo, loop->hi, std::move(body), loop->mode, loop->loc));
  }
  return keepIdentity(
      If::make(branch->cond, {rebuildLoop(*loop, branch->body)}, std::move(orelse), branch->loc),
      *ifStmt);
}

// if c: (for j: A)  ->  for j: (if c: A)
Stmt loopOutOfIf(const Stmt& ifStmt, const Stmt& loopStmt, const SrcLoc& at) {
  const If* branch = ifStmt->as<If>();
  const For* loop = loopStmt->as<For>();
  if (!branch->orelse.empty())
    refuse(at, kName, "cannot lift a loop out of an if that has an else", {ifStmt});
  return rebuildLoop(*loop,
                     {keepIdentity(makeIf(branch->cond, loop->body, {}, branch->loc), *ifStmt)});
}

// if o: (if c: A else: B) else: C  ->  if c: (if o: A else: C) else: (if o: B else: C)
// if o: A else: (if c: B else: C)  ->  if c: (if o: A else: B) else: (if o: A else: C)
Stmt ifOutOfIf(const Stmt& outerStmt, Branch where, const Stmt& innerStmt) {
  const If* outer = outerStmt->as<If>();
  const If* inner = innerStmt->as<If>();
  const Expr& o = outer->cond;
  Stmt whenTrue, whenFalse;
  if (where == Branch::Body) {
    whenTrue = keepIdentity(makeIf(o, inner->body, outer->orelse, outer->loc), *outerStmt);
    if (!inner->orelse.empty() || !outer->orelse.empty())
      whenFalse = makeIf(o, inner->orelse, freshCopy(outer->orelse), outer->loc);
  } else {
    whenTrue = keepIdentity(makeIf(o, outer->body, inner->body, outer->loc), *outerStmt);
    whenFalse = makeIf(o, freshCopy(outer->body), inner->orelse, outer->loc);
  }
  Block orelse;
  if (whenFalse)
    orelse.push_back(whenFalse);
  return keepIdentity(If::make(inner->cond, {whenTrue}, std::move(orelse), inner->loc), *innerStmt);
}

Value liftScope(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = stmtArg(state, args[0], args.locs[0], kName);
  const Proc& proc = state.proc();
  Stmt inner = stmtAt(proc, path);
  if (!inner->as<For>() && !inner->as<If>())
    refuse(args.locs[0], kName, "expected a loop or an if", {inner});
  if (path.size() == 1)
    refuse(call.loc, kName, "cannot lift a statement of the proc body", {inner});
  Path outerPath = parentPath(path);
  Stmt outer = stmtAt(proc, outerPath);
  Branch where = path.back().branch;
  if (blockAt(proc, BlockLoc{outerPath, where}).size() != 1)
    refuse(call.loc, kName,
           std::string("expected the ") + (inner->as<For>() ? "loop" : "if") +
               " to be the only statement of its parent's block",
           {outer});

  // A condition on data could see the statements it is moved across.
  for (const Stmt& s : {outer, inner})
    if (const If* branch = s->as<If>(); branch && !Solver::isTranslatable(branch->cond))
      refuse(call.loc, kName, "cannot move an if whose condition reads data", {s});

  ProcPtr next;
  if (outer->as<For>()) {
    if (inner->as<For>())
      next = interchangeLoops(state, outerPath, call.loc, kName);
    else
      next = replaceStmt(proc, outerPath, {ifOutOfLoop(outer, inner, call.loc)});
  } else if (inner->as<For>()) {
    next = replaceStmt(proc, outerPath, {loopOutOfIf(outer, inner, call.loc)});
  } else {
    next = replaceStmt(proc, outerPath, {ifOutOfIf(outer, where, inner)});
  }
  state.commit(next, kName, call.loc);
  return Value::none();
}

} // namespace

void registerLiftScope(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName, {ParamSpec{"scope_cursor", std::nullopt}}, liftScope});
}

} // namespace schedc::sched::order
