/* RVM emulator: SIGILL handler for qemu-riscv64 (user mode). See rvm_emu.h.
 *
 * Encodings (RVM.md): all CUSTOM-1 (0x2b), funct3 = 000.
 *   arithmetic: funct5[31:27] 000[26:24] B[23:21] A[20:18] md[17:15] ... size[11:10]
 *               md[i][j] += sum_k A[i][k] * B[j][k]
 *   load/store: funct5[31:27] 10[26:25] rs2[24:20] rs1[19:15] ... 10[11:10] tile[9:7]
 *               row i at x[rs1] + i * x[rs2] (bytes), element stride 4 bytes
 */
#define _GNU_SOURCE /* REG_PC, greg names in <sys/ucontext.h> */

#include "rvm_emu.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define RVM_MASK_ARITH 0xff007fffu
#define RVM_MASK_MZERO 0xfffc7fffu
#define RVM_MASK_LDST 0xfe007c7fu

#define RVM_MATCH_FMMACC_S 0x0800082bu
#define RVM_MATCH_MMASA_W 0xf000082bu
#define RVM_MATCH_MMADA_H 0xe000042bu
#define RVM_MATCH_MMAQA_B 0x1000002bu
#define RVM_MATCH_MZERO 0xf800002bu
#define RVM_MATCH_MLD_W 0x0400082bu
#define RVM_MATCH_MST_W 0x0c00082bu

/* 8 tiles of 4 rows of 16 bytes, kept as 32-bit words (little endian host). */
static uint32_t tiles[8][4][4];
static volatile uint32_t trap_count;
static int installed;

/* ---- async-signal-safe diagnostics ------------------------------------ */

static size_t put_str(char* buf, size_t at, size_t cap, const char* s) {
  while (*s && at + 1 < cap)
    buf[at++] = *s++;
  buf[at] = '\0';
  return at;
}

static size_t put_hex(char* buf, size_t at, size_t cap, unsigned long v) {
  char tmp[2 + 2 * sizeof v + 1];
  int n = 0;
  tmp[n++] = '0';
  tmp[n++] = 'x';
  int started = 0;
  for (int shift = (int)(8 * sizeof v) - 4; shift >= 0; shift -= 4) {
    unsigned d = (unsigned)(v >> shift) & 0xfu;
    if (d || started || shift < 32) { /* at least 8 digits */
      started = 1;
      tmp[n++] = "0123456789abcdef"[d];
    }
  }
  tmp[n] = '\0';
  return put_str(buf, at, cap, tmp);
}

static void die(const char* what, uint32_t word, unsigned long pc) {
  char buf[256];
  size_t at = 0;
  at = put_str(buf, at, sizeof buf, "rvm_emu: ");
  at = put_str(buf, at, sizeof buf, what);
  at = put_str(buf, at, sizeof buf, ": word ");
  at = put_hex(buf, at, sizeof buf, word);
  at = put_str(buf, at, sizeof buf, " at pc ");
  at = put_hex(buf, at, sizeof buf, pc);
  at = put_str(buf, at, sizeof buf, "\n");
  ssize_t ignored = write(STDERR_FILENO, buf, at);
  (void)ignored;
  abort();
}

/* ---- tile operations ---------------------------------------------------- */

static void load_tile(unsigned t, const unsigned char* base, long stride) {
  for (int i = 0; i < 4; ++i)
    memcpy(tiles[t][i], base + (long)i * stride, sizeof tiles[t][i]);
}

static void store_tile(unsigned t, unsigned char* base, long stride) {
  for (int i = 0; i < 4; ++i)
    memcpy(base + (long)i * stride, tiles[t][i], sizeof tiles[t][i]);
}

/* md[i][j] += sum_k A[i][k] * B[j][k]; integer math wraps (done in uint32_t). */
static void mma_w(unsigned md, unsigned a, unsigned b) {
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = tiles[md][i][j];
      for (int k = 0; k < 4; ++k)
        acc += tiles[a][i][k] * tiles[b][j][k];
      tiles[md][i][j] = acc;
    }
}

static void mma_h(unsigned md, unsigned a, unsigned b) {
  int16_t ra[4][8], rb[4][8];
  memcpy(ra, tiles[a], sizeof ra);
  memcpy(rb, tiles[b], sizeof rb);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = tiles[md][i][j];
      for (int k = 0; k < 8; ++k)
        acc += (uint32_t)((int32_t)ra[i][k] * (int32_t)rb[j][k]);
      tiles[md][i][j] = acc;
    }
}

