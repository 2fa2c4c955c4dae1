#include "passes/primitives/ExprContext.h"
#include "passes/primitives/LoopContext.h"

#include "frontend/Parser.h"
#include "ir/IRVisitor.h"
#include "passes/ScheduleValue.h"
#include "passes/Simplify.h"

#include <cmath>
#include <map>

namespace schedc::sched {

// ------------------------------------------------------------ facts

void assumeStmtContext(Solver& solver, const Proc& proc, const Path& path) {
  // A statement sees what the block it stands in sees.
  assumeContext(solver, proc, blockOf(path));
}

bool provablyEqualAt(Solver& solver, const Proc& proc, const Path& path, const Expr& a,
                     const Expr& b) {
  if (!Solver::isTranslatable(a) || !Solver::isTranslatable(b))
    return false;
  if ((a->type == ScalarType::Bool) != (b->type == ScalarType::Bool))
    return false;
  StmtContext context(solver, proc, path);
  return solver.prove(solver.toZ3(a) == solver.toZ3(b));
}

Expr simplifyAt(Solver& solver, const Proc& proc, const Path& path, const Expr& e) {
  StmtContext context(solver, proc, path);
  SimplifyContext simplify;
  simplify.solver = &solver;
  return simplifyExpr(e, simplify);
}

// ------------------------------------------------------------ scope

namespace {

Binder bufferBinder(const Sym& sym, ScalarType type, std::vector<Expr> shape,
                    const std::string& mem) {
  Binder b;
  b.sym = sym;
  b.type = type;
  b.isBuffer = true;
  b.shape = std::move(shape);
  b.mem = mem;
  return b;
}

// The binders a statement of a block adds for the statements after it.
void addBlockBinder(const Stmt& s, std::vector<Binder>& out) {
  if (const Alloc* alloc = s->as<Alloc>()) {
    out.push_back(bufferBinder(alloc->name, alloc->type, alloc->shape, alloc->mem));
  } else if (const WindowBind* bind = s->as<WindowBind>()) {
    const WindowExpr* w = bind->rhs->as<WindowExpr>();
    std::vector<Expr> shape;
    if (w)
      for (const WindowIndex& i : w->idx)
        if (i.isInterval())
          shape.push_back(BinOp::make(BinOpKind::Sub, i.hi, i.lo));
    out.push_back(bufferBinder(bind->name, bind->rhs->type, std::move(shape), "DRAM"));
  }
}

} // namespace

std::vector<Binder> bindersAt(const Proc& proc, const Path& path) {
  std::vector<Binder> out;
  for (const FnArg& arg : proc.args) {
    if (arg.isData()) {
      out.push_back(bufferBinder(arg.name, arg.type, arg.shape, arg.mem));
    } else {
      Binder b;
      b.sym = arg.name;
      b.type = arg.type;
      out.push_back(b);
    }
  }
  const Block* block = &proc.body;
  for (size_t depth = 0; depth < path.size(); ++depth) {
    size_t index = path[depth].index;
    for (size_t i = 0; i < index && i < block->size(); ++i)
      addBlockBinder((*block)[i], out);
    if (depth + 1 == path.size() || index >= block->size())
      break;
    const Stmt& ancestor = (*block)[index];
    Branch next = path[depth + 1].branch;
    if (const For* loop = ancestor->as<For>()) {
      Binder b;
      b.sym = loop->iter;
      b.type = ScalarType::Index;
      out.push_back(b);
      block = &loop->body;
    } else if (const If* branch = ancestor->as<If>()) {
      block = next == Branch::Body ? &branch->body : &branch->orelse;
    } else {
      break;
    }
  }
  return out;
}

namespace {

using SExpr = syntax::Expr;
using SK = syntax::ExprKind;

// Lowers schedule-written expression text with the proc language's typing
// rules (as frontend/ProcLowering.cpp does for a proc's own expressions),
// resolving names against the binders where the statement stands.
class ScopedLowering {
public:
  ScopedLowering(const Module& module, std::vector<Binder> binders, std::string directive)
      : module_(module), binders_(std::move(binders)), directive_(std::move(directive)) {}

