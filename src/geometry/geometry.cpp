#include "rtreview/geometry.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geometry/edge_grid.h"
#include "geometry/slabs.h"

namespace rtreview {
namespace {

using geometry::EdgeGrid;
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

// Crossings held at once by the overlap lattice, per plane: rows are read in blocks of at
// most this many over the plane's edges (one row at a time past it), so a forged plane of
// many edges spanning every row costs no more memory than a row of its crossings.
constexpr std::uint64_t kMaxLatticeCrossings = std::uint64_t{1} << 20;

// Area of the intersection of two planes' regions, sampled on a lattice over the
// intersection of their bounding boxes (≤ 512 × 512 points, ≥ 64 across the short side).
// Costs its lattice points, both planes' edges for each block of rows (scanline_rows) and
// the crossings found.
std::optional<double> intersection_area_mm2(const RoiPlane& a, const RoiPlane& b, GeometryBudget& budget) {
  const double x0 = std::max(a.x_min_mm, b.x_min_mm), x1 = std::min(a.x_max_mm, b.x_max_mm);
  const double y0 = std::max(a.y_min_mm, b.y_min_mm), y1 = std::min(a.y_max_mm, b.y_max_mm);
  if (!(x1 > x0 && y1 > y0)) return 0.0;
  const double h = std::max(std::min(x1 - x0, y1 - y0) / 64.0, std::max(x1 - x0, y1 - y0) / 512.0);
  const int nx = static_cast<int>(std::ceil((x1 - x0) / h)), ny = static_cast<int>(std::ceil((y1 - y0) / h));
  const std::uint64_t edges_a = vertices_of(a), edges_b = vertices_of(b);
  const auto rows = static_cast<std::uint64_t>(ny);
  const std::uint64_t block = std::clamp<std::uint64_t>(
      kMaxLatticeCrossings / std::max({edges_a, edges_b, std::uint64_t{1}}), 1, rows);
  const std::uint64_t blocks = (rows + block - 1) / block;
  if (!budget.spend(rows * static_cast<std::uint64_t>(nx) + blocks * (edges_a + edges_b)))
    return std::nullopt;
  std::vector<double> xa, xb;
  std::vector<std::size_t> row_a, row_b;
  long count = 0;
  for (long j_lo = 0; j_lo < ny; j_lo += static_cast<long>(block)) {
    const long j_hi = std::min(j_lo + static_cast<long>(block), static_cast<long>(ny)) - 1;
    // Every row's crossings of the block at once (the values scanline_crossings gives row by row).
    geometry::scanline_rows(a, y0, h, j_lo, j_hi, xa, row_a);
    geometry::scanline_rows(b, y0, h, j_lo, j_hi, xb, row_b);
    if (!budget.spend(xa.size() + xb.size())) return std::nullopt;
    for (long j = j_lo; j <= j_hi; ++j) {
      const auto r = static_cast<std::size_t>(j - j_lo);
      const auto a0 = xa.begin() + static_cast<std::ptrdiff_t>(row_a[r]),
                 a1 = xa.begin() + static_cast<std::ptrdiff_t>(row_a[r + 1]);
      const auto b0 = xb.begin() + static_cast<std::ptrdiff_t>(row_b[r]),
                 b1 = xb.begin() + static_cast<std::ptrdiff_t>(row_b[r + 1]);
      if (a0 == a1 || b0 == b1) continue;
      // x grows along the row, so the crossings at or left of x are counted by moving cursors.
      auto pa = a0, pb = b0;
      for (int i = 0; i < nx; ++i) {
        const double x = x0 + (i + 0.5) * h;
        while (pa != a1 && *pa <= x) ++pa;
        while (pb != b1 && *pb <= x) ++pb;
        count += (pa - a0) % 2 == 1 && (pb - b0) % 2 == 1;
      }
    }
  }
  return static_cast<double>(count) * h * h;
}

struct Box2 {
  double x0, x1, y0, y1;
  double dist2(double x, double y) const {
    const double gx = std::max({0.0, x0 - x, x - x1}), gy = std::max({0.0, y0 - y, y - y1});
    return gx * gx + gy * gy;
  }
};

// Squared in-plane distance from a's vertices to b's region (0 inside) and boundary, for a
// pair of planes dz2 apart (squared) when the best pair so far is best2: a vertex, or a cell
// of b's edge grid, whose box lies so far that dz2 + its distance >= best2 (or beyond the
// best of this call) cannot lower the minimum and is skipped. The result is exact whenever
// dz2 + it < best2, and otherwise >= best2 − dz2, so min(best2, dz2 + result) never changes.
// The skip tests keep a slack far above the rounding of point_segment_dist2, so a skipped
// vertex is never one whose computed distance would have been the minimum.
// Costs a's vertices (the box tests), then for each vertex not skipped the cells and edges
// of b's grid its inside test and nearest-edge search read; it returns early, with no
// meaning, once the budget is spent.
double vertices_to_plane_dist2(const RoiPlane& a, const RoiPlane& b, const EdgeGrid& b_edges, double dz2,
                               double best2, GeometryBudget& budget) {
  constexpr double slack_mm2 = 1e-9;
  double best = std::numeric_limits<double>::infinity();
  auto beyond = [&](double to_box) {
    return to_box >= best + slack_mm2 || dz2 + to_box >= best2 + slack_mm2;
  };
  if (!budget.spend(vertices_of(a))) return 0.0;
  const Box2 b_box{b.x_min_mm, b.x_max_mm, b.y_min_mm, b.y_max_mm};
  for (const auto& pa : a.polygons) {
    for (std::size_t k = 0; k < pa.x_mm.size(); ++k) {
      const double px = pa.x_mm[k], py = pa.y_mm[k];
      const double to_box = b_box.dist2(px, py);
      if (beyond(to_box)) continue;
      std::uint64_t work = 0;
      const bool inside = to_box <= slack_mm2 && b_edges.contains(px, py, work);
      if (!inside) best = std::min(best, b_edges.min_dist2(px, py, beyond, work));
      if (!budget.spend(work)) return 0.0;
      if (inside) return 0.0;
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

struct HullFace {
  int a, b, c;
  Eigen::Vector3d n;  // unit outward normal
  double d;           // n · x = d on the face
  bool alive = true;
  int bin = 0;  // where HullFaceBins holds it
  std::uint32_t slot = 0;
};

// The hull's faces binned by the direction of their normal (a cube map, 6 × 6 × 6 bins),
// each bin with a bound of how far outside its faces' planes a point can be: with the
// bin's unit direction m, its faces' largest chord |n_f − m| = s (so the angle θ between
// n_f and m has cos θ = 1 − s²/2, sin θ <= s) and the hull's inside point c,
//   n_f · p − d_f = n_f · (p − c) + (n_f · c − d_f)
//                <= max over the cone of n · (p − c) + max (n_f · c − d_f),
// the cone's maximum being |v| when v = p − c is within θ of m, else
// (m · v) cos θ + |m × v| sin θ. A point sees only faces whose normals point its way, so
// most bins are skipped; one whose bound stays below the visibility threshold by `margin`
// (far above the rounding of the face tests) holds no face the point sees. A bin keeps its
// faces' planes side by side (a scan reads them in order, not scattered over the face list).
class HullFaceBins {
 public:
  static constexpr int kSide = 6, kBins = 6 * kSide * kSide;
  HullFaceBins(const Eigen::Vector3d& inside, double margin) : inside_(inside), margin_(margin) {
    for (int k = 0; k < kBins; ++k) {
      const int axis = k / (2 * kSide * kSide), sign = (k / (kSide * kSide)) % 2 ? -1 : 1;
      const double u = ((k / kSide) % kSide + 0.5) / kSide * 2 - 1, w = (k % kSide + 0.5) / kSide * 2 - 1;
      Eigen::Vector3d m;
      m[axis] = sign, m[(axis + 1) % 3] = u, m[(axis + 2) % 3] = w;
      bins_[k].m = m.normalized();
    }
  }
  // Adds face `index` of the list (ascending order within a bin) and notes where it is in f.
  void add(HullFace& f, std::size_t index) {
    f.bin = bin_of(f.n);
    Bin& b = bins_[f.bin];
    f.slot = static_cast<std::uint32_t>(b.planes.size());
    b.planes.push_back({f.n, f.d, index, true});
    b.chord = std::max(b.chord, (f.n - b.m).norm());
    b.outside = std::max(b.outside, f.n.dot(inside_) - f.d);
  }
  void kill(const HullFace& f) { bins_[f.bin].planes[f.slot].alive = false; }
  void clear() {
    for (Bin& b : bins_)
      b.planes.clear(), b.chord = 0.0, b.outside = -std::numeric_limits<double>::infinity();
  }
  // Appends the live faces p sees (n · p − d > threshold) to `visible`, bin by bin; returns
  // the faces tested.
  std::uint64_t find_visible(const Eigen::Vector3d& p, double threshold,
                             std::vector<std::size_t>& visible) const {
    const Eigen::Vector3d v = p - inside_;
    const double length = v.norm();
    std::uint64_t tested = 0;
    for (const Bin& b : bins_) {
      if (b.planes.empty()) continue;
      const double along = b.m.dot(v), cos_t = 1 - b.chord * b.chord / 2;
      const double cone = along >= length * cos_t ? length : along * cos_t + b.m.cross(v).norm() * b.chord;
      if (!(cone + b.outside + margin_ > threshold)) continue;
      tested += b.planes.size();
      for (const Plane& q : b.planes)
        if (q.alive && q.n.dot(p) - q.d > threshold) visible.push_back(q.face);
    }
    return tested;
  }

 private:
  static int bin_of(const Eigen::Vector3d& n) {
    int axis = 0;
    for (int i = 1; i < 3; ++i)
      if (std::abs(n[i]) > std::abs(n[axis])) axis = i;
    const double big = std::abs(n[axis]);
    if (!(big > 0)) return 0;
    auto cell = [](double t) { return std::clamp(static_cast<int>((t + 1) / 2 * kSide), 0, kSide - 1); };
    return (2 * axis + (n[axis] < 0)) * kSide * kSide + cell(n[(axis + 1) % 3] / big) * kSide +
           cell(n[(axis + 2) % 3] / big);
  }
  struct Plane {  // a face's plane, as HullFace holds it
    Eigen::Vector3d n;
    double d;
    std::size_t face;  // index into the face list
    bool alive;
  };
  struct Bin {
    std::vector<Plane> planes;  // ascending face indexes
    Eigen::Vector3d m;
    double chord = 0.0, outside = -std::numeric_limits<double>::infinity();
  };
  Eigen::Vector3d inside_;
  double margin_;
  std::array<Bin, kBins> bins_;
};

// Keeps of `visible` (ascending face indexes) the faces connected, edge to edge, to the one
// p is farthest outside. A point within rounding of a face's plane can see two faces and
// not the one between them (seen: 1.4e-7 and 4.7e-6 mm outside, the face between below the
// 4.3e-8 mm tolerance); that set is no disk, its "horizon" two triangles, and the faces
// built on it leave the hull open. The face left out is outside p by the tolerance only.
template <typename FaceAcross>
void keep_connected_part(std::vector<std::size_t>& visible, const std::vector<HullFace>& faces,
                         const Eigen::Vector3d& p, FaceAcross face_across) {
  if (visible.size() < 2) return;
  std::size_t seed = 0;
  for (std::size_t k = 1; k < visible.size(); ++k)
    if (faces[visible[k]].n.dot(p) - faces[visible[k]].d >
        faces[visible[seed]].n.dot(p) - faces[visible[seed]].d)
      seed = k;
  std::vector<char> reached(visible.size(), 0);
  std::vector<std::size_t> todo = {seed};
  reached[seed] = 1;
  while (!todo.empty()) {
    const HullFace& f = faces[visible[todo.back()]];
    todo.pop_back();
    for (const auto& [a, b] : {std::pair{f.a, f.b}, std::pair{f.b, f.c}, std::pair{f.c, f.a}}) {
      const std::size_t across = face_across(b, a);
      const auto at = std::lower_bound(visible.begin(), visible.end(), across);
      if (at == visible.end() || *at != across) continue;
      const auto k = static_cast<std::size_t>(at - visible.begin());
      if (!reached[k]) reached[k] = 1, todo.push_back(k);
    }
  }
  std::size_t kept = 0;
  for (std::size_t k = 0; k < visible.size(); ++k)
    if (reached[k]) visible[kept++] = visible[k];
  visible.resize(kept);
}

// Four affinely independent extreme points to start the hull from; none when the points are
// (within eps) collinear or coplanar, and the hull has no volume.
std::optional<std::array<int, 4>> initial_tetrahedron(const std::vector<Eigen::Vector3d>& pts, double scale,
                                                      double eps) {
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
  if (nrm.norm() < eps * scale) return std::nullopt;
  best = -1;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (double d = std::abs(nrm.normalized().dot(pts[i] - pts[i0])); d > best) best = d, i3 = i;
  if (best < eps) return std::nullopt;
  return std::array<int, 4>{static_cast<int>(i0), static_cast<int>(i1), static_cast<int>(i2),
                            static_cast<int>(i3)};
}

// A convex hull grown one point at a time (horizon edges). Each point tests the faces of
// the bins it may see (HullFaceBins); it costs the bins and the faces tested per point,
// quadratic at worst.
class IncrementalHull {
 public:
  // Rounding of a face test is below 1e-15 of the coordinates' size; `margin` is 1e-9 of it.
  IncrementalHull(const std::vector<Eigen::Vector3d>& pts, const Eigen::Vector3d& inside, double margin)
      : pts_(pts), inside_(inside), bins_(inside, margin) {}

  // A face of the starting tetrahedron, turned to face outward.
  void add_face(int a, int b, int c) {
    Eigen::Vector3d n = (pts_[b] - pts_[a]).cross(pts_[c] - pts_[a]);
    const double len = n.norm();
    if (len > 0) n /= len;
    if (n.dot(inside_ - pts_[a]) > 0) {
      std::swap(b, c);
      n = -n;
    }
    push_face({a, b, c, n, n.dot(pts_[a])});
  }

  // Grows the hull to point pi (a point inside, or within the tolerance, leaves it as it
  // is); false when the budget ran out.
  bool add_point(std::size_t pi, double eps, GeometryBudget& budget) {
    visible_.clear();
    // A bin's bound costs about four face tests (and covers this point's other fixed work).
    if (!budget.spend(4 * HullFaceBins::kBins)) return false;
    if (!budget.spend(bins_.find_visible(pts_[pi], eps, visible_))) return false;
    if (visible_.empty()) return true;
    std::sort(visible_.begin(), visible_.end());  // the face list's order, as a scan of the list finds them
    if (!budget.spend(visible_.size())) return false;
    keep_connected_part(visible_, faces_, pts_[pi], [&](int a, int b) {
      const auto it = face_of_edge_.find(edge_key(a, b));
      return it == face_of_edge_.end() ? std::numeric_limits<std::size_t>::max() : it->second;
    });
    if (!cone_to(pi)) return true;
    for (std::size_t f : visible_) faces_[f].alive = false, bins_.kill(faces_[f]);
    for (const HullFace& f : new_faces_) push_face(f);
    dead_ += visible_.size();
    return 2 * dead_ > faces_.size() ? drop_dead_faces(budget) : true;
  }

  double volume() const {
    double volume6 = 0.0;
    for (const auto& f : faces_)
      if (f.alive) volume6 += (pts_[f.a] - inside_).dot((pts_[f.b] - inside_).cross(pts_[f.c] - inside_));
    return std::abs(volume6) / 6.0;
  }

 private:
  static std::uint64_t edge_key(int a, int b) {
    return std::uint64_t(std::uint32_t(a)) << 32 | std::uint32_t(b);
  }

  void note_edges(std::size_t f) {
    const HullFace& fc = faces_[f];
    face_of_edge_[edge_key(fc.a, fc.b)] = f, face_of_edge_[edge_key(fc.b, fc.c)] = f,
                                 face_of_edge_[edge_key(fc.c, fc.a)] = f;
  }

  void push_face(const HullFace& f) {
    faces_.push_back(f);
    bins_.add(faces_.back(), faces_.size() - 1);
    note_edges(faces_.size() - 1);
  }

  // The new faces from point pi, one per horizon edge of the visible faces (which keeps its
  // winding: outward), into new_faces_. A point barely outside (within rounding of a
  // neighbour it does not see) can make one face inward, the inside point in front of it:
  // the hull would fold (trial 484: 2x the volume). Such a point is within the tolerance of
  // the hull and is left out: false.
  bool cone_to(std::size_t pi) {
    edges_.clear();
    for (std::size_t f : visible_) {
      const HullFace& fc = faces_[f];
      edges_.push_back({fc.a, fc.b});
      edges_.push_back({fc.b, fc.c});
      edges_.push_back({fc.c, fc.a});
    }
    sorted_edges_ = edges_;
    std::sort(sorted_edges_.begin(), sorted_edges_.end());
    new_faces_.clear();
    bool folds = false;
    for (const auto& [a, b] : edges_)
      if (!std::binary_search(sorted_edges_.begin(), sorted_edges_.end(), std::make_pair(b, a))) {
        Eigen::Vector3d n = (pts_[b] - pts_[a]).cross(pts_[pi] - pts_[a]);
        const double len = n.norm();
        if (len > 0) n /= len;
        folds = folds || !(n.dot(inside_) - n.dot(pts_[a]) < 0);
        new_faces_.push_back({a, b, static_cast<int>(pi), n, n.dot(pts_[a])});
      }
    return !folds;
  }

  // Dead faces are only ever skipped, so dropping them (the live ones keep their order)
  // changes no result; dropping them once they are half the list keeps each point's
  // visibility scan proportional to the live hull. The drop reads the list, and the bins
  // are filled anew from the live faces.
  bool drop_dead_faces(GeometryBudget& budget) {
    if (!budget.spend(2 * faces_.size())) return false;
    std::erase_if(faces_, [](const HullFace& f) { return !f.alive; });
    bins_.clear();
    face_of_edge_.clear();
    for (std::size_t f = 0; f < faces_.size(); ++f) bins_.add(faces_[f], f), note_edges(f);
    dead_ = 0;
    return true;
  }

  const std::vector<Eigen::Vector3d>& pts_;
  Eigen::Vector3d inside_;
  std::vector<HullFace> faces_;
  HullFaceBins bins_;
  // The face each directed edge belongs to (entries of dead faces go stale; a visible set
  // holds live faces only).
  std::unordered_map<std::uint64_t, std::size_t> face_of_edge_;
  std::size_t dead_ = 0;
  std::vector<std::size_t> visible_;  // scratch of add_point, kept for its capacity
  std::vector<std::pair<int, int>> edges_, sorted_edges_;
  std::vector<HullFace> new_faces_;
};

// Volume of the 3D convex hull of `pts`.
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
  const auto t = initial_tetrahedron(pts, scale, eps);
  if (!t) return 0.0;
  const Eigen::Vector3d inside = (pts[(*t)[0]] + pts[(*t)[1]] + pts[(*t)[2]] + pts[(*t)[3]]) / 4.0;
  IncrementalHull hull(pts, inside,
                       1e-9 * (std::max(lo.cwiseAbs().maxCoeff(), hi.cwiseAbs().maxCoeff()) + scale));
  const auto [t0, t1, t2, t3] = *t;
  hull.add_face(t0, t1, t2);
  hull.add_face(t0, t1, t3);
  hull.add_face(t0, t2, t3);
  hull.add_face(t1, t2, t3);
  for (std::size_t pi = 0; pi < pts.size(); ++pi) {
    const int p = static_cast<int>(pi);
    if (p == t0 || p == t1 || p == t2 || p == t3) continue;
    if (!hull.add_point(pi, eps, budget)) return std::nullopt;
  }
  return hull.volume();
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

// A ROI as its pairs use it: the slab stack, built at its first pair, and each plane's edge
// grid, built the first time a plane pair needs it; both kept for the ROI's later pairs.
struct PairRoi {
  explicit PairRoi(const Roi& r) : roi(r) {}
  const RoiSlabs& slabs() {
    if (!built)
      stack = geometry::build_slabs(roi, EndCaps::half_slab), grids.resize(stack.planes.size()), built = true;
    return stack;
  }
  const Roi& roi;
  RoiSlabs stack;
  std::vector<std::unique_ptr<EdgeGrid>> grids;
  bool built = false;
};

// The edge grids one pair of ROIs uses, charged to the budget as if this pair built them as
// a pair measured alone does: every grid of b once, a's grid again whenever the plane changes
// (the pairs run through a's planes in order, so each of a's about once). The grids come from
// the ROI's store, so a ROI's pairs build each grid once, but every pair pays what it would
// alone: the budget, and where it runs out, do not depend on the reuse.
class PlaneGrids {
 public:
  PlaneGrids(PairRoi& roi, bool keep_all) : roi_(roi), index_(keep_all ? roi.grids.size() : 1, kNone) {}
  // Plane i's grid; nullptr once the budget is spent.
  const EdgeGrid* get(std::size_t i, GeometryBudget& budget) {
    const std::size_t slot = index_.size() == 1 ? 0 : i;
    std::unique_ptr<EdgeGrid>& grid = roi_.grids[i];
    if (index_[slot] != i) {
      if (!grid) grid = std::make_unique<EdgeGrid>(roi_.stack.planes[i]);
      index_[slot] = i;
      budget.spend(grid->build_operations());
    }
    return budget.exhausted() ? nullptr : grid.get();
  }

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  PairRoi& roi_;
  std::vector<std::size_t> index_;
};

// Squared closest approach of planes ia of a and ib of b; exact whenever it is below best2.
// Meaningless once the budget is spent.
double planes_dist2(const RoiSlabs& sa, std::size_t ia, PlaneGrids& grids_a, const RoiSlabs& sb,
                    std::size_t ib, PlaneGrids& grids_b, double best2, GeometryBudget& budget) {
  const RoiPlane &pa = sa.planes[ia], &pb = sb.planes[ib];
  const EdgeGrid* ga = grids_a.get(ia, budget);
  const EdgeGrid* gb = grids_b.get(ib, budget);
  if (!ga || !gb) return 0.0;
  const double dz2 = (pa.z_mm - pb.z_mm) * (pa.z_mm - pb.z_mm);
  return dz2 + std::min(vertices_to_plane_dist2(pa, pb, *gb, dz2, best2, budget),
                        vertices_to_plane_dist2(pb, pa, *ga, dz2, best2, budget));
}

// Closest approach of two slab stacks' contour planes. The pair with the smallest lower
// bound is measured first: its distance is an upper bound of the minimum that lets most
// other pairs be skipped on their bound alone. The minimum of exact values does not
// depend on the order, so neither does the result. Two passes over the plane pairs instead
// of a list of them (a forged stack can have millions of planes).
std::optional<double> slabs_distance_mm(PairRoi& a, PairRoi& b, GeometryBudget& budget) {
  const RoiSlabs &sa = a.stack, &sb = b.stack;
  const std::uint64_t plane_pairs = static_cast<std::uint64_t>(sa.planes.size()) * sb.planes.size();
  if (!budget.spend(2 * plane_pairs)) return std::nullopt;
  std::size_t seed_a = 0, seed_b = 0;
  double seed_bound2 = std::numeric_limits<double>::infinity();
  for (std::size_t ia = 0; ia < sa.planes.size(); ++ia)
    for (std::size_t ib = 0; ib < sb.planes.size(); ++ib)
      if (const double bound2 = pair_bound2(sa.planes[ia], sb.planes[ib]); bound2 < seed_bound2)
        seed_bound2 = bound2, seed_a = ia, seed_b = ib;
  PlaneGrids grids_a(a, false), grids_b(b, true);
  double best2 =
      planes_dist2(sa, seed_a, grids_a, sb, seed_b, grids_b, std::numeric_limits<double>::infinity(), budget);
  for (std::size_t ia = 0; ia < sa.planes.size(); ++ia)
    for (std::size_t ib = 0; ib < sb.planes.size(); ++ib) {
      if (budget.exhausted()) return std::nullopt;
      if ((ia == seed_a && ib == seed_b) || pair_bound2(sa.planes[ia], sb.planes[ib]) >= best2) continue;
      best2 = std::min(best2, planes_dist2(sa, ia, grids_a, sb, ib, grids_b, best2, budget));
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

namespace {

std::optional<RoiPairMetrics> pair_metrics(PairRoi& a, PairRoi& b, GeometryBudget& budget) {
  if (!budget.spend(pair_fixed_operations + contour_points(a.roi) + contour_points(b.roi)))
    return std::nullopt;
  const RoiSlabs& sa = a.slabs();
  const RoiSlabs& sb = b.slabs();
  RoiPairMetrics m;
  if (sa.empty() || sb.empty()) {
    m.min_distance_mm = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  const std::optional<double> overlap_mm3 = slabs_overlap_mm3(sa, sb, budget);
  if (!overlap_mm3) return std::nullopt;
  m.overlap_cc = *overlap_mm3 / 1000.0;
  if (*overlap_mm3 > 0.0) return m;
  const std::optional<double> distance_mm = slabs_distance_mm(a, b, budget);
  if (!distance_mm) return std::nullopt;
  m.min_distance_mm = *distance_mm;
  return m;
}

}  // namespace

std::optional<RoiPairMetrics> roi_pair_metrics(const Roi& a, const Roi& b, GeometryBudget& budget) {
  PairRoi pa(a), pb(b);
  return pair_metrics(pa, pb, budget);
}

std::vector<std::optional<RoiPairMetrics>> roi_pair_metrics_table(const std::vector<const Roi*>& as,
                                                                  const std::vector<const Roi*>& bs,
                                                                  GeometryBudget& budget) {
  std::vector<PairRoi> a_rois, b_rois;
  a_rois.reserve(as.size()), b_rois.reserve(bs.size());
  for (const Roi* r : as) a_rois.emplace_back(*r);
  for (const Roi* r : bs) b_rois.emplace_back(*r);
  std::vector<std::optional<RoiPairMetrics>> table;
  for (PairRoi& a : a_rois)
    for (PairRoi& b : b_rois) {
      table.push_back(pair_metrics(a, b, budget));
      if (!table.back()) return table;  // every later pair would be refused too
    }
  return table;
}

RoiPairMetrics roi_pair_metrics(const Roi& a, const Roi& b) {
  GeometryBudget unbounded;
  return *roi_pair_metrics(a, b, unbounded);
}

namespace {

// What the convex hull of `pts` lies in: the prism of their 2D hull (seen from above) over
// their height range.
double hull_upper_bound_mm3(const std::vector<Eigen::Vector3d>& pts) {
  if (pts.empty()) return 0.0;
  std::vector<std::pair<double, double>> xy;
  double z_min = pts.front().z(), z_max = z_min;
  for (const auto& p : pts)
    xy.emplace_back(p.x(), p.y()), z_min = std::min(z_min, p.z()), z_max = std::max(z_max, p.z());
  geometry::Polygon2 outline;
  for (const auto& [x, y] : hull_2d(std::move(xy))) outline.x_mm.push_back(x), outline.y_mm.push_back(y);
  if (outline.x_mm.size() < 3) return 0.0;
  return std::abs(geometry::signed_area_mm2(outline)) * (z_max - z_min);
}

}  // namespace

std::optional<double> convex_hull_volume_cc(const Roi& roi, GeometryBudget& budget) {
  // Slabs and the 2D hulls (each plane's, then each height's of those): O(n log n) in the points.
  if (!budget.spend(contour_points(roi))) return std::nullopt;
  const RoiSlabs s = geometry::build_slabs(roi, EndCaps::half_slab);
  // A slab's top and the next one's bottom are one height computed twice (z + t/2, z' − t'/2)
  // and can differ in the last bit: points a rounding apart make hull faces of no area whose
  // normals point anywhere, and the hull then grows without end (seen on a stack of
  // 370-gons). Heights within a rounding of each other are taken as one.
  std::vector<double> heights;
  for (const auto& plane : s.planes) heights.push_back(plane.z_lo_mm), heights.push_back(plane.z_hi_mm);
  std::sort(heights.begin(), heights.end());
  const double z_tolerance =
      heights.empty() ? 0.0 : 1e-9 * std::max({1.0, std::abs(heights.front()), std::abs(heights.back())});
  auto height = [&](double z) {  // the lowest height of z's run of near-equal heights
    auto it = std::lower_bound(heights.begin(), heights.end(), z);
    while (it != heights.begin() && *it - *std::prev(it) <= z_tolerance) --it;
    return *it;
  };
  // Each plane's 2D hull at its slab's bottom and top height. Where slabs join, a slab's top
  // is the next one's bottom: of the points at one height only the vertices of the 2D hull of
  // all of them can be vertices of the 3D hull (the others are convex combinations of those),
  // so each height keeps its own 2D hull. Where the outlines differ from plane to plane that
  // is about half the points, which the 3D hull pays for more than linearly.
  std::map<double, std::vector<std::pair<double, double>>> at_height;
  for (const auto& plane : s.planes) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : plane.polygons)
      for (std::size_t k = 0; k < p.x_mm.size(); ++k) xy.emplace_back(p.x_mm[k], p.y_mm[k]);
    const auto outline = hull_2d(std::move(xy));
    for (const double z : {height(plane.z_lo_mm), height(plane.z_hi_mm)}) {
      auto& level = at_height[z];
      level.insert(level.end(), outline.begin(), outline.end());
    }
  }
  std::vector<Eigen::Vector3d> pts;
  for (auto& [z, xy] : at_height)
    for (const auto& [x, y] : hull_2d(std::move(xy))) pts.emplace_back(x, y, z);
  // Of the points above one another (the same x, y) only the lowest and the highest can be
  // vertices: the others lie on the segment between them. Keeping them made degenerate faces
  // (three points on one vertical line) that no later point could see or remove.
  std::sort(pts.begin(), pts.end(), [](const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
    return std::lexicographical_compare(a.data(), a.data() + 3, b.data(), b.data() + 3);
  });
  std::vector<Eigen::Vector3d> column_ends;
  for (std::size_t i = 0; i < pts.size();) {
    std::size_t j = i + 1;
    while (j < pts.size() && pts[j].x() == pts[i].x() && pts[j].y() == pts[i].y()) ++j;
    column_ends.push_back(pts[i]);
    if (pts[j - 1].z() != pts[i].z()) column_ends.push_back(pts[j - 1]);
    i = j;
  }
  pts = std::move(column_ends);
  const double upper_mm3 = hull_upper_bound_mm3(pts), lower_mm3 = s.volume_mm3();
  const std::optional<double> volume_mm3 = hull_volume_3d(std::move(pts), budget);
  if (!volume_mm3) return std::nullopt;
  // The incremental hull is not robust to every near-degenerate input (a known case: one
  // random prism of 400 gave 4x its volume). A hull outside the bounds it must lie in is
  // wrong: reported as not computable (0) rather than as a number.
  const double slack_mm3 = 1e-6 * upper_mm3;
  if (*volume_mm3 > upper_mm3 + slack_mm3 || *volume_mm3 < lower_mm3 - slack_mm3) return 0.0;
  return *volume_mm3 / 1000.0;
}

double convex_hull_volume_cc(const Roi& roi) {
  GeometryBudget unbounded;
  return *convex_hull_volume_cc(roi, unbounded);
}

}  // namespace rtreview
