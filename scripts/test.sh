#!/usr/bin/env bash
# Builds schedc and runs every test (unit, golden, refusals, RISC-V under QEMU).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
ctest --test-dir "$root/build" -j2 --output-on-failure "$@"
