#include "ir/Module.h"

namespace schedc {

const MemoryDef* Module::findMemory(const std::string& name) const {
  for (const MemoryPtr& m : memories)
    if (m->name == name)
      return m.get();
  return nullptr;
}

ProcPtr Module::findProc(const std::string& name) const {
  for (const ProcPtr& p : procs)
    if (p->name == name)
      return p;
  return nullptr;
}

void Module::setProc(ProcPtr proc) {
  for (ProcPtr& p : procs)
    if (p->name == proc->name) {
      p = std::move(proc);
      return;
    }
  procs.push_back(std::move(proc));
}

} // namespace schedc
