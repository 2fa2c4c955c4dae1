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
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

#include <optional>

namespace schedc::sched {

static const char* const kDirective = "set_memory";

namespace {

// Why `alloc` cannot live in `memory` (the C backend's rules), or "".
std::string shapeProblem(const Alloc& alloc, const MemoryDef& memory) {
  std::vector<std::optional<int64_t>> extents;
  for (const Expr& extent : alloc.shape)
    extents.push_back(constValue(extent));
  if (memory.staticShape)
    for (size_t d = 0; d < extents.size(); ++d)
      if (!extents[d])
        return "memory " + memory.name + " needs a constant shape, but '" + alloc.name.name() +
               "' has extent `" + printExpr(alloc.shape[d]) + "` in dimension " + std::to_string(d);
  if (memory.shape.empty())
    return "";
  // The required shape is in 32-bit words: the rows must match and the last
  // dimension must hold as many bytes. Extra constant leading dimensions make
  // an array of registers, which unroll_buffer splits before code generation
  // (the backend refuses a register buffer that still has them).
  bool fits = extents.size() >= memory.shape.size() && !extents.empty();
  size_t lead = fits ? extents.size() - memory.shape.size() : 0;
  for (size_t d = 0; fits && d < extents.size(); ++d) {
    if (!extents[d])
      fits = false;
    else if (d < lead)
      fits = *extents[d] >= 1;
    else if (d + 1 < extents.size())
      fits = *extents[d] == memory.shape[d - lead];
    else
      fits = *extents[d] * byteWidth(alloc.type) == memory.shape[d - lead] * 4;
  }
  if (fits)
    return "";
  std::string required, actual;
  for (size_t d = 0; d < memory.shape.size(); ++d)
    required += (d ? ", " : "") + std::to_string(memory.shape[d]);
  for (size_t d = 0; d < alloc.shape.size(); ++d)
    actual += (d ? ", " : "") + printExpr(alloc.shape[d]);
  return "'" + alloc.name.name() + ": " + typeName(alloc.type) + "[" + actual +
         "]' does not fit memory " + memory.name + ", which holds [" + required + "] 32-bit words";
}

} // namespace

static Value setMemory(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  std::string memName = memoryArg(state, args[1], args.locs[1], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const MemoryDef* memory = state.module().findMemory(memName);
  if (!memory)
    refuse(args.locs[1], kDirective, "unknown memory '" + memName + "'");

  std::string problem = shapeProblem(*alloc, *memory);
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
