/* RVM decode and execute, shared by the emulator's two trap front ends:
 *   rvm_emu_bm.c (this folder)   mtvec handler, bare metal (qemu-system-riscv32, rv32imc)
 *   tests/rvm/rvm_emu.c          SIGILL handler under qemu-riscv64 (Linux user mode, tests)
 *
 * Include it from exactly one C file per program: besides the static decoder it
 * defines the emulated tile file and the rvm_emu.h functions that only touch
 * it (reset, trap count, read/write tile). The front end defines
 * rvm_emu_install(), fetches the trapping word, calls rvm_exec() with the
 * trapped GPRs, and resumes 4 bytes later.
 *
 * Encodings (RVM.md): all CUSTOM-1 (0x2b), funct3 = 000.
 *   arithmetic: funct5[31:27] 000[26:24] B[23:21] A[20:18] md[17:15] ... size[11:10]
 *               md[i][j] += sum_k A[i][k] * B[j][k]
 *   load/store: funct5[31:27] 10[26:25] rs2[24:20] rs1[19:15] ... 10[11:10] tile[9:7]
 *               row i at x[rs1] + i * x[rs2] (bytes), element stride 4 bytes
 *
 * Plain C11, no libc beyond memcpy/memset: safe in a signal or trap handler.
 */
#ifndef SCHEDC_RVM_EXEC_H
#define SCHEDC_RVM_EXEC_H

#include "rvm_emu.h"

#include <stdint.h>
#include <string.h>

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

/* 8 tiles of 4 rows of 16 bytes, kept as 32-bit words (little endian). */
static uint32_t rvm_tiles[8][4][4];
static volatile uint32_t rvm_trap_count;

/* ---- tile operations ---------------------------------------------------- */

static void rvm_load_tile(unsigned t, const unsigned char* base, long stride) {
  for (int i = 0; i < 4; ++i)
    memcpy(rvm_tiles[t][i], base + (long)i * stride, sizeof rvm_tiles[t][i]);
}

static void rvm_store_tile(unsigned t, unsigned char* base, long stride) {
  for (int i = 0; i < 4; ++i)
    memcpy(base + (long)i * stride, rvm_tiles[t][i], sizeof rvm_tiles[t][i]);
}

/* md[i][j] += sum_k A[i][k] * B[j][k]; integer math wraps (done in uint32_t). */
static void rvm_mma_w(unsigned md, unsigned a, unsigned b) {
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = rvm_tiles[md][i][j];
      for (int k = 0; k < 4; ++k)
        acc += rvm_tiles[a][i][k] * rvm_tiles[b][j][k];
      rvm_tiles[md][i][j] = acc;
    }
}

static void rvm_mma_h(unsigned md, unsigned a, unsigned b) {
  int16_t ra[4][8], rb[4][8];
  memcpy(ra, rvm_tiles[a], sizeof ra);
  memcpy(rb, rvm_tiles[b], sizeof rb);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = rvm_tiles[md][i][j];
      for (int k = 0; k < 8; ++k)
        acc += (uint32_t)((int32_t)ra[i][k] * (int32_t)rb[j][k]);
      rvm_tiles[md][i][j] = acc;
    }
}

static void rvm_mma_b(unsigned md, unsigned a, unsigned b) {
  int8_t ra[4][16], rb[4][16];
  memcpy(ra, rvm_tiles[a], sizeof ra);
  memcpy(rb, rvm_tiles[b], sizeof rb);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      uint32_t acc = rvm_tiles[md][i][j];
      for (int k = 0; k < 16; ++k)
        acc += (uint32_t)((int32_t)ra[i][k] * (int32_t)rb[j][k]);
      rvm_tiles[md][i][j] = acc;
    }
}

/* fp32: acc = md; acc = acc + A[i][k] * B[j][k] for k = 0..3, each product and
 * sum rounded to float separately (no fused multiply-add). */
static void rvm_mma_s(unsigned md, unsigned a, unsigned b) {
  float fa[4][4], fb[4][4], fd[4][4];
  memcpy(fa, rvm_tiles[a], sizeof fa);
  memcpy(fb, rvm_tiles[b], sizeof fb);
  memcpy(fd, rvm_tiles[md], sizeof fd);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      float acc = fd[i][j];
      for (int k = 0; k < 4; ++k) {
        float p = fa[i][k] * fb[j][k];
        acc = acc + p;
      }
      fd[i][j] = acc;
    }
  memcpy(rvm_tiles[md], fd, sizeof fd);
}

