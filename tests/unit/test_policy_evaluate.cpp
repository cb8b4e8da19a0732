// Evaluation: for each seed policy, case-file fixtures drive every determination it can
// reach, and the deciding criteria are the expected ones. Findings are built in the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "rtreview/check_ids.h"
#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using namespace rtreview;

const Ruleset& ruleset(const std::string& id) {
  static const std::map<std::string, Ruleset> all = [] {
    std::map<std::string, Ruleset> m;
    for (auto& l : load_ruleset_dir(test::source_dir() / "rulesets"))
      if (l.result) m[l.ruleset.header.id] = l.ruleset;
    return m;
  }();
  auto it = all.find(id);
  if (it == all.end()) throw std::runtime_error("ruleset " + id + " not loaded");
  return it->second;
}

CaseFile fixture(const std::string& name) {
  auto l = load_case_file(test::source_dir() / "tests/unit/policy_fixtures" / name);
  EXPECT_TRUE(l.result) << l.result.message();
  return l.case_file;
}

// A case file with only what applicability needs (a commercial line, a date of service).
CaseFile bare_case() {
  CaseFile c;
  c.file = "case.xml";
  c.date_of_service = "2026-01-05";
  c.line_of_business = "commercial";
  return c;
}

Finding finding(std::string_view id, Status status, std::string message = "") {
  Finding f;
  f.id = std::string(id);
  f.status = status;
  f.message = std::move(message);
  return f;
}

// A complete, well-documented IMRT plan: every technical check passes.
std::vector<Finding> good_plan() {
  namespace c = check_id;
  std::vector<Finding> v;
  for (auto id :
       {c::dose_grid_spacing, c::gtv_contoured, c::ptv_contoured, c::oar_contoured, c::dvh_computable,
        c::beam_description, c::technique_imrt, c::prescription, c::dose_constraints, c::plan_approval})
    v.push_back(finding(id, Status::pass, "ok"));
  v.push_back(finding(c::compensator_design, Status::info, "no compensators"));
  v.push_back(finding(c::support_ptv_oar_proximity, Status::info, "PTV 2.1 mm from Rectum"));
  return v;
}

DicomFacts mlc_plan() {
  DicomFacts f;
  f.compensator_based = false;
  f.patient_birth_date = "19550101";
  return f;
}

std::vector<std::string> ids(const std::vector<EvaluatedNode>& nodes) {
  std::vector<std::string> out;
  for (const auto& n : nodes) out.push_back(n.outline_id);
  return out;
}

const EvaluatedNode* find(const EvaluatedNode& n, const std::string& id) {
  if (n.outline_id == id) return &n;
  for (const auto& c : n.children)
    if (auto* f = find(c, id)) return f;
  return nullptr;
}

Determination run(const std::string& policy, const std::string& case_name,
                  const std::vector<Finding>& f = good_plan(), const DicomFacts& d = mlc_plan()) {
  const CaseFile c = fixture(case_name);
  return evaluate_policy(ruleset(policy), c, f, d, patient_age(c, d.patient_birth_date));
}

// ------------------------------------------------------------------ MC.CP.MP.69

TEST(policy_evaluate, mc_cp_mp_69_meets) {
  auto d = run("MC.CP.MP.69", "mc-cp-mp-69-meets.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << d.summary;
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"I.A.4", "I.B.6", "I.C"}));
  // Supporting evidence sits beside I.A.4, labelled, and did not decide it.
  auto* a4 = find(d.criteria, "I.A.4");
  ASSERT_TRUE(a4);
  ASSERT_EQ(a4->supporting.size(), 1u);
  EXPECT_EQ(a4->supporting[0].check_id, "SUPPORT_PTV_OAR_PROXIMITY");
  EXPECT_EQ(a4->origin, Origin::case_file);
  // The 2026 date of service flags the deleted delivery code.
  ASSERT_EQ(d.code_notes.size(), 3u) << ::testing::PrintToString(d.code_notes);
  EXPECT_NE(d.code_notes[0].find("MC.CP.MP.69 still lists 77385, 77386, G6015, G6016"), std::string::npos)
      << d.code_notes[0];
  EXPECT_NE(d.code_notes[1].find("requested code 77301 is not among the codes MC.CP.MP.69 lists"),
            std::string::npos);
  EXPECT_NE(d.code_notes[2].find("requested code 77385 was deleted for dates of service from 2026-01-01"),
            std::string::npos)
      << d.code_notes[2];
}

