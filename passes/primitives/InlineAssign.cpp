// inline_assign(alloc_cursor): `y = e; s` -> `s[y -> e]`: the assignment is
// deleted and the reads of y after it, in its block, read e instead.
//
// Exo (DoInlineAssign) only checks that y is not written again afterwards.
// Deleting a write is exact only when nothing else can see it, and
// substituting e only when e still has its value, so this also requires:
// - y is an allocation (an argument's value is seen by the caller), its
//   every read is after the assignment in the same block and reads the
//   element assigned (no read through a window or a call);
// - e has y's type (storing into y would convert it) and does not read y;
// - no buffer e reads is written before the last read of y (in the
//   statement of that last read only by a plain write, whose reads come
//   first).
// The argument may also be the allocation of y when one assignment to y
// follows it in its block.
#include "ir/Equality.h"
#include "ir/IRMutator.h"
#include "ir/IRVisitor.h"
#include "ir/Printer.h"
#include "passes/Simplify.h"
#include "passes/primitives/ExprContext.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

namespace {

// Every place a statement mentions buffer `name`: reads (with their
// indices), window views and call arguments.
struct Uses : IRVisitor {
  explicit Uses(const Sym& name) : name(name) {}
  Sym name;
  std::vector<const Read*> reads;
  bool other = false; // a window of it, or passed to a call

  void visitRead(const Read* r) override {
    if (r->name == name)
      reads.push_back(r);
    IRVisitor::visitRead(r);
  }
  void visitWindow(const WindowExpr* w) override {
    other |= w->name == name;
    IRVisitor::visitWindow(w);
  }
  void visitStride(const StrideExpr* s) override { other |= s->name == name; }
  void visitCall(const Call* c) override {
    for (const Expr& a : c->args)
      if (const Read* r = a->as<Read>(); r && r->name == name && r->idx.empty())
        other = true;
    IRVisitor::visitCall(c);
  }
};

class Substitute : public IRMutator {
public:
  Substitute(const Sym& name, Expr value) : name_(name), value_(std::move(value)) {}

protected:
  Expr visitRead(const Read* r, const Expr& self) override {
    if (r->name == name_)
      return value_;
    return IRMutator::visitRead(r, self);
  }

private:
  Sym name_;
  Expr value_;
};

std::string accessText(const Read& r) {
  std::string out = r.name.name() + "[";
  for (size_t i = 0; i < r.idx.size(); ++i)
    out += (i ? ", " : "") + printExpr(r.idx[i]);
  return out + "]";
}

bool sameIndices(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!exprsEqual(simplifyExpr(a[i]), simplifyExpr(b[i])))
      return false;
  return true;
}

// The assignment named by the argument (itself, or the one after an alloc).
Path assignmentOf(ScheduleState& state, const Path& path, const SrcLoc& loc) {
  const Stmt& s = stmtAt(state.proc(), path);
  const Alloc* alloc = s->as<Alloc>();
  if (!alloc)
    return path;
  const Block& block = blockAt(state.proc(), blockOf(path));
  std::optional<size_t> found;
  for (size_t k = path.back().index + 1; k < block.size(); ++k) {
    const Assign* a = block[k]->as<Assign>();
    if (a && !a->isReduce() && a->name == alloc->name) {
      if (found)
        refuse(loc, "inline_assign",
               "'" + alloc->name.name() + "' is assigned more than once after its allocation", {s});
      found = k;
    }
  }
  if (!found)
    refuse(loc, "inline_assign",
           "no assignment to '" + alloc->name.name() + "' follows its allocation", {s});
  Path out = path;
  out.back().index = *found;
  return out;
}

Value inlineAssign(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  const std::string directive = "inline_assign";
  Path path = assignmentOf(state, stmtArg(state, args[0], args.locs[0], directive), call.loc);
  const Proc& proc = state.proc();
  const Stmt& stmt = stmtAt(proc, path);
  const Assign* assign = stmt->as<Assign>();
  if (!assign || assign->isReduce())
    refuse(call.loc, directive, "expected an assignment, got:", {stmt});
  const Sym& y = assign->name;
  const Expr& value = assign->rhs;
  std::string yName = "'" + y.name() + "'";

  if (proc.findArg(y))
    refuse(call.loc, directive,
           yName + " is an argument: the caller sees the value this assignment writes", {stmt});
  bool allocated = false;
  for (const Located& l : allStmts(proc))
    if (const Alloc* a = l.stmt->as<Alloc>(); a && a->name == y)
      allocated = true;
  if (!allocated)
    refuse(call.loc, directive,
           yName + " is a window: the write goes to the buffer it views, which others may read",
           {stmt});
  if (value->type != assign->type)
    refuse(call.loc, directive,
           "the assignment converts " + typeWord(value->type) + " to " + typeName(assign->type) +
               "; inlining would drop that conversion",
           {stmt});
  AliasRoots roots(proc);
  if (buffersRead(value, roots).count(roots.root(y)))
    refuse(call.loc, directive, "the assigned value reads " + yName + " itself", {stmt});

  // Every mention of y outside the rest of this block is a refusal.
  BlockLoc block = blockOf(path);
  const Block& stmts = blockAt(proc, block);
  size_t at = path.back().index;
  Uses before(y);
  before.visitBlock(proc.body);
  Uses after(y);
  for (size_t k = at + 1; k < stmts.size(); ++k)
    after.visit(stmts[k]);
  if (before.other)
    refuse(call.loc, directive, yName + " is viewed by a window or passed to a call", {stmt});
  if (before.reads.size() != after.reads.size())
    refuse(call.loc, directive,
           yName + " is read elsewhere than after the assignment in its block, where it would "
                   "lose the value assigned",
           {stmt});
  for (const Read* r : after.reads)
    if (!sameIndices(r->idx, assign->idx))
      refuse(call.loc, directive,
             "'" + accessText(*r) + "' may read an element other than the one assigned", {stmt});

  // y keeps the value until the end of the block; e must keep its value
  // until the last read of y.
  std::set<uint64_t> inputs = buffersRead(value, roots);
  std::optional<size_t> lastUse;
  for (size_t k = at + 1; k < stmts.size(); ++k) {
    Uses uses(y);
    uses.visit(stmts[k]);
    if (!uses.reads.empty())
      lastUse = k;
    std::set<uint64_t> written = buffersWritten(stmts[k], roots);
    if (written.count(roots.root(y)))
      refuse(call.loc, directive,
             "cannot inline: " + yName + " is written again after the assignment", {stmts[k]});
  }
  for (size_t k = at + 1; lastUse && k <= *lastUse; ++k) {
    if (!intersects(buffersWritten(stmts[k], roots), inputs))
      continue;
    bool plainLastWrite = k == *lastUse && stmts[k]->as<Assign>();
    if (!plainLastWrite)
      refuse(
          call.loc, directive,
          "'" + printExpr(value) + "' would be read after this statement changes it:", {stmts[k]});
  }

  Block rest;
  Substitute substitute(y, value);
  for (size_t k = at + 1; k < stmts.size(); ++k)
    for (Stmt& s : substitute.mutate(stmts[k]))
      rest.push_back(std::move(s));
  state.commit(replaceRange(proc, block, at, stmts.size(), std::move(rest)), directive, call.loc);
  return Value::none();
}

} // namespace

void registerInlineAssign(PrimitiveRegistry& registry) {
  registry.add({"inline_assign", {{"alloc_cursor", std::nullopt}}, inlineAssign});
}

} // namespace schedc::sched
