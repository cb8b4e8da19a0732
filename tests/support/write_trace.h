// Which files a process wrote in place: strace records every open-for-writing and rename of a
// run, and a file "appeared through a rename" when its final name was the target of a rename
// and was never opened for writing itself. Used by the input-integrity tests of every command
// and front door (truth from the kernel's system calls, not from rtreview's own account).
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

namespace rtreview::test {

// strace's absolute path (execv needs one), or nullopt when it is not installed.
inline std::optional<std::string> strace_path() {
  CommandResult r = run_command("command -v strace");
  if (r.exit_code != 0) return std::nullopt;
  std::string path = r.stdout_text.substr(0, r.stdout_text.find('\n'));
  return path.empty() ? std::nullopt : std::optional<std::string>(path);
}

// The words to put before a command so that strace follows it (and its threads) into `trace`.
// LeakSanitizer cannot run under ptrace (it ends in a fatal error), so a sanitized build traced
// here runs without leak detection; every untraced test keeps it.
inline std::vector<std::string> strace_launcher(const std::string& strace,
                                                const std::filesystem::path& trace) {
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string asan_options =
      (asan && *asan ? std::string(asan) + ":" : std::string()) + "detect_leaks=0";
  return {strace,
          "-f",
          "-qq",
          "-E",
          "ASAN_OPTIONS=" + asan_options,
          "-e",
          "trace=openat,open,creat,rename,renameat,renameat2",
          "-o",
          trace.string()};
}

// The process strace started (its only child), or -1. strace detaches from its tracee when it
// is sent SIGTERM, so a test stops a traced server by signalling the tracee itself.
inline pid_t tracee_of(pid_t strace_pid) {
  const std::string task = std::to_string(strace_pid);
  std::ifstream in("/proc/" + task + "/task/" + task + "/children");
  long child = -1;
  return (in >> child) ? static_cast<pid_t>(child) : -1;
}

// The writes and renames strace recorded. A call interrupted by another thread's ("<unfinished
// ...>") still names its paths, so it is counted; a call that failed (= -1) is not.
struct WriteTrace {
  std::set<std::string> opened_for_writing, opened_for_appending, renamed_from, renamed_to;
  std::vector<std::pair<std::string, std::string>> renames;  // (from, to) in trace order

  explicit WriteTrace(const std::filesystem::path& trace) {
    std::ifstream in(trace);
    const std::regex open_write(R"(open(?:at)?\([^"]*"([^"]+)\", ([^)]*O_(?:WRONLY|RDWR)[^)]*))");
    const std::regex rename_call(R"(rename(?:at2?)?\([^"]*"([^"]+)\",[^"]*"([^"]+)\")");
    for (std::string line; std::getline(in, line);) {
      if (line.find("= -1 ") != std::string::npos) continue;
      std::smatch m;
      if (std::regex_search(line, m, open_write)) {
        const std::string path = canonical(m[1].str());
        (m[2].str().find("O_APPEND") != std::string::npos ? opened_for_appending : opened_for_writing)
            .insert(path);
      }
      if (std::regex_search(line, m, rename_call)) {
        renamed_from.insert(canonical(m[1].str()));
        renamed_to.insert(canonical(m[2].str()));
        renames.emplace_back(canonical(m[1].str()), canonical(m[2].str()));
      }
    }
  }

  static std::string canonical(const std::filesystem::path& p) {
    return std::filesystem::weakly_canonical(p).string();
  }

  // Where `file` was written: a folder renamed into place (the listener publishes a review's
  // packets by renaming its staging folder) carries its files from their first name.
  std::string first_name(std::string file) const {
    for (bool moved = true; moved && file.size() < 4096;) {  // the bound ends a renaming cycle
      moved = false;
      for (const auto& [from, to] : renames)
        if (file.size() > to.size() && file.compare(0, to.size(), to) == 0 && file[to.size()] == '/') {
          file = from + file.substr(to.size());
          moved = true;
        }
    }
    return file;
  }

  // One message per file in `files` that did not appear through a rename (empty: all did).
  // `journals` are append-only logs (one whole line per write), exempt when opened O_APPEND.
  std::vector<std::string> written_in_place(const std::set<std::string>& files,
                                            const std::set<std::string>& journals = {}) const {
    std::vector<std::string> problems;
    for (const std::string& final_name : files) {
      const std::string file = first_name(final_name);
      const std::string name = std::filesystem::path(file).filename().string();
      if (journals.count(name)) {
        if (opened_for_writing.count(file))
          problems.push_back(final_name + " (a journal) was opened without O_APPEND");
        continue;
      }
      if (opened_for_writing.count(file) || opened_for_appending.count(file))
        problems.push_back(final_name + " was opened for writing under its final name");
      if (!renamed_to.count(file)) problems.push_back(final_name + " did not appear through a rename");
    }
    return problems;
  }

  // Files opened for writing under `dir` that were never renamed (left-over temporaries or
  // outputs written in place and later removed).
  std::vector<std::string> unrenamed_writes_under(const std::filesystem::path& dir) const {
    const std::string prefix = canonical(dir);
    std::vector<std::string> problems;
    for (const std::string& w : opened_for_writing)
      if (w.rfind(prefix, 0) == 0 && !renamed_from.count(w))
        problems.push_back(w + " was written in the output folder but not renamed");
    return problems;
  }
};

// The regular files under `dir`, canonical paths.
inline std::set<std::string> regular_files_under(const std::filesystem::path& dir) {
  std::set<std::string> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.insert(WriteTrace::canonical(e.path()));
  return files;
}

}  // namespace rtreview::test
