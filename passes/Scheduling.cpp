#include "passes/Scheduling.h"

#include "ir/Printer.h"
#include "passes/BoundsCheck.h"
#include "passes/Cursor.h"
#include "passes/MemoryRules.h"
#include "passes/Pattern.h"
#include "passes/ScheduleInterpreter.h"

#include <stdexcept>

namespace schedc::sched {

// ------------------------------------------------------------ state

ScheduleState::ScheduleState(const Module& module, ProcPtr proc)
    : module_(module), proc_(std::move(proc)), solver_(std::make_unique<Solver>()),
      boundsSolver_(std::make_unique<Solver>()) {}

void ScheduleState::commit(ProcPtr next, const std::string& directive, const SrcLoc& at) {
  // Every rewrite must keep the proc provably in bounds; a directive whose
  // result is not is refused rather than trusted.
  try {
    // A solver of its own: primitives may commit while their own solver
    // still holds assumptions about the statement they rewrote.
    checkBounds(*next, module_, *boundsSolver_);
  } catch (const DirectiveRefused&) {
    throw;
  } catch (const PreconditionMayFail& e) {
    // A callee's assert (an instr's `stride(src, 1) == 1`), not a bound; the
    // note points at the assert's line.
    throw DirectiveRefused(at, directive + ": the call would break a precondition: " + e.message(),
                           e.notes());
  } catch (const CompileError& e) {
    throw DirectiveRefused(
        at, directive + ": the result would not be provably in bounds: " + e.message(), e.notes());
  }
  if (std::string problem = changedAllocMemoryProblem(*proc_, *next, module_); !problem.empty())
    throw DirectiveRefused(at, directive + ": " + problem);
  ProcPtr before = proc_;
  proc_ = std::move(next);
  if (onCommit && !dryRun)
    onCommit(directive, at, *before, *proc_);
}

void refuse(const SrcLoc& at, const std::string& directive, const std::string& reason,
            const std::vector<Stmt>& show) {
  std::string shown;
  for (const Stmt& s : show)
    shown += printStmt(s);
  throw DirectiveRefused(at, directive + ": " + reason, {}, shown);
}

// ------------------------------------------------------------ expressions

std::vector<Expr> stmtExprs(const Stmt& s) {
  switch (s->kind) {
  case StmtKind::For: {
    auto loop = s->as<For>();
    return {loop->lo, loop->hi};
  }
  case StmtKind::If:
    return {s->as<If>()->cond};
  case StmtKind::Assign:
  case StmtKind::Reduce: {
    auto a = s->as<Assign>();
    std::vector<Expr> out = a->idx;
    out.push_back(a->rhs);
    return out;
  }
  case StmtKind::Alloc:
    return s->as<Alloc>()->shape;
  case StmtKind::WindowBind:
    return {s->as<WindowBind>()->rhs};
  case StmtKind::Call:
    return s->as<Call>()->args;
  case StmtKind::Pass:
    return {};
  }
  return {};
}

std::vector<Expr> exprChildren(const Expr& e) {
  switch (e->kind) {
  case ExprKind::Read:
    return e->as<Read>()->idx;
  case ExprKind::BinOp:
    return {e->as<BinOp>()->a, e->as<BinOp>()->b};
  case ExprKind::UnOp:
    return {e->as<UnOp>()->a};
  case ExprKind::Select: {
    auto s = e->as<Select>();
    return {s->cond, s->t, s->f};
  }
  case ExprKind::Window: {
    std::vector<Expr> out;
    for (const WindowIndex& w : e->as<WindowExpr>()->idx) {
      out.push_back(w.lo);
      if (w.hi)
        out.push_back(w.hi);
    }
    return out;
  }
  case ExprKind::Const:
  case ExprKind::Stride:
    return {};
  }
  return {};
}

Expr exprAt(const Stmt& s, const std::vector<size_t>& path) {
  std::vector<Expr> level = stmtExprs(s);
  Expr current;
  for (size_t k = 0; k < path.size(); ++k) {
    if (path[k] >= level.size())
      throw std::out_of_range("expression path");
    current = level[path[k]];
    level = exprChildren(current);
  }
  if (!current)
    throw std::out_of_range("expression path");
  return current;
}

static Expr withChild(const Expr& e, size_t i, Expr child) {
  std::vector<Expr> kids = exprChildren(e);
  kids.at(i) = std::move(child);
  switch (e->kind) {
  case ExprKind::Read:
    return Read::make(e->as<Read>()->name, kids, e->type, e->loc);
  // Rebuilt operators keep their type: make() would recompute it from the
  // operands, which for mixed-width data (i8 * i8 into i32) is not the same.
  case ExprKind::BinOp:
    return std::make_shared<BinOp>(e->as<BinOp>()->op, kids[0], kids[1], e->type, e->loc);
  case ExprKind::UnOp:
    return std::make_shared<UnOp>(e->as<UnOp>()->op, kids[0], e->type, e->loc);
  case ExprKind::Select:
    return std::make_shared<Select>(kids[0], kids[1], kids[2], e->type, e->loc);
  case ExprKind::Window: {
    auto w = e->as<WindowExpr>();
    std::vector<WindowIndex> idx;
    size_t k = 0;
    for (const WindowIndex& wi : w->idx) {
      WindowIndex n{kids[k++], nullptr};
      if (wi.hi)
        n.hi = kids[k++];
      idx.push_back(n);
    }
    return WindowExpr::make(w->name, std::move(idx), e->type, e->loc);
  }
  default:
    throw std::out_of_range("expression has no children");
  }
}

static Expr replaceIn(const Expr& e, const std::vector<size_t>& path, size_t depth, Expr repl) {
  if (depth == path.size())
    return repl;
  std::vector<Expr> kids = exprChildren(e);
  return withChild(e, path[depth], replaceIn(kids.at(path[depth]), path, depth + 1, repl));
}

Stmt replaceExprAt(const Stmt& s, const std::vector<size_t>& path, Expr replacement) {
  std::vector<Expr> top = stmtExprs(s);
  top.at(path.at(0)) = replaceIn(top[path[0]], path, 1, std::move(replacement));
  Stmt rebuilt;
  switch (s->kind) {
  case StmtKind::For: {
    auto loop = s->as<For>();
    rebuilt = For::make(loop->iter, top[0], top[1], loop->body, loop->mode, loop->loc);
    break;
  }
  case StmtKind::If: {
    auto b = s->as<If>();
    rebuilt = If::make(top[0], b->body, b->orelse, b->loc);
    break;
  }
  case StmtKind::Assign:
  case StmtKind::Reduce: {
    auto a = s->as<Assign>();
    Expr rhs = top.back();
    top.pop_back();
    rebuilt = std::make_shared<Assign>(a->kind, a->name, a->type, top, rhs, a->loc);
    break;
  }
  case StmtKind::Alloc: {
    auto a = s->as<Alloc>();
    rebuilt = Alloc::make(a->name, a->type, top, a->mem, a->loc);
    break;
  }
  case StmtKind::WindowBind:
    rebuilt = WindowBind::make(s->as<WindowBind>()->name, top[0], s->loc);
    break;
  case StmtKind::Call:
    rebuilt = Call::make(s->as<Call>()->callee, top, s->loc);
    break;
  case StmtKind::Pass:
    throw std::out_of_range("pass has no expressions");
  }
  return keepIdentity(std::move(rebuilt), *s);
}

// ------------------------------------------------------------ arguments

namespace {

// A located refusal of an argument.
[[noreturn]] void badArg(const SrcLoc& loc, const std::string& directive, const std::string& why) {
  throw DirectiveRefused(loc, directive + ": " + why);
}

// The n-th (or only-first) match of a pattern argument.
StmtMatch pickStmtMatch(ScheduleState& state, const std::string& pattern, const SrcLoc& loc,
                        const std::string& directive) {
  PatternMatches m = matchPattern(state.proc(), pattern, loc);
  if (m.isExpr)
    badArg(loc, directive, "pattern '" + pattern + "' names an expression, not a statement");
  size_t n = m.occurrence.value_or(0);
  if (n >= m.stmts.size())
    badArg(loc, directive,
           m.stmts.empty() ? "pattern '" + pattern + "' matches nothing in " + state.proc().name
                           : "pattern '" + pattern + "' has only " +
                                 std::to_string(m.stmts.size()) + " matches");
  return m.stmts[n];
}

std::shared_ptr<Cursor> cursorOf(const Value& v) {
  return v.objectAs<Cursor>();
}

Path singleStmt(ScheduleState& state, const Value& v, const SrcLoc& loc,
                const std::string& directive) {
  if (v.isStr()) {
    StmtMatch m = pickStmtMatch(state, v.asStr(), loc, directive);
    Path p = m.block.owner;
    p.push_back(Step{m.block.branch, m.begin});
    return p;
  }
  if (auto c = cursorOf(v)) {
    if (auto p = c->stmtPath(); p && c->kind() == Cursor::Kind::Stmt)
      return *p;
    if (auto r = c->blockRange(); r && r->end - r->begin == 1 && c->kind() == Cursor::Kind::Block) {
      Path p = r->block.owner;
      p.push_back(Step{r->block.branch, r->begin});
      return p;
    }
    if (c->kind() == Cursor::Kind::Stmt || c->kind() == Cursor::Kind::Invalid)
      c->failStale(loc, directive);
    badArg(loc, directive, "expected a statement, got a " + c->typeName());
  }
  badArg(loc, directive, "expected a pattern string or a cursor, got " + v.typeName());
}

Path stmtOfKind(ScheduleState& state, const Value& v, const SrcLoc& loc,
                const std::string& directive, StmtKind kind, const char* what) {
  Path p = singleStmt(state, v, loc, directive);
  const Stmt& s = stmtAt(state.proc(), p);
  if (s->kind != kind)
    refuse(loc, directive, std::string("expected ") + what + ", got:", {s});
  return p;
}

} // namespace

Path stmtArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
             const std::string& directive) {
  return singleStmt(state, v, argLoc, directive);
}

