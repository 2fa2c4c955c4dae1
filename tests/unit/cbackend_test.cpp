// The C backend on hand-built IR: exact text where it is stable, and the
// emitted C compiled with gcc (-std=c99 -Wall -Wextra -Werror) and run against
// plain C references.
#include "backend/CBackend.h"
#include "backend/RegisterAllocation.h"
#include "frontend/Frontend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace schedc {
namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------ IR builders

Expr var(const Sym& s, ScalarType type = ScalarType::Index) {
  return Read::make(s, {}, type);
}
Expr lit(int64_t v) {
  return Const::makeInt(v);
}
Expr flt(double v, ScalarType type = ScalarType::F32) {
  return Const::makeFloat(v, type);
}
Expr add(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Add, std::move(a), std::move(b));
}
Expr mul(Expr a, Expr b) {
  return BinOp::make(BinOpKind::Mul, std::move(a), std::move(b));
}
Expr binop(BinOpKind op, Expr a, Expr b) {
  return BinOp::make(op, std::move(a), std::move(b));
}
Expr at(const Sym& buffer, std::vector<Expr> idx, ScalarType type) {
  return Read::make(buffer, std::move(idx), type);
}
WindowIndex point(Expr e) {
  return WindowIndex{std::move(e), nullptr};
}
WindowIndex interval(Expr lo, Expr hi) {
  return WindowIndex{std::move(lo), std::move(hi)};
}
Expr window(const Sym& buffer, std::vector<WindowIndex> idx, ScalarType type) {
  return WindowExpr::make(buffer, std::move(idx), type);
}

Stmt loop(const Sym& i, Expr lo, Expr hi, Block body, LoopMode mode = LoopMode::Seq) {
  return For::make(i, std::move(lo), std::move(hi), std::move(body), mode);
}
Stmt assign(const Sym& buffer, ScalarType type, std::vector<Expr> idx, Expr rhs) {
  return Assign::make(buffer, type, std::move(idx), std::move(rhs));
}
Stmt reduce(const Sym& buffer, ScalarType type, std::vector<Expr> idx, Expr rhs) {
  return Assign::makeReduce(buffer, type, std::move(idx), std::move(rhs));
}
Stmt alloc(const Sym& buffer, ScalarType type, std::vector<Expr> shape, std::string mem,
           SrcLoc loc = {}) {
  return Alloc::make(buffer, type, std::move(shape), std::move(mem), std::move(loc));
}
Stmt call(ProcPtr callee, std::vector<Expr> args) {
  return Call::make(std::move(callee), std::move(args));
}

FnArg control(const Sym& name, ScalarType type = ScalarType::Size) {
  FnArg arg;
  arg.name = name;
  arg.type = type;
  return arg;
}
FnArg tensor(const Sym& name, ScalarType type, std::vector<Expr> shape, std::string mem = "DRAM") {
  FnArg arg;
  arg.name = name;
  arg.type = type;
  arg.shape = std::move(shape);
  arg.mem = std::move(mem);
  return arg;
}
FnArg windowArg(const Sym& name, ScalarType type, std::vector<Expr> shape,
                std::string mem = "DRAM") {
  FnArg arg = tensor(name, type, std::move(shape), std::move(mem));
  arg.isWindow = true;
  return arg;
}

ProcPtr proc(std::string name, std::vector<FnArg> args, Block body) {
  auto p = std::make_shared<Proc>();
  p->name = std::move(name);
  p->args = std::move(args);
  p->body = std::move(body);
  return p;
}

ProcPtr instr(std::string name, std::vector<FnArg> args, Block body, std::string cTemplate) {
  auto p = std::make_shared<Proc>();
  p->name = std::move(name);
  p->args = std::move(args);
  p->body = std::move(body);
  p->instr = InstrTemplates{std::move(cTemplate), "", makeLoc("lib.sched", 3, 5), {}};
  return p;
}

MemoryPtr memory(std::string name, std::string allocTemplate, std::string freeTemplate) {
  auto m = std::make_shared<MemoryDef>();
  m->name = std::move(name);
  m->allocTemplate = std::move(allocTemplate);
  m->freeTemplate = std::move(freeTemplate);
  return m;
}

MemoryPtr rvmTile() {
  auto m =
      std::make_shared<MemoryDef>(*memory("RVM_TILE", "#define {name} \"{reg}\"", "#undef {name}"));
  m->canRead = false;
  m->canWrite = false;
  m->shape = {4, 4};
  m->registers = {"m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0"};
  return m;
}

// DRAM as Exo defines it, DRAM_STATIC as stdlib/memories.sched does, RVM_TILE
// as stdlib/rvm_mnemonic.sched does.
Module testModule() {
  Module module;
  module.memories.push_back(memory(
      "DRAM", "{type} *{name} = ({type} *)malloc({size} * sizeof({type}));", "free({name});"));
  auto dramStatic =
      std::make_shared<MemoryDef>(*memory("DRAM_STATIC", "static {type} {name}[{size}];", ""));
  dramStatic->base = "DRAM";
  dramStatic->staticShape = true;
  module.memories.push_back(dramStatic);
  module.memories.push_back(rvmTile());
  return module;
}

// The text of `function` in `source`: from its signature comment to its `}`.
std::string functionText(const std::string& source, const std::string& name) {
  size_t start = source.find("\n// " + name + "(");
  if (start == std::string::npos)
    return "<no function " + name + ">";
  size_t end = source.find("\n}\n", start);
  return source.substr(start + 1, end + 2 - start);
}

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const CompileError& error) {
    return error.message();
  }
  return "<no error>";
}

// ------------------------------------------------------------ running C

class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "schedc_cbackend_XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    if (!path_.empty())
      fs::remove_all(path_);
  }
  const std::string& path() const { return path_; }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(fs::path(path_) / name) << text;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(fs::path(path_) / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

private:
  std::string path_;
};

constexpr const char* kCompile = "gcc -std=c99 -Wall -Wextra -Werror -O1";

// Compiles `output` alone (-c), then with `mainSource`, and runs the program.
// Returns "" on success, otherwise the compiler's or program's complaint.
std::string compileAndRun(const COutput& output, const std::string& mainSource) {
  TempDir dir;
  if (dir.path().empty())
    return "cannot make a temporary directory";
  dir.write("out.h", output.header);
  dir.write("out.c", output.source);
  dir.write("main.c", mainSource);
  std::string cd = "cd '" + dir.path() + "' && ";
  if (std::system((cd + kCompile + " -c out.c -o out.o > log.txt 2>&1").c_str()) != 0)
    return "out.c does not compile:\n" + dir.read("log.txt") + "\n" + output.source;
  if (std::system((cd + kCompile + " main.c out.o -o prog > log.txt 2>&1").c_str()) != 0)
    return "main.c does not compile:\n" + dir.read("log.txt");
  if (std::system((cd + "./prog > log.txt 2>&1").c_str()) != 0)
    return "the program fails:\n" + dir.read("log.txt") + "\n" + output.source;
  return "";
}

// ------------------------------------------------------------ gemv

