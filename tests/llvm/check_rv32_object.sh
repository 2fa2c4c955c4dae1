#!/usr/bin/env bash
# -c --target riscv32-unknown-elf -march=rv32imc -mabi=ilp32 gives an ELF32
# RISC-V relocatable object with the C extension (RVC flag, compressed
# instructions) and soft-float ABI, defining the proc.
# usage: check_rv32_object.sh SCHEDC SOURCE_DIR
set -eu
schedc=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$schedc" "$src/examples/conv1d.sched" -c --target riscv32-unknown-elf -march=rv32imc \
  -mabi=ilp32 -o "$tmp/conv1d.o"
llvm-readelf-19 -h "$tmp/conv1d.o" >"$tmp/header"
fail() { echo "FAIL: $*"; cat "$tmp/header"; exit 1; }
grep -q "Class: *ELF32" "$tmp/header" || fail "not ELF32"
grep -q "Machine: *RISC-V" "$tmp/header" || fail "not RISC-V"
grep -q "Type: *REL" "$tmp/header" || fail "not a relocatable object"
grep -q "Flags: .*RVC" "$tmp/header" || fail "no RVC flag"
grep -qE "Flags: .*(single|double|quad)-float" "$tmp/header" && fail "not the ilp32 (soft-float) ABI"
llvm-readelf-19 -s "$tmp/conv1d.o" | grep -qE "GLOBAL +DEFAULT +[0-9]+ generic_conv1d$" ||
  fail "generic_conv1d is not defined"
llvm-objdump-19 -d -M no-aliases "$tmp/conv1d.o" >"$tmp/disasm"
grep -qP "^\s+[0-9a-f]+:\s+[0-9a-f]{4}\s+c\." "$tmp/disasm" ||
  fail "no compressed instruction in the disassembly"
grep -qE "\bmul\b" "$tmp/disasm" || fail "no mul (M extension) in the disassembly"
echo "ok: ELF32 RISC-V, RVC, ilp32, $(grep -cE ' c\.' "$tmp/disasm") compressed instructions"
