// delete_buffer(buf_cursor)
//
//   y: T[shape]   ->   (nothing)      when nothing after it uses y
//
// An allocation nobody reads, writes, views or passes has no effect.
// Refused when the buffer is used.
//
// Forwarding: the allocation is gone; every other statement keeps its
// identity. Returns nothing.
#include "passes/Dependence.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "delete_buffer";

static Value deleteBuffer(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const Block& block = blockAt(*current, blockOf(path));
  size_t position = path.back().index;
  for (size_t k = position + 1; k < block.size(); ++k)
    if (usesBuffer({block[k]}, alloc->name))
      refuse(call.loc, kDirective, "'" + alloc->name.name() + "' is used", {block[k]});
  state.commit(replaceInBlock(*current, blockOf(path), position, position + 1, {}), kDirective,
               call.loc);
  return Value::none();
}

PrimitiveSpec deleteBufferPrimitive() {
  return PrimitiveSpec{"delete_buffer", {{"buf_cursor", std::nullopt}}, deleteBuffer};
}

} // namespace schedc::sched
