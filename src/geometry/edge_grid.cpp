#include "geometry/edge_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rtreview::geometry {

namespace {

// `t` truncated to an int in [lo, hi], compared in double first (a far or non-finite
// coordinate never reaches the int conversion).
int clamped_int(double t, int lo, int hi) { return t >= lo ? (t < hi ? static_cast<int>(t) : hi) : lo; }

}  // namespace

EdgeGrid::EdgeGrid(const RoiPlane& plane) {
  std::vector<Edge> edges;
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++)
      edges.push_back({p.x_mm[j], p.y_mm[j], p.x_mm[i], p.y_mm[i]});
  }
  build_operations_ = edges.size();
  if (edges.empty()) return;
  double xmin = std::numeric_limits<double>::infinity(), ymin = xmin, xmax = -xmin, ymax = -xmin;
  for (const Edge& e : edges) {
    xmin = std::min({xmin, e.ax, e.bx}), xmax = std::max({xmax, e.ax, e.bx});
    ymin = std::min({ymin, e.ay, e.by}), ymax = std::max({ymax, e.ay, e.by});
  }
  const double w = std::max(xmax - xmin, 1e-6), h = std::max(ymax - ymin, 1e-6);
  cell_ = std::max(2.0 * std::sqrt(w * h / static_cast<double>(edges.size())), 1e-3);
  nx_ = clamped_int(std::ceil(w / cell_), 1, 1024);
  ny_ = clamped_int(std::ceil(h / cell_), 1, 1024);
  cell_ = std::max(w / nx_, h / ny_);
  x0_ = xmin, y0_ = ymin;
  auto cells_of = [&](const Edge& e, int& i0, int& i1, int& j0, int& j1) {
    i0 = column(std::min(e.ax, e.bx)), i1 = column(std::max(e.ax, e.bx));
    j0 = row(std::min(e.ay, e.by)), j1 = row(std::max(e.ay, e.by));
  };
  // Entries (each edge once per cell of its box) counted first: a grid that would hold more
  // than 4 per edge is halved in each direction until it does not (one cell holds each once).
  const std::uint64_t max_entries = 4 * static_cast<std::uint64_t>(edges.size()) + 64;
  for (;;) {
    std::uint64_t entries = 0;
    for (const Edge& e : edges) {
      int i0, i1, j0, j1;
      cells_of(e, i0, i1, j0, j1);
      entries += static_cast<std::uint64_t>(i1 - i0 + 1) * static_cast<std::uint64_t>(j1 - j0 + 1);
    }
    build_operations_ += edges.size();
    if (entries <= max_entries || (nx_ == 1 && ny_ == 1)) {
      build_operations_ += entries + static_cast<std::uint64_t>(nx_) * static_cast<std::uint64_t>(ny_);
      break;
    }
    nx_ = (nx_ + 1) / 2, ny_ = (ny_ + 1) / 2;
    cell_ = std::max(w / nx_, h / ny_);
  }
  auto for_each_cell = [&](const Edge& e, auto&& f) {
    int i0, i1, j0, j1;
    cells_of(e, i0, i1, j0, j1);
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) f(static_cast<std::size_t>(j) * nx_ + i);
  };
  cell_start_.assign(static_cast<std::size_t>(nx_) * ny_ + 1, 0);
  for (const Edge& e : edges) for_each_cell(e, [&](std::size_t c) { ++cell_start_[c + 1]; });
  for (std::size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
  cell_edges_.resize(static_cast<std::size_t>(cell_start_.back()));
  std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (const Edge& e : edges) for_each_cell(e, [&](std::size_t c) { cell_edges_[fill[c]++] = e; });
}

int EdgeGrid::column(double x) const { return clamped_int((x - x0_) / cell_, 0, nx_ - 1); }
int EdgeGrid::row(double y) const { return clamped_int((y - y0_) / cell_, 0, ny_ - 1); }

bool EdgeGrid::contains(double x, double y, std::uint64_t& work) const {
  if (cell_edges_.empty()) return false;
  // An edge crossing the line spans y, so it is listed in y's row (its rows are those of its
  // y range); it is listed in each cell of its x range, and counted in the one holding xc.
  const int j = row(y);
  const std::size_t first = static_cast<std::size_t>(j) * nx_;
  work += static_cast<std::uint64_t>(nx_) +
          static_cast<std::uint64_t>(cell_start_[first + nx_] - cell_start_[first]);
  bool inside = false;
  for (int i = 0; i < nx_; ++i) {
    const std::size_t c = first + i;
    for (int e = cell_start_[c]; e < cell_start_[c + 1]; ++e) {
      const Edge& g = cell_edges_[e];
      if ((g.by <= y) == (g.ay <= y)) continue;
      // point_in_polygon's crossing, with its vertex i = b and vertex j = a
      const double xc = g.bx + (y - g.by) * (g.ax - g.bx) / (g.ay - g.by);
      if (xc < x && std::clamp(column(xc), column(std::min(g.ax, g.bx)), column(std::max(g.ax, g.bx))) == i)
        inside = !inside;
    }
  }
  return inside;
}

}  // namespace rtreview::geometry
