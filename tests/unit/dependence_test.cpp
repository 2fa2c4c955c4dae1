// The dependence analysis (passes/Dependence.h) on procs from the frontend
// (and a few built by hand): statements that commute and those that do not,
// reductions, windows and calls resolved to the buffers they touch, private
// allocations, loop-carried dependences for parallel loops, interchange and
// fission, idempotence, and nonlinear indices handled conservatively.
#include "frontend/Frontend.h"
#include "passes/Dependence.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace schedc;
using namespace schedc::sched;

namespace {

// ----------------------------------------------------------- measurements

struct Totals {
  unsigned queries = 0;
  double totalMs = 0;
  double slowestMs = 0;
  std::string slowestGoal;
} totals;

class TotalsReport : public ::testing::Environment {
public:
  void TearDown() override {
    std::printf("[dependence] %u queries, %.1f ms in z3, slowest %.1f ms: %s\n", totals.queries,
                totals.totalMs, totals.slowestMs, totals.slowestGoal.c_str());
  }
};
[[maybe_unused]] ::testing::Environment* const kReport =
    ::testing::AddGlobalTestEnvironment(new TotalsReport);

// ------------------------------------------------------------------ setup

// A proc of `source` and a solver whose statistics go to the totals.
struct Fixture {
  explicit Fixture(const std::string& source, const std::string& name = "p",
                   unsigned timeoutMs = Solver::kDefaultTimeoutMs)
      : solver(timeoutMs) {
    FrontendOptions options;
    options.stdlibDir = SCHEDC_STDLIB_DIR;
    module = loadModuleFromString(source, "test.sched", options);
    proc = module.findProc(name);
    EXPECT_TRUE(proc) << "no proc " << name;
  }
  ~Fixture() {
    const Solver::Stats& s = solver.stats();
    totals.queries += s.queries;
    totals.totalMs += s.totalMs;
    if (s.slowestMs > totals.slowestMs) {
      totals.slowestMs = s.slowestMs;
      totals.slowestGoal = s.slowestGoal;
    }
  }

  // The path of the statement whose first line reads `text` (stmtText).
  Path path(const std::string& text) const {
    for (const Located& l : allStmts(*proc))
      if (stmtText(l.stmt) == text)
        return l.path;
    ADD_FAILURE() << "no statement '" << text << "'";
    return {};
  }
  Stmt stmt(const std::string& text) const { return stmtAt(*proc, path(text)); }

  // Whether the statements `a` and `b` (adjacent or not) may be swapped.
  std::optional<Conflict> commute(const std::string& a, const std::string& b) {
    return checkCommute(*proc, solver, path(a), {stmt(a)}, {stmt(b)});
  }
  // Fission of the loop `loop` before its statement number `gap`.
  std::optional<Conflict> fission(const std::string& loop, size_t gap) {
    const For* f = stmt(loop)->as<For>();
    Block pre(f->body.begin(), f->body.begin() + static_cast<long>(gap));
    Block post(f->body.begin() + static_cast<long>(gap), f->body.end());
    return checkFission(*proc, solver, path(loop), *f, pre, post);
  }

