// Runs one proc compiled twice, by the C backend (gcc) and by the LLVM backend
// (its object's symbol renamed to llvm_PROC), on the same random inputs and
// compares every output bit for bit (floats included: both are strict).
// Build: -DPROC=<proc> -DKIND_<kind> -include <C backend header>.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
extern __typeof__(PROC) CAT(llvm_, PROC);

enum { TRIALS = 20 };

static uint32_t state = 12345;
static uint32_t next(void) {
  state = state * 1664525u + 1013904223u;
  return state;
}
// Integers over the whole range (products wrap) or small ones.
static __attribute__((unused)) void fill_i32(int32_t* p, int n, int wide) {
  for (int i = 0; i < n; i++)
    p[i] = wide ? (int32_t)next() : (int32_t)(next() % 201) - 100;
}
static __attribute__((unused)) void fill_i8(int8_t* p, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (int8_t)next();
}
static __attribute__((unused)) void fill_f32(float* p, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (float)((int32_t)(next() % 20001) - 10000) / 977.0f;
}
static __attribute__((unused)) void fill_f64(double* p, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (double)((int32_t)(next() % 20001) - 10000) / 977.0;
}

static int failures = 0; // outputs that differ, over all trials
static void compare(const char* what, const void* a, const void* b, size_t bytes, int trial) {
  if (memcmp(a, b, bytes) != 0) {
    const unsigned char* x = a;
    const unsigned char* y = b;
    size_t k = 0;
    while (x[k] == y[k])
      k++;
    printf("trial %d: %s differs at byte %zu (C %02x, LLVM %02x)\n", trial, what, k, x[k], y[k]);
    failures++;
  }
}

// Two copies of every buffer: [0] for the C backend, [1] for LLVM.
#define BUF(type, name, n) static type name[2][n]
#define SAME(name) memcpy(name[1], name[0], sizeof name[0])
#define CHECK(name) compare(#name, name[0], name[1], sizeof name[0], t)

