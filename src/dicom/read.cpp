// Loading files with DCMTK, provenance, and dispatch to the per-object readers.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <system_error>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"
#include "rtreview/dicom_io.h"

namespace fs = std::filesystem;

namespace rtreview {
namespace {

constexpr const char* kRtPlan = "1.2.840.10008.5.1.4.1.1.481.5";
constexpr const char* kRtIonPlan = "1.2.840.10008.5.1.4.1.1.481.8";
constexpr const char* kRtDose = "1.2.840.10008.5.1.4.1.1.481.2";
constexpr const char* kRtStructureSet = "1.2.840.10008.5.1.4.1.1.481.3";

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
// as written by exporters that omit the preamble).
std::string dicom_signature_problem(const fs::path& path, std::uint64_t size) {
  if (size == 0) return "empty file (0 bytes)";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open file for reading";
  std::array<unsigned char, 132> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  if (got == head.size() && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M')
    return {};
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

std::string sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) return {};
  }
  if (in.bad()) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) return {};
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

namespace {

// Existence, size and the DICOM signature; false (with the reason recorded) when the file
// cannot be a DICOM object.
bool precheck_file(const fs::path& path, Inventory& inventory, std::uint64_t& size) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return add_unreadable(inventory, path, "no such file or directory"), false;
  if (!fs::is_regular_file(path, ec)) return add_unreadable(inventory, path, "not a regular file"), false;
  size = fs::file_size(path, ec);
  if (ec) return add_unreadable(inventory, path, "cannot determine file size: " + ec.message()), false;
  std::string problem = dicom_signature_problem(path, size);
  if (problem.empty()) return true;
  add_unreadable(inventory, path, problem);
  // A file named like DICOM that is not DICOM is a damaged export; anything else
  // (case.xml, README.txt) merely shares the folder.
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  inventory.unreadable.back().not_dicom = size > 0 && ext != ".dcm" && ext != ".dicom" && !ext.empty();
  return false;
}

// Parses the file with DCMTK; null (with the reason recorded) when it cannot be parsed.
DcmDataset* load_dataset(const fs::path& path, DcmFileFormat& file, Inventory& inventory) {
  // Load values up to 256 MiB at once: with DCMTK's default (4 KiB) every large ContourData
  // is fetched later by reopening the file, which made a 2.8 MB structure set take 3.7 s.
  constexpr Uint32 kMaxEagerValueBytes = 256u << 20;
  OFCondition cond =
      file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxEagerValueBytes, ERM_autoDetect);
  DcmDataset* ds = file.getDataset();
  if (cond.good() && ds) return ds;
  std::string reason = std::string("cannot parse DICOM: ") + cond.text();
  if (ds) {
    if (std::string last = last_element_text(*ds); !last.empty())
      reason = "truncated or corrupt: reading stopped at element " + last + " (DCMTK: " + cond.text() + ")";
  }
  add_unreadable(inventory, path, reason);
  return nullptr;
}

// Provenance and the attributes every object carries, text converted to UTF-8.
ObjectInfo object_info_of(const fs::path& path, std::uint64_t size, DcmFileFormat& file, DcmDataset& ds,
                          const ReadOptions& options) {
  ObjectInfo info;
  SourceFile& source = info.source;
  source.path = shown_path(path, options);
  source.size_bytes = size;
  if (options.hash_files) source.sha256 = sha256_file(path);
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

void add_plan(DcmDataset& ds, ObjectInfo info, Inventory& inventory) {
  const std::string sop = info.sop_class_uid;
  auto plan = std::make_shared<Plan>();
  plan->info = std::move(info);
  dicom::read_plan(ds, *plan);
  note_text_problems(plan->info, plan->notes);
  if (sop == kRtPlan || sop == kRtIonPlan)
    plan->info.conformance = dicom::capture_conformance(ds, sop == kRtPlan ? Iod::rt_plan : Iod::rt_ion_plan);
  else
    plan->notes.push_back((sop.empty() ? std::string("no SOP Class UID") : "vendor SOP Class " + sop) +
                          " with Modality RTPLAN: read as an RT Plan");
  inventory.plans.push_back(std::move(plan));
}

void add_dose(const fs::path& path, DcmDataset& ds, ObjectInfo info, Inventory& inventory) {
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
  std::string problem = dicom::read_dose(ds, xfer.isBigEndian(), *dose);
  if (!problem.empty()) return add_unreadable(inventory, path, problem);
  note_text_problems(dose->info, dose->notes);
  if (dose->info.sop_class_uid == kRtDose)
    dose->info.conformance = dicom::capture_conformance(ds, Iod::rt_dose);
  inventory.doses.push_back(std::move(dose));
}

void add_structure_set(DcmDataset& ds, ObjectInfo info, Inventory& inventory) {
  auto structure_set = std::make_shared<StructureSet>();
  structure_set->info = std::move(info);
  dicom::read_structure_set(ds, *structure_set);
  note_text_problems(structure_set->info, structure_set->notes);
  if (structure_set->info.sop_class_uid == kRtStructureSet)
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

void read_file_unguarded(const fs::path& path, Inventory& inventory, const ReadOptions& options) {
  std::uint64_t size = 0;
  if (!precheck_file(path, inventory, size)) return;
  DcmFileFormat file;
  DcmDataset* ds = load_dataset(path, file, inventory);
  if (!ds) return;
  ObjectInfo info = object_info_of(path, size, file, *ds, options);
  const std::string sop = info.sop_class_uid;
  const std::string modality = info.modality;
  if (sop.empty() && modality.empty() && info.sop_instance_uid.empty())
    return add_unreadable(inventory, path,
                          "not a DICOM object: no SOP Class UID, SOP Instance UID or Modality");
  if (sop == kRtPlan || sop == kRtIonPlan ||
      (modality == "RTPLAN" && sop != kRtDose && sop != kRtStructureSet))
    return add_plan(*ds, std::move(info), inventory);
  if (sop == kRtDose || (sop.empty() && modality == "RTDOSE"))
    return add_dose(path, *ds, std::move(info), inventory);
  if (sop == kRtStructureSet || (sop.empty() && modality == "RTSTRUCT"))
    return add_structure_set(*ds, std::move(info), inventory);
  add_other(std::move(info), inventory);
}

}  // namespace

void read_file(const fs::path& path, Inventory& inventory, const ReadOptions& options) {
  dicom::ensure_dcmtk_ready();
  // Bad input is reported as data; this only catches what should never happen
  // (e.g. allocation failure on an absurd file) so one file cannot end the run.
  const std::size_t unreadable_before = inventory.unreadable.size();
  try {
    read_file_unguarded(path, inventory, options);
  } catch (const std::exception& e) {
    add_unreadable(inventory, path, std::string("internal error while reading: ") + e.what());
  }
  if (!options.display_root.empty())
    for (std::size_t i = unreadable_before; i < inventory.unreadable.size(); ++i)
      inventory.unreadable[i].path = shown_path(path, options);
}

Inventory read_paths(const std::vector<fs::path>& paths, const ReadOptions& options) {
  Inventory inventory;
  std::set<std::string> seen;  // the same file named twice is read once
  auto read_once = [&](const fs::path& file) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (!seen.insert((ec ? file : canonical).string()).second) return;
    read_file(file, inventory, options);
  };
  for (const fs::path& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        add_unreadable(inventory, shown_path(path, options), "cannot list folder: " + ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) break;
        std::error_code file_ec;
        if (it->is_regular_file(file_ec)) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) read_once(file);
    } else {
      read_once(path);
    }
  }
  return inventory;
}

}  // namespace rtreview