TEST(policy_evaluate, mc_cp_mp_69_supporting_evidence_never_decides) {
  // Proximity measured, but no indication asserted: I.A stays not met.
  auto c = fixture("mc-cp-mp-69-meets.xml");
  c.indications.clear();
  auto d = evaluate_policy(ruleset("MC.CP.MP.69"), c, good_plan(), mlc_plan(),
                           patient_age(c, mlc_plan().patient_birth_date));
  EXPECT_EQ(d.outcome, Outcome::does_not_meet);
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"I.A.1", "I.A.2", "I.A.3", "I.A.4", "I.A.5"}));
}

TEST(policy_evaluate, mc_cp_mp_69_exclusion) {
  auto d = run("MC.CP.MP.69", "mc-cp-mp-69-exclusion.xml");
  EXPECT_EQ(d.outcome, Outcome::does_not_meet);
  EXPECT_EQ(ids(d.deciding), std::vector<std::string>{"II.B"});
  EXPECT_EQ(d.criteria.result, Truth::met);  // eligible otherwise: the exclusion decides
}

TEST(policy_evaluate, mc_cp_mp_69_site) {
  auto d = run("MC.CP.MP.69", "mc-cp-mp-69-site.xml");
  EXPECT_EQ(d.outcome, Outcome::does_not_meet);
  EXPECT_EQ(ids(d.deciding),
            (std::vector<std::string>{"I.B.1", "I.B.2", "I.B.3", "I.B.4", "I.B.5", "I.B.6", "I.B.7"}));
  EXPECT_NE(d.deciding[0].evidence.find("C50.912"), std::string::npos);
}

TEST(policy_evaluate, mc_cp_mp_69_insufficient) {
  auto d = run("MC.CP.MP.69", "mc-cp-mp-69-insufficient.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  auto has = [&](const std::string& s) {
    return std::any_of(d.missing.begin(), d.missing.end(),
                       [&](const std::string& m) { return m.rfind(s, 0) == 0; });
  };
  EXPECT_TRUE(has("I.C ")) << ::testing::PrintToString(d.missing);
  EXPECT_TRUE(has("exclusion II.A "));
  EXPECT_TRUE(has("exclusion II.E "));
}

// A grid measured coarser than 1 cm is a verified failure of the plan, not a gap in
// the documentation: DOES NOT MEET, decided by Background.Grid.
TEST(policy_evaluate, mc_cp_mp_69_measured_grid_failure_does_not_meet) {
  auto f = good_plan();
  for (auto& x : f)
    if (x.id == check_id::dose_grid_spacing) {
      x.status = Status::fail;
      x.message = "largest step 25 mm > 10 mm";
    }
  auto d = run("MC.CP.MP.69", "mc-cp-mp-69-meets.xml", f);
  EXPECT_EQ(d.outcome, Outcome::does_not_meet) << d.summary;
  EXPECT_EQ(ids(d.deciding), std::vector<std::string>{"Background.Grid"});
  EXPECT_NE(d.summary.find("Background.Grid"), std::string::npos) << d.summary;
  ASSERT_EQ(d.missing.size(), 1u);
  EXPECT_NE(d.missing[0].find("25 mm"), std::string::npos);
  // The same check not evaluable (e.g. no dose in the set) is only insufficient documentation.
  for (auto& x : f)
    if (x.id == check_id::dose_grid_spacing) {
      x.status = Status::not_evaluable;
      x.message = "no RT Dose";
    }
  EXPECT_EQ(run("MC.CP.MP.69", "mc-cp-mp-69-meets.xml", f).outcome, Outcome::insufficient_documentation);
  // Without any finding (checks not run), the same items are unknown, never met.
  auto none = run("MC.CP.MP.69", "mc-cp-mp-69-meets.xml", {});
  EXPECT_EQ(none.outcome, Outcome::insufficient_documentation);
  EXPECT_EQ(none.missing.size(), 5u);
}

