// The technical checks on dicom_samples/: each good set passes every check, each broken
// set fails exactly the checks it was made to fail; `rtreview check` exit codes and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

// GCC 12 false positive on `"literal" + std::string` (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

using namespace rtreview;

namespace {

std::filesystem::path sample(const std::string& name) { return test::source_dir() / "dicom_samples" / name; }

// The set's DICOM files only (the folder also holds case.xml for `rtreview review`).
std::vector<std::filesystem::path> dicom_files(const std::string& name) {
  return {sample(name) / "RS.dcm", sample(name) / "RP.dcm", sample(name) / "RD.dcm"};
}

struct Outcome {
  std::set<std::string> failed;         // ids with status fail (assembly + checks)
  std::set<std::string> not_evaluable;  // ids with status not_evaluable and severity >= warning
  std::vector<Finding> input_findings;
  std::vector<CheckReport> reports;
};

Outcome check_sample(const std::string& name) {
  Outcome o;
  const Inventory inventory = read_paths(dicom_files(name));
  o.input_findings = inventory_findings(inventory);
  CheckOptions options;
  options.default_structure_vocabulary = test::source_dir() / "rulesets" / "structure-names.tsv";
  for (const auto& set : assemble_plan_sets(inventory)) {
    auto report = run_checks(set, options);
    for (const std::vector<Finding>* list :
         {&set.findings, static_cast<const std::vector<Finding>*>(&report.findings)})
      for (const auto& f : *list) {
        if (f.status == Status::fail) o.failed.insert(f.id);
        if (f.status == Status::not_evaluable && f.severity != Severity::info) o.not_evaluable.insert(f.id);
      }
    o.reports.push_back(std::move(report));
  }
  return o;
}

#define REQUIRE_SAMPLES()                                            \
  if (!std::filesystem::exists(sample("hn_imrt_7field") / "RP.dcm")) \
  GTEST_SKIP() << "dicom_samples not generated: skipped"

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::string args_for(const std::string& name) {
  std::string args;
  for (const auto& p : dicom_files(name)) args += " " + quoted(p);
  return args;
}

}  // namespace

TEST(check_samples, good_sets_pass_every_check) {
  REQUIRE_SAMPLES();
  for (const char* name : {"hn_imrt_7field", "hn_vmat_2arc", "hn_compensator_imrt"}) {
    auto o = check_sample(name);
    EXPECT_TRUE(o.failed.empty()) << name << ": " << *o.failed.begin();
    EXPECT_TRUE(o.not_evaluable.empty()) << name << ": " << *o.not_evaluable.begin();
    ASSERT_EQ(o.reports.size(), 1u) << name;
    EXPECT_TRUE(is_imrt(o.reports[0].technique.technique)) << name;
  }
  EXPECT_EQ(check_sample("hn_vmat_2arc").reports[0].technique.technique, Technique::vmat);
  EXPECT_EQ(check_sample("hn_imrt_7field").reports[0].technique.technique, Technique::imrt_step_and_shoot);
  auto comp = check_sample("hn_compensator_imrt");
  EXPECT_EQ(comp.reports[0].technique.technique, Technique::compensator_imrt);
  for (const auto& f : comp.reports[0].findings) {
    if (f.id != check_id::compensator_design) continue;
    EXPECT_EQ(f.status, Status::pass) << f.message;
  }
}

TEST(check_samples, field_in_field_fails_only_the_imrt_technique) {
  REQUIRE_SAMPLES();
  auto o = check_sample("hn_3d_fif");
  EXPECT_EQ(o.failed, std::set<std::string>{std::string(check_id::technique_imrt)});
  EXPECT_EQ(o.reports[0].technique.technique, Technique::field_in_field);
}

