#include "passes/primitives/LoopContext.h"

#include "frontend/Parser.h"
#include "ir/IRVisitor.h"
#include "ir/Printer.h"

#include <map>
#include <regex>
#include <set>

namespace schedc::sched {

// ------------------------------------------------------------ facts

static void assumeCondition(Solver& solver, const Expr& cond, bool holds);

static void assumeProcFacts(Solver& solver, const Proc& proc) {
  for (const FnArg& arg : proc.args) {
    if (arg.type == ScalarType::Size)
      solver.assume(solver.var(arg.name, arg.type) >= 1);
    // Dense tensors: stride(A, d) is the product of the later extents. Only
    // asserts about strides need this, so extents the solver cannot express
    // are simply skipped.
    if (!arg.isTensor() || arg.isWindow)
      continue;
    z3::expr stride = solver.intVal(1);
    for (size_t d = arg.shape.size(); d-- > 0;) {
      solver.assume(solver.strideVar(arg.name, static_cast<int>(d)) == stride);
      if (!Solver::isTranslatable(arg.shape[d]))
        break;
      stride = stride * solver.toZ3Int(arg.shape[d]);
    }
  }
  for (const Expr& pred : proc.preds)
    assumeCondition(solver, pred, true);
}

static void assumeCondition(Solver& solver, const Expr& cond, bool holds) {
  if (Solver::isTranslatable(cond)) {
    z3::expr c = solver.toZ3Bool(cond);
    solver.assume(holds ? c : !c);
    return;
  }
  if (const BinOp* bin = cond->as<BinOp>()) {
    // Of `a and b` taken (or `a or b` not taken) both sides are known.
    if ((bin->op == BinOpKind::And && holds) || (bin->op == BinOpKind::Or && !holds)) {
      assumeCondition(solver, bin->a, holds);
      assumeCondition(solver, bin->b, holds);
    }
    return;
  }
  if (const UnOp* un = cond->as<UnOp>(); un && un->op == UnOpKind::Not)
    assumeCondition(solver, un->a, !holds);
}

void assumeContext(Solver& solver, const Proc& proc, const BlockLoc& where) {
  assumeProcFacts(solver, proc);
  const Block* block = &proc.body;
  for (size_t k = 0; k < where.owner.size(); ++k) {
    const Stmt& s = (*block)[where.owner[k].index];
    // The block of `s` the path continues into.
    Branch inner = k + 1 < where.owner.size() ? where.owner[k + 1].branch : where.branch;
    if (const For* loop = s->as<For>()) {
      z3::expr iter = solver.var(loop->iter, ScalarType::Index);
      if (Solver::isTranslatable(loop->lo))
        solver.assume(solver.toZ3Int(loop->lo) <= iter);
      if (Solver::isTranslatable(loop->hi))
        solver.assume(iter < solver.toZ3Int(loop->hi));
      block = &loop->body;
    } else if (const If* branch = s->as<If>()) {
      assumeCondition(solver, branch->cond, inner == Branch::Body);
      block = inner == Branch::Body ? &branch->body : &branch->orelse;
    }
  }
}

ContextScope::ContextScope(ScheduleState& state, const BlockLoc& where)
    : solver_(state.solver()), scope_(state.solver()) {
  assumeContext(solver_, state.proc(), where);
}

bool ContextScope::prove(const Expr& cond) {
  if (!Solver::isTranslatable(cond))
    return false;
  return solver_.prove(solver_.toZ3Bool(cond));
}

// ------------------------------------------------------------ arguments

static bool isIdentifier(const std::string& s) {
  static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, identifier);
}

std::string identifierArg(const Value& v, const SrcLoc& argLoc, const std::string& directive,
                          const std::string& what) {
  const std::string& name = v.requireStr(argLoc, what);
  if (!isIdentifier(name))
    refuse(argLoc, directive, what + " must be a valid name, not " + quoteString(name));
  return name;
}

