// Golden regression mode: `schedc --verify-golden DIR [--update-golden]`.
// Every DIR/NAME.sched (sorted by name) is compiled as
// `schedc NAME.sched -o NAME.c --header NAME.h` would compile it and the
// result compared with the checked-in DIR/NAME.c and DIR/NAME.h.
#pragma once

#include "passes/Pipeline.h"

#include <functional>
#include <string>
#include <vector>

namespace schedc::driver {

struct GoldenOptions {
  std::string dir;
  bool update = false; // --update-golden
  PipelineOptions pipeline;
  // Prints a kernel's warnings; returns how many count as errors (-Werror).
  std::function<int(const std::vector<Diagnostic>&)> reportWarnings;
  std::function<void(const CompileError&)> reportError;
};

// Verify: prints a unified diff per changed file ("--- DIR/NAME.c (golden)",
// "+++ DIR/NAME.c (now)") and a summary; 1 on any change, missing golden
// file or refused kernel. Update: rewrites the changed and missing files
// atomically, naming each; 1 only when a kernel is refused.
int runGoldenMode(const GoldenOptions& options);

} // namespace schedc::driver
