// Batch review over the real-world corpus (../shared/corpus or $RTREVIEW_CORPUS):
// one packet per assembled plan set, an index, every unreadable file listed with a
// reason, every packet.json valid against the schema, and no crash. Skips when absent.
#include <gtest/gtest.h>

#include "../e2e/test_review_support.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::read_file_text;

namespace {

std::string quote(const fs::path& p) {
  std::string q = "'";
  q += p.string();
  q += "'";
  return q;
}

TEST(corpus, batch_review_writes_a_packet_per_plan_set_and_an_index) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  fs::path out = rtreview::test::make_temp_dir("rtreview-corpus-review");
  fs::path case_file = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "case.xml";
  auto r = rtreview::test::run_rtreview("review " + quote(corpus) + " --case " + quote(case_file) +
                                        " --out " + quote(out) + " --format html,pdf,json");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "exit " << r.exit_code << "\n"
                                                    << r.stderr_text.substr(0, 3000);

  // What the library assembles from the same inputs: the packets must match one to one.
  rtreview::Inventory inventory = rtreview::read_paths({corpus});
  std::vector<rtreview::PlanSet> sets = rtreview::assemble_plan_sets(inventory);

  json summary = json::parse(read_file_text(out / "summary.json"));
  ASSERT_EQ(summary["packets"].size(), sets.size());
  EXPECT_EQ(summary["exit_code"], r.exit_code);
  if (sets.size() > 1) {
    EXPECT_TRUE(fs::exists(out / "index.html"));
  }
  EXPECT_EQ(summary["unreadable"].size(), inventory.unreadable.size() + inventory.others.size());
  for (const auto& u : summary["unreadable"])
    EXPECT_FALSE(u["reason"].get<std::string>().empty()) << u["path"];

  json schema = json::parse(read_file_text(rtreview::test::packet_schema_path(rtreview::test::source_dir())));
  rtreview::test::SchemaValidator validator(schema);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto& entry = summary["packets"][i];
    fs::path folder = out / entry["folder"].get<std::string>();
    EXPECT_EQ(entry["plan_set_id"], sets[i].id);
    for (const char* f : {"packet.html", "packet.pdf", "packet.json"})
      EXPECT_TRUE(fs::exists(folder / f)) << folder / f;
    json packet = json::parse(read_file_text(folder / "packet.json"));
    auto problems = validator.validate(packet);
    EXPECT_TRUE(problems.empty()) << folder << ": " << (problems.empty() ? "" : problems[0]);
    std::string pdf = read_file_text(folder / "packet.pdf");
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-") << folder;
  }
  fs::remove_all(out);
}

// A proton dose and structure set whose RT Ion Plan has another PatientID (dcpt_let) form a plan
// set of their own. The IMRT policies cover photon plans only (policy-domain: proton, brachy and
// Gamma Knife plans are another policy's), so each is NOT APPLICABLE to it; before session 17
// the set was an unknown kind and MC.CP.MP.69 denied it for want of a GTV.
TEST(corpus, a_proton_dose_without_its_plan_is_not_judged_by_the_imrt_policies) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  fs::path out = rtreview::test::make_temp_dir("rtreview-corpus-planless");
  fs::path case_file = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "case.xml";
  auto r =
      rtreview::test::run_rtreview("review " + quote(corpus / "dcpt_let" / "plan03_ramp_full") + " --case " +
                                   quote(case_file) + " --out " + quote(out) + " --format json");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.stderr_text.substr(0, 3000);
  json summary = json::parse(read_file_text(out / "summary.json"));
  int planless = 0;
  for (const auto& entry : summary["packets"]) {
    json packet = json::parse(read_file_text(out / entry["folder"].get<std::string>() / "packet.json"));
    bool has_plan = false, has_dose = false;
    for (const auto& input : packet["inputs"]) {
      has_plan = has_plan || input["role"] == "RTPLAN";
      has_dose = has_dose || input["role"] == "RTDOSE";
    }
    if (has_plan || !has_dose) continue;
    ++planless;
    EXPECT_EQ(packet["facts"]["plan_kind"], "ion");
    for (const auto& d : packet["determinations"]) {
      const std::string id = d["policy"]["id"];
      if (id == "MC.CP.MP.69" || id == "KPWA-IMRT" || id == "LCD-IMRT-FL") {
        EXPECT_EQ(d["outcome"], "NOT APPLICABLE") << id << ": " << d["summary"];
      }
    }
  }
  EXPECT_EQ(planless, 1);
  fs::remove_all(out);
}

}  // namespace
