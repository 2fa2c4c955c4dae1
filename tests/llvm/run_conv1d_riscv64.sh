#!/usr/bin/env bash
# conv1d compiled by the LLVM backend for riscv64-unknown-linux-gnu, linked by
# riscv64-linux-gnu-gcc with tests/run/conv1d_main.c (its C reference) and run
# under qemu-riscv64.
# usage: run_conv1d_riscv64.sh SCHEDC SOURCE_DIR LEVEL
set -eu
schedc=$1
src=$2
level=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$schedc" "$src/examples/conv1d.sched" -c "-O$level" --target riscv64-unknown-linux-gnu \
  -o "$tmp/conv1d.o" --header "$tmp/conv1d.h"
llvm-readelf-19 -h "$tmp/conv1d.o" | grep -q "Machine: *RISC-V"
riscv64-linux-gnu-gcc -std=c11 -O2 -static -Wall -Werror -I "$tmp" \
  "$src/tests/run/conv1d_main.c" "$tmp/conv1d.o" -o "$tmp/conv1d"
qemu-riscv64 "$tmp/conv1d"
