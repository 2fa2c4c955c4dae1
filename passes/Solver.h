// The one place schedc talks to z3. Every legality check of the compiler
// (bounds proofs, dependence checks of reorder/fission, equivalence of
// rewritten expressions) translates its question into a formula over the
// control values of a proc and asks this Solver to prove it.
//
// Model of the control values:
// - every control variable (a Read of a size, index, stride or bool Sym with
//   no indices) is one z3 constant per Sym id, so two variables spelled alike
//   stay distinct;
// - stride(A, d) is one z3 integer constant per (Sym, d);
// - `/` and `%` have floor semantics (Python's and Exo's), for any divisor
//   sign; a division by zero is refused when the divisor is a constant and
//   left unconstrained otherwise (a proof then has to hold for every value).
//
// Assumptions form a stack of scopes (push/pop). A query is proved when its
// negation is unsatisfiable together with every assumption in scope. Each
// query runs in a fresh z3 solver under a timeout, so one hard (nonlinear)
// query cannot slow down the ones after it; "unknown" counts as not proved.
#pragma once

#include "ir/IR.h"

#include <z3++.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace schedc {

// Replacements applied while translating an expression, e.g. to state a
// callee's precondition in terms of a call site: the callee's parameters are
// bound to the z3 terms of the actual arguments.
struct SolverBindings {
  std::map<uint64_t, z3::expr> vars;                    // Sym id -> term
  std::map<std::pair<uint64_t, int>, z3::expr> strides; // (Sym id, dim) -> term
};

class Solver {
public:
  static constexpr unsigned kDefaultTimeoutMs = 2000;

  explicit Solver(unsigned timeoutMs = kDefaultTimeoutMs);
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  z3::context& ctx() { return ctx_; }

  // ------------------------------------------------------------ translation

  // The z3 term of an integer or boolean control expression: constants,
  // control-variable reads, + - * / % min max, comparisons, and/or/not,
  // select and stride(A, d). Throws CompileError at the offending node for
  // anything else (a data read, a float, a window).
  z3::expr toZ3(const Expr& e);
  z3::expr toZ3(const Expr& e, const SolverBindings& bindings);
  // toZ3, refusing a term of the other sort (an index that is a condition,
  // an assert that is a number) at the node.
  z3::expr toZ3Int(const Expr& e);
  z3::expr toZ3Bool(const Expr& e);
  // True iff toZ3 would succeed: the expression only involves control values.
  static bool isTranslatable(const Expr& e);

  // The z3 constant of a control variable (bool for Bool, int otherwise).
  z3::expr var(const Sym& s, ScalarType type = ScalarType::Index);
  // The z3 constant standing for stride(buffer, dim).
  z3::expr strideVar(const Sym& buffer, int dim);
  // A new integer constant no other term refers to (e.g. the second copy of
  // a loop variable in a dependence check); `display` names it in models.
  z3::expr freshInt(const std::string& display);
  z3::expr intVal(int64_t value) { return ctx_.int_val(value); }
  z3::expr boolVal(bool value) { return ctx_.bool_val(value); }

  // ------------------------------------------------------------ assumptions

  void push();
  void pop();
  void assume(const Expr& cond);
  void assume(const z3::expr& cond);
  size_t numScopes() const { return scopeStarts_.size(); }

  // ---------------------------------------------------------------- queries

  // True iff cond holds under all assumptions. When it returns false,
  // counterexample() explains why.
  bool prove(const Expr& cond);
  bool prove(const z3::expr& cond);
  // After a failed prove: a model of the assumptions that violates the goal,
  // restricted to the variables occurring in the goal and sorted by name,
  // e.g. "i = 15, N = 16" (empty when the goal mentions no variable); or
  // "could not decide (timeout)" when z3 gave up.
  std::string counterexample() const { return counterexample_; }
  // After a failed prove: whether z3 gave up rather than found a model.
  bool lastUndecided() const { return lastUndecided_; }

  // Measurements, for tuning and for reports.
  struct Stats {
    unsigned queries = 0;
    unsigned cacheHits = 0; // questions answered again from earlier proofs
    unsigned undecided = 0;
    double totalMs = 0;
    double slowestMs = 0;
    std::string slowestGoal; // the slowest goal, in z3's syntax
  };
  const Stats& stats() const { return stats_; }

private:
  struct VarInfo {
    std::string display; // how models name it: "i", "stride(A, 1)"
    uint64_t symId = 0;
  };

  z3::expr translate(const Expr& e, const SolverBindings* bindings);
  z3::expr floorDiv(const z3::expr& a, const z3::expr& b, const SrcLoc& loc);
  z3::expr floorMod(const z3::expr& a, const z3::expr& b, const SrcLoc& loc);
  z3::expr makeConst(const std::string& key, const std::string& display, uint64_t symId,
                     const z3::sort& sort);
  std::string describeModel(const z3::model& model, const z3::expr& goal) const;

  z3::context ctx_;
  unsigned timeoutMs_;
  std::vector<z3::expr> assumptions_;
  // Proved questions (see prove()), keyed by AST ids; the terms are pinned.
  std::unordered_map<std::string, std::vector<z3::expr>> provedCache_;
  std::vector<size_t> scopeStarts_;        // assumptions_.size() at each push
  std::map<std::string, z3::expr> consts_; // key: "v<id>" or "s<id>.<dim>"
  std::map<std::string, VarInfo> varInfo_; // z3 constant name -> what it stands for
  unsigned freshCounter_ = 0;
  std::string counterexample_;
  bool lastUndecided_ = false;
  Stats stats_;
};

// push() now and pop() when the C++ scope ends, also when a check throws.
class SolverScope {
public:
  explicit SolverScope(Solver& solver) : solver_(solver) { solver_.push(); }
  ~SolverScope() { solver_.pop(); }
  SolverScope(const SolverScope&) = delete;
  SolverScope& operator=(const SolverScope&) = delete;

private:
  Solver& solver_;
};

} // namespace schedc