std::pair<std::string, std::string> twoNamesArg(const Value& v, const SrcLoc& argLoc,
                                                const std::string& directive,
                                                const std::string& what) {
  const std::vector<Value>* items = v.sequenceItems();
  if (!items || items->size() != 2)
    refuse(argLoc, directive, what + " must be a list of two names, not " + v.repr());
  return {identifierArg((*items)[0], argLoc, directive, what + "[0]"),
          identifierArg((*items)[1], argLoc, directive, what + "[1]")};
}

int64_t positiveIntArg(const Value& v, const SrcLoc& argLoc, const std::string& directive,
                       const std::string& what) {
  int64_t value = v.requireInt(argLoc, what);
  if (value < 1)
    refuse(argLoc, directive, what + " must be a positive integer, not " + std::to_string(value));
  return value;
}

namespace {

// Lowers a parsed expression string to IR over the names in scope at a
// block: a small counterpart of the frontend's lowering, restricted to the
// control values a schedule may mention.
class NewExprLowering {
public:
  NewExprLowering(const ScheduleState& state, const BlockLoc& scope, std::string directive)
      : module_(state.module()), directive_(std::move(directive)) {
    const Proc& proc = state.proc();
    for (const FnArg& arg : proc.args)
      names_[arg.name.name()] = Name{arg.name, arg.type, arg.isData()};
    // Enclosing loop variables, outermost first so that inner ones shadow.
    for (const Located& outer : ancestors(proc, scopePath(scope))) {
      if (const For* loop = outer.stmt->as<For>()) {
        names_[loop->iter.name()] = Name{loop->iter, ScalarType::Index, false};
        loopVars_.insert(loop->iter.id());
      }
    }
  }

  // Refuses an existing expression (from a cursor) that mentions a variable
  // not in scope at the new place, e.g. a loop variable of another loop.
  void checkInScope(const Expr& e, const SrcLoc& at) const {
    std::set<uint64_t> visible;
    for (const auto& [text, name] : names_)
      visible.insert(name.sym.id());
    struct Finder : IRVisitor {
      const std::set<uint64_t>* visible;
      std::optional<Sym> outside;
      void visitRead(const Read* r) override {
        if (!visible->count(r->name.id()) && !outside)
          outside = r->name;
        IRVisitor::visitRead(r);
      }
    } finder;
    finder.visible = &visible;
    finder.visit(e);
    if (finder.outside)
      fail(at, "'" + finder.outside->name() + "' is not in scope here");
  }

  Expr lower(const syntax::Expr& e) {
    using SK = syntax::ExprKind;
    switch (e.kind) {
    case SK::Int:
      return Const::makeInt(e.intValue, e.loc);
    case SK::Bool:
      return Const::makeBool(e.intValue != 0, e.loc);
    case SK::Name:
      return lowerName(e);
    case SK::UnOp: {
      Expr a = lower(*e.args[0]);
      if (e.text == "not") {
        requireCondition(a, e.args[0]->loc);
        return UnOp::make(UnOpKind::Not, a, e.loc);
      }
      requireIndex(a, e.args[0]->loc);
      return e.text == "+" ? a : UnOp::make(UnOpKind::Neg, a, e.loc);
    }
    case SK::BinOp:
      return lowerBinOp(e);
    case SK::Compare:
      return lowerCompare(e);
    case SK::Call:
      return lowerCall(e);
    default:
      fail(e.loc, "this is not an index expression or condition");
    }
  }

private:
  struct Name {
    Sym sym;
    ScalarType type;
    bool isData = false;
  };

  static Path scopePath(const BlockLoc& scope) {
    // ancestors() of a statement in the block: the owner and its ancestors.
    Path p = scope.owner;
    p.push_back(Step{scope.branch, 0});
    return p;
  }

  [[noreturn]] void fail(const SrcLoc& loc, const std::string& reason) const {
    refuse(loc, directive_, reason);
  }

  void requireIndex(const Expr& e, const SrcLoc& loc) const {
    if (!isIndexLike(e->type))
      fail(loc, "expected an index expression, not the condition " + printExpr(e));
  }
  void requireCondition(const Expr& e, const SrcLoc& loc) const {
    if (e->type != ScalarType::Bool)
      fail(loc, "expected a condition, not " + printExpr(e));
  }

