// renderDiagnostic: GCC's layout, source excerpts and colours, on files
// written by the test. Then the warnings of passes/Warnings.h: what fires, and
// what must not (a use through a call or a window, a directive inside
// try/for/def, a private proc a schedule names, the stdlib and the examples).
#include "passes/Pipeline.h"
#include "passes/Warnings.h"
#include "support/Diagnostics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace schedc;
namespace fs = std::filesystem;

namespace {

class RenderTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("schedc_diagnostics_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->current_test_info()->line()));
    fs::create_directories(dir_);
    forgetSourceFiles();
  }
  void TearDown() override {
    fs::remove_all(dir_);
    forgetSourceFiles();
  }

  // Writes `text` to a file of the test's folder and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static Diagnostic error(SrcLoc loc, std::string message) {
    Diagnostic d;
    d.loc = std::move(loc);
    d.message = std::move(message);
    return d;
  }

  fs::path dir_;
};

const DiagnosticOptions kPlain{};

TEST_F(RenderTest, CaretUnderTheColumn) {
  std::string f = write("a.sched", "proc f(x: f32):\n    x = z\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 2, 9), "unknown name 'z'"), kPlain),
            f + ":2:9: error: unknown name 'z'\n"
                "    2 |     x = z\n"
                "      |         ^\n");
}

TEST_F(RenderTest, CaretAtColumnOne) {
  std::string f = write("a.sched", "proc f():\n    pass\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 1), "m"), kPlain), f + ":1:1: error: m\n"
                                                                        "    1 | proc f():\n"
                                                                        "      | ^\n");
}

TEST_F(RenderTest, TabsExpandToStopsOfEightAndTheCaretFollows) {
  // Column 5 is the 'z' after "\t\tx\t" (a tab counts as one column).
  std::string f = write("a.sched", "\t\tx\tz\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 5), "m"), kPlain),
            f + ":1:5: error: m\n"
                "    1 |                 x       z\n"
                "      |                         ^\n");
  // The caret under a tab itself goes where the tab starts.
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 4), "m"), kPlain),
            f + ":1:4: error: m\n"
                "    1 |                 x       z\n"
                "      |                  ^\n");
}

TEST_F(RenderTest, ColumnPastTheEndPutsTheCaretJustAfterTheLine) {
  std::string f = write("a.sched", "abc\n");
  std::string expected = "    1 | abc\n"
                         "      |    ^\n";
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 4), "m"), kPlain),
            f + ":1:4: error: m\n" + expected);
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 400), "m"), kPlain),
            f + ":1:400: error: m\n" + expected);
}

TEST_F(RenderTest, MultiByteCharactersCountAsOneColumn) {
  std::string f = write("a.sched", "# \xc3\xa9t\xc3\xa9 z\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 7), "m"), kPlain),
            f + ":1:7: error: m\n"
                "    1 | # \xc3\xa9t\xc3\xa9 z\n"
                "      |       ^\n");
}

TEST_F(RenderTest, CarriageReturnsAreNotShown) {
  std::string f = write("a.sched", "ab\r\ncd\r\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 2, 2), "m"), kPlain), f + ":2:2: error: m\n"
                                                                        "    2 | cd\n"
                                                                        "      |  ^\n");
}

TEST_F(RenderTest, EmptyLineHasNoTrailingSpace) {
  std::string f = write("a.sched", "a\n\nb\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 2, 1), "m"), kPlain), f + ":2:1: error: m\n"
                                                                        "    2 |\n"
                                                                        "      | ^\n");
}

// GCC: the number column is at least 5 wide, and as wide as the number.
TEST_F(RenderTest, WideLineNumbersWidenTheGutter) {
  std::string text;
  for (int i = 0; i < 123456; ++i)
    text += "x\n";
  std::string f = write("long.sched", text);
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 123456, 1), "m"), kPlain), f + ":123456:1: error: m\n"
                                                                             "123456 | x\n"
                                                                             "       | ^\n");
}

