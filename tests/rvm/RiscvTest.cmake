# schedc_add_riscv_test(NAME <name> SOURCES <c files...> [INCLUDES <dirs...>]
#                       [DEPENDS <targets/files...>] [FLAGS <extra C flags...>])
#
# Cross-compiles SOURCES plus the RVM emulator (tests/rvm/rvm_emu.c) with
#   riscv64-linux-gnu-gcc -std=c11 -O2 -static -Wall -Werror
# into ${CMAKE_CURRENT_BINARY_DIR}/<name>.riscv (custom target <name>_riscv, in
# ALL) and registers `add_test(NAME <name> COMMAND qemu-riscv64 <binary>)`.
# The test's main() must call rvm_emu_install() (#include "rvm_emu.h"; the
# emulator's folder is on the include path) before the first RVM instruction.
# SOURCES may be generated files: pass the generating target/files in DEPENDS.
# Relative SOURCES/INCLUDES are relative to the calling CMakeLists' folder.
# Header dependencies are tracked with gcc depfiles.
#
# Include this file once from the top level before the test folders that use
# it: include(tests/rvm/RiscvTest.cmake). tests/rvm/CMakeLists.txt includes it
# too (include_guard makes that harmless).
include_guard(GLOBAL)

# The function records the policies in effect here (include() gives this file its
# own policy scope): depfile paths are then handled the same way whatever the
# including project's cmake_minimum_required is.
cmake_policy(SET CMP0116 NEW)

set(SCHEDC_RVM_EMU_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "RVM emulator sources")

find_program(SCHEDC_RISCV_CC riscv64-linux-gnu-gcc)
if(NOT SCHEDC_RISCV_CC)
  message(FATAL_ERROR
    "riscv64-linux-gnu-gcc not found: RISC-V tests need the Debian packages "
    "gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross (scripts/bootstrap.sh installs them)")
endif()
find_program(SCHEDC_QEMU_RISCV64 qemu-riscv64)
if(NOT SCHEDC_QEMU_RISCV64)
  message(FATAL_ERROR
    "qemu-riscv64 not found: RISC-V tests run under QEMU user mode; install the Debian "
    "package qemu-user (scripts/bootstrap.sh installs it)")
endif()

set(SCHEDC_RISCV_CFLAGS -std=c11 -O2 -static -Wall -Werror)

function(schedc_add_riscv_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME" "SOURCES;INCLUDES;DEPENDS;FLAGS")
  if(NOT ARG_NAME)
    message(FATAL_ERROR "schedc_add_riscv_test: NAME is required")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "schedc_add_riscv_test(${ARG_NAME}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "schedc_add_riscv_test(${ARG_NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  set(incflags "-I${SCHEDC_RVM_EMU_DIR}")
  foreach(dir IN LISTS ARG_INCLUDES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND incflags "-I${dir}")
  endforeach()

  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.riscv.dir")
  set(exe "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.riscv")
  set(objects "")
  set(idx 0)
  foreach(src IN LISTS ARG_SOURCES ITEMS "${SCHEDC_RVM_EMU_DIR}/rvm_emu.c")
    get_filename_component(src "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(base "${src}" NAME_WE)
    set(obj "${objdir}/${idx}_${base}.o")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${objdir}"
      COMMAND "${SCHEDC_RISCV_CC}" ${SCHEDC_RISCV_CFLAGS} ${ARG_FLAGS} ${incflags}
              -MD -MF "${obj}.d" -MT "${obj}" -c "${src}" -o "${obj}"
      DEPENDS "${src}" ${ARG_DEPENDS}
      DEPFILE "${obj}.d"
      COMMENT "RISC-V cc ${ARG_NAME}: ${base}.c"
      VERBATIM COMMAND_EXPAND_LISTS)
    list(APPEND objects "${obj}")
    math(EXPR idx "${idx} + 1")
  endforeach()

  add_custom_command(
    OUTPUT "${exe}"
    COMMAND "${SCHEDC_RISCV_CC}" ${SCHEDC_RISCV_CFLAGS} ${ARG_FLAGS} ${objects} -o "${exe}"
    DEPENDS ${objects}
    COMMENT "RISC-V link ${ARG_NAME}"
    VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(${ARG_NAME}_riscv ALL DEPENDS "${exe}")
  if(ARG_DEPENDS)
    foreach(dep IN LISTS ARG_DEPENDS)
      if(TARGET "${dep}")
        add_dependencies(${ARG_NAME}_riscv "${dep}")
      endif()
    endforeach()
  endif()
  add_test(NAME ${ARG_NAME} COMMAND "${SCHEDC_QEMU_RISCV64}" "${exe}")
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "riscv" TIMEOUT 120)
endfunction()