static void mma_b(unsigned md, unsigned a, unsigned b) {
  int8_t ra[4][16], rb[4][16];
  memcpy(ra, tiles[a], sizeof ra);
  memcpy(rb, tiles[b], sizeof rb);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = tiles[md][i][j];
      for (int k = 0; k < 16; ++k)
        acc += (uint32_t)((int32_t)ra[i][k] * (int32_t)rb[j][k]);
      tiles[md][i][j] = acc;
    }
}

/* fp32: acc = md; acc = acc + A[i][k] * B[j][k] for k = 0..3, each product and
 * sum rounded to float separately (no fused multiply-add). */
static void mma_s(unsigned md, unsigned a, unsigned b) {
  float fa[4][4], fb[4][4], fd[4][4];
  memcpy(fa, tiles[a], sizeof fa);
  memcpy(fb, tiles[b], sizeof fb);
  memcpy(fd, tiles[md], sizeof fd);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      float acc = fd[i][j];
      for (int k = 0; k < 4; ++k) {
        float p = fa[i][k] * fb[j][k];
        acc = acc + p;
      }
      fd[i][j] = acc;
    }
  memcpy(tiles[md], fd, sizeof fd);
}

/* ---- decoder ------------------------------------------------------------ */

static unsigned long gpr(const unsigned long* g, unsigned r) {
  return r == 0 ? 0 : g[r]; /* __gregs[0] is the pc, x0 reads as zero */
}

static void handler(int sig, siginfo_t* info, void* vctx) {
  (void)sig;
  (void)info;
  ucontext_t* uc = (ucontext_t*)vctx;
  unsigned long* g = uc->uc_mcontext.__gregs;
  unsigned long pc = g[REG_PC];

  uint16_t lo, hi;
  memcpy(&lo, (const void*)pc, sizeof lo);
  if ((lo & 3u) != 3u)
    die("illegal compressed instruction", lo, pc);
  memcpy(&hi, (const void*)(pc + 2), sizeof hi);
  uint32_t w = (uint32_t)lo | ((uint32_t)hi << 16);

  unsigned md = (w >> 15) & 7u, fa = (w >> 18) & 7u, fb = (w >> 21) & 7u;
  if ((w & RVM_MASK_LDST) == RVM_MATCH_MLD_W || (w & RVM_MASK_LDST) == RVM_MATCH_MST_W) {
    unsigned tile = (w >> 7) & 7u;
    unsigned long base = gpr(g, (w >> 15) & 31u);
    long stride = (long)gpr(g, (w >> 20) & 31u);
    if ((w & RVM_MASK_LDST) == RVM_MATCH_MLD_W)
      load_tile(tile, (const unsigned char*)base, stride);
    else
      store_tile(tile, (unsigned char*)base, stride);
  } else if ((w & RVM_MASK_MZERO) == RVM_MATCH_MZERO) {
    memset(tiles[md], 0, sizeof tiles[md]);
  } else {
    uint32_t op = w & RVM_MASK_ARITH;
    if (op != RVM_MATCH_MMASA_W && op != RVM_MATCH_MMADA_H && op != RVM_MATCH_MMAQA_B &&
        op != RVM_MATCH_FMMACC_S)
      die("illegal instruction (not RVM)", w, pc);
    if (md == fa || md == fb)
      die("RVM destination tile aliases a source tile (wrong on hardware)", w, pc);
    if (op == RVM_MATCH_MMASA_W)
      mma_w(md, fa, fb);
    else if (op == RVM_MATCH_MMADA_H)
      mma_h(md, fa, fb);
    else if (op == RVM_MATCH_MMAQA_B)
      mma_b(md, fa, fb);
    else
      mma_s(md, fa, fb);
  }
  trap_count = trap_count + 1;
  g[REG_PC] = pc + 4;
}

/* ---- API ---------------------------------------------------------------- */

void rvm_emu_install(void) {
  if (installed)
    return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGILL, &sa, NULL) != 0) {
    static const char msg[] = "rvm_emu: sigaction(SIGILL) failed\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    abort();
  }
  installed = 1;
}

void rvm_emu_reset(void) {
  memset(tiles, 0, sizeof tiles);
  trap_count = 0;
}

uint32_t rvm_emu_trap_count(void) {
  return trap_count;
}

void rvm_emu_read_tile(int n, int32_t out[4][4]) {
  memcpy(out, tiles[n & 7], sizeof tiles[0]);
}

void rvm_emu_write_tile(int n, const int32_t in[4][4]) {
  memcpy(tiles[n & 7], in, sizeof tiles[0]);
}
