// Calls the window-taking procs of window_abi.sched as compiled by the C
// backend and by the LLVM backend (symbols renamed llvm_*), with the same
// window structs (row strides other than the width), and compares the results
// bit for bit.
#include "window_abi.h"

#include <stdio.h>
#include <string.h>

extern __typeof__(scale_row) llvm_scale_row;
extern __typeof__(add_tile) llvm_add_tile;
extern __typeof__(tiles) llvm_tiles;

static unsigned state = 7;
static int next(void) {
  state = state * 1103515245u + 12345u;
  return (int)(state >> 8);
}

int main(void) {
  int failures = 0;
  for (int t = 0; t < 10; t++) {
    static float rows[2][40];
    static int32_t big[2][10 * 12], X[2][64], Y[2][64];
    for (int i = 0; i < 40; i++)
      rows[0][i] = (float)(next() % 2001 - 1000) / 37.0f;
    for (int i = 0; i < 120; i++)
      big[0][i] = next();
    for (int i = 0; i < 64; i++)
      X[0][i] = next(), Y[0][i] = next();
    memcpy(rows[1], rows[0], sizeof rows[0]);
    memcpy(big[1], big[0], sizeof big[0]);
    memcpy(X[1], X[0], sizeof X[0]);
    memcpy(Y[1], Y[0], sizeof Y[0]);
    float s = 1.5f + (float)t;
    for (int v = 0; v < 2; v++) {
      // every third element of rows, then 4x4 tiles of a 10x12 matrix
      struct schedc_win_1f32 row = {rows[v] + 1, {3}};
      struct schedc_win_2i32 dst = {big[v] + 12 + 2, {12, 1}};
      struct schedc_win_2i32c src = {big[v] + 5 * 12 + 7, {12, 1}};
      if (v == 0) {
        scale_row(NULL, 12, row, &s, t % 2);
        add_tile(NULL, dst, t % 4, src);
        tiles(NULL, X[v], Y[v]);
      } else {
        llvm_scale_row(NULL, 12, row, &s, t % 2);
        llvm_add_tile(NULL, dst, t % 4, src);
        llvm_tiles(NULL, X[v], Y[v]);
      }
    }
    if (memcmp(rows[0], rows[1], sizeof rows[0]) || memcmp(big[0], big[1], sizeof big[0]) ||
        memcmp(Y[0], Y[1], sizeof Y[0])) {
      printf("trial %d: the backends differ\n", t);
      failures++;
    }
  }
  printf("window ABI: %d passed, %d failed\n", 10 - failures, failures);
  return failures != 0;
}