Path loopArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
             const std::string& directive) {
  return stmtOfKind(state, v, argLoc, directive, StmtKind::For, "a loop");
}

Path ifArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
           const std::string& directive) {
  return stmtOfKind(state, v, argLoc, directive, StmtKind::If, "an if");
}

Path allocArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
              const std::string& directive) {
  if (v.isStr() && v.asStr().find_first_of(":=[( ") == std::string::npos) {
    // a bare name: the (first) allocation of that name
    std::string pattern = v.asStr() + " : _";
    return stmtOfKind(state, Value::fromStr(pattern), argLoc, directive, StmtKind::Alloc,
                      "an allocation");
  }
  return stmtOfKind(state, v, argLoc, directive, StmtKind::Alloc, "an allocation");
}

BlockRange blockArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                    const std::string& directive) {
  if (v.isStr()) {
    StmtMatch m = pickStmtMatch(state, v.asStr(), argLoc, directive);
    return BlockRange{m.block, m.begin, m.end};
  }
  if (auto c = cursorOf(v)) {
    if (auto r = c->blockRange())
      return *r;
    if (c->kind() == Cursor::Kind::Stmt || c->kind() == Cursor::Kind::Block ||
        c->kind() == Cursor::Kind::Invalid)
      c->failStale(argLoc, directive);
    badArg(argLoc, directive, "expected a block of statements, got a " + c->typeName());
  }
  badArg(argLoc, directive, "expected a pattern string or a cursor, got " + v.typeName());
}

