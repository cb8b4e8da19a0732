// Polyline simplification for plots (render.h: simplify_polyline).
#include <cmath>
#include <utility>

#include "rtreview/render.h"

namespace rtreview {

namespace {

// Distance from p to the segment a-b (to a when the segment is a point).
double distance_to_segment(const PlotPoint& p, const PlotPoint& a, const PlotPoint& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0.0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

}  // namespace

std::vector<PlotPoint> simplify_polyline(const std::vector<PlotPoint>& points, double tolerance) {
  if (points.size() < 3) return points;
  std::vector<bool> keep(points.size(), false);
  keep.front() = keep.back() = true;
  // Douglas-Peucker with an explicit stack of spans (first, last): the point of a span
  // farthest from its chord is kept, and both halves are examined, until every point of
  // a span is within the tolerance of its chord. Ties keep the first such point, so the
  // result depends on the points alone.
  std::vector<std::pair<std::size_t, std::size_t>> spans{{0, points.size() - 1}};
  while (!spans.empty()) {
    auto [first, last] = spans.back();
    spans.pop_back();
    double farthest = -1;
    std::size_t index = first;
    for (std::size_t i = first + 1; i < last; ++i) {
      double d = distance_to_segment(points[i], points[first], points[last]);
      if (d > farthest) {
        farthest = d;
        index = i;
      }
    }
    if (farthest <= tolerance) continue;
    keep[index] = true;
    spans.emplace_back(index, last);
    spans.emplace_back(first, index);
  }
  std::vector<PlotPoint> out;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (keep[i]) out.push_back(points[i]);
  return out;
}

}  // namespace rtreview
