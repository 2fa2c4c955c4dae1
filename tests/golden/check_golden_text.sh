#!/usr/bin/env bash
# Golden text of schedules: runs schedc on NAME.sched and compares with the
# reviewed file next to it, byte for byte:
#   print       NAME.expected     `schedc NAME.sched --print` (every emitted proc)
#   trace       NAME.trace        `schedc NAME.sched --trace` (standard error)
#   after-each  NAME.after-each   `schedc NAME.sched --print-after-each` (standard error)
# With --update, rewrites the golden file instead (review it with git diff).
# usage: check_golden_text.sh SCHEDC NAME.sched print|trace|after-each [--update]
set -u
schedc=$1
program=$2
mode=$3
update=${4:-}
dir=$(dirname "$program")
name=$(basename "$program" .sched)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
case "$mode" in
  print) flag=--print; golden=$dir/$name.expected ;;
  trace) flag=--trace; golden=$dir/$name.trace ;;
  after-each) flag=--print-after-each; golden=$dir/$name.after-each ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
# Run from the program's folder so that file names in the output are stable.
if [ "$mode" = print ]; then
  (cd "$dir" && "$schedc" "$name.sched" --print >"$out/text" 2>"$out/stderr")
else
  (cd "$dir" && "$schedc" "$name.sched" "$flag" -o /dev/null 2>"$out/text")
fi
status=$?
if [ $status != 0 ]; then
  echo "FAIL: schedc exited $status on $program:"
  cat "$out/text" "$out/stderr" 2>/dev/null
  exit 1
fi
if [ "$update" = --update ]; then
  cp "$out/text" "$golden"
  echo "updated $golden"
  exit 0
fi
if [ ! -f "$golden" ]; then
  echo "FAIL: no golden file $golden (create it with the update-golden target, then review it)"
  exit 1
fi
if ! diff -u "$golden" "$out/text"; then
  echo "FAIL: output differs from $golden (diff above: - golden, + now)"
  exit 1
fi
