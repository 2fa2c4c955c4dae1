// delete_pass(pass_cursor=None)
//
// Exo's delete_pass(): deletes every `pass` statement of the proc, and with
// it every loop left with nothing to do (and every if whose branches both
// became empty). Given a cursor to one `pass` (an extension of Exo's
// signature), deletes that statement only, with the loops around it whose
// whole body it is. A block left empty keeps a single `pass`.
//
// Always legal: `pass` does nothing, neither does a loop of nothing, and
// conditions and loop bounds have no effects.
//
// Forwarding: every remaining statement keeps its identity. Returns None.
#include "ir/IRMutator.h"
#include "passes/primitives/LoopPrimitives.h"
#include "passes/primitives/LoopRewrite.h"

namespace schedc::sched {

static const char* const kDirective = "delete_pass";

// `block` without its passes and the statements that only held passes.
static Block withoutPasses(const Block& block) {
  Block out;
  for (const Stmt& s : block) {
    if (s->as<Pass>())
      continue;
    if (const For* loop = s->as<For>()) {
      Block body = withoutPasses(loop->body);
      if (body.empty())
        continue;
      out.push_back(sameNodes(body, loop->body) ? s : withBlock(s, Branch::Body, body));
    } else if (const If* branch = s->as<If>()) {
      Block body = withoutPasses(branch->body), orelse = withoutPasses(branch->orelse);
      if (body.empty() && orelse.empty())
        continue;
      if (sameNodes(body, branch->body) && sameNodes(orelse, branch->orelse)) {
        out.push_back(s);
        continue;
      }
      if (body.empty())
        body.push_back(Pass::make(s->loc)); // an if needs a body; its else may be empty
      out.push_back(
          keepIdentity(If::make(branch->cond, std::move(body), std::move(orelse), s->loc), *s));
    } else {
      out.push_back(s);
    }
  }
  return out;
}

static Value deletePass(ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
  ProcPtr current = state.procPtr(); // stays alive across commit()
  const Proc& proc = *current;
  if (args[0].isNone()) {
    Block body = withoutPasses(proc.body);
    if (body.empty())
      body.push_back(Pass::make(proc.loc));
    state.commit(withBody(proc, std::move(body)), kDirective, call.loc);
    return Value::none();
  }
  Path path = stmtArg(state, args[0], args.locs[0], kDirective);
  const Stmt& stmt = stmtAt(proc, path);
  if (!stmt->as<Pass>())
    refuse(args.locs[0], kDirective, "expected a pass statement, got:", {stmt});
  // A loop whose whole body is the pass goes with it.
  while (path.size() > 1) {
    const Stmt& parent = stmtAt(proc, parentPath(path));
    const For* loop = parent->as<For>();
    if (!loop || loop->body.size() != 1)
      break;
    path = parentPath(path);
  }
  size_t at = path.back().index;
  state.commit(replaceInBlock(proc, blockOf(path), at, at + 1, {}), kDirective, call.loc);
  return Value::none();
}

PrimitiveSpec deletePassPrimitive() {
  return PrimitiveSpec{"delete_pass", {{"pass_cursor", Value::none()}}, deletePass};
}

} // namespace schedc::sched
