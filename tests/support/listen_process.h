// A `rtreview listen` child process for tests: started on an ephemeral port (read back from
// its "listening on" line), stderr captured to a file, always killed and reaped at the end.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
  // `args` after "listen"; "--port 0" is added. stderr goes to `log`.
  ListenProcess(const std::string& binary, std::vector<std::string> args, std::filesystem::path log)
      : log_(std::move(log)) {
    args.insert(args.begin(), {binary, "listen", "--port", "0"});
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
  std::string log() const { return read_text(log_); }

  // Sends `sig`; for SIGKILL waits for the process. Returns its exit status (-1 if unknown).
  int kill(int sig) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, sig);
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
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
};

}  // namespace rtreview::test
