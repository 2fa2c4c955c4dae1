#!/usr/bin/env bash
# Runs schedc on a program it must refuse and checks the refusal:
#   exit status 1 (a user error, not a crash),
#   the first line is "FILE:LINE:COL: error: ..." as the file's "# expect:" line says,
#   nothing that looks like a crash or an internal error.
# usage: check_refusal.sh SCHEDC FILE.sched [extra schedc args...]
set -u
schedc=$1
file=$2
shift 2
expect=$(sed -n 's/^# expect: //p' "$file" | head -1)
if [ -z "$expect" ]; then
  echo "FAIL: $file has no '# expect: LINE:COL: error: message' line"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# -w: a refused program may also warn (unused tiles of ninth_live_tile.sched);
# the refusal must be the first line.
"$schedc" "$file" -o "$out/out.c" -w "$@" >"$out/stdout" 2>"$out/stderr"
status=$?
first=$(head -1 "$out/stderr")
ok=1
if [ "$status" != 1 ]; then
  echo "FAIL: exit status $status, expected 1"
  ok=0
fi
case "$first" in
  "$file:$expect"*) ;;
  *)
    echo "FAIL: first diagnostic line differs"
    echo "  expected: $file:$expect"
    ok=0
    ;;
esac
if grep -qiE "internal compiler error|terminate called|Segmentation|Aborted|stack trace" "$out/stderr"; then
  echo "FAIL: looks like a crash"
  ok=0
fi
if [ -e "$out/out.c" ]; then
  echo "FAIL: an output file was written for a refused program"
  ok=0
fi
if [ "$ok" = 0 ]; then
  echo "--- stderr:"
  cat "$out/stderr"
  exit 1
fi
echo "refused as expected: $first"
