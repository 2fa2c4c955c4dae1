#include "passes/Cursor.h"

#include "ir/Printer.h"

namespace schedc::sched {

std::shared_ptr<Cursor> Cursor::stmt(ScheduleState& state, uint64_t id) {
  auto c = std::make_shared<Cursor>(state, Kind::Stmt);
  c->ids_ = {id};
  return c;
}

std::shared_ptr<Cursor> Cursor::block(ScheduleState& state, std::vector<uint64_t> ids) {
  auto c = std::make_shared<Cursor>(state, Kind::Block);
  c->ids_ = std::move(ids);
  return c;
}

std::shared_ptr<Cursor> Cursor::gap(ScheduleState& state, uint64_t anchor, bool after) {
  auto c = std::make_shared<Cursor>(state, Kind::Gap);
  c->ids_ = {anchor};
  c->after_ = after;
  return c;
}

std::shared_ptr<Cursor> Cursor::expr(ScheduleState& state, uint64_t id, std::vector<size_t> path) {
  auto c = std::make_shared<Cursor>(state, Kind::Expr);
  c->ids_ = {id};
  c->path_ = std::move(path);
  return c;
}

std::shared_ptr<Cursor> Cursor::invalid(ScheduleState& state, std::string why) {
  auto c = std::make_shared<Cursor>(state, Kind::Invalid);
  c->why_ = std::move(why);
  return c;
}

std::optional<Path> Cursor::stmtPath() const {
  if ((kind_ != Kind::Stmt && kind_ != Kind::Expr) || ids_.empty())
    return std::nullopt;
  return findStmt(state_.proc(), ids_[0]);
}

std::optional<BlockRange> Cursor::blockRange() const {
  if (kind_ == Kind::Stmt) {
    auto p = stmtPath();
    if (!p)
      return std::nullopt;
    return BlockRange{blockOf(*p), p->back().index, p->back().index + 1};
  }
  if (kind_ != Kind::Block || ids_.empty())
    return std::nullopt;
  auto first = findStmt(state_.proc(), ids_.front());
  if (!first)
    return std::nullopt;
  BlockRange range{blockOf(*first), first->back().index, first->back().index + ids_.size()};
  // the statements must still stand together, in order
  const Block& block = blockAt(state_.proc(), range.block);
  if (range.end > block.size())
    return std::nullopt;
  for (size_t k = 0; k < ids_.size(); ++k)
    if (block[range.begin + k]->id != ids_[k])
      return std::nullopt;
  return range;
}

std::optional<Gap> Cursor::gapPosition() const {
  if (kind_ != Kind::Gap)
    return std::nullopt;
  auto p = findStmt(state_.proc(), ids_[0]);
  if (!p)
    return std::nullopt;
  return Gap{blockOf(*p), p->back().index + (after_ ? 1 : 0)};
}

std::optional<ExprRef> Cursor::exprRef() const {
  if (kind_ != Kind::Expr)
    return std::nullopt;
  auto p = stmtPath();
  if (!p)
    return std::nullopt;
  const Stmt& s = stmtAt(state_.proc(), *p);
  try {
    return ExprRef{*p, path_, exprAt(s, path_)};
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

void Cursor::failStale(const SrcLoc& loc, const std::string& directive) const {
  std::string prefix = directive.empty() ? "" : directive + ": ";
  if (kind_ == Kind::Invalid)
    throw CompileError(loc, prefix + "invalid cursor (" + why_ + ")");
  throw CompileError(loc, prefix + "the cursor no longer points into the proc (an earlier "
                                   "directive removed or split what it pointed to)");
}

Path Cursor::requirePath(const SrcLoc& loc) const {
  if (auto p = stmtPath())
    return *p;
  if (auto r = blockRange()) {
    Path p = r->block.owner;
    p.push_back(Step{r->block.branch, r->begin});
    return p;
  }
  if (auto g = gapPosition()) {
    auto p = findStmt(state_.proc(), ids_[0]);
    return *p;
  }
  failStale(loc, "");
}

std::string Cursor::typeName() const {
  switch (kind_) {
  case Kind::Stmt:
    return "cursor";
  case Kind::Block:
    return "block cursor";
  case Kind::Gap:
    return "gap cursor";
  case Kind::Expr:
    return "expression cursor";
  case Kind::Invalid:
    return "invalid cursor";
  }
  return "cursor";
}

std::string Cursor::repr() const {
  if (auto p = stmtPath(); p && kind_ == Kind::Stmt) {
    std::string text = printStmt(stmtAt(state_.proc(), *p));
    return "<cursor: " + text.substr(0, text.find('\n')) + ">";
  }
  if (auto e = exprRef())
    return "<expression cursor: " + printExpr(e->expr) + ">";
  if (auto r = blockRange())
    return "<block cursor: " + std::to_string(r->end - r->begin) + " statements>";
  if (kind_ == Kind::Gap)
    return std::string("<gap cursor ") + (after_ ? "after" : "before") + " a statement>";
  return "<invalid cursor>";
}

bool Cursor::equals(const Object& other) const {
  auto* o = dynamic_cast<const Cursor*>(&other);
  return o && o->kind_ == kind_ && o->ids_ == ids_ && o->after_ == after_ && o->path_ == path_;
}

std::optional<int64_t> Cursor::length() const {
  if (kind_ == Kind::Block)
    return static_cast<int64_t>(ids_.size());
  return std::nullopt;
}

Value Cursor::getItem(const Value& index, const SrcLoc& loc) {
  if (kind_ != Kind::Block)
    return Object::getItem(index, loc);
  int64_t i = index.requireInt(loc, "block index");
  int64_t n = static_cast<int64_t>(ids_.size());
  if (i < 0)
    i += n;
  if (i < 0 || i >= n)
    throw CompileError(loc, "block index " + std::to_string(index.asInt()) +
                                " out of range (the block has " + std::to_string(n) +
                                " statements)");
  return wrap(stmt(state_, ids_[static_cast<size_t>(i)]));
}

Value Cursor::getSlice(std::optional<int64_t> lo, std::optional<int64_t> hi, const SrcLoc& loc) {
  if (kind_ != Kind::Block)
    return Object::getSlice(lo, hi, loc);
  int64_t n = static_cast<int64_t>(ids_.size());
  auto clamp = [&](int64_t v) { return std::max<int64_t>(0, std::min(n, v < 0 ? v + n : v)); };
  int64_t a = clamp(lo.value_or(0)), b = clamp(hi.value_or(n));
  if (a >= b)
    throw CompileError(loc, "empty block slice");
  return wrap(block(state_, std::vector<uint64_t>(ids_.begin() + a, ids_.begin() + b)));
}

static std::vector<uint64_t> idsOf(const Block& block, size_t begin, size_t end) {
  std::vector<uint64_t> ids;
  for (size_t i = begin; i < end; ++i)
    ids.push_back(block[i]->id);
  return ids;
}

Value Cursor::getAttribute(const std::string& name, const SrcLoc& loc) {
  auto self = std::static_pointer_cast<Cursor>(shared_from_this());
  auto method = [&](auto fn) { return boundMethod(name, fn); };
  auto noArgs = [name](const CallArgs& call) {
    if (!call.positional.empty() || !call.keywords.empty())
      throw CompileError(call.loc, name + "() takes no arguments");
  };
  if (name == "is_invalid")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      return Value::fromBool(self->kind_ == Kind::Invalid ||
                             (self->kind_ == Kind::Stmt && !self->stmtPath()));
    });
  auto isStmtOf = [self, noArgs](StmtKind k1, StmtKind k2) {
    return [self, noArgs, k1, k2](const CallArgs& call) {
      noArgs(call);
      auto p = self->stmtPath();
      if (!p || self->kind_ != Kind::Stmt)
        return Value::fromBool(false);
      StmtKind k = stmtAt(self->state_.proc(), *p)->kind;
      return Value::fromBool(k == k1 || k == k2);
    };
  };
  if (name == "is_loop")
    return method(isStmtOf(StmtKind::For, StmtKind::For));
  if (name == "is_if")
    return method(isStmtOf(StmtKind::If, StmtKind::If));
  if (name == "is_alloc")
    return method(isStmtOf(StmtKind::Alloc, StmtKind::Alloc));
  if (name == "is_assign")
    return method(isStmtOf(StmtKind::Assign, StmtKind::Assign));
  if (name == "is_reduce")
    return method(isStmtOf(StmtKind::Reduce, StmtKind::Reduce));
  if (name == "is_call")
    return method(isStmtOf(StmtKind::Call, StmtKind::Call));
  if (name == "is_literal")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      auto e = self->exprRef();
      return Value::fromBool(e && e->expr->as<Const>() != nullptr);
    });
  if (name == "value")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      auto e = self->exprRef();
      if (!e)
        throw CompileError(call.loc, "value() needs an expression cursor");
      auto c = e->expr->as<Const>();
      if (!c || isFloat(c->type))
        throw CompileError(call.loc,
                           "value(): '" + printExpr(e->expr) + "' is not an integer literal");
      return c->type == ScalarType::Bool ? Value::fromBool(c->intValue != 0)
                                         : Value::fromInt(c->intValue);
    });

  if (kind_ == Kind::Invalid || (kind_ != Kind::Block && kind_ != Kind::Gap && !stmtPath()))
    failStale(loc, "");
  if (kind_ == Kind::Expr)
    if (auto v = exprAttribute(name, loc))
      return *v;
  if (kind_ == Kind::Stmt)
    if (auto v = stmtQuery(name, loc))
      return *v;

  if (name == "parent")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      Path p = self->requirePath(call.loc);
      if (self->kind_ == Kind::Expr)
        return self->wrap(stmt(self->state_, stmtAt(self->state_.proc(), p)->id));
      if (p.size() == 1)
        return self->wrap(invalid(self->state_, "the proc body has no enclosing statement"));
      return self->wrap(stmt(self->state_, stmtAt(self->state_.proc(), parentPath(p))->id));
    });
  if (name == "body" || name == "orelse")
    return method([self, noArgs, name](const CallArgs& call) {
      noArgs(call);
      Path p = self->requirePath(call.loc);
      const Stmt& s = stmtAt(self->state_.proc(), p);
      const Block* block = nullptr;
      if (auto loop = s->as<For>(); loop && name == "body")
        block = &loop->body;
      else if (auto branch = s->as<If>())
        block = name == "body" ? &branch->body : &branch->orelse;
      if (!block)
        throw CompileError(call.loc, name + "(): the cursor is not a loop or an if");
      if (block->empty() && name == "orelse")
        return self->wrap(invalid(self->state_, "the if has no else"));
      if (block->empty())
        throw CompileError(call.loc, name + "(): the block is empty");
      return self->wrap(Cursor::block(self->state_, idsOf(*block, 0, block->size())));
    });
  if (name == "next" || name == "prev")
    return method([self, name](const CallArgs& call) {
      BoundArgs b = bindArguments(call, name, {{"dist", Value::fromInt(1)}});
      int64_t dist = b[0].requireInt(b.locs[0], "dist");
      Path p = self->requirePath(call.loc);
      const Block& block = blockAt(self->state_.proc(), blockOf(p));
      int64_t i = static_cast<int64_t>(p.back().index) + (name == "next" ? dist : -dist);
      if (i < 0 || i >= static_cast<int64_t>(block.size()))
        return self->wrap(invalid(self->state_, "no statement " + name + " to it"));
      return self->wrap(stmt(self->state_, block[static_cast<size_t>(i)]->id));
    });
  if (name == "as_block")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      if (self->kind_ == Kind::Block)
        return self->wrap(self);
      if (self->kind_ != Kind::Stmt)
        throw CompileError(call.loc, "as_block(): needs a statement or block cursor");
      return self->wrap(block(self->state_, self->ids_));
    });
  if (name == "before" || name == "after")
    return method([self, noArgs, name](const CallArgs& call) {
      noArgs(call);
      if (auto r = self->blockRange()) {
        const Block& block = blockAt(self->state_.proc(), r->block);
        uint64_t anchor = name == "before" ? block[r->begin]->id : block[r->end - 1]->id;
        return self->wrap(gap(self->state_, anchor, name == "after"));
      }
      self->failStale(call.loc, name);
    });
  if (name == "expand")
    return method([self](const CallArgs& call) {
      BoundArgs b =
          bindArguments(call, "expand", {{"delta_lo", Value::none()}, {"delta_hi", Value::none()}});
      auto r = self->blockRange();
      if (!r)
        self->failStale(call.loc, "expand");
      const Block& block = blockAt(self->state_.proc(), r->block);
      int64_t lo =
          b[0].isNone() ? static_cast<int64_t>(r->begin) : b[0].requireInt(b.locs[0], "delta_lo");
      int64_t hi = b[1].isNone() ? static_cast<int64_t>(block.size() - r->end)
                                 : b[1].requireInt(b.locs[1], "delta_hi");
      if (lo < 0 || hi < 0)
        throw CompileError(call.loc, "expand(): deltas must not be negative");
      if (static_cast<size_t>(lo) > r->begin || r->end + static_cast<size_t>(hi) > block.size())
        throw DirectiveRefused(call.loc, "expand: the block has no statements that far");
      return self->wrap(Cursor::block(self->state_, idsOf(block, r->begin - static_cast<size_t>(lo),
                                                          r->end + static_cast<size_t>(hi))));
    });
  if (name == "name")
    return method([self, noArgs](const CallArgs& call) {
      noArgs(call);
      const Stmt& s = stmtAt(self->state_.proc(), self->requirePath(call.loc));
      if (auto loop = s->as<For>())
        return Value::fromStr(loop->iter.name());
      if (auto alloc = s->as<Alloc>())
        return Value::fromStr(alloc->name.name());
      if (auto assign = s->as<Assign>())
        return Value::fromStr(assign->name.name());
      if (auto bind = s->as<WindowBind>())
        return Value::fromStr(bind->name.name());
      if (auto c = s->as<Call>())
        return Value::fromStr(c->callee->name);
      throw CompileError(call.loc, "name(): this statement has no name");
    });
  if (name == "lo" || name == "hi" || name == "cond" || name == "rhs")
    return method([self, noArgs, name](const CallArgs& call) {
      noArgs(call);
      Path p = self->requirePath(call.loc);
      const Stmt& s = stmtAt(self->state_.proc(), p);
      size_t index = 0;
      if (s->as<For>() && (name == "lo" || name == "hi"))
        index = name == "lo" ? 0 : 1;
      else if (s->as<If>() && name == "cond")
        index = 0;
      else if (auto a = s->as<Assign>(); a && name == "rhs")
        index = a->idx.size();
      else
        throw CompileError(call.loc, name + "(): not available on this statement");
      return self->wrap(expr(self->state_, s->id, {index}));
    });
  failNoAttribute(name, loc);
}

