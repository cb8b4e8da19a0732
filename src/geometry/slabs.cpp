#include "geometry/slabs.h"

#include <emmintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rtreview::geometry {
namespace {

constexpr double plane_tolerance_mm = 0.05;  // contours closer than this in z share a plane
constexpr double planarity_tolerance_mm = 0.1;
constexpr double gap_factor = 1.5;  // a plane gap wider than this × typical spacing is a gap

struct PlanarContour {
  double z_mm;
  Polygon2 polygon;
};

bool point_in_polygon(const Polygon2& p, double x, double y) {
  bool inside = false;
  const std::size_t n = p.x_mm.size();
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double yi = p.y_mm[i], yj = p.y_mm[j];
    if ((yi <= y) != (yj <= y)) {
      const double xc = p.x_mm[i] + (y - yi) * (p.x_mm[j] - p.x_mm[i]) / (yj - yi);
      if (xc < x) inside = !inside;
    }
  }
  return inside;
}

// Area of the parity region of the plane's polygons, assuming contours do not cross
// (nested or disjoint): a polygon at odd nesting depth is a hole.
double xor_area_mm2(const std::vector<Polygon2>& polygons) {
  double area = 0.0;
  for (std::size_t i = 0; i < polygons.size(); ++i) {
    int depth = 0;
    for (std::size_t j = 0; j < polygons.size(); ++j)
      if (j != i && point_in_polygon(polygons[j], polygons[i].x_mm[0], polygons[i].y_mm[0])) ++depth;
    const double a = std::abs(signed_area_mm2(polygons[i]));
    area += depth % 2 == 0 ? a : -a;
  }
  return std::max(area, 0.0);
}

}  // namespace

double signed_area_mm2(const Polygon2& p) {
  const std::size_t n = p.x_mm.size();
  if (n < 3) return 0.0;
  // Relative to the first vertex: keeps precision for contours far from the origin.
  const double x0 = p.x_mm[0], y0 = p.y_mm[0];
  double twice = 0.0;
  for (std::size_t i = 1; i + 1 < n; ++i)
    twice += (p.x_mm[i] - x0) * (p.y_mm[i + 1] - y0) - (p.x_mm[i + 1] - x0) * (p.y_mm[i] - y0);
  return 0.5 * twice;
}

bool plane_contains(const RoiPlane& plane, double x_mm, double y_mm) {
  bool inside = false;
  for (const auto& p : plane.polygons)
    if (point_in_polygon(p, x_mm, y_mm)) inside = !inside;
  return inside;
}

double signed_distance_mm(const RoiPlane& plane, double x, double y) {
  double best = std::numeric_limits<double>::infinity();
  bool inside = false;
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double xi = p.x_mm[i], yi = p.y_mm[i], xj = p.x_mm[j], yj = p.y_mm[j];
      if ((yi <= y) != (yj <= y) && xi + (y - yi) * (xj - xi) / (yj - yi) < x) inside = !inside;
      const double dx = xj - xi, dy = yj - yi, px = x - xi, py = y - yi;
      const double len2 = dx * dx + dy * dy;
      const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
      const double ex = px - t * dx, ey = py - t * dy;
      best = std::min(best, ex * ex + ey * ey);
    }
  }
  const double d = std::sqrt(best);
  return inside ? d : -d;
}

PlaneDistance::PlaneDistance(const RoiPlane& plane) {
  std::vector<double> edges;
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++)
      edges.insert(edges.end(), {p.x_mm[j], p.y_mm[j], p.x_mm[i], p.y_mm[i]});
  }
  index(edges);
}

namespace {

// `t` (whole or truncated toward zero) as an int clamped to [lo, hi], compared in double
// first: a far or non-finite coordinate (fuzzing found a contour point at -1e76 mm) never
// reaches the int conversion, which would be undefined.
int clamped_int(double t, int lo, int hi) { return t >= lo ? (t < hi ? static_cast<int>(t) : hi) : lo; }

}  // namespace

PlaneDistance::PlaneDistance(std::vector<double> edges) {
  edges.resize(edges.size() / 4 * 4);
  index(edges);
}

