// Bounds proofs (passes/BoundsCheck) and the z3 Solver underneath, on IR
// built by hand: procs that must be accepted, and refusals whose message
// names the buffer, the dimension and a counterexample at the right place.
#include "passes/BoundsCheck.h"
#include "passes/Solver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <regex>

using namespace schedc;

namespace {

// ----------------------------------------------------------- measurements

// Solver time over the whole binary, printed at the end (for tuning the
// timeout and spotting slow query shapes).
struct SolverTotals {
  unsigned queries = 0;
  double totalMs = 0;
  double slowestMs = 0;
  std::string slowestGoal;

  void add(const Solver::Stats& s) {
    queries += s.queries;
    totalMs += s.totalMs;
    if (s.slowestMs > slowestMs) {
      slowestMs = s.slowestMs;
      slowestGoal = s.slowestGoal;
    }
  }
};
SolverTotals totals;

class SolverTotalsReport : public ::testing::Environment {
public:
  void TearDown() override {
    std::printf("[solver] %u queries, %.1f ms in z3, slowest %.1f ms: %s\n", totals.queries,
                totals.totalMs, totals.slowestMs, totals.slowestGoal.c_str());
  }
};
[[maybe_unused]] ::testing::Environment* const kReport =
    ::testing::AddGlobalTestEnvironment(new SolverTotalsReport);

// ------------------------------------------------------------ IR builders

const auto kFile = std::make_shared<const std::string>("test.sched");
SrcLoc at(uint32_t line, uint32_t col) {
  return SrcLoc{kFile, line, col};
}

Expr lit(int64_t value) {
  return Const::makeInt(value);
}
Expr flit(double value) {
  return Const::makeFloat(value, ScalarType::F32);
}
Expr idx(const Sym& s) {
  return Read::make(s, {}, ScalarType::Index);
}
Expr size(const Sym& s) {
  return Read::make(s, {}, ScalarType::Size);
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
Expr lt(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Lt, a, b);
}
Expr le(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Le, a, b);
}
Expr gt(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Gt, a, b);
}
Expr ge(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Ge, a, b);
}
Expr eq(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Eq, a, b);
}
Expr ne(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Ne, a, b);
}
Expr land(Expr a, Expr b) {
  return BinOp::make(BinOpKind::And, a, b);
}

Expr read(const Sym& buffer, std::vector<Expr> indices, SrcLoc loc = {},
          ScalarType type = ScalarType::F32) {
  return Read::make(buffer, std::move(indices), type, std::move(loc));
}
WindowIndex point(Expr i) {
  return WindowIndex{std::move(i), nullptr};
}
WindowIndex interval(Expr lo, Expr hi) {
  return WindowIndex{std::move(lo), std::move(hi)};
}
Expr window(const Sym& buffer, std::vector<WindowIndex> coords, SrcLoc loc = {},
            ScalarType type = ScalarType::F32) {
  return WindowExpr::make(buffer, std::move(coords), type, std::move(loc));
}

Stmt assign(const Sym& buffer, std::vector<Expr> indices, Expr rhs, SrcLoc loc = {},
            ScalarType type = ScalarType::F32) {
  return Assign::make(buffer, type, std::move(indices), std::move(rhs), std::move(loc));
}
Stmt reduce(const Sym& buffer, std::vector<Expr> indices, Expr rhs, SrcLoc loc = {},
            ScalarType type = ScalarType::F32) {
  return Assign::makeReduce(buffer, type, std::move(indices), std::move(rhs), std::move(loc));
}
Stmt loop(const Sym& iter, Expr lo, Expr hi, Block body) {
  return For::make(iter, std::move(lo), std::move(hi), std::move(body));
}

FnArg sizeArg(const Sym& s) {
  return FnArg{s, ScalarType::Size, {}, false, "DRAM", {}};
}
FnArg tensorArg(const Sym& s, std::vector<Expr> shape, ScalarType type = ScalarType::F32,
                SrcLoc loc = {}) {
  return FnArg{s, type, std::move(shape), false, "DRAM", std::move(loc)};
}
FnArg windowArg(const Sym& s, std::vector<Expr> shape, ScalarType type = ScalarType::F32,
                std::string mem = "DRAM") {
  return FnArg{s, type, std::move(shape), true, std::move(mem), {}};
}

Proc makeProc(std::string name, std::vector<FnArg> args, std::vector<Expr> preds, Block body) {
  Proc p;
  p.name = std::move(name);
  p.args = std::move(args);
  p.preds = std::move(preds);
  p.body = std::move(body);
  return p;
}

// --------------------------------------------------------------- checking

void check(const Proc& p) {
  Module module;
  Solver solver;
  try {
    checkBounds(p, module, solver);
  } catch (...) {
    totals.add(solver.stats());
    throw;
  }
  totals.add(solver.stats());
}