Gap gapArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
           const std::string& directive) {
  if (auto c = cursorOf(v)) {
    if (auto g = c->gapPosition())
      return *g;
    if (c->kind() == Cursor::Kind::Gap || c->kind() == Cursor::Kind::Invalid)
      c->failStale(argLoc, directive);
    badArg(argLoc, directive,
           "expected a gap between statements (a cursor's .before() or .after()), got a " +
               c->typeName());
  }
  badArg(argLoc, directive,
         "expected a gap between statements (a cursor's .before() or .after()), got " +
             v.typeName());
}

ExprRef exprArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                const std::string& directive) {
  if (v.isStr()) {
    PatternMatches m = matchPattern(state.proc(), v.asStr(), argLoc);
    if (!m.isExpr)
      badArg(argLoc, directive, "pattern '" + v.asStr() + "' names a statement, not an expression");
    size_t n = m.occurrence.value_or(0);
    if (n >= m.exprs.size())
      badArg(argLoc, directive,
             m.exprs.empty() ? "pattern '" + v.asStr() + "' matches nothing in " + state.proc().name
                             : "pattern '" + v.asStr() + "' has only " +
                                   std::to_string(m.exprs.size()) + " matches");
    const ExprMatch& e = m.exprs[n];
    return ExprRef{e.stmt, e.path, exprAt(stmtAt(state.proc(), e.stmt), e.path)};
  }
  if (auto c = cursorOf(v)) {
    if (auto e = c->exprRef())
      return *e;
    if (c->kind() == Cursor::Kind::Expr || c->kind() == Cursor::Kind::Invalid)
      c->failStale(argLoc, directive);
    badArg(argLoc, directive, "expected an expression, got a " + c->typeName());
  }
  badArg(argLoc, directive, "expected a pattern string or a cursor, got " + v.typeName());
}