TEST(check_samples, broken_sets_fail_exactly_their_defect) {
  REQUIRE_SAMPLES();
  EXPECT_EQ(check_sample("broken_grid_12mm").failed,
            std::set<std::string>{std::string(check_id::dose_grid_spacing)});
  EXPECT_EQ(check_sample("broken_no_ptv").failed,
            std::set<std::string>{std::string(check_id::ptv_contoured)});
  EXPECT_EQ(check_sample("broken_roi_outside_grid").failed,
            std::set<std::string>{std::string(check_id::dvh_computable)});
  EXPECT_EQ(
      check_sample("broken_frame_of_reference").failed,
      (std::set<std::string>{std::string(check_id::frame_of_reference_mismatch),
                             std::string(check_id::dose_object_fit), std::string(check_id::dvh_computable)}));
}

TEST(check_samples, truncated_plan_is_one_unreadable_file_and_the_rest_is_checked) {
  REQUIRE_SAMPLES();
  auto o = check_sample("broken_truncated");
  ASSERT_EQ(o.input_findings.size(), 1u);
  EXPECT_EQ(o.input_findings[0].id, check_id::file_unreadable);
  EXPECT_NE(o.input_findings[0].subject.find("RP.dcm"), std::string::npos);
  // The dose's plan reference dangles; the dose and structure checks still pass.
  EXPECT_EQ(o.failed, std::set<std::string>{std::string(check_id::dangling_reference)});
  ASSERT_EQ(o.reports.size(), 1u);
  for (const auto& f : o.reports[0].findings) {
    if (f.id != check_id::dose_grid_spacing && f.id != check_id::ptv_contoured) continue;
    EXPECT_EQ(f.status, Status::pass) << f.id;
  }
}

TEST(check_cli, exit_codes) {
  REQUIRE_SAMPLES();
  EXPECT_EQ(test::run_rtreview("check --brief" + args_for("hn_imrt_7field")).exit_code, 0);
  auto grid = test::run_rtreview("check" + args_for("broken_grid_12mm"));
  EXPECT_EQ(grid.exit_code, 1);
  EXPECT_NE(grid.stdout_text.find("largest dose grid spacing 12 mm > 10 mm"), std::string::npos)
      << grid.stdout_text;
  auto truncated = test::run_rtreview("check" + args_for("broken_truncated"));
  // An unreadable plan leaves requirements not evaluable at error severity: that is a failure
  // under the default --fail-on fail, not a pass.
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_EQ(test::run_rtreview("check --fail-on warning" + args_for("broken_truncated")).exit_code, 1);
  EXPECT_EQ(test::run_rtreview("check --fail-on bogus" + args_for("hn_imrt_7field")).exit_code, 2);
  EXPECT_EQ(test::run_rtreview("check").exit_code, 2);
  const auto empty = test::make_temp_dir("check_empty");
  EXPECT_EQ(test::run_rtreview("check " + quoted(empty)).exit_code, 3);
}

TEST(check_cli, json_is_valid_and_deterministic) {
  REQUIRE_SAMPLES();
  const std::string args = "check --json" + args_for("hn_vmat_2arc");
  auto first = test::run_rtreview(args);
  auto second = test::run_rtreview(args);
  ASSERT_EQ(first.exit_code, 0) << first.stderr_text;
  EXPECT_EQ(first.stdout_text, second.stdout_text);
  auto doc = nlohmann::json::parse(first.stdout_text);
  EXPECT_EQ(doc["schema"], "rtreview.check/1");
  ASSERT_EQ(doc["plan_sets"].size(), 1u);
  const auto& set = doc["plan_sets"][0];
  EXPECT_EQ(set["technique"]["name"], "VMAT");
  EXPECT_EQ(set["technique"]["is_imrt"], true);
  EXPECT_EQ(set["plan"]["arc_count"], 2);
  EXPECT_EQ(set["beams"].size(), 2u);
  EXPECT_EQ(set["beams"][0]["rotation_direction"], "CW");
  bool has_grid = false;
  for (const auto& f : set["findings"]) has_grid = has_grid || f["id"] == "DOSE_GRID_SPACING";
  EXPECT_TRUE(has_grid);
}
