// Registration of the proc-level primitives (each primitive: legality check
// and rewrite side by side, in passes/primitives/<Name>.cpp).
#include "passes/primitives/ProcPrimitives.h"

namespace schedc::sched {

void registerProcPrimitives(PrimitiveRegistry& registry) {
  registry.add(stageMemPrimitive());
  registry.add(replacePrimitive());
  registry.add(inlinePrimitive());
  registry.add(callEqvPrimitive());
  registry.add(extractSubprocPrimitive());
  registry.add(makeInstrPrimitive());
}

} // namespace schedc::sched
