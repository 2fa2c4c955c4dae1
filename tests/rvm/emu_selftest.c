/* Self test of the RVM emulator: every instruction is executed as a raw word
 * (.insn with a literal, or .4byte with a constant expression, both accepted by
 * GNU as 2.40 and clang-19) and checked against plain C on known data,
 * including negative values, int32 wraparound, all 8 tiles, strided, negative
 * and zero row strides, and the abort paths (aliasing, non-RVM words). */
#define _GNU_SOURCE /* fork, waitpid */

#include "rvm_emu.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELFTEST_SEED 0x12345678u
#include "selftest_util.h"

/* ---- raw instruction words ---------------------------------------------- */

/* mld.w / mst.w mT, (a0), a1 for every tile T: rs1 = a0 = x10, rs2 = a1 = x11. */
#define DEF_LDST(T)                                                                                \
  static void mld_##T(const void* p, long stride) {                                                \
    register const void* rs1 __asm__("a0") = p;                                                    \
    register long rs2 __asm__("a1") = stride;                                                      \
    __asm__ __volatile__(".4byte 0x0400082b | (" #T " << 7) | (10 << 15) | (11 << 20)"             \
                         :                                                                         \
                         : "r"(rs1), "r"(rs2)                                                      \
                         : "memory");                                                              \
  }                                                                                                \
  static void mst_##T(void* p, long stride) {                                                      \
    register void* rs1 __asm__("a0") = p;                                                          \
    register long rs2 __asm__("a1") = stride;                                                      \
    __asm__ __volatile__(".4byte 0x0c00082b | (" #T " << 7) | (10 << 15) | (11 << 20)"             \
                         :                                                                         \
                         : "r"(rs1), "r"(rs2)                                                      \
                         : "memory");                                                              \
  }                                                                                                \
  static void mzero_##T(void) {                                                                    \
    __asm__ __volatile__(".4byte 0xf800002b | (" #T " << 15)");                                    \
  }
DEF_LDST(0)
DEF_LDST(1)
DEF_LDST(2)
DEF_LDST(3)
DEF_LDST(4)
DEF_LDST(5)
DEF_LDST(6)
DEF_LDST(7)

typedef void (*ld_fn)(const void*, long);
typedef void (*st_fn)(void*, long);
typedef void (*op_fn)(void);
static const ld_fn mld[8] = {mld_0, mld_1, mld_2, mld_3, mld_4, mld_5, mld_6, mld_7};
static const st_fn mst[8] = {mst_0, mst_1, mst_2, mst_3, mst_4, mst_5, mst_6, mst_7};
static const op_fn mzero[8] = {mzero_0, mzero_1, mzero_2, mzero_3,
                               mzero_4, mzero_5, mzero_6, mzero_7};

/* Textual form `op md, ms1, ms2`: ms1 -> field B (bits 23:21), ms2 -> field A
 * (bits 20:18); semantics md[i][j] += ms2[i][k] * ms1[j][k]. */
#define ARITH_WORD(MATCH, MD, S1, S2)                                                              \
  ".4byte " #MATCH " | (" #MD " << 15) | (" #S1 " << 21) | (" #S2 " << 18)"

enum { W, H, B, S, NKIND };
static const char* const kind_name[NKIND] = {"mmasa.w", "mmada.h", "mmaqa.b", "fmmacc.s"};

struct combo {
  int md, s1, s2;
  op_fn op[NKIND];
};

#define DEF_COMBO(MD, S1, S2)                                                                      \
  static void w_##MD##S1##S2(void) {                                                               \
    __asm__ __volatile__(ARITH_WORD(0xf000082b, MD, S1, S2));                                      \
  }                                                                                                \
  static void h_##MD##S1##S2(void) {                                                               \
    __asm__ __volatile__(ARITH_WORD(0xe000042b, MD, S1, S2));                                      \
  }                                                                                                \
  static void b_##MD##S1##S2(void) {                                                               \
    __asm__ __volatile__(ARITH_WORD(0x1000002b, MD, S1, S2));                                      \
  }                                                                                                \
  static void s_##MD##S1##S2(void) {                                                               \
    __asm__ __volatile__(ARITH_WORD(0x0800082b, MD, S1, S2));                                      \
  }