Sym bufferArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
              const std::string& directive) {
  if (v.isStr() && v.asStr().find_first_of(":=[( ") == std::string::npos) {
    for (const FnArg& a : state.proc().args)
      if (a.name.name() == v.asStr() && a.isData())
        return a.name;
  }
  Path p = allocArg(state, v, argLoc, directive);
  return stmtAt(state.proc(), p)->as<Alloc>()->name;
}

Value stmtCursor(ScheduleState& state, uint64_t stmtId) {
  return Value::fromObject(Cursor::stmt(state, stmtId));
}

Value blockCursor(ScheduleState& state, std::vector<uint64_t> stmtIds) {
  return Value::fromObject(Cursor::block(state, std::move(stmtIds)));
}

Value gapCursor(ScheduleState& state, const Gap& gap) {
  const Block& block = blockAt(state.proc(), gap.block);
  if (gap.index < block.size())
    return Value::fromObject(Cursor::gap(state, block[gap.index]->id, /*after=*/false));
  if (block.empty())
    throw std::logic_error("gap in an empty block");
  return Value::fromObject(Cursor::gap(state, block.back()->id, /*after=*/true));
}

Value exprCursor(ScheduleState& state, uint64_t stmtId, std::vector<size_t> path) {
  return Value::fromObject(Cursor::expr(state, stmtId, std::move(path)));
}

// ------------------------------------------------------------ registry

void PrimitiveRegistry::add(PrimitiveSpec spec) {
  if (find(spec.name))
    throw std::logic_error("primitive registered twice: " + spec.name);
  specs_.push_back(std::move(spec));
}

const PrimitiveSpec* PrimitiveRegistry::find(const std::string& name) const {
  for (const PrimitiveSpec& s : specs_)
    if (s.name == name)
      return &s;
  return nullptr;
}

const PrimitiveRegistry& allPrimitives() {
  static const PrimitiveRegistry registry = [] {
    PrimitiveRegistry r;
    registerCorePrimitives(r);
    registerLoopPrimitives(r);
    registerOrderPrimitives(r);
    registerExprPrimitives(r);
    registerProcPrimitives(r);
    registerBufferPrimitives(r);
    return r;
  }();
  return registry;
}

// ------------------------------------------------------------ host values