/* ---- fetch and execute -------------------------------------------------- */

/* The 32-bit word at pc, read as two halfwords (pc may be 2-aligned with the C
 * extension). Returns 0 and stores the low half when it is a compressed
 * (16-bit) instruction, which is never RVM. */
static int rvm_fetch(unsigned long pc, uint32_t* word) {
  uint16_t lo, hi;
  memcpy(&lo, (const void*)pc, sizeof lo);
  *word = lo;
  if ((lo & 3u) != 3u)
    return 0;
  memcpy(&hi, (const void*)(pc + 2), sizeof hi);
  *word = (uint32_t)lo | ((uint32_t)hi << 16);
  return 1;
}

enum rvm_exec_status {
  RVM_EXEC_OK = 0,
  RVM_EXEC_NOT_RVM,    /* not an RVM word */
  RVM_EXEC_ALIASED_MD, /* destination tile is also a source (wrong on hardware) */
};

static const char* rvm_exec_message(enum rvm_exec_status s) {
  return s == RVM_EXEC_NOT_RVM ? "illegal instruction (not RVM)"
                               : "RVM destination tile aliases a source tile (wrong on hardware)";
}

/* Executes word w; x[r] is GPR x_r for r = 1..31 (x[0] is never read: x0 is
 * zero). Counts the instruction when it executes. */
static enum rvm_exec_status rvm_exec(uint32_t w, const unsigned long* x) {
  unsigned md = (w >> 15) & 7u, fa = (w >> 18) & 7u, fb = (w >> 21) & 7u;
  if ((w & RVM_MASK_LDST) == RVM_MATCH_MLD_W || (w & RVM_MASK_LDST) == RVM_MATCH_MST_W) {
    unsigned tile = (w >> 7) & 7u, rs1 = (w >> 15) & 31u, rs2 = (w >> 20) & 31u;
    unsigned long base = rs1 == 0 ? 0 : x[rs1];
    long stride = rs2 == 0 ? 0 : (long)x[rs2];
    if ((w & RVM_MASK_LDST) == RVM_MATCH_MLD_W)
      rvm_load_tile(tile, (const unsigned char*)base, stride);
    else
      rvm_store_tile(tile, (unsigned char*)base, stride);
  } else if ((w & RVM_MASK_MZERO) == RVM_MATCH_MZERO) {
    memset(rvm_tiles[md], 0, sizeof rvm_tiles[md]);
  } else {
    uint32_t op = w & RVM_MASK_ARITH;
    if (op != RVM_MATCH_MMASA_W && op != RVM_MATCH_MMADA_H && op != RVM_MATCH_MMAQA_B &&
        op != RVM_MATCH_FMMACC_S)
      return RVM_EXEC_NOT_RVM;
    if (md == fa || md == fb)
      return RVM_EXEC_ALIASED_MD;
    if (op == RVM_MATCH_MMASA_W)
      rvm_mma_w(md, fa, fb);
    else if (op == RVM_MATCH_MMADA_H)
      rvm_mma_h(md, fa, fb);
    else if (op == RVM_MATCH_MMAQA_B)
      rvm_mma_b(md, fa, fb);
    else
      rvm_mma_s(md, fa, fb);
  }
  rvm_trap_count = rvm_trap_count + 1;
  return RVM_EXEC_OK;
}

/* ---- the rvm_emu.h API that only touches the tile file ------------------ */

void rvm_emu_reset(void) {
  memset(rvm_tiles, 0, sizeof rvm_tiles);
  rvm_trap_count = 0;
}

uint32_t rvm_emu_trap_count(void) {
  return rvm_trap_count;
}

void rvm_emu_read_tile(int n, int32_t out[4][4]) {
  memcpy(out, rvm_tiles[n & 7], sizeof rvm_tiles[0]);
}

void rvm_emu_write_tile(int n, const int32_t in[4][4]) {
  memcpy(rvm_tiles[n & 7], in, sizeof rvm_tiles[0]);
}

#endif /* SCHEDC_RVM_EXEC_H */
