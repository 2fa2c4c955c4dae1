/* Harness of the RISC-V code-quality benchmark (bench/CMakeLists.txt): calls
 * KERNEL (a proc with the signature (ctxt, const i32*, const i32*, i32*), e.g.
 * generic_conv1d or matmul_i32) argv[1] times on fixed data and prints a
 * checksum of the output. run_rv_bench.sh counts the instructions of a run
 * with 1 call and with 1 + N calls; the difference over N is the cost of a
 * call.
 * Linked unchanged with the LLVM backend's object and with clang's object of
 * the C backend's output, so both pay the same harness. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef KERNEL
#error "compile with -DKERNEL=<proc name>"
#endif

void KERNEL(void* ctxt, const int32_t* a, const int32_t* b, int32_t* c);

enum { SIZE = 256 }; /* every operand of conv1d and matmul_i32 fits */

static int32_t a[SIZE], b[SIZE], c[SIZE];

int main(int argc, char** argv) {
  int calls = argc > 1 ? atoi(argv[argc - 1]) : 0;
  uint32_t x = 12345u;
  for (int i = 0; i < SIZE; ++i) {
    x = x * 1103515245u + 12345u;
    a[i] = (int32_t)(x >> 16) % 201 - 100;
    x = x * 1103515245u + 12345u;
    b[i] = (int32_t)(x >> 16) % 201 - 100;
  }
  for (int n = 0; n < calls; ++n)
    KERNEL(NULL, a, b, c);
  uint32_t sum = 0;
  for (int i = 0; i < SIZE; ++i)
    sum = sum * 31u + (uint32_t)c[i];
  printf("checksum %08lx\n", (unsigned long)sum);
  return 0;
}
