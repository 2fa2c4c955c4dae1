/* RVM emulator for bare-metal RV32 under qemu-system-riscv32 (picolibc,
 * semihosting): the rvm_emu.h API with an mtvec illegal-instruction handler.
 *
 * rvm_trap.S saves the registers and calls rvm_emu_bm_trap(); the word comes
 * from mtval (QEMU puts the instruction bits there) or, when mtval is 0, is
 * fetched at mepc. It is decoded and executed by rvm_exec.h (shared with the
 * Linux SIGILL front end of schedc's tests, tests/rvm/rvm_emu.c); then
 * mepc += 4 and mret. Any other trap, a non-RVM word and an aliased
 * destination tile print a message and exit with status 134 (as abort()
 * would). */
#include "rvm_emu.h"
#include "rvm_exec.h"

#include <stdio.h>
#include <stdlib.h>

#define MCAUSE_ILLEGAL_INSTRUCTION 2u

void rvm_trap_entry(void);
void rvm_emu_bm_trap(unsigned long frame[32]);

static int installed;

static unsigned long read_mcause(void) {
  unsigned long v;
  __asm__ __volatile__("csrr %0, mcause" : "=r"(v));
  return v;
}

static unsigned long read_mepc(void) {
  unsigned long v;
  __asm__ __volatile__("csrr %0, mepc" : "=r"(v));
  return v;
}

static unsigned long read_mtval(void) {
  unsigned long v;
  __asm__ __volatile__("csrr %0, mtval" : "=r"(v));
  return v;
}

static void die(const char* what, unsigned long word, unsigned long pc) {
  fprintf(stderr, "rvm_emu: %s: word 0x%08lx at pc 0x%08lx\n", what, word, pc);
  _Exit(134);
}

void rvm_emu_bm_trap(unsigned long frame[32]) {
  unsigned long cause = read_mcause();
  unsigned long pc = read_mepc();
  if (cause != MCAUSE_ILLEGAL_INSTRUCTION) {
    fprintf(stderr, "rvm_emu: unexpected trap, mcause %lu, mtval 0x%08lx\n", cause, read_mtval());
    die("trap that is not an illegal instruction", 0, pc);
  }
  uint32_t w = (uint32_t)read_mtval();
  if (w == 0 && !rvm_fetch(pc, &w))
    die("illegal compressed instruction", w, pc);
  if ((w & 3u) != 3u)
    die("illegal compressed instruction", w, pc);
  enum rvm_exec_status status = rvm_exec(w, frame);
  if (status != RVM_EXEC_OK)
    die(rvm_exec_message(status), w, pc);
  __asm__ __volatile__("csrw mepc, %0" : : "r"(pc + 4));
}

void rvm_emu_install(void) {
  if (installed)
    return;
  __asm__ __volatile__("csrw mtvec, %0" : : "r"(rvm_trap_entry));
  installed = 1;
}
