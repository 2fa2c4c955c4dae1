// Lowering of `proc` and `instr` items from syntax to the IR, with the
// definition-time checks: names, types, shapes, memories, affine indexing,
// and what may be written.
#pragma once

#include "ir/Module.h"

#include <optional>
#include <string>

namespace schedc {

// `module` supplies consts, memories and previously defined procs/instrs.
ProcPtr lowerProc(const syntax::Item& item, const Module& module, bool fromImport);

// Why the holes of an instr's C template do not fit the instr's arguments
// (`{x} {x_data} {x_int} {x_stride_N}` for an argument x; `{{`/`}}` are
// braces), or nullopt: checked where an instr is defined, and by make_instr.
std::optional<std::string> instrTemplateProblem(const Proc& proc, const std::string& text);

// Evaluates a compile-time integer expression (`const` items, loop bounds in
// patterns) over the module's consts.
int64_t evalConstInt(const syntax::Expr& e, const Module& module);

// True if memory `name` is `target` or extends it (directly or not).
bool memoryIsA(const Module& module, const std::string& name, const std::string& target);

} // namespace schedc
