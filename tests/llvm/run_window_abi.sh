#!/usr/bin/env bash
# window_abi.sched through both backends, called from window_abi_main.c with
# window structs by value: on the host (gcc) or for riscv64 (cross gcc, run
# under qemu-riscv64).
# usage: run_window_abi.sh SCHEDC host|riscv64 LEVEL
set -eu
schedc=$1
where=$2
level=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$where" = riscv64 ]; then
  target=riscv64-unknown-linux-gnu cc="riscv64-linux-gnu-gcc -static" run=qemu-riscv64
else
  target=x86_64-linux-gnu cc=gcc run=
fi
"$schedc" "$here/window_abi.sched" -o "$tmp/window_abi.c" --header "$tmp/window_abi.h"
"$schedc" "$here/window_abi.sched" -c "-O$level" --target "$target" -o "$tmp/llvm.o"
llvm-objcopy-19 --redefine-sym scale_row=llvm_scale_row --redefine-sym add_tile=llvm_add_tile \
  --redefine-sym tiles=llvm_tiles "$tmp/llvm.o"
$cc -std=gnu11 -O2 -fwrapv -ffp-contract=off -Wall -Werror -I "$tmp" "$here/window_abi_main.c" \
  "$tmp/window_abi.c" "$tmp/llvm.o" -o "$tmp/run"
$run "$tmp/run"
