// Helpers shared by the expression primitives (rewrite_expr, bind_expr,
// merge_writes, ...): what holds at a statement, the names in scope there
// (to lower an expression string written by the schedule), and which
// buffers statements read and write.
#pragma once

#include "ir/Module.h"
#include "passes/ProcEdit.h"
#include "passes/Solver.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace schedc::sched {

// ------------------------------------------------------------ facts

// Assumes, in the solver's current scope, what holds when statement `path`
// runs: the proc's facts (sizes >= 1, asserts, dense tensor arguments), the
// ranges of the enclosing loops and the conditions of the enclosing branches.
void assumeStmtContext(Solver& solver, const Proc& proc, const Path& path);

// A solver scope with the context of one statement assumed; popped on exit.
class StmtContext {
public:
  StmtContext(Solver& solver, const Proc& proc, const Path& path) : scope_(solver) {
    assumeStmtContext(solver, proc, path);
  }

private:
  SolverScope scope_;
};

// True iff the two control (index or condition) expressions have the same
// value whenever statement `path` runs.
bool provablyEqualAt(Solver& solver, const Proc& proc, const Path& path, const Expr& a,
                     const Expr& b);

// `e` simplified (passes/Simplify.h) with the facts of statement `path`,
// e.g. an index a rewrite builds for that statement.
Expr simplifyAt(Solver& solver, const Proc& proc, const Path& path, const Expr& e);

// ------------------------------------------------------------ scope

// A name bound where a statement stands.
struct Binder {
  Sym sym;
  ScalarType type = ScalarType::Index;
  bool isBuffer = false;    // data: a tensor, window or scalar buffer
  std::vector<Expr> shape;  // buffers: extents (empty for a scalar)
  std::string mem = "DRAM"; // buffers
};

// Everything bound just before statement `path` runs, outermost first: the
// arguments, then for each enclosing block the allocations and window
// binds before the statement (or its ancestor), and the enclosing loops'
// variables.
std::vector<Binder> bindersAt(const Proc& proc, const Path& path);

// Lowers expression text written in a schedule (a string literal whose
// opening quote is at `where`; errors point into the string) to IR in the scope of statement
// `path`, with the language's typing rules: `hint` is the type of the value it stands for (a data
// type gives literals that type); `data` allows reading data (a data value, or a condition of
// select()); otherwise it is an index expression or a control condition. Errors are
// DirectiveRefused, prefixed with `directive`.
Expr lowerExprAt(const std::string& text, const SrcLoc& where, const Module& module,
                 const Proc& proc, const Path& path, ScalarType hint, bool data,
                 const std::string& directive);

// ------------------------------------------------------------ effects

// Buffers named through window binds stand for the buffer they view: the
// root of each window bind of the proc, followed transitively.
class AliasRoots {
public:
  explicit AliasRoots(const Proc& proc);
  uint64_t root(const Sym& buffer) const;

private:
  std::vector<std::pair<uint64_t, uint64_t>> viewOf_; // window id -> viewed buffer id
};

// Data buffers (roots) an expression reads.
std::set<uint64_t> buffersRead(const Expr& e, const AliasRoots& roots);
// Data buffers (roots) a statement, with everything nested in it, reads.
std::set<uint64_t> buffersRead(const Stmt& s, const AliasRoots& roots);
// Data buffers (roots) a statement, with everything nested in it, may write.
// A call may write every buffer passed to it.
std::set<uint64_t> buffersWritten(const Stmt& s, const AliasRoots& roots);
// Every symbol (control variables and buffers) an expression mentions.
std::set<uint64_t> symsMentioned(const Expr& e);

bool intersects(const std::set<uint64_t>& a, const std::set<uint64_t>& b);

// ------------------------------------------------------------ building

// `a op b` for arithmetic, typed as the language types it: data operands
// make a data expression of the wider type (an integer literal takes the
// other side's type), index operands an index one.
Expr makeArith(BinOpKind op, const Expr& a, const Expr& b, const SrcLoc& loc);

// "f32", "index": how messages name an expression's type.
std::string typeWord(ScalarType t);

} // namespace schedc::sched
