#!/usr/bin/env bash
# Runs a bare-metal RV32 image under qemu-system-riscv32 (virt machine, no
# firmware, semihosting for stdio and exit) and checks its exit status.
# usage: run_image.sh QEMU IMAGE.elf [EXPECTED_STATUS=0] [TIMEOUT_SECONDS=60]
set -u
qemu=$1
image=$2
expected=${3:-0}
limit=${4:-60}
timeout "$limit" "$qemu" -M virt -cpu rv32 -nographic -bios none -kernel "$image" \
  -semihosting-config enable=on,target=native </dev/null
status=$?
if [ "$status" = 124 ]; then
  echo "FAIL: $image did not exit within ${limit}s (no semihosting exit?)"
  exit 1
fi
if [ "$status" != "$expected" ]; then
  echo "FAIL: $image exited with status $status, expected $expected"
  exit 1
fi
echo "ok: $image exited with status $status"
