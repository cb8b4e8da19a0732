// `rtreview inspect` end to end: text, JSON, exit codes, determinism.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

using rtreview::test::run_rtreview;

namespace {

// (Appends rather than "'" + s + "'": GCC 12 -O2 reports a false -Wrestrict on that.)
std::string quoted(const std::filesystem::path& p) {
  std::string out(1, '\'');
  out.append(p.string());
  out.push_back('\'');
  return out;
}

#define REQUIRE_PYDICOM(var)                                                           \
  auto var##_opt = rtreview::test::pydicom_test_files();                               \
  if (!var##_opt) GTEST_SKIP() << "python3-pydicom test files not installed: skipped"; \
  const std::filesystem::path var = *var##_opt

}  // namespace

TEST(inspect, text_summary_of_pydicom_plan_struct_and_dose) {
  REQUIRE_PYDICOM(dir);
  auto r = run_rtreview("inspect " + quoted(dir / "rtplan.dcm") + " " + quoted(dir / "rtstruct.dcm") + " " +
                        quoted(dir / "rtdose.dcm") + " " + quoted(dir / "rtplan_truncated.dcm"));
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_NE(r.stdout_text.find("2 control points, 116.004 MU"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("30 fractions"), std::string::npos);
  EXPECT_NE(r.stdout_text.find("3 ROIs"), std::string::npos);
  EXPECT_NE(r.stdout_text.find("10x10x15, spacing 10 x 10 mm"), std::string::npos);
  // One clear error naming the truncated file, on stderr and in the listing.
  EXPECT_NE(r.stderr_text.find("rtplan_truncated.dcm: truncated"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stdout_text.find("unreadable files:"), std::string::npos);
}

TEST(inspect, json_is_valid_and_deterministic) {
  REQUIRE_PYDICOM(dir);
  std::string args = "inspect --json";
  for (const char* name : {"rtplan.dcm", "rtstruct.dcm", "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb.dcm",
                           "rtdose_expb_1frame.dcm", "rtdose_rle.dcm", "rtdose_rle_1frame.dcm"})
    args.append(" ").append(quoted(dir / name));
  auto first = run_rtreview(args);
  auto second = run_rtreview(args);
  ASSERT_EQ(first.exit_code, 0) << first.stderr_text;
  EXPECT_EQ(first.stdout_text, second.stdout_text);
  auto doc = nlohmann::json::parse(first.stdout_text);
  EXPECT_EQ(doc["schema"], "rtreview.inspect/1");
  EXPECT_EQ(doc["counts"]["plans"], 1);
  EXPECT_EQ(doc["counts"]["doses"], 6);
  EXPECT_EQ(doc["counts"]["structure_sets"], 1);
  bool found_plan = false;
  for (const auto& set : doc["plan_sets"]) {
    if (set["plan"].is_null()) continue;
    found_plan = true;
    const auto& beam = set["plan"]["beams"][0];
    EXPECT_EQ(beam["control_point_count"], 2);
    EXPECT_NEAR(beam["meterset"].get<double>(), 116.0, 0.5);
    EXPECT_EQ(set["plan"]["fraction_groups"][0]["fractions_planned"], 30);
  }
  EXPECT_TRUE(found_plan);
  // No voxel arrays or contour points in the document.
  EXPECT_EQ(first.stdout_text.find("\"dose\":"), std::string::npos);
  EXPECT_EQ(first.stdout_text.find("points_mm"), std::string::npos);
}

TEST(inspect, exit_3_when_nothing_rt_is_readable) {
  const auto dir = rtreview::test::make_temp_dir("rtreview-inspect");
  std::ofstream(dir / "notes.txt") << "not dicom\n";
  auto r = run_rtreview("inspect " + quoted(dir));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.stderr_text.find("notes.txt"), std::string::npos);
  auto missing = run_rtreview("inspect " + quoted(dir / "does_not_exist.dcm"));
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.stderr_text.find("no such file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(inspect, exit_2_on_usage_error) {
  EXPECT_EQ(run_rtreview("inspect").exit_code, 2);
  EXPECT_EQ(run_rtreview("inspect --no-such-option x").exit_code, 2);
}

// The inputs' SHA-256 (libcrypto, opened at the first hash: src/dicom/sha256.h) is coreutils'
// sha256sum of each file, for a plan, a structure set and a dose.
TEST(inspect, json_sha256_is_sha256sum_of_each_input) {
  const std::filesystem::path dir = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field";
  auto r = run_rtreview("inspect --json " + quoted(dir));
  ASSERT_NE(r.stdout_text.find("\"schema\""), std::string::npos) << r.stderr_text;
  auto doc = nlohmann::json::parse(r.stdout_text);
  std::vector<nlohmann::json> sources;
  for (const auto& set : doc["plan_sets"]) {
    if (!set["plan"].is_null()) sources.push_back(set["plan"]["info"]["source"]);
    if (!set["structure_set"].is_null()) sources.push_back(set["structure_set"]["info"]["source"]);
    for (const auto& dose : set["doses"]) sources.push_back(dose["info"]["source"]);
  }
  ASSERT_EQ(sources.size(), 3u) << r.stdout_text;
  for (const auto& source : sources) {
    const std::filesystem::path path = source["path"].get<std::string>();
    const std::string sum = rtreview::test::sha256sum(path);
    ASSERT_EQ(sum.size(), 64u) << path;
    EXPECT_EQ(source["sha256"], sum) << path;
  }
}