#define COMBO(MD, S1, S2)                                                                          \
  {                                                                                                \
    MD, S1, S2, {                                                                                  \
      w_##MD##S1##S2, h_##MD##S1##S2, b_##MD##S1##S2, s_##MD##S1##S2                               \
    }                                                                                              \
  }

DEF_COMBO(2, 1, 0)
DEF_COMBO(7, 3, 2)
DEF_COMBO(0, 7, 5)
DEF_COMBO(4, 6, 6)
DEF_COMBO(5, 0, 4)
DEF_COMBO(1, 2, 7)
DEF_COMBO(6, 4, 3)
DEF_COMBO(3, 5, 1)

static const struct combo combos[] = {COMBO(2, 1, 0), COMBO(7, 3, 2), COMBO(0, 7, 5),
                                      COMBO(4, 6, 6), COMBO(5, 0, 4), COMBO(1, 2, 7),
                                      COMBO(6, 4, 3), COMBO(3, 5, 1)};

/* ---- plain C references ------------------------------------------------- */

/* d[i][j] += sum_k a[i][k] * b[j][k] on raw 16-byte rows. */
static void ref_mma(int kind, uint32_t d[4][4], const void* va, const void* vb) {
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      if (kind == S) {
        const float(*a)[4] = va, (*b)[4] = vb;
        float acc;
        memcpy(&acc, &d[i][j], 4);
        for (int k = 0; k < 4; ++k) {
          float p = a[i][k] * b[j][k];
          acc = acc + p;
        }
        memcpy(&d[i][j], &acc, 4);
        continue;
      }
      uint32_t acc = d[i][j];
      if (kind == W) {
        const int32_t(*a)[4] = va, (*b)[4] = vb;
        for (int k = 0; k < 4; ++k)
          acc += (uint32_t)a[i][k] * (uint32_t)b[j][k];
      } else if (kind == H) {
        const int16_t(*a)[8] = va, (*b)[8] = vb;
        for (int k = 0; k < 8; ++k)
          acc += (uint32_t)(a[i][k] * b[j][k]);
      } else {
        const int8_t(*a)[16] = va, (*b)[16] = vb;
        for (int k = 0; k < 16; ++k)
          acc += (uint32_t)(a[i][k] * b[j][k]);
      }
      d[i][j] = acc;
    }
}

/* ---- tests --------------------------------------------------------------- */

