#include "backend/RegisterAllocation.h"

#include <algorithm>
#include <map>

namespace schedc {

RegisterFile::RegisterFile(const MemoryDef& memory) : memory_(memory) {}

const std::string& RegisterFile::acquire(const Alloc& alloc) {
  for (const std::string& reg : memory_.registers) {
    bool taken = std::any_of(live_.begin(), live_.end(),
                             [&](const Holder& holder) { return holder.reg == reg; });
    if (!taken) {
      live_.push_back(Holder{reg, alloc.name.name(), alloc.loc});
      return reg;
    }
  }
  std::string message = "memory " + memory_.name + " has no free register for '" +
                        alloc.name.name() + "' (" + std::to_string(memory_.registers.size()) +
                        " registers, all held by allocations still in scope: ";
  for (size_t i = 0; i < live_.size(); ++i)
    message += (i ? ", " : "") + live_[i].buffer;
  // Registers are allocated statically: a buffer holds its register until the
  // end of its allocation's scope, used or not.
  message += "; end a buffer's scope sooner, or share a register with reuse_buffer)";
  CompileError error(alloc.loc, message);
  for (const Holder& holder : live_)
    error.addNote(holder.loc, "'" + holder.buffer + "' holds register " + holder.reg + " here");
  throw error;
}

void RegisterFile::release(const std::string& reg) {
  auto holder =
      std::find_if(live_.begin(), live_.end(), [&](const Holder& h) { return h.reg == reg; });
  if (holder != live_.end())
    live_.erase(holder);
}

std::vector<std::string> RegisterFile::liveBuffers() const {
  std::vector<std::string> names;
  for (const Holder& holder : live_)
    names.push_back(holder.buffer);
  return names;
}

const std::set<std::string>& RegisterUseAnalysis::memoriesAllocatedBy(const Proc& proc) {
  auto [entry, inserted] = cache_.try_emplace(&proc);
  if (!inserted)
    return entry->second;
  std::set<std::string> memories;
  walk(proc.body, memories);
  cache_[&proc] = std::move(memories);
  return cache_[&proc];
}

void RegisterUseAnalysis::walk(const Block& block, std::set<std::string>& memories) {
  for (const Stmt& stmt : block) {
    if (const Alloc* alloc = stmt->as<Alloc>()) {
      const MemoryDef* memory = module_.findMemory(alloc->mem);
      if (memory && memory->isRegisterFile())
        memories.insert(memory->name);
    } else if (const For* loop = stmt->as<For>()) {
      walk(loop->body, memories);
    } else if (const If* branch = stmt->as<If>()) {
      walk(branch->body, memories);
      walk(branch->orelse, memories);
    } else if (const Call* call = stmt->as<Call>()) {
      if (!call->callee->isInstr()) {
        const std::set<std::string>& inner = memoriesAllocatedBy(*call->callee);
        memories.insert(inner.begin(), inner.end());
      }
    }
  }
}

void checkCallKeepsRegisters(RegisterUseAnalysis& use,
                             const std::map<std::string, RegisterFile>& files, const Call& call,
                             const Proc& callee) {
  for (const std::string& memoryName : use.memoriesAllocatedBy(callee)) {
    auto file = files.find(memoryName);
    if (file == files.end() || !file->second.anyLive())
      continue;
    std::string live;
    for (const std::string& buffer : file->second.liveBuffers())
      live += (live.empty() ? "" : ", ") + buffer;
    fail(call.loc, "cannot call '" + callee.name + "' while registers of " + memoryName +
                       " are live (" + live + "): '" + callee.name + "' allocates " + memoryName +
                       " registers itself and would overwrite them");
  }
}

namespace {

class Allocator {
public:
  explicit Allocator(const Module& module) : module_(module) {}

  void walkBlock(const Block& block) {
    std::vector<std::pair<RegisterFile*, std::string>> acquired;
    for (const Stmt& stmt : block) {
      if (const Alloc* alloc = stmt->as<Alloc>()) {
        const MemoryDef* memory = module_.findMemory(alloc->mem);
        if (!memory)
          fail(alloc->loc, "unknown memory '" + alloc->mem + "' for '" + alloc->name.name() + "'");
        if (memory->isRegisterFile()) {
          RegisterFile& file = fileOf(*memory);
          const std::string& reg = file.acquire(*alloc);
          choices.push_back(RegisterChoice{alloc, memory->name, reg});
          acquired.emplace_back(&file, reg);
        }
      } else if (const For* loop = stmt->as<For>()) {
        walkBlock(loop->body);
      } else if (const If* branch = stmt->as<If>()) {
        walkBlock(branch->body);
        walkBlock(branch->orelse);
      }
    }
    for (auto it = acquired.rbegin(); it != acquired.rend(); ++it)
      it->first->release(it->second);
  }

  std::vector<RegisterChoice> choices;

private:
  RegisterFile& fileOf(const MemoryDef& memory) {
    auto found = files_.find(memory.name);
    if (found == files_.end())
      found = files_.emplace(memory.name, RegisterFile(memory)).first;
    return found->second;
  }

  const Module& module_;
  std::map<std::string, RegisterFile> files_;
};

} // namespace

std::vector<RegisterChoice> allocateRegisters(const Module& module, const Proc& proc) {
  Allocator allocator(module);
  allocator.walkBlock(proc.body);
  return std::move(allocator.choices);
}

} // namespace schedc
