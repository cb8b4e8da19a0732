#include "rtreview/geometry.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "geometry/slabs.h"

namespace rtreview {
namespace {

using geometry::RoiPlane;
using geometry::RoiSlabs;

double plane_gap_2d_mm(const RoiPlane& a, const RoiPlane& b) {
  const double gx = std::max({0.0, a.x_min_mm - b.x_max_mm, b.x_min_mm - a.x_max_mm});
  const double gy = std::max({0.0, a.y_min_mm - b.y_max_mm, b.y_min_mm - a.y_max_mm});
  return std::hypot(gx, gy);
}

std::uint64_t contour_points(const Roi& roi) {
  std::uint64_t n = 0;
  for (const auto& c : roi.contours) n += c.points_mm.size();
  return n;
}

std::uint64_t vertices_of(const RoiPlane& plane) {
  std::uint64_t n = 0;
  for (const auto& p : plane.polygons) n += p.x_mm.size();
  return n;
}

// Area of the intersection of two planes' regions, sampled on a lattice over the
// intersection of their bounding boxes (≤ 512 × 512 points, ≥ 64 across the short side).
// Costs its lattice points plus each row's crossings with both planes' edges.
std::optional<double> intersection_area_mm2(const RoiPlane& a, const RoiPlane& b, GeometryBudget& budget) {
  const double x0 = std::max(a.x_min_mm, b.x_min_mm), x1 = std::min(a.x_max_mm, b.x_max_mm);
  const double y0 = std::max(a.y_min_mm, b.y_min_mm), y1 = std::min(a.y_max_mm, b.y_max_mm);
  if (!(x1 > x0 && y1 > y0)) return 0.0;
  const double h = std::max(std::min(x1 - x0, y1 - y0) / 64.0, std::max(x1 - x0, y1 - y0) / 512.0);
  const int nx = static_cast<int>(std::ceil((x1 - x0) / h)), ny = static_cast<int>(std::ceil((y1 - y0) / h));
  const auto rows = static_cast<std::uint64_t>(ny);
  if (!budget.spend(rows * static_cast<std::uint64_t>(nx) + rows * (vertices_of(a) + vertices_of(b))))
    return std::nullopt;
  std::vector<double> xa, xb;
  long count = 0;
  for (int j = 0; j < ny; ++j) {
    const double y = y0 + (j + 0.5) * h;
    geometry::scanline_crossings(a, y, xa);
    geometry::scanline_crossings(b, y, xb);
    if (xa.empty() || xb.empty()) continue;
    for (int i = 0; i < nx; ++i) {
      const double x = x0 + (i + 0.5) * h;
      const bool in_a = (std::upper_bound(xa.begin(), xa.end(), x) - xa.begin()) % 2 == 1;
      const bool in_b = (std::upper_bound(xb.begin(), xb.end(), x) - xb.begin()) % 2 == 1;
      count += in_a && in_b;
    }
  }
  return static_cast<double>(count) * h * h;
}

double point_segment_dist2(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

struct Box2 {
  double x0, x1, y0, y1;
  double dist2(double x, double y) const {
    const double gx = std::max({0.0, x0 - x, x - x1}), gy = std::max({0.0, y0 - y, y - y1});
    return gx * gx + gy * gy;
  }
};

// Squared in-plane distance from a's vertices to b's region (0 inside) and boundary, for a
// pair of planes dz2 apart (squared) when the best pair so far is best2: a vertex or one of
// b's polygons whose bounding box lies so far that dz2 + its distance >= best2 (or beyond the
// best of this call) cannot lower the minimum and is skipped. The result is exact whenever
// dz2 + it < best2, and otherwise >= best2 − dz2, so min(best2, dz2 + result) never changes.
// The skip tests keep a slack far above the rounding of point_segment_dist2, so a skipped
// vertex is never one whose computed distance would have been the minimum.
// Costs a's vertices and b's edges (the boxes), then b's polygons for each vertex not
// skipped, b's edges for each vertex tested for containment and each polygon measured; it
// returns early, with no meaning, once the budget is spent.
double vertices_to_plane_dist2(const RoiPlane& a, const RoiPlane& b, double dz2, double best2,
                               GeometryBudget& budget) {
  constexpr double slack_mm2 = 1e-9;
  auto beyond = [&](double to_box, double best) {
    return to_box >= best + slack_mm2 || dz2 + to_box >= best2 + slack_mm2;
  };
  const std::uint64_t b_edges = vertices_of(b);
  if (!budget.spend(vertices_of(a) + b_edges)) return 0.0;
  const Box2 b_box{b.x_min_mm, b.x_max_mm, b.y_min_mm, b.y_max_mm};
  std::vector<Box2> boxes;
  boxes.reserve(b.polygons.size());
  for (const auto& pb : b.polygons) {
    Box2 box{INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (std::size_t i = 0; i < pb.x_mm.size(); ++i) {
      box.x0 = std::min(box.x0, pb.x_mm[i]), box.x1 = std::max(box.x1, pb.x_mm[i]);
      box.y0 = std::min(box.y0, pb.y_mm[i]), box.y1 = std::max(box.y1, pb.y_mm[i]);
    }
    boxes.push_back(box);
  }
  double best = std::numeric_limits<double>::infinity();
  for (const auto& pa : a.polygons) {
    for (std::size_t k = 0; k < pa.x_mm.size(); ++k) {
      const double px = pa.x_mm[k], py = pa.y_mm[k];
      const double to_box = b_box.dist2(px, py);
      if (beyond(to_box, best)) continue;
      if (!budget.spend(b.polygons.size() + (to_box <= slack_mm2 ? b_edges : 0))) return 0.0;
      if (to_box <= slack_mm2 && geometry::plane_contains(b, px, py)) return 0.0;
      for (std::size_t q = 0; q < b.polygons.size(); ++q) {
        const double to_polygon = boxes[q].dist2(px, py);
        if (beyond(to_polygon, best)) continue;
        const auto& pb = b.polygons[q];
        const std::size_t n = pb.x_mm.size();
        if (!budget.spend(n)) return 0.0;
        for (std::size_t i = 0, j = n - 1; i < n; j = i++)
          best = std::min(best, point_segment_dist2(px, py, pb.x_mm[j], pb.y_mm[j], pb.x_mm[i], pb.y_mm[i]));
      }
      if (best <= 0.0) return best;
    }
  }
  return best;
}

// Andrew's monotone chain: the convex hull of 2D points (counter-clockwise).
std::vector<std::pair<double, double>> hull_2d(std::vector<std::pair<double, double>> pts) {
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) return pts;
  auto cross = [](const auto& o, const auto& a, const auto& b) {
    return (a.first - o.first) * (b.second - o.second) - (a.second - o.second) * (b.first - o.first);
  };
  std::vector<std::pair<double, double>> h(2 * pts.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  for (std::size_t i = pts.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  h.resize(k - 1);
  return h;
}

// Volume of the 3D convex hull of `pts` (incremental algorithm with horizon edges). Each
// point tests every live face, so it costs the face count per point: quadratic at worst.
std::optional<double> hull_volume_3d(std::vector<Eigen::Vector3d> pts, GeometryBudget& budget) {
  if (pts.size() < 4) return 0.0;
  if (!budget.spend(4 * static_cast<std::uint64_t>(pts.size())))
    return std::nullopt;  // the extreme-point passes
  // Deterministic shuffle (expected O(n log n) face updates rather than sweep order's worst case).
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = pts.size() - 1; i > 0; --i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    std::swap(pts[i], pts[(state >> 33) % (i + 1)]);
  }
  Eigen::Vector3d lo = pts[0], hi = pts[0];
  for (const auto& p : pts) lo = lo.cwiseMin(p), hi = hi.cwiseMax(p);
  const double scale = std::max((hi - lo).norm(), 1e-9);
  const double eps = 1e-9 * scale;

  // Initial tetrahedron from extreme points.
  std::size_t i0 = 0, i1 = 0, i2 = 0, i3 = 0;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (pts[i].x() < pts[i0].x()) i0 = i;
  double best = -1;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (double d = (pts[i] - pts[i0]).squaredNorm(); d > best) best = d, i1 = i;
  best = -1;
  const Eigen::Vector3d u = (pts[i1] - pts[i0]).normalized();
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (double d = (pts[i] - pts[i0]).cross(u).squaredNorm(); d > best) best = d, i2 = i;
  const Eigen::Vector3d nrm = (pts[i1] - pts[i0]).cross(pts[i2] - pts[i0]);
  if (nrm.norm() < eps * scale) return 0.0;
  best = -1;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (double d = std::abs(nrm.normalized().dot(pts[i] - pts[i0])); d > best) best = d, i3 = i;
  if (best < eps) return 0.0;
  const Eigen::Vector3d inside = (pts[i0] + pts[i1] + pts[i2] + pts[i3]) / 4.0;

  struct Face {
    int a, b, c;
    Eigen::Vector3d n;  // unit outward normal
    double d;           // n · x = d on the face
    bool alive = true;
  };
  std::vector<Face> faces;
  auto add_face = [&](int a, int b, int c) {
    Eigen::Vector3d n = (pts[b] - pts[a]).cross(pts[c] - pts[a]);
    const double len = n.norm();
    if (len > 0) n /= len;
    if (n.dot(inside - pts[a]) > 0) {  // keep outward orientation
      std::swap(b, c);
      n = -n;
    }
    faces.push_back({a, b, c, n, n.dot(pts[a])});
  };
  const int t[4] = {static_cast<int>(i0), static_cast<int>(i1), static_cast<int>(i2), static_cast<int>(i3)};
  add_face(t[0], t[1], t[2]);
  add_face(t[0], t[1], t[3]);
  add_face(t[0], t[2], t[3]);
  add_face(t[1], t[2], t[3]);

  std::vector<std::pair<int, int>> edges;
  std::vector<std::size_t> visible;
  for (std::size_t pi = 0; pi < pts.size(); ++pi) {
    const int p = static_cast<int>(pi);
    if (p == t[0] || p == t[1] || p == t[2] || p == t[3]) continue;
    visible.clear();
    if (!budget.spend(faces.size())) return std::nullopt;
    for (std::size_t f = 0; f < faces.size(); ++f)
      if (faces[f].alive && faces[f].n.dot(pts[pi]) - faces[f].d > eps) visible.push_back(f);
    if (visible.empty()) continue;
    edges.clear();
    for (std::size_t f : visible) {
      const Face& fc = faces[f];
      edges.push_back({fc.a, fc.b});
      edges.push_back({fc.b, fc.c});
      edges.push_back({fc.c, fc.a});
    }
    std::vector<std::pair<int, int>> sorted = edges;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t f : visible) faces[f].alive = false;
    for (const auto& [a, b] : edges)
      if (!std::binary_search(sorted.begin(), sorted.end(), std::make_pair(b, a))) {
        Eigen::Vector3d n = (pts[b] - pts[a]).cross(pts[pi] - pts[a]);
        const double len = n.norm();
        if (len > 0) n /= len;
        faces.push_back({a, b, p, n, n.dot(pts[a])});  // horizon edge keeps its winding: outward
      }
    if (faces.size() > 4096 && faces.size() > 4 * visible.size())
      std::erase_if(faces, [](const Face& f) { return !f.alive; });
  }
  double volume6 = 0.0;
  for (const auto& f : faces)
    if (f.alive) volume6 += (pts[f.a] - inside).dot((pts[f.b] - inside).cross(pts[f.c] - inside));
  return std::abs(volume6) / 6.0;
}

// Volume inside both slab stacks: each slab of a intersected with the slabs of b that
// overlap it in z. Slabs ascend in z and do not overlap within one stack, so those are a
// run that only moves forward; the sum runs in (a, b) order as a full double loop would.
std::optional<double> slabs_overlap_mm3(const RoiSlabs& sa, const RoiSlabs& sb, GeometryBudget& budget) {
  double overlap_mm3 = 0.0;
  auto first = sb.planes.begin();
  for (const auto& pa : sa.planes) {
    first = std::partition_point(first, sb.planes.end(),
                                 [&](const RoiPlane& pb) { return pb.z_hi_mm <= pa.z_lo_mm; });
    for (auto pb = first; pb != sb.planes.end() && pb->z_lo_mm < pa.z_hi_mm; ++pb) {
      if (!budget.spend(1)) return std::nullopt;
      const double dz = std::min(pa.z_hi_mm, pb->z_hi_mm) - std::max(pa.z_lo_mm, pb->z_lo_mm);
      if (!(dz > 0 && plane_gap_2d_mm(pa, *pb) == 0.0)) continue;
      const std::optional<double> area_mm2 = intersection_area_mm2(pa, *pb, budget);
      if (!area_mm2) return std::nullopt;
      overlap_mm3 += dz * *area_mm2;
    }
  }
  return overlap_mm3;
}

// Lower bound of two planes' squared distance: their z distance and bounding-box gap.
double pair_bound2(const RoiPlane& a, const RoiPlane& b) {
  const double dz = a.z_mm - b.z_mm, gap = plane_gap_2d_mm(a, b);
  return dz * dz + gap * gap;
}

// Squared closest approach of two planes' regions; exact whenever it is below best2.
double planes_dist2(const RoiPlane& pa, const RoiPlane& pb, double best2, GeometryBudget& budget) {
  const double dz2 = (pa.z_mm - pb.z_mm) * (pa.z_mm - pb.z_mm);
  return dz2 + std::min(vertices_to_plane_dist2(pa, pb, dz2, best2, budget),
                        vertices_to_plane_dist2(pb, pa, dz2, best2, budget));
}

// Closest approach of two slab stacks' contour planes. The pair with the smallest lower
// bound is measured first: its distance is an upper bound of the minimum that lets most
// other pairs be skipped on their bound alone. The minimum of exact values does not
// depend on the order, so neither does the result. Two passes over the plane pairs, O(1)
// memory (a forged stack can have millions of planes).
std::optional<double> slabs_distance_mm(const RoiSlabs& sa, const RoiSlabs& sb, GeometryBudget& budget) {
  const std::uint64_t plane_pairs = static_cast<std::uint64_t>(sa.planes.size()) * sb.planes.size();
  if (!budget.spend(2 * plane_pairs)) return std::nullopt;
  std::size_t seed_a = 0, seed_b = 0;
  double seed_bound2 = std::numeric_limits<double>::infinity();
  for (std::size_t ia = 0; ia < sa.planes.size(); ++ia)
    for (std::size_t ib = 0; ib < sb.planes.size(); ++ib)
      if (const double bound2 = pair_bound2(sa.planes[ia], sb.planes[ib]); bound2 < seed_bound2)
        seed_bound2 = bound2, seed_a = ia, seed_b = ib;
  double best2 =
      planes_dist2(sa.planes[seed_a], sb.planes[seed_b], std::numeric_limits<double>::infinity(), budget);
  for (std::size_t ia = 0; ia < sa.planes.size(); ++ia)
    for (std::size_t ib = 0; ib < sb.planes.size(); ++ib) {
      if (budget.exhausted()) return std::nullopt;
      if ((ia == seed_a && ib == seed_b) || pair_bound2(sa.planes[ia], sb.planes[ib]) >= best2) continue;
      best2 = std::min(best2, planes_dist2(sa.planes[ia], sb.planes[ib], best2, budget));
    }
  if (budget.exhausted()) return std::nullopt;
  return std::sqrt(best2);
}

}  // namespace

double roi_volume_cc(const Roi& roi, EndCaps end_caps) {
  return geometry::build_slabs(roi, end_caps).volume_mm3() / 1000.0;
}

std::optional<Bounds3> roi_bounds(const Roi& roi) {
  std::optional<Bounds3> b;
  for (const auto& c : roi.contours)
    for (const auto& p : c.points_mm) {
      if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2])) continue;
      if (!b) {
        b = Bounds3{p, p};
        continue;
      }
      for (int k = 0; k < 3; ++k) {
        b->min_mm[k] = std::min(b->min_mm[k], p[k]);
        b->max_mm[k] = std::max(b->max_mm[k], p[k]);
      }
    }
  return b;
}

