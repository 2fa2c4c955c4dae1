#include "ir/Printer.h"

#include <charconv>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

namespace schedc {

namespace {

// Binding strength, loosest first; Python's order, which the grammar follows.
enum Precedence {
  kOr = 1,
  kAnd,
  kNot,
  kComparison,
  kSum,     // + -
  kProduct, // * / %
  kUnary,   // -x, and negative literals
  kAtom,
};

constexpr const char* kIndentUnit = "    ";

bool isNegativeLiteral(const Const* c) {
  return isFloat(c->type) ? std::signbit(c->floatValue)
                          : c->type != ScalarType::Bool && c->intValue < 0;
}

Precedence precedenceOf(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Const:
    return isNegativeLiteral(e->as<Const>()) ? kUnary : kAtom;
  case ExprKind::UnOp:
    return e->as<UnOp>()->op == UnOpKind::Not ? kNot : kUnary;
  case ExprKind::BinOp:
    switch (e->as<BinOp>()->op) {
    case BinOpKind::Or:
      return kOr;
    case BinOpKind::And:
      return kAnd;
    case BinOpKind::Add:
    case BinOpKind::Sub:
      return kSum;
    case BinOpKind::Mul:
    case BinOpKind::Div:
    case BinOpKind::Mod:
      return kProduct;
    case BinOpKind::Min:
    case BinOpKind::Max:
      return kAtom; // printed as calls
    default:
      return kComparison;
    }
  default:
    return kAtom;
  }
}

// The printed names of the binders in scope, innermost last.
class NameScopes {
public:
  explicit NameScopes(std::set<std::string> reserved) : reserved_(std::move(reserved)) {}

  size_t depth() const { return bindings_.size(); }
  void popTo(size_t depth) { bindings_.resize(depth); }

  // Binds `sym` under its own name if no binder in scope uses that name yet,
  // else under the first free `name_K`.
  std::string bind(const Sym& sym) {
    std::string printed = sym.name();
    for (int suffix = 1; taken(printed); ++suffix)
      printed = sym.name() + "_" + std::to_string(suffix);
    bindings_.push_back({sym, std::move(printed)});
    return bindings_.back().printed;
  }

  // The printed name of the innermost binding of `sym`; a Sym without one
  // keeps its plain name and is remembered in `unbound`.
  std::string nameOf(const Sym& sym) {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it)
      if (it->sym == sym)
        return it->printed;
    unbound_.insert(sym.name());
    return sym.name();
  }

  const std::set<std::string>& unbound() const { return unbound_; }

private:
  struct Binding {
    Sym sym;
    std::string printed;
  };

  bool taken(const std::string& name) const {
    if (reserved_.count(name))
      return true;
    for (const Binding& b : bindings_)
      if (b.printed == name)
        return true;
    return false;
  }

  std::vector<Binding> bindings_;
  std::set<std::string> reserved_; // names of Syms used but bound outside the fragment
  std::set<std::string> unbound_;  // names of Syms met without a binding
};

class SourcePrinter {
public:
  explicit SourcePrinter(std::set<std::string> reservedNames) : names_(std::move(reservedNames)) {}

  const std::string& text() const { return out_; }
  const std::set<std::string>& unboundNames() const { return names_.unbound(); }

  std::string expr(const Expr& e) {
    switch (e->kind) {
    case ExprKind::Const:
      return literal(e->as<Const>());
    case ExprKind::Read: {
      const Read* r = e->as<Read>();
      std::string s = names_.nameOf(r->name);
      if (!r->idx.empty())
        s += "[" + exprList(r->idx) + "]";
      return s;
    }
    case ExprKind::BinOp:
      return binOp(e, e->as<BinOp>());
    case ExprKind::UnOp: {
      const UnOp* u = e->as<UnOp>();
      if (u->op == UnOpKind::Not)
        return "not " + operand(u->a, kNot);
      // Parenthesizing everything but atoms also avoids `--x`.
      return "-" + operand(u->a, kAtom);
    }
    case ExprKind::Select: {
      const Select* s = e->as<Select>();
      return "select(" + expr(s->cond) + ", " + expr(s->t) + ", " + expr(s->f) + ")";
    }
    case ExprKind::Window: {
      const WindowExpr* w = e->as<WindowExpr>();
      std::string s = names_.nameOf(w->name);
      if (w->idx.empty())
        return s;
      s += "[";
      for (size_t i = 0; i < w->idx.size(); ++i) {
        if (i > 0)
          s += ", ";
        s += expr(w->idx[i].lo);
        if (w->idx[i].isInterval())
          s += ":" + expr(w->idx[i].hi);
      }
      return s + "]";
    }
    case ExprKind::Stride: {
      const StrideExpr* s = e->as<StrideExpr>();
      return "stride(" + names_.nameOf(s->name) + ", " + std::to_string(s->dim) + ")";
    }
    }
    return "<?>";
  }

