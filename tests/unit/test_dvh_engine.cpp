// DVH engine and ROI geometry: exact volumes, holes, end caps, grid orientations,
// outside-grid volume, thread-count determinism, metrics, file-DVH comparison, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "rtreview/dvh.h"
#include "rtreview/geometry.h"

namespace rtreview {
namespace {

Contour square(double x0, double y0, double x1, double y1, double z, bool clockwise = false) {
  Contour c;
  c.geometric_type = "CLOSED_PLANAR";
  c.points_mm = {{x0, y0, z}, {x1, y0, z}, {x1, y1, z}, {x0, y1, z}};
  if (clockwise) std::swap(c.points_mm[1], c.points_mm[3]);
  return c;
}

// A box [x0,x1]×[y0,y1] contoured on planes z0, z0+s, ..., z0+(n-1)s.
Roi box_roi(int number, const std::string& name, double x0, double y0, double x1, double y1, double z0,
            double s, int n) {
  Roi r;
  r.number = number;
  r.name = name;
  for (int k = 0; k < n; ++k) r.contours.push_back(square(x0, y0, x1, y1, z0 + k * s));
  return r;
}

// A dose grid with the given geometry, each voxel set to f(patient position).
DoseGrid grid(Point3 origin, Point3 row_dir, Point3 col_dir, double spacing, int n,
              std::vector<double> offsets, const std::function<double(const Point3&)>& dose_at) {
  DoseGrid g;
  g.columns = g.rows = n;
  g.frames = static_cast<int>(offsets.size());
  g.origin_mm = origin;
  g.row_direction = row_dir;
  g.column_direction = col_dir;
  g.row_spacing_mm = g.column_spacing_mm = spacing;
  g.frame_offsets_mm = offsets;
  g.units = "GY";
  const Point3 s{row_dir[1] * col_dir[2] - row_dir[2] * col_dir[1],
                 row_dir[2] * col_dir[0] - row_dir[0] * col_dir[2],
                 row_dir[0] * col_dir[1] - row_dir[1] * col_dir[0]};
  for (int f = 0; f < g.frames; ++f)
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) {
        Point3 p;
        for (int k = 0; k < 3; ++k)
          p[k] = origin[k] + c * spacing * row_dir[k] + r * spacing * col_dir[k] + offsets[f] * s[k];
        g.dose.push_back(static_cast<float>(dose_at(p)));
      }
  return g;
}

std::vector<double> uniform(int n, double step) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(i * step);
  return v;
}

double linear_dose(const Point3& p) { return 50.0 + 0.5 * p[0] + 0.25 * p[1] + 0.75 * p[2]; }

TEST(dvh_geometry, box_volume_with_and_without_end_caps) {
  const Roi r = box_roi(1, "box", 0, 0, 20, 20, 0, 2, 10);  // planes 0..18
  EXPECT_NEAR(roi_volume_cc(r), 8.0, 1e-12);                // 20 × 20 × (10 slabs × 2 mm)
  EXPECT_NEAR(roi_volume_cc(r, EndCaps::none), 20 * 20 * 18 / 1000.0, 1e-12);
  const auto b = roi_bounds(r);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->min_mm, (Point3{0, 0, 0}));
  EXPECT_EQ(b->max_mm, (Point3{20, 20, 18}));
}

TEST(dvh_geometry, holes_and_islands_by_parity) {
  Roi r;
  for (int k = 0; k < 5; ++k) {
    r.contours.push_back(square(0, 0, 30, 30, k));        // 900
    r.contours.push_back(square(5, 5, 25, 25, k, true));  // hole −400 (winding does not matter)
    r.contours.push_back(square(10, 10, 20, 20, k));      // island +100
  }
  EXPECT_NEAR(roi_volume_cc(r), 5 * 600 / 1000.0, 1e-12);
}

TEST(dvh_geometry, single_plane_and_bad_contours) {
  Roi r;
  r.contours.push_back(square(0, 0, 10, 10, 0));
  EXPECT_EQ(roi_volume_cc(r), 0.0);  // one plane, no spacing known
  Roi bad = box_roi(2, "bad", 0, 0, 10, 10, 0, 1, 3);
  bad.contours[1].points_mm[2][0] = std::nan("");
  Contour tilted = square(0, 0, 10, 10, 5);
  tilted.points_mm[2][2] = 9;  // not on an axial plane
  bad.contours.push_back(tilted);
  EXPECT_NEAR(roi_volume_cc(bad), 4 * 100 / 1000.0, 1e-12);  // planes 0 and 2 (typical 2 mm), 2 mm slabs each
  Roi points;
  points.contours.push_back({"POINT", {{1, 2, 3}}, std::nullopt});
  EXPECT_EQ(roi_volume_cc(points), 0.0);
  EXPECT_FALSE(roi_bounds(Roi{}));
}