TEST_F(RenderTest, NoExcerptForALineOutOfRangeOrAnUnreadableFile) {
  std::string f = write("a.sched", "one line\n");
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 2, 1), "m"), kPlain), f + ":2:1: error: m\n");
  std::string missing = (dir_ / "missing.sched").string();
  EXPECT_EQ(renderDiagnostic(error(makeLoc(missing, 1, 1), "m"), kPlain),
            missing + ":1:1: error: m\n");
}

TEST_F(RenderTest, PartialLocations) {
  std::string f = write("a.sched", "abc\n");
  // No location at all: the program's name, as GCC prints `gcc: error:`.
  EXPECT_EQ(renderDiagnostic(error(SrcLoc{}, "cannot write 'x.c'"), kPlain),
            "schedc: error: cannot write 'x.c'\n");
  // A file without a line.
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 0, 0), "m"), kPlain), f + ": error: m\n");
  // A line without a column: the line, no caret.
  EXPECT_EQ(renderDiagnostic(error(makeLoc(f, 1, 0), "m"), kPlain), f + ":1: error: m\n"
                                                                        "    1 | abc\n");
}

TEST_F(RenderTest, NoCaretOption) {
  std::string f = write("a.sched", "abc\n");
  DiagnosticOptions options;
  options.showCaret = false;
  Diagnostic d = error(makeLoc(f, 1, 2), "m");
  d.notes.push_back(Note{makeLoc(f, 1, 3), "here", ""});
  EXPECT_EQ(renderDiagnostic(d, options), f + ":1:2: error: m\n" + f + ":1:3: note: here\n");
}

TEST_F(RenderTest, ExtraTextThenNotesEachWithItsExcerpt) {
  std::string f = write("a.sched", "first\nsecond\n");
  std::string g = write("b.sched", "    assert x\n");
  Diagnostic d = error(makeLoc(f, 2, 1), "refused");
  d.extra = "stmt one\nstmt two\n";
  d.notes.push_back(Note{makeLoc(g, 1, 12), "the assert", "note text"});
  EXPECT_EQ(renderDiagnostic(d, kPlain), f +
                                             ":2:1: error: refused\n"
                                             "    2 | second\n"
                                             "      | ^\n"
                                             "    stmt one\n"
                                             "    stmt two\n" +
                                             g +
                                             ":1:12: note: the assert\n"
                                             "    1 |     assert x\n"
                                             "      |            ^\n"
                                             "    note text\n");
}

TEST_F(RenderTest, WarningsAndWerror) {
  std::string f = write("a.sched", "abc\n");
  Diagnostic d = error(makeLoc(f, 1, 1), "buffer 'a' is never used");
  d.severity = Severity::Warning;
  d.flag = "unused-buffer";
  std::string excerpt = "    1 | abc\n      | ^\n";
  EXPECT_EQ(renderDiagnostic(d, kPlain),
            f + ":1:1: warning: buffer 'a' is never used [-Wunused-buffer]\n" + excerpt);
  DiagnosticOptions werror;
  werror.werror = true;
  EXPECT_EQ(renderDiagnostic(d, werror),
            f + ":1:1: error: buffer 'a' is never used [-Werror=unused-buffer]\n" + excerpt);
}

