// Parsing and lowering: the example programs load, and the IR has the shape
// the source says.
#include "frontend/Frontend.h"
#include "frontend/Parser.h"

#include <gtest/gtest.h>

using namespace schedc;

namespace {

FrontendOptions options() {
  FrontendOptions o;
  o.stdlibDir = SCHEDC_STDLIB_DIR;
  return o;
}

Module load(const std::string& text) {
  return loadModuleFromString(text, "test.sched", options());
}

std::string errorOf(const std::string& text) {
  try {
    load(text);
  } catch (const CompileError& e) {
    return e.loc().str() + ": " + e.message();
  }
  return "no error";
}

} // namespace

TEST(Frontend, LoadsTheConv1dExample) {
  Module m = loadModule(std::string(SCHEDC_SOURCE_DIR) + "/../shared/examples/conv1d_rvm.sched",
                        options());
  ProcPtr conv = m.findProc("generic_conv1d");
  ASSERT_TRUE(conv);
  ASSERT_EQ(conv->args.size(), 3u);
  EXPECT_EQ(conv->args[1].shape.size(), 3u);
  ASSERT_EQ(conv->body.size(), 1u);
  auto* i = conv->body[0]->as<For>();
  ASSERT_TRUE(i);
  EXPECT_EQ(i->iter.name(), "i");
  EXPECT_EQ(i->hi->as<Const>()->intValue, 16); // const OC = 16
  ASSERT_TRUE(m.findProc("rvm_mmasa"));
  EXPECT_TRUE(m.findProc("rvm_mmasa")->isInstr());
  EXPECT_TRUE(m.findMemory("RVM_TILE"));
  EXPECT_EQ(m.findMemory("RVM_TILE")->registers.size(), 8u);
  EXPECT_TRUE(m.findMemory("DRAM_STATIC")->staticShape);
  EXPECT_EQ(m.findMemory("DRAM_STATIC")->base, "DRAM");
  ASSERT_EQ(m.schedules.size(), 1u);
  EXPECT_EQ(m.schedules[0].item->name, "exo_conv1d_tile_lt_kw");
  EXPECT_GE(m.defs.size(), 4u);
}

TEST(Frontend, IndentationAndLineJoining) {
  Module m = load("proc f(n: size,\n       x: f32[n]):\n    for i in seq(0, n):\n\n"
                  "        # comment\n        x[i] = 0.0\n    pass\n");
  ProcPtr f = m.findProc("f");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->body.size(), 2u);
  EXPECT_TRUE(f->body[0]->as<For>());
  EXPECT_TRUE(f->body[1]->as<Pass>());
}

TEST(Frontend, PatternsParseAsStatements) {
  SrcLoc at = makeLoc("p.sched", 3, 10);
  auto block = parseStatements("for i in _:_", at);
  ASSERT_EQ(block.size(), 1u);
  EXPECT_EQ(block[0]->kind, syntax::StmtKind::For);
  block = parseStatements("a = _; b = _", at);
  EXPECT_EQ(block.size(), 2u);
  block = parseStatements("x : _", at);
  EXPECT_EQ(block[0]->kind, syntax::StmtKind::Decl);
  block = parseStatements("out[_] += _", at);
  EXPECT_EQ(block[0]->kind, syntax::StmtKind::AugAssign);
}

TEST(Frontend, FStringHoles) {
  auto e = parseExpression("f\"y[0:{TILE}, 0:{TILE}]\"", makeLoc("p.sched", 1, 1));
  ASSERT_EQ(e->kind, syntax::ExprKind::FStr);
  ASSERT_EQ(e->args.size(), 5u); // "y[0:" TILE ", 0:" TILE "]"
  EXPECT_EQ(e->args[0]->text, "y[0:");
  EXPECT_TRUE(e->args[1]->isName("TILE"));
}

TEST(Frontend, LiteralsTakeTheTargetType) {
  Module m = load("proc f(x: i32[4], y: f32[4]):\n    for i in seq(0, 4):\n"
                  "        x[i] = 0.0\n        y[i] = 2\n");
  auto* loop = m.findProc("f")->body[0]->as<For>();
  EXPECT_EQ(loop->body[0]->as<Assign>()->rhs->type, ScalarType::I32);
  EXPECT_EQ(loop->body[1]->as<Assign>()->rhs->type, ScalarType::F32);
}

TEST(Frontend, LocatedRefusals) {
  EXPECT_EQ(errorOf("proc f(x: f32[4]):\n    x[0] = y\n"), "test.sched:2:12: unknown name 'y'");
  EXPECT_EQ(errorOf("proc f(x: f32[4]):\n  x[0] = 1.0\n    x[1] = 1.0\n"),
            "test.sched:3:5: syntax error: unexpected indent");
  EXPECT_EQ(errorOf("proc f(n: size, x: f32[4]):\n    n = 3\n"),
            "test.sched:2:5: cannot assign to 'n': it is a size argument (read-only)");
  EXPECT_EQ(errorOf("proc f(x: f32[4], k: i32):\n    x[k] = 1.0\n"),
            "test.sched:2:7: non-affine index expression: 'k' is data (i32), not an index");
}
