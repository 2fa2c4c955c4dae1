/* Bare-metal self test of the RVM mtvec emulator (rvm_emu_bm.c, rvm_trap.S):
 * every RVM instruction once, as a raw word, against plain C; the operands in
 * several GPRs (the trap frame's offsets), a negative row stride, and the
 * caller's registers kept across traps. With -DRVM_BM_EXPECT_ABORT it runs an
 * aliased mmasa.w instead, which must end the program with status 134. */
#include "rvm_emu.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* mld.w / mst.w mT, (rs1), rs2 with rs1/rs2 pinned to the named registers. */
#define LDST(MATCH, T, R1, N1, R2, N2, P, S)                                                       \
  do {                                                                                             \
    register const void* rs1 __asm__(R1) = (P);                                                    \
    register long rs2 __asm__(R2) = (S);                                                           \
    __asm__ __volatile__(".4byte " #MATCH " | (" #T " << 7) | (" #N1 " << 15) | (" #N2 " << 20)"   \
                         :                                                                         \
                         : "r"(rs1), "r"(rs2)                                                      \
                         : "memory");                                                              \
  } while (0)
#define MLD(T, P, S) LDST(0x0400082b, T, "a0", 10, "a1", 11, P, S)
#define MST(T, P, S) LDST(0x0c00082b, T, "a0", 10, "a1", 11, P, S)
/* op md, ms1, ms2: ms1 -> field B (23:21), ms2 -> field A (20:18) */
#define ARITH(MATCH, MD, S1, S2)                                                                   \
  __asm__ __volatile__(".4byte " #MATCH " | (" #MD " << 15) | (" #S1 " << 21) | (" #S2 " << 18)")

#ifndef RVM_BM_EXPECT_ABORT
#define SELFTEST_SEED 0x9e3779b9u
#include "selftest_util.h"

/* d[i][j] += sum_k a[i][k] * b[j][k] with K elements of `bytes` per row. */
static void ref_int(uint32_t d[4][4], const void* a, const void* b, int bytes) {
  const unsigned char *pa = a, *pb = b;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 16 / bytes; ++k) {
        int32_t x, y;
        if (bytes == 4) {
          memcpy(&x, pa + 16 * i + 4 * k, 4);
          memcpy(&y, pb + 16 * j + 4 * k, 4);
          d[i][j] += (uint32_t)x * (uint32_t)y;
        } else if (bytes == 2) {
          int16_t hx, hy;
          memcpy(&hx, pa + 16 * i + 2 * k, 2);
          memcpy(&hy, pb + 16 * j + 2 * k, 2);
          d[i][j] += (uint32_t)((int32_t)hx * (int32_t)hy);
        } else {
          d[i][j] += (uint32_t)((int32_t)(int8_t)pa[16 * i + k] * (int32_t)(int8_t)pb[16 * j + k]);
        }
      }
}

static void ref_float(uint32_t d[4][4], const float a[4][4], const float b[4][4]) {
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      float acc;
      memcpy(&acc, &d[i][j], 4);
      for (int k = 0; k < 4; ++k) {
        float p = a[i][k] * b[j][k];
        acc = acc + p;
      }
      memcpy(&d[i][j], &acc, 4);
    }
}

#endif