// ------------------------------------------------------------------ CP.MP.69

TEST(policy_evaluate, cp_mp_69_meets_by_site) {
  auto d = run("CP.MP.69", "cp-mp-69-meets.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << d.summary;
  EXPECT_EQ(ids(d.deciding), std::vector<std::string>{"I.E.7.a"});
  // 77412 replaces the deleted delivery codes the policy still lists: one note, about the policy.
  ASSERT_EQ(d.code_notes.size(), 1u) << ::testing::PrintToString(d.code_notes);
  EXPECT_EQ(d.code_notes[0].rfind("CP.MP.69 still lists", 0), 0u);
  ASSERT_TRUE(applicability(d.policy, fixture("cp-mp-69-meets.xml")).applies);
}

TEST(policy_evaluate, cp_mp_69_meets_by_age_from_dicom) {
  auto d = run("CP.MP.69", "cp-mp-69-child.xml", good_plan(), [] {
    DicomFacts f;
    f.patient_birth_date = "20150710";  // 10 years old at 2026-03-02
    return f;
  }());
  EXPECT_EQ(d.outcome, Outcome::meets);
  auto* a = find(d.criteria, "I.A");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->result, Truth::met);
  EXPECT_NE(a->evidence.find("age 10 years (DICOM PatientBirthDate"), std::string::npos) << a->evidence;
}

// A field-in-field plan is not IMRT: the plan does not meet an IMRT policy.
TEST(policy_evaluate, cp_mp_69_non_imrt_plan_does_not_meet) {
  auto plan = good_plan();
  for (auto& f : plan)
    if (f.id == check_id::technique_imrt) {
      f.status = Status::fail;
      f.message = "3D field-in-field, not IMRT";
    }
  auto d = run("CP.MP.69", "cp-mp-69-meets.xml", plan);
  EXPECT_EQ(d.outcome, Outcome::does_not_meet) << d.summary;
  EXPECT_EQ(ids(d.deciding), std::vector<std::string>{"Description.IMRT"});
}

// CP.MP.69's note: the site indications "may not be an all-inclusive listing". Skin of the
// trunk is on no list: that alone does not deny (it did before issue 10); a reviewer decides.
TEST(policy_evaluate, cp_mp_69_site_outside_open_list) {
  auto d = run("CP.MP.69", "cp-mp-69-site.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation) << d.summary;
  auto* ie = find(d.criteria, "I.E");
  ASSERT_TRUE(ie);
  EXPECT_EQ(ie->result, Truth::unknown);
  EXPECT_NE(ie->evidence.find("outside the listed sites"), std::string::npos) << ie->evidence;
  EXPECT_EQ(find(d.criteria, "I.E.2.b")->result, Truth::not_met);  // skin of trunk is not head skin
}

TEST(policy_evaluate, cp_mp_69_insufficient) {
  auto d = run("CP.MP.69", "cp-mp-69-insufficient.xml", good_plan(), DicomFacts{});
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  ASSERT_FALSE(d.missing.empty());
  EXPECT_EQ(d.missing[0].rfind("I.A ", 0), 0u) << d.missing[0];
  EXPECT_NE(d.missing[0].find("patient age unknown"), std::string::npos);
}

TEST(policy_evaluate, cp_mp_69_not_applicable_to_medicare) {
  auto a = applicability(ruleset("CP.MP.69").header, fixture("mc-cp-mp-69-meets.xml"));
  EXPECT_FALSE(a.applies);
  EXPECT_NE(a.reason.find("not 'medicare'"), std::string::npos) << a.reason;
}

// ------------------------------------------------------------------ KPWA-IMRT

TEST(policy_evaluate, kaiser_medicare_meets) {
  auto d = run("KPWA-IMRT", "kpwa-medicare-meets.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << d.summary;
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"Medicare.LOB", "Medicare.L34080.Conditions.1",
                                                       "Medicare.L34080.Sites.3"}));
  EXPECT_FALSE(d.manual_review);
}

