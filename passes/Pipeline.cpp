#include "passes/Pipeline.h"

#include "passes/BoundsCheck.h"
#include "passes/Scheduling.h"

#include <set>

namespace schedc {

void verifyProc(const Proc& proc, const Module& module) {
  checkBounds(proc, module);
}

static CompiledModule finish(Module module, const PipelineOptions& options) {
  CompiledModule out;
  for (const ProcPtr& p : module.procs)
    verifyProc(*p, module);
  // Schedules run in source order, so one may derive from another's result.
  sched::ScheduleRunOptions run;
  run.onCommit = options.onDirective;
  run.printStream = options.schedulePrint;
  for (const ScheduleDecl& s : module.schedules) {
    if (s.fromImport)
      continue;
    ProcPtr scheduled = sched::runSchedule(module, s, run);
    verifyProc(*scheduled, module);
    module.setProc(scheduled);
  }

  std::set<std::string> wanted(options.onlyProcs.begin(), options.onlyProcs.end());
  for (const std::string& name : options.onlyProcs) {
    ProcPtr p = module.findProc(name);
    if (!p)
      throw CompileError(makeLoc(module.mainFile, 1, 1), "--proc: no proc named '" + name + "'");
    if (p->isInstr())
      throw CompileError(p->loc, "--proc: '" + name + "' is an instr; instrs are not emitted");
  }
  for (const ProcPtr& p : module.procs) {
    if (p->isInstr() || p->fromImport)
      continue;
    if (wanted.empty() ? p->isPrivate : !wanted.count(p->name))
      continue;
    out.emitted.push_back(p);
  }
  out.module = std::move(module);
  return out;
}

CompiledModule compileFile(const std::string& path, const PipelineOptions& options) {
  return finish(loadModule(path, options.frontend), options);
}

CompiledModule compileString(const std::string& text, const std::string& path,
                             const PipelineOptions& options) {
  return finish(loadModuleFromString(text, path, options.frontend), options);
}

} // namespace schedc