  Module module;
  ProcPtr proc;
  Solver solver;
};

std::string text(const std::optional<Conflict>& c) {
  if (!c)
    return "no conflict";
  return stmtText(c->first) + " / " + stmtText(c->second) + " on " + c->buffer.name();
}

// ================================================================ commute

TEST(Commute, IndependentStatementsCommute) {
  Fixture f(R"(
proc p(N: size, x: f32[N], y: f32[N], z: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = z[i]
)");
  EXPECT_EQ(text(f.commute("x[i] = 1.0", "y[i] = z[i]")), "no conflict");
}

TEST(Commute, AReadOfAWrittenLocationDoesNot) {
  Fixture f(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = x[i]
)");
  EXPECT_EQ(text(f.commute("x[i] = 1.0", "y[i] = x[i]")), "x[i] = 1.0 / y[i] = x[i] on x");
}

TEST(Commute, DistinctLocationsOfOneBufferCommute) {
  Fixture f(R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = x[i + 1]
)");
  EXPECT_EQ(text(f.commute("x[i] = 1.0", "y[i] = x[i + 1]")), "no conflict");
}

TEST(Commute, TwoReductionsIntoOnePlaceCommuteButNotWithAReadOrAWrite) {
  Fixture f(R"(
proc p(x: f32[4], y: f32[4], s: f32):
    s += x[0]
    s += x[1]
    y[0] = s
    s = 0.0
)");
  // float additions round differently in another order: only with fast_math
  EXPECT_EQ(text(f.commute("s += x[0]", "s += x[1]")), "s += x[0] / s += x[1] on s");
  {
    FloatReassociation fastMath(true);
    EXPECT_EQ(text(f.commute("s += x[0]", "s += x[1]")), "no conflict");
  }
  EXPECT_EQ(text(f.commute("s += x[1]", "y[0] = s")), "s += x[1] / y[0] = s on s");
  EXPECT_EQ(text(f.commute("s += x[1]", "s = 0.0")), "s += x[1] / s = 0.0 on s");
}

TEST(Commute, IntegerReductionsIntoOnePlaceCommute) {
  Fixture f(R"(
proc p(x: i32[4], s: i32):
    s += x[0]
    s += x[1]
)");
  EXPECT_EQ(text(f.commute("s += x[0]", "s += x[1]")), "no conflict");
}

TEST(Commute, ContextDecidesOverlap) {
  // x[i] and x[N - 1] meet only at the last i, which the guard excludes.
  Fixture f(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    assert N >= 2
    for i in seq(0, N):
        if i < N - 1:
            x[i] = 2.0
            y[i] = x[N - 1]
)");
  EXPECT_EQ(text(f.commute("x[i] = 2.0", "y[i] = x[N - 1]")), "no conflict");
}

TEST(Commute, LoopsAreSummarizedOverAllTheirIterations) {
  Fixture f(R"(
proc p(x: f32[8], y: f32[8]):
    for i in seq(0, 4):
        x[i] = 1.0
    for j in seq(0, 4):
        y[j] = x[j + 4]
    for k in seq(0, 4):
        y[k] = x[k + 3]
)");
  EXPECT_EQ(text(f.commute("for i in seq(0, 4)", "for j in seq(0, 4)")), "no conflict");
  EXPECT_EQ(text(f.commute("for i in seq(0, 4)", "for k in seq(0, 4)")),
            "x[i] = 1.0 / y[k] = x[k + 3] on x");
}

TEST(Commute, WindowsResolveToTheBufferTheyView) {
  Fixture f(R"(
proc p(x: f32[8, 8], y: f32[8]):
    w = x[2, 2:6]
    w[0] = 1.0
    y[0] = x[2, 1]
    y[1] = x[2, 2]
)");
  EXPECT_EQ(text(f.commute("w[0] = 1.0", "y[0] = x[2, 1]")), "no conflict");
  EXPECT_EQ(text(f.commute("w[0] = 1.0", "y[1] = x[2, 2]")), "w[0] = 1.0 / y[1] = x[2, 2] on x");
}

TEST(Commute, CallsContributeTheirCalleesEffectsOnTheActualWindows) {
  Fixture f(R"(
proc fill(n: size, dst: [f32][n]):
    for i in seq(0, n):
        dst[i] = 0.0

proc p(x: f32[16], y: f32[16]):
    fill(4, x[0:4])
    y[0] = x[4]
    y[1] = x[3]
)");
  EXPECT_EQ(text(f.commute("fill(4, x[0:4])", "y[0] = x[4]")), "no conflict");
  EXPECT_EQ(text(f.commute("fill(4, x[0:4])", "y[1] = x[3]")),
            "fill(4, x[0:4]) / y[1] = x[3] on x");
}

TEST(Commute, AllocationsInsideAStatementArePrivateToIt) {
  Fixture f(R"(
proc p(x: f32[4], y: f32[4]):
    for i in seq(0, 4):
        t: f32
        t = x[i]
        y[i] = t
    for j in seq(0, 4):
        t: f32
        t = x[j]
        x[j] = t
)");
  // Both use a `t` of their own: only x is shared.
  EXPECT_EQ(text(f.commute("for i in seq(0, 4)", "for j in seq(0, 4)")),
            "t = x[i] / x[j] = t on x");
}

// =============================================================== parallel

TEST(Parallel, IndependentIterations) {
  Fixture f(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        t: f32
        t = x[i]
        y[i] = t * 2.0
)");
  EXPECT_EQ(text(checkParallel(*f.proc, f.solver, f.path("for i in seq(0, N)"))), "no conflict");
}

TEST(Parallel, ACarriedDependence) {
  Fixture f(R"(
proc p(N: size, y: f32[N + 1]):
    for i in seq(0, N):
        y[i + 1] = y[i] + 1.0
)");
  auto c = checkParallel(*f.proc, f.solver, f.path("for i in seq(0, N)"));
  EXPECT_EQ(text(c), "y[i + 1] = y[i] + 1.0 / y[i + 1] = y[i] + 1.0 on y");
  EXPECT_EQ(c->undecided, "");
}

TEST(Parallel, ReductionsIntoOnePlaceRace) {
  Fixture f(R"(
proc p(N: size, x: f32[N], s: f32):
    for i in seq(0, N):
        s += x[i]
)");
  EXPECT_EQ(text(checkParallel(*f.proc, f.solver, f.path("for i in seq(0, N)"))),
            "s += x[i] / s += x[i] on s");
}

TEST(Parallel, AScalarOutsideTheLoopIsShared) {
  Fixture f(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    t: f32
    for i in seq(0, N):
        t = x[i]
        y[i] = t
)");
  EXPECT_EQ(text(checkParallel(*f.proc, f.solver, f.path("for i in seq(0, N)"))),
            "t = x[i] / t = x[i] on t");
}

// ============================================================ interchange

TEST(Interchange, ElementwiseAndReductionNestsInterchange) {
  Fixture f(R"(
proc p(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]):
    for i in seq(0, N):
        for j in seq(0, M):
            A[i, j] = A[i, j] * 2.0
    for k in seq(0, N):
        for l in seq(0, M):
            y[k] += A[k, l] * x[l]
)");
  EXPECT_EQ(text(checkInterchange(*f.proc, f.solver, f.path("for i in seq(0, N)"))), "no conflict");
  EXPECT_EQ(text(checkInterchange(*f.proc, f.solver, f.path("for k in seq(0, N)"))), "no conflict");
}

TEST(Interchange, AForwardForwardDependenceSurvives) {
  Fixture f(R"(
proc p(N: size, A: f32[N + 1, N + 1]):
    for i in seq(0, N):
        for j in seq(0, N):
            A[i + 1, j + 1] = A[i, j]
)");
  EXPECT_EQ(text(checkInterchange(*f.proc, f.solver, f.path("for i in seq(0, N)"))), "no conflict");
}

TEST(Interchange, AForwardBackwardDependenceWouldBeReversed) {
  Fixture f(R"(
proc p(N: size, A: f32[N + 1, N + 1], y: f32[N + 1], x: f32[N]):
    for i in seq(0, N):
        for j in seq(0, N):
            A[i + 1, j] = A[i, j + 1]
    for k in seq(0, N):
        for l in seq(0, N):
            y[k + 1] = y[k] + x[l]
)");
  EXPECT_EQ(text(checkInterchange(*f.proc, f.solver, f.path("for i in seq(0, N)"))),
            "A[i + 1, j] = A[i, j + 1] / A[i + 1, j] = A[i, j + 1] on A");
  EXPECT_EQ(text(checkInterchange(*f.proc, f.solver, f.path("for k in seq(0, N)"))),
            "y[k + 1] = y[k] + x[l] / y[k + 1] = y[k] + x[l] on y");
}

// ================================================================ fission

TEST(Fission, AForwardDependenceInOneIterationAllowsASplit) {
  Fixture f(R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i + 1] = 1.0
        y[i] = x[i]
)");
  EXPECT_EQ(text(f.fission("for i in seq(0, N)", 1)), "no conflict");
}

