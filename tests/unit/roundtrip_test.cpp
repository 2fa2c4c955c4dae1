// Printing then parsing yields an equal proc, for every example and golden
// program: the printer writes the language, and the frontend reads it back.
#include "frontend/Frontend.h"
#include "frontend/Parser.h"
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/Pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace schedc;

namespace {

FrontendOptions options() {
  FrontendOptions o;
  o.stdlibDir = SCHEDC_STDLIB_DIR;
  return o;
}

std::vector<std::string> programs() {
  std::vector<std::string> out;
  for (const char* dir : {"/examples", "/tests/golden", "/stdlib"})
    for (const auto& entry : fs::directory_iterator(std::string(SCHEDC_SOURCE_DIR) + dir))
      if (entry.path().extension() == ".sched")
        out.push_back(entry.path().string());
  out.push_back(std::string(SCHEDC_SOURCE_DIR) + "/../shared/examples/conv1d_rvm.sched");
  std::sort(out.begin(), out.end());
  return out;
}

// The file's text with every proc and instr replaced by its printed form:
// memories, consts, imports and schedules stay as written.
std::string withPrintedProcs(const std::string& path, const Module& module) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  syntax::File file = parseFile(path, text.str());
  std::vector<std::string> lines;
  std::string line;
  std::istringstream source(text.str());
  while (std::getline(source, line))
    lines.push_back(line);
  std::string out;
  size_t next = 0; // first source line (0-based) not yet copied
  for (size_t k = 0; k < file.items.size(); ++k) {
    const syntax::Item& item = *file.items[k];
    if (item.kind != syntax::ItemKind::Proc && item.kind != syntax::ItemKind::Instr)
      continue;
    size_t begin = item.loc.line - 1;
    size_t end = k + 1 < file.items.size() ? file.items[k + 1]->loc.line - 1 : lines.size();
    for (; next < begin; ++next)
      out += lines[next] + "\n";
    out += printProc(*module.findProc(item.name)) + "\n";
    next = end;
  }
  for (; next < lines.size(); ++next)
    out += lines[next] + "\n";
  return out;
}

class RoundTrip : public testing::TestWithParam<std::string> {};

} // namespace

TEST_P(RoundTrip, PrintThenParseGivesAnEqualProc) {
  const std::string path = GetParam();
  Module original = loadModule(path, options());
  std::vector<ProcPtr> mine;
  for (const ProcPtr& p : original.procs)
    if (!p->fromImport)
      mine.push_back(p);
  std::string printed = withPrintedProcs(path, original);
  if (mine.empty())
    GTEST_SKIP() << "no procs to print";

  Module reparsed = [&] {
    try {
      return loadModuleFromString(printed, path + ".printed", options());
    } catch (const CompileError& e) {
      ADD_FAILURE() << "printed program does not parse:\n" << e.format() << printed;
      throw;
    }
  }();
  for (const ProcPtr& p : mine) {
    ProcPtr again = reparsed.findProc(p->name);
    ASSERT_TRUE(again) << p->name;
    std::string why;
    EXPECT_TRUE(procsEqual(*p, *again, &why)) << p->name << ": " << why << "\n" << printed;
    // and printing is a fixed point
    EXPECT_EQ(printProc(*p), printProc(*again));
  }
}

INSTANTIATE_TEST_SUITE_P(AllPrograms, RoundTrip, testing::ValuesIn(programs()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           return name + "_" + std::to_string(info.index);
                         });

// Procs made by schedules print in source syntax that parses to an equal
// proc, too (what --print and --print-after-each show is real code).
class ScheduledRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(ScheduledRoundTrip, ScheduledProcsPrintAndParseBack) {
  const std::string path = GetParam();
  PipelineOptions pipeline;
  pipeline.frontend = options();
  CompiledModule compiled = compileFile(path, pipeline);
  std::string printed;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("import ", 0) == 0)
      printed += line + "\n";
  // (instrs too: make_instr turns a scheduled proc into one that later
  // procs call)
  for (const ProcPtr& p : compiled.module.procs)
    if (!p->fromImport)
      printed += printProc(*p) + "\n";
  Module reparsed = loadModuleFromString(printed, path + ".printed", options());
  for (const ProcPtr& p : compiled.emitted) {
    ProcPtr again = reparsed.findProc(p->name);
    ASSERT_TRUE(again) << p->name;
    std::string why;
    EXPECT_TRUE(procsEqual(*p, *again, &why)) << p->name << ": " << why << "\n" << printed;
  }
}

static std::vector<std::string> scheduledPrograms() {
  std::vector<std::string> out;
  for (const char* dir : {"/examples", "/tests/golden/schedules", "/tests/golden/trace"})
    for (const auto& entry : fs::directory_iterator(std::string(SCHEDC_SOURCE_DIR) + dir))
      if (entry.path().extension() == ".sched") {
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        if (text.str().find("\nschedule ") != std::string::npos)
          out.push_back(entry.path().string());
      }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllSchedules, ScheduledRoundTrip, testing::ValuesIn(scheduledPrograms()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           return name + "_" + std::to_string(info.index);
                         });
