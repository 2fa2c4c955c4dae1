// Registration of the expr primitives (each primitive: legality check and rewrite side by side).
#include "passes/Scheduling.h"

namespace schedc::sched {

void registerExprPrimitives(PrimitiveRegistry& registry) {
  (void)registry;
}

} // namespace schedc::sched
