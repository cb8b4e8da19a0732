// The declared maxima for what one input object may make rtreview hold in memory, the one
// place they are stated. The reader checks them on the parsed header and sequence sizes,
// before it copies values into the model, and refuses an object past one with a
// FILE_UNREADABLE naming the file, the count and the limit (read_file / read_bytes). Each is
// several times the largest clinical object we know of (comments), so no real plan set
// meets one; what they stop is a forged header (Rows × Columns × NumberOfFrames of
// 2^16 × 2^16 × 2^31) or a file built to exhaust memory.
//
// Time per file follows from them: parsing is linear in the file, the reader's work is
// linear in these counts, and the DVH engine caps its samples per ROI (src/dvh), so a
// file's cost is bounded by its size and these maxima.
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
};

}  // namespace rtreview
