// Dependence analysis for the scheduling primitives that change the order in
// which statements run (reorder_stmts, reorder_loops, fission, fuse,
// parallelize_loop, lift_scope, remove_loop), following Exo's effect checks
// (new_eff.py: Commutes, Check_ReorderLoops, Check_FissionLoop,
// Check_IsIdempotent), decided by z3 rather than by syntax.
//
// Model. The effects of a block are the buffer locations it may read, write
// (`=`) and reduce into (`+=`). Each Access stands for one syntactic access
// and every location it touches: its coordinates are z3 terms over the
// control values in scope, and the variables of the loops it is nested in
// (inside the block) are fresh z3 constants constrained by its guard (loop
// ranges, if conditions). Two accesses conflict when the conjunction of their
// guards and the equality of their coordinates is satisfiable; since every
// collection of effects makes its own fresh loop variables, that question is
// existential and needs no quantifiers: it is one `prove(!conflict)` query.
//
// Windows are resolved to the buffer they view, and calls contribute their
// callee's effects with the actual arguments substituted, so every access
// names the underlying buffer and its full coordinates. Buffers allocated
// inside the analysed block are private to it (to one iteration of a loop
// whose body it is) and drop out. Distinct arguments never alias (as in Exo).
//
// Conflicts, as Exo's Commutes: a write conflicts with any access, a
// reduction with a read or a write; two reductions into the same place
// commute (their order only changes rounding, which Exo accepts too), as do
// two reads. A parallel loop must not even share reductions (Disjoint).
// "Unknown" from z3 (a timeout on a nonlinear index) counts as a conflict.
#pragma once

#include "ir/IR.h"
#include "passes/ProcEdit.h"
#include "passes/Solver.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace schedc::sched {

enum class AccessKind { Read, Write, Reduce };

struct Access {
  Sym buffer; // the underlying buffer (argument or allocation)
  AccessKind kind;
  std::vector<z3::expr> index; // its coordinates, one per dimension
  z3::expr guard;              // when (and for which inner loop values) it happens
  Stmt stmt;                   // the statement of the analysed block that makes it
  bool reorderable =
      true; // a reduction that may commute with another (not float without fast_math)
};
using Effects = std::vector<Access>;

// Float reductions into one location are ordered (reordering them can change
// the rounding) unless a directive was given fast_math=True, which opens a
// FloatReassociation(true) scope around its check: then they commute as
// reals, as in Exo. Integer reductions always commute (wrapping addition is
// associative and commutative).
class FloatReassociation {
public:
  explicit FloatReassociation(bool allowed);
  ~FloatReassociation();
  FloatReassociation(const FloatReassociation&) = delete;
  FloatReassociation& operator=(const FloatReassociation&) = delete;

private:
  bool allowed_;
};
bool floatReassociationAllowed();

// Which pairs of accesses to one location conflict.
enum class ConflictRule {
  Commute,       // Exo's Commutes: all but read/read and reduce/reduce
  Disjoint,      // parallel iterations: all but read/read
  NotIdempotent, // first writes or reduces, second reads or reduces (Exo's Shadows)
  CommuteNoRAW,  // Commute, except a first-side write read by the second side
};

// Two statements that may touch the same location in conflicting ways.
struct Conflict {
  Stmt first;  // from the first effects
  Stmt second; // from the second effects
  Sym buffer;
  AccessKind firstKind = AccessKind::Read;
  AccessKind secondKind = AccessKind::Read;
  std::string undecided; // non-empty when z3 could not decide ("could not decide (timeout)")
};

class DependenceAnalysis {
public:
  DependenceAnalysis(const Proc& proc, Solver& solver);

  Solver& solver() { return solver_; }

  // Assumes what holds wherever statement `at` runs: size arguments are
  // positive, the asserts, and the ranges and conditions of its enclosing
  // loops and ifs (not of `at` itself). Use inside a SolverScope.
  void assumeContext(const Path& at);

  // The effects of `block`, with control variables replaced as `renaming`
  // says (e.g. a loop variable by a second copy of it). Every call makes new
  // fresh variables for the loops inside the block, so two collections of
  // the same block are independent instances.
  Effects effects(const Block& block, const SolverBindings& renaming = {});

  // The first pair (a from `first`, b from `second`) that may touch the same
  // location in a way `rule` forbids, under the assumptions in scope; nullopt
  // when none can. One query when there is none; a few more (a bisection) to
  // find the pair otherwise.
  std::optional<Conflict> findConflict(const Effects& first, const Effects& second,
                                       ConflictRule rule);

  // Measurements for reports: queries made by this analysis.
  unsigned queries() const { return queries_; }

private:
  const Proc& proc_;
  Solver& solver_;
  std::map<uint64_t, Stmt> windowBinds_; // every `w = A[...]` of the proc, by Sym id
  unsigned queries_ = 0;
};

// ------------------------------------------------------------ checks
// Each returns the conflict that makes the rewrite illegal, or nullopt.
// They push and pop their own solver scope.

// `first ; second` -> `second ; first`, both blocks standing in the block
// that holds statement `at` (for the context).
std::optional<Conflict> checkCommute(const Proc& proc, Solver& solver, const Path& at,
                                     const Block& first, const Block& second);

// Iterations of `loop` (at path `at`) may run in any order, at once.
std::optional<Conflict> checkParallel(const Proc& proc, Solver& solver, const Path& at);

// Interchanging the loop at `at` and the single loop that is its body:
// for iterations (x, y) before (x', y') in the nest, with x < x' and y' < y,
// the bodies must commute (their order would be reversed).
std::optional<Conflict> checkInterchange(const Proc& proc, Solver& solver, const Path& at);

// `for i: pre; post` -> `for i: pre` ; `for i: post`: for i < j, pre in
// iteration j and post in iteration i must commute. `loop` need not be in
// the proc (fuse checks the loop it would build); `at` is where it stands.
// Exo's relaxation: when pre does not use the loop variable and is
// idempotent, post may read what pre writes (it is the same every iteration).
std::optional<Conflict> checkFission(const Proc& proc, Solver& solver, const Path& at,
                                     const For& loop, const Block& pre, const Block& post);

// Running `block` twice in a row has the effect of running it once (Exo's
// Check_IsIdempotent: nothing it modifies is read or reduced by it).
std::optional<Conflict> checkIdempotent(const Proc& proc, Solver& solver, const Path& at,
                                        const Block& block);

// ------------------------------------------------------------ helpers

// True if `v` occurs (as a control value) anywhere in the statements.
bool usesVar(const Block& block, const Sym& v);
bool usesVar(const Expr& e, const Sym& v);
// True if the buffer or window `name` is read, written or passed in `block`.
bool usesBuffer(const Block& block, const Sym& name);

// A statement as messages show it: its first line in source syntax, without
// the trailing colon of a loop or if header ("for j in seq(0, N)").
std::string stmtText(const Stmt& s);

} // namespace schedc::sched
