#!/usr/bin/env bash
# Installs schedc from a build tree into a temporary prefix and checks it the way a user
# would meet it:
#   1. the installed tree: bin/schedc, share/schedc/stdlib/*.sched (same as stdlib/),
#      share/man/man1/schedc.1, lib/cmake/schedc/*, and no absolute path in the package;
#   2. `schedc --version`, and the man page through `man -l` when man is installed;
#   3. tests/install/consumer, configured with CMAKE_PREFIX_PATH=<prefix> (find_package),
#      built and run with each generator (Ninja, Unix Makefiles), generated C with -fwrapv;
#   4. incremental builds: nothing to do right after a build; touching the .sched that one
#      kernel imports regenerates exactly the kernels built from it (schedc's depfile);
#      a kernel that stops compiling fails the build and leaves no generated file;
#      misused schedc_add_kernel calls are configure errors that say what is wrong;
#   5. the consumer cross-compiled as firmware (rv32imc, picolibc) with rv32-picolibc.cmake,
#      its images run under qemu-system-riscv32 (when the toolchain and QEMU are installed);
#   6. the prefix moved elsewhere: schedc still finds its stdlib, and the consumer still
#      configures and builds against the moved package.
#
# usage: check_install.sh BUILD_DIR SOURCE_DIR VERSION [CMAKE]
# (SCHEDC_INSTALL_KEEP=1 keeps the temporary folder and its logs.)
set -euo pipefail

build_dir=$1
source_dir=$2
version=$3
cmake=${4:-cmake}

# A space in every path: the depfiles escape it, CMake and the generators must read it back.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schedc install.XXXXXX")
if [[ -n ${SCHEDC_INSTALL_KEEP:-} ]]; then # keep the tree for a look
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
step() { echo "== [${SECONDS}s] $*"; }

# ------------------------------------------------------------------ 1. install
prefix=$tmp/prefix
step "cmake --install $build_dir --prefix $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" >"$tmp/install.log"

for file in bin/schedc share/man/man1/schedc.1 lib/cmake/schedc/schedcConfig.cmake \
  lib/cmake/schedc/schedcConfigVersion.cmake lib/cmake/schedc/schedcTargets.cmake \
  lib/cmake/schedc/SchedcKernel.cmake; do
  [[ -f $prefix/$file ]] || fail "$file is not installed"
