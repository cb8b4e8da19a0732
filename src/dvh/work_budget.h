// Internal: the DVH engine's sampling work for one ROI, counted from the contours' extents
// before any sample is taken, for the work budget of rtreview/limits.h
// (InputLimits::max_dvh_points_per_roi and max_dvh_points_per_structure_set).
#pragma once

#include <cmath>
#include <cstdint>

#include "geometry/slabs.h"

namespace rtreview::dvh {

// The boundary extremes' dose lookups along a contour edge (dx, dy) (mm): the edge in equal
// pieces no longer than step_mm, one lookup at the start of each. The engine takes them and
// the budget counts them with this one formula. A square root, not std::hypot: a library call
// that guards against overflow no contour coordinate can reach, and the largest item of the
// planning's own work. At least 1 (also for NaN); a double, so that the budget sees a forged
// edge's count whole (the engine runs only on edges the budget allowed).
inline double boundary_pieces(double dx_mm, double dy_mm, double step_mm) {
  const double pieces = std::ceil(std::sqrt(dx_mm * dx_mm + dy_mm * dy_mm) / step_mm);
  return pieces > 1 ? pieces : 1;
}

// An upper bound of the lattice points (samples, column points, boundary points, distance
// queries) the engine visits for `slabs` on a lattice of step h_mm: each segment's lattice
// box (the bounding box of its plane, or of both planes of a gap, over h, with the scanline
// margins) times its sub-slabs, plus once for the points' distance queries, the boundary
// points along the contours, and a flat end's growth box (the end plane's box grown by how
// far its contour lies outside its neighbour's, carried over the cap as the engine does).
// It depends on the dose grid only through h. O(planes + contour points); saturates at
// UINT64_MAX.
std::uint64_t planned_points(const geometry::RoiSlabs& slabs, double h_mm, int fixed_subslabs,
                             bool interpolate_between_planes);

}  // namespace rtreview::dvh
