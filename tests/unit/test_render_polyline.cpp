// simplify_polyline (the DVH plot's curves): the truth is geometry worked out here, not
// by the code under test: collinear points reduce to their ends, a DVH-like polyline
// made of straight pieces reduces to its corners, and on a dense curve every dropped point
// lies within the tolerance of the result (point-to-segment distance in closed form).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rtreview/render.h"

using namespace rtreview;

namespace {

// Distance from p to the segment a-b: the foot of the perpendicular when it falls inside
// the segment (|cross| / length), else the nearer end.
double segment_distance(PlotPoint p, PlotPoint a, PlotPoint b) {
  const double dx = b.x - a.x, dy = b.y - a.y, length = std::hypot(dx, dy);
  const double along = ((p.x - a.x) * dx + (p.y - a.y) * dy);
  if (length == 0 || along <= 0) return std::hypot(p.x - a.x, p.y - a.y);
  if (along >= length * length) return std::hypot(p.x - b.x, p.y - b.y);
  return std::abs(dx * (p.y - a.y) - dy * (p.x - a.x)) / length;
}

double distance_to_path(PlotPoint p, const std::vector<PlotPoint>& path) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < path.size(); ++i)
    best = std::min(best, segment_distance(p, path[i], path[i + 1]));
  return best;
}

bool same(PlotPoint a, PlotPoint b) { return a.x == b.x && a.y == b.y; }

// The result is made of input points, in input order, with both ends.
void expect_ordered_subset(const std::vector<PlotPoint>& in, const std::vector<PlotPoint>& out) {
  ASSERT_GE(out.size(), 2u);
  EXPECT_TRUE(same(out.front(), in.front()));
  EXPECT_TRUE(same(out.back(), in.back()));
  std::size_t j = 0;
  for (const PlotPoint& p : out) {
    while (j < in.size() && !same(in[j], p)) ++j;
    ASSERT_LT(j, in.size()) << "a result point is not an input point in order";
    ++j;
  }
}

}  // namespace

TEST(render_polyline, collinear_points_become_their_two_ends) {
  std::vector<PlotPoint> line;
  for (int i = 0; i < 1000; ++i) line.push_back({58.0 + 0.5 * i, 300.0 - 0.25 * i});
  std::vector<PlotPoint> out = simplify_polyline(line, 0.05);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(same(out[0], line.front()));
  EXPECT_TRUE(same(out[1], line.back()));
}

TEST(render_polyline, dvh_shape_keeps_exactly_its_corners) {
  // 100 % up to x = 100, a straight fall to 0 % at x = 300, then 0 %: sampled every 1 px.
  std::vector<PlotPoint> dvh;
  for (int x = 0; x <= 500; ++x) {
    double y = x <= 100 ? 16.0 : x >= 300 ? 374.0 : 16.0 + (x - 100) * (374.0 - 16.0) / 200.0;
    dvh.push_back({static_cast<double>(x), y});
  }
  std::vector<PlotPoint> out = simplify_polyline(dvh, 0.05);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(same(out[1], PlotPoint{100, 16}));
  EXPECT_TRUE(same(out[2], PlotPoint{300, 374}));
}

TEST(render_polyline, a_point_beyond_the_tolerance_stays) {
  std::vector<PlotPoint> spike{{0, 0}, {1, 0}, {2, 0.2}, {3, 0}, {4, 0}};
  std::vector<PlotPoint> out = simplify_polyline(spike, 0.1);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(same(out[1], PlotPoint{2, 0.2}));
  EXPECT_EQ(simplify_polyline(spike, 0.2).size(), 2u);  // within: only the ends remain
}

TEST(render_polyline, every_dropped_point_is_within_the_tolerance) {
  // A dense, wiggly curve (a sine plus a small deterministic ripple) at several tolerances.
  std::vector<PlotPoint> curve;
  for (int i = 0; i < 2000; ++i) {
    double x = 0.26 * i;
    curve.push_back({x, 200 + 150 * std::sin(x / 40) + 0.3 * std::sin(x * 7.1)});
  }
  for (double tolerance : {0.02, 0.25, 2.0}) {
    std::vector<PlotPoint> out = simplify_polyline(curve, tolerance);
    expect_ordered_subset(curve, out);
    EXPECT_LT(out.size(), curve.size()) << tolerance;
    double worst = 0;
    for (const PlotPoint& p : curve) worst = std::max(worst, distance_to_path(p, out));
    EXPECT_LE(worst, tolerance + 1e-12) << tolerance;
  }
}

TEST(render_polyline, short_inputs_are_returned_as_they_are) {
  EXPECT_TRUE(simplify_polyline({}, 0.05).empty());
  std::vector<PlotPoint> two{{0, 0}, {5, 5}};
  EXPECT_EQ(simplify_polyline(two, 0.05).size(), 2u);
  std::vector<PlotPoint> same_point(10, PlotPoint{3, 4});
  std::vector<PlotPoint> out = simplify_polyline(same_point, 0.05);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(same(out[0], PlotPoint{3, 4}));
}
