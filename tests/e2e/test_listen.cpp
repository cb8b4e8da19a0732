// `rtreview listen` against DCMTK's own storescu / echoscu: the truths come from outside the
// receiver — the samples' expected outcomes (dicom_samples/EXPECTED.md), `rtreview review` on
// the same files, dcmdump of what was stored, and the peers' own exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "expected_samples.h"
#include "listen_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::ListenProcess;
using rtreview::test::read_text;
using rtreview::test::run_command;
using rtreview::test::wait_until;

namespace {

using rtreview::test::dataset_dump;
using rtreview::test::dcm_value;
using rtreview::test::files_under;
using rtreview::test::read_jsonl;
using rtreview::test::storescu;
using Fixture = rtreview::test::ListenFixture;
fs::path samples() { return rtreview::test::samples_dir(); }

using Expected = rtreview::test::ExpectedSample;

// Every sample set with an expected outcome (but broken_truncated, whose plan cannot be sent),
// pushed by storescu in different transfer syntaxes: one review each, determinations as
// EXPECTED.md says; for one set per transfer syntax, packet.json byte-identical to `rtreview
// review` on the received files and the stored data sets equal to the sent ones.
TEST(listen, samples_pushed_by_storescu_are_reviewed_like_rtreview_review) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  const auto expected = rtreview::test::expected_samples();
  ASSERT_GE(expected.size(), 8u);
  std::vector<std::string> sets;
  for (const auto& [set, _] : expected)
    if (set != "broken_truncated") sets.push_back(set);
  for (const auto& set : sets) fx.add_case(set);
  ListenProcess listen(RTREVIEW_BINARY, fx.args(1), fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  ASSERT_EQ(run_command("echoscu -aec RTREVIEW 127.0.0.1 " + std::to_string(listen.port())).exit_code, 0);
  const std::vector<std::string> syntaxes = {"", "-xd", "-xb",
                                             "-xi"};  // default, deflate, big endian, implicit
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto r =
        storescu(listen.port(), syntaxes[i % syntaxes.size()] + " '" + (samples() / sets[i]).string() +
                                    "'/RP.dcm '" + (samples() / sets[i]).string() + "'/RS.dcm '" +
                                    (samples() / sets[i]).string() + "'/RD.dcm");
    ASSERT_EQ(r.exit_code, 0) << sets[i] << ": " << r.stderr_text;
  }
  ASSERT_TRUE(wait_until([&] { return fx.review_lines() >= sets.size(); }, 60)) << listen.log();
  const auto lines = read_jsonl(fx.data / "reviews.jsonl");
  EXPECT_EQ(lines.size(), sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const std::string& set = sets[i];
    const std::string pid = dcm_value(samples() / set / "RP.dcm", "PatientID");
    const json* line = nullptr;
    for (const auto& l : lines)
      if (l["patient_id"] == pid) line = &l;
    ASSERT_NE(line, nullptr) << set;
    EXPECT_EQ((*line)["review"], 1);
    EXPECT_EQ((*line)["plan_uids"][0], dcm_value(samples() / set / "RP.dcm", "SOPInstanceUID"));
    EXPECT_EQ((*line)["inputs"].size(), 3u) << set;
    std::map<std::string, std::string> outcomes;
    for (const auto& d : (*line)["determinations"]) outcomes[d["policy"]] = d["outcome"];
    EXPECT_EQ(outcomes, expected.at(set).outcomes) << set;
    EXPECT_EQ((*line)["exit_code"], expected.at(set).exit_code) << set;
    const fs::path study = fx.data / (*line)["study_dir"].get<std::string>();
    if (i >= syntaxes.size()) continue;  // one set per transfer syntax is enough (test time)
    // The same files through `rtreview review`: the same packet, byte for byte.
    const fs::path out = fx.dir / ("review-" + set);
    rtreview::test::run_rtreview("review '" + study.string() + "' --case '" +
                                 (*line)["case_file"].get<std::string>() + "' --format json --out '" +
                                 out.string() + "'");
    const fs::path packet = fx.data / (*line)["packet"].get<std::string>() / "packet.json";
    EXPECT_EQ(read_text(packet), read_text(out / "packet.json")) << set;
    // What was stored is what was sent (data set as dcmdump reads it).
    for (const auto& name : {"RP.dcm", "RS.dcm"}) {
      const std::string uid = dcm_value(samples() / set / name, "SOPInstanceUID");
      bool found = false;
      for (const auto& f : files_under(study))
        if (f.filename().string().find(uid) != std::string::npos) {
          found = true;
          if (syntaxes[i % syntaxes.size()].empty()) {  // sent as it is on disk
            EXPECT_EQ(dataset_dump(f), dataset_dump(samples() / set / name)) << f;
          }
        }
      EXPECT_TRUE(found) << set << " " << name;
    }
  }
  listen.kill(SIGTERM);
  EXPECT_EQ(listen.wait_exit(10), 0) << listen.log();
  EXPECT_NE(listen.log().find("1 echo"), std::string::npos);
}

