#include "passes/Simplify.h"

#include "ir/Equality.h"
#include "ir/IRMutator.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace schedc {

namespace {

// ------------------------------------------------------------ arithmetic

// Thrown by the checked operations below; the index simplification that hit
// it gives up and leaves its expression as it was.
struct Overflow {};

int64_t checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    throw Overflow{};
  return r;
}

int64_t checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    throw Overflow{};
  return r;
}

int64_t checkedNeg(int64_t a) {
  return checkedMul(a, -1);
}

// Floor division and modulo for a positive divisor (the index semantics).
int64_t floorDiv(int64_t a, int64_t d) {
  int64_t q = a / d;
  if (a % d != 0 && a < 0)
    --q;
  return q;
}

int64_t floorMod(int64_t a, int64_t d) {
  int64_t r = a % d;
  return r < 0 ? r + d : r;
}

bool fitsInt32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

const Const* asIntConst(const Expr& e) {
  const Const* c = e->as<Const>();
  return c && !isFloat(c->type) && c->type != ScalarType::Bool ? c : nullptr;
}

const Const* asBoolConst(const Expr& e) {
  const Const* c = e->as<Const>();
  return c && c->type == ScalarType::Bool ? c : nullptr;
}

// ------------------------------------------------------------ affine sums

struct Term {
  Expr atom;
  int64_t coeff;
};

// sum(coeff * atom) + constant. Terms keep the order in which their atoms
// first appeared; a term whose coefficient cancels to zero keeps its place
// (and is not printed) so that the order does not depend on cancellations.
struct Affine {
  std::vector<Term> terms;
  int64_t constant = 0;

  bool isConstant() const {
    for (const Term& t : terms)
      if (t.coeff != 0)
        return false;
    return true;
  }

  void add(const Expr& atom, int64_t coeff) {
    for (Term& t : terms) {
      if (exprsEqual(t.atom, atom)) {
        t.coeff = checkedAdd(t.coeff, coeff);
        return;
      }
    }
    terms.push_back(Term{atom, coeff});
  }

  void addScaled(const Affine& other, int64_t scale) {
    for (const Term& t : other.terms)
      add(t.atom, checkedMul(t.coeff, scale));
    constant = checkedAdd(constant, checkedMul(other.constant, scale));
  }

  // The single atom of `1 * atom + 0`, or null.
  Expr soleAtom() const {
    const Term* found = nullptr;
    for (const Term& t : terms) {
      if (t.coeff == 0)
        continue;
      if (found || t.coeff != 1)
        return nullptr;
      found = &t;
    }
    return found && constant == 0 ? found->atom : nullptr;
  }
};

Affine constantAffine(int64_t value) {
  Affine a;
  a.constant = value;
  return a;
}

Affine atomAffine(const Expr& atom) {
  Affine a;
  a.terms.push_back(Term{atom, 1});
  return a;
}

Affine difference(const Affine& a, const Affine& b) {
  Affine d = a;
  d.addScaled(b, -1);
  return d;
}

// The expression of an affine sum, in the documented canonical spelling.
Expr buildAffine(const Affine& a, const SrcLoc& loc) {
  Expr out;
  for (const Term& t : a.terms) {
    if (t.coeff == 0)
      continue;
    int64_t magnitude = t.coeff < 0 ? checkedNeg(t.coeff) : t.coeff;
    if (!out) {
      if (t.coeff == 1)
        out = t.atom;
      else if (t.coeff == -1)
        out = UnOp::make(UnOpKind::Neg, t.atom, loc);
      else
        out = BinOp::make(BinOpKind::Mul, Const::makeInt(t.coeff, loc), t.atom, loc);
      continue;
    }
    Expr piece = magnitude == 1
                     ? t.atom
                     : BinOp::make(BinOpKind::Mul, Const::makeInt(magnitude, loc), t.atom, loc);
    out = BinOp::make(t.coeff < 0 ? BinOpKind::Sub : BinOpKind::Add, out, piece, loc);
  }
  if (!out)
    return Const::makeInt(a.constant, loc);
  if (a.constant > 0)
    out = BinOp::make(BinOpKind::Add, out, Const::makeInt(a.constant, loc), loc);
  else if (a.constant < 0)
    out = BinOp::make(BinOpKind::Sub, out, Const::makeInt(checkedNeg(a.constant), loc), loc);
  return out;
}

