#include "passes/BoundsCheck.h"

#include "ir/IRMutator.h"
#include "ir/Printer.h"

#include <map>
#include <optional>

namespace schedc {

namespace {

std::string intervalText(const WindowIndex& w) {
  return printExpr(w.lo) + ":" + printExpr(w.hi);
}

// A callee's expression restated with the actual arguments of a call, so
// that messages speak of the caller's names (`N - 8`, not `n`).
class ReplaceParams : public IRMutator {
public:
  explicit ReplaceParams(const std::map<uint64_t, Expr>& actuals) : actuals_(actuals) {}

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    auto found = e->idx.empty() ? actuals_.find(e->name.id()) : actuals_.end();
    return found != actuals_.end() ? found->second : IRMutator::visitRead(e, self);
  }

private:
  const std::map<uint64_t, Expr>& actuals_;
};

// ------------------------------------------------------------------ checker

// What the checker knows about a buffer in scope: its extents and strides
// per dimension (z3 terms over the proc's control values), and how to name
// the extents in messages.
struct BufferShape {
  Sym name;
  std::vector<z3::expr> extents;
  std::vector<std::string> extentText;
  std::vector<z3::expr> strides;
  SrcLoc declared;

  size_t rank() const { return extents.size(); }
};

class BoundsChecker {
public:
  BoundsChecker(const Proc& proc, Solver& solver) : proc_(proc), solver_(solver) {}

  void run() {
    SolverScope scope(solver_);
    declareArgs();
    for (const Expr& pred : proc_.preds)
      checkExpr(pred);
    checkBlock(proc_.body);
  }

private:
  // -------------------------------------------------------- declarations

  void declareArgs() {
    for (const FnArg& arg : proc_.args) {
      if (arg.type == ScalarType::Size)
        solver_.assume(solver_.var(arg.name, arg.type) >= 1);
      if (!arg.isTensor())
        continue;
      BufferShape shape = shapeOf(arg.name, arg.shape, arg.loc);
      if (arg.isWindow) {
        // A window argument may be any strided view: its strides are unknown
        // unless the proc asserts something about them.
        for (size_t d = 0; d < shape.rank(); ++d)
          shape.strides.push_back(solver_.strideVar(arg.name, static_cast<int>(d)));
      } else {
        assumeDenseStrides(shape);
      }
      declare(std::move(shape));
    }
    for (const Expr& pred : proc_.preds)
      solver_.assume(pred);
  }

  BufferShape shapeOf(const Sym& name, const std::vector<Expr>& extents, const SrcLoc& declared) {
    BufferShape shape{name, {}, {}, {}, declared};
    for (const Expr& extent : extents) {
      shape.extents.push_back(solver_.toZ3Int(extent));
      shape.extentText.push_back(printExpr(extent));
    }
    return shape;
  }

  // A tensor argument or allocation is laid out densely, last dimension
  // fastest: stride(A, d) is the product of the later extents. The stride
  // variables are tied to that value so that asserts and callee
  // preconditions mentioning stride(A, d) can use it.
  void assumeDenseStrides(BufferShape& shape) {
    z3::expr stride = solver_.intVal(1);
    shape.strides.assign(shape.rank(), stride);
    for (size_t d = shape.rank(); d-- > 0;) {
      z3::expr strideVar = solver_.strideVar(shape.name, static_cast<int>(d));
      solver_.assume(strideVar == stride);
      shape.strides[d] = strideVar;
      stride = stride * shape.extents[d];
    }
  }

  void declare(BufferShape shape) {
    uint64_t id = shape.name.id();
    buffers_.insert_or_assign(id, std::move(shape));
  }

  const BufferShape& lookup(const Sym& name, const SrcLoc& loc) const {
    auto found = buffers_.find(name.id());
    if (found == buffers_.end())
      fail(loc, "'" + name.name() + "' is not a tensor or window in scope");
    return found->second;
  }

  // ---------------------------------------------------------- statements

