/* Hand expansion of the stdlib/rvm.sched C templates, written the way the schedc
 * C backend pastes them (tile macros from RVM_TILE's alloc/free templates,
 * window structs with element strides, int_fast32_t loop variables), run under
 * qemu-riscv64 with the RVM emulator and compared with plain C.
 *
 * Templates (rvm.sched), holes in braces, {{ }} literal braces:
 *   rvm_mld:   {{ register const void *schedc_rvm_rs1 __asm__("a0") = &{src_data};
 *              register long schedc_rvm_rs2 __asm__("a1") = 4 * ({src}.strides[0]);
 *              __asm__ __volatile__(".4byte 0x0400082b | (" {dst_int} " << 7) | (10 << 15)
 *              | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }}
 *   rvm_mst:   same with void *, &{dst_data}, {dst}.strides[0], 0x0c00082b, {src_int}
 *   rvm_mzero: __asm__ __volatile__(".4byte 0xf800002b | (" {dst_int} " << 15)");
 *   rvm_mmasa: __asm__ __volatile__(".4byte 0xf000082b | (" {md_int} " << 15) | ("
 *              {ms1_int} " << 21) | (" {ms2_int} " << 18)");
 *   rvm_mmada / rvm_mmaqa / rvm_fmmacc: as rvm_mmasa with 0xe000042b / 0x1000002b /
 *              0x0800082b.
 * (Each template is pasted on one line; they are wrapped here for reading.)
 *
 * Tile allocation follows RVM_TILE's `registers: [7, 6, ..., 0]`, first free
 * first, so check_encodings.sh knows which words must appear, e.g.
 * `mmasa.w m7, m3, m2` = 0xf06b882b, `mld.w m3, (a0), a1` = 0x04b509ab and
 * `mzero m7` = 0xf803802b (RVM.md check values).
 */
#include "rvm_emu.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct schedc_win_2i32 {
  int32_t* data;
  int_fast32_t strides[2];
};
struct schedc_win_2i32c {
  const int32_t* data;
  int_fast32_t strides[2];
};

enum { N = 16 };

/* ---- generated-style kernels -------------------------------------------- */

/* C[16, 16] += A[16, 16] * B[16, 16]^T: per column block jo, the four C tiles of
 * that column are accumulators (tiles 7..4); per ko the B tile (ms1, tile 3) is
 * shared and an A tile (ms2, tile 2) is loaded per row block. */
