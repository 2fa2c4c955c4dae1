// stage_mem(block_cursor, win_expr, new_name, accum=False)
//
//   s1; ...; sn                       (the block; it accesses buf[...] inside the window)
//   ->
//   new_name: T[hi0 - lo0, ...] @ DRAM
//   for i0 in seq(0, hi0 - lo0): ...  new_name[i0, ...] = buf[lo0 + i0, ...]   (accum: = 0)
//   s1; ...; sn                       with buf[e0, ...] -> new_name[e0 - lo0, ...]
//   for i0 in seq(0, hi0 - lo0): ...  buf[lo0 + i0, ...] = new_name[i0, ...]   (accum: +=)
//                                     (only if the block writes buf)
//
// The window `buf[lo0:hi0, p1, ...]` (a string, parsed where the block
// stands) keeps one dimension per interval; a point coordinate is dropped.
// Legality: every access of buf in the block is provably inside the window
// (z3, in the context of the access), so the block sees the same values in
// new_name as it saw in buf, and the store puts back exactly what it wrote;
// buffers that view buf through a window bind would escape the staging, so
// they are refused. With accum=True the block may only reduce into buf: it
// then accumulates deltas from zero and they are added back at the end. The
// window being inside buf is proved by commit() (the load and store access
// it).
//
// The load is left out when the block's first statement overwrites the
// whole window without reading buf (e.g. `out[i, j] = 0` before `out[i, j] +=
// ...`, or a loop nest filling it): nothing the block reads, and nothing the
// store writes back, comes from the load then.
//
// Forwarding: the block's statements keep their identity. Returns (alloc,
// load (the zero-init with accum=True; None when left out), block, store or
// None), the cursors
// the stdlib's auto_stage_mem(..., rc=True) hands back.
#include "ir/IRMutator.h"
#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"
#include "passes/primitives/ProcPrimitives.h"

namespace schedc::sched {

static const char* const kDirective = "stage_mem";

namespace {

// The window the schedule asked for, lowered in the block's scope.
struct Window {
  Binder buffer;
  std::vector<WindowIndex> idx; // one per dimension of the buffer
};

std::string trimmed(const std::string& s, size_t& offset) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) {
    offset = s.size();
    return "";
  }
  size_t e = s.find_last_not_of(" \t");
  offset = b;
  return s.substr(b, e - b + 1);
}

// Splits `text` at the separator characters that are not nested in
// brackets; each piece comes with its offset in `text`.
std::vector<std::pair<std::string, size_t>> splitTopLevel(const std::string& text, char sep) {
  std::vector<std::pair<std::string, size_t>> pieces;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : sep;
    if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']')
      --depth;
    else if (c == sep && depth == 0) {
      pieces.emplace_back(text.substr(start, i - start), start);
      start = i + 1;
    }
  }
  return pieces;
}

// Parses "buf[lo:hi, p, ...]" in the scope of statement `at`.
Window parseWindow(ScheduleState& state, const std::string& text, const SrcLoc& argLoc,
                   const Path& at) {
  const Proc& proc = state.proc();
  size_t open = text.find('[');
  size_t nameOffset = 0;
  std::string name = trimmed(text.substr(0, open), nameOffset);
  std::vector<std::pair<std::string, size_t>> coords;
  if (open != std::string::npos) {
    size_t close = text.find_last_of(']');
    if (close == std::string::npos || close < open ||
        text.find_first_not_of(" \t", close + 1) != std::string::npos)
      refuse(argLoc, kDirective,
             "expected a window like 'buf[lo:hi, i]', got " + quoteString(text));
    for (auto& [piece, offset] : splitTopLevel(text.substr(open + 1, close - open - 1), ','))
      coords.emplace_back(piece, offset + open + 1);
  }

  std::optional<Binder> found;
  for (const Binder& b : bindersAt(proc, at))
    if (b.isBuffer && b.sym.name() == name)
      found = b; // the innermost binder of that name wins
  if (!found)
    refuse(argLoc, kDirective, "no buffer named " + quoteString(name) + " where the block stands");
  if (coords.size() != found->shape.size())
    refuse(argLoc, kDirective,
           quoteString(name) + " has " + std::to_string(found->shape.size()) +
               " dimension(s), but the window gives " + std::to_string(coords.size()));

  auto lowerPiece = [&](const std::string& piece, size_t offset) {
    SrcLoc loc = argLoc;
    loc.col += static_cast<uint32_t>(offset);
    return lowerExprAt(piece, loc, state.module(), proc, at, ScalarType::Index, false, kDirective);
  };
  Window window{*found, {}};
  for (const auto& [coord, offset] : coords) {
    auto bounds = splitTopLevel(coord, ':');
    if (bounds.size() > 2)
      refuse(argLoc, kDirective, "expected 'lo:hi' or an index, got " + quoteString(coord));
    WindowIndex w;
    w.lo = lowerPiece(bounds[0].first, offset + bounds[0].second);
    if (bounds.size() == 2)
      w.hi = lowerPiece(bounds[1].first, offset + bounds[1].second);
    window.idx.push_back(std::move(w));
  }
  return window;
}

