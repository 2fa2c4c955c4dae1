#!/usr/bin/env bash
# Checks the RVM instructions of a kernel that schedc generated from a
# schedule (examples/matmul_*_rvm.sched), by disassembly:
#
#  1. stock flavour (the file as written, importing rvm.sched): the C of PROC
#     (schedc --proc PROC) is compiled with riscv64-linux-gnu-gcc and clang-19;
#     llvm-objdump-19 -d must show in function PROC exactly the set of RVM
#     words the spec lists, and no RVM word in any other function (helpers);
#  2. mnemonic flavour (the same file with `import "rvm_mnemonic.sched"`):
#     schedc must accept it, and gcc -S must show the listed instructions as
#     mnemonic lines in PROC (compile check only: no stock assembler knows
#     them);
#  3. `.insn` flavour (the same file with `import "rvm_insn.sched"`): compiled
#     with gcc and clang-19, the same words as the stock flavour once the GPR
#     fields of loads and stores (chosen by the C compiler) are masked.
#
# usage: check_scheduled_kernels.sh SCHEDC FILE.sched PROC SPEC...
#   SPEC: mld:T  mst:T  mzero:T  mmasa:MD:MS1:MS2  mmada:..  mmaqa:..  fmmacc:..
#         (tile numbers; mmasa:7:5:6 is `mmasa.w m7, m5, m6`)
# tools: RISCV_GCC, CLANG, OBJDUMP override the defaults.
set -euo pipefail

schedc=$1
file=$2
proc=$3
shift 3
specs=("$@")
GCC=${RISCV_GCC:-riscv64-linux-gnu-gcc}
CLANG=${CLANG:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-19}
for tool in "$schedc" "$GCC" "$CLANG" "$OBJDUMP"; do
  command -v "$tool" >/dev/null || { echo "check_scheduled_kernels: $tool not found" >&2; exit 2; }
done
((${#specs[@]} > 0)) || { echo "check_scheduled_kernels: no SPEC given" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}

# ---- expected words and mnemonic lines (RVM.md) ----------------------------
hex() { printf '%08x' $(($1)); }
G='[a-z][a-z0-9]*' # a GPR name
expected_words=()
expected_lines=()
for spec in "${specs[@]}"; do
  IFS=: read -r op md s1 s2 <<<"$spec"
  case $op in
  mld)
    expected_words+=("$(hex "0x0400082b | ($md << 7) | (10 << 15) | (11 << 20)")")
    expected_lines+=("mld\\.w m$md, \\($G\\), $G")
    ;;
  mst)
    expected_words+=("$(hex "0x0c00082b | ($md << 7) | (10 << 15) | (11 << 20)")")
    expected_lines+=("mst\\.w m$md, \\($G\\), $G")
    ;;
  mzero)
    expected_words+=("$(hex "0xf800002b | ($md << 15)")")
    expected_lines+=("mzero m$md")
    ;;
  mmasa | mmada | mmaqa | fmmacc)
    case $op in
    mmasa) match=0xf000082b mn=mmasa\\.w ;;
    mmada) match=0xe000042b mn=mmada\\.h ;;
    mmaqa) match=0x1000002b mn=mmaqa\\.b ;;
    fmmacc) match=0x0800082b mn=fmmacc\\.s ;;
    esac
    expected_words+=("$(hex "$match | ($md << 15) | ($s1 << 21) | ($s2 << 18)")")
    expected_lines+=("$mn m$md, m$s1, m$s2")
    ;;
  *)
    echo "check_scheduled_kernels: bad SPEC '$spec'" >&2
    exit 2
    ;;
  esac
done
# Sanity: the formulas give the RVM.md check values.
[[ $(hex "0xf000082b | (7 << 15) | (3 << 21) | (2 << 18)") == f06b882b &&
  $(hex "0x0400082b | (3 << 7) | (10 << 15) | (11 << 20)") == 04b509ab ]] ||
  { echo "check_scheduled_kernels: word formulas disagree with RVM.md" >&2; exit 2; }

