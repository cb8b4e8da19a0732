// The check registry is the one list of finding ids: every finding any sample produces is
// declared there, never fails more severely than declared, and cites only what the evaluated
// rulesets say about it (checks carry no payer text of their own).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "rtreview/check_registry.h"
#include "rtreview/review.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

fs::path samples() { return test::source_dir() / "dicom_samples"; }

std::vector<fs::path> sample_dirs() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(samples()))
    if (fs::is_regular_file(entry.path() / "case.xml")) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

ReviewRun review_sample(const fs::path& dir, ReviewDepth depth) {
  ReviewRequest request;
  request.paths = {dir};
  request.case_file = dir / "case.xml";
  request.depth = depth;
  request.check_options.compute_dvhs = false;
  return review_inputs(request);
}

int rank(Severity s) { return s == Severity::error ? 2 : s == Severity::warning ? 1 : 0; }

TEST(check_registry, ids_are_unique) {
  std::set<std::string_view> seen;
  for (const auto& spec : check_registry()) EXPECT_TRUE(seen.insert(spec.id).second) << spec.id;
}

TEST(check_registry, every_finding_is_declared_and_within_its_severity) {
  int findings = 0;
  for (const auto& dir : sample_dirs()) {
    const ReviewRun run = review_sample(dir, ReviewDepth::determinations);
    ASSERT_TRUE(run.errors.empty()) << dir;
    std::vector<Finding> all = run.input_findings;
    for (const auto& r : run.reviews) all.insert(all.end(), r.findings.begin(), r.findings.end());
    for (const auto& f : all) {
      ++findings;
      const CheckSpec* spec = find_check(f.id);
      ASSERT_NE(spec, nullptr) << dir << ": finding id " << f.id << " is not in the registry";
      if (f.status == Status::fail) {
        EXPECT_LE(rank(f.severity), rank(spec->failure_severity)) << dir << ": " << f.id << " " << f.message;
      }
      if (spec->kind == CheckKind::supporting_evidence) {
        EXPECT_EQ(f.status, Status::info) << f.id;
      }
    }
  }
  EXPECT_GT(findings, 100);
}

// Without policies no payer text is cited; with them, a finding cites exactly the outline ids of
// the ruleset items that test its check — read here from the ruleset XML itself.
TEST(check_registry, citations_come_from_the_evaluated_rulesets) {
  const fs::path dir = samples() / "hn_imrt_7field";
  const ReviewRun checks_only = review_sample(dir, ReviewDepth::checks);
  ASSERT_EQ(checks_only.reviews.size(), 1u);
  // Checks cite no payer text; only the conformance findings cite the DICOM standard itself.
  for (const auto& f : checks_only.reviews[0].findings) {
    if (f.citation.rfind("DICOM PS3.3", 0) == 0) continue;
    EXPECT_EQ(f.citation, "") << f.id;
  }

  ReviewRequest request;
  request.paths = {dir};
  request.case_file = dir / "case.xml";
  request.policies = {"MC.CP.MP.69"};
  request.check_options.compute_dvhs = false;
  const ReviewRun run = review_inputs(request);
  ASSERT_TRUE(run.errors.empty());
  ASSERT_EQ(run.reviews.size(), 1u);

  // The <item id="..."> elements of the ruleset whose body holds <check id="DOSE_GRID_SPACING"/>.
  std::ifstream in(test::source_dir() / "rulesets" / "centene-mc-cp-mp-69.xml");
  const std::string xml((std::istreambuf_iterator<char>(in)), {});
  const std::regex item(R"re(<item id="([^"]+)"[^>]*>([\s\S]*?)</item>)re");
  std::set<std::string> expected;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), item); it != std::sregex_iterator(); ++it)
    if ((*it)[2].str().find("<check id=\"DOSE_GRID_SPACING\"") != std::string::npos)
      expected.insert("MC.CP.MP.69 " + (*it)[1].str());
  ASSERT_FALSE(expected.empty());

  bool found = false;
  for (const auto& f : run.reviews[0].findings) {
    if (f.id != "DOSE_GRID_SPACING") continue;
    found = true;
    std::set<std::string> cited;
    std::stringstream parts(f.citation);
    for (std::string part; std::getline(parts, part, ';');)
      cited.insert(part.substr(part.find_first_not_of(' ')));
    EXPECT_EQ(cited, expected) << f.citation;
  }
  EXPECT_TRUE(found);
}

// A policy judged NOT APPLICABLE judged no finding, so nothing cites it: the Medicare
// sample's case with the commercial CP.MP.69 (its header excludes Medicare) beside MC.CP.MP.69.
TEST(check_registry, a_policy_that_does_not_apply_is_not_cited) {
  const fs::path dir = samples() / "hn_imrt_7field";
  ReviewRequest request;
  request.paths = {dir};
  request.case_file = dir / "case.xml";
  request.policies = {"CP.MP.69", "MC.CP.MP.69"};
  request.check_options.compute_dvhs = false;
  const ReviewRun run = review_inputs(request);
  ASSERT_TRUE(run.errors.empty());
  ASSERT_EQ(run.reviews.size(), 1u);
  ASSERT_EQ(run.reviews[0].determinations.size(), 2u);
  EXPECT_EQ(run.reviews[0].determinations[0].outcome, Outcome::not_applicable);
  EXPECT_NE(run.reviews[0].determinations[1].outcome, Outcome::not_applicable);
  int cited_applied = 0;
  for (const auto& f : run.reviews[0].findings) {
    std::stringstream parts(f.citation);
    for (std::string part; std::getline(parts, part, ';');) {
      const std::string cited = part.substr(part.find_first_not_of(' '));  // "<policy> <outline id>"
      EXPECT_NE(cited.rfind("CP.MP.69 ", 0), 0u) << f.id << ": " << f.citation;
      if (cited.rfind("MC.CP.MP.69 ", 0) == 0) ++cited_applied;
    }
  }
  EXPECT_GT(cited_applied, 0);
}

}  // namespace
