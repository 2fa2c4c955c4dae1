// fission(gap_cursor, n_lifts=1, unsafe_disable_checks=False) and
// autofission(gap_cursor, n_lifts=1): split the loops and ifs around a gap
// into two copies, the first holding the statements before the gap, the
// second those after it, for n_lifts levels outwards (Exo's
// DoFissionAfterSimple and DoFissionLoops).
//
//   for i in _:          for i in _:
//       s1          ->       s1
//       <gap>            for i in _:
//       s2                   s2
//
// A loop split is legal when, for iterations i < j, s1 in iteration j and s2
// in iteration i commute (checkFission: their order is reversed), and when
// nothing s1 declares is used by s2. An if split needs no dependence check:
// its condition is about control values, which statements cannot change.
// The first copy keeps the identity of the split statement, the second is
// new (with a new loop variable); the statements inside keep theirs.
// autofission also drops the loop of a copy that does not use the loop
// variable, when remove_loop would (see RemoveLoop.cpp); Exo drops it
// unchecked.
#include "passes/primitives/OrderPrimitives.h"

namespace schedc::sched::order {

namespace {

struct FissionResult {
  ProcPtr proc;
  uint64_t first = 0, second = 0; // the outermost pair split
};

// Nothing declared before the gap may be used after it: the declaration
// would end up in another scope than its use.
void checkDeclarations(const Block& pre, const Block& post, const SrcLoc& at,
                       const std::string& directive) {
  for (const Stmt& s : pre) {
    const Alloc* alloc = s->as<Alloc>();
    const WindowBind* bind = s->as<WindowBind>();
    if (!alloc && !bind)
      continue;
    const Sym& name = alloc ? alloc->name : bind->name;
    if (usesBuffer(post, name))
      refuse(at, directive,
             "'" + name.name() + "' is " + (alloc ? "allocated" : "bound") +
                 " before the gap and used after it",
             {s});
  }
}

FissionResult split(ScheduleState& state, const Gap& gap, int64_t nLifts, bool check,
                    bool dropLoops, const SrcLoc& at, const std::string& directive) {
  FissionResult result{state.procPtr()};
  const Block& block = blockAt(*result.proc, gap.block);
  if (gap.index == 0 || gap.index >= block.size())
    refuse(at, directive, "expected a gap between two statements, not at the edge of a block");
  // The last statement before the split, at each level.
  Path last = gap.block.owner;
  last.push_back(Step{gap.block.branch, gap.index - 1});

  for (int64_t level = 0; level < nLifts; ++level) {
    if (last.size() == 1)
      refuse(at, directive,
             "can only split a loop or an if, but the gap is inside " + std::to_string(level) +
                 " of them (n_lifts=" + std::to_string(nLifts) + ")");
    ProcPtr current = result.proc; // keeps `owner` and `body` alive while replacing
    const Proc& proc = *current;
    Path ownerPath = parentPath(last);
    Stmt owner = stmtAt(proc, ownerPath);
    Branch branch = last.back().branch;
    const Block& body = blockAt(proc, BlockLoc{ownerPath, branch});
    auto cut = body.begin() + static_cast<long>(last.back().index + 1);
    Block pre(body.begin(), cut), post(cut, body.end());
    if (pre.empty() || post.empty())
      continue; // as Exo: nothing to split at this level
    checkDeclarations(pre, post, at, directive);

    Block parts;
    size_t firstSize = 1;
    if (const For* loop = owner->as<For>()) {
      if (check)
        if (auto conflict = checkFission(proc, state.solver(), ownerPath, *loop, pre, post))
          refuseConflict(at, directive,
                         dependsOnEarlier(conflict->first, conflict->second, loop->iter.name()) +
                             " (a dependence would be reversed)",
                         *conflict);
      Sym iter = loop->iter.copy();
      Block renamed = substituteVar(post, loop->iter, Read::make(iter, {}, ScalarType::Index));
      parts = {rebuildLoop(*loop, pre),
               For::make(iter, loop->lo, loop->hi, std::move(renamed), loop->mode, loop->loc)};
    } else {
      const If* branchStmt = owner->as<If>();
      if (!Solver::isTranslatable(branchStmt->cond))
        refuse(at, directive, "cannot split an if whose condition reads data", {owner});
      const Expr& cond = branchStmt->cond;
      if (branch == Branch::Body)
        parts = {keepIdentity(If::make(cond, pre, {}, owner->loc), *owner),
                 If::make(cond, post, branchStmt->orelse, owner->loc)};
      else
        parts = {keepIdentity(If::make(cond, branchStmt->body, pre, owner->loc), *owner),
                 If::make(cond, {Pass::make(owner->loc)}, post, owner->loc)};
    }
    result.first = parts[0]->id;
    result.second = parts[1]->id;
    result.proc = replaceStmt(proc, ownerPath, parts);

    if (dropLoops && owner->as<For>()) {
      // The second copy first, so that the first's path stays valid.
      Path secondPath = ownerPath;
      secondPath.back().index += 1;
      for (const Path& copy : {secondPath, ownerPath})
        if (auto unlooped = removableLoopBody(*result.proc, state.solver(), copy)) {
          if (copy == ownerPath)
            firstSize = unlooped->size();
          result.proc = replaceStmt(*result.proc, copy, std::move(*unlooped));
        }
    }
    last = ownerPath;
    last.back().index += firstSize - 1;
  }
  return result;
}

int64_t nLiftsArg(const BoundArgs& args, const std::string& directive) {
  int64_t n = args[1].requireInt(args.locs[1], "n_lifts");
  if (n < 1)
    refuse(args.locs[1], directive, "n_lifts must be positive, got " + std::to_string(n));
  return n;
}

Value fission(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "fission";
  Gap gap = gapArg(state, args[0], args.locs[0], directive);
  int64_t nLifts = nLiftsArg(args, directive);
  // Kept for Exo compatibility, but schedc checks every rewrite.
  if (args[2].requireBool(args.locs[2], "unsafe_disable_checks"))
    refuse(args.locs[2], directive,
           "unsafe_disable_checks=True is not supported: schedc checks every rewrite");
  const bool check = true;
  FissionResult result = split(state, gap, nLifts, check, false, call.loc, directive);
  state.commit(result.proc, directive, call.loc);
  return Value::newTuple({stmtCursor(state, result.first), stmtCursor(state, result.second)});
}

Value autofission(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "autofission";
  Gap gap = gapArg(state, args[0], args.locs[0], directive);
  int64_t nLifts = nLiftsArg(args, directive);
  FissionResult result = split(state, gap, nLifts, true, true, call.loc, directive);
  state.commit(result.proc, directive, call.loc);
  return Value::none();
}

} // namespace

void registerFission(PrimitiveRegistry& registry) {
  registry.add(
      PrimitiveSpec{"fission",
                    {ParamSpec{"gap_cursor", std::nullopt}, ParamSpec{"n_lifts", Value::fromInt(1)},
                     ParamSpec{"unsafe_disable_checks", Value::fromBool(false)}},
                    fission});
  registry.add(PrimitiveSpec{
      "autofission",
      {ParamSpec{"gap_cursor", std::nullopt}, ParamSpec{"n_lifts", Value::fromInt(1)}},
      autofission});
}

} // namespace schedc::sched::order
