#!/usr/bin/env bash
# The LLVM backend's exported functions have the signatures clang-19 gives the
# C backend's prototypes, on every target (riscv32 included, which cannot run
# here yet): parameter types, byval, zeroext, in order.
# usage: check_abi_signatures.sh SCHEDC FILE
set -eu -o pipefail
schedc=$1
file=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$schedc" "$file" -o "$tmp/k.c"
# riscv32-unknown-elf has no sysroot here: the C needs only malloc and free.
mkdir "$tmp/include"
printf '#include <stddef.h>\nvoid *malloc(size_t);\nvoid free(void *);\n' >"$tmp/include/stdlib.h"
# `define ... @name(params)` -> "name: type[ byval][ zeroext], ..."
signatures() {
  python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"define (?:dso_local )?void @([\w.]+)\((.*)\)", line)
    if not m or "." in m.group(1):
        continue
    params, depth, cur = [], 0, ""
    for ch in m.group(2):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if ch == "," and depth == 0:
            params.append(cur.strip()); cur = ""
        else:
            cur += ch
    if cur.strip():
        params.append(cur.strip())
    out = []
    for p in params:
        t = p[: p.index("]") + 1] if p.startswith("[") else p.split()[0]
        out.append(t + (" byval" if "byval(" in p else "") + (" zeroext" if "zeroext" in p else ""))
    print(m.group(1) + ": " + ", ".join(out))
' | sort
}
status=0
for target in "x86_64-linux-gnu|x86_64-linux-gnu|" "riscv64-unknown-linux-gnu|riscv64-linux-gnu|-march=rv64gc -mabi=lp64d" \
              "riscv32-unknown-elf|riscv32-unknown-elf|-march=rv32imc -mabi=ilp32 -isystem $tmp/include"; do
  IFS='|' read -r triple clang_triple flags <<<"$target"
  # shellcheck disable=SC2086
  clang-19 --target="$clang_triple" $flags -O0 -S -emit-llvm -o - "$tmp/k.c" | signatures >"$tmp/clang"
  # shellcheck disable=SC2086
  "$schedc" "$file" -S --emit-llvm -O0 --target "$triple" ${flags%% -isystem*} -o - |
    signatures >"$tmp/schedc"
  if ! diff -u "$tmp/clang" "$tmp/schedc"; then
    echo "FAIL: $triple: signatures differ from clang's (- clang, + schedc)"
    status=1
  else
    echo "ok: $triple: $(wc -l <"$tmp/clang") functions"
  fi
done
exit $status
