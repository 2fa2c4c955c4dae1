#!/usr/bin/env bash
# Installs everything schedc needs to build and test, from Debian 12's apt.
# Idempotent: packages already present are skipped. Versions are pinned here
# (and checked again by CMake); this is the one place to bump them.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build g++ clang-format
  # grammar: ANTLR 4.7.2 tool (needs a JRE) + 4.9 C++ runtime
  antlr4 default-jre-headless libantlr4-runtime-dev
  # object code (used fully by the LLVM backend)
  llvm-19-dev clang-19 lld-19 llvm-19-tools
  # command line, tests
  libcli11-dev libgtest-dev libgmock-dev
  # firmware Makefile example and the install test's Makefile consumer (GNU make
  # >= 4.3 for grouped targets); `man -l` shows docs/schedc.1; python3 checks
  # that every program in docs/ still compiles as shown
  make man-db python3
  # legality engine: z3 (SMT over integers with div/mod, as Exo uses)
  libz3-dev
  # running generated RISC-V code
  qemu-user gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  # bare-metal RV32 images (picolibc, semihosting) under qemu-system-riscv32
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  echo "bootstrap: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "bootstrap: all packages present"
fi
