#include "ir/Equality.h"

#include "ir/Printer.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace schedc {

bool SymMap::corresponds(const Sym& left, const Sym& right) const {
  // The innermost pairing of either side decides; both must agree, so that
  // two left binders can never map to one right binder.
  const Sym* leftPartner = nullptr;
  const Sym* rightPartner = nullptr;
  for (auto it = pairs_.rbegin(); it != pairs_.rend() && !(leftPartner && rightPartner); ++it) {
    if (!leftPartner && it->first == left)
      leftPartner = &it->second;
    if (!rightPartner && it->second == right)
      rightPartner = &it->first;
  }
  if (!leftPartner && !rightPartner)
    return left == right; // free on both sides
  return leftPartner && rightPartner && *leftPartner == right && *rightPartner == left;
}

namespace {

// A literal, possibly written as a negation of one: the parser folds `-3`
// into a literal, while rewrites may build `-(3)`; both mean the same number.
struct LiteralValue {
  enum class Kind { Integer, Float, Bool } kind;
  int64_t integer = 0;
  double real = 0;
};

std::optional<LiteralValue> literalValue(const Expr& e) {
  if (const Const* c = e->as<Const>()) {
    if (c->type == ScalarType::Bool)
      return LiteralValue{LiteralValue::Kind::Bool, c->intValue, 0};
    if (isFloat(c->type))
      return LiteralValue{LiteralValue::Kind::Float, 0, c->floatValue};
    return LiteralValue{LiteralValue::Kind::Integer, c->intValue, 0};
  }
  const UnOp* u = e->as<UnOp>();
  if (!u || u->op != UnOpKind::Neg)
    return std::nullopt;
  std::optional<LiteralValue> v = literalValue(u->a);
  if (!v || v->kind == LiteralValue::Kind::Bool)
    return std::nullopt;
  // Wrapping negation: INT64_MIN must not be undefined behaviour here.
  v->integer = static_cast<int64_t>(0 - static_cast<uint64_t>(v->integer));
  v->real = -v->real;
  return v;
}

bool sameLiteral(const LiteralValue& a, const LiteralValue& b) {
  if (a.kind != b.kind)
    return false;
  if (a.kind != LiteralValue::Kind::Float)
    return a.integer == b.integer;
  if (std::isnan(a.real) || std::isnan(b.real))
    return std::isnan(a.real) && std::isnan(b.real);
  // 0.0 and -0.0 print differently, so they are different literals.
  return a.real == b.real && std::signbit(a.real) == std::signbit(b.real);
}

bool exprListsEqual(const std::vector<Expr>& a, const std::vector<Expr>& b, const SymMap& m) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!exprsEqual(a[i], b[i], m))
      return false;
  return true;
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string joinExprs(const std::vector<Expr>& es) {
  std::string s;
  for (size_t i = 0; i < es.size(); ++i)
    s += (i > 0 ? ", " : "") + printExpr(es[i]);
  return s;
}

// Walks two trees in step, pairing binders in `map_`, and stops at the first
// difference (described in `*whyNot_` when asked for).
class StructuralComparer {
public:
  StructuralComparer(SymMap map, std::string* whyNot) : map_(std::move(map)), whyNot_(whyNot) {}

  bool blocks(const Block& a, const Block& b, const std::string& where) {
    std::vector<size_t> left = statementsOf(a), right = statementsOf(b);
    size_t outer = map_.depth(); // allocations and window binds end with the block
    for (size_t k = 0; k < left.size() && k < right.size(); ++k)
      if (!stmts(a[left[k]], b[right[k]], where + "[" + std::to_string(left[k]) + "]"))
        return false;
    if (left.size() != right.size()) {
      size_t k = std::min(left.size(), right.size());
      return differ(where + "[" + std::to_string(k < left.size() ? left[k] : a.size()) + "]",
                    "number of statements",
                    k < left.size() ? firstLine(printStmt(a[left[k]])) : "(end of block)",
                    k < right.size() ? firstLine(printStmt(b[right[k]])) : "(end of block)");
    }
    map_.popTo(outer);
    return true;
  }

