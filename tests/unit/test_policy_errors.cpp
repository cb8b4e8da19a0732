// Malformed rulesets and case files: each error names the file, the line and the problem,
// and never crashes; a broken ruleset in a folder stops only that ruleset.
#include <gtest/gtest.h>

#include <fstream>

#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using namespace rtreview;

// A valid ruleset whose line 6 is `body` (criteria content).
std::string ruleset_with(const std::string& body, const std::string& extra = "") {
  return "<ruleset version=\"1\">\n"                         // 1
         "  <policy id=\"T\" lines-of-business=\"any\"/>\n"  // 2
         "  <value-set id=\"vs\" codes=\"C61\"/>\n" +        // 3
         extra +                                             // (0 lines by default)
         "  <criteria id=\"I\" type=\"any\" text=\"t\">\n"   // 4
         "    <criterion id=\"I.A\" text=\"a\"><asserted/><support diagnosis=\"vs\"/></criterion>\n"  // 5
         + body +
         "\n"  // 6
         "  </criteria>\n"
         "</ruleset>\n";
}

void expect_error(const RulesetLoad& l, int line, const std::string& text) {
  EXPECT_FALSE(l.result.ok);
  EXPECT_EQ(l.result.file, "bad.xml");
  EXPECT_EQ(l.result.line, line) << l.result.message();
  EXPECT_NE(l.result.description.find(text), std::string::npos) << l.result.message();
  EXPECT_EQ(l.result.message().rfind("bad.xml:" + std::to_string(line) + ": error: ", 0), 0u)
      << l.result.message();
}

TEST(policy_errors, valid_base_loads) {
  auto l = parse_ruleset(ruleset_with(""), "ok.xml");
  EXPECT_TRUE(l.result) << l.result.message();
}

TEST(policy_errors, malformed_xml) {
  expect_error(parse_ruleset(ruleset_with("    <criterion id=\"I.B\" text=\"b\"><asserted/>"), "bad.xml"), 7,
               "malformed XML");
}

TEST(policy_errors, unknown_element) {
  expect_error(parse_ruleset(ruleset_with("    <critrion id=\"I.B\"/>"), "bad.xml"), 6,
               "unknown element <critrion>");
  expect_error(
      parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><asserted/><maybe/></criterion>"), "bad.xml"), 6,
      "unknown element <maybe>");
}

TEST(policy_errors, asserted_if_absent_values) {
  expect_error(
      parse_ruleset(
          ruleset_with("    <criterion id=\"I.B\" text=\"b\"><asserted if-absent=\"met\"/></criterion>"),
          "bad.xml"),
      6, "<asserted> if-absent must be unknown or not-met");
  EXPECT_TRUE(
      parse_ruleset(
          ruleset_with("    <criterion id=\"I.B\" text=\"b\"><asserted if-absent=\"unknown\"/></criterion>"),
          "ok.xml")
          .result);
  // Inside <exclusions> an unaddressed exclusion is ruled by <exclusions-reviewed>: refused.
  expect_error(
      parse_ruleset(
          ruleset_with("",
                       "  <exclusions id=\"II\" type=\"any\" text=\"x\">\n"
                       "    <criterion id=\"II.A\" text=\"e\"><asserted if-absent=\"unknown\"/></criterion>\n"
                       "  </exclusions>\n"),
          "bad.xml"),
      5, "<asserted if-absent> is for indications, not inside <exclusions>");
}

TEST(policy_errors, unknown_attribute) {
  expect_error(
      parse_ruleset(
          ruleset_with("    <criterion id=\"I.B\"><document kinds=\"x\" within-month=\"6\"/></criterion>"),
          "bad.xml"),
      6, "unknown attribute 'within-month' on <document>");
}

TEST(policy_errors, duplicate_sections) {
  expect_error(parse_ruleset(ruleset_with("", "  <policy id=\"U\" lines-of-business=\"any\"/>\n"), "bad.xml"),
               4, "second <policy> header");
}

TEST(policy_errors, missing_id) {
  expect_error(parse_ruleset(ruleset_with("    <criterion text=\"b\"><asserted/></criterion>"), "bad.xml"), 6,
               "without id");
}

