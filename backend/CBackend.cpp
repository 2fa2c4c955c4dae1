#include "backend/CBackend.h"

#include "backend/RegisterAllocation.h"
#include "ir/Printer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

namespace schedc {
namespace {

// ================================================================ C expressions

// C operator precedence, higher binds tighter. Printed expressions carry theirs
// so that parentheses appear only where C needs them (and where gcc's
// -Wparentheses would complain).
enum Prec : int {
  kCond = 3,
  kOr = 4,
  kAnd = 5,
  kEq = 9,
  kRel = 10,
  kAdd = 12,
  kMul = 13,
  kUnary = 15,
  kPrimary = 16,
};

struct CExpr {
  std::string text;
  int prec = kPrimary;
  std::optional<int64_t> constant; // integer constants, so that index arithmetic folds
};

CExpr cAtom(std::string text) {
  return CExpr{std::move(text), kPrimary, std::nullopt};
}

std::string intText(int64_t value) {
  std::string text = std::to_string(value);
  // An unsuffixed literal beyond 32 bits would be `long` on LP64 only.
  if (value > std::numeric_limits<int32_t>::max() || value < std::numeric_limits<int32_t>::min())
    text += "LL";
  return text;
}

CExpr cInt(int64_t value) {
  return CExpr{intText(value), value < 0 ? kUnary : kPrimary, value};
}

// `e` as an operand needing at least precedence `minPrec`.
std::string at(const CExpr& e, int minPrec) {
  return e.prec < minPrec ? "(" + e.text + ")" : e.text;
}

// Integer sum for index arithmetic. The right operand is not parenthesised when
// it is itself a sum (`i * M + j - 1`): equal for integers, and easier to read.
CExpr cAdd(const CExpr& a, const CExpr& b) {
  if (a.constant && b.constant)
    return cInt(*a.constant + *b.constant);
  if (a.constant == 0)
    return b;
  if (b.constant == 0)
    return a;
  if (b.constant && *b.constant < 0)
    return CExpr{at(a, kAdd) + " - " + intText(-*b.constant), kAdd, std::nullopt};
  return CExpr{at(a, kAdd) + " + " + at(b, kAdd), kAdd, std::nullopt};
}

CExpr cMul(const CExpr& a, const CExpr& b) {
  if (a.constant && b.constant)
    return cInt(*a.constant * *b.constant);
  if (a.constant == 0 || b.constant == 0)
    return cInt(0);
  if (a.constant == 1)
    return b;
  if (b.constant == 1)
    return a;
  return CExpr{at(a, kMul) + " * " + at(b, kMul + 1), kMul, std::nullopt};
}

// The flat offset `i0 * s0 + i1 * s1 + ...`. A compound index is parenthesised
// before its stride (`(4 * jo) * 16`) so that each dimension's term stands out.
CExpr flatOffset(const std::vector<CExpr>& indices, const std::vector<CExpr>& strides) {
  CExpr sum = cInt(0);
  for (size_t d = 0; d < indices.size(); ++d) {
    const CExpr& index = indices[d];
    const CExpr& stride = strides[d];
    CExpr term;
    if ((index.constant && stride.constant) || index.constant == 0 || stride.constant == 0 ||
        stride.constant == 1 || index.constant == 1)
      term = cMul(index, stride);
    else
      term = CExpr{at(index, kPrimary) + " * " + at(stride, kMul + 1), kMul, std::nullopt};
    sum = cAdd(sum, term);
  }
  return sum;
}

// The shortest decimal text that reads back as the same value (of the C type's
// precision), with a `.0` when it would otherwise look like an integer.
std::string floatText(double value, bool single, const SrcLoc& loc) {
  if (!std::isfinite(value))
    fail(loc, "the C backend cannot write the non-finite literal " + printFloatLiteral(value));
  char buffer[64];
  auto [end, ec] = single ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value))
                          : std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

CExpr floatLiteral(double value, ScalarType type, const SrcLoc& loc) {
  switch (type) {
  case ScalarType::F64: {
    std::string text = floatText(value, false, loc);
    return CExpr{text, text[0] == '-' ? kUnary : kPrimary, std::nullopt};
  }
  case ScalarType::F16:
    // No portable _Float16 literal suffix: round through a cast, as C would.
    return CExpr{"(_Float16)" + floatText(value, true, loc) + "f", kUnary, std::nullopt};
  default: {
    std::string text = floatText(value, true, loc) + "f";
    return CExpr{text, text[0] == '-' ? kUnary : kPrimary, std::nullopt};
  }
  }
}

// The proc's signature in source syntax, for the comment above its function.
std::string sourceSignature(const Proc& proc) {
  std::string text = proc.name + "(";
  for (size_t i = 0; i < proc.args.size(); ++i)
    text += (i ? ", " : "") + printArg(proc.args[i]);
  return text + ")";
}

// ================================================================ C names

bool isReservedCName(const std::string& name) {
  static const std::set<std::string> reserved = {
      // C99/C11 keywords
      "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
      "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
      "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
      "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary",
      "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert", "_Thread_local",
      "_Float16", "asm",
      // the context argument, and names the included headers define
      "ctxt", "bool", "true", "false", "NULL", "main", "int8_t", "uint8_t", "int16_t", "uint16_t",
      "int32_t", "uint32_t", "int64_t", "uint64_t", "int_fast32_t", "malloc", "calloc", "realloc",
      "free", "abort", "exit"};
  // schedc_ is the prefix of our own identifiers (window structs, template locals).
  // `_X` and `__x` are the implementation's (C11 7.1.3).
  return reserved.count(name) > 0 || name.rfind("schedc_", 0) == 0 || name.rfind("__", 0) == 0 ||
         (name.size() > 1 && name[0] == '_' && std::isupper(static_cast<unsigned char>(name[1])));
}

// Identifier tokens of C text outside string literals and comments: tells which
// parameters a function body mentions.
std::set<std::string> identifiersIn(const std::string& text) {
  std::set<std::string> names;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (text[i] == '\\')
          ++i;
      ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i;
      while (i < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
        ++i;
      names.insert(text.substr(start, i - start));
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '_' || text[i] == '.'))
        ++i;
    } else {
      ++i;
    }
  }
  return names;
}

// ============================================================ templates

