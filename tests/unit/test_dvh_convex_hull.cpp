// convex_hull_volume_cc on stacks whose hull is known in closed form: the same random convex
// polygon on every plane, with random polygons inside it (islands and holes whose points
// are inside the hull), is a prism of that polygon's area (shoelace, computed here) times
// the stack's height (half-slab end caps). Every polygon vertex is on the hull and the side
// faces' normals point every way, so a face the hull's pruning wrongly skips (a visible face
// left in place) shows as a wrong volume.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "rtreview/geometry.h"
#include "test_support.h"

namespace rtreview {
namespace {

struct Polygon {
  std::vector<double> x, y;
};

// Vertices on a circle at sorted random angles, three of them 120° apart (so no gap between
// vertices exceeds 120° and the polygon holds the circle of radius r/2): convex.
Polygon random_convex(std::mt19937& rng, double cx, double cy, double r, int n) {
  std::uniform_real_distribution<double> angle(0.0, 2 * M_PI);
  const double first = angle(rng);
  std::vector<double> a = {first, first + 2 * M_PI / 3, first + 4 * M_PI / 3};
  for (int k = 3; k < n; ++k) a.push_back(angle(rng));
  for (double& t : a) t = std::fmod(t, 2 * M_PI);
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  Polygon p;
  for (double t : a) p.x.push_back(cx + r * std::cos(t)), p.y.push_back(cy + r * std::sin(t));
  return p;
}

double shoelace_mm2(const Polygon& p) {
  double twice = 0.0;
  for (std::size_t i = 0, j = p.x.size() - 1; i < p.x.size(); j = i++)
    twice += p.x[j] * p.y[i] - p.x[i] * p.y[j];
  return std::abs(twice) / 2;
}

void add_contour(Roi& roi, const Polygon& p, double z) {
  Contour c;
  c.geometric_type = "CLOSED_PLANAR";
  for (std::size_t k = 0; k < p.x.size(); ++k) c.points_mm.push_back({p.x[k], p.y[k], z});
  roi.contours.push_back(std::move(c));
}

TEST(dvh_convex_hull, random_convex_prisms_with_inner_contours) {
  std::mt19937 rng(20261130);
  std::uniform_int_distribution<int> vertices(3, 400), planes(2, 30), inner(0, 4);
  std::uniform_real_distribution<double> centre(-200.0, 200.0), radius(5.0, 80.0), unit(0.0, 1.0);
  // The incremental hull's visibility has a tolerance: a point outside by less than it is
  // left out, and one whose new faces would fold (turn inward) too. A hull outside the bounds
  // it must lie in is reported as not computable (0). The property held: the exact volume,
  // or 0 on at most 1 % of the stacks, never another number. Trial 484 of this seed folded
  // to 2x its volume before the fold test. 4000 stacks, run once by hand: 3997 exact, two
  // low by 3e-7 and 1.4e-9 (points within the tolerance left out), one not computable.
#ifdef RTREVIEW_TEST_ASAN
  constexpr int kTrials = 60;
#else
  constexpr int kTrials = 600;
#endif
  std::vector<int> not_computable;
  for (int trial = 0; trial < kTrials; ++trial) {
    const double cx = centre(rng), cy = centre(rng), r = radius(rng), spacing_mm = 0.5 + 3 * unit(rng);
    const Polygon outline = random_convex(rng, cx, cy, r, vertices(rng));
    const int n = planes(rng);
    Roi roi;
    for (int k = 0; k < n; ++k) {
      const double z = -50 + k * spacing_mm;
      add_contour(roi, outline, z);
      for (int q = inner(rng); q > 0; --q) {  // inside the outline's circle of radius r/2
        // Drawn one per statement: a call's arguments are evaluated in an unspecified order
        // (GCC right to left, clang left to right), which gave the two builds different inputs.
        const double inner_r = 0.4 * r * unit(rng) + 0.01;
        const int inner_vertices = vertices(rng);
        add_contour(roi, random_convex(rng, cx, cy, inner_r, inner_vertices), z);
      }
    }
    const double expected_cc = shoelace_mm2(outline) * n * spacing_mm / 1000.0;
    const double hull_cc = convex_hull_volume_cc(roi);
    if (hull_cc == 0.0)
      not_computable.push_back(trial);
    else
      EXPECT_NEAR(hull_cc, expected_cc, 1e-9 * expected_cc) << "trial " << trial;
  }
  EXPECT_LE(not_computable.size() * 100, std::size_t{kTrials}) << ::testing::PrintToString(not_computable);
  std::printf("not computable: %zu of %d stacks\n", not_computable.size(), kTrials);
}

// Concentric squares shrinking plane by plane (or growing): at each height where two slabs
// join, the smaller square lies inside the larger, and only the larger's corners can be hull
// vertices. The hull of squares of half-side c_m at heights L_m is, at every height, the square
// of the concave envelope of the c_m (an L∞ ball of varying radius is convex exactly when the
// radius is concave). With half-sides a_k falling linearly over N slabs of thickness t, the
// heights carry a_0, a_0, a_1, ..., a_{N-1}: a prism of side 2 a_0 and height t, then a square
// frustum from 2 a_0 to 2 a_{N-1} over (N - 1) t, V = h / 3 (S0 + S1 + √(S0 S1)); growing
// squares are its mirror image.
TEST(dvh_convex_hull, stepped_squares_keep_each_heights_outer_square) {
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<int> planes(2, 40);
  std::uniform_real_distribution<double> half_side(5.0, 60.0), unit(0.0, 1.0), centre(-150.0, 150.0);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = planes(rng);
    const double a0 = half_side(rng), spacing_mm = 0.5 + 3 * unit(rng);
    const double cx = centre(rng), cy = centre(rng);
    const bool growing = trial % 2 == 1;
    Roi roi;
    std::vector<double> a(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) a[static_cast<std::size_t>(k)] = a0 * (1.0 - 0.9 * k / n);
    for (int k = 0; k < n; ++k) {
      const double h = a[static_cast<std::size_t>(growing ? n - 1 - k : k)];
      add_contour(roi, Polygon{{cx - h, cx + h, cx + h, cx - h}, {cy - h, cy - h, cy + h, cy + h}},
                  10.0 + k * spacing_mm);
    }
    const double s0 = 4 * a.front() * a.front(), s1 = 4 * a.back() * a.back();
    const double expected_mm3 = s0 * spacing_mm + (n - 1) * spacing_mm / 3 * (s0 + s1 + std::sqrt(s0 * s1));
    EXPECT_NEAR(convex_hull_volume_cc(roi), expected_mm3 / 1000.0, 1e-9 * expected_mm3 / 1000.0)
        << "trial " << trial << ": " << n << " planes, " << (growing ? "growing" : "shrinking");
  }
}

}  // namespace
}  // namespace rtreview
