// Internal: nearest-edge queries for the PTV–OAR proximity (roi_pair_metrics), in the same
// arithmetic as a search over all edges, so the distances it reports do not change.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "geometry/slabs.h"

namespace rtreview::geometry {

// Squared distance from (px, py) to the segment a–b (clamped projection).
inline double point_segment_dist2(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
  t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
  const double ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

// One plane's polygon edges bucketed on a grid of about one edge per cell (each edge in
// every cell its bounding box touches), so a point's nearest edge is found among the edges
// of the cells near it instead of among all edges: a pair of planes costs
// O(vertices × edges near each) instead of O(vertices × edges).
// Work is counted for the caller's GeometryBudget: the build's (build_operations()) and each
// query's (cells and edges read, added to `work`). The grid holds at most 4 entries per edge
// (plus 64): edges whose boxes span many cells (a forged zigzag) make it coarser, down to one
// cell, so its memory stays linear in the edges.
class EdgeGrid {
 public:
  explicit EdgeGrid(const RoiPlane& plane);

  // The least point_segment_dist2 from (x, y) over the plane's edges, searching only cells
  // whose box is not `beyond(box distance²)`: exact whenever the nearest edge's distance²
  // is not beyond (the cell holding its nearest point is then searched), else +inf or the
  // least of the edges searched. `beyond` must be monotone (true for d, true for all > d).
  template <class Beyond>
  double min_dist2(double x, double y, Beyond beyond, std::uint64_t& work) const;

  // plane_contains(plane, x, y) in the same arithmetic (the parity of the edges crossing the
  // line through y left of x), reading only the edges of y's row of cells: each crossing
  // edge is counted in the one cell of the row that holds its crossing.
  bool contains(double x, double y, std::uint64_t& work) const;

  // Operations the build took: a pass over the edges per grid size tried, the entries, the cells.
  std::uint64_t build_operations() const { return build_operations_; }

 private:
  struct Edge {
    double ax, ay, bx, by;
  };
  double box_dist2(int i, int j, double x, double y, double tolerance) const;
  int column(double x) const;
  int row(double y) const;
  double x0_ = 0, y0_ = 0, cell_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<int> cell_start_;  // CSR: edges of cell c at [start[c], start[c + 1])
  std::vector<Edge> cell_edges_;
  std::uint64_t build_operations_ = 0;
};

// A lower bound of the squared distance from (x, y) to cell (i, j): the gaps are shrunk by
// `tolerance` (far above the rounding of the cell's bounds), so a cell is never skipped
// for an edge whose computed distance is the least.
inline double EdgeGrid::box_dist2(int i, int j, double x, double y, double tolerance) const {
  const double cx = x0_ + i * cell_, cy = y0_ + j * cell_;
  const double gx = std::max({cx - x, x - (cx + cell_), 0.0}), gy = std::max({cy - y, y - (cy + cell_), 0.0});
  const double sx = std::max(gx - tolerance, 0.0), sy = std::max(gy - tolerance, 0.0);
  return sx * sx + sy * sy;
}

template <class Beyond>
double EdgeGrid::min_dist2(double x, double y, Beyond beyond, std::uint64_t& work) const {
  double best = std::numeric_limits<double>::infinity();
  if (cell_edges_.empty()) return best;
  // Ring by ring around the point's (clamped) cell; ring r's cells are at least (r − 1)
  // cells away, so the search stops once that bound is beyond the best found.
  auto clamp_cell = [](double t, int n) { return t >= 0 ? (t < n - 1 ? static_cast<int>(t) : n - 1) : 0; };
  const int ci = clamp_cell((x - x0_) / cell_, nx_), cj = clamp_cell((y - y0_) / cell_, ny_);
  const double tolerance = 1e-12 * (std::abs(x) + std::abs(y) + std::abs(x0_) + std::abs(y0_)) + 1e-12;
  std::uint64_t read = 0;  // cells and edges
  auto visit = [&](int i, int j) {
    ++read;
    const double box2 = box_dist2(i, j, x, y, tolerance);
    if (box2 > best || beyond(box2)) return;
    const std::size_t c = static_cast<std::size_t>(j) * nx_ + i;
    read += static_cast<std::uint64_t>(cell_start_[c + 1] - cell_start_[c]);
    for (int e = cell_start_[c]; e < cell_start_[c + 1]; ++e) {
      const Edge& g = cell_edges_[e];
      const double d2 = point_segment_dist2(x, y, g.ax, g.ay, g.bx, g.by);
      if (d2 < best) best = d2;
    }
  };
  const int rings = nx_ > ny_ ? nx_ : ny_;
  for (int r = 0; r <= rings; ++r) {
    if (r > 1) {
      const double lower = std::max((r - 1) * cell_ - tolerance, 0.0);
      if (lower * lower > best || beyond(lower * lower)) break;
    }
    ++read;
    for (int j = cj - r < 0 ? 0 : cj - r; j <= cj + r && j < ny_; ++j) {
      if (j == cj - r || j == cj + r) {
        for (int i = ci - r < 0 ? 0 : ci - r; i <= ci + r && i < nx_; ++i) visit(i, j);
      } else {
        if (ci - r >= 0) visit(ci - r, j);
        if (ci + r < nx_) visit(ci + r, j);
      }
    }
  }
  work += read;
  return best;
}

}  // namespace rtreview::geometry