static void test_literal_words(void) {
  /* The check values of RVM.md, as literal words. */
  int32_t src[4][4], dst[4][4], tile[4][4];
  fill_words(src, sizeof src);
  memset(dst, 0, sizeof dst);
  {
    register const void* rs1 __asm__("a0") = src;
    register long rs2 __asm__("a1") = 16;
    __asm__ __volatile__(".insn 0x04b509ab" : : "r"(rs1), "r"(rs2) : "memory"); /* mld.w m3 */
  }
  rvm_emu_read_tile(3, tile);
  check(memcmp(tile, src, sizeof src) == 0, "mld.w m3, (a0), a1 = 0x04b509ab");
  {
    register void* rs1 __asm__("a0") = dst;
    register long rs2 __asm__("a1") = 16;
    __asm__ __volatile__(".insn 0x0cb509ab" : : "r"(rs1), "r"(rs2) : "memory"); /* mst.w m3 */
  }
  check(memcmp(dst, src, sizeof src) == 0, "mst.w m3, (a0), a1 = 0x0cb509ab");

  mld[7](src, 16);
  __asm__ __volatile__(".insn 0xf803802b"); /* mzero m7 */
  rvm_emu_read_tile(7, tile);
  int zero = 1;
  for (int i = 0; i < 16; ++i)
    zero &= tile[i / 4][i % 4] == 0;
  check(zero, "mzero m7 = 0xf803802b");

  /* mmasa.w m2, m1, m0 = 0xf021082b: m2[i][j] += m0[i][k] * m1[j][k] */
  int32_t t0[4][4], t1[4][4], t2[4][4];
  uint32_t ref[4][4];
  fill_words(t0, sizeof t0);
  fill_words(t1, sizeof t1);
  fill_words(t2, sizeof t2);
  mld[0](t0, 16);
  mld[1](t1, 16);
  mld[2](t2, 16);
  __asm__ __volatile__(".insn 0xf021082b");
  memcpy(ref, t2, sizeof ref);
  ref_mma(W, ref, t0, t1);
  rvm_emu_read_tile(2, tile);
  check(memcmp(tile, ref, sizeof ref) == 0, "mmasa.w m2, m1, m0 = 0xf021082b");

  /* mmasa.w m7, m3, m2 = 0xf06b882b: m7[i][j] += m2[i][k] * m3[j][k] */
  int32_t t3[4][4], t7[4][4];
  fill_words(t3, sizeof t3);
  fill_words(t7, sizeof t7);
  mld[3](t3, 16);
  mld[7](t7, 16);
  rvm_emu_read_tile(2, t2);
  __asm__ __volatile__(".insn 0xf06b882b");
  memcpy(ref, t7, sizeof ref);
  ref_mma(W, ref, t2, t3);
  rvm_emu_read_tile(7, tile);
  check(memcmp(tile, ref, sizeof ref) == 0, "mmasa.w m7, m3, m2 = 0xf06b882b");

  /* The worked example: small signed numbers, A = [[1..4]...], explicit. */
  int32_t a[4][4] = {{1, 2, 3, 4}, {-1, -2, -3, -4}, {0, 1, 0, 1}, {5, 0, -5, 0}};
  int32_t b[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {1, 1, 1, 1}, {2, -1, 3, -7}};
  int32_t expect[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      expect[i][j] = 100 * i + j;
      for (int k = 0; k < 4; ++k)
        expect[i][j] += a[i][k] * b[j][k];
    }
  int32_t d[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      d[i][j] = 100 * i + j;
  mld[0](a, 16); /* second source -> A */
  mld[1](b, 16); /* first source -> B */
  mld[2](d, 16);
  __asm__ __volatile__(".insn 0xf021082b");
  mst[2](d, 16);
  check(memcmp(d, expect, sizeof d) == 0, "mmasa.w m2, m1, m0 small signed example");
}

static void test_load_store(void) {
  /* every tile, strided rows (row stride 6 words) */
  for (int t = 0; t < 8; ++t) {
    int32_t src[4][6], dst[4][6], tile[4][4];
    fill_words(src, sizeof src);
    fill_words(dst, sizeof dst);
    int32_t before[4][6];
    memcpy(before, dst, sizeof dst);
    mld[t](&src[0][1], 24);
    rvm_emu_read_tile(t, tile);
    int ok = 1;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        ok &= tile[i][j] == src[i][1 + j];
    char name[64];
    snprintf(name, sizeof name, "mld.w m%d strided", t);
    check(ok, name);
    mst[t](&dst[0][2], 24);
    ok = 1;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 6; ++j)
        ok &= dst[i][j] == ((j >= 2) ? src[i][j - 1] : before[i][j]);
    snprintf(name, sizeof name, "mst.w m%d strided, neighbours untouched", t);
    check(ok, name);
    mzero[t]();
    rvm_emu_read_tile(t, tile);
    ok = 1;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        ok &= tile[i][j] == 0;
    snprintf(name, sizeof name, "mzero m%d", t);
    check(ok, name);
  }

  /* negative row stride: rows read bottom-up */
  int32_t src[4][4], tile[4][4];
  fill_words(src, sizeof src);
  mld[5](&src[3][0], -16);
  rvm_emu_read_tile(5, tile);
  int ok = 1;
  for (int i = 0; i < 4; ++i)
    ok &= memcmp(tile[i], src[3 - i], 16) == 0;
  check(ok, "mld.w negative row stride");

  /* other GPRs: mld.w m6, (t0), t1 (rs1 = x5, rs2 = x6); and rs2 = x0 (stride 0) */
  {
    register const void* rs1 __asm__("t0") = src;
    register long rs2 __asm__("t1") = 16;
    __asm__ __volatile__(".4byte 0x0400082b | (6 << 7) | (5 << 15) | (6 << 20)"
                         :
                         : "r"(rs1), "r"(rs2)
                         : "memory");
  }
  rvm_emu_read_tile(6, tile);
  check(memcmp(tile, src, sizeof src) == 0, "mld.w m6, (t0), t1");
  {
    register const void* rs1 __asm__("s1") = &src[2][0];
    __asm__ __volatile__(".4byte 0x0400082b | (4 << 7) | (9 << 15) | (0 << 20)"
                         :
                         : "r"(rs1)
                         : "memory");
  }
  rvm_emu_read_tile(4, tile);
  ok = 1;
  for (int i = 0; i < 4; ++i)
    ok &= memcmp(tile[i], src[2], 16) == 0;
  check(ok, "mld.w m4, (s1), x0 (zero stride)");
}

