#include "frontend/ProcLowering.h"

#include "ir/AsmTemplate.h"
#include "ir/IRVisitor.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace schedc {

using SK = syntax::ExprKind;
using SExpr = syntax::Expr;
using SStmt = syntax::Stmt;

bool memoryIsA(const Module& module, const std::string& name, const std::string& target) {
  std::string current = name;
  for (int depth = 0; depth < 64 && !current.empty(); ++depth) {
    if (current == target)
      return true;
    const MemoryDef* m = module.findMemory(current);
    if (!m)
      return false;
    current = m->base;
  }
  return false;
}

int64_t evalConstInt(const SExpr& e, const Module& module) {
  switch (e.kind) {
  case SK::Int:
    return e.intValue;
  case SK::Name: {
    auto it = module.consts.find(e.text);
    if (it == module.consts.end())
      throw CompileError(e.loc, "'" + e.text + "' is not a compile-time constant");
    return it->second;
  }
  case SK::UnOp:
    if (e.text == "-")
      return -evalConstInt(*e.args[0], module);
    if (e.text == "+")
      return evalConstInt(*e.args[0], module);
    break;
  case SK::BinOp: {
    int64_t a = evalConstInt(*e.args[0], module), b = evalConstInt(*e.args[1], module);
    if (e.text == "+")
      return a + b;
    if (e.text == "-")
      return a - b;
    if (e.text == "*")
      return a * b;
    if (e.text == "/" || e.text == "//" || e.text == "%") {
      if (b == 0)
        throw CompileError(e.loc, "division by zero in constant expression");
      int64_t q = a / b, r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) { // floor semantics, as Python
        q -= 1;
        r += b;
      }
      return e.text == "%" ? r : q;
    }
    break;
  }
  default:
    break;
  }
  throw CompileError(e.loc, "expected a compile-time integer expression");
}

namespace {

// What a name stands for inside a proc.
struct Binding {
  enum class Kind { Control, LoopVar, Buffer } kind;
  Sym sym;
  ScalarType type;
  std::vector<Expr> shape; // buffers: extents (empty for scalars)
  bool isWindow = false;
  std::string mem;
  bool isArg = false;
  SrcLoc declLoc;
};

std::string describe(ScalarType t) {
  return typeName(t);
}

// A parsed type annotation: `size`, `f32`, `f32[N, M] @ DRAM`, `[i32][4, 4] @ RVM_TILE`.
struct TypeAnnotation {
  ScalarType type;
  std::vector<syntax::ExprPtr> shape;
  bool isWindow = false;
  bool hasShape = false;
  std::string mem; // empty: not given
  SrcLoc memLoc;
};

} // namespace

std::optional<std::string> instrTemplateProblem(const Proc& proc, const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        ++i;
        continue;
      }
      return "unmatched '}' (write '}}' for a brace)";
    }
    if (text[i] != '{')
      continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string::npos)
      return "unterminated hole (write '{{' for a brace)";
    std::string hole = text.substr(i + 1, close - i - 1);
    i = close;
    bool known = false;
    for (const FnArg& a : proc.args) {
      const std::string& n = a.name.name();
      if (hole == n || hole == n + "_data" || hole == n + "_int") {
        known = true;
      } else if (hole.rfind(n + "_stride_", 0) == 0) {
        std::string dim = hole.substr(n.size() + 8);
        known = !dim.empty() && dim.find_first_not_of("0123456789") == std::string::npos &&
                std::stoul(dim) < a.shape.size();
      }
      if (known)
        break;
    }
    if (!known)
      return "unknown hole '{" + hole + "}'";
  }
  return std::nullopt;
}

namespace {

class ProcLowerer {
public:
  ProcLowerer(const Module& module, const syntax::Item& item) : module_(module), item_(item) {}

