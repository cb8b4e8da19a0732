// Loading files with DCMTK, provenance, and dispatch to the per-object readers.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <system_error>
#include <thread>

#include "dicom/dcmtk_access.h"
#include "dicom/memory_input.h"
#include "dicom/read_internal.h"
#include "dicom/sha256.h"
#include "rtreview/dicom_io.h"

namespace fs = std::filesystem;

namespace rtreview {
namespace {

// How `path` is shown (SourceFile::path, UnreadableFile::path): see ReadOptions::display_root.
std::string shown_path(const fs::path& path, const ReadOptions& options) {
  if (options.display_root.empty()) return path.string();
  fs::path relative = path.lexically_relative(options.display_root);
  return relative.empty() || *relative.begin() == ".." ? path.string() : relative.generic_string();
}

void add_unreadable(Inventory& inventory, const fs::path& path, std::string reason) {
  inventory.unreadable.push_back({path.string(), std::move(reason)});
}

// Cheap gate before DCMTK: DCMTK's auto-detection happily parses arbitrary bytes as an
// implicit-VR dataset, so insist on "DICM" at 128 or a plausible first tag (group 0002-0008,
// as written by exporters that omit the preamble). `head` holds the object's first bytes.
std::string dicom_signature_problem(const unsigned char* head, std::size_t got, std::uint64_t size) {
  if (size == 0) return "empty file (0 bytes)";
  if (got >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') return {};
  if (got >= 8) {
    const unsigned group_le = head[0] | (head[1] << 8);
    const unsigned group_be = (head[0] << 8) | head[1];
    auto plausible = [](unsigned g) { return g >= 0x0002 && g <= 0x0008; };
    if (plausible(group_le) || plausible(group_be)) return {};
  }
  return "not a DICOM file (no 'DICM' prefix at byte 128 and no DICOM data element at the start)";
}

// After a failed load: the last element DCMTK managed to place in the dataset, so the
// message can say where the file stops making sense.
std::string last_element_text(DcmDataset& dataset) {
  DcmStack stack;
  DcmObject* last = nullptr;
  while (dataset.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    if (object && object->ident() != EVR_item && object->ident() != EVR_dataset) last = object;
  }
  if (!last) return {};
  DcmTag tag = last->getTag();
  return dicom::tag_text(tag) + " " + tag.getTagName();
}

std::string sop_class_name(const std::string& uid) {
  if (uid.empty()) return "no SOP Class UID";
  const char* name = dcmFindNameOfUID(uid.c_str(), nullptr);
  return name ? std::string(name) : "SOP Class " + uid;
}

void read_object_info(DcmDataset& ds, ObjectInfo& info) {
  using dicom::get_string;
  info.sop_class_uid = get_string(ds, DCM_SOPClassUID);
  info.sop_instance_uid = get_string(ds, DCM_SOPInstanceUID);
  info.modality = get_string(ds, DCM_Modality);
  info.study_instance_uid = get_string(ds, DCM_StudyInstanceUID);
  info.series_instance_uid = get_string(ds, DCM_SeriesInstanceUID);
  info.frame_of_reference_uid = get_string(ds, DCM_FrameOfReferenceUID);
  info.manufacturer = get_string(ds, DCM_Manufacturer);
  info.manufacturer_model_name = get_string(ds, DCM_ManufacturerModelName);
  info.software_versions = get_string(ds, DCM_SoftwareVersions);
  info.station_name = get_string(ds, DCM_StationName);
  info.series_description = get_string(ds, DCM_SeriesDescription);
  info.instance_creation_date = get_string(ds, DCM_InstanceCreationDate);
  info.patient.name = get_string(ds, DCM_PatientName);
  info.patient.id = get_string(ds, DCM_PatientID);
  info.patient.birth_date = get_string(ds, DCM_PatientBirthDate);
  info.patient.sex = get_string(ds, DCM_PatientSex);
}

// Completes the object's character-set note with the values get_string had to repair
// and copies it into the object's notes (a reader remark, never fatal).
void note_text_problems(ObjectInfo& info, std::vector<std::string>& notes) {
  if (const std::size_t replaced = dicom::take_invalid_utf8_count(); replaced > 0) {
    const std::string what = std::to_string(replaced) + " byte(s) invalid in UTF-8 replaced by U+FFFD";
    info.character_set_note += (info.character_set_note.empty() ? "" : "; ") + what;
  }
  if (!info.character_set_note.empty()) notes.push_back("character set: " + info.character_set_note);
}

}  // namespace

std::optional<std::uint64_t> part10_dataset_offset(const unsigned char* head, std::size_t size) {
  if (size < 144 || std::memcmp(head + 128, "DICM", 4) != 0) return std::nullopt;
  if (head[132] != 0x02 || head[133] != 0x00 || head[134] != 0x00 || head[135] != 0x00) return std::nullopt;
  const std::uint64_t group_length =
      head[140] | (head[141] << 8) | (head[142] << 16) | (static_cast<std::uint64_t>(head[143]) << 24);
  return 144 + group_length;
}

std::string sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  dicom::Sha256 sha;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return {};
  return sha.hex();
}

namespace {

// Where an object's bytes come from: the file at `path`, or memory (`bytes` non-null; `path`
// is then only the name findings show, e.g. an uploaded file's name).
struct Source {
  fs::path path;
  const std::uint8_t* bytes = nullptr;
  std::uint64_t size = 0;
};

// The first bytes of a file for the signature gate; false (reason recorded) if it is no
// regular, readable file.
bool file_head(Source& source, std::array<unsigned char, 132>& head, std::size_t& got, Inventory& inventory) {
  const fs::path& path = source.path;
  std::error_code ec;
  if (!fs::exists(path, ec)) return add_unreadable(inventory, path, "no such file or directory"), false;
  if (!fs::is_regular_file(path, ec)) return add_unreadable(inventory, path, "not a regular file"), false;
  source.size = fs::file_size(path, ec);
  if (ec) return add_unreadable(inventory, path, "cannot determine file size: " + ec.message()), false;
  got = 0;
  if (source.size == 0) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return add_unreadable(inventory, path, "cannot open file for reading"), false;
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  got = static_cast<std::size_t>(in.gcount());
  return true;
}

// Existence, size and the DICOM signature; false (with the reason recorded) when the
// source cannot be a DICOM object.
bool precheck(Source& source, Inventory& inventory) {
  std::array<unsigned char, 132> head{};
  std::size_t got = 0;
  if (source.bytes) {
    got = static_cast<std::size_t>(std::min<std::uint64_t>(source.size, head.size()));
    std::copy_n(source.bytes, got, head.begin());
  } else if (!file_head(source, head, got, inventory)) {
    return false;
  }
  std::string problem = dicom_signature_problem(head.data(), got, source.size);
  if (problem.empty()) return true;
  add_unreadable(inventory, source.path, problem);
  // A file named like DICOM that is not DICOM is a damaged export; anything else
  // (case.xml, README.txt) merely shares the folder.
  std::string ext = source.path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  inventory.unreadable.back().not_dicom = source.size > 0 && ext != ".dcm" && ext != ".dicom" && !ext.empty();
  return false;
}

// Deflated files inflate while parsed, so their values may exceed the file's size; zlib's
// ratio is at most 1032:1. The UID sits in the File Meta group, searched whole (up to 1 MiB)
// when the header has the Part 10 form, else in the first 2 KiB. (A deflated
// file taken for a plain one would have values left in it read back at inflated offsets.)
bool deflated(const Source& source) {
  static const std::string uid = "1.2.840.10008.1.2.1.99";
  auto head_of = [&](std::uint64_t length) {
    std::string head(std::min<std::uint64_t>(source.size, length), '\0');
    if (source.bytes) {
      std::copy_n(source.bytes, head.size(), head.begin());
    } else {
      std::ifstream in(source.path, std::ios::binary);
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
    }
    return head;
  };
  std::string head = head_of(2048);
  if (const auto meta_end =
          part10_dataset_offset(reinterpret_cast<const unsigned char*>(head.data()), head.size());
      meta_end && *meta_end > head.size())
    head = head_of(std::min<std::uint64_t>(*meta_end, 144 + (1u << 20)));
  return head.find(uid) != std::string::npos;
}

// The first element whose length field claims more bytes than the source can hold (DCMTK
// deferred it: nothing was allocated), as a reason; "" when every length is possible.
std::string impossible_length(DcmDataset& dataset, std::uint64_t bound, std::uint64_t size) {
  DcmStack stack;
  while (dataset.nextObject(stack, OFTrue).good()) {
    DcmObject* object = stack.top();
    if (!object || !object->isLeaf()) continue;
    const std::uint64_t length = static_cast<DcmElement*>(object)->getLength();
    if (length <= bound) continue;
    DcmTag tag = object->getTag();
    return "element " + dicom::tag_text(tag) + " " + tag.getTagName() + " claims a value of " +
           std::to_string(length) + " bytes in a file of " + std::to_string(size) +
           " bytes: truncated or forged";
  }
  return {};
}

// Parses the source with DCMTK; null (with the reason recorded) when it cannot be parsed.
DcmDataset* load_dataset(const Source& source, DcmFileFormat& file, Inventory& inventory,
                         const ReadOptions& options) {
  // Values up to options.load_values_up_to_bytes are loaded at once: with DCMTK's default
  // (4 KiB) every large ContourData is fetched later by reopening the file, which made a 2.8 MB
  // structure set take 3.7 s. Longer ones (a dose's PixelData) stay in the source until read:
  // read_dose streams them, so a 16 MB dose is never held twice. A value longer than the file
  // itself cannot be in it: it is left unloaded too (nothing allocated) and refused below. An
  // inflating stream cannot defer (DCMTK loads what it cannot re-read): 256 MiB as before.
  const bool inflates = deflated(source);
  const std::uint64_t bound = inflates ? source.size * 1032 : source.size;
  const auto eager = static_cast<Uint32>(
      inflates ? 256u << 20 : std::min<std::uint64_t>(options.load_values_up_to_bytes, bound));
  OFCondition cond;
  if (source.bytes) {
    dicom::MemoryInput stream(source.bytes, static_cast<std::size_t>(source.size));
    file.transferInit();
    cond = file.read(stream, EXS_Unknown, EGL_noChange, eager);
    file.transferEnd();
  } else {
    cond = file.loadFile(source.path.c_str(), EXS_Unknown, EGL_noChange, eager, ERM_autoDetect);
  }
  DcmDataset* ds = file.getDataset();
  if (cond.good() && ds) {
    std::string forged = impossible_length(*ds, bound, source.size);
    if (forged.empty()) return ds;
    add_unreadable(inventory, source.path, forged);
    return nullptr;
  }
  std::string reason = std::string("cannot parse DICOM: ") + cond.text();
  if (ds) {
    if (std::string last = last_element_text(*ds); !last.empty())
      reason = "truncated or corrupt: reading stopped at element " + last + " (DCMTK: " + cond.text() + ")";
  }
  add_unreadable(inventory, source.path, reason);
  return nullptr;
}

std::string sha256_of(const Source& source) {
  if (!source.bytes) return sha256_file(source.path);
  dicom::Sha256 sha;
  sha.update(source.bytes, static_cast<std::size_t>(source.size));
  return sha.hex();
}

// Provenance and the attributes every object carries, text converted to UTF-8.
ObjectInfo object_info_of(const Source& from, DcmFileFormat& file, DcmDataset& ds,
                          const ReadOptions& options) {
  ObjectInfo info;
  SourceFile& source = info.source;
  source.path = shown_path(from.path, options);
  source.size_bytes = from.size;
  if (options.hash_files) source.sha256 = sha256_of(from);
  const E_TransferSyntax original_xfer = ds.getOriginalXfer();
  DcmMetaInfo* meta = file.getMetaInfo();
  source.has_file_meta = meta && meta->card() > 0;
  if (source.has_file_meta) source.transfer_syntax_uid = dicom::get_string(*meta, DCM_TransferSyntaxUID);
  if (source.transfer_syntax_uid.empty() && original_xfer != EXS_Unknown)
    source.transfer_syntax_uid = DcmXfer(original_xfer).getXferID();
  info.specific_character_set = dicom::get_string(ds, DCM_SpecificCharacterSet);
  // Every model string is UTF-8: convert once here, before any value is read.
  info.character_set_note = dicom::convert_text_to_utf8(ds);
  dicom::take_invalid_utf8_count();
  read_object_info(ds, info);
  if (info.sop_class_uid.empty() && source.has_file_meta)  // some exporters put it in File Meta only
    info.sop_class_uid = dicom::get_string(*meta, DCM_MediaStorageSOPClassUID);
  return info;
}

void add_plan(DcmDataset& ds, ObjectInfo info, const ReadOptions& options, const InputLimits& limits,
              Inventory& inventory) {
  if (std::string problem = dicom::plan_limit_problem(ds, limits); !problem.empty())
    return add_unreadable(inventory, info.source.path, problem);
  const std::string sop = info.sop_class_uid;
  auto plan = std::make_shared<Plan>();
  plan->info = std::move(info);
  dicom::read_plan(ds, *plan);
  note_text_problems(plan->info, plan->notes);
  if (sop == sop_class::rt_plan || sop == sop_class::rt_ion_plan) {
    if (options.capture_conformance)
      plan->info.conformance =
          dicom::capture_conformance(ds, sop == sop_class::rt_plan ? Iod::rt_plan : Iod::rt_ion_plan);
  } else {
    plan->notes.push_back((sop.empty() ? std::string("no SOP Class UID") : "vendor SOP Class " + sop) +
                          " with Modality RTPLAN: read as an RT Plan");
  }
  inventory.plans.push_back(std::move(plan));
}

void add_dose(const fs::path& path, DcmDataset& ds, ObjectInfo info, const ReadOptions& options,
              const InputLimits& limits, Inventory& inventory) {
  auto dose = std::make_shared<DoseGrid>();
  dose->info = std::move(info);
  const DcmXfer xfer(ds.getOriginalXfer());
  if (xfer.isEncapsulated()) {
    OFCondition decoded = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (decoded.bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit))
      return add_unreadable(inventory, path,
                            std::string("cannot decode pixel data in transfer syntax ") + xfer.getXferName() +
                                ": " + (decoded.bad() ? decoded.text() : "no decoder for this codec"));
  }
  std::string problem = dicom::read_dose(ds, xfer.isBigEndian(), limits, *dose);
  if (!problem.empty()) return add_unreadable(inventory, path, problem);
  note_text_problems(dose->info, dose->notes);
  if (dose->info.sop_class_uid == sop_class::rt_dose && options.capture_conformance)
    dose->info.conformance = dicom::capture_conformance(ds, Iod::rt_dose);
  inventory.doses.push_back(std::move(dose));
}

void add_structure_set(DcmDataset& ds, ObjectInfo info, const ReadOptions& options, const InputLimits& limits,
                       Inventory& inventory) {
  if (std::string problem = dicom::structure_set_limit_problem(ds, limits); !problem.empty())
    return add_unreadable(inventory, info.source.path, problem);
  auto structure_set = std::make_shared<StructureSet>();
  structure_set->info = std::move(info);
  dicom::read_structure_set(ds, *structure_set);
  note_text_problems(structure_set->info, structure_set->notes);
  if (structure_set->info.sop_class_uid == sop_class::rt_structure_set && options.capture_conformance)
    structure_set->info.conformance = dicom::capture_conformance(ds, Iod::rt_structure_set);
  inventory.structure_sets.push_back(std::move(structure_set));
}

void add_other(ObjectInfo info, Inventory& inventory) {
  OtherObject other;
  std::vector<std::string> ignored_notes;
  note_text_problems(info, ignored_notes);
  other.reason = sop_class_name(info.sop_class_uid) +
                 (info.modality.empty() ? "" : " (Modality " + info.modality + ")") +
                 ": not an RT Plan, RT Dose or RT Structure Set; ignored";
  other.info = std::move(info);
  inventory.others.push_back(std::move(other));
}

// A file's size and modification time. Values longer than ReadOptions::load_values_up_to_bytes
// are read from the file after it was parsed, by path: a file replaced in between must not
// give one file's header with another's values.
struct FileStamp {
  bool valid = false;
  std::uintmax_t size = 0;
  fs::file_time_type modified{};
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const Source& source) {
  FileStamp stamp;
  if (source.bytes) return stamp;  // memory does not change under us
  std::error_code size_ec, time_ec;
  stamp.size = fs::file_size(source.path, size_ec);
  stamp.modified = fs::last_write_time(source.path, time_ec);
  stamp.valid = !size_ec && !time_ec;
  return stamp;
}

void read_object(Source source, Inventory& inventory, const ReadOptions& options, const InputLimits& limits);

void read_unguarded(const Source& source, Inventory& inventory, const ReadOptions& options,
                    const InputLimits& limits) {
  const FileStamp before = stamp_of(source);
  const std::array<std::size_t, 5> counts{inventory.plans.size(), inventory.doses.size(),
                                          inventory.structure_sets.size(), inventory.others.size(),
                                          inventory.unreadable.size()};
  read_object(source, inventory, options, limits);
  if (!before.valid || stamp_of(source) == before) return;
  inventory.plans.resize(counts[0]);
  inventory.doses.resize(counts[1]);
  inventory.structure_sets.resize(counts[2]);
  inventory.others.resize(counts[3]);
  inventory.unreadable.resize(counts[4]);
  add_unreadable(inventory, source.path, "the file changed while it was being read: read it again");
}

void read_object(Source source, Inventory& inventory, const ReadOptions& options, const InputLimits& limits) {
  if (!precheck(source, inventory)) return;
  const fs::path& path = source.path;
  DcmFileFormat file;
  DcmDataset* ds = load_dataset(source, file, inventory, options);
  if (!ds) return;
  ObjectInfo info = object_info_of(source, file, *ds, options);
  const std::string sop = info.sop_class_uid;
  const std::string modality = info.modality;
  if (sop.empty() && modality.empty() && info.sop_instance_uid.empty())
    return add_unreadable(inventory, path,
                          "not a DICOM object: no SOP Class UID, SOP Instance UID or Modality");
  if (sop == sop_class::rt_plan || sop == sop_class::rt_ion_plan ||
      (modality == "RTPLAN" && sop != sop_class::rt_dose && sop != sop_class::rt_structure_set))
    return add_plan(*ds, std::move(info), options, limits, inventory);
  if (sop == sop_class::rt_dose || (sop.empty() && modality == "RTDOSE"))
    return add_dose(path, *ds, std::move(info), options, limits, inventory);
  if (sop == sop_class::rt_structure_set || (sop.empty() && modality == "RTSTRUCT"))
    return add_structure_set(*ds, std::move(info), options, limits, inventory);
  add_other(std::move(info), inventory);
}

}  // namespace

