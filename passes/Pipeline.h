// The whole middle of the compiler: load a file, verify every proc, run the
// schedules, and pick the procs to emit. The driver and the tests share it.
#pragma once

#include "frontend/Frontend.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace schedc {

struct PipelineOptions {
  FrontendOptions frontend;
  std::vector<std::string> onlyProcs; // --proc: restrict output to these
  // Called after every directive a schedule applies (--print-after-each, --trace).
  std::function<void(const std::string& directive, const SrcLoc& at, const Proc& before,
                     const Proc& after)>
      onDirective;
  std::ostream* schedulePrint = nullptr; // where a schedule's print() writes
};

struct CompiledModule {
  Module module;
  std::vector<ProcPtr> emitted;     // procs to emit, in definition order
  std::vector<Diagnostic> warnings; // printed by the driver; -Werror makes them errors
};

// Throws CompileError on any user error.
CompiledModule compileFile(const std::string& path, const PipelineOptions& options);
CompiledModule compileString(const std::string& text, const std::string& path,
                             const PipelineOptions& options);

// Checks that must hold for every proc, at definition and after every rewrite.
void verifyProc(const Proc& proc, const Module& module);

} // namespace schedc
