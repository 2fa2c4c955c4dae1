#!/usr/bin/env bash
# asm: holes on the host: tests/llvm/asm_holes.sched compiled with -c (x86_64)
# at LEVEL, linked with asm_holes_main.c and run; -S keeps the text as written.
# usage: run_asm_holes.sh SCHEDC LEVEL
set -eu
schedc=$1
level=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$schedc" "$here/asm_holes.sched" -c "-O$level" -o "$tmp/asm_holes.o" --header "$tmp/asm_holes.h"
cc -std=c11 -Wall -Werror -I "$tmp" "$here/asm_holes_main.c" "$tmp/asm_holes.o" -o "$tmp/run"
"$tmp/run"
"$schedc" "$here/asm_holes.sched" -S "-O$level" -o "$tmp/asm_holes.s"
grep -q 'addq $1, (%[a-z0-9]*)' "$tmp/asm_holes.s"
grep -q '# {literal braces}' "$tmp/asm_holes.s"
