// rtreview evaluate end to end: generated sample plan sets + case-file fixtures.
#include <gtest/gtest.h>

// GCC 12 reports a false -Wrestrict on "literal" + std::string at -O2 (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "rtreview/samples.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using rtreview::test::run_rtreview;

// The sample sets, written once per test run (dicom_samples/ is not required).
const fs::path& samples_dir() {
  static const fs::path dir = [] {
    fs::path d = rtreview::test::make_temp_dir("evaluate_e2e");
    for (const auto& set : rtreview::samples::make_sample_sets()) {
      std::vector<fs::path> written;
      const rtreview::Result result = rtreview::samples::write_sample_set(set, d, written);
      if (!result) ADD_FAILURE() << result.message();
    }
    return d;
  }();
  return dir;
}

std::string fixture(const std::string& name) {
  return "'" + (rtreview::test::source_dir() / "tests/unit/policy_fixtures" / name).string() + "'";
}

std::string set(const std::string& name) { return "'" + (samples_dir() / name).string() + "'"; }

TEST(evaluate_e2e, imrt_plan_meets_the_florida_lcd_with_tree) {
  auto r = run_rtreview("evaluate " + set("hn_imrt_7field") + " --case " + fixture("lcd-fl-meets.xml") +
                        " --policy LCD-IMRT-FL");
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  EXPECT_NE(r.stdout_text.find("determination: MEETS"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("Conditions.4"), std::string::npos);
  EXPECT_NE(r.stdout_text.find("supporting (not deciding)"), std::string::npos);
  EXPECT_NE(r.stdout_text.find("documentation checklist"), std::string::npos);
}

TEST(evaluate_e2e, json_and_automatic_policy_choice) {
  auto r = run_rtreview("evaluate " + set("hn_imrt_7field") + " --case " +
                        fixture("mc-cp-mp-69-exclusion.xml") + " --json");
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  auto j = nlohmann::json::parse(r.stdout_text, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.stdout_text;
  ASSERT_FALSE(j["plan_sets"].empty());
  std::map<std::string, std::string> outcomes;
  for (const auto& d : j["plan_sets"][0]["determinations"]) outcomes[d["policy"]["id"]] = d["outcome"];
  // Medicare on 2026-03-02 without a payer: the Medicare policies apply, CP.MP.69 does not.
  EXPECT_EQ(outcomes["MC.CP.MP.69"], "DOES NOT MEET");
  EXPECT_FALSE(outcomes.count("CP.MP.69"));
  EXPECT_TRUE(outcomes.count("LCD-IMRT-FL"));
}

TEST(evaluate_e2e, case_file_error_names_file_and_line) {
  auto dir = rtreview::test::make_temp_dir("evaluate_bad_case");
  std::ofstream(dir / "case.xml")
      << "<case>\n  <date-of-service>2026-03-02</date-of-service>\n  <oops/>\n</case>\n";
  auto r =
      run_rtreview("evaluate " + set("hn_imrt_7field") + " --case '" + (dir / "case.xml").string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.stderr_text.find("case.xml:3: error: unknown element <oops>"), std::string::npos)
      << r.stderr_text;
}

TEST(evaluate_e2e, unknown_policy_and_no_input) {
  auto r = run_rtreview("evaluate " + set("hn_imrt_7field") + " --case " + fixture("lcd-fl-meets.xml") +
                        " --policy NOPE");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.stderr_text.find("no ruleset with policy id 'NOPE'"), std::string::npos) << r.stderr_text;
  auto empty = rtreview::test::make_temp_dir("evaluate_empty");
  auto r3 = run_rtreview("evaluate '" + empty.string() + "' --case " + fixture("lcd-fl-meets.xml"));
  EXPECT_EQ(r3.exit_code, 3) << r3.stderr_text;
}

TEST(evaluate_e2e, case_template_round_trips) {
  auto r = run_rtreview("case-template");
  ASSERT_EQ(r.exit_code, 0);
  auto dir = rtreview::test::make_temp_dir("evaluate_template");
  std::ofstream(dir / "case.xml") << r.stdout_text;
  auto e = run_rtreview("evaluate " + set("hn_imrt_7field") + " --case '" + (dir / "case.xml").string() +
                        "' --policy MC.CP.MP.69");
  EXPECT_NE(e.exit_code, 2) << e.stderr_text;
  EXPECT_NE(e.stdout_text.find("MC.CP.MP.69"), std::string::npos);
}

}  // namespace