# "function word" for every 32-bit word with opcode CUSTOM-1 (0x2b).
rvm_words() {
  "$OBJDUMP" -d "$1" | awk '
    /^[0-9a-f]+ <.*>:$/ { name = $2; gsub(/[<>:]/, "", name); if (name !~ /^[.$]/) fn = name; next }
    /^ *[0-9a-f]+:/ && length($2) == 8 && $2 ~ /^[0-9a-f]+$/ { print fn, $2 }' |
    while read -r fn w; do
      if (((16#$w & 0x7f) == 0x2b)); then echo "$fn $w"; fi
    done
}

# ---- 1. stock flavour -------------------------------------------------------
name=$(basename "$file" .sched)
if ! "$schedc" "$file" --proc "$proc" -o "$work/$name.c" --header "$work/$name.h" 2>"$work/err"; then
  bad "schedc refused $file"
  cat "$work/err"
  exit 1
fi
CFLAGS=(-std=c11 -O2 -Wall -Werror -I"$work")
for cc in gcc clang; do
  case $cc in
  gcc) CC=("$GCC") ;;
  clang) CC=("$CLANG" --target=riscv64-linux-gnu) ;;
  esac
  if ! "${CC[@]}" "${CFLAGS[@]}" -c "$work/$name.c" -o "$work/$cc.o"; then
    bad "$name ($cc): compile failed"
    continue
  fi
  rvm_words "$work/$cc.o" >"$work/$cc.words"
  actual=$(awk -v f="$proc" '$1 == f { print $2 }' "$work/$cc.words" | sort -u)
  expected=$(printf '%s\n' "${expected_words[@]}" | sort -u)
  if [[ $actual == "$expected" ]]; then ok; else
    bad "$name ($cc): $proc: RVM words differ (< expected, > actual)"
    diff <(echo "$expected") <(echo "$actual") || true
  fi
  others=$(awk -v f="$proc" '$1 != f' "$work/$cc.words")
  if [[ -z $others ]]; then ok; else bad "$name ($cc): RVM words outside $proc: $others"; fi
done

# ---- 2. mnemonic flavour (compile check) ------------------------------------
grep -q '^import "rvm.sched"' "$file" || { bad "$file does not import rvm.sched"; exit 1; }
sed 's/^import "rvm.sched"/import "rvm_mnemonic.sched"/' "$file" >"$work/${name}_mn.sched"
if ! "$schedc" "$work/${name}_mn.sched" --proc "$proc" -o "$work/${name}_mn.c" \
  --header "$work/${name}_mn.h" 2>"$work/err"; then
  bad "schedc refused $file with rvm_mnemonic.sched"
  cat "$work/err"
else
  ok
  CFLAGS=(-std=c11 -O2 -Wall -Werror -I"$work")
  if "$GCC" "${CFLAGS[@]}" -S "$work/${name}_mn.c" -o "$work/mn.s"; then
    ok
    # the lines of PROC's body: from its label to the next .size
    awk -v f="$proc" '$0 == f ":" { inside = 1; next } inside && /^[ \t]*\.size/ { inside = 0 }
      inside' "$work/mn.s" >"$work/mn_proc.s"
    [[ -s $work/mn_proc.s ]] || bad "mnemonic flavour: no function $proc in gcc -S output"
    for re in "${expected_lines[@]}"; do
      if grep -Eq "^[[:space:]]*${re}[[:space:]]*\$" "$work/mn_proc.s"; then ok; else
        bad "mnemonic flavour: $proc has no line matching '$re'"
      fi
    done
    n_rvm=$(grep -Ec '^[[:space:]]*(mld\.w|mst\.w|mzero|mmasa\.w|mmada\.h|mmaqa\.b|fmmacc\.s)[[:space:]]' \
      "$work/mn.s" || true)
    n_proc=$(grep -Ec '^[[:space:]]*(mld\.w|mst\.w|mzero|mmasa\.w|mmada\.h|mmaqa\.b|fmmacc\.s)[[:space:]]' \
      "$work/mn_proc.s" || true)
    if [[ $n_rvm == "$n_proc" ]]; then ok; else bad "mnemonic flavour: RVM mnemonics outside $proc"; fi
  else
    bad "mnemonic flavour: gcc -S failed"
  fi
fi

# ---- 3. .insn flavour -------------------------------------------------------
# The same file with `import "rvm_insn.sched"`: loads and stores are `.insn r`
# with GPRs the C compiler chooses, so their rs1/rs2 fields (bits 24:15) are
# masked out before comparing; the tile fields and every other word must be
# exactly as in the stock flavour.
insn_words() {
  while read -r fn w; do
    if (((16#$w & 0x06000000) == 0x04000000)); then
      printf '%s %08x\n' "$fn" $((16#$w & ~0x01ff8000))
    else
      echo "$fn $w"
    fi
  done
}
sed 's/^import "rvm.sched"/import "rvm_insn.sched"/' "$file" >"$work/${name}_insn.sched"
if ! "$schedc" "$work/${name}_insn.sched" --proc "$proc" -o "$work/${name}_insn.c" \
  --header "$work/${name}_insn.h" 2>"$work/err"; then
  bad "schedc refused $file with rvm_insn.sched"
  cat "$work/err"
else
  expected=$(printf '%s\n' "${expected_words[@]}" | sed 's/^/x /' | insn_words | cut -d' ' -f2 | sort -u)
  for cc in gcc clang; do
    case $cc in
    gcc) CC=("$GCC") ;;
    clang) CC=("$CLANG" --target=riscv64-linux-gnu) ;;
    esac
    if ! "${CC[@]}" -std=c11 -O2 -Wall -Werror -I"$work" -c "$work/${name}_insn.c" \
      -o "$work/insn_$cc.o"; then
      bad "$name .insn flavour ($cc): compile failed"
      continue
    fi
    rvm_words "$work/insn_$cc.o" | insn_words >"$work/insn_$cc.words"
    actual=$(awk -v f="$proc" '$1 == f { print $2 }' "$work/insn_$cc.words" | sort -u)
    if [[ $actual == "$expected" ]]; then ok; else
      bad "$name .insn flavour ($cc): $proc: RVM words differ (< expected, > actual; rs fields masked)"
      diff <(echo "$expected") <(echo "$actual") || true
    fi
    others=$(awk -v f="$proc" '$1 != f' "$work/insn_$cc.words")
    if [[ -z $others ]]; then ok; else bad "$name .insn flavour ($cc): RVM words outside $proc"; fi
  done
fi

echo "check_scheduled_kernels $name $proc: $passed passed, $failed failed"
((failed == 0))
