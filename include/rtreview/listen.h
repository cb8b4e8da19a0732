// `rtreview listen`: the DICOM front door. Instances received by the Storage SCP
// (dicom_net.h) are filed under DATA/incoming/<PatientID>/<StudyUID>/; a study that holds
// a plan and has been quiet for quiet_seconds is reviewed through run_review() (publish.h),
// its packets moved to DATA/reviews/<PatientID>/<plan label>/<n>/ and one JSON line per
// packet appended to DATA/reviews.jsonl. Everything the reviewer knows is on disk, so a
// restart (even after kill -9) reviews the studies that were waiting.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "rtreview/dicom_net.h"
#include "rtreview/publish.h"

namespace rtreview {

struct ListenOptions {
  ScpOptions scp;                  // port, AE title, bind address, allow-list, limits
  std::filesystem::path data_dir;  // DATA (created if missing)
  std::filesystem::path case_dir;  // case files, matched by find_case_file(); "" = none
  std::vector<std::string> policies;
  std::filesystem::path ruleset_dir;
  std::vector<OutputFormat> formats = {OutputFormat::html, OutputFormat::pdf, OutputFormat::json};
  double quiet_seconds = 30;
  bool log_json = false;  // status lines as JSON objects instead of text
};

// A path component made safe: [A-Za-z0-9._-] kept, every other byte '_', no leading '.',
// at most 64 characters; "" becomes "UNKNOWN".
std::string sanitize_path_component(const std::string& text);

// DATA/incoming/<PatientID>/<StudyUID>/<Modality>_<SOPInstanceUID>.dcm (sanitised).
std::filesystem::path incoming_path(const std::filesystem::path& data_dir, const ReceivedInstance& instance);

// Moves a received instance's temporary file to its place atomically (fsync, rename, fsync
// of the folder). A file already there with the same data set bytes (the File Meta may
// differ) is a duplicate_identical and nothing is written; different bytes are kept beside
// it as <name>.dup<k>.dcm (duplicate_different). Never overwrites or deletes a stored file.
StoreResult commit_instance(const std::filesystem::path& data_dir, const ReceivedInstance& instance);

// The case file for a plan, in this order: <case_dir>/<PatientID>__<plan label>.xml,
// <PatientID>.xml, <plan label>.xml (names sanitised as above), else the first *.xml (by
// name) whose <patient id="..."> equals the PatientID. nullopt when none matches.
std::optional<std::filesystem::path> find_case_file(const std::filesystem::path& case_dir,
                                                    const std::string& patient_id,
                                                    const std::string& plan_label);

// Runs the receiver and the reviewer until `stop` is true, then lets running associations
// and the running review finish. Status lines go to `log`. Returns 0, or 2 when it cannot
// start (the reason is logged).
int run_listen(const ListenOptions& options, const std::atomic<bool>& stop, std::ostream& log);

}  // namespace rtreview
