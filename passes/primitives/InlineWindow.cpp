// inline_window(winstmt_cursor)
//
//   y = x[a:b, c]            ->   (removed)
//   y[i] = y[i + 1]               x[a + i, c] = x[a + i + 1, c]
//   f(y)                          f(x[a:b, c])
//   z = y[1:3]                    z = x[a + 1:a + 3, c]
//   ... stride(y, 0) ...          ... stride(x, 0) ...
//
// Every use of the window after its binding is rewritten to the buffer it
// views: the k-th coordinate of y is the k-th interval of the window,
// shifted by that interval's start; points of the window are kept. A use
// of y whole (a call argument) becomes the window expression itself.
//
// Legality: the window's bounds are control expressions of names bound
// before the binding (loop variables, sizes, arguments); none of them can
// change between the binding and a use in the rest of its block, because
// control values are never written and symbols are unique. So each
// rewritten access touches the very element the window access touched.
// commit() proves the rewritten accesses in bounds again.
//
// Forwarding: the binding is removed; every other statement keeps its
// identity. Returns nothing.
#include "ir/IRMutator.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "inline_window";

namespace {

// Rewrites every use of the window `view` into the buffer it views.
class UnfoldWindow : public IRMutator {
public:
  UnfoldWindow(const Sym& view, const WindowExpr& window) : view_(view), window_(window) {}

protected:
  // The buffer's coordinates for coordinates of the view (one per interval).
  std::vector<WindowIndex> throughWindow(const std::vector<WindowIndex>& viewCoords) const {
    std::vector<WindowIndex> out;
    size_t k = 0;
    for (const WindowIndex& w : window_.idx) {
      if (!w.isInterval()) {
        out.push_back(w);
        continue;
      }
      const WindowIndex& c = viewCoords.at(k++);
      out.push_back({simplifyExpr(addE(w.lo, c.lo)),
                     c.isInterval() ? simplifyExpr(addE(w.lo, c.hi)) : nullptr});
    }
    return out;
  }
  std::vector<Expr> elementOf(const std::vector<Expr>& viewIdx) const {
    std::vector<WindowIndex> coords;
    for (const Expr& e : viewIdx)
      coords.push_back({e, nullptr});
    std::vector<Expr> out;
    for (const WindowIndex& w : throughWindow(coords))
      out.push_back(w.lo);
    return out;
  }

  Expr visitRead(const Read* e, const Expr& self) override {
    if (e->name != view_)
      return IRMutator::visitRead(e, self);
    if (e->idx.empty()) // the whole view, passed to a call
      return WindowExpr::make(window_.name, window_.idx, e->type, e->loc);
    return Read::make(window_.name, elementOf(mutateExprs(e->idx)), e->type, e->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    if (e->name != view_)
      return IRMutator::visitWindow(e, self);
    std::vector<WindowIndex> coords;
    for (const WindowIndex& w : e->idx)
      coords.push_back({mutate(w.lo), w.isInterval() ? mutate(w.hi) : nullptr});
    return WindowExpr::make(window_.name, throughWindow(coords), e->type, e->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    if (e->name != view_)
      return self;
    int interval = -1;
    for (size_t d = 0; d < window_.idx.size(); ++d)
      if (window_.idx[d].isInterval() && ++interval == e->dim)
        return StrideExpr::make(window_.name, static_cast<int>(d), e->loc);
    return self; // (the frontend refuses a dimension the view does not have)
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != view_)
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx = elementOf(mutateExprs(s->idx));
    Expr rhs = mutate(s->rhs);
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(window_.name, s->type, idx, rhs, s->loc)
                                 : Assign::make(window_.name, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }

private:
  Sym view_;
  const WindowExpr& window_;
};

} // namespace

static Value inlineWindow(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = stmtArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const WindowBind* bind = stmt->as<WindowBind>();
  if (!bind)
    refuse(args.locs[0], kDirective, "expected a window statement, got " + printStmt(stmt), {stmt});
  const WindowExpr* window = bind->rhs->as<WindowExpr>();
  if (!window)
    refuse(call.loc, kDirective, "the window statement binds no window expression", {stmt});

  const Block& block = blockAt(*current, blockOf(path));
  size_t position = path.back().index;
  Block rest(block.begin() + static_cast<std::ptrdiff_t>(position) + 1, block.end());
  Block rewritten = UnfoldWindow(bind->name, *window).mutateBlock(rest);
  ProcPtr next =
      replaceInBlock(*current, blockOf(path), position, block.size(), std::move(rewritten));
  state.commit(next, kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec inlineWindowPrimitive() {
  return PrimitiveSpec{"inline_window", {{"winstmt_cursor", std::nullopt}}, inlineWindow};
}

} // namespace schedc::sched
