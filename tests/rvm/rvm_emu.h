/* The RVM emulator's API lives with the firmware example, which a user copies
 * as a whole: examples/firmware/rvm_emu/rvm_emu.h. This forwarding header keeps
 * `-I tests/rvm` working for the Linux user-mode harnesses (tests/run/,
 * tests/llvm/, scripts/run-example.sh), which link tests/rvm/rvm_emu.c. */
#include "../../examples/firmware/rvm_emu/rvm_emu.h"
