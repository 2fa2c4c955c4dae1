// Cursors: a schedule's handles on places in the proc it rewrites (Exo's
// cursors). They name statements by identity (StmtNode::id), so a cursor taken
// before a directive still finds its statement afterwards; a cursor whose
// statement was removed is invalid, and using it is a located error.
#pragma once

#include "passes/Scheduling.h"

namespace schedc::sched {

class Cursor : public Object {
public:
  enum class Kind { Stmt, Block, Gap, Expr, Invalid };

  Cursor(ScheduleState& state, Kind kind) : state_(state), kind_(kind) {}

  static std::shared_ptr<Cursor> stmt(ScheduleState& state, uint64_t id);
  static std::shared_ptr<Cursor> block(ScheduleState& state, std::vector<uint64_t> ids);
  static std::shared_ptr<Cursor> gap(ScheduleState& state, uint64_t anchor, bool after);
  static std::shared_ptr<Cursor> expr(ScheduleState& state, uint64_t id, std::vector<size_t> path);
  static std::shared_ptr<Cursor> invalid(ScheduleState& state, std::string why);

  Kind kind() const { return kind_; }

  // Where the cursor points in the current proc; nullopt when its statement
  // no longer exists (or the cursor is of another kind).
  std::optional<Path> stmtPath() const; // Stmt, and the statement of an Expr
  std::optional<BlockRange> blockRange() const;
  std::optional<Gap> gapPosition() const;
  std::optional<ExprRef> exprRef() const;

  // Throws a located error explaining why the cursor does not resolve.
  [[noreturn]] void failStale(const SrcLoc& loc, const std::string& directive) const;

  std::string typeName() const override;
  std::string repr() const override;
  bool equals(const Object& other) const override;
  Value getAttribute(const std::string& name, const SrcLoc& loc) override;
  std::optional<int64_t> length() const override;
  Value getItem(const Value& index, const SrcLoc& loc) override;
  Value getSlice(std::optional<int64_t> lo, std::optional<int64_t> hi, const SrcLoc& loc) override;

private:
  Path requirePath(const SrcLoc& loc) const;
  std::optional<Value> exprAttribute(const std::string& name, const SrcLoc& loc);
  std::optional<Value> stmtQuery(const std::string& name, const SrcLoc& loc);
  Value wrap(std::shared_ptr<Cursor> c) const { return Value::fromObject(std::move(c)); }

  ScheduleState& state_;
  Kind kind_;
  std::vector<uint64_t> ids_; // Stmt: one; Block: in order; Gap/Expr: the anchor
  bool after_ = false;        // Gap: after the anchor (else before)
  std::vector<size_t> path_;  // Expr
  std::string why_;           // Invalid
};

} // namespace schedc::sched
