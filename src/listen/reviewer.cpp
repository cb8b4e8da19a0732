// Reviewing quiet studies through run_review() and publishing the packets.
#include "reviewer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

#include "rtreview/dicom_io.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rtreview::listen {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<fs::path> study_files(const fs::path& study_dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(study_dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".dcm") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool is_plan_file(const fs::path& file) { return file.filename().string().rfind("RTPLAN_", 0) == 0; }

// The next review number in a plan's folder: 1 + the largest numbered sub-folder.
int next_review_number(const fs::path& parent) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      n = std::max(n, std::stoi(name));
  }
  return n + 1;
}

}  // namespace

void StatusLog::emit(const std::string& event, json fields, const std::string& text) {
  std::lock_guard lock(mutex_);
  if (json_) {
    fields["event"] = event;
    fields["time"] = utc_now();
    out_ << fields.dump() << "\n" << std::flush;
  } else {
    out_ << "rtreview listen: " << text << "\n" << std::flush;
  }
}

std::string Reviewer::relative(const fs::path& path) const {
  return path.lexically_relative(options_.data_dir).generic_string();
}

void Reviewer::recover() {
  std::ifstream in(options_.data_dir / "reviews.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);  // a torn last line (kill -9) is skipped
    if (j.is_discarded() || !j.contains("study_dir") || !j.contains("inputs")) continue;
    std::set<std::string> files;
    for (const auto& input : j["inputs"]) files.insert(input.value("file", ""));
    reviewed_[j["study_dir"].get<std::string>()] = std::move(files);
  }
  std::error_code ec;
  for (const auto& patient : fs::directory_iterator(options_.data_dir / "incoming", ec))
    for (const auto& study : fs::directory_iterator(patient.path(), ec)) {
      if (!study.is_directory()) continue;
      Clock::time_point newest{};
      for (const auto& f : study_files(study.path()))
        newest = std::max(newest, std::chrono::time_point_cast<Clock::duration>(
                                      std::chrono::file_clock::to_sys(fs::last_write_time(f, ec))));
      pending_[study.path()] = newest;  // reviewed again only if its files changed (review_study)
    }
}

void Reviewer::note_arrival(const fs::path& study_dir) {
  std::lock_guard lock(mutex_);
  pending_[study_dir] = Clock::now();
}