// Queries on an expression cursor, for helpers that inspect what they
// rewrite (Exo's ReadCursor/BinOpCursor/... methods).
std::optional<Value> Cursor::exprAttribute(const std::string& name, const SrcLoc&) {
  auto self = std::static_pointer_cast<Cursor>(shared_from_this());
  auto current = [self](const SrcLoc& at) {
    auto e = self->exprRef();
    if (!e)
      self->failStale(at, "");
    return e->expr;
  };
  auto noArgs = [name](const CallArgs& call) {
    if (!call.positional.empty() || !call.keywords.empty())
      throw CompileError(call.loc, name + "() takes no arguments");
  };
  auto child = [self](size_t k) {
    std::vector<size_t> path = self->path_;
    path.push_back(k);
    return self->wrap(expr(self->state_, self->ids_[0], std::move(path)));
  };
  auto test = [&](auto predicate) {
    return boundMethod(name, [current, noArgs, predicate](const CallArgs& call) {
      noArgs(call);
      return Value::fromBool(predicate(current(call.loc)));
    });
  };
  if (name == "is_read")
    return test([](const Expr& e) { return e->as<Read>() != nullptr; });
  if (name == "is_binop")
    return test([](const Expr& e) { return e->as<BinOp>() != nullptr; });
  if (name == "is_unary_minus")
    return test([](const Expr& e) {
      auto u = e->as<UnOp>();
      return u && u->op == UnOpKind::Neg;
    });
  if (name == "is_select")
    return test([](const Expr& e) { return e->as<Select>() != nullptr; });
  if (name == "is_window")
    return test([](const Expr& e) { return e->as<WindowExpr>() != nullptr; });
  if (name == "op")
    return boundMethod(name, [current, noArgs](const CallArgs& call) {
      noArgs(call);
      auto b = current(call.loc)->as<BinOp>();
      if (!b)
        throw CompileError(call.loc, "op(): not a binary operation");
      return Value::fromStr(binOpSpelling(b->op));
    });
  if (name == "lhs" || name == "rhs" || name == "arg")
    return boundMethod(name, [current, noArgs, child, name](const CallArgs& call) {
      noArgs(call);
      Expr e = current(call.loc);
      if (e->as<BinOp>() && name != "arg")
        return child(name == "lhs" ? 0 : 1);
      if (e->as<UnOp>() && name == "arg")
        return child(0);
      throw CompileError(call.loc, name + "(): not available on '" + printExpr(e) + "'");
    });
  if (name == "name" || name == "idx")
    return boundMethod(name, [current, noArgs, child, name](const CallArgs& call) {
      noArgs(call);
      Expr e = current(call.loc);
      auto read = e->as<Read>();
      auto window = e->as<WindowExpr>();
      if (name == "name" && (read || window))
        return Value::fromStr(read ? read->name.name() : window->name.name());
      if (name == "idx" && read) {
        std::vector<Value> items;
        for (size_t k = 0; k < read->idx.size(); ++k)
          items.push_back(child(k));
        return Value::newList(std::move(items));
      }
      throw CompileError(call.loc, name + "(): not available on '" + printExpr(e) + "'");
    });
  return std::nullopt;
}