// One access of the staged buffer inside the block.
struct Access {
  Path stmt;                       // the statement it is part of
  std::vector<WindowIndex> coords; // points for element accesses
  Expr shown;                      // for messages
  enum { ReadOf, WriteOf, ReduceOf, Passed } kind;
};

// Collects the accesses of `buffer` in the expressions of one statement
// (not its nested blocks), and other names of the same memory.
class AccessCollector : public IRVisitor {
public:
  AccessCollector(const Sym& buffer, const AliasRoots& roots, std::vector<Access>& out)
      : buffer_(buffer), roots_(roots), out_(out) {}

  Path at;
  std::optional<Sym> alias; // another name that views the buffer's memory
  size_t rank = 0;          // of the staged buffer
  bool passedWhole = false; // the buffer is passed to a call without indices

  void note(const Sym& name) {
    if (name != buffer_ && roots_.root(name) == roots_.root(buffer_))
      alias = name;
  }

protected:
  void visitRead(const Read* e) override {
    if (isNumeric(e->type)) {
      note(e->name);
      if (e->name == buffer_) {
        std::vector<WindowIndex> coords;
        for (const Expr& i : e->idx)
          coords.push_back({i, nullptr});
        out_.push_back({at, coords, Read::make(e->name, e->idx, e->type, e->loc), Access::ReadOf});
      }
    }
    IRVisitor::visitRead(e);
  }
  void visitWindow(const WindowExpr* e) override {
    note(e->name);
    if (e->name == buffer_)
      out_.push_back(
          {at, e->idx, WindowExpr::make(e->name, e->idx, e->type, e->loc), Access::Passed});
    IRVisitor::visitWindow(e);
  }

private:
  const Sym& buffer_;
  const AliasRoots& roots_;
  std::vector<Access>& out_;
};

void collectAccesses(const Stmt& s, const Path& path, AccessCollector& collector,
                     std::vector<Access>& out, const Sym& buffer) {
  collector.at = path;
  if (const Call* c = s->as<Call>()) {
    // A buffer passed by name may be written by the callee; passed whole, it
    // cannot be narrowed to the window.
    for (const Expr& arg : c->args) {
      const Read* r = arg->as<Read>();
      if (r && isNumeric(r->type) && r->name == buffer) {
        if (r->idx.size() != collector.rank)
          collector.passedWhole = true;
        std::vector<WindowIndex> coords;
        for (const Expr& i : r->idx)
          coords.push_back({i, nullptr});
        out.push_back({path, coords, arg, Access::Passed});
      } else {
        collector.visit(arg);
      }
    }
  } else {
    for (const Expr& e : stmtExprs(s))
      collector.visit(e);
  }
  if (const Assign* a = s->as<Assign>()) {
    collector.note(a->name);
    if (a->name == buffer) {
      std::vector<WindowIndex> coords;
      for (const Expr& i : a->idx)
        coords.push_back({i, nullptr});
      out.push_back({path, coords, Read::make(a->name, a->idx, a->type, a->loc),
                     a->isReduce() ? Access::ReduceOf : Access::WriteOf});
    }
  } else if (const WindowBind* w = s->as<WindowBind>()) {
    if (const WindowExpr* rhs = w->rhs->as<WindowExpr>(); rhs && rhs->name == buffer)
      collector.alias = w->name; // a view made inside the block escapes the staging
  }
  auto nested = [&](const Block& block, Branch branch) {
    for (size_t i = 0; i < block.size(); ++i) {
      Path child = path;
      child.push_back({branch, i});
      collectAccesses(block[i], child, collector, out, buffer);
    }
  };
  if (const For* f = s->as<For>())
    nested(f->body, Branch::Body);
  else if (const If* c = s->as<If>()) {
    nested(c->body, Branch::Body);
    nested(c->orelse, Branch::OrElse);
  }
}

