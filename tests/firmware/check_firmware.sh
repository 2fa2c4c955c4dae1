#!/usr/bin/env bash
# The firmware example (examples/firmware) as a user runs it, built out of tree:
#   1. `make -C examples/firmware BUILD_DIR=<tmp> SCHEDC=<schedc>` builds both
#      images (C path, -c path), runs them under QEMU and both print PASS;
#      nothing is written into the source tree;
#   2. schedc's depfiles list the kernel's imports (rvm.sched, scheduling.sched);
#   3. a second make rebuilds nothing (`make -q app` says up to date, and
#      `make` runs no recipe but the runs, which print the same counts);
#   4. touching an imported .sched (rvm.sched, found through the depfile)
#      rebuilds exactly what depends on it: both schedc runs, the generated C,
#      the application objects (they include the regenerated headers) and both
#      links; not the RVM trap handler's objects;
#   5. touching a header of the trap handler (rvm_exec.h) rebuilds exactly that
#      handler object and the two links; schedc does not run.
# Touched files get their modification time back afterwards.
#
# usage: check_firmware.sh SOURCE_DIR SCHEDC [MAKE [VAR=value...]]
#   (VAR=value: more make variables, e.g. COMPILER_PREFIX=, QEMU=)
set -u
src=$1
schedc=$2
make_cmd=${3:-make}
shift $(($# < 3 ? $# : 3))
make_vars=("$@")
example="$src/examples/firmware"

# A make that runs this test must not hand its jobserver or flags down.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

work=$(mktemp -d)
build="$work/build"
restore=()
cleanup() {
  local pair
  for pair in "${restore[@]}"; do
    touch -r "${pair%%|*}" "${pair#*|}"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Sets $out to make's output and returns make's status.
run_make() {
  out=$("$make_cmd" -C "$example" --no-print-directory BUILD_DIR="$build" SCHEDC="$schedc" V=0 \
    "${make_vars[@]}" "$@" 2>&1)
}

# The recipes make ran: its echo lines (`  SCHEDC   <file>`), with the build
# folder left out, sorted.
recipes() {
  printf '%s\n' "$out" | sed -n 's/^  \(SCHEDC-c\|SCHEDC\|CC\|AS\|LD\) \{1,\}//p' |
    sed "s|^$build/||" | sort
}

# Remember a file's modification time, then touch it a second after the last
# build (so the order does not depend on the file system's time resolution).
touch_later() {
  local file=$1 ref
  ref="$work/mtime.$(basename "$file").$RANDOM"
  touch -r "$file" "$ref"
  restore+=("$ref|$file")
  sleep 1
  touch "$file"
}

expect_recipes() {
  local what=$1 expected=$2 got
  got=$(recipes)
  if [ "$got" != "$expected" ]; then
    fail "$what: make ran"
    printf '%s\n' "${got:-(nothing)}" | sed 's/^/    /'
    echo "  expected"
    printf '%s\n' "${expected:-(nothing)}" | sed 's/^/    /'
  else
    echo "ok: $what: $(printf '%s\n' "$expected" | grep -c .) recipes, as expected"
  fi
}

stamp="$work/stamp"
touch "$stamp"
sleep 1

# 1. Build and run.
if run_make -k; then
  echo "ok: make -C examples/firmware exits 0"
else
  fail "make -C examples/firmware exited with status $?"
fi
printf '%s\n' "$out" | sed 's/^/  | /'
out_first=$out
for path in "C path" "-c path"; do
  if printf '%s\n' "$out" | grep -q "^\[$path\] .*trials match: PASS$"; then
    echo "ok: the $path image prints PASS"
  else
    fail "the $path image did not print PASS"
  fi
  if printf '%s\n' "$out" | grep -q "^\[$path\] exo_conv1d_tile_lt_kw .*mcycle *[0-9][0-9]* *minstret *[0-9]"; then
    echo "ok: the $path image prints mcycle/minstret of the kernel"
  else
    fail "the $path image printed no mcycle/minstret counts"
  fi
done
written=$(find "$src/examples" -newer "$stamp" -print)
if [ -n "$written" ]; then
  fail "make wrote into the source tree: $written"
fi

# 2. schedc's depfiles.
rvm_sched=""
for d in "$build/c/conv1d_rvm.sched.d" "$build/obj/conv1d_rvm.sched.d"; do
  if [ ! -f "$d" ]; then
    fail "no schedc depfile $d"
    continue
  fi
  deps=$(sed -e 's/\\$//' "$d" | tr ' ' '\n' | grep '\.sched$' | sort -u)
  for import in conv1d_rvm.sched rvm.sched scheduling.sched memories.sched; do
    if ! printf '%s\n' "$deps" | grep -q "\(^\|/\)$import$"; then
      fail "$d does not list $import"
    fi
  done
  rvm_sched=$(printf '%s\n' "$deps" | grep '\(^\|/\)rvm\.sched$' | head -1)
done
# (a path in a depfile is relative to the folder make ran in)
case $rvm_sched in
"" | /*) ;;
*) rvm_sched="$example/$rvm_sched" ;;
esac
[ -n "$rvm_sched" ] && echo "ok: schedc's depfiles list the imports (rvm.sched: $rvm_sched)"

# 3. Nothing to rebuild.
if run_make -q app; then
  echo "ok: make -q app: up to date after the first build"
else
  fail "make -q app: something is out of date right after a full build"
fi
first_results=$(printf '%s\n' "$out_first" | grep '^\[')
run_make || fail "second make exited with status $?"
expect_recipes "second make" ""
# -icount shift=0: the counts are the same on every run
if [ "$(printf '%s\n' "$out" | grep '^\[')" = "$first_results" ]; then
  echo "ok: the second run prints the same results and counts"
else
  fail "the second run printed other results or counts:"
  printf '%s\n' "$out" | grep '^\[' | sed 's/^/    /'
fi

# 4. Touch an imported .sched.
if [ -n "$rvm_sched" ] && [ -f "$rvm_sched" ]; then
  touch_later "$rvm_sched"
  run_make app || fail "make app after touching rvm.sched exited with status $?"
  expect_recipes "touching rvm.sched" "$(sort <<EOF
c/conv1d_rvm.c
obj/conv1d_rvm.o
c/conv1d_rvm.o
c/main.o
obj/main.o
c/conv1d_rvm.elf
obj/conv1d_rvm.elf
EOF
)"
  run_make -q app || fail "make -q app: out of date after rebuilding for rvm.sched"
else
  fail "cannot touch rvm.sched: not found through the depfiles"
fi

# 5. Touch a header of the trap handler.
touch_later "$example/rvm_emu/rvm_exec.h"
run_make app || fail "make app after touching rvm_exec.h exited with status $?"
expect_recipes "touching rvm_emu/rvm_exec.h" "$(sort <<EOF
rvm_emu/rvm_emu_bm.o
c/conv1d_rvm.elf
obj/conv1d_rvm.elf
EOF
)"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all firmware checks passed"