// Queries on a statement cursor beyond navigation: what a helper needs to
// see which buffers a statement touches and where.
std::optional<Value> Cursor::stmtQuery(const std::string& name, const SrcLoc&) {
  auto self = std::static_pointer_cast<Cursor>(shared_from_this());
  auto current = [self](const SrcLoc& at) {
    auto p = self->stmtPath();
    if (!p)
      self->failStale(at, "");
    return stmtAt(self->state_.proc(), *p);
  };
  auto noArgs = [name](const CallArgs& call) {
    if (!call.positional.empty() || !call.keywords.empty())
      throw CompileError(call.loc, name + "() takes no arguments");
  };
  auto slots = [self](const Stmt& s, size_t begin, size_t end) {
    std::vector<Value> items;
    for (size_t k = begin; k < end; ++k)
      items.push_back(self->wrap(expr(self->state_, s->id, {k})));
    return Value::newList(std::move(items));
  };
  if (name == "is_pass" || name == "is_window_stmt")
    return boundMethod(name, [current, noArgs, name](const CallArgs& call) {
      noArgs(call);
      StmtKind k = current(call.loc)->kind;
      return Value::fromBool(k == (name == "is_pass" ? StmtKind::Pass : StmtKind::WindowBind));
    });
  if (name == "idx")
    return boundMethod(name, [current, noArgs, slots](const CallArgs& call) {
      noArgs(call);
      Stmt s = current(call.loc);
      if (auto a = s->as<Assign>())
        return slots(s, 0, a->idx.size());
      throw CompileError(call.loc, "idx(): the statement is not an assignment or a reduction");
    });
  if (name == "rhs")
    return boundMethod(name, [self, current, noArgs](const CallArgs& call) {
      noArgs(call);
      Stmt s = current(call.loc);
      if (auto a = s->as<Assign>())
        return self->wrap(expr(self->state_, s->id, {a->idx.size()}));
      if (s->as<WindowBind>())
        return self->wrap(expr(self->state_, s->id, {0}));
      throw CompileError(call.loc, "rhs(): not available on this statement");
    });
  if (name == "shape" || name == "mem" || name == "is_tensor")
    return boundMethod(name, [current, noArgs, slots, name](const CallArgs& call) {
      noArgs(call);
      Stmt s = current(call.loc);
      auto a = s->as<Alloc>();
      if (!a)
        throw CompileError(call.loc, name + "(): the statement is not an allocation");
      if (name == "mem")
        return Value::fromStr(a->mem);
      if (name == "is_tensor")
        return Value::fromBool(!a->shape.empty());
      return slots(s, 0, a->shape.size());
    });
  if (name == "args")
    return boundMethod(name, [current, noArgs, slots](const CallArgs& call) {
      noArgs(call);
      Stmt s = current(call.loc);
      auto c = s->as<Call>();
      if (!c)
        throw CompileError(call.loc, "args(): the statement is not a call");
      return slots(s, 0, c->args.size());
    });
  return std::nullopt;
}

} // namespace schedc::sched