TEST(policy_errors, duplicate_id) {
  expect_error(
      parse_ruleset(ruleset_with("    <criterion id=\"I.A\" text=\"b\"><asserted/></criterion>"), "bad.xml"),
      6, "duplicate outline id 'I.A'");
}

TEST(policy_errors, unknown_fact) {
  expect_error(parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><fact name=\"is_sick\"/></criterion>"),
                             "bad.xml"),
               6, "unknown fact 'is_sick'");
}

TEST(policy_errors, unknown_check_id) {
  expect_error(
      parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><check id=\"GRID_OK\"/></criterion>"), "bad.xml"),
      6, "unknown check id 'GRID_OK'");
  expect_error(parse_ruleset(
                   ruleset_with("    <criterion id=\"I.B\"><asserted/><support check=\"NOPE\"/></criterion>"),
                   "bad.xml"),
               6, "unknown check id 'NOPE' in <support>");
}

// Check references are validated against the registry's kinds: supporting evidence is
// cited with <support>, a judging check with <check>; a fact a check provides is known.
TEST(policy_errors, check_reference_kinds) {
  expect_error(
      parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><check id=\"SUPPORT_PRIOR_PLAN\"/></criterion>"),
                    "bad.xml"),
      6, "is supporting evidence");
  expect_error(
      parse_ruleset(
          ruleset_with(
              "    <criterion id=\"I.B\"><asserted/><support check=\"TECHNIQUE_IMRT\"/></criterion>"),
          "bad.xml"),
      6, "not supporting evidence");
  auto l = parse_ruleset(
      ruleset_with("    <criterion id=\"I.B\"><fact name=\"compensator_based\"/></criterion>"), "ok.xml");
  EXPECT_TRUE(l.result) << l.result.message();
}

TEST(policy_errors, bad_range) {
  expect_error(parse_ruleset(ruleset_with("", "  <value-set id=\"x\" codes=\"C14-C00\"/>\n"), "bad.xml"), 4,
               "bad range 'C14-C00'");
  expect_error(parse_ruleset(ruleset_with("", "  <value-set id=\"x\" codes=\"C1-C140\"/>\n"), "bad.xml"), 4,
               "bad range");
}

TEST(policy_errors, unknown_value_set) {
  expect_error(parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><diagnosis in=\"lungs\"/></criterion>"),
                             "bad.xml"),
               6, "unknown value set 'lungs'");
}

TEST(policy_errors, bad_group) {
  expect_error(
      parse_ruleset(
          ruleset_with(
              "    <group id=\"I.B\" type=\"most\"><criterion id=\"I.B.1\"><asserted/></criterion></group>"),
          "bad.xml"),
      6, "unknown group type 'most'");
  expect_error(parse_ruleset(ruleset_with("    <group id=\"I.B\" type=\"at-least\" n=\"3\"><criterion "
                                          "id=\"I.B.1\"><asserted/></criterion></group>"),
                             "bad.xml"),
               6, "at-least n=3 but only 1 children");
  expect_error(parse_ruleset(ruleset_with("    <criterion id=\"I.B\" text=\"empty\"/>"), "bad.xml"), 6,
               "has no test");
}

TEST(policy_errors, missing_header_and_root) {
  auto l = parse_ruleset(
      "<ruleset>\n  <criteria id=\"I\"><criterion id=\"A\"><asserted/></criterion></criteria>\n</ruleset>",
      "bad.xml");
  expect_error(l, 1, "missing <policy> header");
  expect_error(parse_ruleset("\n<rules/>", "bad.xml"), 2, "root element must be <ruleset>");
  expect_error(parse_ruleset("", "bad.xml"), 1, "malformed XML");
}

TEST(policy_errors, missing_file) {
  auto l = load_ruleset("/nonexistent/ruleset.xml");
  EXPECT_FALSE(l.result);
  EXPECT_EQ(l.result.message(),
            "/nonexistent/ruleset.xml: error: cannot read file: not found or not a regular file");
}

TEST(policy_errors, broken_ruleset_in_folder_stops_only_itself) {
  auto dir = test::make_temp_dir("policy_errors");
  std::ofstream(dir / "a.xml") << ruleset_with("");
  std::ofstream(dir / "b.xml") << ruleset_with("    <bogus/>");
  auto loads = load_ruleset_dir(dir);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_TRUE(loads[0].result);
  EXPECT_FALSE(loads[1].result);
  EXPECT_EQ(loads[1].result.line, 6);
  EXPECT_NE(loads[1].result.file.find("b.xml"), std::string::npos);
}