  Expr lower(const SExpr& e, ScalarType hint, bool data) {
    Expr v = lowerExpr(e, data, hint);
    if (isNumeric(hint) && !isNumeric(v->type) && v->type != ScalarType::Int)
      fail(e.loc, "expected a " + typeName(hint) + " value, got a " + typeWord(v->type) + " one");
    if (isNumeric(hint) && v->type == ScalarType::Int)
      if (const Const* c = v->as<Const>())
        return Const::makeInt(c->intValue, c->loc, hint);
    return v;
  }

private:
  [[noreturn]] void fail(const SrcLoc& loc, const std::string& message) const {
    throw DirectiveRefused(loc, directive_ + ": " + message);
  }

  const Binder* lookup(const std::string& name) const {
    for (auto it = binders_.rbegin(); it != binders_.rend(); ++it)
      if (it->sym.name() == name)
        return &*it;
    return nullptr;
  }

  Expr lowerExpr(const SExpr& e, bool data, ScalarType hint) {
    switch (e.kind) {
    case SK::Int:
      if (data && isNumeric(hint))
        return Const::makeInt(e.intValue, e.loc, hint);
      return Const::makeInt(e.intValue, e.loc);
    case SK::Float: {
      if (!data)
        fail(e.loc, "a float literal cannot be an index");
      ScalarType t = isNumeric(hint) ? hint : ScalarType::F32;
      if (!isFloat(t)) {
        if (e.floatValue != std::floor(e.floatValue))
          fail(e.loc, "float literal " + e.text + " in a " + typeName(t) + " expression");
        return Const::makeInt(static_cast<int64_t>(e.floatValue), e.loc, t);
      }
      return Const::makeFloat(e.floatValue, t, e.loc);
    }
    case SK::Bool:
      return Const::makeBool(e.intValue != 0, e.loc);
    case SK::Name:
      return lowerName(e, data);
    case SK::Subscript:
      return lowerSubscript(e, data);
    case SK::UnOp: {
      if (e.text == "not") {
        Expr a = lowerExpr(*e.args[0], false, ScalarType::Bool);
        if (a->type != ScalarType::Bool)
          fail(e.loc, "'not' needs a condition");
        return UnOp::make(UnOpKind::Not, a, e.loc);
      }
      Expr a = lowerExpr(*e.args[0], data, hint);
      if (e.text == "+")
        return a;
      if (a->type == ScalarType::Bool)
        fail(e.loc, "cannot negate a condition");
      return UnOp::make(UnOpKind::Neg, a, e.loc);
    }
    case SK::BinOp:
      return lowerBinOp(e, data, hint);
    case SK::Compare:
      return lowerCompare(e, data);
    case SK::Call:
      return lowerCall(e, data, hint);
    default:
      fail(e.loc, "this is not an expression of a proc");
    }
  }

  Expr lowerName(const SExpr& e, bool data) {
    const Binder* b = lookup(e.text);
    if (!b) {
      if (auto c = module_.consts.find(e.text); c != module_.consts.end())
        return Const::makeInt(c->second, e.loc);
      fail(e.loc, "unknown name '" + e.text + "' (not in scope at the statement)");
    }
    if (!b->isBuffer)
      return Read::make(b->sym, {}, b->type, e.loc);
    if (!b->shape.empty())
      fail(e.loc, "'" + e.text + "' is a tensor; index it (" + e.text + "[...])");
    if (!data)
      fail(e.loc, "'" + e.text + "' is data (" + typeName(b->type) + "), not an index");
    return Read::make(b->sym, {}, b->type, e.loc);
  }

