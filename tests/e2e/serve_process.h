// A running `rtreview serve` for tests: started on an ephemeral port with its own data
// folder, stopped (SIGTERM, then SIGKILL) in the destructor even when the test fails.
#pragma once

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"
#include "write_trace.h"

namespace rtreview::test {

namespace fs = std::filesystem;

inline std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A running `rtreview serve`; killed (SIGTERM, then SIGKILL) in the destructor, even on failure.
class ServerProcess {
 public:
  // `extra` after "serve --port 0 --data DIR". A `launcher` (such as strace_launcher()) runs
  // the server under it; the stop signal then goes to the server itself.
  explicit ServerProcess(const std::vector<std::string>& extra, const std::vector<std::string>& launcher = {})
      : launched_(!launcher.empty()) {
    dir_ = rtreview::test::make_temp_dir("rtreview-serve-test");
    fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    std::vector<std::string> args = launcher;
    args.insert(args.end(), {RTREVIEW_BINARY, "serve", "--port", "0", "--data", (dir_ / "data").string()});
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      freopen(out.c_str(), "w", stdout);
      freopen(err.c_str(), "w", stderr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {  // up to 10 s for the "listening on" line
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string text = read_all(out);
      auto at = text.find("127.0.0.1:");
      if (at != std::string::npos) port_ = std::atoi(text.c_str() + at + 10);
    }
  }
  ~ServerProcess() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // SIGTERM, then SIGKILL after 5 s; returns when the process is gone.
  void stop() {
    if (pid_ > 0) {
      const pid_t server = launched_ ? tracee_of(pid_) : pid_;  // strace would only detach
      if (server > 0) kill(server, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = 0;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ > 0) {
        if (launched_ && server > 0) kill(server, SIGKILL);
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = 0;
      }
    }
  }
  int port() const { return port_; }
  const fs::path& dir() const { return dir_; }
  std::string stderr_text() const { return read_all(dir_ / "stderr.txt"); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  bool alive() const {
    auto r = client().Get("/api/health");
    return r && r->status == 200;
  }

 private:
  bool launched_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
  fs::path dir_;
};

}  // namespace rtreview::test
