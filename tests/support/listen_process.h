// A `rtreview listen` child process for tests: started on an ephemeral port (read back from
// its "listening on" line), stderr captured to a file, always killed and reaped at the end;
// and what the listen tests (e2e, corpus) share around it: DCMTK's tools as peers and
// judges (storescu, dcmdump), a temporary data/cases folder, reviews.jsonl.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"
#include "write_trace.h"

namespace rtreview::test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `done` every 50 ms until it is true or `seconds` pass.
template <class F>
bool wait_until(F done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

class ListenProcess {
 public:
  // `args` after "listen"; "--port 0" is added. stderr goes to `log`. A `launcher` (such as
  // strace_launcher()) runs the listener under it; signals then go to the listener itself.
  ListenProcess(const std::string& binary, std::vector<std::string> args, std::filesystem::path log,
                const std::vector<std::string>& launcher = {})
      : log_(std::move(log)), launched_(!launcher.empty()) {
    args.insert(args.begin(), {binary, "listen", "--port", "0"});
    args.insert(args.begin(), launcher.begin(), launcher.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // The text line, or the --log-json object (keys sorted: "event" comes right before "port").
    static const std::regex listening(R"((?:listening on [0-9.]+:|"event":"listening","port":)([0-9]+))");
    wait_until(
        [&] {
          std::smatch m;
          const std::string text = read_text(log_);
          if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
          return port_ > 0 || exited();
        },
        20);
  }
  ~ListenProcess() { kill(SIGKILL); }
  ListenProcess(const ListenProcess&) = delete;
  ListenProcess& operator=(const ListenProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_text(log_); }

  // Sends `sig`; for SIGKILL waits for the process. Returns its exit status (-1 if unknown).
  int kill(int sig) {
    if (pid_ <= 0) return status_;
    if (launched_) {  // the launcher ends when the listener does
      if (const pid_t listener = tracee_of(pid_); listener > 0) ::kill(listener, sig);
      if (sig == SIGKILL) ::kill(pid_, sig);
    } else {
      ::kill(pid_, sig);
    }
    if (sig == SIGKILL) reap(true);
    return status_;
  }
  // Waits up to `seconds` for the process to exit; its exit code, or -1 (still running / signalled).
  int wait_exit(double seconds) {
    wait_until([&] { return exited(); }, seconds);
    return status_;
  }
  bool exited() {
    reap(false);
    return pid_ <= 0;
  }

 private:
  void reap(bool block) {
    if (pid_ <= 0) return;
    int st = 0;
    if (::waitpid(pid_, &st, block ? 0 : WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      pid_ = -1;
    }
  }
  std::filesystem::path log_;
  bool launched_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
};

inline bool have_tool(const char* tool) {
  return run_command(std::string("command -v ") + tool).exit_code == 0;
}

// One attribute's value as dcmdump prints it ("" if absent).
inline std::string dcm_value(const std::filesystem::path& file, const std::string& keyword) {
  const auto r = run_command("dcmdump -q +P " + keyword + " '" + file.string() + "'");
  std::smatch m;
  static const std::regex value(R"(\[([^\]]*)\])");
  return std::regex_search(r.stdout_text, m, value) ? std::string(m[1]) : "";
}

// The data set as dcmdump prints it, File Meta left out (it names the sender).
inline std::string dataset_dump(const std::filesystem::path& file) {
  const std::string dump = run_command("dcmdump -q '" + file.string() + "'").stdout_text;
  const auto at = dump.find("# Dicom-Data-Set");
  return at == std::string::npos ? dump : dump.substr(at);
}

inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Regular files below `dir`, sorted (none when it does not exist).
inline std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// DCMTK's storescu to the listener on `port` (called AE RTREVIEW); `args` are shell-quoted.
inline CommandResult storescu(int port, const std::string& args, const std::string& aet = "STORESCU") {
  return run_command("storescu -aet " + aet + " -aec RTREVIEW 127.0.0.1 " + std::to_string(port) + " " +
                     args);
}

inline std::filesystem::path samples_dir() { return source_dir() / "dicom_samples"; }

// A temporary folder (in `parent`, default the system's) holding the listener's data/ and a
// cases/ folder; removed at the end.
struct ListenFixture {
  std::filesystem::path dir;
  std::filesystem::path data = dir / "data";
  std::filesystem::path cases = dir / "cases";
  explicit ListenFixture(const std::filesystem::path& parent = {})
      : dir(parent.empty()
                ? make_temp_dir("rtreview-listen")
                : parent / ("rtreview-listen-" + std::to_string(::getpid()) + "-" +
                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
    std::filesystem::create_directories(cases);
  }
  ~ListenFixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  ListenFixture(const ListenFixture&) = delete;
  ListenFixture& operator=(const ListenFixture&) = delete;
  // Copies a sample's case.xml to cases/<PatientID>__<plan label>.xml (the README's rule).
  void add_case(const std::string& set) const {
    const std::filesystem::path plan = samples_dir() / set / "RP.dcm";
    std::filesystem::copy_file(
        samples_dir() / set / "case.xml",
        cases / (dcm_value(plan, "PatientID") + "__" + dcm_value(plan, "RTPlanLabel") + ".xml"),
        std::filesystem::copy_options::overwrite_existing);
  }
  // The listen arguments for this fixture: --data, --case-dir, JSON packets, the quiet time.
  std::vector<std::string> args(double quiet_s, std::vector<std::string> more = {}) const {
    std::vector<std::string> a = {"--data",   data.string(), "--case-dir",      cases.string(),
                                  "--format", "json",        "--quiet-seconds", std::to_string(quiet_s)};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  std::size_t review_lines() const {
    return std::filesystem::exists(data / "reviews.jsonl") ? read_jsonl(data / "reviews.jsonl").size() : 0;
  }
};

}  // namespace rtreview::test

#define REQUIRE_DCMTK_TOOLS()                                                                \
  if (!::rtreview::test::have_tool("storescu") || !::rtreview::test::have_tool("echoscu") || \
      !::rtreview::test::have_tool("dcmdump") || !::rtreview::test::have_tool("dcmodify"))   \
  GTEST_SKIP() << "DCMTK tools (storescu, echoscu, dcmdump, dcmodify) not installed: skipped"