  bool mentionsLoopVar(const Expr& e) const {
    struct Finder : IRVisitor {
      const std::set<uint64_t>* vars;
      bool found = false;
      void visitRead(const Read* r) override {
        found |= vars->count(r->name.id()) > 0;
        IRVisitor::visitRead(r);
      }
    } finder;
    finder.vars = &loopVars_;
    finder.visit(e);
    return finder.found;
  }

  Expr lowerName(const syntax::Expr& e) const {
    auto found = names_.find(e.text);
    if (found == names_.end()) {
      if (auto c = module_.consts.find(e.text); c != module_.consts.end())
        return Const::makeInt(c->second, e.loc);
      fail(e.loc, "unknown name '" + e.text + "' (expected a loop variable, a control argument " +
                      "or a constant in scope here)");
    }
    const Name& name = found->second;
    if (name.isData)
      fail(e.loc, "'" + e.text + "' is data (" + typeName(name.type) + "), not a control value");
    return Read::make(name.sym, {}, name.type, e.loc);
  }

  Expr lowerBinOp(const syntax::Expr& e) {
    const std::string& op = e.text;
    Expr a = lower(*e.args[0]), b = lower(*e.args[1]);
    if (op == "and" || op == "or") {
      requireCondition(a, e.args[0]->loc);
      requireCondition(b, e.args[1]->loc);
      return BinOp::make(op == "and" ? BinOpKind::And : BinOpKind::Or, a, b, e.loc);
    }
    static const std::map<std::string, BinOpKind> arith = {
        {"+", BinOpKind::Add}, {"-", BinOpKind::Sub},  {"*", BinOpKind::Mul},
        {"/", BinOpKind::Div}, {"//", BinOpKind::Div}, {"%", BinOpKind::Mod}};
    auto kind = arith.find(op);
    if (kind == arith.end())
      fail(e.loc, "unsupported operator '" + op + "'");
    requireIndex(a, e.args[0]->loc);
    requireIndex(b, e.args[1]->loc);
    if (kind->second == BinOpKind::Mul && mentionsLoopVar(a) && mentionsLoopVar(b))
      fail(e.loc, "non-affine index expression: product of two loop-dependent terms");
    if (kind->second == BinOpKind::Div || kind->second == BinOpKind::Mod) {
      const Const* c = b->as<Const>();
      if (!c || c->intValue <= 0)
        fail(e.args[1]->loc, "'" + op + "' needs a positive constant divisor");
    }
    return BinOp::make(kind->second, a, b, e.loc);
  }

  Expr lowerCompare(const syntax::Expr& e) {
    static const std::map<std::string, BinOpKind> ops = {
        {"<", BinOpKind::Lt},  {"<=", BinOpKind::Le}, {">", BinOpKind::Gt},
        {">=", BinOpKind::Ge}, {"==", BinOpKind::Eq}, {"!=", BinOpKind::Ne}};
    auto kind = ops.find(e.text);
    if (kind == ops.end())
      fail(e.loc, "unsupported comparison '" + e.text + "'");
    Expr a = lower(*e.args[0]), b = lower(*e.args[1]);
    bool equality = kind->second == BinOpKind::Eq || kind->second == BinOpKind::Ne;
    if (!(equality && a->type == ScalarType::Bool && b->type == ScalarType::Bool)) {
      requireIndex(a, e.args[0]->loc);
      requireIndex(b, e.args[1]->loc);
    }
    return BinOp::make(kind->second, a, b, e.loc);
  }

  Expr lowerCall(const syntax::Expr& e) {
    if (!e.base || e.base->kind != syntax::ExprKind::Name || !e.kwargs.empty())
      fail(e.loc, "unsupported call in an index expression");
    const std::string& callee = e.base->text;
    if ((callee == "min" || callee == "max") && e.args.size() == 2) {
      Expr a = lower(*e.args[0]), b = lower(*e.args[1]);
      requireIndex(a, e.args[0]->loc);
      requireIndex(b, e.args[1]->loc);
      return BinOp::make(callee == "min" ? BinOpKind::Min : BinOpKind::Max, a, b, e.loc);
    }
    if (callee == "stride" && e.args.size() == 2 && e.args[0]->kind == syntax::ExprKind::Name &&
        e.args[1]->kind == syntax::ExprKind::Int) {
      auto found = names_.find(e.args[0]->text);
      if (found == names_.end() || !found->second.isData)
        fail(e.args[0]->loc, "stride() needs a tensor argument of the proc");
      return StrideExpr::make(found->second.sym, static_cast<int>(e.args[1]->intValue), e.loc);
    }
    fail(e.loc, "unsupported call '" + callee + "' in an index expression (min, max and " +
                    "stride are allowed)");
  }