// Only the cells' copies of the edges are kept (a query reads nothing else).
void PlaneDistance::index(const std::vector<double>& edges) {
  double xmin = std::numeric_limits<double>::infinity(), ymin = xmin, xmax = -xmin, ymax = -xmin;
  for (std::size_t k = 0; k < edges.size(); k += 2) {
    xmin = std::min(xmin, edges[k]), xmax = std::max(xmax, edges[k]);
    ymin = std::min(ymin, edges[k + 1]), ymax = std::max(ymax, edges[k + 1]);
  }
  const std::size_t count = edges.size() / 4;
  if (count == 0) return;
  const double w = std::max(xmax - xmin, 1e-6), h = std::max(ymax - ymin, 1e-6);
  cell_ = std::max(2.0 * std::sqrt(w * h / static_cast<double>(count)), 1e-3);
  nx_ = clamped_int(std::ceil(w / cell_), 1, 1024);
  ny_ = clamped_int(std::ceil(h / cell_), 1, 1024);
  cell_ = std::max(w / nx_, h / ny_);
  x0_ = xmin, y0_ = ymin, x1_ = xmin + nx_ * cell_, y1_ = ymin + ny_ * cell_;
  auto cells_of = [&](std::size_t e, int& i0, int& i1, int& j0, int& j1) {
    const double* q = &edges[4 * e];
    auto ix = [&](double x) { return clamped_int((x - x0_) / cell_, 0, nx_ - 1); };
    auto iy = [&](double y) { return clamped_int((y - y0_) / cell_, 0, ny_ - 1); };
    i0 = ix(std::min(q[0], q[2])), i1 = ix(std::max(q[0], q[2]));
    j0 = iy(std::min(q[1], q[3])), j1 = iy(std::max(q[1], q[3]));
  };
  const std::size_t cells = static_cast<std::size_t>(nx_) * ny_;
  std::vector<int> edges_in(cells, 0);
  for (std::size_t e = 0; e < count; ++e) {
    int i0, i1, j0, j1;
    cells_of(e, i0, i1, j0, j1);
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) ++edges_in[static_cast<std::size_t>(j) * nx_ + i];
  }
  cell_start_.assign(cells + 1, 0);
  for (std::size_t c = 0; c < cells; ++c) cell_start_[c + 1] = cell_start_[c] + (edges_in[c] + 1) / 2;
  // Every lane starts as the far point; the edges then fill the lanes in order.
  EdgePair far{};
  for (int l = 0; l < 2; ++l) far.x0[l] = far.y0[l] = kFarMm;
  cell_pairs_.assign(static_cast<std::size_t>(cell_start_.back()), far);
  std::vector<int> fill(cells, 0);  // lanes filled per cell
  for (std::size_t e = 0; e < count; ++e) {
    int i0, i1, j0, j1;
    cells_of(e, i0, i1, j0, j1);
    const double* q = &edges[4 * e];
    const double dx = q[2] - q[0], dy = q[3] - q[1];
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) {
        const std::size_t c = static_cast<std::size_t>(j) * nx_ + i;
        EdgePair& pair = cell_pairs_[static_cast<std::size_t>(cell_start_[c] + fill[c] / 2)];
        const int l = fill[c]++ % 2;
        pair.x0[l] = q[0], pair.y0[l] = q[1], pair.dx[l] = dx, pair.dy[l] = dy,
        pair.len2[l] = dx * dx + dy * dy;
      }
  }
}

// The smallest squared distance from (x, y) to the pairs' edges, or `best` if none is nearer.
// Per lane exactly the scalar arithmetic (separate multiplies and adds, the division, the
// clamp, min(best, d) keeping `best` for a NaN): the same doubles as one edge at a time.
double PlaneDistance::nearest_squared(const EdgePair* pair, const EdgePair* end, double x, double y,
                                      double best) {
  const __m128d qx = _mm_set1_pd(x), qy = _mm_set1_pd(y), zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
  __m128d lanes = _mm_set1_pd(best);
  for (; pair != end; ++pair) {
    const __m128d dx = _mm_load_pd(pair->dx), dy = _mm_load_pd(pair->dy), len2 = _mm_load_pd(pair->len2);
    const __m128d px = _mm_sub_pd(qx, _mm_load_pd(pair->x0)), py = _mm_sub_pd(qy, _mm_load_pd(pair->y0));
    const __m128d v = _mm_div_pd(_mm_add_pd(_mm_mul_pd(px, dx), _mm_mul_pd(py, dy)), len2);
    auto select = [](__m128d mask, __m128d a, __m128d b) {  // mask ? a : b
      return _mm_or_pd(_mm_and_pd(mask, a), _mm_andnot_pd(mask, b));
    };
    // std::clamp(v, 0, 1): v < 0 ? 0 : (1 < v ? 1 : v); then len2 > 0 ? that : 0.
    const __m128d clamped = select(_mm_cmplt_pd(v, zero), zero, select(_mm_cmplt_pd(one, v), one, v));
    const __m128d t = _mm_and_pd(_mm_cmpgt_pd(len2, zero), clamped);
    const __m128d ex = _mm_sub_pd(px, _mm_mul_pd(t, dx)), ey = _mm_sub_pd(py, _mm_mul_pd(t, dy));
    lanes = _mm_min_pd(_mm_add_pd(_mm_mul_pd(ex, ex), _mm_mul_pd(ey, ey)), lanes);  // d < best ? d : best
  }
  double out[2];
  _mm_storeu_pd(out, lanes);
  return std::min(out[0], out[1]);
}

