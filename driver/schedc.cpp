// schedc: compiles a .sched file (algorithms, hardware descriptions and
// schedules) to C with RVM inline assembly, or with -c/-S through LLVM to an
// object file, assembly or LLVM IR.
#include "backend/CBackend.h"
#include "backend/llvm/LLVMBackend.h"
#include "driver/DepFile.h"
#include "driver/GoldenMode.h"
#include "driver/OutputFiles.h"
#include "ir/Printer.h"
#include "passes/Pipeline.h"
#include "passes/Warnings.h"
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
using namespace schedc::driver;

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
  std::vector<std::string> errorWarnings;    // -Werror=FLAG: this warning is an error
  std::vector<std::string> noErrorWarnings;  // -Wno-error=FLAG: a warning even with -Werror
  std::vector<std::string> enabledWarnings;  // -WFLAG (all warnings are on by default)
  // depfiles
  bool depMD = false;                  // -MD
  bool depMMD = false;                 // -MMD: leave out the stdlib's files
  std::string depFile;                 // -MF
  std::vector<std::string> depTargets; // -MT
  bool depPhony = false;               // -MP
  // golden mode
  std::string verifyGolden; // --verify-golden DIR
  bool updateGolden = false;

  bool useLLVM() const { return object || assembly; }
  bool writeDepFile() const { return depMD || depMMD; }
};

// The output file of -c/-S without -o: the input's stem with the output's
// extension, in the current directory (as cc does).
std::string defaultLLVMOutput(const Args& args) {
  std::string ext = args.emitLLVM ? (args.object ? ".bc" : ".ll") : (args.object ? ".o" : ".s");
  return fs::path(args.input).stem().string() + ext;
}

// Where the main output goes: a path, "-" for standard output, or "" for
// none (--print without -o).
std::string mainOutput(const Args& args) {
  if (!args.output.empty())
    return args.output;
  if (args.print)
    return "";
  return args.useLLVM() ? defaultLLVMOutput(args) : "-";
}

// The input's stem with the extension of the output kind (.c, .o, ...): the
// rule's target when the output goes to standard output.
std::string stemOutput(const Args& args) {
  if (args.useLLVM())
    return defaultLLVMOutput(args);
  return fs::path(args.input).stem().string() + ".c";
}

// -MF, else the output with its extension replaced by .d (k.c -> k.d,
// out/k.o -> out/k.d), else (standard output) the input's stem + .d.
std::string depFilePath(const Args& args) {
  if (!args.depFile.empty())
    return args.depFile;
  std::string out = mainOutput(args);
  if (out.empty() || out == "-")
    out = stemOutput(args);
  return fs::path(out).replace_extension(".d").string();
}

// Every file this compile may write: removed again when it fails.
std::vector<std::string> plannedOutputs(const Args& args) {
  std::vector<std::string> paths{mainOutput(args), args.header};
  if (args.writeDepFile())
    paths.push_back(depFilePath(args));
  return paths;
}

// The depfile's rule: the input, then every other file loaded in load order
// (the stdlib prelude memories.sched first); stdlib files by absolute path,
// left out with -MMD.
std::string depFileText(const Args& args, const Module& module, const std::string& stdlibDir) {
  DepFileRule rule;
  rule.phonyTargets = args.depPhony;
  rule.targets = args.depTargets; // -MT: used exactly as given, as GCC does
  if (rule.targets.empty()) {
    std::string out = mainOutput(args);
    rule.targets.push_back(escapeForMake(out.empty() || out == "-" ? stemOutput(args) : out));
  }
  rule.dependencies.push_back(args.input);
  for (const std::string& file : module.sourceFiles) {
    if (file == module.mainFile)
      continue;
    if (isInDirectory(file, stdlibDir)) {
      if (args.depMMD)
        continue;
      rule.dependencies.push_back(fs::absolute(file).lexically_normal().string());
    } else
      rule.dependencies.push_back(file);
  }
  return formatDepFile(rule);
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
    auto listed = [&](const std::vector<std::string>& flags) {
      return std::find(flags.begin(), flags.end(), w.flag) != flags.end();
    };
    if (listed(args.disabledWarnings) && !listed(args.errorWarnings))
      continue;
    DiagnosticOptions options = diagnosticOptions(args);
    // GCC: -Werror=FLAG wins over -Wno-FLAG; -Wno-error=FLAG exempts FLAG from -Werror.
    options.werror = listed(args.errorWarnings) || (args.werror && !listed(args.noErrorWarnings));
    std::cerr << renderDiagnostic(w, options);
    errors += options.werror ? 1 : 0;
  }
  return errors;
}

