// What a memory demands of the buffers it holds (the C backend's rules):
// a constant shape for memories with static storage (DRAM_STATIC, register
// files) and, for register files, exactly the register's shape in 32-bit
// words, after any leading dimensions that make an array of registers.
//
// set_memory checks a buffer it moves; every other directive is checked at
// commit (ScheduleState::commit) for the allocations it changed, so that
// expand_dim or resize_dim of a static buffer is refused by that directive
// and not later by the code generator.
#pragma once

#include "ir/IR.h"
#include "ir/Module.h"

#include <string>

namespace schedc {

// Why `alloc` cannot live in `memory`, or "" when it can.
std::string allocMemoryProblem(const Alloc& alloc, const MemoryDef& memory);

// The first allocation of `after` that is new or changed since `before`
// (name, type, shape or memory) and breaks its memory's rules: the reason, or "".
std::string changedAllocMemoryProblem(const Proc& before, const Proc& after, const Module& module);

} // namespace schedc
