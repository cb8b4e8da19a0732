// Which sources a program was built from (cmake/source_id.cmake writes the definition).
#pragma once

#include <string>

namespace rtreview::cli {

// 16 hex digits of a SHA-256 over the sources of src/, include/, cli/ and the build files:
// the same for every build of the same sources, different after any change.
const char* source_id();

// What `--version` prints, in both programs: "rtreview 0.1.0 (sources 0123456789abcdef)".
inline std::string version_line() {
  return std::string("rtreview ") + RTREVIEW_VERSION + " (sources " + source_id() + ")";
}

}  // namespace rtreview::cli