// The refusal of p (fails the test if p is accepted).
CompileError refusal(const Proc& p) {
  try {
    check(p);
  } catch (const CompileError& e) {
    return e;
  }
  ADD_FAILURE() << "proc " << p.name << " was accepted";
  return CompileError({}, "accepted");
}

// "j = 15, stride(A, 0) = 4" -> {j: 15, stride(A, 0): 4}.
std::map<std::string, int64_t> parseExample(const std::string& text) {
  static const std::regex binding(R"(([A-Za-z_][\w#]*(\([^)]*\))?) = (-?[0-9]+))");
  std::map<std::string, int64_t> values;
  for (auto m = std::sregex_iterator(text.begin(), text.end(), binding);
       m != std::sregex_iterator(); ++m)
    values[(*m)[1]] = std::stoll((*m)[3]);
  return values;
}

// Splits "<prefix>, e.g. when <example>" and checks the prefix.
std::map<std::string, int64_t> exampleAfter(const std::string& message, const std::string& prefix) {
  const std::string marker = ", e.g. when ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  EXPECT_EQ(message.substr(prefix.size(), marker.size()), marker) << message;
  return parseExample(message.substr(prefix.size() + marker.size()));
}

// ================================================================= Solver

TEST(Solver, ProvesFloorDivisionOfASplitIndex) {
  Solver solver;
  Sym i = Sym::fresh("i"), j = Sym::fresh("j");
  solver.assume(le(lit(0), idx(i)));
  solver.assume(lt(idx(i), lit(4)));
  solver.assume(le(lit(0), idx(j)));
  EXPECT_TRUE(solver.prove(eq(div(add(mul(lit(4), idx(j)), idx(i)), lit(4)), idx(j))));
  EXPECT_TRUE(solver.prove(eq(mod(add(mul(lit(4), idx(j)), idx(i)), lit(4)), idx(i))));
  EXPECT_FALSE(solver.prove(eq(div(add(mul(lit(4), idx(j)), idx(i)), lit(4)), idx(i))));
  totals.add(solver.stats());
}

TEST(Solver, DivisionAndModuloRoundTowardsMinusInfinity) {
  Solver solver;
  EXPECT_TRUE(solver.prove(eq(div(lit(-7), lit(2)), lit(-4))));
  EXPECT_TRUE(solver.prove(eq(mod(lit(-7), lit(2)), lit(1))));
  EXPECT_TRUE(solver.prove(eq(div(lit(7), lit(-2)), lit(-4))));
  EXPECT_TRUE(solver.prove(eq(mod(lit(7), lit(-2)), lit(-1))));
  // The same with a divisor that is not a literal.
  Sym d = Sym::fresh("d");
  solver.assume(eq(idx(d), lit(-2)));
  EXPECT_TRUE(solver.prove(eq(div(lit(7), idx(d)), lit(-4))));
  EXPECT_TRUE(solver.prove(eq(mod(lit(7), idx(d)), lit(-1))));
  totals.add(solver.stats());
}

TEST(Solver, DivisionByAConstantZeroIsRefused) {
  Solver solver;
  Sym i = Sym::fresh("i");
  EXPECT_THROW(solver.toZ3(div(idx(i), sub(lit(2), lit(2)))), CompileError);
  EXPECT_THROW(solver.toZ3(mod(idx(i), lit(0))), CompileError);
}

TEST(Solver, CounterexampleNamesTheGoalsVariablesSortedByName) {
  Solver solver;
  Sym i = Sym::fresh("i"), n = Sym::fresh("N"), unrelated = Sym::fresh("k");
  solver.assume(eq(size(n), lit(16)));
  solver.assume(le(lit(0), idx(i)));
  solver.assume(lt(idx(i), size(n)));
  solver.assume(eq(idx(unrelated), lit(3)));
  EXPECT_FALSE(solver.prove(lt(add(idx(i), lit(1)), size(n))));
  EXPECT_FALSE(solver.lastUndecided());
  EXPECT_EQ(solver.counterexample(), "i = 15, N = 16");
  totals.add(solver.stats());
}

TEST(Solver, CounterexampleShowsNegativeValuesAndStrides) {
  Solver solver;
  Sym i = Sym::fresh("i"), a = Sym::fresh("A");
  solver.assume(eq(idx(i), lit(-1)));
  solver.assume(eq(StrideExpr::make(a, 1), lit(4)));
  EXPECT_FALSE(solver.prove(ge(add(idx(i), StrideExpr::make(a, 1)), lit(4))));
  EXPECT_EQ(solver.counterexample(), "i = -1, stride(A, 1) = 4");
  totals.add(solver.stats());
}