// ------------------------------------------------------------ intervals

IntRange unbounded() {
  return {};
}

// lo/hi of `coeff * r`.
IntRange scaleRange(const IntRange& r, int64_t coeff) {
  if (coeff >= 0)
    return {r.lo ? std::optional(checkedMul(*r.lo, coeff)) : std::nullopt,
            r.hi ? std::optional(checkedMul(*r.hi, coeff)) : std::nullopt};
  return {r.hi ? std::optional(checkedMul(*r.hi, coeff)) : std::nullopt,
          r.lo ? std::optional(checkedMul(*r.lo, coeff)) : std::nullopt};
}

IntRange addRanges(const IntRange& a, const IntRange& b) {
  return {a.lo && b.lo ? std::optional(checkedAdd(*a.lo, *b.lo)) : std::nullopt,
          a.hi && b.hi ? std::optional(checkedAdd(*a.hi, *b.hi)) : std::nullopt};
}

// ------------------------------------------------------------ simplifier

class Simplifier {
public:
  explicit Simplifier(const SimplifyContext& context) : context_(context) {}

  Expr simplify(const Expr& e) {
    if (isIndexLike(e->type))
      return simplifyIndex(e);
    switch (e->kind) {
    case ExprKind::Const:
    case ExprKind::Stride:
      return e;
    case ExprKind::Read:
      return simplifyRead(e->as<Read>(), e);
    case ExprKind::Window:
      return simplifyWindow(e->as<WindowExpr>(), e);
    case ExprKind::UnOp:
      return simplifyUnOp(e->as<UnOp>(), e);
    case ExprKind::BinOp:
      return simplifyBinOp(e->as<BinOp>(), e);
    case ExprKind::Select:
      return simplifySelect(e->as<Select>(), e);
    }
    return e;
  }

private:
  // -------------------------------------------------------- index arithmetic

  Expr simplifyIndex(const Expr& e) {
    try {
      Expr out = buildAffine(affine(e), e->loc);
      return exprsEqual(out, e) ? e : out;
    } catch (const Overflow&) {
      return e;
    }
  }

  Affine affine(const Expr& e) {
    switch (e->kind) {
    case ExprKind::Const:
      return constantAffine(e->as<Const>()->intValue);
    case ExprKind::UnOp: {
      const UnOp* u = e->as<UnOp>();
      if (u->op != UnOpKind::Neg)
        return atomAffine(simplify(e));
      Affine out;
      out.addScaled(affine(u->a), -1);
      return out;
    }
    case ExprKind::BinOp:
      return affineBinOp(e->as<BinOp>(), e);
    case ExprKind::Select: {
      const Select* s = e->as<Select>();
      Expr cond = simplify(s->cond);
      if (const Const* c = asBoolConst(cond))
        return affine(c->intValue ? s->t : s->f);
      Expr t = simplifyIndex(s->t), f = simplifyIndex(s->f);
      if (cond == s->cond && t == s->t && f == s->f)
        return atomAffine(e);
      return atomAffine(Select::make(cond, t, f, e->loc));
    }
    default:
      return atomAffine(e); // variables and strides (reads of control values have no indices)
    }
  }

