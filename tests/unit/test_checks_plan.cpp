// PRESCRIPTION, DOSE_CONSTRAINTS, PLAN_APPROVAL, STRUCTURE_SET_APPROVAL, PLAN_KIND_UNSUPPORTED
// and the supporting evidence findings.
#include <gtest/gtest.h>

#include "rtreview/check_ids.h"
#include "test_checks_fixtures.h"

using namespace rtreview;
using namespace rtreview::test;

namespace {

DoseReference target_rx(double rx_gy, int roi) {
  DoseReference r;
  r.number = 1;
  r.type = "TARGET";
  r.structure_type = "VOLUME";
  r.referenced_roi_number = roi;
  r.target_prescription_dose_gy = rx_gy;
  return r;
}

DoseReference oar_limit(double max_gy, int roi) {
  DoseReference r;
  r.number = 2;
  r.type = "ORGAN_AT_RISK";
  r.referenced_roi_number = roi;
  r.organ_at_risk_maximum_dose_gy = max_gy;
  return r;
}

std::vector<RoiClassification> classes(const PlanSet& set) {
  return classify_structures(*set.structure_set, parse_structure_vocabulary("SpinalCord\toar\t\n", "t"));
}

PlanSummary summary_of(const PlanSet& set) { return summarize_plan(*set.plan, summarize_beams(*set.plan)); }

}  // namespace

TEST(prescription, from_dose_reference) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->dose_references = {target_rx(60.0, 3)};
  set.plan = plan;
  auto f = check_prescription(set, summary_of(set));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_EQ(f.message, "60 Gy in 30 fractions (2 Gy/fx), from the target prescription");
}

TEST(prescription, from_beam_doses_is_a_warning) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  for (auto& rb : plan->fraction_groups[0].beams) rb.beam_dose_gy = 2.0 / 7;
  set.plan = plan;
  auto f = check_prescription(set, summary_of(set));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.message.find("beam doses"), std::string::npos);
}

TEST(prescription, missing_fails_no_plan_not_evaluable) {
  PlanSet set = make_good_plan_set();
  auto f = check_prescription(set, summary_of(set));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.message.find("prescribed dose"), std::string::npos);
  set.plan.reset();
  EXPECT_EQ(check_prescription(set, {}).status, Status::not_evaluable);
}

TEST(dose_constraints, target_and_oar_present_pass) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->dose_references = {target_rx(60.0, 3), oar_limit(45.0, 4)};
  set.plan = plan;
  auto f = check_dose_constraints(set, classes(set));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_TRUE(evidence_contains(f, "-> ROI 'SpinalCord'"));
  EXPECT_TRUE(evidence_contains(f, "max dose 45 Gy"));
}

TEST(dose_constraints, missing_oar_constraints_not_verifiable) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->dose_references = {target_rx(60.0, 3)};
  set.plan = plan;
  auto f = check_dose_constraints(set, classes(set));
  EXPECT_EQ(f.status, Status::not_evaluable);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.message.find("organ-at-risk"), std::string::npos);
  EXPECT_TRUE(evidence_contains(f, "OARs without a constraint in the plan"));
  set.plan.reset();
  EXPECT_EQ(check_dose_constraints(set, {}).status, Status::not_evaluable);
}

TEST(plan_approval, approved_unapproved_incomplete_absent) {
  PlanSet set = make_good_plan_set();
  EXPECT_EQ(check_plan_approval(set).status, Status::pass);
  EXPECT_EQ(check_plan_approval(set).message, "the plan APPROVED by Doe^Jane on 20260101");
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->approval_status = "UNAPPROVED";
  set.plan = plan;
  EXPECT_EQ(check_plan_approval(set).status, Status::fail);
  EXPECT_EQ(check_plan_approval(set).severity, Severity::error);
  plan->approval_status = "APPROVED";
  plan->reviewer_name = "";
  EXPECT_EQ(check_plan_approval(set).severity, Severity::warning);
  plan->approval_status = "";
  EXPECT_EQ(check_plan_approval(set).status, Status::not_evaluable);
}