TEST_F(RenderTest, ColoursAreGccs) {
  std::string f = write("a.sched", "abc\n");
  DiagnosticOptions color;
  color.color = true;
  Diagnostic d = error(makeLoc(f, 1, 2), "can't use 'a' here");
  d.notes.push_back(Note{makeLoc(f, 1, 1), "'a' is declared here", ""});
  EXPECT_EQ(renderDiagnostic(d, color),
            "\33[01m\33[K" + f + ":1:2:\33[m\33[K \33[01;31m\33[Kerror: \33[m\33[K" +
                "can't use '\33[01m\33[Ka\33[m\33[K' here\n" +
                "    1 | abc\n      |  \33[01;32m\33[K^\33[m\33[K\n" + "\33[01m\33[K" + f +
                ":1:1:\33[m\33[K \33[01;36m\33[Knote: \33[m\33[K'\33[01m\33[Ka\33[m\33[K' is "
                "declared here\n" +
                "    1 | abc\n      | \33[01;32m\33[K^\33[m\33[K\n");
  Diagnostic w = error(makeLoc(f, 1, 1), "w");
  w.severity = Severity::Warning;
  w.flag = "unused-proc";
  color.showCaret = false;
  EXPECT_EQ(renderDiagnostic(w, color), "\33[01m\33[K" + f +
                                            ":1:1:\33[m\33[K \33[01;35m\33[Kwarning: \33[m\33[Kw "
                                            "[\33[01;35m\33[K-Wunused-proc\33[m\33[K]\n");
  color.werror = true;
  EXPECT_EQ(renderDiagnostic(w, color), "\33[01m\33[K" + f +
                                            ":1:1:\33[m\33[K \33[01;31m\33[Kerror: \33[m\33[Kw "
                                            "[\33[01;31m\33[K-Werror=unused-proc\33[m\33[K]\n");
}

TEST_F(RenderTest, FormatIsUnchanged) {
  // CompileError::format() stays the plain, excerpt-free form.
  std::string f = write("a.sched", "abc\n");
  CompileError e(makeLoc(f, 1, 2), "m");
  e.addNote(makeLoc(f, 1, 1), "n");
  EXPECT_EQ(e.format(), f + ":1:2: error: m\n" + f + ":1:1: note: n\n");
}

// ------------------------------------------------------------ warnings