// Rewrites the accesses of the staged buffer to the new buffer.
class Restage : public IRMutator {
public:
  Restage(const Window& window, Sym staged) : window_(window), staged_(std::move(staged)) {}

  // Element coordinates of the staged buffer for those of the original.
  std::vector<Expr> points(const std::vector<Expr>& idx) const {
    std::vector<Expr> out;
    for (size_t d = 0; d < idx.size(); ++d)
      if (window_.idx[d].isInterval())
        out.push_back(simplifyExpr(subE(idx[d], window_.idx[d].lo)));
    return out;
  }

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    if (e->name != window_.buffer.sym)
      return IRMutator::visitRead(e, self);
    return Read::make(staged_, points(mutateExprs(e->idx)), e->type, e->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    if (e->name != window_.buffer.sym)
      return IRMutator::visitWindow(e, self);
    std::vector<WindowIndex> idx;
    for (size_t d = 0; d < e->idx.size(); ++d) {
      if (!window_.idx[d].isInterval())
        continue; // checked: the access is at the window's point
      const Expr& lo = window_.idx[d].lo;
      WindowIndex w{simplifyExpr(subE(e->idx[d].lo, lo)), nullptr};
      if (e->idx[d].isInterval())
        w.hi = simplifyExpr(subE(e->idx[d].hi, lo));
      idx.push_back(std::move(w));
    }
    return WindowExpr::make(staged_, std::move(idx), e->type, e->loc);
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != window_.buffer.sym)
      return IRMutator::visitAssign(s, self);
    Expr rhs = mutate(s->rhs);
    std::vector<Expr> idx = points(mutateExprs(s->idx));
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(staged_, s->type, idx, rhs, s->loc)
                                 : Assign::make(staged_, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }

private:
  const Window& window_;
  Sym staged_;
};

std::string printWindow(const Window& w) {
  if (w.idx.empty())
    return w.buffer.sym.name();
  return printExpr(WindowExpr::make(w.buffer.sym, w.idx, w.buffer.type));
}

// A zero of the element type.
Expr zeroOf(ScalarType type, const SrcLoc& loc) {
  return isFloat(type) ? Const::makeFloat(0.0, type, loc) : Const::makeInt(0, loc, type);
}

} // namespace

// True when `first` (at `path`) is a perfect loop nest whose innermost
// statement assigns buf at every point of the window, each exactly once per
// iteration, without reading buf: for each interval dimension d the index is
// lo_d + v for a distinct loop variable v running over [0, hi_d - lo_d); for
// each point dimension the index is the point.
static bool overwritesWindow(ScheduleState& state, const Proc& proc, Path path, Stmt first,
                             const Window& window, const AliasRoots& roots) {
  const Sym& buffer = window.buffer.sym;
  std::vector<const For*> loops;
  Stmt s = first;
  while (auto loop = s->as<For>()) {
    if (loop->body.size() != 1)
      return false;
    loops.push_back(loop);
    s = loop->body[0];
    path.push_back({Branch::Body, 0});
  }
  auto assign = s->as<Assign>();
  if (!assign || s->kind != StmtKind::Assign || assign->name.id() != buffer.id() ||
      buffersRead(s, roots).count(roots.root(buffer)) || assign->idx.size() != window.idx.size())
    return false;
  std::set<uint64_t> used;
  for (size_t d = 0; d < window.idx.size(); ++d) {
    const WindowIndex& w = window.idx[d];
    const Expr& index = assign->idx[d];
    if (!w.isInterval()) {
      if (!provablyEqualAt(state.solver(), proc, path, index, w.lo))
        return false;
      continue;
    }
    // which loop variable runs along this dimension
    const For* along = nullptr;
    for (const For* loop : loops)
      if (symsMentioned(index).count(loop->iter.id()))
        along = along ? nullptr : loop;
    if (!along || used.count(along->iter.id()))
      return false;
    used.insert(along->iter.id());
    Expr expected = addE(w.lo, varRead(along->iter, first->loc));
    if (!provablyEqualAt(state.solver(), proc, path, index, expected) ||
        !provablyEqualAt(state.solver(), proc, path, along->lo, intConst(0)) ||
        !provablyEqualAt(state.solver(), proc, path, along->hi, subE(w.hi, w.lo)))
      return false;
  }
  return used.size() == loops.size();
}