  Affine affineBinOp(const BinOp* b, const Expr& self) {
    switch (b->op) {
    case BinOpKind::Add:
    case BinOpKind::Sub: {
      Affine out = affine(b->a);
      out.addScaled(affine(b->b), b->op == BinOpKind::Add ? 1 : -1);
      return out;
    }
    case BinOpKind::Mul: {
      Affine x = affine(b->a), y = affine(b->b);
      Affine out;
      if (x.isConstant())
        out.addScaled(y, x.constant);
      else if (y.isConstant())
        out.addScaled(x, y.constant);
      else
        return atomAffine(rebuilt(b, self, buildAffine(x, b->a->loc), buildAffine(y, b->b->loc)));
      return out;
    }
    case BinOpKind::Div:
    case BinOpKind::Mod: {
      Affine x = affine(b->a), y = affine(b->b);
      if (y.isConstant() && y.constant > 0)
        return b->op == BinOpKind::Div ? divide(x, y.constant, self) : modulo(x, y.constant, self);
      return atomAffine(rebuilt(b, self, buildAffine(x, b->a->loc), buildAffine(y, b->b->loc)));
    }
    case BinOpKind::Min:
    case BinOpKind::Max: {
      Affine x = affine(b->a), y = affine(b->b);
      Affine d = difference(x, y);
      if (d.isConstant()) {
        bool xSmaller = d.constant <= 0;
        return (b->op == BinOpKind::Min) == xSmaller ? x : y;
      }
      return atomAffine(rebuilt(b, self, buildAffine(x, b->a->loc), buildAffine(y, b->b->loc)));
    }
    default:
      return atomAffine(self); // comparisons and logic are never index-typed
    }
  }

  // `self` with new operands, or `self` itself when they did not change.
  static Expr rebuilt(const BinOp* b, const Expr& self, const Expr& x, const Expr& y) {
    if (exprsEqual(x, b->a) && exprsEqual(y, b->b))
      return self;
    return BinOp::make(b->op, x, y, self->loc);
  }

  // x / d for d > 0, floor semantics.
  Affine divide(const Affine& x, int64_t d, const Expr& self) {
    if (d == 1)
      return x;
    // (d * q + r) / d == q + r / d exactly, for any integer q.
    Affine quotient, rest;
    for (const Term& t : x.terms) {
      if (t.coeff % d == 0)
        quotient.add(t.atom, t.coeff / d);
      else
        rest.add(t.atom, t.coeff);
    }
    if (rest.isConstant()) {
      quotient.constant = checkedAdd(quotient.constant, floorDiv(x.constant, d));
      return quotient;
    }
    // r / d == k when d * k <= r < d * k + d.
    int64_t k = floorDiv(x.constant, d);
    rest.constant = x.constant - k * d;
    if (provablyWithin(rest, 0, d - 1)) {
      quotient.constant = checkedAdd(quotient.constant, k);
      return quotient;
    }
    rest.constant = x.constant;
    Expr numerator = buildAffine(rest, self->loc);
    // (y / a) / d == y / (a * d) for positive a and d.
    if (Expr inner = rest.soleAtom()) {
      const BinOp* innerDiv = inner->as<BinOp>();
      if (innerDiv && innerDiv->op == BinOpKind::Div) {
        if (const Const* a = asIntConst(innerDiv->b); a && a->intValue > 0)
          return addAtom(quotient,
                         BinOp::make(BinOpKind::Div, innerDiv->a,
                                     Const::makeInt(checkedMul(a->intValue, d), self->loc),
                                     self->loc));
      }
    }
    return addAtom(quotient, divisionAtom(BinOpKind::Div, numerator, d, self));
  }

