#include "passes/primitives/LoopRewrite.h"

#include "ir/IRMutator.h"
#include "passes/Dependence.h"

namespace schedc::sched {

// ------------------------------------------------------------ arithmetic

Expr intConst(int64_t value, const SrcLoc& loc) {
  return Const::makeInt(value, loc);
}

Expr varRead(const Sym& var, const SrcLoc& loc) {
  return Read::make(var, {}, ScalarType::Index, loc);
}

std::optional<int64_t> constValue(const Expr& e) {
  if (const Const* c = e->as<Const>(); c && isIndexLike(c->type))
    return c->intValue;
  return std::nullopt;
}

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floorMod(int64_t a, int64_t b) {
  return a - b * floorDiv(a, b);
}

static std::optional<bool> boolValue(const Expr& e) {
  if (const Const* c = e->as<Const>(); c && c->type == ScalarType::Bool)
    return c->intValue != 0;
  return std::nullopt;
}

Expr foldNode(const Expr& e) {
  if (const UnOp* un = e->as<UnOp>()) {
    if (un->op == UnOpKind::Not)
      if (auto b = boolValue(un->a))
        return Const::makeBool(!*b, e->loc);
    if (un->op == UnOpKind::Neg && isIndexLike(e->type))
      if (auto v = constValue(un->a))
        return Const::makeInt(-*v, e->loc);
    return e;
  }
  const BinOp* bin = e->as<BinOp>();
  if (!bin)
    return e;
  if (isLogical(bin->op)) {
    bool isAnd = bin->op == BinOpKind::And;
    // `true and x` is x, `false and x` is false; dually for `or`.
    for (const auto& [known, other] : {std::pair{bin->a, bin->b}, std::pair{bin->b, bin->a}})
      if (auto b = boolValue(known))
        return *b == isAnd ? other : known;
    return e;
  }
  if (!isIndexLike(bin->a->type) || !isIndexLike(bin->b->type))
    return e; // data arithmetic keeps its exact form (precision, overflow)
  auto a = constValue(bin->a), b = constValue(bin->b);
  if (a && b) {
    int64_t x = *a, y = *b;
    switch (bin->op) {
    case BinOpKind::Add:
      return Const::makeInt(x + y, e->loc);
    case BinOpKind::Sub:
      return Const::makeInt(x - y, e->loc);
    case BinOpKind::Mul:
      return Const::makeInt(x * y, e->loc);
    case BinOpKind::Div:
      return y == 0 ? e : Const::makeInt(floorDiv(x, y), e->loc);
    case BinOpKind::Mod:
      return y == 0 ? e : Const::makeInt(floorMod(x, y), e->loc);
    case BinOpKind::Min:
      return Const::makeInt(std::min(x, y), e->loc);
    case BinOpKind::Max:
      return Const::makeInt(std::max(x, y), e->loc);
    case BinOpKind::Lt:
      return Const::makeBool(x < y, e->loc);
    case BinOpKind::Le:
      return Const::makeBool(x <= y, e->loc);
    case BinOpKind::Gt:
      return Const::makeBool(x > y, e->loc);
    case BinOpKind::Ge:
      return Const::makeBool(x >= y, e->loc);
    case BinOpKind::Eq:
      return Const::makeBool(x == y, e->loc);
    case BinOpKind::Ne:
      return Const::makeBool(x != y, e->loc);
    default:
      return e;
    }
  }
  switch (bin->op) {
  case BinOpKind::Add:
    if (a == 0)
      return bin->b;
    if (b == 0)
      return bin->a;
    break;
  case BinOpKind::Sub:
    if (b == 0)
      return bin->a;
    break;
  case BinOpKind::Mul:
    if (a == 1)
      return bin->b;
    if (b == 1)
      return bin->a;
    break;
  case BinOpKind::Div:
    if (b == 1)
      return bin->a;
    break;
  default:
    break;
  }
  return e;
}

Expr addE(const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(BinOpKind::Add, a, b));
}
Expr subE(const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(BinOpKind::Sub, a, b));
}
Expr mulE(const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(BinOpKind::Mul, a, b));
}
Expr divE(const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(BinOpKind::Div, a, b));
}
Expr modE(const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(BinOpKind::Mod, a, b));
}
Expr cmpE(BinOpKind op, const Expr& a, const Expr& b) {
  return foldNode(BinOp::make(op, a, b));
}

// ------------------------------------------------------------ rewriting

namespace {

// Substitution of control variables, optionally making a fresh copy (new
// statement identities, new Syms for the binders inside).
class BodyRewriter : public IRMutator {
public:
  BodyRewriter(const std::map<uint64_t, Expr>& replacements, bool fresh)
      : replacements_(replacements), fresh_(fresh) {}

protected:
  Sym renamed(const Sym& s) const {
    auto it = renames_.find(s.id());
    return it == renames_.end() ? s : it->second;
  }
  Sym bind(const Sym& s) {
    if (!fresh_)
      return s;
    Sym copy = s.copy();
    renames_[s.id()] = copy;
    return copy;
  }
  // A rebuilt statement: a new identity in a copy, the old one otherwise.
  Stmt finish(Stmt rebuilt, const StmtNode& original) const {
    return fresh_ ? rebuilt : keepIdentity(std::move(rebuilt), original);
  }