// L34080 (the standard Medicare IMRT LCD text): "The most common sites that currently support
// the use of IMRT include" gives examples. Until issue 10 a site outside them denied.
TEST(policy_evaluate, kaiser_medicare_site_outside_examples_does_not_deny) {
  auto d = run("KPWA-IMRT", "kpwa-medicare-site.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation) << d.summary;
  EXPECT_EQ(find(d.criteria, "Medicare.L34080.Sites")->result, Truth::met);
  EXPECT_EQ(find(d.criteria, "Medicare.L34080.Sites.3")->result, Truth::not_met);
}

// The Medicare path asks what L34080 asks: its documentation items are required.
TEST(policy_evaluate, kaiser_medicare_insufficient) {
  auto d = run("KPWA-IMRT", "kpwa-medicare-insufficient.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  EXPECT_FALSE(d.manual_review);
  ASSERT_FALSE(d.missing.empty());
  EXPECT_TRUE(std::any_of(d.missing.begin(), d.missing.end(), [](const std::string& m) {
    return m.find("Medicare.L34080.Documentation.6") != std::string::npos;
  })) << ::testing::PrintToString(d.missing);
}

TEST(policy_evaluate, kaiser_non_medicare_is_manual_review) {
  auto d = run("KPWA-IMRT", "kpwa-commercial.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  EXPECT_TRUE(d.manual_review);
  EXPECT_NE(d.summary.find("manual review"), std::string::npos);
  std::vector<const DocumentationItem*> required;
  for (const auto& i : d.documentation)
    if (i.required) required.push_back(&i);
  ASSERT_EQ(required.size(), 1u);  // the L34080 items are for Medicare members only
  const auto& notes = *required[0];
  EXPECT_TRUE(notes.supplied);
  EXPECT_EQ(notes.result, Truth::unknown);  // the radiation oncology note is older than 6 months
  EXPECT_EQ(notes.window, "2025-09-02 .. 2026-03-02 (6 months before the date of service)");
  EXPECT_NE(notes.node.evidence.find("outside"), std::string::npos) << notes.node.evidence;
}

// ------------------------------------------------------------------ LCD-IMRT-FL

TEST(policy_evaluate, lcd_fl_meets) {
  auto d = run("LCD-IMRT-FL", "lcd-fl-meets.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << d.summary << ::testing::PrintToString(d.missing);
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"Conditions.4", "Sites.3"}));
  for (const auto& item : d.documentation) {
    if (item.outline_id != "Verification.1") {
      EXPECT_EQ(item.result, Truth::met) << item.outline_id;
    }
  }
  // Verification.1 is optional in the LCD: listed with its reason, never counted as required.
  bool saw_optional = false;
  for (const auto& item : d.documentation) {
    if (item.outline_id == "Verification.1") {
      saw_optional = true;
      EXPECT_FALSE(item.required);
      EXPECT_NE(item.not_required_reason.find("optional"), std::string::npos) << item.not_required_reason;
    } else {
      EXPECT_TRUE(item.required) << item.outline_id;
    }
  }
  EXPECT_TRUE(saw_optional);
  // 2025 date of service: G6015 was still valid.
  EXPECT_TRUE(d.code_notes.empty()) << ::testing::PrintToString(d.code_notes);
}

TEST(policy_evaluate, lcd_fl_compensator_design_required_when_compensator_based) {
  DicomFacts f = mlc_plan();
  f.compensator_based = true;
  auto plan = good_plan();
  plan.push_back(
      finding(check_id::compensator_design, Status::fail, "beam 2: no compensator thickness data"));
  auto d = run("LCD-IMRT-FL", "lcd-fl-meets.xml", plan, f);
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  ASSERT_EQ(d.missing.size(), 1u);
  EXPECT_EQ(d.missing[0].rfind("documentation Documentation.7 ", 0), 0u) << d.missing[0];
}

// "IMRT will be considered reasonable and necessary when at least one or more of the following
// five conditions is documented"; "The most common sites ... include" lists examples. A site
// outside the examples no longer denies (it did before issue 10).
TEST(policy_evaluate, lcd_fl_site_outside_examples_meets) {
  auto d = run("LCD-IMRT-FL", "lcd-fl-site.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << d.summary << ::testing::PrintToString(d.missing);
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"Conditions.4"}));
}

