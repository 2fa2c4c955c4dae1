// IR back to source syntax (`--print`, diagnostics, the round-trip tests).
//
// The output is the language's own syntax and parses back to an equal proc
// (see ir/Equality.h): parentheses only where precedence needs them, every
// data argument and allocation with an explicit `@ MEM`, floats with the
// shortest spelling that reads back to the same double.
//
// Names: a Sym prints as its name, except that a binder whose name is already
// taken by another binder in scope (shadowing, or two same-named Syms after a
// rewrite) prints with the first free suffix `_1`, `_2`, ..., and so do all of
// its uses. Printed names are therefore never shadowed, and re-parsing binds
// every use to the right binder. Syms used but not bound in the printed
// fragment (printStmt of an inner statement) keep their plain names, and
// binders inside the fragment avoid those names.
#pragma once

#include "ir/IR.h"

#include <string>

namespace schedc {

std::string printExpr(const Expr& e);

// `indent` counts levels of 4 spaces. Every line ends with a newline.
std::string printStmt(const Stmt& s, int indent = 0);
// An empty block prints as `pass`.
std::string printBlock(const Block& b, int indent = 0);

// The whole definition: `proc NAME(args):` (`private proc`, or `instr` with its
// `c:`/`asm:` template lines first), then the `assert` lines, then the body.
std::string printProc(const Proc& p);

// One argument as in a proc header, e.g. `A: f32[N, M] @ DRAM`.
std::string printArg(const FnArg& arg);

// Spellings shared with other printers (diagnostics, C comments).
std::string printFloatLiteral(double value);          // `0.0`, `1.5`, `1.0e+20`
std::string printStringLiteral(const std::string& s); // `'it\'s'`

} // namespace schedc
