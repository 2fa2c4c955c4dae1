// Registration of the expr primitives (each primitive: legality check and
// rewrite side by side, in its own file), and their shared argument helpers.
#include "passes/primitives/ExprPrimitives.h"

#include "passes/Pattern.h"

#include <algorithm>
#include <cctype>

namespace schedc::sched {

void registerExprPrimitives(PrimitiveRegistry& registry) {
  registerSimplifyAndRename(registry);
  registerCommuteExpr(registry);
  registerLeftReassociateExpr(registry);
  registerRewriteExpr(registry);
  registerBindExpr(registry);
  registerMergeWrites(registry);
  registerSplitWrite(registry);
  registerFoldIntoReduce(registry);
  registerInlineAssign(registry);
  registerLiftReduceConstant(registry);
}

namespace {

// Program order: an enclosing statement before what it holds, a body before
// its else branch, earlier positions first.
bool stepLess(const Step& a, const Step& b) {
  if (a.branch != b.branch)
    return a.branch == Branch::Body;
  return a.index < b.index;
}

bool exprRefLess(const ExprRef& a, const ExprRef& b) {
  if (a.stmt != b.stmt)
    return std::lexicographical_compare(a.stmt.begin(), a.stmt.end(), b.stmt.begin(), b.stmt.end(),
                                        stepLess);
  return a.path < b.path;
}

} // namespace

std::vector<ExprRef> exprArgs(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                              const std::string& directive) {
  std::vector<ExprRef> refs;
  if (const std::vector<Value>* items = v.sequenceItems()) {
    for (const Value& item : *items)
      refs.push_back(exprArg(state, item, argLoc, directive));
  } else if (v.isStr()) {
    PatternMatches m = matchPattern(state.proc(), v.asStr(), argLoc);
    if (!m.isExpr)
      throw DirectiveRefused(argLoc, directive + ": pattern '" + v.asStr() +
                                         "' names a statement, not an expression");
    if (m.occurrence) // "#n": that one match only, as exprArg picks it
      return {exprArg(state, v, argLoc, directive)};
    for (const ExprMatch& e : m.exprs)
      refs.push_back(ExprRef{e.stmt, e.path, exprAt(stmtAt(state.proc(), e.stmt), e.path)});
  } else {
    refs.push_back(exprArg(state, v, argLoc, directive));
  }
  if (refs.empty())
    throw DirectiveRefused(argLoc, directive + ": no expression given");
  std::stable_sort(refs.begin(), refs.end(), exprRefLess);
  refs.erase(std::unique(refs.begin(), refs.end(),
                         [](const ExprRef& a, const ExprRef& b) {
                           return a.stmt == b.stmt && a.path == b.path;
                         }),
             refs.end());
  return refs;
}

std::string nameArg(const Value& v, const SrcLoc& argLoc, const std::string& directive) {
  const std::string& name = v.requireStr(argLoc, "the name");
  bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name)
    valid &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  if (!valid)
    throw DirectiveRefused(argLoc, directive + ": expected a valid name, got '" + name + "'");
  return name;
}

bool fastMathArg(const Value& v, const SrcLoc& argLoc) {
  return v.requireBool(argLoc, "fast_math");
}

std::string operationWord(BinOpKind op, ScalarType type) {
  const char* what = op == BinOpKind::Add   ? "addition"
                     : op == BinOpKind::Mul ? "multiplication"
                                            : binOpSpelling(op);
  return typeName(type) + " " + what;
}

Expr remakeBinOp(BinOpKind op, const Expr& a, const Expr& b, ScalarType type, const SrcLoc& loc) {
  if (isNumeric(type))
    return std::make_shared<BinOp>(op, a, b, type, loc);
  return BinOp::make(op, a, b, loc);
}

} // namespace schedc::sched
