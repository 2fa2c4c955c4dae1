#!/usr/bin/env bash
# schedc's depfiles in a Makefile: the first make builds every kernel, a
# second does nothing, and touching an imported .sched rebuilds only the
# kernel that imports it (C path and -c path).
# usage: check_make.sh SCHEDC
set -u
schedc=$(realpath "$1")
source "$(dirname "$0")/lib.sh"

cd "$tmp"
mkdir lib
# lib/scale.sched is imported (through -I) by a.sched only; b.sched imports
# nothing of its own.
printf 'proc scale(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = x[i] * 2.0\n' >lib/scale.sched
printf 'import "scale.sched"\nproc ka(x: f32[4]):\n    scale(x)\n' >a.sched
printf 'proc kb(x: f32[4]):\n    for i in seq(0, 4):\n        x[i] = 0.0\n' >b.sched
cat >Makefile <<EOF
SCHEDC := $schedc
KERNELS := a b
all: \$(KERNELS:%=%.o) \$(KERNELS:%=%.rv.o)
.SECONDARY: # keep the generated C (not an intermediate file to delete)
# C path: schedc -> C -> cc
%.c %.h: %.sched
	@echo "SCHEDC \$<"
	@\$(SCHEDC) \$< -I lib -o \$*.c --header \$*.h -MD -MP
%.o: %.c %.h
	@echo "CC \$<"
	@cc -c \$< -o \$@
# -c path: schedc straight to a RISC-V object
%.rv.o: %.sched
	@echo "SCHEDC -c \$<"
	@\$(SCHEDC) \$< -I lib -c --target riscv32-unknown-elf -o \$@ -MMD -MP
-include \$(KERNELS:%=%.d) \$(KERNELS:%=%.rv.d)
EOF
# Sources older than anything make will write (mtimes are compared).
touch -d '1 hour ago' a.sched b.sched lib/scale.sched

make >first.log 2>&1
check "the first make succeeds" test $? = 0
check "the first make compiles a and b (both paths)" bash -c \
  "grep -qx 'SCHEDC a.sched' first.log && grep -qx 'SCHEDC b.sched' first.log &&
   grep -qx 'SCHEDC -c a.sched' first.log && grep -qx 'SCHEDC -c b.sched' first.log"
check "a.d lists the imported file" grep -q 'lib/scale.sched' a.d
check "a.rv.d lists the imported file" grep -q 'lib/scale.sched' a.rv.d

make >second.log 2>&1
check "a second make does nothing" bash -c "! grep -qE '^(SCHEDC|CC) ' second.log"
[ $failed = 0 ] || show second.log

touch lib/scale.sched
make >third.log 2>&1
check "after touching lib/scale.sched make succeeds" test $? = 0
check "touching lib/scale.sched rebuilds a (C and -c)" bash -c \
  "grep -qx 'SCHEDC a.sched' third.log && grep -qx 'CC a.c' third.log &&
   grep -qx 'SCHEDC -c a.sched' third.log"
check "touching lib/scale.sched leaves b alone" bash -c "! grep -q 'b\\.' third.log"
[ $failed = 0 ] || show third.log

make >fourth.log 2>&1
check "then make is up to date again" bash -c "! grep -qE '^(SCHEDC|CC) ' fourth.log"

# -MP: an import that is removed (and no longer imported) does not break
# make: its empty phony rule stands in for it, as with gcc -MP.
mv lib/scale.sched lib/gone.sched
printf 'proc ka(x: f32[4]):\n    pass\n' >a.sched
make >fifth.log 2>&1
check "a removed import: make still works (no 'No rule to make target')" bash -c \
  "! grep -q 'No rule to make target' fifth.log"
check "a removed import: a is rebuilt (its source changed)" grep -qx 'SCHEDC a.sched' fifth.log
check "a.d no longer names the removed import" bash -c "! grep -q scale a.d"

finish "make"