// ------------------------------------------------------------------ case files

void expect_case_error(const std::string& xml, int line, const std::string& text) {
  auto l = parse_case_file(xml, "case.xml");
  EXPECT_FALSE(l.result.ok);
  EXPECT_EQ(l.result.file, "case.xml");
  EXPECT_EQ(l.result.line, line) << l.result.message();
  EXPECT_NE(l.result.description.find(text), std::string::npos) << l.result.message();
  EXPECT_EQ(l.result.message().rfind("case.xml:" + std::to_string(line) + ": error: " + text, 0), 0u)
      << l.result.message();
}

const char* case_head =
    "<case version=\"1\">\n  <date-of-service>2026-03-02</date-of-service>\n  "
    "<line-of-business>medicare</line-of-business>\n";

TEST(policy_errors, case_file_valid) {
  auto l = parse_case_file(std::string(case_head) + "</case>", "case.xml");
  EXPECT_TRUE(l.result) << l.result.message();
  EXPECT_EQ(l.case_file.line_of_business, "medicare");
}

TEST(policy_errors, case_file_template_parses) {
  auto l = parse_case_file(case_file_template(), "template.xml");
  ASSERT_TRUE(l.result) << l.result.message();
  EXPECT_TRUE(l.warnings.empty());
  EXPECT_EQ(l.case_file.diagnoses.size(), 2u);
  EXPECT_EQ(l.case_file.documents.size(), 3u);
  EXPECT_TRUE(l.case_file.exclusions_reviewed.has_value());
  EXPECT_TRUE(l.case_file.unedited_template);
  EXPECT_EQ(l.case_file.medicare_plan, MedicarePlan::advantage);
  EXPECT_EQ(l.case_file.procedures.size(), 2u);
  // It says at the top what it is.
  EXPECT_NE(case_file_template().find("This template is internally consistent"), std::string::npos);
}

// Its criterion ids exist in the shipped rulesets, and unedited it never MEETS, even on a
// plan that passes every check (issue 10: it used to MEET a head-and-neck sample).
TEST(policy_errors, unedited_template_never_meets) {
  auto l = parse_case_file(case_file_template(), "template.xml");
  ASSERT_TRUE(l.result);
  std::vector<Ruleset> all;
  for (auto& r : load_ruleset_dir(test::source_dir() / "rulesets"))
    if (r.result) all.push_back(r.ruleset);
  EXPECT_TRUE(validate_case_against(l.case_file, all).empty());
  std::vector<Finding> pass;
  for (const char* id :
       {"DOSE_GRID_SPACING", "GTV_CONTOURED", "PTV_CONTOURED", "OAR_CONTOURED", "TECHNIQUE_IMRT",
        "DVH_COMPUTABLE", "BEAM_DESCRIPTION", "PRESCRIPTION", "DOSE_CONSTRAINTS"}) {
    Finding f;
    f.id = id;
    f.status = Status::pass;
    pass.push_back(f);
  }
  DicomFacts photon;
  photon.delivery = DeliveryClass::photon;
  int applicable = 0;
  for (const auto& rs : all) {
    auto d =
        evaluate_policy(rs, l.case_file, pass, photon, patient_age(l.case_file, photon.patient_birth_date));
    EXPECT_NE(d.outcome, Outcome::meets) << rs.header.id;
    if (d.outcome != Outcome::not_applicable) ++applicable;
  }
  EXPECT_GE(applicable, 1);
  // Without the marker the same facts meet MC.CP.MP.69: the template is consistent.
  l.case_file.unedited_template = false;
  for (const auto& rs : all) {
    if (rs.header.id == "MC.CP.MP.69") {
      auto d =
          evaluate_policy(rs, l.case_file, pass, photon, patient_age(l.case_file, photon.patient_birth_date));
      EXPECT_EQ(d.outcome, Outcome::meets) << d.summary << ::testing::PrintToString(d.missing);
    }
  }
}