TEST(Solver, SameSpellingDifferentSymbolsStayApart) {
  Solver solver;
  Sym outer = Sym::fresh("i"), inner = Sym::fresh("i");
  solver.assume(eq(idx(outer), lit(1)));
  solver.assume(eq(idx(inner), lit(2)));
  EXPECT_FALSE(solver.prove(eq(idx(outer), idx(inner))));
  std::string example = solver.counterexample();
  EXPECT_EQ(example,
            "i#" + std::to_string(outer.id()) + " = 1, i#" + std::to_string(inner.id()) + " = 2");
  totals.add(solver.stats());
}

TEST(Solver, ScopesForgetTheirAssumptions) {
  Solver solver;
  Sym i = Sym::fresh("i");
  {
    SolverScope scope(solver);
    solver.assume(lt(idx(i), lit(4)));
    EXPECT_TRUE(solver.prove(lt(idx(i), lit(5))));
    EXPECT_EQ(solver.numScopes(), 1u);
  }
  EXPECT_EQ(solver.numScopes(), 0u);
  EXPECT_FALSE(solver.prove(lt(idx(i), lit(5))));
  totals.add(solver.stats());
}

TEST(Solver, BindingsRestateACalleesTermsAtTheCallSite) {
  Solver solver;
  Sym n = Sym::fresh("n"), x = Sym::fresh("x"), callerN = Sym::fresh("N");
  SolverBindings bindings;
  bindings.vars.emplace(n.id(), solver.toZ3(sub(size(callerN), lit(8))));
  bindings.strides.emplace(std::pair{x.id(), 0}, solver.intVal(1));
  solver.assume(ge(size(callerN), lit(9)));
  EXPECT_TRUE(solver.prove(solver.toZ3(ge(size(n), lit(1)), bindings)));
  EXPECT_TRUE(solver.prove(solver.toZ3(eq(StrideExpr::make(x, 0), lit(1)), bindings)));
  EXPECT_FALSE(solver.prove(solver.toZ3(ge(size(n), lit(2)), bindings)));
  EXPECT_EQ(solver.counterexample(), "N = 9");
  totals.add(solver.stats());
}

TEST(Solver, RefusesDataInIndexArithmetic) {
  Solver solver;
  Sym x = Sym::fresh("x"), i = Sym::fresh("i");
  Expr dataRead = read(x, {idx(i)}, at(3, 7));
  EXPECT_FALSE(Solver::isTranslatable(dataRead));
  EXPECT_FALSE(Solver::isTranslatable(Read::make(x, {}, ScalarType::F32)));
  EXPECT_FALSE(Solver::isTranslatable(flit(1.5)));
  EXPECT_TRUE(Solver::isTranslatable(land(lt(idx(i), lit(3)), eq(StrideExpr::make(x, 0), lit(1)))));
  try {
    solver.toZ3(add(idx(i), dataRead));
    FAIL() << "a data read was translated";
  } catch (const CompileError& e) {
    EXPECT_EQ(e.loc().line, 3u);
    EXPECT_EQ(e.loc().col, 7u);
    EXPECT_NE(e.message().find("non-affine index expression"), std::string::npos);
  }
}

TEST(Solver, NonlinearGoalsAreProvedOrGiveUpWithinTheTimeout) {
  Solver solver(/*timeoutMs=*/300);
  Sym i = Sym::fresh("i"), j = Sym::fresh("j"), n = Sym::fresh("N");
  // i * j < N * N for 0 <= i, j < N: nonlinear but easy.
  solver.assume(le(lit(0), idx(i)));
  solver.assume(lt(idx(i), size(n)));
  solver.assume(le(lit(0), idx(j)));
  solver.assume(lt(idx(j), size(n)));
  EXPECT_TRUE(solver.prove(lt(mul(idx(i), idx(j)), mul(size(n), size(n)))));
  // x^3 + y^3 != z^3 holds (Fermat) but is out of z3's reach: "unknown".
  Sym x = Sym::fresh("x"), y = Sym::fresh("y"), z = Sym::fresh("z");
  auto cube = [](const Sym& s) { return mul(mul(idx(s), idx(s)), idx(s)); };
  solver.assume(ge(idx(x), lit(1)));
  solver.assume(ge(idx(y), lit(1)));
  solver.assume(ge(idx(z), lit(1)));
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(solver.prove(ne(add(cube(x), cube(y)), cube(z))));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(solver.lastUndecided());
  EXPECT_EQ(solver.counterexample().rfind("could not decide (", 0), 0u) << solver.counterexample();
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(solver.stats().undecided, 1u);
}

// ================================================================= conv1d

