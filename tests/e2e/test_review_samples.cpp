// End-to-end: `rtreview review` on every dicom_samples/ set with its case.xml.
// Asserts what dicom_samples/EXPECTED.md states (exit code, overall outcome, outcome
// per policy, failing checks), that packet.json validates against the shipped schema,
// that two runs give byte-identical files, and the batch / error exit codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "test_review_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::read_file_text;

namespace {

struct Expected {
  std::string set;
  int exit_code;
  std::string overall;
  std::map<std::string, std::string> outcomes;  // policy id → outcome; empty: not asserted
  std::set<std::string> failing_checks;         // findings at fail level (default --fail-on fail)
};

// gtest prints the set name instead of the struct's bytes.
void PrintTo(const Expected& e, std::ostream* os) { *os << e.set; }

const std::string meets = "MEETS", insufficient = "INSUFFICIENT DOCUMENTATION",
                  does_not_meet = "DOES NOT MEET";

// KPWA-IMRT's Medicare path follows LCD L34080 whole (issue 10): by default it ends as the
// Florida LCD does, whose text is the same standard Medicare IMRT LCD.
std::map<std::string, std::string> all(const std::string& mc, const std::string& lcd,
                                       const std::string& kpwa = "") {
  return {{"MC.CP.MP.69", mc},
          {"LCD-IMRT-FL", lcd},
          {"KPWA-IMRT", kpwa.empty() ? lcd : kpwa},
          {"04-77260-19", meets}};
}

// Keep in step with dicom_samples/EXPECTED.md.
const std::vector<Expected> expected_sets = {
    {"hn_imrt_7field", 0, meets, all(meets, meets), {}},
    {"hn_vmat_2arc", 0, meets, all(meets, meets), {}},
    {"hn_compensator_imrt", 0, meets, all(meets, meets), {}},
    // Field-in-field is not IMRT: TECHNIQUE_IMRT fails, and with it the IMRT policies'
    // "the plan is an IMRT plan" item (Kaiser's Medicare path through L34080 too); the IGRT
    // criteria do not ask.
    {"hn_3d_fif", 1, does_not_meet, all(does_not_meet, does_not_meet), {"TECHNIQUE_IMRT"}},
    {"broken_grid_12mm", 1, does_not_meet, all(does_not_meet, meets), {"DOSE_GRID_SPACING"}},
    {"broken_no_ptv", 1, does_not_meet, all(does_not_meet, meets), {"PTV_CONTOURED"}},
    {"broken_frame_of_reference",
     1,
     insufficient,
     all(meets, insufficient),
     {"DOSE_OBJECT_FIT", "DVH_COMPUTABLE", "FRAME_OF_REFERENCE_MISMATCH"}},
    {"broken_roi_outside_grid", 1, insufficient, all(meets, insufficient), {"DVH_COMPUTABLE"}},
    // No plan: technique, prescription and beams cannot be verified; not evaluable at error
    // severity counts as failing (EXPECTED.md), like the unreadable plan file itself.
    {"broken_truncated",
     1,
     insufficient,
     all(insufficient, insufficient),
     {"BEAM_DESCRIPTION", "DOSE_CONSTRAINTS", "FILE_UNREADABLE", "PRESCRIPTION", "TECHNIQUE_IMRT"}},
};

fs::path samples() { return rtreview::test::source_dir() / "dicom_samples"; }

std::string quote(const fs::path& p) {
  std::string q = "'";
  q += p.string();
  q += "'";
  return q;
}

rtreview::test::CommandResult review(const std::string& set, const fs::path& out,
                                     const std::string& formats) {
  fs::path dir = samples() / set;
  return rtreview::test::run_rtreview("review " + quote(dir) + " --case " + quote(dir / "case.xml") +
                                      " --out " + quote(out) + " --format " + formats);
}

std::vector<std::string> validate(const json& doc) {
  json schema = json::parse(read_file_text(rtreview::test::packet_schema_path(rtreview::test::source_dir())));
  rtreview::test::SchemaValidator validator(schema);
  return validator.validate(doc);
}

class ReviewSample : public ::testing::TestWithParam<Expected> {};

TEST_P(ReviewSample, determination_checks_exit_code_and_schema) {
  const Expected& e = GetParam();
  ASSERT_TRUE(fs::exists(samples() / e.set / "case.xml")) << e.set;
  fs::path out = rtreview::test::make_temp_dir("rtreview-review-" + e.set);
  auto r = review(e.set, out, "json,html");
  EXPECT_EQ(r.exit_code, e.exit_code) << r.stdout_text << r.stderr_text;
  ASSERT_TRUE(fs::exists(out / "packet.json")) << r.stderr_text;
  ASSERT_TRUE(fs::exists(out / "packet.html"));
  ASSERT_TRUE(fs::exists(out / "summary.json"));
  json packet = json::parse(read_file_text(out / "packet.json"));

  if (!e.overall.empty()) {
    EXPECT_EQ(packet["overall"], e.overall);
  }
  std::map<std::string, std::string> outcomes;
  for (const auto& d : packet["determinations"]) outcomes[d["policy"]["id"]] = d["outcome"];
  if (!e.outcomes.empty()) {
    EXPECT_EQ(outcomes, e.outcomes);
  } else {
    EXPECT_EQ(outcomes.size(), 4u) << "the four Medicare-applicable policies are evaluated";
  }

  std::set<std::string> failing;
  for (const auto& f : packet["findings"])
    if (f["fail_level"] == "fail") failing.insert(f["id"]);
  EXPECT_EQ(failing, e.failing_checks);

  auto problems = validate(packet);
  EXPECT_TRUE(problems.empty()) << problems.size()
                                << " schema problem(s), first: " << (problems.empty() ? "" : problems[0]);

  json summary = json::parse(read_file_text(out / "summary.json"));
  EXPECT_EQ(summary["exit_code"], e.exit_code);
  ASSERT_EQ(summary["packets"].size(), 1u);
  EXPECT_EQ(summary["packets"][0]["folder"], "");
  fs::remove_all(out);
}

std::string set_name(const ::testing::TestParamInfo<Expected>& info) { return info.param.set; }

INSTANTIATE_TEST_SUITE_P(samples, ReviewSample, ::testing::ValuesIn(expected_sets), set_name);

TEST(review, truncated_plan_file_is_listed_with_its_reason) {
  fs::path out = rtreview::test::make_temp_dir("rtreview-review-trunc");
  review("broken_truncated", out, "json");
  json packet = json::parse(read_file_text(out / "packet.json"));
  bool listed = false;
  for (const auto& u : packet["unreadable"])
    listed = listed || (u["path"].get<std::string>().find("RP.dcm") != std::string::npos &&
                        !u["reason"].get<std::string>().empty());
  EXPECT_TRUE(listed) << packet["unreadable"].dump();
  bool finding = false;
  for (const auto& f : packet["findings"]) finding = finding || f["id"] == "FILE_UNREADABLE";
  EXPECT_TRUE(finding);
  // The case file next to the DICOM files is an input, never reported as unreadable.
  for (const auto& u : packet["unreadable"])
    EXPECT_EQ(u["path"].get<std::string>().find("case.xml"), std::string::npos);
  fs::remove_all(out);
}

// Where two files first differ, with the bytes around it (printable), so that a difference
// seen once under a full parallel test run can be told apart from the next.
std::string first_difference(const std::string& a, const std::string& b) {
  const std::size_t at = static_cast<std::size_t>(
      std::mismatch(a.begin(), a.begin() + std::min(a.size(), b.size()), b.begin()).first - a.begin());
  auto around = [at](const std::string& s) {
    std::string shown;
    for (char c : s.substr(at < 60 ? 0 : at - 60, 160)) shown += (c >= 32 && c < 127) ? c : '.';
    return shown;
  };
  return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
         ", first difference at byte " + std::to_string(at) + ":\n  " + around(a) + "\n  " + around(b);
}

TEST(review, two_runs_give_byte_identical_files) {
  fs::path a = rtreview::test::make_temp_dir("rtreview-review-det-a");
  fs::path b = rtreview::test::make_temp_dir("rtreview-review-det-b");
  ASSERT_EQ(review("hn_vmat_2arc", a, "html,pdf,json").exit_code, 0);
  ASSERT_EQ(review("hn_vmat_2arc", b, "html,pdf,json").exit_code, 0);
  // cairo 1.16 honours the fixed CreationDate we set, so the PDF is stable too.
  const std::string pdf = read_file_text(a / "packet.pdf");
  ASSERT_GT(pdf.size(), 1000u);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  bool same = true;
  for (const char* f : {"packet.json", "packet.html", "summary.json", "packet.pdf"}) {
    const std::string in_a = read_file_text(a / f), in_b = read_file_text(b / f);
    if (in_a == in_b) continue;
    same = false;
    ADD_FAILURE() << f << " differs between two runs: " << first_difference(in_a, in_b) << "\n  (kept: " << a
                  << ", " << b << ")";
  }
  if (!same) return;  // both runs' files kept for a look
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(review, batch_over_all_samples_writes_one_packet_per_set_and_an_index) {
  fs::path out = rtreview::test::make_temp_dir("rtreview-review-batch");
  auto r = rtreview::test::run_rtreview("review " + quote(samples()) + " --case " +
                                        quote(samples() / "hn_imrt_7field" / "case.xml") + " --out " +
                                        quote(out) + " --format html,json");
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;  // the broken sets fail
  ASSERT_TRUE(fs::exists(out / "index.html"));
  json summary = json::parse(read_file_text(out / "summary.json"));
  // One packet per sample plan set: every folder holding an RS.dcm (the issue-11 samples
  // have no case file of their own but are reviewed in the batch too).
  std::size_t set_folders = 0;
  for (const auto& e : fs::recursive_directory_iterator(samples()))
    set_folders += e.is_regular_file() && e.path().filename() == "RS.dcm";
  EXPECT_EQ(summary["packets"].size(), set_folders);
  for (const auto& p : summary["packets"]) {
    std::string folder = p["folder"];
    EXPECT_FALSE(folder.empty());
    EXPECT_TRUE(fs::exists(out / folder / "packet.html")) << folder;
    EXPECT_TRUE(fs::exists(out / folder / "packet.json")) << folder;
  }
  std::string index = read_file_text(out / "index.html");
  EXPECT_NE(index.find("RTR-S01"), std::string::npos);
  EXPECT_FALSE(summary["unreadable"].empty())
      << "RP.dcm of broken_truncated and the non-DICOM files are listed";
  json schema =
      json::parse(read_file_text(rtreview::test::source_dir() / "src" / "render" / "summary.schema.json"));
  auto problems = rtreview::test::SchemaValidator(schema).validate(summary);
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0]);
  fs::remove_all(out);
}