  void checkBlock(const Block& block) {
    // Allocations and window bindings live until the end of their block.
    SolverScope scope(solver_);
    std::vector<uint64_t> scopedBuffers;
    for (const Stmt& stmt : block) {
      checkStmt(stmt);
      if (const Alloc* alloc = stmt->as<Alloc>())
        scopedBuffers.push_back(alloc->name.id());
      else if (const WindowBind* bind = stmt->as<WindowBind>())
        scopedBuffers.push_back(bind->name.id());
    }
    for (uint64_t id : scopedBuffers)
      buffers_.erase(id);
  }

  void checkStmt(const Stmt& stmt) {
    currentStmtLoc_ = stmt->loc;
    switch (stmt->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const Assign* assign = stmt->as<Assign>();
      for (const Expr& index : assign->idx)
        checkExpr(index);
      checkExpr(assign->rhs);
      if (!assign->idx.empty())
        checkAccess(assign->name, assign->idx, stmt->loc);
      return;
    }
    case StmtKind::For: {
      const For* loop = stmt->as<For>();
      checkExpr(loop->lo);
      checkExpr(loop->hi);
      SolverScope scope(solver_);
      z3::expr iter = solver_.var(loop->iter, ScalarType::Index);
      // An empty range makes these facts contradictory: the body is then
      // vacuously safe, as it never runs.
      solver_.assume(solver_.toZ3Int(loop->lo) <= iter);
      solver_.assume(iter < solver_.toZ3Int(loop->hi));
      checkBlock(loop->body);
      return;
    }
    case StmtKind::If: {
      const If* branch = stmt->as<If>();
      checkExpr(branch->cond);
      {
        SolverScope scope(solver_);
        assumeCondition(branch->cond, true);
        checkBlock(branch->body);
      }
      SolverScope scope(solver_);
      assumeCondition(branch->cond, false);
      checkBlock(branch->orelse);
      return;
    }
    case StmtKind::Alloc: {
      const Alloc* alloc = stmt->as<Alloc>();
      BufferShape shape = shapeOf(alloc->name, alloc->shape, stmt->loc);
      assumeDenseStrides(shape);
      declare(std::move(shape));
      return;
    }
    case StmtKind::WindowBind: {
      const WindowBind* bind = stmt->as<WindowBind>();
      BufferShape shape = viewShape(bind->rhs, stmt->loc);
      shape.name = bind->name;
      shape.declared = stmt->loc;
      // stride(w, d) of the new name is the stride of the viewed dimension.
      for (size_t d = 0; d < shape.rank(); ++d)
        solver_.assume(solver_.strideVar(bind->name, static_cast<int>(d)) == shape.strides[d]);
      declare(std::move(shape));
      return;
    }
    case StmtKind::Call:
      checkCall(stmt->as<Call>(), stmt->loc);
      return;
    case StmtKind::Pass:
      return;
    }
  }

  // Assumes what `cond == holds` says about control values. A condition
  // that reads data says nothing the solver can use; of `a and b` (taken) or
  // `a or b` (not taken) the control-only parts still hold.
  void assumeCondition(const Expr& cond, bool holds) {
    if (Solver::isTranslatable(cond)) {
      z3::expr c = solver_.toZ3Bool(cond);
      solver_.assume(holds ? c : !c);
      return;
    }
    if (const BinOp* bin = cond->as<BinOp>()) {
      if ((bin->op == BinOpKind::And && holds) || (bin->op == BinOpKind::Or && !holds)) {
        assumeCondition(bin->a, holds);
        assumeCondition(bin->b, holds);
      }
      return;
    }
    if (const UnOp* un = cond->as<UnOp>(); un && un->op == UnOpKind::Not)
      assumeCondition(un->a, !holds);
  }

  // --------------------------------------------------------- expressions

