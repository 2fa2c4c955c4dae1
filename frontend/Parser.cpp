#include "frontend/Parser.h"
#include <cstdio>

#include "SchedParser.h"
#include "frontend/IndentingLexer.h"

#include <antlr4-runtime.h>
#include <cstdio>

namespace schedc {

using grammar::SchedParser;
using namespace syntax;

namespace {

// Syntax errors become located CompileErrors with a readable message.
class ThrowingErrorListener : public antlr4::BaseErrorListener {
public:
  explicit ThrowingErrorListener(const IndentingLexer& lexer) : lexer_(lexer) {}

  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t line, size_t col,
                   const std::string& msg, std::exception_ptr) override {
    std::string what;
    if (!offending) {
      what = msg;
    } else {
      switch (offending->getType()) {
      case antlr4::Token::EOF:
        what = "unexpected end of file";
        break;
      case SchedParser::INDENT:
        what = "unexpected indent";
        break;
      case SchedParser::DEDENT:
        what = "unexpected end of block";
        break;
      case SchedParser::NEWLINE:
        what = "unexpected end of line";
        break;
      default:
        what = "unexpected '" + offending->getText() + "'";
      }
      // ANTLR's "expecting {...}" is useful when the set is small.
      auto pos = msg.find("expecting ");
      if (pos != std::string::npos && msg.size() - pos < 60)
        what += ", " + msg.substr(pos);
    }
    throw CompileError(lexer_.locate(line, col), "syntax error: " + what);
  }

private:
  const IndentingLexer& lexer_;
};

std::string unescape(const std::string& body, const SrcLoc& loc) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 == body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case '0':
      out += '\0';
      break;
    case '\\':
    case '\'':
    case '"':
      out += e;
      break;
    case '\n':
      break;
    default:
      throw CompileError(loc, std::string("unknown escape sequence '\\") + e + "' in string");
    }
  }
  return out;
}

// Strips quotes (and an f prefix) from a string token.
std::string stringBody(const std::string& token) {
  size_t start = (token[0] == 'f' || token[0] == 'F') ? 2 : 1;
  return token.substr(start, token.size() - start - 1);
}

class SyntaxBuilder {
public:
  explicit SyntaxBuilder(const IndentingLexer& lexer) : lexer_(lexer) {}

  SrcLoc loc(antlr4::Token* t) const {
    return lexer_.locate(t->getLine(), t->getCharPositionInLine());
  }
  SrcLoc loc(antlr4::ParserRuleContext* ctx) const { return loc(ctx->getStart()); }

  // ------------------------------------------------------------ items
  ItemPtr item(SchedParser::ItemContext* ctx) {
    auto it = std::make_shared<Item>();
    it->loc = loc(ctx);
    if (auto* c = dynamic_cast<SchedParser::ImportItemContext*>(ctx)) {
      it->kind = ItemKind::Import;
      it->name = unescape(stringBody(c->STRING()->getText()), loc(c->STRING()->getSymbol()));
    } else if (auto* c = dynamic_cast<SchedParser::ConstItemContext*>(ctx)) {
      it->kind = ItemKind::Const;
      it->name = c->NAME()->getText();
      it->value = expr(c->expr());
    } else if (auto* c = dynamic_cast<SchedParser::MemoryItemContext*>(ctx)) {
      it->kind = ItemKind::Memory;
      it->name = c->NAME(0)->getText();
      if (c->base)
        it->source = c->base->getText();
      it->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::InstrItemContext*>(ctx)) {
      it->kind = ItemKind::Instr;
      it->name = c->NAME()->getText();
      it->params = params(c->params());
      it->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::ProcItemContext*>(ctx)) {
      it->kind = ItemKind::Proc;
      it->isPrivate = c->PRIVATE() != nullptr;
      it->name = c->NAME()->getText();
      it->params = params(c->params());
      it->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::ScheduleItemContext*>(ctx)) {
      it->kind = ItemKind::Schedule;
      it->name = c->name->getText();
      it->source = c->source->getText();
      it->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::DefItemContext*>(ctx)) {
      it->kind = ItemKind::Def;
      it->name = c->NAME()->getText();
      it->params = params(c->params());
      it->body = suite(c->suite());
    }
    return it;
  }