PipelineOptions pipelineOptions(const Args& args) {
  PipelineOptions options;
  options.frontend.includeDirs = args.includeDirs;
  options.frontend.stdlibDir = findStdlib();
  return options;
}

int run(const Args& args) {
  if (args.useLLVM())
    checkLLVMTarget(llvmOptions(args)); // before any work: a bad target is a usage error
  PipelineOptions options = pipelineOptions(args);
  std::string stdlibDir = options.frontend.stdlibDir;
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

  if (args.print)
    for (const ProcPtr& p : compiled.emitted)
      std::cout << printProc(*p) << "\n";

  // Everything is produced in memory first and written only once the whole
  // compile succeeded (atomically): a refusal leaves no file behind.
  OutputFiles outputs;
  if (args.useLLVM() && !mainOutput(args).empty()) {
    outputs.add(mainOutput(args), emitLLVM(compiled.module, compiled.emitted, llvmOptions(args)));
    if (!args.header.empty()) {
      CEmitOptions emit;
      emit.headerFileName = fs::path(args.header).filename().string();
      outputs.add(args.header, emitC(compiled.module, compiled.emitted, emit).header);
    }
  } else if (!mainOutput(args).empty()) {
    CEmitOptions emit;
    if (!args.header.empty())
      emit.headerFileName = fs::path(args.header).filename().string();
    else {
      emit.selfContained = true;
      if (args.output != "-")
        emit.headerFileName = fs::path(args.output).stem().string() + ".h"; // names the guard
    }
    COutput c = emitC(compiled.module, compiled.emitted, emit);
    outputs.add(mainOutput(args), c.source);
    if (!args.header.empty())
      outputs.add(args.header, c.header);
  }
  if (args.writeDepFile())
    outputs.add(depFilePath(args), depFileText(args, compiled.module, stdlibDir));
  outputs.commit();
  return 0;
}

int runGolden(const Args& args) {
  GoldenOptions options;
  options.dir = args.verifyGolden;
  options.update = args.updateGolden;
  options.pipeline = pipelineOptions(args);
  options.reportWarnings = [&](const std::vector<Diagnostic>& warnings) {
    return reportWarnings(warnings, args);
  };
  options.reportError = [&](const CompileError& e) {
    std::cerr << renderDiagnostic(toDiagnostic(e), diagnosticOptions(args));
  };
  return runGoldenMode(options);
}