TEST(policy_errors, case_file_errors) {
  expect_case_error(std::string(case_head) + "  <diagnoses code=\"C61\"/>\n</case>", 4,
                    "unknown element <diagnoses>");
  expect_case_error(std::string(case_head) + "  <diagnosis code=\"61\"/>\n</case>", 4,
                    "bad ICD-10-CM code '61'");
  expect_case_error(std::string(case_head) + "  <fact name=\"sick\"/>\n</case>", 4, "unknown fact 'sick'");
  expect_case_error(std::string(case_head) + "  <document kind=\"dvh-review\" date=\"03/02/2026\"/>\n</case>",
                    4, "bad document date");
  expect_case_error(std::string(case_head) +
                        "  <document kind=\"dvh-review\" date=\"2026-03-01\">\n    <signed-by name=\"X\"/>\n "
                        " </document>\n</case>",
                    5, "<signed-by> without role");
  expect_case_error(std::string(case_head) + "  <indication by=\"X\"/>\n</case>", 4,
                    "<indication> without criterion id");
  expect_case_error(std::string(case_head) + "  <patient age=\"old\"/>\n</case>", 4, "bad age");
  expect_case_error(std::string(case_head) + "  <patient dob=\"1950-01-01\"/>\n</case>", 4,
                    "unknown attribute 'dob' on <patient>");
  expect_case_error(std::string(case_head) + "  <procedure code=\"7730\"/>\n</case>", 4,
                    "bad procedure code");
  expect_case_error("<case>\n  <line-of-business>medicare</line-of-business>\n</case>", 1,
                    "missing <date-of-service>");
  expect_case_error("<case>\n  <date-of-service>2026-13-01</date-of-service>\n</case>", 2,
                    "bad date of service");
  expect_case_error("<case>\n  <date-of-service>2026-01-01</date-of-service>\n</case>", 1,
                    "missing <line-of-business>");
  expect_case_error("<case>\n  <date-of-service>2026-01-01\n</case>", 3, "malformed XML");
  expect_case_error("<ruleset/>", 1, "root element must be <case>");
}

// Issue 10: the new case-file checks, each with its exact "file:line: error:" message.
TEST(policy_errors, case_file_strict_fields) {
  expect_case_error(std::string(case_head) + "  <request-date>2026-02-30</request-date>\n</case>", 4,
                    "bad request date '2026-02-30' (expected YYYY-MM-DD, a real calendar day)");
  expect_case_error("<case>\n  <date-of-service>2025-02-29</date-of-service>\n</case>", 2,
                    "bad date of service '2025-02-29'");
  expect_case_error(
      std::string(case_head) + "  <document kind=\"physics-qa\" date=\"2026-03-01\"/>\n</case>", 4,
      "unknown document kind 'physics-qa' (known: clinical-note, compensator-design, "
      "dosimetric-verification, dvh-review, history-and-physical, imrt-commissioning, "
      "imrt-need-statement, imrt-rationale, isodose-review, plan-of-treatment, portal-description, "
      "prescription, progress-note, 18741-9, 18776-5, 28626-0)");
  expect_case_error(std::string(case_head) +
                        "  <document kind=\"dvh-review\" date=\"2026-03-01\">\n    <signed-by name=\"X\" "
                        "role=\"nurse\"/>\n  </document>\n</case>",
                    5, "unknown role 'nurse' (known: ");
  expect_case_error(std::string(case_head) + "  <physician role=\"ordering\" npi=\"1234567890\"/>\n</case>",
                    4, "bad NPI '1234567890' (10 digits with a valid check digit)");
  expect_case_error(
      std::string(case_head) + "  <physician role=\"boss\"/>\n</case>", 4,
      "unknown physician role 'boss' (known: ordering, rendering, supervising, referring, attending)");
  expect_case_error(std::string(case_head) + "  <procedure code=\"77301-2\"/>\n</case>", 4,
                    "bad modifier '2' (expected two characters, e.g. 26, 59, XU)");
  // The same range as serve's JSON form (test_serve_api): a whole number from 1 to 999.
  for (const char* units : {"0", "1000", "2.5", "-1", "1e3", "9999999999"})
    expect_case_error(
        std::string(case_head) + "  <procedure code=\"77301\" units=\"" + units + "\"/>\n</case>", 4,
        std::string("bad units '") + units + "' (expected a whole number from 1 to 999)");
  expect_case_error(std::string(case_head) + "  <medicare-plan>supplement</medicare-plan>\n</case>", 4,
                    "bad <medicare-plan> 'supplement' (expected advantage or original)");
  expect_case_error(std::string(case_head) + "  <jurisdiction state=\"Florida\"/>\n</case>", 4,
                    "bad jurisdiction state 'FLORIDA' (expected a two-letter state code, e.g. FL)");
  expect_case_error(
      std::string(case_head) + "  <prior-radiation region=\"pelvis\" date=\"2019-13-01\"/>\n</case>", 4,
      "bad prior radiation date '2019-13-01'");
  expect_case_error(std::string(case_head) + "  <post-operative>maybe</post-operative>\n</case>", 4,
                    "<post-operative> must be true or false");
}