  void stmt(const Stmt& s, int indent) {
    switch (s->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const Assign* a = s->as<Assign>();
      std::string target = names_.nameOf(a->name);
      if (!a->idx.empty())
        target += "[" + exprList(a->idx) + "]";
      line(indent, target + (a->isReduce() ? " += " : " = ") + expr(a->rhs));
      return;
    }
    case StmtKind::For: {
      const For* f = s->as<For>();
      // The bounds are evaluated outside the loop, before the iterator exists.
      std::string range = std::string(f->mode == LoopMode::Par ? "par(" : "seq(") + expr(f->lo) +
                          ", " + expr(f->hi) + ")";
      size_t outer = names_.depth();
      line(indent, "for " + names_.bind(f->iter) + " in " + range + ":");
      block(f->body, indent + 1);
      names_.popTo(outer);
      return;
    }
    case StmtKind::If:
      ifChain(s->as<If>(), indent, "if ");
      return;
    case StmtKind::Alloc: {
      const Alloc* a = s->as<Alloc>();
      std::string type = typeName(a->type);
      if (!a->shape.empty())
        type += "[" + exprList(a->shape) + "]";
      // In scope until the end of the enclosing block, which restores the scopes.
      line(indent, names_.bind(a->name) + ": " + type + " @ " + a->mem);
      return;
    }
    case StmtKind::WindowBind: {
      const WindowBind* w = s->as<WindowBind>();
      std::string rhs = expr(w->rhs);
      line(indent, names_.bind(w->name) + " = " + rhs);
      return;
    }
    case StmtKind::Call: {
      const Call* c = s->as<Call>();
      line(indent, (c->callee ? c->callee->name : std::string("<no callee>")) + "(" +
                       exprList(c->args) + ")");
      return;
    }
    case StmtKind::Pass:
      line(indent, "pass");
      return;
    }
  }

  void block(const Block& b, int indent) {
    if (b.empty()) {
      line(indent, "pass");
      return;
    }
    size_t outer = names_.depth();
    for (const Stmt& s : b)
      stmt(s, indent);
    names_.popTo(outer);
  }

  void proc(const Proc& p) {
    size_t outer = names_.depth();
    std::string header = p.isInstr() ? "instr " : p.isPrivate ? "private proc " : "proc ";
    header += p.name + "(";
    for (size_t i = 0; i < p.args.size(); ++i) {
      if (i > 0)
        header += ", ";
      // Shapes may use earlier arguments only, so bind after printing the type.
      std::string type = argType(p.args[i]);
      header += names_.bind(p.args[i].name) + ": " + type;
    }
    line(0, header + "):");
    if (p.instr) {
      line(1, "c: " + printStringLiteral(p.instr->c));
      if (!p.instr->asm_.empty())
        line(1, "asm: " + printStringLiteral(p.instr->asm_));
      if (!p.instr->global.empty())
        line(1, "global: " + printStringLiteral(p.instr->global));
    }
    for (const Expr& pred : p.preds)
      line(1, "assert " + expr(pred));
    block(p.body, 1);
    names_.popTo(outer);
  }

  std::string arg(const FnArg& a) { return names_.nameOf(a.name) + ": " + argType(a); }

