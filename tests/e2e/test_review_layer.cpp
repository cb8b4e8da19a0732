// One review pipeline: every command shows the facts of the same PlanSetReview, and an
// installed, moved binary gives the same bytes as the build tree's.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "test_review_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::run_command;
using rtreview::test::run_rtreview;

namespace {

fs::path samples() { return rtreview::test::source_dir() / "dicom_samples"; }

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// plan_set_id → facts object, from a command's JSON (`check --json`, `evaluate --json`).
std::map<std::string, json> facts_by_set(const std::string& json_text) {
  std::map<std::string, json> out;
  const json doc = json::parse(json_text);  // named: a temporary's member would dangle in the loop
  for (const auto& set : doc.at("plan_sets")) out[set.at("plan_set_id")] = set.at("facts");
  return out;
}

// The facts the determinations used (age with its source, fractions, prescription) are the
// same values in the packet, in `check --json` and in `evaluate --json`, for every sample.
TEST(review_layer, facts_agree_across_packet_check_and_evaluate) {
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(samples())) {
    const fs::path case_file = entry.path() / "case.xml";
    if (!fs::is_regular_file(case_file)) continue;
    const std::string args = " " + quoted(entry.path()) + " --case " + quoted(case_file);
    auto check = run_rtreview("check --json --no-dvh" + args);
    auto evaluate = run_rtreview("evaluate --json" + args);
    const fs::path out = rtreview::test::make_temp_dir("rtreview-facts");
    auto review = run_rtreview("review --format json --out " + quoted(out) + args);
    ASSERT_LT(review.exit_code, 2) << review.stderr_text;
    const auto from_check = facts_by_set(check.stdout_text);
    const auto from_evaluate = facts_by_set(evaluate.stdout_text);
    const json packet = json::parse(rtreview::test::read_file_text(out / "packet.json"));
    const std::string id = packet["plan_set_id"];
    ASSERT_TRUE(from_check.count(id)) << entry.path();
    ASSERT_TRUE(from_evaluate.count(id)) << entry.path();
    EXPECT_EQ(packet["facts"], from_check.at(id)) << entry.path();
    EXPECT_EQ(packet["facts"], from_evaluate.at(id)) << entry.path();
    // The header's age is the age the determinations used.
    EXPECT_EQ(packet["patient"]["age_years"], packet["facts"]["age_years"]) << entry.path();
    fs::remove_all(out);
    ++compared;
  }
  EXPECT_GE(compared, 9);
}

