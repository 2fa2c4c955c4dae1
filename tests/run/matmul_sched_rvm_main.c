// Runs the matmuls scheduled onto RVM from a plain algorithm under
// qemu-riscv64 with the RVM trap emulator, and compares it with the
// unscheduled proc from the same file and with a C reference, on random
// inputs with negative values and int32 wrap-around. Built twice:
//   (default)    examples/matmul_i32_rvm.sched (matmul_i32_rvm and the 2x2
//                register-blocked matmul_i32_rvm_2x2): int32 A, B, C; a third
//                of the trials use the full int32 range, so products and sums
//                wrap;
//   -DMATMUL_I8  examples/matmul_i8_rvm.sched (matmul_i8_rvm and
//                matmul_i8_rvm_resident_b): int8 A, B, int32 C; the full int8
//                range, -128 * -128 everywhere, C near the int32 limits.
// Also checks that nothing around C is written, that A and B are left alone,
// and the number of RVM instructions per call (the shape of the schedule).
#include "rvm_emu.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { S = 16, T = S / 4, TRIALS = 24, GUARD = 16 };

#ifdef MATMUL_I8
#include "matmul_i8_rvm.h"
typedef int8_t elem;
#define ALGORITHM matmul_i8
#else
#include "matmul_i32_rvm.h"
typedef int32_t elem;
#define ALGORITHM matmul_i32
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

static const struct kernel {
  const char* name;
  void (*run)(void* ctxt, const elem* A, const elem* B, int32_t* C);
  uint32_t rvm_per_call;
} kernels[] = {
#ifdef MATMUL_I8
    // per row of output tiles: one int8 load of A; per output tile: a load,
    // an int8 load of B, one mmaqa.b (all of k) and a store
    {"matmul_i8_rvm", matmul_i8_rvm, T*(1 + T * 4)},
    // four int8 loads of B in all, one of A per row of output tiles; per
    // output tile: a load, one mmaqa.b and a store
    {"matmul_i8_rvm_resident_b", matmul_i8_rvm_resident_b, T + T*(1 + T * 3)},
#else
    // per output tile: a load and a store; per k tile: two loads, one mmasa.w
    {"matmul_i32_rvm", matmul_i32_rvm, T* T*(2 + T * 3)},
    // per 2x2 block of output tiles: 4 loads and 4 stores; per k tile: 4
    // loads and 4 mmasa.w
    {"matmul_i32_rvm_2x2", matmul_i32_rvm_2x2, (T / 2) * (T / 2) * (8 + T * 8)},
#endif
};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

static uint32_t rng = 0x9e3779b9u;

static uint32_t next(void) { // xorshift32
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static elem random_elem(int trial) {
#ifdef MATMUL_I8
  if (trial == 0)
    return -128; // the largest product, 16384, everywhere
  if (trial == 1)
    return (next() & 1) ? -128 : 127;
  return (int8_t)(next() & 0xffu);
#else
  if (trial % 3 == 2) // full range: products and sums wrap around
    return (int32_t)next();
  return (int32_t)(next() % 2001u) - 1000;
#endif
}

static int32_t random_c(int trial) {
#ifdef MATMUL_I8
  if (trial < 2 || trial % 3 == 2) // near the limits: sums wrap around
    return (int32_t)(((next() & 1) ? 0x7fff0000u : 0x80000000u) + (next() & 0xffffu));
  return (int32_t)(next() % 200001u) - 100000;
#else
  return random_elem(trial);
#endif
}

// C += A * B^T with int32 wrap-around (computed in uint32_t); the products of
// int8 operands are exact in int32.
static void reference(const elem* A, const elem* B, int32_t* C) {
  for (int i = 0; i < S; i++)
    for (int j = 0; j < S; j++) {
      uint32_t acc = (uint32_t)C[i * S + j];
      for (int k = 0; k < S; k++)
        acc += (uint32_t)A[i * S + k] * (uint32_t)B[j * S + k];
      C[i * S + j] = (int32_t)acc;
    }
}

static int32_t canary(int k) {
  return (int32_t)(0x5a5a0000u + (uint32_t)k);
}

// Runs kernel `kn` on the trial's inputs; returns 1 when it is right.
static int check_kernel(int t, const struct kernel* kn, const elem* A, const elem* B,
                        const int32_t* C0, const int32_t* C_ref) {
  static elem A0[S * S], B0[S * S];
  static int32_t C[GUARD + S * S + GUARD];
  memcpy(A0, A, sizeof A0);
  memcpy(B0, B, sizeof B0);
  for (int k = 0; k < GUARD + S * S + GUARD; k++)
    C[k] = canary(k);
  memcpy(C + GUARD, C0, S * S * sizeof *C0);
  uint32_t before = rvm_emu_trap_count();
  kn->run(NULL, A, B, C + GUARD);
  uint32_t traps = rvm_emu_trap_count() - before;
  for (int k = 0; k < S * S; k++)
    if (C[GUARD + k] != C_ref[k]) {
      printf("trial %d: %s: C[%d][%d] = %d, expected %d\n", t, kn->name, k / S, k % S, C[GUARD + k],
             C_ref[k]);
      return 0;
    }
  for (int k = 0; k < GUARD; k++)
    if (C[k] != canary(k) || C[GUARD + S * S + k] != canary(GUARD + S * S + k)) {
      printf("trial %d: %s wrote outside C\n", t, kn->name);
      return 0;
    }
  if (memcmp(A, A0, sizeof A0) != 0 || memcmp(B, B0, sizeof B0) != 0) {
    printf("trial %d: %s modified A or B\n", t, kn->name);
    return 0;
  }
  if (traps != kn->rvm_per_call) {
    printf("trial %d: %s: %u RVM instructions, expected %u\n", t, kn->name, traps,
           kn->rvm_per_call);
    return 0;
  }
  return 1;
}

int main(void) {
  rvm_emu_install();
  static elem A[S * S], B[S * S];
  static int32_t C0[S * S], C_ref[S * S], C_alg[S * S];
  int failures = 0, runs = 0, wrapped = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int k = 0; k < S * S; k++) {
      A[k] = random_elem(t);
      B[k] = random_elem(t);
      C0[k] = random_c(t);
    }
    memcpy(C_alg, C0, sizeof C0);
    memcpy(C_ref, C0, sizeof C0);
    reference(A, B, C_ref);
    ALGORITHM(NULL, A, B, C_alg);
    for (int i = 0; i < S; i++)
      for (int j = 0; j < S; j++) {
        int64_t exact = C0[i * S + j];
        for (int k = 0; k < S; k++)
          exact += (int64_t)A[i * S + k] * B[j * S + k];
        wrapped += exact != (int32_t)exact;
      }
    runs++;
    if (memcmp(C_alg, C_ref, sizeof C_ref) != 0) {
      printf("trial %d: the unscheduled " STR(ALGORITHM) " differs from the C reference\n", t);
      failures++;
    }
    for (int n = 0; n < NKERNELS; n++) {
      runs++;
      failures += !check_kernel(t, &kernels[n], A, B, C0, C_ref);
    }
  }
  for (int n = 0; n < NKERNELS; n++)
    printf("%s %dx%dx%d: %u RVM instructions per call\n", kernels[n].name, S, S, S,
           kernels[n].rvm_per_call);
  printf("%d trials, %d results wrapped around int32\n", TRIALS, wrapped);
  printf("%d passed, %d failed\n", runs - failures, failures);
  return failures != 0;
}
