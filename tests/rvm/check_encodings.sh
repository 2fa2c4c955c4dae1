#!/usr/bin/env bash
# Checks the RVM instruction encodings produced by the stdlib templates.
#
#  1. template_check.c (the hand expansion of stdlib/rvm.sched) is compared
#     textually with the templates extracted from stdlib/rvm.sched.
#  2. template_check.c is compiled with riscv64-linux-gnu-gcc (GNU as 2.40) and
#     clang-19 (LLVM MC); llvm-objdump-19 -d must show exactly the expected RVM
#     words per function, including the RVM.md check values 0xf06b882b
#     (mmasa.w m7, m3, m2), 0x04b509ab (mld.w m3, (a0), a1), 0xf803802b
#     (mzero m7) and 0xf021082b (mmasa.w m2, m1, m0).
#  3. A kernel file is generated from the templates and the memory definition of
#     stdlib/rvm.sched (tile registers, alloc/free templates) and compiled with
#     both compilers; encodings are checked and the program is run under
#     qemu-riscv64 with the RVM emulator against plain C.
#  4. The same kernels are generated from stdlib/rvm_mnemonic.sched: gcc -S must
#     show the expected mnemonic lines; then the assembly is assembled with
#     gas macros that stand in for a patched X-HEEP assembler (mnemonic ->
#     word), and run under qemu too. (clang-19 rejects unknown mnemonics even
#     with -S, so this part is gcc only.)
#
# usage: check_encodings.sh [tests/rvm dir] [stdlib dir]
# tools: RISCV_GCC, CLANG, OBJDUMP, QEMU override the defaults.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: keep '&' literal in ${x//p/r}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${1:-$here}
stdlib=${2:-$here/../../stdlib}
GCC=${RISCV_GCC:-riscv64-linux-gnu-gcc}
CLANG=${CLANG:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-19}
QEMU=${QEMU:-qemu-riscv64}
for tool in "$GCC" "$CLANG" "$OBJDUMP" "$QEMU"; do
  command -v "$tool" >/dev/null || { echo "check_encodings: $tool not found" >&2; exit 2; }
done
for f in "$src/template_check.c" "$src/rvm_emu.c" "$src/rvm_emu.h" "$stdlib/rvm.sched" \
  "$stdlib/rvm_mnemonic.sched"; do
  [[ -f $f ]] || { echo "check_encodings: missing $f" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CFLAGS=(-std=c11 -O2 -Wall -Werror -I"$src")
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}

# ---- words (RVM.md) ---------------------------------------------------------
MMASA=0xf000082b MMADA=0xe000042b MMAQA=0x1000002b FMMACC=0x0800082b
hex() { printf '%08x' $(($1)); }
w_mld() { hex "0x0400082b | ($1 << 7) | (10 << 15) | (11 << 20)"; } # mld.w mN, (a0), a1
w_mst() { hex "0x0c00082b | ($1 << 7) | (10 << 15) | (11 << 20)"; } # mst.w mN, (a0), a1
w_mzero() { hex "0xf800002b | ($1 << 15)"; }
w_op() { hex "$1 | ($2 << 15) | ($3 << 21) | ($4 << 18)"; } # op md, ms1, ms2

# Sanity: the formulas reproduce the RVM.md check values.
[[ $(w_op $MMASA 2 1 0) == f021082b && $(w_op $MMASA 7 3 2) == f06b882b &&
  $(w_mzero 7) == f803802b && $(w_mld 3) == 04b509ab && $(w_mst 3) == 0cb509ab ]] ||
  { echo "check_encodings: word formulas disagree with RVM.md" >&2; exit 2; }

