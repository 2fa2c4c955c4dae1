// The consumer of the installed schedc package: runs the two kernels that
// schedc_add_kernel built from kernels/scale.sched (scale_c through C,
// scale_obj as a host object from schedc's LLVM backend) on full-range random
// words, whose products and sums overflow, and compares them with a C
// reference. (conv1d runs in the repository's tests/run/conv1d_main.c.)
#include "scale_c.h"
#include "scale_obj.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { LEN = 64, FACTOR = 3, TRIALS = 20 };

// y = FACTOR * x + y modulo 2^32 (schedc's integers wrap around).
static void reference(const int32_t* x, int32_t* y) {
  for (int i = 0; i < LEN; i++)
    y[i] = (int32_t)((uint32_t)FACTOR * (uint32_t)x[i] + (uint32_t)y[i]);
}

static int32_t random_word(void) {
  return (int32_t)(((uint32_t)rand() << 16) ^ (uint32_t)rand());
}

static int differs(const char* kernel, int trial, const int32_t* got, const int32_t* expected) {
  for (int k = 0; k < LEN; k++)
    if (got[k] != expected[k]) {
      printf("%s, trial %d: y[%d] = %" PRId32 ", expected %" PRId32 "\n", kernel, trial, k, got[k],
             expected[k]);
      return 1;
    }
  return 0;
}

int main(void) {
  static int32_t x[LEN], y_obj[LEN], y_c[LEN], expected[LEN];
  srand(12345);
  int failures = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int k = 0; k < LEN; k++) {
      x[k] = random_word();
      y_obj[k] = y_c[k] = expected[k] = random_word();
    }
    scale_obj(NULL, x, y_obj);
    scale_c(NULL, x, y_c);
    reference(x, expected);
    failures += differs("scale_obj", t, y_obj, expected);
    failures += differs("scale_c", t, y_c, expected);
  }
  printf("consumer: %d kernel runs passed, %d failed\n", 2 * TRIALS - failures, failures);
  return failures != 0;
}