TEST(dvh_geometry, pair_distance_and_overlap) {
  const Roi a = box_roi(1, "a", 0, 0, 20, 20, 0, 2, 10);
  const Roi far = box_roi(2, "b", 30, 0, 50, 20, 0, 2, 10);
  auto m = roi_pair_metrics(a, far);
  EXPECT_NEAR(m.min_distance_mm, 10.0, 1e-9);
  EXPECT_EQ(m.overlap_cc, 0.0);
  const Roi above = box_roi(3, "c", 0, 0, 20, 20, 30, 2, 5);  // planes 30..38: 12 mm above plane 18
  EXPECT_NEAR(roi_pair_metrics(a, above).min_distance_mm, 12.0, 1e-9);
  const Roi half = box_roi(4, "d", 10, 0, 30, 20, 0, 2, 10);
  m = roi_pair_metrics(a, half);
  EXPECT_EQ(m.min_distance_mm, 0.0);
  EXPECT_NEAR(m.overlap_cc, 4.0, 0.04);  // 10 × 20 × 20 mm
  EXPECT_TRUE(std::isnan(roi_pair_metrics(a, Roi{}).min_distance_mm));
}

TEST(dvh_geometry, convex_hull_volume) {
  const Roi box = box_roi(1, "box", 0, 0, 20, 20, 0, 2, 10);
  EXPECT_NEAR(convex_hull_volume_cc(box), 8.0, 1e-9);
  Roi l_shape;  // an L prism: 20×20 square minus a 10×10 corner, hull adds a triangle of 50 mm²
  for (int k = 0; k < 10; ++k) {
    Contour c;
    c.geometric_type = "CLOSED_PLANAR";
    c.points_mm = {{0, 0, 2.0 * k},   {20, 0, 2.0 * k},  {20, 10, 2.0 * k},
                   {10, 10, 2.0 * k}, {10, 20, 2.0 * k}, {0, 20, 2.0 * k}};
    l_shape.contours.push_back(c);
  }
  EXPECT_NEAR(roi_volume_cc(l_shape), 300 * 20 / 1000.0, 1e-12);
  EXPECT_NEAR(convex_hull_volume_cc(l_shape), 350 * 20 / 1000.0, 1e-9);
  EXPECT_EQ(convex_hull_volume_cc(Roi{}), 0.0);
}

StructureSet one_roi(Roi r) {
  StructureSet ss;
  ss.rois.push_back(std::move(r));
  return ss;
}

// The same box in the same linear dose on grids of every kind: the DVH must not change.
TEST(dvh_engine, orientation_and_frame_offsets_do_not_change_the_dvh) {
  const StructureSet ss = one_roi(box_roi(1, "box", -9.3, -7.1, 8.2, 10.4, -6, 2, 7));
  const double spacing = 2.5;
  const int n = 24;
  const double ext = spacing * (n - 1);
  std::vector<std::pair<std::string, DoseGrid>> grids;
  grids.push_back({"standard", grid({-30, -30, -30}, {1, 0, 0}, {0, 1, 0}, spacing, n, uniform(n, spacing),
                                    linear_dose)});
  grids.push_back({"negative GFOV", grid({-30, -30, 30 - 0.0}, {1, 0, 0}, {0, 1, 0}, spacing, n,
                                         uniform(n, -spacing), linear_dose)});
  grids.push_back({"flipped x (slice −z)", grid({30 - 0.5, -30, 30}, {-1, 0, 0}, {0, 1, 0}, spacing, n,
                                                uniform(n, spacing), linear_dose)});
  grids.push_back({"transposed",
                   grid({-30, -30, 30}, {0, 1, 0}, {1, 0, 0}, spacing, n, uniform(n, spacing), linear_dose)});
  std::vector<double> uneven{0, 2, 5, 6, 10, 13, 15, 20, 22, 27, 30, 33, 36, 40, 42, 45, 50, 52, 55, 58, 60};
  grids.push_back(
      {"non-uniform frames", grid({-30, -30, -30}, {1, 0, 0}, {0, 1, 0}, spacing, n, uneven, linear_dose)});
  // Sagittal: rows along y, columns along −z, frames along −x (non-uniform).
  grids.push_back({"sagittal", grid({30, -30, 30}, {0, 1, 0}, {0, 0, -1}, spacing, n, uneven, linear_dose)});
  (void)ext;
  const double cx = (-9.3 + 8.2) / 2, cy = (-7.1 + 10.4) / 2, cz = -6 + 6;  // slab stack z from −7 to 7
  const double expected_mean = linear_dose({cx, cy, cz});
  std::vector<double> d95;
  for (const auto& [name, g] : grids) {
    const auto r = compute_dvhs(ss, g);
    ASSERT_TRUE(r[0].computed) << name << ": " << r[0].not_computed_reason;
    EXPECT_NEAR(r[0].volume_in_grid_cc, 17.5 * 17.5 * 14 / 1000.0, 1e-9) << name;
    EXPECT_NEAR(r[0].volume_outside_grid_cc, 0.0, 1e-9) << name;
    EXPECT_NEAR(r[0].mean_gy, expected_mean, 1e-3) << name;
    d95.push_back(dose_at_volume_percent(r[0], 95));
  }
  for (std::size_t i = 1; i < d95.size(); ++i) EXPECT_NEAR(d95[i], d95[0], 0.02) << grids[i].first;
}