  ProcPtr run(bool fromImport) {
    auto proc = std::make_shared<Proc>();
    proc->name = item_.name;
    proc->loc = item_.loc;
    proc->isPrivate = item_.isPrivate;
    proc->fromImport = fromImport;
    bool isInstr = item_.kind == syntax::ItemKind::Instr;
    isInstr_ = isInstr;
    if (isInstr)
      proc->instr = InstrTemplates{};

    scopes_.emplace_back();
    for (const syntax::Param& param : item_.params)
      proc->args.push_back(lowerParam(param));

    bool inPreamble = true; // templates and asserts come first
    for (const syntax::StmtPtr& s : item_.body) {
      if (isInstr && s->kind == syntax::StmtKind::Decl &&
          (s->text == "c" || s->text == "asm" || s->text == "global")) {
        if (!inPreamble)
          throw CompileError(s->loc, "instr template '" + s->text +
                                         ":' must come before the instruction's statements");
        if (s->value->kind != SK::Str)
          throw CompileError(s->value->loc, "instr template '" + s->text + ":' must be a string");
        if (s->text == "c") {
          proc->instr->c = s->value->text;
          proc->instr->cLoc = s->loc;
        } else if (s->text == "asm") {
          proc->instr->asm_ = s->value->text;
          proc->instr->asmLoc = s->loc;
        } else {
          proc->instr->global = s->value->text;
          proc->instr->globalLoc = s->loc;
        }
        continue;
      }
      if (s->kind == syntax::StmtKind::Assert) {
        if (!inPreamble)
          throw CompileError(s->loc, "'assert' must come before the statements of '" + item_.name +
                                         "' (it states a precondition)");
        Expr cond = lowerExpr(*s->value, Ctx::Index);
        if (cond->type != ScalarType::Bool)
          throw CompileError(s->value->loc,
                             "assert needs a condition, not " + describe(cond->type));
        proc->preds.push_back(cond);
        continue;
      }
      inPreamble = false;
      lowerStmt(*s, proc->body);
    }
    if (isInstr && proc->instr->c.empty())
      throw CompileError(item_.loc, "instr '" + item_.name + "' has no 'c:' template");
    if (isInstr)
      checkTemplateHoles(*proc, proc->instr->c, proc->instr->cLoc, "c");
    if (isInstr && !proc->instr->asm_.empty())
      if (auto why = asmTemplateProblem(*proc, module_, proc->instr->asm_))
        throw CompileError(proc->instr->asmLoc,
                           "instr '" + proc->name + "': " + *why + " in its asm: template");
    if (proc->body.empty())
      proc->body.push_back(Pass::make(item_.loc));
    return proc;
  }

private:
  // A template's holes are checked once, where the instr is defined, rather
  // than at every call: {x} {x_data} {x_int} {x_stride_N} for an argument x.
  void checkTemplateHoles(const Proc& proc, const std::string& text, const SrcLoc& loc,
                          const char* which) {
    if (auto why = instrTemplateProblem(proc, text))
      throw CompileError(loc,
                         "instr '" + proc.name + "': " + *why + " in its " + which + ": template");
  }

  enum class Ctx {
    Index, // index arithmetic and conditions: control values only
    Data,  // values of buffers
  };