namespace {

// A memory, proc or instr named in a schedule (`set_memory(x, DRAM_STATIC)`,
// `replace_all([rvm_mld])`).
class NamedValue : public Object {
public:
  NamedValue(std::string kind, std::string name) : kind_(std::move(kind)), name_(std::move(name)) {}
  std::string typeName() const override { return kind_; }
  std::string repr() const override { return name_; }
  bool equals(const Object& other) const override {
    auto* o = dynamic_cast<const NamedValue*>(&other);
    return o && o->kind_ == kind_ && o->name_ == name_;
  }
  const std::string& name() const { return name_; }
  const std::string& kind() const { return kind_; }

private:
  std::string kind_, name_;
};

} // namespace

std::string memoryArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                      const std::string& directive) {
  if (auto n = v.objectAs<NamedValue>(); n && n->kind() == "memory")
    return n->name();
  if (v.isStr() && state.module().findMemory(v.asStr()))
    return v.asStr();
  badArg(argLoc, directive, "expected a memory, got " + v.repr());
}

ProcPtr procArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                const std::string& directive) {
  if (auto n = v.objectAs<NamedValue>(); n && (n->kind() == "proc" || n->kind() == "instr"))
    if (ProcPtr p = state.module().findProc(n->name()))
      return p;
  badArg(argLoc, directive, "expected a proc or instr, got " + v.repr());
}

// ------------------------------------------------------------ core builtins

void registerCorePrimitives(PrimitiveRegistry& registry) {
  // find(pattern, many=False): cursor(s) to the matches.
  registry.add({"find",
                {{"pattern", std::nullopt}, {"many", Value::fromBool(false)}},
                [](ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
                  const std::string& pattern = args[0].requireStr(args.locs[0], "pattern");
                  bool many = args[1].requireBool(args.locs[1], "many");
                  PatternMatches m = matchPattern(state.proc(), pattern, args.locs[0]);
                  std::vector<Value> found;
                  if (m.isExpr) {
                    for (const ExprMatch& e : m.exprs)
                      found.push_back(exprCursor(state, stmtAt(state.proc(), e.stmt)->id, e.path));
                  } else {
                    for (const StmtMatch& s : m.stmts) {
                      const Block& block = blockAt(state.proc(), s.block);
                      if (s.end - s.begin == 1)
                        found.push_back(stmtCursor(state, block[s.begin]->id));
                      else {
                        std::vector<uint64_t> ids;
                        for (size_t i = s.begin; i < s.end; ++i)
                          ids.push_back(block[i]->id);
                        found.push_back(blockCursor(state, ids));
                      }
                    }
                  }
                  if (m.occurrence) {
                    if (*m.occurrence >= found.size())
                      badArg(args.locs[0], "find",
                             "pattern '" + pattern + "' has only " + std::to_string(found.size()) +
                                 " matches");
                    found = {found[*m.occurrence]};
                  }
                  if (many)
                    return Value::newList(found);
                  if (found.empty())
                    badArg(args.locs[0], "find",
                           "pattern '" + pattern + "' matches nothing in " + state.proc().name);
                  (void)call;
                  return found[0];
                }});
  registry.add({"find_loop",
                {{"name", std::nullopt}},
                [](ScheduleState& state, const BoundArgs& args, const CallArgs&) {
                  const std::string& name = args[0].requireStr(args.locs[0], "name");
                  Path p = loopArg(state, Value::fromStr(name), args.locs[0], "find_loop");
                  return stmtCursor(state, stmtAt(state.proc(), p)->id);
                }});
  registry.add({"find_alloc_or_arg",
                {{"name", std::nullopt}},
                [](ScheduleState& state, const BoundArgs& args, const CallArgs&) {
                  Path p = allocArg(state, args[0], args.locs[0], "find_alloc_or_arg");
                  return stmtCursor(state, stmtAt(state.proc(), p)->id);
                }});
  // proc_body(): the whole body of the proc being scheduled (Exo's
  // proc.body()), for helpers that visit every statement.
  registry.add({"proc_body", {}, [](ScheduleState& state, const BoundArgs&, const CallArgs&) {
                  std::vector<uint64_t> ids;
                  for (const Stmt& s : state.proc().body)
                    ids.push_back(s->id);
                  return blockCursor(state, ids);
                }});
}

