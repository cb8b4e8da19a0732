// DVH engine on real plan sets: the brachy set's own DVHSequence vs ours (printed), and
// the RayStation SRS set computed end to end. Skips when the corpus is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "rtreview/dicom_io.h"
#include "rtreview/dvh.h"
#include "test_support.h"

namespace rtreview {
namespace {

const PlanSet* first_with_dose_and_structures(const std::vector<PlanSet>& sets) {
  for (const auto& s : sets)
    if (s.structure_set && !s.doses.empty()) return &s;
  return nullptr;
}

TEST(corpus_dvh, brachy_file_dvhs_vs_ours) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const auto dir = corpus / "brachy_robustbrachy";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not found";
  const auto sets = assemble_plan_sets(read_paths({dir}));
  const PlanSet* set = first_with_dose_and_structures(sets);
  ASSERT_NE(set, nullptr);
  const DoseGrid& dose = *set->doses.front();
  ASSERT_FALSE(dose.dvhs.empty()) << "the brachy dose carries a DVHSequence";
  const auto ours = compute_dvhs(*set->structure_set, dose);
  const auto cmp = compare_with_file_dvhs(ours, dose);
  ASSERT_EQ(cmp.size(), dose.dvhs.size());
  std::printf("brachy_robustbrachy: dose %dx%dx%d, %zu file DVHs (ours / file)\n", dose.columns, dose.rows,
              dose.frames, dose.dvhs.size());
  // The first item is the prostate minus the urethra (pydicom: DVHReferencedROISequence ROI 0
  // INCLUDED, ROI 1 EXCLUDED): a region none of our single-ROI DVHs describes, never compared.
  ASSERT_EQ(dose.dvhs.front().composite_region,
            (std::vector<std::string>{"ROI 0 INCLUDED", "ROI 1 EXCLUDED"}));
  EXPECT_FALSE(cmp.front().comparable);
  EXPECT_NE(cmp.front().note.find("composite region"), std::string::npos) << cmp.front().note;
  for (std::size_t i = 1; i < dose.dvhs.size(); ++i) EXPECT_TRUE(dose.dvhs[i].composite_region.empty());
  int comparable = 0;
  for (const auto& c : cmp) {
    std::printf("ROI %d %-14s", c.roi_number, c.roi_name.c_str());
    for (const auto& m : c.metrics) std::printf(" %s %.3f/%.3f", m.name.c_str(), m.ours, m.theirs);
    if (c.comparable)
      std::printf(" | max curve diff %.2f %% at %.2f Gy", c.max_curve_difference_percent,
                  c.max_curve_difference_at_gy);
    if (!c.note.empty()) std::printf(" [%s]", c.note.c_str());
    std::printf("\n");
    if (!c.comparable) continue;
    ++comparable;
    for (const auto& m : c.metrics) {
      EXPECT_TRUE(std::isfinite(m.ours)) << c.roi_name << " " << m.name;
      // The ROIs reach below the dose grid (z < −45.5 mm), so only the whole-ROI volume and
      // the high-dose end (inside the grid) are expected to agree.
      if (m.name == "volume_cc" || m.name == "d2_gy") {
        EXPECT_NEAR(m.ours, m.theirs, 0.03 * std::abs(m.theirs)) << c.roi_name << " " << m.name;
      }
    }
  }
  EXPECT_GT(comparable, 0);
}

TEST(corpus_dvh, brain_srs_raystation_all_rois) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const auto dir = corpus / "pps_hist" / "BrainSRSRaystationIMRT";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not found";
  const auto sets = assemble_plan_sets(read_paths({dir}));
  const PlanSet* set = first_with_dose_and_structures(sets);
  ASSERT_NE(set, nullptr);
  const auto dvhs = compute_dvhs(*set->structure_set, *set->doses.front());
  int computed = 0;
  for (const auto& d : dvhs) {
    if (!d.computed) {
      std::printf("%-16s not computed: %s\n", d.roi_name.c_str(), d.not_computed_reason.c_str());
      continue;
    }
    ++computed;
    const auto m = standard_metrics(d);
    std::printf("%-16s %9.3f cc (in grid %9.3f) Dmean %7.3f D95 %7.3f D2 %7.3f Dmax %7.3f\n",
                d.roi_name.c_str(), d.volume_cc, d.volume_in_grid_cc, m.mean_gy, m.d95_gy, m.d2_gy, m.max_gy);
    EXPECT_GT(d.volume_cc, 0);
    EXPECT_LE(m.min_gy, m.mean_gy);
    EXPECT_LE(m.mean_gy, m.max_gy);
  }
  EXPECT_GE(computed, 20);
}

}  // namespace
}  // namespace rtreview
