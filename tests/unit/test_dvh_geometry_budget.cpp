// The supporting geometry's work budget (rtreview/geometry.h GeometryBudget, the limit in
// rtreview/limits.h): forged structure sets within InputLimits::max_contour_points whose
// PTV–OAR distance or convex hull would take hours (or, for the distance, a list of every
// plane pair: 240 GB) are refused within the default limit in seconds; within the budget the
// results are the closed forms; the count is deterministic and a spent budget stays spent.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "rtreview/geometry.h"
#include "rtreview/limits.h"
#include "test_support.h"

namespace rtreview {
namespace {

Contour circle(double cx, double cy, double r, double z, int n) {
  Contour c;
  c.geometric_type = "CLOSED_PLANAR";
  for (int k = 0; k < n; ++k)
    c.points_mm.push_back({cx + r * std::cos(2 * M_PI * k / n), cy + r * std::sin(2 * M_PI * k / n), z});
  return c;
}

// Squares [x0, x0 + 10]² on `planes` planes from z0, `dz_mm` apart.
Roi square_stack(double x0, double z0, double dz_mm, int planes) {
  Roi roi;
  for (int k = 0; k < planes; ++k) {
    const double z = z0 + k * dz_mm;
    roi.contours.push_back(
        {"CLOSED_PLANAR", {{x0, 0, z}, {x0 + 10, 0, z}, {x0 + 10, 10, z}, {x0, 10, z}}, {}});
  }
  return roi;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A generous bound that still fails on hours of work.
constexpr double kSecondsAtMost = 30.0;

// The declared limit; the sanitizer build, several times slower, spends a sixteenth of it so
// that spending all of it (the hull below) stays a few seconds of CI there too.
std::uint64_t limit() {
  const std::uint64_t declared = InputLimits{}.max_geometry_operations_per_structure_set;
#ifdef RTREVIEW_TEST_ASAN
  return declared / 16;
#else
  return declared;
#endif
}

TEST(geometry_budget, interleaved_stacks_far_apart_are_refused) {
  // 10^5 planes each, 0.1 mm apart and interleaved in z, 1 m apart in-plane: 10^10 plane
  // pairs, and every pair's lower bound is within a plane spacing of every other's.
  const Roi ptv = square_stack(0, 0, 0.1, 100000);
  const Roi oar = square_stack(1000, 0.05, 0.1, 100000);
  GeometryBudget budget(limit());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(roi_pair_metrics(ptv, oar, budget));
  EXPECT_TRUE(budget.exhausted());
  EXPECT_LT(seconds_since(start), kSecondsAtMost);
}

TEST(geometry_budget, hull_of_a_finely_contoured_sphere_stops_at_the_limit) {
  // 100 planes of 4,000-point circles: at each of the 101 slab heights the larger circle's
  // points (404,000, nearly all on the hull), and the incremental hull tests each against
  // every live face, ~10^11 tests unbounded.
  Roi ptv;
  for (int k = 0; k < 100; ++k) {
    const double z = -49.5 + k;
    ptv.contours.push_back(circle(0, 0, std::sqrt(50.0 * 50.0 - z * z), z, 4000));
  }
  GeometryBudget budget(limit());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(convex_hull_volume_cc(ptv, budget));
  EXPECT_TRUE(budget.exhausted());
  EXPECT_LT(seconds_since(start), kSecondsAtMost);
}

TEST(geometry_budget, vertices_facing_a_comb_that_search_its_whole_edge_grid_are_refused) {
  // The OAR: a 100 × 10 mm comb of 100,000 teeth 0.05 mm deep above a straight bottom edge
  // (an edge grid of ~5 × 10^4 cells, each tooth's edges in one or two). The PTV: 100,000 vertices along a
  // straight top edge 1 m below it, every one exactly as far from the comb's box as its nearest edge, so none
  // is skipped, and from 1 m away no ring of cells is ruled out: each search reads all cells, 5 × 10^9 cell
  // reads unbounded; the budget counts each search's cells and stops it.
  constexpr int kTeeth = 100000, kVertices = 100000;
  Contour comb{"CLOSED_PLANAR", {{0, 0, 0}, {100, 0, 0}}, {}};
  for (int t = kTeeth; t > 0; --t) {
    const double x = 100.0 * t / kTeeth;
    comb.points_mm.push_back({x, 10, 0});
    comb.points_mm.push_back({x - 50.0 / kTeeth, 9.95, 0});
  }
  Contour edge{"CLOSED_PLANAR", {{100, -1010, 0}, {0, -1010, 0}}, {}};
  for (int k = 0; k < kVertices; ++k) edge.points_mm.push_back({100.0 * k / (kVertices - 1), -1000, 0});
  Roi oar, ptv;
  for (const double z : {0.0, 2.0}) {
    for (auto& p : comb.points_mm) p[2] = z;
    for (auto& p : edge.points_mm) p[2] = z;
    oar.contours.push_back(comb);
    ptv.contours.push_back(edge);
  }
  GeometryBudget budget(limit());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(roi_pair_metrics(ptv, oar, budget));
  EXPECT_TRUE(budget.exhausted());
  EXPECT_LT(seconds_since(start), kSecondsAtMost);
}

TEST(geometry_budget, within_the_budget_the_closed_forms) {
  GeometryBudget budget(limit());
  const Roi a = square_stack(0, 0, 2, 10);
  const auto apart = roi_pair_metrics(a, square_stack(25, 0, 2, 10), budget);  // 15 mm gap in x
  ASSERT_TRUE(apart);
  EXPECT_NEAR(apart->min_distance_mm, 15.0, 1e-12);
  EXPECT_EQ(apart->overlap_cc, 0.0);
  const auto above = roi_pair_metrics(a, square_stack(0, 30, 2, 5), budget);  // planes 30.. vs ..18
  ASSERT_TRUE(above);
  EXPECT_NEAR(above->min_distance_mm, 12.0, 1e-12);
  const auto half = roi_pair_metrics(a, square_stack(5, 0, 2, 10), budget);  // 5 × 10 × 20 mm shared
  ASSERT_TRUE(half);
  EXPECT_EQ(half->min_distance_mm, 0.0);
  EXPECT_NEAR(half->overlap_cc, 1.0, 0.01);
  const auto hull = convex_hull_volume_cc(a, budget);
  ASSERT_TRUE(hull);
  EXPECT_NEAR(*hull, 2.0, 1e-12);  // 10 × 10 × 20 mm
  EXPECT_FALSE(budget.exhausted());
}

TEST(geometry_budget, the_count_is_exact_and_a_spent_budget_stays_spent) {
  const Roi a = square_stack(0, 0, 2, 10), b = square_stack(25, 0, 2, 10);
  GeometryBudget measure;
  ASSERT_TRUE(roi_pair_metrics(a, b, measure));
  const std::uint64_t cost = measure.spent();
  EXPECT_GE(cost, pair_fixed_operations);

  GeometryBudget exact(cost);
  EXPECT_TRUE(roi_pair_metrics(a, b, exact));
  EXPECT_EQ(exact.spent(), cost);
  GeometryBudget short_by_one(cost - 1);
  EXPECT_FALSE(roi_pair_metrics(a, b, short_by_one));
  EXPECT_TRUE(short_by_one.exhausted());
  // Once spent, even the smallest pair is refused rather than half measured.
  EXPECT_FALSE(roi_pair_metrics(square_stack(0, 0, 2, 1), square_stack(20, 0, 2, 1), short_by_one));
  EXPECT_FALSE(convex_hull_volume_cc(a, short_by_one));
}

// The table's contract: each pair's closed form, and pair by pair the same charges, so a
// budget runs out at the same pair, where the table ends (every later pair would be refused
// too), although the table builds each ROI's slabs and plane grids once.
TEST(geometry_budget, a_table_measures_and_charges_as_its_pairs_do) {
  const Roi near_ptv = square_stack(0, 0, 2, 10);  // z 0..18 (caps -1..19), x, y 0..10
  const Roi high_ptv = square_stack(0, 40, 2, 5);  // z 40..48
  const Roi beside = square_stack(25, 0, 2, 10);   // 15 mm from near_ptv in x
  const Roi shifted = square_stack(5, 0, 2, 10);   // overlaps near_ptv: 5 × 10 × 20 mm
  const std::vector<const Roi*> ptvs{&near_ptv, &high_ptv}, oars{&beside, &shifted};

  GeometryBudget unbounded;
  const auto table = roi_pair_metrics_table(ptvs, oars, unbounded);
  ASSERT_EQ(table.size(), 4u);
  for (const auto& m : table) ASSERT_TRUE(m);
  EXPECT_NEAR(table[0]->min_distance_mm, 15.0, 1e-12);
  EXPECT_EQ(table[0]->overlap_cc, 0.0);
  EXPECT_EQ(table[1]->min_distance_mm, 0.0);
  EXPECT_NEAR(table[1]->overlap_cc, 1.0, 0.01);
  EXPECT_NEAR(table[2]->min_distance_mm, std::hypot(15.0, 22.0), 1e-12);  // planes 40 and 18
  EXPECT_NEAR(table[3]->min_distance_mm, 22.0, 1e-12);                    // above, in-plane overlapping

  // Pair by pair: what each costs, and the total the table must have spent.
  std::vector<std::uint64_t> cost_before;  // spent before pair k
  GeometryBudget sequential;
  for (const Roi* a : ptvs)
    for (const Roi* b : oars) {
      cost_before.push_back(sequential.spent());
      ASSERT_TRUE(roi_pair_metrics(*a, *b, sequential));
    }
  EXPECT_EQ(unbounded.spent(), sequential.spent());
  // A budget one short of pair k's end refuses pair k and every pair after it.
  for (std::size_t k = 0; k < 4; ++k) {
    const std::uint64_t end_of_k = k + 1 < 4 ? cost_before[k + 1] : sequential.spent();
    GeometryBudget short_budget(end_of_k - 1);
    const auto cut = roi_pair_metrics_table(ptvs, oars, short_budget);
    ASSERT_EQ(cut.size(), k + 1) << "the table ends at the refused pair " << k;
    for (std::size_t i = 0; i <= k; ++i) EXPECT_EQ(cut[i].has_value(), i < k) << "budget short in pair " << k;
    EXPECT_TRUE(short_budget.exhausted());
  }
}

}  // namespace
}  // namespace rtreview
