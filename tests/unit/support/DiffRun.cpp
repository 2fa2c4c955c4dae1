// Differential runs: two procs of one module, compiled to C together with a
// generated driver that feeds both the same random inputs and compares every
// buffer afterwards. See DiffRun.h for the contract.
//
// The whole comparison happens inside one generated C program (all trials in
// one process), so a runsLike costs one C compiler invocation and one run.
#include "tests/unit/support/DiffRun.h"

#include "backend/CBackend.h"
#include "ir/Printer.h"
#include "passes/Pipeline.h"

#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

namespace schedc::testing {
namespace {

namespace fs = std::filesystem;

// Trials run inside the generated program; a proc that never terminates must
// not hang the test binary.
constexpr int kRunTimeoutSeconds = 60;
// Enough of a compiler's or program's output to diagnose; the rest is cut.
constexpr size_t kMaxOutputChars = 20000;

PipelineOptions testOptions() {
  PipelineOptions options;
  options.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  return options;
}

// ------------------------------------------------------- integer evaluation

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t floorMod(int64_t a, int64_t b) {
  return a - floorDiv(a, b) * b;
}

// Values of the control arguments (by source name: both procs have the same
// argument names, so one map serves both).
using ControlValues = std::map<std::string, int64_t>;

// The value of an index expression (shapes, preconditions) once the control
// arguments are known; nullopt for what cannot be known before the run
// (`stride(A, d)`, data reads) and for division by zero.
std::optional<int64_t> evaluate(const Expr& expr, const ControlValues& values) {
  if (const Const* constant = expr->as<Const>())
    return constant->intValue;
  if (const Read* read = expr->as<Read>()) {
    auto found = values.find(read->name.name());
    if (!read->idx.empty() || found == values.end())
      return std::nullopt;
    return found->second;
  }
  if (const UnOp* unary = expr->as<UnOp>()) {
    std::optional<int64_t> a = evaluate(unary->a, values);
    if (!a)
      return std::nullopt;
    return unary->op == UnOpKind::Neg ? -*a : static_cast<int64_t>(*a == 0);
  }
  if (const Select* select = expr->as<Select>()) {
    std::optional<int64_t> cond = evaluate(select->cond, values);
    if (!cond)
      return std::nullopt;
    return evaluate(*cond != 0 ? select->t : select->f, values);
  }
  const BinOp* binary = expr->as<BinOp>();
  if (!binary)
    return std::nullopt;
  std::optional<int64_t> a = evaluate(binary->a, values);
  std::optional<int64_t> b = evaluate(binary->b, values);
  if (!a || !b)
    return std::nullopt;
  switch (binary->op) {
  case BinOpKind::Add:
    return *a + *b;
  case BinOpKind::Sub:
    return *a - *b;
  case BinOpKind::Mul:
    return *a * *b;
  case BinOpKind::Div:
    return *b == 0 ? std::nullopt : std::optional<int64_t>(floorDiv(*a, *b));
  case BinOpKind::Mod:
    return *b == 0 ? std::nullopt : std::optional<int64_t>(floorMod(*a, *b));
  case BinOpKind::Lt:
    return *a < *b;
  case BinOpKind::Le:
    return *a <= *b;
  case BinOpKind::Gt:
    return *a > *b;
  case BinOpKind::Ge:
    return *a >= *b;
  case BinOpKind::Eq:
    return *a == *b;
  case BinOpKind::Ne:
    return *a != *b;
  case BinOpKind::And:
    return *a != 0 && *b != 0;
  case BinOpKind::Or:
    return *a != 0 || *b != 0;
  case BinOpKind::Min:
    return std::min(*a, *b);
  case BinOpKind::Max:
    return std::max(*a, *b);
  }
  return std::nullopt;
}

// ------------------------------------------------------------- signatures

std::string printArgs(const Proc& proc) {
  std::string text;
  for (const FnArg& arg : proc.args)
    text += (text.empty() ? "" : ", ") + printArg(arg);
  return proc.name + "(" + text + ")";
}

bool sameArg(const FnArg& a, const FnArg& b) {
  if (a.name.name() != b.name.name() || a.type != b.type || a.isWindow != b.isWindow ||
      a.shape.size() != b.shape.size())
    return false;
  // Shapes name size arguments by Sym, and the two procs have distinct Syms
  // for them: compare the printed extents.
  for (size_t d = 0; d < a.shape.size(); ++d)
    if (printExpr(a.shape[d]) != printExpr(b.shape[d]))
      return false;
  return true;
}

// Empty when the two procs can be called with the same arguments.
std::string signatureMismatch(const Proc& reference, const Proc& scheduled) {
  std::string why;
  if (reference.args.size() != scheduled.args.size()) {
    why = std::to_string(reference.args.size()) + " arguments vs " +
          std::to_string(scheduled.args.size());
  } else {
    for (size_t i = 0; i < reference.args.size() && why.empty(); ++i)
      if (!sameArg(reference.args[i], scheduled.args[i]))
        why = "argument " + std::to_string(i + 1) + " is `" + printArg(reference.args[i]) +
              "` vs `" + printArg(scheduled.args[i]) + "`";
  }
  if (why.empty())
    return "";
  return "the procs' argument lists differ (" + why + "):\n  reference: " + printArgs(reference) +
         "\n  scheduled: " + printArgs(scheduled);
}

// ------------------------------------------------------- RVM detection

bool isRvmFile(const SrcLoc& loc) {
  return loc.file && fs::path(*loc.file).filename().string().starts_with("rvm");
}

bool isRvmMemory(const Module& module, const std::string& name) {
  if (name == "RVM_TILE")
    return true;
  const MemoryDef* memory = module.findMemory(name);
  return memory && (isRvmFile(memory->loc) || (!memory->base.empty() && memory->base != name &&
                                               isRvmMemory(module, memory->base)));
}

// Whether running `proc` executes RVM instructions: it (or a proc it calls)
// calls an instr of the RVM stdlib or keeps a buffer in an RVM memory. Such
// code only runs on RISC-V (here: under qemu with the trap emulator).
bool usesRvm(const Proc& proc, const Module& module, std::set<const Proc*>& seen) {
  if (!seen.insert(&proc).second)
    return false;
  for (const FnArg& arg : proc.args)
    if (arg.isData() && isRvmMemory(module, arg.mem))
      return true;
  if (proc.isInstr())
    return isRvmFile(proc.loc);
  std::function<bool(const Block&)> walk = [&](const Block& block) {
    for (const Stmt& stmt : block) {
      if (const For* loop = stmt->as<For>()) {
        if (walk(loop->body))
          return true;
      } else if (const If* branch = stmt->as<If>()) {
        if (walk(branch->body) || walk(branch->orelse))
          return true;
      } else if (const Alloc* alloc = stmt->as<Alloc>()) {
        if (isRvmMemory(module, alloc->mem))
          return true;
      } else if (const Call* call = stmt->as<Call>()) {
        if (usesRvm(*call->callee, module, seen))
          return true;
      }
    }
    return false;
  };
  return walk(proc.body);
}

// ------------------------------------------------------------ the driver

// A data argument as the driver sees it: three dense copies (input,
// reference's, scheduled's) of `count` elements.
struct DataBuffer {
  size_t argIndex = 0;
  std::string name; // source name, for messages
  ScalarType type = ScalarType::I32;
  std::vector<int64_t> extents; // empty for a scalar
  int64_t count = 1;
};

// The C parameter types of proc `name` in the emitted header: the window
// struct of an argument (`c` variant or not) is the backend's choice, read
// back from its prototype rather than re-derived here.
std::optional<std::vector<std::string>> parameterTypes(const std::string& header,
                                                       const std::string& name) {
  const std::string opening = "void " + name + "(void *ctxt";
  size_t start = header.find(opening);
  if (start == std::string::npos)
    return std::nullopt;
  start += opening.size();
  size_t end = header.find(')', start);
  if (end == std::string::npos)
    return std::nullopt;
  std::vector<std::string> types;
  std::string params = header.substr(start, end - start); // ", T a, struct W w"
  size_t pos = 0;
  while (pos < params.size()) {
    if (params.compare(pos, 2, ", ") != 0)
      return std::nullopt;
    pos += 2;
    size_t next = params.find(", ", pos);
    std::string declaration = params.substr(pos, next == std::string::npos ? next : next - pos);
    // the type is the declaration minus its trailing identifier
    size_t nameStart = declaration.find_last_of(" *");
    if (nameStart == std::string::npos)
      return std::nullopt;
    std::string type = declaration.substr(0, nameStart + 1);
    while (!type.empty() && type.back() == ' ')
      type.pop_back();
    types.push_back(type);
    pos = next == std::string::npos ? params.size() : next;
  }
  return types;
}

std::string cInt(int64_t value) {
  return std::to_string(value) + "LL";
}

// Helpers of the generated program; every name starts with `diffrun_` so that
// none collides with an emitted proc or a memory's global template.
const char* const kDriverPrelude = R"(
/* ---- diffrun driver (generated by tests/unit/support/DiffRun.cpp) ---- */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, seedable, and the same on every host */
static uint64_t diffrun_state;
static uint64_t diffrun_next(void) {
  uint64_t z = (diffrun_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static long long diffrun_int(long long lo, long long hi) {
  return lo + (long long)(diffrun_next() % (uint64_t)(hi - lo + 1));
}
static double diffrun_real(void) { /* in [-1, 1] */
  return (double)(diffrun_next() >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}
static void* diffrun_alloc(size_t bytes) {
  void* p = calloc(bytes > 0 ? bytes : 1, 1);
  if (!p) {
    printf("diffrun: out of memory (%zu bytes)\n", bytes);
    exit(2);
  }
  return p;
}
static int diffrun_reals_differ(double a, double b, double tolerance) {
  if (a == b)
    return 0;
  if (isnan(a) || isnan(b))
    return !(isnan(a) && isnan(b));
  if (isinf(a) || isinf(b))
    return 1;
  return fabs(a - b) > tolerance * fmax(1.0, fmax(fabs(a), fabs(b)));
}
static void diffrun_where(int trial, const char* buffer, long long k, const long long* extents,
                          int rank) {
  long long coords[16];
  long long rest = k;
  int d;
  printf("diffrun: trial %d (seed %d): buffer '%s' differs at flat index %lld", trial,
         DIFFRUN_SEED_BASE + trial, buffer, k);
  if (rank > 0 && rank <= 16) {
    for (d = rank - 1; d >= 0; d--) {
      coords[d] = rest % extents[d];
      rest /= extents[d];
    }
    printf(" [");
    for (d = 0; d < rank; d++)
      printf(d ? ", %lld" : "%lld", coords[d]);
    printf("]");
  }
}
)";

struct DriverInput {
  const Proc& reference;
  const Proc& scheduled;
  std::vector<std::string> referenceTypes; // C parameter types, per argument
  std::vector<std::string> scheduledTypes;
  ControlValues controls;
  std::vector<DataBuffer> buffers;
  int trials = 5;
  bool rvm = false;
};

// `proc(NULL, ...)` on the copies named `copy` (`ref` or `sch`).
std::string callOf(const Proc& proc, const std::vector<std::string>& types,
                   const DriverInput& input, const std::string& copy) {
  std::string call = "    " + proc.name + "(NULL";
  size_t buffer = 0;
  for (size_t i = 0; i < proc.args.size(); ++i) {
    const FnArg& arg = proc.args[i];
    if (!arg.isData()) {
      call += ", " + cInt(input.controls.at(arg.name.name()));
      continue;
    }
    const DataBuffer& data = input.buffers[buffer++];
    std::string pointer = "diffrun_" + copy + std::to_string(data.argIndex);
    if (!arg.isWindow) {
      call += ", " + pointer;
      continue;
    }
    // a dense window: row-major strides of the allocated extents
    std::string strides;
    int64_t stride = 1;
    for (size_t d = data.extents.size(); d-- > 0;) {
      strides = cInt(stride) + (strides.empty() ? "" : ", ") + strides;
      stride *= data.extents[d];
    }
    call += ", (" + types[i] + "){" + pointer + ", {" + strides + "}}";
  }
  return call + ");\n";
}

// Relative tolerance of float comparisons. Schedules may reassociate float
// sums; half precision (11-bit significand) cannot reach 1e-4 after that.
std::string tolerance(ScalarType type) {
  return type == ScalarType::F16 ? "1e-2" : "1e-4";
}

std::string driverSource(const DriverInput& input) {
  std::ostringstream c;
  c << "\n#define DIFFRUN_SEED_BASE 1000\n" << kDriverPrelude;
  c << "\nint main(void) {\n  int trial;\n  long long k;\n";
  // not every program needs every helper
  c << "  (void)diffrun_int;\n  (void)diffrun_real;\n  (void)diffrun_reals_differ;\n";
  if (input.rvm)
    c << "  rvm_emu_install();\n";
  for (const DataBuffer& data : input.buffers) {
    std::string type = cTypeName(data.type);
    std::string n = std::to_string(data.argIndex);
    std::string bytes = "sizeof(" + type + ") * " + cInt(data.count);
    c << "  /* " << data.name << " */\n";
    for (const char* copy : {"in", "ref", "sch"})
      c << "  " << type << "* diffrun_" << copy << n << " = (" << type << "*)diffrun_alloc("
        << bytes << ");\n";
    c << "  static const long long diffrun_extents" << n << "[] = {";
    if (data.extents.empty())
      c << "1";
    for (size_t d = 0; d < data.extents.size(); ++d)
      c << (d ? ", " : "") << cInt(data.extents[d]);
    c << "};\n  (void)diffrun_extents" << n << ";\n";
  }
  c << "  for (trial = 0; trial < " << input.trials << "; trial++) {\n";
  c << "    diffrun_state = (uint64_t)(DIFFRUN_SEED_BASE + trial);\n";
  for (const DataBuffer& data : input.buffers) {
    std::string n = std::to_string(data.argIndex);
    std::string type = cTypeName(data.type);
    std::string value;
    if (isFloat(data.type))
      value = "(" + type + ")diffrun_real()";
    else if (data.type == ScalarType::UI8)
      value = "(" + type + ")diffrun_int(0, 20)";
    else
      value = "(" + type + ")diffrun_int(-20, 20)";
    c << "    for (k = 0; k < " << cInt(data.count) << "; k++)\n      diffrun_in" << n
      << "[k] = " << value << ";\n";
    c << "    memcpy(diffrun_ref" << n << ", diffrun_in" << n << ", sizeof(" << type << ") * "
      << cInt(data.count) << ");\n";
    c << "    memcpy(diffrun_sch" << n << ", diffrun_in" << n << ", sizeof(" << type << ") * "
      << cInt(data.count) << ");\n";
  }
  c << callOf(input.reference, input.referenceTypes, input, "ref");
  c << callOf(input.scheduled, input.scheduledTypes, input, "sch");
  for (const DataBuffer& data : input.buffers) {
    std::string n = std::to_string(data.argIndex);
    std::string ref = "diffrun_ref" + n + "[k]", sch = "diffrun_sch" + n + "[k]";
    bool real = isFloat(data.type);
    c << "    for (k = 0; k < " << cInt(data.count) << "; k++)\n";
    c << "      if ("
      << (real ? "diffrun_reals_differ((double)" + ref + ", (double)" + sch + ", " +
                     tolerance(data.type) + ")"
               : ref + " != " + sch)
      << ") {\n";
    c << "        diffrun_where(trial, \"" << data.name << "\", k, diffrun_extents" << n << ", "
      << data.extents.size() << ");\n";
    c << "        printf(\": reference " << input.reference.name << " gives "
      << (real ? "%.9g" : "%lld") << ", scheduled " << input.scheduled.name << " gives "
      << (real ? "%.9g" : "%lld") << "\\n\", " << (real ? "(double)" : "(long long)") << ref << ", "
      << (real ? "(double)" : "(long long)") << sch << ");\n";
    c << "        return 1;\n      }\n";
  }
  c << "  }\n";
  c << "  printf(\"diffrun: " << input.trials << " trials, " << input.buffers.size()
    << " buffers equal\\n\");\n";
  // proves that the RVM code really ran on the emulator
  if (input.rvm)
    c << "  printf(\"diffrun: %u RVM instructions emulated\\n\", rvm_emu_trap_count());\n";
  c << "  return 0;\n}\n";
  return c.str();
}

// ------------------------------------------------------------- processes

std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char ch : text)
    quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

struct CommandResult {
  bool ok = false;
  std::string status; // "exit status 1", "killed by signal 11", ...
  std::string output; // stdout and stderr, interleaved
};

CommandResult runCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) {
    result.status = "could not start the shell";
    return result;
  }
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, pipe)) > 0)
    if (result.output.size() < kMaxOutputChars)
      result.output.append(chunk, got);
  if (result.output.size() > kMaxOutputChars)
    result.output = result.output.substr(0, kMaxOutputChars) + "\n[output cut]\n";
  int status = pclose(pipe);
  if (status == -1) {
    result.status = "could not wait for the command";
  } else if (WIFSIGNALED(status)) {
    result.status = "killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    int code = WEXITSTATUS(status);
    result.ok = code == 0;
    // the shell and `timeout` report a killed child as 128 + signal; 124 is a timeout
    if (code == 124)
      result.status = "timed out after " + std::to_string(kRunTimeoutSeconds) + " s";
    else if (code > 128)
      result.status = "killed by signal " + std::to_string(code - 128);
    else
      result.status = "exit status " + std::to_string(code);
  }
  return result;
}