# "function word" for every 32-bit word with opcode CUSTOM-1 (0x2b).
rvm_words() {
  "$OBJDUMP" -d "$1" | awk '
    /^[0-9a-f]+ <.*>:$/ { # a symbol; gas keeps .L labels on RISC-V: not functions
      name = $2; gsub(/[<>:]/, "", name); if (name !~ /^[.$]/) fn = name; next }
    /^ *[0-9a-f]+:/ && length($2) == 8 && $2 ~ /^[0-9a-f]+$/ { print fn, $2 }' |
    while read -r fn w; do
      if (((16#$w & 0x7f) == 0x2b)); then echo "$fn $w"; fi
    done
}

# check_fn WORDSFILE LABEL FN EXPECTED...: FN's set of RVM words == EXPECTED
check_fn() {
  local words=$1 label=$2 fn=$3
  shift 3
  local actual expected
  actual=$(awk -v f="$fn" '$1 == f { print $2 }' "$words" | sort -u)
  expected=$(printf '%s\n' "$@" | sort -u)
  if [[ $actual == "$expected" ]]; then
    ok
  else
    bad "$label: $fn: RVM words differ (< expected, > actual)"
    diff <(echo "$expected") <(echo "$actual") || true
  fi
}

# check_has WORDSFILE LABEL FN WORD: FN contains WORD
check_has() {
  if awk -v f="$3" -v w="$4" '$1 == f && $2 == w { found = 1 } END { exit !found }' "$1"; then
    ok
  else
    bad "$2: $3 lacks 0x$4"
  fi
}

# check_only WORDSFILE LABEL WORD...: every RVM word of the object is listed
check_only() {
  local words=$1 label=$2
  shift 2
  local extra
  extra=$(awk '{ print $2 }' "$words" | sort -u | comm -23 - <(printf '%s\n' "$@" | sort -u))
  if [[ -z $extra ]]; then ok; else bad "$label: unexpected RVM words: $extra"; fi
}

# ---- templates from the .sched files ---------------------------------------
# template FILE INSTR: the c: template of instr INSTR
template() {
  awk -v name="$2" '
    $1 == "instr" && index($2, name "(") == 1 { inside = 1; next }
    /^[^ \t#]/ { inside = 0 }
    inside && /^[ \t]+c:[ \t]*\047/ {
      sub(/^[ \t]+c:[ \t]*\047/, ""); sub(/\047[ \t]*$/, ""); print; exit
    }' "$1"
}

# memfield FILE FIELD: a field of `memory RVM_TILE`, outer quotes removed
memfield() {
  awk -v field="$2" '
    $1 == "memory" && $2 == "RVM_TILE:" { inside = 1; next }
    /^[^ \t#]/ { inside = 0 }
    inside && $1 == field ":" {
      sub(/^[ \t]+[a-z_]+:[ \t]*/, ""); sub(/^\047/, ""); sub(/\047[ \t]*$/, ""); print; exit
    }' "$1"
}

# fill TEMPLATE hole=value...: fill holes, then turn {{ }} into { }
fill() {
  local t=$1 kv k v
  shift
  for kv in "$@"; do
    k=${kv%%=*}
    v=${kv#*=}
    t=${t//"{$k}"/"$v"}
  done
  t=${t//"{{"/"{"}
  t=${t//"}}"/"}"}
  printf '%s\n' "$t"
}

win() { # win CONST? BUF INDEX ROWSTRIDE: a window value as the C backend writes it
  printf '((struct schedc_win_2i32%s){ &%s[%s], { %s, 1 } })' "$1" "$2" "$3" "$4"
}

INSTRS=(rvm_mld rvm_mst rvm_mzero rvm_mmasa rvm_mmada rvm_mmaqa rvm_fmmacc)
declare -A T
for f in rvm rvm_mnemonic; do
  for i in "${INSTRS[@]}"; do
    T[$f.$i]=$(template "$stdlib/$f.sched" "$i")
    if [[ -z ${T[$f.$i]} ]]; then bad "$f.sched: no c: template for $i"; else ok; fi
  done
  for i in "${INSTRS[@]}"; do
    case $i in rvm_mld | rvm_mst) ;; *) continue ;; esac
    if [[ ${T[$f.$i]} == *'"memory"'* ]]; then ok; else bad "$f.sched: $i lacks a \"memory\" clobber"; fi
  done
done

# ---- 1. template_check.c is the expansion of rvm.sched ----------------------
tc=$src/template_check.c
consistent() { # consistent EXPANSION
  if grep -qF -- "$1" "$tc"; then ok; else bad "template_check.c lacks the rvm.sched expansion: $1"; fi
}
consistent "$(fill "${T[rvm.rvm_mld]}" dst_int=b_tile 'src_data=B[(4 * jo) * 16 + 4 * ko]' \
  "src=$(win c B '(4 * jo) * 16 + 4 * ko' 16)")"
consistent "$(fill "${T[rvm.rvm_mld]}" dst_int=at 'src_data=A2[(8 * io) * 16 + 4 * ko]' \
  "src=$(win c A2 '(8 * io) * 16 + 4 * ko' 32)")"
consistent "$(fill "${T[rvm.rvm_mst]}" src_int=c_tile_0 'dst_data=C[(0) * 16 + 4 * jo]' \
  "dst=$(win '' C '(0) * 16 + 4 * jo' 16)")"
consistent "$(fill "${T[rvm.rvm_mzero]}" dst_int=acc)"
consistent "$(fill "${T[rvm.rvm_mmasa]}" md_int=c_tile_0 ms1_int=b_tile ms2_int=a_tile)"
for i in rvm_mmasa rvm_mmada rvm_mmaqa rvm_fmmacc; do
  consistent "$(fill "${T[rvm.$i]}" md_int=d_tile ms1_int=b_tile ms2_int=a_tile)"
done

# ---- 2. encodings of template_check.c ---------------------------------------
for cc in gcc clang; do
  case $cc in
  gcc) "$GCC" "${CFLAGS[@]}" -c "$tc" -o "$work/tc_$cc.o" ;;
  clang) "$CLANG" --target=riscv64-linux-gnu "${CFLAGS[@]}" -c "$tc" -o "$work/tc_$cc.o" ;;
  esac
  rvm_words "$work/tc_$cc.o" >"$work/tc_$cc.words"
  L="template_check.c ($cc)"
  exp_acc=() # C tiles 7..4, B tile 3, A tile 2
  for t in 7 6 5 4; do exp_acc+=("$(w_mld $t)" "$(w_mst $t)" "$(w_op $MMASA $t 3 2)"); done
  exp_acc+=("$(w_mld 3)" "$(w_mld 2)")
  check_fn "$work/tc_$cc.words" "$L" gemm_nt_acc "${exp_acc[@]}"
  check_fn "$work/tc_$cc.words" "$L" gemm_nt \
    "$(w_mzero 7)" "$(w_mld 6)" "$(w_mld 5)" "$(w_op $MMASA 7 6 5)" "$(w_mst 7)"
  all=("${exp_acc[@]}" "$(w_mzero 7)" "$(w_mld 6)" "$(w_mld 5)" "$(w_op $MMASA 7 6 5)")
  for op in mmasa:$MMASA mmada:$MMADA mmaqa:$MMAQA fmmacc:$FMMACC; do
    fn=small_${op%%:*} match=${op#*:}
    check_fn "$work/tc_$cc.words" "$L" "$fn" \
      "$(w_mld 1)" "$(w_mld 0)" "$(w_mld 2)" "$(w_op "$match" 2 1 0)" "$(w_mst 2)"
    all+=("$(w_mld 1)" "$(w_mld 0)" "$(w_mld 2)" "$(w_op "$match" 2 1 0)" "$(w_mst 2)")
  done
  check_only "$work/tc_$cc.words" "$L" "${all[@]}" # main may inline the kernels
  check_has "$work/tc_$cc.words" "$L" gemm_nt_acc f06b882b # mmasa.w m7, m3, m2
  check_has "$work/tc_$cc.words" "$L" gemm_nt_acc 04b509ab # mld.w m3, (a0), a1
  check_has "$work/tc_$cc.words" "$L" gemm_nt f803802b     # mzero m7
  check_has "$work/tc_$cc.words" "$L" small_mmasa f021082b # mmasa.w m2, m1, m0
done

# ---- 3./4. kernels generated from the .sched files ---------------------------
# gen_kernels FLAVOUR: C kernels using every instr, tiles allocated from the
# memory's register list (first free first) through its alloc/free templates.
gen_kernels() {
  local f=$1 regs alloc free
  local -a R
  regs=$(memfield "$stdlib/$f.sched" registers | tr -d '[] ' | tr ',' ' ')
  read -r -a R <<<"$regs"
  alloc=$(memfield "$stdlib/$f.sched" alloc)
  free=$(memfield "$stdlib/$f.sched" free)
  def() { fill "$alloc" "name=$1" "reg=$2"; }
  undef() { fill "$free" "name=$1"; }
  local mld=${T[$f.rvm_mld]} mst=${T[$f.rvm_mst]}
  cat <<EOF
#include <stdint.h>
struct schedc_win_2i32 { int32_t *data; int_fast32_t strides[2]; };
struct schedc_win_2i32c { const int32_t *data; int_fast32_t strides[2]; };
void gemm_acc(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B);
void gemm_zero(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B);
void small_mmada(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
void small_mmaqa(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
void small_fmmacc(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
EOF
  local z
  for z in acc zero; do
    cat <<EOF
void gemm_$z(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B) {
  (void)ctxt;
  for (int_fast32_t io = 0; io < 4; io++) {
    for (int_fast32_t jo = 0; jo < 4; jo++) {
$(def c_tile "${R[0]}")
EOF
    if [[ $z == acc ]]; then
      fill "$mld" dst_int=c_tile 'src_data=C[(4 * io) * 16 + 4 * jo]' "src=$(win c C '(4 * io) * 16 + 4 * jo' 16)"
    else
      fill "${T[$f.rvm_mzero]}" dst_int=c_tile
    fi
    cat <<EOF
      for (int_fast32_t ko = 0; ko < 4; ko++) {
$(def b_tile "${R[1]}")
$(fill "$mld" dst_int=b_tile 'src_data=B[(4 * jo) * 16 + 4 * ko]' "src=$(win c B '(4 * jo) * 16 + 4 * ko' 16)")
$(def a_tile "${R[2]}")
$(fill "$mld" dst_int=a_tile 'src_data=A[(4 * io) * 16 + 4 * ko]' "src=$(win c A '(4 * io) * 16 + 4 * ko' 16)")
$(fill "${T[$f.rvm_mmasa]}" md_int=c_tile ms1_int=b_tile ms2_int=a_tile)
$(undef a_tile)
$(undef b_tile)
      }
$(fill "$mst" src_int=c_tile 'dst_data=C[(4 * io) * 16 + 4 * jo]' "dst=$(win '' C '(4 * io) * 16 + 4 * jo' 16)")
$(undef c_tile)
    }
  }
}
EOF
  done
  local op
  for op in mmada mmaqa fmmacc; do
    cat <<EOF
void small_$op(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b) {
  (void)ctxt;
$(def d_tile "${R[0]}")
$(def b_tile "${R[1]}")
$(def a_tile "${R[2]}")
$(fill "$mld" dst_int=b_tile 'src_data=b[0]' "src=$(win c b 0 4)")
$(fill "$mld" dst_int=a_tile 'src_data=a[0]' "src=$(win c a 0 4)")
$(fill "$mld" dst_int=d_tile 'src_data=d[0]' "src=$(win c d 0 4)")
$(fill "${T[$f.rvm_$op]}" md_int=d_tile ms1_int=b_tile ms2_int=a_tile)
$(fill "$mst" src_int=d_tile 'dst_data=d[0]' "dst=$(win '' d 0 4)")
$(undef a_tile)
$(undef b_tile)
$(undef d_tile)
}
EOF
  done
}

cat >"$work/driver.c" <<'EOF'
#include "rvm_emu.h"
#include <stdio.h>
#include <string.h>
void gemm_acc(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B);
void gemm_zero(void *ctxt, int32_t *C, const int32_t *A, const int32_t *B);
void small_mmada(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
void small_mmaqa(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
void small_fmmacc(void *ctxt, int32_t *d, const int32_t *a, const int32_t *b);
static uint32_t s = 987654321u;
static uint32_t rnd(void) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}
static int fails;
static void expect(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    fails++;
  }
}
int main(void) {
  static int32_t A[256], B[256], C[256];
  static uint32_t R[256];
  rvm_emu_install();
  for (int i = 0; i < 256; ++i) {
    A[i] = (int32_t)rnd();
    B[i] = (int32_t)(rnd() % 2001u) - 1000;
    C[i] = (int32_t)rnd();
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) {
        uint32_t acc = pass ? 0 : (uint32_t)C[i * 16 + j];
        for (int k = 0; k < 16; ++k)
          acc += (uint32_t)A[i * 16 + k] * (uint32_t)B[j * 16 + k];
        R[i * 16 + j] = acc;
      }
    (pass ? gemm_zero : gemm_acc)(NULL, C, A, B);
    expect(memcmp(C, R, sizeof R) == 0, pass ? "gemm_zero" : "gemm_acc");
  }
  union { int16_t h[4][8]; int8_t q[4][16]; float f[4][4]; int32_t w[4][4]; } a, b, d, r;
  for (int op = 0; op < 3; ++op) {
    for (int i = 0; i < 16; ++i) {
      a.w[i / 4][i % 4] = (int32_t)rnd();
      b.w[i / 4][i % 4] = (int32_t)rnd();
      d.w[i / 4][i % 4] = (int32_t)rnd();
      if (op == 2) {
        a.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
        b.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
        d.f[i / 4][i % 4] = (float)((int)(rnd() % 64u) - 32) / 4.0f;
      }
    }
    r = d;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        uint32_t acc = (uint32_t)d.w[i][j];
        float facc = d.f[i][j];
        for (int k = 0; k < 16; ++k) {
          if (op == 0 && k < 8)
            acc += (uint32_t)(a.h[i][k] * b.h[j][k]);
          if (op == 1)
            acc += (uint32_t)(a.q[i][k] * b.q[j][k]);
          if (op == 2 && k < 4)
            facc += a.f[i][k] * b.f[j][k];
        }
        if (op == 2)
          r.f[i][j] = facc;
        else
          r.w[i][j] = (int32_t)acc;
      }
    (op == 0 ? small_mmada : op == 1 ? small_mmaqa : small_fmmacc)(NULL, &d.w[0][0], &a.w[0][0],
                                                                     &b.w[0][0]);
    expect(memcmp(&d, &r, sizeof d) == 0, op == 0 ? "mmada" : op == 1 ? "mmaqa" : "fmmacc");
  }
  printf("%u RVM instructions, %d failures\n", (unsigned)rvm_emu_trap_count(), fails);
  return fails != 0;
}
EOF

run_qemu() { # run_qemu LABEL EXE
  local out
  if out=$("$QEMU" "$2" 2>&1); then ok; else
    bad "$1: run failed"
    echo "$out"
  fi
}

gen_expect() { # words of the generated kernels, tiles $1 $2 $3
  local c=$1 b=$2 a=$3
  E_GEMM_ACC=("$(w_mld "$c")" "$(w_mld "$b")" "$(w_mld "$a")" "$(w_op $MMASA "$c" "$b" "$a")" "$(w_mst "$c")")
  E_GEMM_ZERO=("$(w_mzero "$c")" "$(w_mld "$b")" "$(w_mld "$a")" "$(w_op $MMASA "$c" "$b" "$a")" "$(w_mst "$c")")
}

# 3. stock flavour
gen_kernels rvm >"$work/gen_rvm.c"
read -r -a RR <<<"$(memfield "$stdlib/rvm.sched" registers | tr -d '[] ' | tr ',' ' ')"
gen_expect "${RR[0]}" "${RR[1]}" "${RR[2]}"
for cc in gcc clang; do
  L="rvm.sched kernels ($cc)"
  if [[ $cc == gcc ]]; then
    CC=("$GCC")
  else
    CC=("$CLANG" --target=riscv64-linux-gnu)
  fi
  if ! "${CC[@]}" "${CFLAGS[@]}" -c "$work/gen_rvm.c" -o "$work/gen_rvm_$cc.o"; then
    bad "$L: compile failed"
    continue
  fi
  rvm_words "$work/gen_rvm_$cc.o" >"$work/gen_rvm_$cc.words"
  check_fn "$work/gen_rvm_$cc.words" "$L" gemm_acc "${E_GEMM_ACC[@]}"
  check_fn "$work/gen_rvm_$cc.words" "$L" gemm_zero "${E_GEMM_ZERO[@]}"
  for op in mmada:$MMADA mmaqa:$MMAQA fmmacc:$FMMACC; do
    check_fn "$work/gen_rvm_$cc.words" "$L" "small_${op%%:*}" "$(w_mld "${RR[0]}")" \
      "$(w_mld "${RR[1]}")" "$(w_mld "${RR[2]}")" "$(w_op "${op#*:}" "${RR[0]}" "${RR[1]}" "${RR[2]}")" \
      "$(w_mst "${RR[0]}")"
  done
  if "${CC[@]}" "${CFLAGS[@]}" -static "$work/gen_rvm_$cc.o" "$work/driver.c" "$src/rvm_emu.c" \
    -o "$work/gen_rvm_$cc"; then
    run_qemu "$L" "$work/gen_rvm_$cc"
  else
    bad "$L: link failed"
  fi
done

# 4. mnemonic flavour (gcc only)
L="rvm_mnemonic.sched kernels (gcc)"
gen_kernels rvm_mnemonic >"$work/gen_mn.c"
if "$GCC" "${CFLAGS[@]}" -S "$work/gen_mn.c" -o "$work/gen_mn.s"; then
  ok
  # Expected lines for tiles m7 (c/d), m6 (b), m5 (a); GPR operands are the compiler's.
  G='[a-z][a-z0-9]*' # a GPR name
  for re in "mld\\.w m7, \\($G\\), $G" "mld\\.w m6, \\($G\\), $G" "mld\\.w m5, \\($G\\), $G" \
    "mst\\.w m7, \\($G\\), $G" "mzero m7" "mmasa\\.w m7, m6, m5" "mmada\\.h m7, m6, m5" \
    "mmaqa\\.b m7, m6, m5" "fmmacc\\.s m7, m6, m5"; do
    if grep -Eq "^[[:space:]]*${re}[[:space:]]*\$" "$work/gen_mn.s"; then ok; else
      bad "$L: no line matching '$re'"
    fi
  done
  # Stand-in for a patched assembler: tile names and GPR ABI names as absolute
  # symbols, each mnemonic a macro that emits the RVM.md word.
  {
    n=0
    for r in zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 \
      s10 s11 t3 t4 t5 t6; do
      echo ".set $r, $n"
      n=$((n + 1))
    done
    for t in 0 1 2 3 4 5 6 7; do echo ".set m$t, $t"; done
    for m in mld.w:0x0400082b mst.w:0x0c00082b; do
      printf '.macro %s md, addr, stride\n.4byte %s | (\\md << 7) | (\\addr << 15) | (\\stride << 20)\n.endm\n' \
        "${m%%:*}" "${m#*:}"
    done
    printf '.macro mzero md\n.4byte 0xf800002b | (\\md << 15)\n.endm\n'
    for m in mmasa.w:$MMASA mmada.h:$MMADA mmaqa.b:$MMAQA fmmacc.s:$FMMACC; do
      printf '.macro %s md, s1, s2\n.4byte %s | (\\md << 15) | (\\s1 << 21) | (\\s2 << 18)\n.endm\n' \
        "${m%%:*}" "${m#*:}"
    done
    cat "$work/gen_mn.s"
  } >"$work/gen_mn_macros.s"
  if "$GCC" -c "$work/gen_mn_macros.s" -o "$work/gen_mn.o"; then
    rvm_words "$work/gen_mn.o" >"$work/gen_mn.words"
    read -r -a RM <<<"$(memfield "$stdlib/rvm_mnemonic.sched" registers | tr -d '[] m' | tr ',' ' ')"
    # mld/mst GPRs are the compiler's choice here: compare with rs1/rs2 masked out
    awk '{ print $1, $2 }' "$work/gen_mn.words" | while read -r fn w; do
      if (((16#$w & 0xfe007c7f) == 0x0400082b || (16#$w & 0xfe007c7f) == 0x0c00082b)); then
        printf '%s %08x\n' "$fn" $((16#$w & ~0x01ff8000 & 0xffffffff | (10 << 15) | (11 << 20)))
      else
        echo "$fn $w"
      fi
    done >"$work/gen_mn.norm"
    gen_expect "${RM[0]}" "${RM[1]}" "${RM[2]}"
    check_fn "$work/gen_mn.norm" "$L" gemm_acc "${E_GEMM_ACC[@]}"
    check_fn "$work/gen_mn.norm" "$L" gemm_zero "${E_GEMM_ZERO[@]}"
    if "$GCC" "${CFLAGS[@]}" -static "$work/gen_mn.o" "$work/driver.c" "$src/rvm_emu.c" \
      -o "$work/gen_mn"; then
      run_qemu "$L" "$work/gen_mn"
    else
      bad "$L: link failed"
    fi
  else
    bad "$L: assembling with the stand-in macros failed"
  fi
else
  bad "$L: gcc -S failed"
fi

echo "check_encodings: $passed passed, $failed failed"
((failed == 0))