// "LINE:COL FLAG: message" per warning, in order.
std::vector<std::string> warningsOf(const std::string& text) {
  PipelineOptions options;
  options.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  CompiledModule m = compileString(text, "w.sched", options);
  std::vector<std::string> out;
  for (const Diagnostic& d : m.warnings) {
    EXPECT_EQ(d.severity, Severity::Warning);
    EXPECT_EQ(*d.loc.file, "w.sched");
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + " " + d.flag +
                  ": " + d.message);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(Warnings, UnusedAndWriteOnlyBuffers) {
  EXPECT_EQ(warningsOf("proc f(x: f32[4], y: f32[4]):\n"
                       "    t: f32[4]\n"
                       "    u: f32\n"
                       "    s: f32\n"
                       "    for i in seq(0, 4):\n"
                       "        t[i] = x[i]\n"
                       "        s += x[i]\n"
                       "        y[i] = x[i]\n"),
            (Lines{"2:5 unused-buffer: buffer 't' is written but never read",
                   "3:5 unused-buffer: buffer 'u' is never used",
                   "4:5 unused-buffer: buffer 's' is written but never read"}));
}

TEST(Warnings, ReadsCallArgumentsAndWindowsAreUses) {
  EXPECT_EQ(warningsOf("proc g(a: f32[4]):\n"
                       "    for i in seq(0, 4):\n"
                       "        a[i] = 0.0\n"
                       "proc h(a: [f32][4]):\n"
                       "    for i in seq(0, 4):\n"
                       "        a[i] = 0.0\n"
                       "proc f(x: i32[4], y: f32[8]):\n"
                       "    k: f32\n"
                       "    k = 1.0\n"
                       "    c: f32[4]\n"
                       "    g(c)\n"
                       "    w: f32[8]\n"
                       "    v = w[0:4]\n"
                       "    h(v)\n"
                       "    for i in seq(0, 4):\n"
                       "        y[i] = 0.0\n"
                       "    y[0] = k\n"),
            Lines{});
}

TEST(Warnings, ScheduledProcsAreNotCheckedForBuffers) {
  // inline_assign keeps the (now unused) alloc in the scheduled proc; the
  // algorithm uses it, so nothing is reported.
  EXPECT_EQ(warningsOf("proc f(N: size, x: i32[N], y: i32[N]):\n"
                       "    t: i32\n"
                       "    t = x[0] + 1\n"
                       "    for i in seq(0, N):\n"
                       "        y[i] = t * x[i]\n"
                       "schedule g from f:\n"
                       "    inline_assign(\"t : _\")\n"),
            Lines{});
}

TEST(Warnings, PrivateProcs) {
  const std::string procs = "private proc used_by_call(a: f32[4]):\n"
                            "    for i in seq(0, 4):\n"
                            "        a[i] = 0.0\n"
                            "private proc scheduled(a: f32[4]):\n"
                            "    for i in seq(0, 4):\n"
                            "        a[i] = 1.0\n"
                            "private proc dead(a: f32[4]):\n"
                            "    for i in seq(0, 4):\n"
                            "        a[i] = 2.0\n"
                            "proc f(a: f32[4]):\n"
                            "    used_by_call(a)\n"
                            "schedule s from scheduled:\n"
                            "    unroll_loop(\"i\")\n";
  EXPECT_EQ(warningsOf(procs),
            Lines{"7:1 unused-proc: private proc 'dead' is defined but never used"});
  // Named by a schedule (call_eqv's argument): used.
  EXPECT_EQ(warningsOf(procs + "schedule f2 from f:\n"
                               "    try:\n"
                               "        call_eqv(\"used_by_call(_)\", dead)\n"
                               "    except:\n"
                               "        pass\n"),
            Lines{});
}

TEST(Warnings, UselessDirectivesAtTheTopLevelOnly) {
  const std::string proc = "proc f(N: size, x: f32[N], y: f32[N]):\n"
                           "    assert N % 4 == 0\n"
                           "    for i in seq(0, N):\n"
                           "        t: f32\n"
                           "        t = x[i]\n"
                           "        y[i] = t\n";
  EXPECT_EQ(warningsOf(proc + "schedule g from f:\n"
                              "    set_memory(\"t : _\", DRAM)\n"
                              "    divide_loop(\"i\", 4, [\"io\", \"ii\"], perfect=True)\n"
                              "    simplify()\n"
                              "    parallelize_loop(\"io\")\n"
                              "    parallelize_loop(\"io\")\n"),
            (Lines{"8:5 useless-directive: 'set_memory' leaves 'g' unchanged",
                   "12:5 useless-directive: 'parallelize_loop' leaves 'g' unchanged"}));
  // In a loop, a try or a helper: not reported.
  EXPECT_EQ(warningsOf(proc + "def again(name):\n"
                              "    set_memory(name, DRAM)\n"
                              "schedule g from f:\n"
                              "    for b in [\"t : _\"]:\n"
                              "        set_memory(b, DRAM)\n"
                              "    try:\n"
                              "        set_memory(\"t : _\", DRAM)\n"
                              "    except:\n"
                              "        pass\n"
                              "    again(\"t : _\")\n"),
            Lines{});
}

TEST(Warnings, TheStdlibAndTheExamplesDoNotWarn) {
  PipelineOptions options;
  options.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  for (const char* example : {"conv1d", "conv1d_rvm", "gemv_schedule", "matmul_i32_rvm",
                              "matmul_i8_rvm", "matmul_rvm", "sgemm_blocked"}) {
    std::string path = std::string(SCHEDC_SOURCE_DIR) + "/examples/" + example + ".sched";
    CompiledModule m = compileFile(path, options);
    std::string shown;
    for (const Diagnostic& d : m.warnings)
      shown += renderDiagnostic(d, DiagnosticOptions{});
    EXPECT_EQ(shown, "") << example;
  }
}

TEST(Warnings, FlagsAreListed) {
  EXPECT_EQ(warningFlags(),
            (std::vector<std::string>{"unused-buffer", "unused-proc", "useless-directive"}));
}

} // namespace
