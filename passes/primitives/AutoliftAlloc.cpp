// autolift_alloc(alloc_cursor, n_lifts=1, mode="row", size=None, keep_dims=False)
//
//   for i in seq(0, 8):                  t: i32[8, 4]              (keep_dims=True,
//       for k in seq(0, 4):              for i in seq(0, 8):        n_lifts=2)
//           t: i32[4]          ->            for k in seq(0, 4):
//           t[k] = x[i, k]                       t[i, k] = x[i, k]
//           ...                                  ...
//
// Exo's legacy lift (API_scheduling.py autolift_alloc, LoopIR_scheduling.py
// DoLiftAlloc): the allocation moves out of its n_lifts innermost enclosing
// loops and ifs, to just before the outermost of them (fewer than n_lifts
// enclosing scopes is refused). With keep_dims=True, every one of those
// loops whose variable the buffer's contents depend on (Exo's data-flow
// dependencies: the variable reaches an index or value written to the
// buffer, or a bound/condition around such a write) gives the buffer a
// new dimension, indexed by the loop variable: of extent `size` when given
// (refused unless the loop's bound `hi` is provably at most `size`), else
// the loop's bound `hi`. The new dimensions come first (mode="row") or last
// (mode="col"), outermost loop first. Without keep_dims (the default) the
// buffer keeps its shape, as in Exo.
//
// Built from the checked primitives, one scope at a time (innermost first):
// expand_dim for a loop that adds a dimension (proves 0 <= i < extent
// where the buffer is allocated; refuses a scalar passed whole to a call),
// rearrange_dim to move that dimension last in "col" mode (refuses a buffer
// whose layout is seen by windows or calls), then lift_alloc (refuses a
// shape that depends on the loop variable, leaving a parallel loop, and any
// read that may see a value from an earlier iteration). A refusal of any
// step refuses the whole directive, which leaves the proc unchanged.
//
// Differences from Exo: a non-constant bound `hi` gives extent `hi`, not
// Exo's `hi + 1` (the index is i < hi); the lift is checked (Exo does not).
//
// Forwarding: the allocation keeps its identity. Returns its cursor.
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

#include <map>
#include <set>

namespace schedc::sched {

static const char* const kDirective = "autolift_alloc";

namespace {

// Exo's LoopIR_Dependencies: which names the contents of a buffer depend
// on. A write `b[idx] = rhs` makes b depend on every name in idx and rhs
// and on the names in the bounds and conditions around it; a call makes
// every buffer passed to it depend on all of its arguments; a window
// stands for the buffer it views. The answer is the transitive closure.
class DataDependencies {
public:
  explicit DataDependencies(const Block& body) { block(body); }

  std::set<uint64_t> of(const Sym& buffer) const {
    std::set<uint64_t> done;
    std::vector<uint64_t> todo{root(buffer.id())};
    while (!todo.empty()) {
      uint64_t s = todo.back();
      todo.pop_back();
      if (!done.insert(s).second)
        continue;
      if (auto it = depends_.find(s); it != depends_.end())
        todo.insert(todo.end(), it->second.begin(), it->second.end());
    }
    return done;
  }

private:
  uint64_t root(uint64_t s) const {
    for (auto it = alias_.find(s); it != alias_.end(); it = alias_.find(s))
      s = it->second;
    return s;
  }
  void read(uint64_t into, const Expr& e) {
    for (uint64_t s : symsMentioned(e))
      depends_[into].insert(root(s));
  }
  void written(uint64_t buffer) { depends_[buffer].insert(context_.begin(), context_.end()); }
  void block(const Block& b) {
    for (const Stmt& s : b)
      stmt(s);
  }
  void stmt(const Stmt& s) {
    std::set<uint64_t> saved = context_;
    if (const auto* write = s->as<Assign>()) {
      uint64_t lhs = root(write->name.id());
      written(lhs);
      for (const Expr& i : write->idx)
        read(lhs, i);
      read(lhs, write->rhs);
    } else if (const auto* bind = s->as<WindowBind>()) {
      if (const auto* w = bind->rhs->as<WindowExpr>()) {
        alias_[bind->name.id()] = root(w->name.id());
        read(root(w->name.id()), bind->rhs);
      }
    } else if (const auto* branch = s->as<If>()) {
      for (uint64_t v : symsMentioned(branch->cond))
        context_.insert(root(v));
      block(branch->body);
      block(branch->orelse);
    } else if (const auto* loop = s->as<For>()) {
      for (const Expr& bound : {loop->lo, loop->hi}) {
        read(loop->iter.id(), bound);
        for (uint64_t v : symsMentioned(bound))
          context_.insert(root(v));
      }
      block(loop->body);
    } else if (const auto* c = s->as<Call>()) {
      for (size_t i = 0; i < c->args.size() && i < c->callee->args.size(); ++i) {
        if (!c->callee->args[i].isData())
          continue;
        std::set<uint64_t> names = symsMentioned(c->args[i]);
        if (names.empty())
          continue;
        uint64_t buffer = 0;
        if (const auto* r = c->args[i]->as<Read>())
          buffer = root(r->name.id());
        else if (const auto* w = c->args[i]->as<WindowExpr>())
          buffer = root(w->name.id());
        if (!buffer)
          continue;
        written(buffer);
        for (const Expr& a : c->args)
          read(buffer, a);
      }
    }
    context_ = saved;
  }

