// Shared pieces of the primitives that reorder statements and loops
// (passes/primitives/{ReorderLoops,ParallelizeLoop,Fission,Fuse,ReorderStmts,
// LiftScope,RemoveLoop}.cpp). Their legality checks are in passes/Dependence.h.
#pragma once

#include "passes/Dependence.h"
#include "passes/Scheduling.h"

#include <string>

namespace schedc::sched::order {

// ------------------------------------------------------------ registration

void registerReorderLoops(PrimitiveRegistry& registry);
void registerParallelizeLoop(PrimitiveRegistry& registry);
void registerFission(PrimitiveRegistry& registry); // fission, autofission
void registerFuse(PrimitiveRegistry& registry);
void registerReorderStmts(PrimitiveRegistry& registry);
void registerLiftScope(PrimitiveRegistry& registry);
void registerRemoveLoop(PrimitiveRegistry& registry);

// ------------------------------------------------------------ rewrites shared between primitives

// reorder_loops on the loop at `outer` (also lift_scope of a loop out of a
// loop): checks, and returns the proc with the two loops interchanged.
// Refuses as `directive` at `at`.
ProcPtr interchangeLoops(ScheduleState& state, const Path& outer, const SrcLoc& at,
                         const std::string& directive);

// remove_loop's legality, for autofission: the loop at `loop` may be
// replaced by its body (the variable is unused, the body idempotent and the
// loop provably runs at least once). Returns the body, or nullopt.
std::optional<Block> removableLoopBody(const Proc& proc, Solver& solver, const Path& loop);

// ------------------------------------------------------------ IR helpers

// `block` with every read of the control variable `from` replaced by `to`;
// statements keep their identities.
Block substituteVar(const Block& block, const Sym& from, const Expr& to);

// A copy of `block` for a second place in the proc: new statement identities
// and new symbols for everything it binds (loops, allocations, windows).
Block freshCopy(const Block& block);

// A For like `loop` with another body (and optionally another variable).
Stmt rebuildLoop(const For& loop, Block body);

// `'text'`, the way messages quote a statement.
std::string quoted(const Stmt& s);

// Refuses because of a conflict found by a dependence check:
// "<directive>: <reason>" with both statements shown, and why z3 gave up
// when it did.
[[noreturn]] void refuseConflict(const SrcLoc& at, const std::string& directive,
                                 const std::string& reason, const Conflict& conflict);

// "'later' depends on 'earlier' in an earlier iteration of i", or "'s'
// depends on an earlier iteration of i" when both are the same statement.
std::string dependsOnEarlier(const Stmt& later, const Stmt& earlier, const std::string& iter);

} // namespace schedc::sched::order
