# Shared by the tests/cli scripts (sourced): a temporary folder $tmp removed
# at exit, `check NAME CONDITION...` counting passes and failures,
# `status_of CMD...` (prints CMD's exit status; its output is in $tmp/out and
# $tmp/err), `show FILE` (indented), and `finish NAME` (the summary line and
# the script's exit status).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $name"
    failed=$((failed + 1))
  fi
}
status_of() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
show() { sed 's/^/  | /' "$1"; }
finish() {
  echo "$1: $passed passed, $failed failed"
  test "$failed" = 0
}