TEST(policy_errors, case_file_new_fields) {
  auto l = parse_case_file(
      std::string(case_head) +
          "  <request-date>2026-02-25</request-date>\n"
          "  <medicare-plan>original</medicare-plan>\n"
          "  <jurisdiction state=\"fl\" mac=\"First Coast\"/>\n"
          "  <patient name=\"Doe^Jane\" id=\"MRN1\" member-id=\"W9\" birth-date=\"1950-02-28\"/>\n"
          "  <physician role=\"rendering\" name=\"Dr. R\" npi=\"1234567893\"/>\n"
          "  <procedure code=\"77387-26\"/>\n"
          "  <procedure code=\"77334\" modifiers=\"26\" units=\"6\"/>\n"
          "  <post-operative/>\n"
          "  <prior-radiation region=\"left breast\" dose-gy=\"50\" date=\"2018-04-01\"/>\n"
          "</case>",
      "case.xml");
  ASSERT_TRUE(l.result) << l.result.message();
  const auto& c = l.case_file;
  EXPECT_EQ(c.request_date, "2026-02-25");
  EXPECT_EQ(c.medicare_plan, MedicarePlan::original);
  EXPECT_EQ(c.jurisdiction_state, "FL");
  EXPECT_EQ(c.patient_name, "Doe^Jane");
  EXPECT_EQ(c.member_id, "W9");
  ASSERT_EQ(c.physicians.size(), 1u);
  EXPECT_EQ(c.physicians[0].npi, "1234567893");
  ASSERT_EQ(c.procedures.size(), 2u);
  EXPECT_EQ(c.procedures[0].code, "77387");
  EXPECT_EQ(c.procedures[0].modifiers, std::vector<std::string>{"26"});
  EXPECT_EQ(c.procedures[1].units, 6);
  EXPECT_EQ(c.post_operative, std::optional<bool>(true));
  ASSERT_EQ(c.prior_radiation.size(), 1u);
  EXPECT_EQ(c.prior_radiation[0].dose_gy, std::optional<double>(50));
}

