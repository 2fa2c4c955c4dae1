// expand_dim(alloc_cursor, alloc_dim, indexing_expr)
//
//   y: T[shape]              ->   y: T[alloc_dim, shape]
//   ... y[idx] ...                ... y[indexing_expr, idx] ...
//
// Every access (reads, writes, windows, strides) gets the new leading index.
// indexing_expr reads only names in scope at the allocation (it is parsed
// there, Exo's NewExprA), and no statement in the allocation's scope rebinds
// them, so during one run of that scope every access uses the same slice,
// which holds exactly what the old buffer held: values flow as before.
//
// Refused unless 0 <= indexing_expr < alloc_dim is provable where the
// allocation stands (commit() then re-proves every access), or when the
// buffer is a scalar passed whole to a call (it would become an element).
//
// Forwarding: every statement keeps its identity. Returns the allocation's
// cursor (it is still the same statement).
#include "ir/IRMutator.h"
#include "ir/Printer.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "expand_dim";

namespace {

// Prefixes every access to one buffer with a new leading index.
class PrependIndex : public IRMutator {
public:
  PrependIndex(const Sym& buffer, Expr index, Expr extent)
      : buffer_(buffer), index_(std::move(index)), extent_(std::move(extent)) {}

  Stmt scalarPassedToCall; // set when a call takes the scalar buffer whole

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitRead(e, self);
    if (e->name != buffer_)
      return rebuilt;
    const auto* read = rebuilt->as<Read>();
    std::vector<Expr> idx{index_};
    idx.insert(idx.end(), read->idx.begin(), read->idx.end());
    return Read::make(read->name, std::move(idx), read->type, read->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitWindow(e, self);
    if (e->name != buffer_)
      return rebuilt;
    const auto* window = rebuilt->as<WindowExpr>();
    std::vector<WindowIndex> idx{WindowIndex{index_, nullptr}};
    idx.insert(idx.end(), window->idx.begin(), window->idx.end());
    return WindowExpr::make(window->name, std::move(idx), window->type, window->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    if (e->name != buffer_)
      return self;
    return StrideExpr::make(e->name, e->dim + 1, e->loc);
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != buffer_)
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx{index_};
    for (const Expr& i : s->idx)
      idx.push_back(mutate(i));
    Expr rhs = mutate(s->rhs);
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(s->name, s->type, idx, rhs, s->loc)
                                 : Assign::make(s->name, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }
  Block visitAlloc(const Alloc* s, const Stmt& self) override {
    if (s->name != buffer_)
      return IRMutator::visitAlloc(s, self);
    std::vector<Expr> shape{extent_};
    for (const Expr& extent : s->shape)
      shape.push_back(mutate(extent));
    return {keepIdentity(Alloc::make(s->name, s->type, std::move(shape), s->mem, s->loc), *s)};
  }
  Block visitCall(const Call* s, const Stmt& self) override {
    // A tensor passed whole becomes the window of its slice; a scalar would
    // become an element, which a call does not take by reference.
    std::vector<Expr> args;
    bool changed = false;
    for (const Expr& arg : s->args) {
      const auto* whole = arg->as<Read>();
      if (whole && whole->idx.empty() && whole->name == buffer_) {
        if (wholeRank_ == 0) {
          scalarPassedToCall = self;
          args.push_back(arg);
          continue;
        }
        std::vector<WindowIndex> idx{WindowIndex{index_, nullptr}};
        for (const Expr& extent : oldShape_)
          idx.push_back(WindowIndex{intConst(0), extent});
        args.push_back(WindowExpr::make(whole->name, std::move(idx), whole->type, whole->loc));
        changed = true;
        continue;
      }
      Expr rebuilt = mutate(arg);
      changed |= rebuilt != arg;
      args.push_back(std::move(rebuilt));
    }
    if (!changed)
      return {self};
    return {keepIdentity(Call::make(s->callee, std::move(args), s->loc), *s)};
  }

public:
  void setOldShape(const std::vector<Expr>& shape) {
    oldShape_ = shape;
    wholeRank_ = shape.size();
  }

private:
  Sym buffer_;
  Expr index_, extent_;
  std::vector<Expr> oldShape_;
  size_t wholeRank_ = 0;
};

} // namespace

static Value expandDim(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  BlockLoc scope = blockOf(path);
  Expr extent = newExprArg(state, args[1], scope, args.locs[1], kDirective);
  Expr index = newExprArg(state, args[2], scope, args.locs[2], kDirective);

  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  {
    ContextScope context(state, scope);
    if (!context.prove(cmpE(BinOpKind::Ge, index, intConst(0))) ||
        !context.prove(cmpE(BinOpKind::Lt, index, extent)))
      refuse(call.loc, kDirective,
             "cannot prove that 0 <= " + printExpr(index) + " < " + printExpr(extent) + " where '" +
                 alloc->name.name() + "' is allocated",
             {stmt});
  }

  PrependIndex prepend(alloc->name, index, extent);
  prepend.setOldShape(alloc->shape);
  Block body = prepend.mutateBlock(current->body);
  if (prepend.scalarPassedToCall)
    refuse(call.loc, kDirective,
           "'" + alloc->name.name() +
               "' is a scalar passed whole to a call; it cannot gain a "
               "dimension",
           {prepend.scalarPassedToCall});
  uint64_t allocId = stmt->id;
  state.commit(withBody(*current, std::move(body)), kDirective, call.loc);
  return stmtCursor(state, allocId);
}

PrimitiveSpec expandDimPrimitive() {
  return PrimitiveSpec{"expand_dim",
                       {{"alloc_cursor", std::nullopt},
                        {"alloc_dim", std::nullopt},
                        {"indexing_expr", std::nullopt}},
                       expandDim};
}

} // namespace schedc::sched