  Expr visitRead(const Read* e, const Expr& self) override {
    if (e->idx.empty())
      if (auto it = replacements_.find(e->name.id()); it != replacements_.end())
        return it->second;
    auto idx = mutateExprs(e->idx);
    Sym name = renamed(e->name);
    if (sameNodes(idx, e->idx) && name == e->name)
      return self;
    return Read::make(name, std::move(idx), e->type, e->loc);
  }
  Expr visitBinOp(const BinOp* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitBinOp(e, self);
    return rebuilt == self ? self : foldNode(rebuilt);
  }
  Expr visitUnOp(const UnOp* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitUnOp(e, self);
    return rebuilt == self ? self : foldNode(rebuilt);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitWindow(e, self);
    Sym name = renamed(e->name);
    if (name == e->name)
      return rebuilt;
    return WindowExpr::make(name, rebuilt->as<WindowExpr>()->idx, e->type, e->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    Sym name = renamed(e->name);
    return name == e->name ? self : StrideExpr::make(name, e->dim, e->loc);
  }

  Block visitAssign(const Assign* s, const Stmt& self) override {
    auto idx = mutateExprs(s->idx);
    Expr rhs = mutate(s->rhs);
    Sym name = renamed(s->name);
    if (!fresh_ && sameNodes(idx, s->idx) && rhs == s->rhs && name == s->name)
      return {self};
    return {finish(
        std::make_shared<Assign>(s->kind, name, s->type, std::move(idx), std::move(rhs), s->loc),
        *s)};
  }
  Block visitFor(const For* s, const Stmt& self) override {
    Expr lo = mutate(s->lo), hi = mutate(s->hi);
    Sym iter = bind(s->iter);
    Block body = mutateBlock(s->body);
    if (!fresh_ && lo == s->lo && hi == s->hi && sameNodes(body, s->body))
      return {self};
    return {finish(For::make(iter, std::move(lo), std::move(hi), std::move(body), s->mode, s->loc),
                   *s)};
  }
  Block visitIf(const If* s, const Stmt& self) override {
    Expr cond = mutate(s->cond);
    Block body = mutateBlock(s->body), orelse = mutateBlock(s->orelse);
    if (!fresh_ && cond == s->cond && sameNodes(body, s->body) && sameNodes(orelse, s->orelse))
      return {self};
    return {finish(If::make(std::move(cond), std::move(body), std::move(orelse), s->loc), *s)};
  }
  Block visitAlloc(const Alloc* s, const Stmt& self) override {
    auto shape = mutateExprs(s->shape);
    Sym name = bind(s->name);
    if (!fresh_ && sameNodes(shape, s->shape))
      return {self};
    return {finish(Alloc::make(name, s->type, std::move(shape), s->mem, s->loc), *s)};
  }
  Block visitWindowBind(const WindowBind* s, const Stmt& self) override {
    Expr rhs = mutate(s->rhs);
    Sym name = bind(s->name);
    if (!fresh_ && rhs == s->rhs)
      return {self};
    return {finish(WindowBind::make(name, std::move(rhs), s->loc), *s)};
  }
  Block visitCall(const Call* s, const Stmt& self) override {
    auto args = mutateExprs(s->args);
    if (!fresh_ && sameNodes(args, s->args))
      return {self};
    return {finish(Call::make(s->callee, std::move(args), s->loc), *s)};
  }
  Block visitPass(const Pass* s, const Stmt& self) override {
    return {fresh_ ? Pass::make(s->loc) : self};
  }

private:
  const std::map<uint64_t, Expr>& replacements_;
  bool fresh_;
  std::map<uint64_t, Sym> renames_;
};

} // namespace

Block substitute(const Block& block, const std::map<uint64_t, Expr>& replacements) {
  BodyRewriter rewriter(replacements, /*fresh=*/false);
  return rewriter.mutateBlock(block);
}

Block freshCopy(const Block& block, const std::map<uint64_t, Expr>& replacements) {
  BodyRewriter rewriter(replacements, /*fresh=*/true);
  return rewriter.mutateBlock(block);
}

ProcPtr replaceInBlock(const Proc& proc, const BlockLoc& where, size_t begin, size_t end,
                       Block replacement) {
  if (replacement.empty() && end - begin == blockAt(proc, where).size())
    replacement.push_back(Pass::make());
  return replaceRange(proc, where, begin, end, std::move(replacement));
}

// ------------------------------------------------------------ effects

std::optional<std::string> idempotenceProblem(const Proc& proc, Solver& solver, const Path& at,
                                              const Block& stmts) {
  std::optional<Conflict> conflict = checkIdempotent(proc, solver, at, stmts);
  if (!conflict)
    return std::nullopt;
  std::string buffer = "'" + conflict->buffer.name() + "'";
  std::string why =
      conflict->firstKind == AccessKind::Reduce || conflict->secondKind == AccessKind::Reduce
          ? "it reduces into " + buffer + " (`+=`), so running it again adds again"
          : "it writes " + buffer +
                " and also reads it, so running it again may read what the first run wrote";
  if (!conflict->undecided.empty())
    why += " (" + conflict->undecided + ")";
  return why;
}

} // namespace schedc::sched
