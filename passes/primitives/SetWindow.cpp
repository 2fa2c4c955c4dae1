// set_window(cursor, is_window=True)
//
//   proc p(x: i32[n], ...)     ->   proc p(x: [i32][n], ...)     (is_window=True)
//   proc p(x: [i32][n], ...)   ->   proc p(x: i32[n], ...)       (is_window=False)
//
// Only the argument's annotation changes: its extents, element type and
// memory stay, and so does every access in the body (a dense tensor is a
// window with the row-major strides), so the body computes the same thing.
// What can break is the typing of its uses and the facts about its strides:
//
// - is_window=True: a window cannot be passed whole to a dense tensor
//   parameter (the frontend's rule), so a call doing that refuses; the
//   strides are no longer known to be dense, so every access and every
//   callee precondition (`assert stride(x, 1) == 1`) must still be provable
//   without that fact (commit() proves them again);
// - is_window=False: the proc's asserts about x's strides must allow the
//   dense layout (a proc asserting `stride(x, 0) == 2` would become one no
//   caller can call).
//
// The buffer is named as in Exo's ArgCursorA: the argument's name ("x").
// Allocations are refused (they are always dense; there is nothing to view).
// Forwarding: every statement keeps its identity. Returns nothing.
#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"

namespace schedc::sched {

static const char* const kDirective = "set_window";

namespace {

// The first call passing `buffer` whole to a dense tensor parameter.
class DensePass : public IRVisitor {
public:
  explicit DensePass(const Sym& buffer) : buffer_(buffer) {}

  const Call* found = nullptr;
  std::string param;

protected:
  void visitCall(const Call* s) override {
    for (size_t i = 0; i < s->args.size() && i < s->callee->args.size() && !found; ++i) {
      const FnArg& p = s->callee->args[i];
      const auto* whole = s->args[i]->as<Read>();
      if (whole && whole->idx.empty() && whole->name == buffer_ && p.isTensor() && !p.isWindow) {
        found = s;
        param = p.name.name();
      }
    }
    IRVisitor::visitCall(s);
  }

private:
  Sym buffer_;
};

} // namespace

static Value setWindow(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Sym buffer = bufferArg(state, args[0], args.locs[0], kDirective);
  bool useWindow = args[1].requireBool(args.locs[1], "is_window");
  ProcPtr current = state.procPtr();
  const Proc& proc = *current;
  const FnArg* arg = proc.findArg(buffer);
  if (!arg)
    refuse(args.locs[0], kDirective,
           "'" + buffer.name() + "' is allocated in the proc, not an argument of it");
  if (!arg->isTensor() || arg->shape.empty())
    refuse(args.locs[0], kDirective,
           "'" + printArg(*arg) + "' is a scalar; only tensor arguments can be windows");

  auto next = std::make_shared<Proc>(proc);
  for (FnArg& a : next->args)
    if (a.name == buffer)
      a.isWindow = useWindow;

  if (useWindow) {
    DensePass dense(buffer);
    dense.visitBlock(proc.body);
    if (dense.found) {
      Stmt shown;
      for (const Located& l : allStmts(proc))
        if (l.stmt.get() == static_cast<const StmtNode*>(dense.found))
          shown = l.stmt;
      refuse(call.loc, kDirective,
             "'" + buffer.name() + "' is passed to the dense tensor parameter '" + dense.param +
                 "' of '" + dense.found->callee->name + "'; a window cannot be",
             {shown});
    }
  } else {
    // The asserts must allow the dense layout the argument gets.
    SolverScope scope(state.solver());
    assumeContext(state.solver(), *next, BlockLoc{});
    if (state.solver().prove(state.solver().boolVal(false)))
      refuse(call.loc, kDirective,
             "the asserts of '" + proc.name + "' rule out a dense '" + buffer.name() + "'");
  }
  state.commit(next, kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec setWindowPrimitive() {
  return PrimitiveSpec{
      "set_window", {{"cursor", std::nullopt}, {"is_window", Value::fromBool(true)}}, setWindow};
}

} // namespace schedc::sched