static void load_operands(int kind, int s1, int s2, void* a, void* b, void* d, int md) {
  (void)kind;
  mld[s2](a, 16); /* A */
  if (s1 != s2)
    mld[s1](b, 16); /* B */
  mld[md](d, 16);
}

static void test_arith(void) {
  for (size_t c = 0; c < sizeof combos / sizeof combos[0]; ++c) {
    const struct combo* cb = &combos[c];
    for (int kind = 0; kind < NKIND; ++kind) {
      for (int round = 0; round < 4; ++round) {
        uint32_t a[4][4], b[4][4], d[4][4], ref[4][4], out[4][4];
        if (kind == S) {
          /* round 0-1: quarters in [-8, 8) (exact); 2-3: general floats */
          float fa[16], fb[16], fd[16];
          for (int i = 0; i < 16; ++i) {
            if (round < 2) {
              fa[i] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
              fb[i] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
              fd[i] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
            } else {
              fa[i] = (float)(int32_t)rnd() / 65536.0f;
              fb[i] = (float)(int32_t)rnd() / 1048576.0f;
              fd[i] = (float)(int32_t)rnd() / 3.0f;
            }
          }
          memcpy(a, fa, sizeof a);
          memcpy(b, fb, sizeof b);
          memcpy(d, fd, sizeof d);
        } else if (round == 0) {
          /* extremes: forces wraparound in every kind */
          for (int i = 0; i < 16; ++i) {
            a[i / 4][i % 4] = (i & 1) ? 0x80008080u : 0x7fff7f7fu;
            b[i / 4][i % 4] = (i & 2) ? 0x80008080u : 0x7fff7f7fu;
            d[i / 4][i % 4] = 0x7ffffff0u + (uint32_t)i;
          }
        } else {
          fill_words(a, sizeof a);
          fill_words(b, sizeof b);
          fill_words(d, sizeof d);
        }
        if (cb->s1 == cb->s2)
          memcpy(b, a, sizeof a);
        load_operands(kind, cb->s1, cb->s2, a, b, d, cb->md);
        cb->op[kind]();
        mst[cb->md](out, 16);
        memcpy(ref, d, sizeof ref);
        ref_mma(kind, ref, a, b);
        char name[80];
        snprintf(name, sizeof name, "%s m%d, m%d, m%d round %d", kind_name[kind], cb->md, cb->s1,
                 cb->s2, round);
        check(memcmp(out, ref, sizeof ref) == 0, name);
        /* sources untouched */
        uint32_t sa[4][4];
        mst[cb->s2](sa, 16);
        snprintf(name, sizeof name, "%s m%d, m%d, m%d sources kept", kind_name[kind], cb->md,
                 cb->s1, cb->s2);
        check(memcmp(sa, a, sizeof a) == 0, name);
      }
    }
  }
}