double PlaneDistance::cell_squared(int i, int j, double x, double y, double best) const {
  const std::size_t c = static_cast<std::size_t>(j) * nx_ + i;
  return nearest_squared(cell_pairs_.data() + cell_start_[c], cell_pairs_.data() + cell_start_[c + 1], x, y,
                         best);
}

double PlaneDistance::unsigned_mm(double x, double y) const {
  if (cell_pairs_.empty()) return std::numeric_limits<double>::infinity();
  // The point's cell, clamped to the grid. Truncation is the floor here: the only values where
  // the two differ, in (−1, 0), clamp to 0 either way (and std::floor is a library call on the
  // baseline x86-64 target).
  const int ci = clamped_int((x - x0_) / cell_, 0, nx_ - 1);
  const int cj = clamped_int((y - y0_) / cell_, 0, ny_ - 1);
  // How far the point lies inside its cell from each side, and from the nearest one.
  const double fx = x - (x0_ + ci * cell_), fy = y - (y0_ + cj * cell_);
  const double left = std::max(fx, 0.0), right = std::max(cell_ - fx, 0.0);
  const double down = std::max(fy, 0.0), up = std::max(cell_ - fy, 0.0);
  const double cell_margin = std::min({left, right, down, up});
  double best = std::numeric_limits<double>::infinity();
  int first_ring = 0;
  if (x >= x0_ && x <= x1_ && y >= y0_ && y <= y1_) {
    // The usual query, inside the grid: the point's cell, then (unless every edge there is
    // nearer than the cell's sides) its eight neighbours, each skipped when its box is no
    // nearer than the best edge so far, sides before corners. The general search below does
    // the same with more arithmetic per cell; this is where most queries end.
    best = cell_squared(ci, cj, x, y, best);
    if (cell_margin * cell_margin >= best) return std::sqrt(best);
    const bool has_left = ci > 0, has_right = ci + 1 < nx_, has_down = cj > 0, has_up = cj + 1 < ny_;
    const double l2 = left * left, r2 = right * right, d2 = down * down, u2 = up * up;
    if (has_left && l2 < best) best = cell_squared(ci - 1, cj, x, y, best);
    if (has_right && r2 < best) best = cell_squared(ci + 1, cj, x, y, best);
    if (has_down && d2 < best) best = cell_squared(ci, cj - 1, x, y, best);
    if (has_up && u2 < best) best = cell_squared(ci, cj + 1, x, y, best);
    if (has_left && has_down && l2 + d2 < best) best = cell_squared(ci - 1, cj - 1, x, y, best);
    if (has_right && has_down && r2 + d2 < best) best = cell_squared(ci + 1, cj - 1, x, y, best);
    if (has_left && has_up && l2 + u2 < best) best = cell_squared(ci - 1, cj + 1, x, y, best);
    if (has_right && has_up && r2 + u2 < best) best = cell_squared(ci + 1, cj + 1, x, y, best);
    const double ring_2 = cell_ + cell_margin;  // the least distance of any cell further out
    if (ring_2 * ring_2 >= best) return std::sqrt(best);
    first_ring = 2;
  }
  // Distance from the point to the grid's box: every cell is at least this far.
  const double bx = std::max({x0_ - x, 0.0, x - x1_}), by = std::max({y0_ - y, 0.0, y - y1_});
  const double d_box = std::sqrt(bx * bx + by * by);
  // Inside the grid, ring r is also at least (r − 1) cells plus the point's margin in its cell.
  const double margin = d_box > 0 ? 0.0 : cell_margin;
  auto visit = [&](int i, int j) {
    // Skip a cell whose box is already further than the best edge.
    const double cx = x0_ + i * cell_, cy = y0_ + j * cell_;
    const double gx = std::max({cx - x, 0.0, x - (cx + cell_)}),
                 gy = std::max({cy - y, 0.0, y - (cy + cell_)});
    if (gx * gx + gy * gy >= best) return;
    best = cell_squared(i, j, x, y, best);
  };
  const int rings = std::max(nx_, ny_);
  for (int r = first_ring; r <= rings; ++r) {
    // Cells of ring r are at least (r − 1) cells from the point's (clamped) cell.
    const double lower = std::max(d_box, (r - 1) * cell_ + margin);
    if (r > 0 && lower * lower >= best) break;
    for (int j = cj - r; j <= cj + r; ++j) {
      if (j < 0 || j >= ny_) continue;
      if (j == cj - r || j == cj + r) {
        for (int i = std::max(ci - r, 0); i <= std::min(ci + r, nx_ - 1); ++i) visit(i, j);
      } else {
        if (ci - r >= 0) visit(ci - r, j);
        if (ci + r < nx_) visit(ci + r, j);
      }
    }
  }
  return std::sqrt(best);
}

