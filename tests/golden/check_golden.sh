#!/usr/bin/env bash
# Compiles tests/golden/NAME.sched and compares the C and header byte for byte
# with the reviewed NAME.c and NAME.h next to it. With --update, rewrites them
# instead (then review the change with git diff before committing).
# usage: check_golden.sh SCHEDC NAME.sched [--update]
set -u
schedc=$1
program=$2
mode=${3:-check}
dir=$(dirname "$program")
name=$(basename "$program" .sched)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Compile from the golden folder so that the file name in the output is stable.
if ! (cd "$dir" && "$schedc" "$name.sched" -o "$out/$name.c" --header "$out/$name.h" 2>"$out/stderr"); then
  echo "FAIL: schedc refused $program:"
  cat "$out/stderr"
  exit 1
fi
if [ "$mode" = --update ]; then
  cp "$out/$name.c" "$dir/$name.c"
  cp "$out/$name.h" "$dir/$name.h"
  echo "updated $dir/$name.c and $dir/$name.h"
  exit 0
fi
status=0
for ext in c h; do
  if [ ! -f "$dir/$name.$ext" ]; then
    echo "FAIL: no golden file $dir/$name.$ext (create it with the update-golden target)"
    status=1
  elif ! diff -u "$dir/$name.$ext" "$out/$name.$ext"; then
    echo "FAIL: $name.$ext differs from the golden file (diff above: - golden, + now)"
    status=1
  fi
done
exit $status