// cmake --install, then the prefix moved elsewhere: the installed binary finds its rulesets,
// its PDF renderer module and its front-door program next to itself and writes the same packet bytes (PDF
// included) as the build tree's binary.
TEST(review_layer, installed_and_moved_binary_writes_identical_packets) {
  const fs::path build_dir = fs::path(RTREVIEW_BINARY).parent_path();
  const fs::path root = rtreview::test::make_temp_dir("rtreview-install");
  auto install = run_command("cmake --install " + quoted(build_dir) + " --prefix " + quoted(root / "first"));
  ASSERT_EQ(install.exit_code, 0) << install.stderr_text;
  ASSERT_TRUE(
      fs::is_regular_file(root / "first" / "share" / "rtreview" / "rulesets" / "structure-names.tsv"));
  fs::rename(root / "first", root / "moved");
  const fs::path installed = root / "moved" / "bin" / "rtreview";
  ASSERT_TRUE(fs::is_regular_file(installed));
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(samples())) {
    const fs::path case_file = entry.path() / "case.xml";
    if (!fs::is_regular_file(case_file)) continue;
    const std::string args =
        " review " + quoted(entry.path()) + " --case " + quoted(case_file) + " --format json,html --out ";
    const fs::path a = root / ("build-" + entry.path().filename().string());
    const fs::path b = root / ("installed-" + entry.path().filename().string());
    auto from_build =
        run_command("env -u RTREVIEW_RULESET_DIR " + quoted(RTREVIEW_BINARY) + args + quoted(a));
    auto from_install = run_command("env -u RTREVIEW_RULESET_DIR " + quoted(installed) + args + quoted(b));
    ASSERT_EQ(from_build.exit_code, from_install.exit_code) << from_install.stderr_text;
    for (const char* file : {"packet.json", "packet.html", "summary.json"})
      EXPECT_EQ(rtreview::test::read_file_text(a / file), rtreview::test::read_file_text(b / file))
          << entry.path() << " " << file;
    ++compared;
  }
  EXPECT_GE(compared, 9);
  // The PDF renderer module is installed in lib/rtreview/ and found there from the moved prefix.
  ASSERT_TRUE(fs::is_regular_file(root / "moved" / "lib" / "rtreview" / "rtreview-pdf.so"));
  const fs::path set = samples() / "hn_imrt_7field";
  const std::string args =
      " review " + quoted(set) + " --case " + quoted(set / "case.xml") + " --format pdf --out ";
  auto pdf_build =
      run_command("env -u RTREVIEW_RULESET_DIR " + quoted(RTREVIEW_BINARY) + args + quoted(root / "pdf-a"));
  auto pdf_install =
      run_command("env -u RTREVIEW_RULESET_DIR " + quoted(installed) + args + quoted(root / "pdf-b"));
  ASSERT_EQ(pdf_build.exit_code, 0) << pdf_build.stderr_text;
  ASSERT_EQ(pdf_install.exit_code, 0) << pdf_install.stderr_text;
  const std::string pdf = rtreview::test::read_file_text(root / "pdf-b" / "packet.pdf");
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf, rtreview::test::read_file_text(root / "pdf-a" / "packet.pdf"));
  // The front-door program is installed beside it and takes `listen` over from the moved
  // prefix (a data folder under a file fails at once, with the listener's own message).
  ASSERT_TRUE(fs::is_regular_file(root / "moved" / "bin" / "rtreview-front-door"));
  std::ofstream(root / "a-file") << "not a folder\n";
  auto listen = run_command("timeout 30 " + quoted(installed) + " listen --port 0 --data " +
                            quoted(root / "a-file" / "data"));
  EXPECT_EQ(listen.exit_code, 2);
  EXPECT_NE(listen.stderr_text.find("rtreview listen: " + (root / "a-file" / "data" / "incoming").string() +
                                    ": error: Not a directory"),
            std::string::npos)
      << listen.stderr_text;
  fs::remove_all(root);
}

// --rulesets DIR replaces everything, the structure vocabulary included: the vocabulary
// read is DIR's (its problems name DIR's file), never the build-time one.
TEST(review_layer, rulesets_option_replaces_the_structure_vocabulary) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-rulesets");
  fs::copy(rtreview::test::source_dir() / "rulesets", root / "rulesets", fs::copy_options::recursive);
  const fs::path vocabulary = root / "rulesets" / "structure-names.tsv";
  const std::string text = rtreview::test::read_file_text(vocabulary);
  std::ofstream(vocabulary, std::ios::trunc) << text << "Bogus\tnot_a_category\tBogus\n";
  const std::string set = " " + quoted(samples() / "hn_vmat_2arc");
  auto shipped = run_rtreview("check --json --no-dvh" + set);
  auto replaced = run_rtreview("check --json --no-dvh --rulesets " + quoted(root / "rulesets") + set);
  EXPECT_EQ(shipped.stderr_text.find("not_a_category"), std::string::npos) << shipped.stderr_text;
  EXPECT_NE(replaced.stderr_text.find(vocabulary.string()), std::string::npos) << replaced.stderr_text;
  EXPECT_NE(replaced.stderr_text.find("not_a_category"), std::string::npos) << replaced.stderr_text;
  fs::remove(vocabulary);
  auto missing = run_rtreview("check --json --no-dvh --rulesets " + quoted(root / "rulesets") + set);
  EXPECT_NE(missing.stderr_text.find(vocabulary.string() + ": cannot read structure vocabulary"),
            std::string::npos)
      << missing.stderr_text;
  fs::remove_all(root);
}

}  // namespace
