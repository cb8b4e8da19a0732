// Shared by the libFuzzer harnesses: the project's folders and the checks as a review runs
// them, set up once per process (LLVMFuzzerInitialize calls prepare()).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"

namespace rtreview::fuzz {

inline std::filesystem::path source_dir() { return RTREVIEW_SOURCE_DIR; }

// Work per input stays small whatever the geometry: one DVH lattice step for the set, chosen
// so the largest ROI's bounding box holds about kDvhSamples samples (smaller ROIs get fewer,
// down to the one-sample path for planes smaller than the lattice). Every code path of the
// engine still runs; only the resolution is coarse. Unset when the box is not finite.
inline constexpr std::uint64_t kDvhSamples = 512;

// Checks as a review runs them, with the vocabulary loaded once and the DVHs on one thread
// with one sub-slab per contour slab (the lattice step is set per input, below).
inline CheckOptions fuzz_check_options() {
  CheckOptions options;
  options.default_structure_vocabulary = source_dir() / "rulesets" / "structure-names.tsv";
  options.dvh_options.threads = 1;
  options.dvh_options.slab_supersampling = 1;
  // Coarse curves: 0.5 Gy bins (a hundred or so, not thousands at the 0.01 Gy default) keep
  // the histogram and the curve building short; every path of them still runs.
  options.dvh_options.bin_width_gy = 0.5;
  // The DVH work budget (rtreview/limits.h) at the harnesses' scale: an input whose contours
  // plan more than this (a forged vertex far out, planes packed closer than the lattice) is
  // refused by the same check a review makes, only sooner, so no input costs more than about
  // a millisecond of DVH work.
  options.dvh_options.max_points_per_roi = 32 * kDvhSamples;
  options.dvh_options.max_points_per_structure_set = 128 * kDvhSamples;
  // The same for the supporting geometry (PTV–OAR distances, convex hulls): a few
  // milliseconds at most per check instead of the declared few seconds.
  options.max_geometry_operations = std::uint64_t{1} << 20;
  return options;
}

// Read → assemble → checks (→ DVHs) on what `inventory` holds; results are discarded, the
// harness only cares that nothing crashes, hangs or leaks.
struct CheckSetup {
  CheckOptions options = fuzz_check_options();
  StructureVocabulary vocabulary = load_structure_vocabulary(options);
};

inline const CheckSetup& check_setup() {
  static const CheckSetup setup;
  return setup;
}

// Everything loaded once per process, before the first input (the vocabulary file, DCMTK's
// dictionary), so no input pays for it.
inline void prepare() {
  (void)check_setup();
  Inventory warm_up;
  const std::uint8_t nothing[1] = {0};
  read_bytes("warm-up.dcm", nothing, 0, warm_up);
}

inline std::optional<double> dvh_sample_spacing_mm(const PlanSet& set) {
  if (!set.structure_set) return std::nullopt;
  double largest_mm3 = 0;
  for (const Roi& roi : set.structure_set->rois) {
    Point3 lo{}, hi{};
    bool any = false;
    for (const Contour& contour : roi.contours)
      for (const Point3& p : contour.points_mm) {
        if (!any) lo = hi = p;
        any = true;
        for (int a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], p[a]);
          hi[a] = std::max(hi[a], p[a]);
        }
      }
    if (!any) continue;
    // A single plane still spans one slab: count its thickness as 1 mm.
    const double mm3 = (hi[0] - lo[0]) * (hi[1] - lo[1]) * std::max(hi[2] - lo[2], 1.0);
    largest_mm3 = std::max(largest_mm3, mm3);
  }
  const double h = std::cbrt(largest_mm3 / static_cast<double>(kDvhSamples));
  if (!std::isfinite(h) || !(h > 0)) return std::nullopt;
  return h;
}

inline void assemble_and_check(const Inventory& inventory) {
  const CheckSetup& setup = check_setup();
  (void)inventory_findings(inventory);
  for (const PlanSet& set : assemble_plan_sets(inventory)) {
    CheckOptions options = setup.options;
    options.dvh_options.sample_spacing_mm = dvh_sample_spacing_mm(set);
    (void)run_checks(set, options, setup.vocabulary);
  }
}

}  // namespace rtreview::fuzz
