#include "passes/MemoryRules.h"

#include "ir/IRVisitor.h"
#include "ir/Printer.h"

#include <map>
#include <optional>

namespace schedc {

namespace {

std::optional<int64_t> constantExtent(const Expr& e) {
  if (const Const* c = e->as<Const>(); c && isIndexLike(c->type))
    return c->intValue;
  return std::nullopt;
}

} // namespace

std::string allocMemoryProblem(const Alloc& alloc, const MemoryDef& memory) {
  std::vector<std::optional<int64_t>> extents;
  for (const Expr& extent : alloc.shape)
    extents.push_back(constantExtent(extent));
  if (memory.staticShape)
    for (size_t d = 0; d < extents.size(); ++d)
      if (!extents[d])
        return "memory " + memory.name + " needs a constant shape, but '" + alloc.name.name() +
               "' has extent `" + printExpr(alloc.shape[d]) + "` in dimension " + std::to_string(d);
  if (memory.shape.empty())
    return "";
  // The required shape is in 32-bit words: the rows must match and the last
  // dimension must hold as many bytes. Extra constant leading dimensions make
  // an array of registers, which unroll_buffer splits before code generation
  // (the backend refuses a register buffer that still has them).
  bool fits = extents.size() >= memory.shape.size() && !extents.empty();
  size_t lead = fits ? extents.size() - memory.shape.size() : 0;
  for (size_t d = 0; fits && d < extents.size(); ++d) {
    if (!extents[d])
      fits = false;
    else if (d < lead)
      fits = *extents[d] >= 1;
    else if (d + 1 < extents.size())
      fits = *extents[d] == memory.shape[d - lead];
    else
      fits = *extents[d] * byteWidth(alloc.type) == memory.shape[d - lead] * 4;
  }
  if (fits)
    return "";
  std::string required, actual;
  for (size_t d = 0; d < memory.shape.size(); ++d)
    required += (d ? ", " : "") + std::to_string(memory.shape[d]);
  for (size_t d = 0; d < alloc.shape.size(); ++d)
    actual += (d ? ", " : "") + printExpr(alloc.shape[d]);
  return "'" + alloc.name.name() + ": " + typeName(alloc.type) + "[" + actual +
         "]' does not fit memory " + memory.name + ", which holds [" + required + "] 32-bit words";
}

namespace {

class Allocs : public IRVisitor {
public:
  std::vector<const Alloc*> all;

protected:
  void visitAlloc(const Alloc* s) override {
    all.push_back(s);
    IRVisitor::visitAlloc(s);
  }
};

std::string signature(const Alloc& alloc) {
  std::string text = typeName(alloc.type) + "@" + alloc.mem;
  for (const Expr& extent : alloc.shape)
    text += "," + printExpr(extent);
  return text;
}

} // namespace

std::string changedAllocMemoryProblem(const Proc& before, const Proc& after, const Module& module) {
  Allocs old, now;
  old.visitProc(before);
  now.visitProc(after);
  std::map<Sym, std::string> previous;
  for (const Alloc* alloc : old.all)
    previous[alloc->name] = signature(*alloc);
  for (const Alloc* alloc : now.all) {
    auto it = previous.find(alloc->name);
    if (it != previous.end() && it->second == signature(*alloc))
      continue;
    if (const MemoryDef* memory = module.findMemory(alloc->mem))
      if (std::string problem = allocMemoryProblem(*alloc, *memory); !problem.empty())
        return problem;
  }
  return "";
}

} // namespace schedc
