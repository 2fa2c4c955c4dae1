// Registration of the order primitives (each primitive: legality check and rewrite side by side).
#include "passes/Scheduling.h"

namespace schedc::sched {

void registerOrderPrimitives(PrimitiveRegistry& registry) {
  (void)registry;
}

} // namespace schedc::sched
