// The C backend: IR procs to a C99 source file and its header.
//
// Conventions of the emitted code (see spec/LANGUAGE.md, "Output (C backend)"):
// - `void NAME(void *ctxt, <args>)`, preceded by the proc's signature in source
//   syntax as a comment. Control arguments (size, index, bool, stride) are passed
//   by value (`int_fast32_t N`, `bool b`); data arguments by pointer (`float *A`,
//   0-dim `float *x` read as `*x`); window arguments as `struct schedc_win_<rank><type>`
//   values (`{ T *data; int_fast32_t strides[rank]; }`, the `c` variant has a
//   `const T *data`). Data never written (also not through windows or callees)
//   is `const`.
// - Tensors are dense and row-major: `A[i * M + j]`; windows always go through
//   their strides: `w.data[i * w.strides[0] + j * w.strides[1]]`.
// - Memories' `alloc`/`free` templates are pasted at an allocation and at the end
//   of its block; register files are allocated statically (RegisterAllocation.h).
// - Instr calls paste the instr's `c` template with its holes filled.
// - Index arithmetic is printed with C's `/` and `%`: the language's affine index
//   expressions divide non-negative values, where C's truncation agrees with
//   floor division.
#pragma once

#include "ir/Module.h"

#include <string>
#include <vector>

namespace schedc {

struct COutput {
  std::string source; // the .c file
  std::string header; // the .h file
};

struct CEmitOptions {
  std::string headerFileName = "out.h"; // the .c file does `#include "<headerFileName>"`
  std::string guardName;                // include guard; empty: derived from headerFileName
  bool selfContained = false; // the .c carries the declarations itself (no header written)
};

// Emits the given procs (instrs in the list are skipped: they are pasted at
// their call sites) and, as `static` functions before them, any non-instr procs
// they call that are not in the list. Throws CompileError, located at the
// offending IR node, when the procs cannot be written in C (e.g. a register file
// runs out of registers, a shape does not fit its memory, an instr template has
// an unknown hole).
COutput emitC(const Module& module, const std::vector<ProcPtr>& procs, const CEmitOptions& options);

} // namespace schedc
