#include "rtreview/text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

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

namespace rtreview {

namespace {

// "-0", "-0.00": a sign rounded away only confuses readers and diffs.
std::string without_negative_zero(std::string text) {
  if (!text.empty() && text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  return without_negative_zero(fmt::format("{:.{}f}", value, decimals));
}

std::string format_trimmed(double value, int decimals) {
  std::string text = format_fixed(value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return without_negative_zero(text);
}

std::string format_significant(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  return without_negative_zero(fmt::format("{:.{}g}", value, digits));
}

double round_decimals(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  return rounded == 0 ? 0.0 : rounded;  // no -0
}

double round_significant(double value, int digits) {
  if (!std::isfinite(value) || value == 0.0) return value == 0.0 ? 0.0 : value;
  double rounded = value;
  const std::string text = fmt::format("{:.{}g}", value, digits);
  std::from_chars(text.data(), text.data() + text.size(), rounded);
  return rounded;
}

}  // namespace rtreview
