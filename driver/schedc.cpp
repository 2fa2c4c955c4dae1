// schedc: compiles a .sched file (algorithms, hardware descriptions and
// schedules) to C with RVM inline assembly, or with -c/-S through LLVM to an
// object file, assembly or LLVM IR.
#include "backend/CBackend.h"
#include "backend/llvm/LLVMBackend.h"
#include "ir/Printer.h"
#include "passes/Pipeline.h"
#include "support/TextDiff.h"

#include <CLI/CLI.hpp>
#include <llvm/TargetParser/Host.h>
#include <z3++.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace schedc;

namespace {

// The stdlib ships next to the binary in the build tree (stdlib/) and in
// share/schedc/stdlib when installed.
std::string findStdlib() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    return "stdlib";
  fs::path dir = exe.parent_path();
  for (fs::path candidate : {dir / "stdlib", dir / ".." / "share" / "schedc" / "stdlib"})
    if (fs::exists(candidate / "memories.sched"))
      return candidate.lexically_normal().string();
  return (dir / "stdlib").string();
}

std::string versionText() {
  unsigned major = 0, minor = 0, build = 0, rev = 0;
  Z3_get_version(&major, &minor, &build, &rev);
  return std::string("schedc ") + SCHEDC_VERSION + " (LLVM " + SCHEDC_LLVM_VERSION + ", z3 " +
         std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build) +
         ")\ndefault target: " + llvm::sys::getDefaultTargetTriple();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !(out << text) || !out.flush())
    throw CompileError(SrcLoc{}, "cannot write '" + path + "'");
}

// The text of a directive's source line (for --trace / --print-after-each headers).
class SourceLines {
public:
  std::string at(const SrcLoc& loc) {
    if (!loc.known())
      return "";
    auto [it, fresh] = files_.try_emplace(*loc.file);
    if (fresh) {
      std::ifstream in(*loc.file);
      std::string line;
      while (std::getline(in, line))
        it->second.push_back(line);
    }
    if (loc.line == 0 || loc.line > it->second.size())
      return "";
    std::string line = it->second[loc.line - 1];
    size_t first = line.find_first_not_of(" \t");
    return first == std::string::npos ? "" : line.substr(first);
  }

private:
  std::map<std::string, std::vector<std::string>> files_;
};

struct Args {
  std::string input;
  std::string output;
  std::string header;
  std::vector<std::string> includeDirs;
  std::vector<std::string> procs;
  bool print = false;
  bool printAfterEach = false;
  bool trace = false;
  // LLVM backend
  bool object = false;   // -c
  bool assembly = false; // -S
  bool emitLLVM = false; // --emit-llvm
  std::string target;
  std::string march;
  std::string mabi;
  int optLevel = 2;
  // diagnostics
  std::string diagnosticsColor = "auto";     // -fdiagnostics-color=auto|always|never
  bool noCaret = false;                      // -fno-diagnostics-show-caret
  bool werror = false;                       // -Werror
  bool noWarnings = false;                   // -w
  std::vector<std::string> disabledWarnings; // -Wno-FLAG
  std::vector<std::string> enabledWarnings;  // -WFLAG (all warnings are on by default)

  bool useLLVM() const { return object || assembly; }
};

// The output file of -c/-S without -o: the input's stem with the output's
// extension, in the current directory (as cc does).
std::string defaultLLVMOutput(const Args& args) {
  std::string ext = args.emitLLVM ? (args.object ? ".bc" : ".ll") : (args.object ? ".o" : ".s");
  return fs::path(args.input).stem().string() + ext;
}

LLVMEmitOptions llvmOptions(const Args& args) {
  LLVMEmitOptions options;
  if (!args.target.empty())
    options.triple = args.target;
  options.march = args.march;
  options.mabi = args.mabi;
  options.optLevel = args.optLevel;
  options.output = args.emitLLVM
                       ? (args.object ? LLVMOutputKind::Bitcode : LLVMOutputKind::IRText)
                       : (args.object ? LLVMOutputKind::Object : LLVMOutputKind::Assembly);
  return options;
}

