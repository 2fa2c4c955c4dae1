#!/usr/bin/env bash
# Outputs are written atomically and only after the whole compile succeeded:
# a refused program (or -Werror, or a write error) leaves no -o, --header or
# depfile, removes stale ones, and never leaves a temporary file.
# usage: check_outputs.sh SCHEDC
set -u
schedc=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
# Nothing but the expected names in a folder (no .NAME.schedc-XXXXXX left).
only_files() { # only_files DIR NAME...
  local dir=$1
  shift
  local have want
  have=$(cd "$dir" && ls -A | sort)
  want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
  if [ "$have" != "$want" ]; then
    echo "  $dir holds: $(echo $have)"
    echo "  expected:   $(echo $want)"
    return 1
  fi
}

cd "$tmp"
printf 'proc good(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = 0.0\n' >good.sched
printf 'proc bad(x: f32[4]):\n    for i in seq(0, 5):\n        x[i] = 0.0\n' >bad.sched
mkdir c o

# A successful compile: the files, with the usual permissions, and nothing else.
check "C, header, depfile" test "$(status_of "$schedc" good.sched -o c/good.c --header c/good.h -MD)" = 0
check "exactly good.c, good.h, good.d" only_files c good.c good.h good.d
check "outputs get 0666 minus the umask (not mkstemp's 0600)" \
  test "$(stat -c %a c/good.c)" = "$(printf '%o' $((0666 & ~$(umask))))"

# A refusal: no output, stale outputs removed, no temporary file.
echo stale >c/bad.c
echo stale >c/bad.h
echo stale >c/bad.d
check "a refused program exits 1" test "$(status_of "$schedc" bad.sched -o c/bad.c --header c/bad.h -MD)" = 1
check "it is reported" grep -q 'bad.sched:3:' err
check "a refusal removes the stale -o, --header and depfile" only_files c good.c good.h good.d
check "-c refused: exit 1" test "$(status_of "$schedc" bad.sched -c -o o/bad.o --header o/bad.h -MMD)" = 1
check "-c refused: no object, header, depfile" only_files o
echo stale >o/bad.o
echo stale >o/bad.d
check "-c refused again" test "$(status_of "$schedc" bad.sched -c -o o/bad.o -MD)" = 1
check "-c refused: the stale object and depfile are removed" only_files o
# The same with -Werror (a warning that is an error writes nothing); the
# warning comes from the diagnostics work, so only run it when there is one.
printf 'proc warned(x: f32[4]):\n    t: f32[4]\n    for i in seq(0, 4):\n        x[i] = 0.0\n' >warned.sched
if "$schedc" warned.sched -o - 2>&1 >/dev/null | grep -q 'warning:'; then
  echo stale >c/warned.c
  check "-Werror exits 1" test "$(status_of "$schedc" warned.sched -Werror -o c/warned.c -MD)" = 1
  check "-Werror: no output, the stale one removed" only_files c good.c good.h good.d
fi

# A write error (the header's folder is a file; for root too): exit 1,
# nothing written, not even the outputs that could be written.
echo file >notadir
check "an unwritable --header exits 1" \
  test "$(status_of "$schedc" good.sched -o c/partial.c --header notadir/good.h -MD)" = 1
check "the write error is reported" grep -q "error: cannot write 'notadir/good.h'" err
check "a write error leaves no other output (and no temporary file)" only_files c good.c good.h good.d
check "a missing output folder exits 1" test "$(status_of "$schedc" good.sched -o none/good.c)" = 1
check "it names the file" grep -q "error: cannot write 'none/good.c'" err

# -o - still streams to standard output; /dev/null is written, never replaced or removed.
check "-o - writes to standard output" test "$(status_of "$schedc" good.sched -o -)" = 0
check "standard output has the C" grep -q '^void good(' out
check "-o /dev/null" test "$(status_of "$schedc" good.sched -o /dev/null)" = 0
check "/dev/null is still a character device" test -c /dev/null
check "a refusal with -o /dev/null leaves it alone" test "$(status_of "$schedc" bad.sched -o /dev/null)" = 1
check "/dev/null survives a refusal" test -c /dev/null

# A symlinked output: the file it points to is replaced, the link kept.
echo old >c/target.c
ln -s target.c c/link.c
check "-o through a symlink" test "$(status_of "$schedc" good.sched -o c/link.c)" = 0
check "the link is kept" test -L c/link.c
check "its target has the C" grep -q '^void good(' c/target.c

# The output is never the input: refused before compiling, the input kept.
cp good.sched same.sched
check "-o INPUT is a usage error" test "$(status_of "$schedc" same.sched -o same.sched)" = 1
check "the input is kept" cmp -s good.sched same.sched

# Interrupted (make's Ctrl-C, a kill) while writing: no temporary file left.
# The -o is a fifo nobody reads, so schedc blocks opening it after the
# header's temporary file is written.
mkdir sig
mkfifo sig/fifo.c
"$schedc" good.sched -o sig/fifo.c --header sig/good.h &
pid=$!
for _ in $(seq 100); do
  ls -A sig | grep -q '^\.good\.h\.schedc-' && break
  sleep 0.1
done
check "while blocked, the header waits in a temporary file" bash -c "ls -A sig | grep -q '^\.good\.h\.schedc-'"
kill -TERM $pid
wait $pid
check "SIGTERM ends schedc as a signal does (status 143)" test $? = 143
check "an interrupted schedc leaves no temporary file" only_files sig fifo.c

# A rewrite is a rename of a new file (a new inode), never a truncation of
# the old one that a concurrent reader (or a killed schedc) could see half-written.
"$schedc" good.sched -o c/renamed.c
before=$(stat -c %i c/renamed.c)
"$schedc" good.sched -o c/renamed.c
check "an output is replaced by rename (new inode)" test "$(stat -c %i c/renamed.c)" != "$before"

finish "outputs"
