#include "rtreview/result.h"

namespace rtreview {

std::string Result::message() const {
  if (ok) return {};
  if (file.empty()) return "error: " + description;
  if (line > 0) return file + ":" + std::to_string(line) + ": error: " + description;
  return file + ": error: " + description;
}

}  // namespace rtreview