DiagnosticOptions diagnosticOptions(const Args& args) {
  DiagnosticOptions options;
  options.showCaret = !args.noCaret;
  options.werror = args.werror;
  if (args.diagnosticsColor == "always")
    options.color = true;
  else if (args.diagnosticsColor == "auto") {
    // GCC's rule: colour only on a terminal, and never for TERM=dumb.
    const char* term = std::getenv("TERM");
    options.color = isatty(STDERR_FILENO) && term && std::string(term) != "dumb";
  }
  return options;
}

// Prints the warnings -w/-Wno-FLAG leave; returns how many count as errors.
int reportWarnings(const std::vector<Diagnostic>& warnings, const Args& args) {
  if (args.noWarnings)
    return 0;
  int errors = 0;
  for (const Diagnostic& w : warnings) {
    if (std::find(args.disabledWarnings.begin(), args.disabledWarnings.end(), w.flag) !=
        args.disabledWarnings.end())
      continue;
    std::cerr << renderDiagnostic(w, diagnosticOptions(args));
    errors += args.werror ? 1 : 0;
  }
  return errors;
}

int run(const Args& args) {
  if (args.useLLVM())
    checkLLVMTarget(llvmOptions(args)); // before any work: a bad target is a usage error
  PipelineOptions options;
  options.frontend.includeDirs = args.includeDirs;
  options.frontend.stdlibDir = findStdlib();
  options.onlyProcs = args.procs;
  SourceLines lines;
  if (args.printAfterEach || args.trace)
    options.onDirective = [&](const std::string& directive, const SrcLoc& at, const Proc& before,
                              const Proc& after) {
      std::string header = at.str() + ": " + (lines.at(at).empty() ? directive : lines.at(at));
      if (args.trace)
        std::cerr << "## " << header << "\n"
                  << unifiedDiff(printProc(before), printProc(after), after.name + " (before)",
                                 after.name + " (after)");
      if (args.printAfterEach)
        std::cerr << "# after " << header << "\n" << printProc(after) << "\n";
    };
  CompiledModule compiled = compileFile(args.input, options);
  if (reportWarnings(compiled.warnings, args) > 0)
    return 1; // -Werror: like a refusal, no output is written

  if (args.print) {
    for (const ProcPtr& p : compiled.emitted)
      std::cout << printProc(*p) << "\n";
    if (args.output.empty())
      return 0;
  }

  if (args.useLLVM()) {
    // Everything is produced in memory first: a refusal leaves no file behind.
    std::string bytes = emitLLVM(compiled.module, compiled.emitted, llvmOptions(args));
    std::string header;
    if (!args.header.empty()) {
      CEmitOptions emit;
      emit.headerFileName = fs::path(args.header).filename().string();
      header = emitC(compiled.module, compiled.emitted, emit).header;
    }
    std::string output = args.output.empty() ? defaultLLVMOutput(args) : args.output;
    if (output == "-")
      std::cout << bytes;
    else
      writeFile(output, bytes);
    if (!args.header.empty())
      writeFile(args.header, header);
    return 0;
  }

  CEmitOptions emit;
  if (!args.header.empty())
    emit.headerFileName = fs::path(args.header).filename().string();
  else {
    emit.selfContained = true;
    if (!args.output.empty() && args.output != "-")
      emit.headerFileName = fs::path(args.output).stem().string() + ".h"; // names the guard
  }
  COutput c = emitC(compiled.module, compiled.emitted, emit);
  if (args.output.empty() || args.output == "-")
    std::cout << c.source;
  else
    writeFile(args.output, c.source);
  if (!args.header.empty())
    writeFile(args.header, c.header);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"schedc: a compiler for user-scheduled kernels (algorithm + schedule -> C, or "
               "through LLVM to object code)",
               "schedc"};
  Args args;
  app.add_option("file", args.input, "the .sched source file")->required();
  app.add_option("-o,--output", args.output,
                 "write the output here (C default: standard output; -c/-S default: FILE's stem "
                 "with .o/.s/.bc/.ll)");
  app.add_option("--header", args.header, "also write a C header declaring the emitted procs");
  // one directory per -I (repeatable): a multi-value -I would swallow the input file
  app.add_option("-I", args.includeDirs, "add a directory to the import search path")
      ->allow_extra_args(false);
  app.add_option("--proc", args.procs, "emit only this proc (repeatable)")->allow_extra_args(false);
  app.add_flag("--print", args.print, "print the emitted procs in source syntax");
  app.add_flag("--print-after-each", args.printAfterEach,
               "print the proc after every schedule directive (to standard error)");
  app.add_flag("--trace", args.trace,
               "print a unified diff per schedule directive, headed by its source line (to "
               "standard error)");
  CLI::Option* object = app.add_flag(
      "-c", args.object, "compile through LLVM to an object file (bitcode with --emit-llvm)");
  app.add_flag("-S", args.assembly,
               "compile through LLVM to assembly (LLVM IR text with --emit-llvm)")
      ->excludes(object);
  app.add_flag("--emit-llvm", args.emitLLVM, "with -c/-S: write LLVM bitcode/IR instead");
  std::string targets;
  for (const std::string& t : llvmKnownTargets())
    targets += (targets.empty() ? "" : ", ") + t;
  app.add_option("--target", args.target,
                 "target triple for -c/-S (" + targets + "; default x86_64-linux-gnu)");
  app.add_option("--march", args.march,
                 "-march=ARCH: RISC-V ISA string (rv32imc, rv64gc, ...) or x86-64 CPU");
  app.add_option("--mabi", args.mabi, "-mabi=ABI: RISC-V ABI (ilp32, ilp32f, lp64d, ...)");
  app.add_option("-O", args.optLevel, "-O0..-O3: LLVM optimisation level (default -O2)")
      ->check(CLI::Range(0, 3));
  app.add_option("--fdiagnostics-color", args.diagnosticsColor,
                 "-fdiagnostics-color[=WHEN]: colour diagnostics: auto (on a terminal, the "
                 "default), always or never")
      ->expected(0, 1)
      ->default_str("always")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  bool noColor = false;
  app.add_flag("--fno-diagnostics-color", noColor, "-fno-diagnostics-color: the same as =never");
  app.add_flag("--fno-diagnostics-show-caret", args.noCaret,
               "-fno-diagnostics-show-caret: no source line and caret under diagnostics");
  app.add_flag("--Werror", args.werror, "-Werror: make every warning an error");
  app.add_flag("-w", args.noWarnings, "suppress all warnings");
  app.add_option("--Wno", args.disabledWarnings, "-Wno-FLAG: suppress the warning [-WFLAG]")
      ->allow_extra_args(false);
  app.add_option("--W", args.enabledWarnings, "-WFLAG: enable a warning (all are on by default)")
      ->allow_extra_args(false);
  app.set_version_flag("--version", versionText());

  // GCC spells its long options with one dash (-march=, -Werror, -MF); CLI11
  // wants two. -Wno-FLAG and -WFLAG become --Wno=FLAG and --W=FLAG.
  std::vector<std::string> argvCopy;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto startsWith = [&](const char* prefix) { return a.rfind(prefix, 0) == 0; };
    if (i == 0 || startsWith("--") || !startsWith("-")) {
    } else if (startsWith("-march=") || startsWith("-mabi=") || startsWith("-fdiagnostics-") ||
               startsWith("-fno-diagnostics-") || a == "-Werror")
      a = "-" + a;
    else if (startsWith("-Wno-") && a.size() > 5)
      a = "--Wno=" + a.substr(5);
    else if (startsWith("-W") && a.size() > 2)
      a = "--W=" + a.substr(2);
    argvCopy.push_back(a);
  }
  std::vector<char*> argvPointers;
  for (std::string& a : argvCopy)
    argvPointers.push_back(a.data());

  try {
    app.parse(argc, argvPointers.data());
    if (noColor)
      args.diagnosticsColor = "never";
    if (!args.useLLVM() &&
        (args.emitLLVM || !args.target.empty() || !args.march.empty() || !args.mabi.empty()))
      throw CLI::ValidationError("--emit-llvm, --target, -march and -mabi need -c or -S");
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  }

  try {
    return run(args);
  } catch (const CompileError& e) {
    std::cerr << renderDiagnostic(toDiagnostic(e), diagnosticOptions(args));
    return 1;
  } catch (const TargetError& e) {
    std::cerr << "schedc: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "schedc: internal compiler error: " << e.what() << "\n";
    return 2;
  }
}