TEST(dvh_engine, volume_outside_grid_is_reported) {
  const StructureSet ss = one_roi(box_roi(1, "box", -10, -10, 10, 10, -9, 2, 10));  // z −10..10
  // Grid voxel centres 0..20 along x: footprint −0.5..20.5 covers x ≥ −0.5 of the box.
  const DoseGrid g = grid({0, -30, -30}, {1, 0, 0}, {0, 1, 0}, 1.0, 61, uniform(61, 1.0),
                          [](const Point3&) { return 10.0; });
  const auto r = compute_dvhs(ss, g);
  ASSERT_TRUE(r[0].computed);
  EXPECT_NEAR(r[0].volume_cc, 8.0, 1e-9);
  EXPECT_NEAR(r[0].volume_in_grid_cc, 10.5 * 20 * 20 / 1000.0, 0.07);  // ± ½ lattice step at the grid edge
  EXPECT_NEAR(r[0].volume_in_grid_cc + r[0].volume_outside_grid_cc, 8.0, 1e-9);
  EXPECT_NEAR(r[0].mean_gy, 10.0, 1e-6);
  const StructureSet away = one_roi(box_roi(1, "away", 500, 500, 510, 510, 0, 2, 3));
  const auto r2 = compute_dvhs(away, g);
  EXPECT_FALSE(r2[0].computed);
  EXPECT_EQ(r2[0].not_computed_reason, "outside dose grid");
}

TEST(dvh_engine, results_do_not_depend_on_thread_count) {
  StructureSet ss;
  for (int i = 0; i < 6; ++i)
    ss.rois.push_back(
        box_roi(i, "r" + std::to_string(i), -20 + 3 * i, -15, 5 + 2 * i, 12, -20, 1.5, 20 + 3 * i));
  const DoseGrid g =
      grid({-40, -40, -40}, {1, 0, 0}, {0, 1, 0}, 2.0, 41, uniform(41, 2.0),
           [](const Point3& p) { return 40 + 10 * std::sin(p[0] / 7) * std::cos(p[1] / 5) + p[2] / 3; });
  DvhOptions one, many;
  one.threads = 1;
  many.threads = 5;
  const auto a = compute_dvhs(ss, g, one), b = compute_dvhs(ss, g, many);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].mean_gy, b[i].mean_gy);
    EXPECT_EQ(a[i].cumulative.volume_cc, b[i].cumulative.volume_cc);
    EXPECT_EQ(a[i].differential.volume_cc, b[i].differential.volume_cc);
  }
}