struct Gemv {
  Sym N = Sym::fresh("N"), M = Sym::fresh("M"), A = Sym::fresh("A"), x = Sym::fresh("x"),
      y = Sym::fresh("y"), i = Sym::fresh("i"), j = Sym::fresh("j");

  ProcPtr make() const {
    ScalarType f32 = ScalarType::F32;
    return proc("gemv",
                {control(N), control(M),
                 tensor(A, f32, {var(N, ScalarType::Size), var(M, ScalarType::Size)}),
                 tensor(x, f32, {var(M, ScalarType::Size)}),
                 tensor(y, f32, {var(N, ScalarType::Size)})},
                {loop(i, lit(0), var(N, ScalarType::Size),
                      {assign(y, f32, {var(i)}, flt(0.0)),
                       loop(j, lit(0), var(M, ScalarType::Size),
                            {reduce(y, f32, {var(i)},
                                    mul(at(A, {var(i), var(j)}, f32), at(x, {var(j)}, f32)))})})});
  }
};

TEST(CBackend, GemvText) {
  Module module = testModule();
  COutput out = emitC(module, {Gemv().make()}, CEmitOptions{"gemv.h", ""});
  EXPECT_EQ(out.source,
            "// Generated by schedc. Do not edit.\n"
            "#include \"gemv.h\"\n"
            "\n"
            "#include <stdlib.h>\n"
            "\n"
            "// gemv(N: size, M: size, A: f32[N, M] @ DRAM, x: f32[M] @ DRAM, y: f32[N] @ DRAM)\n"
            "void gemv(void *ctxt, int_fast32_t N, int_fast32_t M, const float *A, const float *x, "
            "float *y) {\n"
            "  (void)ctxt;\n"
            "  for (int_fast32_t i = 0; i < N; i++) {\n"
            "    y[i] = 0.0f;\n"
            "    for (int_fast32_t j = 0; j < M; j++) {\n"
            "      y[i] += A[i * M + j] * x[j];\n"
            "    }\n"
            "  }\n"
            "}\n");
  EXPECT_EQ(out.header,
            "// Generated by schedc. Do not edit.\n"
            "#ifndef GEMV_H\n"
            "#define GEMV_H\n"
            "\n"
            "#include <stdbool.h>\n"
            "#include <stdint.h>\n"
            "\n"
            "#ifdef __cplusplus\n"
            "extern \"C\" {\n"
            "#endif\n"
            "\n"
            "// gemv(N: size, M: size, A: f32[N, M] @ DRAM, x: f32[M] @ DRAM, y: f32[N] @ DRAM)\n"
            "void gemv(void *ctxt, int_fast32_t N, int_fast32_t M, const float *A, const float *x, "
            "float *y);\n"
            "\n"
            "#ifdef __cplusplus\n"
            "}\n"
            "#endif\n"
            "\n"
            "#endif // GEMV_H\n");
}

TEST(CBackend, GemvCompilesAndMatchesReference) {
  Module module = testModule();
  COutput out = emitC(module, {Gemv().make()}, CEmitOptions{"out.h", ""});
  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  enum { N = 13, M = 7 };
  float A[N * M], x[M], y[N], ref[N];
  srand(42);
  for (int i = 0; i < N * M; i++) A[i] = (float)(rand() % 200 - 100) / 8.0f;
  for (int j = 0; j < M; j++) x[j] = (float)(rand() % 200 - 100) / 8.0f;
  for (int i = 0; i < N; i++) { y[i] = 1234.0f; ref[i] = 0.0f; }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) ref[i] += A[i * M + j] * x[j];
  gemv(NULL, N, M, A, x, y);
  for (int i = 0; i < N; i++)
    if (fabsf(y[i] - ref[i]) > 1e-3f) { printf("y[%d] = %f, expected %f\n", i, y[i], ref[i]); return 1; }
  return 0;
}
)";
  EXPECT_EQ(compileAndRun(out, mainSource), "");
}

TEST(CBackend, OutputIsDeterministic) {
  Module module = testModule();
  COutput first = emitC(module, {Gemv().make()}, CEmitOptions{});
  COutput second = emitC(module, {Gemv().make()}, CEmitOptions{}); // other Sym ids
  EXPECT_EQ(first.source, second.source);
  EXPECT_EQ(first.header, second.header);
  EXPECT_NE(first.header.find("#ifndef OUT_H\n"), std::string::npos);
}

// ------------------------------------------------------------ windows and const

// copy_scaled(M: size, src: [i32][M], dst: [i32][M], k: index):
//     for j in seq(0, M): dst[j] = src[j] * k + max(j, 2)
// rows(N: size, M: size, A: i32[N, M], out: i32[N, M]):
//     for i in seq(0, N):
//         row = A[i, 0:M]
//         dst = out[i, 0:M]
//         copy_scaled(M, row, dst, i)
struct Rows {
  Sym M = Sym::fresh("M"), src = Sym::fresh("src"), dst = Sym::fresh("dst"), k = Sym::fresh("k"),
      j = Sym::fresh("j");
  Sym N = Sym::fresh("N"), M2 = Sym::fresh("M"), A = Sym::fresh("A"), out = Sym::fresh("out"),
      i = Sym::fresh("i"), row = Sym::fresh("row"), dst2 = Sym::fresh("dst");

  ProcPtr helper() const {
    ScalarType i32 = ScalarType::I32;
    Expr m = var(M, ScalarType::Size);
    return proc("copy_scaled",
                {control(M), windowArg(src, i32, {m}), windowArg(dst, i32, {m}),
                 control(k, ScalarType::Index)},
                {loop(j, lit(0), m,
                      {assign(dst, i32, {var(j)},
                              add(mul(at(src, {var(j)}, i32), var(k)),
                                  binop(BinOpKind::Max, var(j), lit(2))))})});
  }

  ProcPtr make() const {
    ScalarType i32 = ScalarType::I32;
    Expr n = var(N, ScalarType::Size);
    Expr m = var(M2, ScalarType::Size);
    return proc(
        "rows", {control(N), control(M2), tensor(A, i32, {n, m}), tensor(out, i32, {n, m})},
        {loop(i, lit(0), n,
              {WindowBind::make(row, window(A, {point(var(i)), interval(lit(0), m)}, i32)),
               WindowBind::make(dst2, window(out, {point(var(i)), interval(lit(0), m)}, i32)),
               call(helper(), {m, var(row, i32), var(dst2, i32), var(i)})})});
  }
};

