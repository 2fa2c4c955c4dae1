// Runs the RVM conv1d of examples/conv1d_rvm.sched (the blog's schedule,
// compiled as written) under qemu-riscv64 with the RVM trap emulator, on
// random inputs including negative values and int32 wrap-around, and compares
// it with the unscheduled generic_conv1d from the same file and with a C
// reference.
#include "conv1d_rvm.h"
#include "rvm_emu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 16, IC = 4, W = 4, OC = 16, TRIALS = 24 };

static void reference(const int32_t* data, const int32_t* kernels, int32_t* out) {
  for (int i = 0; i < OC; i++)
    for (int j = 0; j < N; j++) {
      uint32_t acc = 0;
      for (int c = 0; c < IC; c++)
        for (int r = 0; r < W; r++) {
          uint32_t y = j + r < N ? (uint32_t)data[c * N + j + r] : 0;
          acc += (uint32_t)kernels[(i * IC + c) * W + r] * y;
        }
      out[i * N + j] = (int32_t)acc;
    }
}

static int32_t random_value(int trial) {
  // every fifth trial uses the whole int32 range, so the sums wrap around
  if (trial % 5 == 4)
    return (int32_t)((uint32_t)rand() * 2654435761u);
  return rand() % 2001 - 1000;
}

int main(void) {
  rvm_emu_install();
  static int32_t data[IC * N], kernels[OC * IC * W];
  static int32_t out_rvm[OC * N], out_generic[OC * N], out_c[OC * N];
  srand(1234);
  int failures = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int k = 0; k < IC * N; k++)
      data[k] = random_value(t);
    for (int k = 0; k < OC * IC * W; k++)
      kernels[k] = random_value(t);
    // garbage in the outputs: the kernels must overwrite every element
    for (int k = 0; k < OC * N; k++)
      out_rvm[k] = out_generic[k] = out_c[k] = random_value(t);
    exo_conv1d_tile_lt_kw(NULL, data, kernels, out_rvm);
    generic_conv1d(NULL, data, kernels, out_generic);
    reference(data, kernels, out_c);
    if (memcmp(out_generic, out_c, sizeof out_c) != 0) {
      printf("trial %d: schedc's generic_conv1d differs from the C reference\n", t);
      failures++;
    } else if (memcmp(out_rvm, out_c, sizeof out_c) != 0) {
      for (int k = 0; k < OC * N; k++)
        if (out_rvm[k] != out_c[k]) {
          printf("trial %d: out[%d][%d] = %d, expected %d\n", t, k / N, k % N, out_rvm[k],
                 out_c[k]);
          break;
        }
      failures++;
    }
  }
  printf("RVM instructions emulated: %u\n", rvm_emu_trap_count());
  printf("%d passed, %d failed\n", TRIALS - failures, failures);
  return failures != 0;
}
