#!/usr/bin/env bash
# schedc --verify-golden DIR / --update-golden on a copy of tests/golden:
# unchanged -> exit 0; one changed line -> exit 1 and a unified diff naming
# the file; a missing golden file or a refused kernel -> exit 1;
# --update-golden rewrites exactly the changed files, after which verify passes.
# usage: check_golden_mode.sh SCHEDC SOURCE_DIR
set -u
schedc=$(realpath "$1")
src=$2
source "$(dirname "$0")/lib.sh"

g=$tmp/golden
mkdir "$g"
cp "$src"/tests/golden/*.sched "$src"/tests/golden/*.c "$src"/tests/golden/*.h "$g"/
kernels=$(ls "$g"/*.sched | wc -l)
files=$((2 * kernels))

check "the checked-in golden files verify (exit 0)" test "$(status_of "$schedc" --verify-golden "$g")" = 0
[ $failed = 0 ] || { show "$tmp/out"; show "$tmp/err"; }
check "the summary counts every kernel and file" \
  grep -qx "verify-golden: $kernels kernels in $g: $files files unchanged, 0 changed, 0 missing, 0 refused" "$tmp/out"
check "no diff when nothing changed" bash -c "! grep -q '^---' '$tmp/out'"

# One changed line in a golden .c: exit 1, a unified diff for that file only.
cp "$g/gemv.c" "$tmp/gemv.c.orig"
sed -i '0,/^void /s/^void \(.*\)$/void \1 \/\/ edited/' "$g/gemv.c"
check "the edit changed the file" bash -c "! cmp -s '$g/gemv.c' '$tmp/gemv.c.orig'"
check "a changed golden file fails (exit 1)" test "$(status_of "$schedc" --verify-golden "$g")" = 1
check "the diff is headed --- DIR/gemv.c (golden)" grep -qx -- "--- $g/gemv.c (golden)" "$tmp/out"
check "and +++ DIR/gemv.c (now)" grep -qx -- "+++ $g/gemv.c (now)" "$tmp/out"
check "the diff removes the edited line and adds the real one" bash -c \
  "grep -q '^-void .* // edited\$' '$tmp/out' && grep -q '^+void ' '$tmp/out' && grep -q '^@@ -' '$tmp/out'"
check "only gemv.c differs" test "$(grep -c '^--- ' "$tmp/out")" = 1
check "the summary says one changed" grep -q ", 1 changed, 0 missing, 0 refused$" "$tmp/out"

# A missing golden header: exit 1 and named.
mv "$g/conv1d.h" "$tmp/conv1d.h.orig"
check "a missing golden file fails (exit 1)" test "$(status_of "$schedc" --verify-golden "$g")" = 1
check "it is named" grep -q "^$g/conv1d.h: no golden file" "$tmp/out"
check "the summary counts it" grep -q ", 1 changed, 1 missing, 0 refused$" "$tmp/out"

# --update-golden rewrites the changed and missing files (and only them), exit 0.
inode=$(stat -c %i "$g/matmul_rvm.c")
check "--update-golden exits 0" test "$(status_of "$schedc" --verify-golden "$g" --update-golden)" = 0
check "it says which it updated" grep -qx "updated $g/gemv.c" "$tmp/out"
check "and which it created" grep -qx "created $g/conv1d.h" "$tmp/out"
check "gemv.c is the checked-in one again" cmp "$g/gemv.c" "$tmp/gemv.c.orig"
check "conv1d.h is the checked-in one again" cmp "$g/conv1d.h" "$tmp/conv1d.h.orig"
check "unchanged files are not rewritten" test "$(stat -c %i "$g/matmul_rvm.c")" = "$inode"
check "no temporary file is left" test "$(ls -A "$g" | grep -c '^\.')" = 0
check "verify passes after the update" test "$(status_of "$schedc" --verify-golden "$g")" = 0

# A refused kernel: reported, exit 1 in both modes.
printf 'proc broken(x: f32[4]):\n    x[4] = 0.0\n' >"$g/zz_broken.sched"
check "a refused kernel fails verify (exit 1)" test "$(status_of "$schedc" --verify-golden "$g")" = 1
check "the refusal is reported with its location" grep -q "zz_broken.sched:2:" "$tmp/err"
check "the summary counts it" grep -q ", 1 refused$" "$tmp/out"
check "a refused kernel fails --update-golden too" \
  test "$(status_of "$schedc" --verify-golden "$g" --update-golden)" = 1
check "no golden file is made for a refused kernel" test ! -e "$g/zz_broken.c"
rm "$g/zz_broken.sched"

# Usage errors.
check "--update-golden alone is a usage error" test "$(status_of "$schedc" --update-golden)" = 1
check "--verify-golden with an input file is a usage error" \
  test "$(status_of "$schedc" --verify-golden "$g" "$g/gemv.sched")" = 1
check "--verify-golden of a missing folder exits 1" \
  test "$(status_of "$schedc" --verify-golden "$tmp/none")" = 1

finish "golden mode"