// Fills the `{hole}` of a memory or instr template; `{{` and `}}` are literal
// braces (Python's str.format rules, which the templates follow). `fill` returns
// nullopt for a hole it does not know; `refuse` builds the error to throw.
std::string
expandTemplate(const std::string& text,
               const std::function<std::optional<std::string>(const std::string&)>& fill,
               const std::function<CompileError(const std::string&)>& refuse) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      size_t close = text.find('}', i);
      std::string name = close == std::string::npos ? "" : text.substr(i + 1, close - i - 1);
      bool isIdentifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
      });
      if (!isIdentifier)
        throw refuse("stray '{' at offset " + std::to_string(i) +
                     " (write '{{' for a literal brace)");
      std::optional<std::string> value = fill(name);
      if (!value)
        throw refuse("unknown hole {" + name + "}");
      out += *value;
      i = close;
    } else if (c == '}') {
      throw refuse("stray '}' at offset " + std::to_string(i) +
                   " (write '}}' for a literal brace)");
    } else {
      out += c;
    }
  }
  return out;
}

// ============================================================ analyses

// Which buffers a proc writes: directly, through windows bound to them, or by
// passing them to a callee that writes the parameter. Decides `const`.
class WriteAnalysis {
public:
  // Calls of a proc of the same name as an emitted one reach the emitted one.
  explicit WriteAnalysis(const std::map<std::string, const Proc*>& emittedProcs)
      : emittedProcs_(emittedProcs) {}

  const std::set<Sym>& writtenIn(const Proc& proc) {
    auto [entry, inserted] = cache_.try_emplace(&proc);
    if (!inserted)
      return entry->second; // done, or in progress (recursion): nothing known yet
    std::set<Sym> written;
    std::map<Sym, Sym> windowOf; // window name -> the buffer it views
    walk(proc.body, windowOf, written);
    cache_[&proc] = std::move(written);
    return cache_[&proc];
  }

  bool writesParam(const Proc& proc, size_t index) {
    return writtenIn(proc).count(proc.args[index].name) > 0;
  }

private:
  static void mark(Sym name, const std::map<Sym, Sym>& windowOf, std::set<Sym>& written) {
    for (;;) {
      written.insert(name);
      auto parent = windowOf.find(name);
      if (parent == windowOf.end())
        return;
      name = parent->second;
    }
  }

  void walk(const Block& block, std::map<Sym, Sym>& windowOf, std::set<Sym>& written) {
    for (const Stmt& stmt : block) {
      if (const Assign* assign = stmt->as<Assign>()) {
        mark(assign->name, windowOf, written);
      } else if (const For* loop = stmt->as<For>()) {
        walk(loop->body, windowOf, written);
      } else if (const If* branch = stmt->as<If>()) {
        walk(branch->body, windowOf, written);
        walk(branch->orelse, windowOf, written);
      } else if (const WindowBind* bind = stmt->as<WindowBind>()) {
        if (const WindowExpr* window = bind->rhs->as<WindowExpr>())
          windowOf[bind->name] = window->name;
        else if (const Read* read = bind->rhs->as<Read>())
          windowOf[bind->name] = read->name;
      } else if (const Call* call = stmt->as<Call>()) {
        auto emitted = emittedProcs_.find(call->callee->name);
        const Proc& callee = call->callee->isInstr() || emitted == emittedProcs_.end()
                                 ? *call->callee
                                 : *emitted->second;
        for (size_t i = 0; i < call->args.size() && i < callee.args.size(); ++i) {
          if (!writesParam(callee, i))
            continue;
          if (const Read* read = call->args[i]->as<Read>())
            mark(read->name, windowOf, written);
          else if (const WindowExpr* window = call->args[i]->as<WindowExpr>())
            mark(window->name, windowOf, written);
        }
      }
    }
  }

  const std::map<std::string, const Proc*>& emittedProcs_;
  std::map<const Proc*, std::set<Sym>> cache_;
};

// ============================================================ module state

struct WindowStructKey {
  int rank;
  std::string mnemonic;
  std::string elementCType;
  bool isConst;

  std::string name() const {
    return "schedc_win_" + std::to_string(rank) + mnemonic + (isConst ? "c" : "");
  }
  friend bool operator<(const WindowStructKey& a, const WindowStructKey& b) {
    return std::tie(a.rank, a.mnemonic, a.isConst) < std::tie(b.rank, b.mnemonic, b.isConst);
  }
};

// What every function emitter shares.
struct ModuleState {
  explicit ModuleState(const Module& module)
      : module(module), writes(emittedProcs), registerUse(module) {}

  const Module& module;
  std::map<std::string, const Proc*> emittedProcs; // filled before any analysis runs
  WriteAnalysis writes;
  RegisterUseAnalysis registerUse;
  std::set<WindowStructKey> windowStructs; // used anywhere: declared in the header
  std::set<std::string> memoriesUsed;      // their global templates go in the .c file
  std::vector<std::string> instrGlobals;   // global code of the instrs used, once each
  std::set<std::string> functionNames;     // locals must not shadow them
  // A call names its callee by pointer, which may be an older version of a
  // proc of the same name (a replaced proc): the function called is the
  // emitted one.
  const Proc& emittedVersion(const Proc& callee) const {
    auto found = emittedProcs.find(callee.name);
    return found == emittedProcs.end() ? callee : *found->second;
  }

  std::string windowStruct(int rank, ScalarType type, bool isConst) {
    WindowStructKey key{rank, cTypeMnemonic(type), cTypeName(type), isConst};
    windowStructs.insert(key);
    return "struct " + key.name();
  }
};

// Properties of an argument's memory: an unknown name (only possible for IR
// built by hand) behaves like DRAM.
MemoryDef defaultMemory(const std::string& name) {
  MemoryDef memory;
  memory.name = name;
  return memory;
}

// ============================================================ function emitter

enum class BindingKind {
  Control,       // by-value control argument or loop variable: `N`
  ScalarPointer, // 0-dim data argument: `*x`
  LocalScalar,   // 0-dim allocation in a readable memory: `x`
  Tensor,        // dense row-major storage (argument or allocation): `A[...]`
  Window,        // window struct (argument or window binding): `w.data[...]`
  Register,      // a register-file buffer: only a macro naming its register
  RegisterView,  // a window bound over a register buffer: resolved statically
};

struct Binding {
  BindingKind kind;
  Sym sym;
  std::string cName;
  ScalarType type = ScalarType::Index;
  std::vector<CExpr> strides; // per dimension; Window: `w.strides[d]`
  const MemoryDef* memory = nullptr;
  bool isConst = false; // data never written: `const` pointer / `c` window struct
  // RegisterView: the register buffer viewed and the offset of the view in it.
  const Binding* viewed = nullptr;
  CExpr viewOffset;
};

// A view of a buffer's elements: offset and strides (of the kept dimensions)
// relative to the storage of `root`.
struct View {
  const Binding* root = nullptr;
  CExpr offset;
  std::vector<CExpr> strides;
  ScalarType type = ScalarType::I32;
  bool isWholeBinding = false; // the binding itself, not a part of it
};

