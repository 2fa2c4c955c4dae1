// extract_subproc(block, subproc_name, include_asserts=True)
//
//   for i in seq(0, N):                 proc row(N: size, i: index, x: f32[N, 8], y: f32[N]):
//       for j in seq(0, 8):      ->         assert 0 <= i
//           y[i] += x[i, j]                 assert i < N
//                                           for j in seq(0, 8):
//                                               y[i] += x[i, j]
//                                       ...
//                                       for i in seq(0, N):
//                                           row(N, i, x, y)
//
// Exo's extract_subproc: the block moves into a new proc, and a call of it
// takes its place. The parameters are the names the block uses that are
// bound outside it (and the names in the shapes of the buffers it uses), in
// the order they are bound where the block stands: the proc's arguments,
// then allocations, window bindings and loop variables (as `index`). A
// buffer keeps its type, shape and memory; a window argument or a window
// binding becomes a window parameter; each is passed whole. The call runs
// the very same statements on the very same values and buffers, so it
// computes what the block computed.
//
// Asserts (include_asserts=True, as in Exo): the proc's asserts, the ranges
// of the enclosing loops (lo <= i, i < hi) and the conditions of the
// enclosing ifs, each kept when all of its names are parameters.
//
// Checked: the new proc must be provably in bounds on its own, with those
// asserts (else refused, with the access that fails); the caller proves the
// asserts at the call (commit()). Refused too: a name that is already a proc,
// an instr or a schedule's result, a block whose allocations are used after it, two parameters
// spelled alike, two buffer parameters that view the same buffer (Exo's
// aliasing check: the new proc's own schedules assume distinct arguments),
// and buffers of register-file memories (they have no address to pass).
//
// The new proc joins the module (passes/Pipeline.cpp) before its caller and
// is emitted like any proc. Forwarding: the block's statements move to the
// new proc; the call is new. Returns a cursor to the call.
#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/BoundsCheck.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"
#include "passes/primitives/ProcPrimitives.h"

#include <algorithm>
#include <map>
#include <set>

namespace schedc::sched {

static const char* const kDirective = "extract_subproc";

namespace {

// A call of a proc named `name` somewhere in `block`.
bool callsProcNamed(const Block& block, const std::string& name) {
  struct Finder : IRVisitor {
    std::string name;
    bool found = false;
    void visitCall(const Call* s) override {
      found = found || s->callee->name == name;
      IRVisitor::visitCall(s);
    }
  } finder;
  finder.name = name;
  finder.visitBlock(block);
  return finder.found;
}

} // namespace

static Value extractSubproc(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kDirective);
  std::string name = identifierArg(args[1], args.locs[1], kDirective, "subproc_name");
  bool includeAsserts = args[2].requireBool(args.locs[2], "include_asserts");
  ProcPtr current = state.procPtr();
  const Proc& proc = *current;
  const Block& block = blockAt(proc, range.block);
  Block stmts(block.begin() + static_cast<std::ptrdiff_t>(range.begin),
              block.begin() + static_cast<std::ptrdiff_t>(range.end));

  if (state.module().findProc(name) || name == proc.name || callsProcNamed(proc.body, name))
    refuse(args.locs[1], kDirective, "there is already a proc or instr named '" + name + "'");
  // (a schedule that has not run yet will define its proc under that name)
  for (const ScheduleDecl& schedule : state.module().schedules)
    if (schedule.item->name == name)
      refuse(args.locs[1], kDirective, "a schedule defines a proc named '" + name + "'");
  if (std::optional<Sym> bound = binderUsedAfter(proc, range.block, range.begin, range.end))
    refuse(call.loc, kDirective, "'" + bound->name() + "' is bound in the block and used after it",
           stmts);

  // What each name bound outside the block is: arguments, allocations and
  // window bindings (by symbol id; symbols are unique).
  std::map<uint64_t, FnArg> buffers;
  for (const FnArg& a : proc.args)
    if (a.isData())
      buffers[a.name.id()] = a;
  for (const Located& l : allStmts(proc)) {
    if (const Alloc* alloc = l.stmt->as<Alloc>()) {
      buffers[alloc->name.id()] =
          FnArg{alloc->name, alloc->type, alloc->shape, false, alloc->mem, alloc->loc};
    } else if (const WindowBind* bind = l.stmt->as<WindowBind>()) {
      const WindowExpr* w = bind->rhs->as<WindowExpr>();
      if (!w)
        continue;
      FnArg view{bind->name, bind->rhs->type, {}, true, "DRAM", bind->loc};
      if (auto viewed = buffers.find(w->name.id()); viewed != buffers.end())
        view.mem = viewed->second.mem;
      for (const WindowIndex& i : w->idx)
        if (i.isInterval())
          view.shape.push_back(simplifyExpr(subE(i.hi, i.lo)));
      buffers[bind->name.id()] = view;
    }
  }