  // x % d for d > 0, floor semantics.
  Affine modulo(const Affine& x, int64_t d, const Expr& self) {
    if (d == 1)
      return constantAffine(0);
    // (d * q + r) % d == r % d: multiples of d drop out of every coefficient.
    Affine rest;
    for (const Term& t : x.terms)
      if (t.coeff % d != 0)
        rest.add(t.atom, t.coeff % d);
    if (rest.isConstant())
      return constantAffine(floorMod(x.constant, d));
    // r % d == r - d * k when d * k <= r < d * k + d.
    int64_t k = floorDiv(x.constant, d);
    rest.constant = x.constant - k * d;
    if (provablyWithin(rest, 0, d - 1))
      return rest;
    rest.constant = x.constant;
    // (y % (m * d)) % d == y % d.
    if (Expr inner = rest.soleAtom()) {
      const BinOp* innerMod = inner->as<BinOp>();
      if (innerMod && innerMod->op == BinOpKind::Mod) {
        if (const Const* m = asIntConst(innerMod->b); m && m->intValue > 0 && m->intValue % d == 0)
          return atomAffine(
              BinOp::make(BinOpKind::Mod, innerMod->a, Const::makeInt(d, self->loc), self->loc));
      }
    }
    return atomAffine(divisionAtom(BinOpKind::Mod, buildAffine(rest, self->loc), d, self));
  }

  // `numerator op d`, reusing `self` when it already is exactly that.
  static Expr divisionAtom(BinOpKind op, const Expr& numerator, int64_t d, const Expr& self) {
    if (const BinOp* b = self->as<BinOp>(); b && b->op == op && exprsEqual(b->a, numerator)) {
      if (const Const* c = asIntConst(b->b); c && c->intValue == d)
        return self;
    }
    return BinOp::make(op, numerator, Const::makeInt(d, self->loc), self->loc);
  }

  static Affine addAtom(Affine sum, const Expr& atom) {
    sum.add(atom, 1);
    return sum;
  }

  // lo <= x <= hi, from known ranges or else from the solver's assumptions.
  bool provablyWithin(const Affine& x, int64_t lo, int64_t hi) {
    IntRange r = rangeOf(x);
    if (r.lo && r.hi && *r.lo >= lo && *r.hi <= hi)
      return true;
    if (!context_.solver)
      return false;
    Expr e = buildAffine(x, {});
    if (!Solver::isTranslatable(e))
      return false;
    Solver& solver = *context_.solver;
    z3::expr term = solver.toZ3Int(e);
    return solver.prove(solver.intVal(lo) <= term && term <= solver.intVal(hi));
  }

  IntRange rangeOf(const Affine& x) {
    try {
      IntRange sum{x.constant, x.constant};
      for (const Term& t : x.terms)
        if (t.coeff != 0)
          sum = addRanges(sum, scaleRange(atomRange(t.atom), t.coeff));
      return sum;
    } catch (const Overflow&) {
      return unbounded();
    }
  }

  IntRange atomRange(const Expr& atom) {
    if (const Read* r = atom->as<Read>()) {
      if (auto known = context_.ranges.find(r->name.id()); known != context_.ranges.end())
        return known->second;
      if (r->type == ScalarType::Size)
        return {1, std::nullopt};
      return unbounded();
    }
    if (const BinOp* b = atom->as<BinOp>()) {
      const Const* c = asIntConst(b->b);
      if (b->op == BinOpKind::Mod && c && c->intValue > 0)
        return {0, c->intValue - 1};
      if (b->op == BinOpKind::Div && c && c->intValue > 0) {
        IntRange n = rangeOf(affine(b->a));
        return {n.lo ? std::optional(floorDiv(*n.lo, c->intValue)) : std::nullopt,
                n.hi ? std::optional(floorDiv(*n.hi, c->intValue)) : std::nullopt};
      }
    }
    return unbounded();
  }

  // ------------------------------------------------------------ the rest

  Expr simplifyRead(const Read* r, const Expr& self) {
    std::vector<Expr> idx;
    bool changed = false;
    for (const Expr& i : r->idx) {
      idx.push_back(simplify(i));
      changed |= idx.back() != i;
    }
    return changed ? Read::make(r->name, std::move(idx), r->type, r->loc) : self;
  }

