// The schedule interpreter: runs `schedule` blocks and `def` helpers, written
// in a small Python subset (see LANGUAGE.md, "Schedules").
//
// The interpreter knows the language only. Scheduling primitives, cursors and
// procs come from the host: it registers primitives as Builtin globals and
// hands out Object values; the interpreter calls them through CallArgs and
// the Object interface (passes/ScheduleValue.h).
//
// Name lookup: the running call's variables, then those of the calls that
// defined enclosing `def`s (while they run), then globals (consts, helpers,
// host builtins), then the language builtins (range, len, print, ...), which
// a global of the same name shadows.
//
// Every error is a CompileError located at the offending syntax node, with a
// note per helper call being run ("in helper 'f' called here", innermost
// first). Only DirectiveRefused is caught by `try:`/`except:`.
//
// Runaway schedules are stopped with located errors, never by a hang or a
// crash: a step budget (statements and calls, plus work proportional to the
// size of containers built), a limit on nested helper calls, and a budget of
// native stack for everything that recurses (calls, blocks, expressions).
#pragma once

#include "passes/ScheduleValue.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <unordered_map>
#include <vector>

namespace schedc::sched {

struct InterpreterOptions {
  std::ostream* printStream = nullptr; // print() writes here; null: std::cerr
  uint64_t maxSteps = 1'000'000;       // per outermost run (runBlock, callFunction, ...)
  uint32_t maxCallDepth = 200;         // nested helper calls
  // Native stack the interpreter may use below its outermost entry. Deep
  // expressions inside deep blocks inside deep calls stay within it or get a
  // located error; the main thread's 8 MiB leaves room for the host.
  size_t stackBudgetBytes = size_t{4} << 20;
};

class ScheduleInterpreter {
public:
  using Options = InterpreterOptions;

  explicit ScheduleInterpreter(Options options = {});
  ~ScheduleInterpreter();
  ScheduleInterpreter(const ScheduleInterpreter&) = delete;
  ScheduleInterpreter& operator=(const ScheduleInterpreter&) = delete;

  // Consts, procs, memories, primitives... Replaces a global of the same name.
  void defineGlobal(const std::string& name, Value value);
  const Value* findGlobal(const std::string& name) const;

  // Defines each `def` item as a global function. Their defaults are
  // evaluated now, so the globals they name must be defined first; names in
  // their bodies are looked up when they run.
  void addDefs(const std::vector<syntax::ItemPtr>& defs);

  // Calls a function or builtin value (host callbacks into user helpers).
  Value callFunction(const Value& callee, const CallArgs& args);

  // Runs a schedule body; its variables live until it returns.
  void runBlock(const syntax::Block& body);

  // Evaluates an expression over the globals.
  Value evalExpr(const syntax::Expr& expr);

  uint64_t stepsUsed() const { return steps_; }
  const Options& options() const { return options_; }

private:
  enum class Flow { Normal, Break, Continue, Return };
  class EntryGuard;

  Flow execBlock(const syntax::Block& block, Frame& frame);
  Flow execStmt(const syntax::StmtPtr& stmt, Frame& frame);
  Flow execFor(const syntax::Stmt& stmt, Frame& frame);
  Flow execWhile(const syntax::Stmt& stmt, Frame& frame);
  Flow execTry(const syntax::Stmt& stmt, Frame& frame);
  void execAugAssign(const syntax::Stmt& stmt, Frame& frame);
  Value makeFunction(const std::string& name, const SrcLoc& loc,
                     const std::vector<syntax::Param>& params, const syntax::Block& body,
                     std::shared_ptr<const void> owner, Frame& definingFrame,
                     std::weak_ptr<Frame> enclosing);

  void assign(const syntax::Expr& target, Value value, Frame& frame);
  void assignNames(const std::vector<std::string>& names, Value value, const SrcLoc& loc,
                   Frame& frame);
  std::vector<Value> unpack(const Value& value, size_t count, const SrcLoc& loc);

  Value eval(const syntax::Expr& expr, Frame& frame);
  Value lookup(const std::string& name, const SrcLoc& loc, Frame& frame);
  Value evalBinary(const syntax::Expr& expr, Frame& frame);
  Value binaryOp(const std::string& op, const Value& lhs, const Value& rhs, const SrcLoc& loc);
  Value evalCompare(const syntax::Expr& expr, Frame& frame);
  Value evalUnary(const syntax::Expr& expr, Frame& frame);
  Value evalCall(const syntax::Expr& expr, Frame& frame);
  Value evalSubscript(const syntax::Expr& expr, Frame& frame);
  Value evalAttribute(const syntax::Expr& expr, Frame& frame);
  // Out of line (like every case but the simplest) to keep eval()'s frame small.
  [[gnu::noinline]] Value evalFString(const syntax::Expr& expr, Frame& frame);
  [[gnu::noinline]] Value evalSequence(const syntax::Expr& expr, Frame& frame);
  std::optional<int64_t> evalSliceBound(const syntax::ExprPtr& bound, Frame& frame);

  Value call(const Value& callee, const CallArgs& args);
  Value callUser(const FunctionData& function, const CallArgs& args);
  Value callBuiltin(const BuiltinData& builtin, const CallArgs& args);

  // Ordering for < <= > >= min max: ints, strs, and lists/tuples element-wise.
  int compareOrder(const Value& lhs, const Value& rhs, const std::string& op, const SrcLoc& loc,
                   int depth = 0);

  void countStep(const SrcLoc& loc);
  // Charges work proportional to the size of a container being built.
  void chargeElements(size_t count, const SrcLoc& loc);
  void checkStack(const SrcLoc& loc);
  [[noreturn]] void failStepLimit(const SrcLoc& loc);

  void registerLanguageBuiltins();
  void defineBuiltin(const std::string& name, BuiltinFn fn);
  std::ostream& printStream() const;

  Options options_;
  std::unordered_map<std::string, Value> globals_;
  std::unordered_map<std::string, Value> builtins_;
  uint64_t steps_ = 0;
  uint32_t callDepth_ = 0;
  uint32_t activeEntries_ = 0; // >0 while running; host builtins may re-enter
  uintptr_t stackBase_ = 0;    // stack address at the outermost entry
};

} // namespace schedc::sched