// A scratch folder per call, unique within and across processes. Removed when
// the procs agree; kept (and named in the failure) otherwise.
fs::path freshWorkDir() {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 ("schedc-diffrun-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir); // left over from an earlier process with the same pid
  fs::create_directories(dir);
  return dir;
}

std::string describeValues(const ControlValues& values) {
  std::string text;
  for (const auto& [name, value] : values)
    text += (text.empty() ? "" : ", ") + name + " = " + std::to_string(value);
  return text.empty() ? "no control arguments" : text;
}

::testing::AssertionResult refused(const std::string& why) {
  return ::testing::AssertionFailure() << "runsLike: " << why;
}

// Values of the control arguments: sizes and indices from `sizes` (default
// 8), bools true unless `sizes` says 0. Returns why not, or "".
std::string chooseControlValues(const Proc& proc, const std::map<std::string, int64_t>& sizes,
                                ControlValues& controls) {
  std::set<std::string> unused;
  for (const auto& [name, _] : sizes)
    unused.insert(name);
  for (const FnArg& arg : proc.args) {
    const std::string& name = arg.name.name();
    auto given = sizes.find(name);
    unused.erase(name);
    if (arg.type == ScalarType::Stride)
      return "stride argument '" + name + "' is not supported";
    if (arg.type == ScalarType::Bool) {
      controls[name] = given == sizes.end() ? 1 : given->second != 0;
    } else if (arg.type == ScalarType::Size || arg.type == ScalarType::Index) {
      controls[name] = given == sizes.end() ? 8 : given->second;
      if (arg.type == ScalarType::Size && controls[name] <= 0)
        return "size argument '" + name + "' must be positive, got " +
               std::to_string(controls[name]);
    } else if (given != sizes.end()) {
      return "'" + name + "' is a data argument; sizes only sets control arguments";
    }
  }
  // a misspelt name would otherwise silently run with the default
  if (!unused.empty())
    return "sizes names '" + *unused.begin() + "', which is not an argument of " + printArgs(proc);
  return "";
}

// Sizes that break a precondition would make the procs index out of bounds;
// refuse them up front. (Preconditions on strides cannot be evaluated here.)
std::string checkPreconditions(const Proc& proc, const ControlValues& controls) {
  for (const Expr& pred : proc.preds)
    if (std::optional<int64_t> holds = evaluate(pred, controls); holds && *holds == 0)
      return "the arguments (" + describeValues(controls) + ") break `assert " + printExpr(pred) +
             "` of proc " + proc.name;
  return "";
}

// The data arguments of `proc`, with their extents evaluated. Returns why
// not, or "".
std::string collectBuffers(const Proc& proc, const Module& module, const ControlValues& controls,
                           std::vector<DataBuffer>& buffers) {
  for (size_t i = 0; i < proc.args.size(); ++i) {
    const FnArg& arg = proc.args[i];
    if (!arg.isData())
      continue;
    const MemoryDef* memory = module.findMemory(arg.mem);
    if (memory && (memory->isRegisterFile() || !memory->canRead || !memory->canWrite))
      return "data argument '" + arg.name.name() + "' lives in memory " + arg.mem +
             ", which the driver cannot fill from C";
    DataBuffer data;
    data.argIndex = i;
    data.name = arg.name.name();
    data.type = arg.type;
    for (const Expr& extent : arg.shape) {
      std::optional<int64_t> value = evaluate(extent, controls);
      if (!value || *value < 0)
        return "cannot size argument '" + data.name + "': extent `" + printExpr(extent) +
               "` with " + describeValues(controls);
      data.extents.push_back(*value);
      data.count *= *value;
    }
    buffers.push_back(std::move(data));
  }
  return "";
}

// Compiles and runs the generated program in a fresh folder; `what` opens
// the failure message.
::testing::AssertionResult compileAndRun(const std::string& program, bool rvm,
                                         const std::string& what) {
  fs::path dir = freshWorkDir();
  fs::path driverPath = dir / "diffrun.c";
  fs::path exePath = dir / "diffrun";
  std::ofstream(driverPath) << program;

  std::string timeout = "timeout " + std::to_string(kRunTimeoutSeconds) + " ";
  std::string compile, run;
  if (rvm) {
    std::string emulatorDir = std::string(SCHEDC_SOURCE_DIR) + "/tests/rvm";
    compile = "riscv64-linux-gnu-gcc -std=c11 -O2 -static -Wall -I" + shellQuote(emulatorDir) +
              " " + shellQuote(driverPath) + " " + shellQuote(emulatorDir + "/rvm_emu.c") + " -o " +
              shellQuote(exePath) + " -lm";
    run = timeout + "qemu-riscv64 " + shellQuote(exePath);
  } else {
    compile =
        "cc -std=c99 -O1 -Wall " + shellQuote(driverPath) + " -o " + shellQuote(exePath) + " -lm";
    run = timeout + shellQuote(exePath);
  }
  std::string kept = "\ndriver kept at: " + driverPath.string() + "\n";

  CommandResult built = runCommand(compile);
  if (!built.ok)
    return refused("the driver does not compile (" + built.status + "):\n$ " + compile + "\n" +
                   built.output + kept);
  // Warnings do not fail the comparison, but they are worth seeing.
  if (!built.output.empty())
    std::cerr << "runsLike: " << compile << "\n" << built.output;

  CommandResult ran = runCommand(run);
  if (!ran.ok)
    return ::testing::AssertionFailure() << what << "; program " << ran.status << "):\n"
                                         << ran.output << kept;
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return ::testing::AssertionSuccess() << ran.output;
}

} // namespace

