#!/usr/bin/env bash
# Two runs give byte-identical outputs (C, header, objects for three targets,
# assembly, LLVM IR and bitcode, depfile), and no output but the depfile
# names the folder of the source (no absolute path) or carries a timestamp.
# usage: check_determinism.sh SCHEDC SOURCE_DIR
set -u
schedc=$(realpath "$1")
src=$(cd "$2" && pwd -P)
source "$(dirname "$0")/lib.sh"

# The sources by absolute path, from another folder: whatever leaks a path would leak it here.
host=$src/examples/conv1d.sched
rvm=$src/examples/conv1d_rvm.sched
# run NAME SOURCE ARGS...: compiles twice, into run1/ and run2/ (same file names)
run() {
  local name=$1 source=$2
  shift 2
  local r
  for r in run1 run2; do
    mkdir -p "$tmp/$r"
    (cd "$tmp/$r" && "$schedc" "$source" "$@" -MD 2>"$tmp/$r/$name.err") ||
      { echo "  schedc $source $* failed:"; cat "$tmp/$r/$name.err"; return 1; }
  done
}
outputs=()
build() { # build NAME SOURCE OUTPUT... -- ARGS...
  local name=$1 source=$2
  shift 2
  local files=()
  while [ "$1" != -- ]; do files+=("$1"); shift; done
  shift
  check "$name compiles twice" run "$name" "$source" "$@"
  outputs+=("${files[@]}")
}
build c "$host" conv1d.c conv1d.h conv1d.d -- -o conv1d.c --header conv1d.h
build rvm_c "$rvm" rvm.c rvm.h rvm.d -- -o rvm.c --header rvm.h
build x86_64 "$host" x86_64.o x86_64.d -- -c --target x86_64-linux-gnu -o x86_64.o
build riscv64 "$rvm" riscv64.o riscv64.d -- -c --target riscv64-unknown-linux-gnu -o riscv64.o
build riscv32 "$rvm" riscv32.o riscv32.d -- -c --target riscv32-unknown-elf -march=rv32imc -o riscv32.o
build asm "$rvm" rvm.s rvm_s.d -- -S --target riscv64-unknown-linux-gnu -o rvm.s -MF rvm_s.d
build ir "$rvm" rvm.ll rvm_ll.d -- -S --emit-llvm --target riscv32-unknown-elf -o rvm.ll -MF rvm_ll.d
build bc "$rvm" rvm.bc rvm_bc.d -- -c --emit-llvm --target riscv64-unknown-linux-gnu -o rvm.bc -MF rvm_bc.d
build header_with_object "$rvm" obj.o obj.h obj.d -- -c --target riscv32-unknown-elf -o obj.o --header obj.h

for f in "${outputs[@]}"; do
  check "$f is byte-identical in two runs" cmp "$tmp/run1/$f" "$tmp/run2/$f"
done

# No absolute path: neither the source folder nor the output folder appears
# in any output but the depfiles (which list the files read, as gcc's do).
for f in "${outputs[@]}"; do
  case $f in *.d) continue ;; esac
  check "$f names no absolute path" bash -c \
    "! strings -a '$tmp/run1/$f' | grep -qF -e '$src' -e '$tmp' -e '$(dirname "$schedc")'"
done
check "the object's file symbol is the input's basename" bash -c \
  "strings -a '$tmp/run1/riscv64.o' | grep -qx 'conv1d_rvm.sched'"
check "the IR's source_filename is the input's basename" \
  grep -qx 'source_filename = "conv1d_rvm.sched"' "$tmp/run1/rvm.ll"
check "the IR's ModuleID is the input's basename" \
  grep -qx "; ModuleID = 'conv1d_rvm.sched'" "$tmp/run1/rvm.ll"
# No timestamp: the year or today's date in any form.
for f in "${outputs[@]}"; do
  check "$f carries no date" bash -c \
    "! strings -a '$tmp/run1/$f' | grep -qE '$(date +%Y)|$(date +%b\ %e)|$(date +%H:%M)'"
done
# Every example, C and a riscv64 object, twice (with ASLR, so an order that
# depended on addresses would show).
for example in "$src"/examples/*.sched; do
  name=$(basename "$example" .sched)
  for r in all1 all2; do
    mkdir -p "$tmp/$r"
    "$schedc" "$example" -o "$tmp/$r/$name.c" &&
      "$schedc" "$example" -c --target riscv64-unknown-linux-gnu -o "$tmp/$r/$name.o"
  done
  check "examples/$name.sched: the same C twice" cmp "$tmp/all1/$name.c" "$tmp/all2/$name.c"
  check "examples/$name.sched: the same object twice" cmp "$tmp/all1/$name.o" "$tmp/all2/$name.o"
done
# The depfiles do name the source by the path given.
check "the depfile names the source as given" grep -qF "$rvm" "$tmp/run1/riscv64.d"

finish "determinism"
