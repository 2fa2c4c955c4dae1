/* RVM (X-HEEP RISC-V matrix extension) emulator for bare metal (rvm_emu_bm.c
 * and rvm_trap.S in this folder: an mtvec handler under qemu-system-riscv32;
 * aborts by exiting with status 134) and for RISC-V Linux user mode
 * (tests/rvm/rvm_emu.c in the schedc repository: a SIGILL handler, same API).
 *
 * QEMU does not know the RVM opcodes (CUSTOM-1, 0x2b) and raises an
 * illegal-instruction trap for them. rvm_emu_install() installs a SIGILL
 * (bare metal: mtvec) handler that decodes the faulting word (encodings of the
 * X-HEEP matrix specification, esl-epfl/xheep_matrix_spec v0.1), applies it
 * to an emulated file of 8 tiles (4x4 int32 each, m0..m7) and resumes after
 * the instruction. Any other illegal word, and an arithmetic instruction whose
 * destination tile is also one of its sources (wrong results on hardware),
 * print a message and abort().
 *
 * Plain C11; the emulator is process-global and not thread safe.
 */
#ifndef SCHEDC_RVM_EMU_H
#define SCHEDC_RVM_EMU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Install the SIGILL (bare metal: mtvec) handler (idempotent). Tiles start
 * zeroed. */
void rvm_emu_install(void);

/* Zero all tiles and the trap counter. */
void rvm_emu_reset(void);

/* Number of RVM instructions emulated since install/reset. */
uint32_t rvm_emu_trap_count(void);

/* Copy tile n (0..7) out of / into the emulated register file, as 4x4 raw
 * 32-bit words (int8/int16/fp32 data is the same bytes, little endian). */
void rvm_emu_read_tile(int n, int32_t out[4][4]);
void rvm_emu_write_tile(int n, const int32_t in[4][4]);

#ifdef __cplusplus
}
#endif

#endif /* SCHEDC_RVM_EMU_H */
