// Runs schedc's C for the unscheduled conv1d (examples/conv1d.sched) on random
// inputs, negative values included, and compares with a C reference.
#include "conv1d.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 16, IC = 4, W = 4, OC = 16, TRIALS = 20 };

static void reference(const int32_t* data, const int32_t* kernels, int32_t* out) {
  for (int i = 0; i < OC; i++)
    for (int j = 0; j < N; j++) {
      int32_t acc = 0;
      for (int c = 0; c < IC; c++)
        for (int r = 0; r < W; r++) {
          int32_t y = j + r < N ? data[c * N + j + r] : 0;
          acc += kernels[(i * IC + c) * W + r] * y;
        }
      out[i * N + j] = acc;
    }
}

int main(void) {
  static int32_t data[IC * N], kernels[OC * IC * W], out[OC * N], expected[OC * N];
  srand(12345);
  int failures = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int k = 0; k < IC * N; k++)
      data[k] = rand() % 201 - 100;
    for (int k = 0; k < OC * IC * W; k++)
      kernels[k] = rand() % 201 - 100;
    for (int k = 0; k < OC * N; k++)
      out[k] = rand(); // the kernel must overwrite every element
    generic_conv1d(NULL, data, kernels, out);
    reference(data, kernels, expected);
    for (int k = 0; k < OC * N; k++)
      if (out[k] != expected[k]) {
        printf("trial %d: out[%d] = %d, expected %d\n", t, k, out[k], expected[k]);
        failures++;
        break;
      }
  }
  printf("%d passed, %d failed\n", TRIALS - failures, failures);
  return failures != 0;
}