TEST(CBackend, WindowsAndConst) {
  Module module = testModule();
  COutput out = emitC(module, {Rows().make()}, CEmitOptions{});
  // The helper comes first, static; only `rows` is in the header.
  EXPECT_EQ(functionText(out.source, "copy_scaled"),
            "// copy_scaled(M: size, src: [i32][M] @ DRAM, dst: [i32][M] @ DRAM, k: index)\n"
            "static void copy_scaled(void *ctxt, int_fast32_t M, struct schedc_win_1i32c src, "
            "struct schedc_win_1i32 dst, int_fast32_t k) {\n"
            "  (void)ctxt;\n"
            "  for (int_fast32_t j = 0; j < M; j++) {\n"
            "    dst.data[j * dst.strides[0]] = src.data[j * src.strides[0]] * k + (j > 2 ? j : "
            "2);\n"
            "  }\n"
            "}\n");
  EXPECT_EQ(functionText(out.source, "rows"),
            "// rows(N: size, M: size, A: i32[N, M] @ DRAM, out: i32[N, M] @ DRAM)\n"
            "void rows(void *ctxt, int_fast32_t N, int_fast32_t M, const int32_t *A, int32_t "
            "*out) {\n"
            "  (void)ctxt;\n"
            "  for (int_fast32_t i = 0; i < N; i++) {\n"
            "    struct schedc_win_1i32c row = (struct schedc_win_1i32c){ &A[i * M], { 1 } };\n"
            "    struct schedc_win_1i32 dst = (struct schedc_win_1i32){ &out[i * M], { 1 } };\n"
            "    copy_scaled(ctxt, M, row, dst, i);\n"
            "  }\n"
            "}\n");
  EXPECT_LT(out.source.find("static void copy_scaled"), out.source.find("void rows"));
  EXPECT_EQ(out.header.find("copy_scaled"), std::string::npos);
  EXPECT_NE(out.header.find("#ifndef SCHEDC_WIN_1I32C\n#define SCHEDC_WIN_1I32C\n"
                            "struct schedc_win_1i32c {\n  const int32_t *data;\n"
                            "  int_fast32_t strides[1];\n};\n#endif\n"),
            std::string::npos);
  EXPECT_NE(out.header.find("struct schedc_win_1i32 {\n  int32_t *data;\n"), std::string::npos);

  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
#include <stdio.h>
int main(void) {
  enum { N = 5, M = 6 };
  int32_t A[N * M], out[N * M];
  for (int i = 0; i < N * M; i++) { A[i] = i * 7 - 40; out[i] = -1; }
  rows(NULL, N, M, A, out);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++) {
      int32_t expected = A[i * M + j] * i + (j > 2 ? j : 2);
      if (out[i * M + j] != expected) { printf("out[%d][%d] = %d, expected %d\n", i, j, (int)out[i * M + j], (int)expected); return 1; }
    }
  return 0;
}
)";
  EXPECT_EQ(compileAndRun(out, mainSource), "");
}

TEST(CBackend, WrittenThroughCalleeIsNotConst) {
  Sym n = Sym::fresh("n"), buf = Sym::fresh("buf"), k = Sym::fresh("k");
  ProcPtr zero =
      proc("zero", {control(n), tensor(buf, ScalarType::F64, {var(n, ScalarType::Size)})},
           {loop(k, lit(0), var(n, ScalarType::Size),
                 {assign(buf, ScalarType::F64, {var(k)}, lit(0))})});
  Sym n2 = Sym::fresh("n"), data = Sym::fresh("ctxt"), scale = Sym::fresh("scale");
  ProcPtr outer = proc("outer",
                       {control(n2), tensor(data, ScalarType::F64, {var(n2, ScalarType::Size)}),
                        tensor(scale, ScalarType::F64, {})},
                       {call(zero, {var(n2, ScalarType::Size), var(data, ScalarType::F64)})});
  Module module = testModule();
  COutput out = emitC(module, {zero, outer}, CEmitOptions{});
  // `data` is written by zero, `scale` by nobody (and unused: marked (void));
  // the C name `ctxt` is the context argument's, so the buffer is renamed.
  EXPECT_EQ(functionText(out.source, "outer"),
            "// outer(n: size, ctxt: f64[n] @ DRAM, scale: f64 @ DRAM)\n"
            "void outer(void *ctxt, int_fast32_t n, double *ctxt_1, const double *scale) {\n"
            "  (void)ctxt;\n"
            "  (void)scale;\n"
            "  zero(ctxt, n, ctxt_1);\n"
            "}\n");
  EXPECT_NE(out.source.find("    buf[k] = 0.0;\n"), std::string::npos);
}

// ------------------------------------------------------------ expressions, names, scopes

TEST(CBackend, ExpressionsNamesAndControlFlow) {
  Sym n = Sym::fresh("n"), a = Sym::fresh("a"), flag = Sym::fresh("flag");
  Sym i1 = Sym::fresh("i"), i2 = Sym::fresh("i"), i3 = Sym::fresh("i"), t = Sym::fresh("t");
  ScalarType i32 = ScalarType::I32;
  Expr size = var(n, ScalarType::Size);
  Block body = {
      // two sibling loops with distinct Syms spelled `i` both print as `i`;
      // a nested one is renamed so that it does not shadow the outer `i`.
      loop(
          i1, lit(0), size,
          {loop(i2, lit(0), lit(2),
                {assign(a, i32, {var(i1)},
                        Select::make(
                            binop(BinOpKind::And,
                                  binop(BinOpKind::Or, var(flag, ScalarType::Bool),
                                        binop(BinOpKind::Lt, var(i1), lit(3))),
                                  UnOp::make(UnOpKind::Not, binop(BinOpKind::Eq, var(i2), lit(1)))),
                            binop(BinOpKind::Sub, var(i1), binop(BinOpKind::Sub, var(i2), lit(1))),
                            binop(BinOpKind::Min, var(i1), mul(lit(2), var(i2)))))})},
          LoopMode::Par),
      loop(i3, lit(1), add(size, lit(-1)),
           {alloc(t, i32, {}, "DRAM"),
            If::make(binop(BinOpKind::Eq, binop(BinOpKind::Mod, var(i3), lit(2)), lit(0)),
                     {assign(t, i32, {}, mul(add(var(i3), lit(1)), at(a, {var(i3)}, i32)))},
                     {If::make(binop(BinOpKind::Gt, var(i3), lit(4)),
                               {assign(t, i32, {}, UnOp::make(UnOpKind::Neg, var(i3)))},
                               {assign(t, i32, {}, binop(BinOpKind::Div, var(i3), lit(2)))})}),
            reduce(a, i32, {var(i3)}, var(t, i32))}),
  };
  ProcPtr p =
      proc("mix", {control(n), control(flag, ScalarType::Bool), tensor(a, i32, {size})}, body);
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(
      functionText(out.source, "mix"),
      "// mix(n: size, flag: bool, a: i32[n] @ DRAM)\n"
      "void mix(void *ctxt, int_fast32_t n, bool flag, int32_t *a) {\n"
      "  (void)ctxt;\n"
      "  for (int_fast32_t i = 0; i < n; i++) { // parallel\n"
      "    for (int_fast32_t i_1 = 0; i_1 < 2; i_1++) {\n"
      "      a[i] = (int32_t)((flag || i < 3) && !(i_1 == 1) ? i - (i_1 - 1) : (i < 2 * i_1 ? i "
      ": 2 * i_1));\n"
      "    }\n"
      "  }\n"
      "  for (int_fast32_t i = 1; i < n - 1; i++) {\n"
      "    int32_t t;\n"
      "    if (i % 2 == 0) {\n"
      "      t = (i + 1) * a[i];\n"
      "    } else if (i > 4) {\n"
      "      t = (int32_t)-i;\n"
      "    } else {\n"
      "      t = (int32_t)(i / 2);\n"
      "    }\n"
      "    a[i] += t;\n"
      "  }\n"
      "}\n");

  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
#include <stdio.h>
int main(void) {
  int32_t a[9], ref[9];
  for (int i = 0; i < 9; i++) a[i] = ref[i] = 100 + i;
  for (int i = 0; i < 9; i++)
    for (int i1 = 0; i1 < 2; i1++)
      ref[i] = ((0 || i < 3) && !(i1 == 1)) ? i - (i1 - 1) : (i < 2 * i1 ? i : 2 * i1);
  for (int i = 1; i < 8; i++) {
    int32_t t = i % 2 == 0 ? (i + 1) * ref[i] : i > 4 ? -i : i / 2;
    ref[i] += t;
  }
  mix(NULL, 9, false, a);
  for (int i = 0; i < 9; i++)
    if (a[i] != ref[i]) { printf("a[%d] = %d, expected %d\n", i, (int)a[i], (int)ref[i]); return 1; }
  return 0;
}
)";
  EXPECT_EQ(compileAndRun(out, mainSource), "");
}