TEST(dvh_engine, bad_inputs_are_reasons_not_crashes) {
  StructureSet ss;
  ss.rois.push_back(box_roi(1, "ok", 0, 0, 10, 10, 0, 2, 3));
  Roi points;
  points.number = 2;
  points.name = "marker";
  points.contours.push_back({"POINT", {{1, 2, 3}}, std::nullopt});
  ss.rois.push_back(points);
  Roi single;
  single.number = 3;
  single.name = "single";
  single.contours.push_back(square(0, 0, 5, 5, 2));
  ss.rois.push_back(single);
  DoseGrid g =
      grid({-20, -20, -20}, {1, 0, 0}, {0, 1, 0}, 2, 21, uniform(21, 2), [](const Point3&) { return 1.0; });
  auto r = compute_dvhs(ss, g);
  EXPECT_TRUE(r[0].computed);
  EXPECT_FALSE(r[1].computed);
  EXPECT_EQ(r[1].not_computed_reason, "no closed planar contours");
  EXPECT_TRUE(r[2].computed);  // borrows the structure set's 2 mm spacing
  EXPECT_NEAR(r[2].volume_cc, 25 * 2 / 1000.0, 1e-12);
  g.dose.pop_back();
  r = compute_dvhs(ss, g);
  EXPECT_FALSE(r[0].computed);
  EXPECT_NE(r[0].not_computed_reason.find("values for"), std::string::npos);
  DoseGrid oblique = grid({-20, -20, -20}, {0.8, 0.6, 0}, {-0.6, 0.8, 0}, 2, 21, uniform(21, 2),
                          [](const Point3&) { return 1.0; });
  r = compute_dvhs(ss, oblique);
  EXPECT_FALSE(r[0].computed);
  EXPECT_EQ(compute_dvhs(StructureSet{}, DoseGrid{}).size(), 0u);
  DvhOptions only;
  only.roi_names = {"single"};
  EXPECT_EQ(compute_dvhs(ss, DoseGrid{}, only).size(), 1u);
}

TEST(dvh_metrics, interpolated_metrics_and_names) {
  // Dose = 10 + z over a 20 mm tall box: uniform distribution on [0, 20] + 10 Gy.
  const StructureSet ss = one_roi(box_roi(1, "box", 0, 0, 10, 10, 0.5, 1, 20));  // slabs 0..20
  const DoseGrid g = grid({-5, -5, -5}, {1, 0, 0}, {0, 1, 0}, 1, 31, uniform(31, 1),
                          [](const Point3& p) { return 10 + p[2]; });
  const auto r = compute_dvhs(ss, g);
  ASSERT_TRUE(r[0].computed);
  EXPECT_NEAR(r[0].mean_gy, 20, 1e-6);
  EXPECT_NEAR(dose_at_volume_percent(r[0], 50), 20, 0.08);  // sub-slabs 1/7 mm apart: ≤ ½ step
  EXPECT_NEAR(dose_at_volume_percent(r[0], 95), 11, 0.08);
  EXPECT_NEAR(volume_at_dose_percent(r[0], 25), 25, 0.3);
  EXPECT_NEAR(volume_at_dose_cc(r[0], 25), 0.5, 0.005);
  EXPECT_NEAR(dose_at_volume_cc(r[0], 0.4), 26, 0.08);
  EXPECT_TRUE(std::isnan(dose_at_volume_cc(r[0], 3.0)));  // more than the ROI
  EXPECT_NEAR(generalized_eud_gy(r[0], 1), 20, 0.01);
  EXPECT_NEAR(generalized_eud_gy(r[0], 10), 24.58, 0.05);  // ((30¹¹ − 10¹¹) / (11 · 20))^(1/10)
  EXPECT_NEAR(*dvh_metric(r[0], "D95%"), dose_at_volume_percent(r[0], 95), 1e-12);
  EXPECT_NEAR(*dvh_metric(r[0], "D0.4cc"), 26, 0.08);
  EXPECT_NEAR(*dvh_metric(r[0], "V25Gy"), 0.5, 0.005);
  EXPECT_NEAR(*dvh_metric(r[0], "V25Gy%"), 25, 0.3);
  EXPECT_NEAR(*dvh_metric(r[0], "V50%Rx", 50.0), 25, 0.3);
  EXPECT_NEAR(*dvh_metric(r[0], "Dmean"), 20, 1e-6);
  EXPECT_NEAR(*dvh_metric(r[0], "gEUD(a=1)"), 20, 0.01);
  EXPECT_FALSE(dvh_metric(r[0], "V50%Rx"));
  EXPECT_FALSE(dvh_metric(r[0], "banana"));
  const DvhMetrics m = standard_metrics(r[0]);
  EXPECT_NEAR(m.homogeneity_index, (m.d2_gy - m.d98_gy) / m.d50_gy, 1e-12);
  EXPECT_NEAR(m.d99_gy, 10.2, 0.08);  // uniform on [10, 30] Gy: Dx% = 30 − 0.2 x
  EXPECT_NEAR(m.d5_gy, 29, 0.08);
  EXPECT_NEAR(m.d1_gy, 29.8, 0.08);
  EXPECT_EQ(m.d99_gy, dose_at_volume_percent(r[0], 99));
  EXPECT_TRUE(std::isnan(standard_metrics(RoiDvh{}).d95_gy));
  EXPECT_TRUE(std::isnan(standard_metrics(RoiDvh{}).d1_gy));
}

