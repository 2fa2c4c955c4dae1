// Registration of the buffer primitives (each primitive: legality check and
// rewrite side by side, in passes/primitives/<Name>.cpp), and the liveness
// analysis lift_alloc and sink_alloc share.
#include "passes/primitives/BufferPrimitives.h"

#include "ir/IRMutator.h"
#include "passes/Dependence.h"
#include "passes/primitives/LoopRewrite.h"

#include <map>

namespace schedc::sched {

namespace {

// Replaces control variables (Sym id -> expression) in an expression.
class ExprSubstitution : public IRMutator {
public:
  explicit ExprSubstitution(const std::map<uint64_t, Expr>& replacements)
      : replacements_(replacements) {}

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    if (e->idx.empty())
      if (auto it = replacements_.find(e->name.id()); it != replacements_.end())
        return it->second;
    return IRMutator::visitRead(e, self);
  }

private:
  const std::map<uint64_t, Expr>& replacements_;
};

Expr substituteExpr(const Expr& e, const std::map<uint64_t, Expr>& replacements) {
  return ExprSubstitution(replacements).mutate(e);
}

// A loop the writes of a fact happened in: every iteration var in [lo, hi).
struct Range {
  Sym var;
  Expr lo, hi;
};

// "y[index] was written, for every value of the range variables" (ranges
// outermost first; none for a single write).
struct WriteFact {
  std::vector<Range> ranges;
  std::vector<Expr> index;
};
using Facts = std::vector<WriteFact>;

// Walks one iteration of the loop body in program order, keeping the
// locations of y certainly written so far, and finds the first read of y
// none of them covers. Conservative: calls or windows touching y, and data
// conditions, count against the lift.
class MustWriteCheck {
public:
  MustWriteCheck(Solver& solver, const Sym& buffer) : solver_(solver), buffer_(buffer) {}

  // The first statement whose read of y may see an older iteration's value
  // (or that uses y in a way this analysis does not follow), if any.
  Stmt firstUncovered;

  Facts block(const Block& b, Facts facts) {
    for (const Stmt& s : b) {
      if (firstUncovered)
        break;
      facts = stmt(s, std::move(facts));
    }
    return facts;
  }

private:
  Facts stmt(const Stmt& s, Facts facts) {
    switch (s->kind) {
    case StmtKind::Assign:
    case StmtKind::Reduce: {
      const auto* write = s->as<Assign>();
      for (const Expr& i : write->idx)
        checkReads(i, s, facts);
      checkReads(write->rhs, s, facts);
      if (write->name == buffer_) {
        // `y[e] += v` reads y[e] first.
        if (write->isReduce() && !covered(write->idx, facts))
          firstUncovered = s;
        facts.push_back(WriteFact{{}, write->idx});
      }
      return facts;
    }
    case StmtKind::For: {
      const auto* loop = s->as<For>();
      checkReads(loop->lo, s, facts);
      checkReads(loop->hi, s, facts);
      Facts inside;
      {
        SolverScope scope(solver_);
        z3::expr iter = solver_.var(loop->iter, ScalarType::Index);
        if (Solver::isTranslatable(loop->lo))
          solver_.assume(solver_.toZ3Int(loop->lo) <= iter);
        if (Solver::isTranslatable(loop->hi))
          solver_.assume(iter < solver_.toZ3Int(loop->hi));
        size_t before = facts.size();
        Facts all = block(loop->body, facts);
        inside.assign(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
      }
      // What the body wrote, it wrote for every iteration of the loop.
      for (WriteFact& fact : inside) {
        fact.ranges.insert(fact.ranges.begin(), Range{loop->iter, loop->lo, loop->hi});
        facts.push_back(std::move(fact));
      }
      return facts;
    }
    case StmtKind::If: {
      const auto* branch = s->as<If>();
      checkReads(branch->cond, s, facts);
      bool control = Solver::isTranslatable(branch->cond);
      Facts thenFacts, elseFacts;
      size_t before = facts.size();
      {
        SolverScope scope(solver_);
        if (control)
          solver_.assume(solver_.toZ3Bool(branch->cond));
        thenFacts = block(branch->body, facts);
      }
      {
        SolverScope scope(solver_);
        if (control)
          solver_.assume(!solver_.toZ3Bool(branch->cond));
        elseFacts = block(branch->orelse, facts);
      }
      // Written on both paths: single writes to provably equal locations.
      for (size_t a = before; a < thenFacts.size(); ++a)
        for (size_t b = before; b < elseFacts.size(); ++b)
          if (thenFacts[a].ranges.empty() && elseFacts[b].ranges.empty() &&
              sameIndex(thenFacts[a].index, elseFacts[b].index)) {
            facts.push_back(thenFacts[a]);
            break;
          }
      return facts;
    }
    case StmtKind::Alloc:
      for (const Expr& extent : s->as<Alloc>()->shape)
        checkReads(extent, s, facts);
      return facts;
    case StmtKind::WindowBind:
    case StmtKind::Call:
      // Views and callees of y are not followed: refuse rather than guess.
      if (usesBuffer({s}, buffer_))
        firstUncovered = s;
      return facts;
    case StmtKind::Pass:
      return facts;
    }
    return facts;
  }

  void checkReads(const Expr& e, const Stmt& s, const Facts& facts) {
    if (firstUncovered)
      return;
    if (const auto* read = e->as<Read>(); read && read->name == buffer_)
      if (!covered(read->idx, facts)) {
        firstUncovered = s;
        return;
      }
    if (const auto* window = e->as<WindowExpr>(); window && window->name == buffer_) {
      firstUncovered = s;
      return;
    }
    for (const Expr& child : exprChildren(e))
      checkReads(child, s, facts);
  }

  bool sameIndex(const std::vector<Expr>& a, const std::vector<Expr>& b) {
    if (a.size() != b.size())
      return false;
    for (size_t d = 0; d < a.size(); ++d)
      if (!proves(cmpE(BinOpKind::Eq, a[d], b[d])))
        return false;
    return true;
  }

  // Some fact covers location y[index]. A fact with ranges covers it when a
  // witness value for each range variable lies in its range and yields
  // `index`: the read's coordinate where the fact's index is exactly that
  // variable, else the range's lower bound.
  bool covered(const std::vector<Expr>& index, const Facts& facts) {
    for (auto fact = facts.rbegin(); fact != facts.rend(); ++fact) {
      if (fact->index.size() != index.size())
        continue;
      std::map<uint64_t, Expr> witness;
      for (const Range& range : fact->ranges) {
        Expr value = substituteExpr(range.lo, witness);
        for (size_t d = 0; d < index.size(); ++d)
          if (const auto* v = fact->index[d]->as<Read>();
              v && v->idx.empty() && v->name == range.var)
            value = index[d];
        witness[range.var.id()] = value;
      }
      bool inRange = true;
      for (const Range& range : fact->ranges) {
        Expr value = witness.at(range.var.id());
        inRange = inRange &&
                  proves(cmpE(BinOpKind::Le, substituteExpr(range.lo, witness), value)) &&
                  proves(cmpE(BinOpKind::Lt, value, substituteExpr(range.hi, witness)));
        if (!inRange)
          break;
      }
      if (!inRange)
        continue;
      std::vector<Expr> written;
      for (const Expr& i : fact->index)
        written.push_back(substituteExpr(i, witness));
      if (sameIndex(written, index))
        return true;
    }
    return false;
  }

  bool proves(const Expr& cond) {
    return Solver::isTranslatable(cond) && solver_.prove(solver_.toZ3Bool(cond));
  }

  Solver& solver_;
  Sym buffer_;
};

} // namespace

Stmt firstCarriedRead(Solver& solver, const Block& body, const Sym& buffer) {
  MustWriteCheck check(solver, buffer);
  check.block(body, {});
  return check.firstUncovered;
}

namespace {

// Applies an index map to every element access of one buffer; the first
// statement that uses the layout otherwise is kept in `problem`.
class Relayout : public IRMutator {
public:
  Relayout(const Sym& buffer, const IndexMap& newIndex) : buffer_(buffer), newIndex_(newIndex) {}

