/* QEMU TCG plugin (plugin API v1, QEMU 7.2): counts the guest instructions
 * executed by the whole run, exactly (an inline add per translated block).
 *
 *   qemu-riscv64 -plugin ./libinsn_count.so,out=FILE ./prog
 *   qemu-system-riscv32 ... -plugin ./libinsn_count.so,out=FILE
 *
 * At exit it writes "<count>\n" to FILE (with no out= argument: "insns:
 * <count>" through qemu_plugin_outs, shown with -d plugin). Debian ships no
 * qemu-plugin.h, so the few declarations needed are written here; they match
 * include/qemu/qemu-plugin.h of QEMU 7.2 (QEMU_PLUGIN_VERSION 1). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- from qemu-plugin.h (API v1) ---------------------------------------- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t; /* only passed through */
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op,
                                              void* ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
void qemu_plugin_outs(const char* string);

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv);
/* ------------------------------------------------------------------------- */

static uint64_t insn_count; /* one vCPU: the benchmarks are single threaded */
static char out_path[4096];

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count,
                                           qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  char line[64];
  snprintf(line, sizeof line, "%llu\n", (unsigned long long)insn_count);
  if (out_path[0]) {
    FILE* f = fopen(out_path, "w");
    if (f) {
      fputs(line, f);
      fclose(f);
      return;
    }
  }
  qemu_plugin_outs("insns: ");
  qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "out=", 4) == 0 && strlen(argv[i] + 4) < sizeof out_path) {
      strcpy(out_path, argv[i] + 4);
    } else {
      fprintf(stderr, "insn_count plugin: unknown argument %s (expected out=FILE)\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