  Expr lowerSubscript(const SExpr& e, bool data) {
    if (e.base->kind != SK::Name)
      fail(e.loc, "only named buffers can be indexed");
    const Binder* b = lookup(e.base->text);
    if (!b)
      fail(e.base->loc, "unknown name '" + e.base->text + "' (not in scope at the statement)");
    if (!b->isBuffer)
      fail(e.loc, "'" + e.base->text + "' is not a buffer");
    if (!data)
      fail(e.loc, "an index cannot read data ('" + e.base->text + "')");
    if (e.args.size() != b->shape.size())
      fail(e.loc, "'" + e.base->text + "' has " + std::to_string(b->shape.size()) +
                      " dimension(s), not " + std::to_string(e.args.size()));
    std::vector<Expr> idx;
    for (const syntax::ExprPtr& a : e.args) {
      if (a->kind == SK::Slice)
        fail(a->loc, "a window is not a value here");
      Expr i = lowerExpr(*a, false, ScalarType::Index);
      if (!isIndexLike(i->type))
        fail(a->loc, "an index must be an integer index expression");
      idx.push_back(i);
    }
    return Read::make(b->sym, std::move(idx), b->type, e.loc);
  }

  ScalarType joinData(const Expr& a, const Expr& b, const SrcLoc& loc) {
    ScalarType ta = a->type, tb = b->type;
    if (ta == ScalarType::Int)
      return tb;
    if (tb == ScalarType::Int || ta == tb)
      return ta;
    if (isFloat(ta) != isFloat(tb) || !isNumeric(ta) || !isNumeric(tb))
      fail(loc, "type mismatch: " + typeWord(ta) + " and " + typeWord(tb));
    return byteWidth(ta) >= byteWidth(tb) ? ta : tb;
  }

  Expr lowerBinOp(const SExpr& e, bool data, ScalarType hint) {
    const std::string& op = e.text;
    if (op == "and" || op == "or") {
      Expr a = lowerExpr(*e.args[0], false, ScalarType::Bool);
      Expr b = lowerExpr(*e.args[1], false, ScalarType::Bool);
      if (a->type != ScalarType::Bool || b->type != ScalarType::Bool)
        fail(e.loc, "'" + op + "' needs conditions on both sides");
      return BinOp::make(op == "and" ? BinOpKind::And : BinOpKind::Or, a, b, e.loc);
    }
    static const std::map<std::string, BinOpKind> arith = {
        {"+", BinOpKind::Add}, {"-", BinOpKind::Sub},  {"*", BinOpKind::Mul},
        {"/", BinOpKind::Div}, {"//", BinOpKind::Div}, {"%", BinOpKind::Mod}};
    auto kind = arith.find(op);
    if (kind == arith.end())
      fail(e.loc, "unsupported operator '" + op + "'");
    Expr a = lowerExpr(*e.args[0], data, hint), b = lowerExpr(*e.args[1], data, hint);
    if (a->type == ScalarType::Bool || b->type == ScalarType::Bool)
      fail(e.loc, "arithmetic on a condition");
    if (isNumeric(a->type) || isNumeric(b->type)) {
      ScalarType t = joinData(a, b, e.loc);
      if (kind->second == BinOpKind::Mod && isFloat(t))
        fail(e.loc, "'%' needs integers");
      return makeArith(kind->second, a, b, e.loc);
    }
    if (kind->second == BinOpKind::Div || kind->second == BinOpKind::Mod) {
      const Const* c = b->as<Const>();
      if (!c || c->intValue <= 0)
        fail(e.args[1]->loc, "index division and modulo need a positive constant divisor");
    }
    return BinOp::make(kind->second, a, b, e.loc);
  }

  Expr lowerCompare(const SExpr& e, bool data) {
    static const std::map<std::string, BinOpKind> ops = {
        {"<", BinOpKind::Lt},  {"<=", BinOpKind::Le}, {">", BinOpKind::Gt},
        {">=", BinOpKind::Ge}, {"==", BinOpKind::Eq}, {"!=", BinOpKind::Ne}};
    auto it = ops.find(e.text);
    if (it == ops.end())
      fail(e.loc, "'" + e.text + "' is not allowed in a proc");
    Expr a = lowerExpr(*e.args[0], data, ScalarType::Int);
    Expr b = lowerExpr(*e.args[1], data, ScalarType::Int);
    if (isNumeric(a->type) || isNumeric(b->type))
      joinData(a, b, e.loc);
    return BinOp::make(it->second, a, b, e.loc);
  }

