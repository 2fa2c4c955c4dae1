// set_precision(cursor, typ)
//
//   y: OLD[shape]   ->   y: NEW[shape]   (every access to y, and to windows
//                                         bound to it, now has type NEW)
//
// Exo changes the type unchecked; here the rewrite must not change any value
// computed, so it is accepted only when both types store every value alike
// in generated code: the same type, or `R` (a real whose precision is chosen
// later, emitted as C float) and `f32`. Any other change (narrowing,
// widening an integer that may wrap, int <-> float) is refused.
//
// Only allocations: changing an argument would change the proc's signature.
// Forwarding: every statement keeps its identity. Returns nothing.
#include "ir/IRMutator.h"
#include "passes/primitives/BufferPrimitives.h"

#include <set>

namespace schedc::sched {

static const char* const kDirective = "set_precision";

namespace {

// Types whose values are stored and computed identically in generated code.
bool storedAlike(ScalarType a, ScalarType b) {
  auto isCFloat = [](ScalarType t) { return t == ScalarType::R || t == ScalarType::F32; };
  return a == b || (isCFloat(a) && isCFloat(b));
}

// Gives one buffer, and the windows bound to it, a new element type.
class Retype : public IRMutator {
public:
  Retype(const Sym& buffer, ScalarType type) : type_(type) { names_.insert(buffer.id()); }

protected:
  Expr visitRead(const Read* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitRead(e, self);
    if (!names_.count(e->name.id()))
      return rebuilt;
    const auto* read = rebuilt->as<Read>();
    return Read::make(read->name, read->idx, type_, read->loc);
  }
  Expr visitWindow(const WindowExpr* e, const Expr& self) override {
    Expr rebuilt = IRMutator::visitWindow(e, self);
    if (!names_.count(e->name.id()))
      return rebuilt;
    const auto* window = rebuilt->as<WindowExpr>();
    return WindowExpr::make(window->name, window->idx, type_, window->loc);
  }
  Block visitAssign(const Assign* s, const Stmt& self) override {
    if (!names_.count(s->name.id()))
      return IRMutator::visitAssign(s, self);
    auto idx = mutateExprs(s->idx);
    Expr rhs = mutate(s->rhs);
    Stmt rebuilt = s->isReduce() ? Assign::makeReduce(s->name, type_, idx, rhs, s->loc)
                                 : Assign::make(s->name, type_, idx, rhs, s->loc);
    return {keepIdentity(std::move(rebuilt), *s)};
  }
  Block visitWindowBind(const WindowBind* s, const Stmt& self) override {
    if (const auto* w = s->rhs->as<WindowExpr>(); w && names_.count(w->name.id()))
      names_.insert(s->name.id());
    return IRMutator::visitWindowBind(s, self);
  }
  Block visitAlloc(const Alloc* s, const Stmt& self) override {
    if (!names_.count(s->name.id()))
      return IRMutator::visitAlloc(s, self);
    return {keepIdentity(Alloc::make(s->name, type_, mutateExprs(s->shape), s->mem, s->loc), *s)};
  }

private:
  ScalarType type_;
  std::set<uint64_t> names_;
};

} // namespace

static Value setPrecision(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = allocArg(state, args[0], args.locs[0], kDirective);
  const std::string& typeText = args[1].requireStr(args.locs[1], "typ");
  std::optional<ScalarType> type = parseTypeName(typeText);
  if (!type || !isNumeric(*type))
    refuse(args.locs[1], kDirective,
           "expected a data type (i8, i32, f32, ...), got '" + typeText + "'");

  ProcPtr current = state.procPtr();
  const Stmt& stmt = stmtAt(*current, path);
  const Alloc* alloc = stmt->as<Alloc>();
  if (!storedAlike(alloc->type, *type))
    refuse(call.loc, kDirective,
           "changing '" + alloc->name.name() + "' from " + typeName(alloc->type) + " to " +
               typeName(*type) + " could change the values it holds",
           {stmt});

  Retype retype(alloc->name, *type);
  state.commit(withBody(*current, retype.mutateBlock(current->body)), kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec setPrecisionPrimitive() {
  return PrimitiveSpec{
      "set_precision", {{"cursor", std::nullopt}, {"typ", std::nullopt}}, setPrecision};
}

} // namespace schedc::sched
