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

// Issue 11: BeamDose is the dose at the beam dose specification points, not a prescription
// (a plan read "10.8 Gy in 5 fx" with a PTV mean of 39-47 Gy). Formerly a pass with a warning.
TEST(prescription, from_beam_doses_is_derived_and_never_passes) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  for (auto& rb : plan->fraction_groups[0].beams) rb.beam_dose_gy = 2.0 / 7;
  set.plan = plan;
  auto s = summary_of(set);
  EXPECT_FALSE(s.prescription_dose_gy);
  ASSERT_TRUE(s.derived_beam_dose_total_gy);
  EXPECT_NEAR(*s.derived_beam_dose_total_gy, 60.0, 1e-9);
  auto f = check_prescription(set, s);
  EXPECT_EQ(f.status, Status::not_evaluable);
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_NE(f.message.find("BeamDose-derived value exists but is not a prescription"), std::string::npos);
  EXPECT_TRUE(evidence_contains(f, "never used as the prescription"));
}

// Issue 11: a prescription absent from the DICOM plan is not proof that none exists (real
// RayStation/Pinnacle exports carry none): not_evaluable (error), formerly fail, which the
// rulesets turned into DOES NOT MEET.
TEST(prescription, missing_is_not_evaluable_never_a_failure) {
  PlanSet set = make_good_plan_set();
  auto f = check_prescription(set, summary_of(set));
  EXPECT_EQ(f.status, Status::not_evaluable);
  EXPECT_EQ(f.severity, Severity::error);
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
  EXPECT_TRUE(check_plan_kind(set, delivery_of(set)).empty());
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->kind = PlanKind::brachy;
  plan->beams.clear();
  plan->brachy_treatment_type = "HDR";
  plan->application_setups.push_back({});
  set.plan = plan;
  auto fs = check_plan_kind(set, delivery_of(set));
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

// Issue 11: several fraction groups are phases; formerly their BeamDose was summed into one
// "dose per fraction" over the course. Now: per group, derived values never a prescription.
TEST(prescription, several_fraction_groups_with_beam_doses_only_have_no_prescription) {
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
  EXPECT_FALSE(s.prescription_dose_gy);
  EXPECT_FALSE(s.dose_per_fraction_gy);
  EXPECT_EQ(*s.fractions_planned, 35);
  ASSERT_EQ(s.fraction_groups.size(), 2u);
  EXPECT_NEAR(*s.fraction_groups[0].derived_beam_dose_per_fraction_gy, 2.0, 1e-9);
  EXPECT_NEAR(*s.fraction_groups[1].derived_beam_dose_per_fraction_gy, 3.0, 1e-9);
  EXPECT_NEAR(*s.derived_beam_dose_total_gy, 75.0, 1e-9);
  EXPECT_NE(check_prescription(set, s).status, Status::pass);
}

// The issue's case: 42.4 Gy / 16 fx primary and a 10 Gy / 4 fx boost, each group naming its
// target dose reference. Hand-computed: course 52.4 Gy in 20 fx; 2.65 and 2.5 Gy/fx; no
// single dose per fraction; MU per fraction per group (7 x 100 = 700 and 7 x 60 = 420).
TEST(prescription, primary_and_boost_reported_per_group) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  DoseReference primary = target_rx(42.4, 3), boost_rx = target_rx(10.0, 3);
  boost_rx.number = 2;
  plan->dose_references = {primary, boost_rx};
  plan->fraction_groups[0].fractions_planned = 16;
  plan->fraction_groups[0].dose_references = {{1, std::nullopt, std::nullopt, std::nullopt}};
  FractionGroup boost = plan->fraction_groups[0];
  boost.number = 2;
  boost.fractions_planned = 4;
  boost.dose_references = {{2, std::nullopt, std::nullopt, std::nullopt}};
  for (auto& rb : boost.beams) rb.meterset = 60.0;
  plan->fraction_groups.push_back(boost);
  set.plan = plan;
  auto s = summary_of(set);
  ASSERT_TRUE(s.prescription_dose_gy);
  EXPECT_NEAR(*s.prescription_dose_gy, 52.4, 1e-9);
  EXPECT_EQ(*s.fractions_planned, 20);
  EXPECT_FALSE(s.dose_per_fraction_gy) << "never one dose per fraction over different phases";
  EXPECT_FALSE(s.total_mu_per_fraction) << "never a per-fraction MU sum across groups";
  ASSERT_EQ(s.fraction_groups.size(), 2u);
  EXPECT_NEAR(*s.fraction_groups[0].dose_per_fraction_gy, 2.65, 1e-9);
  EXPECT_NEAR(*s.fraction_groups[1].dose_per_fraction_gy, 2.5, 1e-9);
  const double beams = static_cast<double>(plan->fraction_groups[0].beams.size());
  EXPECT_NEAR(*s.fraction_groups[0].mu_per_fraction, 100.0 * beams, 1e-9);
  EXPECT_NEAR(*s.fraction_groups[1].mu_per_fraction, 60.0 * beams, 1e-9);
  EXPECT_NEAR(*s.total_mu_course, 16 * 100.0 * beams + 4 * 60.0 * beams, 1e-9);
  auto f = check_prescription(set, s);
  EXPECT_EQ(f.status, Status::pass) << f.message;
  EXPECT_NE(f.message.find("2.65 Gy/fx"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("2.5 Gy/fx"), std::string::npos) << f.message;
  auto support = support_dose_per_fraction(set, s);
  EXPECT_NE(support.message.find("group 1: 2.65 Gy per fraction, hypofractionated"), std::string::npos);
  EXPECT_NE(support.message.find("group 2: 2.5 Gy per fraction"), std::string::npos);
}

// Several target references but no group names one: the phases' prescriptions are unknown.
TEST(prescription, unattributable_plan_level_rx_with_two_groups_is_not_a_pass) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  plan->dose_references = {target_rx(42.4, 3), target_rx(10.0, 3)};
  plan->dose_references[1].number = 2;
  FractionGroup boost = plan->fraction_groups[0];
  boost.number = 2;
  boost.fractions_planned = 4;
  plan->fraction_groups.push_back(boost);
  set.plan = plan;
  auto s = summary_of(set);
  EXPECT_FALSE(s.prescription_dose_gy);
  EXPECT_NE(s.prescription_problem.find("none names its dose reference"), std::string::npos);
  EXPECT_NE(check_prescription(set, s).status, Status::pass);
}

