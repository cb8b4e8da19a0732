// The between-plane interpolation's nearest-edge queries (geometry/slabs.h PlaneDistance)
// against a search over every edge: the grid and its pruning (the point's cell, its eight
// neighbours by their side and corner distances, then rings) must never skip the nearest
// edge, wherever the point lies: inside the grid, on a cell's side, outside the grid's box,
// far away. The truth is the closed-form distance to each segment, in long double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "geometry/slabs.h"

namespace rtreview::geometry {
namespace {

// Distance from (px, py) to the segment (ax, ay)–(bx, by), computed in long double.
double segment_distance(double px, double py, double ax, double ay, double bx, double by) {
  const long double dx = (long double)bx - ax, dy = (long double)by - ay;
  const long double len2 = dx * dx + dy * dy;
  long double t = len2 > 0 ? (((long double)px - ax) * dx + ((long double)py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  const long double ex = ax + t * dx - px, ey = ay + t * dy - py;
  return static_cast<double>(std::sqrt(ex * ex + ey * ey));
}

double brute_force(const std::vector<double>& edges, double x, double y) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k + 3 < edges.size(); k += 4)
    best = std::min(best, segment_distance(x, y, edges[k], edges[k + 1], edges[k + 2], edges[k + 3]));
  return best;
}

// A closed polygon's edges: a star-like outline of n vertices with random radii around
// (cx, cy), so its edges are uneven in length and direction.
void add_polygon(std::vector<double>& edges, std::mt19937_64& rng, double cx, double cy, double r, int n) {
  std::uniform_real_distribution<double> radius(0.4 * r, r);
  std::vector<double> xs, ys;
  for (int k = 0; k < n; ++k) {
    const double a = 2 * std::numbers::pi * k / n, rk = radius(rng);
    xs.push_back(cx + rk * std::cos(a)), ys.push_back(cy + rk * std::sin(a));
  }
  for (int k = 0, j = n - 1; k < n; j = k++) edges.insert(edges.end(), {xs[j], ys[j], xs[k], ys[k]});
}

// Query points: random ones over the edges' box grown by half its size each side (inside and
// just outside the grid), a regular lattice whose lines fall on many cells' sides, every
// vertex, and points far away.
std::vector<std::pair<double, double>> queries(const std::vector<double>& edges, std::mt19937_64& rng) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (std::size_t k = 0; k < edges.size(); k += 2)
    x0 = std::min(x0, edges[k]), x1 = std::max(x1, edges[k]), y0 = std::min(y0, edges[k + 1]),
    y1 = std::max(y1, edges[k + 1]);
  const double w = x1 - x0, h = y1 - y0;
  std::vector<std::pair<double, double>> out;
  std::uniform_real_distribution<double> ux(x0 - 0.5 * w, x1 + 0.5 * w), uy(y0 - 0.5 * h, y1 + 0.5 * h);
  for (int k = 0; k < 2000; ++k) out.emplace_back(ux(rng), uy(rng));
  for (int i = 0; i <= 40; ++i)
    for (int j = 0; j <= 40; ++j) out.emplace_back(x0 + w * i / 40.0, y0 + h * j / 40.0);
  for (std::size_t k = 0; k < edges.size(); k += 4) out.emplace_back(edges[k], edges[k + 1]);
  for (double s : {-1.0, 1.0})
    out.emplace_back(x0 + s * 1000.0, y0 - s * 700.0), out.emplace_back(x1 + s * 5e4, y1);
  return out;
}

void expect_nearest(const std::vector<double>& edges, std::mt19937_64& rng, const char* what) {
  const PlaneDistance distance(edges);
  int checked = 0;
  for (const auto& [x, y] : queries(edges, rng)) {
    const double truth = brute_force(edges, x, y);
    ASSERT_NEAR(distance.unsigned_mm(x, y), truth, 1e-9 * (1.0 + truth))
        << what << " at (" << x << ", " << y << ")";
    ++checked;
  }
  EXPECT_GT(checked, 3000) << what;
}

TEST(dvh_plane_distance, nearest_edge_of_uneven_polygons_matches_every_edge_search) {
  std::mt19937_64 rng(20261202);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<double> edges;
    std::uniform_int_distribution<int> vertices(3, 300);
    add_polygon(edges, rng, 0, 0, 40, vertices(rng));                        // an outline
    if (trial % 2) add_polygon(edges, rng, 5, -3, 10, vertices(rng));        // a hole or island
    if (trial % 3 == 0) add_polygon(edges, rng, 90, 40, 15, vertices(rng));  // a second region apart
    expect_nearest(edges, rng, "polygons");
  }
}

TEST(dvh_plane_distance, nearest_edge_of_segment_soups_matches_every_edge_search) {
  // Segments of any length and direction, some of zero length, some repeated, crowded in one
  // corner: cells with many edges next to empty ones.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> edges;
    std::uniform_real_distribution<double> at(-50, 50), crowd(-50, -45), len(-30, 30);
    std::uniform_int_distribution<int> count(1, 400);
    const int n = count(rng);
    for (int k = 0; k < n; ++k) {
      const bool crowded = k % 3 == 0;
      const double x = crowded ? crowd(rng) : at(rng), y = crowded ? crowd(rng) : at(rng);
      const double dx = k % 7 == 0 ? 0.0 : len(rng), dy = k % 7 == 0 ? 0.0 : len(rng);
      edges.insert(edges.end(), {x, y, x + dx, y + dy});
      if (k % 11 == 0) edges.insert(edges.end(), {x, y, x + dx, y + dy});
    }
    expect_nearest(edges, rng, "segments");
  }
}

TEST(dvh_plane_distance, edges_on_one_line_make_a_grid_one_cell_thick) {
  // All edges on y = 3 (then on x = −2): the grid is one row (one column) of cells, so the
  // neighbours above and below (left and right) do not exist.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> at(-40, 40);
  for (int axis = 0; axis < 2; ++axis) {
    std::vector<double> edges;
    for (int k = 0; k < 60; ++k) {
      const double a = at(rng), b = a + 0.5 + (k % 5);
      if (axis == 0)
        edges.insert(edges.end(), {a, 3.0, b, 3.0});
      else
        edges.insert(edges.end(), {-2.0, a, -2.0, b});
    }
    std::vector<double> probe = edges;  // queries() needs a box with some height: add one far edge
    probe.insert(probe.end(), {0.0, 60.0, 0.0, 60.0});
    const PlaneDistance distance(edges);
    for (const auto& [x, y] : queries(probe, rng)) {
      const double truth = brute_force(edges, x, y);
      ASSERT_NEAR(distance.unsigned_mm(x, y), truth, 1e-9 * (1.0 + truth)) << "at (" << x << ", " << y << ")";
    }
  }
}

TEST(dvh_plane_distance, no_edges_is_infinitely_far) {
  EXPECT_EQ(PlaneDistance(std::vector<double>{}).unsigned_mm(1, 2), std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace rtreview::geometry