class FunctionEmitter {
public:
  FunctionEmitter(ModuleState& state, const Proc& proc) : state_(state), proc_(proc) {}

  // Writes the function; then comment(), prototype() and definition() hold it.
  void emit(bool isStatic) {
    comment_ = "// " + sourceSignature(proc_);
    scopes_.emplace_back();
    std::string params = "void *ctxt";
    bindArguments();
    for (size_t i = 0; i < proc_.args.size(); ++i)
      params += ", " + parameterDeclaration(i);
    prototype_ = std::string(isStatic ? "static " : "") + "void " + proc_.name + "(" + params + ")";

    indent_ = 1;
    emitBlock(proc_.body);
    std::string body = std::move(out_);

    std::set<std::string> mentioned = identifiersIn(body);
    std::string unusedMarks = "  (void)ctxt;\n";
    for (const Binding* arg : argBindings_)
      if (!mentioned.count(arg->cName))
        unusedMarks += "  (void)" + arg->cName + ";\n";
    definition_ = comment_ + "\n" + prototype_ + " {\n" + unusedMarks + body + "}\n";
  }

  const std::string& comment() const { return comment_; }
  const std::string& prototype() const { return prototype_; }
  const std::string& definition() const { return definition_; }

private:
  // ------------------------------------------------------------ names, scopes

  // `mayBeMacro`: an allocation, whose template may `#define` its name; then it
  // must not be a window struct field either.
  bool nameTaken(const std::string& name, bool mayBeMacro) const {
    if (isReservedCName(name) || state_.functionNames.count(name))
      return true;
    if (mayBeMacro && (name == "data" || name == "strides"))
      return true;
    for (const auto& scope : scopes_)
      for (const Binding* binding : scope)
        if (binding->cName == name)
          return true;
    return false;
  }

  // Binds `sym` in the innermost scope under its own spelling, or the spelling
  // with a suffix when that would clash with a visible name.
  Binding& bind(const Sym& sym, BindingKind kind, ScalarType type, bool mayBeMacro = false) {
    std::string name = sym.name();
    if (nameTaken(name, mayBeMacro)) {
      // A reserved prefix (schedc_x, __x, _X) stays reserved whatever the
      // suffix: such names get a `v_` in front instead.
      std::string base = isReservedCName(name + "_1") ? "v_" + name : name;
      name = base;
      for (int suffix = 1; nameTaken(name, mayBeMacro); ++suffix)
        name = base + "_" + std::to_string(suffix);
    }
    bindings_.push_back(Binding{kind, sym, name, type, {}, nullptr, false, nullptr, {}});
    scopes_.back().push_back(&bindings_.back());
    return bindings_.back();
  }

