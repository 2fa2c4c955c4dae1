// The LLVM backend: IR procs to LLVM IR (IRBuilder), optimised with the new
// pass manager and written as an object file, assembly, LLVM IR text or bitcode
// for x86_64-linux-gnu, riscv64-unknown-linux-gnu or riscv32-unknown-elf.
//
// The code means what the C backend's C means (CBackend.h), as a C compiler
// would compile it:
// - `void NAME(void *ctxt, <args>)` with the C header's argument types: control
//   arguments as `int_fast32_t` (i64 on the 64-bit targets, i32 on rv32) or
//   `bool`, data as pointers, `nocapture`, aligned to their element and
//   `dereferenceable` when their shape is constant. Data arguments are
//   `noalias` unless a call in the module passes that parameter a buffer that
//   overlaps another argument (the language allows it for procs; only instr
//   operands must not alias): C callers of an exported proc must not pass
//   overlapping buffers when one of them is written.
// - Data arithmetic follows C's promotions and wraps (no `nsw`); floats are
//   strict (no fast-math flags, no contraction); index arithmetic is
//   `int_fast32_t` arithmetic; `/` and `%` are C's (sdiv/srem).
// - `select`, `and` and `or` evaluate lazily, as C's `?:`, `&&`, `||` do.
// - Loops are canonical: preheader, header with the induction phi, latch.
// - DRAM allocations: scalars and small constant shapes on the stack, others
//   malloc/free at the block's end (the C backend's placement); DRAM_STATIC:
//   internal zero-initialised globals (C's `static`). Register-file memories
//   (`registers:`) have no storage: the C backend's static allocation
//   (RegisterAllocation.h) gives each buffer a register, the same one, with
//   the same refusal of a ninth live RVM tile. Other memories are refused
//   ("memory X has no LLVM lowering").
// - Instr calls: the instr's `asm:` form (holes: ir/AsmTemplate.h) as one
//   `sideeffect` inline asm call, GPR holes as "r" operands, register holes
//   filled with the allocated register, `~{memory}` when an argument is
//   addressed. An instr without an `asm:` form is refused at the call; an
//   `asm:` form the assembler refuses (-c) is refused at the call too. -S
//   pastes the forms as written (as a C compiler's -S does).
// - Window arguments: procs take a window as its data pointer and one stride
//   per dimension; an exported proc with window arguments gets a wrapper with
//   the C header's ABI (the struct by value, as x86-64 SysV and the RISC-V
//   psABI pass it) around an always-inlined NAME.impl.
#pragma once

#include "ir/Module.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace schedc {

enum class LLVMOutputKind { Object, Assembly, IRText, Bitcode };

struct LLVMEmitOptions {
  std::string triple = "x86_64-linux-gnu"; // one of llvmKnownTargets()
  std::string march;                       // "": the target's default; RISC-V: rv32imc style
  std::string mabi;                        // "": derived from the arch (ilp32, lp64d, ...)
  int optLevel = 2;                        // 0..3
  LLVMOutputKind output = LLVMOutputKind::Object;
};

// A problem with the target options (unknown triple, bad -march/-mabi): not
// located in the program. The driver prints `schedc: error: <what()>`.
class TargetError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

const std::vector<std::string>& llvmKnownTargets();

// Checks the options (throws TargetError) without compiling anything.
void checkLLVMTarget(const LLVMEmitOptions& options);

// Compiles the procs (and the non-listed procs they call, as internal
// functions) to the requested output, returned as bytes. Throws TargetError,
// CompileError (located refusals) or std::runtime_error (an internal error,
// e.g. the generated IR does not verify).
std::string emitLLVM(const Module& module, const std::vector<ProcPtr>& procs,
                     const LLVMEmitOptions& options);

} // namespace schedc