  // Checks every access and window inside e.
  void checkExpr(const Expr& e) {
    switch (e->kind) {
    case ExprKind::Const:
    case ExprKind::Stride:
      return;
    case ExprKind::Read: {
      const Read* read = e->as<Read>();
      for (const Expr& index : read->idx)
        checkExpr(index);
      if (!read->idx.empty())
        checkAccess(read->name, read->idx, locOf(e));
      return;
    }
    case ExprKind::BinOp: {
      const BinOp* bin = e->as<BinOp>();
      checkIndexDivision(bin, e);
      checkExpr(bin->a);
      if (bin->op == BinOpKind::And || bin->op == BinOpKind::Or) {
        // Short-circuit: the right operand is only evaluated when the left
        // one did not decide.
        SolverScope scope(solver_);
        assumeCondition(bin->a, bin->op == BinOpKind::And);
        checkExpr(bin->b);
      } else {
        checkExpr(bin->b);
      }
      return;
    }
    case ExprKind::UnOp:
      checkExpr(e->as<UnOp>()->a);
      return;
    case ExprKind::Select: {
      const Select* sel = e->as<Select>();
      checkExpr(sel->cond);
      {
        SolverScope scope(solver_);
        assumeCondition(sel->cond, true);
        checkExpr(sel->t);
      }
      SolverScope scope(solver_);
      assumeCondition(sel->cond, false);
      checkExpr(sel->f);
      return;
    }
    case ExprKind::Window:
      checkWindow(e->as<WindowExpr>());
      return;
    }
  }

  // Where to report a problem with e: nodes made by rewrites may carry no
  // location; their statement's location is the next best.
  SrcLoc locOf(const Expr& e) const { return e->loc.known() ? e->loc : currentStmtLoc_; }

  // ", e.g. when i = 15, N = 16" after a failed proof (or why z3 gave up).
  std::string witness() const {
    std::string example = solver_.counterexample();
    if (solver_.lastUndecided())
      return " (" + example + ")";
    return example.empty() ? "" : ", e.g. when " + example;
  }

  // Throws the refusal, with a note pointing at a declaration when known.
  [[noreturn]] static void refuse(const SrcLoc& loc, const std::string& message,
                                  const SrcLoc& noteLoc = {}, const std::string& note = {}) {
    CompileError error(loc, message);
    if (noteLoc.known())
      error.addNote(noteLoc, note);
    throw error;
  }

  static std::string declaredHere(const BufferShape& buffer) {
    return "'" + buffer.name.name() + "' is declared here";
  }

  void checkRank(const BufferShape& buffer, size_t numIndices, const SrcLoc& loc) const {
    if (numIndices != buffer.rank())
      fail(loc, "'" + buffer.name.name() + "' has " + std::to_string(buffer.rank()) +
                    " dimensions but is indexed with " + std::to_string(numIndices) + " indices");
  }

  std::string whereText(const BufferShape& buffer, size_t dim) const {
    return "'" + buffer.name.name() + "' (dimension " + std::to_string(dim) + ", extent " +
           buffer.extentText[dim] + ")";
  }

  void checkAccess(const Sym& name, const std::vector<Expr>& indices, const SrcLoc& loc) {
    const BufferShape& buffer = lookup(name, loc);
    checkRank(buffer, indices.size(), loc);
    for (size_t d = 0; d < indices.size(); ++d) {
      z3::expr index = solver_.toZ3Int(indices[d]);
      if (!solver_.prove(0 <= index && index < buffer.extents[d]))
        refuse(loc,
               "out-of-bounds access: index '" + printExpr(indices[d]) + "' of " +
                   whereText(buffer, d) + " may be out of bounds" + witness(),
               buffer.declared, declaredHere(buffer));
    }
  }

  // Proves the window in bounds of its buffer.
  void checkWindow(const WindowExpr* window) {
    for (const WindowIndex& w : window->idx) {
      checkExpr(w.lo);
      if (w.hi)
        checkExpr(w.hi);
    }
    (void)viewShape(window, window->loc.known() ? window->loc : currentStmtLoc_);
  }