int main(void) {
  rvm_emu_install();
  rvm_emu_install(); /* idempotent */
  rvm_emu_reset();
#ifdef RVM_BM_EXPECT_ABORT
  ARITH(0xf000082b, 1, 2, 1); /* mmasa.w m1, m2, m1: md aliases A */
  printf("aliased mmasa.w did not abort\n");
  return 0;
#else
  uint32_t a[4][4], b[4][4], d[4][4], ref[4][4], out[4][4], tile[4][4];

  /* mld.w (strided rows: 6 words apart, from column 1) and mst.w */
  uint32_t src[4][6], dst[4][6], before[4][6];
  fill_words(src, sizeof src);
  fill_words(dst, sizeof dst);
  memcpy(before, dst, sizeof dst);
  MLD(3, &src[0][1], 24);
  rvm_emu_read_tile(3, (int32_t(*)[4])tile);
  int ok = 1;
  for (int i = 0; i < 4; ++i)
    ok &= memcmp(tile[i], &src[i][1], 16) == 0;
  check(ok, "mld.w m3, (a0), a1 strided");
  MST(3, &dst[0][2], 24);
  ok = 1;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 6; ++j)
      ok &= dst[i][j] == (j >= 2 ? src[i][j - 1] : before[i][j]);
  check(ok, "mst.w m3, (a0), a1 strided, neighbours untouched");

  /* other GPRs (t0/t1 = x5/x6, s1/t6 = x9/x31) and a negative stride */
  LDST(0x0400082b, 6, "t0", 5, "t1", 6, src, 24);
  LDST(0x0c00082b, 6, "s1", 9, "t6", 31, &out[3][0], -16);
  ok = 1;
  for (int i = 0; i < 4; ++i)
    ok &= memcmp(out[3 - i], src[i], 16) == 0;
  check(ok, "mld.w m6, (t0), t1; mst.w m6, (s1), t6 with stride -16");

  /* mzero */
  MLD(7, src, 24);
  ARITH(0xf800002b, 7, 0, 0);
  rvm_emu_read_tile(7, (int32_t(*)[4])tile);
  memset(ref, 0, sizeof ref);
  check(memcmp(tile, ref, sizeof ref) == 0, "mzero m7");

  /* the three integer multiply-accumulates: md = m2, ms1 (B) = m1, ms2 (A) = m0 */
  static const int bytes[3] = {4, 2, 1};
  static const char* const names[3] = {"mmasa.w m2, m1, m0", "mmada.h m2, m1, m0",
                                       "mmaqa.b m2, m1, m0"};
  for (int kind = 0; kind < 3; ++kind) {
    fill_words(a, sizeof a);
    fill_words(b, sizeof b);
    fill_words(d, sizeof d);
    MLD(0, a, 16);
    MLD(1, b, 16);
    MLD(2, d, 16);
    if (kind == 0)
      ARITH(0xf000082b, 2, 1, 0);
    else if (kind == 1)
      ARITH(0xe000042b, 2, 1, 0);
    else
      ARITH(0x1000002b, 2, 1, 0);
    MST(2, out, 16);
    memcpy(ref, d, sizeof ref);
    ref_int(ref, a, b, bytes[kind]);
    check(memcmp(out, ref, sizeof ref) == 0, names[kind]);
  }

  /* fmmacc.s m5, m4, m6 (A = m6, B = m4) */
  float fa[4][4], fb[4][4], fd[4][4];
  for (int i = 0; i < 16; ++i) {
    fa[i / 4][i % 4] = (float)(int32_t)rnd() / 65536.0f;
    fb[i / 4][i % 4] = (float)(int32_t)rnd() / 1048576.0f;
    fd[i / 4][i % 4] = (float)(int32_t)rnd() / 3.0f;
  }
  MLD(6, fa, 16);
  MLD(4, fb, 16);
  MLD(5, fd, 16);
  ARITH(0x0800082b, 5, 4, 6);
  MST(5, out, 16);
  memcpy(ref, fd, sizeof ref);
  ref_float(ref, fa, fb);
  check(memcmp(out, ref, sizeof ref) == 0, "fmmacc.s m5, m4, m6");

  /* the callee-saved and temporary registers survive a trap */
  {
    register long s2 __asm__("s2") = 0x12345678;
    register long t3 __asm__("t3") = -77;
    register const void* rs1 __asm__("a0") = src;
    register long rs2 __asm__("a1") = 24;
    __asm__ __volatile__(".4byte 0x0400082b | (10 << 15) | (11 << 20)"
                         : "+r"(s2), "+r"(t3)
                         : "r"(rs1), "r"(rs2)
                         : "memory");
    check(s2 == 0x12345678 && t3 == -77, "registers kept across a trap");
  }

  check(rvm_emu_trap_count() == 27, "trap count");
  printf("RVM instructions emulated: %u\n", (unsigned)rvm_emu_trap_count());
  rvm_emu_reset();
  check(rvm_emu_trap_count() == 0, "reset clears the trap count");
  printf("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed != 0;
#endif
}