// proc generic_conv1d(data: i32[IC, N], kernels: i32[OC, IC, W], out: i32[OC, N])
// from examples/conv1d_rvm.sched (consts N = 16, IC = 4, W = 4, OC = 16),
// with or without the `if j + r < N` guard around the read of data.
Proc conv1d(bool guarded) {
  const int64_t N = 16, IC = 4, W = 4, OC = 16;
  const ScalarType i32 = ScalarType::I32;
  Sym data = Sym::fresh("data"), kernels = Sym::fresh("kernels"), out = Sym::fresh("out");
  Sym i = Sym::fresh("i"), j = Sym::fresh("j"), c = Sym::fresh("c"), r = Sym::fresh("r");
  Sym y = Sym::fresh("y");

  Stmt load =
      assign(y, {}, read(data, {idx(c), add(idx(j), idx(r))}, at(22, 29), i32), at(22, 25), i32);
  Stmt guardedLoad = If::make(lt(add(idx(j), idx(r)), lit(N)), {load},
                              {assign(y, {}, lit(0), at(24, 25), i32)}, at(21, 21));
  Block rBody = {
      Alloc::make(y, i32, {}, "DRAM", at(20, 21)),
      guarded ? guardedLoad : load,
      reduce(out, {idx(i), idx(j)},
             BinOp::make(BinOpKind::Mul, read(kernels, {idx(i), idx(c), idx(r)}, at(25, 36), i32),
                         Read::make(y, {}, i32)),
             at(25, 21), i32),
  };
  Block jBody = {
      assign(out, {idx(i), idx(j)}, lit(0), at(17, 13), i32),
      loop(c, lit(0), lit(IC), {loop(r, lit(0), lit(W), rBody)}),
  };
  return makeProc("generic_conv1d",
                  {tensorArg(data, {lit(IC), lit(N)}, i32, at(14, 22)),
                   tensorArg(kernels, {lit(OC), lit(IC), lit(W)}, i32),
                   tensorArg(out, {lit(OC), lit(N)}, i32)},
                  {}, {loop(i, lit(0), lit(OC), {loop(j, lit(0), lit(N), jBody)})});
}

TEST(BoundsCheck, AcceptsConv1dWithItsGuard) {
  EXPECT_NO_THROW(check(conv1d(true)));
}

TEST(BoundsCheck, RefusesConv1dWithoutTheGuard) {
  CompileError e = refusal(conv1d(false));
  EXPECT_EQ(*e.loc().file, "test.sched");
  EXPECT_EQ(e.loc().line, 22u);
  EXPECT_EQ(e.loc().col, 29u);
  auto example = exampleAfter(e.message(), "out-of-bounds access: index 'j + r' of 'data' "
                                           "(dimension 1, extent 16) may be out of bounds");
  ASSERT_EQ(example.size(), 2u) << e.message();
  EXPECT_GE(example["j"] + example["r"], 16) << e.message();
  EXPECT_LT(example["j"], 16);
  EXPECT_LT(example["r"], 4);
  ASSERT_EQ(e.notes().size(), 1u);
  EXPECT_EQ(e.notes()[0].message, "'data' is declared here");
  EXPECT_EQ(e.notes()[0].loc.line, 14u);
}

// =================================================================== gemv

// proc gemv(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]), split by 8:
//     assert N % 8 == 0                      (if withAssert)
//     for io in seq(0, outerHi):
//         for ii in seq(0, 8):
//             y[8 * io + ii] = 0.0
//             for j in seq(0, M):
//                 y[8 * io + ii] += A[8 * io + ii, j] * x[j]
Proc gemvSplit(bool withAssert, bool roundUp) {
  Sym n = Sym::fresh("N"), m = Sym::fresh("M"), a = Sym::fresh("A"), x = Sym::fresh("x"),
      y = Sym::fresh("y");
  Sym io = Sym::fresh("io"), ii = Sym::fresh("ii"), j = Sym::fresh("j");
  Expr row = add(mul(lit(8), idx(io)), idx(ii));
  Expr outerHi = roundUp ? div(add(size(n), lit(7)), lit(8)) : div(size(n), lit(8));
  Block iiBody = {
      assign(y, {row}, flit(0.0), at(5, 13)),
      loop(j, lit(0), size(m),
           {reduce(y, {row},
                   BinOp::make(BinOpKind::Mul, read(a, {row, idx(j)}, at(7, 37)),
                               read(x, {idx(j)}, at(7, 55))),
                   at(7, 17))}),
  };
  std::vector<Expr> preds;
  if (withAssert)
    preds.push_back(eq(mod(size(n), lit(8)), lit(0)));
  return makeProc("gemv",
                  {sizeArg(n), sizeArg(m), tensorArg(a, {size(n), size(m)}),
                   tensorArg(x, {size(m)}), tensorArg(y, {size(n)})},
                  preds, {loop(io, lit(0), outerHi, {loop(ii, lit(0), lit(8), iiBody)})});
}

TEST(BoundsCheck, AcceptsGemvSplitWithTheAssert) {
  EXPECT_NO_THROW(check(gemvSplit(/*withAssert=*/true, /*roundUp=*/false)));
  EXPECT_NO_THROW(check(gemvSplit(/*withAssert=*/true, /*roundUp=*/true)));
}

