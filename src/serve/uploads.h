// Uploads kept on disk for the web front door: each in its own private folder under the
// data folder, removed when it expires. Archive entries are checked before anything is
// written: absolute paths, "..", links and device files are refused, and the expanded
// size and file count are capped (zip bombs stop at the cap, not at the disk's end).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rtreview::serve {

struct UploadLimits {
  std::uint64_t max_request_bytes = 512ull << 20;    // one HTTP request body
  std::uint64_t max_expanded_bytes = 1024ull << 20;  // files + archive contents of one upload
  std::size_t max_files = 2000;                      // files + archive entries of one upload
  std::chrono::seconds expiry{3600};
};

// One uploaded file as it came in (name from the browser, bytes).
struct IncomingFile {
  std::string name;
  std::string bytes;
};

struct Upload {
  std::string id;               // 32 hex characters: also the folder name
  std::filesystem::path dir;    // <data>/<id>
  std::filesystem::path files;  // <dir>/files: the DICOM (flat, names made safe)
  std::filesystem::path work;   // <dir>/work: generated case files
  std::string case_xml;         // an uploaded case file's text ("" if none)
  std::chrono::steady_clock::time_point expires;
  std::mutex mutex;     // serialises work on one upload
  std::string listing;  // cached JSON of the plan sets ("" until computed)
};

// "" when the upload could be stored, else why not (the whole upload is then discarded).
struct StoreResult {
  std::shared_ptr<Upload> upload;
  std::string error;
  int http_status = 200;
};

class UploadStore {
 public:
  UploadStore(std::filesystem::path data_dir, UploadLimits limits);
  const UploadLimits& limits() const { return limits_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  // Stores the files (zip archives expanded, *.xml kept as the case file) in a new upload.
  StoreResult store(const std::vector<IncomingFile>& files);
  std::shared_ptr<Upload> find(const std::string& id);
  // Removes expired uploads (folder and entry); returns how many.
  std::size_t sweep();
  std::size_t size();

 private:
  std::filesystem::path data_dir_;
  UploadLimits limits_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Upload>> uploads_;
};

// Extracts a zip (or any archive libarchive reads) into `dest` as flat, safe file names.
// Refuses the whole archive on the first unsafe entry or when a limit would be passed;
// `files_so_far` / `bytes_so_far` count against the limits and are updated.
std::string extract_archive(const std::string& bytes, const std::filesystem::path& dest,
                            const UploadLimits& limits, std::size_t& files_so_far,
                            std::uint64_t& bytes_so_far);

// Whether `bytes` start like a zip archive (local header, empty archive or spanned marker).
bool looks_like_zip(const std::string& bytes);

// 32 random hex characters from the system's random source.
std::string random_hex_id();

// A file name safe to create inside a folder: the last path component, with anything but
// letters, digits, '.', '-' and '_' replaced, prefixed by `index` so names never collide.
std::string safe_file_name(std::size_t index, const std::string& name);

}  // namespace rtreview::serve
