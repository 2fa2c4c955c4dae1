#include "passes/Dependence.h"

#include "ir/IRVisitor.h"
#include "ir/Printer.h"

#include <set>
#include <utility>

namespace schedc::sched {

namespace {

// ------------------------------------------------------------ views

// How a name (a window, a callee's buffer parameter) maps onto the buffer it
// views: per dimension of the buffer, a fixed coordinate (a point of the
// window) or an offset added to the next coordinate of an access through
// the view (an interval).
struct View {
  struct Dim {
    bool point;
    z3::expr value;
  };
  Sym base;
  bool identity = true; // the buffer itself: coordinates pass through
  std::vector<Dim> dims;
};

// One level of names while collecting: the analysed proc, or a callee's
// body at one call site.
struct Scope {
  SolverBindings bindings;           // control variables -> terms
  std::map<uint64_t, View> views;    // windows bound so far, buffer parameters
  bool analysedProc = true;          // the proc's other window bindings are visible
  const Stmt* attribution = nullptr; // inside a callee: the call that got us here
};

// Collects the accesses of a block (see Dependence.h for the model).
class Collector {
public:
  Collector(Solver& solver, const std::map<uint64_t, Stmt>& windowBinds)
      : solver_(solver), windowBinds_(windowBinds) {}

  Effects run(const Block& block, const SolverBindings& renaming) {
    Scope scope;
    scope.bindings = renaming;
    walkBlock(block, scope, solver_.boolVal(true));
    // Buffers allocated inside the block are private to this instance of it.
    Effects shared;
    for (Access& a : out_)
      if (!locals_.count(a.buffer.id()))
        shared.push_back(std::move(a));
    return shared;
  }

private:
  // ---------------------------------------------------------- translation

  // The term of a control expression; an unconstrained variable when it
  // cannot be translated (which over-approximates: it may be anything).
  z3::expr term(const Expr& e, const Scope& scope) {
    if (Solver::isTranslatable(e)) {
      z3::expr t = solver_.toZ3(e, scope.bindings);
      if (t.is_int())
        return t;
    }
    return solver_.freshInt("?");
  }

  // The condition under which a branch runs; nullopt when it reads data.
  std::optional<z3::expr> condition(const Expr& e, const Scope& scope) {
    if (!Solver::isTranslatable(e))
      return std::nullopt;
    z3::expr t = solver_.toZ3(e, scope.bindings);
    if (!t.is_bool())
      return std::nullopt;
    return t;
  }

  // ---------------------------------------------------------- views

  const View* boundView(const Sym& name, const Scope& scope) {
    auto found = scope.views.find(name.id());
    if (found != scope.views.end())
      return &found->second;
    if (!scope.analysedProc)
      return nullptr;
    // A window bound outside the analysed block: its terms are over the
    // control values of the context, so it is resolved without renaming.
    auto cached = outerViews_.find(name.id());
    if (cached != outerViews_.end())
      return &cached->second;
    auto bind = windowBinds_.find(name.id());
    if (bind == windowBinds_.end())
      return nullptr;
    Scope outer;
    View view = viewOf(bind->second->as<WindowBind>()->rhs, outer);
    return &outerViews_.emplace(name.id(), std::move(view)).first->second;
  }

  View viewOfName(const Sym& name, const Scope& scope) {
    if (const View* v = boundView(name, scope))
      return *v;
    return View{name, true, {}};
  }

  // The view an argument or window binding denotes.
  View viewOf(const Expr& e, const Scope& scope) {
    if (const WindowExpr* w = e->as<WindowExpr>()) {
      std::vector<View::Dim> coords;
      for (const WindowIndex& wi : w->idx)
        coords.push_back(View::Dim{!wi.isInterval(), term(wi.lo, scope)});
      return compose(viewOfName(w->name, scope), coords);
    }
    if (const Read* r = e->as<Read>()) {
      View inner = viewOfName(r->name, scope);
      if (r->idx.empty())
        return inner;
      std::vector<View::Dim> coords;
      for (const Expr& i : r->idx)
        coords.push_back(View::Dim{true, term(i, scope)});
      return compose(inner, coords);
    }
    // Not a buffer: nothing the analysis can follow. An unknown base would
    // hide a conflict, so this cannot happen for well-formed IR.
    throw std::logic_error("dependence analysis: argument is not a buffer or a window");
  }