  std::vector<Param> params(SchedParser::ParamsContext* ctx) {
    std::vector<Param> out;
    if (!ctx)
      return out;
    for (auto* p : ctx->param()) {
      Param param;
      param.name = p->NAME()->getText();
      param.loc = loc(p);
      if (p->annotation)
        param.annotation = expr(p->annotation);
      if (p->defaultValue)
        param.defaultValue = expr(p->defaultValue);
      out.push_back(std::move(param));
    }
    return out;
  }

  // ------------------------------------------------------------ statements
  Block suite(SchedParser::SuiteContext* ctx) {
    Block out;
    if (ctx->simple_stmts())
      simpleStmts(ctx->simple_stmts(), out);
    for (auto* s : ctx->stmt())
      stmt(s, out);
    return out;
  }

  void stmt(SchedParser::StmtContext* ctx, Block& out) {
    if (ctx->simple_stmts())
      simpleStmts(ctx->simple_stmts(), out);
    else
      out.push_back(compound(ctx->compound_stmt()));
  }

  void simpleStmts(SchedParser::Simple_stmtsContext* ctx, Block& out) {
    for (auto* s : ctx->simple_stmt())
      out.push_back(simple(s));
  }

  StmtPtr simple(SchedParser::Simple_stmtContext* ctx) {
    auto s = std::make_shared<Stmt>();
    s->loc = loc(ctx);
    if (dynamic_cast<SchedParser::PassStmtContext*>(ctx)) {
      s->kind = StmtKind::Pass;
    } else if (dynamic_cast<SchedParser::BreakStmtContext*>(ctx)) {
      s->kind = StmtKind::Break;
    } else if (dynamic_cast<SchedParser::ContinueStmtContext*>(ctx)) {
      s->kind = StmtKind::Continue;
    } else if (auto* c = dynamic_cast<SchedParser::ReturnStmtContext*>(ctx)) {
      s->kind = StmtKind::Return;
      if (c->testlist())
        s->value = testlist(c->testlist());
    } else if (auto* c = dynamic_cast<SchedParser::AssertStmtContext*>(ctx)) {
      s->kind = StmtKind::Assert;
      s->value = expr(c->expr());
    } else if (auto* c = dynamic_cast<SchedParser::DeclStmtContext*>(ctx)) {
      s->kind = StmtKind::Decl;
      s->text = c->NAME()->getText();
      s->value = expr(c->expr());
    } else if (auto* c = dynamic_cast<SchedParser::AugAssignStmtContext*>(ctx)) {
      s->kind = StmtKind::AugAssign;
      s->text = c->op->getText();
      s->targets.push_back(testlist(c->testlist()));
      s->value = expr(c->expr());
    } else if (auto* c = dynamic_cast<SchedParser::AssignStmtContext*>(ctx)) {
      s->kind = StmtKind::Assign;
      s->targets.push_back(testlist(c->testlist(0)));
      s->value = testlist(c->testlist(1));
    } else if (auto* c = dynamic_cast<SchedParser::ExprStmtContext*>(ctx)) {
      s->kind = StmtKind::ExprStmt;
      s->value = testlist(c->testlist());
    }
    return s;
  }

