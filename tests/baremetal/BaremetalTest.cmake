# Bare-metal RV32 images (rv32imc, ilp32, picolibc with semihosting) run under
# qemu-system-riscv32, with the RVM mtvec emulator (rvm_emu_bm.c, rvm_trap.S).
# The emulator's sources live with the firmware example, which users copy as a
# whole: examples/firmware/rvm_emu/.
#
# schedc_add_baremetal_image(NAME <name> [SOURCES <c/S files...>] [OBJECTS <.o...>]
#                            [INCLUDES <dirs...>] [DEPENDS <targets/files...>]
#                            [FLAGS <extra C flags...>] [EXCLUDE_FROM_ALL])
#   Compiles SOURCES with riscv64-unknown-elf-gcc -march=rv32imc_zicsr -mabi=ilp32
#   --specs=picolibc.specs -std=c11 -O2 -Wall -Werror, links them with OBJECTS
#   (e.g. schedc -c --target riscv32-unknown-elf objects) and the RVM emulator
#   into ${CMAKE_CURRENT_BINARY_DIR}/<name>.elf (custom target <name>_elf, in
#   ALL unless EXCLUDE_FROM_ALL). Sets <name>_ELF in the caller's scope.
#
# schedc_add_baremetal_test(NAME <name> ... [EXPECT_EXIT <status>])
#   The same, plus a ctest <name> that runs the image (run_image.sh: qemu with a
#   60 s timeout) and passes when it exits with EXPECT_EXIT (default 0) through
#   semihosting. The test's main() calls rvm_emu_install() (#include
#   "rvm_emu.h", same API as the Linux emulator) before its first RVM
#   instruction.
#
# Relative paths are relative to the calling CMakeLists' folder. Header
# dependencies are tracked with gcc depfiles.
include_guard(GLOBAL)
cmake_policy(SET CMP0116 NEW)

set(SCHEDC_BAREMETAL_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "bare-metal harness")
get_filename_component(_schedc_rvm_emu_dir "${CMAKE_CURRENT_LIST_DIR}/../../examples/firmware/rvm_emu"
                       ABSOLUTE)
set(SCHEDC_BAREMETAL_RVM_EMU_DIR "${_schedc_rvm_emu_dir}" CACHE INTERNAL "RVM mtvec emulator")
# tests/rvm: the self-tests' shared helpers (selftest_util.h).
get_filename_component(_schedc_rvm_dir "${CMAKE_CURRENT_LIST_DIR}/../rvm" ABSOLUTE)
set(SCHEDC_BAREMETAL_RVM_DIR "${_schedc_rvm_dir}" CACHE INTERNAL "RVM self-test helpers")

find_program(SCHEDC_RV32_CC riscv64-unknown-elf-gcc)
if(NOT SCHEDC_RV32_CC)
  message(FATAL_ERROR
    "riscv64-unknown-elf-gcc not found: bare-metal RV32 tests need the Debian packages "
    "gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf (scripts/bootstrap.sh installs them)")
