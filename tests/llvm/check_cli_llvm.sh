#!/usr/bin/env bash
# The LLVM options of the command line: default output names, -S/-c/--emit-llvm
# outputs, -O levels, --header with -c, -o -, and that the C output is
# untouched by them.
# usage: check_cli_llvm.sh SCHEDC SOURCE_DIR
set -u
schedc=$1
src=$2
# $tmp, check and finish, as in the tests/cli scripts
source "$(dirname "$0")/../cli/lib.sh"
ex=$src/examples/conv1d.sched
cd "$tmp"
check "--help lists -c" bash -c "'$schedc' --help | grep -q -- '-c '"
check "--help lists --target and its triples" \
  bash -c "'$schedc' --help | grep -- '--target' | grep -q riscv32-unknown-elf"
check "-c writes STEM.o" bash -c "'$schedc' '$ex' -c && file conv1d.o | grep -q 'ELF 64-bit LSB relocatable, x86-64'"
check "-S writes STEM.s" bash -c "'$schedc' '$ex' -S && grep -q '^generic_conv1d:' conv1d.s"
check "--emit-llvm -S writes STEM.ll" \
  bash -c "'$schedc' '$ex' -S --emit-llvm && grep -q '^define void @generic_conv1d' conv1d.ll"
check "--emit-llvm -c writes STEM.bc" \
  bash -c "'$schedc' '$ex' -c --emit-llvm && llvm-bcanalyzer-19 conv1d.bc | grep -q MODULE_BLOCK"
check "-o - writes assembly to stdout" \
  bash -c "'$schedc' '$ex' -S -o - | grep -q '^generic_conv1d:'"
check "-c --header writes the C header" \
  bash -c "'$schedc' '$ex' -c -o k.o --header k.h && grep -q 'void generic_conv1d(void \*ctxt' k.h && test -s k.o"
check "-O0 keeps the stack slot of y" \
  bash -c "'$schedc' '$ex' -S -O0 -o o0.s && grep -q 'rsp' o0.s"
check "-O levels give different code" \
  bash -c "'$schedc' '$ex' -S -O1 -o o1.s && '$schedc' '$ex' -S -O2 -o o2.s && ! cmp -s o0.s o1.s && ! cmp -s o1.s o2.s"
check "-march=rv32imc --target riscv32 in -S" \
  bash -c "'$schedc' '$ex' -S --target riscv32-unknown-elf -march=rv32imc -mabi=ilp32 -o - | grep -q 'attribute.*rv32i2p1_m2p0_c2p0'"
check "riscv64 default is rv64gc/lp64d" \
  bash -c "'$schedc' '$ex' -c --target riscv64-unknown-linux-gnu -o r.o && llvm-readelf-19 -h r.o | grep -q 'RVC, double-float ABI'"
check "the C output is unchanged" bash -c "cd '$src/tests/golden' && '$schedc' conv1d.sched -o '$tmp/g.c' --header '$tmp/conv1d.h' && cmp -s '$tmp/g.c' conv1d.c"
finish cli_llvm
