# schedc_add_kernel: compile a .sched kernel with schedc at build time.
#
#   find_package(schedc 0.1 REQUIRED CONFIG)   # gives schedc::schedc and this function
#   add_executable(firmware main.c)            # built with an rv32imc toolchain file
#   schedc_add_kernel(firmware SOURCE kernels/conv1d.sched)         # C + header
#   schedc_add_kernel(firmware SOURCE kernels/scale.sched OBJECT    # object + header
#                     TARGET_TRIPLE riscv32-unknown-elf MARCH rv32imc MABI ilp32 OPT_LEVEL 2)
#
# (tests/install/consumer is a complete project using it, for the host and as rv32 firmware.)
#
#   schedc_add_kernel(<target> SOURCE <file.sched>
#                     [OBJECT] [TARGET_TRIPLE <triple>] [MARCH <arch>] [MABI <abi>]
#                     [OPT_LEVEL <0|1|2|3>]
#                     [INCLUDE_DIRS <dir>...] [PROCS <proc>...] [FLAGS <flag>...]
#                     [OUTPUT_NAME <base>])
#
# SOURCE        The kernel. A relative path is relative to the calling directory's
#               CMAKE_CURRENT_SOURCE_DIR.
# OUTPUT_NAME   Base name of the outputs (default: SOURCE's name without .sched).
#               The outputs go to ${CMAKE_CURRENT_BINARY_DIR}/schedc_kernels/<target>/:
#               <base>.c and <base>.h by default (`schedc SOURCE -o <base>.c --header <base>.h`);
#               <base>.o and <base>.h with OBJECT (`schedc SOURCE -c -o <base>.o --header
#               <base>.h`, through schedc's LLVM backend).
# OBJECT        Compile to an object file instead of C. TARGET_TRIPLE (`--target`), MARCH
#               (`-march=`), MABI (`-mabi=`) and OPT_LEVEL (`-O<n>`) are passed to schedc and
#               are only accepted with OBJECT (the C path is compiled by the target's own C
#               compiler, with its own flags). schedc's defaults: x86_64-linux-gnu, -O2.
# INCLUDE_DIRS  Import directories (`-I`); relative ones are relative to
#               CMAKE_CURRENT_SOURCE_DIR. The stdlib is always found.
# PROCS         Emit only these procs (`--proc`).
# FLAGS         Any other schedc options, passed as given (e.g. -Werror, -Wno-FLAG).
#
# What it does to <target>:
# - adds the generated .c (or the .o, as an external object) and the .h to its sources;
# - puts the output folder on its include path, PUBLIC, so `#include "<base>.h"` works in
#   the target and in everything that links it: the header is the kernel's API, and the
#   usual layout is a small library of kernels linked by the firmware/application, whose
#   sources include the header (PRIVATE would leave them to find a build folder by hand).
#   The folder is wrapped in $<BUILD_INTERFACE:...>, so the target can still be exported;
# - compiles the generated C with -fwrapv (GCC, Clang): schedc's integers wrap around
#   (int32 arithmetic modulo 2^32, as in the language and in the -c objects), which plain
#   C leaves undefined for signed overflow. Only the generated .c gets the flag.
#
# Dependencies: the rule depends on SOURCE and on the schedc executable, and schedc writes
# a Make-style depfile (`-MD -MF <base>.d`) naming every .sched it read (imports, stdlib
# files); it is given to add_custom_command(DEPFILE) with policy CMP0116 NEW, so touching
# an imported .sched regenerates exactly the kernels that import it (Ninja and Makefile
# generators; CMake >= 3.20). A failing compile leaves no output behind (schedc writes
# its outputs atomically and removes stale ones), so the next build retries it.
#
# Limitation: call it in the directory (CMakeLists.txt) that creates <target>; a custom
# command's outputs only get a build rule in targets of the same directory.
#
# Cross-compiling (a firmware toolchain file): schedc is a host tool. The package's version
# file is architecture-independent, so a 32-bit target build accepts the 64-bit host
# schedc; with CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY, give the package as
# -Dschedc_DIR=<prefix>/lib/cmake/schedc rather than through CMAKE_PREFIX_PATH.

include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "schedc_add_kernel needs CMake 3.20 or newer (add_custom_command DEPFILE "
                      "with Makefile generators, policy CMP0116); this is ${CMAKE_VERSION}")
endif()

# Policies are recorded when a function is defined and apply to the commands it runs.
cmake_policy(PUSH)
# CMP0116 NEW: the depfile's paths are taken relative to the current binary dir and rewritten
# for Ninja, the same for every generator (OLD passes them to Ninja untouched).
cmake_policy(SET CMP0116 NEW)