  Stmt problem;
  std::string why;

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
    return Read::make(read->name, newIndex_(read->idx), read->type, read->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    if (e->name == buffer_)
      fail("a window of '" + buffer_.name() + "' is taken");
    return IRMutator::visitWindow(e, self);
  }
  Expr visitStride(const StrideExpr* e, const Expr& self) override {
    if (e->name == buffer_)
      fail("the strides of '" + buffer_.name() + "' are used");
    return self;
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (s->name != buffer_)
      return IRMutator::visitAssign(s, self);
    std::vector<Expr> idx = newIndex_(mutateExprs(s->idx));
    Expr rhs = mutate(s->rhs);
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(s->name, s->type, idx, rhs, s->loc)
                                 : Assign::make(s->name, s->type, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }

private:
  void fail(const std::string& reason) {
    if (!problem) {
      problem = currentStmt();
      why = reason;
    }
  }

  Sym buffer_;
  const IndexMap& newIndex_;
};

} // namespace

ProcPtr relayoutBuffer(const Proc& proc, const Path& path, std::vector<Expr> shape,
                       const IndexMap& newIndex, const SrcLoc& at, const std::string& directive) {
  const Stmt& stmt = stmtAt(proc, path);
  const Alloc* alloc = stmt->as<Alloc>();
  const Block& block = blockAt(proc, blockOf(path));
  size_t position = path.back().index;
  Block rest(block.begin() + static_cast<std::ptrdiff_t>(position) + 1, block.end());
  Relayout relayout(alloc->name, newIndex);
  Block rewritten = relayout.mutateBlock(rest);
  if (relayout.problem)
    refuse(at, directive, relayout.why, {relayout.problem});
  Block replacement{keepIdentity(
      Alloc::make(alloc->name, alloc->type, std::move(shape), alloc->mem, alloc->loc), *stmt)};
  replacement.insert(replacement.end(), rewritten.begin(), rewritten.end());
  return replaceInBlock(proc, blockOf(path), position, block.size(), std::move(replacement));
}

void registerBufferPrimitives(PrimitiveRegistry& registry) {
  registry.add(setMemoryPrimitive());
  registry.add(setPrecisionPrimitive());
  registry.add(expandDimPrimitive());
  registry.add(liftAllocPrimitive());
  registry.add(sinkAllocPrimitive());
  registry.add(deleteBufferPrimitive());
  registry.add(unrollBufferPrimitive());
  registry.add(reuseBufferPrimitive());
  registry.add(divideDimPrimitive());
  registry.add(multDimPrimitive());
  registry.add(rearrangeDimPrimitive());
  registry.add(resizeDimPrimitive());
  registry.add(boundAllocPrimitive());
  registry.add(setWindowPrimitive());
  registry.add(inlineWindowPrimitive());
  registry.add(autoliftAllocPrimitive());
}

} // namespace schedc::sched
