#include "passes/Solver.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>

namespace schedc {

namespace {

bool isControlScalar(ScalarType t) {
  return isIndexLike(t) || t == ScalarType::Bool;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

[[noreturn]] void refuseNonControl(const SrcLoc& loc, const std::string& what) {
  fail(loc, "non-affine index expression: " + what +
                " cannot appear in index arithmetic, loop bounds or assertions");
}

// The uninterpreted constants (the variables) of a z3 term, each once.
void collectConstants(const z3::expr& e, std::set<unsigned>& seen, std::vector<z3::expr>& found) {
  if (!seen.insert(e.id()).second)
    return;
  if (e.is_app()) {
    if (e.is_const() && e.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
      found.push_back(e);
      return;
    }
    for (unsigned i = 0; i < e.num_args(); ++i)
      collectConstants(e.arg(i), seen, found);
  }
}

// The value of an integer literal term (false for anything else).
bool numeralValue(const z3::expr& e, int64_t& value) {
  return e.is_numeral() && e.is_numeral_i64(value);
}

// A model value as source syntax: "-1" rather than z3's "(- 1)".
std::string valueText(const z3::expr& v) {
  int64_t value = 0;
  if (numeralValue(v, value))
    return std::to_string(value);
  if (v.is_true())
    return "True";
  if (v.is_false())
    return "False";
  return v.to_string();
}

} // namespace

Solver::Solver(unsigned timeoutMs) : timeoutMs_(timeoutMs) {}

// ------------------------------------------------------------ translation

bool Solver::isTranslatable(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Const:
    return e->type == ScalarType::Bool || isIntegral(e->type);
  case ExprKind::Read: {
    const Read* read = e->as<Read>();
    return read->idx.empty() && isControlScalar(read->type);
  }
  case ExprKind::BinOp: {
    const BinOp* bin = e->as<BinOp>();
    return isTranslatable(bin->a) && isTranslatable(bin->b);
  }
  case ExprKind::UnOp:
    return isTranslatable(e->as<UnOp>()->a);
  case ExprKind::Select: {
    const Select* sel = e->as<Select>();
    return isTranslatable(sel->cond) && isTranslatable(sel->t) && isTranslatable(sel->f);
  }
  case ExprKind::Window:
    return false;
  case ExprKind::Stride:
    return true;
  }
  return false;
}

z3::expr Solver::toZ3(const Expr& e) {
  return translate(e, nullptr);
}

z3::expr Solver::toZ3(const Expr& e, const SolverBindings& bindings) {
  return translate(e, &bindings);
}

z3::expr Solver::toZ3Int(const Expr& e) {
  z3::expr term = translate(e, nullptr);
  if (!term.is_int())
    fail(e->loc, "expected an integer expression, got a condition");
  return term;
}

z3::expr Solver::toZ3Bool(const Expr& e) {
  z3::expr term = translate(e, nullptr);
  if (!term.is_bool())
    fail(e->loc, "expected a condition, got an integer expression");
  return term;
}

z3::expr Solver::makeConst(const std::string& key, const std::string& display, uint64_t symId,
                           const z3::sort& sort) {
  auto found = consts_.find(key);
  if (found != consts_.end())
    return found->second;
  // The z3 name carries the key so that goals printed by z3 (stats) stay
  // readable and distinct variables never share a name.
  std::string z3Name = display + "!" + key;
  z3::expr c = ctx_.constant(z3Name.c_str(), sort);
  consts_.emplace(key, c);
  varInfo_[z3Name] = VarInfo{display, symId};
  return c;
}

z3::expr Solver::var(const Sym& s, ScalarType type) {
  z3::sort sort = type == ScalarType::Bool ? ctx_.bool_sort() : ctx_.int_sort();
  return makeConst("v" + std::to_string(s.id()), s.name(), s.id(), sort);
}

z3::expr Solver::strideVar(const Sym& buffer, int dim) {
  return makeConst("s" + std::to_string(buffer.id()) + "." + std::to_string(dim),
                   "stride(" + buffer.name() + ", " + std::to_string(dim) + ")", buffer.id(),
                   ctx_.int_sort());
}

z3::expr Solver::freshInt(const std::string& display) {
  return makeConst("f" + std::to_string(++freshCounter_), display, 0, ctx_.int_sort());
}

// Floor division for any divisor: for b > 0 z3's (Euclidean) div is floor
// division, and floor(a / b) == floor(-a / -b) turns a negative divisor into
// a positive one.
z3::expr Solver::floorDiv(const z3::expr& a, const z3::expr& b, const SrcLoc& loc) {
  z3::expr divisor = b.simplify();
  int64_t value = 0;
  if (numeralValue(divisor, value)) {
    if (value == 0)
      fail(loc, "division by zero");
    return value > 0 ? a / divisor : (-a) / (-divisor);
  }
  return z3::ite(b >= 0, a / b, (-a) / (-b));
}

z3::expr Solver::floorMod(const z3::expr& a, const z3::expr& b, const SrcLoc& loc) {
  z3::expr divisor = b.simplify();
  int64_t value = 0;
  if (numeralValue(divisor, value)) {
    if (value == 0)
      fail(loc, "modulo by zero");
    if (value > 0)
      return z3::mod(a, divisor);
  }
  return a - b * floorDiv(a, b, loc);
}

z3::expr Solver::translate(const Expr& e, const SolverBindings* bindings) {
  switch (e->kind) {
  case ExprKind::Const: {
    const Const* c = e->as<Const>();
    if (c->type == ScalarType::Bool)
      return ctx_.bool_val(c->intValue != 0);
    if (!isIntegral(c->type))
      refuseNonControl(e->loc, "the " + typeName(c->type) + " literal");
    return ctx_.int_val(c->intValue);
  }
  case ExprKind::Read: {
    const Read* read = e->as<Read>();
    if (!read->idx.empty())
      refuseNonControl(e->loc, "the data read of '" + read->name.name() + "'");
    if (!isControlScalar(read->type))
      refuseNonControl(e->loc,
                       "the " + typeName(read->type) + " value '" + read->name.name() + "'");
    if (bindings) {
      auto bound = bindings->vars.find(read->name.id());
      if (bound != bindings->vars.end())
        return bound->second;
    }
    return var(read->name, read->type);
  }
  case ExprKind::BinOp: {
    const BinOp* bin = e->as<BinOp>();
    z3::expr a = translate(bin->a, bindings);
    z3::expr b = translate(bin->b, bindings);
    bool ints = a.is_int() && b.is_int();
    bool bools = a.is_bool() && b.is_bool();
    auto requireInts = [&] {
      if (!ints)
        fail(e->loc, std::string("operands of '") + binOpSpelling(bin->op) + "' must be integers");
    };
    switch (bin->op) {
    case BinOpKind::Add:
      requireInts();
      return a + b;
    case BinOpKind::Sub:
      requireInts();
      return a - b;
    case BinOpKind::Mul:
      requireInts();
      return a * b;
    case BinOpKind::Div:
      requireInts();
      return floorDiv(a, b, e->loc);
    case BinOpKind::Mod:
      requireInts();
      return floorMod(a, b, e->loc);
    case BinOpKind::Min:
      requireInts();
      return z3::ite(a <= b, a, b);
    case BinOpKind::Max:
      requireInts();
      return z3::ite(a >= b, a, b);
    case BinOpKind::Lt:
      requireInts();
      return a < b;
    case BinOpKind::Le:
      requireInts();
      return a <= b;
    case BinOpKind::Gt:
      requireInts();
      return a > b;
    case BinOpKind::Ge:
      requireInts();
      return a >= b;
    case BinOpKind::Eq:
    case BinOpKind::Ne:
      if (!ints && !bools)
        fail(e->loc,
             std::string("operands of '") + binOpSpelling(bin->op) + "' must have the same type");
      return bin->op == BinOpKind::Eq ? a == b : a != b;
    case BinOpKind::And:
    case BinOpKind::Or:
      if (!bools)
        fail(e->loc,
             std::string("operands of '") + binOpSpelling(bin->op) + "' must be conditions");
      return bin->op == BinOpKind::And ? a && b : a || b;
    }
    break;
  }
  case ExprKind::UnOp: {
    const UnOp* un = e->as<UnOp>();
    z3::expr a = translate(un->a, bindings);
    if (un->op == UnOpKind::Not) {
      if (!a.is_bool())
        fail(e->loc, "operand of 'not' must be a condition");
      return !a;
    }
    if (!a.is_int())
      fail(e->loc, "operand of '-' must be an integer");
    return -a;
  }
  case ExprKind::Select: {
    const Select* sel = e->as<Select>();
    z3::expr cond = translate(sel->cond, bindings);
    z3::expr t = translate(sel->t, bindings);
    z3::expr f = translate(sel->f, bindings);
    if (!cond.is_bool())
      fail(e->loc, "the condition of select must be a condition");
    if (!z3::eq(t.get_sort(), f.get_sort()))
      fail(e->loc, "both branches of select must have the same type");
    return z3::ite(cond, t, f);
  }
  case ExprKind::Window:
    refuseNonControl(e->loc, "the window of '" + e->as<WindowExpr>()->name.name() + "'");
  case ExprKind::Stride: {
    const StrideExpr* stride = e->as<StrideExpr>();
    if (bindings) {
      auto bound = bindings->strides.find({stride->name.id(), stride->dim});
      if (bound != bindings->strides.end())
        return bound->second;
    }
    return strideVar(stride->name, stride->dim);
  }
  }
  fail(e->loc, "unsupported expression in a legality check");
}

// ------------------------------------------------------------ assumptions

void Solver::push() {
  scopeStarts_.push_back(assumptions_.size());
}

void Solver::pop() {
  if (scopeStarts_.empty())
    throw std::logic_error("Solver::pop without a matching push");
  assumptions_.resize(scopeStarts_.back(), ctx_.bool_val(true));
  scopeStarts_.pop_back();
}

void Solver::assume(const Expr& cond) {
  assume(toZ3(cond));
}

void Solver::assume(const z3::expr& cond) {
  if (!cond.is_bool())
    throw std::logic_error("Solver::assume of a non-boolean term");
  assumptions_.push_back(cond);
}

// ---------------------------------------------------------------- queries

bool Solver::prove(const Expr& cond) {
  return prove(toZ3(cond));
}

bool Solver::prove(const z3::expr& cond) {
  if (!cond.is_bool())
    throw std::logic_error("Solver::prove of a non-boolean term");
  counterexample_.clear();
  lastUndecided_ = false;

  // Schedules re-prove the bounds of a whole proc after every directive, and
  // most of those questions were already answered for the previous version:
  // z3 shares identical terms, so (assumptions, goal) identify a question by
  // their AST ids. The cached terms are kept alive so that no id is reused.
  std::string key;
  for (const z3::expr& a : assumptions_)
    key += std::to_string(a.id()) + ",";
  key += "|" + std::to_string(cond.id());
  if (provedCache_.count(key)) {
    ++stats_.cacheHits;
    return true;
  }

  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto elapsedMs = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  // A fresh solver per query: no state (learned lemmas, incremental mode)
  // carries over, so each answer depends only on the assumptions in scope.
  auto attempt = [&](z3::solver& solver, unsigned budgetMs) {
    solver.set("timeout", budgetMs);
    for (const z3::expr& a : assumptions_)
      solver.add(a);
    solver.add(!cond);
    return solver.check();
  };
  // First z3's plain SMT core: about 0.2 ms for the typical (linear, div/mod
  // by constants) query, where the default solver's preprocessing tactics
  // cost ~7 ms each. Only when the core gives up early (incomplete
  // nonlinear arithmetic) does the default solver, whose tactics include
  // nlsat, get the rest of the budget.
  z3::solver fast(ctx_, z3::solver::simple());
  z3::solver* decider = &fast;
  z3::check_result result = attempt(fast, timeoutMs_);
  std::optional<z3::solver> thorough;
  double spentMs = elapsedMs();
  if (result == z3::unknown && spentMs + 1 < timeoutMs_) {
    thorough.emplace(ctx_);
    decider = &*thorough;
    result = attempt(*thorough, timeoutMs_ - static_cast<unsigned>(spentMs));
  }
  double ms = elapsedMs();

  ++stats_.queries;
  stats_.totalMs += ms;
  if (ms > stats_.slowestMs) {
    stats_.slowestMs = ms;
    stats_.slowestGoal = cond.to_string();
  }

  switch (result) {
  case z3::unsat: {
    std::vector<z3::expr> pinned(assumptions_.begin(), assumptions_.end());
    pinned.push_back(cond);
    provedCache_.emplace(std::move(key), std::move(pinned));
    return true;
  }
  case z3::sat:
    counterexample_ = describeModel(decider->get_model(), cond);
    return false;
  case z3::unknown:
    ++stats_.undecided;
    lastUndecided_ = true;
    // z3 reports a timeout as "canceled", "timeout" or as whatever it was
    // doing when the clock ran out: the elapsed time tells.
    counterexample_ = ms >= 0.95 * timeoutMs_
                          ? "could not decide (timeout)"
                          : "could not decide (z3: " + decider->reason_unknown() + ")";
    return false;
  }
  return false;
}

std::string Solver::describeModel(const z3::model& model, const z3::expr& goal) const {
  std::set<unsigned> seen;
  std::vector<z3::expr> constants;
  collectConstants(goal, seen, constants);

  struct Binding {
    std::string name;
    uint64_t symId;
    std::string value;
  };
  std::vector<Binding> bindings;
  for (const z3::expr& c : constants) {
    std::string z3Name = c.decl().name().str();
    auto info = varInfo_.find(z3Name);
    Binding b{z3Name, 0, ""};
    if (info != varInfo_.end()) {
      b.name = info->second.display;
      b.symId = info->second.symId;
    }
    b.value = valueText(model.eval(c, /*model_completion=*/true));
    bindings.push_back(std::move(b));
  }
  // Sorted as a reader looks names up: case-insensitively, then by identity.
  std::sort(bindings.begin(), bindings.end(), [](const Binding& x, const Binding& y) {
    std::string lx = lowercase(x.name), ly = lowercase(y.name);
    if (lx != ly)
      return lx < ly;
    if (x.name != y.name)
      return x.name < y.name;
    return x.symId < y.symId;
  });
  // Two different variables spelled alike (e.g. loops copied by a schedule)
  // would read as one: tell them apart by their ids.
  std::map<std::string, int> spellings;
  for (const Binding& b : bindings)
    ++spellings[b.name];

  std::string text;
  for (const Binding& b : bindings) {
    if (!text.empty())
      text += ", ";
    text += b.name;
    if (spellings[b.name] > 1)
      text += "#" + std::to_string(b.symId);
    text += " = " + b.value;
  }
  return text;
}

} // namespace schedc
