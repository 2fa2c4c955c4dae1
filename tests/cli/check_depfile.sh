#!/usr/bin/env bash
# Depfiles (-MD, -MMD, -MF, -MT, -MP) have exactly GCC's text: the rule
# "TARGET: INPUT imports...", stdlib files by absolute path (left out with
# -MMD), names escaped for Make, lines wrapped at 72 columns like GCC's.
# usage: check_depfile.sh SCHEDC
set -u
schedc=$(realpath "$1")
stdlib=$(cd "$(dirname "$schedc")/stdlib" && pwd -P)
source "$(dirname "$0")/lib.sh"
same_text() { # same_text FILE EXPECTED: the file holds exactly EXPECTED
  if [ ! -e "$1" ]; then
    echo "  no file $1"
    return 1
  fi
  if [ "$(cat "$1"; echo x)" != "$2"x ]; then
    echo "  $1 holds:"
    sed 's/^/  | /' "$1"
    echo "  expected:"
    printf '%s' "$2" | sed 's/^/  | /'
    return 1
  fi
}
# The rule with GCC's continuation lines joined back into one line.
joined() { sed -e ':a' -e '/ \\$/{N;s/ \\\n / /;ba}' "$1"; }

cd "$tmp"
printf 'proc scale(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = x[i] * 2.0\n' >lib.sched
printf 'import "lib.sched"\nimport "rvm.sched"\nproc kernel(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = 0.0\n' >kernel.sched

# -MD: the input, the stdlib prelude, then the imports in the order they are read.
check "-MD compiles" "$schedc" kernel.sched -o kernel.c -MD
check "-MD lists the input, the prelude and every import" same_text <(joined kernel.d) \
  "kernel.c: kernel.sched $stdlib/memories.sched lib.sched $stdlib/rvm.sched
"
check "-MD wraps lines like GCC (72 columns, ' \\' then a leading space)" \
  awk 'length($0) > 74 { bad = 1 } NR > 1 && !/^ / { bad = 1 } END { exit bad }' kernel.d
check "-MD's rule parses in make" make -s -n -f kernel.d -f /dev/null kernel.c

# -MMD leaves out the stdlib's files; the depfile is the output with .d.
rm -f kernel.d
check "-MMD compiles" "$schedc" kernel.sched -o kernel.c -MMD
check "-MMD leaves out stdlib files" same_text kernel.d "kernel.c: kernel.sched lib.sched
"
# -MF names the depfile; -MT (repeatable) replaces the target as given; -MP
# adds a phony rule per dependency but the input.
mkdir deps
check "-MF -MT -MT -MP compile" "$schedc" kernel.sched -o kernel.c -MMD -MF deps/k.dep -MT first \
  -MT 'out/second.c' -MP
check "-MF/-MT/-MP: targets, and a phony rule per import" same_text deps/k.dep \
  "first out/second.c: kernel.sched lib.sched
lib.sched:
"
check "-MFfile and -MTtarget (joined) work too" "$schedc" kernel.sched -o kernel.c -MMD \
  -MFdeps/joined.d -MTjoined
check "joined spellings" same_text deps/joined.d "joined: kernel.sched lib.sched
"
check "-MD -MP lists stdlib files as phony targets" "$schedc" kernel.sched -o kernel.c -MD -MP \
  -MF deps/mp.d
check "-MD -MP text" same_text <(joined deps/mp.d) \
  "kernel.c: kernel.sched $stdlib/memories.sched lib.sched $stdlib/rvm.sched
$stdlib/memories.sched:
lib.sched:
$stdlib/rvm.sched:
"

# -c without -o: kernel.o and kernel.d (as gcc -c -MD); -o out/k.o: out/k.d.
rm -f kernel.d
check "-c -MMD without -o" "$schedc" kernel.sched -c -MMD
check "-c without -o: kernel.d names kernel.o" same_text kernel.d "kernel.o: kernel.sched lib.sched
"
mkdir out
check "-c -o out/k.o -MMD" "$schedc" kernel.sched -c -o out/k.o -MMD
check "-o out/k.o: out/k.d names out/k.o" same_text out/k.d "out/k.o: kernel.sched lib.sched
"
check "-S --emit-llvm -o out/k.ll -MMD" "$schedc" kernel.sched -S --emit-llvm -o out/k.ll -MMD
check "-o out/k.ll: out/k.d names out/k.ll" same_text out/k.d "out/k.ll: kernel.sched lib.sched
"
# C to standard output: the depfile is the input's stem + .d, the target its stem + .c.
rm -f kernel.d
check "-o - -MMD" bash -c "'$schedc' kernel.sched -o - -MMD >stdout.c"
check "-o -: kernel.d names kernel.c" same_text kernel.d "kernel.c: kernel.sched lib.sched
"
check "-o -: the C still goes to standard output" grep -q '^void kernel(' stdout.c
rm -f kernel.d
check "no -o, -MMD" bash -c "'$schedc' kernel.sched -MMD >stdout.c"
check "no -o: kernel.d names kernel.c" same_text kernel.d "kernel.c: kernel.sched lib.sched
"
# Without -MD/-MMD there is no depfile; -MF alone is a usage error.
rm -f kernel.d
"$schedc" kernel.sched -o kernel.c
check "no -MD: no depfile" test ! -e kernel.d
"$schedc" kernel.sched -o kernel.c -MF x.d 2>err
check "-MF without -MD is a usage error (exit 1)" test $? = 1
check "-MF without -MD says so" grep -q 'need -MD or -MMD' err

# Names with spaces, '$' and '#' are escaped as GCC escapes them (the same
# layout gcc -MMD -MP -MQ gives for headers of these names: checked by hand
# with gcc 12, identical).
mkdir 'my dir'
printf '# a library\n' >'my dir/my lib.sched'
printf '# a library\n' >'my dir/d$l.sched'
printf '# a library\n' >'my dir/h#sh.sched'
printf 'import "my lib.sched"\nimport "d$l.sched"\nimport "h#sh.sched"\nproc k(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = 0.0\n' >'my dir/k k.sched'
check "paths with spaces, \$ and # compile" "$schedc" 'my dir/k k.sched' -o 'my dir/k k.c' -MMD -MP
check "spaces as '\\ ', \$ as \$\$, # as \\#, wrapped at 72 columns" same_text 'my dir/k k.d' \
  'my\ dir/k\ k.c: my\ dir/k\ k.sched my\ dir/my\ lib.sched \
 my\ dir/d$$l.sched my\ dir/h\#sh.sched
my\ dir/my\ lib.sched:
my\ dir/d$$l.sched:
my\ dir/h\#sh.sched:
'
# make reads the names back (make -p prints them unescaped)
check "make reads the escaped names back" bash -c \
  "make -s -p -q -f 'my dir/k k.d' -f /dev/null 2>/dev/null |
   grep -qxF 'my dir/k k.c: my dir/k k.sched my dir/my lib.sched my dir/d\$l.sched my dir/h#sh.sched'"

# A refused compile writes no depfile (and removes a stale one).
printf 'proc bad(x: f32[4]):\n    x[4] = 0.0\n' >bad.sched
echo stale >bad.d
"$schedc" bad.sched -o bad.c -MD 2>/dev/null
check "a refused compile exits 1" test $? = 1
check "a refused compile leaves no depfile" test ! -e bad.d

finish "depfile"
