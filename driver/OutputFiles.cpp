#include "driver/OutputFiles.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace schedc::driver {

namespace {

// The temporary files being written, for a signal handler to remove when
// schedc is interrupted (make's Ctrl-C) before it renames them: plain
// arrays, as a handler can only call unlink().
class TemporaryFiles {
public:
  static constexpr int capacity = 16;

  static void add(const std::string& name) {
    install();
    for (Slot& slot : slots())
      if (slot.name[0] == '\0' && name.size() < sizeof slot.name) {
        std::memcpy(slot.name, name.c_str(), name.size() + 1);
        return;
      }
  }
  static void remove(const std::string& name) {
    for (Slot& slot : slots())
      if (name == slot.name)
        slot.name[0] = '\0';
  }

private:
  struct Slot {
    char name[4096];
  };
  static std::array<Slot, capacity>& slots() {
    static std::array<Slot, capacity> table{};
    return table;
  }
  static void onSignal(int signal) {
    for (const Slot& slot : slots())
      if (slot.name[0] != '\0')
        ::unlink(slot.name);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
  static void install() {
    static bool installed = false;
    if (installed)
      return;
    installed = true;
    slots(); // the table exists before any handler can run
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
      if (std::signal(signal, onSignal) == SIG_IGN)
        std::signal(signal, SIG_IGN); // keep what the parent ignored (nohup)
  }
};

// A symlink is followed: the file it names is replaced, not the link.
std::string finalPath(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_symlink(path, ec)) {
    std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ec);
    if (!ec)
      return resolved.string();
  }
  return path;
}

// Only a missing path or a regular file is replaced by renaming.
bool replaceable(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  return !std::filesystem::exists(status) || std::filesystem::is_regular_file(status);
}

mode_t creationMode() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

std::string writeAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return std::strerror(errno);
    }
    done += static_cast<size_t>(n);
  }
  return "";
}

// Creates "DIR/.NAME.XXXXXX" next to the final file and fills it.
std::string writeTemporary(const std::string& path, const std::string& bytes, std::string& temp) {
  std::filesystem::path target = finalPath(path);
  std::filesystem::path dir = target.parent_path();
  std::string pattern = (dir / ("." + target.filename().string() + ".schedc-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0)
    return std::strerror(errno);
  temp = name.data();
  TemporaryFiles::add(temp);
  std::string error = writeAll(fd, bytes);
  if (error.empty() && ::fchmod(fd, creationMode()) != 0)
    error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty())
    error = std::strerror(errno);
  return error;
}

std::string writeDirect(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f)
    return std::strerror(errno);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fclose(f) == 0 && ok;
  return ok ? "" : std::strerror(errno);
}

} // namespace

void OutputFiles::commit() {
  std::vector<std::string> temps;
  auto abandon = [&](const std::string& message) {
    for (const std::string& t : temps)
      if (!t.empty()) {
        ::unlink(t.c_str());
        TemporaryFiles::remove(t);
      }
    std::vector<std::string> paths;
    for (const Pending& p : pending_)
      paths.push_back(p.path);
    removeStale(paths);
    throw OutputError(message);
  };
  for (const Pending& p : pending_) {
    if (p.path == "-" || !replaceable(p.path)) {
      temps.emplace_back(); // written in place below (stdout, /dev/null, a fifo...)
      continue;
    }
    std::string temp;
    std::string error = writeTemporary(p.path, p.bytes, temp);
    temps.push_back(temp);
    if (!error.empty())
      abandon("cannot write '" + p.path + "': " + error);
  }
  for (size_t i = 0; i < pending_.size(); ++i) {
    const Pending& p = pending_[i];
    if (p.path == "-") {
      std::cout << p.bytes << std::flush;
      if (!std::cout)
        abandon("cannot write to standard output");
    } else if (temps[i].empty()) {
      std::string error = writeDirect(p.path, p.bytes);
      if (!error.empty())
        abandon("cannot write '" + p.path + "': " + error);
    } else {
      if (::rename(temps[i].c_str(), finalPath(p.path).c_str()) != 0)
        abandon("cannot write '" + p.path + "': " + std::strerror(errno));
      TemporaryFiles::remove(temps[i]);
      temps[i].clear();
    }
  }
  pending_.clear();
}

void OutputFiles::removeStale(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (path.empty() || path == "-")
      continue;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec))
      std::filesystem::remove(path, ec);
  }
}

} // namespace schedc::driver
