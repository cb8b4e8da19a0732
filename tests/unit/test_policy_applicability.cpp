// Issue 10: a policy first decides whether it applies (NOT APPLICABLE with the reason), and
// the request's patient identity is compared with the DICOM's.
#include <gtest/gtest.h>

#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using namespace rtreview;

Ruleset shipped(const std::string& id) {
  for (auto& l : load_ruleset_dir(test::source_dir() / "rulesets"))
    if (l.result && l.ruleset.header.id == id) return l.ruleset;
  throw std::runtime_error("no ruleset " + id);
}

CaseFile base_case() {
  CaseFile c;
  c.file = "case.xml";
  c.date_of_service = "2026-03-02";
  c.line_of_business = "medicare";
  c.diagnoses = {"C61"};
  return c;
}

TEST(policy_applicability, plan_kinds_the_imrt_policies_do_not_cover) {
  auto rs = shipped("MC.CP.MP.69");
  DicomFacts f;
  f.source = "plan BRACHY1";
  for (DeliveryClass k :
       {DeliveryClass::brachy, DeliveryClass::ion, DeliveryClass::electron, DeliveryClass::gamma_knife}) {
    f.delivery = k;
    auto d = evaluate_policy(rs, base_case(), {}, f, patient_age(base_case(), f.patient_birth_date));
    EXPECT_EQ(d.outcome, Outcome::not_applicable) << to_string(k);
    EXPECT_NE(d.summary.find(std::string(" ") + to_string(k) + " plan (another policy"), std::string::npos)
        << d.summary;
  }
  // English articles: "an ion plan", "an electron plan", "a brachy plan".
  for (auto [k, phrase] : {std::pair{DeliveryClass::ion, "is an ion plan"},
                           std::pair{DeliveryClass::electron, "is an electron plan"},
                           std::pair{DeliveryClass::brachy, "is a brachy plan"}}) {
    f.delivery = k;
    auto d = evaluate_policy(rs, base_case(), {}, f, patient_age(base_case(), f.patient_birth_date));
    EXPECT_NE(d.summary.find(phrase), std::string::npos) << d.summary;
  }
  f.delivery = DeliveryClass::photon;
  EXPECT_NE(evaluate_policy(rs, base_case(), {}, f, patient_age(base_case(), f.patient_birth_date)).outcome,
            Outcome::not_applicable);
  f.delivery = DeliveryClass::unknown;  // no plan read: the policy is evaluated
  EXPECT_NE(evaluate_policy(rs, base_case(), {}, f, patient_age(base_case(), f.patient_birth_date)).outcome,
            Outcome::not_applicable);
  EXPECT_STREQ(to_string(Outcome::not_applicable), "NOT APPLICABLE");
}

// The seeds' IMRT policies do not govern brachytherapy, Gamma Knife, proton or electron-only
// plans; every linac photon delivery (C-arm, ring, helical, robotic, MR-linac) is theirs.
TEST(policy_applicability, delivery_class_of_every_model_kind) {
  EXPECT_EQ(delivery_class_of(DeliveryKind::brachy_hdr), DeliveryClass::brachy);
  EXPECT_EQ(delivery_class_of(DeliveryKind::brachy_ldr), DeliveryClass::brachy);
  EXPECT_EQ(delivery_class_of(DeliveryKind::ion_scanned), DeliveryClass::ion);
  EXPECT_EQ(delivery_class_of(DeliveryKind::ion_scattered), DeliveryClass::ion);
  EXPECT_EQ(delivery_class_of(DeliveryKind::gamma_knife), DeliveryClass::gamma_knife);
  EXPECT_EQ(delivery_class_of(DeliveryKind::c_arm_linac_electron), DeliveryClass::electron);
  for (DeliveryKind k :
       {DeliveryKind::c_arm_linac_photon, DeliveryKind::ring_linac, DeliveryKind::tomotherapy_helical,
        DeliveryKind::tomotherapy_direct, DeliveryKind::cyberknife, DeliveryKind::mr_linac})
    EXPECT_EQ(delivery_class_of(k), DeliveryClass::photon) << to_string(k);
  EXPECT_EQ(delivery_class_of(DeliveryKind::unknown), DeliveryClass::unknown);
}

