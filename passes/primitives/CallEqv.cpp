// call_eqv(call_cursor, eqv_proc)
//
//   f(args)   ->   g(args)
//
// Switches a call to another proc that computes the same thing. Here "the
// same" is decided structurally: g must take the same parameters (types,
// shapes and memories, paired by position; names may differ), have the same
// asserts, and the same body up to the renaming of bound names
// (ir/Equality.h). Then the call runs the very same code on the same
// arguments. Instrs are compared the same way (their body is their meaning).
//
// Forwarding: the call keeps its identity. Returns nothing.
#include "ir/Equality.h"
#include "ir/Printer.h"
#include "passes/primitives/ProcPrimitives.h"

namespace schedc::sched {

static const char* const kDirective = "call_eqv";

// Why `a` and `b` are not interchangeable, or nothing.
static std::optional<std::string> whyNotEquivalent(const Proc& a, const Proc& b) {
  if (a.args.size() != b.args.size())
    return "'" + a.name + "' takes " + std::to_string(a.args.size()) + " argument(s), '" + b.name +
           "' " + std::to_string(b.args.size());
  SymMap pairing;
  for (size_t i = 0; i < a.args.size(); ++i) {
    const FnArg &x = a.args[i], &y = b.args[i];
    bool shapesEqual = x.shape.size() == y.shape.size();
    for (size_t d = 0; shapesEqual && d < x.shape.size(); ++d)
      shapesEqual = exprsEqual(x.shape[d], y.shape[d], pairing);
    if (x.type != y.type || x.isWindow != y.isWindow || x.mem != y.mem || !shapesEqual)
      return "argument " + std::to_string(i + 1) + " differs: '" + printArg(x) + "' vs '" +
             printArg(y) + "'";
    pairing.bind(x.name, y.name);
  }
  if (a.preds.size() != b.preds.size())
    return "their asserts differ";
  for (size_t i = 0; i < a.preds.size(); ++i)
    if (!exprsEqual(a.preds[i], b.preds[i], pairing))
      return "their asserts differ: '" + printExpr(a.preds[i]) + "' vs '" + printExpr(b.preds[i]) +
             "'";
  std::string why;
  if (!blocksEqual(a.body, b.body, pairing, &why))
    return "their bodies differ: " + why;
  return std::nullopt;
}

static Value callEqv(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  Path path = stmtArg(state, args[0], args.locs[0], kDirective);
  ProcPtr replacement = procArg(state, args[1], args.locs[1], kDirective);
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  const Stmt& stmt = stmtAt(proc, path);
  const Call* c = stmt->as<Call>();
  if (!c)
    refuse(args.locs[0], kDirective, "expected a call, got " + printStmt(stmt), {stmt});
  if (auto why = whyNotEquivalent(*c->callee, *replacement))
    refuse(call.loc, kDirective,
           "'" + replacement->name + "' is not equivalent to '" + c->callee->name + "': " + *why,
           {stmt});
  Stmt switched = keepIdentity(Call::make(replacement, c->args, c->loc), *stmt);
  state.commit(replaceStmt(proc, path, {std::move(switched)}), kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec callEqvPrimitive() {
  return PrimitiveSpec{
      "call_eqv", {{"call_cursor", std::nullopt}, {"eqv_proc", std::nullopt}}, callEqv};
}

} // namespace schedc::sched