TEST(BoundsCheck, AcceptsGemvSplitRoundingDownWithoutAssert) {
  // seq(0, N / 8) rounds down: it may skip rows, but never leaves y.
  EXPECT_NO_THROW(check(gemvSplit(/*withAssert=*/false, /*roundUp=*/false)));
}

TEST(BoundsCheck, RefusesGemvSplitRoundingUpWithoutAssert) {
  CompileError e = refusal(gemvSplit(/*withAssert=*/false, /*roundUp=*/true));
  EXPECT_EQ(e.loc().line, 5u);
  EXPECT_EQ(e.loc().col, 13u);
  auto example = exampleAfter(e.message(), "out-of-bounds access: index '8 * io + ii' of 'y' "
                                           "(dimension 0, extent N) may be out of bounds");
  ASSERT_EQ(example.size(), 3u) << e.message();
  EXPECT_GE(8 * example["io"] + example["ii"], example["N"]) << e.message();
  EXPECT_NE(example["N"] % 8, 0) << e.message();
}

TEST(BoundsCheck, RefusesOffByOneLoop) {
  // for i in seq(0, N + 1): y[i] = 0.0
  Sym n = Sym::fresh("N"), y = Sym::fresh("y"), i = Sym::fresh("i");
  Proc p =
      makeProc("zero", {sizeArg(n), tensorArg(y, {size(n)})}, {},
               {loop(i, lit(0), add(size(n), lit(1)), {assign(y, {idx(i)}, flit(0.0), at(3, 9))})});
  CompileError e = refusal(p);
  EXPECT_EQ(e.loc().line, 3u);
  EXPECT_EQ(e.loc().col, 9u);
  auto example = exampleAfter(
      e.message(),
      "out-of-bounds access: index 'i' of 'y' (dimension 0, extent N) may be out of bounds");
  ASSERT_EQ(example.size(), 2u) << e.message();
  EXPECT_EQ(example["i"], example["N"]) << e.message();
}

// ------------------------------------------------- data-dependent control

// for i in seq(0, N): if <cond>: y[i] = <rhs>
Proc shiftUnder(const std::function<Expr(const Sym& x, const Sym& i, const Sym& n)>& cond,
                const std::function<Expr(const Sym& x, const Sym& i, const Sym& n)>& rhs) {
  Sym n = Sym::fresh("N"), x = Sym::fresh("x"), y = Sym::fresh("y"), i = Sym::fresh("i");
  Stmt store = assign(y, {idx(i)}, rhs(x, i, n), at(4, 13));
  Stmt body = cond ? If::make(cond(x, i, n), {store}) : store;
  return makeProc("shift", {sizeArg(n), tensorArg(x, {size(n)}), tensorArg(y, {size(n)})}, {},
                  {loop(i, lit(0), size(n), {body})});
}

Expr nextElement(const Sym& x, const Sym& i, const Sym&) {
  return read(x, {add(idx(i), lit(1))}, at(4, 20));
}

TEST(BoundsCheck, UsesTheControlPartOfADataDependentCondition) {
  // if x[i] > 0.0 and i + 1 < N: y[i] = x[i + 1]
  EXPECT_NO_THROW(check(shiftUnder(
      [](const Sym& x, const Sym& i, const Sym& n) {
        return land(gt(read(x, {idx(i)}), flit(0.0)), lt(add(idx(i), lit(1)), size(n)));
      },
      nextElement)));
}

TEST(BoundsCheck, RefusesWhenOnlyDataGuardsTheAccess) {
  // if x[i] > 0.0: y[i] = x[i + 1]
  CompileError e = refusal(shiftUnder(
      [](const Sym& x, const Sym& i, const Sym&) { return gt(read(x, {idx(i)}), flit(0.0)); },
      nextElement));
  EXPECT_EQ(e.loc().line, 4u);
  EXPECT_EQ(e.loc().col, 20u);
  auto example = exampleAfter(e.message(), "out-of-bounds access: index 'i + 1' of 'x' "
                                           "(dimension 0, extent N) may be out of bounds");
  EXPECT_EQ(example["i"] + 1, example["N"]) << e.message();
}

TEST(BoundsCheck, ChecksReadsInConditions) {
  // if x[i + 1] > 0.0: y[i] = 0.0
  CompileError e = refusal(shiftUnder(
      [](const Sym& x, const Sym& i, const Sym& n) { return gt(nextElement(x, i, n), flit(0.0)); },
      [](const Sym&, const Sym&, const Sym&) { return flit(0.0); }));
  EXPECT_EQ(e.loc().line, 4u);
  EXPECT_EQ(e.loc().col, 20u);
}

