#include "ir/IRMutator.h"

namespace schedc {

template <typename Node>
static bool samePointers(const std::vector<Node>& a, const std::vector<Node>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

bool sameNodes(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  return samePointers(a, b);
}
bool sameNodes(const Block& a, const Block& b) {
  return samePointers(a, b);
}

Expr IRMutator::mutate(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Const:
    return visitConst(e->as<Const>(), e);
  case ExprKind::Read:
    return visitRead(e->as<Read>(), e);
  case ExprKind::BinOp:
    return visitBinOp(e->as<BinOp>(), e);
  case ExprKind::UnOp:
    return visitUnOp(e->as<UnOp>(), e);
  case ExprKind::Select:
    return visitSelect(e->as<Select>(), e);
  case ExprKind::Window:
    return visitWindow(e->as<WindowExpr>(), e);
  case ExprKind::Stride:
    return visitStride(e->as<StrideExpr>(), e);
  }
  return e;
}

Block IRMutator::mutate(const Stmt& s) {
  struct Restore {
    Stmt& slot;
    Stmt saved;
    ~Restore() { slot = std::move(saved); }
  } restore{currentStmt_, currentStmt_};
  currentStmt_ = s;
  return dispatch(s);
}

Block IRMutator::dispatch(const Stmt& s) {
  switch (s->kind) {
  case StmtKind::Assign:
  case StmtKind::Reduce:
    return visitAssign(s->as<Assign>(), s);
  case StmtKind::For:
    return visitFor(s->as<For>(), s);
  case StmtKind::If:
    return visitIf(s->as<If>(), s);
  case StmtKind::Alloc:
    return visitAlloc(s->as<Alloc>(), s);
  case StmtKind::WindowBind:
    return visitWindowBind(s->as<WindowBind>(), s);
  case StmtKind::Call:
    return visitCall(s->as<Call>(), s);
  case StmtKind::Pass:
    return visitPass(s->as<Pass>(), s);
  }
  return {s};
}

Block IRMutator::mutateBlock(const Block& b) {
  Block out;
  out.reserve(b.size());
  for (const Stmt& s : b)
    for (Stmt& r : mutate(s))
      out.push_back(std::move(r));
  return out;
}

std::vector<Expr> IRMutator::mutateExprs(const std::vector<Expr>& es) {
  std::vector<Expr> out;
  out.reserve(es.size());
  for (const Expr& e : es)
    out.push_back(mutate(e));
  return out;
}

Expr IRMutator::visitRead(const Read* e, const Expr& self) {
  auto idx = mutateExprs(e->idx);
  if (sameNodes(idx, e->idx))
    return self;
  return Read::make(e->name, std::move(idx), e->type, e->loc);
}

Expr IRMutator::visitBinOp(const BinOp* e, const Expr& self) {
  Expr a = mutate(e->a), b = mutate(e->b);
  if (a == e->a && b == e->b)
    return self;
  return BinOp::make(e->op, std::move(a), std::move(b), e->loc);
}

Expr IRMutator::visitUnOp(const UnOp* e, const Expr& self) {
  Expr a = mutate(e->a);
  if (a == e->a)
    return self;
  return UnOp::make(e->op, std::move(a), e->loc);
}

Expr IRMutator::visitSelect(const Select* e, const Expr& self) {
  Expr c = mutate(e->cond), t = mutate(e->t), f = mutate(e->f);
  if (c == e->cond && t == e->t && f == e->f)
    return self;
  return Select::make(std::move(c), std::move(t), std::move(f), e->loc);
}

Expr IRMutator::visitWindow(const WindowExpr* e, const Expr& self) {
  bool changed = false;
  std::vector<WindowIndex> idx;
  for (const WindowIndex& w : e->idx) {
    WindowIndex n{mutate(w.lo), w.hi ? mutate(w.hi) : nullptr};
    changed |= n.lo != w.lo || n.hi != w.hi;
    idx.push_back(std::move(n));
  }
  if (!changed)
    return self;
  return WindowExpr::make(e->name, std::move(idx), e->type, e->loc);
}

Block IRMutator::visitAssign(const Assign* s, const Stmt& self) {
  auto idx = mutateExprs(s->idx);
  Expr rhs = mutate(s->rhs);
  if (sameNodes(idx, s->idx) && rhs == s->rhs)
    return {self};
  auto rebuilt =
      std::make_shared<Assign>(s->kind, s->name, s->type, std::move(idx), std::move(rhs), s->loc);
  return {keepIdentity(std::move(rebuilt), *s)};
}

Block IRMutator::visitFor(const For* s, const Stmt& self) {
  Expr lo = mutate(s->lo), hi = mutate(s->hi);
  Block body = mutateBlock(s->body);
  if (lo == s->lo && hi == s->hi && sameNodes(body, s->body))
    return {self};
  return {keepIdentity(
      For::make(s->iter, std::move(lo), std::move(hi), std::move(body), s->mode, s->loc), *s)};
}

Block IRMutator::visitIf(const If* s, const Stmt& self) {
  Expr cond = mutate(s->cond);
  Block body = mutateBlock(s->body), orelse = mutateBlock(s->orelse);
  if (cond == s->cond && sameNodes(body, s->body) && sameNodes(orelse, s->orelse))
    return {self};
  return {keepIdentity(If::make(std::move(cond), std::move(body), std::move(orelse), s->loc), *s)};
}

Block IRMutator::visitAlloc(const Alloc* s, const Stmt& self) {
  auto shape = mutateExprs(s->shape);
  if (sameNodes(shape, s->shape))
    return {self};
  return {keepIdentity(Alloc::make(s->name, s->type, std::move(shape), s->mem, s->loc), *s)};
}

Block IRMutator::visitWindowBind(const WindowBind* s, const Stmt& self) {
  Expr rhs = mutate(s->rhs);
  if (rhs == s->rhs)
    return {self};
  return {keepIdentity(WindowBind::make(s->name, std::move(rhs), s->loc), *s)};
}

Block IRMutator::visitCall(const Call* s, const Stmt& self) {
  auto args = mutateExprs(s->args);
  if (sameNodes(args, s->args))
    return {self};
  return {keepIdentity(Call::make(s->callee, std::move(args), s->loc), *s)};
}

} // namespace schedc