TEST(CBackend, ReservedPrefixesGetAPrefixOfTheirOwn) {
  // schedc_x, __x and _X are reserved in C (or by us) whatever suffix follows;
  // they used to send the renaming loop round for ever.
  Sym x = Sym::fresh("schedc_x"), y = Sym::fresh("__y"), z = Sym::fresh("_Z");
  Sym clash = Sym::fresh("v_schedc_x"), i = Sym::fresh("i");
  ScalarType i32 = ScalarType::I32;
  Block body = {loop(i, lit(0), lit(4),
                     {assign(x, i32, {var(i)}, add(at(y, {var(i)}, i32), at(z, {var(i)}, i32))),
                      alloc(clash, i32, {}, "DRAM"), assign(clash, i32, {}, lit(1)),
                      reduce(x, i32, {var(i)}, var(clash, i32))})};
  ProcPtr p = proc(
      "f", {tensor(x, i32, {lit(4)}), tensor(y, i32, {lit(4)}), tensor(z, i32, {lit(4)})}, body);
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  std::string text = functionText(out.source, "f");
  EXPECT_NE(text.find("void f(void *ctxt, int32_t *v_schedc_x, const int32_t *v___y, const "
                      "int32_t *v__Z)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("int32_t v_schedc_x_1;"), std::string::npos) << text;
  EXPECT_EQ(compileAndRun(
                out, "#include \"out.h\"\nint main(void) {\n  int32_t x[4], y[4] = {1, 2, "
                     "3, 4}, z[4] = {5, 6, 7, 8};\n  f(0, x, y, z);\n  return x[3] != 13;\n}\n"),
            "");
}

TEST(CBackend, Literals) {
  Sym d = Sym::fresh("d"), f = Sym::fresh("f"), c = Sym::fresh("c");
  ProcPtr p = proc("lits",
                   {tensor(d, ScalarType::F64, {}), tensor(f, ScalarType::F32, {lit(2)}),
                    tensor(c, ScalarType::I8, {})},
                   {assign(d, ScalarType::F64, {}, flt(0.1, ScalarType::F64)),
                    assign(f, ScalarType::F32, {lit(1)}, flt(0.1)),
                    assign(f, ScalarType::F32, {lit(0)}, lit(3)),
                    reduce(d, ScalarType::F64, {}, at(f, {lit(1)}, ScalarType::F32)),
                    assign(c, ScalarType::I8, {}, flt(-2.5, ScalarType::F64))});
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out.source, "lits"),
            "// lits(d: f64 @ DRAM, f: f32[2] @ DRAM, c: i8 @ DRAM)\n"
            "void lits(void *ctxt, double *d, float *f, int8_t *c) {\n"
            "  (void)ctxt;\n"
            "  *d = 0.1;\n"
            "  f[1] = 0.1f;\n"
            "  f[0] = 3.0f;\n"
            "  *d += (double)f[1];\n"
            "  *c = (int8_t)-2.5;\n"
            "}\n");
}

TEST(CBackend, ScalarArgumentsByPointer) {
  ScalarType f32 = ScalarType::F32;
  Sym s = Sym::fresh("s"), v = Sym::fresh("v");
  ProcPtr accumulate = proc("accumulate", {tensor(s, f32, {}), tensor(v, f32, {})},
                            {reduce(s, f32, {}, var(v, f32))});
  Sym n = Sym::fresh("n"), A = Sym::fresh("A"), out = Sym::fresh("out"), t = Sym::fresh("t"),
      i = Sym::fresh("i");
  ProcPtr sum =
      proc("sum", {control(n), tensor(A, f32, {var(n, ScalarType::Size)}), tensor(out, f32, {})},
           {alloc(t, f32, {}, "DRAM"), assign(t, f32, {}, lit(0)),
            loop(i, lit(0), var(n, ScalarType::Size),
                 {call(accumulate, {var(t, f32), at(A, {var(i)}, f32)})}),
            call(accumulate, {var(out, f32), var(t, f32)})});
  Module module = testModule();
  COutput output = emitC(module, {sum}, CEmitOptions{});
  EXPECT_EQ(functionText(output.source, "accumulate"),
            "// accumulate(s: f32 @ DRAM, v: f32 @ DRAM)\n"
            "static void accumulate(void *ctxt, float *s, const float *v) {\n"
            "  (void)ctxt;\n"
            "  *s += *v;\n"
            "}\n");
  EXPECT_EQ(functionText(output.source, "sum"),
            "// sum(n: size, A: f32[n] @ DRAM, out: f32 @ DRAM)\n"
            "void sum(void *ctxt, int_fast32_t n, const float *A, float *out) {\n"
            "  (void)ctxt;\n"
            "  float t;\n"
            "  t = 0.0f;\n"
            "  for (int_fast32_t i = 0; i < n; i++) {\n"
            "    accumulate(ctxt, &t, &A[i]);\n"
            "  }\n"
            "  accumulate(ctxt, out, &t);\n"
            "}\n");
  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
int main(void) {
  float A[5] = {1.0f, 2.0f, 3.5f, -4.0f, 0.25f};
  float out = 5.0f;
  sum(NULL, 5, A, &out);
  return out == 7.75f ? 0 : 1;
}
)";
  EXPECT_EQ(compileAndRun(output, mainSource), "");
}

TEST(CBackend, StrideExpressions) {
  Sym N = Sym::fresh("N"), M = Sym::fresh("M"), A = Sym::fresh("A"), w = Sym::fresh("w"),
      out = Sym::fresh("out"), T = Sym::fresh("T");
  ScalarType f32 = ScalarType::F32, i32 = ScalarType::I32;
  ProcPtr p = proc("strides",
                   {control(N), control(M),
                    tensor(A, f32, {var(N, ScalarType::Size), var(M, ScalarType::Size)}),
                    windowArg(w, f32, {lit(4), lit(4)}), tensor(out, i32, {lit(3)})},
                   {alloc(T, f32, {lit(2), lit(3), lit(4)}, "DRAM_STATIC"),
                    assign(out, i32, {lit(0)}, StrideExpr::make(A, 0)),
                    assign(out, i32, {lit(1)}, StrideExpr::make(w, 1)),
                    assign(out, i32, {lit(2)}, StrideExpr::make(T, 0))});
  Module module = testModule();
  COutput output = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(output.source, "strides"),
            "// strides(N: size, M: size, A: f32[N, M] @ DRAM, w: [f32][4, 4] @ DRAM, out: i32[3] "
            "@ DRAM)\n"
            "void strides(void *ctxt, int_fast32_t N, int_fast32_t M, const float *A, struct "
            "schedc_win_2f32c w, int32_t *out) {\n"
            "  (void)ctxt;\n"
            "  (void)N;\n"
            "  (void)A;\n"
            "  static float T[24];\n"
            "  out[0] = (int32_t)M;\n"
            "  out[1] = (int32_t)w.strides[1];\n"
            "  out[2] = (int32_t)12;\n"
            "}\n");
}