// ------------------------------------------------------------ running

ProcPtr runSchedule(const Module& module, const ScheduleDecl& decl,
                    const ScheduleRunOptions& options) {
  const syntax::Item& item = *decl.item;
  ProcPtr source = module.findProc(item.source);
  if (!source || source->isInstr())
    throw CompileError(item.loc, "schedule '" + item.name + "' derives from unknown proc '" +
                                     item.source + "'");
  auto start = std::make_shared<Proc>(*source);
  start->name = item.name;
  start->isPrivate = false;
  start->fromImport = decl.fromImport;
  start->loc = item.loc;
  ScheduleState state(module, start);
  state.onCommit = options.onCommit;

  InterpreterOptions interpreterOptions;
  interpreterOptions.printStream = options.printStream;
  ScheduleInterpreter interpreter(interpreterOptions);
  for (const auto& [name, value] : module.consts)
    interpreter.defineGlobal(name, Value::fromInt(value));
  for (const MemoryPtr& m : module.memories)
    interpreter.defineGlobal(m->name,
                             Value::fromObject(std::make_shared<NamedValue>("memory", m->name)));
  for (const ProcPtr& p : module.procs)
    interpreter.defineGlobal(p->name, Value::fromObject(std::make_shared<NamedValue>(
                                          p->isInstr() ? "instr" : "proc", p->name)));
  for (const PrimitiveSpec& spec : allPrimitives().all()) {
    const PrimitiveSpec* s = &spec;
    interpreter.defineGlobal(spec.name,
                             Value::newBuiltin(spec.name, [&state, s](const CallArgs& call) {
                               BoundArgs bound = bindArguments(call, s->name, s->params);
                               return s->fn(state, bound, call);
                             }));
  }
  // is_legal(directive, args...): whether the directive would be accepted,
  // without applying it (Exo's attempt(); auto_stage_mem tries windows).
  interpreter.defineGlobal(
      "is_legal", Value::newBuiltin("is_legal", [&state](const CallArgs& call) {
        if (call.positional.empty() || !call.positional[0].isBuiltin())
          throw CompileError(call.loc, "is_legal() takes a directive and its arguments");
        const BuiltinData& directive = call.positional[0].asBuiltin();
        if (!allPrimitives().find(directive.name))
          throw CompileError(call.positionalLoc(0),
                             "is_legal(): '" + directive.name + "' is not a directive");
        CallArgs inner = call;
        inner.positional.erase(inner.positional.begin());
        if (!inner.positionalLocs.empty())
          inner.positionalLocs.erase(inner.positionalLocs.begin());
        ProcPtr saved = state.snapshot();
        bool wasDry = state.dryRun;
        state.dryRun = true;
        bool legal = true;
        try {
          directive.fn(inner);
        } catch (const DirectiveRefused&) {
          legal = false;
        } catch (...) {
          state.restore(saved);
          state.dryRun = wasDry;
          throw;
        }
        state.restore(saved);
        state.dryRun = wasDry;
        return Value::fromBool(legal);
      }));
  // fail(message): refuse like a directive, for helpers written in the
  // schedule language (Python's raise); try/except and is_legal catch it.
  interpreter.defineGlobal("fail", Value::newBuiltin("fail", [](const CallArgs& call) {
                             BoundArgs b = bindArguments(call, "fail", {{"message", std::nullopt}});
                             throw DirectiveRefused(b.locs[0],
                                                    b[0].requireStr(b.locs[0], "message"));
                             return Value::none();
                           }));
  interpreter.addDefs(module.defs);
  interpreter.runBlock(item.body);

  // rename() may have renamed the result; otherwise it is still NEW
  return state.procPtr();
}

} // namespace schedc::sched