TEST(policy_applicability, medicare_advantage_jurisdiction_and_igrt_code) {
  auto c = base_case();
  c.medicare_plan = MedicarePlan::original;
  auto a = applicability(shipped("MC.CP.MP.69").header, c);
  EXPECT_FALSE(a.applies);
  EXPECT_EQ(a.reason, "MC.CP.MP.69 governs Medicare Advantage members, not original Medicare");
  EXPECT_TRUE(applicability(shipped("LCD-IMRT-FL").header, c).applies);
  c.jurisdiction_state = "WA";
  a = applicability(shipped("LCD-IMRT-FL").header, c);
  EXPECT_FALSE(a.applies);
  EXPECT_EQ(
      a.reason,
      "LCD-IMRT-FL applies only in FL (the jurisdiction of the local coverage determination it applies); the "
      "case's jurisdiction is WA");
  // Kaiser Washington follows Noridian's L34080: Noridian (jurisdiction F) states only.
  c.medicare_plan = MedicarePlan::advantage;
  EXPECT_TRUE(applicability(shipped("KPWA-IMRT").header, c).applies);
  c.jurisdiction_state = "FL";
  EXPECT_FALSE(applicability(shipped("KPWA-IMRT").header, c).applies);
  c = base_case();
  c.medicare_plan = MedicarePlan::advantage;
  c.procedure_codes = {"77301"};
  a = applicability(shipped("04-77260-19").header, c);
  EXPECT_FALSE(a.applies);
  EXPECT_EQ(a.reason,
            "04-77260-19 applies only when one of 77387, 77014, G6001, G6002, G6017 is requested (requested: "
            "77301)");
  c.procedure_codes.push_back("77387");
  EXPECT_TRUE(applicability(shipped("04-77260-19").header, c).applies);
}

TEST(policy_applicability, no_invented_effective_dates) {
  for (const char* id : {"MC.CP.MP.69", "CP.MP.69", "LCD-IMRT-FL"}) {
    auto h = shipped(id).header;
    EXPECT_TRUE(h.effective_from.empty()) << id << " states no effective date";
  }
  auto c = base_case();
  c.date_of_service = "2001-01-01";
  c.medicare_plan = MedicarePlan::advantage;
  auto a = applicability(shipped("MC.CP.MP.69").header, c);
  EXPECT_TRUE(a.applies);
  EXPECT_NE(a.reason.find("effective date not stated"), std::string::npos) << a.reason;
}

TEST(policy_applicability, identity_mismatch_is_an_error_shown_first) {
  CaseFile c;
  c.patient_name = "DOE, JANE";
  c.patient_id = "MRN1";
  c.birth_date = "1950-02-28";
  auto same = compare_identity(c, "Doe^Jane^^", "MRN1", "19500228");
  ASSERT_EQ(same.size(), 3u);
  for (const auto& f : same) {
    EXPECT_EQ(f.id, "PATIENT_IDENTITY");
    EXPECT_EQ(f.status, Status::pass) << f.message;
  }
  auto other = compare_identity(c, "Doe^Jane", "MRN1", "19510228");
  EXPECT_EQ(other[0].status, Status::fail);
  EXPECT_EQ(other[0].severity, Severity::error);
  EXPECT_EQ(other[0].subject, "patient birth date");
  EXPECT_EQ(other[0].message,
            "patient birth date differs: request '1950-02-28', DICOM '19510228' (is this the right patient's "
            "plan?)");
  CaseFile none;
  auto unknown = compare_identity(none, "Doe^Jane", "", "");
  for (const auto& f : unknown) EXPECT_EQ(f.status, Status::not_evaluable);
}

TEST(policy_applicability, service_before_plan_approval_warns) {
  auto c = base_case();
  c.medicare_plan = MedicarePlan::advantage;
  DicomFacts f;
  f.review_date = "20260310";
  auto d = evaluate_policy(shipped("MC.CP.MP.69"), c, {}, f, patient_age(c, f.patient_birth_date));
  ASSERT_FALSE(d.warnings.empty());
  EXPECT_EQ(d.warnings.back(),
            "date of service 2026-03-02 is before the plan's approval (ReviewDate 2026-03-10)");
}

TEST(policy_applicability, neoplasm_code_in_no_site_set_warns) {
  auto c = base_case();
  c.medicare_plan = MedicarePlan::advantage;
  c.diagnoses = {"Z51.0", "C44.519"};
  auto d = evaluate_policy(shipped("MC.CP.MP.69"), c, {}, {}, patient_age(c, ""));
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(
      d.warnings[0].find("diagnosis C44.519 is in none of the disease-site value sets MC.CP.MP.69 uses"),
      std::string::npos)
      << d.warnings[0];
}

TEST(policy_applicability, shared_tables_are_data) {
  auto t = load_shared_tables(test::source_dir() / "rulesets");
  ASSERT_TRUE(t.result) << t.result.message();
  ASSERT_EQ(t.tables.code_changes.size(), 1u);
  EXPECT_EQ(t.tables.code_changes[0].effective, "2026-01-01");
  EXPECT_TRUE(t.tables.code_changes[0].deleted[2].codes.contains("G6010"));
  bool np_is_physician = false;
  for (const auto& r : t.tables.roles)
    if (r.role == "physician")
      for (const auto& s : r.satisfied_by) np_is_physician |= s == "nurse practitioner";
  EXPECT_FALSE(np_is_physician) << "a nurse practitioner's H&P is not a physician H&P";
}

}  // namespace