  const Module& module_;
  std::string directive_;
  std::map<std::string, Name> names_;
  std::set<uint64_t> loopVars_;
};

// Every Sym read, written, bound or passed by a fragment of IR.
struct SymUses : IRVisitor {
  std::set<uint64_t> ids;
  void visitRead(const Read* e) override {
    ids.insert(e->name.id());
    IRVisitor::visitRead(e);
  }
  void visitWindow(const WindowExpr* e) override {
    ids.insert(e->name.id());
    IRVisitor::visitWindow(e);
  }
  void visitStride(const StrideExpr* e) override { ids.insert(e->name.id()); }
  void visitAssign(const Assign* s) override {
    ids.insert(s->name.id());
    IRVisitor::visitAssign(s);
  }
};

} // namespace

Expr newExprArg(ScheduleState& state, const Value& v, const BlockLoc& scope, const SrcLoc& argLoc,
                const std::string& directive) {
  if (v.isBool())
    return Const::makeBool(v.asBool(), argLoc);
  if (v.isInt())
    return Const::makeInt(v.asInt(), argLoc);
  if (v.isObject()) {
    // An expression cursor: its expression, which must only mention names
    // that are in scope at the new place.
    Expr e = exprArg(state, v, argLoc, directive).expr;
    if (!Solver::isTranslatable(e))
      refuse(argLoc, directive, "expected a control expression, not " + printExpr(e));
    NewExprLowering(state, scope, directive).checkInScope(e, argLoc);
    return e;
  }
  const std::string& text = v.requireStr(argLoc, "the expression");
  // The string's text starts after its opening quote.
  SrcLoc textLoc = argLoc;
  if (textLoc.known())
    textLoc.col += 1;
  syntax::ExprPtr parsed = parseExpression(text, textLoc);
  NewExprLowering lowering(state, scope, directive);
  return lowering.lower(*parsed);
}

Path nestedLoopArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                   const std::string& directive) {
  // Patterns include the "i j" shorthand (loop i whose body is loop j).
  Path path = loopArg(state, v, argLoc, directive);
  const Stmt& s = stmtAt(state.proc(), path);
  const For* loop = s->as<For>();
  if (loop->body.size() != 1 || !loop->body[0]->as<For>())
    refuse(argLoc, directive,
           "expected the body of loop '" + loop->iter.name() + "' to be a single loop", {s});
  return path;
}

Path loopOrIfArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                 const std::string& directive) {
  // Patterns include the "i" shorthand for the loop named i.
  Path path = stmtArg(state, v, argLoc, directive);
  const Stmt& s = stmtAt(state.proc(), path);
  if (!s->as<For>() && !s->as<If>())
    refuse(argLoc, directive, "expected a loop or an if statement, got:", {s});
  return path;
}

// ------------------------------------------------------------ scopes

std::optional<Sym> binderUsedAfter(const Proc& proc, const BlockLoc& where, size_t begin,
                                   size_t end) {
  const Block& block = blockAt(proc, where);
  SymUses later;
  for (size_t i = end; i < block.size(); ++i)
    later.visit(block[i]);
  for (size_t i = begin; i < end; ++i) {
    Sym bound;
    if (const Alloc* alloc = block[i]->as<Alloc>())
      bound = alloc->name;
    else if (const WindowBind* bind = block[i]->as<WindowBind>())
      bound = bind->name;
    if (bound.valid() && later.ids.count(bound.id()))
      return bound;
  }
  return std::nullopt;
}

} // namespace schedc::sched