  Expr simplifyWindow(const WindowExpr* w, const Expr& self) {
    std::vector<WindowIndex> idx;
    bool changed = false;
    for (const WindowIndex& i : w->idx) {
      WindowIndex n{simplify(i.lo), i.hi ? simplify(i.hi) : nullptr};
      changed |= n.lo != i.lo || n.hi != i.hi;
      idx.push_back(std::move(n));
    }
    return changed ? WindowExpr::make(w->name, std::move(idx), w->type, w->loc) : self;
  }

  Expr simplifyUnOp(const UnOp* u, const Expr& self) {
    Expr a = simplify(u->a);
    if (const UnOp* inner = a->as<UnOp>(); inner && inner->op == u->op)
      return inner->a; // not not c == c; -(-x) == x exactly, floats included
    if (u->op == UnOpKind::Not) {
      if (const Const* c = asBoolConst(a))
        return Const::makeBool(c->intValue == 0, self->loc);
    } else if (const Const* c = asIntConst(a); c && isIntegral(self->type)) {
      if (fitsInt32(c->intValue) && fitsInt32(-c->intValue))
        return Const::makeInt(-c->intValue, self->loc, self->type);
    }
    return a == u->a ? self : UnOp::make(u->op, a, self->loc);
  }

  Expr simplifySelect(const Select* s, const Expr& self) {
    Expr cond = simplify(s->cond);
    if (const Const* c = asBoolConst(cond))
      return simplify(c->intValue ? s->t : s->f);
    Expr t = simplify(s->t), f = simplify(s->f);
    if (cond == s->cond && t == s->t && f == s->f)
      return self;
    return std::make_shared<Select>(cond, t, f, self->type, self->loc);
  }

  Expr simplifyBinOp(const BinOp* b, const Expr& self) {
    if (b->op == BinOpKind::And || b->op == BinOpKind::Or)
      return simplifyLogic(b, self);
    if (isComparison(b->op))
      return simplifyComparison(b, self);
    return simplifyData(b, self);
  }

  Expr simplifyLogic(const BinOp* b, const Expr& self) {
    Expr x = simplify(b->a), y = simplify(b->b);
    bool isAnd = b->op == BinOpKind::And;
    // Conditions have no side effects, so a decided operand decides or drops out.
    for (auto [known, other] : {std::pair{x, y}, std::pair{y, x}}) {
      if (const Const* c = asBoolConst(known)) {
        bool value = c->intValue != 0;
        if (value == isAnd)
          return other;
        return Const::makeBool(value, self->loc);
      }
    }
    if (x == b->a && y == b->b)
      return self;
    return BinOp::make(b->op, x, y, self->loc);
  }

  Expr simplifyComparison(const BinOp* b, const Expr& self) {
    Expr x = simplify(b->a), y = simplify(b->b);
    std::optional<int> sign; // sign of x - y, when decided
    if (isIndexLike(x->type) && isIndexLike(y->type)) {
      try {
        Affine d = difference(affine(x), affine(y));
        if (d.isConstant())
          sign = d.constant < 0 ? -1 : d.constant > 0 ? 1 : 0;
      } catch (const Overflow&) {
      }
    } else {
      const Const* cx = x->as<Const>();
      const Const* cy = y->as<Const>();
      bool exact = cx && cy && !isFloat(cx->type) && !isFloat(cy->type);
      if (exact)
        sign = cx->intValue < cy->intValue ? -1 : cx->intValue > cy->intValue ? 1 : 0;
    }
    if (sign) {
      bool value = false;
      switch (b->op) {
      case BinOpKind::Lt:
        value = *sign < 0;
        break;
      case BinOpKind::Le:
        value = *sign <= 0;
        break;
      case BinOpKind::Gt:
        value = *sign > 0;
        break;
      case BinOpKind::Ge:
        value = *sign >= 0;
        break;
      case BinOpKind::Eq:
        value = *sign == 0;
        break;
      default:
        value = *sign != 0;
        break;
      }
      return Const::makeBool(value, self->loc);
    }
    if (x == b->a && y == b->b)
      return self;
    return BinOp::make(b->op, x, y, self->loc);
  }