TEST(BoundsCheck, SelectGuardsItsBranches) {
  // y[i] = select(i + 1 < N, x[i + 1], 0.0)
  EXPECT_NO_THROW(check(shiftUnder(nullptr, [](const Sym& x, const Sym& i, const Sym& n) {
    return Select::make(lt(add(idx(i), lit(1)), size(n)), nextElement(x, i, n), flit(0.0));
  })));
  // y[i] = select(i + 1 < N, 0.0, x[i + 1]): the guard protects the wrong branch
  EXPECT_THROW(check(shiftUnder(nullptr,
                                [](const Sym& x, const Sym& i, const Sym& n) {
                                  return Select::make(lt(add(idx(i), lit(1)), size(n)), flit(0.0),
                                                      nextElement(x, i, n));
                                })),
               CompileError);
}

// ---------------------------------------------------------------- windows

// proc rows(N: size, A: f32[N, 8], out: f32[N, 4]):
//     for i in seq(0, N):
//         w = A[i, lo:hi]
//         for k in seq(0, kHi):
//             out[i, k] = w[k]
Proc rowWindow(int64_t lo, int64_t hi, int64_t kHi) {
  Sym n = Sym::fresh("N"), a = Sym::fresh("A"), out = Sym::fresh("out"), w = Sym::fresh("w");
  Sym i = Sym::fresh("i"), k = Sym::fresh("k");
  return makeProc(
      "rows", {sizeArg(n), tensorArg(a, {size(n), lit(8)}), tensorArg(out, {size(n), lit(4)})}, {},
      {loop(i, lit(0), size(n),
            {WindowBind::make(w, window(a, {point(idx(i)), interval(lit(lo), lit(hi))}, at(3, 13)),
                              at(3, 9)),
             loop(k, lit(0), lit(kHi),
                  {assign(out, {idx(i), idx(k)}, read(w, {idx(k)}, at(5, 25)), at(5, 13))})})});
}

TEST(BoundsCheck, AcceptsAWindowInBounds) {
  EXPECT_NO_THROW(check(rowWindow(2, 6, 4)));
}

TEST(BoundsCheck, RefusesAWindowIntervalBeyondTheExtent) {
  CompileError e = refusal(rowWindow(4, 9, 4));
  EXPECT_EQ(e.loc().line, 3u);
  EXPECT_EQ(e.loc().col, 13u);
  EXPECT_EQ(e.message(), "out-of-bounds window: interval '4:9' of 'A' (dimension 1, extent 8) "
                         "may exceed the buffer");
}

TEST(BoundsCheck, RefusesAReversedWindowInterval) {
  CompileError e = refusal(rowWindow(6, 2, 0));
  EXPECT_EQ(e.message(), "out-of-bounds window: interval '6:2' of 'A' (dimension 1, extent 8) "
                         "may end before it starts");
}

TEST(BoundsCheck, RefusesAnAccessBeyondTheWindow) {
  CompileError e = refusal(rowWindow(2, 6, 5));
  EXPECT_EQ(e.loc().line, 5u);
  EXPECT_EQ(e.loc().col, 25u);
  EXPECT_EQ(e.message(), "out-of-bounds access: index 'k' of 'w' (dimension 0, extent 4) may be "
                         "out of bounds, e.g. when k = 4");
}

// ------------------------------------------------------------------ calls

// instr rvm_mld(dst: [i32][4, 4] @ RVM_TILE, src: [i32][4, 4] @ DRAM) from
// stdlib/rvm.sched: assert stride(dst, 1) == 1; assert stride(src, 1) == 1.
std::shared_ptr<const Proc> rvmMld() {
  const ScalarType i32 = ScalarType::I32;
  Sym dst = Sym::fresh("dst"), src = Sym::fresh("src"), i = Sym::fresh("i"), j = Sym::fresh("j");
  Proc p = makeProc(
      "rvm_mld",
      {windowArg(dst, {lit(4), lit(4)}, i32, "RVM_TILE"), windowArg(src, {lit(4), lit(4)}, i32)},
      {eq(StrideExpr::make(dst, 1), lit(1)), eq(StrideExpr::make(src, 1), lit(1))},
      {loop(
          i, lit(0), lit(4),
          {loop(j, lit(0), lit(4),
                {assign(dst, {idx(i), idx(j)}, read(src, {idx(i), idx(j)}, {}, i32), {}, i32)})})});
  p.instr = InstrTemplates{};
  return std::make_shared<const Proc>(std::move(p));
}

// t: i32[4, 4] @ RVM_TILE; rvm_mld(t[0:4, 0:4], <src>)
Block loadTile(const std::function<Expr()>& src) {
  Sym t = Sym::fresh("t");
  const ScalarType i32 = ScalarType::I32;
  return {
      Alloc::make(t, i32, {lit(4), lit(4)}, "RVM_TILE"),
      Call::make(rvmMld(),
                 {window(t, {interval(lit(0), lit(4)), interval(lit(0), lit(4))}, {}, i32), src()},
                 at(9, 5))};
}

