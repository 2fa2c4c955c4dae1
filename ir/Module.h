// A compilation unit: everything one .sched file (and its imports) defines.
#pragma once

#include "ir/IR.h"
#include "ir/Syntax.h"

#include <map>
#include <string>
#include <vector>

namespace schedc {

// A `schedule NEW from OLD:` block, kept as syntax; the schedule interpreter
// (passes/) derives proc NEW by running it.
struct ScheduleDecl {
  syntax::ItemPtr item;
  bool fromImport = false;
};

struct Module {
  std::string mainFile;                 // the file given on the command line
  std::vector<std::string> sourceFiles; // mainFile and every imported file, in load order

  std::map<std::string, int64_t> consts;
  std::vector<MemoryPtr> memories; // in definition order
  std::vector<ProcPtr> procs;      // procs and instrs, in definition order
  std::vector<ScheduleDecl> schedules;
  std::vector<syntax::ItemPtr> defs; // schedule helpers (`def`), incl. stdlib ones

  const MemoryDef* findMemory(const std::string& name) const;
  ProcPtr findProc(const std::string& name) const;
  // Replaces the proc of the same name, or appends a new one.
  void setProc(ProcPtr proc);
};

} // namespace schedc
