// reorder_stmts(block_cursor): `s1; s2` -> `s2; s1` for a block of two
// adjacent statements.
//
// Legal when s2 does not use a buffer or window s1 declares, and the two
// commute (Exo's Check_ReorderStmts: no write of one touches what the other
// accesses, no reduction of one touches what the other reads; reductions
// into the same place commute). Both statements keep their identities.
#include "passes/primitives/OrderPrimitives.h"

namespace schedc::sched::order {

namespace {

const char* const kName = "reorder_stmts";

// The buffer or window a statement declares, if any, and how to say so.
std::optional<std::pair<Sym, std::string>> declared(const Stmt& s) {
  if (const Alloc* alloc = s->as<Alloc>())
    return std::pair{alloc->name, std::string("allocates")};
  if (const WindowBind* bind = s->as<WindowBind>())
    return std::pair{bind->name, std::string("binds")};
  return std::nullopt;
}

Value reorderStmts(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kName);
  if (range.end - range.begin != 2)
    refuse(args.locs[0], kName,
           "expected a block of two statements, got " + std::to_string(range.end - range.begin));
  const Proc& proc = state.proc();
  const Block& block = blockAt(proc, range.block);
  const Stmt& first = block[range.begin];
  const Stmt& second = block[range.begin + 1];

  if (auto decl = declared(first); decl && usesBuffer({second}, decl->first))
    refuse(call.loc, kName,
           quoted(second) + " uses '" + decl->first.name() + "', which " + quoted(first) + " " +
               decl->second,
           {first, second});

  Path at = range.block.owner;
  at.push_back(Step{range.block.branch, range.begin});
  if (auto conflict = checkCommute(proc, state.solver(), at, {first}, {second}))
    refuseConflict(call.loc, kName,
                   quoted(conflict->second) + " depends on " + quoted(conflict->first) +
                       " (both access '" + conflict->buffer.name() + "')",
                   *conflict);

  state.commit(replaceRange(proc, range.block, range.begin, range.end, {second, first}), kName,
               call.loc);
  return Value::none();
}

} // namespace

void registerReorderStmts(PrimitiveRegistry& registry) {
  registry.add(PrimitiveSpec{kName, {ParamSpec{"block_cursor", std::nullopt}}, reorderStmts});
}

} // namespace schedc::sched::order
