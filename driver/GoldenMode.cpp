#include "driver/GoldenMode.h"

#include "backend/CBackend.h"
#include "driver/OutputFiles.h"
#include "support/TextDiff.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace schedc::driver {

int runGoldenMode(const GoldenOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) {
    std::cerr << "schedc: error: --verify-golden: '" << options.dir << "' is not a directory\n";
    return 1;
  }
  std::vector<fs::path> kernels;
  for (const fs::directory_entry& entry : fs::directory_iterator(options.dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".sched")
      kernels.push_back(entry.path());
  std::sort(kernels.begin(), kernels.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  if (kernels.empty()) {
    std::cerr << "schedc: error: --verify-golden: no .sched file in '" << options.dir << "'\n";
    return 1;
  }

  int same = 0, changed = 0, missing = 0, refused = 0;
  OutputFiles updates;
  for (const fs::path& kernel : kernels) {
    std::string name = kernel.stem().string();
    COutput c;
    try {
      CompiledModule compiled = compileFile(kernel.string(), options.pipeline);
      if (options.reportWarnings(compiled.warnings) > 0) {
        ++refused;
        continue;
      }
      CEmitOptions emit;
      emit.headerFileName = name + ".h";
      c = emitC(compiled.module, compiled.emitted, emit);
    } catch (const CompileError& e) {
      options.reportError(e);
      ++refused;
      continue;
    }
    for (auto [ext, now] : {std::pair{".c", &c.source}, std::pair{".h", &c.header}}) {
      std::string path = (kernel.parent_path() / (name + ext)).string();
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        ++missing;
        if (options.update) {
          updates.add(path, *now);
          std::cout << "created " << path << "\n";
        } else
          std::cout << path << ": no golden file (create it with --update-golden)\n";
        continue;
      }
      std::ostringstream golden;
      golden << in.rdbuf();
      if (golden.str() == *now) {
        ++same;
        continue;
      }
      ++changed;
      if (options.update) {
        updates.add(path, *now);
        std::cout << "updated " << path << "\n";
        continue;
      }
      std::string diff = unifiedDiff(golden.str(), *now, path + " (golden)", path + " (now)");
      if (diff.empty()) // the lines agree: only the end of the file differs
        diff = "--- " + path + " (golden)\n+++ " + path +
               " (now)\n(the files differ only in their final newline)\n";
      std::cout << diff;
    }
  }
  if (options.update)
    updates.commit();

  std::cout << (options.update ? "update-golden: " : "verify-golden: ") << kernels.size()
            << " kernel" << (kernels.size() == 1 ? "" : "s") << " in " << options.dir << ": "
            << same << " file" << (same == 1 ? "" : "s") << " unchanged, " << changed
            << (options.update ? " updated, " : " changed, ") << missing
            << (options.update ? " created, " : " missing, ") << refused << " refused\n";
  if (refused > 0)
    return 1;
  return !options.update && (changed > 0 || missing > 0) ? 1 : 0;
}

} // namespace schedc::driver
