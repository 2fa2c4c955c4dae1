// unroll_buffer(alloc_cursor, dimension)
//
//   y: T[n0, n, n1]                 y_0: T[n0, n1]
//   ... y[a, 0, b] ...        ->    ...
//   ... y[c, 2, d] ...              y_{n-1}: T[n0, n1]
//                                   ... y_0[a, b] ... y_2[c, d] ...
//
// Dimension `dimension` has a constant extent n and every access indexes it
// with a constant, so the buffer is n disjoint buffers side by side: each
// access goes to the same value in its own buffer. Refused when the extent
// or an index in that dimension is not a constant (or is outside [0, n)),
// when a window spans that dimension, or when the buffer is passed whole or
// its strides are taken (its layout would change).
//
// Forwarding: the new allocations are new statements; every other statement
// keeps its identity. Returns nothing (as Exo).
#include "ir/IRMutator.h"
#include "ir/Printer.h"
#include "passes/primitives/BufferPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "unroll_buffer";

namespace {

// Sends each access to the buffer its constant index in `dim_` selects. The
// first access it cannot send is kept in `problem` / `problemStmt`.
class SplitAccesses : public IRMutator {
public:
  SplitAccesses(const Sym& buffer, size_t dim, std::vector<Sym> parts)
      : buffer_(buffer), dim_(dim), parts_(std::move(parts)) {}

  std::string problem;
  Stmt problemStmt;

  Block run(const Block& block) {
    Block out;
    for (const Stmt& s : block) {
      Block rebuilt = mutate(s);
      out.insert(out.end(), rebuilt.begin(), rebuilt.end());
    }
    return out;
  }

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitRead(e, self);
    if (e->name != buffer_)
      return rebuilt;
    const auto* read = rebuilt->as<Read>();
    if (read->idx.empty()) {
      fail("'" + buffer_.name() + "' is passed whole");
      return rebuilt;
    }
    auto part = partOf(read->idx[dim_]);
    if (!part)
      return rebuilt;
    std::vector<Expr> idx = read->idx;
    idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(dim_));
    return Read::make(*part, std::move(idx), read->type, read->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitWindow(e, self);
    if (e->name != buffer_)
      return rebuilt;
    const auto* window = rebuilt->as<WindowExpr>();
    const WindowIndex& at = window->idx[dim_];
    if (at.isInterval()) {
      fail("a window of '" + buffer_.name() + "' spans dimension " + std::to_string(dim_));
      return rebuilt;
    }
    auto part = partOf(at.lo);
    if (!part)
      return rebuilt;
    std::vector<WindowIndex> idx = window->idx;
    idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(dim_));
    return WindowExpr::make(*part, std::move(idx), window->type, window->loc);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    if (e->name == buffer_)
      fail("the strides of '" + buffer_.name() + "' are used");
    return self;
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != buffer_)
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx = mutateExprs(s->idx);
    Expr rhs = mutate(s->rhs);
    auto part = partOf(idx[dim_]);
    if (!part)
      return {self};
    idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(dim_));
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(*part, s->type, idx, rhs, s->loc)
                                 : Assign::make(*part, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }

private:
  std::optional<Sym> partOf(const Expr& index) {
    std::optional<int64_t> value = constValue(index);
    if (!value) {
      fail("'" + buffer_.name() + "' is indexed with `" + printExpr(index) + "` in dimension " +
           std::to_string(dim_) + ", which is not a constant");
      return std::nullopt;
    }
    if (*value < 0 || *value >= static_cast<int64_t>(parts_.size())) {
      fail("index " + std::to_string(*value) + " of '" + buffer_.name() + "' is outside [0, " +
           std::to_string(parts_.size()) + ")");
      return std::nullopt;
    }
    return parts_[static_cast<size_t>(*value)];
  }
  void fail(const std::string& why) {
    if (problem.empty()) {
      problem = why;
      problemStmt = currentStmt();
    }
  }

  Sym buffer_;
  size_t dim_;
  std::vector<Sym> parts_;
};

} // namespace

static Value unrollBuffer(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  int64_t dimension = args[1].requireInt(args.locs[1], "dimension");
  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const std::string& name = alloc->name.name();
  if (dimension < 0 || dimension >= static_cast<int64_t>(alloc->shape.size()))
    refuse(args.locs[1], kDirective,
           "'" + name + "' has " + std::to_string(alloc->shape.size()) +
               " dimension(s); there is no dimension " + std::to_string(dimension));
  size_t dim = static_cast<size_t>(dimension);
  std::optional<int64_t> extent = constValue(alloc->shape[dim]);
  if (!extent)
    refuse(call.loc, kDirective,
           "dimension " + std::to_string(dim) + " of '" + name + "' has extent `" +
               printExpr(alloc->shape[dim]) + "`, which is not a constant",
           {stmt});

  std::vector<Sym> parts;
  Block replacement;
  std::vector<Expr> shape = alloc->shape;
  shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
  for (int64_t k = 0; k < *extent; ++k) {
    parts.push_back(Sym::fresh(name + "_" + std::to_string(k)));
    replacement.push_back(Alloc::make(parts.back(), alloc->type, shape, alloc->mem, alloc->loc));
  }
  const Block& block = blockAt(*current, blockOf(path));
  size_t position = path.back().index;
  Block rest(block.begin() + static_cast<std::ptrdiff_t>(position) + 1, block.end());
  SplitAccesses split(alloc->name, dim, parts);
  Block rewritten = split.run(rest);
  if (!split.problem.empty())
    refuse(call.loc, kDirective, split.problem, {split.problemStmt});
  replacement.insert(replacement.end(), rewritten.begin(), rewritten.end());
  state.commit(
      replaceInBlock(*current, blockOf(path), position, block.size(), std::move(replacement)),
      kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec unrollBufferPrimitive() {
  return PrimitiveSpec{
      "unroll_buffer", {{"alloc_cursor", std::nullopt}, {"dimension", std::nullopt}}, unrollBuffer};
}

} // namespace schedc::sched
