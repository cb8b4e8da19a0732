// Decimal String (DS) values are read by a fast path for plain decimals and std::from_chars
// for the rest. The truth here is the standard library: every component of a ContourData
// value, trimmed of padding and of one leading '+', is what std::from_chars reads from all
// of it (correctly rounded, bit for bit, the sign of zero included); a component it cannot
// read whole, or reads as not finite, is skipped. The value is forged into a written
// structure set by DCMTK's dcmodify, with thousands of components of every form: plain
// decimals of 1 to 22 digits, exponents of 0 to 6 digits, signs, padding, empty and
// malformed components.
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "rtreview/dicom_io.h"
#include "small_rt_objects.h"
#include "test_support.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

// What a DS component means (PS3.5 6.2: leading and trailing spaces are padding).
std::optional<double> standard_value(std::string text) {
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!text.empty() && text.front() == '+') text.erase(text.begin());
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string digits(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

// A component of a random form; most are plain decimals, the fast path's case.
std::string random_component(std::mt19937_64& rng) {
  const int form = static_cast<int>(rng() % 12);
  std::string sign = rng() % 2 ? "-" : "";
  const int n = 1 + static_cast<int>(rng() % 22);
  const int k = static_cast<int>(rng() % (n + 1));
  const std::string d = digits(rng, n);
  std::string plain = sign + d.substr(0, k) + (k < n ? "." + d.substr(k) : "");
  if (k == 0 && k < n && rng() % 2) plain = sign + "0" + plain.substr(sign.size());
  switch (form) {
    case 0:
      return plain + (rng() % 2 ? "e" : "E") + (rng() % 2 ? "-" : "+") + digits(rng, 1 + rng() % 6);
    case 1:
      return plain + "e" + digits(rng, 1 + rng() % 3);
    case 2:
      return "+" + plain;
    case 3:
      return " " + plain + "  ";
    case 4:
      return rng() % 2 ? "" : "  ";
    case 5:
      return plain + (rng() % 2 ? "x" : ".5");  // not a number as a whole
    case 6:
      return rng() % 2 ? "-0" : "-0.000";
    case 7:
      return sign + "1e" + digits(rng, 3) + "9";  // overflows or underflows
    default:
      return plain;
  }
}

TEST(DicomDecimalStrings, every_component_is_what_from_chars_reads_or_is_skipped) {
  if (test::run_command("dcmodify --version").exit_code != 0)
    GTEST_SKIP() << "dcmodify (dcmtk) not installed";
  std::mt19937_64 rng(20261201);
  std::string value;
  std::vector<double> expected;
  for (int i = 0; i < 4000 || expected.size() % 3 != 0; ++i) {
    const std::string component = i < 4000 ? random_component(rng) : "1.25";
    if (i) value += '\\';
    value += component;
    if (auto v = standard_value(component)) expected.push_back(*v);
  }
  ASSERT_GT(expected.size(), 2000u) << "most components are numbers";

  const fs::path dir = test::make_temp_dir("rtreview-ds");
  StructureSet model = test::make_structure_set();
  model.rois.resize(1);
  model.rois[0].contours.resize(1);
  const fs::path file = dir / "RS.dcm";
  ASSERT_EQ(write_structure_set(model, file).message(), "");
  const auto forged = test::run_command(
      "dcmodify -nb -m '(3006,0039)[0].(3006,0040)[0].(3006,0050)=" + value + "' '" + file.string() + "'");
  ASSERT_EQ(forged.exit_code, 0) << forged.stderr_text;

  Inventory inventory;
  read_file(file, inventory);
  ASSERT_EQ(inventory.structure_sets.size(), 1u);
  ASSERT_EQ(inventory.structure_sets[0]->rois.size(), 1u);
  ASSERT_EQ(inventory.structure_sets[0]->rois[0].contours.size(), 1u);
  const auto& points = inventory.structure_sets[0]->rois[0].contours[0].points_mm;
  ASSERT_EQ(points.size() * 3, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Point3& p = points[i / 3];
    const double got = p[i % 3];
    EXPECT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(expected[i]))
        << "value " << i << ": " << got << " vs " << expected[i];
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace rtreview
