// Read-only traversal of the IR (Halide's IRVisitor). Override the visit
// methods of the nodes you care about and call the base version to recurse.
#pragma once

#include "ir/IR.h"

namespace schedc {

class IRVisitor {
public:
  virtual ~IRVisitor() = default;

  void visit(const Expr& e);
  void visit(const Stmt& s);
  void visitBlock(const Block& b);
  void visitProc(const Proc& p); // args' shapes, preds, body

protected:
  virtual void visitConst(const Const*) {}
  virtual void visitRead(const Read* e);
  virtual void visitBinOp(const BinOp* e);
  virtual void visitUnOp(const UnOp* e);
  virtual void visitSelect(const Select* e);
  virtual void visitWindow(const WindowExpr* e);
  virtual void visitStride(const StrideExpr*) {}

  virtual void visitAssign(const Assign* s); // Assign and Reduce
  virtual void visitFor(const For* s);
  virtual void visitIf(const If* s);
  virtual void visitAlloc(const Alloc* s);
  virtual void visitWindowBind(const WindowBind* s);
  virtual void visitCall(const Call* s);
  virtual void visitPass(const Pass*) {}
};

} // namespace schedc