static Value stageMem(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  BlockRange range = blockArg(state, args[0], args.locs[0], kDirective);
  const std::string& text = args[1].requireStr(args.locs[1], "win_expr");
  std::string newName = identifierArg(args[2], args.locs[2], kDirective, "new_name");
  bool accum = args[3].requireBool(args.locs[3], "accum");

  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Block& block = blockAt(proc, range.block);
  Block stmts(block.begin() + range.begin, block.begin() + range.end);
  Path first = range.block.owner;
  first.push_back({range.block.branch, range.begin});

  Window window = parseWindow(state, text, args.locs[1], first);
  const Sym& buffer = window.buffer.sym;
  std::string shownWindow = quoteString(printWindow(window));

  // Every access of the buffer in the block, with the statement it is in.
  AliasRoots roots(proc);
  std::vector<Access> accesses;
  AccessCollector collector(buffer, roots, accesses);
  collector.rank = window.idx.size();
  for (size_t i = range.begin; i < range.end; ++i) {
    Path p = range.block.owner;
    p.push_back({range.block.branch, i});
    collectAccesses(block[i], p, collector, accesses, buffer);
  }
  if (collector.passedWhole)
    refuse(call.loc, kDirective,
           "the block passes all of " + quoteString(buffer.name()) +
               " to a call; only windows of it can be staged",
           stmts);
  if (collector.alias)
    refuse(call.loc, kDirective,
           quoteString(collector.alias->name()) + " views the memory of " +
               quoteString(buffer.name()) + " inside the block; it would not be staged",
           stmts);

  // The window is not reversed where the block stands.
  {
    ContextScope context(state, range.block);
    for (const WindowIndex& w : window.idx)
      if (w.isInterval() && !context.prove(cmpE(BinOpKind::Le, w.lo, w.hi)))
        refuse(args.locs[1], kDirective,
               "cannot prove that the window " + shownWindow + " is not reversed (" +
                   printExpr(w.lo) + " <= " + printExpr(w.hi) + ")",
               stmts);
  }

  // Coverage: every access lies inside the window.
  bool writes = false;
  for (const Access& a : accesses) {
    if (accum &&
        (a.kind == Access::ReadOf || a.kind == Access::WriteOf || a.kind == Access::Passed))
      refuse(call.loc, kDirective,
             "with accum=True the block may only reduce into " + quoteString(buffer.name()) +
                 ", but it " +
                 (a.kind == Access::ReadOf    ? "reads "
                  : a.kind == Access::WriteOf ? "writes "
                                              : "passes to a call ") +
                 quoteString(printExpr(a.shown)),
             {stmtAt(proc, a.stmt)});
    writes = writes || a.kind != Access::ReadOf;
    StmtContext context(state.solver(), proc, a.stmt);
    for (size_t d = 0; d < a.coords.size(); ++d) {
      const WindowIndex& w = window.idx[d];
      const WindowIndex& c = a.coords[d];
      std::vector<Expr> goals;
      if (!w.isInterval() && c.isInterval()) {
        // a range of the access along a dimension the staged buffer does not have
        refuse(call.loc, kDirective,
               "the window " + shownWindow + " drops a dimension that " +
                   quoteString(printExpr(a.shown)) + " slices",
               {stmtAt(proc, a.stmt)});
      }
      if (!w.isInterval())
        goals.push_back(cmpE(BinOpKind::Eq, c.lo, w.lo));
      else {
        goals.push_back(cmpE(BinOpKind::Le, w.lo, c.lo));
        goals.push_back(c.isInterval() ? cmpE(BinOpKind::Le, c.hi, w.hi)
                                       : cmpE(BinOpKind::Lt, c.lo, w.hi));
      }
      for (const Expr& goal : goals) {
        if (!Solver::isTranslatable(goal)) {
          refuse(call.loc, kDirective,
                 "the window " + shownWindow + " does not cover " + quoteString(printExpr(a.shown)),
                 {stmtAt(proc, a.stmt)});
        }
        if (!state.solver().prove(goal)) {
          std::string example = state.solver().counterexample();
          std::string because = example.empty()                  ? ""
                                : state.solver().lastUndecided() ? " (" + example + ")"
                                                                 : " (e.g. when " + example + ")";
          refuse(call.loc, kDirective,
                 "the window " + shownWindow + " does not cover " +
                     quoteString(printExpr(a.shown)) + because,
                 {stmtAt(proc, a.stmt)});
        }
      }
    }
  }

  // The staged buffer, its shape, and the loop nests that move the window.
  const SrcLoc& loc = call.loc;
  Sym staged = Sym::fresh(newName);
  ScalarType type = window.buffer.type;
  std::vector<Expr> shape;
  for (const WindowIndex& w : window.idx)
    if (w.isInterval())
      shape.push_back(simplifyAt(state.solver(), proc, first, subE(w.hi, w.lo)));

  // for i0, i1, ...: body(staged index, buffer index)
  auto nest = [&](const std::function<Stmt(std::vector<Expr>, std::vector<Expr>)>& body) {
    std::vector<Sym> iters;
    std::vector<Expr> stagedIdx, bufferIdx;
    for (const WindowIndex& w : window.idx) {
      if (!w.isInterval()) {
        bufferIdx.push_back(w.lo);
        continue;
      }
      Sym iter = Sym::fresh("i" + std::to_string(iters.size()));
      iters.push_back(iter);
      stagedIdx.push_back(varRead(iter, loc));
      bufferIdx.push_back(simplifyExpr(addE(w.lo, varRead(iter, loc))));
    }
    Stmt s = body(stagedIdx, bufferIdx);
    for (size_t k = iters.size(); k-- > 0;)
      s = For::make(iters[k], intConst(0), shape[k], {std::move(s)}, LoopMode::Seq, loc);
    return s;
  };

  Block replacement;
  Stmt alloc = Alloc::make(staged, type, shape, "DRAM", loc);
  uint64_t allocId = alloc->id;
  replacement.push_back(std::move(alloc));
  Stmt load = nest([&](std::vector<Expr> stagedIdx, std::vector<Expr> bufferIdx) {
    Expr value = accum ? zeroOf(type, loc) : Read::make(buffer, std::move(bufferIdx), type, loc);
    return Assign::make(staged, type, std::move(stagedIdx), std::move(value), loc);
  });
  std::optional<uint64_t> loadId;
  if (accum || !overwritesWindow(state, proc, first, stmts.front(), window, roots)) {
    loadId = load->id;
    replacement.push_back(std::move(load));
  }

  Restage restage(window, staged);
  std::vector<uint64_t> blockIds;
  for (const Stmt& s : stmts)
    for (Stmt& rewritten : restage.mutate(s)) {
      blockIds.push_back(rewritten->id);
      replacement.push_back(std::move(rewritten));
    }

  std::optional<uint64_t> storeId;
  if (writes) {
    Stmt store = nest([&](std::vector<Expr> stagedIdx, std::vector<Expr> bufferIdx) {
      Expr value = Read::make(staged, std::move(stagedIdx), type, loc);
      return accum ? Assign::makeReduce(buffer, type, std::move(bufferIdx), std::move(value), loc)
                   : Assign::make(buffer, type, std::move(bufferIdx), std::move(value), loc);
    });
    storeId = store->id;
    replacement.push_back(std::move(store));
  }

  state.commit(replaceRange(proc, range.block, range.begin, range.end, std::move(replacement)),
               kDirective, call.loc);
  return Value::newTuple({stmtCursor(state, allocId),
                          loadId ? stmtCursor(state, *loadId) : Value::none(),
                          blockCursor(state, std::move(blockIds)),
                          storeId ? stmtCursor(state, *storeId) : Value::none()});
}

PrimitiveSpec stageMemPrimitive() {
  return PrimitiveSpec{"stage_mem",
                       {{"block_cursor", std::nullopt},
                        {"win_expr", std::nullopt},
                        {"new_name", std::nullopt},
                        {"accum", Value::fromBool(false)}},
                       stageMem};
}

} // namespace schedc::sched
