// Runs the hand-written RVM matmul (examples/matmul_rvm.sched) under
// qemu-riscv64 with the RVM trap emulator, on random inputs including
// negative values and int32 wrap-around, and compares it with the plain-loop
// proc from the same file and with a C reference.
#include "matmul_rvm.h"
#include "rvm_emu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S = 16, TRIALS = 20 };

static void reference(const int32_t* A, const int32_t* B, int32_t* C) {
  for (int i = 0; i < S; i++)
    for (int j = 0; j < S; j++) {
      uint32_t acc = (uint32_t)C[i * S + j];
      for (int k = 0; k < S; k++)
        acc += (uint32_t)A[i * S + k] * (uint32_t)B[j * S + k];
      C[i * S + j] = (int32_t)acc;
    }
}

static int32_t random_value(int trial) {
  // a few trials use the full int32 range so that accumulation wraps
  if (trial % 5 == 4)
    return (int32_t)((uint32_t)rand() * 2654435761u);
  return rand() % 2001 - 1000;
}

int main(void) {
  rvm_emu_install();
  static int32_t A[S * S], B[S * S], C0[S * S], C_rvm[S * S], C_ref[S * S], C_c[S * S];
  srand(2024);
  int failures = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int k = 0; k < S * S; k++) {
      A[k] = random_value(t);
      B[k] = random_value(t);
      C0[k] = random_value(t);
    }
    memcpy(C_rvm, C0, sizeof C0);
    memcpy(C_ref, C0, sizeof C0);
    memcpy(C_c, C0, sizeof C0);
    matmul_rvm(NULL, A, B, C_rvm);
    matmul_ref(NULL, A, B, C_ref);
    reference(A, B, C_c);
    if (memcmp(C_ref, C_c, sizeof C_c) != 0) {
      printf("trial %d: schedc's plain-loop matmul_ref differs from the C reference\n", t);
      failures++;
    } else if (memcmp(C_rvm, C_c, sizeof C_c) != 0) {
      for (int k = 0; k < S * S; k++)
        if (C_rvm[k] != C_c[k]) {
          printf("trial %d: C[%d][%d] = %d, expected %d\n", t, k / S, k % S, C_rvm[k], C_c[k]);
          break;
        }
      failures++;
    }
  }
  printf("RVM instructions emulated: %u\n", rvm_emu_trap_count());
  printf("%d passed, %d failed\n", TRIALS - failures, failures);
  return failures != 0;
}