TEST(policy_evaluate, lcd_fl_insufficient_signers) {
  auto d = run("LCD-IMRT-FL", "lcd-fl-insufficient.xml");
  EXPECT_EQ(d.outcome, Outcome::insufficient_documentation);
  std::map<std::string, const DocumentationItem*> items;
  for (const auto& i : d.documentation) items[i.outline_id] = &i;
  EXPECT_FALSE(items["Documentation.2"]->supplied);
  EXPECT_TRUE(items["Documentation.6"]->supplied);
  EXPECT_EQ(items["Documentation.6"]->missing_signers, std::vector<std::string>{"medical physicist"});
  EXPECT_EQ(items["Documentation.6"]->required_signers,
            (std::vector<std::string>{"radiation oncologist", "medical physicist"}));
  // "Review (signed and dated)": the isodose review's signature carries no date.
  EXPECT_EQ(d.missing.size(), 3u) << ::testing::PrintToString(d.missing);
  EXPECT_EQ(items["Documentation.3"]->result, Truth::unknown);
}

// ------------------------------------------------------------------ 04-77260-19

TEST(policy_evaluate, florida_blue_meets) {
  auto d = run("04-77260-19", "fb-igrt-meets.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << ::testing::PrintToString(d.missing);
  // Position.3 is met by the IMRT technique check and Position.4 by the assertion.
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"Position.3", "Position.4"}));
  ASSERT_EQ(d.code_notes.size(), 1u);
  EXPECT_NE(d.code_notes[0].find("77387 is professional-component only"), std::string::npos);
}

// Seed 004: IGRT is medically necessary "During radiation therapy (e.g., intensity-modulated
// radiation therapy (IMRT), proton beam therapy, stereotactic body radiation therapy (SBRT))",
// and "IGRT is applicable to highly conformal treatment modalities, such as 3-D conformal
// radiation therapy (CRT), intensity-modulated radiation therapy (IMRT)...": IMRT is an example.
// A 3D-CRT course with every other indication denied still meets Position.3 (before, a failed
// TECHNIQUE_IMRT refuted it: a wrongful denial).
TEST(policy_evaluate, florida_blue_3d_course_is_during_radiation_therapy) {
  auto plan = good_plan();
  for (auto& f : plan)
    if (f.id == check_id::technique_imrt) {
      f.status = Status::fail;
      f.message = "3D-CRT: static MLC apertures";
    }
  auto d = run("04-77260-19", "fb-igrt-no-indication.xml", plan);
  EXPECT_EQ(d.outcome, Outcome::meets);
  const auto position3 = std::find_if(d.deciding.begin(), d.deciding.end(), [](const auto& leaf) {
    return leaf.outline_id.find("Position.3") == 0;
  });
  ASSERT_NE(position3, d.deciding.end());
  EXPECT_EQ(position3->result, Truth::met) << position3->evidence;
}

// "The following information may be required documentation": requested, never mandatory by
// itself (before issue 10 a stale H&P made the case INSUFFICIENT DOCUMENTATION).
TEST(policy_evaluate, florida_blue_six_month_window_is_shown_not_deciding) {
  auto d = run("04-77260-19", "fb-igrt-insufficient.xml");
  EXPECT_EQ(d.outcome, Outcome::meets) << ::testing::PrintToString(d.missing);
  const DocumentationItem* hp = nullptr;
  for (const auto& i : d.documentation)
    if (i.outline_id == "LOINC.28626-0") hp = &i;
  ASSERT_TRUE(hp);
  EXPECT_FALSE(hp->required);
  EXPECT_EQ(hp->result, Truth::unknown);
  EXPECT_NE(hp->node.evidence.find("dated 2025-10-02, outside 2025-12-01 .. 2026-06-01"), std::string::npos)
      << hp->node.evidence;
}

TEST(policy_evaluate, florida_blue_excludes_fep) {
  CaseFile c = fixture("fb-igrt-meets.xml");
  c.line_of_business = "fep";
  EXPECT_FALSE(applicability(ruleset("04-77260-19").header, c).applies);
}

// ------------------------------------------------------------------ logic

