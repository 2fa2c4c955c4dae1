// The IR simplifier (passes/Simplify.h): constant folding, the canonical
// affine order, floor division and modulo decided from loop ranges or the
// solver, the data rules (integers fold, floats do not), constant branches,
// and statement identities kept.
#include "frontend/Frontend.h"
#include "ir/Printer.h"
#include "passes/ProcEdit.h"
#include "passes/Simplify.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

using namespace schedc;

namespace {

// ------------------------------------------------------------ builders

struct Vars {
  Sym i = Sym::fresh("i"), j = Sym::fresh("j"), io = Sym::fresh("io"), ii = Sym::fresh("ii");
  Sym n = Sym::fresh("N");
  Sym x = Sym::fresh("x"); // f32 data
  Sym a = Sym::fresh("a"); // i32 data
};

Expr var(const Sym& s) {
  return Read::make(s, {}, ScalarType::Index);
}
Expr size(const Sym& s) {
  return Read::make(s, {}, ScalarType::Size);
}
Expr num(int64_t v) {
  return Const::makeInt(v);
}
Expr add(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Add, a, b);
}
Expr sub(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Sub, a, b);
}
Expr mul(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Mul, a, b);
}
Expr div(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Div, a, b);
}
Expr mod(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Mod, a, b);
}
Expr neg(Expr a) {
  return UnOp::make(UnOpKind::Neg, a);
}
Expr f32(double v) {
  return Const::makeFloat(v, ScalarType::F32);
}
Expr i32(int64_t v) {
  return Const::makeInt(v, {}, ScalarType::I32);
}
// `op` on data of type t (as the frontend types data arithmetic).
Expr data(BinOpKind op, Expr a, Expr b, ScalarType t) {
  return std::make_shared<BinOp>(op, a, b, t, SrcLoc{});
}

std::string simplified(const Expr& e, const SimplifyContext& context = {}) {
  return printExpr(simplifyExpr(e, context));
}

// ------------------------------------------------------------ index arithmetic

TEST(Simplify, FoldsConstants) {
  EXPECT_EQ(simplified(sub(mul(add(num(2), num(3)), num(4)), num(1))), "19");
  EXPECT_EQ(simplified(div(num(-7), num(2))), "-4"); // floor semantics
  EXPECT_EQ(simplified(mod(num(-7), num(2))), "1");
}

TEST(Simplify, CollectsLikeTermsInOrderOfFirstAppearance) {
  Vars v;
  // i + 2*j + i - j + 3 - 3  ->  2 * i + j
  Expr e = sub(add(add(add(var(v.i), mul(num(2), var(v.j))), var(v.i)), var(v.j)), num(0));
  e = add(sub(e, mul(var(v.j), num(2))), sub(num(3), num(3)));
  EXPECT_EQ(simplified(e), "2 * i + j");
  // The constant goes last; coefficients are written first.
  EXPECT_EQ(simplified(add(add(num(4), mul(var(v.io), num(4))), var(v.ii))), "4 * io + ii + 4");
  EXPECT_EQ(simplified(add(var(v.ii), add(mul(num(4), var(v.io)), num(4)))), "ii + 4 * io + 4");
}

TEST(Simplify, WritesNegativeTermsAsSubtraction) {
  Vars v;
  EXPECT_EQ(simplified(add(sub(num(0), var(v.i)), var(v.j))), "-i + j");
  EXPECT_EQ(simplified(sub(var(v.j), mul(num(2), var(v.i)))), "j - 2 * i");
  EXPECT_EQ(simplified(sub(var(v.i), num(1))), "i - 1");
  EXPECT_EQ(simplified(mul(num(-3), var(v.i))), "-3 * i");
}

TEST(Simplify, DropsNeutralAndZeroTerms) {
  Vars v;
  EXPECT_EQ(simplified(mul(var(v.i), num(1))), "i");
  EXPECT_EQ(simplified(add(var(v.i), num(0))), "i");
  EXPECT_EQ(simplified(add(var(v.i), mul(var(v.j), num(0)))), "i");
  EXPECT_EQ(simplified(sub(var(v.i), var(v.i))), "0");
  EXPECT_EQ(simplified(neg(neg(var(v.i)))), "i");
}

TEST(Simplify, KeepsNonAffineProductsAsAtoms) {
  Vars v;
  Expr nn = mul(size(v.n), size(v.n));
  EXPECT_EQ(simplified(add(nn, sub(nn, size(v.n)))), "2 * (N * N) - N");
}

TEST(Simplify, LeavesAnUnchangedExpressionAsTheSameNode) {
  Vars v;
  Expr e = add(mul(num(4), var(v.io)), var(v.ii));
  EXPECT_EQ(simplifyExpr(e), e);
}

