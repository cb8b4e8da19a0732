// Joining items into one line of text: the one implementation every module uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtreview {

// The items separated by `separator` ("a, b, c"); any range of strings (vector, set, ...).
template <class Range>
std::string join(const Range& items, std::string_view separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += item;
    first = false;
  }
  return out;
}

// The same, leaving out empty items.
std::string join_nonempty(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace rtreview
