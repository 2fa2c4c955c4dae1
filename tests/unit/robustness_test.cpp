// Bad input never crashes the compiler: thousands of deterministic mutants of
// every example, golden and refusal program go through the whole pipeline
// (frontend, bounds proof, C backend); each must either compile or be refused
// with a located CompileError, never any other exception or a crash.
#include "backend/CBackend.h"
#include "passes/Pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace schedc;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every program once: golden copies of examples (tests/golden/conv1d_rvm.sched)
// would only repeat the same mutants.
std::vector<std::string> programs() {
  std::vector<std::string> out;
  for (const char* dir : {"/examples", "/tests/golden", "/tests/refusals", "/stdlib"}) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(std::string(SCHEDC_SOURCE_DIR) + dir))
      if (entry.path().extension() == ".sched")
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  std::set<std::string> seen;
  std::erase_if(out, [&](const std::string& path) { return !seen.insert(readAll(path)).second; });
  return out;
}

// One small edit of the kind people make: a character dropped or typed,
// a line lost, doubled or re-indented, a number or name changed.
std::string mutate(const std::string& text, std::mt19937& rng) {
  static const std::string typed = " \t\n:()[],.=+-*/%<>@#'\"{}_0123456789aziNRT";
  static const std::vector<std::string> words = {
      "0",      "-1",     "4",          "99999999999999999999",
      "N",      "i",      "seq",        "par",
      "if",     "else:",  "for",        "pass",
      "assert", "@ DRAM", "@ RVM_TILE", "i32",
      "f32",    "size",   "[4, 4]",     "0:4",
      "True",   "import"};
  std::string s = text;
  if (s.empty())
    return "x";
  auto pos = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::vector<size_t> lineStarts = {0};
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' && i + 1 < s.size())
      lineStarts.push_back(i + 1);
  auto lineAt = [&](size_t k) {
    size_t start = lineStarts[k];
    size_t end = s.find('\n', start);
    return std::make_pair(start, end == std::string::npos ? s.size() : end + 1);
  };
  switch (pos(7)) {
  case 0:
    s.erase(pos(s.size()), 1);
    break;
  case 1:
    s.insert(pos(s.size()), 1, typed[pos(typed.size())]);
    break;
  case 2: {
    auto [a, b] = lineAt(pos(lineStarts.size()));
    s.erase(a, b - a);
    break;
  }
  case 3: {
    auto [a, b] = lineAt(pos(lineStarts.size()));
    s.insert(a, s.substr(a, b - a));
    break;
  }
  case 4: {
    auto [a, b] = lineAt(pos(lineStarts.size()));
    s.insert(a, pos(2) ? "    " : "  ");
    break;
  }
  default: { // replace a token-ish run with another word
    size_t at = pos(s.size());
    size_t len = 1;
    while (at + len < s.size() && isalnum(static_cast<unsigned char>(s[at + len])))
      ++len;
    s.replace(at, len, words[pos(words.size())]);
    break;
  }
  }
  return s;
}

class Robustness : public testing::TestWithParam<std::string> {};

} // namespace

TEST_P(Robustness, MutantsCompileOrAreRefusedWithALocation) {
  const std::string path = GetParam();
  const std::string original = readAll(path);
  PipelineOptions options;
  options.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  options.frontend.includeDirs = {std::string(SCHEDC_SOURCE_DIR) + "/stdlib"};
  std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(fs::path(path).filename())));
  int compiled = 0, refused = 0;
  for (int k = 0; k < 150; ++k) {
    std::string text = original;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e)
      text = mutate(text, rng);
    try {
      CompiledModule m = compileString(text, path, options);
      CEmitOptions emit;
      emit.selfContained = true;
      COutput c = emitC(m.module, m.emitted, emit);
      // What schedc accepts must be C that a C compiler accepts (sampled).
      if (++compiled % 5 == 1) {
        fs::path file = fs::temp_directory_path() / ("schedc_mutant_" + std::to_string(getpid()) +
                                                     "_" + std::to_string(k) + ".c");
        std::ofstream(file) << c.source;
        std::string cmd = "riscv64-linux-gnu-gcc -std=c99 -fsyntax-only " + file.string() + " > " +
                          file.string() + ".log 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0)
            << "generated C does not compile:\n"
            << readAll(file.string() + ".log") << "\n--- program:\n"
            << text << "\n--- C:\n"
            << c.source;
        fs::remove(file);
        fs::remove(file.string() + ".log");
      }
    } catch (const CompileError& err) {
      ++refused;
      EXPECT_TRUE(err.loc().known() || err.message().find("--proc") != std::string::npos)
          << "refusal without a location: " << err.message() << "\n--- program:\n"
          << text;
    } catch (const std::exception& err) {
      ADD_FAILURE() << "internal error: " << err.what() << "\n--- program:\n" << text;
    }
  }
  RecordProperty("compiled", compiled);
  RecordProperty("refused", refused);
}

INSTANTIATE_TEST_SUITE_P(AllPrograms, Robustness, testing::ValuesIn(programs()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           return name + "_" + std::to_string(info.index);
                         });
