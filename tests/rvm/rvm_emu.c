/* RVM emulator: SIGILL handler for qemu-riscv64 (user mode). See rvm_emu.h.
 * Decoding and the tile operations are in rvm_exec.h, shared with the
 * bare-metal mtvec handler; both live in examples/firmware/rvm_emu/. */
#define _GNU_SOURCE /* REG_PC, greg names in <sys/ucontext.h> */

#include "../../examples/firmware/rvm_emu/rvm_emu.h"
#include "../../examples/firmware/rvm_emu/rvm_exec.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

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

/* ---- SIGILL front end -------------------------------------------------- */

static void handler(int sig, siginfo_t* info, void* vctx) {
  (void)sig;
  (void)info;
  ucontext_t* uc = (ucontext_t*)vctx;
  unsigned long* g = uc->uc_mcontext.__gregs;
  unsigned long pc = g[REG_PC];

  uint32_t w;
  if (!rvm_fetch(pc, &w))
    die("illegal compressed instruction", w, pc);
  enum rvm_exec_status status = rvm_exec(w, g); /* __gregs[i] is x_i (i >= 1) */
  if (status != RVM_EXEC_OK)
    die(rvm_exec_message(status), w, pc);
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
