// Calls asm_holes (tests/llvm/asm_holes.sched, compiled by the LLVM backend
// for the host): the instr's asm: form must see n and the strides of its
// window in elements and bytes.
#include "asm_holes.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  int32_t dst[2] = {-1, -1}, m[12] = {0};
  int64_t value;
  asm_holes(NULL, dst, m, 1000);
  memcpy(&value, dst, sizeof value);
  if (value != 1016) {
    printf("asm_holes: dst = %lld, expected 1016\n", (long long)value);
    return 1;
  }
  printf("asm_holes: ok\n");
  return 0;
}
