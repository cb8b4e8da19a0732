// The declared maxima for what one input object may make rtreview hold in memory, the one
// place they are stated. The reader checks them on the parsed header and sequence sizes,
// before it copies values into the model, and refuses an object past one with a
// FILE_UNREADABLE naming the file, the count and the limit (read_file / read_bytes). Each is
// several times the largest clinical object we know of (comments), so no real plan set
// meets one; what they stop is a forged header (Rows × Columns × NumberOfFrames of
// 2^16 × 2^16 × 2^31) or a file built to exhaust memory.
//
// Time per file follows from them: parsing is linear in the file and the reader's work is
// linear in these counts. Two kinds of work are not, and have budgets of their own below:
// - the DVH engine's grows with the contours' extent over the lattice step (a forged vertex
//   kilometres out, planes 0.001 mm apart); it is counted from the contours before any
//   sample is taken (compute_dvhs), and an ROI past it is not computed and says why
//   (RoiDvh::not_computed_reason names the structure set file and the limit), never a DVH
//   cut short;
// - the supporting geometry's (PTV–OAR distances, convex hulls) grows with the product of
//   two contours' sizes; it is counted as it goes, and a check past it names the file and
//   the limit for what it could not finish.
#pragma once

#include <cstdint>

namespace rtreview {

struct InputLimits {
  // RT Dose voxels (Columns × Rows × frames), as declared and as decoded: 2^27 = 134 M
  // voxels, 512 MiB of float doses. Clinical grids: 512 × 512 × 300 = 79 M at the very most.
  std::uint64_t max_dose_voxels = std::uint64_t{1} << 27;
  // Contour points in one RT Structure Set (all ROIs, all contours): 2^24 = 16.8 M, 400 MB
  // as model points. Dense whole-body structure sets hold about 2 M.
  std::uint64_t max_contour_points = std::uint64_t{1} << 24;
  // Control points in one RT (Ion) Plan, over all beams and brachy channels: 2^20 = 1 M.
  // A TomoTherapy beam has about 6,600, a spot-scanned proton plan a few thousand.
  std::uint64_t max_control_points = std::uint64_t{1} << 20;
  // DVH sampling work for one ROI, in lattice points (samples, boundary points, distance
  // queries; src/dvh/work_budget.h), an upper bound from the contours' extents and the
  // ROI's lattice step: 2^25 = 33.5 M, a second or two of the engine's time. The engine
  // aims at 0.25-2 M samples per ROI; the largest count over dicom_samples, the shared
  // corpus and the benchmark case is 3.5 M (the benchmark's BODY, 1.3 M samples taken;
  // tests/corpus/test_corpus_dvh_budget.cpp keeps every real ROI 8 times inside).
  std::uint64_t max_dvh_points_per_roi = std::uint64_t{1} << 25;
  // The same summed over the ROIs of one structure set, spent in structure-set order:
  // 2^28 = 268 M. Largest real set: 21 M (the corpus's RayStation brain SRS case).
  std::uint64_t max_dvh_points_per_structure_set = std::uint64_t{1} << 28;
  // The supporting geometry of one structure set (PTV–OAR distances and overlaps; PTV
  // convex hulls), in elementary operations (rtreview/geometry.h: GeometryBudget), for
  // each of the two checks: 2^30 = 1.07 G, some 3 s at the ~3 ns an operation takes. Unlike
  // the DVH's, this work cannot be known before it is done (pruning decides it), so it is
  // counted as it goes, and a check past the limit reports what it finished and that the
  // rest was not computed. Largest real count: 36 M, the benchmark case's PTV convex hull
  // (127 M before the hull's face bins and the distances' edge grids;
  // tests/corpus/test_corpus_geometry_budget.cpp keeps every real set 8 times inside).
  std::uint64_t max_geometry_operations_per_structure_set = std::uint64_t{1} << 30;
};

}  // namespace rtreview
