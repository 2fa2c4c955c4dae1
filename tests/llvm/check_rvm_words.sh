#!/usr/bin/env bash
# The RVM words of a scheduled kernel compiled by the LLVM backend (-c), by
# disassembly: llvm-objdump-19 -d must show in function PROC exactly the set
# of RVM words RVM.md gives for SPEC, and none elsewhere. LLVM chooses the
# GPRs of mld.w/mst.w (.insn r with "r" operands), so their rs1/rs2 fields
# (bits 24:15) are masked on both sides; every other field must match.
# With FLAVOUR rvm_mnemonic the object cannot be assembled by LLVM: the -S
# output must instead show the mnemonic lines in PROC.
# usage: check_rvm_words.sh SCHEDC FILE PROC FLAVOUR TARGET LEVEL SPEC...
#   FLAVOUR: rvm | rvm_insn | rvm_mnemonic (the import of FILE is switched)
#   TARGET: riscv64 | rv32imc;  SPEC as in tests/rvm/check_scheduled_kernels.sh:
#   mld:T mst:T mzero:T mmasa:MD:MS1:MS2 mmada:.. mmaqa:.. fmmacc:..
set -euo pipefail
schedc=$1 file=$2 proc=$3 flavour=$4 target=$5 level=$6
shift 6
case $target in
riscv64) target_args=(--target riscv64-unknown-linux-gnu) ;;
rv32imc) target_args=(--target riscv32-unknown-elf -march=rv32imc -mabi=ilp32) ;;
*) echo "check_rvm_words: bad TARGET '$target'" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s/^import \"rvm.sched\"/import \"$flavour.sched\"/" "$file" >"$work/k.sched"
grep -q "^import \"$flavour.sched\"" "$work/k.sched"

# word SPEC: the expected word (loads and stores with rs1/rs2 masked), or,
# with MNEMONIC=1, a regex of the mnemonic line.
word() {
  local op md s1 s2 match mn
  IFS=: read -r op md s1 s2 <<<"$1"
  case $op in
  mld | mst)
    [[ $op == mld ]] && match=0x0400082b || match=0x0c00082b
    if ((MNEMONIC)); then echo "$op\\.w m$md, \\([a-z0-9]+\\), [a-z0-9]+"; else
      printf '%08x\n' $((match | (md << 7))); fi
    return ;;
  mzero) match=0xf800002b mn=mzero ;;
  mmasa) match=0xf000082b mn=mmasa\\.w ;;
  mmada) match=0xe000042b mn=mmada\\.h ;;
  mmaqa) match=0x1000002b mn=mmaqa\\.b ;;
  fmmacc) match=0x0800082b mn=fmmacc\\.s ;;
  *) echo "check_rvm_words: bad SPEC '$1'" >&2; exit 2 ;;
  esac
  if [[ $op == mzero ]]; then
    if ((MNEMONIC)); then echo "mzero m$md"; else printf '%08x\n' $((match | (md << 15))); fi
  elif ((MNEMONIC)); then echo "$mn m$md, m$s1, m$s2"
  else printf '%08x\n' $((match | (md << 15) | (s1 << 21) | (s2 << 18))); fi
}
# RVM.md's check values.
MNEMONIC=0
[[ $(word mmasa:7:3:2) == f06b882b && $(word mzero:7) == f803802b &&
  $(word mld:3) == $(printf '%08x' $((0x04b509ab & ~0x01ff8000))) ]] ||
  { echo "check_rvm_words: word formulas disagree with RVM.md" >&2; exit 2; }

if [[ $flavour == rvm_mnemonic ]]; then
  "$schedc" "$work/k.sched" --proc "$proc" -S "-O$level" "${target_args[@]}" -o "$work/k.s"
  awk -v f="$proc" '$0 == f ":" { inside = 1; next } inside && /^[ \t]*\.size/ { inside = 0 }
    inside' "$work/k.s" >"$work/proc.s"
  MNEMONIC=1
  status=0
  for spec in "$@"; do
    re=$(word "$spec")
    grep -Eq "^[[:space:]]*${re}[[:space:]]*\$" "$work/proc.s" ||
      { echo "FAIL: $proc has no line matching '$re'"; status=1; }
  done
  n=$(grep -Ec '^[[:space:]]*(mld\.w|mst\.w|mzero|mmasa\.w|mmada\.h|mmaqa\.b|fmmacc\.s)[[:space:]]' \
    "$work/proc.s" || true)
  ((n > 0)) || { echo "FAIL: no RVM mnemonic in $proc"; status=1; }
  echo "check_rvm_words $proc ($flavour, $target, -O$level): status $status"
  exit $status
fi

"$schedc" "$work/k.sched" --proc "$proc" -c "-O$level" "${target_args[@]}" -o "$work/k.o"
# "function word" for each 32-bit CUSTOM-1 word; loads/stores with rs masked.
llvm-objdump-19 -d "$work/k.o" | awk '
  /^[0-9a-f]+ <.*>:$/ { name = $2; gsub(/[<>:]/, "", name); if (name !~ /^[.$]/) fn = name; next }
  /^ *[0-9a-f]+:/ && length($2) == 8 && $2 ~ /^[0-9a-f]+$/ { print fn, $2 }' |
  while read -r fn w; do
    v=$((16#$w))
    (((v & 0x7f) == 0x2b)) || continue
    if (((v & 0x06000000) == 0x04000000)); then v=$((v & ~0x01ff8000)); fi
    printf '%s %08x\n' "$fn" "$v"
  done >"$work/words"
expected=$(for spec in "$@"; do word "$spec"; done | sort -u)
actual=$(awk -v f="$proc" '$1 == f { print $2 }' "$work/words" | sort -u)
status=0
if [[ $actual != "$expected" ]]; then
  echo "FAIL: $proc: RVM words differ (< expected, > actual; rs fields of mld/mst masked)"
  diff <(echo "$expected") <(echo "$actual") || true
  status=1
fi
others=$(awk -v f="$proc" '$1 != f' "$work/words")
[[ -z $others ]] || { echo "FAIL: RVM words outside $proc: $others"; status=1; }
echo "check_rvm_words $proc ($flavour, $target, -O$level): $(wc -l <"$work/words") RVM words, status $status"
exit $status
