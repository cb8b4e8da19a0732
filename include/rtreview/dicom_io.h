// Reading DICOM RT files into the plain model (the only module that uses DCMTK),
// and assembling what was read into plan sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rtreview/limits.h"
#include "rtreview/model.h"
#include "rtreview/result.h"

namespace rtreview {

struct ReadOptions {
  // SHA-256 of each file's bytes (SourceFile::sha256, the packets' provenance). Off for
  // commands that report no hash: it is a fifth of `rtreview dvh`'s work on a large dose.
  bool hash_files = true;
  // The IOD conformance record of each RT object (ObjectInfo::conformance), which only the
  // CONFORMANCE_* checks read. Off when no check runs (`dvh`, `inspect`).
  bool capture_conformance = true;
  // "" = file paths shown as given; else shown relative to this folder (a server's upload
  // folder: its packets name the uploaded files, never the server's private path).
  std::filesystem::path display_root;
  // Values longer than this stay in the file until read: a dose's PixelData is then decoded
  // in chunks, never held whole (a 16 MB dose: 20 % less CPU to read). Tests lower it to read
  // every dose both ways.
  std::uint32_t load_values_up_to_bytes = 4u << 20;
};

// Starts loading DCMTK's data dictionary on two threads (the standard's file, and the others
// such as private.dic) so a command's first DICOM read does not wait for one thread to parse
// both. Call at most once per process, before the command starts threads of its own: it
// changes this process's DCMDICTPATH for a moment (and restores it). Reading works without it.
void start_loading_dicom_dictionary();

// Reads one file and adds what it holds to `inventory`: an RT Plan / RT Ion Plan /
// brachy plan, an RT Dose, an RT Structure Set, another DICOM object (listed in
// `others`), or an entry in `unreadable` naming the file and the reason.
// Never throws on bad input; never modifies the file.
// Objects past one of `limits` (rtreview/limits.h) are refused with a FILE_UNREADABLE naming
// the limit; every caller but the limit tests keeps the declared defaults.
void read_file(const std::filesystem::path& path, Inventory& inventory, const ReadOptions& options = {},
               const InputLimits& limits = {});

// The same for an object held in memory (an upload, a fuzzer's input): `name` is what the
// object's provenance and findings call it; no file is opened. Same checks, same messages.
void read_bytes(const std::filesystem::path& name, const std::uint8_t* data, std::size_t size,
                Inventory& inventory, const ReadOptions& options = {}, const InputLimits& limits = {});

// Reads every path: files directly, folders recursively (sorted, deterministic order).
// A path that does not exist becomes an `unreadable` entry.
Inventory read_paths(const std::vector<std::filesystem::path>& paths, const ReadOptions& options = {});

// Choices that resolve ambiguous assembly (several candidates, no reference between them);
// empty = choose nothing. They never override an explicit reference or join two patients.
struct AssemblyOptions {
  std::string plan_uid;           // the plan a dose shared by several plans' frame joins
  std::string structure_set_uid;  // the structure set a plan with several candidates takes
  std::string dose_uid;           // when set, only this dose joins a plan by frame of reference
};

// Groups the inventory's objects into plan sets by references (plan → structure set,
// dose → plan) and frames of reference; each set carries its assembly findings
// (orphan objects, dangling references, FoR / PatientID mismatch, ambiguous candidates,
// duplicate UIDs). Objects of different PatientIDs are never joined. The sets depend only on
// the objects read, not on the folders they came from.
// Sets are ordered by plan label then SOP Instance UID (deterministic).
std::vector<PlanSet> assemble_plan_sets(const Inventory& inventory);
std::vector<PlanSet> assemble_plan_sets(const Inventory& inventory, const AssemblyOptions& options);

// Findings about the inputs as a whole: one FILE_UNREADABLE per unreadable file,
// one FILE_NOT_RT per ignored non-RT object.
std::vector<Finding> inventory_findings(const Inventory& inventory);

// Where a Part 10 file's data set starts, from its first `size` bytes: after the preamble,
// "DICM" and the File Meta group whose length, (0002,0000), is its first element (the value
// sits at byte 140 in explicit and implicit VR alike); nullopt when the bytes do not begin so.
std::optional<std::uint64_t> part10_dataset_offset(const unsigned char* head, std::size_t size);

// Lowercase hex SHA-256 of a file's bytes ("" if it cannot be read).
std::string sha256_file(const std::filesystem::path& path);

// Writing (used by the sample generator and by tests that build DICOM in code), each
// atomically (temporary name, then rename); a failure (cannot_write) names the path and
// the reason.
// UIDs, dates and all attributes come from the model object; nothing is invented
// except File Meta. `transfer_syntax` is one of "implicit", "explicit",
// "big_endian", "rle" (RLE applies to RT Dose pixel data only).
Result write_plan(const Plan& plan, const std::filesystem::path& path,
                  const std::string& transfer_syntax = "explicit");
Result write_dose(const DoseGrid& dose, const std::filesystem::path& path,
                  const std::string& transfer_syntax = "explicit");
Result write_structure_set(const StructureSet& structure_set, const std::filesystem::path& path,
                           const std::string& transfer_syntax = "explicit");

}  // namespace rtreview
