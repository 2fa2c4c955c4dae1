// The IR printer (exact source text) and structural equality of procs.
#include "ir/Equality.h"
#include "ir/Printer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace schedc {
namespace {

// ------------------------------------------------------------ IR builders

Expr lit(int64_t value) {
  return Const::makeInt(value);
}
Expr real(double value) {
  return Const::makeFloat(value, ScalarType::F32);
}
Expr var(const Sym& s, ScalarType type = ScalarType::Index) {
  return Read::make(s, {}, type);
}
Expr at(const Sym& buffer, std::vector<Expr> idx, ScalarType type = ScalarType::F32) {
  return Read::make(buffer, std::move(idx), type);
}
Expr bin(BinOpKind op, Expr a, Expr b) {
  return BinOp::make(op, std::move(a), std::move(b));
}
Expr add(Expr a, Expr b) {
  return bin(BinOpKind::Add, std::move(a), std::move(b));
}
Expr sub(Expr a, Expr b) {
  return bin(BinOpKind::Sub, std::move(a), std::move(b));
}
Expr mul(Expr a, Expr b) {
  return bin(BinOpKind::Mul, std::move(a), std::move(b));
}
Expr neg(Expr a) {
  return UnOp::make(UnOpKind::Neg, std::move(a));
}
Expr lnot(Expr a) {
  return UnOp::make(UnOpKind::Not, std::move(a));
}
WindowIndex point(Expr e) {
  return {std::move(e), nullptr};
}
WindowIndex interval(Expr lo, Expr hi) {
  return {std::move(lo), std::move(hi)};
}

FnArg controlArg(const Sym& name, ScalarType type = ScalarType::Size) {
  FnArg arg;
  arg.name = name;
  arg.type = type;
  return arg;
}

FnArg dataArg(const Sym& name, ScalarType type, std::vector<Expr> shape, std::string mem = "DRAM",
              bool isWindow = false) {
  FnArg arg;
  arg.name = name;
  arg.type = type;
  arg.shape = std::move(shape);
  arg.mem = std::move(mem);
  arg.isWindow = isWindow;
  return arg;
}

Stmt loop(const Sym& iter, Expr lo, Expr hi, Block body) {
  return For::make(iter, std::move(lo), std::move(hi), std::move(body));
}

// The gemv of LANGUAGE.md; each field changes one detail, for the equality tests.
struct GemvShape {
  BinOpKind product = BinOpKind::Mul;
  bool readXAtI = false; // x[i] instead of x[j]
  int64_t innerLo = 0;
  std::string yMem = "DRAM";
  ScalarType aType = ScalarType::F32;
};

Proc makeGemv(const GemvShape& shape = {}) {
  Sym n = Sym::fresh("N"), m = Sym::fresh("M"), a = Sym::fresh("A"), x = Sym::fresh("x"),
      y = Sym::fresh("y"), i = Sym::fresh("i"), j = Sym::fresh("j");
  Proc p;
  p.name = "gemv";
  p.args = {controlArg(n), controlArg(m),
            dataArg(a, shape.aType, {var(n, ScalarType::Size), var(m, ScalarType::Size)}),
            dataArg(x, ScalarType::F32, {var(m, ScalarType::Size)}),
            dataArg(y, ScalarType::F32, {var(n, ScalarType::Size)}, shape.yMem)};
  p.preds = {bin(BinOpKind::Eq, bin(BinOpKind::Mod, var(n, ScalarType::Size), lit(8)), lit(0))};
  Expr product = bin(shape.product, at(a, {var(i), var(j)}, shape.aType),
                     at(x, {var(shape.readXAtI ? i : j)}));
  p.body = {loop(i, lit(0), var(n, ScalarType::Size),
                 {Assign::make(y, ScalarType::F32, {var(i)}, real(0.0)),
                  loop(j, lit(shape.innerLo), var(m, ScalarType::Size),
                       {Assign::makeReduce(y, ScalarType::F32, {var(i)}, product)})})};
  return p;
}

Proc makeMmasa() {
  Sym md = Sym::fresh("md"), ms1 = Sym::fresh("ms1"), ms2 = Sym::fresh("ms2"), i = Sym::fresh("i"),
      j = Sym::fresh("j"), k = Sym::fresh("k");
  auto tile = [](const Sym& s) {
    return dataArg(s, ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE", /*isWindow=*/true);
  };
  Proc p;
  p.name = "rvm_mmasa";
  p.args = {tile(md), tile(ms1), tile(ms2)};
  p.instr = InstrTemplates{};
  p.instr->c = R"(asm volatile("mmasa.w "{md_int}", "{ms1_int}", "{ms2_int});)";
  p.instr->asm_ = "mmasa.w {md}, {ms1}, {ms2} # it's \\ done\n\t";
  for (const Sym& s : {md, ms1, ms2})
    p.preds.push_back(bin(BinOpKind::Eq, StrideExpr::make(s, 1), lit(1)));
  Expr product =
      mul(at(ms2, {var(i), var(k)}, ScalarType::I32), at(ms1, {var(j), var(k)}, ScalarType::I32));
  p.body = {
      loop(i, lit(0), lit(4),
           {loop(j, lit(0), lit(4),
                 {loop(k, lit(0), lit(4),
                       {Assign::makeReduce(md, ScalarType::I32, {var(i), var(j)}, product)})})})};
  return p;
}

// ------------------------------------------------------------ printing procs

TEST(PrinterTest, Gemv) {
  EXPECT_EQ(printProc(makeGemv()),
            R"(proc gemv(N: size, M: size, A: f32[N, M] @ DRAM, x: f32[M] @ DRAM, y: f32[N] @ DRAM):
    assert N % 8 == 0
    for i in seq(0, N):
        y[i] = 0.0
        for j in seq(0, M):
            y[i] += A[i, j] * x[j]
)");
}

TEST(PrinterTest, InstrWithTemplates) {
  EXPECT_EQ(printProc(makeMmasa()),
            "instr rvm_mmasa(md: [i32][4, 4] @ RVM_TILE, ms1: [i32][4, 4] @ RVM_TILE, "
            "ms2: [i32][4, 4] @ RVM_TILE):\n"
            R"(    c: 'asm volatile("mmasa.w "{md_int}", "{ms1_int}", "{ms2_int});'
    asm: 'mmasa.w {md}, {ms1}, {ms2} # it\'s \\ done\n\t'
    assert stride(md, 1) == 1
    assert stride(ms1, 1) == 1
    assert stride(ms2, 1) == 1
    for i in seq(0, 4):
        for j in seq(0, 4):
            for k in seq(0, 4):
                md[i, j] += ms2[i, k] * ms1[j, k]
)");
}

TEST(PrinterTest, StatementsOfEveryKind) {
  auto mmasa = std::make_shared<Proc>(makeMmasa());
  Sym n = Sym::fresh("N"), flag = Sym::fresh("flag"), a = Sym::fresh("A"), s = Sym::fresh("s"),
      w = Sym::fresh("w"), t = Sym::fresh("t"), acc = Sym::fresh("acc"), i = Sym::fresh("i"),
      row = Sym::fresh("row"), line = Sym::fresh("line");
  Expr size = var(n, ScalarType::Size);
  Expr accValue = var(acc, ScalarType::I32);
  Proc p;
  p.name = "tile_demo";
  p.isPrivate = true;
  p.args = {controlArg(n), controlArg(flag, ScalarType::Bool),
            dataArg(a, ScalarType::I32, {size, lit(4)}), dataArg(s, ScalarType::I32, {}),
            dataArg(w, ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE", /*isWindow=*/true)};
  Expr rowWindow = WindowExpr::make(
      a,
      {interval(mul(lit(4), var(i)), add(mul(lit(4), var(i)), lit(4))), interval(lit(0), lit(4))},
      ScalarType::I32);
  Expr tileWindow =
      WindowExpr::make(t, {interval(lit(0), lit(4)), interval(lit(0), lit(4))}, ScalarType::I32);
  Expr chooseValue =
      Select::make(bin(BinOpKind::Lt, var(i), lit(2)), bin(BinOpKind::Min, var(i), lit(3)),
                   bin(BinOpKind::Max, sub(var(i), lit(1)), lit(0)));
  p.body = {
      Alloc::make(t, ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE"),
      Alloc::make(acc, ScalarType::I32, {}, "DRAM"),
      For::make(
          i, lit(0), bin(BinOpKind::Div, size, lit(4)),
          {WindowBind::make(row, rowWindow),
           WindowBind::make(line, WindowExpr::make(a, {point(var(i)), interval(lit(0), lit(4))},
                                                   ScalarType::I32)),
           If::make(bin(BinOpKind::And, var(flag, ScalarType::Bool),
                        bin(BinOpKind::Eq, StrideExpr::make(a, 1), lit(1))),
                    {Assign::make(acc, ScalarType::I32, {}, chooseValue)},
                    {Assign::makeReduce(acc, ScalarType::I32, {}, neg(var(s, ScalarType::I32)))}),
           Call::make(mmasa, {tileWindow, var(row, ScalarType::I32), var(w, ScalarType::I32)}),
           Call::make(mmasa, {var(line, ScalarType::I32), var(line, ScalarType::I32),
                              var(w, ScalarType::I32)}),
           If::make(lnot(var(flag, ScalarType::Bool)), {},
                    {Assign::make(acc, ScalarType::I32, {}, lit(0))}),
           If::make(bin(BinOpKind::Gt, var(i), lit(0)), {Pass::make()},
                    {If::make(bin(BinOpKind::Lt, var(i), lit(0)),
                              {Assign::make(acc, ScalarType::I32, {}, lit(1))},
                              {Assign::make(acc, ScalarType::I32, {}, lit(2))})})},
          LoopMode::Par),
      Assign::make(s, ScalarType::I32, {}, accValue)};
  EXPECT_EQ(printProc(p),
            "private proc tile_demo(N: size, flag: bool, A: i32[N, 4] @ DRAM, s: i32 @ DRAM, "
            "w: [i32][4, 4] @ RVM_TILE):\n"
            R"(    t: i32[4, 4] @ RVM_TILE
    acc: i32 @ DRAM
    for i in par(0, N / 4):
        row = A[4 * i:4 * i + 4, 0:4]
        line = A[i, 0:4]
        if flag and stride(A, 1) == 1:
            acc = select(i < 2, min(i, 3), max(i - 1, 0))
        else:
            acc += -s
        rvm_mmasa(t[0:4, 0:4], row, w)
        rvm_mmasa(line, line, w)
        if not flag:
            pass
        else:
            acc = 0
        if i > 0:
            pass
        elif i < 0:
            acc = 1
        else:
            acc = 2
    s = acc
)");
}

TEST(PrinterTest, EmptyBodyPrintsPass) {
  Proc p;
  p.name = "nothing";
  EXPECT_EQ(printProc(p), "proc nothing():\n    pass\n");
  EXPECT_EQ(printBlock({}, 2), "        pass\n");
}

// ------------------------------------------------------------ expressions

TEST(PrinterTest, MinimalParentheses) {
  Sym sa = Sym::fresh("a"), sb = Sym::fresh("b"), sc = Sym::fresh("c"), sp = Sym::fresh("p"),
      sq = Sym::fresh("q"), sr = Sym::fresh("r");
  Expr a = var(sa), b = var(sb), c = var(sc);
  Expr p = var(sp, ScalarType::Bool), q = var(sq, ScalarType::Bool), r = var(sr, ScalarType::Bool);
  auto land = [](Expr x, Expr y) { return bin(BinOpKind::And, x, y); };
  auto lor = [](Expr x, Expr y) { return bin(BinOpKind::Or, x, y); };
  auto lt = [](Expr x, Expr y) { return bin(BinOpKind::Lt, x, y); };
  auto div = [](Expr x, Expr y) { return bin(BinOpKind::Div, x, y); };

  EXPECT_EQ(printExpr(mul(add(a, b), c)), "(a + b) * c");
  EXPECT_EQ(printExpr(add(mul(a, b), c)), "a * b + c");
  EXPECT_EQ(printExpr(sub(a, sub(b, c))), "a - (b - c)");
  EXPECT_EQ(printExpr(sub(sub(a, b), c)), "a - b - c");
  EXPECT_EQ(printExpr(add(a, add(b, c))), "a + (b + c)"); // keeps the tree's shape
  EXPECT_EQ(printExpr(div(mul(a, b), c)), "a * b / c");
  EXPECT_EQ(printExpr(mul(a, div(b, c))), "a * (b / c)");
  EXPECT_EQ(printExpr(bin(BinOpKind::Mod, add(a, lit(1)), lit(4))), "(a + 1) % 4");
  EXPECT_EQ(printExpr(lnot(land(p, q))), "not (p and q)");
  EXPECT_EQ(printExpr(land(lnot(p), q)), "not p and q");
  EXPECT_EQ(printExpr(lnot(lt(a, b))), "not a < b");
  EXPECT_EQ(printExpr(lor(land(p, q), r)), "p and q or r");
  EXPECT_EQ(printExpr(land(lor(p, q), r)), "(p or q) and r");
  EXPECT_EQ(printExpr(land(p, land(q, r))), "p and (q and r)");
  EXPECT_EQ(printExpr(lt(add(a, lit(1)), b)), "a + 1 < b");
  // Comparisons chain in Python, so nested ones keep their parentheses.
  EXPECT_EQ(printExpr(bin(BinOpKind::Eq, lt(a, b), p)), "(a < b) == p");
  EXPECT_EQ(printExpr(bin(BinOpKind::Ne, p, lt(a, b))), "p != (a < b)");
  EXPECT_EQ(printExpr(bin(BinOpKind::Eq, lnot(p), q)), "(not p) == q");
  EXPECT_EQ(printExpr(neg(add(a, b))), "-(a + b)");
  EXPECT_EQ(printExpr(neg(mul(a, b))), "-(a * b)");
  EXPECT_EQ(printExpr(mul(neg(a), b)), "-a * b");
  EXPECT_EQ(printExpr(neg(neg(a))), "-(-a)");
  EXPECT_EQ(printExpr(neg(at(sa, {b}))), "-a[b]");
  EXPECT_EQ(printExpr(bin(BinOpKind::Min, add(a, b), bin(BinOpKind::Max, c, lit(0)))),
            "min(a + b, max(c, 0))");
  EXPECT_EQ(printExpr(mul(bin(BinOpKind::Max, a, b), c)), "max(a, b) * c");
  EXPECT_EQ(printExpr(Select::make(land(p, q), add(a, b), c)), "select(p and q, a + b, c)");
}

TEST(PrinterTest, Literals) {
  Sym sa = Sym::fresh("a");
  EXPECT_EQ(printExpr(lit(-3)), "-3");
  EXPECT_EQ(printExpr(neg(lit(3))), "-3");
  EXPECT_EQ(printExpr(neg(lit(-3))), "-(-3)");
  EXPECT_EQ(printExpr(mul(var(sa), lit(-3))), "a * -3");
  EXPECT_EQ(printExpr(sub(var(sa), lit(-3))), "a - -3");
  EXPECT_EQ(printExpr(mul(lit(-3), var(sa))), "-3 * a");
  EXPECT_EQ(printExpr(Const::makeBool(true)), "True");
  EXPECT_EQ(printExpr(Const::makeBool(false)), "False");
  EXPECT_EQ(printExpr(Const::makeInt(7, {}, ScalarType::I32)), "7");
  EXPECT_EQ(printExpr(mul(real(-1.5), var(sa, ScalarType::F32))), "-1.5 * a");
}

TEST(PrinterTest, FloatsKeepAPointAndReadBackExactly) {
  EXPECT_EQ(printFloatLiteral(0.0), "0.0");
  EXPECT_EQ(printFloatLiteral(-0.0), "-0.0");
  EXPECT_EQ(printFloatLiteral(1.5), "1.5");
  EXPECT_EQ(printFloatLiteral(100.0), "100.0");
  EXPECT_EQ(printFloatLiteral(0.1), "0.1");
  EXPECT_EQ(printFloatLiteral(-2.25), "-2.25");
  EXPECT_EQ(printFloatLiteral(1e20), "1.0e+20");
  EXPECT_EQ(printFloatLiteral(1e-7), "1.0e-07");
  EXPECT_EQ(printFloatLiteral(2.5e-10), "2.5e-10");
  EXPECT_EQ(printExpr(real(3.0)), "3.0");
  for (double value : {0.1, 1.0 / 3.0, static_cast<double>(0.1f), 6.02214076e23, 1e-300,
                       123456789.125, 4.9e-324}) {
    std::string text = printFloatLiteral(value);
    EXPECT_TRUE(text.find('.') != std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
}

TEST(PrinterTest, StringLiterals) {
  EXPECT_EQ(printStringLiteral(""), "''");
  EXPECT_EQ(printStringLiteral("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(printStringLiteral("it's\\\n\t"), R"('it\'s\\\n\t')");
}

// ------------------------------------------------------------ names

TEST(PrinterTest, ShadowedNamesGetSuffixes) {
  Sym n = Sym::fresh("N"), a = Sym::fresh("A"), outer = Sym::fresh("i"), inner = Sym::fresh("i"),
      innermost = Sym::fresh("i_1"), later = Sym::fresh("i"), y1 = Sym::fresh("y"),
      y2 = Sym::fresh("y");
  Proc p;
  p.name = "shadow";
  p.args = {controlArg(n), dataArg(a, ScalarType::I32, {var(n, ScalarType::Size)})};
  Stmt innerLoop = loop(
      inner, lit(0), var(outer),
      {Assign::makeReduce(a, ScalarType::I32, {var(inner)}, var(outer)),
       loop(innermost, lit(0), lit(2),
            {Assign::make(a, ScalarType::I32, {var(innermost)}, add(var(inner), var(outer)))})});
  p.body = {loop(outer, lit(0), var(n, ScalarType::Size),
                 {innerLoop, Assign::make(a, ScalarType::I32, {var(outer)}, lit(0))}),
            // A sibling: the first `i` is out of scope again, so no suffix.
            loop(later, lit(0), var(n, ScalarType::Size),
                 {Alloc::make(y1, ScalarType::I32, {}, "DRAM"),
                  Assign::make(y1, ScalarType::I32, {}, var(later)),
                  // Two allocations spelled alike in one block (e.g. after unrolling).
                  Alloc::make(y2, ScalarType::I32, {}, "DRAM"),
                  Assign::make(y2, ScalarType::I32, {}, var(y1, ScalarType::I32))})};
  EXPECT_EQ(printProc(p), R"(proc shadow(N: size, A: i32[N] @ DRAM):
    for i in seq(0, N):
        for i_1 in seq(0, i):
            A[i_1] += i
            for i_1_1 in seq(0, 2):
                A[i_1_1] = i_1 + i
        A[i] = 0
    for i in seq(0, N):
        y: i32 @ DRAM
        y = i
        y_1: i32 @ DRAM
        y_1 = y
)");

  // Printed alone, the inner loop uses the outer `i` without binding it: its
  // own `i` must not capture that name.
  EXPECT_EQ(printStmt(innerLoop, 1), R"(    for i_1 in seq(0, i):
        A[i_1] += i
        for i_1_1 in seq(0, 2):
            A[i_1_1] = i_1 + i
)");
}

TEST(PrinterTest, SameSymBoundTwiceInSiblingsPrintsTheSame) {
  // Fission-like rewrites reuse an iterator Sym for two sibling loops.
  Sym a = Sym::fresh("A"), i = Sym::fresh("i");
  Block body = {loop(i, lit(0), lit(4), {Assign::make(a, ScalarType::I32, {var(i)}, lit(0))}),
                loop(i, lit(0), lit(4), {Assign::make(a, ScalarType::I32, {var(i)}, lit(1))})};
  EXPECT_EQ(printBlock(body), R"(for i in seq(0, 4):
    A[i] = 0
for i in seq(0, 4):
    A[i] = 1
)");
}

// ------------------------------------------------------------ equality

TEST(EqualityTest, EqualUpToSymIdentity) {
  std::string whyNot;
  EXPECT_TRUE(procsEqual(makeGemv(), makeGemv(), &whyNot)) << whyNot;
  EXPECT_TRUE(procsEqual(makeMmasa(), makeMmasa(), &whyNot)) << whyNot;
  Proc gemv = makeGemv();
  EXPECT_TRUE(procsEqual(gemv, gemv, &whyNot)) << whyNot;
}

TEST(EqualityTest, BinderSpellingsAndSourceLocationsDoNotMatter) {
  // What a re-parse of a disambiguated print gives: `i_1` for the inner `i`.
  Sym a = Sym::fresh("A"), i = Sym::fresh("i"), inner = Sym::fresh("i"), p = Sym::fresh("i"),
      q = Sym::fresh("i_1");
  SrcLoc somewhere = makeLoc("x.sched", 3, 4);
  Block left = {loop(
      i, lit(0), lit(4),
      {loop(inner, lit(0), var(i), {Assign::make(a, ScalarType::I32, {var(inner)}, var(i))})})};
  Block right = {For::make(
      p, lit(0), lit(4),
      {loop(q, lit(0), var(p), {Assign::make(a, ScalarType::I32, {var(q)}, var(p), somewhere)})},
      LoopMode::Seq, somewhere)};
  std::string whyNot;
  EXPECT_TRUE(blocksEqual(left, right, {}, &whyNot)) << whyNot;
}

TEST(EqualityTest, NestedRebindingOfOneSym) {
  // Left binds one Sym twice, nested; after the inner loop, `i` is the outer one again.
  Sym a = Sym::fresh("A"), i = Sym::fresh("i"), p = Sym::fresh("p"), q = Sym::fresh("q");
  auto write = [&](const Sym& index, int64_t value) {
    return Assign::make(a, ScalarType::I32, {var(index)}, lit(value));
  };
  Block left = {loop(i, lit(0), lit(4), {loop(i, lit(0), lit(4), {write(i, 0)}), write(i, 1)})};
  Block good = {loop(p, lit(0), lit(4), {loop(q, lit(0), lit(4), {write(q, 0)}), write(p, 1)})};
  Block bad = {loop(p, lit(0), lit(4), {loop(q, lit(0), lit(4), {write(p, 0)}), write(p, 1)})};
  EXPECT_TRUE(blocksEqual(left, good));
  EXPECT_FALSE(blocksEqual(left, bad));
  EXPECT_FALSE(blocksEqual(bad, left));
}

TEST(EqualityTest, ParserNormalizations) {
  Sym a = Sym::fresh("a");
  EXPECT_TRUE(exprsEqual(neg(lit(3)), lit(-3)));
  EXPECT_TRUE(exprsEqual(lit(3), neg(neg(lit(3)))));
  EXPECT_TRUE(exprsEqual(neg(real(1.5)), real(-1.5)));
  EXPECT_FALSE(exprsEqual(neg(lit(3)), lit(3)));
  EXPECT_FALSE(exprsEqual(real(0.0), real(-0.0)));
  EXPECT_FALSE(exprsEqual(real(0.0), lit(0)));
  EXPECT_FALSE(exprsEqual(lit(1), Const::makeBool(true)));
  // A literal's type comes from its context, which the source does not repeat.
  EXPECT_TRUE(exprsEqual(lit(0), Const::makeInt(0, {}, ScalarType::I32)));
  EXPECT_TRUE(exprsEqual(real(0.5), Const::makeFloat(0.5, ScalarType::F64)));
  // `pass` is what an empty block prints as.
  EXPECT_TRUE(blocksEqual({}, {Pass::make()}));
  EXPECT_TRUE(blocksEqual({Pass::make(), Assign::make(a, ScalarType::I32, {}, lit(1))},
                          {Assign::make(a, ScalarType::I32, {}, lit(1))}));
}

TEST(EqualityTest, FreeSymsMatchOnlyThemselves) {
  Sym a = Sym::fresh("a"), b = Sym::fresh("a");
  EXPECT_TRUE(exprsEqual(add(var(a), lit(1)), add(var(a), lit(1))));
  EXPECT_FALSE(exprsEqual(var(a), var(b)));
  SymMap m;
  m.bind(a, b);
  EXPECT_TRUE(exprsEqual(var(a), var(b), m));
  EXPECT_FALSE(exprsEqual(var(a), var(a), m));
}

// Each difference is found, and `whyNot` says where and shows both sides.
void expectDifference(const Proc& a, const Proc& b, const std::string& expectedWhyNot) {
  std::string whyNot;
  EXPECT_FALSE(procsEqual(a, b, &whyNot));
  EXPECT_EQ(whyNot, expectedWhyNot);
  EXPECT_FALSE(procsEqual(b, a));
}

TEST(EqualityTest, DifferentIndex) {
  expectDifference(makeGemv(), makeGemv({.readXAtI = true}),
                   "proc gemv, body[0].body[1].body[0]: right-hand side differs\n"
                   "  left:  A[i, j] * x[j]\n"
                   "  right: A[i, j] * x[i]");
}

TEST(EqualityTest, DifferentOperator) {
  expectDifference(makeGemv(), makeGemv({.product = BinOpKind::Add}),
                   "proc gemv, body[0].body[1].body[0]: right-hand side differs\n"
                   "  left:  A[i, j] * x[j]\n"
                   "  right: A[i, j] + x[j]");
}

TEST(EqualityTest, DifferentLoopBound) {
  expectDifference(makeGemv(), makeGemv({.innerLo = 1}),
                   "proc gemv, body[0].body[1]: loop lower bound differs\n"
                   "  left:  0\n"
                   "  right: 1");
}

TEST(EqualityTest, DifferentMemory) {
  expectDifference(makeGemv(), makeGemv({.yMem = "DRAM_STATIC"}),
                   "proc gemv, args[4]: argument differs\n"
                   "  left:  y: f32[N] @ DRAM\n"
                   "  right: y: f32[N] @ DRAM_STATIC");
}

TEST(EqualityTest, DifferentType) {
  expectDifference(makeGemv(), makeGemv({.aType = ScalarType::F64}),
                   "proc gemv, args[2]: argument differs\n"
                   "  left:  A: f32[N, M] @ DRAM\n"
                   "  right: A: f64[N, M] @ DRAM");
}

TEST(EqualityTest, DifferentAllocations) {
  Sym t = Sym::fresh("t");
  auto alloc = [&](ScalarType type, int64_t extent, const char* mem) {
    Proc p;
    p.name = "f";
    p.body = {Alloc::make(t, type, {lit(extent)}, mem)};
    return p;
  };
  Proc base = alloc(ScalarType::I32, 4, "DRAM");
  expectDifference(base, alloc(ScalarType::I32, 4, "RVM_TILE"),
                   "proc f, body[0]: memory differs\n  left:  DRAM\n  right: RVM_TILE");
  expectDifference(base, alloc(ScalarType::I8, 4, "DRAM"),
                   "proc f, body[0]: allocated type differs\n  left:  i32\n  right: i8");
  expectDifference(base, alloc(ScalarType::I32, 8, "DRAM"),
                   "proc f, body[0]: allocation shape differs\n  left:  4\n  right: 8");
}

TEST(EqualityTest, DifferentProcAttributes) {
  Proc gemv = makeGemv();
  Proc renamed = makeGemv();
  renamed.name = "gemv2";
  expectDifference(gemv, renamed, "proc gemv: proc name differs\n  left:  gemv\n  right: gemv2");
  Proc hidden = makeGemv();
  hidden.isPrivate = true;
  EXPECT_FALSE(procsEqual(gemv, hidden));
  Proc stricter = makeGemv();
  stricter.preds.push_back(Const::makeBool(true));
  EXPECT_FALSE(procsEqual(gemv, stricter));
  Proc otherTemplate = makeMmasa();
  otherTemplate.instr->c = "nop();";
  EXPECT_FALSE(procsEqual(makeMmasa(), otherTemplate));
  EXPECT_FALSE(procsEqual(makeMmasa(), makeGemv()));
}

TEST(EqualityTest, DifferentStatements) {
  Sym a = Sym::fresh("a"), i = Sym::fresh("i");
  auto proc = [](Block body) {
    Proc p;
    p.name = "f";
    p.body = std::move(body);
    return p;
  };
  Stmt write = Assign::make(a, ScalarType::I32, {}, lit(1));
  expectDifference(proc({write}), proc({Assign::makeReduce(a, ScalarType::I32, {}, lit(1))}),
                   "proc f, body[0]: statement differs\n  left:  a = 1\n  right: a += 1");
  expectDifference(proc({write}), proc({write, write}),
                   "proc f, body[1]: number of statements differs\n"
                   "  left:  (end of block)\n"
                   "  right: a = 1");
  Stmt seqLoop = loop(i, lit(0), lit(4), {write});
  Stmt parLoop = For::make(i, lit(0), lit(4), {write}, LoopMode::Par);
  EXPECT_FALSE(procsEqual(proc({seqLoop}), proc({parLoop})));
}

} // namespace
} // namespace schedc
