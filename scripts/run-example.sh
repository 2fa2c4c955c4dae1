#!/usr/bin/env bash
# The main job: build schedc, then
#  1. compile the conv1d example to C and run it on the host against a plain C
#     reference on random inputs;
#  2. compile the RVM conv1d (examples/conv1d_rvm.sched, the blog's schedule)
#     to C with RVM inline assembly, cross-compile it for riscv64 and run it
#     under qemu-riscv64 with the RVM trap emulator, against the unscheduled
#     generic_conv1d and a C reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
out=$root/build/example
mkdir -p "$out"
set -x
"$root/build/schedc" "$root/examples/conv1d.sched" -o "$out/conv1d.c" --header "$out/conv1d.h"
cc -std=c99 -O2 -Wall -Werror -I "$out" "$root/tests/run/conv1d_main.c" "$out/conv1d.c" -o "$out/conv1d"
"$out/conv1d"

"$root/build/schedc" "$root/examples/conv1d_rvm.sched" -o "$out/conv1d_rvm.c" --header "$out/conv1d_rvm.h"
# -fwrapv: int32 sums wrap around in the language, as in the C reference
riscv64-linux-gnu-gcc -std=c11 -O2 -static -Wall -Werror -fwrapv -I "$out" -I "$root/tests/rvm" \
  "$root/tests/run/conv1d_rvm_main.c" "$out/conv1d_rvm.c" "$root/tests/rvm/rvm_emu.c" \
  -o "$out/conv1d_rvm.riscv"
qemu-riscv64 "$out/conv1d_rvm.riscv"