// A SOP class we do not offer (Secondary Capture) is refused at negotiation; nothing is stored.
TEST(listen, unoffered_sop_class_is_refused_at_negotiation) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  const fs::path sc = fx.dir / "sc.dcm";
  fs::copy_file(samples() / "hn_imrt_7field" / "RP.dcm", sc);
  // dcmodify updates the File Meta's MediaStorageSOPClassUID itself.
  ASSERT_EQ(
      run_command("dcmodify -nb -i SOPClassUID=1.2.840.10008.5.1.4.1.1.7 '" + sc.string() + "'").exit_code,
      0);
  ListenProcess listen(RTREVIEW_BINARY, fx.args(1), fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  const auto r = storescu(listen.port(), "-R '" + sc.string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.stdout_text + r.stderr_text).find("No Acceptable Presentation Contexts"), std::string::npos)
      << r.stdout_text << r.stderr_text;
  EXPECT_TRUE(files_under(fx.data / "incoming").empty());
}

// --allow: an AE not on the list is rejected (storescu says so); a listed one is served.
TEST(listen, calling_ae_not_on_allow_list_is_rejected) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  ListenProcess listen(RTREVIEW_BINARY, fx.args(1, {"--allow", "TPS@127.0.0.1", "--allow", "ORTHANC"}),
                       fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  const std::string plan = "'" + (samples() / "hn_imrt_7field" / "RP.dcm").string() + "'";
  const auto rejected = storescu(listen.port(), plan, "INTRUDER");
  EXPECT_NE(rejected.exit_code, 0);
  EXPECT_NE((rejected.stdout_text + rejected.stderr_text).find("Association Rejected"), std::string::npos)
      << rejected.stderr_text;
  EXPECT_TRUE(files_under(fx.data / "incoming").empty());
  EXPECT_EQ(storescu(listen.port(), plan, "TPS").exit_code, 0);
  EXPECT_EQ(storescu(listen.port(), plan, "ORTHANC").exit_code, 0);  // duplicate: acknowledged
  EXPECT_EQ(files_under(fx.data / "incoming").size(), 1u);
  EXPECT_TRUE(wait_until([&] { return listen.log().find("not on the allow-list") != std::string::npos; }, 5))
      << listen.log();
}

// The same SOP Instance UID again: identical data set → acknowledged, stored once; different
// bytes → kept beside the first as .dup2.dcm, the first untouched.
TEST(listen, duplicate_instances_same_and_different_bytes) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  ListenProcess listen(RTREVIEW_BINARY, fx.args(60), fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  const fs::path plan = samples() / "hn_imrt_7field" / "RP.dcm";
  ASSERT_EQ(storescu(listen.port(), "'" + plan.string() + "'").exit_code, 0);
  ASSERT_EQ(storescu(listen.port(), "'" + plan.string() + "'").exit_code, 0);
  auto stored = files_under(fx.data / "incoming");
  ASSERT_EQ(stored.size(), 1u);
  const std::string first_dump = dataset_dump(stored[0]);
  EXPECT_EQ(first_dump, dataset_dump(plan));
  const fs::path changed = fx.dir / "changed.dcm";
  fs::copy_file(plan, changed);
  ASSERT_EQ(run_command("dcmodify -nb -i StudyDescription=changed '" + changed.string() + "'").exit_code, 0);
  ASSERT_EQ(storescu(listen.port(), "'" + changed.string() + "'").exit_code, 0);
  stored = files_under(fx.data / "incoming");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(dataset_dump(stored[0]), first_dump);
  EXPECT_NE(stored[1].filename().string().find(".dup2.dcm"), std::string::npos) << stored[1];
  EXPECT_EQ(dataset_dump(stored[1]), dataset_dump(changed));
  EXPECT_TRUE(
      wait_until([&] { return listen.log().find("different bytes kept as") != std::string::npos; }, 5));
  EXPECT_NE(listen.log().find("0 stored, 1 duplicate"), std::string::npos) << listen.log();
}

