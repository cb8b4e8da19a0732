#include "serve/uploads.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <random>

#include "rtreview/publish.h"

namespace rtreview::serve {
namespace fs = std::filesystem;

namespace {

// Why an archive entry may not be extracted, or "".
std::string unsafe_entry(archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  std::string name = raw ? raw : "";
  if (name.empty()) return "an entry without a name";
  if (name[0] == '/' || name[0] == '\\' || (name.size() > 1 && name[1] == ':'))
    return "entry '" + name + "' has an absolute path";
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("/\\", start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2)
      return "entry '" + name + "' leaves the archive ('..')";
    start = end + 1;
  }
  if (archive_entry_hardlink(entry) || archive_entry_symlink(entry)) return "entry '" + name + "' is a link";
  auto type = archive_entry_filetype(entry);
  if (type != AE_IFREG && type != AE_IFDIR)
    return "entry '" + name + "' is not a regular file (device, FIFO or link)";
  return "";
}

// libarchive's message for the last error ("" when it has none: the call may return null).
std::string error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "";
}

// Streams the current archive entry to `target` through a temporary name and a rename, so the
// upload folder never holds a half-written file under a final name.
std::string extract_entry(archive* a, const fs::path& target, std::vector<char>& buffer,
                          const UploadLimits& limits, std::uint64_t& bytes_so_far) {
  fs::path temporary = target;
  temporary += ".partial";
  std::string error;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    while (error.empty()) {
      la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        error = "damaged zip archive: " + error_text(a);
      } else if ((bytes_so_far += static_cast<std::uint64_t>(n)) >
                 limits.max_expanded_bytes) {  // a zip bomb stops here
        error = "refused: the upload expands to more than " +
                std::to_string(limits.max_expanded_bytes >> 20) + " MB";
      } else {
        out.write(buffer.data(), n);
      }
    }
    out.close();
    if (error.empty() && !out) error = "cannot write an extracted file on the server";
  }
  std::error_code ec;
  if (error.empty()) fs::rename(temporary, target, ec);
  if (ec) error = "cannot write an extracted file on the server";
  if (!error.empty()) fs::remove(temporary, ec);
  return error;
}

}  // namespace

std::string random_hex_id() {
  std::random_device rd;  // /dev/urandom on Linux
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) {
    auto v = rd();
    for (int k = 0; k < 4; ++k) id += hex[(v >> (k * 4)) & 0xF];
  }
  return id;
}

std::string safe_file_name(std::size_t index, const std::string& name) {
  std::string base =
      name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string out;
  for (char c : base)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (out.empty() || out[0] == '.') out = "f" + out;
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return std::to_string(index) + "_" + out;
}

bool looks_like_zip(const std::string& bytes) {
  return bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
         ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6) ||
          (bytes[2] == 7 && bytes[3] == 8));
}

std::string extract_archive(const std::string& bytes, const fs::path& dest, const UploadLimits& limits,
                            std::size_t& files_so_far, std::uint64_t& bytes_so_far) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  archive_read_support_filter_none(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return "not a readable zip archive: " + error_text(a.get());
  archive_entry* entry = nullptr;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return "damaged zip archive: " + error_text(a.get());
    if (std::string why = unsafe_entry(entry); !why.empty()) return "refused: " + why;
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    if (++files_so_far > limits.max_files)
      return "refused: more than " + std::to_string(limits.max_files) + " files in the upload";
    const fs::path target = dest / safe_file_name(files_so_far, archive_entry_pathname(entry));
    if (std::string why = extract_entry(a.get(), target, buffer, limits, bytes_so_far); !why.empty())
      return why;
  }
  return "";
}

UploadStore::UploadStore(fs::path data_dir, UploadLimits limits)
    : data_dir_(std::move(data_dir)), limits_(limits) {}

StoreResult UploadStore::store(const std::vector<IncomingFile>& files) {
  StoreResult result;
  if (files.empty()) return {nullptr, "no file in the upload (send multipart field \"files\")", 400};
  auto up = std::make_shared<Upload>();
  up->id = random_hex_id();
  up->dir = data_dir_ / up->id;
  up->files = up->dir / "files";
  up->work = up->dir / "work";
  std::error_code ec;
  fs::create_directories(up->files, ec);
  fs::create_directories(up->work, ec);
  if (ec) return {nullptr, "cannot create the upload folder on the server", 500};
  fs::permissions(up->dir, fs::perms::owner_all, ec);
  std::size_t count = 0;
  std::uint64_t bytes = 0;
  std::string error;
  for (const auto& f : files) {
    std::string lower_name = f.name;
    for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool is_xml = lower_name.size() > 4 && lower_name.substr(lower_name.size() - 4) == ".xml";
    if (looks_like_zip(f.bytes)) {
      error = extract_archive(f.bytes, up->files, limits_, count, bytes);
      if (!error.empty()) error = "'" + safe_file_name(0, f.name).substr(2) + "': " + error;
    } else if (is_xml) {
      up->case_xml = f.bytes;  // the case file that pre-fills the form; never read as DICOM
    } else if (++count > limits_.max_files) {
      error = "refused: more than " + std::to_string(limits_.max_files) + " files in the upload";
    } else if ((bytes += f.bytes.size()) > limits_.max_expanded_bytes) {
      error =
          "refused: the upload is larger than " + std::to_string(limits_.max_expanded_bytes >> 20) + " MB";
    } else if (!write_file_atomically(up->files / safe_file_name(count, f.name), f.bytes)) {
      error = "cannot write an uploaded file on the server";
    }
    if (!error.empty()) break;
  }
  if (!error.empty()) {
    fs::remove_all(up->dir, ec);
    return {nullptr, error, 400};
  }
  up->expires = std::chrono::steady_clock::now() + limits_.expiry;
  std::lock_guard lock(mutex_);
  uploads_[up->id] = up;
  result.upload = up;
  return result;
}

std::shared_ptr<Upload> UploadStore::find(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->expires < std::chrono::steady_clock::now()) return nullptr;
  return it->second;
}

std::size_t UploadStore::sweep() {
  std::vector<std::shared_ptr<Upload>> expired;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    for (auto it = uploads_.begin(); it != uploads_.end();) {
      if (it->second->expires < now) {
        expired.push_back(it->second);
        it = uploads_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& up : expired) {
    std::lock_guard lock(up->mutex);  // wait for work in progress on it
    std::error_code ec;
    fs::remove_all(up->dir, ec);
  }
  return expired.size();
}

std::size_t UploadStore::size() {
  std::lock_guard lock(mutex_);
  return uploads_.size();
}

}  // namespace rtreview::serve