  bool stmts(const Stmt& a, const Stmt& b, const std::string& where) {
    if (a->kind != b->kind)
      return differ(where, "statement", firstLine(printStmt(a)), firstLine(printStmt(b)));
    switch (a->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const Assign* x = a->as<Assign>();
      const Assign* y = b->as<Assign>();
      if (!map_.corresponds(x->name, y->name))
        return differ(where, "assigned buffer", x->name.name(), y->name.name());
      if (x->type != y->type)
        return differ(where, "element type", typeName(x->type), typeName(y->type));
      return sameExprs(x->idx, y->idx, where, "indices") &&
             sameExpr(x->rhs, y->rhs, where, "right-hand side");
    }
    case StmtKind::For: {
      const For* x = a->as<For>();
      const For* y = b->as<For>();
      if (x->mode != y->mode)
        return differ(where, "loop kind", firstLine(printStmt(a)), firstLine(printStmt(b)));
      if (!sameExpr(x->lo, y->lo, where, "loop lower bound") ||
          !sameExpr(x->hi, y->hi, where, "loop upper bound"))
        return false;
      size_t outer = map_.depth();
      map_.bind(x->iter, y->iter);
      bool same = blocks(x->body, y->body, where + ".body");
      map_.popTo(outer);
      return same;
    }
    case StmtKind::If: {
      const If* x = a->as<If>();
      const If* y = b->as<If>();
      return sameExpr(x->cond, y->cond, where, "condition") &&
             blocks(x->body, y->body, where + ".body") &&
             blocks(x->orelse, y->orelse, where + ".orelse");
    }
    case StmtKind::Alloc: {
      const Alloc* x = a->as<Alloc>();
      const Alloc* y = b->as<Alloc>();
      if (x->type != y->type)
        return differ(where, "allocated type", typeName(x->type), typeName(y->type));
      if (!sameExprs(x->shape, y->shape, where, "allocation shape"))
        return false;
      if (x->mem != y->mem)
        return differ(where, "memory", x->mem, y->mem);
      map_.bind(x->name, y->name); // popped by the enclosing block
      return true;
    }
    case StmtKind::WindowBind: {
      const WindowBind* x = a->as<WindowBind>();
      const WindowBind* y = b->as<WindowBind>();
      if (!sameExpr(x->rhs, y->rhs, where, "window"))
        return false;
      map_.bind(x->name, y->name);
      return true;
    }
    case StmtKind::Call: {
      const Call* x = a->as<Call>();
      const Call* y = b->as<Call>();
      std::string xCallee = x->callee ? x->callee->name : "";
      std::string yCallee = y->callee ? y->callee->name : "";
      if (xCallee != yCallee)
        return differ(where, "callee", xCallee, yCallee);
      return sameExprs(x->args, y->args, where, "call arguments");
    }
    case StmtKind::Pass:
      return true;
    }
    return true;
  }

  bool procs(const Proc& a, const Proc& b) {
    std::string where = "proc " + a.name;
    if (a.name != b.name)
      return differ(where, "proc name", a.name, b.name);
    if (a.isInstr() != b.isInstr())
      return differ(where, "definition kind", a.isInstr() ? "instr" : "proc",
                    b.isInstr() ? "instr" : "proc");
    if (a.isPrivate != b.isPrivate)
      return differ(where, "privacy", a.isPrivate ? "private" : "public",
                    b.isPrivate ? "private" : "public");
    if (a.instr) {
      if (a.instr->c != b.instr->c)
        return differ(where, "c template", printStringLiteral(a.instr->c),
                      printStringLiteral(b.instr->c));
      if (a.instr->asm_ != b.instr->asm_)
        return differ(where, "asm template", printStringLiteral(a.instr->asm_),
                      printStringLiteral(b.instr->asm_));
      if (a.instr->global != b.instr->global)
        return differ(where, "global code", printStringLiteral(a.instr->global),
                      printStringLiteral(b.instr->global));
    }
    size_t outer = map_.depth();
    for (size_t i = 0; i < a.args.size() && i < b.args.size(); ++i) {
      const FnArg& x = a.args[i];
      const FnArg& y = b.args[i];
      std::string argWhere = where + ", args[" + std::to_string(i) + "]";
      bool sameDeclaration = x.name.name() == y.name.name() && x.type == y.type &&
                             x.isWindow == y.isWindow && x.mem == y.mem &&
                             exprListsEqual(x.shape, y.shape, map_);
      if (!sameDeclaration)
        return differ(argWhere, "argument", printArg(x), printArg(y));
      map_.bind(x.name, y.name);
    }
    if (a.args.size() != b.args.size())
      return differ(where, "number of arguments", std::to_string(a.args.size()),
                    std::to_string(b.args.size()));
    if (a.preds.size() != b.preds.size())
      return differ(where, "number of asserts", std::to_string(a.preds.size()),
                    std::to_string(b.preds.size()));
    for (size_t i = 0; i < a.preds.size(); ++i)
      if (!sameExpr(a.preds[i], b.preds[i], where + ", preds[" + std::to_string(i) + "]", "assert"))
        return false;
    bool same = blocks(a.body, b.body, where + ", body");
    map_.popTo(outer);
    return same;
  }

