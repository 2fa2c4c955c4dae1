// Test support: compile .sched text in-process, and run a scheduled proc
// against the proc it was derived from on random inputs.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace schedc::testing {

// Compiles `source` (procs, schedules; stdlib imports allowed), emits C for
// procs `scheduled` and `reference`, generates a C driver that fills every
// data argument with random values (ints in [-20, 20], floats in [-1, 1];
// size arguments from `sizes`, defaulting to 8), runs both procs on copies of
// the same inputs `trials` times, and compares every buffer afterwards (ints
// exactly; floats with a relative tolerance of 1e-4). Compiled with the host
// C compiler; a proc using RVM instrs is cross-compiled and run under
// qemu-riscv64 with the RVM emulator.
::testing::AssertionResult runsLike(const std::string& source, const std::string& scheduled,
                                    const std::string& reference,
                                    const std::map<std::string, int64_t>& sizes = {},
                                    int trials = 5);

// The proc `name` after compiling `source`, printed in source syntax, or the
// formatted CompileError (first line `file:line:col: error: ...`) if refused.
std::string printedProc(const std::string& source, const std::string& name);

// The formatted CompileError of compiling `source`, or "no error".
std::string errorOf(const std::string& source);

// Source file name used for `source` texts above (appears in errors).
inline constexpr const char* kTestFile = "test.sched";

} // namespace schedc::testing
