// Registration of the loop primitives (each primitive: legality check and
// rewrite side by side, in passes/primitives/<Name>.cpp).
#include "passes/primitives/LoopPrimitives.h"

namespace schedc::sched {

void registerLoopPrimitives(PrimitiveRegistry& registry) {
  registry.add(divideLoopPrimitive());
  registry.add(divideWithRecomputePrimitive());
  registry.add(multLoopsPrimitive());
  registry.add(joinLoopsPrimitive());
  registry.add(cutLoopPrimitive());
  registry.add(shiftLoopPrimitive());
  registry.add(unrollLoopPrimitive());
  registry.add(addLoopPrimitive());
  registry.add(specializePrimitive());
  registry.add(insertPassPrimitive());
  registry.add(deletePassPrimitive());
  registry.add(eliminateDeadCodePrimitive());
}

} // namespace schedc::sched
