// Atomic outputs: every file a compile writes (-o, --header, the depfile)
// is held in memory until the whole compile has succeeded, then written to a
// temporary file in the same folder and renamed over the final path. When
// anything fails, the files at those paths are removed (as GCC removes its -o
// file after an error), so a build never sees a stale or half-written output.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace schedc::driver {

struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputFiles {
public:
  // `path` will receive `bytes`; "-" means standard output.
  void add(const std::string& path, std::string bytes) {
    pending_.push_back({path, std::move(bytes)});
  }

  // Writes every pending output: temporary files first, then one rename
  // each. On failure nothing is left at any of the paths, and no temporary
  // file is left either; throws OutputError naming the path.
  void commit();

  // Removes the regular files at `paths` (a failed compile's -o, --header
  // and depfile). Devices such as /dev/null and "-" are left alone.
  static void removeStale(const std::vector<std::string>& paths);

private:
  struct Pending {
    std::string path;
    std::string bytes;
  };
  std::vector<Pending> pending_;
};

} // namespace schedc::driver