TEST(Simplify, GivesUpOnOverflowInsteadOfWrapping) {
  Vars v;
  Expr e = add(add(var(v.i), num(std::numeric_limits<int64_t>::max())), num(1));
  EXPECT_EQ(simplifyExpr(e), e);
}

// ------------------------------------------------------------ division and modulo

TEST(Simplify, DividesOutMultiplesExactly) {
  Vars v;
  Expr e = add(mul(num(4), var(v.io)), var(v.ii));
  // Without knowing ii's range only the multiple of 4 moves out.
  EXPECT_EQ(simplified(div(e, num(4))), "io + ii / 4");
  EXPECT_EQ(simplified(mod(e, num(4))), "ii % 4");
  EXPECT_EQ(simplified(mod(mul(num(8), var(v.i)), num(4))), "0");
  EXPECT_EQ(simplified(div(mul(num(8), var(v.i)), num(4))), "2 * i");
}

TEST(Simplify, DecidesDivModFromLoopRanges) {
  Vars v;
  SimplifyContext context;
  context.ranges[v.ii.id()] = IntRange{0, 3};
  Expr e = add(mul(num(4), var(v.io)), var(v.ii));
  EXPECT_EQ(simplified(div(e, num(4)), context), "io");
  EXPECT_EQ(simplified(mod(e, num(4)), context), "ii");
  // (4 * io + ii + 4) / 4 == io + 1 when 0 <= ii < 4
  EXPECT_EQ(simplified(div(add(e, num(4)), num(4)), context), "io + 1");
  EXPECT_EQ(simplified(mod(add(e, num(5)), num(4)), context), "(ii + 5) % 4");
  // A range that reaches 4 decides nothing.
  context.ranges[v.ii.id()] = IntRange{0, 4};
  EXPECT_EQ(simplified(div(e, num(4)), context), "io + ii / 4");
}

TEST(Simplify, DecidesDivModFromTheSolver) {
  Vars v;
  Solver solver;
  SolverScope scope(solver);
  z3::expr ii = solver.var(v.ii);
  z3::expr n = solver.var(v.n, ScalarType::Size);
  solver.assume(ii >= 0 && ii < n && n <= 8);
  SimplifyContext context;
  context.solver = &solver;
  Expr e = add(mul(num(8), var(v.io)), var(v.ii));
  EXPECT_EQ(simplified(div(e, num(8)), context), "io");
  EXPECT_EQ(simplified(mod(e, num(8)), context), "ii");
  EXPECT_EQ(simplified(div(e, num(4)), context), "2 * io + ii / 4");
}

TEST(Simplify, CombinesNestedDivisionAndModulo) {
  Vars v;
  EXPECT_EQ(simplified(div(div(var(v.i), num(2)), num(4))), "i / 8");
  EXPECT_EQ(simplified(mod(mod(var(v.i), num(8)), num(4))), "i % 4");
  EXPECT_EQ(simplified(mod(mod(var(v.i), num(6)), num(4))), "i % 6 % 4");
}

// ------------------------------------------------------------ conditions

TEST(Simplify, FoldsDecidedConditions) {
  Vars v;
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::Lt, num(3), num(4))), "True");
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::Gt, add(var(v.i), num(1)), var(v.i))), "True");
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::Eq, var(v.i), var(v.j))), "i == j");
  Expr undecided = BinOp::make(BinOpKind::Lt, var(v.i), size(v.n));
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::And, Const::makeBool(true), undecided)), "i < N");
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::Or, undecided, Const::makeBool(true))), "True");
  EXPECT_EQ(simplified(UnOp::make(UnOpKind::Not, UnOp::make(UnOpKind::Not, undecided))), "i < N");
  EXPECT_EQ(simplified(Select::make(Const::makeBool(false), var(v.i), var(v.j))), "j");
  EXPECT_EQ(simplified(BinOp::make(BinOpKind::Min, add(var(v.i), num(3)), add(num(1), var(v.i)))),
            "i + 1");
}

// ------------------------------------------------------------ data

