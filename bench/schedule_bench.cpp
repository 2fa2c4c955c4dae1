// Schedule-application time for a 60-directive schedule.
//
// Prints the median over repeated runs of compiling a program with the
// schedule, next to a reference measured in the same run: the same program
// without its schedule (parse, lowering, bounds proofs). The difference is
// what the 60 directives cost (legality proofs, rewrites, cursor lookups,
// the bounds re-proof of every result).
#include "passes/Pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace schedc;

namespace {

constexpr int kLoops = 20;   // independent loops in the proc
constexpr int kRepeats = 15; // timed runs of each variant

// 20 loops, each scheduled with divide_loop, unroll_loop of the inner loop
// and simplify: 60 directives.
std::string program(bool withSchedule) {
  std::string text = "proc kernel(";
  for (int k = 0; k < kLoops; ++k)
    text += (k ? ", " : "") + std::string("x") + std::to_string(k) + ": f32[64]";
  text += "):\n";
  for (int k = 0; k < kLoops; ++k) {
    std::string i = "i" + std::to_string(k), x = "x" + std::to_string(k);
    text += "    for " + i + " in seq(0, 64):\n        " + x + "[" + i + "] = " + x + "[" + i +
            "] * 2.0 + 1.0\n";
  }
  if (!withSchedule)
    return text;
  text += "\nschedule kernel_scheduled from kernel:\n";
  for (int k = 0; k < kLoops; ++k) {
    std::string n = std::to_string(k);
    text += "    divide_loop(\"for i" + n + " in _:_\", 4, [\"o" + n + "\", \"n" + n +
            "\"], perfect=True)\n";
    text += "    unroll_loop(\"n" + n + "\")\n";
    text += "    simplify()\n";
  }
  return text;
}

double medianMs(const std::string& text) {
  PipelineOptions options;
  options.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  std::vector<double> times;
  for (int r = 0; r < kRepeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    CompiledModule m = compileString(text, "bench.sched", options);
    auto stop = std::chrono::steady_clock::now();
    if (m.emitted.empty())
      std::abort();
    times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

} // namespace

int main() {
  try {
    double reference = medianMs(program(false));
    double scheduled = medianMs(program(true));
    int directives = 3 * kLoops;
    std::printf("reference (same proc, no schedule): median %.2f ms over %d runs\n", reference,
                kRepeats);
    std::printf("with a %d-directive schedule:        median %.2f ms over %d runs\n", directives,
                scheduled, kRepeats);
    std::printf("schedule application: %.2f ms (%.3f ms per directive)\n", scheduled - reference,
                (scheduled - reference) / directives);
    std::printf("ratio scheduled/reference: %.2f\n", scheduled / reference);
  } catch (const CompileError& e) {
    std::fprintf(stderr, "%s", e.format().c_str());
    return 1;
  }
  return 0;
}
