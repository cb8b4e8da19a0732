// Filing received instances: names, atomic commit, duplicates; and case-file matching.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <mutex>

#include "rtreview/dicom_io.h"
#include "rtreview/listen.h"
#include "rtreview/policy.h"

namespace fs = std::filesystem;

namespace rtreview {

namespace {

std::mutex g_commit_mutex;  // one commit at a time: two associations may send the same UID

bool fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Offset of the data set in a file (part10_dataset_offset); 0 when the file has no File Meta.
std::uint64_t dataset_offset(std::ifstream& in) {
  unsigned char head[144];
  if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return 0;
  return part10_dataset_offset(head, sizeof head).value_or(0);
}

// True when both files hold the same data set bytes (File Meta ignored: it names the sender).
bool same_dataset(const fs::path& a, const fs::path& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  if (!fa || !fb) return false;
  const std::uint64_t oa = dataset_offset(fa), ob = dataset_offset(fb);
  std::error_code ec;
  const auto size_a = fs::file_size(a, ec), size_b = fs::file_size(b, ec);
  if (ec || size_a - oa != size_b - ob) return false;
  fa.clear();
  fb.clear();
  fa.seekg(std::streamoff(oa));
  fb.seekg(std::streamoff(ob));
  std::vector<char> ba(1 << 16), bb(1 << 16);
  while (fa && fb) {
    fa.read(ba.data(), std::streamsize(ba.size()));
    fb.read(bb.data(), std::streamsize(bb.size()));
    if (fa.gcount() != fb.gcount() || std::memcmp(ba.data(), bb.data(), std::size_t(fa.gcount())) != 0)
      return false;
  }
  return true;
}

}  // namespace

std::string sanitize_path_component(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= 64) break;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? char(c) : '_';
  }
  if (!out.empty() && out[0] == '.') out[0] = '_';  // never hidden, never "." or ".."
  return out.empty() ? "UNKNOWN" : out;
}

fs::path incoming_path(const fs::path& data_dir, const ReceivedInstance& instance) {
  return data_dir / "incoming" / sanitize_path_component(instance.patient_id) /
         sanitize_path_component(instance.study_uid) /
         (sanitize_path_component(instance.modality) + "_" +
          sanitize_path_component(instance.sop_instance_uid) + ".dcm");
}

StoreResult commit_instance(const fs::path& data_dir, const ReceivedInstance& instance) {
  const fs::path dest = incoming_path(data_dir, instance);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return {StoreOutcome::failed, {}, dest.parent_path().string() + ": " + ec.message()};
  if (!fsync_path(instance.file, O_RDONLY))
    return {StoreOutcome::failed, {}, instance.file.string() + ": fsync failed: " + std::strerror(errno)};
  std::lock_guard lock(g_commit_mutex);
  fs::path target = dest;
  StoreOutcome outcome = StoreOutcome::stored;
  for (int k = 2; fs::exists(target); ++k) {
    if (same_dataset(instance.file, target)) return {StoreOutcome::duplicate_identical, target, ""};
    outcome = StoreOutcome::duplicate_different;
    target = dest.parent_path() / (dest.stem().string() + ".dup" + std::to_string(k) + ".dcm");
  }
  fs::rename(instance.file, target, ec);
  if (ec) return {StoreOutcome::failed, {}, target.string() + ": " + ec.message()};
  fsync_path(target.parent_path(), O_RDONLY | O_DIRECTORY);  // the rename itself is durable
  return {outcome, target, ""};
}

std::optional<fs::path> find_case_file(const fs::path& case_dir, const std::string& patient_id,
                                       const std::string& plan_label) {
  if (case_dir.empty()) return std::nullopt;
  const std::string pid = sanitize_path_component(patient_id), label = sanitize_path_component(plan_label);
  for (const std::string& name : {pid + "__" + label + ".xml", pid + ".xml", label + ".xml"})
    if (fs::is_regular_file(case_dir / name)) return case_dir / name;
  std::vector<fs::path> xml;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(case_dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".xml") xml.push_back(entry.path());
  std::sort(xml.begin(), xml.end());
  for (const auto& file : xml)
    if (!patient_id.empty() && load_case_file(file).case_file.patient_id == patient_id) return file;
  return std::nullopt;
}

}  // namespace rtreview
