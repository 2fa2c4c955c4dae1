#!/usr/bin/env bash
# --emit-llvm -S output passes opt-19's verifier, at -O0 and -O2, for every
# target; --emit-llvm -c gives bitcode that llvm-dis-19 reads.
# usage: check_verify.sh SCHEDC FILE [schedc args...]
set -eu
schedc=$1
file=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for target in x86_64-linux-gnu riscv64-unknown-linux-gnu riscv32-unknown-elf; do
  for level in 0 2; do
    "$schedc" "$file" "$@" --emit-llvm -S "-O$level" --target "$target" -o "$tmp/out.ll"
    grep -q "^target triple = \"$target\"" "$tmp/out.ll"
    opt-19 -passes=verify -disable-output "$tmp/out.ll"
  done
done
"$schedc" "$file" "$@" --emit-llvm -c -o "$tmp/out.bc"
llvm-dis-19 "$tmp/out.bc" -o "$tmp/out.dis.ll"
opt-19 -passes=verify -disable-output "$tmp/out.dis.ll"
echo "ok"
