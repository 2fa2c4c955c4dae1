// The expression and write primitives, one file each, and the argument
// conversions they share. registerExprPrimitives (ExprPrimitives.cpp)
// registers them all.
#pragma once

#include "passes/Scheduling.h"

#include <string>
#include <vector>

namespace schedc::sched {

void registerSimplifyAndRename(PrimitiveRegistry& registry); // simplify, rename
void registerCommuteExpr(PrimitiveRegistry& registry);
void registerLeftReassociateExpr(PrimitiveRegistry& registry);
void registerRewriteExpr(PrimitiveRegistry& registry);
void registerBindExpr(PrimitiveRegistry& registry);
void registerMergeWrites(PrimitiveRegistry& registry);
void registerSplitWrite(PrimitiveRegistry& registry);
void registerFoldIntoReduce(PrimitiveRegistry& registry);
void registerInlineAssign(PrimitiveRegistry& registry);
void registerLiftReduceConstant(PrimitiveRegistry& registry);

// Several expressions (Exo's ExprCursorA(many=True) and ListOrElemA): a list
// or tuple of cursors or patterns, a pattern string (every match, or only
// the "#n"-th), or one cursor. In program order, each expression once.
std::vector<ExprRef> exprArgs(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                              const std::string& directive);

// A name for something new (Exo's NameA): an identifier.
std::string nameArg(const Value& v, const SrcLoc& argLoc, const std::string& directive);

// The `fast_math` keyword: whether a float rewrite that may round
// differently is allowed.
bool fastMathArg(const Value& v, const SrcLoc& argLoc);

// "f32 addition": how refusals about float rounding name an operation.
std::string operationWord(BinOpKind op, ScalarType type);

// `a op b` with the type given (data) or computed (index).
Expr remakeBinOp(BinOpKind op, const Expr& a, const Expr& b, ScalarType type, const SrcLoc& loc);

} // namespace schedc::sched