::testing::AssertionResult runsLike(const std::string& source, const std::string& scheduled,
                                    const std::string& reference,
                                    const std::map<std::string, int64_t>& sizes, int trials) {
  if (scheduled == reference)
    return refused("the scheduled and reference procs are both '" + scheduled + "'");
  for (const std::string& name : {scheduled, reference})
    if (name == "main" || name.starts_with("diffrun_"))
      return refused("proc name '" + name + "' collides with the generated driver");
  if (trials < 1)
    return refused("trials must be positive, got " + std::to_string(trials));

  std::optional<CompiledModule> compiled;
  try {
    compiled.emplace(compileString(source, kTestFile, testOptions()));
  } catch (const CompileError& error) {
    return refused("the source does not compile:\n" + error.format());
  }
  const Module& module = compiled->module;
  ProcPtr referenceProc = module.findProc(reference);
  ProcPtr scheduledProc = module.findProc(scheduled);
  for (const auto& [role, name, proc] : {std::tuple{"reference", reference, referenceProc},
                                         std::tuple{"scheduled", scheduled, scheduledProc}}) {
    if (!proc || proc->isInstr()) {
      // until schedules run, a missing scheduled proc shows up as a warning
      std::string known, warnings;
      for (const ProcPtr& p : module.procs)
        if (!p->isInstr() && !p->fromImport)
          known += " " + p->name;
      for (const Diagnostic& warning : compiled->warnings)
        warnings += "\n" + renderDiagnostic(warning, DiagnosticOptions{});
      return refused(std::string("no ") + role + " proc named '" + name +
                     "'; the module's procs:" + known + warnings);
    }
  }

  ControlValues controls;
  std::vector<DataBuffer> buffers;
  if (std::string why = signatureMismatch(*referenceProc, *scheduledProc); !why.empty())
    return refused(why);
  if (std::string why = chooseControlValues(*referenceProc, sizes, controls); !why.empty())
    return refused(why);
  for (const ProcPtr& proc : {referenceProc, scheduledProc})
    if (std::string why = checkPreconditions(*proc, controls); !why.empty())
      return refused(why);
  if (std::string why = collectBuffers(*referenceProc, module, controls, buffers); !why.empty())
    return refused(why);

  COutput emitted;
  try {
    CEmitOptions options;
    options.selfContained = true; // one file holds both procs and the driver
    emitted = emitC(module, {referenceProc, scheduledProc}, options);
  } catch (const CompileError& error) {
    return refused("the C backend refuses the procs:\n" + error.format());
  }
  std::optional<std::vector<std::string>> referenceTypes =
      parameterTypes(emitted.header, reference);
  std::optional<std::vector<std::string>> scheduledTypes =
      parameterTypes(emitted.header, scheduled);
  if (!referenceTypes || !scheduledTypes || referenceTypes->size() != referenceProc->args.size() ||
      scheduledTypes->size() != scheduledProc->args.size())
    return refused("cannot read the emitted prototypes of " + reference + " and " + scheduled +
                   " in:\n" + emitted.header);

  std::set<const Proc*> seen;
  bool rvm = usesRvm(*referenceProc, module, seen) || usesRvm(*scheduledProc, module, seen);
  DriverInput input{*referenceProc, *scheduledProc, *referenceTypes, *scheduledTypes,
                    controls,       buffers,        trials,          rvm};
  std::string program = emitted.source;
  if (rvm)
    program += "\n#include \"rvm_emu.h\"\n";
  program += driverSource(input);
  return compileAndRun(program, rvm,
                       scheduled + " does not run like " + reference + " (" +
                           describeValues(controls) + ", " + std::to_string(trials) + " trials");
}

std::string printedProc(const std::string& source, const std::string& name) {
  try {
    CompiledModule compiled = compileString(source, kTestFile, testOptions());
    ProcPtr proc = compiled.module.findProc(name);
    if (!proc)
      return "no proc named '" + name + "'";
    return printProc(*proc);
  } catch (const CompileError& error) {
    return error.format();
  }
}

std::string errorOf(const std::string& source) {
  try {
    compileString(source, kTestFile, testOptions());
  } catch (const CompileError& error) {
    return error.format();
  }
  return "no error";
}

} // namespace schedc::testing