TEST(policy_evaluate, kleene_groups_and_at_least) {
  const char* xml = R"(<ruleset version="1">
  <policy id="T" lines-of-business="any"/>
  <criteria id="R" type="at-least" n="2" text="two of three">
    <criterion id="R.1" text="a"><asserted/></criterion>
    <criterion id="R.2" text="b"><check id="PRESCRIPTION"/></criterion>
    <group id="R.3" type="none" text="none of"><criterion id="R.3.a" text="c"><fact name="medically_inoperable"/></criterion></group>
  </criteria>
</ruleset>)";
  auto l = parse_ruleset(xml, "inline.xml");
  ASSERT_TRUE(l.result) << l.result.message();
  CaseFile c = bare_case();
  c.indications.push_back({"R.1", true, "Dr X", "radiation oncologist", "", 3});
  // R.1 met, R.2 unknown (no finding), R.3 unknown (fact absent): 1 met + 2 unknown -> unknown.
  EXPECT_EQ(evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, "")).criteria.result, Truth::unknown);
  c.facts.push_back({"medically_inoperable", "false", 4});  // R.3 met -> 2 met
  auto d = evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, ""));
  EXPECT_EQ(d.criteria.result, Truth::met);
  EXPECT_EQ(d.outcome, Outcome::meets);
  EXPECT_EQ(ids(d.deciding), (std::vector<std::string>{"R.1", "R.3.a"}));
  c.facts.back().value = "true";  // R.3 not met, R.2 unknown: 1 met + 1 unknown can still reach 2

  EXPECT_EQ(evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, "")).criteria.result, Truth::unknown);
  auto fail = finding(check_id::prescription, Status::fail);
  EXPECT_EQ(evaluate_policy(l.ruleset, c, {fail}, {}, patient_age(c, "")).outcome, Outcome::does_not_meet);
}

// <asserted/> without criterion="..." asserts its criterion, also from inside an <any> or <all>
// (it looked for an empty id there, so the clinician's assertion was never found).
TEST(policy_evaluate, nested_asserted_names_its_enclosing_criterion) {
  const char* xml = R"(<ruleset version="1">
  <policy id="T" lines-of-business="any"/>
  <criteria id="R" type="any" text="one of">
    <criterion id="R.1" text="a"><any><fact name="medically_inoperable"/><all><asserted/></all></any></criterion>
  </criteria>
</ruleset>)";
  auto l = parse_ruleset(xml, "inline.xml");
  ASSERT_TRUE(l.result) << l.result.message();
  CaseFile c = bare_case();
  c.facts.push_back({"medically_inoperable", "false", 4});
  EXPECT_EQ(evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, "")).criteria.result, Truth::not_met);
  c.indications.push_back({"R.1", true, "Dr X", "radiation oncologist", "", 3});
  EXPECT_EQ(evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, "")).criteria.result, Truth::met);
  c.indications.back().present = false;  // denied by the clinician
  EXPECT_EQ(evaluate_policy(l.ruleset, c, {}, {}, patient_age(c, "")).criteria.result, Truth::not_met);
}

TEST(policy_evaluate, policy_prefixed_assertion_targets_one_policy) {
  CaseFile c = fixture("mc-cp-mp-69-meets.xml");
  c.indications = {{"CP.MP.69:I.A.4", true, "Dr X", "radiation oncologist", "", 9}};
  EXPECT_EQ(evaluate_policy(ruleset("MC.CP.MP.69"), c, good_plan(), mlc_plan(),
                            patient_age(c, mlc_plan().patient_birth_date))
                .outcome,
            Outcome::does_not_meet);
  c.indications = {{"MC.CP.MP.69:I.A.4", true, "Dr X", "radiation oncologist", "", 9}};
  EXPECT_EQ(evaluate_policy(ruleset("MC.CP.MP.69"), c, good_plan(), mlc_plan(),
                            patient_age(c, mlc_plan().patient_birth_date))
                .outcome,
            Outcome::meets);
}

TEST(policy_evaluate, deterministic) {
  auto a = run("LCD-IMRT-FL", "lcd-fl-insufficient.xml");
  auto b = run("LCD-IMRT-FL", "lcd-fl-insufficient.xml");
  EXPECT_EQ(a.missing, b.missing);
  EXPECT_EQ(a.summary, b.summary);
}

}  // namespace
