// roi_pair_metrics' closest approach against a brute-force search over every pair of contour
// planes, every vertex and every edge (no pruning, no grid): the pruned, grid-indexed search
// must find the same minimum, to the last bit, on random star-shaped and multi-polygon ROIs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "rtreview/geometry.h"

namespace {

using rtreview::Contour;
using rtreview::Roi;

struct Polygon {
  std::vector<double> x, y;
};

// The closed form the search uses: squared distance to a segment (clamped projection).
double segment_dist2(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  const double t = std::clamp(len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0, 0.0, 1.0);
  const double ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

// Even-odd rule over all polygons of a plane (half-open in y).
bool inside(const std::vector<Polygon>& plane, double x, double y) {
  bool in = false;
  for (const auto& p : plane)
    for (std::size_t i = 0, j = p.x.size() - 1; i < p.x.size(); j = i++)
      if ((p.y[i] <= y) != (p.y[j] <= y) && p.x[i] + (y - p.y[i]) * (p.x[j] - p.x[i]) / (p.y[j] - p.y[i]) < x)
        in = !in;
  return in;
}

// Squared in-plane distance from a's vertices to b's region (0 inside) or edges.
double vertices_to_plane(const std::vector<Polygon>& a, const std::vector<Polygon>& b) {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& pa : a)
    for (std::size_t k = 0; k < pa.x.size(); ++k) {
      if (inside(b, pa.x[k], pa.y[k])) return 0.0;
      for (const auto& pb : b)
        for (std::size_t i = 0, j = pb.x.size() - 1; i < pb.x.size(); j = i++)
          best = std::min(best, segment_dist2(pa.x[k], pa.y[k], pb.x[j], pb.y[j], pb.x[i], pb.y[i]));
    }
  return best;
}

using Planes = std::map<double, std::vector<Polygon>>;  // z -> polygons

double brute_force_distance(const Planes& a, const Planes& b) {
  double best2 = std::numeric_limits<double>::infinity();
  for (const auto& [za, pa] : a)
    for (const auto& [zb, pb] : b)
      best2 = std::min(
          best2, (za - zb) * (za - zb) + std::min(vertices_to_plane(pa, pb), vertices_to_plane(pb, pa)));
  return std::sqrt(best2);
}

// A star-shaped polygon: random radii at increasing angles around (cx, cy).
Polygon star(std::mt19937& rng, double cx, double cy, double radius) {
  std::uniform_int_distribution<int> count(3, 60);
  std::uniform_real_distribution<double> r(0.3 * radius, radius), jitter(0.0, 1.0);
  const int n = count(rng);
  Polygon p;
  for (int k = 0; k < n; ++k) {
    const double angle = 2 * M_PI * (k + 0.9 * jitter(rng)) / n;
    const double rk = r(rng);
    p.x.push_back(cx + rk * std::cos(angle));
    p.y.push_back(cy + rk * std::sin(angle));
  }
  return p;
}

// An ROI of 2–6 planes 2 mm apart (a lone plane has no slab) from z0, each with 1–3 star polygons near (cx,
// cy).
Planes random_planes(std::mt19937& rng, double cx, double cy, double z0) {
  std::uniform_int_distribution<int> planes(2, 6), polygons(1, 3);
  std::uniform_real_distribution<double> offset(-15.0, 15.0), radius(2.0, 12.0);
  Planes out;
  const int n = planes(rng);
  for (int k = 0; k < n; ++k) {
    auto& plane = out[z0 + 2.0 * k];
    const int m = polygons(rng);
    for (int q = 0; q < m; ++q) plane.push_back(star(rng, cx + offset(rng), cy + offset(rng), radius(rng)));
  }
  return out;
}

Roi to_roi(const Planes& planes) {
  Roi roi;
  for (const auto& [z, polygons] : planes)
    for (const auto& p : polygons) {
      Contour c;
      c.geometric_type = "CLOSED_PLANAR";
      for (std::size_t k = 0; k < p.x.size(); ++k) c.points_mm.push_back({p.x[k], p.y[k], z});
      roi.contours.push_back(std::move(c));
    }
  return roi;
}

TEST(dvh_proximity, closest_approach_equals_brute_force_on_random_rois) {
  std::mt19937 rng(20261130);
  std::uniform_real_distribution<double> shift(-60.0, 60.0), dz(-12.0, 12.0);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const Planes a = random_planes(rng, 0.0, 0.0, 0.0);
    const Planes b =
        random_planes(rng, shift(rng), shift(rng), std::round(dz(rng)) + (trial % 2 ? 0.5 : 0.0));
    const rtreview::RoiPairMetrics m = rtreview::roi_pair_metrics(to_roi(a), to_roi(b));
    if (m.overlap_cc > 0) continue;  // overlapping ROIs report no distance to compare
    const double expected = brute_force_distance(a, b);
    EXPECT_EQ(m.min_distance_mm, expected) << "trial " << trial;
    ++compared;
  }
  EXPECT_GT(compared, 200);  // most random pairs do not overlap: the comparison is not vacuous
  std::printf("compared %d ROI pairs against the brute force\n", compared);
}

}  // namespace
