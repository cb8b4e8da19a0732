// Private to src/listen: the status log and the study reviewer.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>

#include "rtreview/listen.h"

namespace rtreview::listen {

// One status line per event on stderr: text for people, or JSON objects (--log-json).
class StatusLog {
 public:
  StatusLog(std::ostream& out, bool json) : out_(out), json_(json) {}
  void emit(const std::string& event, nlohmann::json fields, const std::string& text);

 private:
  std::ostream& out_;
  bool json_;
  std::mutex mutex_;
};

// Which studies wait for a review, and the review itself. Its memory is rebuilt from
// DATA/reviews.jsonl and DATA/incoming at start, so nothing is lost across restarts.
class Reviewer {
 public:
  Reviewer(const ListenOptions& options, StatusLog& log) : options_(options), log_(log) {}
  void recover();  // history + studies waiting since the last run
  void note_arrival(const std::filesystem::path& study_dir);
  void loop(const std::atomic<bool>& stop);  // reviews due studies until stop

 private:
  using Clock = std::chrono::system_clock;
  void review_study(const std::filesystem::path& study_dir);
  void review_group(const std::filesystem::path& study_dir, const std::vector<std::filesystem::path>& paths,
                    const std::filesystem::path& case_file, const std::vector<std::filesystem::path>& plans,
                    const nlohmann::json& inputs);
  void append_line(const nlohmann::json& line);
  std::string relative(const std::filesystem::path& path) const;

  const ListenOptions& options_;
  StatusLog& log_;
  std::mutex mutex_;
  std::map<std::filesystem::path, Clock::time_point> pending_;  // study dir → last arrival
  std::map<std::string, std::set<std::string>> reviewed_;       // study dir → files of its last review
  std::size_t staging_counter_ = 0;
};

}  // namespace rtreview::listen