TEST(Fission, ABackwardDependenceForbidsIt) {
  Fixture f(R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = x[i + 1]
)");
  EXPECT_EQ(text(f.fission("for i in seq(0, N)", 1)), "x[i] = 1.0 / y[i] = x[i + 1] on x");
}

TEST(Fission, ALoopInvariantIdempotentPrefixMayBeReadAfterTheGap) {
  Fixture f(R"(
proc p(N: size, y: f32[N], t: f32, s: f32):
    for i in seq(0, N):
        t = 2.0
        y[i] = t
    for j in seq(0, N):
        s = 0.0
        s += y[j]
)");
  EXPECT_EQ(text(f.fission("for i in seq(0, N)", 1)), "no conflict");
  // ... but not modified there: that would change what later iterations see.
  EXPECT_EQ(text(f.fission("for j in seq(0, N)", 1)), "s = 0.0 / s += y[j] on s");
}

// ============================================================ idempotence

TEST(Idempotent, PlainCopiesAreIdempotentReductionsAreNot) {
  Fixture f(R"(
proc p(x: f32[4], y: f32[4]):
    for i in seq(0, 4):
        y[0] = x[1]
    for j in seq(0, 4):
        x[0] += 1.0
    for k in seq(0, 4):
        x[0] = x[1]
        x[1] = 2.0
)");
  auto body = [&](const std::string& loop) { return f.stmt(loop)->as<For>()->body; };
  EXPECT_EQ(text(checkIdempotent(*f.proc, f.solver, f.path("for i in seq(0, 4)"),
                                 body("for i in seq(0, 4)"))),
            "no conflict");
  auto reduction =
      checkIdempotent(*f.proc, f.solver, f.path("for j in seq(0, 4)"), body("for j in seq(0, 4)"));
  EXPECT_EQ(text(reduction), "x[0] += 1.0 / x[0] += 1.0 on x");
  EXPECT_EQ(reduction->firstKind, AccessKind::Reduce);
  EXPECT_EQ(text(checkIdempotent(*f.proc, f.solver, f.path("for k in seq(0, 4)"),
                                 body("for k in seq(0, 4)"))),
            "x[1] = 2.0 / x[0] = x[1] on x");
}

