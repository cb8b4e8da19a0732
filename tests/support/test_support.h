// Shared helpers for rtreview tests: where the project, the corpus and the
// pydicom test files are, and a way to run the rtreview binary.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

// Defined in the AddressSanitizer build (GCC or clang), where work runs several times slower
// and memory use is inflated: tests that measure either use bounds of that build's size.
#if defined(__SANITIZE_ADDRESS__)
#define RTREVIEW_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTREVIEW_TEST_ASAN 1
#endif
#endif

namespace rtreview::test {

// The project root (where CMakeLists.txt is).
std::filesystem::path source_dir();

// ../shared/corpus (or $RTREVIEW_CORPUS) if it exists; nullopt otherwise.
std::optional<std::filesystem::path> corpus_dir();

// Debian python3-pydicom's test files folder if installed; nullopt otherwise.
std::optional<std::filesystem::path> pydicom_test_files();

// A fresh empty temporary folder, unique per call.
std::filesystem::path make_temp_dir(const std::string& prefix);

struct CommandResult {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs the built rtreview binary with `args` (already shell-quoted by the caller).
CommandResult run_rtreview(const std::string& args);

// Runs any shell command, capturing stdout and stderr.
CommandResult run_command(const std::string& command);

// coreutils' sha256sum of a file: 64 lowercase hex digits ("" when it fails). A truth for
// the digests rtreview records that does not come from rtreview.
std::string sha256sum(const std::filesystem::path& file);

}  // namespace rtreview::test

// Skips the current test when the corpus is absent.
#define RTREVIEW_REQUIRE_CORPUS(var)                                     \
  auto var##_opt = ::rtreview::test::corpus_dir();                       \
  if (!var##_opt) GTEST_SKIP() << "../shared/corpus not found: skipped"; \
  const std::filesystem::path var = *var##_opt