void scanline_crossings(const RoiPlane& plane, double y, std::vector<double>& xs) {
  xs.clear();
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double yi = p.y_mm[i], yj = p.y_mm[j];
      if ((yi <= y) != (yj <= y)) xs.push_back(p.x_mm[i] + (y - yi) * (p.x_mm[j] - p.x_mm[i]) / (yj - yi));
    }
  }
  std::sort(xs.begin(), xs.end());
}

void scanline_rows(const RoiPlane& plane, double y0, double step, long j_lo, long j_hi,
                   std::vector<double>& xs, std::vector<std::size_t>& start) {
  const std::size_t rows = j_hi >= j_lo ? static_cast<std::size_t>(j_hi - j_lo + 1) : 0;
  start.assign(rows + 1, 0);
  xs.clear();
  if (rows == 0) return;
  // Each edge's rows: those whose y passes the same half-open test as scanline_crossings.
  auto for_each_crossing = [&](auto&& f) {
    for (const auto& p : plane.polygons) {
      const std::size_t n = p.x_mm.size();
      for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double yi = p.y_mm[i], yj = p.y_mm[j];
        if (yi == yj) continue;
        const double lo = std::min(yi, yj), hi = std::max(yi, yj);
        // Candidate rows (one extra each side for rounding), clamped before the cast.
        const double f0 = std::floor((lo - y0) / step - 0.5) - 1, f1 = std::ceil((hi - y0) / step - 0.5) + 1;
        const long r0 =
            static_cast<long>(std::clamp(f0, static_cast<double>(j_lo), static_cast<double>(j_hi) + 1));
        const long r1 =
            static_cast<long>(std::clamp(f1, static_cast<double>(j_lo) - 1, static_cast<double>(j_hi)));
        for (long r = r0; r <= r1; ++r) {
          const double y = y0 + (static_cast<double>(r) + 0.5) * step;
          if ((yi <= y) != (yj <= y))
            f(static_cast<std::size_t>(r - j_lo), p.x_mm[i] + (y - yi) * (p.x_mm[j] - p.x_mm[i]) / (yj - yi));
        }
      }
    }
  };
  for_each_crossing([&](std::size_t row, double) { ++start[row + 1]; });
  for (std::size_t k = 1; k <= rows; ++k) start[k] += start[k - 1];
  xs.resize(start[rows]);
  std::vector<std::size_t> fill(start.begin(), start.end() - 1);
  for_each_crossing([&](std::size_t row, double x) { xs[fill[row]++] = x; });
  for (std::size_t k = 0; k < rows; ++k)
    std::sort(xs.begin() + static_cast<std::ptrdiff_t>(start[k]),
              xs.begin() + static_cast<std::ptrdiff_t>(start[k + 1]));
}

double RoiSlabs::volume_mm3() const {
  double v = 0.0;
  for (const auto& p : planes) v += p.area_mm2 * p.thickness_mm();
  return v;
}

Bounds3 RoiSlabs::bounds() const {
  Bounds3 b{{planes[0].x_min_mm, planes[0].y_min_mm, planes.front().z_lo_mm},
            {planes[0].x_max_mm, planes[0].y_max_mm, planes.back().z_hi_mm}};
  for (const auto& p : planes) {
    b.min_mm[0] = std::min(b.min_mm[0], p.x_min_mm);
    b.min_mm[1] = std::min(b.min_mm[1], p.y_min_mm);
    b.max_mm[0] = std::max(b.max_mm[0], p.x_max_mm);
    b.max_mm[1] = std::max(b.max_mm[1], p.y_max_mm);
  }
  return b;
}