  // Arithmetic on data values (the operands' type is a data type).
  Expr simplifyData(const BinOp* b, const Expr& self) {
    Expr x = simplify(b->a), y = simplify(b->b);
    ScalarType t = self->type;
    if (isIntegral(t) && isNumeric(t)) {
      if (Expr folded = foldIntegerData(b->op, x, y, t, self->loc))
        return folded;
    }
    if (x == b->a && y == b->b)
      return self;
    return std::make_shared<BinOp>(b->op, x, y, t, self->loc);
  }

  // Integer data folds with C's semantics, while C's int arithmetic (what
  // narrower types are computed in) cannot overflow.
  static Expr foldIntegerData(BinOpKind op, const Expr& x, const Expr& y, ScalarType t,
                              const SrcLoc& loc) {
    const Const* cx = asIntConst(x);
    const Const* cy = asIntConst(y);
    if (cx && cy) {
      int64_t a = cx->intValue, c = cy->intValue;
      if (!fitsInt32(a) || !fitsInt32(c))
        return nullptr;
      std::optional<int64_t> r;
      switch (op) {
      case BinOpKind::Add:
        r = a + c;
        break;
      case BinOpKind::Sub:
        r = a - c;
        break;
      case BinOpKind::Mul:
        r = a * c;
        break;
      case BinOpKind::Div:
        if (c != 0)
          r = a / c; // truncating, as C's
        break;
      case BinOpKind::Mod:
        if (c != 0)
          r = a % c;
        break;
      case BinOpKind::Min:
        r = std::min(a, c);
        break;
      case BinOpKind::Max:
        r = std::max(a, c);
        break;
      default:
        break;
      }
      if (r && fitsInt32(*r))
        return Const::makeInt(*r, loc, t);
      return nullptr;
    }
    auto is = [](const Const* c, int64_t v) { return c && c->intValue == v; };
    // Identities only where the kept operand already has the result's type,
    // so that no conversion is lost.
    bool xTyped = x->type == t, yTyped = y->type == t;
    switch (op) {
    case BinOpKind::Add:
      if (is(cy, 0) && xTyped)
        return x;
      if (is(cx, 0) && yTyped)
        return y;
      break;
    case BinOpKind::Sub:
      if (is(cy, 0) && xTyped)
        return x;
      break;
    case BinOpKind::Mul:
      if (is(cy, 1) && xTyped)
        return x;
      if (is(cx, 1) && yTyped)
        return y;
      if (is(cx, 0) || is(cy, 0))
        return Const::makeInt(0, loc, t); // reads have no side effects
      break;
    case BinOpKind::Div:
      if (is(cy, 1) && xTyped)
        return x;
      break;
    default:
      break;
    }
    return nullptr;
  }

  const SimplifyContext& context_;
};

// ------------------------------------------------------------ statements

class ProcSimplifier : public IRMutator {
public:
  explicit ProcSimplifier(Solver& solver) : solver_(solver) { context_.solver = &solver; }

protected:
  Expr simplified(const Expr& self) { return Simplifier(context_).simplify(self); }

  Expr visitRead(const Read*, const Expr& self) override { return simplified(self); }
  Expr visitBinOp(const BinOp*, const Expr& self) override { return simplified(self); }
  Expr visitUnOp(const UnOp*, const Expr& self) override { return simplified(self); }
  Expr visitSelect(const Select*, const Expr& self) override { return simplified(self); }
  Expr visitWindow(const WindowExpr*, const Expr& self) override { return simplified(self); }