std::optional<RoiPairMetrics> roi_pair_metrics(const Roi& a, const Roi& b, GeometryBudget& budget) {
  if (!budget.spend(pair_fixed_operations + contour_points(a) + contour_points(b))) return std::nullopt;
  const RoiSlabs sa = geometry::build_slabs(a, EndCaps::half_slab);
  const RoiSlabs sb = geometry::build_slabs(b, EndCaps::half_slab);
  RoiPairMetrics m;
  if (sa.empty() || sb.empty()) {
    m.min_distance_mm = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  const std::optional<double> overlap_mm3 = slabs_overlap_mm3(sa, sb, budget);
  if (!overlap_mm3) return std::nullopt;
  m.overlap_cc = *overlap_mm3 / 1000.0;
  if (*overlap_mm3 > 0.0) return m;
  const std::optional<double> distance_mm = slabs_distance_mm(sa, sb, budget);
  if (!distance_mm) return std::nullopt;
  m.min_distance_mm = *distance_mm;
  return m;
}

RoiPairMetrics roi_pair_metrics(const Roi& a, const Roi& b) {
  GeometryBudget unbounded;
  return *roi_pair_metrics(a, b, unbounded);
}

std::optional<double> convex_hull_volume_cc(const Roi& roi, GeometryBudget& budget) {
  if (!budget.spend(contour_points(roi))) return std::nullopt;  // slabs and the planes' 2D hulls
  const RoiSlabs s = geometry::build_slabs(roi, EndCaps::half_slab);
  std::vector<Eigen::Vector3d> pts;
  for (const auto& plane : s.planes) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : plane.polygons)
      for (std::size_t k = 0; k < p.x_mm.size(); ++k) xy.emplace_back(p.x_mm[k], p.y_mm[k]);
    for (const auto& [x, y] : hull_2d(std::move(xy))) {
      pts.emplace_back(x, y, plane.z_lo_mm);
      pts.emplace_back(x, y, plane.z_hi_mm);
    }
  }
  const std::optional<double> volume_mm3 = hull_volume_3d(std::move(pts), budget);
  if (!volume_mm3) return std::nullopt;
  return *volume_mm3 / 1000.0;
}

double convex_hull_volume_cc(const Roi& roi) {
  GeometryBudget unbounded;
  return *convex_hull_volume_cc(roi, unbounded);
}

}  // namespace rtreview