  // A window taken of `inner`: `coords` give, per dimension of the view
  // being windowed, a point or the start of an interval.
  View compose(const View& inner, const std::vector<View::Dim>& coords) {
    View out{inner.base, false, {}};
    if (inner.identity) {
      out.dims = coords;
      return out;
    }
    size_t k = 0;
    for (const View::Dim& d : inner.dims) {
      if (d.point || k >= coords.size()) {
        out.dims.push_back(d.point ? d : View::Dim{true, solver_.freshInt("?")});
        continue;
      }
      out.dims.push_back(View::Dim{coords[k].point, d.value + coords[k].value});
      ++k;
    }
    return out;
  }

  // Coordinates in the underlying buffer of an access `name[idx]`.
  std::pair<Sym, std::vector<z3::expr>> locate(const Sym& name, const std::vector<Expr>& idx,
                                               const Scope& scope) {
    std::vector<z3::expr> coords;
    for (const Expr& i : idx)
      coords.push_back(term(i, scope));
    const View* view = boundView(name, scope);
    if (!view || view->identity)
      return {view ? view->base : name, coords};
    std::vector<z3::expr> full;
    size_t k = 0;
    for (const View::Dim& d : view->dims) {
      if (d.point)
        full.push_back(d.value);
      else
        full.push_back(k < coords.size() ? d.value + coords[k++] : solver_.freshInt("?"));
    }
    return {view->base, full};
  }

  // ---------------------------------------------------------- walking

  void add(const Sym& name, const std::vector<Expr>& idx, AccessKind kind, const z3::expr& guard,
           const Stmt& stmt, const Scope& scope) {
    auto [base, coords] = locate(name, idx, scope);
    out_.push_back(Access{base, kind, std::move(coords), guard,
                          scope.attribution ? *scope.attribution : stmt});
  }

  // The data reads of an expression.
  void reads(const Expr& e, const z3::expr& guard, const Stmt& stmt, const Scope& scope) {
    switch (e->kind) {
    case ExprKind::Const:
    case ExprKind::Stride:
    case ExprKind::Window: // only as call arguments and bindings, handled there
      return;
    case ExprKind::Read: {
      const Read* r = e->as<Read>();
      if (isNumeric(r->type))
        add(r->name, r->idx, AccessKind::Read, guard, stmt, scope);
      return;
    }
    case ExprKind::BinOp:
      reads(e->as<BinOp>()->a, guard, stmt, scope);
      reads(e->as<BinOp>()->b, guard, stmt, scope);
      return;
    case ExprKind::UnOp:
      reads(e->as<UnOp>()->a, guard, stmt, scope);
      return;
    case ExprKind::Select: {
      const Select* s = e->as<Select>();
      reads(s->cond, guard, stmt, scope);
      reads(s->t, guard, stmt, scope);
      reads(s->f, guard, stmt, scope);
      return;
    }
    }
  }

  void walkBlock(const Block& block, Scope& scope, const z3::expr& guard) {
    for (const Stmt& s : block)
      walkStmt(s, scope, guard);
  }

  void walkStmt(const Stmt& s, Scope& scope, const z3::expr& guard) {
    switch (s->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const Assign* a = s->as<Assign>();
      reads(a->rhs, guard, s, scope);
      add(a->name, a->idx, a->isReduce() ? AccessKind::Reduce : AccessKind::Write, guard, s, scope);
      // Float additions do not commute bit for bit: `x += a; x += b` and
      // `x += b; x += a` may round differently, so without fast_math two
      // float reductions into one place keep their order.
      if (a->isReduce() && isFloat(a->type) && !floatReassociationAllowed())
        out_.back().reorderable = false;
      return;
    }
    case StmtKind::For: {
      const For* loop = s->as<For>();
      z3::expr v = solver_.freshInt(loop->iter.name());
      z3::expr bounds = term(loop->lo, scope) <= v && v < term(loop->hi, scope);
      // Loop variables are unique symbols: binding one never hides another.
      scope.bindings.vars.insert_or_assign(loop->iter.id(), v);
      walkBlock(loop->body, scope, guard && bounds);
      scope.bindings.vars.erase(loop->iter.id());
      return;
    }
    case StmtKind::If: {
      const If* branch = s->as<If>();
      reads(branch->cond, guard, s, scope);
      std::optional<z3::expr> c = condition(branch->cond, scope);
      // A condition on data may go either way: both branches may run.
      walkBlock(branch->body, scope, c ? guard && *c : guard);
      walkBlock(branch->orelse, scope, c ? guard && !*c : guard);
      return;
    }
    case StmtKind::Alloc:
      locals_.insert(s->as<Alloc>()->name.id());
      return;
    case StmtKind::WindowBind: {
      const WindowBind* bind = s->as<WindowBind>();
      scope.views.insert_or_assign(bind->name.id(), viewOf(bind->rhs, scope));
      return;
    }
    case StmtKind::Call:
      walkCall(s, scope, guard);
      return;
    case StmtKind::Pass:
      return;
    }
  }

