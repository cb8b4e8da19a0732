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

namespace rtreview {

// Numbers as text: the one formatter every output uses (fmt; locale-independent, so the
// same value gives the same bytes everywhere). Non-finite values print "n/a"; a value that
// rounds to zero never prints a sign ("-0.00" → "0.00").
std::string format_fixed(double value, int decimals);      // "2.50"
std::string format_trimmed(double value, int decimals);    // "2.5" (trailing zeros removed)
std::string format_significant(double value, int digits);  // "0.000123", "1.5e+07" (printf %g)

// Numbers for JSON, rounded so the shortest round-trip print is stable across platforms:
// derived measurements to `decimals` decimals, values read from files to `digits`
// significant digits. Non-finite values are returned unchanged (JSON writers print null).
double round_decimals(double value, int decimals);
double round_significant(double value, int digits);
// The two JSON precisions every command uses: measurements rtreview derived (doses in Gy,
// volumes in cc, distances in mm) and values as stored in the DICOM files.
inline constexpr int json_measurement_decimals = 6;
inline constexpr int json_stored_digits = 9;

}  // namespace rtreview
