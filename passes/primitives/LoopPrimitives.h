// The loop primitives, one pass per file (passes/primitives/<Name>.cpp):
// each converts its arguments, checks legality and rewrites, side by side.
// Names, parameters and defaults are Exo's (API_scheduling.py).
#pragma once

#include "passes/Scheduling.h"

namespace schedc::sched {

PrimitiveSpec divideLoopPrimitive();          // divide_loop
PrimitiveSpec divideWithRecomputePrimitive(); // divide_with_recompute
PrimitiveSpec multLoopsPrimitive();           // mult_loops
PrimitiveSpec joinLoopsPrimitive();           // join_loops
PrimitiveSpec cutLoopPrimitive();             // cut_loop
PrimitiveSpec shiftLoopPrimitive();           // shift_loop
PrimitiveSpec unrollLoopPrimitive();          // unroll_loop
PrimitiveSpec addLoopPrimitive();             // add_loop
PrimitiveSpec specializePrimitive();          // specialize
PrimitiveSpec insertPassPrimitive();          // insert_pass
PrimitiveSpec deletePassPrimitive();          // delete_pass
PrimitiveSpec eliminateDeadCodePrimitive();   // eliminate_dead_code

} // namespace schedc::sched
