#include "passes/Pipeline.h"

#include "passes/BoundsCheck.h"
#include "passes/Scheduling.h"
#include "passes/Warnings.h"

#include <algorithm>
#include <functional>
#include <set>

namespace schedc {

void verifyProc(const Proc& proc, const Module& module) {
  checkBounds(proc, module);
}

// Procs a schedule created (extract_subproc) and the scheduled proc calls
// join the module right before it: emitted and printed like any proc, and
// named by later schedules.
static void addCreatedProcs(Module& module, const Proc& scheduled) {
  std::vector<ProcPtr> created;
  std::function<void(const Block&)> collect = [&](const Block& block) {
    for (const Stmt& s : block) {
      if (const For* loop = s->as<For>()) {
        collect(loop->body);
      } else if (const If* branch = s->as<If>()) {
        collect(branch->body);
        collect(branch->orelse);
      } else if (const Call* call = s->as<Call>()) {
        bool known = module.findProc(call->callee->name) != nullptr;
        for (const ProcPtr& p : created)
          known = known || p->name == call->callee->name;
        if (!known) {
          collect(call->callee->body);
          created.push_back(call->callee);
        }
      }
    }
  };
  collect(scheduled.body);
  auto at = std::find_if(module.procs.begin(), module.procs.end(),
                         [&](const ProcPtr& p) { return p->name == scheduled.name; });
  module.procs.insert(at, created.begin(), created.end());
}

static CompiledModule finish(Module module, const PipelineOptions& options) {
  CompiledModule out;
  for (const ProcPtr& p : module.procs)
    verifyProc(*p, module);
  warnUnusedBuffers(module, out.warnings); // the procs as written, before schedules
  // Schedules run in source order, so one may derive from another's result.
  sched::ScheduleRunOptions run;
  run.printStream = options.schedulePrint;
  for (const ScheduleDecl& s : module.schedules) {
    if (s.fromImport)
      continue;
    // -Wuseless-directive watches the commits; warnings never change the proc.
    DirectiveEffects effects(module, s);
    run.onCommit = [&](const std::string& directive, const SrcLoc& at, const Proc& before,
                       const Proc& after) {
      effects.onCommit(at, before, after);
      if (options.onDirective)
        options.onDirective(directive, at, before, after);
    };
    ProcPtr scheduled = sched::runSchedule(module, s, run);
    verifyProc(*scheduled, module);
    module.setProc(scheduled);
    addCreatedProcs(module, *scheduled);
    effects.report(out.warnings);
  }
  warnUnusedProcs(module, out.warnings);
  sortWarnings(out.warnings);

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