// kill -9 while storescu is sending: after a restart every stored file is complete (dcmdump
// reads it and it equals its source), nothing partial is visible, and the study that was
// waiting is reviewed. Then SIGTERM ends the listener with exit code 0.
TEST(listen, kill9_during_transfer_then_restart_reviews_the_waiting_study) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  fx.add_case("hn_vmat_2arc");
  const fs::path set = samples() / "hn_vmat_2arc";
  std::map<std::string, fs::path> sources;  // SOP Instance UID → sample file
  for (const auto& name : {"RP.dcm", "RS.dcm", "RD.dcm"})
    sources[dcm_value(set / name, "SOPInstanceUID")] = set / name;
  {
    ListenProcess listen(RTREVIEW_BINARY, fx.args(60), fx.dir / "listen1.log");
    ASSERT_GT(listen.port(), 0) << listen.log();
    // Many sends in the background; the receiver dies somewhere among them.
    const std::string loop = "for i in 1 2 3 4 5 6 7 8; do storescu -aec RTREVIEW 127.0.0.1 " +
                             std::to_string(listen.port()) + " '" + (set / "RD.dcm").string() + "' '" +
                             (set / "RS.dcm").string() + "' '" + (set / "RP.dcm").string() + "'; done";
    run_command("(" + loop + ") >/dev/null 2>&1 & sleep 0.3");
    listen.kill(SIGKILL);
  }
  for (const auto& f : files_under(fx.data / "incoming")) {
    ASSERT_EQ(f.extension(), ".dcm") << f;
    const std::string uid = dcm_value(f, "SOPInstanceUID");
    ASSERT_TRUE(sources.count(uid)) << f;
    EXPECT_EQ(dataset_dump(f), dataset_dump(sources[uid])) << f;
  }
  // Complete the study (the restart also clears the scratch folder) and see it reviewed.
  ListenProcess listen(RTREVIEW_BINARY, fx.args(1), fx.dir / "listen2.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  EXPECT_TRUE(files_under(fx.data / ".partial").empty());
  ASSERT_EQ(storescu(listen.port(), "'" + set.string() + "'/RP.dcm '" + set.string() + "'/RS.dcm '" +
                                        set.string() + "'/RD.dcm")
                .exit_code,
            0);
  ASSERT_TRUE(wait_until([&] { return fx.review_lines() >= 1; }, 30)) << listen.log();
  const auto lines = read_jsonl(fx.data / "reviews.jsonl");
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["overall"], "MEETS");
  EXPECT_EQ(lines[0]["review"], 1);
  listen.kill(SIGTERM);
  EXPECT_EQ(listen.wait_exit(10), 0) << listen.log();
  EXPECT_NE(listen.log().find("stopped"), std::string::npos);
}