// ------------------------------------------------------------ allocations

TEST(CBackend, AllocAndFreeTemplates) {
  Sym n = Sym::fresh("n"), out = Sym::fresh("out"), tmp = Sym::fresh("tmp"), st = Sym::fresh("st"),
      i = Sym::fresh("i");
  ScalarType i32 = ScalarType::I32;
  Expr size = var(n, ScalarType::Size);
  ProcPtr p = proc("staged", {control(n), tensor(out, i32, {size, lit(4)})},
                   {alloc(tmp, i32, {size, lit(4)}, "DRAM"),
                    alloc(st, ScalarType::I16, {lit(2), lit(3)}, "DRAM_STATIC"),
                    loop(i, lit(0), size,
                         {assign(tmp, i32, {var(i), lit(3)}, var(i)),
                          assign(st, ScalarType::I16, {lit(1), lit(2)}, lit(7)),
                          assign(out, i32, {var(i), lit(3)},
                                 add(at(tmp, {var(i), lit(3)}, i32),
                                     at(st, {lit(1), lit(2)}, ScalarType::I16)))})});
  Module module = testModule();
  COutput out_ = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out_.source, "staged"),
            "// staged(n: size, out: i32[n, 4] @ DRAM)\n"
            "void staged(void *ctxt, int_fast32_t n, int32_t *out) {\n"
            "  (void)ctxt;\n"
            "  int32_t *tmp = (int32_t *)malloc(n * 4 * sizeof(int32_t));\n"
            "  static int16_t st[6];\n"
            "  for (int_fast32_t i = 0; i < n; i++) {\n"
            "    tmp[i * 4 + 3] = (int32_t)i;\n"
            "    st[5] = 7;\n"
            "    out[i * 4 + 3] = tmp[i * 4 + 3] + st[5];\n"
            "  }\n"
            "  free(tmp);\n"
            "}\n");
  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
int main(void) {
  int32_t out[3 * 4] = {0};
  staged(NULL, 3, out);
  for (int i = 0; i < 3; i++)
    if (out[i * 4 + 3] != i + 7 || out[i * 4] != 0) return 1;
  return 0;
}
)";
  EXPECT_EQ(compileAndRun(out_, mainSource), "");
}

TEST(CBackend, StaticShapeRefusesSymbolicExtent) {
  Sym n = Sym::fresh("n"), st = Sym::fresh("st");
  ProcPtr p = proc("bad", {control(n)},
                   {alloc(st, ScalarType::F32, {lit(4), var(n, ScalarType::Size)}, "DRAM_STATIC",
                          makeLoc("k.sched", 7, 9))});
  Module module = testModule();
  try {
    emitC(module, {p}, CEmitOptions{});
    FAIL() << "expected a CompileError";
  } catch (const CompileError& error) {
    EXPECT_EQ(error.message(),
              "memory DRAM_STATIC needs a constant shape, but 'st' has extent `n` in dimension 1");
  }
}

TEST(CBackend, GlobalTemplateOncePerUsedMemory) {
  Module module = testModule();
  auto scratch = std::make_shared<MemoryDef>(*memory("SCRATCH", "{type} {name}[{shape}];", ""));
  scratch->globalTemplate = "#include <string.h>";
  auto unused = std::make_shared<MemoryDef>(*memory("UNUSED", "", ""));
  unused->globalTemplate = "#error never";
  module.memories.push_back(scratch);
  module.memories.push_back(unused);
  Sym a = Sym::fresh("a"), b = Sym::fresh("b");
  ProcPtr p = proc("two", {},
                   {alloc(a, ScalarType::I8, {lit(4)}, "SCRATCH"),
                    alloc(b, ScalarType::I8, {lit(8)}, "SCRATCH")});
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_NE(out.source.find("#include <stdlib.h>\n\n#include <string.h>\n\n// two()"),
            std::string::npos)
      << out.source;
  EXPECT_EQ(out.source.find("#error"), std::string::npos);
  EXPECT_NE(out.source.find("  int8_t a[4];\n  int8_t b[8];\n"), std::string::npos);
}

TEST(CBackend, MemoryShapeComparesBytes) {
  Module module = testModule();
  auto tryShape = [&](ScalarType type, std::vector<int64_t> shape) {
    Sym t = Sym::fresh("t");
    std::vector<Expr> extents;
    for (int64_t e : shape)
      extents.push_back(lit(e));
    return errorOf([&] {
      emitC(module, {proc("p", {}, {alloc(t, type, extents, "RVM_TILE")})}, CEmitOptions{});
    });
  };
  EXPECT_EQ(tryShape(ScalarType::I32, {4, 4}), "<no error>");
  EXPECT_EQ(tryShape(ScalarType::I16, {4, 8}), "<no error>");
  EXPECT_EQ(tryShape(ScalarType::I8, {4, 16}), "<no error>");
  EXPECT_EQ(tryShape(ScalarType::I32, {4, 8}),
            "'t: i32[4, 8]' does not fit memory RVM_TILE, which holds [4, 4] 32-bit words");
  EXPECT_EQ(tryShape(ScalarType::I32, {16}),
            "'t: i32[16]' does not fit memory RVM_TILE, which holds [4, 4] 32-bit words");
}

// ------------------------------------------------------------ register files

// `count` tiles allocated in one block, each zeroed by an instr.
struct Tiles {
  ProcPtr mzero;
  Sym dst = Sym::fresh("dst");