TEST(dvh_metrics, conformity) {
  StructureSet ss;
  ss.rois.push_back(box_roi(1, "PTV", -10, -10, 10, 10, -9, 2, 10));    // 8 cc
  ss.rois.push_back(box_roi(2, "BODY", -30, -30, 30, 30, -29, 2, 30));  // 216 cc
  // 60 Gy inside |x| <= 15, 20 Gy elsewhere.
  const DoseGrid g = grid({-40, -40, -40}, {1, 0, 0}, {0, 1, 0}, 1, 81, uniform(81, 1),
                          [](const Point3& p) { return std::abs(p[0]) <= 15 ? 60.0 : 20.0; });
  const auto r = compute_dvhs(ss, g);
  const auto c = conformity_metrics(r[0], 60, g, &r[1]);
  EXPECT_NEAR(c.target_volume_cc, 8, 1e-9);
  EXPECT_NEAR(c.target_covered_cc, 8, 1e-9);
  EXPECT_NEAR(c.piv_cc, 30 * 60 * 60 / 1000.0, 0.3);  // 60 Gy exactly where |x| ≤ 15 (interpolated beyond)
  EXPECT_NEAR(c.rtog_ci, c.piv_cc / 8, 1e-9);
  EXPECT_NEAR(c.paddick_ci, 8.0 / c.piv_cc, 1e-9);
  const auto whole = conformity_metrics(r[0], 60, g);
  EXPECT_EQ(whole.piv_region, "whole dose grid");
  EXPECT_NEAR(whole.piv_cc, 31 * 81 * 81 / 1000.0, 1e-9);
  EXPECT_NEAR(grid_isodose_volume_cc(g, 0), 81 * 81 * 81 / 1000.0, 1e-9);
}

TEST(dvh_file, comparison_with_a_file_dvh_of_our_own) {
  const StructureSet ss = one_roi(box_roi(7, "box", 0, 0, 10, 10, 0.5, 1, 20));
  DoseGrid g = grid({-5, -5, -5}, {1, 0, 0}, {0, 1, 0}, 1, 31, uniform(31, 1),
                    [](const Point3& p) { return 10 + p[2]; });
  const auto ours = compute_dvhs(ss, g);
  // Cumulative cm³ at 0.1 Gy bins, declared bin count wrong (as in real files).
  FileDvh f;
  f.referenced_roi_number = 7;
  f.type = "CUMULATIVE";
  f.dose_units = "GY";
  f.volume_units = "CM3";
  f.declared_bin_count = 65;
  for (int i = 0; i < 400; ++i) {
    f.bin_widths.push_back(0.1);
    f.volumes.push_back(volume_at_dose_cc(ours[0], i * 0.1));
  }
  FileDvh pct = f;
  pct.volume_units = "PERCENT";
  for (auto& v : pct.volumes) v = 100 * v / 2.0;
  FileDvh diff = f;
  diff.type = "DIFFERENTIAL";
  for (int i = 0; i < 400; ++i) diff.volumes[i] = f.volumes[i] - (i + 1 < 400 ? f.volumes[i + 1] : 0.0);
  FileDvh unknown = f;
  unknown.referenced_roi_number = 99;
  g.dvhs = {f, pct, diff, unknown};
  const auto cmp = compare_with_file_dvhs(ours, g);
  ASSERT_EQ(cmp.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(cmp[i].comparable) << cmp[i].note;
    EXPECT_LT(cmp[i].max_curve_difference_percent, 1.0) << i;
    for (const auto& m : cmp[i].metrics) EXPECT_NEAR(m.ours, m.theirs, 0.11) << i << " " << m.name;
  }
  EXPECT_NE(cmp[0].note.find("DVHNumberOfBins 65 but 400"), std::string::npos);
  EXPECT_TRUE(cmp[1].volume_in_percent);
  EXPECT_NE(cmp[2].note.find("differential"), std::string::npos);
  EXPECT_FALSE(cmp[3].comparable);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(cmp[i].within_tolerance) << i << " worst " << cmp[i].worst_point_score;
    EXPECT_EQ(cmp[i].points_passing_percent, 100.0) << i;
  }
  EXPECT_FALSE(cmp[3].within_tolerance);
}

