// inline(call_cursor)
//
//   f(n + 1, A[i, 0:8])        ->   for j in seq(0, n + 1):      (f's body)
//                                       A[i, j] = 0.0
//
// The call is replaced by a fresh copy of the callee's body with the
// arguments substituted: control parameters by the argument expressions,
// tensor parameters by the caller's buffer through the argument's window
// (`p[e]` reads `A[i, 0 + e]`, `stride(p, 0)` is `stride(A, 1)`), scalar
// data parameters by the argument read. Binders inside the body (loops,
// allocations, window binds) get new symbols. Legality needs no check: a
// call means running its body on those arguments. The callee's asserts
// were proved at the call and are dropped, as in Exo. Instrs are not
// inlined (their body is a specification; their code is the template).
//
// Forwarding: the inlined statements are new. Returns nothing.
#include "ir/IRMutator.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/LoopRewrite.h"
#include "passes/primitives/ProcPrimitives.h"

namespace schedc::sched {

static const char* const kDirective = "inline";

namespace {

// What a data parameter stands for in the caller.
struct DataBinding {
  Sym buffer;
  std::vector<WindowIndex> window; // empty with `whole`: the buffer itself
  bool whole = false;              // passed by name (a tensor or a scalar)
  std::vector<Expr> scalarIdx;     // a scalar parameter bound to one element
  bool element = false;
};

class BindData : public IRMutator {
public:
  explicit BindData(const std::map<uint64_t, DataBinding>& bindings) : bindings_(bindings) {}

protected:
  // The caller's coordinates for a parameter's coordinates.
  static std::vector<WindowIndex> compose(const DataBinding& b,
                                          const std::vector<WindowIndex>& coords) {
    if (b.whole)
      return coords;
    std::vector<WindowIndex> out;
    size_t next = 0;
    for (const WindowIndex& w : b.window) {
      if (!w.isInterval()) {
        out.push_back({w.lo, nullptr});
        continue;
      }
      const WindowIndex& c = coords[next++];
      out.push_back({simplifyExpr(addE(w.lo, c.lo)),
                     c.isInterval() ? simplifyExpr(addE(w.lo, c.hi)) : nullptr});
    }
    return out;
  }
  static std::vector<Expr> points(const DataBinding& b, const std::vector<Expr>& idx) {
    if (b.element)
      return b.scalarIdx;
    std::vector<WindowIndex> coords;
    for (const Expr& e : idx)
      coords.push_back({e, nullptr});
    std::vector<Expr> out;
    for (const WindowIndex& w : compose(b, coords))
      out.push_back(w.lo);
    return out;
  }

  Expr visitRead(const Read* e, const Expr& self) override {
    auto it = bindings_.find(e->name.id());
    if (it == bindings_.end())
      return IRMutator::visitRead(e, self);
    return Read::make(it->second.buffer, points(it->second, mutateExprs(e->idx)), e->type, e->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    auto it = bindings_.find(e->name.id());
    if (it == bindings_.end())
      return IRMutator::visitWindow(e, self);
    std::vector<WindowIndex> coords;
    for (const WindowIndex& w : e->idx)
      coords.push_back({mutate(w.lo), w.isInterval() ? mutate(w.hi) : nullptr});
    return WindowExpr::make(it->second.buffer, compose(it->second, coords), e->type, e->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    auto it = bindings_.find(e->name.id());
    if (it == bindings_.end())
      return self;
    const DataBinding& b = it->second;
    int dim = e->dim;
    if (!b.whole) {
      // the dim-th interval of the window is the buffer's dimension
      int seen = -1;
      for (size_t d = 0; d < b.window.size(); ++d)
        if (b.window[d].isInterval() && ++seen == e->dim) {
          dim = static_cast<int>(d);
          break;
        }
    }
    return StrideExpr::make(b.buffer, dim, e->loc);
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    auto it = bindings_.find(s->name.id());
    if (it == bindings_.end())
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx = points(it->second, mutateExprs(s->idx));
    Expr rhs = mutate(s->rhs);
    return {s->isReduce() ? Assign::makeReduce(it->second.buffer, s->type, idx, rhs, s->loc)
                          : Assign::make(it->second.buffer, s->type, idx, rhs, s->loc)};
  }

private:
  const std::map<uint64_t, DataBinding>& bindings_;
};

} // namespace

static Value inlineCall(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = stmtArg(state, args[0], args.locs[0], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);
  const Call* c = stmt->as<Call>();
  if (!c)
    refuse(args.locs[0], kDirective, "expected a call, got " + printStmt(stmt), {stmt});
  const Proc& callee = *c->callee;
  if (callee.isInstr())
    refuse(call.loc, kDirective,
           "cannot inline instr '" + callee.name + "' (its body only specifies the instruction)",
           {stmt});

  std::map<uint64_t, Expr> controls;
  std::map<uint64_t, DataBinding> data;
  for (size_t i = 0; i < callee.args.size(); ++i) {
    const FnArg& param = callee.args[i];
    const Expr& arg = c->args[i];
    if (!param.isData()) {
      controls[param.name.id()] = arg;
      continue;
    }
    DataBinding b;
    if (const WindowExpr* w = arg->as<WindowExpr>()) {
      b.buffer = w->name;
      b.window = w->idx;
    } else if (const Read* r = arg->as<Read>()) {
      b.buffer = r->name;
      b.whole = r->idx.empty();
      b.element = !r->idx.empty();
      b.scalarIdx = r->idx;
    } else {
      refuse(call.loc, kDirective, "cannot bind argument " + printExpr(arg), {stmt});
    }
    data[param.name.id()] = std::move(b);
  }

  Block body = BindData(data).mutateBlock(freshCopy(callee.body, controls));
  state.commit(replaceStmt(proc, path, std::move(body)), kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec inlinePrimitive() {
  return PrimitiveSpec{"inline", {{"call_cursor", std::nullopt}}, inlineCall};
}

} // namespace schedc::sched
