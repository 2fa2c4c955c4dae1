// The `asm:` form of an instr: assembler text for the LLVM backend.
//
// An `asm:` template is the text an assembler sees, with holes that schedc
// fills at every call. It is lowered to one LLVM inline asm call (always
// `sideeffect`), so a stock LLVM assembles it when the text is
// mnemonic-free (`.insn`, `.4byte`). Holes, for an argument x:
//
//   {x_addr}            GPR operand: the address of x's first element (data
//                       arguments not in a register file). Becomes an "r"
//                       input operand; the text gets the register LLVM picks.
//   {x_stride_N}        GPR operand: the stride of dimension N in elements.
//   {x_stride_bytes_N}  GPR operand: the stride of dimension N in bytes (the
//                       element stride times the element size), e.g. the row
//                       stride rs2 of RVM's mld.w.
//   {n}                 GPR operand: a control argument n (size, index,
//                       stride, bool) as an int_fast32_t value.
//   {x_reg}             register-file arguments (a memory with `registers:`):
//                       the register the static allocation chose, pasted as
//                       written in the memory's list ("7", "23", "m7").
//   {x_reg+K} {x_reg-K} the same register plus (minus) a decimal constant K:
//                       allowed only when every register of the memory is an
//                       integer. The assembler needs a register name where
//                       RVM.md writes x(16+N) (`.insn r ..., x(16+N), ...` is
//                       refused by LLVM MC as "expected register"), so schedc
//                       does that one addition and one register list serves
//                       the C and the asm forms of a flavour.
//   {{ }}               literal braces.
//
// Everything else is literal assembler text ('$' needs no escape: schedc
// escapes LLVM's operand marker). An instr with an argument not in a register
// file (it is addressed, e.g. DRAM) clobbers memory (`~{memory}`): the
// hardware reads or writes it behind the compiler's back. An instr whose data
// arguments are all in register files touches no memory the compiler sees
// (LLVM may move loads and stores across it, never another instr call); an
// instr without data arguments is assumed to touch any memory.
// Holes are checked where the instr is defined (asmTemplateProblem).
#pragma once

#include "ir/Module.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace schedc {

struct AsmPiece {
  enum class Kind { Text, Addr, Stride, StrideBytes, Control, Reg };
  Kind kind = Kind::Text;
  std::string text;   // Text: the literal text (braces resolved)
  size_t arg = 0;     // index of the instr argument
  size_t dim = 0;     // Stride, StrideBytes
  int64_t offset = 0; // Reg: added to the register number
  bool hasOffset = false;
};

// Parses an `asm:` template of `instr` into pieces, or says why it does not
// fit the instr's arguments (module: the memories of the arguments).
std::optional<std::string> parseAsmTemplate(const Proc& instr, const Module& module,
                                            const std::string& text, std::vector<AsmPiece>& out);

// Why the `asm:` template of `instr` does not fit its arguments, or nullopt.
std::optional<std::string> asmTemplateProblem(const Proc& instr, const Module& module,
                                              const std::string& text);

// True if `text` is a decimal integer (an optional '-' then digits).
bool isIntegerRegister(const std::string& text);

} // namespace schedc