int main(void) {
  for (int t = 0; t < TRIALS; t++) {
#if defined(KIND_CONV1D)
    BUF(int32_t, data, 4 * 16);
    BUF(int32_t, kernels, 16 * 4 * 4);
    BUF(int32_t, out, 16 * 16);
    fill_i32(data[0], 4 * 16, t % 2);
    fill_i32(kernels[0], 16 * 4 * 4, t % 2);
    fill_i32(out[0], 16 * 16, 1);
    SAME(data), SAME(kernels), SAME(out);
    PROC(NULL, data[0], kernels[0], out[0]);
    CAT(llvm_, PROC)(NULL, data[1], kernels[1], out[1]);
    CHECK(out);
#elif defined(KIND_MATMUL_I32)
    BUF(int32_t, A, 256);
    BUF(int32_t, B, 256);
    BUF(int32_t, C, 256);
    fill_i32(A[0], 256, t % 2), fill_i32(B[0], 256, t % 2), fill_i32(C[0], 256, 1);
    SAME(A), SAME(B), SAME(C);
    PROC(NULL, A[0], B[0], C[0]);
    CAT(llvm_, PROC)(NULL, A[1], B[1], C[1]);
    CHECK(C);
#elif defined(KIND_MATMUL_I8)
    BUF(int8_t, A, 256);
    BUF(int8_t, B, 256);
    BUF(int32_t, C, 256);
    fill_i8(A[0], 256), fill_i8(B[0], 256), fill_i32(C[0], 256, 1);
    SAME(A), SAME(B), SAME(C);
    PROC(NULL, A[0], B[0], C[0]);
    CAT(llvm_, PROC)(NULL, A[1], B[1], C[1]);
    CHECK(C);
#elif defined(KIND_GEMV)
    enum { M = 24, N = 12 };
    BUF(float, A, M* N);
    BUF(float, x, N);
    BUF(float, y, M);
    fill_f32(A[0], M * N), fill_f32(x[0], N), fill_f32(y[0], M);
    SAME(A), SAME(x), SAME(y);
    PROC(NULL, M, N, A[0], x[0], y[0]);
    CAT(llvm_, PROC)(NULL, M, N, A[1], x[1], y[1]);
    CHECK(y);
#elif defined(KIND_SGEMM)
    enum { M = 8, N = 32, K = 7 };
    BUF(float, A, M* K);
    BUF(float, B, K* N);
    BUF(float, C, M* N);
    fill_f32(A[0], M * K), fill_f32(B[0], K * N), fill_f32(C[0], M * N);
    SAME(A), SAME(B), SAME(C);
    PROC(NULL, M, N, K, A[0], B[0], C[0]);
    CAT(llvm_, PROC)(NULL, M, N, K, A[1], B[1], C[1]);
    CHECK(C);
#elif defined(KIND_NARROW)
    BUF(int8_t, a, 16);
    BUF(int8_t, b, 16);
    BUF(uint8_t, u, 16);
    BUF(int16_t, h, 16);
    BUF(int32_t, w, 16);
    BUF(int8_t, o8, 16);
    BUF(uint8_t, ou, 16);
    BUF(int16_t, o16, 16);
    BUF(int32_t, o32, 16);
    fill_i8(a[0], 16), fill_i8(b[0], 16), fill_i8((int8_t*)u[0], 16);
    fill_i32(w[0], 16, 1);
    for (int i = 0; i < 16; i++)
      h[0][i] = (int16_t)next();
    SAME(a), SAME(b), SAME(u), SAME(h), SAME(w);
    PROC(NULL, a[0], b[0], u[0], h[0], w[0], o8[0], ou[0], o16[0], o32[0]);
    CAT(llvm_, PROC)(NULL, a[1], b[1], u[1], h[1], w[1], o8[1], ou[1], o16[1], o32[1]);
    CHECK(o8), CHECK(ou), CHECK(o16), CHECK(o32);
#elif defined(KIND_CONTROL)
    enum { N = 20 };
    BUF(float, x, N);
    BUF(double, y, N);
    BUF(int32_t, k, N);
    BUF(float, out, N);
    BUF(double, out64, N);
    BUF(int32_t, ok, N);
    fill_f32(x[0], N), fill_f64(y[0], N), fill_i32(k[0], N, 0);
    k[0][3] = 4, k[0][5] = 7; // k / 4 == 1
    SAME(x), SAME(y), SAME(k);
    PROC(NULL, N, x[0], y[0], k[0], t % 2, out[0], out64[0], ok[0]);
    CAT(llvm_, PROC)(NULL, N, x[1], y[1], k[1], t % 2, out[1], out64[1], ok[1]);
    CHECK(out), CHECK(out64), CHECK(ok);
#elif defined(KIND_ALLOCS)
    enum { N = 40 };
    BUF(int32_t, x, N);
    BUF(int32_t, out, N);
    BUF(int32_t, big, 2048);
    fill_i32(x[0], N, 1), fill_i32(big[0], 2048, 1);
    SAME(x), SAME(big);
    PROC(NULL, N, x[0], out[0], big[0]);
    CAT(llvm_, PROC)(NULL, N, x[1], out[1], big[1]);
    CHECK(out);
#elif defined(KIND_WINDOWS)
    enum { N = 9 };
    BUF(float, A, N * 8);
    BUF(int32_t, X, 64);
    BUF(int32_t, Y, 64);
    BUF(float, col, 8);
    float s = 1.0f + (float)(t % 5) / 3.0f;
    fill_f32(A[0], N * 8), fill_i32(X[0], 64, 1), fill_i32(Y[0], 64, 1);
    SAME(A), SAME(X), SAME(Y);
    PROC(NULL, N, A[0], &s, X[0], Y[0], col[0]);
    CAT(llvm_, PROC)(NULL, N, A[1], &s, X[1], Y[1], col[1]);
    CHECK(A), CHECK(Y), CHECK(col);
#elif defined(KIND_ALIASING)
    BUF(float, A, 65);
    BUF(int32_t, B, 64);
    BUF(float, C, 65);
    fill_f32(A[0], 65), fill_i32(B[0], 64, 1), fill_f32(C[0], 65);
    SAME(A), SAME(B), SAME(C);
    PROC(NULL, A[0], B[0], C[0]);
    CAT(llvm_, PROC)(NULL, A[1], B[1], C[1]);
    CHECK(A), CHECK(B), CHECK(C);
#elif defined(KIND_HALFS)
    BUF(_Float16, x, 16);
    BUF(_Float16, y, 16);
    BUF(float, r, 16);
    float s = 0.7f + (float)t;
    for (int i = 0; i < 16; i++)
      x[0][i] = (_Float16)((float)((int32_t)(next() % 2001) - 1000) / 97.0f);
    fill_f32(r[0], 16);
    SAME(x), SAME(r);
    PROC(NULL, x[0], y[0], r[0], &s, t % 2);
    CAT(llvm_, PROC)(NULL, x[1], y[1], r[1], &s, t % 2);
    CHECK(y), CHECK(r);
#else
#error "no KIND_ given"
#endif
  }
  printf("%s: %d trials, %d differing outputs\n", STR(PROC), TRIALS, failures);
  return failures != 0;
}
