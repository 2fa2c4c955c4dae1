#!/usr/bin/env bash
# The LLVM backend's refusals: exit status 1, the exact first line of the
# diagnostic, no output file left behind, nothing that looks like a crash.
# usage: check_refusals.sh SCHEDC SOURCE_DIR
set -u
schedc=$1
src=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
conv=$src/examples/conv1d.sched
refuse() { # refuse NAME EXPECTED_FIRST_LINE ARGS...
  local name=$1 expected=$2
  shift 2
  rm -f "$tmp/out.o"
  # -w: refuse_nine_tiles.sched's tiles are never used (-Wunused-buffer); the
  # refusal must be the first line.
  "$schedc" "$@" -w -o "$tmp/out.o" >"$tmp/stdout" 2>"$tmp/stderr"
  local status=$? ok=1
  local first
  first=$(head -1 "$tmp/stderr")
  if [ "$status" != 1 ]; then
    echo "FAIL: $name: exit status $status, expected 1"
    ok=0
  fi
  if [ "$first" != "$expected" ]; then
    echo "FAIL: $name: first line differs"
    echo "  expected: $expected"
    echo "  actual:   $first"
    ok=0
  fi
  if [ -e "$tmp/out.o" ]; then
    echo "FAIL: $name: an output file was written"
    ok=0
  fi
  if grep -qiE "internal|assert|dump|abort|segmentation" "$tmp/stderr"; then
    echo "FAIL: $name: looks like a crash:"
    cat "$tmp/stderr"
    ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

known="x86_64-linux-gnu, riscv64-unknown-linux-gnu, riscv32-unknown-elf"
refuse "unknown target" "schedc: error: unknown target 'mips-linux-gnu' (known: $known)" \
  "$conv" -c --target mips-linux-gnu
refuse "unknown target with -S" "schedc: error: unknown target 'riscv64' (known: $known)" \
  "$conv" -S --target riscv64
refuse "bad -march extension" \
  "schedc: error: bad -march 'rv32qq': first letter after 'rv32' should be 'e', 'i' or 'g'" \
  "$conv" -c --target riscv32-unknown-elf -march=rv32qq
refuse "bad -march base" \
  "schedc: error: bad -march 'imc': string must begin with rv32{i,e,g}, rv64{i,e,g}, or a supported profile name" \
  "$conv" -c --target riscv32-unknown-elf -march=imc
refuse "rv64 -march for riscv32" \
  "schedc: error: -march 'rv64gc' is an rv64 architecture; target 'riscv32-unknown-elf' needs rv32" \
  "$conv" -c --target riscv32-unknown-elf -march=rv64gc
refuse "rv32 -march for riscv64" \
  "schedc: error: -march 'rv32imc' is an rv32 architecture; target 'riscv64-unknown-linux-gnu' needs rv64" \
  "$conv" -c --target riscv64-unknown-linux-gnu -march=rv32imc
refuse "-mabi of the other width" \
  "schedc: error: unknown -mabi 'lp64' for riscv32-unknown-elf" \
  "$conv" -c --target riscv32-unknown-elf -march=rv32imc -mabi=lp64
refuse "-mabi needs an extension" \
  "schedc: error: -mabi 'ilp32d' needs the d extension, which -march 'rv32imc' does not have" \
  "$conv" -c --target riscv32-unknown-elf -march=rv32imc -mabi=ilp32d
refuse "-mabi for x86" "schedc: error: -mabi is for RISC-V targets, not 'x86_64-linux-gnu'" \
  "$conv" -c -mabi=lp64
refuse "unknown x86 cpu" "schedc: error: unknown -march 'pentium9' for x86_64-linux-gnu" \
  "$conv" -c -march=pentium9
refuse "instr without asm form" \
  "$here/refuse_instr.sched:8:5: error: instr 'copy4' has no asm: form; the LLVM backend needs one" \
  "$here/refuse_instr.sched" -c
refuse "instr without asm form (riscv32)" \
  "$here/refuse_instr.sched:8:5: error: instr 'copy4' has no asm: form; the LLVM backend needs one" \
  "$here/refuse_instr.sched" -c --target riscv32-unknown-elf -march=rv32imc
refuse "memory without LLVM lowering" \
  "$here/refuse_memory.sched:7:5: error: memory SCRATCH has no LLVM lowering (allocation of 't')" \
  "$here/refuse_memory.sched" -S
# asm: forms (ir/AsmTemplate.h): holes checked where the instr is defined.
refuse "unknown hole in an asm: form" \
  "$here/refuse_asm_hole.sched:7:5: error: instr 'bad_mld': unknown hole '{src_adr}' in its asm: template" \
  "$here/refuse_asm_hole.sched" -c --target riscv64-unknown-linux-gnu
refuse "unknown hole in an asm: form (C output)" \
  "$here/refuse_asm_hole.sched:7:5: error: instr 'bad_mld': unknown hole '{src_adr}' in its asm: template" \
  "$here/refuse_asm_hole.sched"
refuse "register offset on named registers" \
  "$here/refuse_asm_offset.sched:6:5: error: instr 'bad_mzero': {dst_reg+16}: register 'm7' of memory RVM_TILE is not a number, so it cannot be offset in its asm: template" \
  "$here/refuse_asm_offset.sched" -c
# Each hole kind on the wrong kind of argument (an instr whose asm: form is ASM).
bad_hole() { # bad_hole NAME ASM EXPECTED_MESSAGE
  cat >"$tmp/hole.sched" <<SCHED
import "rvm.sched"

instr bad(dst: [i32][4, 4] @ RVM_TILE, src: [i32][4, 4] @ DRAM, n: size):
    c: '/* {dst_int} {src_data} */'
    asm: '$2'
    for i in seq(0, 4):
        for j in seq(0, 4):
            dst[i, j] = src[i, j]
SCHED
  refuse "$1" "$tmp/hole.sched:5:5: error: instr 'bad': $3 in its asm: template" \
    "$tmp/hole.sched" -c --target riscv64-unknown-linux-gnu
}
bad_hole "address of a register" "mld {dst_addr}" \
  "{dst_addr}: 'dst' is in the register file RVM_TILE, which has no addresses (use {dst_reg})"
bad_hole "register of DRAM" "mld {src_reg}" \
  "{src_reg}: 'src' is in memory DRAM, which has no registers (use {src_addr})"
bad_hole "data argument as a value" "mld {src}" \
  "data argument 'src' has no GPR value: use {src_addr} (or {src_reg} in a register file)"
bad_hole "stride of a missing dimension" "mld {src_stride_bytes_2}" \
  "{src_stride_bytes_2}: 'src' has 2 dimensions"
bad_hole "control argument with a suffix" "mld {n_addr}" \
  "'n' is a control argument: write {n}"
bad_hole "bad register offset" "mld x{dst_reg+a}" \
  "{dst_reg+a}: expected a decimal constant after 'reg+'"
bad_hole "unterminated hole" "mld {dst_reg" "unterminated hole (write '{{' for a brace)"
# A ninth live RVM tile: the same refusal from the LLVM and the C backend.
nine="$here/refuse_nine_tiles.sched:14:5: error: memory RVM_TILE has no free register for 't8' (8 registers, all held by allocations still in scope: t0, t1, t2, t3, t4, t5, t6, t7; end a buffer's scope sooner, or share a register with reuse_buffer)"
refuse "ninth live tile (-c)" "$nine" "$here/refuse_nine_tiles.sched" -c \
  --target riscv64-unknown-linux-gnu
refuse "ninth live tile (-S, riscv32)" "$nine" "$here/refuse_nine_tiles.sched" -S \
  --target riscv32-unknown-elf -march=rv32imc
refuse "ninth live tile (C)" "$nine" "$here/refuse_nine_tiles.sched"
# A call of a proc that allocates tiles while the caller holds one: refused by
# both backends (RegisterAllocation.h: checkCallKeepsRegisters).
cat >"$tmp/live.sched" <<'SCHED'
import "rvm.sched"

proc zero_out(out: i32[4, 4]):
    t: i32[4, 4] @ RVM_TILE
    rvm_mzero(t)
    rvm_mst(t, out)

proc calls_with_live_tile(out: i32[4, 4], other: i32[4, 4]):
    u: i32[4, 4] @ RVM_TILE
    rvm_mzero(u)
    zero_out(other)
    rvm_mst(u, out)
SCHED
live="$tmp/live.sched:11:5: error: cannot call 'zero_out' while registers of RVM_TILE are live (u): 'zero_out' allocates RVM_TILE registers itself and would overwrite them"
refuse "call clobbering live tiles (-c)" "$live" "$tmp/live.sched" -c \
  --target riscv64-unknown-linux-gnu
refuse "call clobbering live tiles (C)" "$live" "$tmp/live.sched"
# The mnemonic flavour with -c: LLVM's assembler does not know the mnemonics.
refuse "mnemonics with -c" \
  "$here/refuse_mnemonic.sched:7:5: error: instr 'rvm_mzero': the assembler refuses its asm: form: unrecognized instruction mnemonic in \`mzero m7\`" \
  "$here/refuse_mnemonic.sched" -c --target riscv64-unknown-linux-gnu
refuse "--emit-llvm without -c/-S" "schedc: error: --emit-llvm, --target, -march and -mabi need -c or -S" \
  "$conv" --emit-llvm
refuse "-c and -S together" "schedc: error: -c excludes -S" "$conv" -c -S
refuse "-O4" "schedc: error: -O: Value 4 not in range 0 to 3" "$conv" -c -O4

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