TEST(review, exit_codes_for_usage_case_errors_and_no_input) {
  fs::path out = rtreview::test::make_temp_dir("rtreview-review-codes");
  fs::path set = samples() / "hn_imrt_7field";
  // A case file with an error → 2, nothing written.
  fs::path bad_case = out / "bad.xml";
  std::ofstream(bad_case) << "<case version=\"1\"><line-of-business>medicare</line-of-business></case>";
  auto r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(bad_case) + " --out " +
                                        quote(out / "a"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.stderr_text.find("bad.xml"), std::string::npos) << r.stderr_text;
  // An unknown policy id → 2.
  r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(set / "case.xml") +
                                   " --policy NO-SUCH-POLICY --out " + quote(out / "b"));
  EXPECT_EQ(r.exit_code, 2) << r.stderr_text;
  // A bad --format / --fail-on → 2.
  r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(set / "case.xml") +
                                   " --format docx --out " + quote(out / "c"));
  EXPECT_EQ(r.exit_code, 2);
  r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(set / "case.xml") +
                                   " --fail-on never");
  EXPECT_EQ(r.exit_code, 2);
  // No DICOM at all → 3, summary.json still says why.
  fs::path empty = out / "empty";
  fs::create_directories(empty);
  std::ofstream(empty / "notes.txt") << "not dicom";
  r = rtreview::test::run_rtreview("review " + quote(empty) + " --case " + quote(set / "case.xml") +
                                   " --out " + quote(out / "d"));
  EXPECT_EQ(r.exit_code, 3) << r.stderr_text;
  json summary = json::parse(read_file_text(out / "d" / "summary.json"));
  EXPECT_EQ(summary["exit_code"], 3);
  EXPECT_EQ(summary["unreadable"].size(), 1u);
  // --policy selects one policy; --fail-on warning makes warnings count.
  r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(set / "case.xml") +
                                   " --policy MC.CP.MP.69 --format json --out " + quote(out / "e"));
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  json packet = json::parse(read_file_text(out / "e" / "packet.json"));
  ASSERT_EQ(packet["determinations"].size(), 1u);
  EXPECT_EQ(packet["determinations"][0]["policy"]["id"], "MC.CP.MP.69");
  fs::remove_all(out);
}

TEST(review, packet_json_validates_with_python_jsonschema_when_installed) {
  if (rtreview::test::run_command("python3 -c 'import jsonschema'").exit_code != 0)
    GTEST_SKIP() << "python3-jsonschema not installed: skipped (the C++ validator above still runs)";
  fs::path out = rtreview::test::make_temp_dir("rtreview-review-pyschema");
  review("hn_compensator_imrt", out, "json");
  fs::path schema = rtreview::test::packet_schema_path(rtreview::test::source_dir());
  auto r = rtreview::test::run_command(
      "python3 -c 'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); "
      "jsonschema.Draft202012Validator.check_schema(s); "
      "jsonschema.Draft202012Validator(s).validate(json.load(open(sys.argv[2])))' " +
      quote(schema) + " " + quote(out / "packet.json"));
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  fs::remove_all(out);
}

}  // namespace
