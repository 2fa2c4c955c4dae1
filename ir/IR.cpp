#include "ir/IR.h"

#include <atomic>

namespace schedc {

Sym Sym::fresh(const std::string& name) {
  static std::atomic<uint64_t> counter{0};
  Sym s;
  s.name_ = name;
  s.id_ = ++counter;
  return s;
}

uint64_t freshStmtId() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

Stmt keepIdentity(Stmt rebuilt, const StmtNode& original) {
  // Only a node nobody else holds yet may take an identity: a shared node
  // already stands for some statement of some proc.
  if (rebuilt.use_count() == 1)
    std::const_pointer_cast<StmtNode>(rebuilt)->id = original.id;
  return rebuilt;
}

const char* binOpSpelling(BinOpKind op) {
  switch (op) {
  case BinOpKind::Add:
    return "+";
  case BinOpKind::Sub:
    return "-";
  case BinOpKind::Mul:
    return "*";
  case BinOpKind::Div:
    return "/";
  case BinOpKind::Mod:
    return "%";
  case BinOpKind::Lt:
    return "<";
  case BinOpKind::Le:
    return "<=";
  case BinOpKind::Gt:
    return ">";
  case BinOpKind::Ge:
    return ">=";
  case BinOpKind::Eq:
    return "==";
  case BinOpKind::Ne:
    return "!=";
  case BinOpKind::And:
    return "and";
  case BinOpKind::Or:
    return "or";
  case BinOpKind::Min:
    return "min";
  case BinOpKind::Max:
    return "max";
  }
  return "?";
}

bool isComparison(BinOpKind op) {
  return op >= BinOpKind::Lt && op <= BinOpKind::Ne;
}
bool isLogical(BinOpKind op) {
  return op == BinOpKind::And || op == BinOpKind::Or;
}

Expr Const::makeInt(int64_t value, SrcLoc loc, ScalarType type) {
  return std::make_shared<Const>(type, value, static_cast<double>(value), std::move(loc));
}

Expr Const::makeFloat(double value, ScalarType type, SrcLoc loc) {
  return std::make_shared<Const>(type, static_cast<int64_t>(value), value, std::move(loc));
}

Expr Const::makeBool(bool value, SrcLoc loc) {
  return std::make_shared<Const>(ScalarType::Bool, value ? 1 : 0, value ? 1.0 : 0.0,
                                 std::move(loc));
}

Expr Read::make(Sym name, std::vector<Expr> idx, ScalarType type, SrcLoc loc) {
  return std::make_shared<Read>(std::move(name), std::move(idx), type, std::move(loc));
}

// The type of `a op b` when both sides are already type-checked: a literal
// integer adopts the other side's type, index-like types combine to Index.
static ScalarType joinTypes(ScalarType a, ScalarType b) {
  if (a == b)
    return a;
  if (a == ScalarType::Int)
    return b;
  if (b == ScalarType::Int)
    return a;
  if (isIndexLike(a) && isIndexLike(b))
    return ScalarType::Index;
  return isNumeric(a) ? a : b;
}

Expr BinOp::make(BinOpKind op, Expr a, Expr b, SrcLoc loc) {
  ScalarType type =
      isComparison(op) || isLogical(op) ? ScalarType::Bool : joinTypes(a->type, b->type);
  if (!loc.known())
    loc = a->loc;
  return std::make_shared<BinOp>(op, std::move(a), std::move(b), type, std::move(loc));
}

Expr UnOp::make(UnOpKind op, Expr a, SrcLoc loc) {
  ScalarType type = op == UnOpKind::Not ? ScalarType::Bool : a->type;
  return std::make_shared<UnOp>(op, std::move(a), type, std::move(loc));
}

Expr Select::make(Expr cond, Expr t, Expr f, SrcLoc loc) {
  ScalarType type = joinTypes(t->type, f->type);
  return std::make_shared<Select>(std::move(cond), std::move(t), std::move(f), type,
                                  std::move(loc));
}

Expr WindowExpr::make(Sym name, std::vector<WindowIndex> idx, ScalarType type, SrcLoc loc) {
  return std::make_shared<WindowExpr>(std::move(name), std::move(idx), type, std::move(loc));
}

Expr StrideExpr::make(Sym name, int dim, SrcLoc loc) {
  return std::make_shared<StrideExpr>(std::move(name), dim, std::move(loc));
}

Stmt Assign::make(Sym name, ScalarType type, std::vector<Expr> idx, Expr rhs, SrcLoc loc) {
  return std::make_shared<Assign>(StmtKind::Assign, std::move(name), type, std::move(idx),
                                  std::move(rhs), std::move(loc));
}

Stmt Assign::makeReduce(Sym name, ScalarType type, std::vector<Expr> idx, Expr rhs, SrcLoc loc) {
  return std::make_shared<Assign>(StmtKind::Reduce, std::move(name), type, std::move(idx),
                                  std::move(rhs), std::move(loc));
}

Stmt For::make(Sym iter, Expr lo, Expr hi, Block body, LoopMode mode, SrcLoc loc) {
  return std::make_shared<For>(std::move(iter), std::move(lo), std::move(hi), std::move(body), mode,
                               std::move(loc));
}

Stmt If::make(Expr cond, Block body, Block orelse, SrcLoc loc) {
  return std::make_shared<If>(std::move(cond), std::move(body), std::move(orelse), std::move(loc));
}

Stmt Alloc::make(Sym name, ScalarType type, std::vector<Expr> shape, std::string mem, SrcLoc loc) {
  return std::make_shared<Alloc>(std::move(name), type, std::move(shape), std::move(mem),
                                 std::move(loc));
}

Stmt WindowBind::make(Sym name, Expr rhs, SrcLoc loc) {
  return std::make_shared<WindowBind>(std::move(name), std::move(rhs), std::move(loc));
}

Stmt Call::make(std::shared_ptr<const Proc> callee, std::vector<Expr> args, SrcLoc loc) {
  return std::make_shared<Call>(std::move(callee), std::move(args), std::move(loc));
}

Stmt Pass::make(SrcLoc loc) {
  return std::make_shared<Pass>(std::move(loc));
}

const FnArg* Proc::findArg(const Sym& s) const {
  for (const FnArg& a : args)
    if (a.name == s)
      return &a;
  return nullptr;
}

} // namespace schedc