  // The callee's effects with its parameters bound to the actual arguments.
  void walkCall(const Stmt& s, const Scope& scope, const z3::expr& guard) {
    const Call* call = s->as<Call>();
    const Proc& callee = *call->callee;
    Scope inner;
    inner.analysedProc = false;
    inner.attribution = scope.attribution ? scope.attribution : &s;
    for (size_t a = 0; a < call->args.size() && a < callee.args.size(); ++a) {
      const FnArg& param = callee.args[a];
      const Expr& actual = call->args[a];
      if (param.isData()) {
        inner.views.insert_or_assign(param.name.id(), viewOf(actual, scope));
      } else if (Solver::isTranslatable(actual)) {
        inner.bindings.vars.insert_or_assign(param.name.id(), solver_.toZ3(actual, scope.bindings));
      } else {
        inner.bindings.vars.insert_or_assign(param.name.id(), param.type == ScalarType::Bool
                                                                  ? solver_.freshInt("?") > 0
                                                                  : solver_.freshInt("?"));
      }
    }
    walkBlock(callee.body, inner, guard);
  }

  Solver& solver_;
  const std::map<uint64_t, Stmt>& windowBinds_;
  std::map<uint64_t, View> outerViews_;
  std::set<uint64_t> locals_;
  Effects out_;
};

// ------------------------------------------------------------ rules

// Two reductions into one place commute only when both may be reordered.
bool orderedReductions(ConflictRule rule, const Access& a, const Access& b) {
  bool commuting = rule == ConflictRule::Commute || rule == ConflictRule::CommuteNoRAW;
  return commuting && a.kind == AccessKind::Reduce && b.kind == AccessKind::Reduce &&
         !(a.reorderable && b.reorderable);
}

bool forbids(ConflictRule rule, AccessKind a, AccessKind b) {
  using K = AccessKind;
  switch (rule) {
  case ConflictRule::Commute:
    return !(a == K::Read && b == K::Read) && !(a == K::Reduce && b == K::Reduce);
  case ConflictRule::Disjoint:
    return !(a == K::Read && b == K::Read);
  case ConflictRule::NotIdempotent:
    return a != K::Read && b != K::Write;
  case ConflictRule::CommuteNoRAW:
    return forbids(ConflictRule::Commute, a, b) && !(a == K::Write && b == K::Read);
  }
  return true;
}

void collectWindowBinds(const Block& block, std::map<uint64_t, Stmt>& out) {
  for (const Stmt& s : block) {
    if (const WindowBind* bind = s->as<WindowBind>())
      out.emplace(bind->name.id(), s);
    else if (const For* loop = s->as<For>())
      collectWindowBinds(loop->body, out);
    else if (const If* branch = s->as<If>()) {
      collectWindowBinds(branch->body, out);
      collectWindowBinds(branch->orelse, out);
    }
  }
}

// Assumes a condition, or the parts of it that are about control values
// (`a and b` taken, `a or b` not taken), as the bounds checker does.
void assumeCondition(Solver& solver, const Expr& cond, bool holds) {
  if (Solver::isTranslatable(cond)) {
    z3::expr c = solver.toZ3(cond);
    if (c.is_bool())
      solver.assume(holds ? c : !c);
    return;
  }
  if (const BinOp* bin = cond->as<BinOp>()) {
    if ((bin->op == BinOpKind::And && holds) || (bin->op == BinOpKind::Or && !holds)) {
      assumeCondition(solver, bin->a, holds);
      assumeCondition(solver, bin->b, holds);
    }
  } else if (const UnOp* un = cond->as<UnOp>(); un && un->op == UnOpKind::Not) {
    assumeCondition(solver, un->a, !holds);
  }
}

z3::expr inRange(Solver& solver, const z3::expr& v, const For& loop,
                 const SolverBindings& bindings = {}) {
  return solver.toZ3(loop.lo, bindings) <= v && v < solver.toZ3(loop.hi, bindings);
}

class VarUse : public IRVisitor {
public:
  explicit VarUse(const Sym& v) : v_(v) {}
  bool found = false;

protected:
  void visitRead(const Read* e) override {
    if (e->name == v_)
      found = true;
    IRVisitor::visitRead(e);
  }

private:
  Sym v_;
};

class BufferUse : public IRVisitor {
public:
  explicit BufferUse(const Sym& b) : b_(b) {}
  bool found = false;

protected:
  void visitRead(const Read* e) override {
    found = found || e->name == b_;
    IRVisitor::visitRead(e);
  }
  void visitWindow(const WindowExpr* e) override {
    found = found || e->name == b_;
    IRVisitor::visitWindow(e);
  }
  void visitStride(const StrideExpr* e) override { found = found || e->name == b_; }
  void visitAssign(const Assign* s) override {
    found = found || s->name == b_;
    IRVisitor::visitAssign(s);
  }

private:
  Sym b_;
};

std::optional<Conflict> idempotenceConflict(DependenceAnalysis& dep, const Block& block) {
  // Two independent instances: a location written in one iteration of an
  // inner loop and read in another is found too.
  return dep.findConflict(dep.effects(block), dep.effects(block), ConflictRule::NotIdempotent);
}

} // namespace