namespace {

void read_guarded(const Source& source, Inventory& inventory, const ReadOptions& options,
                  const InputLimits& limits) {
  dicom::ensure_dcmtk_ready();
  // Bad input is reported as data; this only catches what should never happen
  // (e.g. allocation failure on an absurd file) so one file cannot end the run.
  const std::size_t unreadable_before = inventory.unreadable.size();
  try {
    read_unguarded(source, inventory, options, limits);
  } catch (const std::exception& e) {
    add_unreadable(inventory, source.path, std::string("internal error while reading: ") + e.what());
  }
  if (!options.display_root.empty())
    for (std::size_t i = unreadable_before; i < inventory.unreadable.size(); ++i)
      inventory.unreadable[i].path = shown_path(source.path, options);
}

}  // namespace

void read_file(const fs::path& path, Inventory& inventory, const ReadOptions& options,
               const InputLimits& limits) {
  read_guarded(Source{path}, inventory, options, limits);
}

void read_bytes(const fs::path& name, const std::uint8_t* data, std::size_t size, Inventory& inventory,
                const ReadOptions& options, const InputLimits& limits) {
  static const std::uint8_t kEmpty = 0;  // a non-null pointer marks the source as memory
  read_guarded(Source{name, data ? data : &kEmpty, data ? size : 0}, inventory, options, limits);
}

