// set_memory(buf_cursor, new_mem)
//
//   y: T[shape] @ OLD   ->   y: T[shape] @ NEW
//
// Only where the buffer lives changes, so the values computed are the same
// as long as the new memory can hold the buffer. Refused when NEW requires a
// shape (in 32-bit words) the allocation does not fill, or a constant shape
// and an extent is not constant (the C backend's rules, checked here so the
// directive, not the emitter, reports them).
//
// Not refused: element-by-element reads or writes in a memory without scalar
// access (RVM_TILE). Schedules move a tile to such a memory first and then
// replace its staging loops with instrs (conv1d_rvm.sched does
// set_memory(out_tile, RVM_TILE), then replace_all), so at set_memory the
// accesses are still there by design. Any that remain in the final proc are
// refused when C is emitted ("cannot read 'x' in C: memory RVM_TILE does not
// allow scalar reads"), so none reaches the output.
//
// Forwarding: the allocation keeps its identity. Returns nothing.
#include "ir/Printer.h"
#include "passes/MemoryRules.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

#include <optional>

namespace schedc::sched {

static const char* const kDirective = "set_memory";

static Value setMemory(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  std::string memName = memoryArg(state, args[1], args.locs[1], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const MemoryDef* memory = state.module().findMemory(memName);
  if (!memory)
    refuse(args.locs[1], kDirective, "unknown memory '" + memName + "'");

  std::string problem = allocMemoryProblem(*alloc, *memory);
  if (!problem.empty())
    refuse(call.loc, kDirective, problem, {stmt});

  Stmt moved =
      keepIdentity(Alloc::make(alloc->name, alloc->type, alloc->shape, memName, alloc->loc), *stmt);
  state.commit(replaceStmt(*current, path, {std::move(moved)}), kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec setMemoryPrimitive() {
  return PrimitiveSpec{
      "set_memory", {{"buf_cursor", std::nullopt}, {"new_mem", std::nullopt}}, setMemory};
}

} // namespace schedc::sched