  Expr lowerCall(const SExpr& e, bool data, ScalarType hint) {
    if (e.base->kind != SK::Name || !e.kwargs.empty())
      fail(e.loc, "only select, min, max and stride are called in expressions");
    const std::string& fn = e.base->text;
    auto arity = [&](size_t n) {
      if (e.args.size() != n)
        fail(e.loc, "'" + fn + "' takes " + std::to_string(n) + " arguments");
    };
    if (fn == "select") {
      arity(3);
      Expr c = lowerExpr(*e.args[0], data, ScalarType::Bool);
      if (c->type != ScalarType::Bool)
        fail(e.args[0]->loc, "select() needs a condition first");
      Expr a = lowerExpr(*e.args[1], data, hint), b = lowerExpr(*e.args[2], data, hint);
      if (isNumeric(a->type) || isNumeric(b->type)) {
        ScalarType t = joinData(a, b, e.loc);
        return std::make_shared<Select>(c, a, b, t, e.loc);
      }
      return Select::make(c, a, b, e.loc);
    }
    if (fn == "min" || fn == "max") {
      arity(2);
      Expr a = lowerExpr(*e.args[0], data, hint), b = lowerExpr(*e.args[1], data, hint);
      BinOpKind op = fn == "min" ? BinOpKind::Min : BinOpKind::Max;
      if (isNumeric(a->type) || isNumeric(b->type)) {
        joinData(a, b, e.loc);
        return makeArith(op, a, b, e.loc);
      }
      return BinOp::make(op, a, b, e.loc);
    }
    if (fn == "stride") {
      arity(2);
      const SExpr& buf = *e.args[0];
      const Binder* b = buf.kind == SK::Name ? lookup(buf.text) : nullptr;
      if (!b || !b->isBuffer)
        fail(buf.loc, "stride() takes a buffer in scope");
      if (e.args[1]->kind != SK::Int || e.args[1]->intValue < 0 ||
          e.args[1]->intValue >= static_cast<int64_t>(b->shape.size()))
        fail(e.args[1]->loc, "'" + buf.text + "' has no such dimension");
      return StrideExpr::make(b->sym, static_cast<int>(e.args[1]->intValue), e.loc);
    }
    fail(e.base->loc, "unknown function '" + fn + "'");
  }

  const Module& module_;
  std::vector<Binder> binders_;
  std::string directive_;
};

} // namespace

Expr lowerExprAt(const std::string& text, const SrcLoc& where, const Module& module,
                 const Proc& proc, const Path& path, ScalarType hint, bool data,
                 const std::string& directive) {
  // `where` is the string literal's opening quote; the text starts after it.
  SrcLoc start = where;
  if (start.col > 0)
    start.col += 1;
  syntax::ExprPtr parsed;
  try {
    parsed = parseExpression(text, start);
  } catch (const DirectiveRefused&) {
    throw;
  } catch (const CompileError& e) {
    throw DirectiveRefused(e.loc(), directive + ": " + e.message());
  }
  return ScopedLowering(module, bindersAt(proc, path), directive).lower(*parsed, hint, data);
}

// ------------------------------------------------------------ effects

AliasRoots::AliasRoots(const Proc& proc) {
  for (const Located& l : allStmts(proc))
    if (const WindowBind* bind = l.stmt->as<WindowBind>())
      if (const WindowExpr* w = bind->rhs->as<WindowExpr>())
        viewOf_.emplace_back(bind->name.id(), w->name.id());
}

uint64_t AliasRoots::root(const Sym& buffer) const {
  uint64_t id = buffer.id();
  // Window binds only view names bound before them, so this terminates; the
  // bound guards against a malformed proc all the same.
  for (size_t steps = 0; steps <= viewOf_.size(); ++steps) {
    bool moved = false;
    for (const auto& [window, viewed] : viewOf_) {
      if (window == id) {
        id = viewed;
        moved = true;
        break;
      }
    }
    if (!moved)
      break;
  }
  return id;
}

namespace {

class EffectCollector : public IRVisitor {
public:
  explicit EffectCollector(const AliasRoots& roots) : roots_(roots) {}

