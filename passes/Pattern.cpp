#include "passes/Pattern.h"

#include "frontend/Parser.h"
#include "passes/Scheduling.h"

#include <cctype>
#include <regex>

namespace schedc::sched {

namespace {

using SK = syntax::ExprKind;
using SS = syntax::StmtKind;

bool isHole(const syntax::ExprPtr& e) {
  return e && e->kind == SK::Name && e->text == "_";
}

bool nameMatches(const std::string& pattern, const Sym& sym) {
  return pattern == "_" || pattern == sym.name();
}

bool matchExpr(const syntax::Expr& p, const Expr& e);

bool matchExprs(const std::vector<syntax::ExprPtr>& ps, const std::vector<Expr>& es) {
  // `a[_]` matches any number of indices
  if (ps.size() == 1 && isHole(ps[0]))
    return true;
  if (ps.size() != es.size())
    return false;
  for (size_t i = 0; i < ps.size(); ++i)
    if (!matchExpr(*ps[i], es[i]))
      return false;
  return true;
}

std::optional<BinOpKind> binOpOf(const std::string& op) {
  static const std::pair<const char*, BinOpKind> table[] = {
      {"+", BinOpKind::Add},   {"-", BinOpKind::Sub}, {"*", BinOpKind::Mul}, {"/", BinOpKind::Div},
      {"//", BinOpKind::Div},  {"%", BinOpKind::Mod}, {"<", BinOpKind::Lt},  {"<=", BinOpKind::Le},
      {">", BinOpKind::Gt},    {">=", BinOpKind::Ge}, {"==", BinOpKind::Eq}, {"!=", BinOpKind::Ne},
      {"and", BinOpKind::And}, {"or", BinOpKind::Or}};
  for (const auto& [spelling, kind] : table)
    if (op == spelling)
      return kind;
  return std::nullopt;
}

bool matchExpr(const syntax::Expr& p, const Expr& e) {
  switch (p.kind) {
  case SK::Name:
    if (p.text == "_")
      return true;
    if (auto r = e->as<Read>())
      return r->idx.empty() && r->name.name() == p.text;
    if (auto w = e->as<WindowExpr>())
      return w->name.name() == p.text;
    return false;
  case SK::Int: {
    auto c = e->as<Const>();
    return c && !isFloat(c->type) && c->type != ScalarType::Bool && c->intValue == p.intValue;
  }
  case SK::Float: {
    auto c = e->as<Const>();
    return c && (isFloat(c->type) ? c->floatValue == p.floatValue
                                  : static_cast<double>(c->intValue) == p.floatValue);
  }
  case SK::Bool: {
    auto c = e->as<Const>();
    return c && c->type == ScalarType::Bool && c->intValue == p.intValue;
  }
  case SK::Subscript: {
    if (p.base->kind != SK::Name)
      return false;
    if (auto r = e->as<Read>())
      return nameMatches(p.base->text, r->name) && !r->idx.empty() && matchExprs(p.args, r->idx);
    if (auto w = e->as<WindowExpr>())
      return nameMatches(p.base->text, w->name);
    return false;
  }
  case SK::BinOp:
  case SK::Compare: {
    auto b = e->as<BinOp>();
    auto op = binOpOf(p.text);
    return b && op && b->op == *op && matchExpr(*p.args[0], b->a) && matchExpr(*p.args[1], b->b);
  }
  case SK::UnOp: {
    if (p.text == "+")
      return matchExpr(*p.args[0], e);
    auto u = e->as<UnOp>();
    UnOpKind op = p.text == "not" ? UnOpKind::Not : UnOpKind::Neg;
    return u && u->op == op && matchExpr(*p.args[0], u->a);
  }
  case SK::Call: {
    if (p.base->kind != SK::Name)
      return false;
    const std::string& fn = p.base->text;
    if ((fn == "min" || fn == "max") && p.args.size() == 2) {
      auto b = e->as<BinOp>();
      return b && b->op == (fn == "min" ? BinOpKind::Min : BinOpKind::Max) &&
             matchExpr(*p.args[0], b->a) && matchExpr(*p.args[1], b->b);
    }
    if (fn == "select" && p.args.size() == 3) {
      auto s = e->as<Select>();
      return s && matchExpr(*p.args[0], s->cond) && matchExpr(*p.args[1], s->t) &&
             matchExpr(*p.args[2], s->f);
    }
    if (fn == "stride" && p.args.size() == 2) {
      auto s = e->as<StrideExpr>();
      return s && p.args[0]->kind == SK::Name && nameMatches(p.args[0]->text, s->name) &&
             (isHole(p.args[1]) || (p.args[1]->kind == SK::Int && p.args[1]->intValue == s->dim));
    }
    return false;
  }
  default:
    return false;
  }
}

bool matchBlock(const syntax::Block& ps, const Block& block);

// `for i in _:_` style bodies: a lone `_` matches any block.
bool matchBody(const syntax::Block& ps, const Block& block) {
  if (ps.size() == 1 && ps[0]->kind == SS::ExprStmt && isHole(ps[0]->value))
    return true;
  return matchBlock(ps, block);
}

bool matchStmt(const syntax::Stmt& p, const Stmt& s) {
  switch (p.kind) {
  case SS::ExprStmt:
    if (isHole(p.value))
      return true;
    if (p.value->kind == SK::Call && p.value->base->kind == SK::Name) {
      auto call = s->as<Call>();
      return call && (p.value->base->text == "_" || p.value->base->text == call->callee->name) &&
             (p.value->args.empty() || matchExprs(p.value->args, call->args));
    }
    return false;
  case SS::Pass:
    return s->kind == StmtKind::Pass;
  case SS::For: {
    auto loop = s->as<For>();
    if (!loop || p.names.size() != 1 || !nameMatches(p.names[0], loop->iter))
      return false;
    const syntax::Expr& range = *p.value;
    if (range.kind == SK::Call && range.base->kind == SK::Name &&
        (range.base->text == "seq" || range.base->text == "par") && range.args.size() == 2) {
      if ((range.base->text == "par") != (loop->mode == LoopMode::Par))
        return false;
      if (!matchExpr(*range.args[0], loop->lo) || !matchExpr(*range.args[1], loop->hi))
        return false;
    } else if (!isHole(p.value)) {
      return false;
    }
    return matchBody(p.body, loop->body);
  }
  case SS::If: {
    auto branch = s->as<If>();
    return branch && matchExpr(*p.value, branch->cond) && matchBody(p.body, branch->body) &&
           (p.orelse.empty() || matchBody(p.orelse, branch->orelse));
  }
  case SS::Decl: {
    auto alloc = s->as<Alloc>();
    return alloc && (p.text == "_" || p.text == alloc->name.name());
  }
  case SS::Assign:
  case SS::AugAssign: {
    if (p.targets.size() != 1)
      return false;
    const syntax::Expr& target = *p.targets[0];
    if (auto bind = s->as<WindowBind>(); bind && p.kind == SS::Assign)
      return target.kind == SK::Name && nameMatches(target.text, bind->name) &&
             matchExpr(*p.value, bind->rhs);
    auto assign = s->as<Assign>();
    if (!assign || assign->isReduce() != (p.kind == SS::AugAssign))
      return false;
    if (p.kind == SS::AugAssign && p.text != "+=")
      return false;
    if (target.kind == SK::Name) {
      if (!nameMatches(target.text, assign->name) || !assign->idx.empty())
        return false;
    } else if (target.kind == SK::Subscript && target.base->kind == SK::Name) {
      if (!nameMatches(target.base->text, assign->name) || assign->idx.empty() ||
          !matchExprs(target.args, assign->idx))
        return false;
    } else if (!isHole(p.targets[0])) {
      return false;
    }
    return matchExpr(*p.value, assign->rhs);
  }
  default:
    return false;
  }
}

bool matchBlock(const syntax::Block& ps, const Block& block) {
  if (ps.size() != block.size())
    return false;
  for (size_t i = 0; i < ps.size(); ++i)
    if (!matchStmt(*ps[i], block[i]))
      return false;
  return true;
}

// Loops named by the shorthand "i" or "i j" (loop i directly holding loop j).
std::optional<std::vector<std::string>> loopShorthand(const std::string& pattern) {
  static const std::regex names(R"(\s*[A-Za-z_][A-Za-z_0-9]*(\s+[A-Za-z_][A-Za-z_0-9]*)*\s*)");
  if (!std::regex_match(pattern, names))
    return std::nullopt;
  std::vector<std::string> out;
  std::string word;
  for (char c : pattern + " ") {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty())
        out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (out.size() == 1 && (out[0] == "_" || out[0] == "pass"))
    return std::nullopt; // the any-statement and pass patterns, not loop names
  return out;
}

// Splits at `sep` outside brackets and strings.
std::vector<std::string> splitTopLevel(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == sep && depth == 0) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  parts.push_back(current);
  return parts;
}

void collectExprMatches(const syntax::Expr& p, const Expr& e, std::vector<size_t>& path,
                        const Path& stmt, std::vector<ExprMatch>& out) {
  if (matchExpr(p, e))
    out.push_back(ExprMatch{stmt, path});
  std::vector<Expr> kids = exprChildren(e);
  for (size_t i = 0; i < kids.size(); ++i) {
    path.push_back(i);
    collectExprMatches(p, kids[i], path, stmt, out);
    path.pop_back();
  }
}

} // namespace

