// The buffer primitives, one pass per file (passes/primitives/<Name>.cpp):
// each converts its arguments, checks legality and rewrites, side by side.
// Names, parameters and defaults are Exo's (API_scheduling.py).
#pragma once

#include "passes/Scheduling.h"

#include <functional>
#include <string>
#include <vector>

namespace schedc::sched {

PrimitiveSpec setMemoryPrimitive();    // set_memory
PrimitiveSpec setPrecisionPrimitive(); // set_precision
PrimitiveSpec expandDimPrimitive();    // expand_dim
PrimitiveSpec liftAllocPrimitive();    // lift_alloc
PrimitiveSpec sinkAllocPrimitive();    // sink_alloc
PrimitiveSpec deleteBufferPrimitive(); // delete_buffer
PrimitiveSpec unrollBufferPrimitive(); // unroll_buffer
PrimitiveSpec reuseBufferPrimitive();  // reuse_buffer
PrimitiveSpec divideDimPrimitive();    // divide_dim
PrimitiveSpec multDimPrimitive();      // mult_dim
PrimitiveSpec rearrangeDimPrimitive(); // rearrange_dim
PrimitiveSpec resizeDimPrimitive();    // resize_dim
PrimitiveSpec boundAllocPrimitive();   // bound_alloc

PrimitiveSpec setWindowPrimitive();     // set_window
PrimitiveSpec inlineWindowPrimitive();  // inline_window
PrimitiveSpec autoliftAllocPrimitive(); // autolift_alloc

// ------------------------------------------------------------ helpers

// The first statement of `body` (one iteration of a loop) that may read a
// location of `buffer` not written earlier in the same iteration, i.e. a
// value left by an earlier iteration, or that uses the buffer in a way the
// analysis does not follow (calls, windows); null when there is none. A
// conservative must-write analysis: writes under one branch of an if count
// only when the other branch writes the same location; a loop's writes
// cover a read when a witness iteration provably wrote it. The solver must
// hold the context of `body` (lift_alloc, sink_alloc).
Stmt firstCarriedRead(Solver& solver, const Block& body, const Sym& buffer);

// A new layout of one allocation (divide_dim, mult_dim, rearrange_dim): the
// allocation at `path` gets `shape`, and every element access to it in the
// rest of its block gets `newIndex(old indices)`. Refused (located at the
// call) when the buffer is viewed, passed whole or its strides are taken,
// since those see the layout. The caller proves the map one-to-one on the
// old shape. Returns the proc to commit.
using IndexMap = std::function<std::vector<Expr>(const std::vector<Expr>&)>;
ProcPtr relayoutBuffer(const Proc& proc, const Path& path, std::vector<Expr> shape,
                       const IndexMap& newIndex, const SrcLoc& at, const std::string& directive);

} // namespace schedc::sched
