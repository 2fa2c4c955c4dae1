// Warnings: located diagnostics about programs that compile but are probably
// not what their author meant. Each has a flag (printed as [-WFLAG]; -Wno-FLAG
// turns it off, -Werror makes it an error) and is located in the file given
// on the command line; imported files (the stdlib) never warn. Warnings only
// look at the module, so they never change the generated code.
//
//   -Wunused-buffer      an allocation of a proc as written (not one a
//                        schedule made) that nothing reads: never used at all,
//                        or only written (GCC's -Wunused-variable and
//                        -Wunused-but-set-variable). Passing a buffer to a
//                        call counts as reading it.
//   -Wunused-proc        a private proc that no proc calls, no schedule
//                        derives from and no schedule names: it is not emitted
//                        either, so it is dead (GCC's -Wunused-function).
//   -Wuseless-directive  a directive written directly in a schedule block
//                        (not in a loop, if, try or helper) that leaves the
//                        proc unchanged, e.g. set_memory or set_precision to
//                        what the buffer already has. simplify() is exempt:
//                        schedules end with it by habit.
#pragma once

#include "ir/Module.h"
#include "support/Diagnostics.h"

#include <string>
#include <vector>

namespace schedc {

// The flags above, without "-W", e.g. for the driver to reject a misspelt
// -Wno-FLAG as GCC rejects an unknown -WFLAG.
const std::vector<std::string>& warningFlags();

// -Wunused-buffer over the procs as written (call it before schedules run),
// -Wunused-proc over the finished module.
void warnUnusedBuffers(const Module& module, std::vector<Diagnostic>& warnings);
void warnUnusedProcs(const Module& module, std::vector<Diagnostic>& warnings);

// -Wuseless-directive for one schedule block: construct it before the block
// runs, pass every committed directive to onCommit, then call report().
class DirectiveEffects {
public:
  DirectiveEffects(const Module& module, const ScheduleDecl& schedule);

  void onCommit(const SrcLoc& at, const Proc& before, const Proc& after);
  void report(std::vector<Diagnostic>& warnings) const;

private:
  struct TopLevelDirective {
    std::string name;
    SrcLoc loc;
    bool changed = false;
  };
  std::string procName_;
  std::vector<TopLevelDirective> directives_;
};

// Source order (line, then column) of the main file's warnings.
void sortWarnings(std::vector<Diagnostic>& warnings);

} // namespace schedc
