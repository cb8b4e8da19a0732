#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace rtreview::test {

fs::path source_dir() {
  if (const char* env = std::getenv("RTREVIEW_SOURCE_DIR"); env && *env) return env;
  return RTREVIEW_SOURCE_DIR;
}

std::optional<fs::path> corpus_dir() {
  fs::path candidate;
  if (const char* env = std::getenv("RTREVIEW_CORPUS"); env && *env)
    candidate = env;
  else
    candidate = source_dir() / ".." / "shared" / "corpus";
  std::error_code ec;
  if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec);
  return std::nullopt;
}

std::optional<fs::path> pydicom_test_files() {
  fs::path p = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
  std::error_code ec;
  if (fs::exists(p / "rtplan.dcm", ec)) return p;
  return std::nullopt;
}

fs::path make_temp_dir(const std::string& prefix) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

static std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::string& command) {
  fs::path dir = make_temp_dir("rtreview-cmd");
  std::string full = command + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.stdout_text = slurp(dir / "out");
  result.stderr_text = slurp(dir / "err");
  fs::remove_all(dir);
  return result;
}

CommandResult run_rtreview(const std::string& args) {
  return run_command(std::string("'") + RTREVIEW_BINARY + "' " + args);
}

std::string sha256sum(const fs::path& file) {
  const CommandResult sum = run_command("sha256sum '" + file.string() + "'");
  return sum.exit_code == 0 && sum.stdout_text.size() >= 64 ? sum.stdout_text.substr(0, 64) : "";
}

}  // namespace rtreview::test
