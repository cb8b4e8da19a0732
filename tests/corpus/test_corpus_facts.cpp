// One set of facts per plan set over the real-world corpus (../shared/corpus; skipped when
// absent): the packet, `check --json` and `evaluate --json` print the same facts for every
// plan set, and each plan's fraction groups (number and fractions) are what pydicom reads
// from the RT Plan itself — the multi-group plans of the corpus included.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "../e2e/test_review_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::map<std::string, json> facts_by_set(const std::string& json_text) {
  std::map<std::string, json> out;
  const json doc = json::parse(json_text);
  for (const auto& set : doc.at("plan_sets")) out[set.at("plan_set_id")] = set.at("facts");
  return out;
}

// SOP Instance UID → [[FractionGroupNumber, NumberOfFractionsPlanned or null], ...] for every
// RT (Ion) Plan under `root`, read by pydicom: the truth comes from outside rtreview.
std::optional<json> pydicom_fraction_groups(const fs::path& root) {
  const std::string script = R"py(
import json, os, sys
import pydicom
out = {}
for folder, _, files in sorted(os.walk(sys.argv[1])):
    for name in sorted(files):
        try:
            ds = pydicom.dcmread(os.path.join(folder, name), stop_before_pixels=True)
        except Exception:
            continue
        if ds.get("Modality") not in ("RTPLAN", "RTIONPLAN") or "FractionGroupSequence" not in ds:
            continue
        out[str(ds.SOPInstanceUID)] = [
            [int(g.FractionGroupNumber) if g.get("FractionGroupNumber") is not None else None,
             int(g.NumberOfFractionsPlanned) if g.get("NumberOfFractionsPlanned") is not None else None]
            for g in ds.FractionGroupSequence]
print(json.dumps(out))
)py";
  const fs::path file = rtreview::test::make_temp_dir("rtreview-fg") / "fraction_groups.py";
  std::ofstream(file) << script;
  auto r = rtreview::test::run_command("/usr/bin/python3 " + quoted(file) + " " + quoted(root));
  fs::remove_all(file.parent_path());
  if (r.exit_code != 0) return std::nullopt;
  return json::parse(r.stdout_text);
}

TEST(corpus, facts_agree_across_commands_and_with_pydicom_fraction_groups) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const auto truth = pydicom_fraction_groups(corpus);
  if (!truth) GTEST_SKIP() << "python3-pydicom not installed: skipped";

  const fs::path case_file = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "case.xml";
  const std::string args = " " + quoted(corpus) + " --case " + quoted(case_file);
  const auto check = rtreview::test::run_rtreview("check --json --no-dvh" + args);
  const auto evaluate = rtreview::test::run_rtreview("evaluate --json" + args);
  const fs::path out = rtreview::test::make_temp_dir("rtreview-corpus-facts");
  const auto review = rtreview::test::run_rtreview("review --format json --out " + quoted(out) + args);
  ASSERT_LT(review.exit_code, 2) << review.stderr_text.substr(0, 2000);
  const auto from_check = facts_by_set(check.stdout_text);
  const auto from_evaluate = facts_by_set(evaluate.stdout_text);

  const json summary = json::parse(rtreview::test::read_file_text(out / "summary.json"));
  int compared = 0, multi_group = 0, with_plan = 0;
  for (const auto& entry : summary.at("packets")) {
    const json packet = json::parse(
        rtreview::test::read_file_text(out / entry.at("folder").get<std::string>() / "packet.json"));
    const std::string id = packet.at("plan_set_id");
    ASSERT_TRUE(from_check.count(id)) << id;
    ASSERT_TRUE(from_evaluate.count(id)) << id;
    const json& facts = packet.at("facts");
    EXPECT_EQ(facts, from_check.at(id)) << id;
    EXPECT_EQ(facts, from_evaluate.at(id)) << id;
    EXPECT_EQ(packet["patient"]["age_years"], facts["age_years"]) << id;
    ++compared;

    if (!truth->contains(id)) continue;  // no plan in the set (dose or structures alone)
    ++with_plan;
    const json& groups = truth->at(id);
    ASSERT_EQ(facts.at("fraction_groups").size(), groups.size()) << id;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (!groups[g][0].is_null()) {
        EXPECT_EQ(facts["fraction_groups"][g]["number"], groups[g][0]) << id;
      }
      EXPECT_EQ(facts["fraction_groups"][g]["fractions"], groups[g][1]) << id << " group " << g;
    }
    if (groups.size() > 1) ++multi_group;
  }
  fs::remove_all(out);
  EXPECT_GT(compared, 10);
  EXPECT_GT(with_plan, 5);
  EXPECT_GE(multi_group, 1) << "the corpus holds plans with several fraction groups";
  std::printf("facts compared for %d plan sets (%d with a plan, %d with several fraction groups)\n", compared,
              with_plan, multi_group);
}

}  // namespace
