#!/usr/bin/env bash
# An RVM example compiled by the LLVM backend (instrs through their asm: forms)
# for riscv64-unknown-linux-gnu, linked by riscv64-linux-gnu-gcc with its
# harness (tests/run/) and the RVM trap emulator (tests/rvm/rvm_emu.c), and run
# under qemu-riscv64: the harness compares every proc of the file with a C
# reference, as the C-backend builds of tests/CMakeLists.txt do.
# usage: run_rvm_riscv64.sh SCHEDC SOURCE_DIR EXAMPLE HARNESS FLAVOUR LEVEL [CFLAGS...]
#   EXAMPLE: examples/NAME.sched; HARNESS: tests/run/X_main.c;
#   FLAVOUR: rvm (as written) or rvm_insn (its import switched to rvm_insn.sched)
set -eu
schedc=$1
src=$2
example=$3
harness=$4
flavour=$5
level=$6
shift 6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=$(basename "$example" .sched)
sed "s/^import \"rvm.sched\"/import \"$flavour.sched\"/" "$src/$example" >"$tmp/$name.sched"
grep -q "^import \"$flavour.sched\"" "$tmp/$name.sched"
"$schedc" "$tmp/$name.sched" -c "-O$level" --target riscv64-unknown-linux-gnu \
  -o "$tmp/$name.o" --header "$tmp/$name.h"
llvm-readelf-19 -h "$tmp/$name.o" | grep -q "Machine: *RISC-V"
riscv64-linux-gnu-gcc -std=c11 -O2 -static -Wall -Werror -I "$tmp" -I "$src/tests/rvm" "$@" \
  "$src/$harness" "$src/tests/rvm/rvm_emu.c" "$tmp/$name.o" -o "$tmp/$name"
qemu-riscv64 "$tmp/$name"