  Tiles() {
    Sym i = Sym::fresh("i"), j = Sym::fresh("j");
    mzero = instr(
        "rvm_mzero", {windowArg(dst, ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE")},
        {loop(i, lit(0), lit(4),
              {loop(j, lit(0), lit(4), {assign(dst, ScalarType::I32, {var(i), var(j)}, lit(0))})})},
        "__asm__ __volatile__(\"mzero \" {dst_int});");
  }

  Block allocs(int count, std::vector<Sym>& names) const {
    Block block;
    for (int k = 0; k < count; ++k) {
      names.push_back(Sym::fresh("t" + std::to_string(k)));
      block.push_back(alloc(names.back(), ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE",
                            makeLoc("k.sched", 10 + k, 5)));
      block.push_back(call(mzero, {var(names.back(), ScalarType::I32)}));
    }
    return block;
  }
};

TEST(RegisterAllocation, EightLiveTilesFit) {
  Tiles tiles;
  std::vector<Sym> names;
  ProcPtr p = proc("eight", {}, tiles.allocs(8, names));
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out.source, "eight"),
            "// eight()\n"
            "void eight(void *ctxt) {\n"
            "  (void)ctxt;\n"
            "#define t0 \"m7\"\n"
            "  __asm__ __volatile__(\"mzero \" t0);\n"
            "#define t1 \"m6\"\n"
            "  __asm__ __volatile__(\"mzero \" t1);\n"
            "#define t2 \"m5\"\n"
            "  __asm__ __volatile__(\"mzero \" t2);\n"
            "#define t3 \"m4\"\n"
            "  __asm__ __volatile__(\"mzero \" t3);\n"
            "#define t4 \"m3\"\n"
            "  __asm__ __volatile__(\"mzero \" t4);\n"
            "#define t5 \"m2\"\n"
            "  __asm__ __volatile__(\"mzero \" t5);\n"
            "#define t6 \"m1\"\n"
            "  __asm__ __volatile__(\"mzero \" t6);\n"
            "#define t7 \"m0\"\n"
            "  __asm__ __volatile__(\"mzero \" t7);\n"
            "#undef t7\n#undef t6\n#undef t5\n#undef t4\n#undef t3\n#undef t2\n#undef t1\n"
            "#undef t0\n"
            "}\n");
  std::vector<RegisterChoice> choices = allocateRegisters(module, *p);
  ASSERT_EQ(choices.size(), 8u);
  EXPECT_EQ(choices[0].reg, "m7");
  EXPECT_EQ(choices[7].reg, "m0");
  EXPECT_EQ(choices[7].alloc->name, names[7]);
  EXPECT_EQ(choices[7].memory, "RVM_TILE");
}

TEST(RegisterAllocation, NinthTileIsRefused) {
  Tiles tiles;
  std::vector<Sym> names;
  ProcPtr p = proc("nine", {}, tiles.allocs(9, names));
  Module module = testModule();
  const std::string expected =
      "memory RVM_TILE has no free register for 't8' (8 registers, all held by allocations still "
      "in scope: t0, t1, t2, t3, t4, t5, t6, t7; end a buffer's scope sooner, or share a register "
      "with reuse_buffer)";
  try {
    emitC(module, {p}, CEmitOptions{});
    FAIL() << "expected a CompileError";
  } catch (const CompileError& error) {
    EXPECT_EQ(error.message(), expected);
    EXPECT_EQ(error.loc().str(), "k.sched:18:5");
    ASSERT_EQ(error.notes().size(), 8u);
    EXPECT_EQ(error.notes()[0].message, "'t0' holds register m7 here");
    EXPECT_EQ(error.notes()[0].loc.str(), "k.sched:10:5");
  }
  EXPECT_EQ(errorOf([&] { allocateRegisters(module, *p); }), expected);
}

TEST(RegisterAllocation, RegisterIsReusedAfterItsScope) {
  Tiles tiles;
  Sym acc = Sym::fresh("acc"), a = Sym::fresh("a"), b = Sym::fresh("b"), c = Sym::fresh("data");
  Sym i = Sym::fresh("i"), k = Sym::fresh("k");
  ScalarType i32 = ScalarType::I32;
  auto tile = [&](const Sym& s) { return alloc(s, i32, {lit(4), lit(4)}, "RVM_TILE"); };
  auto zero = [&](const Sym& s) { return call(tiles.mzero, {var(s, i32)}); };
  // acc lives throughout; a lives in the first loop's body, b in the second's
  // (freed at the end of each body, so both take m6); `data` comes after the
  // loops, and is renamed: as a macro it would break the window structs' field.
  ProcPtr p = proc("reuse", {},
                   {tile(acc), loop(i, lit(0), lit(2), {tile(a), zero(a), zero(acc)}),
                    loop(k, lit(0), lit(2), {tile(b), zero(b)}), tile(c), zero(c)});
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out.source, "reuse"), "// reuse()\n"
                                               "void reuse(void *ctxt) {\n"
                                               "  (void)ctxt;\n"
                                               "#define acc \"m7\"\n"
                                               "  for (int_fast32_t i = 0; i < 2; i++) {\n"
                                               "#define a \"m6\"\n"
                                               "    __asm__ __volatile__(\"mzero \" a);\n"
                                               "    __asm__ __volatile__(\"mzero \" acc);\n"
                                               "#undef a\n"
                                               "  }\n"
                                               "  for (int_fast32_t k = 0; k < 2; k++) {\n"
                                               "#define b \"m6\"\n"
                                               "    __asm__ __volatile__(\"mzero \" b);\n"
                                               "#undef b\n"
                                               "  }\n"
                                               "#define data_1 \"m6\"\n"
                                               "  __asm__ __volatile__(\"mzero \" data_1);\n"
                                               "#undef data_1\n"
                                               "#undef acc\n"
                                               "}\n");
  std::vector<RegisterChoice> choices = allocateRegisters(module, *p);
  ASSERT_EQ(choices.size(), 4u);
  EXPECT_EQ(choices[1].reg + choices[2].reg + choices[3].reg, "m6m6m6");
}

TEST(RegisterAllocation, RegisterBuffersHaveNoScalarAccess) {
  Sym t = Sym::fresh("t");
  ProcPtr p = proc("peek", {},
                   {alloc(t, ScalarType::I32, {lit(4), lit(4)}, "RVM_TILE"),
                    assign(t, ScalarType::I32, {lit(0), lit(0)}, lit(1))});
  Module module = testModule();
  EXPECT_EQ(errorOf([&] { emitC(module, {p}, CEmitOptions{}); }),
            "cannot write 't' in C: it lives in the register file RVM_TILE (only instrs can "
            "access it)");
  // The same defence for an ordinary memory that refuses scalar reads.
  auto noRead = std::make_shared<MemoryDef>(*memory("NO_READ", "{type} {name}[{size}];", ""));
  noRead->canRead = false;
  module.memories.push_back(noRead);
  Sym u = Sym::fresh("u"), v = Sym::fresh("v");
  ProcPtr q =
      proc("peek2", {},
           {alloc(u, ScalarType::I32, {lit(4)}, "NO_READ"), alloc(v, ScalarType::I32, {}, "DRAM"),
            assign(v, ScalarType::I32, {}, at(u, {lit(1)}, ScalarType::I32))});
  EXPECT_EQ(errorOf([&] { emitC(module, {q}, CEmitOptions{}); }),
            "cannot read 'u' in C: memory NO_READ does not allow scalar reads");
}

TEST(RegisterAllocation, CallWhileRegistersLiveIsRefused) {
  Tiles tiles;
  std::vector<Sym> inner;
  ProcPtr helper = proc("helper", {}, tiles.allocs(1, inner));
  std::vector<Sym> outer;
  Block body = tiles.allocs(1, outer);
  body.push_back(call(helper, {}));
  ProcPtr p = proc("caller", {}, body);
  Module module = testModule();
  EXPECT_EQ(errorOf([&] { emitC(module, {p}, CEmitOptions{}); }),
            "cannot call 'helper' while registers of RVM_TILE are live (t0): 'helper' allocates "
            "RVM_TILE registers itself and would overwrite them");
}

