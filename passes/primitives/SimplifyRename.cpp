// simplify() and rename(name).
#include "passes/Simplify.h"
#include "passes/primitives/ExprPrimitives.h"

namespace schedc::sched {

void registerSimplifyAndRename(PrimitiveRegistry& registry) {
  // simplify(): normalises index arithmetic and folds constants everywhere
  // (see passes/Simplify.h for the rules); every rule is exact.
  registry.add({"simplify", {}, [](ScheduleState& state, const BoundArgs&, const CallArgs& call) {
                  state.commit(simplifyProc(state.proc(), &state.solver()), "simplify", call.loc);
                  return Value::none();
                }});

  // rename(name): the proc's new name. Inside `schedule NEW from OLD:` the
  // rename applies to the proc being built, whose name is NEW until then.
  registry.add({"rename",
                {{"name", std::nullopt}},
                [](ScheduleState& state, const BoundArgs& args, const CallArgs& call) {
                  std::string name = nameArg(args[0], args.locs[0], "rename");
                  // the result is emitted under this name: it must not
                  // replace another proc, instr or memory
                  if (name != state.proc().name &&
                      (state.module().findProc(name) || state.module().findMemory(name) ||
                       state.module().consts.count(name)))
                    refuse(args.locs[0], "rename", "'" + name + "' is already defined");
                  state.commit(renamed(state.proc(), name), "rename", call.loc);
                  return Value::none();
                }});
}

} // namespace schedc::sched