void Reviewer::loop(const std::atomic<bool>& stop) {
  const auto quiet =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.quiet_seconds));
  while (!stop.load()) {
    std::vector<fs::path> due;
    {
      std::lock_guard lock(mutex_);
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (Clock::now() - it->second >= quiet) {
          due.push_back(it->first);
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const auto& study : due) {
      if (stop.load()) {  // left for the next start: still unreviewed on disk
        note_arrival(study);
        break;
      }
      review_study(study);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Reviewer::review_study(const fs::path& study_dir) {
  const auto files = study_files(study_dir);
  std::set<std::string> names;
  json inputs = json::array();
  for (const auto& f : files) names.insert(relative(f));
  if (std::none_of(files.begin(), files.end(), is_plan_file)) return;  // nothing to review yet
  if (auto it = reviewed_.find(relative(study_dir)); it != reviewed_.end() && it->second == names) return;
  for (const auto& f : files) inputs.push_back({{"file", relative(f)}, {"sha256", sha256_file(f)}});
  // Group the plans by the case file each matches: usually one group, the whole study.
  std::map<fs::path, std::vector<fs::path>> groups;
  for (const auto& f : files) {
    if (!is_plan_file(f)) continue;
    const InstanceHeader h = read_instance_header(f);
    groups[find_case_file(options_.case_dir, h.patient_id, h.plan_label).value_or("")].push_back(f);
  }
  for (const auto& [case_file, plans] : groups) {
    std::vector<fs::path> paths;
    if (groups.size() == 1) {
      paths = {study_dir};
    } else {
      for (const auto& f : files)
        if (!is_plan_file(f) || std::find(plans.begin(), plans.end(), f) != plans.end()) paths.push_back(f);
    }
    review_group(study_dir, paths, case_file, plans, inputs);
  }
  reviewed_[relative(study_dir)] = names;
}

void Reviewer::review_group(const fs::path& study_dir, const std::vector<fs::path>& paths,
                            const fs::path& case_file, const std::vector<fs::path>& plans,
                            const json& inputs) {
  std::map<std::string, std::vector<std::string>> plan_uids;  // plan label → SOP Instance UIDs
  std::string patient_id;
  for (const auto& p : plans) {
    const InstanceHeader h = read_instance_header(p);
    plan_uids[h.plan_label].push_back(h.sop_instance_uid);
    patient_id = h.patient_id;
  }
  json base = {{"study_dir", relative(study_dir)},
               {"study_uid", study_dir.filename().string()},
               {"patient_id", patient_id},
               {"inputs", inputs},
               {"time", utc_now()}};
  if (case_file.empty()) {
    base["errors"] = {"no case file in --case-dir matches patient " + patient_id +
                      " (see README, QA pipeline)"};
    base["plan_labels"] = json::array();
    for (const auto& [label, _] : plan_uids) base["plan_labels"].push_back(label);
    append_line(base);
    log_.emit(
        "review", base,
        "review of " + relative(study_dir) + " not possible: no case file matches patient " + patient_id);
    return;
  }
  const fs::path staging = options_.data_dir / ".staging" /
                           (std::to_string(::getpid()) + "-" + std::to_string(++staging_counter_));
  ReviewOptions ro;
  ro.request.paths = paths;
  ro.request.case_file = case_file;
  ro.request.policies = options_.policies;
  ro.request.ruleset_dir = options_.ruleset_dir;
  ro.formats = options_.formats;
  ro.out_dir = staging;
  const ReviewResult result = run_review(ro);
  base["case_file"] = case_file.string();
  if (result.summary.packets.empty()) {
    base["errors"] = result.errors;
    append_line(base);
    log_.emit("review", base,
              "review of " + relative(study_dir) +
                  " failed: " + (result.errors.empty() ? std::string("no plan set") : result.errors.front()));
  }
  for (const auto& entry : result.summary.packets) {
    const fs::path parent = options_.data_dir / "reviews" / sanitize_path_component(entry.patient_id) /
                            sanitize_path_component(entry.plan_label);
    std::error_code ec;
    fs::create_directories(parent, ec);
    const int n = next_review_number(parent);
    const fs::path dest = parent / std::to_string(n);
    fs::rename(entry.folder.empty() ? staging : staging / entry.folder, dest, ec);
    json line = base;
    line["patient_id"] = entry.patient_id;
    line["plan_label"] = entry.plan_label;
    line["plan_set_id"] = entry.plan_set_id;
    line["plan_uids"] =
        plan_uids.count(entry.plan_label) ? plan_uids[entry.plan_label] : std::vector<std::string>{};
    line["review"] = n;
    line["overall"] = entry.overall;
    line["determinations"] = json::array();
    for (const auto& [policy, outcome] : entry.outcomes)
      line["determinations"].push_back({{"policy", policy}, {"outcome", outcome}});
    line["failed_checks"] = entry.failing_checks;
    line["exit_code"] = entry.exit_code;
    line["packet"] = ec ? "" : relative(dest);
    if (ec) line["errors"] = {dest.string() + ": " + ec.message()};
    append_line(line);
    log_.emit("review", line,
              "review " + std::to_string(n) + " of " + entry.patient_id + "/" + entry.plan_label + ": " +
                  entry.overall + (entry.failing_checks.empty() ? "" : " (failing checks present)") + " -> " +
                  relative(dest));
  }
  std::error_code ec;
  fs::remove_all(staging, ec);
}

void Reviewer::append_line(const json& line) {
  // One write() per line on an O_APPEND descriptor, then fsync: a line is whole or absent.
  const std::string text = line.dump() + "\n";
  const fs::path path = options_.data_dir / "reviews.jsonl";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    log_.emit("error", {{"message", path.string() + ": cannot append"}},
              "error: " + path.string() + ": cannot append");
    return;
  }
  if (::write(fd, text.data(), text.size()) != ssize_t(text.size()))
    log_.emit("error", {{"message", path.string() + ": short write"}},
              "error: " + path.string() + ": short write");
  ::fsync(fd);
  ::close(fd);
}

}  // namespace rtreview::listen