/* int8 tiles as stdlib's rvm_mld_i8 loads them: mld.w of packed bytes, row
 * stride in bytes (here 24 and 20: windows of wider int8 matrices), then
 * mmaqa.b; the reference works on the int8 matrices directly. */
static void test_packed_int8(void) {
  for (int round = 0; round < 4; ++round) {
    int8_t a8[4][24], b8[4][20];
    int32_t d[4][4], out[4][4], tile[4][4];
    fill_words(a8, sizeof a8);
    fill_words(b8, sizeof b8);
    fill_words(d, sizeof d);
    if (round == 0) { /* extremes: -128 * -128 everywhere, sums wrap */
      memset(a8, 0x80, sizeof a8);
      memset(b8, 0x80, sizeof b8);
      for (int i = 0; i < 16; ++i)
        d[i / 4][i % 4] = (int32_t)(0x7ffc0000u + (uint32_t)i);
    }
    mld[5](&a8[0][4], 24); /* A: columns 4..19 */
    mld[6](&b8[0][4], 20); /* B: columns 4..19 */
    rvm_emu_read_tile(5, tile);
    int ok = 1;
    for (int i = 0; i < 4; ++i)
      ok &= memcmp(tile[i], &a8[i][4], 16) == 0;
    check(ok, "mld.w of packed int8, row stride 24 bytes");
    mld[2](d, 16);
    __asm__ __volatile__(ARITH_WORD(0x1000002b, 2, 6, 5)); /* mmaqa.b m2, m6, m5 */
    mst[2](out, 16);
    ok = 1;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        uint32_t acc = (uint32_t)d[i][j];
        for (int k = 0; k < 16; ++k)
          acc += (uint32_t)((int32_t)a8[i][4 + k] * (int32_t)b8[j][4 + k]);
        ok &= out[i][j] == (int32_t)acc;
      }
    char name[64];
    snprintf(name, sizeof name, "mmaqa.b on packed int8 loads, round %d", round);
    check(ok, name);
  }
}

/* Run fn in a child; expect it to die by SIGABRT (stderr silenced). */
static int dies_with_abort(void (*fn)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    FILE* devnull = freopen("/dev/null", "w", stderr);
    (void)devnull;
    fn();
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return 0;
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void alias_md_a(void) {
  __asm__ __volatile__(ARITH_WORD(0xf000082b, 1, 2, 1));
}
static void alias_md_b(void) {
  __asm__ __volatile__(ARITH_WORD(0x1000002b, 3, 3, 0));
}
static void not_rvm(void) {
  __asm__ __volatile__(".4byte 0x0000702b"); /* funct3 = 7 */
}
static void not_rvm2(void) {
  __asm__ __volatile__(".4byte 0xf000182b"); /* mmasa funct3 = 1 */
}

static void test_aborts(void) {
  check(dies_with_abort(alias_md_a), "md == A aborts");
  check(dies_with_abort(alias_md_b), "md == B aborts");
  check(dies_with_abort(not_rvm), "non-RVM CUSTOM-1 word aborts");
  check(dies_with_abort(not_rvm2), "RVM word with funct3 != 0 aborts");
}

int main(void) {
  rvm_emu_install();
  rvm_emu_install(); /* idempotent */
  rvm_emu_reset();
  test_literal_words();
  check(rvm_emu_trap_count() == 16, "trap count after literal words");
  test_load_store();
  test_arith();
  test_packed_int8();
  test_aborts();
  rvm_emu_reset();
  check(rvm_emu_trap_count() == 0, "reset clears the trap count");
  printf("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed != 0;
}