  StmtPtr compound(SchedParser::Compound_stmtContext* ctx) {
    auto s = std::make_shared<Stmt>();
    s->loc = loc(ctx);
    if (auto* c = dynamic_cast<SchedParser::ForStmtContext*>(ctx)) {
      s->kind = StmtKind::For;
      for (auto* n : c->NAME())
        s->names.push_back(n->getText());
      s->value = expr(c->expr());
      s->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::WhileStmtContext*>(ctx)) {
      s->kind = StmtKind::While;
      s->value = expr(c->expr());
      s->body = suite(c->suite());
    } else if (auto* c = dynamic_cast<SchedParser::IfStmtContext*>(ctx)) {
      s->kind = StmtKind::If;
      s->value = expr(c->expr());
      s->body = suite(c->suite());
      // elif chains become nested ifs in the else branch
      Block orelse;
      if (c->else_clause())
        orelse = suite(c->else_clause()->suite());
      auto elifs = c->elif_clause();
      for (auto it = elifs.rbegin(); it != elifs.rend(); ++it) {
        auto e = std::make_shared<Stmt>();
        e->kind = StmtKind::If;
        e->loc = loc(*it);
        e->value = expr((*it)->expr());
        e->body = suite((*it)->suite());
        e->orelse = std::move(orelse);
        orelse = Block{e};
      }
      s->orelse = std::move(orelse);
    } else if (auto* c = dynamic_cast<SchedParser::TryStmtContext*>(ctx)) {
      s->kind = StmtKind::Try;
      s->body = suite(c->suite(0));
      s->orelse = suite(c->handler);
      if (c->NAME())
        s->text = c->NAME()->getText();
    } else if (auto* c = dynamic_cast<SchedParser::DefStmtContext*>(ctx)) {
      s->kind = StmtKind::Def;
      s->text = c->NAME()->getText();
      s->params = params(c->params());
      s->body = suite(c->suite());
    }
    return s;
  }

  // ------------------------------------------------------------ expressions
  // Long operator chains (`a + a + ... + a`) parse iteratively but make deep
  // trees; every later pass walks trees recursively, so their height is bounded.
  static constexpr uint32_t kMaxExprDepth = 400;

  static ExprPtr withDepth(std::shared_ptr<Expr> e) {
    uint32_t depth = 0;
    auto account = [&](const ExprPtr& child) {
      if (child)
        depth = std::max(depth, child->depth);
    };
    account(e->base);
    for (const ExprPtr& a : e->args)
      account(a);
    for (const auto& kw : e->kwargs)
      account(kw.second);
    e->depth = depth + 1;
    if (e->depth > kMaxExprDepth)
      throw CompileError(e->loc, "expression nested too deeply (more than " +
                                     std::to_string(kMaxExprDepth) + " levels)");
    return e;
  }

