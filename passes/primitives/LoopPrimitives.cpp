// Registration of the loop primitives (each primitive: legality check and rewrite side by side).
#include "passes/Scheduling.h"

namespace schedc::sched {

void registerLoopPrimitives(PrimitiveRegistry& registry) {
  (void)registry;
}

} // namespace schedc::sched
