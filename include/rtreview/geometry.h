// ROI geometry from RT Structure Set contours: volume, bounds, convex hull,
// distance and overlap between two ROIs. Patient coordinates (LPS), mm; volumes in cc.
//
// An ROI's volume is the stack of its closed planar contours (axial planes), each
// plane a slab: the region on a plane is the parity (XOR) of its contours, so a
// contour inside another is a hole and a contour inside a hole an island.
// EndCaps::half_slab: a plane's slab reaches halfway to each neighbouring plane; the
//   first and last planes extend by half the ROI's typical (median) contour spacing, and
//   so do planes next to a gap wider than 1.5 typical spacings.
// EndCaps::none: the same, clipped to [first plane, last plane] (a 1-plane ROI has no volume).
// Contours whose points are not on one axial plane (spread > 0.1 mm in z) are ignored.
// These prism slabs are the geometry of the functions below. The DVH engine (dvh.h)
// interpolates the shape between planes and closes ends by trend by default, so its
// RoiDvh::volume_cc can differ from roi_volume_cc by a few per cent where contours change
// size fast between planes.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "rtreview/model.h"

namespace rtreview {

enum class EndCaps { half_slab, none };

// Volume in cc of the ROI's closed planar contours under the end-cap convention; 0 if none.
double roi_volume_cc(const Roi& roi, EndCaps end_caps = EndCaps::half_slab);

struct Bounds3 {
  Point3 min_mm{};
  Point3 max_mm{};
};

// Axis-aligned extent of all contour points (any geometric type, no end caps);
// nullopt when the ROI has no finite points.
std::optional<Bounds3> roi_bounds(const Roi& roi);

// A work allowance for the supporting geometry below, in elementary operations (a point to
// segment distance, an edge-grid cell or edge read, a lattice point of an overlap, a
// convex-hull face test, a contour point read into slabs). Their cost is not linear in the
// input: distances compare the vertices of one plane with the edges of another near them,
// the hull tests the faces that may face each point, so a forged structure set within
// InputLimits::max_contour_points could take hours. A caller
// gives one budget to a batch of calls (InputLimits::max_geometry_operations_per_structure_set);
// a call that runs out stops and returns nullopt, and every later call on the spent budget
// returns nullopt at once. Deterministic: the count does not depend on time or threads.
class GeometryBudget {
 public:
  explicit GeometryBudget(std::uint64_t max_operations = std::numeric_limits<std::uint64_t>::max())
      : limit_(max_operations), left_(max_operations) {}
  // Takes `operations` from what is left; false, and exhausted from then on, if they do not fit.
  bool spend(std::uint64_t operations) {
    if (exhausted_ || operations > left_) {
      exhausted_ = true;
      return false;
    }
    left_ -= operations;
    return true;
  }
  bool exhausted() const { return exhausted_; }
  std::uint64_t limit() const { return limit_; }
  std::uint64_t spent() const { return limit_ - left_; }  // what fitted; a refused spend is not counted

 private:
  std::uint64_t limit_, left_;
  bool exhausted_ = false;
};

struct RoiPairMetrics {
  double min_distance_mm = 0.0;  // closest approach of the contours (planes and in-plane regions, end caps
                                 // not included); 0 when overlapping
  double overlap_cc = 0.0;       // volume inside both (half-slab end caps)
};

// Distance and overlap of two volumetric ROIs; NaN distance if either has no closed contours.
// nullopt when `budget` runs out (the pair costs at least pair_fixed_operations).
std::optional<RoiPairMetrics> roi_pair_metrics(const Roi& a, const Roi& b, GeometryBudget& budget);
RoiPairMetrics roi_pair_metrics(const Roi& a, const Roi& b);  // unbounded: tests, small inputs
// roi_pair_metrics of the pairs row by row, element i · bs.size() + j being (as[i], bs[j]),
// up to the first pair `budget` cannot afford: that one is nullopt and the last element (the
// pairs after it would all be nullopt, and there can be many). The same results, and the same
// charges to `budget`, as those calls in that order; each ROI's slab stack and plane grids are
// built once for all its pairs instead of per pair (and kept until it returns: memory linear
// in the ROIs' contour points).
std::vector<std::optional<RoiPairMetrics>> roi_pair_metrics_table(const std::vector<const Roi*>& as,
                                                                  const std::vector<const Roi*>& bs,
                                                                  GeometryBudget& budget);

// What one call of roi_pair_metrics costs before any geometry: two slab stacks built and a
// result the caller keeps (a finding's evidence line), so that a budget also bounds how many
// pairs one structure set can make a check report.
inline constexpr std::uint64_t pair_fixed_operations = 4096;

// Volume in cc of the 3D convex hull of the ROI's slab stack (contour points at each
// slab's top and bottom), so roi_volume_cc / convex_hull_volume_cc is in (0, 1]; 0 if none
// or not computable (a result outside the bounds a hull must lie in: the incremental hull
// with a tolerance is not robust to every near-degenerate stack). nullopt when `budget` runs
// out.
std::optional<double> convex_hull_volume_cc(const Roi& roi, GeometryBudget& budget);
double convex_hull_volume_cc(const Roi& roi);  // unbounded

}  // namespace rtreview