// clang-format off
void gemm_nt_acc(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B) {
  (void)ctxt;
  for (int_fast32_t jo = 0; jo < 4; jo++) {
#define c_tile_0 "7"
#define c_tile_1 "6"
#define c_tile_2 "5"
#define c_tile_3 "4"
    { register const void *schedc_rvm_rs1 __asm__("a0") = &C[(0) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &C[(0) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" c_tile_0 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register const void *schedc_rvm_rs1 __asm__("a0") = &C[(4) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &C[(4) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" c_tile_1 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register const void *schedc_rvm_rs1 __asm__("a0") = &C[(8) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &C[(8) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" c_tile_2 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register const void *schedc_rvm_rs1 __asm__("a0") = &C[(12) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &C[(12) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" c_tile_3 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    for (int_fast32_t ko = 0; ko < 4; ko++) {
#define b_tile "3"
      { register const void *schedc_rvm_rs1 __asm__("a0") = &B[(4 * jo) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &B[(4 * jo) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" b_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#define a_tile "2"
      { register const void *schedc_rvm_rs1 __asm__("a0") = &A[(0) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &A[(0) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
      __asm__ __volatile__(".4byte 0xf000082b | (" c_tile_0 " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
      { register const void *schedc_rvm_rs1 __asm__("a0") = &A[(4) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &A[(4) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
      __asm__ __volatile__(".4byte 0xf000082b | (" c_tile_1 " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
      { register const void *schedc_rvm_rs1 __asm__("a0") = &A[(8) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &A[(8) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
      __asm__ __volatile__(".4byte 0xf000082b | (" c_tile_2 " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
      { register const void *schedc_rvm_rs1 __asm__("a0") = &A[(12) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &A[(12) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
      __asm__ __volatile__(".4byte 0xf000082b | (" c_tile_3 " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
#undef a_tile
#undef b_tile
    }
    { register void *schedc_rvm_rs1 __asm__("a0") = &C[(0) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &C[(0) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" c_tile_0 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register void *schedc_rvm_rs1 __asm__("a0") = &C[(4) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &C[(4) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" c_tile_1 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register void *schedc_rvm_rs1 __asm__("a0") = &C[(8) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &C[(8) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" c_tile_2 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
    { register void *schedc_rvm_rs1 __asm__("a0") = &C[(12) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &C[(12) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" c_tile_3 " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef c_tile_3
#undef c_tile_2
#undef c_tile_1
#undef c_tile_0
  }
}

/* C[16, 16] = A * B^T: one accumulator (tile 7, mzero'd), B tile 6, A tile 5.
 * The A operand is read through a window of a strided view of A (row stride
 * 2 * 16 elements over a 32-row buffer holding A in its even rows) to check
 * byte strides other than 16. */
void gemm_nt(void *ctxt, int32_t *C, const int32_t *A2, const int32_t *B) {
  (void)ctxt;
  for (int_fast32_t io = 0; io < 4; io++) {
    for (int_fast32_t jo = 0; jo < 4; jo++) {
#define acc "7"
      __asm__ __volatile__(".4byte 0xf800002b | (" acc " << 15)");
      for (int_fast32_t ko = 0; ko < 4; ko++) {
#define bt "6"
        { register const void *schedc_rvm_rs1 __asm__("a0") = &B[(4 * jo) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &B[(4 * jo) * 16 + 4 * ko], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" bt " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#define at "5"
        { register const void *schedc_rvm_rs1 __asm__("a0") = &A2[(8 * io) * 16 + 4 * ko]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &A2[(8 * io) * 16 + 4 * ko], { 32, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" at " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
        __asm__ __volatile__(".4byte 0xf000082b | (" acc " << 15) | (" bt " << 21) | (" at " << 18)");
#undef at
#undef bt
      }
      { register void *schedc_rvm_rs1 __asm__("a0") = &C[(4 * io) * 16 + 4 * jo]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &C[(4 * io) * 16 + 4 * jo], { 16, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" acc " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef acc
    }
  }
}

/* One call of each instr on a single tile: d += a * b^T with d in tile 2, b (ms1)
 * in tile 1 and a (ms2) in tile 0, i.e. `op m2, m1, m0` (mmasa.w m2, m1, m0 is
 * 0xf021082b in RVM.md). These tile numbers are fixed by hand to hit the RVM.md
 * check word (in a real proc the first allocation gets tile 7). The i16/i8/f32
 * operands are loaded with rvm_mld through i32 windows over the same bytes. */
void small_mmasa(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b) {
  (void)ctxt;
#define d_tile "2"
#define b_tile "1"
#define a_tile "0"
  { register const void *schedc_rvm_rs1 __asm__("a0") = &b[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &b[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" b_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &a[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &a[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  __asm__ __volatile__(".4byte 0xf000082b | (" d_tile " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
  { register void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef a_tile
#undef b_tile
#undef d_tile
}

void small_mmada(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b) {
  (void)ctxt;
#define d_tile "2"
#define b_tile "1"
#define a_tile "0"
  { register const void *schedc_rvm_rs1 __asm__("a0") = &b[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &b[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" b_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &a[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &a[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  __asm__ __volatile__(".4byte 0xe000042b | (" d_tile " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
  { register void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef a_tile
#undef b_tile
#undef d_tile
}

void small_mmaqa(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b) {
  (void)ctxt;
#define d_tile "2"
#define b_tile "1"
#define a_tile "0"
  { register const void *schedc_rvm_rs1 __asm__("a0") = &b[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &b[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" b_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &a[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &a[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  __asm__ __volatile__(".4byte 0x1000002b | (" d_tile " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
  { register void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef a_tile
#undef b_tile
#undef d_tile
}

void small_fmmacc(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b) {
  (void)ctxt;
#define d_tile "2"
#define b_tile "1"
#define a_tile "0"
  { register const void *schedc_rvm_rs1 __asm__("a0") = &b[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &b[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" b_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &a[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &a[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" a_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  { register const void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32c){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0400082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
  __asm__ __volatile__(".4byte 0x0800082b | (" d_tile " << 15) | (" b_tile " << 21) | (" a_tile " << 18)");
  { register void *schedc_rvm_rs1 __asm__("a0") = &d[0]; register long schedc_rvm_rs2 __asm__("a1") = 4 * (((struct schedc_win_2i32){ &d[0], { 4, 1 } }).strides[0]); __asm__ __volatile__(".4byte 0x0c00082b | (" d_tile " << 7) | (10 << 15) | (11 << 20)" : : "r"(schedc_rvm_rs1), "r"(schedc_rvm_rs2) : "memory"); }
#undef a_tile
#undef b_tile
#undef d_tile
}

// clang-format on

/* ---- driver --------------------------------------------------------------- */

#define SELFTEST_SEED 20240611u
#include "selftest_util.h"

/* Mostly small signed values (exact products), every 8th word full range so
 * that the int32 sums wrap. */
static int32_t rnd_i32(void) {
  uint32_t r = rnd();
  if ((r & 7u) == 0)
    return (int32_t)rnd();
  return (int32_t)(r >> 8) % 2001 - 1000;
}

static void ref_gemm_nt(uint32_t* c, const int32_t* a, long a_row, const int32_t* b) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      uint32_t acc = c[i * N + j];
      for (int k = 0; k < N; ++k)
        acc += (uint32_t)a[i * a_row + k] * (uint32_t)b[j * N + k];
      c[i * N + j] = acc;
    }
}

static void test_gemm(void) {
  static int32_t A[N * N], B[N * N], C[N * N], A2[2 * N * N];
  static uint32_t ref[N * N];
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < N * N; ++i) {
      A[i] = rnd_i32();
      B[i] = rnd_i32();
      C[i] = rnd_i32();
    }
    memcpy(ref, C, sizeof ref);
    ref_gemm_nt(ref, A, N, B);
    uint32_t traps = rvm_emu_trap_count();
    gemm_nt_acc(NULL, C, A, B);
    check(memcmp(C, ref, sizeof ref) == 0, "gemm_nt_acc: C += A * B^T (16x16x16)");
    /* 4 jo x (4 mld + 4 ko x (1 + 4 x 2) + 4 mst) */
    check(rvm_emu_trap_count() - traps == 4 * (4 + 4 * 9 + 4), "gemm_nt_acc trap count");

    for (int i = 0; i < N; ++i)
      for (int k = 0; k < N; ++k) {
        A2[(2 * i) * N + k] = A[i * N + k];
        A2[(2 * i + 1) * N + k] = rnd_i32(); /* must not be read */
      }
    memset(ref, 0, sizeof ref);
    ref_gemm_nt(ref, A, N, B);
    for (int i = 0; i < N * N; ++i)
      C[i] = rnd_i32(); /* overwritten: gemm_nt starts from mzero */
    traps = rvm_emu_trap_count();
    gemm_nt(NULL, C, A2, B);
    check(memcmp(C, ref, sizeof ref) == 0, "gemm_nt: C = A * B^T with row stride 32 for A");
    check(rvm_emu_trap_count() - traps == 16 * (1 + 4 * 3 + 1), "gemm_nt trap count");
  }
}

static void test_small(void) {
  /* int32 */
  {
    int32_t a[4][4], b[4][4], d[4][4];
    uint32_t ref[4][4];
    for (int i = 0; i < 16; ++i) {
      a[i / 4][i % 4] = (int32_t)rnd();
      b[i / 4][i % 4] = (int32_t)rnd();
      d[i / 4][i % 4] = (int32_t)rnd();
    }
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        uint32_t acc = (uint32_t)d[i][j];
        for (int k = 0; k < 4; ++k)
          acc += (uint32_t)a[i][k] * (uint32_t)b[j][k];
        ref[i][j] = acc;
      }
    small_mmasa(NULL, &d[0][0], &a[0][0], &b[0][0]);
    check(memcmp(d, ref, sizeof d) == 0, "rvm_mmasa template (mmasa.w m2, m1, m0)");
  }
  /* int16 in i32 words */
  {
    union {
      int16_t h[4][8];
      int32_t w[4][4];
    } a, b;
    int32_t d[4][4];
    uint32_t ref[4][4];
    for (int i = 0; i < 32; ++i) {
      a.h[i / 8][i % 8] = (int16_t)rnd();
      b.h[i / 8][i % 8] = (int16_t)rnd();
    }
    for (int i = 0; i < 16; ++i)
      d[i / 4][i % 4] = rnd_i32();
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        uint32_t acc = (uint32_t)d[i][j];
        for (int k = 0; k < 8; ++k)
          acc += (uint32_t)(a.h[i][k] * b.h[j][k]);
        ref[i][j] = acc;
      }
    small_mmada(NULL, &d[0][0], &a.w[0][0], &b.w[0][0]);
    check(memcmp(d, ref, sizeof d) == 0, "rvm_mmada template (mmada.h m2, m1, m0)");
  }
  /* int8 in i32 words */
  {
    union {
      int8_t q[4][16];
      int32_t w[4][4];
    } a, b;
    int32_t d[4][4];
    uint32_t ref[4][4];
    for (int i = 0; i < 64; ++i) {
      a.q[i / 16][i % 16] = (int8_t)rnd();
      b.q[i / 16][i % 16] = (int8_t)rnd();
    }
    for (int i = 0; i < 16; ++i)
      d[i / 4][i % 4] = rnd_i32();
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        uint32_t acc = (uint32_t)d[i][j];
        for (int k = 0; k < 16; ++k)
          acc += (uint32_t)(a.q[i][k] * b.q[j][k]);
        ref[i][j] = acc;
      }
    small_mmaqa(NULL, &d[0][0], &a.w[0][0], &b.w[0][0]);
    check(memcmp(d, ref, sizeof d) == 0, "rvm_mmaqa template (mmaqa.b m2, m1, m0)");
  }
  /* fp32 in i32 words; quarter values so every sum is exact */
  {
    union {
      float f[4][4];
      int32_t w[4][4];
    } a, b, d;
    float ref[4][4];
    for (int i = 0; i < 16; ++i) {
      a.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
      b.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
      d.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
    }
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        float acc = d.f[i][j];
        for (int k = 0; k < 4; ++k)
          acc += a.f[i][k] * b.f[j][k];
        ref[i][j] = acc;
      }
    small_fmmacc(NULL, &d.w[0][0], &a.w[0][0], &b.w[0][0]);
    check(memcmp(d.f, ref, sizeof ref) == 0, "rvm_fmmacc template (fmmacc.s m2, m1, m0)");
  }
}

int main(void) {
  rvm_emu_install();
  rvm_emu_reset();
  test_gemm();
  test_small();
  printf("%u RVM instructions emulated\n", (unsigned)rvm_emu_trap_count());
  printf("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed != 0;
}