TEST(BoundsCheck, AcceptsAnInstrCallWhosePreconditionsHold) {
  // proc load_tiles(A: i32[16, 16]):
  //     for io in seq(0, 4): for jo in seq(0, 4):
  //         rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])
  const ScalarType i32 = ScalarType::I32;
  Sym a = Sym::fresh("A"), io = Sym::fresh("io"), jo = Sym::fresh("jo");
  auto tileOf = [&](const Sym& v) {
    return interval(mul(lit(4), idx(v)), add(mul(lit(4), idx(v)), lit(4)));
  };
  Block body = loadTile([&] { return window(a, {tileOf(io), tileOf(jo)}, at(9, 26), i32); });
  EXPECT_NO_THROW(check(makeProc("load_tiles", {tensorArg(a, {lit(16), lit(16)}, i32)}, {},
                                 {loop(io, lit(0), lit(4), {loop(jo, lit(0), lit(4), body)})})));
}

TEST(BoundsCheck, RefusesAnInstrCallWithANonUnitInnerStride) {
  // proc load_channels(B: i32[4, 4, 4]):
  //     for c in seq(0, 4): rvm_mld(t[0:4, 0:4], B[0:4, 0:4, c])
  // The window keeps dimensions 0 and 1 of B; stride(B, 1) is 4.
  const ScalarType i32 = ScalarType::I32;
  Sym b = Sym::fresh("B"), c = Sym::fresh("c");
  Block body = loadTile([&] {
    return window(b, {interval(lit(0), lit(4)), interval(lit(0), lit(4)), point(idx(c))}, at(9, 26),
                  i32);
  });
  CompileError e = refusal(makeProc("load_channels", {tensorArg(b, {lit(4), lit(4), lit(4)}, i32)},
                                    {}, {loop(c, lit(0), lit(4), body)}));
  EXPECT_EQ(e.loc().line, 9u);
  EXPECT_EQ(e.loc().col, 5u);
  EXPECT_EQ(e.message(), "call to rvm_mld: precondition stride(src, 1) == 1 may not hold "
                         "(e.g. when stride(B, 1) = 4)");
}

TEST(BoundsCheck, RefusesAnInstrCallWhoseWindowHasTheWrongExtent) {
  // rvm_mld(t[0:4, 0:4], A[0:4, 0:3])
  const ScalarType i32 = ScalarType::I32;
  Sym a = Sym::fresh("A");
  Block body = loadTile([&] {
    return window(a, {interval(lit(0), lit(4)), interval(lit(0), lit(3))}, at(9, 26), i32);
  });
  CompileError e =
      refusal(makeProc("short_tile", {tensorArg(a, {lit(16), lit(16)}, i32)}, {}, body));
  EXPECT_EQ(e.loc().line, 9u);
  EXPECT_EQ(e.loc().col, 26u);
  EXPECT_EQ(e.message(), "call to rvm_mld: argument 'src' has extent 3 in dimension 1, but "
                         "rvm_mld expects 4");
}

// instr vld(dst: [i32][4] @ DRAM, src: [i32][4] @ DRAM): assert stride(src, 0) == 1
// proc columns(M: size, A: i32[4, M]) [assert M == 1]:
//     for j in seq(0, M): vld(v[0:4], A[0:4, j])          (a column of A)
Proc columnLoad(bool assertSingleColumn) {
  const ScalarType i32 = ScalarType::I32;
  Sym dst = Sym::fresh("dst"), src = Sym::fresh("src");
  Proc vld = makeProc("vld", {windowArg(dst, {lit(4)}, i32), windowArg(src, {lit(4)}, i32)},
                      {eq(StrideExpr::make(src, 0), lit(1))}, {});
  vld.instr = InstrTemplates{};
  auto callee = std::make_shared<const Proc>(std::move(vld));

  Sym m = Sym::fresh("M"), a = Sym::fresh("A"), v = Sym::fresh("v"), j = Sym::fresh("j");
  std::vector<Expr> preds;
  if (assertSingleColumn)
    preds.push_back(eq(size(m), lit(1)));
  return makeProc(
      "columns", {sizeArg(m), tensorArg(a, {lit(4), size(m)}, i32)}, preds,
      {Alloc::make(v, i32, {lit(4)}, "DRAM"),
       loop(j, lit(0), size(m),
            {Call::make(callee,
                        {window(v, {interval(lit(0), lit(4))}, {}, i32),
                         window(a, {interval(lit(0), lit(4)), point(idx(j))}, at(4, 22), i32)},
                        at(4, 9))})});
}

