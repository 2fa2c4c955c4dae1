// Rewriting traversal of the IR (Halide's IRMutator). Each visit method
// returns the replacement node; the defaults rebuild a node only when one of
// its children changed, so untouched subtrees stay shared.
#pragma once

#include "ir/IR.h"

namespace schedc {

class IRMutator {
public:
  virtual ~IRMutator() = default;

  Expr mutate(const Expr& e);
  // A statement may become several (or none): the result is spliced into the
  // enclosing block.
  Block mutate(const Stmt& s);
  Block mutateBlock(const Block& b);
  std::vector<Expr> mutateExprs(const std::vector<Expr>& es);

protected:
  // The innermost statement being mutated (for messages about where a
  // problem is); null outside any statement.
  const Stmt& currentStmt() const { return currentStmt_; }

  virtual Expr visitConst(const Const* e, const Expr& self) { return self; }
  virtual Expr visitRead(const Read* e, const Expr& self);
  virtual Expr visitBinOp(const BinOp* e, const Expr& self);
  virtual Expr visitUnOp(const UnOp* e, const Expr& self);
  virtual Expr visitSelect(const Select* e, const Expr& self);
  virtual Expr visitWindow(const WindowExpr* e, const Expr& self);
  virtual Expr visitStride(const StrideExpr* e, const Expr& self) { return self; }

  virtual Block visitAssign(const Assign* s, const Stmt& self);
  virtual Block visitFor(const For* s, const Stmt& self);
  virtual Block visitIf(const If* s, const Stmt& self);
  virtual Block visitAlloc(const Alloc* s, const Stmt& self);
  virtual Block visitWindowBind(const WindowBind* s, const Stmt& self);
  virtual Block visitCall(const Call* s, const Stmt& self);
  virtual Block visitPass(const Pass* s, const Stmt& self) { return {self}; }

private:
  Block dispatch(const Stmt& s);
  Stmt currentStmt_;
};

// True if both vectors hold the very same nodes (pointer equality).
bool sameNodes(const std::vector<Expr>& a, const std::vector<Expr>& b);
bool sameNodes(const Block& a, const Block& b);

} // namespace schedc
