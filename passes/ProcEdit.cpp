#include "passes/ProcEdit.h"

#include <stdexcept>

namespace schedc::sched {

BlockLoc blockOf(const Path& stmt) {
  return BlockLoc{parentPath(stmt), stmt.back().branch};
}

Path parentPath(const Path& stmt) {
  return Path(stmt.begin(), stmt.end() - 1);
}

static const Block& childBlock(const Stmt& s, Branch branch) {
  if (const For* loop = s->as<For>()) {
    if (branch == Branch::Body)
      return loop->body;
  } else if (const If* branchStmt = s->as<If>()) {
    return branch == Branch::Body ? branchStmt->body : branchStmt->orelse;
  }
  throw std::logic_error("statement has no such block");
}

const Block& blockAt(const Proc& proc, const BlockLoc& where) {
  if (where.owner.empty())
    return proc.body;
  return childBlock(stmtAt(proc, where.owner), where.branch);
}

const Stmt& stmtAt(const Proc& proc, const Path& path) {
  const Block* block = &proc.body;
  const Stmt* current = nullptr;
  for (size_t k = 0; k < path.size(); ++k) {
    if (k > 0)
      block = &childBlock(*current, path[k].branch);
    if (path[k].index >= block->size())
      throw std::logic_error("path leads outside the proc");
    current = &(*block)[path[k].index];
  }
  return *current;
}

static void collect(const Block& block, Branch branch, Path& prefix, std::vector<Located>& out) {
  for (size_t i = 0; i < block.size(); ++i) {
    prefix.push_back(Step{branch, i});
    out.push_back(Located{block[i], prefix});
    if (const For* loop = block[i]->as<For>()) {
      collect(loop->body, Branch::Body, prefix, out);
    } else if (const If* s = block[i]->as<If>()) {
      collect(s->body, Branch::Body, prefix, out);
      collect(s->orelse, Branch::OrElse, prefix, out);
    }
    prefix.pop_back();
  }
}

std::vector<Located> allStmts(const Proc& proc) {
  std::vector<Located> out;
  Path prefix;
  collect(proc.body, Branch::Body, prefix, out);
  return out;
}

std::optional<Path> findStmt(const Proc& proc, uint64_t id) {
  for (const Located& l : allStmts(proc))
    if (l.stmt->id == id)
      return l.path;
  return std::nullopt;
}

std::vector<Located> ancestors(const Proc& proc, const Path& path) {
  std::vector<Located> out;
  for (size_t k = 1; k < path.size(); ++k) {
    Path prefix(path.begin(), path.begin() + static_cast<long>(k));
    out.push_back(Located{stmtAt(proc, prefix), prefix});
  }
  return out;
}

Stmt withBlock(const Stmt& s, Branch branch, Block block) {
  if (const For* loop = s->as<For>())
    return keepIdentity(
        For::make(loop->iter, loop->lo, loop->hi, std::move(block), loop->mode, loop->loc), *s);
  if (const If* b = s->as<If>()) {
    Stmt rebuilt = branch == Branch::Body ? If::make(b->cond, std::move(block), b->orelse, b->loc)
                                          : If::make(b->cond, b->body, std::move(block), b->loc);
    return keepIdentity(std::move(rebuilt), *s);
  }
  throw std::logic_error("statement has no such block");
}

// Rebuilds the statement at `path` (and its ancestors) with one of its blocks changed.
static Block rebuildBlock(const Block& block, const Path& path, size_t depth, Branch branch,
                          size_t begin, size_t end, Block& replacement) {
  if (depth == path.size()) {
    Block out(block.begin(), block.begin() + static_cast<long>(begin));
    for (Stmt& s : replacement)
      out.push_back(std::move(s));
    out.insert(out.end(), block.begin() + static_cast<long>(end), block.end());
    return out;
  }
  size_t i = path[depth].index;
  const Stmt& s = block[i];
  Branch inner = depth + 1 < path.size() ? path[depth + 1].branch : branch;
  Block newChild =
      rebuildBlock(childBlock(s, inner), path, depth + 1, branch, begin, end, replacement);
  Block out = block;
  out[i] = withBlock(s, inner, std::move(newChild));
  return out;
}

ProcPtr replaceRange(const Proc& proc, const BlockLoc& where, size_t begin, size_t end,
                     Block replacement) {
  Block body = rebuildBlock(proc.body, where.owner, 0, where.branch, begin, end, replacement);
  if (body.empty())
    body.push_back(Pass::make());
  return withBody(proc, std::move(body));
}

ProcPtr withBody(const Proc& proc, Block body) {
  auto copy = std::make_shared<Proc>(proc);
  copy->body = std::move(body);
  return copy;
}

ProcPtr renamed(const Proc& proc, const std::string& name) {
  auto copy = std::make_shared<Proc>(proc);
  copy->name = name;
  return copy;
}

} // namespace schedc::sched
