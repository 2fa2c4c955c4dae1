#!/usr/bin/env bash
# One golden diagnostics test (see cases.txt): runs schedc inside this folder
# and compares its standard error with NAME.stderr and its exit status.
# usage: check_diagnostics.sh SCHEDC NAME [--update]
#   --update rewrites NAME.stderr from the current output (review it after!)
set -u
schedc=$1
name=$2
update=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
line=$(grep "^$name|" "$here/cases.txt" | head -1)
if [ -z "$line" ]; then
  echo "FAIL: no case '$name' in cases.txt"
  exit 1
fi
IFS='|' read -r _ expected_status args <<<"$line"
read -r -a argv <<<"$args"
# Leading VAR=value words set the environment; @terminal runs schedc with its
# standard error on a pseudo-terminal (script(1)), for -fdiagnostics-color=auto.
envs=()
terminal=0
while [ ${#argv[@]} -gt 0 ]; do
  case "${argv[0]}" in
    [A-Z]*=*) envs+=("${argv[0]}") ;;
    @terminal) terminal=1 ;;
    *) break ;;
  esac
  argv=("${argv[@]:1}")
done
bindir=$(dirname "$schedc")
if [ -d "$bindir/stdlib" ]; then
  stdlib=$(cd "$bindir/stdlib" && pwd -P)
else
  stdlib=$(cd "$bindir/../share/schedc/stdlib" && pwd -P)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here" || exit 1
if [ "$terminal" = 1 ]; then
  command=$(printf '%q ' "$schedc" "${argv[@]}" -o "$tmp/out.c")
  env "${envs[@]}" script -qec "$command" /dev/null </dev/null >"$tmp/tty"
  status=$?
  tr -d '\r' <"$tmp/tty" >"$tmp/raw" # the terminal turns \n into \r\n
  : >"$tmp/stdout"
else
  env "${envs[@]}" "$schedc" "${argv[@]}" -o "$tmp/out.c" >"$tmp/stdout" 2>"$tmp/raw"
  status=$?
fi
# The stdlib's folder depends on the build; ESC is made visible.
text=$(cat "$tmp/raw"; echo x)
text=${text%x}
text=${text//"$stdlib/"/<stdlib>/}
printf '%s' "$text" | sed 's/\x1b/\\e/g' >"$tmp/stderr"
golden=$here/$name.stderr
if [ "$update" = --update ]; then
  if [ "$status" != "$expected_status" ]; then
    echo "FAIL: $name: exit status $status, cases.txt says $expected_status; not updating"
    cat "$tmp/stderr"
    exit 1
  fi
  cmp -s "$tmp/stderr" "$golden" || { cp "$tmp/stderr" "$golden" && echo "updated $golden"; }
  exit 0
fi
ok=1
if [ "$status" != "$expected_status" ]; then
  echo "FAIL: $name: exit status $status, expected $expected_status"
  ok=0
fi
if [ "$status" = 0 ] && [ ! -s "$tmp/out.c" ]; then
  echo "FAIL: $name: exit status 0 but no output file"
  ok=0
fi
if [ "$status" != 0 ] && [ -e "$tmp/out.c" ]; then
  echo "FAIL: $name: exit status $status but an output file was written"
  ok=0
fi
if [ -s "$tmp/stdout" ]; then
  echo "FAIL: $name: something on standard output:"
  cat "$tmp/stdout"
  ok=0
fi
if [ ! -e "$golden" ]; then
  echo "FAIL: $name: no golden file $golden (run with --update, then review it)"
  ok=0
elif ! diff -u --label "$name.stderr (golden)" --label "$name.stderr (now)" "$golden" \
  "$tmp/stderr"; then
  echo "FAIL: $name: standard error differs from $name.stderr"
  ok=0
fi
[ "$ok" = 1 ] && echo "ok: $name (schedc ${argv[*]})"
[ "$ok" = 1 ]