  std::map<uint64_t, std::set<uint64_t>> depends_;
  std::map<uint64_t, uint64_t> alias_; // window -> the buffer it views
  std::set<uint64_t> context_;         // names the running of the current statement depends on
};

// Runs another primitive on `scratch`; its refusal becomes this directive's.
Value runStep(const PrimitiveSpec& spec, ScheduleState& scratch, std::vector<Value> values,
              const CallArgs& call) {
  BoundArgs bound;
  bound.values = std::move(values);
  bound.locs.assign(bound.values.size(), call.loc);
  bound.given.assign(bound.values.size(), true);
  try {
    return spec.fn(scratch, bound, call);
  } catch (const DirectiveRefused& e) {
    std::string reason = e.message();
    if (reason.rfind(spec.name + ": ", 0) == 0)
      reason = reason.substr(spec.name.size() + 2);
    throw DirectiveRefused(call.loc, std::string(kDirective) + ": " + reason, e.notes(), e.extra());
  }
}

} // namespace

static Value autoliftAlloc(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t lifts = positiveIntArg(args[1], args.locs[1], kDirective, "n_lifts");
  const std::string& mode = args[2].requireStr(args.locs[2], "mode");
  if (mode != "row" && mode != "col")
    refuse(args.locs[2], kDirective, "mode must be \"row\" or \"col\", not " + args[2].repr());
  std::optional<int64_t> size;
  if (!args[3].isNone())
    size = positiveIntArg(args[3], args.locs[3], kDirective, "size");
  bool keepDims = args[4].requireBool(args.locs[4], "keep_dims");

  const Proc& proc = state.proc();
  const Stmt allocStmt = stmtAt(proc, path);
  const Alloc* alloc = allocStmt->as<Alloc>();
  const std::string& name = alloc->name.name();
  std::vector<Located> scopes = ancestors(proc, path);
  if (static_cast<int64_t>(scopes.size()) < lifts)
    refuse(call.loc, kDirective,
           "cannot lift '" + name + "' out of " + std::to_string(lifts) + " scope(s): it is in " +
               std::to_string(scopes.size()) + " loop(s) and if(s)",
           {allocStmt});
  std::set<uint64_t> depends = DataDependencies(proc.body).of(alloc->name);

  // One scope at a time, innermost first, on a scratch state: the proc
  // changes only when every step was accepted.
  ScheduleState scratch(state.module(), state.procPtr());
  const uint64_t allocId = allocStmt->id;
  const size_t rank = alloc->shape.size();
  const PrimitiveRegistry& primitives = allPrimitives();
  for (int64_t lift = 0; lift < lifts; ++lift) {
    Path at = *findStmt(scratch.proc(), allocId);
    Path scopePath = parentPath(at);
    const Stmt scope = stmtAt(scratch.proc(), scopePath);
    const For* loop = scope->as<For>();
    if (loop && keepDims && depends.count(loop->iter.id())) {
      Value extent;
      if (size) {
        ContextScope context(scratch, blockOf(scopePath));
        if (!context.prove(cmpE(BinOpKind::Le, loop->hi, intConst(*size))))
          refuse(call.loc, kDirective,
                 "size " + std::to_string(*size) + " is less than the bound of loop '" +
                     loop->iter.name() + "'",
                 {scope});
        extent = Value::fromInt(*size);
      } else if (std::optional<int64_t> hi = constValue(loop->hi)) {
        extent = Value::fromInt(*hi);
      } else {
        extent = exprCursor(scratch, scope->id, {1}); // the loop's `hi`
      }
      runStep(*primitives.find("expand_dim"), scratch,
              {stmtCursor(scratch, allocId), extent, Value::fromStr(loop->iter.name())}, call);
      if (mode == "col") {
        // The new dimension (first) goes after the original ones, before
        // those of loops further in.
        size_t total = stmtAt(scratch.proc(), at)->as<Alloc>()->shape.size();
        std::vector<Value> order;
        for (size_t d = 1; d <= rank; ++d)
          order.push_back(Value::fromInt(static_cast<int64_t>(d)));
        order.push_back(Value::fromInt(0));
        for (size_t d = rank + 1; d < total; ++d)
          order.push_back(Value::fromInt(static_cast<int64_t>(d)));
        runStep(*primitives.find("rearrange_dim"), scratch,
                {stmtCursor(scratch, allocId), Value::newList(std::move(order))}, call);
      }
    }
    runStep(*primitives.find("lift_alloc"), scratch,
            {stmtCursor(scratch, allocId), Value::fromInt(1)}, call);
  }
  state.commit(scratch.procPtr(), kDirective, call.loc);
  return stmtCursor(state, allocId);
}

PrimitiveSpec autoliftAllocPrimitive() {
  return PrimitiveSpec{"autolift_alloc",
                       {{"alloc_cursor", std::nullopt},
                        {"n_lifts", Value::fromInt(1)},
                        {"mode", Value::fromStr("row")},
                        {"size", Value::none()},
                        {"keep_dims", Value::fromBool(false)}},
                       autoliftAlloc};
}

} // namespace schedc::sched
