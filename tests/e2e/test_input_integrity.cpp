// Inputs are never modified, outputs never half-written.
// 1. Every input file (DICOM, case files, the ruleset folder) keeps its SHA-256 (computed by
//    coreutils' sha256sum, not by rtreview) and its modification time (nanoseconds) across
//    `inspect`, `check`, `dvh`, `evaluate` and `review` runs, text and JSON, and across a
//    `serve` session (uploads, archive, evaluation, packets) and a `listen` session (storescu
//    pushes the files; the case folder is read). The inputs are copies in a temporary folder,
//    writable, so a write by rtreview would succeed and show.
// 2. Every file `review`, `serve` and `listen` write appears under a temporary name and is
//    renamed into place: strace records every open-for-writing and rename (tests/support/
//    write_trace.h); no final name may be opened for writing. The listener's reviews.jsonl is
//    an append-only journal (one whole line per write) and must be opened O_APPEND.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "listen_process.h"
#include "serve_process.h"
#include "test_support.h"
#include "write_trace.h"

namespace fs = std::filesystem;
using rtreview::test::run_command;
using rtreview::test::run_rtreview;

namespace {

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

struct FileState {
  std::string sha256;
  long long mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

// sha256sum's digest and the stat mtime of every regular file under `dirs`.
std::map<std::string, FileState> snapshot(const std::vector<fs::path>& dirs) {
  std::map<std::string, FileState> states;
  for (const fs::path& dir : dirs) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string path = entry.path().string();
      const std::string sum = rtreview::test::sha256sum(entry.path());
      EXPECT_EQ(sum.size(), 64u) << path;
      struct stat st {};
      EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
      states[path] = {sum, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
    }
  }
  return states;
}

class InputIntegrity : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = rtreview::test::make_temp_dir("rtreview-integrity");
    const fs::path samples = rtreview::test::source_dir() / "dicom_samples";
    fs::create_directories(root_ / "inputs");
    for (const char* set : {"hn_imrt_7field", "broken_truncated"})
      fs::copy(samples / set, root_ / "inputs" / set, fs::copy_options::recursive);
    fs::copy(rtreview::test::source_dir() / "rulesets", root_ / "rulesets", fs::copy_options::recursive);
    fs::create_directories(root_ / "out");
    before_ = snapshot({root_ / "inputs", root_ / "rulesets"});
    ASSERT_FALSE(before_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  // Runs one command, then asserts every input is as it was.
  void run_and_compare(const std::string& args) {
    auto r = run_rtreview(args);
    EXPECT_NE(r.exit_code, -1) << args;
    EXPECT_LT(r.exit_code, 4) << args << "\n" << r.stderr_text;  // 0-3 are verdicts, not crashes
    expect_inputs_unchanged(args);
  }
  void expect_inputs_unchanged(const std::string& what) {
    const auto after = snapshot({root_ / "inputs", root_ / "rulesets"});
    EXPECT_EQ(after.size(), before_.size()) << what << ": files appeared or vanished among the inputs";
    for (const auto& [path, state] : before_) {
      auto it = after.find(path);
      ASSERT_NE(it, after.end()) << what << ": " << path << " vanished";
      EXPECT_EQ(it->second.sha256, state.sha256) << what << " changed the bytes of " << path;
      EXPECT_EQ(it->second.mtime_ns, state.mtime_ns) << what << " touched " << path;
    }
  }
  // The launcher that records `trace`, or none when strace is missing (the write half skips).
  std::vector<std::string> tracer(const fs::path& trace) const {
    const auto strace = rtreview::test::strace_path();
    return strace ? rtreview::test::strace_launcher(*strace, trace) : std::vector<std::string>{};
  }
  fs::path inputs() const { return root_ / "inputs"; }
  fs::path case_file() const { return root_ / "inputs" / "hn_imrt_7field" / "case.xml"; }
  fs::path rulesets() const { return root_ / "rulesets"; }

  fs::path root_;
  std::map<std::string, FileState> before_;
};

TEST_F(InputIntegrity, inspect_leaves_inputs_untouched) {
  run_and_compare("inspect " + quote(inputs()));
  run_and_compare("inspect " + quote(inputs()) + " --json");
}

TEST_F(InputIntegrity, check_and_dvh_leave_inputs_untouched) {
  run_and_compare("check " + quote(inputs()));
  run_and_compare("check " + quote(inputs()) + " --json");
  run_and_compare("dvh " + quote(inputs() / "hn_imrt_7field") + " --json");
}

TEST_F(InputIntegrity, evaluate_leaves_inputs_untouched) {
  run_and_compare("evaluate " + quote(inputs() / "hn_imrt_7field") + " --case " + quote(case_file()) +
                  " --rulesets " + quote(rulesets()));
  run_and_compare("evaluate " + quote(inputs() / "hn_imrt_7field") + " --case " + quote(case_file()) +
                  " --rulesets " + quote(rulesets()) + " --json");
}

TEST_F(InputIntegrity, review_leaves_inputs_untouched) {
  run_and_compare("review " + quote(inputs()) + " --case " + quote(case_file()) + " --out " +
                  quote(root_ / "out") + " --format html,json,pdf");
  EXPECT_FALSE(fs::is_empty(root_ / "out")) << "review wrote nothing: the test would prove nothing";
}

// `serve`: a browser's session, by HTTP — the set's files as parts, the same files as a zip
// archive, evaluation, the three packets and the case file. What the client sent and the
// server's --rulesets folder are untouched; every file the server writes in its data folder
// (uploaded files, extracted archive entries, case files) appears through a rename.
TEST_F(InputIntegrity, serve_leaves_inputs_untouched_and_writes_by_rename) {
  const fs::path trace = root_ / "serve-trace.txt";
  rtreview::test::ServerProcess server({"--rulesets", rulesets().string()}, tracer(trace));
  ASSERT_GT(server.port(), 0) << server.stderr_text();
  const fs::path set = inputs() / "hn_imrt_7field";
  const fs::path zip = root_ / "upload.zip";
  auto zipped =
      run_command("cd " + quote(set) + " && python3 -m zipfile -c " + quote(zip) + " RP.dcm RS.dcm RD.dcm");
  ASSERT_EQ(zipped.exit_code, 0) << zipped.stderr_text;
  httplib::MultipartFormDataItems parts;
  for (const char* name : {"RP.dcm", "RS.dcm", "RD.dcm", "case.xml"})
    parts.push_back({"files", rtreview::test::read_all(set / name), name, "application/octet-stream"});
  auto client = server.client();
  nlohmann::json case_json;
  for (const auto& upload : {parts, httplib::MultipartFormDataItems{{"files", rtreview::test::read_all(zip),
                                                                     "upload.zip", "application/zip"}}}) {
    auto listing = client.Post("/api/uploads", upload);
    ASSERT_TRUE(listing && listing->status == 200) << (listing ? listing->body : "no answer");
    const auto body = nlohmann::json::parse(listing->body);
    ASSERT_EQ(body["plan_sets"].size(), 1u) << listing->body;
    if (body["case"].is_object()) case_json = body["case"];  // the archive holds no case file: reuse
    const nlohmann::json request = {{"plan_set", body["plan_sets"][0]["id"]}, {"case", case_json}};
    const std::string base = "/api/uploads/" + body["upload"].get<std::string>();
    for (const char* what : {"/evaluate", "/packet.json", "/packet.html", "/packet.pdf", "/case.xml"}) {
      auto answer = client.Post((base + what).c_str(), request.dump(), "application/json");
      EXPECT_TRUE(answer && answer->status == 200)
          << what << ": " << (answer ? answer->body.substr(0, 300) : "");
    }
  }
  const std::set<std::string> written = rtreview::test::regular_files_under(server.dir() / "data");
  server.stop();
  expect_inputs_unchanged("serve");
  if (!fs::exists(trace)) GTEST_SKIP() << "strace not installed or cannot trace here: writes not checked";
  EXPECT_GE(written.size(), 6u)
      << "the server kept fewer files than it was sent: the check would prove little";
  const rtreview::test::WriteTrace writes(trace);
  for (const std::string& problem : writes.written_in_place(written)) ADD_FAILURE() << problem;
  for (const std::string& problem : writes.unrenamed_writes_under(server.dir() / "data"))
    ADD_FAILURE() << problem;
}

// `listen`: DCMTK's storescu pushes the set; the listener reads the case folder and reviews the
// plan. The sent files, the case folder and the rulesets are untouched; every received instance
// and packet appears through a rename; reviews.jsonl is appended to.
TEST_F(InputIntegrity, listen_leaves_inputs_untouched_and_stores_by_rename) {
  REQUIRE_DCMTK_TOOLS();
  const fs::path set = inputs() / "hn_imrt_7field";
  const fs::path cases = inputs() / "cases";
  fs::create_directories(cases);
  fs::copy_file(case_file(), cases / (rtreview::test::dcm_value(set / "RP.dcm", "PatientID") + ".xml"));
  before_ = snapshot({root_ / "inputs", root_ / "rulesets"});

  const fs::path data = root_ / "listen-data", trace = root_ / "listen-trace.txt";
  rtreview::test::ListenProcess listen(
      RTREVIEW_BINARY,
      {"--data", data.string(), "--case-dir", cases.string(), "--rulesets", rulesets().string(), "--format",
       "json", "--format", "html", "--format", "pdf", "--quiet-seconds", "1"},
      root_ / "listen.log", tracer(trace));
  ASSERT_GT(listen.port(), 0) << listen.log();
  auto sent = rtreview::test::storescu(
      listen.port(), quote(set / "RP.dcm") + " " + quote(set / "RS.dcm") + " " + quote(set / "RD.dcm"));
  ASSERT_EQ(sent.exit_code, 0) << sent.stderr_text;
  ASSERT_TRUE(rtreview::test::wait_until(
      [&] {
        return fs::exists(data / "reviews.jsonl") &&
               !rtreview::test::read_jsonl(data / "reviews.jsonl").empty();
      },
      60))
      << listen.log();
  const std::set<std::string> written = rtreview::test::regular_files_under(data);
  listen.kill(SIGTERM);
  EXPECT_EQ(listen.wait_exit(20), 0) << listen.log();
  expect_inputs_unchanged("listen");
  if (!fs::exists(trace)) GTEST_SKIP() << "strace not installed or cannot trace here: writes not checked";
  EXPECT_GE(written.size(), 7u) << "3 instances, 3 packets and the journal expected";
  const rtreview::test::WriteTrace writes(trace);
  for (const std::string& problem : writes.written_in_place(written, {"reviews.jsonl"}))
    ADD_FAILURE() << problem;
  for (const std::string& problem : writes.unrenamed_writes_under(data)) ADD_FAILURE() << problem;
}

// Every output of `review` appears through a rename, never by writing the final name.
TEST(OutputAtomicity, review_outputs_are_renamed_into_place) {
  const auto strace = rtreview::test::strace_path();
  if (!strace) GTEST_SKIP() << "strace not installed";
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-atomic");
  const fs::path set = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field";
  const fs::path out = dir / "out";
  const fs::path trace = dir / "trace.txt";
  std::string command;
  for (const std::string& word : rtreview::test::strace_launcher(*strace, trace))
    command += quote(word) + " ";
  auto r = run_command(command + RTREVIEW_BINARY + " review " + quote(set) + " --case " +
                       quote(set / "case.xml") + " --out " + quote(out) + " --format html,json,pdf");
  ASSERT_NE(r.exit_code, -1) << r.stderr_text;
  ASSERT_TRUE(fs::exists(trace)) << r.stderr_text;
  const std::set<std::string> outputs = rtreview::test::regular_files_under(out);
  ASSERT_FALSE(outputs.empty());

  const rtreview::test::WriteTrace writes(trace);
  for (const std::string& problem : writes.written_in_place(outputs)) ADD_FAILURE() << problem;
  for (const std::string& problem : writes.unrenamed_writes_under(out)) ADD_FAILURE() << problem;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
