// Building blocks of the loop rewrites: index arithmetic that folds
// constants, substitution of control variables, copies of code with fresh
// binders, and the idempotence test of add_loop and divide_with_recompute.
#pragma once

#include "ir/IR.h"
#include "passes/ProcEdit.h"
#include "passes/Solver.h"

#include <map>
#include <optional>
#include <string>

namespace schedc::sched {

// ------------------------------------------------------------ arithmetic

// Index arithmetic as a rewrite writes it, with the obvious folding (two
// constants, `+ 0`, `* 1`) so that results read like hand-written code.
// `/` and `%` have floor semantics, as everywhere in the language.
Expr intConst(int64_t value, const SrcLoc& loc = {});
Expr varRead(const Sym& var, const SrcLoc& loc = {});
Expr addE(const Expr& a, const Expr& b);
Expr subE(const Expr& a, const Expr& b);
Expr mulE(const Expr& a, const Expr& b);
Expr divE(const Expr& a, const Expr& b);
Expr modE(const Expr& a, const Expr& b);
Expr cmpE(BinOpKind op, const Expr& a, const Expr& b);

// Folds `e` one level (its children are taken as they are): the same rules,
// for a node a rewrite has just rebuilt. Data arithmetic is left alone.
Expr foldNode(const Expr& e);

// The value of an integer constant expression (after folding), if it is one.
std::optional<int64_t> constValue(const Expr& e);

// ------------------------------------------------------------ rewriting

// Replaces reads of control variables (Sym id -> expression) in a block.
// Rebuilt statements keep their identity; untouched ones are shared.
Block substitute(const Block& block, const std::map<uint64_t, Expr>& replacements);

// A copy of `block` for a second place in the proc: every statement is a new
// node with a new identity, every binder inside (loop variables,
// allocations, window bindings) a new Sym of the same name, and control
// variables are replaced as in substitute().
Block freshCopy(const Block& block, const std::map<uint64_t, Expr>& replacements = {});

// `proc` with statements [begin, end) of block `where` replaced; a block that
// would become empty gets a `pass` (blocks are never empty).
ProcPtr replaceInBlock(const Proc& proc, const BlockLoc& where, size_t begin, size_t end,
                       Block replacement);

// ------------------------------------------------------------ effects

// Why running `stmts` (standing where statement `at` stands) twice in a row
// might not leave the same state as running them once, or nothing when it
// provably would: Exo's idempotence, decided per location by the dependence
// analysis (passes/Dependence.h, checkIdempotent): nothing the statements
// write or reduce into is read or reduced by them, also across iterations
// of loops inside them. Buffers allocated inside are fresh in each run.
std::optional<std::string> idempotenceProblem(const Proc& proc, Solver& solver, const Path& at,
                                              const Block& stmts);

} // namespace schedc::sched
