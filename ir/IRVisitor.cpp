#include "ir/IRVisitor.h"

namespace schedc {

void IRVisitor::visit(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Const:
    return visitConst(e->as<Const>());
  case ExprKind::Read:
    return visitRead(e->as<Read>());
  case ExprKind::BinOp:
    return visitBinOp(e->as<BinOp>());
  case ExprKind::UnOp:
    return visitUnOp(e->as<UnOp>());
  case ExprKind::Select:
    return visitSelect(e->as<Select>());
  case ExprKind::Window:
    return visitWindow(e->as<WindowExpr>());
  case ExprKind::Stride:
    return visitStride(e->as<StrideExpr>());
  }
}

void IRVisitor::visit(const Stmt& s) {
  switch (s->kind) {
  case StmtKind::Assign:
  case StmtKind::Reduce:
    return visitAssign(s->as<Assign>());
  case StmtKind::For:
    return visitFor(s->as<For>());
  case StmtKind::If:
    return visitIf(s->as<If>());
  case StmtKind::Alloc:
    return visitAlloc(s->as<Alloc>());
  case StmtKind::WindowBind:
    return visitWindowBind(s->as<WindowBind>());
  case StmtKind::Call:
    return visitCall(s->as<Call>());
  case StmtKind::Pass:
    return visitPass(s->as<Pass>());
  }
}

void IRVisitor::visitBlock(const Block& b) {
  for (const Stmt& s : b)
    visit(s);
}

void IRVisitor::visitProc(const Proc& p) {
  for (const FnArg& a : p.args)
    for (const Expr& e : a.shape)
      visit(e);
  for (const Expr& e : p.preds)
    visit(e);
  visitBlock(p.body);
}

void IRVisitor::visitRead(const Read* e) {
  for (const Expr& i : e->idx)
    visit(i);
}

void IRVisitor::visitBinOp(const BinOp* e) {
  visit(e->a);
  visit(e->b);
}

void IRVisitor::visitUnOp(const UnOp* e) {
  visit(e->a);
}

void IRVisitor::visitSelect(const Select* e) {
  visit(e->cond);
  visit(e->t);
  visit(e->f);
}

void IRVisitor::visitWindow(const WindowExpr* e) {
  for (const WindowIndex& w : e->idx) {
    visit(w.lo);
    if (w.hi)
      visit(w.hi);
  }
}

void IRVisitor::visitAssign(const Assign* s) {
  for (const Expr& i : s->idx)
    visit(i);
  visit(s->rhs);
}

void IRVisitor::visitFor(const For* s) {
  visit(s->lo);
  visit(s->hi);
  visitBlock(s->body);
}

void IRVisitor::visitIf(const If* s) {
  visit(s->cond);
  visitBlock(s->body);
  visitBlock(s->orelse);
}

void IRVisitor::visitAlloc(const Alloc* s) {
  for (const Expr& e : s->shape)
    visit(e);
}

void IRVisitor::visitWindowBind(const WindowBind* s) {
  visit(s->rhs);
}

void IRVisitor::visitCall(const Call* s) {
  for (const Expr& a : s->args)
    visit(a);
}

} // namespace schedc
