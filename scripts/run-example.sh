#!/usr/bin/env bash
# The main job: build schedc, compile the conv1d example to C, and run that C
# against a plain C reference on random inputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
out=$root/build/example
mkdir -p "$out"
set -x
"$root/build/schedc" "$root/examples/conv1d.sched" -o "$out/conv1d.c" --header "$out/conv1d.h"
cc -std=c99 -O2 -Wall -Werror -I "$out" "$root/tests/run/conv1d_main.c" "$out/conv1d.c" -o "$out/conv1d"
"$out/conv1d"
