#!/usr/bin/env bash
# Compiles PROC of FILE with the C backend (gcc) and with the LLVM backend
# (schedc -c at -OLEVEL for the host), links both into differential_main.c
# and runs it: every output must be bit-identical.
# usage: run_differential.sh SCHEDC FILE PROC KIND LEVEL
set -eu
schedc=$1
file=$2
proc=$3
kind=$4
level=$5
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$schedc" "$file" --proc "$proc" -o "$tmp/c_version.c" --header "$tmp/c_version.h"
"$schedc" "$file" --proc "$proc" -c "-O$level" --target x86_64-linux-gnu -o "$tmp/llvm.o"
objcopy --redefine-sym "$proc=llvm_$proc" "$tmp/llvm.o"
# -fwrapv: the language's integers wrap; -ffp-contract=off: floats are strict.
gcc -std=gnu11 -O2 -fwrapv -ffp-contract=off -Wall -Werror -I "$tmp" -include "$tmp/c_version.h" \
  -DPROC="$proc" "-DKIND_$kind" "$here/differential_main.c" "$tmp/c_version.c" "$tmp/llvm.o" \
  -o "$tmp/run"
"$tmp/run"
