// libFuzzer harness: the web front door's upload archive extractor (src/serve,
// extract_archive) on arbitrary bytes, into a private folder with small limits. Besides
// crashes, it aborts when the extractor breaks its promises: every file it leaves is a
// regular file directly in the destination folder (flat, nothing outside it, no link), and
// the counts stay within the limits it was given.
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "serve/uploads.h"

namespace fs = std::filesystem;

namespace {

const fs::path& root() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "rtreview-fuzz-archive-XXXXXX").string();
    const char* made = ::mkdtemp(pattern.data());
    if (!made) std::abort();  // no temp folder: the harness cannot start
    return fs::path(made);
  }();
  return dir;
}

void remove_root() {
  std::error_code ec;
  fs::remove_all(root(), ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)root();
  std::atexit(remove_root);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview::serve;
  const fs::path dest = root() / "files";
  std::error_code ec;
  fs::create_directories(dest, ec);
  UploadLimits limits;
  limits.max_files = 16;
  limits.max_expanded_bytes = 1u << 20;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  const std::string archive(reinterpret_cast<const char*>(data), size);
  (void)extract_archive(archive, dest, limits, files, bytes);

  // Promises: nothing beside the destination folder, flat regular files only, within the
  // limits (a refusal stops before it writes the entry or the chunk that passes one).
  std::uintmax_t on_disk = 0;
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(root()))
    if (entry.path() != dest) std::abort();
  for (const auto& entry : fs::directory_iterator(dest)) {
    if (entry.is_symlink() || !entry.is_regular_file()) std::abort();
    on_disk += entry.file_size();
    ++count;
  }
  if (count > limits.max_files || on_disk > limits.max_expanded_bytes) std::abort();
  fs::remove_all(dest, ec);
  return 0;
}