  // The language divides indices rounding down (as z3 does); C rounds towards
  // zero. They agree when the dividend is not negative, so that is proved
  // rather than assumed: otherwise the C would compute another index than
  // the one proved in bounds.
  void checkIndexDivision(const BinOp* bin, const Expr& e) {
    if ((bin->op != BinOpKind::Div && bin->op != BinOpKind::Mod) || !isIndexLike(bin->type) ||
        !Solver::isTranslatable(bin->a))
      return;
    if (!solver_.prove(solver_.toZ3Int(bin->a) >= 0))
      refuse(locOf(e), "index expression '" + printExpr(e) + "' divides '" + printExpr(bin->a) +
                           "', which may be negative" + witness() +
                           " (index division rounds down, C's rounds towards zero)");
  }

  // The shape of a view: a window expression (checked in bounds), or a whole
  // buffer named without indices (`f(A)`).
  BufferShape viewShape(const Expr& view, const SrcLoc& loc) {
    if (const WindowExpr* window = view->as<WindowExpr>())
      return viewShape(window, window->loc.known() ? window->loc : loc);
    if (const Read* read = view->as<Read>(); read && read->idx.empty())
      return lookup(read->name, view->loc.known() ? view->loc : loc);
    fail(view->loc.known() ? view->loc : loc,
         "expected a tensor or a window, got '" + printExpr(view) + "'");
  }

  BufferShape viewShape(const WindowExpr* window, const SrcLoc& loc) {
    const BufferShape& buffer = lookup(window->name, loc);
    checkRank(buffer, window->idx.size(), loc);
    BufferShape view{window->name, {}, {}, {}, buffer.declared};
    for (size_t d = 0; d < window->idx.size(); ++d) {
      const WindowIndex& coord = window->idx[d];
      checkExpr(coord.lo);
      z3::expr lo = solver_.toZ3Int(coord.lo);
      if (!coord.isInterval()) {
        if (!solver_.prove(0 <= lo && lo < buffer.extents[d]))
          refuse(loc,
                 "out-of-bounds window: index '" + printExpr(coord.lo) + "' of " +
                     whereText(buffer, d) + " may be out of bounds" + witness(),
                 buffer.declared, declaredHere(buffer));
        continue;
      }
      checkExpr(coord.hi);
      z3::expr hi = solver_.toZ3Int(coord.hi);
      if (!solver_.prove(lo <= hi))
        refuse(loc,
               "out-of-bounds window: interval '" + intervalText(coord) + "' of " +
                   whereText(buffer, d) + " may end before it starts" + witness(),
               buffer.declared, declaredHere(buffer));
      if (!solver_.prove(0 <= lo && hi <= buffer.extents[d]))
        refuse(loc,
               "out-of-bounds window: interval '" + intervalText(coord) + "' of " +
                   whereText(buffer, d) + " may exceed the buffer" + witness(),
               buffer.declared, declaredHere(buffer));
      view.extents.push_back(hi - lo);
      view.extentText.push_back(
          constantText(hi - lo, printExpr(BinOp::make(BinOpKind::Sub, coord.hi, coord.lo))));
      view.strides.push_back(buffer.strides[d]);
    }
    return view;
  }

  // A number when the term is constant, else the given source text.
  static std::string constantText(const z3::expr& term, const std::string& otherwise) {
    z3::expr simplified = term.simplify();
    int64_t value = 0;
    if (simplified.is_numeral() && simplified.is_numeral_i64(value))
      return std::to_string(value);
    return otherwise;
  }

  // ---------------------------------------------------------------- calls