private:
  // Each non-`pass` statement's position in `b`.
  static std::vector<size_t> statementsOf(const Block& b) {
    std::vector<size_t> positions;
    for (size_t i = 0; i < b.size(); ++i)
      if (b[i]->kind != StmtKind::Pass)
        positions.push_back(i);
    return positions;
  }

  bool sameExpr(const Expr& a, const Expr& b, const std::string& where, const char* what) {
    if (exprsEqual(a, b, map_))
      return true;
    return differ(where, what, whyNot_ ? printExpr(a) : "", whyNot_ ? printExpr(b) : "");
  }

  bool sameExprs(const std::vector<Expr>& a, const std::vector<Expr>& b, const std::string& where,
                 const char* what) {
    if (exprListsEqual(a, b, map_))
      return true;
    return differ(where, what, whyNot_ ? joinExprs(a) : "", whyNot_ ? joinExprs(b) : "");
  }

  bool differ(const std::string& where, const std::string& what, const std::string& left,
              const std::string& right) {
    if (whyNot_)
      *whyNot_ = where + ": " + what + " differs\n  left:  " + left + "\n  right: " + right;
    return false;
  }

  SymMap map_;
  std::string* whyNot_;
};

} // namespace

bool exprsEqual(const Expr& a, const Expr& b, const SymMap& m) {
  std::optional<LiteralValue> leftLiteral = literalValue(a);
  std::optional<LiteralValue> rightLiteral = literalValue(b);
  if (leftLiteral || rightLiteral)
    return leftLiteral && rightLiteral && sameLiteral(*leftLiteral, *rightLiteral);
  if (a->kind != b->kind)
    return false;
  // The types of operators and selects follow from their operands, which are
  // compared; reads and windows carry their buffer's type.
  switch (a->kind) {
  case ExprKind::Const:
    return false; // handled above
  case ExprKind::Read: {
    const Read* x = a->as<Read>();
    const Read* y = b->as<Read>();
    return x->type == y->type && m.corresponds(x->name, y->name) &&
           exprListsEqual(x->idx, y->idx, m);
  }
  case ExprKind::BinOp: {
    const BinOp* x = a->as<BinOp>();
    const BinOp* y = b->as<BinOp>();
    return x->op == y->op && exprsEqual(x->a, y->a, m) && exprsEqual(x->b, y->b, m);
  }
  case ExprKind::UnOp: {
    const UnOp* x = a->as<UnOp>();
    const UnOp* y = b->as<UnOp>();
    return x->op == y->op && exprsEqual(x->a, y->a, m);
  }
  case ExprKind::Select: {
    const Select* x = a->as<Select>();
    const Select* y = b->as<Select>();
    return exprsEqual(x->cond, y->cond, m) && exprsEqual(x->t, y->t, m) &&
           exprsEqual(x->f, y->f, m);
  }
  case ExprKind::Window: {
    const WindowExpr* x = a->as<WindowExpr>();
    const WindowExpr* y = b->as<WindowExpr>();
    if (x->type != y->type || !m.corresponds(x->name, y->name) || x->idx.size() != y->idx.size())
      return false;
    for (size_t i = 0; i < x->idx.size(); ++i) {
      const WindowIndex& p = x->idx[i];
      const WindowIndex& q = y->idx[i];
      if (p.isInterval() != q.isInterval() || !exprsEqual(p.lo, q.lo, m) ||
          (p.isInterval() && !exprsEqual(p.hi, q.hi, m)))
        return false;
    }
    return true;
  }
  case ExprKind::Stride: {
    const StrideExpr* x = a->as<StrideExpr>();
    const StrideExpr* y = b->as<StrideExpr>();
    return x->dim == y->dim && m.corresponds(x->name, y->name);
  }
  }
  return false;
}

bool blocksEqual(const Block& a, const Block& b, const SymMap& m, std::string* whyNot) {
  return StructuralComparer(m, whyNot).blocks(a, b, "block");
}

bool procsEqual(const Proc& a, const Proc& b, std::string* whyNot) {
  return StructuralComparer({}, whyNot).procs(a, b);
}

} // namespace schedc
