// Source files to a checked Module: parsing, imports, and lowering of
// memories, instrs and procs to the IR with name, type and shape checks.
// (Bounds proofs and schedules run afterwards, in passes/.)
#pragma once

#include "ir/Module.h"

#include <string>
#include <vector>

namespace schedc {

struct FrontendOptions {
  std::vector<std::string> includeDirs; // -I, searched after the importing file's folder
  std::string stdlibDir;                // searched last; holds memories.sched (always loaded)
};

// Throws CompileError on any user error.
Module loadModule(const std::string& path, const FrontendOptions& options);
Module loadModuleFromString(const std::string& text, const std::string& path,
                            const FrontendOptions& options);

} // namespace schedc
