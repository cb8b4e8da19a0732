// The DVH work budget (rtreview/limits.h) against real inputs: every plan set of
// dicom_samples, ../shared/corpus and the benchmark case (make_large_case) plans far less
// DVH work than the limits allow, so the budget never refuses a clinical ROI. Prints the
// largest counts (the numbers quoted in limits.h). Without the corpus the samples and the
// benchmark case still run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "rtreview/dicom_io.h"
#include "rtreview/dvh.h"
#include "rtreview/samples.h"
#include "test_support.h"

namespace rtreview {
namespace {

// Real inputs must stay this many times inside each limit.
constexpr std::uint64_t kHeadroom = 8;

struct Largest {
  std::uint64_t roi = 0, set = 0;
  std::string roi_where, set_where;
  int plan_sets = 0;

  void add(const StructureSet& ss, const DoseGrid& dose, const std::string& where) {
    const auto points = planned_dvh_points(ss, dose);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      sum += points[i];
      if (points[i] > roi) roi = points[i], roi_where = where + " ROI #" + std::to_string(i);
    }
    if (sum > set) set = sum, set_where = where;
    ++plan_sets;
  }
  void add_folder(const std::filesystem::path& dir) {
    for (const PlanSet& set : assemble_plan_sets(read_paths({dir})))
      if (set.structure_set)
        for (const auto& dose : set.doses)
          if (dose->has_pixels()) add(*set.structure_set, *dose, dir.filename().string() + "/" + set.id);
  }
  void expect_inside(const char* what) const {
    const InputLimits limits;
    std::printf("%s: %d plan set(s); largest per ROI %llu (%s), per structure set %llu (%s)\n", what,
                plan_sets, static_cast<unsigned long long>(roi), roi_where.c_str(),
                static_cast<unsigned long long>(set), set_where.c_str());
    EXPECT_GT(plan_sets, 0) << what;
    EXPECT_LT(roi * kHeadroom, limits.max_dvh_points_per_roi) << roi_where;
    EXPECT_LT(set * kHeadroom, limits.max_dvh_points_per_structure_set) << set_where;
  }
};

TEST(corpus_dvh_budget, samples_well_inside) {
  Largest largest;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "dicom_samples"))
    if (entry.is_directory()) largest.add_folder(entry.path());
  largest.expect_inside("dicom_samples");
}

// Generating the 4 M-voxel case takes 20 s under ASan and checks arithmetic, not memory: the
// GCC stage runs it.
TEST(corpus_dvh_budget, benchmark_case_well_inside) {
#ifdef RTREVIEW_TEST_ASAN
  GTEST_SKIP() << "sanitizer build: the GCC build runs this";
#endif
  Largest largest;
  const samples::SampleSet large = samples::make_large_case();
  largest.add(large.structure_set, large.dose, "benchmark case " + large.name);
  largest.expect_inside("benchmark case");
}

TEST(corpus_dvh_budget, corpus_well_inside) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Largest largest;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus))
    if (entry.is_directory() &&
        std::none_of(std::filesystem::directory_iterator(entry.path()), std::filesystem::directory_iterator(),
                     [](const auto& e) { return e.is_directory(); }))
      largest.add_folder(entry.path());
  largest.expect_inside("corpus");
}

}  // namespace
}  // namespace rtreview
