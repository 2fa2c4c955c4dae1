# A firmware toolchain: rv32imc bare metal, riscv64-unknown-elf-gcc with picolibc and
# semihosting, images at QEMU virt's RAM (0x80000000). check_install.sh builds the consumer
# with it and runs the image under qemu-system-riscv32.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_C_FLAGS_INIT "-march=rv32imc -mabi=ilp32 --specs=picolibc.specs")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "--oslib=semihost --crt0=semihost -Wl,--defsym=__flash=0x80000000 \
-Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x400000")
set(CMAKE_EXECUTABLE_SUFFIX_C .elf)
# Usual cross settings: target libraries and packages only from the target's root. schedc is
# a host tool, so its package is given by -Dschedc_DIR=<prefix>/lib/cmake/schedc.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