  static ExprPtr make(ExprKind kind, SrcLoc loc, std::string text = {},
                      std::vector<ExprPtr> args = {}) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->loc = std::move(loc);
    e->text = std::move(text);
    e->args = std::move(args);
    return withDepth(e);
  }

  ExprPtr testlist(SchedParser::TestlistContext* ctx) {
    auto exprs = ctx->expr();
    if (exprs.size() == 1 && !ctx->trailing)
      return expr(exprs[0]);
    std::vector<ExprPtr> items;
    for (auto* e : exprs)
      items.push_back(expr(e));
    return make(ExprKind::Tuple, loc(ctx), {}, std::move(items));
  }

  ExprPtr expr(SchedParser::ExprContext* ctx) { return orTest(ctx->or_test()); }

  ExprPtr orTest(SchedParser::Or_testContext* ctx) {
    auto parts = ctx->and_test();
    ExprPtr result = andTest(parts[0]);
    for (size_t i = 1; i < parts.size(); ++i)
      result = make(ExprKind::BinOp, result->loc, "or", {result, andTest(parts[i])});
    return result;
  }

  ExprPtr andTest(SchedParser::And_testContext* ctx) {
    auto parts = ctx->not_test();
    ExprPtr result = notTest(parts[0]);
    for (size_t i = 1; i < parts.size(); ++i)
      result = make(ExprKind::BinOp, result->loc, "and", {result, notTest(parts[i])});
    return result;
  }

  ExprPtr notTest(SchedParser::Not_testContext* ctx) {
    if (ctx->not_test())
      return make(ExprKind::UnOp, loc(ctx), "not", {notTest(ctx->not_test())});
    return comparison(ctx->comparison());
  }

  ExprPtr comparison(SchedParser::ComparisonContext* ctx) {
    auto parts = ctx->arith();
    auto ops = ctx->comp_op();
    ExprPtr result = arith(parts[0]);
    // a < b < c means (a < b) and (b < c)
    ExprPtr chained;
    for (size_t i = 0; i < ops.size(); ++i) {
      std::string op = ops[i]->getText() == "notin" ? "not in" : ops[i]->getText();
      ExprPtr lhs = i == 0 ? result : arith(parts[i]);
      ExprPtr cmp = make(ExprKind::Compare, loc(ops[i]), op, {lhs, arith(parts[i + 1])});
      chained = chained ? make(ExprKind::BinOp, chained->loc, "and", {chained, cmp}) : cmp;
    }
    return chained ? chained : result;
  }

  ExprPtr arith(SchedParser::ArithContext* ctx) {
    auto parts = ctx->term();
    auto ops = ctx->arith_op();
    ExprPtr result = term(parts[0]);
    for (size_t i = 0; i < ops.size(); ++i)
      result = make(ExprKind::BinOp, loc(ops[i]), ops[i]->getText(), {result, term(parts[i + 1])});
    return result;
  }

  ExprPtr term(SchedParser::TermContext* ctx) {
    auto parts = ctx->factor();
    auto ops = ctx->term_op();
    ExprPtr result = factor(parts[0]);
    for (size_t i = 0; i < ops.size(); ++i)
      result =
          make(ExprKind::BinOp, loc(ops[i]), ops[i]->getText(), {result, factor(parts[i + 1])});
    return result;
  }

  ExprPtr factor(SchedParser::FactorContext* ctx) {
    if (ctx->unary) {
      ExprPtr operand = factor(ctx->factor());
      // fold -literal so that printing and patterns see one number
      if (ctx->unary->getText() == "-" && operand->kind == ExprKind::Int) {
        auto e = std::make_shared<Expr>(*operand);
        e->intValue = -e->intValue;
        e->loc = loc(ctx);
        return e;
      }
      if (ctx->unary->getText() == "-" && operand->kind == ExprKind::Float) {
        auto e = std::make_shared<Expr>(*operand);
        e->floatValue = -e->floatValue;
        e->text = "-" + e->text;
        e->loc = loc(ctx);
        return e;
      }
      return make(ExprKind::UnOp, loc(ctx), ctx->unary->getText(), {operand});
    }
    return atomExpr(ctx->atom_expr());
  }

  ExprPtr atomExpr(SchedParser::Atom_exprContext* ctx) {
    ExprPtr result = atom(ctx->atom());
    for (auto* t : ctx->trailer()) {
      if (auto* c = dynamic_cast<SchedParser::CallTrailerContext*>(t)) {
        auto call = std::make_shared<Expr>();
        call->kind = ExprKind::Call;
        call->loc = result->loc;
        call->base = result;
        if (c->arglist())
          for (auto* a : c->arglist()->argument()) {
            if (a->NAME())
              call->kwargs.emplace_back(a->NAME()->getText(), expr(a->expr()));
            else if (!call->kwargs.empty())
              throw CompileError(loc(a), "positional argument follows keyword argument");
            else
              call->args.push_back(expr(a->expr()));
          }
        result = withDepth(call);
      } else if (auto* c = dynamic_cast<SchedParser::IndexTrailerContext*>(t)) {
        auto sub = std::make_shared<Expr>();
        sub->kind = ExprKind::Subscript;
        sub->loc = result->loc;
        sub->base = result;
        for (auto* s : c->subscript())
          sub->args.push_back(subscript(s));
        result = withDepth(sub);
      } else if (auto* c = dynamic_cast<SchedParser::AttrTrailerContext*>(t)) {
        auto attr = make(ExprKind::Attribute, loc(c->NAME()->getSymbol()), c->NAME()->getText());
        std::const_pointer_cast<Expr>(attr)->base = result;
        result = withDepth(std::const_pointer_cast<Expr>(attr));
      }
    }
    return result;
  }

  ExprPtr subscript(SchedParser::SubscriptContext* ctx) {
    bool isSlice = false;
    for (auto* child : ctx->children)
      if (child->getText() == ":" && dynamic_cast<antlr4::tree::TerminalNode*>(child))
        isSlice = true;
    if (!isSlice)
      return expr(ctx->expr(0));
    return make(ExprKind::Slice, loc(ctx), ":",
                {ctx->lo ? expr(ctx->lo) : nullptr, ctx->hi ? expr(ctx->hi) : nullptr});
  }

  ExprPtr atom(SchedParser::AtomContext* ctx) {
    SrcLoc where = loc(ctx);
    if (auto* c = dynamic_cast<SchedParser::ParenAtomContext*>(ctx)) {
      auto exprs = c->expr();
      if (exprs.size() == 1 && !c->trailing)
        return expr(exprs[0]);
      std::vector<ExprPtr> items;
      for (auto* e : exprs)
        items.push_back(expr(e));
      return make(ExprKind::Tuple, where, {}, std::move(items));
    }
    if (auto* c = dynamic_cast<SchedParser::ListAtomContext*>(ctx)) {
      std::vector<ExprPtr> items;
      for (auto* e : c->expr())
        items.push_back(expr(e));
      return make(ExprKind::List, where, {}, std::move(items));
    }
    if (auto* c = dynamic_cast<SchedParser::NameAtomContext*>(ctx))
      return make(ExprKind::Name, where, c->NAME()->getText());
    if (auto* c = dynamic_cast<SchedParser::IntAtomContext*>(ctx)) {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::Int;
      e->loc = where;
      e->text = c->INT()->getText();
      try {
        e->intValue = std::stoll(e->text, nullptr, 0);
      } catch (const std::exception&) {
        throw CompileError(where, "integer literal '" + e->text + "' is too large");
      }
      return e;
    }
    if (auto* c = dynamic_cast<SchedParser::FloatAtomContext*>(ctx)) {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::Float;
      e->loc = where;
      e->text = c->FLOAT()->getText();
      std::string digits = e->text;
      if (!digits.empty() && digits.back() == 'f')
        digits.pop_back();
      e->floatValue = std::stod(digits);
      return e;
    }
    if (auto* c = dynamic_cast<SchedParser::StringAtomContext*>(ctx)) {
      std::string value;
      for (auto* s : c->STRING())
        value += unescape(stringBody(s->getText()), loc(s->getSymbol()));
      return make(ExprKind::Str, where, value);
    }
    if (auto* c = dynamic_cast<SchedParser::FstringAtomContext*>(ctx))
      return fstring(c->FSTRING()->getSymbol());
    if (dynamic_cast<SchedParser::TrueAtomContext*>(ctx)) {
      auto e = make(ExprKind::Bool, where, "True");
      std::const_pointer_cast<Expr>(e)->intValue = 1;
      return e;
    }
    if (dynamic_cast<SchedParser::FalseAtomContext*>(ctx))
      return make(ExprKind::Bool, where, "False");
    return make(ExprKind::None, where, "None");
  }

  // f"y[0:{TILE}, 0:{TILE}]" -> FStr with parts Str("y[0:"), <TILE>, Str(", 0:"), ...
  ExprPtr fstring(antlr4::Token* token) {
    SrcLoc where = loc(token);
    std::string body = stringBody(token->getText());
    std::vector<ExprPtr> parts;
    std::string literal;
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if (c == '{' && i + 1 < body.size() && body[i + 1] == '{') {
        literal += '{';
        ++i;
      } else if (c == '}' && i + 1 < body.size() && body[i + 1] == '}') {
        literal += '}';
        ++i;
      } else if (c == '{') {
        size_t close = body.find('}', i);
        if (close == std::string::npos)
          throw CompileError(where, "f-string: expecting '}'");
        if (!literal.empty())
          parts.push_back(make(ExprKind::Str, where, unescape(literal, where)));
        literal.clear();
        SrcLoc holeLoc = where;
        holeLoc.col += static_cast<uint32_t>(i + 3); // f, quote, brace
        parts.push_back(parseExpression(body.substr(i + 1, close - i - 1), holeLoc));
        i = close;
      } else if (c == '}') {
        throw CompileError(where, "f-string: single '}' is not allowed");
      } else {
        literal += c;
      }
    }
    if (!literal.empty())
      parts.push_back(make(ExprKind::Str, where, unescape(literal, where)));
    return make(ExprKind::FStr, where, {}, std::move(parts));
  }

