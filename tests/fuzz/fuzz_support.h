// Shared by the libFuzzer harnesses: the project's folders and a scratch file per process
// (the DICOM reader takes paths, like every front door; tmpfs keeps that cheap).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"

namespace rtreview::fuzz {

inline std::filesystem::path source_dir() { return RTREVIEW_SOURCE_DIR; }

// A per-process scratch folder, in /dev/shm when it exists.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::filesystem::path d = base / ("rtreview-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d, ec);
    return d;
  }();
  return dir;
}

inline std::filesystem::path write_scratch(const std::string& name, const std::uint8_t* data,
                                           std::size_t size) {
  const std::filesystem::path path = scratch_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Checks as a review runs them, with the vocabulary loaded once and the DVHs on one thread at
// the voxel lattice (no supersampling): the same code paths at a fraction of the cost per input.
inline CheckOptions fuzz_check_options() {
  CheckOptions options;
  options.default_structure_vocabulary = source_dir() / "rulesets" / "structure-names.tsv";
  options.dvh_options.threads = 1;
  options.dvh_options.inplane_supersampling = 1;
  options.dvh_options.slab_supersampling = 1;
  return options;
}

// Read → assemble → checks (→ DVHs) on what `inventory` holds; results are discarded, the
// harness only cares that nothing crashes, hangs or leaks.
inline void assemble_and_check(const Inventory& inventory) {
  static const CheckOptions options = fuzz_check_options();
  static const StructureVocabulary vocabulary = load_structure_vocabulary(options);
  (void)inventory_findings(inventory);
  for (const PlanSet& set : assemble_plan_sets(inventory)) (void)run_checks(set, options, vocabulary);
}

}  // namespace rtreview::fuzz