  const Binding& lookup(const Sym& sym, const SrcLoc& loc) const {
    for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope)
      for (auto binding = scope->rbegin(); binding != scope->rend(); ++binding)
        if ((*binding)->sym == sym)
          return **binding;
    fail(loc, "internal error: '" + sym.name() + "' is not bound in proc '" + proc_.name + "'");
  }

  // ------------------------------------------------------------ arguments

  void bindArguments() {
    const std::set<Sym>& written = state_.writes.writtenIn(proc_);
    for (const FnArg& arg : proc_.args) {
      if (!arg.isData()) {
        argBindings_.push_back(&bind(arg.name, BindingKind::Control, arg.type));
        continue;
      }
      const MemoryDef* memory = state_.module.findMemory(arg.mem);
      if (!memory) {
        unknownMemories_.push_back(defaultMemory(arg.mem));
        memory = &unknownMemories_.back();
      } else {
        state_.memoriesUsed.insert(memory->name);
      }
      if (memory->isRegisterFile())
        fail(arg.loc, "argument '" + arg.name.name() + "' of proc '" + proc_.name +
                          "' lives in the register file " + memory->name +
                          ": only instrs take register-file arguments (inline the proc)");
      BindingKind kind = arg.isWindow        ? BindingKind::Window
                         : arg.shape.empty() ? BindingKind::ScalarPointer
                                             : BindingKind::Tensor;
      if (kind == BindingKind::Window && arg.shape.empty())
        fail(arg.loc, "window argument '" + arg.name.name() + "' has no dimension");
      Binding& binding = bind(arg.name, kind, arg.type);
      binding.memory = memory;
      binding.isConst = !written.count(arg.name);
      argBindings_.push_back(&binding);
    }
    // Strides read size arguments, so every argument is bound first.
    for (size_t i = 0; i < proc_.args.size(); ++i) {
      const FnArg& arg = proc_.args[i];
      Binding& binding = *argBindings_[i];
      if (binding.kind == BindingKind::Tensor)
        binding.strides = denseStrides(arg.shape);
      else if (binding.kind == BindingKind::Window)
        binding.strides = windowStrides(binding.cName, arg.shape.size());
    }
  }

  std::string parameterDeclaration(size_t index) {
    const FnArg& arg = proc_.args[index];
    const Binding& binding = *argBindings_[index];
    switch (binding.kind) {
    case BindingKind::Control:
      return cTypeName(arg.type) + " " + binding.cName;
    case BindingKind::Window:
      return state_.windowStruct(static_cast<int>(arg.shape.size()), arg.type, binding.isConst) +
             " " + binding.cName;
    default:
      return std::string(binding.isConst ? "const " : "") + cTypeName(arg.type) + " *" +
             binding.cName;
    }
  }

  std::vector<CExpr> denseStrides(const std::vector<Expr>& shape) {
    std::vector<CExpr> extents;
    for (const Expr& extent : shape)
      extents.push_back(value(extent));
    return denseStrides(extents);
  }

  static std::vector<CExpr> denseStrides(const std::vector<CExpr>& extents) {
    std::vector<CExpr> strides(extents.size());
    CExpr product = cInt(1);
    for (size_t d = extents.size(); d-- > 0;) {
      strides[d] = product;
      product = cMul(extents[d], product);
    }
    return strides;
  }

  static std::vector<CExpr> windowStrides(const std::string& name, size_t rank) {
    std::vector<CExpr> strides;
    for (size_t d = 0; d < rank; ++d)
      strides.push_back(cAtom(name + ".strides[" + std::to_string(d) + "]"));
    return strides;
  }

  // ------------------------------------------------------------ views

  // The elements a binding names, as a view of its storage.
  View wholeView(const Binding& binding) const {
    if (binding.kind == BindingKind::RegisterView)
      return View{binding.viewed, binding.viewOffset, binding.strides, binding.type, true};
    return View{&binding, cInt(0), binding.strides, binding.type, true};
  }

  bool isBuffer(const Binding& binding) const { return binding.kind != BindingKind::Control; }

  // A call argument or window binding's right-hand side: a whole buffer, an
  // element, or a window expression.
  View viewOf(const Expr& e) {
    if (const Read* read = e->as<Read>()) {
      const Binding& binding = lookup(read->name, read->loc);
      if (!isBuffer(binding))
        fail(read->loc, "'" + read->name.name() + "' is not a buffer");
      View view = wholeView(binding);
      if (read->idx.empty())
        return view;
      if (read->idx.size() != view.strides.size())
        fail(read->loc, "'" + read->name.name() + "' has " + std::to_string(view.strides.size()) +
                            " dimensions but is indexed with " + std::to_string(read->idx.size()));
      std::vector<CExpr> indices;
      for (const Expr& index : read->idx)
        indices.push_back(value(index));
      view.offset = cAdd(view.offset, flatOffset(indices, view.strides));
      view.strides.clear();
      view.isWholeBinding = false;
      return view;
    }
    const WindowExpr* window = e->as<WindowExpr>();
    if (!window)
      fail(e->loc, "expected a buffer or a window, not `" + printExpr(e) + "`");
    const Binding& binding = lookup(window->name, window->loc);
    if (!isBuffer(binding))
      fail(window->loc, "'" + window->name.name() + "' is not a buffer");
    View base = wholeView(binding);
    if (window->idx.size() != base.strides.size())
      fail(window->loc, "'" + window->name.name() + "' has " + std::to_string(base.strides.size()) +
                            " dimensions but the window has " + std::to_string(window->idx.size()));
    View view{base.root, base.offset, {}, base.type, false};
    std::vector<CExpr> lows;
    for (size_t d = 0; d < window->idx.size(); ++d) {
      lows.push_back(value(window->idx[d].lo));
      if (window->idx[d].isInterval())
        view.strides.push_back(base.strides[d]);
    }
    view.offset = cAdd(view.offset, flatOffset(lows, base.strides));
    return view;
  }

  bool isBufferArg(const Expr& arg) const {
    const Read* read = arg->as<Read>();
    return read && isBuffer(lookup(read->name, read->loc));
  }

  bool isAddressable(const View& view) const { return view.root->kind != BindingKind::Register; }

  // An lvalue of the view's first element.
  CExpr elementOf(const View& view, const SrcLoc& loc, const std::string& why) const {
    const Binding& root = *view.root;
    switch (root.kind) {
    case BindingKind::ScalarPointer:
      if (view.offset.constant == 0)
        return CExpr{"*" + root.cName, kUnary, std::nullopt};
      return cAtom(root.cName + "[" + view.offset.text + "]");
    case BindingKind::LocalScalar:
      return cAtom(root.cName);
    case BindingKind::Tensor:
      return cAtom(root.cName + "[" + view.offset.text + "]");
    case BindingKind::Window:
      return cAtom(root.cName + ".data[" + view.offset.text + "]");
    default:
      fail(loc, why + ": '" + root.sym.name() + "' lives in the register file " +
                    root.memory->name + ", which has no C storage");
    }
  }

  std::string addressOf(const View& view, const SrcLoc& loc, const std::string& why) const {
    if (view.isWholeBinding && view.root->kind == BindingKind::Tensor)
      return view.root->cName;
    if (view.isWholeBinding && view.root->kind == BindingKind::ScalarPointer)
      return view.root->cName;
    CExpr element = elementOf(view, loc, why);
    if (element.prec == kUnary && element.text[0] == '*')
      return element.text.substr(1); // &*x is x
    return "&" + element.text;
  }

  // The window struct value of a view: the binding itself when it already is
  // such a struct, otherwise a compound literal.
  std::string windowValue(const View& view, bool isConst, const SrcLoc& loc,
                          const std::string& why) {
    std::string type =
        state_.windowStruct(static_cast<int>(view.strides.size()), view.type, isConst);
    if (view.isWholeBinding && view.root->kind == BindingKind::Window &&
        view.root->isConst == isConst)
      return view.root->cName;
    std::string strides;
    for (size_t d = 0; d < view.strides.size(); ++d)
      strides += (d ? ", " : "") + view.strides[d].text;
    return "(" + type + "){ " + addressOf(view, loc, why) + ", { " + strides + " } }";
  }

  // ------------------------------------------------------------ expressions

  void checkScalarAccess(const Binding& binding, bool isWrite, const SrcLoc& loc) const {
    const MemoryDef* memory = binding.memory;
    if (binding.kind == BindingKind::Register || binding.kind == BindingKind::RegisterView)
      fail(loc, std::string("cannot ") + (isWrite ? "write" : "read") + " '" + binding.sym.name() +
                    "' in C: it lives in the register file " +
                    (memory ? memory->name : std::string("?")) + " (only instrs can access it)");
    if (!memory)
      return;
    if (!isWrite && !memory->canRead)
      fail(loc, "cannot read '" + binding.sym.name() + "' in C: memory " + memory->name +
                    " does not allow scalar reads");
    if (isWrite && !memory->canWrite)
      fail(loc, "cannot write '" + binding.sym.name() + "' in C: memory " + memory->name +
                    " does not allow scalar writes");
  }

  // The lvalue `name[idx]` of a scalar access (read or written).
  CExpr access(const Sym& name, const std::vector<Expr>& idx, bool isWrite, const SrcLoc& loc) {
    const Binding& binding = lookup(name, loc);
    if (binding.kind == BindingKind::Control) {
      if (isWrite || !idx.empty())
        fail(loc, "internal error: '" + name.name() + "' is a control value, not a buffer");
      return cAtom(binding.cName);
    }
    checkScalarAccess(binding, isWrite, loc);
    View view = wholeView(binding);
    if (idx.size() != view.strides.size())
      fail(loc, "'" + name.name() + "' has " + std::to_string(view.strides.size()) +
                    " dimensions but is accessed with " + std::to_string(idx.size()) + " indices");
    std::vector<CExpr> indices;
    for (const Expr& index : idx)
      indices.push_back(value(index));
    view.offset = cAdd(view.offset, flatOffset(indices, view.strides));
    return elementOf(view, loc, "cannot access");
  }

  CExpr strideOf(const StrideExpr& stride) {
    const Binding& binding = lookup(stride.name, stride.loc);
    View view = wholeView(binding);
    if (stride.dim < 0 || static_cast<size_t>(stride.dim) >= view.strides.size())
      fail(stride.loc, "stride(" + stride.name.name() + ", " + std::to_string(stride.dim) +
                           "): no such dimension");
    return view.strides[stride.dim];
  }

  CExpr literal(const Const& c) {
    if (c.type == ScalarType::Bool)
      return cAtom(c.intValue ? "true" : "false");
    if (isFloat(c.type))
      return floatLiteral(c.floatValue, c.type, c.loc);
    return cInt(c.intValue);
  }

  CExpr value(const Expr& e) {
    switch (e->kind) {
    case ExprKind::Const:
      return literal(*e->as<Const>());
    case ExprKind::Read: {
      const Read* read = e->as<Read>();
      return access(read->name, read->idx, false, read->loc);
    }
    case ExprKind::BinOp:
      return binOp(*e->as<BinOp>());
    case ExprKind::UnOp: {
      const UnOp* u = e->as<UnOp>();
      CExpr operand = value(u->a);
      if (u->op == UnOpKind::Not)
        return CExpr{"!" + at(operand, kUnary), kUnary, std::nullopt};
      if (operand.constant)
        return cInt(-*operand.constant);
      std::string text = at(operand, kUnary);
      if (text[0] == '-')
        text = "(" + text + ")"; // not `--x`
      return CExpr{"-" + text, kUnary, std::nullopt};
    }
    case ExprKind::Select: {
      const Select* s = e->as<Select>();
      return cAtom("(" + at(value(s->cond), kOr) + " ? " + at(value(s->t), kOr) + " : " +
                   at(value(s->f), kOr) + ")");
    }
    case ExprKind::Window:
      fail(e->loc, "a window (`" + printExpr(e) +
                       "`) is only allowed as a call argument or in a window binding");
    case ExprKind::Stride:
      return strideOf(*e->as<StrideExpr>());
    }
    fail(e->loc, "internal error: unknown expression");
  }

  // An operand of a comparison: arithmetic or tighter, and never a `!x`
  // (gcc's -Wlogical-not-parentheses).
  static std::string comparand(const CExpr& e) {
    std::string text = at(e, kAdd);
    return text[0] == '!' ? "(" + text + ")" : text;
  }

  CExpr binOp(const BinOp& b) {
    CExpr lhs = value(b.a);
    CExpr rhs = value(b.b);
    auto infix = [&](int prec, const char* op, const std::string& left, const std::string& right) {
      return CExpr{left + " " + op + " " + right, prec, std::nullopt};
    };
    // Index arithmetic folds constants (`4 * io * 1`, `n + -1`); data
    // arithmetic is printed as written, its overflow and rounding being the
    // program's.
    if (isIndexLike(b.type)) {
      if (b.op == BinOpKind::Add)
        return cAdd(lhs, rhs);
      if (b.op == BinOpKind::Sub && rhs.constant)
        return cAdd(lhs, cInt(-*rhs.constant));
      if (b.op == BinOpKind::Mul)
        return cMul(lhs, rhs);
    }
    switch (b.op) {
    case BinOpKind::Add:
      return infix(kAdd, "+", at(lhs, kAdd), at(rhs, kAdd + 1));
    case BinOpKind::Sub:
      return infix(kAdd, "-", at(lhs, kAdd), at(rhs, kAdd + 1));
    case BinOpKind::Mul:
      return infix(kMul, "*", at(lhs, kMul), at(rhs, kMul + 1));
    case BinOpKind::Div:
      return infix(kMul, "/", at(lhs, kMul), at(rhs, kMul + 1));
    case BinOpKind::Mod:
      return infix(kMul, "%", at(lhs, kMul), at(rhs, kMul + 1));
    case BinOpKind::Lt:
      return infix(kRel, "<", comparand(lhs), comparand(rhs));
    case BinOpKind::Le:
      return infix(kRel, "<=", comparand(lhs), comparand(rhs));
    case BinOpKind::Gt:
      return infix(kRel, ">", comparand(lhs), comparand(rhs));
    case BinOpKind::Ge:
      return infix(kRel, ">=", comparand(lhs), comparand(rhs));
    case BinOpKind::Eq:
      return infix(kEq, "==", comparand(lhs), comparand(rhs));
    case BinOpKind::Ne:
      return infix(kEq, "!=", comparand(lhs), comparand(rhs));
    case BinOpKind::And:
      return infix(kAnd, "&&", at(lhs, kAnd), at(rhs, kAnd + 1));
    case BinOpKind::Or:
      // `a && b || c` is correct C but gcc -Wparentheses asks for the parentheses.
      return infix(kOr, "||", lhs.prec == kOr ? lhs.text : at(lhs, kAnd + 1), at(rhs, kAnd + 1));
    case BinOpKind::Min:
    case BinOpKind::Max: {
      std::string left = comparand(lhs);
      std::string right = comparand(rhs);
      const char* op = b.op == BinOpKind::Min ? " < " : " > ";
      return cAtom("(" + left + op + right + " ? " + left + " : " + right + ")");
    }
    }
    fail(b.loc, "internal error: unknown operator");
  }

  // `e` converted to the C type of `target`: literals are written in the
  // target's type, other mismatches get an explicit cast.
  CExpr valueAs(const Expr& e, ScalarType target) {
    const Const* c = e->as<Const>();
    if (c && c->type != ScalarType::Bool && target != ScalarType::Bool) {
      if (isFloat(target))
        return floatLiteral(isFloat(c->type) ? c->floatValue : static_cast<double>(c->intValue),
                            target, c->loc);
      if (!isFloat(c->type))
        return cInt(c->intValue);
    }
    CExpr v = value(e);
    if (cTypeName(e->type) == cTypeName(target))
      return v;
    return CExpr{"(" + cTypeName(target) + ")" + at(v, kUnary), kUnary, std::nullopt};
  }

  // ------------------------------------------------------------ text

  void line(const std::string& text) {
    size_t start = text.find_first_not_of(" \t");
    if (start != std::string::npos && text[start] == '#') {
      out_ += text.substr(start) + "\n"; // preprocessor lines start in column 0
      return;
    }
    out_ += std::string(2 * indent_, ' ') + text + "\n";
  }

  void pasteLines(const std::string& text) {
    std::istringstream lines(text);
    std::string each;
    while (std::getline(lines, each)) {
      if (!each.empty() && each.back() == '\r')
        each.pop_back();
      if (each.find_first_not_of(" \t") != std::string::npos)
        line(each);
    }
  }

  // ------------------------------------------------------------ statements

  struct PendingFree {
    const MemoryDef* memory;
    std::map<std::string, std::string> holes;
    RegisterFile* registerFile; // null unless a register was taken
    std::string reg;
    SrcLoc loc;
  };

  void emitBlock(const Block& block) {
    scopes_.emplace_back();
    std::vector<PendingFree> frees;
    for (const Stmt& stmt : block)
      emitStmt(stmt, frees);
    for (auto free = frees.rbegin(); free != frees.rend(); ++free) {
      if (!free->memory->freeTemplate.empty())
        pasteLines(expandMemoryTemplate(*free->memory, free->memory->freeTemplate, "free",
                                        free->holes, free->loc));
      if (free->registerFile)
        free->registerFile->release(free->reg);
    }
    scopes_.pop_back();
  }

  void emitStmt(const Stmt& stmt, std::vector<PendingFree>& frees) {
    switch (stmt->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const Assign* assign = stmt->as<Assign>();
      CExpr target = access(assign->name, assign->idx, true, assign->loc);
      CExpr rhs = valueAs(assign->rhs, assign->type);
      line(target.text + (assign->isReduce() ? " += " : " = ") + rhs.text + ";");
      return;
    }
    case StmtKind::For:
      emitFor(*stmt->as<For>());
      return;
    case StmtKind::If:
      emitIf(*stmt->as<If>(), false);
      return;
    case StmtKind::Alloc:
      emitAlloc(*stmt->as<Alloc>(), frees);
      return;
    case StmtKind::WindowBind:
      emitWindowBind(*stmt->as<WindowBind>());
      return;
    case StmtKind::Call: {
      const Call* call = stmt->as<Call>();
      if (call->args.size() != call->callee->args.size())
        fail(call->loc, "'" + call->callee->name + "' takes " +
                            std::to_string(call->callee->args.size()) + " arguments, not " +
                            std::to_string(call->args.size()));
      if (call->callee->isInstr())
        emitInstrCall(*call);
      else
        emitProcCall(*call);
      return;
    }
    case StmtKind::Pass:
      return; // an empty C block is fine
    }
  }

  void emitFor(const For& loop) {
    CExpr lo = value(loop.lo);
    CExpr hi = value(loop.hi);
    scopes_.emplace_back();
    const std::string& i = bind(loop.iter, BindingKind::Control, ScalarType::Index).cName;
    line("for (int_fast32_t " + i + " = " + lo.text + "; " + i + " < " + at(hi, kAdd) + "; " + i +
         "++) {" + (loop.mode == LoopMode::Par ? " // parallel" : ""));
    ++indent_;
    emitBlock(loop.body);
    --indent_;
    line("}");
    scopes_.pop_back();
  }

  void emitIf(const If& branch, bool isElseIf) {
    std::string head = "if (" + value(branch.cond).text + ") {";
    if (isElseIf)
      out_.insert(out_.size() - 1, " else " + head); // after the `}` of the previous branch
    else
      line(head);
    ++indent_;
    emitBlock(branch.body);
    --indent_;
    if (branch.orelse.size() == 1 && branch.orelse[0]->kind == StmtKind::If) {
      line("}");
      emitIf(*branch.orelse[0]->as<If>(), true);
      return;
    }
    if (!branch.orelse.empty()) {
      line("} else {");
      ++indent_;
      emitBlock(branch.orelse);
      --indent_;
    }
    line("}");
  }

  std::string expandMemoryTemplate(const MemoryDef& memory, const std::string& text,
                                   const std::string& which,
                                   const std::map<std::string, std::string>& holes,
                                   const SrcLoc& loc) {
    return expandTemplate(
        text,
        [&](const std::string& hole) -> std::optional<std::string> {
          auto found = holes.find(hole);
          if (found == holes.end())
            return std::nullopt;
          return found->second;
        },
        [&](const std::string& problem) {
          std::string known;
          for (const auto& [name, _] : holes)
            known += (known.empty() ? "" : ", ") + ("{" + name + "}");
          CompileError error(loc, "in the " + which + " template of memory " + memory.name + ": " +
                                      problem + " (holes: " + known + ")");
          error.addNote(memory.loc, "memory " + memory.name + " is defined here");
          return error;
        });
  }

  // The memory's required shape is in 32-bit words; an allocation fits when its
  // rows match and each row holds as many bytes (i8[4, 16] and i32[4, 4] both
  // fill a [4, 4] tile).
  void checkMemoryShape(const Alloc& alloc, const MemoryDef& memory,
                        const std::vector<CExpr>& extents) {
    std::string required;
    for (size_t d = 0; d < memory.shape.size(); ++d)
      required += (d ? ", " : "") + std::to_string(memory.shape[d]);
    std::string actual;
    for (size_t d = 0; d < extents.size(); ++d)
      actual += (d ? ", " : "") + extents[d].text;
    bool fits = extents.size() == memory.shape.size() && !extents.empty();
    for (size_t d = 0; fits && d < extents.size(); ++d) {
      if (!extents[d].constant) {
        fits = false;
        break;
      }
      int64_t words = memory.shape[d];
      int64_t extent = *extents[d].constant;
      if (d + 1 < extents.size())
        fits = extent == words;
      else
        fits = extent * byteWidth(alloc.type) == words * 4;
    }
    if (!fits)
      fail(alloc.loc, "'" + alloc.name.name() + ": " + typeName(alloc.type) + "[" + actual +
                          "]' does not fit memory " + memory.name + ", which holds [" + required +
                          "] 32-bit words");
  }

  void emitAlloc(const Alloc& alloc, std::vector<PendingFree>& frees) {
    const MemoryDef* memory = state_.module.findMemory(alloc.mem);
    if (!memory)
      fail(alloc.loc, "unknown memory '" + alloc.mem + "' for '" + alloc.name.name() + "'");
    state_.memoriesUsed.insert(memory->name);
    std::vector<CExpr> extents;
    for (const Expr& extent : alloc.shape)
      extents.push_back(value(extent));
    if (memory->staticShape)
      for (size_t d = 0; d < extents.size(); ++d)
        if (!extents[d].constant)
          fail(alloc.shape[d]->loc, "memory " + memory->name + " needs a constant shape, but '" +
                                        alloc.name.name() + "' has extent `" +
                                        printExpr(alloc.shape[d]) + "` in dimension " +
                                        std::to_string(d));
    if (!memory->shape.empty())
      checkMemoryShape(alloc, *memory, extents);

    // A scalar in a readable memory is a plain local, whatever the template.
    if (alloc.shape.empty() && memory->canRead && !memory->isRegisterFile()) {
      Binding& binding = bind(alloc.name, BindingKind::LocalScalar, alloc.type);
      binding.memory = memory;
      line(cTypeName(alloc.type) + " " + binding.cName + ";");
      return;
    }

    RegisterFile* registerFile = nullptr;
    std::string reg;
    if (memory->isRegisterFile()) {
      registerFile = &registerFileOf(*memory);
      reg = registerFile->acquire(alloc);
    }
    Binding& binding =
        bind(alloc.name, memory->isRegisterFile() ? BindingKind::Register : BindingKind::Tensor,
             alloc.type, true);
    binding.memory = memory;
    binding.strides = denseStrides(extents);

    std::map<std::string, std::string> holes;
    holes["name"] = binding.cName;
    holes["type"] = cTypeName(alloc.type);
    std::string shape;
    CExpr size = cInt(1);
    for (size_t d = 0; d < extents.size(); ++d) {
      shape += (d ? ", " : "") + extents[d].text;
      size = cMul(size, extents[d]);
    }
    holes["shape"] = shape;
    holes["size"] = size.text;
    if (registerFile)
      holes["reg"] = reg;
    pasteLines(expandMemoryTemplate(*memory, memory->allocTemplate, "alloc", holes, alloc.loc));
    frees.push_back(PendingFree{memory, holes, registerFile, reg, alloc.loc});
  }

  RegisterFile& registerFileOf(const MemoryDef& memory) {
    auto found = registerFiles_.find(memory.name);
    if (found == registerFiles_.end())
      found = registerFiles_.emplace(memory.name, RegisterFile(memory)).first;
    return found->second;
  }

  void emitWindowBind(const WindowBind& windowBind) {
    View view = viewOf(windowBind.rhs);
    if (view.strides.empty())
      fail(windowBind.loc, "window '" + windowBind.name.name() + "' keeps no dimension");
    if (!isAddressable(view)) {
      // A register has no address: the window stays a compile-time alias.
      Binding& binding = bind(windowBind.name, BindingKind::RegisterView, view.type);
      binding.memory = view.root->memory;
      binding.viewed = view.root;
      binding.viewOffset = view.offset;
      binding.strides = view.strides;
      return;
    }
    bool isConst = !state_.writes.writtenIn(proc_).count(windowBind.name);
    std::string value = windowValue(view, isConst, windowBind.loc, "cannot bind a window");
    std::string type =
        state_.windowStruct(static_cast<int>(view.strides.size()), view.type, isConst);
    Binding& binding = bind(windowBind.name, BindingKind::Window, view.type);
    binding.memory = view.root->memory;
    binding.isConst = isConst;
    binding.strides = windowStrides(binding.cName, view.strides.size());
    line(type + " " + binding.cName + " = " + value + ";");
  }

  void emitProcCall(const Call& call) {
    const Proc& callee = state_.emittedVersion(*call.callee);
    checkCallKeepsRegisters(state_.registerUse, registerFiles_, call, callee);
    std::string text = callee.name + "(ctxt";
    for (size_t i = 0; i < call.args.size(); ++i) {
      const FnArg& param = callee.args[i];
      const Expr& arg = call.args[i];
      std::string why = "cannot pass '" + param.name.name() + "' to '" + callee.name + "'";
      text += ", ";
      if (!param.isData()) {
        text += value(arg).text;
        continue;
      }
      View view = viewOf(arg);
      size_t rank = param.shape.size();
      if (view.strides.size() != rank)
        fail(arg->loc, why + ": it has " + std::to_string(rank) + " dimensions, the argument " +
                           std::to_string(view.strides.size()));
      if (param.isWindow)
        text += windowValue(view, !state_.writes.writesParam(callee, i), arg->loc, why);
      else if (view.isWholeBinding && view.root->kind == BindingKind::Window)
        text += view.root->cName + ".data";
      else
        text += addressOf(view, arg->loc, why);
    }
    line(text + ");");
  }

  void emitInstrCall(const Call& call) {
    const Proc& instr = *call.callee;
    if (instr.instr->c.empty())
      fail(call.loc, "instr " + instr.name + " has no C template");
    const std::string& global = instr.instr->global;
    if (!global.empty() && std::find(state_.instrGlobals.begin(), state_.instrGlobals.end(),
                                     global) == state_.instrGlobals.end())
      state_.instrGlobals.push_back(global);

    auto paramIndex = [&](const std::string& name) -> std::optional<size_t> {
      for (size_t i = 0; i < instr.args.size(); ++i)
        if (instr.args[i].name.name() == name)
          return i;
      return std::nullopt;
    };
    auto operand = [](const CExpr& e) { return at(e, kPrimary); };

    auto fill = [&](const std::string& hole) -> std::optional<std::string> {
      // `{x}`: the argument itself.
      if (std::optional<size_t> i = paramIndex(hole)) {
        const FnArg& param = instr.args[*i];
        const Expr& arg = call.args[*i];
        std::string why = "hole {" + hole + "} of instr " + instr.name;
        if (!param.isData())
          return operand(value(arg));
        if (!param.isTensor()) {
          if (arg->kind == ExprKind::Window || (arg->kind == ExprKind::Read && isBufferArg(arg)))
            return operand(elementOf(viewOf(arg), arg->loc, why));
          return operand(value(arg));
        }
        return "(" +
               windowValue(viewOf(arg), !state_.writes.writesParam(instr, *i), arg->loc, why) + ")";
      }
      auto suffixed = [&](const std::string& suffix) -> std::optional<size_t> {
        if (hole.size() <= suffix.size() ||
            hole.compare(hole.size() - suffix.size(), suffix.size(), suffix) != 0)
          return std::nullopt;
        return paramIndex(hole.substr(0, hole.size() - suffix.size()));
      };
      // `{x_data}`: an lvalue of the first element.
      if (std::optional<size_t> i = suffixed("_data")) {
        const Expr& arg = call.args[*i];
        if (!instr.args[*i].isData())
          return std::nullopt;
        return operand(
            elementOf(viewOf(arg), arg->loc, "hole {" + hole + "} of instr " + instr.name));
      }
      // `{x_int}`: the C name of the underlying buffer.
      if (std::optional<size_t> i = suffixed("_int")) {
        if (!instr.args[*i].isData())
          return std::nullopt;
        View view = viewOf(call.args[*i]);
        if (view.root->kind == BindingKind::Register && view.offset.constant != 0)
          fail(call.args[*i]->loc, "hole {" + hole + "} of instr " + instr.name +
                                       ": a part of register buffer '" + view.root->sym.name() +
                                       "' has no register name of its own");
        return view.root->cName;
      }
      // `{x_stride_N}`: the stride of dimension N, in elements.
      size_t marker = hole.rfind("_stride_");
      if (marker != std::string::npos && marker + 8 < hole.size()) {
        std::string digits = hole.substr(marker + 8);
        std::optional<size_t> i = paramIndex(hole.substr(0, marker));
        if (!i || !instr.args[*i].isData() ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(c); }))
          return std::nullopt;
        View view = viewOf(call.args[*i]);
        size_t dim = std::stoul(digits);
        if (dim >= view.strides.size())
          fail(call.loc, "hole {" + hole + "} of instr " + instr.name + ": the argument has " +
                             std::to_string(view.strides.size()) + " dimensions");
        return operand(view.strides[dim]);
      }
      return std::nullopt;
    };

    std::string text = expandTemplate(instr.instr->c, fill, [&](const std::string& problem) {
      std::string params;
      for (const FnArg& param : instr.args)
        params += (params.empty() ? "" : ", ") + param.name.name();
      CompileError error(call.loc, "in the C template of instr " + instr.name + ": " + problem +
                                       " (its arguments: " + params + ")");
      error.addNote(instr.instr->cLoc.known() ? instr.instr->cLoc : instr.loc,
                    "the template of " + instr.name + " is defined here");
      return error;
    });
    pasteLines(text);
  }

  ModuleState& state_;
  const Proc& proc_;
  std::deque<Binding> bindings_;              // stable addresses
  std::vector<std::vector<Binding*>> scopes_; // innermost last
  std::vector<Binding*> argBindings_;         // in argument order
  std::deque<MemoryDef> unknownMemories_;     // stand-ins for unknown argument memories
  std::map<std::string, RegisterFile> registerFiles_;
  std::string out_;
  int indent_ = 0;
  std::string comment_, prototype_, definition_;
};