private:
  const IndentingLexer& lexer_;
};

// ANTLR's input stream decodes UTF-8 and throws a plain exception on a bad
// sequence, so the text is checked first and a bad byte is a located error.
const std::string& checkedUtf8(const std::string& text,
                               const std::shared_ptr<const std::string>& file,
                               uint32_t lineOffset) {
  uint32_t line = lineOffset + 1, col = 1;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80           ? 1
                    : (byte >> 5) == 0x6  ? 2
                    : (byte >> 4) == 0xE  ? 3
                    : (byte >> 3) == 0x1E ? 4
                                          : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid && length > 1) {
      // no overlong forms, surrogates or code points above U+10FFFF
      uint32_t cp = byte & (0x7F >> length);
      for (size_t k = 1; k < length; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= smallest[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!valid) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      throw CompileError(SrcLoc{file, line, col},
                         std::string("invalid UTF-8 in source file (byte ") + hex + ")");
    }
    if (byte == '\n') {
      ++line;
      col = 1;
    } else
      ++col;
    i += length;
  }
  return text;
}

struct ParseSession {
  ParseSession(const std::string& text, std::shared_ptr<const std::string> file,
               uint32_t lineOffset, uint32_t colOffset)
      : input(checkedUtf8(text, file, lineOffset)),
        lexer(&input, std::move(file), lineOffset, colOffset), tokens(&lexer), parser(&tokens),
        listener(lexer) {
    lexer.removeErrorListeners();
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
  }