TEST(dvh_engine, extremes_on_the_boundary_and_ends_by_trend) {
  // Dose = 10 + z over a box contoured on z = 0.5 … 19.5: flat ends (same-size contours) lie
  // half a spacing out, at z = 0 and 20, so Dmin and Dmax are exactly 10 and 30 Gy there.
  const StructureSet ss = one_roi(box_roi(1, "box", 0, 0, 10, 10, 0.5, 1, 20));
  const DoseGrid g = grid({-5, -5, -5}, {1, 0, 0}, {0, 1, 0}, 1, 31, uniform(31, 1),
                          [](const Point3& p) { return 10 + p[2]; });
  const auto r = compute_dvhs(ss, g);
  ASSERT_TRUE(r[0].computed);
  EXPECT_NEAR(r[0].volume_cc, 2.0, 1e-9);
  EXPECT_NEAR(r[0].min_gy, 10, 1e-5);
  EXPECT_NEAR(r[0].max_gy, 30, 1e-5);
  DvhOptions none;
  none.end_caps = EndCaps::none;
  const auto clipped = compute_dvhs(ss, g, none);
  EXPECT_NEAR(clipped[0].volume_cc, 1.9, 1e-9);
  EXPECT_NEAR(clipped[0].min_gy, 10.5, 1e-5);
  EXPECT_NEAR(clipped[0].max_gy, 29.5, 1e-5);
  // A square pyramid: sides 10 − k mm on z = 0.5 + k. The top shrinks to a point (rounded:
  // apex at z = 10.5, not a cap to 10); the bottom grows outwards (flat, grown by the trend:
  // 10.5 mm at z = 0). Truth: 10.5² × 10.5 / 3 mm³.
  Roi pyramid;
  pyramid.number = 2;
  for (int k = 0; k < 10; ++k) {
    const double half = 0.5 * (10 - k);
    pyramid.contours.push_back(square(-half, -half, half, half, 0.5 + k));
  }
  const auto p = compute_dvhs(one_roi(pyramid), g);
  ASSERT_TRUE(p[0].computed);
  EXPECT_NEAR(p[0].volume_cc * 1000, 10.5 * 10.5 * 10.5 / 3, 0.01 * 385.875);
  EXPECT_NEAR(p[0].min_gy, 10, 1e-5);    // the base face, z = 0
  EXPECT_NEAR(p[0].max_gy, 20.5, 0.05);  // the apex, z = 10.5
  // Prism slabs (no interpolation): the top slab stops at z = 10, a 1 × 1 mm block.
  DvhOptions prisms;
  prisms.interpolate_between_planes = false;
  const auto q = compute_dvhs(one_roi(pyramid), g, prisms);
  EXPECT_NEAR(q[0].max_gy, 20, 1e-5);
}

TEST(dvh_file, tolerance_fails_a_shifted_file_dvh) {
  const StructureSet ss = one_roi(box_roi(7, "box", 0, 0, 10, 10, 0.5, 1, 20));
  DoseGrid g = grid({-5, -5, -5}, {1, 0, 0}, {0, 1, 0}, 1, 31, uniform(31, 1),
                    [](const Point3& p) { return 10 + p[2]; });
  const auto ours = compute_dvhs(ss, g);
  // The file's dose axis scaled by 1 + x: a dose error of x at matched volume.
  auto file_scaled = [&](double x) {
    FileDvh f;
    f.referenced_roi_number = 7;
    f.type = "CUMULATIVE";
    f.dose_units = "GY";
    f.volume_units = "CM3";
    for (int i = 0; i < 400; ++i) {
      f.bin_widths.push_back(0.1 * (1 + x));
      f.volumes.push_back(volume_at_dose_cc(ours[0], i * 0.1));
    }
    return f;
  };
  g.dvhs = {file_scaled(0.02), file_scaled(0.08)};
  const auto cmp = compare_with_file_dvhs(ours, g);
  ASSERT_EQ(cmp.size(), 2u);
  EXPECT_TRUE(cmp[0].within_tolerance) << cmp[0].worst_point_score;  // 2 % < 3 % of the max dose
  EXPECT_FALSE(cmp[1].within_tolerance);                             // 8 %: the high-dose points fail
  EXPECT_GT(cmp[1].worst_point_score, 1.0);
  EXPECT_LT(cmp[1].points_passing_percent, 100.0);
  FileDvhTolerance loose;
  loose.dose_percent = 10;
  EXPECT_TRUE(compare_with_file_dvhs(ours, g, loose)[1].within_tolerance);
}

}  // namespace
}  // namespace rtreview