// ============================================================ module emitter

// The non-instr procs `proc` calls (transitively) that are not emitted on their
// own, callees before callers so that each static function precedes its use.
void collectHelpers(const Proc& proc, const std::set<std::string>& listed,
                    std::set<std::string>& seen, std::vector<const Proc*>& helpers);

void collectHelpersIn(const Block& block, const std::set<std::string>& listed,
                      std::set<std::string>& seen, std::vector<const Proc*>& helpers) {
  for (const Stmt& stmt : block) {
    if (const For* loop = stmt->as<For>()) {
      collectHelpersIn(loop->body, listed, seen, helpers);
    } else if (const If* branch = stmt->as<If>()) {
      collectHelpersIn(branch->body, listed, seen, helpers);
      collectHelpersIn(branch->orelse, listed, seen, helpers);
    } else if (const Call* call = stmt->as<Call>()) {
      const Proc& callee = *call->callee;
      if (callee.isInstr() || listed.count(callee.name) || seen.count(callee.name))
        continue;
      seen.insert(callee.name);
      collectHelpers(callee, listed, seen, helpers);
      helpers.push_back(&callee);
    }
  }
}

void collectHelpers(const Proc& proc, const std::set<std::string>& listed,
                    std::set<std::string>& seen, std::vector<const Proc*>& helpers) {
  collectHelpersIn(proc.body, listed, seen, helpers);
}