// Combinations CLI11 cannot check by itself; throws CLI::ValidationError.
void checkArgs(const Args& args) {
  if (!args.verifyGolden.empty()) {
    if (!args.input.empty() || !args.output.empty() || !args.header.empty() || args.useLLVM() ||
        args.writeDepFile() || !args.procs.empty() || args.print || args.printAfterEach ||
        args.trace)
      throw CLI::ValidationError("--verify-golden takes a directory and no input file, -o, "
                                 "--header, --proc, -c, -S, -MD or --print");
  } else if (args.updateGolden)
    throw CLI::ValidationError("--update-golden needs --verify-golden DIR");
  else if (args.input.empty())
    throw CLI::RequiredError("file");
  if (!args.useLLVM() &&
      (args.emitLLVM || !args.target.empty() || !args.march.empty() || !args.mabi.empty()))
    throw CLI::ValidationError("--emit-llvm, --target, -march and -mabi need -c or -S");
  // As GCC rejects an unknown -WFLAG (and here a misspelt -Wno-FLAG too, which
  // would silently keep the warning). -Wall and -Wextra are accepted: every
  // warning is on by default.
  for (const auto& [flags, prefix] :
       {std::pair{&args.enabledWarnings, "-W"}, std::pair{&args.disabledWarnings, "-Wno-"},
        std::pair{&args.errorWarnings, "-Werror="},
        std::pair{&args.noErrorWarnings, "-Wno-error="}})
    for (const std::string& flag : *flags) {
      const std::vector<std::string>& known = warningFlags();
      if (std::find(known.begin(), known.end(), flag) == known.end() && flag != "all" &&
          flag != "extra")
        throw CLI::ValidationError(std::string("unrecognized command-line option '") + prefix +
                                   flag + "'");
    }
  if (!args.writeDepFile() && (!args.depFile.empty() || !args.depTargets.empty() || args.depPhony))
    throw CLI::ValidationError("-MF, -MT and -MP need -MD or -MMD");
  // Never replace (or, after an error, remove) the input itself.
  for (const std::string& path :
       args.verifyGolden.empty() ? plannedOutputs(args) : std::vector<std::string>{}) {
    std::error_code ec;
    if (!path.empty() && path != "-" && fs::equivalent(path, args.input, ec))
      throw CLI::ValidationError("the output file '" + path + "' is the input file");
  }
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"schedc: a compiler for user-scheduled kernels (algorithm + schedule -> C, or "
               "through LLVM to object code)",
               "schedc"};
  // Usage errors are worded like GCC's: "schedc: error: ...".
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "schedc: error: " + std::string(e.what()) + "\nRun with --help for more information.\n";
  });
  Args args;
  app.add_option("file", args.input, "the .sched source file");
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
  app.add_flag("--Werror,!--Wno-error", args.werror,
               "-Werror: make every warning an error (-Wno-error: undo)");
  app.add_option("--Werror-flag", args.errorWarnings, "-Werror=FLAG: make the warning an error")
      ->allow_extra_args(false);
  app.add_option("--Wno-error-flag", args.noErrorWarnings,
                 "-Wno-error=FLAG: keep the warning a warning under -Werror")
      ->allow_extra_args(false);
  app.add_flag("-w", args.noWarnings, "suppress all warnings");
  app.add_option("--Wno", args.disabledWarnings, "-Wno-FLAG: suppress the warning [-WFLAG]")
      ->allow_extra_args(false);
  app.add_option("--W", args.enabledWarnings, "-WFLAG: enable a warning (all are on by default)")
      ->allow_extra_args(false);
  app.add_flag("--MD", args.depMD,
               "-MD: also write a Make depfile listing every .sched file read (the input, its "
               "imports, the stdlib files)");
  app.add_flag("--MMD", args.depMMD, "-MMD: like -MD, leaving out the stdlib's files");
  app.add_option("--MF", args.depFile,
                 "-MF FILE: the depfile's name (default: the output with .d for its extension, "
                 "or the input's stem + .d when the output is standard output)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--MT", args.depTargets,
                 "-MT TARGET: the rule's target, as given (repeatable; default: the output)")
      ->allow_extra_args(false);
  app.add_flag("--MP", args.depPhony, "-MP: add an empty phony rule per imported file");
  app.add_option("--verify-golden", args.verifyGolden,
                 "compile every DIR/NAME.sched and compare with DIR/NAME.c and DIR/NAME.h, "
                 "printing a unified diff per change (exit 1 on any change)");
  app.add_flag("--update-golden", args.updateGolden,
               "with --verify-golden: rewrite the changed or missing golden files");
  app.set_version_flag("--version", versionText());

  // GCC spells its long options with one dash (-march=, -Werror, -MF); CLI11
  // wants two. -Wno-FLAG and -WFLAG become --Wno=FLAG and --W=FLAG; -MF and
  // -MT take the next argument (or a joined one: -MFdeps.d).
  std::vector<std::string> argvCopy;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto startsWith = [&](const char* prefix) { return a.rfind(prefix, 0) == 0; };
    if (i == 0 || startsWith("--") || !startsWith("-")) {
    } else if (a == "-MD" || a == "-MMD" || a == "-MP") {
      a = "-" + a;
    } else if (a == "-MF" || a == "-MT") {
      // joined with its value, which is taken as given (it may start with '-')
      a = i + 1 < argc ? "-" + a + "=" + argv[++i] : "-" + a;
    } else if (startsWith("-MF") || startsWith("-MT")) {
      a = "-" + a.substr(0, 3) + "=" + a.substr(3);
    } else if (startsWith("-march=") || startsWith("-mabi=") || startsWith("-fdiagnostics-") ||
               startsWith("-fno-diagnostics-") || a == "-Werror")
      a = "-" + a;
    else if (startsWith("-Werror=") && a.size() > 8)
      a = "--Werror-flag=" + a.substr(8);
    else if (startsWith("-Wno-error=") && a.size() > 11)
      a = "--Wno-error-flag=" + a.substr(11);
    else if (a == "-Wno-error")
      a = "--Wno-error";
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
    app.parse(static_cast<int>(argvPointers.size()), argvPointers.data());
    if (noColor)
      args.diagnosticsColor = "never";
    checkArgs(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  }

  // Any failure from here on removes the files this compile would write
  // (a stale output must not look up to date to Make).
  int status = 2;
  try {
    status = args.verifyGolden.empty() ? run(args) : runGolden(args);
  } catch (const CompileError& e) {
    std::cerr << renderDiagnostic(toDiagnostic(e), diagnosticOptions(args));
    status = 1;
  } catch (const TargetError& e) {
    std::cerr << "schedc: error: " << e.what() << "\n";
    status = 1;
  } catch (const OutputError& e) {
    std::cerr << "schedc: error: " << e.what() << "\n";
    status = 1;
  } catch (const std::exception& e) {
    std::cerr << "schedc: internal compiler error: " << e.what() << "\n";
    status = 2;
  }
  if (status != 0 && args.verifyGolden.empty())
    OutputFiles::removeStale(plannedOutputs(args));
  return status;
}