// ------------------------------------------------------------ instr templates

struct Load {
  Sym dst = Sym::fresh("dst"), src = Sym::fresh("src"), n = Sym::fresh("n");

  ProcPtr make(const std::string& cTemplate) const {
    Sym i = Sym::fresh("i"), j = Sym::fresh("j");
    ScalarType i32 = ScalarType::I32;
    return instr(
        "ld",
        {windowArg(dst, i32, {lit(4), lit(4)}, "RVM_TILE"), windowArg(src, i32, {lit(4), lit(4)}),
         control(n, ScalarType::Index)},
        {loop(i, lit(0), lit(4),
              {loop(j, lit(0), lit(4),
                    {assign(dst, i32, {var(i), var(j)}, at(src, {var(i), var(j)}, i32))})})},
        cTemplate);
  }
};

TEST(InstrTemplates, AllHoleKinds) {
  Load load;
  ProcPtr ld = load.make("{{ ld({dst_int}, {src}, &{src_data}, {src_stride_0}, {src_stride_1}, "
                         "{n}, {dst_stride_0}); }}");
  Sym A = Sym::fresh("A"), t = Sym::fresh("t"), io = Sym::fresh("io");
  ScalarType i32 = ScalarType::I32;
  ProcPtr p = proc(
      "load_tiles", {tensor(A, i32, {lit(16), lit(8)})},
      {loop(io, lit(0), lit(4),
            {alloc(t, i32, {lit(4), lit(4)}, "RVM_TILE"),
             call(ld, {var(t, i32),
                       window(A,
                              {interval(mul(lit(4), var(io)), add(mul(lit(4), var(io)), lit(4))),
                               interval(lit(4), lit(8))},
                              i32),
                       add(var(io), lit(1))})})});
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out.source, "load_tiles"),
            "// load_tiles(A: i32[16, 8] @ DRAM)\n"
            "void load_tiles(void *ctxt, const int32_t *A) {\n"
            "  (void)ctxt;\n"
            "  for (int_fast32_t io = 0; io < 4; io++) {\n"
            "#define t \"m7\"\n"
            "    { ld(t, ((struct schedc_win_2i32c){ &A[(4 * io) * 8 + 4], { 8, 1 } }), "
            "&A[(4 * io) * 8 + 4], 8, 1, (io + 1), 4); }\n"
            "#undef t\n"
            "  }\n"
            "}\n");
  EXPECT_NE(out.header.find("struct schedc_win_2i32c {"), std::string::npos);
}

TEST(InstrTemplates, UnknownHoleIsRefused) {
  Load load;
  ProcPtr bad = load.make("ld({dst_int}, {bogus});");
  Sym A = Sym::fresh("A"), t = Sym::fresh("t");
  ScalarType i32 = ScalarType::I32;
  Stmt use = Call::make(bad, {var(t, i32), var(A, i32), lit(0)}, makeLoc("k.sched", 20, 3));
  ProcPtr p = proc("p", {tensor(A, i32, {lit(4), lit(4)})},
                   {alloc(t, i32, {lit(4), lit(4)}, "RVM_TILE"), use});
  Module module = testModule();
  try {
    emitC(module, {p}, CEmitOptions{});
    FAIL() << "expected a CompileError";
  } catch (const CompileError& error) {
    EXPECT_EQ(error.message(),
              "in the C template of instr ld: unknown hole {bogus} (its arguments: dst, src, n)");
    EXPECT_EQ(error.loc().str(), "k.sched:20:3");
    ASSERT_EQ(error.notes().size(), 1u);
    EXPECT_EQ(error.notes()[0].loc.str(), "lib.sched:3:5");
  }
  ProcPtr stray = load.make("ld({dst_int}, { src });");
  ProcPtr q = proc("q", {tensor(A, i32, {lit(4), lit(4)})},
                   {alloc(t, i32, {lit(4), lit(4)}, "RVM_TILE"),
                    call(stray, {var(t, i32), var(A, i32), lit(0)})});
  EXPECT_EQ(errorOf([&] { emitC(module, {q}, CEmitOptions{}); }),
            "in the C template of instr ld: stray '{' at offset 14 (write '{{' for a literal "
            "brace) (its arguments: dst, src, n)");
}

TEST(InstrTemplates, RegisterArgumentHasNoData) {
  Load load;
  ProcPtr ld = load.make("ld(&{dst_data});");
  Sym A = Sym::fresh("A"), t = Sym::fresh("t");
  ScalarType i32 = ScalarType::I32;
  ProcPtr p = proc(
      "p", {tensor(A, i32, {lit(4), lit(4)})},
      {alloc(t, i32, {lit(4), lit(4)}, "RVM_TILE"), call(ld, {var(t, i32), var(A, i32), lit(0)})});
  Module module = testModule();
  EXPECT_EQ(errorOf([&] { emitC(module, {p}, CEmitOptions{}); }),
            "hole {dst_data} of instr ld: 't' lives in the register file RVM_TILE, which has no "
            "C storage");
}

// An instr whose template is plain C, so that its expansion can run: a 4-wide
// strided copy, used through a window of a window.
TEST(InstrTemplates, ExpandedTemplateRuns) {
  Sym dst = Sym::fresh("dst"), src = Sym::fresh("src"), k = Sym::fresh("k");
  ScalarType f32 = ScalarType::F32;
  ProcPtr copy4 =
      instr("copy4", {windowArg(dst, f32, {lit(4)}), windowArg(src, f32, {lit(4)})},
            {loop(k, lit(0), lit(4), {assign(dst, f32, {var(k)}, at(src, {var(k)}, f32))})},
            "{{ for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst_stride_0}] = "
            "{src}.data[k * {src}.strides[0]]; }}");
  // transpose(A: f32[4, 4], B: f32[4, 4]):
  //     for i in seq(0, 4):
  //         col = B[0:4, 0:4]      (a window, then a window of it)
  //         copy4(col[0:4, i], A[i, 0:4])
  Sym A = Sym::fresh("A"), B = Sym::fresh("B"), i = Sym::fresh("i"), col = Sym::fresh("col");
  ProcPtr p =
      proc("transpose", {tensor(A, f32, {lit(4), lit(4)}), tensor(B, f32, {lit(4), lit(4)})},
           {loop(i, lit(0), lit(4),
                 {WindowBind::make(
                      col, window(B, {interval(lit(0), lit(4)), interval(lit(0), lit(4))}, f32)),
                  call(copy4, {window(col, {interval(lit(0), lit(4)), point(var(i))}, f32),
                               window(A, {point(var(i)), interval(lit(0), lit(4))}, f32)})})});
  Module module = testModule();
  COutput out = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(out.source, "transpose"),
            "// transpose(A: f32[4, 4] @ DRAM, B: f32[4, 4] @ DRAM)\n"
            "void transpose(void *ctxt, const float *A, float *B) {\n"
            "  (void)ctxt;\n"
            "  for (int_fast32_t i = 0; i < 4; i++) {\n"
            "    struct schedc_win_2f32 col = (struct schedc_win_2f32){ &B[0], { 4, 1 } };\n"
            "    { for (int k = 0; k < 4; k++) (&col.data[i * col.strides[1]])[k * "
            "col.strides[0]] = ((struct schedc_win_1f32c){ &A[i * 4], { 1 } }).data[k * "
            "((struct schedc_win_1f32c){ &A[i * 4], { 1 } }).strides[0]]; }\n"
            "  }\n"
            "}\n");
  std::string mainSource = R"(#include "out.h"