namespace {

// One file to read, or a folder that could not be listed, with what it adds to the inventory.
struct ReadTask {
  fs::path file;
  bool is_file = true;  // false: `found` already holds the folder's listing error
  std::uint64_t size = 0;
  Inventory found;
};

void append(Inventory& to, Inventory&& from) {
  auto move_all = [](auto& a, auto& b) {
    a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  };
  move_all(to.plans, from.plans);
  move_all(to.doses, from.doses);
  move_all(to.structure_sets, from.structure_sets);
  move_all(to.others, from.others);
  move_all(to.unreadable, from.unreadable);
}

// Reads the tasks' files on up to hardware_concurrency threads, largest first (a plan set's
// dose and structure set are parsed at the same time); each task fills only its own inventory.
void read_tasks(std::vector<ReadTask>& tasks, const ReadOptions& options) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].is_file) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tasks[a].size > tasks[b].size; });
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++)
      read_file(tasks[order[k]].file, tasks[order[k]].found, options);
  };
  const auto threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), order.size());
  if (threads <= 1) return worker();
  dicom::ensure_dcmtk_ready();
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t + 1 < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace

// Files are read in parallel and their objects appended in the order of the paths (files
// of a folder sorted by name), so the inventory never depends on thread timing.
Inventory read_paths(const std::vector<fs::path>& paths, const ReadOptions& options) {
  std::vector<ReadTask> tasks;
  std::set<std::string> seen;  // the same file named twice is read once
  auto add_file = [&](const fs::path& file) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (!seen.insert((ec ? file : canonical).string()).second) return;
    ReadTask task;
    task.file = file;
    task.size = fs::file_size(file, ec);
    tasks.push_back(std::move(task));
  };
  for (const fs::path& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        tasks.emplace_back().is_file = false;
        add_unreadable(tasks.back().found, shown_path(path, options), "cannot list folder: " + ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) break;
        std::error_code file_ec;
        if (it->is_regular_file(file_ec)) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) add_file(file);
    } else {
      add_file(path);
    }
  }
  read_tasks(tasks, options);
  Inventory inventory;
  for (auto& task : tasks) append(inventory, std::move(task.found));
  return inventory;
}

}  // namespace rtreview