  Block visitFor(const For* s, const Stmt& self) override {
    Expr lo = mutate(s->lo), hi = mutate(s->hi);
    Block body;
    {
      SolverScope scope(solver_);
      z3::expr iter = solver_.var(s->iter, ScalarType::Index);
      solver_.assume(solver_.toZ3Int(lo) <= iter);
      solver_.assume(iter < solver_.toZ3Int(hi));
      // A constant range also goes to the cheap interval check.
      const Const* clo = lo->as<Const>();
      const Const* chi = hi->as<Const>();
      if (clo && chi && clo->intValue < chi->intValue)
        context_.ranges[s->iter.id()] = IntRange{clo->intValue, chi->intValue - 1};
      body = mutateBlock(s->body);
      context_.ranges.erase(s->iter.id());
    }
    if (lo == s->lo && hi == s->hi && sameNodes(body, s->body))
      return {self};
    return {keepIdentity(For::make(s->iter, lo, hi, std::move(body), s->mode, s->loc), *s)};
  }

  Block visitIf(const If* s, const Stmt& self) override {
    Expr cond = mutate(s->cond);
    if (const Const* c = asBoolConst(cond))
      return mutateBlock(c->intValue ? s->body : s->orelse); // the branch taken, in place of the if
    Block body, orelse;
    {
      SolverScope scope(solver_);
      assumeCondition(solver_, cond, true);
      body = mutateBlock(s->body);
    }
    {
      SolverScope scope(solver_);
      assumeCondition(solver_, cond, false);
      orelse = mutateBlock(s->orelse);
    }
    if (cond == s->cond && sameNodes(body, s->body) && sameNodes(orelse, s->orelse))
      return {self};
    return {keepIdentity(If::make(cond, std::move(body), std::move(orelse), s->loc), *s)};
  }

private:
  Solver& solver_;
  SimplifyContext context_;
};

} // namespace

Expr simplifyExpr(const Expr& e, const SimplifyContext& context) {
  return Simplifier(context).simplify(e);
}

ProcPtr simplifyProc(const Proc& proc, Solver* solver) {
  std::unique_ptr<Solver> own;
  if (!solver) {
    own = std::make_unique<Solver>();
    solver = own.get();
  }
  auto out = std::make_shared<Proc>(proc);
  out->preds.clear();
  for (const Expr& pred : proc.preds) {
    Expr p = simplifyExpr(pred);
    if (const Const* c = asBoolConst(p); c && c->intValue)
      continue; // `assert True` says nothing
    out->preds.push_back(p);
  }
  SolverScope scope(*solver);
  assumeProcFacts(*solver, proc);
  out->body = ProcSimplifier(*solver).mutateBlock(proc.body);
  return out;
}

// ------------------------------------------------------------ context helpers

void assumeProcFacts(Solver& solver, const Proc& proc) {
  for (const FnArg& arg : proc.args) {
    if (arg.type == ScalarType::Size)
      solver.assume(solver.var(arg.name, arg.type) >= 1);
    if (!arg.isTensor() || arg.isWindow)
      continue; // a window argument may be any strided view
    // Dense, last dimension fastest: stride(A, d) is the product of the later extents.
    z3::expr stride = solver.intVal(1);
    for (size_t d = arg.shape.size(); d-- > 0;) {
      solver.assume(solver.strideVar(arg.name, static_cast<int>(d)) == stride);
      stride = stride * solver.toZ3Int(arg.shape[d]);
    }
  }
  for (const Expr& pred : proc.preds)
    if (Solver::isTranslatable(pred))
      solver.assume(solver.toZ3Bool(pred));
}

void assumeCondition(Solver& solver, const Expr& cond, bool holds) {
  if (Solver::isTranslatable(cond)) {
    z3::expr c = solver.toZ3Bool(cond);
    solver.assume(holds ? c : !c);
    return;
  }
  if (const BinOp* b = cond->as<BinOp>()) {
    if ((b->op == BinOpKind::And && holds) || (b->op == BinOpKind::Or && !holds)) {
      assumeCondition(solver, b->a, holds);
      assumeCondition(solver, b->b, holds);
    }
    return;
  }
  if (const UnOp* u = cond->as<UnOp>(); u && u->op == UnOpKind::Not)
    assumeCondition(solver, u->a, !holds);
}

} // namespace schedc