PatternMatches matchPattern(const Proc& proc, const std::string& text, const SrcLoc& where) {
  PatternMatches result;
  std::string pattern = text;
  static const std::regex occurrence(R"(^(.*?)\s*#\s*([0-9]+)\s*$)");
  std::smatch m;
  if (std::regex_match(pattern, m, occurrence)) {
    result.occurrence = std::stoul(m[2].str());
    pattern = m[1].str();
  }
  std::vector<Located> stmts = allStmts(proc);

  if (auto loops = loopShorthand(pattern)) {
    for (const Located& l : stmts) {
      const Stmt* current = &l.stmt;
      bool ok = true;
      for (size_t k = 0; k < loops->size() && ok; ++k) {
        auto loop = (*current)->as<For>();
        ok = loop && loop->iter.name() == (*loops)[k];
        if (ok && k + 1 < loops->size()) {
          ok = loop->body.size() == 1;
          if (ok)
            current = &loop->body[0];
        }
      }
      if (ok)
        result.stmts.push_back(
            StmtMatch{blockOf(l.path), l.path.back().index, l.path.back().index + 1});
    }
    return result;
  }

  syntax::Block ps;
  try {
    ps = parseStatements(pattern, where);
  } catch (const CompileError&) {
    ps.clear();
  }
  // Python allows only simple statements around ';', but a block pattern may
  // chain any statements ("y[_] = 0.0; for j in _:_"): parse the parts apart.
  if (ps.empty() && pattern.find(';') != std::string::npos) {
    try {
      for (const std::string& part : splitTopLevel(pattern, ';'))
        for (const syntax::StmtPtr& s : parseStatements(part, where))
          ps.push_back(s);
    } catch (const CompileError&) {
      ps.clear();
    }
  }
  bool exprPattern = ps.size() == 1 && ps[0]->kind == SS::ExprStmt && !isHole(ps[0]->value) &&
                     !(ps[0]->value->kind == SK::Call);
  if (ps.empty() || exprPattern) {
    syntax::ExprPtr e;
    try {
      // `where` is the pattern string's opening quote; the text starts after it
      SrcLoc textStart = where;
      textStart.col += 1;
      e = parseExpression(pattern, textStart);
    } catch (const CompileError& err) {
      throw CompileError(err.loc(), "pattern '" + text + "' does not parse: " + err.message());
    }
    result.isExpr = true;
    for (const Located& l : stmts) {
      std::vector<Expr> top = stmtExprs(l.stmt);
      for (size_t i = 0; i < top.size(); ++i) {
        std::vector<size_t> path{i};
        collectExprMatches(*e, top[i], path, l.path, result.exprs);
      }
    }
    return result;
  }

  // Statement or block patterns: try every position of every block, in
  // program order of the first statement.
  for (const Located& l : stmts) {
    const Block& block = blockAt(proc, blockOf(l.path));
    size_t begin = l.path.back().index;
    if (begin + ps.size() > block.size())
      continue;
    bool ok = true;
    for (size_t k = 0; k < ps.size() && ok; ++k)
      ok = matchStmt(*ps[k], block[begin + k]);
    if (ok)
      result.stmts.push_back(StmtMatch{blockOf(l.path), begin, begin + ps.size()});
  }
  return result;
}

} // namespace schedc::sched
