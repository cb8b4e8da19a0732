// The clear message of the supporting geometry's work budget (rtreview/limits.h,
// CheckOptions::max_geometry_operations): once a check's budget is spent, the PTV–OAR
// proximity and the target concavity say, for what they could not measure, that it was not
// computed, naming the structure set file and the limit; within the default limit they
// measure the fixture's boxes as usual.
#include <gtest/gtest.h>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/geometry.h"
#include "rtreview/limits.h"
#include "test_checks_fixtures.h"

namespace rtreview {
namespace {

using namespace test;

CheckReport checks_of(const PlanSet& set, std::uint64_t max_geometry_operations) {
  CheckOptions options;
  options.compute_dvhs = false;
  options.max_geometry_operations = max_geometry_operations;
  return run_checks(set, options, parse_structure_vocabulary("SpinalCord\toar\tCord\n", "t"));
}

PlanSet plan_set_from_file(const std::string& path) {
  PlanSet set = make_good_plan_set();
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->info.source.path = path;
  set.structure_set = ss;
  return set;
}

TEST(geometry_budget_finding, spent_budget_names_file_and_limit) {
  const CheckReport report = checks_of(plan_set_from_file("/cases/patient7/RS_forged.dcm"), 100);
  const std::string limit_name = "InputLimits::max_geometry_operations_per_structure_set";
  for (const std::string_view id :
       {check_id::support_ptv_oar_proximity, check_id::support_target_concavity}) {
    const Finding* f = find(report.findings, id);
    ASSERT_NE(f, nullptr) << id;
    EXPECT_EQ(f->status, Status::info) << id;
    EXPECT_EQ(f->subject, "ROI 'PTV_6000'") << id;
    EXPECT_NE(f->message.find("not computed"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("RS_forged.dcm"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find(limit_name), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("100 operations"), std::string::npos) << f->message;
  }
  const Finding* proximity = find(report.findings, check_id::support_ptv_oar_proximity);
  EXPECT_TRUE(evidence_contains(*proximity, "to 'SpinalCord' and every later OAR"));
}

TEST(geometry_budget_finding, default_limit_measures_the_boxes) {
  const CheckReport report =
      checks_of(plan_set_from_file("RS_good.dcm"), InputLimits{}.max_geometry_operations_per_structure_set);
  const Finding* proximity = find(report.findings, check_id::support_ptv_oar_proximity);
  ASSERT_NE(proximity, nullptr);
  // PTV box y 35–55 mm, cord box y 70–77 mm, overlapping in x and z: 15 mm apart.
  EXPECT_EQ(proximity->message, "supporting evidence: nearest OAR 'SpinalCord' at 15 mm");
  const Finding* concavity = find(report.findings, check_id::support_target_concavity);
  ASSERT_NE(concavity, nullptr);
  EXPECT_EQ(concavity->message.find("not computed"), std::string::npos) << concavity->message;
  EXPECT_TRUE(evidence_contains(*concavity, "convex hull volume"));
}

TEST(geometry_budget_finding, a_budget_spent_by_a_later_ptv_leaves_the_earlier_one_measured) {
  PlanSet set = plan_set_from_file("/cases/patient7/RS_two_ptvs.dcm");
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->rois.push_back(make_box_roi(6, "PTV_5400", "PTV", 35, 55, 20, 30, 16, 30));  // after PTV_6000
  set.structure_set = ss;
  // A budget of exactly what PTV_6000's one pair costs measured alone: PTV_5400's is refused.
  GeometryBudget first_pair;
  ASSERT_TRUE(roi_pair_metrics(*ss->find_roi(3), *ss->find_roi(4), first_pair));
  const CheckReport report = checks_of(set, first_pair.spent());
  std::vector<const Finding*> proximity;
  for (const Finding& f : report.findings)
    if (f.id == check_id::support_ptv_oar_proximity) proximity.push_back(&f);
  ASSERT_EQ(proximity.size(), 2u);
  EXPECT_EQ(proximity[0]->subject, "ROI 'PTV_6000'");
  EXPECT_EQ(proximity[0]->message, "supporting evidence: nearest OAR 'SpinalCord' at 15 mm");
  EXPECT_EQ(proximity[1]->subject, "ROI 'PTV_5400'");
  EXPECT_NE(proximity[1]->message.find("not computed"), std::string::npos) << proximity[1]->message;
  EXPECT_TRUE(evidence_contains(*proximity[1], "to 'SpinalCord' and every later OAR"));
}

}  // namespace
}  // namespace rtreview
