// The primitives that stage data in new buffers and swap code for calls of
// procs and instrs, and back (Exo's stage_mem, replace, inline, call_eqv):
// each in passes/primitives/<Name>.cpp, registered by registerProcPrimitives.
#pragma once

#include "passes/Scheduling.h"

namespace schedc::sched {

PrimitiveSpec stageMemPrimitive();
PrimitiveSpec replacePrimitive();
PrimitiveSpec inlinePrimitive();
PrimitiveSpec callEqvPrimitive();
PrimitiveSpec extractSubprocPrimitive(); // extract_subproc
PrimitiveSpec makeInstrPrimitive();      // make_instr

} // namespace schedc::sched