  // ---------------------------------------------------------------- scopes
  const Binding* lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end())
        return &found->second;
    }
    return nullptr;
  }

  void declare(const std::string& name, Binding b, const SrcLoc& loc) {
    if (name == "_")
      throw CompileError(loc, "'_' cannot be used as a name in a proc");
    if (module_.consts.count(name))
      throw CompileError(loc, "'" + name + "' is already a constant");
    auto& scope = scopes_.back();
    auto found = scope.find(name);
    if (found != scope.end())
      throw CompileError(loc, "redeclaration of '" + name + "'")
          .addNote(found->second.declLoc, "'" + name + "' was declared here");
    b.declLoc = loc;
    scope.emplace(name, std::move(b));
  }

  // ------------------------------------------------------------ types
  TypeAnnotation parseAnnotation(const SExpr& e) {
    TypeAnnotation t;
    const SExpr* core = &e;
    if (e.kind == SK::BinOp && e.text == "@") {
      const SExpr& memExpr = *e.args[1];
      if (memExpr.kind != SK::Name)
        throw CompileError(memExpr.loc, "expected a memory name after '@'");
      if (!module_.findMemory(memExpr.text))
        throw CompileError(memExpr.loc, "unknown memory '" + memExpr.text + "'");
      t.mem = memExpr.text;
      t.memLoc = memExpr.loc;
      core = e.args[0].get();
    }
    const SExpr* typeName = core;
    if (core->kind == SK::Subscript) {
      t.hasShape = true;
      t.shape = core->args;
      typeName = core->base.get();
      if (typeName->kind == SK::List) {
        if (typeName->args.size() != 1)
          throw CompileError(typeName->loc, "a window type is written [T][extents]");
        t.isWindow = true;
        typeName = typeName->args[0].get();
      }
    }
    if (typeName->kind != SK::Name)
      throw CompileError(typeName->loc, "expected a type (i8 ui8 i16 i32 f16 f32 f64 R size "
                                        "index bool stride)");
    auto type = parseTypeName(typeName->text);
    if (!type)
      throw CompileError(typeName->loc, "unknown type '" + typeName->text + "'");
    t.type = *type;
    if (!isNumeric(t.type) && (t.hasShape || !t.mem.empty()))
      throw CompileError(e.loc, "'" + typeName->text +
                                    "' is a control type; it has no shape "
                                    "or memory");
    return t;
  }

  std::vector<Expr> lowerShape(const std::vector<syntax::ExprPtr>& shape) {
    std::vector<Expr> out;
    for (const auto& extent : shape) {
      if (extent->kind == SK::Slice)
        throw CompileError(extent->loc, "an extent must be an expression, not a slice");
      Expr e = lowerExpr(*extent, Ctx::Index);
      if (!isIndexLike(e->type))
        throw CompileError(extent->loc, "an extent must be an integer expression");
      if (auto c = e->as<Const>(); c && c->intValue <= 0)
        throw CompileError(extent->loc,
                           "extent must be positive, got " + std::to_string(c->intValue));
      out.push_back(e);
    }
    return out;
  }

  FnArg lowerParam(const syntax::Param& param) {
    if (!param.annotation)
      throw CompileError(param.loc, "argument '" + param.name + "' needs a type");
    if (param.defaultValue)
      throw CompileError(param.defaultValue->loc, "proc arguments have no default values");
    TypeAnnotation t = parseAnnotation(*param.annotation);
    FnArg arg;
    arg.name = Sym::fresh(param.name);
    arg.type = t.type;
    arg.loc = param.loc;
    arg.isWindow = t.isWindow;
    arg.mem = t.mem.empty() ? "DRAM" : t.mem;
    arg.shape = lowerShape(t.shape);
    if (t.hasShape && arg.shape.empty())
      throw CompileError(param.annotation->loc, "a tensor needs at least one extent");
    Binding b;
    b.sym = arg.name;
    b.type = arg.type;
    b.isArg = true;
    if (isNumeric(arg.type)) {
      b.kind = Binding::Kind::Buffer;
      b.shape = arg.shape;
      b.isWindow = arg.isWindow;
      b.mem = arg.mem;
    } else {
      b.kind = Binding::Kind::Control;
    }
    declare(param.name, b, param.loc);
    return arg;
  }

  // ------------------------------------------------------------ statements
  void lowerBlock(const syntax::Block& body, Block& out) {
    scopes_.emplace_back();
    for (const syntax::StmtPtr& s : body)
      lowerStmt(*s, out);
    scopes_.pop_back();
    if (out.empty())
      out.push_back(Pass::make());
  }

  void lowerStmt(const SStmt& s, Block& out) {
    switch (s.kind) {
    case syntax::StmtKind::Pass:
      out.push_back(Pass::make(s.loc));
      return;
    case syntax::StmtKind::For:
      out.push_back(lowerFor(s));
      return;
    case syntax::StmtKind::If: {
      Expr cond = lowerCondition(*s.value);
      Block body, orelse;
      lowerBlock(s.body, body);
      if (!s.orelse.empty())
        lowerBlock(s.orelse, orelse);
      out.push_back(If::make(cond, std::move(body), std::move(orelse), s.loc));
      return;
    }
    case syntax::StmtKind::Decl:
      out.push_back(lowerAlloc(s));
      return;
    case syntax::StmtKind::Assign:
      out.push_back(lowerAssign(s));
      return;
    case syntax::StmtKind::AugAssign:
      out.push_back(lowerReduce(s));
      return;
    case syntax::StmtKind::ExprStmt:
      out.push_back(lowerCall(s));
      return;
    case syntax::StmtKind::Assert:
      throw CompileError(s.loc, "'assert' is only allowed at the start of a proc body");
    case syntax::StmtKind::While:
      throw CompileError(s.loc, "'while' is not allowed in a proc (loops are 'for v in seq(lo, "
                                "hi)'); it belongs to schedules");
    case syntax::StmtKind::Try:
    case syntax::StmtKind::Def:
    case syntax::StmtKind::Return:
    case syntax::StmtKind::Break:
    case syntax::StmtKind::Continue:
      throw CompileError(s.loc, "this statement belongs to the schedule language, not to a proc");
    }
  }

  Stmt lowerFor(const SStmt& s) {
    if (s.names.size() != 1)
      throw CompileError(s.loc, "a proc loop has a single loop variable");
    const SExpr& range = *s.value;
    bool isSeq = range.kind == SK::Call && range.base->isName("seq");
    bool isPar = range.kind == SK::Call && range.base->isName("par");
    if (!isSeq && !isPar)
      throw CompileError(range.loc, "a proc loop iterates over seq(lo, hi) or par(lo, hi)");
    if (range.args.size() != 2 || !range.kwargs.empty())
      throw CompileError(range.loc, std::string(isSeq ? "seq" : "par") + " takes (lo, hi)");
    Expr lo = lowerIndex(*range.args[0], "loop bound");
    Expr hi = lowerIndex(*range.args[1], "loop bound");
    Sym iter = Sym::fresh(s.names[0]);
    loopVars_.insert(iter);
    scopes_.emplace_back();
    Binding b;
    b.kind = Binding::Kind::LoopVar;
    b.sym = iter;
    b.type = ScalarType::Index;
    declare(s.names[0], b, s.loc);
    Block body;
    lowerBlock(s.body, body);
    scopes_.pop_back();
    return For::make(iter, lo, hi, std::move(body), isPar ? LoopMode::Par : LoopMode::Seq, s.loc);
  }

  Stmt lowerAlloc(const SStmt& s) {
    if (s.value->kind == SK::Str)
      throw CompileError(s.loc, "'" + s.text + ": <template>' is only allowed in an instr");
    TypeAnnotation t = parseAnnotation(*s.value);
    if (!isNumeric(t.type))
      throw CompileError(s.value->loc, "cannot allocate a '" + typeName(t.type) +
                                           "'; allocations hold data (i8 ... f64, R)");
    if (t.isWindow)
      throw CompileError(s.value->loc, "an allocation cannot have a window type");
    std::vector<Expr> shape = lowerShape(t.shape);
    Binding b;
    b.kind = Binding::Kind::Buffer;
    b.sym = Sym::fresh(s.text);
    b.type = t.type;
    b.shape = shape;
    b.mem = t.mem.empty() ? "DRAM" : t.mem;
    declare(s.text, b, s.loc);
    return Alloc::make(b.sym, b.type, std::move(shape), b.mem, s.loc);
  }

  // The buffer an assignment writes, with the checks every write shares.
  const Binding& writableBuffer(const SExpr& target, const std::string& name) {
    const Binding* b = lookup(name);
    if (!b)
      throw CompileError(target.loc, "unknown name '" + name + "'");
    if (b->kind == Binding::Kind::LoopVar)
      throw CompileError(target.loc, "cannot assign to loop variable '" + name + "'");
    if (b->kind == Binding::Kind::Control)
      throw CompileError(target.loc, "cannot assign to '" + name + "': it is a " +
                                         typeName(b->type) + " argument (read-only)");
    if (!isInstr_) {
      const MemoryDef* mem = module_.findMemory(b->mem);
      if (mem && !mem->canWrite)
        throw CompileError(target.loc, "cannot write '" + name + "' element by element: memory " +
                                           b->mem + " has no scalar writes (use an instr)");
    }
    return *b;
  }

  std::vector<Expr> lowerIndices(const Binding& b, const std::string& name,
                                 const std::vector<syntax::ExprPtr>& idx, const SrcLoc& loc) {
    if (idx.size() != b.shape.size())
      throw CompileError(loc, "'" + name + "' has " + std::to_string(b.shape.size()) +
                                  " dimension(s) but is indexed with " +
                                  std::to_string(idx.size()));
    std::vector<Expr> out;
    for (const auto& i : idx) {
      if (i->kind == SK::Slice)
        throw CompileError(i->loc, "a slice makes a window; it cannot be assigned or read here");
      out.push_back(lowerIndex(*i, "index"));
    }
    return out;
  }

  // The target of `x = e` / `x[i] = e` / `x += e`.
  std::pair<const Binding*, std::vector<Expr>> lowerTarget(const SExpr& target) {
    if (target.kind == SK::Name) {
      const Binding& b = writableBuffer(target, target.text);
      if (!b.shape.empty())
        throw CompileError(target.loc, "'" + target.text + "' is a tensor; assign to an element");
      return {&b, {}};
    }
    if (target.kind == SK::Subscript && target.base->kind == SK::Name) {
      const Binding& b = writableBuffer(target, target.base->text);
      return {&b, lowerIndices(b, target.base->text, target.args, target.loc)};
    }
    throw CompileError(target.loc, "cannot assign to this expression");
  }

  static bool isWindowSyntax(const SExpr& e) {
    if (e.kind != SK::Subscript)
      return false;
    for (const auto& a : e.args)
      if (a->kind == SK::Slice)
        return true;
    return false;
  }

  Stmt lowerAssign(const SStmt& s) {
    const SExpr& target = *s.targets[0];
    if (target.kind == SK::Tuple)
      throw CompileError(target.loc, "a proc assigns one value at a time");
    // `w = A[i, 0:4]` binds a window to a new name.
    if (target.kind == SK::Name && isWindowSyntax(*s.value)) {
      Expr window = lowerWindow(*s.value);
      const auto* w = window->as<WindowExpr>();
      const Binding* src = lookup(s.value->base->text);
      Binding b;
      b.kind = Binding::Kind::Buffer;
      b.sym = Sym::fresh(target.text);
      b.type = w->type;
      b.isWindow = true;
      b.mem = src->mem;
      for (const WindowIndex& wi : w->idx)
        if (wi.isInterval())
          b.shape.push_back(BinOp::make(BinOpKind::Sub, wi.hi, wi.lo));
      declare(target.text, b, target.loc);
      return WindowBind::make(b.sym, window, s.loc);
    }
    if (target.kind == SK::Name && !lookup(target.text))
      throw CompileError(target.loc, "assignment to undeclared '" + target.text +
                                         "' (declare it first, e.g. '" + target.text + ": i32')");
    auto [b, idx] = lowerTarget(target);
    Expr rhs = lowerData(*s.value, b->type);
    return Assign::make(b->sym, b->type, std::move(idx), rhs, s.loc);
  }

  Stmt lowerReduce(const SStmt& s) {
    if (s.text != "+=")
      throw CompileError(s.loc, "only '+=' reductions exist in procs; write 'x = x " +
                                    s.text.substr(0, 1) + " e'");
    auto [b, idx] = lowerTarget(*s.targets[0]);
    Expr rhs = lowerData(*s.value, b->type);
    return Assign::makeReduce(b->sym, b->type, std::move(idx), rhs, s.loc);
  }

  // ------------------------------------------------------------ calls
  // The buffers a proc writes (directly, through windows, or through calls),
  // as the Syms of its arguments.
  static std::set<Sym> writtenParams(const Proc& callee) {
    struct Finder : IRVisitor {
      std::set<Sym> written;
      std::map<Sym, Sym> windowSource; // window name -> the buffer it views
      void markWritten(const Sym& name) {
        Sym buffer = name;
        for (auto it = windowSource.find(buffer); it != windowSource.end();
             it = windowSource.find(buffer))
          buffer = it->second;
        written.insert(buffer);
      }
      void visitAssign(const Assign* s) override {
        markWritten(s->name);
        IRVisitor::visitAssign(s);
      }
      void visitWindowBind(const WindowBind* s) override {
        windowSource[s->name] = s->rhs->as<WindowExpr>()->name;
      }
      void visitCall(const Call* s) override {
        std::set<Sym> inner = writtenParams(*s->callee);
        for (size_t i = 0; i < s->args.size() && i < s->callee->args.size(); ++i) {
          if (!inner.count(s->callee->args[i].name))
            continue;
          if (auto r = s->args[i]->as<Read>())
            markWritten(r->name);
          else if (auto w = s->args[i]->as<WindowExpr>())
            markWritten(w->name);
        }
      }
    } finder;
    finder.visitBlock(callee.body);
    return finder.written;
  }

  Stmt lowerCall(const SStmt& s) {
    const SExpr& e = *s.value;
    if (e.kind != SK::Call || e.base->kind != SK::Name)
      throw CompileError(e.loc, "expression statement has no effect (only calls of procs and "
                                "instrs stand alone)");
    const std::string& name = e.base->text;
    ProcPtr callee = module_.findProc(name);
    if (!callee)
      throw CompileError(e.base->loc, "unknown proc or instr '" + name + "'");
    if (!e.kwargs.empty())
      throw CompileError(e.loc, "calls of procs take positional arguments only");
    if (e.args.size() != callee->args.size())
      throw CompileError(e.loc, "'" + name + "' takes " + std::to_string(callee->args.size()) +
                                    " argument(s), " + std::to_string(e.args.size()) + " given");
    std::set<Sym> written = writtenParams(*callee);
    std::vector<Expr> args;
    std::map<Sym, std::string> bufferOfParam; // for the aliasing check
    for (size_t i = 0; i < e.args.size(); ++i) {
      const FnArg& param = callee->args[i];
      const SExpr& a = *e.args[i];
      if (!param.isData()) {
        Expr v = param.type == ScalarType::Bool ? lowerCondition(a) : lowerIndex(a, "argument");
        args.push_back(v);
        continue;
      }
      args.push_back(lowerBufferArg(a, param, *callee));
    }
    // Instructions read and write their operands in place: aliased operands
    // give wrong results on the hardware (RVM.md), so refuse them.
    if (callee->isInstr()) {
      for (size_t i = 0; i < args.size(); ++i)
        for (size_t j = i + 1; j < args.size(); ++j) {
          auto bufferOf = [](const Expr& x) -> std::optional<Sym> {
            if (auto r = x->as<Read>())
              return r->name;
            if (auto w = x->as<WindowExpr>())
              return w->name;
            return std::nullopt;
          };
          auto bi = bufferOf(args[i]), bj = bufferOf(args[j]);
          bool anyWritten =
              written.count(callee->args[i].name) || written.count(callee->args[j].name);
          if (bi && bj && *bi == *bj && anyWritten && callee->args[i].isData())
            throw CompileError(e.args[j]->loc,
                               "arguments '" + callee->args[i].name.name() + "' and '" +
                                   callee->args[j].name.name() + "' of instr '" + name +
                                   "' alias the same buffer '" + bi->name() +
                                   "' (the instruction updates its operands in place)");
        }
    }
    return Call::make(callee, std::move(args), s.loc);
  }

  Expr lowerBufferArg(const SExpr& a, const FnArg& param, const Proc& callee) {
    std::string what = "argument '" + param.name.name() + "' of '" + callee.name + "'";
    const SExpr* bufferName = nullptr;
    Expr value;
    size_t rank = 0;
    if (a.kind == SK::Name) {
      bufferName = &a;
    } else if (isWindowSyntax(a)) {
      bufferName = a.base.get();
    } else {
      throw CompileError(a.loc, what + " must be a buffer or a window of one");
    }
    const Binding* b = lookup(bufferName->text);
    if (!b)
      throw CompileError(bufferName->loc, "unknown name '" + bufferName->text + "'");
    if (b->kind != Binding::Kind::Buffer)
      throw CompileError(a.loc, what + " must be a buffer, but '" + bufferName->text + "' is a " +
                                    typeName(b->type));
    if (a.kind == SK::Name) {
      value = Read::make(b->sym, {}, b->type, a.loc);
      rank = b->shape.size();
      if (param.isTensor() && !param.isWindow && b->isWindow)
        throw CompileError(a.loc, what + " is a dense tensor; pass '" + bufferName->text +
                                      "' to a window parameter ([T][...]) instead");
    } else {
      value = lowerWindow(a);
      for (const WindowIndex& wi : value->as<WindowExpr>()->idx)
        rank += wi.isInterval() ? 1 : 0;
      if (!param.isWindow)
        throw CompileError(a.loc, what + " is not a window parameter; pass a whole buffer");
    }
    if (b->type != param.type)
      throw CompileError(a.loc, what + " has type " + typeName(param.type) + ", but '" +
                                    bufferName->text + "' holds " + typeName(b->type));
    if (rank != param.shape.size())
      throw CompileError(a.loc, what + " has " + std::to_string(param.shape.size()) +
                                    " dimension(s), the argument has " + std::to_string(rank));
    if (!memoryIsA(module_, b->mem, param.mem))
      throw CompileError(a.loc, what + " must be in memory " + param.mem + ", but '" +
                                    bufferName->text + "' is in " + b->mem)
          .addNote(param.loc, "parameter '" + param.name.name() + "' declared here");
    return value;
  }

  Expr lowerWindow(const SExpr& e) {
    const SExpr& base = *e.base;
    if (base.kind != SK::Name)
      throw CompileError(base.loc, "a window is taken of a named buffer");
    const Binding* b = lookup(base.text);
    if (!b)
      throw CompileError(base.loc, "unknown name '" + base.text + "'");
    if (b->kind != Binding::Kind::Buffer || b->shape.empty())
      throw CompileError(base.loc, "'" + base.text + "' is not a tensor; it has no windows");
    if (e.args.size() != b->shape.size())
      throw CompileError(e.loc, "'" + base.text + "' has " + std::to_string(b->shape.size()) +
                                    " dimension(s) but the window gives " +
                                    std::to_string(e.args.size()));
    std::vector<WindowIndex> idx;
    for (size_t d = 0; d < e.args.size(); ++d) {
      const SExpr& a = *e.args[d];
      if (a.kind == SK::Slice) {
        Expr lo = a.args[0] ? lowerIndex(*a.args[0], "window bound") : Const::makeInt(0, a.loc);
        Expr hi = a.args[1] ? lowerIndex(*a.args[1], "window bound") : b->shape[d];
        idx.push_back(WindowIndex{lo, hi});
      } else {
        idx.push_back(WindowIndex{lowerIndex(a, "index"), nullptr});
      }
    }
    return WindowExpr::make(b->sym, std::move(idx), b->type, e.loc);
  }

  // ------------------------------------------------------------ expressions
  Expr lowerIndex(const SExpr& e, const char* what) {
    Expr v = lowerExpr(e, Ctx::Index);
    if (!isIndexLike(v->type))
      throw CompileError(e.loc, std::string("a ") + what + " must be an integer index expression");
    return v;
  }

  Expr lowerCondition(const SExpr& e) {
    Expr v = lowerExpr(e, Ctx::Index);
    if (v->type != ScalarType::Bool)
      throw CompileError(e.loc, "expected a condition, got a " + typeName(v->type) + " value");
    return v;
  }

  // A data value stored into a buffer of type `target`.
  Expr lowerData(const SExpr& e, ScalarType target) {
    Expr v = lowerExpr(e, Ctx::Data, target);
    if (!isNumeric(v->type) && v->type != ScalarType::Int)
      throw CompileError(e.loc, "cannot store a " + typeName(v->type) + " value in a " +
                                    typeName(target) + " buffer");
    if (isFloat(target) != isFloat(v->type) && v->type != ScalarType::Int)
      throw CompileError(e.loc, "type mismatch: storing " + typeName(v->type) + " into " +
                                    typeName(target));
    return v;
  }

  static bool isData(const Expr& e) { return isNumeric(e->type); }

  // Index expressions are affine in loop variables (sizes and consts are
  // parameters): a product needs one side free of loop variables.
  bool mentionsLoopVar(const Expr& e) const {
    struct Finder : IRVisitor {
      const std::set<Sym>* loopVars;
      bool found = false;
      void visitRead(const Read* r) override {
        if (loopVars->count(r->name))
          found = true;
        IRVisitor::visitRead(r);
      }
    } finder;
    finder.loopVars = &loopVars_;
    finder.visit(e);
    return finder.found;
  }

  Expr lowerExpr(const SExpr& e, Ctx ctx, ScalarType hint = ScalarType::Int) {
    switch (e.kind) {
    case SK::Int:
      if (ctx == Ctx::Data && isNumeric(hint))
        return Const::makeInt(e.intValue, e.loc, hint);
      return Const::makeInt(e.intValue, e.loc);
    case SK::Float: {
      if (ctx == Ctx::Index)
        throw CompileError(e.loc, "a float literal cannot be an index");
      ScalarType t = isNumeric(hint) ? hint : ScalarType::F32;
      if (!isFloat(t)) {
        if (e.floatValue != std::floor(e.floatValue))
          throw CompileError(e.loc, "float literal " + e.text + " stored into " + typeName(t));
        return Const::makeInt(static_cast<int64_t>(e.floatValue), e.loc, t);
      }
      return Const::makeFloat(e.floatValue, t, e.loc);
    }
    case SK::Bool:
      return Const::makeBool(e.intValue != 0, e.loc);
    case SK::Name:
      return lowerName(e, ctx);
    case SK::Subscript: {
      if (isWindowSyntax(e))
        throw CompileError(e.loc, "a window can only be bound to a name or passed to a call");
      if (e.base->kind != SK::Name)
        throw CompileError(e.loc, "only named buffers can be indexed");
      const Binding* b = lookup(e.base->text);
      if (!b)
        throw CompileError(e.base->loc, "unknown name '" + e.base->text + "'");
      if (b->kind != Binding::Kind::Buffer)
        throw CompileError(e.loc,
                           "'" + e.base->text + "' is a " + typeName(b->type) + ", not a buffer");
      if (ctx == Ctx::Index)
        throw CompileError(e.loc, "non-affine index expression: it reads data '" + e.base->text +
                                      "' (indices and conditions use loop variables, sizes and "
                                      "constants only)");
      checkReadable(*b, e.base->text, e.loc);
      return Read::make(b->sym, lowerIndices(*b, e.base->text, e.args, e.loc), b->type, e.loc);
    }
    case SK::UnOp: {
      if (e.text == "not") {
        Expr a = lowerExpr(*e.args[0], Ctx::Index);
        if (a->type != ScalarType::Bool)
          throw CompileError(e.loc, "'not' needs a condition");
        return UnOp::make(UnOpKind::Not, a, e.loc);
      }
      Expr a = lowerExpr(*e.args[0], ctx, hint);
      if (e.text == "+")
        return a;
      if (a->type == ScalarType::Bool)
        throw CompileError(e.loc, "cannot negate a condition");
      return UnOp::make(UnOpKind::Neg, a, e.loc);
    }
    case SK::BinOp:
      return lowerBinOp(e, ctx, hint);
    case SK::Compare:
      return lowerCompare(e, ctx);
    case SK::Call:
      return lowerBuiltinCall(e, ctx, hint);
    case SK::Str:
    case SK::FStr:
      throw CompileError(e.loc, "strings are not values in a proc");
    case SK::None:
      throw CompileError(e.loc, "'None' is not a value in a proc");
    case SK::List:
    case SK::Tuple:
      throw CompileError(e.loc, "lists and tuples are not values in a proc");
    case SK::Attribute:
      throw CompileError(e.loc, "attributes are not values in a proc");
    case SK::Slice:
      throw CompileError(e.loc, "a slice is only allowed inside a window");
    }
    throw CompileError(e.loc, "unsupported expression");
  }

  void checkReadable(const Binding& b, const std::string& name, const SrcLoc& loc) {
    if (isInstr_)
      return; // an instr body is the instruction's meaning, not code
    const MemoryDef* mem = module_.findMemory(b.mem);
    if (mem && !mem->canRead)
      throw CompileError(loc, "cannot read '" + name + "' element by element: memory " + b.mem +
                                  " has no scalar reads (use an instr)");
  }

  Expr lowerName(const SExpr& e, Ctx ctx) {
    if (auto it = module_.consts.find(e.text); it != module_.consts.end()) {
      if (!lookup(e.text))
        return Const::makeInt(it->second, e.loc);
    }
    const Binding* b = lookup(e.text);
    if (!b) {
      if (module_.findProc(e.text))
        throw CompileError(e.loc, "'" + e.text + "' is a proc; call it as a statement");
      throw CompileError(e.loc, "unknown name '" + e.text + "'");
    }
    if (b->kind != Binding::Kind::Buffer)
      return Read::make(b->sym, {}, b->type, e.loc);
    if (!b->shape.empty())
      throw CompileError(e.loc, "'" + e.text + "' is a tensor; index it (" + e.text + "[...])");
    if (ctx == Ctx::Index)
      throw CompileError(e.loc, "non-affine index expression: '" + e.text + "' is data (" +
                                    typeName(b->type) + "), not an index");
    checkReadable(*b, e.text, e.loc);
    return Read::make(b->sym, {}, b->type, e.loc);
  }

  static std::optional<BinOpKind> arithOp(const std::string& op) {
    if (op == "+")
      return BinOpKind::Add;
    if (op == "-")
      return BinOpKind::Sub;
    if (op == "*")
      return BinOpKind::Mul;
    if (op == "/" || op == "//")
      return BinOpKind::Div;
    if (op == "%")
      return BinOpKind::Mod;
    return std::nullopt;
  }

  // The type of `a op b` for data operands: ints mix with ints (widening),
  // floats with floats; an int literal adopts the other side's type.
  ScalarType joinData(const Expr& a, const Expr& b, const SrcLoc& loc) {
    ScalarType ta = a->type, tb = b->type;
    if (ta == ScalarType::Int)
      return tb;
    if (tb == ScalarType::Int)
      return ta;
    if (ta == tb)
      return ta;
    if (isFloat(ta) != isFloat(tb))
      throw CompileError(loc, "type mismatch: " + typeName(ta) + " and " + typeName(tb));
    return byteWidth(ta) >= byteWidth(tb) ? ta : tb;
  }

  Expr lowerBinOp(const SExpr& e, Ctx ctx, ScalarType hint) {
    const std::string& op = e.text;
    if (op == "and" || op == "or") {
      Expr a = lowerExpr(*e.args[0], Ctx::Index), b = lowerExpr(*e.args[1], Ctx::Index);
      if (a->type != ScalarType::Bool || b->type != ScalarType::Bool)
        throw CompileError(e.loc, "'" + op + "' needs conditions on both sides");
      return BinOp::make(op == "and" ? BinOpKind::And : BinOpKind::Or, a, b, e.loc);
    }
    if (op == "@")
      throw CompileError(e.loc, "'@' names a memory and is only allowed in type annotations");
    auto kind = arithOp(op);
    if (!kind)
      throw CompileError(e.loc, "unsupported operator '" + op + "'");
    Expr a = lowerExpr(*e.args[0], ctx, hint), b = lowerExpr(*e.args[1], ctx, hint);
    if (a->type == ScalarType::Bool || b->type == ScalarType::Bool)
      throw CompileError(e.loc, "arithmetic on a condition");
    if (isData(a) || isData(b)) {
      if (op == "//")
        throw CompileError(e.loc, "'//' is index division; use '/' on data");
      ScalarType t = joinData(a, b, e.loc);
      if (*kind == BinOpKind::Mod && isFloat(t))
        throw CompileError(e.loc, "'%' needs integers");
      // literal operands take the data type
      auto retype = [&](const Expr& x) {
        if (auto c = x->as<Const>(); c && c->type == ScalarType::Int)
          return Const::makeInt(c->intValue, c->loc, t);
        return x;
      };
      return std::make_shared<BinOp>(*kind, retype(a), retype(b), t, e.loc);
    }
    // index arithmetic: affine in loop variables
    if (*kind == BinOpKind::Mul && mentionsLoopVar(a) && mentionsLoopVar(b))
      throw CompileError(e.loc, "non-affine index expression: product of two loop-dependent "
                                "terms");
    if (*kind == BinOpKind::Div || *kind == BinOpKind::Mod) {
      auto c = b->as<Const>();
      if (!c)
        throw CompileError(e.args[1]->loc, "non-affine index expression: '" + op +
                                               "' by a non-constant (only division and modulo "
                                               "by a positive constant are allowed)");
      if (c->intValue <= 0)
        throw CompileError(e.args[1]->loc,
                           "index division and modulo need a positive constant divisor");
    }
    return BinOp::make(*kind, a, b, e.loc);
  }

  Expr lowerCompare(const SExpr& e, Ctx ctx) {
    static const std::map<std::string, BinOpKind> ops = {
        {"<", BinOpKind::Lt},  {"<=", BinOpKind::Le}, {">", BinOpKind::Gt},
        {">=", BinOpKind::Ge}, {"==", BinOpKind::Eq}, {"!=", BinOpKind::Ne}};
    auto it = ops.find(e.text);
    if (it == ops.end())
      throw CompileError(e.loc, "'" + e.text + "' is not allowed in a proc");
    Expr a = lowerExpr(*e.args[0], ctx), b = lowerExpr(*e.args[1], ctx);
    if (a->type == ScalarType::Bool || b->type == ScalarType::Bool) {
      if (it->second != BinOpKind::Eq && it->second != BinOpKind::Ne)
        throw CompileError(e.loc, "cannot order conditions");
    }
    if (isData(a) || isData(b))
      joinData(a, b, e.loc);
    return BinOp::make(it->second, a, b, e.loc);
  }

  Expr lowerBuiltinCall(const SExpr& e, Ctx ctx, ScalarType hint) {
    if (e.base->kind != SK::Name)
      throw CompileError(e.loc, "only builtins (select, min, max, stride) are called in "
                                "expressions");
    const std::string& fn = e.base->text;
    if (!e.kwargs.empty())
      throw CompileError(e.loc, "'" + fn + "' takes no keyword arguments");
    auto arity = [&](size_t n) {
      if (e.args.size() != n)
        throw CompileError(e.loc, "'" + fn + "' takes " + std::to_string(n) + " arguments");
    };
    if (fn == "select") {
      arity(3);
      // select() chooses between data by a condition on data (as in Exo);
      // in index arithmetic its condition is an index condition.
      Expr c = lowerExpr(*e.args[0], ctx);
      if (c->type != ScalarType::Bool)
        throw CompileError(e.args[0]->loc, "select() needs a condition first");
      Expr a = lowerExpr(*e.args[1], ctx, hint), b = lowerExpr(*e.args[2], ctx, hint);
      if (isData(a) || isData(b))
        joinData(a, b, e.loc);
      return Select::make(c, a, b, e.loc);
    }
    if (fn == "min" || fn == "max") {
      arity(2);
      Expr a = lowerExpr(*e.args[0], ctx, hint), b = lowerExpr(*e.args[1], ctx, hint);
      if (isData(a) || isData(b))
        joinData(a, b, e.loc);
      return BinOp::make(fn == "min" ? BinOpKind::Min : BinOpKind::Max, a, b, e.loc);
    }
    if (fn == "stride") {
      arity(2);
      const SExpr& buf = *e.args[0];
      if (buf.kind != SK::Name)
        throw CompileError(buf.loc, "stride() takes a buffer name");
      const Binding* b = lookup(buf.text);
      if (!b || b->kind != Binding::Kind::Buffer)
        throw CompileError(buf.loc, "unknown buffer '" + buf.text + "'");
      int64_t dim = evalConstInt(*e.args[1], module_);
      if (dim < 0 || dim >= static_cast<int64_t>(b->shape.size()))
        throw CompileError(e.args[1]->loc,
                           "'" + buf.text + "' has no dimension " + std::to_string(dim));
      return StrideExpr::make(b->sym, static_cast<int>(dim), e.loc);
    }
    if (fn == "seq" || fn == "par")
      throw CompileError(e.loc, "'" + fn + "' only appears as a loop range");
    if (module_.findProc(fn))
      throw CompileError(e.loc, "'" + fn + "' is a proc; a call is a statement, not a value");
    throw CompileError(e.base->loc, "unknown function '" + fn + "'");
  }

  const Module& module_;
  const syntax::Item& item_;
  bool isInstr_ = false;
  std::vector<std::map<std::string, Binding>> scopes_;
  std::set<Sym> loopVars_;
};

} // namespace

ProcPtr lowerProc(const syntax::Item& item, const Module& module, bool fromImport) {
  return ProcLowerer(module, item).run(fromImport);
}

} // namespace schedc