  std::set<uint64_t> reads, writes;

protected:
  void visitRead(const Read* e) override {
    if (isNumeric(e->type))
      reads.insert(roots_.root(e->name));
    IRVisitor::visitRead(e);
  }
  void visitWindow(const WindowExpr* e) override {
    reads.insert(roots_.root(e->name));
    IRVisitor::visitWindow(e);
  }
  void visitAssign(const Assign* s) override {
    writes.insert(roots_.root(s->name));
    if (s->isReduce())
      reads.insert(roots_.root(s->name));
    IRVisitor::visitAssign(s);
  }
  void visitCall(const Call* s) override {
    for (const Expr& arg : s->args) {
      if (const WindowExpr* w = arg->as<WindowExpr>())
        writes.insert(roots_.root(w->name));
      else if (const Read* r = arg->as<Read>(); r && isNumeric(r->type) && r->idx.empty())
        writes.insert(roots_.root(r->name));
    }
    IRVisitor::visitCall(s);
  }

private:
  const AliasRoots& roots_;
};

} // namespace

std::set<uint64_t> buffersRead(const Expr& e, const AliasRoots& roots) {
  EffectCollector c(roots);
  c.visit(e);
  return c.reads;
}

std::set<uint64_t> buffersRead(const Stmt& s, const AliasRoots& roots) {
  EffectCollector c(roots);
  c.visit(s);
  return c.reads;
}

std::set<uint64_t> buffersWritten(const Stmt& s, const AliasRoots& roots) {
  EffectCollector c(roots);
  c.visit(s);
  return c.writes;
}

std::set<uint64_t> symsMentioned(const Expr& e) {
  struct Collector : IRVisitor {
    std::set<uint64_t> syms;
    void visitRead(const Read* r) override {
      syms.insert(r->name.id());
      IRVisitor::visitRead(r);
    }
    void visitWindow(const WindowExpr* w) override {
      syms.insert(w->name.id());
      IRVisitor::visitWindow(w);
    }
    void visitStride(const StrideExpr* s) override { syms.insert(s->name.id()); }
  } c;
  c.visit(e);
  return c.syms;
}

bool intersects(const std::set<uint64_t>& a, const std::set<uint64_t>& b) {
  for (uint64_t x : a)
    if (b.count(x))
      return true;
  return false;
}

// ------------------------------------------------------------ building

Expr makeArith(BinOpKind op, const Expr& a, const Expr& b, const SrcLoc& loc) {
  if (!isNumeric(a->type) && !isNumeric(b->type))
    return BinOp::make(op, a, b, loc);
  ScalarType ta = a->type, tb = b->type;
  ScalarType t = ta == ScalarType::Int            ? tb
                 : tb == ScalarType::Int          ? ta
                 : !isNumeric(tb)                 ? ta
                 : !isNumeric(ta)                 ? tb
                 : byteWidth(ta) >= byteWidth(tb) ? ta
                                                  : tb;
  // Literals in data arithmetic carry the data type, as the frontend types them.
  auto typed = [&](const Expr& x) {
    if (const Const* c = x->as<Const>(); c && c->type == ScalarType::Int)
      return Const::makeInt(c->intValue, c->loc, t);
    return x;
  };
  return std::make_shared<BinOp>(op, typed(a), typed(b), t, loc);
}

std::string typeWord(ScalarType t) {
  return t == ScalarType::Int ? "integer" : typeName(t);
}

} // namespace schedc::sched