  void checkCall(const Call* call, const SrcLoc& loc) {
    if (!call->callee)
      fail(loc, "call of an unknown procedure");
    const Proc& callee = *call->callee;
    const std::string what = "call to " + callee.name + ": ";
    if (call->args.size() != callee.args.size())
      fail(loc, what + "expected " + std::to_string(callee.args.size()) + " arguments, got " +
                    std::to_string(call->args.size()));

    // Bind the callee's parameters to what the call passes: control values
    // to their terms, tensor parameters' strides to the strides of the views.
    SolverBindings bindings;
    std::map<uint64_t, Expr> controlActuals; // for messages
    std::vector<std::optional<BufferShape>> views(call->args.size());
    for (size_t a = 0; a < call->args.size(); ++a) {
      const FnArg& param = callee.args[a];
      const Expr& actual = call->args[a];
      SrcLoc argLoc = actual->loc.known() ? actual->loc : loc;
      if (param.isTensor()) {
        views[a] = viewShape(actual, argLoc);
        if (views[a]->rank() != param.shape.size())
          fail(argLoc, what + "argument '" + param.name.name() + "' has " +
                           std::to_string(views[a]->rank()) + " dimensions, " + callee.name +
                           " expects " + std::to_string(param.shape.size()));
        for (size_t d = 0; d < views[a]->rank(); ++d)
          bindings.strides.emplace(std::pair{param.name.id(), static_cast<int>(d)},
                                   views[a]->strides[d]);
        continue;
      }
      checkExpr(actual);
      if (!param.isData()) {
        bindings.vars.emplace(param.name.id(), param.type == ScalarType::Bool
                                                   ? solver_.toZ3Bool(actual)
                                                   : solver_.toZ3Int(actual));
        controlActuals.emplace(param.name.id(), actual);
      }
    }

    for (size_t a = 0; a < call->args.size(); ++a) {
      const FnArg& param = callee.args[a];
      const Expr& actual = call->args[a];
      SrcLoc argLoc = actual->loc.known() ? actual->loc : loc;
      if (param.type == ScalarType::Size && !solver_.prove(bindings.vars.at(param.name.id()) >= 1))
        fail(argLoc, what + "size argument '" + param.name.name() + "' = '" + printExpr(actual) +
                         "' may not be positive" + witness());
      if (!views[a])
        continue;
      std::vector<z3::expr> expectedExtents;
      for (size_t d = 0; d < param.shape.size(); ++d) {
        z3::expr expected = solver_.toZ3(param.shape[d], bindings);
        expectedExtents.push_back(expected);
        if (!solver_.prove(views[a]->extents[d] == expected))
          refuse(argLoc,
                 what + "argument '" + param.name.name() + "' has extent " +
                     views[a]->extentText[d] + " in dimension " + std::to_string(d) + ", but " +
                     callee.name + " expects " +
                     constantText(expected,
                                  printExpr(ReplaceParams(controlActuals).mutate(param.shape[d]))) +
                     witness(),
                 param.loc, "parameter '" + param.name.name() + "' is declared here");
      }
      // A dense tensor parameter is laid out row-major in the callee (its
      // code indexes it with the product strides): the buffer passed must be.
      if (!param.isWindow) {
        z3::expr denseStride = solver_.intVal(1);
        for (size_t d = param.shape.size(); d-- > 0;) {
          if (!solver_.prove(views[a]->strides[d] == denseStride))
            fail(argLoc, what + "argument '" + param.name.name() +
                             "' is a dense tensor parameter, but the buffer passed may have "
                             "another stride in dimension " +
                             std::to_string(d) + witness());
          denseStride = denseStride * expectedExtents[d];
        }
      }
    }

    for (const Expr& pred : callee.preds) {
      if (!solver_.prove(solver_.toZ3(pred, bindings))) {
        std::string example = solver_.counterexample();
        std::string because = example.empty()           ? ""
                              : solver_.lastUndecided() ? " (" + example + ")"
                                                        : " (e.g. when " + example + ")";
        PreconditionMayFail error(loc, what + "precondition " + printExpr(pred) + " may not hold" +
                                           because);
        error.addNote(pred->loc, "precondition of " + callee.name + " stated here");
        throw error;
      }
    }
  }

  const Proc& proc_;
  Solver& solver_;
  std::map<uint64_t, BufferShape> buffers_; // by Sym id
  SrcLoc currentStmtLoc_;
};

} // namespace

void checkBounds(const Proc& p, const Module& module) {
  Solver solver;
  checkBounds(p, module, solver);
}

void checkBounds(const Proc& p, const Module& /*module*/, Solver& solver) {
  BoundsChecker(p, solver).run();
}

} // namespace schedc
