// Internal: an ROI as a stack of planar slabs, the shared representation behind
// volumes, DVH sampling, distances and hulls. See include/rtreview/geometry.h for the
// end-cap convention.
#pragma once

#include <string>
#include <vector>

#include "rtreview/geometry.h"

namespace rtreview::geometry {

// One closed contour projected onto its axial plane (implicitly closed: last -> first).
struct Polygon2 {
  std::vector<double> x_mm, y_mm;
};

// All contours of one axial plane and the slab that plane stands for.
struct RoiPlane {
  double z_mm = 0.0;
  double z_lo_mm = 0.0, z_hi_mm = 0.0;  // slab extent (z_lo <= z <= z_hi)
  std::vector<Polygon2> polygons;
  double area_mm2 = 0.0;  // area of the XOR of the polygons (nesting-depth rule)
  double x_min_mm = 0.0, x_max_mm = 0.0, y_min_mm = 0.0, y_max_mm = 0.0;
  double thickness_mm() const { return z_hi_mm - z_lo_mm; }
};

struct RoiSlabs {
  std::vector<RoiPlane> planes;     // ascending z; only planes with a slab thickness > 0
  double typical_spacing_mm = 0.0;  // median distance between adjacent planes
  int ignored_contours = 0;         // not axial-planar, non-finite, < 3 points
  bool empty() const { return planes.empty(); }
  double volume_mm3() const;
  Bounds3 bounds() const;  // of the slabs (end caps included); planes must be non-empty
};

// Builds the slab stack of an ROI's closed planar contours. A single-plane ROI takes its
// thickness from ContourSlabThickness, else from `fallback_spacing_mm` (e.g. the structure
// set's typical spacing), else it has no volume.
RoiSlabs build_slabs(const Roi& roi, EndCaps end_caps, double fallback_spacing_mm = 0.0);

// Signed shoelace area (counter-clockwise positive), mm².
double signed_area_mm2(const Polygon2& polygon);

// Even-odd (parity) test over all polygons of a plane.
bool plane_contains(const RoiPlane& plane, double x_mm, double y_mm);

// Signed distance (mm) from (x, y) to the nearest edge of the plane's polygons: positive
// inside the parity region, negative outside. O(edges).
double signed_distance_mm(const RoiPlane& plane, double x_mm, double y_mm);

// Nearest-edge distance queries on one plane's contours, for many points: the edges are
// bucketed on a grid of about one edge per cell and searched ring by ring, so a query costs
// O(edges near the point) instead of O(all edges).
class PlaneDistance {
 public:
  PlaneDistance() = default;
  explicit PlaneDistance(const RoiPlane& plane);
  explicit PlaneDistance(std::vector<double> edges_x0_y0_x1_y1);  // any set of segments
  double unsigned_mm(double x_mm, double y_mm) const;             // to the nearest edge; +inf without edges

 private:
  void index(const std::vector<double>& edges_x0_y0_x1_y1);
  double x0_ = 0, y0_ = 0, cell_ = 1, x1_ = 0, y1_ = 0;
  int nx_ = 0, ny_ = 0;
  // Two edges as a query uses them: start, direction and squared length (computed once),
  // lane by lane, so a query measures both with one SSE2 instruction per step. A cell with
  // an odd number of edges ends with a far point (kFarMm away) that never is the nearest.
  struct alignas(16) EdgePair {
    double x0[2], y0[2], dx[2], dy[2], len2[2];
  };
  static constexpr double kFarMm = 1e150;  // squared, still finite
  static double nearest_squared(const EdgePair* pair, const EdgePair* end, double x_mm, double y_mm,
                                double best_mm2);
  double cell_squared(int i, int j, double x_mm, double y_mm, double best_mm2) const;  // cell (i, j)'s edges
  std::vector<int> cell_start_;       // CSR: edge pairs of cell i at [start[i], start[i + 1])
  std::vector<EdgePair> cell_pairs_;  // each cell's edges stored contiguously (no indirection)
};

// x of every crossing of the plane's polygon edges with the line y = y_mm, sorted; the
// region is where an odd number of crossings lie to the left (half-open rule on y so
// shared vertices count once).
void scanline_crossings(const RoiPlane& plane, double y_mm, std::vector<double>& xs_mm);

// The same crossings for every row y_j = y0 + (j + 0.5) · step, j_lo <= j <= j_hi, at once:
// row j's sorted crossings are xs[start[j − j_lo]] up to xs[start[j − j_lo + 1]]. Each edge
// visits only the rows it spans: O(edges + crossings) instead of O(rows × edges).
void scanline_rows(const RoiPlane& plane, double y0_mm, double step_mm, long j_lo, long j_hi,
                   std::vector<double>& xs_mm, std::vector<std::size_t>& start);

}  // namespace rtreview::geometry
