// case_file_xml(): every case file of the project (policy cases and samples) read, written,
// read again gives the same facts, and writing those again gives the same bytes.
#include <gtest/gtest.h>

#include "rtreview/policy.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> case_files() {
  std::vector<fs::path> out;
  const fs::path root = rtreview::test::source_dir();
  for (const auto& e : fs::directory_iterator(root / "tests" / "policy_cases"))
    if (e.path().extension() == ".xml") out.push_back(e.path());
  for (const auto& e : fs::directory_iterator(root / "dicom_samples"))
    if (fs::exists(e.path() / "case.xml")) out.push_back(e.path() / "case.xml");
  std::sort(out.begin(), out.end());
  return out;
}

TEST(policy_case_write, every_case_file_round_trips) {
  int checked = 0;
  for (const auto& file : case_files()) {
    rtreview::CaseFileLoad first = rtreview::load_case_file(file);
    if (!first.result) continue;  // the err-* cases are meant not to load
    std::string xml = rtreview::case_file_xml(first.case_file);
    rtreview::CaseFileLoad again = rtreview::parse_case_file(xml, "case.xml");
    ASSERT_TRUE(again.result) << file << ": " << again.result.message() << "\n" << xml;
    const rtreview::CaseFile &a = first.case_file, &b = again.case_file;
    EXPECT_EQ(a.date_of_service, b.date_of_service) << file;
    EXPECT_EQ(a.line_of_business, b.line_of_business) << file;
    EXPECT_EQ(a.medicare_plan, b.medicare_plan) << file;
    EXPECT_EQ(a.payer, b.payer) << file;
    EXPECT_EQ(a.jurisdiction_state, b.jurisdiction_state) << file;
    EXPECT_EQ(a.diagnoses, b.diagnoses) << file;
    EXPECT_EQ(a.procedure_codes, b.procedure_codes) << file;
    EXPECT_EQ(a.indications.size(), b.indications.size()) << file;
    EXPECT_EQ(a.exclusions.size(), b.exclusions.size()) << file;
    EXPECT_EQ(a.documents.size(), b.documents.size()) << file;
    EXPECT_EQ(a.facts.size(), b.facts.size()) << file;
    EXPECT_EQ(a.rationale, b.rationale) << file;
    EXPECT_EQ(a.unedited_template, b.unedited_template) << file;
    EXPECT_EQ(a.exclusions_reviewed.has_value(), b.exclusions_reviewed.has_value()) << file;
    EXPECT_EQ(rtreview::case_file_xml(b), xml) << file;  // byte-stable
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
