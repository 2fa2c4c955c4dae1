// Addressing and editing statements inside a proc.
//
// A Path leads from the proc body to one statement: at each level, which
// block of the enclosing statement (a loop's or if's body, an if's else) and
// which position in it. Rewrites replace a range of one block and rebuild the
// spine above it; rebuilt ancestors keep their identity (StmtNode::id), so
// cursors held by schedules follow them.
#pragma once

#include "ir/IR.h"

#include <optional>
#include <vector>

namespace schedc::sched {

enum class Branch { Body, OrElse };

struct Step {
  Branch branch; // which block of the parent statement (the proc body: Body)
  size_t index;  // position in that block
  friend bool operator==(const Step&, const Step&) = default;
};
using Path = std::vector<Step>; // never empty for a statement

// Where a block lives: the path of the statement that owns it (empty: the
// proc body) and which of its blocks.
struct BlockLoc {
  Path owner;
  Branch branch = Branch::Body;
  friend bool operator==(const BlockLoc&, const BlockLoc&) = default;
};

BlockLoc blockOf(const Path& stmt); // the block a statement stands in
Path parentPath(const Path& stmt);  // empty for a top-level statement

const Block& blockAt(const Proc& proc, const BlockLoc& where);
const Stmt& stmtAt(const Proc& proc, const Path& path);
std::optional<Path> findStmt(const Proc& proc, uint64_t id);

// Every statement in program order (pre-order), with its path.
struct Located {
  Stmt stmt;
  Path path;
};
std::vector<Located> allStmts(const Proc& proc);

// Enclosing statements of `path`, outermost first (excluding the statement).
std::vector<Located> ancestors(const Proc& proc, const Path& path);

// A copy of `proc` with statements [begin, end) of block `where` replaced.
ProcPtr replaceRange(const Proc& proc, const BlockLoc& where, size_t begin, size_t end,
                     Block replacement);
inline ProcPtr replaceStmt(const Proc& proc, const Path& path, Block replacement) {
  size_t i = path.back().index;
  return replaceRange(proc, blockOf(path), i, i + 1, std::move(replacement));
}

// A statement like `s` with block `branch` replaced (same identity).
Stmt withBlock(const Stmt& s, Branch branch, Block block);

// A copy of `proc` with a new body / name.
ProcPtr withBody(const Proc& proc, Block body);
ProcPtr renamed(const Proc& proc, const std::string& name);

} // namespace schedc::sched