TEST(Simplify, NeverFoldsFloatData) {
  Vars v;
  Expr x = Read::make(v.x, {var(v.i)}, ScalarType::F32);
  // x * 0.0 is NaN for x = inf; x + 0.0 is 0.0 for x = -0.0.
  Expr times0 = data(BinOpKind::Mul, x, f32(0), ScalarType::F32);
  Expr plus0 = data(BinOpKind::Add, x, f32(0), ScalarType::F32);
  Expr literals = data(BinOpKind::Add, f32(1), f32(2), ScalarType::F32);
  EXPECT_EQ(simplifyExpr(times0), times0);
  EXPECT_EQ(simplifyExpr(plus0), plus0);
  EXPECT_EQ(simplifyExpr(literals), literals);
  // Negation is exact, and the indices inside are index arithmetic.
  Expr shifted = Read::make(v.x, {sub(add(var(v.i), num(1)), num(1))}, ScalarType::F32);
  EXPECT_EQ(simplified(UnOp::make(UnOpKind::Neg, UnOp::make(UnOpKind::Neg, shifted))), "x[i]");
}

TEST(Simplify, FoldsIntegerDataWithCSemantics) {
  Vars v;
  Expr a = Read::make(v.a, {var(v.i)}, ScalarType::I32);
  EXPECT_EQ(simplified(data(BinOpKind::Mul, a, i32(0), ScalarType::I32)), "0");
  EXPECT_EQ(simplified(data(BinOpKind::Add, a, i32(0), ScalarType::I32)), "a[i]");
  EXPECT_EQ(simplified(data(BinOpKind::Mul, i32(1), a, ScalarType::I32)), "a[i]");
  EXPECT_EQ(simplified(data(BinOpKind::Add, i32(2), i32(3), ScalarType::I32)), "5");
  EXPECT_EQ(simplified(data(BinOpKind::Div, i32(-7), i32(2), ScalarType::I32)), "-3"); // truncates
  // Beyond int32, C's arithmetic would overflow: left alone.
  Expr big = data(BinOpKind::Mul, i32(1 << 20), i32(1 << 20), ScalarType::I32);
  EXPECT_EQ(simplifyExpr(big), big);
}

// ------------------------------------------------------------ procs

ProcPtr procFrom(const std::string& source, const std::string& name) {
  FrontendOptions options;
  options.stdlibDir = SCHEDC_STDLIB_DIR;
  Module module = loadModuleFromString(source, "test.sched", options);
  ProcPtr p = module.findProc(name);
  if (!p)
    throw std::runtime_error("no proc " + name);
  return p;
}

TEST(SimplifyProc, UsesLoopRangesAndRemovesConstantBranches) {
  ProcPtr p = procFrom(R"(
proc p(N: size, x: f32[N + 8], y: f32[16]):
    assert N >= 4
    for io in seq(0, 4):
        for ii in seq(0, 4):
            y[(4 * io + ii) / 4 * 4 + (4 * io + ii) % 4] = x[ii + 4 * io - 4 * io + 2 + 3 - 5]
    if 3 < 4:
        y[0 + 0] = x[N - 1 + 1] * 0.0
    else:
        y[1] = 2.0
)",
                       "p");
  ProcPtr s = simplifyProc(*p);
  EXPECT_EQ(printBlock(s->body), "for io in seq(0, 4):\n"
                                 "    for ii in seq(0, 4):\n"
                                 "        y[4 * io + ii] = x[ii]\n"
                                 "y[0] = x[N] * 0.0\n");
  // The loops and the statement inside keep their identities; the statement
  // of the branch taken is the very statement of the if's body.
  EXPECT_EQ(s->body[0]->id, p->body[0]->id);
  EXPECT_EQ(s->body[0]->as<For>()->body[0]->id, p->body[0]->as<For>()->body[0]->id);
  EXPECT_EQ(s->body[1]->id, p->body[1]->as<If>()->body[0]->id);
  EXPECT_EQ(s->preds.size(), 1u);
}

TEST(SimplifyProc, UsesAssertsAndBranchConditions) {
  ProcPtr p = procFrom(R"(
proc p(N: size, y: f32[N]):
    assert N <= 4
    for i in seq(0, N):
        y[(8 + i) / 4 * 4 - 8 + i % 4] = 0.0
    for j in seq(0, 8):
        if j < N:
            y[j % 8 + (j / 4) * 0] = 1.0
)",
                       "p");
  ProcPtr s = simplifyProc(*p);
  EXPECT_EQ(printBlock(s->body), "for i in seq(0, N):\n"
                                 "    y[i] = 0.0\n"
                                 "for j in seq(0, 8):\n"
                                 "    if j < N:\n"
                                 "        y[j] = 1.0\n");
}

TEST(SimplifyProc, LeavesASimpleProcAsItWas) {
  ProcPtr p = procFrom(R"(
proc p(N: size, y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0
)",
                       "p");
  ProcPtr s = simplifyProc(*p);
  ASSERT_EQ(s->body.size(), 1u);
  EXPECT_EQ(s->body[0], p->body[0]);
}

} // namespace
