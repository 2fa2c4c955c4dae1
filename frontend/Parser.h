// Source text to surface syntax tree (ANTLR-generated parser underneath).
#pragma once

#include "ir/Syntax.h"

#include <string>

namespace schedc {

// Parses a whole .sched file. Throws CompileError on a syntax error.
syntax::File parseFile(const std::string& path, const std::string& text);

// Parses statements embedded in a string at `where` (pattern strings such as
// "for i in _:_" or "a = _; b = _"); locations point into the string.
syntax::Block parseStatements(const std::string& text, const SrcLoc& where);

// Parses a single expression embedded at `where` (f-string holes, patterns).
syntax::ExprPtr parseExpression(const std::string& text, const SrcLoc& where);

} // namespace schedc
