// The scheduling engine: the state a schedule block rewrites, the cursors and
// patterns that name places in it, and the registry of primitives.
//
// A primitive is one pass: it converts its arguments (patterns or cursors) to
// places in the current proc, checks legality, and rewrites, side by side.
// A refused primitive throws DirectiveRefused (refuse()) and leaves the proc
// unchanged, so a schedule may catch it and go on.
#pragma once

#include "ir/Module.h"
#include "passes/ProcEdit.h"
#include "passes/ScheduleValue.h"
#include "passes/Solver.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace schedc::sched {

// ------------------------------------------------------------ state

// One schedule block's proc, replaced by every successful directive.
class ScheduleState {
public:
  ScheduleState(const Module& module, ProcPtr proc);

  const Proc& proc() const { return *proc_; }
  const ProcPtr& procPtr() const { return proc_; }
  const Module& module() const { return module_; }
  Solver& solver() { return *solver_; }

  // Installs the result of a directive. The result must still be provably in
  // bounds; if it is not, the directive is refused (the proc stays as it was).
  void commit(ProcPtr next, const std::string& directive, const SrcLoc& at);

  // is_legal() runs a directive and then puts the proc back; while it runs,
  // commits are not reported.
  ProcPtr snapshot() const { return proc_; }
  void restore(ProcPtr proc) { proc_ = std::move(proc); }
  bool dryRun = false;

  // Called after each committed directive (for --print-after-each/--trace).
  std::function<void(const std::string& directive, const SrcLoc& at, const Proc& before,
                     const Proc& after)>
      onCommit;

private:
  const Module& module_;
  ProcPtr proc_;
  std::unique_ptr<Solver> solver_;       // for primitives' legality checks
  std::unique_ptr<Solver> boundsSolver_; // only for re-proving bounds in commit()
};

// Refuses a directive: `file:line:col: error: <directive>: <reason>` at the
// directive, with the offending statements printed in source syntax.
[[noreturn]] void refuse(const SrcLoc& at, const std::string& directive, const std::string& reason,
                         const std::vector<Stmt>& show = {});

// ------------------------------------------------------------ places

// A range [begin, end) of one block.
struct BlockRange {
  BlockLoc block;
  size_t begin = 0, end = 0;
};

// The position between two statements of a block: before statement `index`.
struct Gap {
  BlockLoc block;
  size_t index = 0;
};

// An expression inside a statement: the statement and the child indices that
// lead to it (see exprAt for the numbering).
struct ExprRef {
  Path stmt;
  std::vector<size_t> path; // empty: not allowed; first index chooses a top-level expression
  Expr expr;
};

// The expressions of a statement, in order: For [lo, hi]; If [cond];
// Assign/Reduce [idx..., rhs]; Alloc [shape...]; WindowBind [rhs]; Call [args...].
// Of an expression: Read [idx...]; BinOp [a, b]; UnOp [a]; Select [cond, t, f];
// Window [lo0, hi0 (intervals only), lo1, ...].
std::vector<Expr> stmtExprs(const Stmt& s);
std::vector<Expr> exprChildren(const Expr& e);
Expr exprAt(const Stmt& s, const std::vector<size_t>& path);
// `s` with the expression at `path` replaced (same identity).
Stmt replaceExprAt(const Stmt& s, const std::vector<size_t>& path, Expr replacement);

// Argument conversions. A location argument is a pattern string (Exo's
// syntax: "for i in _:_", "x : _", "a[_] += _", "a = _; b = _", "#n" for the
// n-th match, shorthand "i" for the loop named i) or a cursor. `what` names the
// argument in errors ("loop", "statement", ...). Errors are DirectiveRefused
// located at the argument.
Path stmtArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
             const std::string& directive);
Path loopArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
             const std::string& directive);
Path ifArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
           const std::string& directive);
Path allocArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
              const std::string& directive);
BlockRange blockArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                    const std::string& directive);
Gap gapArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
           const std::string& directive);
ExprRef exprArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                const std::string& directive);
// A buffer named by an alloc cursor/pattern or by name ("out"): its Sym.
Sym bufferArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
              const std::string& directive);

// A memory (`DRAM_STATIC`) or a proc/instr (`rvm_mld`) named in a schedule.
std::string memoryArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                      const std::string& directive);
ProcPtr procArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                const std::string& directive);

// Results: cursors to what a directive introduced. Cursors refer to
// statements by identity, so they stay valid across later directives while
// their statement exists.
Value stmtCursor(ScheduleState& state, uint64_t stmtId);
Value blockCursor(ScheduleState& state, std::vector<uint64_t> stmtIds);
Value gapCursor(ScheduleState& state, const Gap& gap);
Value exprCursor(ScheduleState& state, uint64_t stmtId, std::vector<size_t> path);

// ------------------------------------------------------------ registry

using PrimitiveFn =
    std::function<Value(ScheduleState& state, const BoundArgs& args, const CallArgs& call)>;

struct PrimitiveSpec {
  std::string name;
  std::vector<ParamSpec> params; // Exo's names, order and defaults
  PrimitiveFn fn;
};

class PrimitiveRegistry {
public:
  void add(PrimitiveSpec spec);
  const std::vector<PrimitiveSpec>& all() const { return specs_; }
  const PrimitiveSpec* find(const std::string& name) const;

private:
  std::vector<PrimitiveSpec> specs_;
};

// Each group of primitives registers itself (passes/primitives/*.cpp).
void registerCorePrimitives(PrimitiveRegistry& registry);  // find, rename, simplify, ...
void registerLoopPrimitives(PrimitiveRegistry& registry);  // divide_loop, unroll_loop, ...
void registerOrderPrimitives(PrimitiveRegistry& registry); // reorder_loops, fission, fuse, ...
void registerExprPrimitives(PrimitiveRegistry& registry);  // rewrite_expr, bind_expr, ...
void registerProcPrimitives(PrimitiveRegistry& registry);  // stage_mem, replace, ...
void registerBufferPrimitives(PrimitiveRegistry& registry);
const PrimitiveRegistry& allPrimitives();

// ------------------------------------------------------------ running

struct ScheduleRunOptions {
  std::ostream* printStream = nullptr; // the schedule's print()
  std::function<void(const std::string& directive, const SrcLoc& at, const Proc& before,
                     const Proc& after)>
      onCommit;
};

// Runs `schedule NEW from OLD:` and returns proc NEW.
ProcPtr runSchedule(const Module& module, const ScheduleDecl& decl,
                    const ScheduleRunOptions& options);

} // namespace schedc::sched