  antlr4::ANTLRInputStream input;
  IndentingLexer lexer;
  antlr4::CommonTokenStream tokens;
  SchedParser parser;
  ThrowingErrorListener listener;
};

} // namespace

syntax::File parseFile(const std::string& path, const std::string& text) {
  ParseSession session(text, std::make_shared<const std::string>(path), 0, 0);
  auto* tree = session.parser.file_input();
  SyntaxBuilder builder(session.lexer);
  syntax::File file;
  file.path = path;
  for (auto* item : tree->item())
    file.items.push_back(builder.item(item));
  return file;
}

syntax::Block parseStatements(const std::string& text, const SrcLoc& where) {
  ParseSession session(text + "\n", where.file, where.line ? where.line - 1 : 0,
                       where.col ? where.col : 0);
  auto* tree = session.parser.pattern_input();
  SyntaxBuilder builder(session.lexer);
  syntax::Block out;
  for (auto* s : tree->stmt())
    builder.stmt(s, out);
  return out;
}

syntax::ExprPtr parseExpression(const std::string& text, const SrcLoc& where) {
  ParseSession session(text, where.file, where.line ? where.line - 1 : 0,
                       where.col ? where.col - 1 : 0);
  auto* tree = session.parser.expr_input();
  SyntaxBuilder builder(session.lexer);
  return builder.expr(tree->expr());
}

} // namespace schedc
