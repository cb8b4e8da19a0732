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
  EXPECT_EQ(l.case_file.diagnoses.size(), 2u);
  EXPECT_EQ(l.case_file.documents.size(), 3u);
  EXPECT_TRUE(l.case_file.exclusions_reviewed.has_value());
}

TEST(policy_errors, case_file_errors) {
  expect_case_error(std::string(case_head) + "  <diagnoses code=\"C61\"/>\n</case>", 4,
                    "unknown element <diagnoses>");
  expect_case_error(std::string(case_head) + "  <diagnosis code=\"61\"/>\n</case>", 4,
                    "bad ICD-10-CM code '61'");
  expect_case_error(std::string(case_head) + "  <fact name=\"sick\"/>\n</case>", 4, "unknown fact 'sick'");
  expect_case_error(std::string(case_head) + "  <document kind=\"dvh-review\" date=\"03/02/2026\"/>\n</case>",
                    4, "document date");
  expect_case_error(std::string(case_head) +
                        "  <document kind=\"dvh-review\" date=\"2026-03-01\">\n    <signed-by name=\"X\"/>\n "
                        " </document>\n</case>",
                    5, "without role");
  expect_case_error(std::string(case_head) + "  <indication by=\"X\"/>\n</case>", 4, "without criterion id");
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