  Path first = range.block.owner;
  first.push_back(Step{range.block.branch, range.begin});
  // Every symbol the block mentions: variables, buffers, windows, strides.
  std::set<uint64_t> used;
  Proc blockOnly;
  blockOnly.body = stmts;
  for (const Located& l : allStmts(blockOnly)) {
    for (const Expr& e : stmtExprs(l.stmt))
      for (uint64_t s : symsMentioned(e))
        used.insert(s);
    if (const Assign* write = l.stmt->as<Assign>())
      used.insert(write->name.id());
  }
  // The shapes of the buffers used name sizes (and for windows, maybe
  // loop variables) too.
  for (bool grew = true; grew;) {
    grew = false;
    for (uint64_t id : std::set<uint64_t>(used))
      if (auto it = buffers.find(id); it != buffers.end())
        for (const Expr& extent : it->second.shape)
          for (uint64_t s : symsMentioned(extent))
            grew |= used.insert(s).second;
  }

  auto sub = std::make_shared<Proc>();
  sub->name = name;
  sub->loc = stmts.front()->loc;
  sub->fromImport = proc.fromImport;
  std::vector<Expr> actuals;
  std::map<std::string, Sym> spelled;
  std::set<uint64_t> params;
  AliasRoots roots(proc);
  std::map<uint64_t, Sym> bufferOfRoot;
  for (const Binder& b : bindersAt(proc, first)) {
    if (!used.count(b.sym.id()))
      continue;
    if (auto [it, fresh] = spelled.emplace(b.sym.name(), b.sym); !fresh && it->second != b.sym)
      refuse(call.loc, kDirective,
             "the block uses two different variables named '" + b.sym.name() +
                 "'; rename one first",
             stmts);
    FnArg param;
    if (b.isBuffer) {
      param = buffers.at(b.sym.id());
      const MemoryDef* memory = state.module().findMemory(param.mem);
      if (memory && memory->isRegisterFile())
        refuse(call.loc, kDirective,
               "'" + b.sym.name() + "' lives in register memory " + param.mem +
                   " and cannot be passed to a proc",
               stmts);
      // (Exo's Check_Aliasing: a proc's buffer arguments are distinct.)
      if (auto [it, fresh] = bufferOfRoot.emplace(roots.root(b.sym), b.sym); !fresh)
        refuse(call.loc, kDirective,
               "'" + it->second.name() + "' and '" + b.sym.name() +
                   "' view the same buffer; as arguments of the new proc they would alias",
               stmts);
    } else {
      param = FnArg{b.sym, b.type, {}, false, "DRAM", sub->loc};
    }
    actuals.push_back(Read::make(b.sym, {}, b.type, sub->loc));
    params.insert(b.sym.id());
    sub->args.push_back(std::move(param));
  }

  if (includeAsserts) {
    std::vector<Expr> facts = proc.preds;
    for (const Located& a : ancestors(proc, first)) {
      if (const For* loop = a.stmt->as<For>()) {
        facts.push_back(cmpE(BinOpKind::Le, loop->lo, varRead(loop->iter)));
        facts.push_back(cmpE(BinOpKind::Lt, varRead(loop->iter), loop->hi));
      } else if (const If* branch = a.stmt->as<If>()) {
        if (!Solver::isTranslatable(branch->cond))
          continue;
        // the branch the block is in: the step after this ancestor's
        bool inElse = first.at(a.path.size()).branch == Branch::OrElse;
        facts.push_back(inElse ? UnOp::make(UnOpKind::Not, branch->cond) : branch->cond);
      }
    }
    for (const Expr& fact : facts) {
      std::set<uint64_t> names = symsMentioned(fact);
      if (std::all_of(names.begin(), names.end(), [&](uint64_t s) { return params.count(s); }))
        sub->preds.push_back(fact);
    }
  }
  sub->body = stmts;

  try {
    checkBounds(*sub, state.module());
  } catch (const DirectiveRefused&) {
    throw;
  } catch (const CompileError& e) {
    refuse(call.loc, kDirective,
           "the new proc '" + name + "' cannot be proved in bounds on its own: " + e.message(),
           stmts);
  }

  Stmt callStmt = Call::make(sub, std::move(actuals), sub->loc);
  uint64_t callId = callStmt->id;
  ProcPtr next = replaceRange(proc, range.block, range.begin, range.end, {std::move(callStmt)});
  state.commit(next, kDirective, call.loc);
  return stmtCursor(state, callId);
}

PrimitiveSpec extractSubprocPrimitive() {
  return PrimitiveSpec{"extract_subproc",
                       {{"block", std::nullopt},
                        {"subproc_name", std::nullopt},
                        {"include_asserts", Value::fromBool(true)}},
                       extractSubproc};
}

} // namespace schedc::sched
