/* Shared by the RVM self-tests (emu_selftest.c, template_check.c and the
 * bare-metal emu_selftest_bm.c): a pass/fail counter and deterministic data.
 * Define SELFTEST_SEED before including it to choose the data. */
#ifndef SCHEDC_RVM_SELFTEST_UTIL_H
#define SCHEDC_RVM_SELFTEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef SELFTEST_SEED
#define SELFTEST_SEED 0x12345678u
#endif

static int n_passed, n_failed;

static void check(int ok, const char* what) {
  if (ok) {
    ++n_passed;
  } else {
    ++n_failed;
    printf("FAIL: %s\n", what);
  }
}

static uint32_t rng_state = SELFTEST_SEED;

static uint32_t rnd(void) { /* xorshift32 */
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

/* `bytes` (a multiple of 4) of random words at p. */
static inline void fill_words(void* p, size_t bytes) {
  unsigned char* b = p;
  for (size_t i = 0; i < bytes; i += 4) {
    uint32_t v = rnd();
    memcpy(b + i, &v, 4);
  }
}

#endif
