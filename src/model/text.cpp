#include "rtreview/text.h"

namespace rtreview {

std::string join_nonempty(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace rtreview
