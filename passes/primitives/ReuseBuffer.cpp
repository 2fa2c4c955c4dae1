// reuse_buffer(buf_cursor, replace_cursor)
//
//   a: T[shape] @ M                 a: T[shape] @ M
//   ...uses of a...           ->    ...uses of a...
//   b: T[shape] @ M                 ...uses of b, now of a...
//   ...uses of b...
//
// b's allocation goes and its uses use a instead. Values stay the same when
// a is dead from b's first use on: then nothing reads what b's writes leave
// in a, and nothing writes a between b's writes and b's reads. Required:
// both allocations in the same block, a first; the same type, memory and
// (provably) the same shape; no statement from the first use of b on uses a
// (Exo's rule, which is this liveness condition for one block).
//
// Forwarding: b's allocation is gone; every other statement keeps its
// identity. Returns nothing.
#include "ir/IRMutator.h"
#include "ir/Printer.h"
#include "passes/Dependence.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopContext.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "reuse_buffer";

namespace {

// Every access to buffer `from` (and strides, windows, calls) names `to`.
class RenameBuffer : public IRMutator {
public:
  RenameBuffer(const Sym& from, const Sym& to) : from_(from), to_(to) {}

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitRead(e, self);
    if (e->name != from_)
      return rebuilt;
    const auto* read = rebuilt->as<Read>();
    return Read::make(to_, read->idx, read->type, read->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitWindow(e, self);
    if (e->name != from_)
      return rebuilt;
    const auto* window = rebuilt->as<WindowExpr>();
    return WindowExpr::make(to_, window->idx, window->type, window->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    return e->name == from_ ? StrideExpr::make(to_, e->dim, e->loc) : self;
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != from_)
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx = mutateExprs(s->idx);
    Expr rhs = mutate(s->rhs);
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(to_, s->type, idx, rhs, s->loc)
                                 : Assign::make(to_, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }

private:
  Sym from_, to_;
};

} // namespace

static Value reuseBuffer(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path keptPath = allocArg(state, args[0], args.locs[0], kDirective);
  Path replacedPath = allocArg(state, args[1], args.locs[1], kDirective);
  ProcPtr current = state.procPtr();
  const Stmt& keptStmt = stmtAt(*current, keptPath);
  const Stmt& replacedStmt = stmtAt(*current, replacedPath);
  const Alloc* kept = keptStmt->as<Alloc>();
  const Alloc* replaced = replacedStmt->as<Alloc>();
  const std::string& a = kept->name.name();
  const std::string& b = replaced->name.name();

  if (blockOf(keptPath) != blockOf(replacedPath) ||
      keptPath.back().index >= replacedPath.back().index)
    refuse(call.loc, kDirective,
           "'" + b + "' must be allocated after '" + a + "', in the same block",
           {keptStmt, replacedStmt});
  if (kept->type != replaced->type || kept->mem != replaced->mem)
    refuse(call.loc, kDirective, "'" + a + "' and '" + b + "' differ in type or memory",
           {keptStmt, replacedStmt});
  bool sameShape = kept->shape.size() == replaced->shape.size();
  {
    ContextScope context(state, blockOf(replacedPath));
    for (size_t d = 0; sameShape && d < kept->shape.size(); ++d)
      sameShape = context.prove(cmpE(BinOpKind::Eq, kept->shape[d], replaced->shape[d]));
  }
  if (!sameShape)
    refuse(call.loc, kDirective,
           "cannot prove that '" + a + "' and '" + b + "' have the same shape",
           {keptStmt, replacedStmt});

  const Block& block = blockAt(*current, blockOf(replacedPath));
  size_t position = replacedPath.back().index;
  size_t firstUse = position + 1;
  while (firstUse < block.size() && !usesBuffer({block[firstUse]}, replaced->name))
    ++firstUse;
  for (size_t k = firstUse; k < block.size(); ++k)
    if (usesBuffer({block[k]}, kept->name))
      refuse(call.loc, kDirective, "'" + a + "' is still used after '" + b + "' is first used",
             {block[k]});

  Block rest(block.begin() + static_cast<std::ptrdiff_t>(position) + 1, block.end());
  Block renamed = RenameBuffer(replaced->name, kept->name).mutateBlock(rest);
  state.commit(
      replaceInBlock(*current, blockOf(replacedPath), position, block.size(), std::move(renamed)),
      kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec reuseBufferPrimitive() {
  return PrimitiveSpec{"reuse_buffer",
                       {{"buf_cursor", std::nullopt}, {"replace_cursor", std::nullopt}},
                       reuseBuffer};
}

} // namespace schedc::sched
