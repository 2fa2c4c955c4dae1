#!/usr/bin/env bash
# The command line behaves as documented: exit codes, --version, --help,
# --proc, --header, --print (whose output must compile again), -I.
# usage: check_cli.sh SCHEDC SOURCE_DIR
set -u
schedc=$1
src=$2
source "$(dirname "$0")/lib.sh"

check "--version exits 0" test "$(status_of "$schedc" --version)" = 0
check "--version names schedc, LLVM and z3" grep -qE '^schedc [0-9]+\.[0-9]+\.[0-9]+ \(LLVM 19\.[0-9.]+, z3 4\.[0-9.]+\)' "$tmp/out"
check "--help exits 0" test "$(status_of "$schedc" --help)" = 0
check "--help lists --header" grep -q -- "--header" "$tmp/out"
check "--help lists the depfile options" bash -c "grep -q -- '-MD: ' '$tmp/out' && grep -q -- '-MF FILE: ' '$tmp/out'"
check "--help lists --verify-golden" grep -q -- "--verify-golden" "$tmp/out"
check "no input is a usage error (exit 1)" test "$(status_of "$schedc")" = 1
check "unknown option is a usage error (exit 1)" test "$(status_of "$schedc" --frobnicate x.sched)" = 1
check "missing file exits 1" test "$(status_of "$schedc" "$tmp/none.sched" -o "$tmp/x.c")" = 1
check "missing file is reported" grep -q "error: cannot read file '$tmp/none.sched'" "$tmp/err"
check "a directory as input exits 1" test "$(status_of "$schedc" "$tmp" -o "$tmp/x.c")" = 1
check "a directory as input is reported" grep -q "error: cannot read file '$tmp': it is a directory" "$tmp/err"

ex=$src/examples/conv1d.sched
# Warning flags: an unknown -WFLAG or -Wno-FLAG is refused as GCC refuses -Wfoo
# (a misspelt -Wno- would silently keep the warning); -Wall/-Wextra are accepted.
check "-Wfoo is a usage error (exit 1)" test "$(status_of "$schedc" "$ex" -Wfoo -o -)" = 1
check "-Wfoo is named" grep -q "unrecognized command-line option '-Wfoo'" "$tmp/err"
check "a misspelt -Wno- is a usage error" test "$(status_of "$schedc" "$ex" -Wno-unused-bufer -o -)" = 1
check "-Wno-unused-buffer -Wunused-proc -Wall -Wextra are accepted" \
  test "$(status_of "$schedc" "$ex" -Wno-unused-buffer -Wunused-proc -Wall -Wextra -o -)" = 0
check "compiles the conv1d example" test "$(status_of "$schedc" "$ex" -o "$tmp/conv1d.c" --header "$tmp/conv1d.h")" = 0
check "the .c includes its header" grep -q '#include "conv1d.h"' "$tmp/conv1d.c"
check "the header declares the proc" grep -q 'void generic_conv1d(void \*ctxt' "$tmp/conv1d.h"
check "generated C compiles warning-free" gcc -std=c99 -Wall -Wextra -Werror -c "$tmp/conv1d.c" -o "$tmp/conv1d.o" -I "$tmp"
check "-o - writes C to stdout" test "$(status_of "$schedc" "$ex" -o -)" = 0
check "stdout has the function" grep -q '^void generic_conv1d(' "$tmp/out"

mm=$src/examples/matmul_rvm.sched
check "--proc selects one proc" test "$(status_of "$schedc" "$mm" --proc matmul_ref -o -)" = 0
check "--proc leaves the others out" bash -c "grep -q 'matmul_ref(' '$tmp/out' && ! grep -q 'matmul_rvm(' '$tmp/out'"
check "--proc of an unknown name exits 1" test "$(status_of "$schedc" "$mm" --proc nope -o -)" = 1
check "--proc of an unknown name says so" grep -q "no proc named 'nope'" "$tmp/err"

# --print output is source syntax that compiles to the same C.
check "--print exits 0" test "$(status_of "$schedc" "$mm" --print)" = 0
{ echo 'import "rvm.sched"'; cat "$tmp/out"; } >"$tmp/printed.sched"
check "printed procs compile again" test "$(status_of "$schedc" "$tmp/printed.sched" -o -)" = 0
mv "$tmp/out" "$tmp/printed.c"
"$schedc" "$mm" -o - >"$tmp/orig.c"
check "printed procs give the same C" diff -q "$tmp/orig.c" "$tmp/printed.c"

# -I: imports are found in -I directories.
mkdir -p "$tmp/lib"
printf 'memory SCRATCH extends DRAM:\n    alloc: "{type} {name}[{size}];"\n    free: ""\n' >"$tmp/lib/scratch.sched"
printf 'import "scratch.sched"\nproc f(x: f32[4]):\n    t: f32[4] @ SCRATCH\n    for i in seq(0, 4):\n        t[i] = x[i]\n' >"$tmp/uses_lib.sched"
check "import without -I is refused" test "$(status_of "$schedc" "$tmp/uses_lib.sched" -o -)" = 1
check "import with -I compiles" test "$(status_of "$schedc" "$tmp/uses_lib.sched" -I "$tmp/lib" -o -)" = 0
check "the memory's alloc template is used" grep -q 'float t\[4\];' "$tmp/out"
# -I and --proc take one value each: before the input file they must not swallow it
check "-I before the input file" test "$(status_of "$schedc" -I "$tmp/lib" "$tmp/uses_lib.sched" -o -)" = 0
check "--proc before the input file" test "$(status_of "$schedc" --proc generic_conv1d "$ex" -o -)" = 0
check "--proc before the input file emits that proc" grep -q '^void generic_conv1d(' "$tmp/out"

finish "cli"
