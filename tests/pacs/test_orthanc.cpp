// The PACS-side anchor: Debian's real Orthanc, configured from examples/orthanc/ (its own
// ports, storage in a temporary folder, StableAge 1 s, the repository's Lua script), forwards
// the sample plan sets pushed to it by storescu to `rtreview listen`, whose reviews must carry
// the determinations dicom_samples/EXPECTED.md gives. Skips when Orthanc is not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "expected_samples.h"
#include "listen_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rtreview::test::dcm_value;
using rtreview::test::run_command;
using rtreview::test::wait_until;

namespace {

std::string find_orthanc() {
  for (const char* p : {"/usr/sbin/Orthanc", "/usr/bin/Orthanc"})
    if (fs::exists(p)) return p;
  const auto r = run_command("command -v Orthanc");
  return r.exit_code == 0 ? r.stdout_text.substr(0, r.stdout_text.find('\n')) : "";
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Orthanc as a child process, killed and reaped whatever happens.
class Orthanc {
 public:
  Orthanc(const std::string& binary, const fs::path& config, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* f = std::freopen(log.c_str(), "w", stdout);
      f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      ::execl(binary.c_str(), binary.c_str(), config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Orthanc() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    if (!wait_until([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, 10)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Orthanc(const Orthanc&) = delete;
  Orthanc& operator=(const Orthanc&) = delete;

 private:
  pid_t pid_ = -1;
};

TEST(orthanc, stable_rt_study_is_forwarded_by_the_lua_script_and_reviewed) {
  const std::string orthanc = find_orthanc();
  if (orthanc.empty()) GTEST_SKIP() << "Orthanc not installed (apt-get install orthanc): skipped";
  if (run_command("command -v storescu >/dev/null && command -v echoscu >/dev/null").exit_code != 0)
    GTEST_SKIP() << "DCMTK storescu/echoscu not installed: skipped";
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-orthanc");
  const fs::path samples = rtreview::test::source_dir() / "dicom_samples";
  const std::vector<std::string> sets = {"hn_imrt_7field", "hn_3d_fif"};
  fs::create_directories(dir / "cases");
  for (const auto& set : sets)
    fs::copy_file(samples / set / "case.xml",
                  dir / "cases" / (dcm_value(samples / set / "RP.dcm", "PatientID") + ".xml"));

  rtreview::test::ListenProcess listen(
      RTREVIEW_BINARY,
      {"--data", (dir / "data").string(), "--case-dir", (dir / "cases").string(), "--format", "json",
       "--quiet-seconds", "1", "--allow", "ORTHANC@127.0.0.1"},
      dir / "listen.log");
  ASSERT_GT(listen.port(), 0) << listen.log();

  // The example configuration, with this test's ports, storage and a 1 s StableAge.
  std::ifstream example(rtreview::test::source_dir() / "examples" / "orthanc" / "orthanc.json");
  json config = json::parse(example, nullptr, true, /*ignore_comments=*/true);
  const int dicom_port = free_port(), http_port = free_port();
  config["StorageDirectory"] = config["IndexDirectory"] = (dir / "orthanc-storage").string();
  config["DicomPort"] = dicom_port;
  config["HttpPort"] = http_port;
  config["StableAge"] = 1;
  config["DicomModalities"]["rtreview"][2] = listen.port();
  config["LuaScripts"] = {
      (rtreview::test::source_dir() / config["LuaScripts"][0].get<std::string>()).string()};
  std::ofstream(dir / "orthanc.json") << config.dump(2);
  Orthanc server(orthanc, dir / "orthanc.json", dir / "orthanc.log");
  const std::string echo =
      "echoscu -aec ORTHANC 127.0.0.1 " + std::to_string(dicom_port) + " >/dev/null 2>&1";
  ASSERT_TRUE(wait_until([&] { return run_command(echo).exit_code == 0; }, 30))
      << rtreview::test::read_text(dir / "orthanc.log");

  for (const auto& set : sets) {
    const auto r = run_command("storescu -aet TPS -aec ORTHANC 127.0.0.1 " + std::to_string(dicom_port) +
                               " '" + (samples / set).string() + "'/RP.dcm '" + (samples / set).string() +
                               "'/RS.dcm '" + (samples / set).string() + "'/RD.dcm");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  }
  const fs::path jsonl = dir / "data" / "reviews.jsonl";
  auto lines = [&] {
    std::vector<json> out;
    std::ifstream in(jsonl);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return lines().size() >= sets.size(); }, 60))
      << listen.log() << rtreview::test::read_text(dir / "orthanc.log");
  const auto reviews = lines();
  EXPECT_EQ(reviews.size(), sets.size());
  for (const auto& set : sets) {
    const std::string pid = dcm_value(samples / set / "RP.dcm", "PatientID");
    bool found = false;
    for (const auto& line : reviews) {
      if (line["patient_id"] != pid) continue;
      found = true;
      std::map<std::string, std::string> outcomes;
      for (const auto& d : line["determinations"]) outcomes[d["policy"]] = d["outcome"];
      EXPECT_EQ(outcomes, rtreview::test::expected_samples().at(set).outcomes) << set;
      EXPECT_TRUE(fs::exists(dir / "data" / line["packet"].get<std::string>() / "packet.json"));
    }
    EXPECT_TRUE(found) << set << "\n" << listen.log();
  }
  EXPECT_NE(listen.log().find("association from ORTHANC@127.0.0.1"), std::string::npos) << listen.log();
  listen.kill(SIGTERM);
  EXPECT_EQ(listen.wait_exit(10), 0);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