TEST(support, prior_plan_only_from_prior_relationships) {
  PlanSet set = make_good_plan_set();
  auto plan = std::make_shared<Plan>(*set.plan);
  // PS3.3 C.8.8.9 RT Plan Relationship: PREDECESSOR is a "plan used in derivation of current
  // plan" (an earlier version of it, e.g. before a re-plan), not a delivered one; only PRIOR
  // ("plan delivered prior to current treatment") is earlier irradiation.
  plan->referenced_plans = {{"1.2.3.7", "CONCURRENT"},
                            {"1.2.3.8", "VERIFIED_PLAN"},
                            {"1.2.3.10", "SUCCESSOR"},
                            {"1.2.3.11", "ALTERNATIVE"},
                            {"1.2.3.12", "PREDECESSOR"}};
  set.plan = plan;
  auto f = support_prior_plan(set);
  EXPECT_NE(f.message.find("no prior plan"), std::string::npos) << f.message;
  EXPECT_FALSE(references_prior_treatment(*plan));
  plan->referenced_plans.push_back({"1.2.3.9", "PRIOR"});
  EXPECT_NE(support_prior_plan(set).message.find("1 prior plan reference"), std::string::npos);
  EXPECT_TRUE(references_prior_treatment(*plan));
  plan->intent = "VERIFICATION";  // a QA plan referencing its clinical plan: never re-irradiation
  EXPECT_NE(support_prior_plan(set).message.find("no prior plan"), std::string::npos);
  EXPECT_FALSE(references_prior_treatment(*plan));
}
