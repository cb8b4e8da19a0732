// The clear message of the DVH work budget (rtreview/limits.h): a plan set whose PTV has a
// forged vertex 8 km out gets a failing DVH_COMPUTABLE that names the PTV, the structure set
// file and the limit, and the other structures' DVHs are computed as usual.
#include <gtest/gtest.h>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/limits.h"
#include "test_checks_fixtures.h"

namespace rtreview {
namespace {

using namespace test;

TEST(dvh_budget_finding, forged_ptv_fails_dvh_computable_naming_file_and_limit) {
  PlanSet set = make_good_plan_set();
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->info.source.path = "/cases/patient7/RS_forged.dcm";
  Roi& ptv = ss->rois[2];
  ASSERT_EQ(ptv.name, "PTV_6000");
  ptv.contours.back().points_mm.insert(ptv.contours.back().points_mm.begin() + 2,
                                       {8000, 45, ptv.contours.back().points_mm[0][2]});
  set.structure_set = ss;
  CheckOptions options;
  options.compute_dvhs = true;
  const CheckReport report =
      run_checks(set, options, parse_structure_vocabulary("SpinalCord\toar\tCord\n", "t"));
  const Finding* f = find(report.findings, check_id::dvh_computable);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, Status::fail);
  EXPECT_NE(f->message.find("PTV_6000"), std::string::npos) << f->message;
  EXPECT_TRUE(evidence_contains(*f, "RS_forged.dcm"));
  EXPECT_TRUE(evidence_contains(*f, "InputLimits::max_dvh_points_per_roi"));
  EXPECT_TRUE(evidence_contains(*f, std::to_string(InputLimits{}.max_dvh_points_per_roi)));
  for (const auto& dvh : report.dvhs)
    EXPECT_EQ(dvh.computed, dvh.roi_name != "PTV_6000" && dvh.roi_name != "ISO") << dvh.roi_name;
}

}  // namespace
}  // namespace rtreview