// ------------------------------------------------------------ analysis

DependenceAnalysis::DependenceAnalysis(const Proc& proc, Solver& solver)
    : proc_(proc), solver_(solver) {
  collectWindowBinds(proc.body, windowBinds_);
}

void DependenceAnalysis::assumeContext(const Path& at) {
  for (const FnArg& arg : proc_.args)
    if (arg.type == ScalarType::Size)
      solver_.assume(solver_.var(arg.name, arg.type) >= 1);
  for (const Expr& pred : proc_.preds)
    assumeCondition(solver_, pred, true);
  const Block* block = &proc_.body;
  for (size_t k = 0; k + 1 < at.size(); ++k) {
    const Stmt& s = (*block)[at[k].index];
    Branch next = at[k + 1].branch;
    if (const For* loop = s->as<For>()) {
      solver_.assume(inRange(solver_, solver_.var(loop->iter), *loop));
      block = &loop->body;
    } else if (const If* branch = s->as<If>()) {
      assumeCondition(solver_, branch->cond, next == Branch::Body);
      block = next == Branch::Body ? &branch->body : &branch->orelse;
    } else {
      throw std::logic_error("dependence analysis: path through a statement without blocks");
    }
  }
}

Effects DependenceAnalysis::effects(const Block& block, const SolverBindings& renaming) {
  return Collector(solver_, windowBinds_).run(block, renaming);
}

std::optional<Conflict> DependenceAnalysis::findConflict(const Effects& first,
                                                         const Effects& second, ConflictRule rule) {
  std::vector<std::pair<const Access*, const Access*>> pairs;
  for (const Access& a : first)
    for (const Access& b : second)
      if (a.buffer == b.buffer && (forbids(rule, a.kind, b.kind) || orderedReductions(rule, a, b)))
        pairs.emplace_back(&a, &b);
  if (pairs.empty())
    return std::nullopt;

  z3::context& ctx = solver_.ctx();
  auto overlap = [&](const Access& a, const Access& b) {
    z3::expr same = a.guard && b.guard;
    if (a.index.size() != b.index.size())
      return same; // cannot compare coordinates: assume they may meet
    for (size_t d = 0; d < a.index.size(); ++d)
      same = same && a.index[d] == b.index[d];
    return same;
  };
  // Whether none of the first n pairs may overlap.
  std::string undecided;
  auto noneOf = [&](size_t n) {
    z3::expr_vector any(ctx);
    for (size_t k = 0; k < n; ++k)
      any.push_back(overlap(*pairs[k].first, *pairs[k].second));
    ++queries_;
    if (solver_.prove(!z3::mk_or(any)))
      return true;
    undecided = solver_.lastUndecided() ? solver_.counterexample() : "";
    return false;
  };
  if (noneOf(pairs.size()))
    return std::nullopt;
  // Bisect for the first pair that may overlap: the first `proved` pairs
  // cannot, the first `failed` may.
  size_t proved = 0, failed = pairs.size();
  while (failed - proved > 1) {
    size_t mid = proved + (failed - proved) / 2;
    if (noneOf(mid))
      proved = mid;
    else
      failed = mid;
  }
  const auto& [a, b] = pairs[failed - 1];
  return Conflict{a->stmt, b->stmt, a->buffer, a->kind, b->kind, undecided};
}

// ------------------------------------------------------------ checks

std::optional<Conflict> checkCommute(const Proc& proc, Solver& solver, const Path& at,
                                     const Block& first, const Block& second) {
  SolverScope scope(solver);
  DependenceAnalysis dep(proc, solver);
  dep.assumeContext(at);
  return dep.findConflict(dep.effects(first), dep.effects(second), ConflictRule::Commute);
}