RoiSlabs build_slabs(const Roi& roi, EndCaps end_caps, double fallback_spacing_mm) {
  RoiSlabs out;
  std::vector<PlanarContour> contours;
  double slab_thickness_hint = 0.0;
  for (const auto& c : roi.contours) {
    if (c.geometric_type != "CLOSED_PLANAR") continue;
    if (c.points_mm.size() < 3) {
      ++out.ignored_contours;
      continue;
    }
    double z_min = std::numeric_limits<double>::infinity(), z_max = -z_min, z_sum = 0.0;
    bool finite = true;
    PlanarContour pc;
    pc.polygon.x_mm.reserve(c.points_mm.size());
    pc.polygon.y_mm.reserve(c.points_mm.size());
    for (const auto& pt : c.points_mm) {
      if (!std::isfinite(pt[0]) || !std::isfinite(pt[1]) || !std::isfinite(pt[2])) finite = false;
      pc.polygon.x_mm.push_back(pt[0]);
      pc.polygon.y_mm.push_back(pt[1]);
      z_min = std::min(z_min, pt[2]);
      z_max = std::max(z_max, pt[2]);
      z_sum += pt[2];
    }
    if (!finite || z_max - z_min > planarity_tolerance_mm) {
      ++out.ignored_contours;
      continue;
    }
    pc.z_mm = z_sum / static_cast<double>(c.points_mm.size());
    if (c.slab_thickness_mm && *c.slab_thickness_mm > 0) slab_thickness_hint = *c.slab_thickness_mm;
    contours.push_back(std::move(pc));
  }
  if (contours.empty()) return out;
  // Stable sort keeps the file's contour order within a plane (deterministic).
  std::stable_sort(contours.begin(), contours.end(),
                   [](const PlanarContour& a, const PlanarContour& b) { return a.z_mm < b.z_mm; });

  for (auto& c : contours) {
    if (out.planes.empty() || c.z_mm - out.planes.back().z_mm > plane_tolerance_mm) {
      RoiPlane plane;
      plane.z_mm = c.z_mm;
      out.planes.push_back(std::move(plane));
    }
    out.planes.back().polygons.push_back(std::move(c.polygon));
  }

  const std::size_t n = out.planes.size();
  if (n >= 2) {
    std::vector<double> gaps;
    for (std::size_t k = 1; k < n; ++k) gaps.push_back(out.planes[k].z_mm - out.planes[k - 1].z_mm);
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    out.typical_spacing_mm = gaps[gaps.size() / 2];
  } else {
    out.typical_spacing_mm =
        slab_thickness_hint > 0 ? slab_thickness_hint : std::max(fallback_spacing_mm, 0.0);
  }
  const double typ = out.typical_spacing_mm;
  for (std::size_t k = 0; k < n; ++k) {
    auto& p = out.planes[k];
    double below = 0.5 * typ, above = 0.5 * typ;
    if (k > 0) {
      const double gap = p.z_mm - out.planes[k - 1].z_mm;
      if (gap <= gap_factor * typ) below = 0.5 * gap;
    } else if (end_caps == EndCaps::none) {
      below = 0.0;
    }
    if (k + 1 < n) {
      const double gap = out.planes[k + 1].z_mm - p.z_mm;
      if (gap <= gap_factor * typ) above = 0.5 * gap;
    } else if (end_caps == EndCaps::none) {
      above = 0.0;
    }
    p.z_lo_mm = p.z_mm - below;
    p.z_hi_mm = p.z_mm + above;
    p.area_mm2 = xor_area_mm2(p.polygons);
    p.x_min_mm = p.y_min_mm = std::numeric_limits<double>::infinity();
    p.x_max_mm = p.y_max_mm = -std::numeric_limits<double>::infinity();
    for (const auto& poly : p.polygons) {
      for (double x : poly.x_mm) p.x_min_mm = std::min(p.x_min_mm, x), p.x_max_mm = std::max(p.x_max_mm, x);
      for (double y : poly.y_mm) p.y_min_mm = std::min(p.y_min_mm, y), p.y_max_mm = std::max(p.y_max_mm, y);
    }
  }
  std::erase_if(out.planes, [](const RoiPlane& p) { return !(p.thickness_mm() > 0.0); });
  return out;
}

}  // namespace rtreview::geometry