// Criterion ids are checked against the rulesets: an error names the case file, its line and
// the nearest valid ids; an exclusion asserted as an indication (or the reverse) is an error.
TEST(policy_errors, case_criterion_ids) {
  std::vector<Ruleset> all;
  for (auto& r : load_ruleset_dir(test::source_dir() / "rulesets"))
    if (r.result) all.push_back(r.ruleset);
  auto errors_of = [&](const std::string& body) {
    auto l = parse_case_file(std::string(case_head) + body + "</case>", "case.xml");
    EXPECT_TRUE(l.result) << l.result.message();
    return validate_case_against(l.case_file, all);
  };
  auto one = [&](const std::string& body, const std::string& message, ErrorCode code) {
    auto e = errors_of(body);
    ASSERT_EQ(e.size(), 1u) << body;
    EXPECT_EQ(e[0].message(), message);
    EXPECT_EQ(e[0].code, code);
  };
  one("  <indication criterion=\"MC.CP.MP.69:I.A.9\"/>\n",
      "case.xml:4: error: unknown criterion id 'I.A.9' in <indication> (not a criterion of MC.CP.MP.69; "
      "nearest "
      "valid ids: I.A.1, I.A.2, I.A.3)",
      ErrorCode::unknown_criterion);
  one("  <indication criterion=\"MC.CP.MP.69:II.B\"/>\n",
      "case.xml:4: error: an exclusion asserted through <indication>: 'II.B' is an exclusion of MC.CP.MP.69; "
      "write "
      "<exclusion> criterion=\"MC.CP.MP.69:II.B\"",
      ErrorCode::wrong_assertion_kind);
  one("  <exclusion criterion=\"MC.CP.MP.69:I.A.4\"/>\n",
      "case.xml:4: error: an indication asserted through <exclusion>: 'I.A.4' is a criterion of MC.CP.MP.69; "
      "write "
      "<indication> criterion=\"MC.CP.MP.69:I.A.4\"",
      ErrorCode::wrong_assertion_kind);
  one("  <indication criterion=\"MC.CP.MP.96:I.A.4\"/>\n",
      "case.xml:4: error: unknown policy prefix 'MC.CP.MP.96' in <indication> "
      "criterion=\"MC.CP.MP.96:I.A.4\" "
      "(nearest: MC.CP.MP.69, CP.MP.69, KPWA-IMRT; known: 04-77260-19, CP.MP.69, KPWA-IMRT, LCD-IMRT-FL, "
      "MC.CP.MP.69)",
      ErrorCode::unknown_policy);
  // Unprefixed: valid when any ruleset has it; the wrong kind in every ruleset is an error.
  EXPECT_TRUE(errors_of("  <indication criterion=\"I.A.4\"/>\n  <exclusion criterion=\"II.B\"/>\n").empty());
  one("  <indication criterion=\"II.C\"/>\n",
      "case.xml:4: error: an exclusion asserted through <indication>: 'II.C' is an exclusion of MC.CP.MP.69; "
      "write "
      "<exclusion> criterion=\"II.C\"",
      ErrorCode::wrong_assertion_kind);
}

// Rulesets: the new format checks name file and line too.
TEST(policy_errors, ruleset_new_checks) {
  expect_error(parse_ruleset(ruleset_with("", "  <value-set id=\"unused\" codes=\"C50\"/>\n"), "bad.xml"), 4,
               "value set 'unused' is defined but no criterion uses it");
  expect_error(parse_ruleset(ruleset_with("    <criterion id=\"I.B\"><document kinds=\"scan\"/></criterion>"),
                             "bad.xml"),
               6, "unknown document kind 'scan' (known: ");
  expect_error(parse_ruleset(ruleset_with("    <group id=\"I.B\" type=\"all\" list=\"open\"><criterion "
                                          "id=\"I.B.1\"><asserted/></criterion></group>"),
                             "bad.xml"),
               6, "list=\"open\" needs type=\"any\"");
  expect_error(parse_ruleset("<ruleset version=\"1\">\n  <policy id=\"T\" lines-of-business=\"any\" "
                             "delivery=\"laser\"/>\n</ruleset>\n",
                             "bad.xml"),
               2, "unknown delivery 'laser'");
  expect_error(parse_ruleset("<ruleset version=\"1\">\n  <policy id=\"T\" lines-of-business=\"any\" "
                             "jurisdiction=\"Florida\"/>\n</ruleset>\n",
                             "bad.xml"),
               2, "bad jurisdiction 'Florida'");
}

TEST(policy_errors, case_file_missing) {
  auto l = load_case_file("/nonexistent/case.xml");
  EXPECT_FALSE(l.result);
  EXPECT_NE(l.result.message().find("/nonexistent/case.xml: error:"), std::string::npos);
}

TEST(policy_errors, garbage_never_crashes) {
  // Truncations of a real ruleset and case file: every prefix loads or fails cleanly.
  std::string rs =
      ruleset_with("    <criterion id=\"I.B\"><diagnosis in=\"vs\"/><age ge=\"18\"/></criterion>");
  for (std::size_t n = 0; n < rs.size(); n += 7) {
    auto l = parse_ruleset(rs.substr(0, n), "cut.xml");
    if (!l.result) {
      EXPECT_FALSE(l.result.message().empty());
    }
  }
  std::string cf = case_file_template();
  for (std::size_t n = 0; n < cf.size(); n += 31) {
    auto l = parse_case_file(cf.substr(0, n), "cut.xml");
    if (!l.result) {
      EXPECT_FALSE(l.result.message().empty());
    }
  }
}

}  // namespace
