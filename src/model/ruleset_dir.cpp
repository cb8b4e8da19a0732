#include "rtreview/ruleset_dir.h"

#include <cstdlib>
#include <system_error>

#ifndef RTREVIEW_DEFAULT_RULESET_DIR
#define RTREVIEW_DEFAULT_RULESET_DIR "rulesets"
#endif

namespace rtreview {

std::filesystem::path executable_dir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

std::filesystem::path default_ruleset_dir() {
  if (const char* env = std::getenv("RTREVIEW_RULESET_DIR"); env && *env) return env;
  if (std::filesystem::path exe_dir = executable_dir(); !exe_dir.empty()) {
    std::error_code ec;
    for (const auto& candidate :
         {exe_dir / ".." / "share" / "rtreview" / "rulesets", exe_dir / ".." / "rulesets"})
      if (std::filesystem::is_regular_file(candidate / structure_vocabulary_file, ec))
        return candidate.lexically_normal();
  }
  return RTREVIEW_DEFAULT_RULESET_DIR;
}

std::filesystem::path ruleset_dir_or_default(const std::filesystem::path& explicit_dir) {
  return explicit_dir.empty() ? default_ruleset_dir() : explicit_dir;
}

}  // namespace rtreview