TEST(structure_set_approval, absent_is_not_evaluable_info) {
  PlanSet set = make_good_plan_set();
  auto f = check_structure_set_approval(set);
  EXPECT_EQ(f.status, Status::not_evaluable);
  EXPECT_EQ(f.severity, Severity::info);
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->approval_status = "APPROVED";
  ss->reviewer_name = "Roe^R";
  ss->review_date = "20260102";
  set.structure_set = ss;
  EXPECT_EQ(check_structure_set_approval(set).status, Status::pass);
  ss->approval_status = "REJECTED";
  EXPECT_EQ(check_structure_set_approval(set).status, Status::fail);
}

TEST(plan_kind, ion_and_brachy_get_info) {
  PlanSet set = make_good_plan_set();
  EXPECT_TRUE(check_plan_kind(set).empty());
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->kind = PlanKind::brachy;
  set.plan = plan;
  auto fs = check_plan_kind(set);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].id, check_id::plan_kind_unsupported);
  EXPECT_EQ(fs[0].status, Status::info);
}

TEST(support, dose_per_fraction_regimes) {
  PlanSet set = make_good_plan_set();
  PlanSummary s;
  s.dose_per_fraction_gy = 2.0;
  EXPECT_NE(support_dose_per_fraction(set, s).message.find("conventional"), std::string::npos);
  s.dose_per_fraction_gy = 8.0;
  auto f = support_dose_per_fraction(set, s);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.message.find("hypofractionated"), std::string::npos);
  EXPECT_NE(support_dose_per_fraction(set, PlanSummary{}).message.find("not available"), std::string::npos);
}

TEST(support, prior_plan_referenced) {
  PlanSet set = make_good_plan_set();
  EXPECT_TRUE(support_prior_plan(set).evidence.empty());
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->referenced_plans.push_back({"1.2.3.9", "PRIOR"});
  set.plan = plan;
  auto f = support_prior_plan(set);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.message.find("possible re-irradiation"), std::string::npos);
}

TEST(support, proximity_and_concavity_are_info_with_numbers) {
  PlanSet set = make_good_plan_set();
  auto prox = support_ptv_oar_proximity(set, classes(set));
  ASSERT_EQ(prox.size(), 1u);
  EXPECT_EQ(prox[0].status, Status::info);
  // PTV y in [35,55], cord y in [70,77]: 15 mm apart in-plane.
  EXPECT_TRUE(evidence_contains(prox[0], "min distance 15 mm")) << prox[0].evidence[0].value;
  auto conc = support_target_concavity(set, classes(set));
  ASSERT_EQ(conc.size(), 1u);
  EXPECT_TRUE(evidence_contains(conc[0], "volume / hull"));
  set.structure_set.reset();
  EXPECT_EQ(support_ptv_oar_proximity(set, {})[0].status, Status::info);
}

TEST(prescription, several_fraction_groups_sum_beam_doses_over_the_course) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  for (auto& rb : plan->fraction_groups[0].beams) rb.beam_dose_gy = 2.0 / 7;  // 30 × 2 Gy
  FractionGroup boost = plan->fraction_groups[0];
  boost.number = 2;
  boost.fractions_planned = 5;
  for (auto& rb : boost.beams) rb.beam_dose_gy = 3.0 / 7;  // 5 × 3 Gy
  plan->fraction_groups.push_back(boost);
  set.plan = plan;
  auto s = summary_of(set);
  ASSERT_TRUE(s.prescription_dose_gy && s.fractions_planned && s.dose_per_fraction_gy);
  EXPECT_NEAR(*s.prescription_dose_gy, 75.0, 1e-9);
  EXPECT_EQ(*s.fractions_planned, 35);
  EXPECT_NEAR(*s.dose_per_fraction_gy, 75.0 / 35, 1e-9);
  EXPECT_TRUE(evidence_contains(check_prescription(set, s), "2 (fractions summed)"));
}