#include <stddef.h>
int main(void) {
  float A[16], B[16];
  for (int i = 0; i < 16; i++) { A[i] = (float)i; B[i] = -1.0f; }
  transpose(NULL, A, B);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (B[j * 4 + i] != A[i * 4 + j]) return 1;
  return 0;
}
)";
  EXPECT_EQ(compileAndRun(out, mainSource), "");
}

TEST(InstrTemplates, ScalarHolesAndRegisterWindows) {
  ScalarType i32 = ScalarType::I32;
  Sym d = Sym::fresh("d"), src = Sym::fresh("src"), k = Sym::fresh("k");
  ProcPtr addto =
      instr("addto", {tensor(d, i32, {}), tensor(src, i32, {}), control(k, ScalarType::Index)},
            {reduce(d, i32, {}, mul(var(src, i32), var(k)))}, "{d} += {src_data} * {k};");
  Tiles tiles;
  Sym A = Sym::fresh("A"), x = Sym::fresh("x"), i = Sym::fresh("i"), t = Sym::fresh("t"),
      w = Sym::fresh("w");
  ProcPtr p = proc(
      "p", {tensor(A, i32, {lit(4)}), tensor(x, i32, {})},
      {loop(i, lit(0), lit(2),
            {call(addto, {at(A, {lit(2)}, i32), var(x, i32), add(var(i), lit(1))})}),
       alloc(t, i32, {lit(4), lit(4)}, "RVM_TILE"),
       WindowBind::make(w, window(t, {interval(lit(0), lit(4)), interval(lit(0), lit(4))}, i32)),
       call(tiles.mzero, {var(w, i32)})});
  Module module = testModule();
  COutput output = emitC(module, {p}, CEmitOptions{});
  EXPECT_EQ(functionText(output.source, "p"), "// p(A: i32[4] @ DRAM, x: i32 @ DRAM)\n"
                                              "void p(void *ctxt, int32_t *A, const int32_t *x) {\n"
                                              "  (void)ctxt;\n"
                                              "  for (int_fast32_t i = 0; i < 2; i++) {\n"
                                              "    A[2] += (*x) * (i + 1);\n"
                                              "  }\n"
                                              "#define t \"m7\"\n"
                                              "  __asm__ __volatile__(\"mzero \" t);\n"
                                              "#undef t\n"
                                              "}\n");
}

// The real stdlib (stdlib/rvm.sched, through the frontend) on a hand-scheduled
// 16x16 int32 C = A * B^T, cross-compiled for RISC-V and run under QEMU with
// the RVM emulator (tests/rvm/rvm_emu.c).
TEST(EndToEnd, RvmGemmRunsUnderQemu) {
  if (std::system("command -v riscv64-linux-gnu-gcc > /dev/null 2>&1") != 0 ||
      std::system("command -v qemu-riscv64 > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs riscv64-linux-gnu-gcc and qemu-riscv64";
  FrontendOptions frontendOptions;
  frontendOptions.stdlibDir = SCHEDC_STDLIB_DIR;
  Module module = loadModuleFromString(R"(import "rvm.sched"

proc gemm_nt(C: i32[16, 16] @ DRAM, A: i32[16, 16] @ DRAM, B: i32[16, 16] @ DRAM):
    for io in seq(0, 4):
        for jo in seq(0, 4):
            acc: i32[4, 4] @ RVM_TILE
            rvm_mzero(acc)
            for ko in seq(0, 4):
                bt: i32[4, 4] @ RVM_TILE
                rvm_mld(bt, B[4 * jo:4 * jo + 4, 4 * ko:4 * ko + 4])
                at: i32[4, 4] @ RVM_TILE
                rvm_mld(at, A[4 * io:4 * io + 4, 4 * ko:4 * ko + 4])
                rvm_mmasa(acc, bt, at)
            rvm_mst(acc, C[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])
)",
                                       "gemm.sched", frontendOptions);
  COutput output = emitC(module, {module.findProc("gemm_nt")}, CEmitOptions{});
  EXPECT_NE(output.source.find(
                "void gemm_nt(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B) {\n"),
            std::string::npos);
  EXPECT_NE(output.source.find("#define acc \"7\"\n      __asm__ __volatile__(\".4byte "
                               "0xf800002b | (\" acc \" << 15)\");\n"),
            std::string::npos)
      << output.source;
  EXPECT_NE(output.source.find("        __asm__ __volatile__(\".4byte 0xf000082b | (\" acc \" "
                               "<< 15) | (\" bt \" << 21) | (\" at \" << 18)\");\n"
                               "#undef at\n#undef bt\n"),
            std::string::npos)
      << output.source;

  TempDir dir;
  dir.write("out.h", output.header);
  dir.write("out.c", output.source);
  dir.write("main.c", R"(#include "out.h"
#include "rvm_emu.h"
#include <stddef.h>
#include <stdio.h>
int main(void) {
  rvm_emu_install();
  int32_t A[256], B[256], C[256], ref[256];
  uint32_t s = 12345u;
  for (int i = 0; i < 256; i++) {
    s = s * 1103515245u + 12345u; A[i] = (int32_t)(s >> 16) % 1000 - 500;
    s = s * 1103515245u + 12345u; B[i] = (int32_t)(s >> 16) % 1000 - 500;
    C[i] = 77;
  }
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) {
      int32_t sum = 0;
      for (int k = 0; k < 16; k++) sum += A[i * 16 + k] * B[j * 16 + k];
      ref[i * 16 + j] = sum;
    }
  gemm_nt(NULL, C, A, B);
  for (int i = 0; i < 256; i++)
    if (C[i] != ref[i]) { printf("C[%d] = %d, expected %d\n", i, (int)C[i], (int)ref[i]); return 1; }
  /* 16 tiles x (mzero + 4 x (2 mld + mmasa) + mst) */
  if (rvm_emu_trap_count() != 16 * (1 + 4 * 3 + 1)) { printf("%u traps\n", (unsigned)rvm_emu_trap_count()); return 1; }
  return 0;
}
)");
  std::string emulator = std::string(SCHEDC_SOURCE_DIR) + "/tests/rvm";
  std::string build = "cd '" + dir.path() +
                      "' && riscv64-linux-gnu-gcc -std=c99 -O2 -static -Wall -Wextra -Werror -I'" +
                      emulator + "' out.c main.c '" + emulator +
                      "/rvm_emu.c' -o prog > log.txt 2>&1";
  ASSERT_EQ(std::system(build.c_str()), 0) << dir.read("log.txt") << output.source;
  EXPECT_EQ(std::system(("cd '" + dir.path() + "' && qemu-riscv64 ./prog > log.txt 2>&1").c_str()),
            0)
      << dir.read("log.txt");
}

} // namespace
} // namespace schedc
