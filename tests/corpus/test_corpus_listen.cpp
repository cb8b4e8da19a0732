// `rtreview listen` on real planning-system exports: the corpus's complete RayStation sets
// (pps_hist/BrainSRSRaystationIMRT, photon step-and-shoot IMRT; dcpt_let/plan03_ramp_full,
// RT Ion Plan with its doses and structure set, whose plan has another PatientID than the rest)
// pushed by DCMTK's storescu. Truths from outside the receiver: `rtreview review` on the corpus
// files themselves, dcmdump of what was stored, sha256sum. Skips when the corpus is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "listen_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::dcm_value;
using rtreview::test::files_under;
using rtreview::test::ListenProcess;
using rtreview::test::read_jsonl;
using rtreview::test::read_text;
using rtreview::test::run_command;
using rtreview::test::wait_until;

namespace {

struct SentFile {
  fs::path source, stored;
  std::string patient_id, sop_uid, modality;
};

std::string shell_quoted(const fs::path& p) { return "'" + p.string() + "'"; }

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// packet.json without what must differ between a corpus file and its received copy: the file's
// path and name (both become "<its SOP Instance UID>") and, in "inputs", its size and SHA-256
// (the copy has the receiver's File Meta), which are checked against the file on disk instead.
std::string comparable_packet(const fs::path& packet_file, const std::vector<SentFile>& files) {
  json packet = json::parse(read_text(packet_file));
  for (auto& input : packet["inputs"]) {
    const fs::path file = input["path"].get<std::string>();
    EXPECT_EQ(input["sha256"], rtreview::test::sha256sum(file)) << packet_file;
    EXPECT_EQ(input["size_bytes"], fs::file_size(file)) << packet_file;
    input.erase("sha256");
    input.erase("size_bytes");
  }
  std::string text = packet.dump(1);
  for (const auto& f : files) {
    replace_all(text, f.source.string(), "<" + f.sop_uid + ">");
    replace_all(text, f.stored.string(), "<" + f.sop_uid + ">");
  }
  for (const auto& f : files) {
    replace_all(text, f.source.filename().string(), "<" + f.sop_uid + ">");
    replace_all(text, f.stored.filename().string(), "<" + f.sop_uid + ">");
  }
  return text;
}

// "" when equal, else the first line that differs in each (a packet is too long to print whole).
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = bool(std::getline(sa, la)), more_b = bool(std::getline(sb, lb));
    if (!more_a && !more_b) return "";
    if (!more_a || !more_b || la != lb)
      return "line " + std::to_string(line) + ":\n  listen: " + la + "\n  review: " + lb;
  }
}

// hn_imrt_7field's case file (the same clinical facts) for another patient ID.
std::string case_file_for(const std::string& patient_id) {
  static const std::regex patient_id_attr(R"((<patient [^>]*\bid=")[^"]*")");
  return std::regex_replace(read_text(rtreview::test::samples_dir() / "hn_imrt_7field" / "case.xml"),
                            patient_id_attr, "$1" + patient_id + "\"");
}

TEST(corpus, listen_reviews_raystation_photon_and_proton_exports_like_rtreview_review) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  REQUIRE_DCMTK_TOOLS();
  const std::vector<fs::path> sets = {corpus / "pps_hist" / "BrainSRSRaystationIMRT",
                                      corpus / "dcpt_let" / "plan03_ramp_full"};
  for (const auto& set : sets)
    if (!fs::is_directory(set)) GTEST_SKIP() << set << " not in this corpus: skipped";
  rtreview::test::ListenFixture fx;
  std::vector<SentFile> files;
  std::string args;
  for (const auto& set : sets)
    for (const auto& f : files_under(set))
      if (f.extension() == ".dcm") {
        files.push_back(
            {f, {}, dcm_value(f, "PatientID"), dcm_value(f, "SOPInstanceUID"), dcm_value(f, "Modality")});
        args += " " + shell_quoted(f);
      }
  std::map<std::string, const SentFile*> plans;  // by SOP Instance UID
  for (const auto& f : files)
    if (f.modality == "RTPLAN") {
      plans[f.sop_uid] = &f;
      std::ofstream(fx.cases / (f.patient_id + ".xml")) << case_file_for(f.patient_id);
    }
  ASSERT_EQ(plans.size(), 2u);

  ListenProcess listen(RTREVIEW_BINARY, fx.args(1), fx.dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();
  // -R: propose only the files' SOP classes (storescu's default list has no RT Ion Plan).
  const auto sent = rtreview::test::storescu(listen.port(), "-R" + args);
  ASSERT_EQ(sent.exit_code, 0) << sent.stdout_text << sent.stderr_text << listen.log();
  ASSERT_TRUE(wait_until([&] { return fx.review_lines() >= plans.size(); }, 300)) << listen.log();
  listen.kill(SIGTERM);  // lets a running review finish: nothing more may come
  ASSERT_EQ(listen.wait_exit(60), 0) << listen.log();

  // Every file is stored whole: the data set dcmdump reads equals the corpus file's.
  const auto stored = files_under(fx.data / "incoming");
  EXPECT_EQ(stored.size(), files.size());
  for (auto& f : files) {
    for (const auto& s : stored)
      if (s.filename().string().find(f.sop_uid) != std::string::npos) f.stored = s;
    ASSERT_FALSE(f.stored.empty()) << f.source << " not stored";
    EXPECT_EQ(rtreview::test::dataset_dump(f.stored), rtreview::test::dataset_dump(f.source)) << f.source;
  }

  // One review per plan (the study of structure set and doses alone holds no plan), each packet
  // equal to `rtreview review` of the corpus files of that patient with the same case file.
  const auto lines = read_jsonl(fx.data / "reviews.jsonl");
  ASSERT_EQ(lines.size(), plans.size());
  for (const auto& line : lines) {
    ASSERT_EQ(line["plan_uids"].size(), 1u) << line;
    const auto plan = plans.find(line["plan_uids"][0].get<std::string>());
    ASSERT_NE(plan, plans.end()) << line;
    const std::string& patient_id = plan->second->patient_id;
    SCOPED_TRACE(patient_id);
    EXPECT_EQ(line["patient_id"], patient_id);
    EXPECT_EQ(line["review"], 1);
    for (const auto& input : line["inputs"])
      EXPECT_EQ(input["sha256"], rtreview::test::sha256sum(fx.data / input["file"].get<std::string>()))
          << input;
    std::string same_patient;
    for (const auto& f : files)
      if (f.patient_id == patient_id) same_patient += " " + shell_quoted(f.source);
    const fs::path out = fx.dir / ("review-" + patient_id);
    const auto r = rtreview::test::run_rtreview("review" + same_patient + " --case " +
                                                shell_quoted(line["case_file"].get<std::string>()) +
                                                " --format json --out " + shell_quoted(out));
    EXPECT_EQ(line["exit_code"], r.exit_code) << r.stderr_text;
    ASSERT_TRUE(fs::exists(out / "packet.json")) << r.stderr_text;
    EXPECT_EQ(first_difference(
                  comparable_packet(fx.data / line["packet"].get<std::string>() / "packet.json", files),
                  comparable_packet(out / "packet.json", files)),
              "");
  }
}

}  // namespace
