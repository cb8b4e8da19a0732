// The supporting geometry's work budget (rtreview/limits.h) against real inputs: every plan
// set of dicom_samples, ../shared/corpus and the benchmark case gets its PTV–OAR distances and
// PTV convex hulls with an eighth of the limit, so the budget never stops a clinical
// structure set's geometry. Without the corpus the samples and the benchmark case still run.
#include <gtest/gtest.h>

#include <algorithm>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "rtreview/limits.h"
#include "rtreview/samples.h"
#include "test_support.h"

namespace rtreview {
namespace {

// Real inputs must stay this many times inside the limit.
constexpr std::uint64_t kHeadroom = 8;

// The geometry findings of one plan set checked with limit / kHeadroom; counts the PTVs measured.
int expect_geometry_inside(const PlanSet& set, const std::string& where) {
  CheckOptions options;
  options.compute_dvhs = false;
  options.max_geometry_operations = InputLimits{}.max_geometry_operations_per_structure_set / kHeadroom;
  options.default_structure_vocabulary = test::source_dir() / "rulesets" / "structure-names.tsv";
  int measured = 0;
  for (const Finding& f : run_checks(set, options).findings) {
    if (f.id != check_id::support_ptv_oar_proximity && f.id != check_id::support_target_concavity) continue;
    EXPECT_EQ(f.message.find("work budget"), std::string::npos) << where << ": " << f.message;
    measured += f.subject.starts_with("ROI '");
  }
  return measured;
}

int expect_folder_inside(const std::filesystem::path& dir) {
  int measured = 0;
  for (const PlanSet& set : assemble_plan_sets(read_paths({dir})))
    if (set.structure_set) measured += expect_geometry_inside(set, dir.filename().string() + "/" + set.id);
  return measured;
}

TEST(corpus_geometry_budget, samples_well_inside) {
  int measured = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "dicom_samples"))
    if (entry.is_directory()) measured += expect_folder_inside(entry.path());
  EXPECT_GT(measured, 0);
}

// Generating the 4 M-voxel case takes 20 s under ASan: the GCC stage runs this.
TEST(corpus_geometry_budget, benchmark_case_well_inside) {
#ifdef RTREVIEW_TEST_ASAN
  GTEST_SKIP() << "sanitizer build: the GCC build runs this";
#endif
  const samples::SampleSet large = samples::make_large_case();
  PlanSet set;
  set.id = large.name;
  set.structure_set = std::make_shared<StructureSet>(large.structure_set);
  EXPECT_GT(expect_geometry_inside(set, "benchmark case " + large.name), 0);
}

TEST(corpus_geometry_budget, corpus_well_inside) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  int measured = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus))
    if (entry.is_directory() &&
        std::none_of(std::filesystem::directory_iterator(entry.path()), std::filesystem::directory_iterator(),
                     [](const auto& e) { return e.is_directory(); }))
      measured += expect_folder_inside(entry.path());
  EXPECT_GT(measured, 0);
}

}  // namespace
}  // namespace rtreview