endif()
execute_process(COMMAND "${SCHEDC_RV32_CC}" -print-file-name=picolibc.specs
                OUTPUT_VARIABLE _schedc_picolibc_specs OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${_schedc_picolibc_specs}" OR NOT EXISTS "${_schedc_picolibc_specs}")
  message(FATAL_ERROR
    "picolibc for riscv64-unknown-elf not found: bare-metal RV32 tests need the Debian package "
    "picolibc-riscv64-unknown-elf (scripts/bootstrap.sh installs it)")
endif()
find_program(SCHEDC_QEMU_SYSTEM_RV32 qemu-system-riscv32)
if(NOT SCHEDC_QEMU_SYSTEM_RV32)
  message(FATAL_ERROR
    "qemu-system-riscv32 not found: bare-metal RV32 tests run under QEMU system mode; install "
    "the Debian package qemu-system-misc (scripts/bootstrap.sh installs it)")
endif()
find_program(SCHEDC_BAREMETAL_BASH bash REQUIRED)

# Compile with Zicsr (the trap code reads mcause/mepc/mtval) but link without
# it: Debian's toolchain has no rv32imc_zicsr multilib, rv32imc selects rv32im.
# (Cache variables: include_guard(GLOBAL) runs this file in the first
# including folder only.)
set(SCHEDC_RV32_CFLAGS -march=rv32imc_zicsr -mabi=ilp32 --specs=picolibc.specs -std=c11 -O2
    -Wall -Werror CACHE INTERNAL "bare-metal C flags")
# picolibc.ld's default flash/RAM (0x10000000/0x20000000) are not RAM on QEMU's
# virt machine, whose RAM starts at 0x80000000 (-bios none jumps there).
set(SCHEDC_RV32_LDFLAGS -march=rv32imc -mabi=ilp32 --specs=picolibc.specs --oslib=semihost
    --crt0=semihost -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000
    -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=0x400000
    CACHE INTERNAL "bare-metal link flags")

function(schedc_add_baremetal_image)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "EXCLUDE_FROM_ALL" "NAME"
                        "SOURCES;OBJECTS;INCLUDES;DEPENDS;FLAGS")
  if(NOT ARG_NAME)
    message(FATAL_ERROR "schedc_add_baremetal_image: NAME is required")
  endif()
  if(NOT ARG_SOURCES AND NOT ARG_OBJECTS)
    message(FATAL_ERROR "schedc_add_baremetal_image(${ARG_NAME}): SOURCES or OBJECTS is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "schedc_add_baremetal_image(${ARG_NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  set(incflags "-I${SCHEDC_BAREMETAL_RVM_EMU_DIR}" "-I${SCHEDC_BAREMETAL_RVM_DIR}")
  foreach(dir IN LISTS ARG_INCLUDES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND incflags "-I${dir}")
  endforeach()

  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.elf.dir")
  set(exe "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.elf")
  set(objects "")
  set(idx 0)
  foreach(src IN LISTS ARG_SOURCES ITEMS "${SCHEDC_BAREMETAL_RVM_EMU_DIR}/rvm_emu_bm.c"
                                         "${SCHEDC_BAREMETAL_RVM_EMU_DIR}/rvm_trap.S")
    get_filename_component(src "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(base "${src}" NAME_WE)
    set(obj "${objdir}/${idx}_${base}.o")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${objdir}"
      COMMAND "${SCHEDC_RV32_CC}" ${SCHEDC_RV32_CFLAGS} ${ARG_FLAGS} ${incflags}
              -MD -MF "${obj}.d" -MT "${obj}" -c "${src}" -o "${obj}"
      DEPENDS "${src}" ${ARG_DEPENDS}
      DEPFILE "${obj}.d"
      COMMENT "RV32 cc ${ARG_NAME}: ${base}"
      VERBATIM COMMAND_EXPAND_LISTS)
    list(APPEND objects "${obj}")
    math(EXPR idx "${idx} + 1")
  endforeach()
  foreach(obj IN LISTS ARG_OBJECTS)
    get_filename_component(obj "${obj}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND objects "${obj}")
  endforeach()

  add_custom_command(
    OUTPUT "${exe}"
    COMMAND "${SCHEDC_RV32_CC}" ${objects} ${SCHEDC_RV32_LDFLAGS} -o "${exe}"
    DEPENDS ${objects} ${ARG_DEPENDS}
    COMMENT "RV32 link ${ARG_NAME}"
    VERBATIM COMMAND_EXPAND_LISTS)
  if(ARG_EXCLUDE_FROM_ALL)
    add_custom_target(${ARG_NAME}_elf DEPENDS "${exe}")
  else()
    add_custom_target(${ARG_NAME}_elf ALL DEPENDS "${exe}")
  endif()
  foreach(dep IN LISTS ARG_DEPENDS)
    if(TARGET "${dep}")
      add_dependencies(${ARG_NAME}_elf "${dep}")
    endif()
  endforeach()
  set(${ARG_NAME}_ELF "${exe}" PARENT_SCOPE)
endfunction()

function(schedc_add_baremetal_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;EXPECT_EXIT" "")
  if(NOT DEFINED ARG_EXPECT_EXIT)
    set(ARG_EXPECT_EXIT 0)
  endif()
  set(args "${ARGN}")
  list(FIND args EXPECT_EXIT at)
  if(at GREATER -1)
    list(REMOVE_AT args ${at})
    list(REMOVE_AT args ${at})
  endif()
  schedc_add_baremetal_image(${args})
  add_test(NAME ${ARG_NAME}
           COMMAND "${SCHEDC_BAREMETAL_BASH}" "${SCHEDC_BAREMETAL_DIR}/run_image.sh"
                   "${SCHEDC_QEMU_SYSTEM_RV32}" "${${ARG_NAME}_ELF}" ${ARG_EXPECT_EXIT})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "riscv;baremetal" TIMEOUT 120)
endfunction()