// ============================================================== nonlinear

// `x[i * N + j]` cannot be written in the language (indices are affine), but
// a rewrite could build it; the analysis must stay sound (refuse what it
// cannot prove) and quick.
TEST(Nonlinear, UndecidedQueriesCountAsConflicts) {
  Fixture f(R"(
proc p(N: size, M: size, x: f32[N, M]):
    for i in seq(0, N):
        for j in seq(0, M):
            x[i, j] = 1.0
)",
            "p", /*timeoutMs=*/50);
  const For* outer = f.proc->body[0]->as<For>();
  const For* inner = outer->body[0]->as<For>();
  const Assign* a = inner->body[0]->as<Assign>();
  Sym N = f.proc->args[0].name, M = f.proc->args[1].name;
  auto rd = [](const Sym& s) { return Read::make(s, {}, ScalarType::Index); };
  auto mul = [](Expr p, Expr q) { return BinOp::make(BinOpKind::Mul, p, q); };
  auto add = [](Expr p, Expr q) { return BinOp::make(BinOpKind::Add, p, q); };
  // x[(i * i * M + j) % N, 0] : z3 cannot rule out a collision of two i.
  Expr index =
      BinOp::make(BinOpKind::Mod,
                  add(mul(mul(rd(outer->iter), rd(outer->iter)), rd(M)), rd(inner->iter)), rd(N));
  Stmt write = Assign::make(a->name, a->type, {index, Const::makeInt(0)}, a->rhs);
  auto proc = std::make_shared<Proc>(*f.proc);
  proc->body = {For::make(outer->iter, outer->lo, outer->hi,
                          {For::make(inner->iter, inner->lo, inner->hi, {write})})};
  auto c = checkParallel(*proc, f.solver, Path{Step{Branch::Body, 0}});
  ASSERT_TRUE(c);
  EXPECT_EQ(stmtText(c->first), "x[(i * i * M + j) % N, 0] = 1.0");
}

} // namespace