done
[[ -x $prefix/bin/schedc ]] || fail "bin/schedc is not executable"
# The stdlib: exactly the repository's stdlib/*.sched, byte for byte.
expected_stdlib=$(cd "$source_dir/stdlib" && ls ./*.sched | sort)
installed_stdlib=$(cd "$prefix/share/schedc/stdlib" 2>/dev/null && ls ./*.sched | sort || true)
[[ $expected_stdlib == "$installed_stdlib" ]] ||
  fail "share/schedc/stdlib holds [$installed_stdlib], expected [$expected_stdlib]"
for file in "$source_dir"/stdlib/*.sched; do
  cmp -s "$file" "$prefix/share/schedc/stdlib/$(basename "$file")" ||
    fail "share/schedc/stdlib/$(basename "$file") differs from stdlib/"
done
# Relocatable package: no build, source or install path written into it.
for path in "$prefix" "$build_dir" "$source_dir"; do
  if grep -rlF "$path" "$prefix/lib/cmake/schedc" >"$tmp/grep.out"; then
    fail "the CMake package names $path: $(tr '\n' ' ' <"$tmp/grep.out")"
  fi
done

# ------------------------------------------------------------------ 2. binary and man page
step "schedc --version"
"$prefix/bin/schedc" --version | tee "$tmp/version.out"
grep -q "^schedc $version " "$tmp/version.out" || fail "--version does not say schedc $version"
"$prefix/bin/schedc" --help >"$tmp/help.out" || fail "--help exits with $?"
grep -q -- "--verify-golden\|-o" "$tmp/help.out" || fail "--help says nothing useful"
head -c 4096 "$prefix/share/man/man1/schedc.1" | grep -q '^\.TH SCHEDC 1' ||
  fail "schedc.1 has no .TH SCHEDC 1 line"
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$prefix/share/man/man1/schedc.1" >"$tmp/man.out" 2>"$tmp/man.err" || true
  grep -q "schedc" "$tmp/man.out" || fail "man -l schedc.1 shows nothing: $(cat "$tmp/man.err")"
else
  echo "(man is not installed: the page is only checked to be present)"
fi

# ------------------------------------------------------------------ 3-4. the consumer
cp -r "$source_dir/tests/install/consumer" "$tmp/consumer"
common=$tmp/consumer/kernels/lib/scale_common.sched

# build_and_check GENERATOR BUILD_DIR PREFIX: configure, build, run.
build_and_check() {
  local generator=$1 dir=$2 pkg=$3
  step "consumer with $generator against $pkg"
  if ! "$cmake" -S "$tmp/consumer" -B "$dir" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$pkg" -DSCHEDC_REPOSITORY="$source_dir" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    fail "$generator: configure failed"
    return 1
  fi
  local found
  found=$(sed -n 's/^schedc_DIR:PATH=//p' "$dir/CMakeCache.txt")
  [[ $found == "$pkg/lib/cmake/schedc" ]] || fail "$generator: found the package in $found"
  if ! "$cmake" --build "$dir" -j2 >"$dir.build.log" 2>&1; then
    cat "$dir.build.log"
    fail "$generator: build failed"
    return 1
  fi
  "$dir/consumer" || fail "$generator: scale_c or scale_obj differs from the C reference"
  "$dir/conv1d" || fail "$generator: conv1d differs from the C reference"
  # -fwrapv on the generated C only.
  local command="" file="" line seen_conv1d=0
  while IFS= read -r line; do
    case $line in
    *'"command":'*) command=$line ;;
    *'"file":'*)
      file=${line#*\"file\": \"}
      file=${file%\"*}
      [[ $file == */conv1d.c ]] && seen_conv1d=1
      if [[ $file == */schedc_kernels/kernels/* && $command != *" -fwrapv "* ]]; then
        fail "$generator: $file is compiled without -fwrapv"
      elif [[ $file != */schedc_kernels/kernels/* && $command == *" -fwrapv "* ]]; then
        fail "$generator: $file is compiled with -fwrapv"
      fi
      ;;
    esac
  done <"$dir/compile_commands.json"
  [[ $seen_conv1d == 1 ]] || fail "$generator: no compile command for conv1d.c"
}

# rebuild DIR: build again, keep what it printed.
rebuild() { "$cmake" --build "$1" -j2 >"$1.rebuild.log" 2>&1; }

# regenerated DIR: the kernels the last rebuild ran schedc for, sorted, one line.
regenerated() {
  { grep -o 'schedc schedc_kernels/kernels/[A-Za-z0-9_.]*' "$1.rebuild.log" || true; } |
    sed 's|.*/||' | sort | tr '\n' ' '
}

generators=()
command -v ninja >/dev/null && generators+=(Ninja)
command -v make >/dev/null && generators+=("Unix Makefiles")
[[ ${#generators[@]} -gt 0 ]] || fail "neither ninja nor make is installed"

for generator in "${generators[@]}"; do
  dir=$tmp/build-${generator// /-}
  build_and_check "$generator" "$dir" "$prefix" || continue

  step "$generator: incremental builds"
  rebuild "$dir" || fail "$generator: second build failed"
  [[ -z $(regenerated "$dir") ]] ||
    fail "$generator: a build right after a build regenerated $(regenerated "$dir")"
  if [[ $generator == Ninja ]] && ! grep -q "no work to do" "$dir.rebuild.log"; then
    fail "Ninja: a build right after a build was not empty: $(cat "$dir.rebuild.log")"
  fi

  sleep 1 # a newer mtime whatever the file system's timestamp resolution
  touch "$common"
  rebuild "$dir" || fail "$generator: build after touching scale_common.sched failed"
  got=$(regenerated "$dir")
  [[ $got == "scale_c.c scale_obj.o " ]] ||
    fail "$generator: touching kernels/lib/scale_common.sched regenerated [$got]," \
      "expected [scale_c.c scale_obj.o ]: $(cat "$dir.rebuild.log")"
  if grep -q "schedc_kernels/kernels/conv1d\.c\.o" "$dir.rebuild.log"; then
    fail "$generator: conv1d.c was recompiled after touching scale_common.sched"
  fi
  "$dir/consumer" >/dev/null || fail "$generator: the rebuilt consumer fails"
  "$dir/conv1d" >/dev/null || fail "$generator: the rebuilt conv1d fails"
done

# A kernel that stops compiling: the build fails, no stale output is left behind, and the
# build succeeds again once the import is fixed.
if [[ -d $tmp/build-Ninja ]]; then
  dir=$tmp/build-Ninja
  step "Ninja: a refused kernel"
  cp "$common" "$tmp/common.good"
  sleep 1
  printf 'const LEN = 64\n' >"$common" # FACTOR is gone: scale.sched is refused
  if rebuild "$dir"; then
    fail "the build succeeded with FACTOR undefined"
  else
    grep -q "scale.sched:[0-9]*:[0-9]*: error:" "$dir.rebuild.log" ||
      fail "no located schedc error in the failed build: $(cat "$dir.rebuild.log")"
  fi
  for stale in scale_c.c scale_c.h scale_obj.o scale_obj.h; do
    [[ ! -e $dir/schedc_kernels/kernels/$stale ]] || fail "a refused compile left $stale behind"
  done
  sleep 1
  cp "$tmp/common.good" "$common"
  rebuild "$dir" || fail "the build after fixing the import failed: $(cat "$dir.rebuild.log")"
  "$dir/consumer" >/dev/null || fail "the consumer fails after fixing the import"
fi

# Misuse is a configure error that says what is wrong.
misuse() {
  local call=$1 expected=$2 dir=$tmp/misuse
  mkdir -p "$dir" # the same build folder each time: the compiler is detected once
  printf 'proc f(x: i32[4]):\n    pass\n' >"$dir/k.sched"
  printf '%s\n' "cmake_minimum_required(VERSION 3.20)" "project(misuse C)" \
    "find_package(schedc REQUIRED CONFIG)" "add_executable(app main.c)" "$call" \
    >"$dir/CMakeLists.txt"
  echo 'int main(void) { return 0; }' >"$dir/main.c"
  if "$cmake" -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$prefix" >"$dir.log" 2>&1; then
    fail "$call: configured"
  elif ! tr -s ' \n' ' ' <"$dir.log" | grep -qF "$expected"; then
    fail "$call: no '$expected' in: $(cat "$dir.log")"
  fi
}
step "schedc_add_kernel misuse"
misuse "schedc_add_kernel(app SOURCE k.sched TARGET_TRIPLE riscv32-unknown-elf)" \
  "TARGET_TRIPLE only applies with OBJECT"
misuse "schedc_add_kernel(app SOURCE missing.sched)" "missing.sched does not exist"
misuse "schedc_add_kernel(app SOURCE k.sched OBJECT OPT_LEVEL fast)" \
  "OPT_LEVEL must be 0, 1, 2 or 3"
misuse "schedc_add_kernel(nothing SOURCE k.sched)" "no target named 'nothing'"
misuse "schedc_add_kernel(app SOURCE k.sched PROC f)" "unknown arguments: PROC f"
misuse "schedc_add_kernel(app SOURCE k.sched)
schedc_add_kernel(app SOURCE k.sched OBJECT)" "k.h is already generated for this target"

# ------------------------------------------------------------------ 5. a firmware build
# The consumer cross-compiled for rv32imc bare metal (picolibc, semihosting) with the
# package given by schedc_DIR: the rv32 build accepts the 64-bit host tool (the version
# file is architecture-independent), scale_obj comes from schedc -c --target
# riscv32-unknown-elf -march=rv32imc -mabi=ilp32, and both images run under QEMU.
rv32_cc=$(command -v riscv64-unknown-elf-gcc || true)
qemu_rv32=$(command -v qemu-system-riscv32 || true)
if [[ -n $rv32_cc && -n $qemu_rv32 && -n ${generators[0]:-} ]] &&
  [[ -f $("$rv32_cc" -print-file-name=picolibc.specs) ]]; then
  dir=$tmp/build-rv32
  step "consumer cross-compiled with rv32-picolibc.cmake (${generators[0]})"
  if ! "$cmake" -S "$tmp/consumer" -B "$dir" -G "${generators[0]}" -DCMAKE_BUILD_TYPE=Release \
    --toolchain "$tmp/consumer/rv32-picolibc.cmake" -Dschedc_DIR="$prefix/lib/cmake/schedc" \
    -DSCHEDC_REPOSITORY="$source_dir" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    fail "rv32: configure failed"
  elif ! "$cmake" --build "$dir" -j2 >"$dir.build.log" 2>&1; then
    cat "$dir.build.log"
    fail "rv32: build failed"
  else
    for image in consumer conv1d; do
      timeout 60 "$qemu_rv32" -M virt -cpu rv32 -nographic -bios none -kernel "$dir/$image.elf" \
        -semihosting-config enable=on,target=native </dev/null ||
        fail "rv32: $image.elf under qemu-system-riscv32 exits with $?"
    done
  fi
else
  echo "(riscv64-unknown-elf-gcc, picolibc or qemu-system-riscv32 missing: no firmware build)"
fi

# ------------------------------------------------------------------ 6. relocation
moved=$tmp/elsewhere/schedc
step "the prefix moved to $moved"
mkdir -p "$tmp/elsewhere"
mv "$prefix" "$moved"
"$moved/bin/schedc" "$source_dir/examples/conv1d_rvm.sched" -o "$tmp/moved.c" \
  --header "$tmp/moved.h" 2>"$tmp/moved.err" ||
  fail "the moved schedc cannot compile conv1d_rvm.sched: $(cat "$tmp/moved.err")"
[[ -s $tmp/moved.c ]] || fail "the moved schedc wrote no C"
if [[ -d $tmp/build-Ninja || -d $tmp/build-Unix-Makefiles ]]; then
  build_and_check "${generators[0]}" "$tmp/build-moved" "$moved" || true
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "install: every check passed"
