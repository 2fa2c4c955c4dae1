// Static allocation of register-file memories (`memory M: registers: [...]`).
//
// A buffer allocated in a register file gets a register when its Alloc is
// reached in program order and gives it back at the end of the block holding
// the Alloc. The register chosen is the first free one in the order the memory
// lists them, so allocation is deterministic and predictable from the source.
// An Alloc inside a loop body is allocated once (the same register serves every
// iteration). Running out of registers is a compile error naming the buffers
// that hold them: there is no spilling.
#pragma once

#include "ir/Module.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace schedc {

// The registers of one register-file memory while a proc is walked.
class RegisterFile {
public:
  explicit RegisterFile(const MemoryDef& memory);

  // Gives `alloc` the first free register, or throws CompileError at the Alloc
  // naming the memory, the allocation and the live buffers.
  const std::string& acquire(const Alloc& alloc);
  // Ends the life of the buffer holding `reg` (its block ended).
  void release(const std::string& reg);

  const MemoryDef& memory() const { return memory_; }
  bool anyLive() const { return !live_.empty(); }
  // Source names of the buffers holding registers, in allocation order.
  std::vector<std::string> liveBuffers() const;

private:
  struct Holder {
    std::string reg;
    std::string buffer;
    SrcLoc loc;
  };
  const MemoryDef& memory_;
  std::vector<Holder> live_; // in allocation order
};

// The register given to one Alloc.
struct RegisterChoice {
  const Alloc* alloc;
  std::string memory;
  std::string reg;
};

// The register-file memories a proc allocates in, itself or in the procs it
// calls: calling it while those memories hold live registers would clobber
// them (both backends refuse such a call).
class RegisterUseAnalysis {
public:
  explicit RegisterUseAnalysis(const Module& module) : module_(module) {}

  const std::set<std::string>& memoriesAllocatedBy(const Proc& proc);

private:
  void walk(const Block& block, std::set<std::string>& memories);

  const Module& module_;
  std::map<const Proc*, std::set<std::string>> cache_;
};

// Refuses `call` of `callee` (throws CompileError at the call) when the callee
// allocates registers of a memory whose `files` entry holds live registers.
void checkCallKeepsRegisters(RegisterUseAnalysis& use,
                             const std::map<std::string, RegisterFile>& files, const Call& call,
                             const Proc& callee);

// Allocates every register-file buffer of `proc`. The result lists the Allocs
// in program order (a pre-order walk of the body, then-branch before
// else-branch); an Alloc node shared by several places of the tree appears once
// per place. Throws CompileError when a pool is exhausted or an Alloc names an
// unknown memory.
std::vector<RegisterChoice> allocateRegisters(const Module& module, const Proc& proc);

} // namespace schedc