private:
  void line(int indent, const std::string& content) {
    for (int i = 0; i < indent; ++i)
      out_ += kIndentUnit;
    out_ += content;
    out_ += '\n';
  }

  // `if` and its `elif`s: an else-block holding exactly one `if` is what the
  // parser makes of `elif`, so printing it that way reads back the same.
  void ifChain(const If* s, int indent, const char* keyword) {
    line(indent, keyword + expr(s->cond) + ":");
    block(s->body, indent + 1);
    if (s->orelse.empty())
      return;
    if (s->orelse.size() == 1 && s->orelse[0]->kind == StmtKind::If) {
      ifChain(s->orelse[0]->as<If>(), indent, "elif ");
      return;
    }
    line(indent, "else:");
    block(s->orelse, indent + 1);
  }

  std::string argType(const FnArg& arg) {
    if (!arg.isData())
      return typeName(arg.type);
    std::string shape = arg.shape.empty() ? "" : "[" + exprList(arg.shape) + "]";
    std::string type =
        arg.isWindow ? "[" + typeName(arg.type) + "]" + shape : typeName(arg.type) + shape;
    return type + " @ " + arg.mem;
  }

  std::string exprList(const std::vector<Expr>& es) {
    std::string s;
    for (size_t i = 0; i < es.size(); ++i) {
      if (i > 0)
        s += ", ";
      s += expr(es[i]);
    }
    return s;
  }

  // `e`, parenthesized if it binds more loosely than `weakestAllowed`.
  std::string operand(const Expr& e, Precedence weakestAllowed) {
    std::string s = expr(e);
    return precedenceOf(e) < weakestAllowed ? "(" + s + ")" : s;
  }

  std::string binOp(const Expr& e, const BinOp* b) {
    if (b->op == BinOpKind::Min || b->op == BinOpKind::Max)
      return std::string(binOpSpelling(b->op)) + "(" + expr(b->a) + ", " + expr(b->b) + ")";
    Precedence own = precedenceOf(e);
    // Left-associative: an equal-precedence right operand keeps its
    // parentheses so that `a - (b - c)` (and the tree shape of `a + (b + c)`)
    // survives. Comparisons chain in Python (`a < b < c` is not `(a < b) < c`),
    // so a comparison operand is always parenthesized.
    Precedence leftAllowed = own == kComparison ? kSum : own;
    Precedence rightAllowed = static_cast<Precedence>(own + 1);
    return operand(b->a, leftAllowed) + " " + binOpSpelling(b->op) + " " +
           operand(b->b, rightAllowed);
  }

  std::string literal(const Const* c) {
    if (c->type == ScalarType::Bool)
      return c->intValue != 0 ? "True" : "False";
    if (isFloat(c->type))
      return printFloatLiteral(c->floatValue);
    return std::to_string(c->intValue);
  }

  NameScopes names_;
  std::string out_;
};

// Prints with `run`, a second time if the fragment uses Syms it does not bind:
// then the binders inside it must steer clear of those names.
template <typename Run> std::string printAvoidingUnbound(Run run) {
  SourcePrinter first({});
  run(first);
  if (first.unboundNames().empty())
    return first.text();
  SourcePrinter second(first.unboundNames());
  run(second);
  return second.text();
}

} // namespace

std::string printFloatLiteral(double value) {
  if (std::isnan(value))
    return "nan"; // no source spelling; only reachable from a broken pass
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  char buffer[64];
  // Shortest spelling that reads back as the same double.
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string s(buffer, ec == std::errc() ? end : buffer);
  // Keep a `.` so that it reads back as a float, not an integer.
  if (s.find('.') == std::string::npos) {
    size_t exponent = s.find('e');
    if (exponent == std::string::npos)
      s += ".0";
    else
      s.insert(exponent, ".0");
  }
  return s;
}

std::string printStringLiteral(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    switch (c) {
    case '\'':
      out += "\\'";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\0':
      out += "\\0";
      break;
    default:
      out += c;
    }
  }
  return out + "'";
}

std::string printExpr(const Expr& e) {
  SourcePrinter printer({});
  return printer.expr(e);
}

std::string printArg(const FnArg& arg) {
  SourcePrinter printer({});
  return printer.arg(arg);
}

std::string printStmt(const Stmt& s, int indent) {
  return printAvoidingUnbound([&](SourcePrinter& p) { p.stmt(s, indent); });
}

std::string printBlock(const Block& b, int indent) {
  return printAvoidingUnbound([&](SourcePrinter& p) { p.block(b, indent); });
}

std::string printProc(const Proc& p) {
  return printAvoidingUnbound([&](SourcePrinter& printer) { printer.proc(p); });
}

} // namespace schedc
