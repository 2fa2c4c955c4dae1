#!/usr/bin/env bash
# Dynamic instruction counts of RISC-V kernels under QEMU (insn_count plugin):
# for each "LABEL|KIND|LLVM_BINARY|CLANG_BINARY" argument (KIND: user for
# qemu-riscv64, system for a bare-metal qemu-system-riscv32 image), runs each
# binary with 1 and with 1 + CALLS kernel calls (same output, so the same
# checksum printing cost), and prints the instructions per
# call of schedc's LLVM backend, of clang-19 -O2 on the C backend's output, and
# their ratio. Fails when a run fails or the two outputs' checksums differ.
# usage: run_rv_bench.sh PLUGIN QEMU_USER QEMU_SYSTEM CALLS CASE...
set -euo pipefail
plugin=$1 qemu_user=$2 qemu_system=$3 calls=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count KIND BINARY N -> instructions of the whole run; checksum in $tmp/out
count() {
  local kind=$1 bin=$2 n=$3
  if [ "$kind" = user ]; then
    timeout 120 "$qemu_user" -plugin "$plugin,out=$tmp/count" "$bin" "$n" >"$tmp/out"
  else
    timeout 120 "$qemu_system" -M virt -cpu rv32 -nographic -bios none -kernel "$bin" \
      -semihosting-config "enable=on,target=native,arg=$n" -plugin "$plugin,out=$tmp/count" \
      </dev/null >"$tmp/out" 2>&1 # semihosting writes to stderr
  fi
  cat "$tmp/count"
}

printf '%-22s %14s %14s %8s\n' "kernel (target)" "LLVM insns" "clang insns" "ratio"
status=0
for case in "$@"; do
  IFS='|' read -r label kind llvm clang <<<"$case"
  per_call=()
  sums=()
  for bin in "$llvm" "$clang"; do
    base=$(count "$kind" "$bin" 1)
    total=$(count "$kind" "$bin" $((calls + 1)))
    sums+=("$(cat "$tmp/out")")
    per_call+=($(((total - base) / calls)))
  done
  ratio=$(awk -v a="${per_call[0]}" -v b="${per_call[1]}" 'BEGIN { printf "%.3f", a / b }')
  printf '%-22s %14d %14d %8s\n' "$label" "${per_call[0]}" "${per_call[1]}" "$ratio"
  if [ "${sums[0]}" != "${sums[1]}" ]; then
    echo "  FAIL: outputs differ: LLVM ${sums[0]}, clang ${sums[1]}"
    status=1
  fi
done
echo "(instructions per call: (run with $((calls + 1)) calls - run with 1) / $calls; ratio = LLVM / clang)"
exit $status