std::string guardFromFileName(const std::string& fileName) {
  std::string base = fileName.substr(fileName.find_last_of('/') + 1);
  std::string guard;
  for (char c : base)
    guard += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : '_';
  if (guard.empty() || std::isdigit(static_cast<unsigned char>(guard[0])))
    guard = "SCHEDC_" + guard;
  return guard;
}

} // namespace

COutput emitC(const Module& module, const std::vector<ProcPtr>& procs,
              const CEmitOptions& options) {
  ModuleState state(module);

  std::vector<const Proc*> listed;
  std::set<std::string> listedNames;
  for (const ProcPtr& proc : procs) {
    if (proc->isInstr())
      continue;
    if (!listedNames.insert(proc->name).second)
      fail(proc->loc, "two procs named '" + proc->name + "' cannot both be emitted");
    listed.push_back(proc.get());
  }
  std::set<std::string> seen;
  std::vector<const Proc*> helpers;
  for (const Proc* proc : listed)
    collectHelpers(*proc, listedNames, seen, helpers);

  for (const Proc* proc : helpers)
    state.emittedProcs[proc->name] = proc;
  for (const Proc* proc : listed)
    state.emittedProcs[proc->name] = proc;
  for (const auto& [name, _] : state.emittedProcs)
    state.functionNames.insert(name);
  for (const std::string& name : state.functionNames)
    if (isReservedCName(name))
      fail(module.findProc(name) ? module.findProc(name)->loc : SrcLoc{},
           "proc name '" + name + "' is reserved in the generated C");

  std::string functions;
  std::string prototypes;
  for (const Proc* proc : helpers) {
    FunctionEmitter emitter(state, *proc);
    emitter.emit(true);
    functions += "\n" + emitter.definition();
  }
  for (const Proc* proc : listed) {
    FunctionEmitter emitter(state, *proc);
    emitter.emit(false);
    functions += "\n" + emitter.definition();
    prototypes += "\n" + emitter.comment() + "\n" + emitter.prototype() + ";\n";
  }

  std::string guard =
      options.guardName.empty() ? guardFromFileName(options.headerFileName) : options.guardName;
  COutput output;
  std::string& h = output.header;
  h += "// Generated by schedc. Do not edit.\n";
  h += "#ifndef " + guard + "\n#define " + guard + "\n\n";
  h += "#include <stdbool.h>\n#include <stdint.h>\n\n";
  h += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n";
  for (const WindowStructKey& key : state.windowStructs) {
    std::string name = key.name();
    std::string macro;
    for (char c : name)
      macro += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    h += "\n#ifndef " + macro + "\n#define " + macro + "\n";
    h += "struct " + name + " {\n";
    h += "  " + std::string(key.isConst ? "const " : "") + key.elementCType + " *data;\n";
    h += "  int_fast32_t strides[" + std::to_string(key.rank) + "];\n";
    h += "};\n#endif\n";
  }
  h += prototypes;
  h += "\n#ifdef __cplusplus\n}\n#endif\n\n#endif // " + guard + "\n";

  std::string& c = output.source;
  c += "// Generated by schedc. Do not edit.\n";
  if (options.selfContained)
    c += h.substr(h.find('\n') + 1) + "\n#include <stdlib.h>\n";
  else
    c += "#include \"" + options.headerFileName + "\"\n\n#include <stdlib.h>\n";
  for (const MemoryPtr& memory : module.memories)
    if (state.memoriesUsed.count(memory->name) && !memory->globalTemplate.empty())
      c += "\n" + memory->globalTemplate + (memory->globalTemplate.back() == '\n' ? "" : "\n");
  for (const std::string& global : state.instrGlobals)
    c += "\n" + global + (global.back() == '\n' ? "" : "\n");
  c += functions;
  return output;
}

} // namespace schedc