TEST(BoundsCheck, RefusesAColumnSliceForAUnitStrideInstr) {
  CompileError e = refusal(columnLoad(false));
  EXPECT_EQ(e.loc().line, 4u);
  EXPECT_EQ(e.loc().col, 9u);
  const std::string prefix =
      "call to vld: precondition stride(src, 0) == 1 may not hold (e.g. when ";
  ASSERT_EQ(e.message().substr(0, prefix.size()), prefix) << e.message();
  auto example = parseExample(e.message().substr(prefix.size()));
  EXPECT_NE(example["stride(A, 0)"], 1) << e.message();
}

TEST(BoundsCheck, AcceptsAColumnSliceWhenTheColumnIsContiguous) {
  EXPECT_NO_THROW(check(columnLoad(true)));
}

// proc zero(n: size, v: [f32][n]): for i in seq(0, n): v[i] = 0.0
// proc caller(N: size, x: f32[N]): assert N >= 16; zero(<count>, x[<from>:N])
Proc callZero(Expr (*count)(const Expr& n), int64_t from) {
  Sym n = Sym::fresh("n"), v = Sym::fresh("v"), i = Sym::fresh("i");
  auto zero = std::make_shared<const Proc>(
      makeProc("zero", {sizeArg(n), windowArg(v, {size(n)})}, {},
               {loop(i, lit(0), size(n), {assign(v, {idx(i)}, flit(0.0))})}));
  Sym bigN = Sym::fresh("N"), x = Sym::fresh("x");
  return makeProc(
      "caller", {sizeArg(bigN), tensorArg(x, {size(bigN)})}, {ge(size(bigN), lit(16))},
      {Call::make(zero,
                  {count(size(bigN)), window(x, {interval(lit(from), size(bigN))}, at(3, 19))},
                  at(3, 5))});
}

TEST(BoundsCheck, SubstitutesSizeArgumentsIntoCalleeShapes) {
  EXPECT_NO_THROW(check(callZero([](const Expr& n) { return sub(n, lit(8)); }, 8)));
}

TEST(BoundsCheck, RefusesACallWhoseSymbolicExtentDiffers) {
  CompileError e = refusal(callZero([](const Expr& n) { return sub(n, lit(7)); }, 8));
  EXPECT_EQ(e.loc().line, 3u);
  EXPECT_EQ(e.loc().col, 19u);
  const std::string prefix = "call to zero: argument 'v' has extent N - 8 in dimension 0, but "
                             "zero expects N - 7, e.g. when N = ";
  EXPECT_EQ(e.message().substr(0, prefix.size()), prefix) << e.message();
}

TEST(BoundsCheck, RefusesASizeArgumentThatMayNotBePositive) {
  CompileError e = refusal(callZero([](const Expr& n) { return sub(n, lit(16)); }, 16));
  EXPECT_EQ(e.message(),
            "call to zero: size argument 'n' = 'N - 16' may not be positive, e.g. when N = 16");
}

// proc fill(n: size, v: f32[n]): for i in seq(0, n): v[i] = 1.0     (dense v)
// proc lines(A: f32[4, 8]): for j in seq(0, <loop extent>): w = <view of A>; fill(<n>, w)
Proc fillLines(bool columns) {
  Sym n = Sym::fresh("n"), v = Sym::fresh("v"), i = Sym::fresh("i");
  auto fill = std::make_shared<const Proc>(
      makeProc("fill", {sizeArg(n), tensorArg(v, {size(n)})}, {},
               {loop(i, lit(0), size(n), {assign(v, {idx(i)}, flit(1.0))})}));
  Sym a = Sym::fresh("A"), j = Sym::fresh("j"), w = Sym::fresh("w");
  Expr view = columns ? window(a, {interval(lit(0), lit(4)), point(idx(j))})
                      : window(a, {point(idx(j)), interval(lit(0), lit(8))});
  return makeProc(
      "lines", {tensorArg(a, {lit(4), lit(8)})}, {},
      {loop(j, lit(0), lit(columns ? 8 : 4),
            {WindowBind::make(w, view),
             Call::make(fill, {lit(columns ? 4 : 8), Read::make(w, {}, ScalarType::F32, at(4, 17))},
                        at(4, 9))})});
}

TEST(BoundsCheck, AcceptsARowPassedAsADenseTensor) {
  EXPECT_NO_THROW(check(fillLines(false)));
}

TEST(BoundsCheck, RefusesAColumnPassedAsADenseTensor) {
  CompileError e = refusal(fillLines(true));
  EXPECT_EQ(e.loc().line, 4u);
  EXPECT_EQ(e.loc().col, 17u);
  EXPECT_EQ(e.message(),
            "call to fill: argument 'v' is a dense tensor parameter, but the buffer "
            "passed may have another stride in dimension 0, e.g. when stride(A, 0) = 8");
}

} // namespace