std::optional<Conflict> checkParallel(const Proc& proc, Solver& solver, const Path& at) {
  const For* loop = stmtAt(proc, at)->as<For>();
  SolverScope scope(solver);
  DependenceAnalysis dep(proc, solver);
  dep.assumeContext(at);
  z3::expr i = solver.freshInt(loop->iter.name());
  z3::expr other = solver.freshInt(loop->iter.name() + "'");
  solver.assume(inRange(solver, i, *loop) && inRange(solver, other, *loop) && i < other);
  SolverBindings atI, atOther;
  atI.vars.emplace(loop->iter.id(), i);
  atOther.vars.emplace(loop->iter.id(), other);
  return dep.findConflict(dep.effects(loop->body, atI), dep.effects(loop->body, atOther),
                          ConflictRule::Disjoint);
}

std::optional<Conflict> checkInterchange(const Proc& proc, Solver& solver, const Path& at) {
  const For* outer = stmtAt(proc, at)->as<For>();
  const For* inner = outer->body.front()->as<For>();
  SolverScope scope(solver);
  DependenceAnalysis dep(proc, solver);
  dep.assumeContext(at);
  z3::expr x = solver.freshInt(outer->iter.name());
  z3::expr y = solver.freshInt(inner->iter.name());
  z3::expr x2 = solver.freshInt(outer->iter.name() + "'");
  z3::expr y2 = solver.freshInt(inner->iter.name() + "'");
  SolverBindings first, second;
  first.vars.emplace(outer->iter.id(), x);
  second.vars.emplace(outer->iter.id(), x2);
  // (x, y) runs before (x2, y2) in the nest, after it once interchanged.
  solver.assume(inRange(solver, x, *outer) && inRange(solver, x2, *outer) &&
                inRange(solver, y, *inner, first) && inRange(solver, y2, *inner, second) &&
                x < x2 && y2 < y);
  first.vars.emplace(inner->iter.id(), y);
  second.vars.emplace(inner->iter.id(), y2);
  return dep.findConflict(dep.effects(inner->body, first), dep.effects(inner->body, second),
                          ConflictRule::Commute);
}

std::optional<Conflict> checkFission(const Proc& proc, Solver& solver, const Path& at,
                                     const For& loop, const Block& pre, const Block& post) {
  SolverScope scope(solver);
  DependenceAnalysis dep(proc, solver);
  dep.assumeContext(at);
  // A loop-invariant, idempotent `pre` leaves the same values every
  // iteration, so `post` may read them; it still must not modify them.
  // (Checked only when needed: most fissions pass without it.)
  auto invariantPre = [&] { return !usesVar(pre, loop.iter) && !idempotenceConflict(dep, pre); };
  SolverScope iterations(solver);
  z3::expr i = solver.freshInt(loop.iter.name());
  z3::expr j = solver.freshInt(loop.iter.name() + "'");
  solver.assume(inRange(solver, i, loop) && inRange(solver, j, loop) && i < j);
  SolverBindings atI, atJ;
  atI.vars.emplace(loop.iter.id(), i);
  atJ.vars.emplace(loop.iter.id(), j);
  Effects later = dep.effects(pre, atJ), earlier = dep.effects(post, atI);
  std::optional<Conflict> conflict = dep.findConflict(later, earlier, ConflictRule::Commute);
  if (!conflict || !invariantPre())
    return conflict;
  return dep.findConflict(later, earlier, ConflictRule::CommuteNoRAW);
}

std::optional<Conflict> checkIdempotent(const Proc& proc, Solver& solver, const Path& at,
                                        const Block& block) {
  SolverScope scope(solver);
  DependenceAnalysis dep(proc, solver);
  dep.assumeContext(at);
  return idempotenceConflict(dep, block);
}

// ------------------------------------------------------------ helpers

bool usesVar(const Block& block, const Sym& v) {
  VarUse use(v);
  use.visitBlock(block);
  return use.found;
}

bool usesVar(const Expr& e, const Sym& v) {
  VarUse use(v);
  use.visit(e);
  return use.found;
}

bool usesBuffer(const Block& block, const Sym& name) {
  BufferUse use(name);
  use.visitBlock(block);
  return use.found;
}

std::string stmtText(const Stmt& s) {
  std::string text = printStmt(s);
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == ':' || text.back() == ' '))
    text.pop_back();
  return text;
}

// ------------------------------------------------------------ fast math

// How many FloatReassociation(true) scopes are open on this thread.
static thread_local int floatReassociationDepth = 0;

bool floatReassociationAllowed() {
  return floatReassociationDepth > 0;
}

FloatReassociation::FloatReassociation(bool allowed) : allowed_(allowed) {
  if (allowed_)
    ++floatReassociationDepth;
}

FloatReassociation::~FloatReassociation() {
  if (allowed_)
    --floatReassociationDepth;
}

} // namespace schedc::sched