// A study received by a listener that was killed before its quiet time ended is reviewed
// by the next start, without anything being sent again; a second restart does not review it again.
TEST(listen, study_waiting_at_kill_is_reviewed_after_restart_once) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  fx.add_case("hn_3d_fif");
  const fs::path set = samples() / "hn_3d_fif";
  {
    ListenProcess listen(RTREVIEW_BINARY, fx.args(60, {"--log-json"}), fx.dir / "listen1.log");
    ASSERT_GT(listen.port(), 0) << listen.log();
    ASSERT_EQ(storescu(listen.port(), "'" + set.string() + "'/RP.dcm '" + set.string() + "'/RS.dcm '" +
                                          set.string() + "'/RD.dcm")
                  .exit_code,
              0);
    // --log-json: every status line is a JSON object.
    ASSERT_TRUE(wait_until([&] { return listen.log().find("\"association\"") != std::string::npos; }, 5));
    std::stringstream log(listen.log());
    std::string line;
    while (std::getline(log, line)) EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
    listen.kill(SIGKILL);
  }
  EXPECT_EQ(fx.review_lines(), 0u);
  {
    ListenProcess listen(RTREVIEW_BINARY, fx.args(0.5), fx.dir / "listen2.log");
    ASSERT_TRUE(wait_until([&] { return fx.review_lines() >= 1; }, 30)) << listen.log();
    listen.kill(SIGTERM);
    EXPECT_EQ(listen.wait_exit(10), 0);
  }
  const auto lines = read_jsonl(fx.data / "reviews.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["overall"], "DOES NOT MEET");
  EXPECT_EQ(lines[0]["failed_checks"], json::array({"TECHNIQUE_IMRT"}));
  {
    ListenProcess listen(RTREVIEW_BINARY, fx.args(0.2), fx.dir / "listen3.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    listen.kill(SIGTERM);
    EXPECT_EQ(listen.wait_exit(10), 0);
  }
  EXPECT_EQ(fx.review_lines(), 1u);
}

}  // namespace

namespace {

// Two plan sets of one patient (hn_3d_fif re-labelled to hn_imrt_7field's PatientID, its case
// file likewise), their objects interleaved in one association: two packets, each with the
// determinations EXPECTED.md gives its set, each matched to its own case file by plan label.
TEST(listen, two_plan_sets_of_one_patient_interleaved_give_two_correct_packets) {
  REQUIRE_DCMTK_TOOLS();
  Fixture fx;
  const fs::path imrt = samples() / "hn_imrt_7field", fif = fx.dir / "fif";
  fs::create_directories(fif);
  for (const auto& name : {"RP.dcm", "RS.dcm", "RD.dcm"})
    fs::copy_file(samples() / "hn_3d_fif" / name, fif / name);
  const std::string pid = dcm_value(imrt / "RP.dcm", "PatientID");
  ASSERT_EQ(run_command("dcmodify -nb -i PatientID=" + pid + " '" + fif.string() + "'/*.dcm").exit_code, 0);
  fx.add_case("hn_imrt_7field");
  const std::string fif_case = std::regex_replace(
      read_text(samples() / "hn_3d_fif" / "case.xml"),
      std::regex("id=\"" + dcm_value(samples() / "hn_3d_fif" / "RP.dcm", "PatientID") + "\""),
      "id=\"" + pid + "\"");
  std::ofstream(fx.cases / (pid + "__" + dcm_value(fif / "RP.dcm", "RTPlanLabel") + ".xml")) << fif_case;
  ListenProcess listen(RTREVIEW_BINARY, fx.args(1), fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  std::string files;
  for (const auto& name : {"RP.dcm", "RS.dcm", "RD.dcm"})
    files += " '" + (imrt / name).string() + "' '" + (fif / name).string() + "'";
  ASSERT_EQ(storescu(listen.port(), files).exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return fx.review_lines() >= 2; }, 30)) << listen.log();
  const auto expected = rtreview::test::expected_samples();
  std::map<std::string, std::string> set_of_label = {
      {dcm_value(imrt / "RP.dcm", "RTPlanLabel"), "hn_imrt_7field"},
      {dcm_value(fif / "RP.dcm", "RTPlanLabel"), "hn_3d_fif"}};
  const auto lines = read_jsonl(fx.data / "reviews.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_EQ(line["patient_id"], pid);
    const std::string set = set_of_label.at(line["plan_label"].get<std::string>());
    std::map<std::string, std::string> outcomes;
    for (const auto& d : line["determinations"]) outcomes[d["policy"]] = d["outcome"];
    EXPECT_EQ(outcomes, expected.at(set).outcomes) << set;
    EXPECT_EQ(line["exit_code"], expected.at(set).exit_code) << set;
    EXPECT_TRUE(fs::exists(fx.data / line["packet"].get<std::string>() / "packet.json"));
  }
}

}  // namespace