function(schedc_add_kernel target)
  set(options OBJECT)
  set(one_value SOURCE TARGET_TRIPLE MARCH MABI OPT_LEVEL OUTPUT_NAME)
  set(multi_value INCLUDE_DIRS PROCS FLAGS)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")

  set(where "schedc_add_kernel(${target})")
  if(arg_UNPARSED_ARGUMENTS)
    list(JOIN arg_UNPARSED_ARGUMENTS " " unknown)
    message(FATAL_ERROR "${where}: unknown arguments: ${unknown}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "${where}: no target named '${target}' (create it first)")
  endif()
  if(NOT TARGET schedc::schedc)
    message(FATAL_ERROR "${where}: no schedc::schedc target; use find_package(schedc)")
  endif()
  if(NOT arg_SOURCE)
    message(FATAL_ERROR "${where}: SOURCE <file.sched> is required")
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY" OR type STREQUAL "UTILITY")
    message(FATAL_ERROR "${where}: ${target} is a ${type}, which compiles nothing; use an "
                        "executable or a STATIC/SHARED/OBJECT library")
  endif()
  get_target_property(target_dir ${target} SOURCE_DIR)
  if(NOT target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    message(FATAL_ERROR "${where}: call it in the directory that creates the target "
                        "(${target_dir}), not in ${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  if(NOT arg_OBJECT)
    foreach(option TARGET_TRIPLE MARCH MABI OPT_LEVEL)
      if(DEFINED arg_${option})
        message(FATAL_ERROR "${where}: ${option} only applies with OBJECT (the C output is "
                            "compiled with the target's C compiler and flags)")
      endif()
    endforeach()
  endif()
  if(DEFINED arg_OPT_LEVEL AND NOT arg_OPT_LEVEL MATCHES "^[0-3]$")
    message(FATAL_ERROR "${where}: OPT_LEVEL must be 0, 1, 2 or 3, not '${arg_OPT_LEVEL}'")
  endif()

  get_filename_component(source "${arg_SOURCE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "${where}: SOURCE ${source} does not exist")
  endif()
  if(arg_OUTPUT_NAME)
    set(base "${arg_OUTPUT_NAME}")
  else()
    get_filename_component(base "${source}" NAME_WE)
  endif()

  # One folder per target: two targets may compile the same kernel differently.
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/schedc_kernels/${target}")
  if(arg_OBJECT)
    set(out "${out_dir}/${base}.o")
  else()
    set(out "${out_dir}/${base}.c")
  endif()
  set(header "${out_dir}/${base}.h")
  set(depfile "${out_dir}/${base}.d")
  # Two kernels of one target must not write the same files.
  get_property(claimed GLOBAL PROPERTY _SCHEDC_KERNEL_OUTPUTS)
  if(header IN_LIST claimed)
    message(FATAL_ERROR "${where}: ${base}.h is already generated for this target; "
                        "give this kernel another OUTPUT_NAME")
  endif()
  set_property(GLOBAL APPEND PROPERTY _SCHEDC_KERNEL_OUTPUTS "${header}")

  set(command_line "${source}")
  if(arg_OBJECT)
    list(APPEND command_line -c)
    if(arg_TARGET_TRIPLE)
      list(APPEND command_line --target "${arg_TARGET_TRIPLE}")
    endif()
    if(arg_MARCH)
      list(APPEND command_line "-march=${arg_MARCH}")
    endif()
    if(arg_MABI)
      list(APPEND command_line "-mabi=${arg_MABI}")
    endif()
    if(DEFINED arg_OPT_LEVEL)
      list(APPEND command_line "-O${arg_OPT_LEVEL}")
    endif()
  endif()
  foreach(dir IN LISTS arg_INCLUDE_DIRS)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND command_line -I "${dir}")
  endforeach()
  foreach(proc IN LISTS arg_PROCS)
    list(APPEND command_line --proc "${proc}")
  endforeach()
  list(APPEND command_line ${arg_FLAGS})
  list(APPEND command_line -o "${out}" --header "${header}" -MD -MF "${depfile}")

  file(RELATIVE_PATH shown "${CMAKE_BINARY_DIR}" "${out}")
  add_custom_command(
    OUTPUT "${out}" "${header}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${out_dir}"
    COMMAND schedc::schedc ${command_line}
    DEPENDS "${source}" schedc::schedc
    DEPFILE "${depfile}"
    COMMENT "schedc ${shown}"
    VERBATIM COMMAND_EXPAND_LISTS)

  if(arg_OBJECT)
    # An object that no compiler of the target produces: linked as is.
    set_source_files_properties("${out}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  else()
    set_source_files_properties(
      "${out}" PROPERTIES
      COMPILE_OPTIONS "$<$<C_COMPILER_ID:GNU,Clang,AppleClang,IntelLLVM>:-fwrapv>")
  endif()
  target_sources(${target} PRIVATE "${out}" "${header}")
  target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${out_dir}>")
endfunction()

cmake_policy(POP)
