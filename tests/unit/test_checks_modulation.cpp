// Aperture geometry and complexity metrics on generated apertures. Every expected value is
// computed by hand in the comments (closed form), not by the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "test_checks_fixtures.h"

using namespace rtreview;

namespace {

constexpr double pi = std::numbers::pi;

// 4 leaf pairs of 10 mm: boundaries -20, -10, 0, 10, 20.
Beam four_leaf_beam() {
  Beam b = test::base_beam(1, "B1");
  b.limiting_devices = {{"ASYMX", 1, {}}, {"ASYMY", 1, {}}, {"MLCX", 4, {-20, -10, 0, 10, 20}}};
  return b;
}

ControlPoint cp_with(double weight, std::vector<double> bank_a, std::vector<double> bank_b,
                     std::pair<double, double> jaw_x = {-100, 100},
                     std::pair<double, double> jaw_y = {-100, 100}) {
  ControlPoint cp;
  cp.cumulative_meterset_weight = weight;
  DevicePositions mlc{"MLCX", bank_a};
  mlc.positions_mm.insert(mlc.positions_mm.end(), bank_b.begin(), bank_b.end());
  cp.device_positions = {{"ASYMX", {jaw_x.first, jaw_x.second}}, {"ASYMY", {jaw_y.first, jaw_y.second}}, mlc};
  return cp;
}

// The staggered aperture: bank A -10, -20, -5, -10; bank B 10, 20, 15, 10.
const std::vector<double> stagger_a = {-10, -20, -5, -10}, stagger_b = {10, 20, 15, 10};

}  // namespace

// Widths 20, 40, 20, 20 (10 mm rows): area 10 x 100 = 1000 mm2. Leaf-end edges: top 20, then
// |dA| + |dB| = 10+10, 15+5, 5+5, bottom 20: 90 mm. Closed contour adds 2 x 10 per open row: 170.
TEST(aperture, staggered_leaves_area_and_perimeters) {
  const Beam beam = four_leaf_beam();
  const auto rows = aperture_rows(beam, cp_with(0, stagger_a, stagger_b));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(aperture_area_mm2(rows), 1000.0);
  EXPECT_DOUBLE_EQ(aperture_side_perimeter_mm(rows), 90.0);
  EXPECT_DOUBLE_EQ(aperture_perimeter_mm(rows), 170.0);
  // LSV (McNiven eq. 1): bank A pos_max 15, |d| 10, 15, 5 -> (5 + 0 + 10) / (3 x 15) = 1/3;
  // bank B pos_max 10, |d| 10, 5, 5 -> (0 + 5 + 5) / (3 x 10) = 1/3; LSV = 1/9.
  EXPECT_NEAR(aperture_lsv(rows), 1.0 / 9.0, 1e-12);
}

// Jaws X1 = -8, Y = +-15: rows 0 and 3 keep 5 mm; widths 18, 28, 20, 18.
// Area 5x18 + 10x28 + 10x20 + 5x18 = 660. Edges: 18 + (0+10) + (3+5) + (3+5) + 18 = 62;
// closed contour + 2 x (5+10+10+5) = 122.
TEST(aperture, jaws_clip_rows_and_leaves) {
  const Beam beam = four_leaf_beam();
  const auto rows = aperture_rows(beam, cp_with(0, stagger_a, stagger_b, {-8, 100}, {-15, 15}));
  EXPECT_DOUBLE_EQ(aperture_area_mm2(rows), 660.0);
  EXPECT_DOUBLE_EQ(aperture_side_perimeter_mm(rows), 62.0);
  EXPECT_DOUBLE_EQ(aperture_perimeter_mm(rows), 122.0);
}

// Halcyon-like dual layer without jaws: MLCX1 10 mm leaves at -20..20, MLCX2 10 mm leaves
// offset by 5 mm (-15..15). 5 mm strips, each the intersection of the layers covering it:
// widths 20, 10, 10, 20, 20, 10, 10, 20 -> area 5 x 120 = 600; edges 20 + 10 + 0 + 10 + 0 +
// 10 + 0 + 10 + 20 = 80; closed contour 80 + 2 x 40 = 160.
TEST(aperture, dual_layer_mlc_is_the_intersection_of_both_layers) {
  Beam beam = test::base_beam(1, "Halcyon");
  beam.limiting_devices = {{"MLCX1", 4, {-20, -10, 0, 10, 20}}, {"MLCX2", 3, {-15, -5, 5, 15}}};
  ControlPoint cp;
  cp.device_positions = {{"MLCX1", {-10, -10, -10, -10, 10, 10, 10, 10}}, {"MLCX2", {-4, -20, 0, 6, 20, 30}}};
  const auto rows = aperture_rows(beam, cp);
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_DOUBLE_EQ(aperture_area_mm2(rows), 600.0);
  EXPECT_DOUBLE_EQ(aperture_side_perimeter_mm(rows), 80.0);
  EXPECT_DOUBLE_EQ(aperture_perimeter_mm(rows), 160.0);
}

// Two segments: a 20 x 40 rectangle (leaves -10/10) for 75 % of 200 MU, then the staggered
// aperture for 25 %. Per row maxima 20, 40, 20, 20 (sum 100): AAV 80/100 and 100/100; LSV 1
// and 1/9. MCS = 0.75 x 0.8 x 1 + 0.25 x 1 x 1/9 = 0.627778.
// Edge metric: rectangle 40/800 = 0.05, stagger 90/1000 = 0.09 -> 0.75x0.05 + 0.25x0.09 = 0.06.
// Irregularity: rectangle 120^2/(4 pi 800) = 1.432394, stagger 170^2/(4 pi 1000) = 2.299789
// -> 0.75 x 1.432394 + 0.25 x 2.299789 = 1.649243. Mean area 0.75x800 + 0.25x1000 = 850.
// Leaf travel between the segments: A 0+10+5+0, B 0+10+5+0 = 30 mm, 4 leaves move.
TEST(modulation, step_and_shoot_metrics_match_hand_values) {
  Beam beam = four_leaf_beam();
  const std::vector<double> rect_a(4, -10.0), rect_b(4, 10.0);
  beam.control_points = {cp_with(0.0, rect_a, rect_b), cp_with(0.75, rect_a, rect_b),
                         cp_with(0.75, stagger_a, stagger_b), cp_with(1.0, stagger_a, stagger_b)};
  beam.final_cumulative_meterset_weight = 1.0;
  const BeamModulation m = measure_modulation(beam, 200.0);
  ASSERT_TRUE(m.mcs && m.edge_metric_per_mm && m.aperture_irregularity && m.mean_area_mm2);
  EXPECT_NEAR(*m.mcs, 0.6 + 0.25 / 9.0, 0.01 * 0.627778);
  EXPECT_NEAR(*m.mcs, 0.627778, 1e-6);
  ASSERT_TRUE(m.aav);
  EXPECT_NEAR(*m.aav, 0.75 * 0.8 + 0.25 * 1.0, 1e-12);  // 0.85
  EXPECT_NEAR(*m.edge_metric_per_mm, 0.06, 1e-12);
  EXPECT_NEAR(*m.aperture_irregularity, 0.75 * 14400 / (4 * pi * 800) + 0.25 * 28900 / (4 * pi * 1000), 1e-9);
  EXPECT_NEAR(*m.aperture_irregularity, 1.649243, 1e-6);
  EXPECT_NEAR(*m.mean_area_mm2, 850.0, 1e-9);
  EXPECT_NEAR(m.leaf_travel_mm, 30.0, 1e-9);
  EXPECT_EQ(m.moving_leaf_count, 4);
  ASSERT_EQ(m.area_mm2.size(), 4u);
  EXPECT_DOUBLE_EQ(m.area_mm2[0], 800.0);
  EXPECT_DOUBLE_EQ(m.perimeter_mm[3], 170.0);
  // Through the summary: 2 segments of 100 MU.
  auto plan = test::make_plan({beam}, 30, 200.0);
  const auto summaries = summarize_beams(*plan);
  EXPECT_EQ(summaries[0].segment_count, 2);
  ASSERT_TRUE(summaries[0].modulation.mu_per_segment);
  EXPECT_DOUBLE_EQ(*summaries[0].modulation.mu_per_segment, 100.0);
}

// ApertureComplexity's own reference case (tests/test_pyComplexityMetric.py): a 100 x 100
// aperture then a 50 x 50 one, 100 MU each: (100 x 2x100/100^2 + 100 x 2x50/50^2) / 200 = 0.03.
// Built here as one leaf pair per mm-strip-free rectangle: a single 100 mm leaf pair.
TEST(modulation, edge_metric_matches_aperture_complexity_reference) {
  Beam beam = test::base_beam(1, "square");
  beam.limiting_devices = {{"ASYMX", 1, {}}, {"ASYMY", 1, {}}, {"MLCX", 1, {-50, 50}}};
  auto cp = [](double w, double half) {
    ControlPoint c;
    c.cumulative_meterset_weight = w;
    c.device_positions = {{"ASYMX", {-100, 100}}, {"ASYMY", {-half, half}}, {"MLCX", {-half, half}}};
    return c;
  };
  // Per-control-point MU = half of each adjacent interval: 0, 50 | 50 => 100 MU each aperture.
  beam.control_points = {cp(0.0, 50), cp(0.5, 50), cp(0.5, 25), cp(1.0, 25)};
  const BeamModulation m = measure_modulation(beam, 200.0);
  ASSERT_TRUE(m.edge_metric_per_mm);
  EXPECT_NEAR(*m.edge_metric_per_mm, (100 * 2.0 * 100 / (100.0 * 100) + 100 * 2.0 * 50 / (50.0 * 50)) / 200,
              1e-12);
}

// 0 -> 40 deg CW in 10 deg steps with weight increments 1, 1, 2, 2 (of 6): per-degree rates
// 1/60, 1/60, 2/60, 2/60 around a mean 1/40, each off by 1/120: CV = (1/120)/(1/40) = 1/3.
// 400 MU over 40 deg: 10 MU/deg.
TEST(modulation, mu_per_degree_and_its_variation) {
  Beam beam = four_leaf_beam();
  const double w[] = {0, 1, 2, 4, 6};
  for (int i = 0; i < 5; ++i) {
    ControlPoint c = cp_with(w[i] / 6.0, stagger_a, stagger_b);
    c.gantry_angle_deg = 10.0 * i;
    c.gantry_rotation_direction = i < 4 ? "CW" : "NONE";
    beam.control_points.push_back(c);
  }
  const BeamModulation m = measure_modulation(beam, 400.0);
  ASSERT_TRUE(m.mu_per_degree_cv && m.mu_per_degree);
  EXPECT_NEAR(*m.mu_per_degree_cv, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(*m.mu_per_degree, 10.0, 1e-12);
}

namespace {

// An arc whose leaves follow a slowly changing rectangle (a conformal outline), with
// `rate_variation` (0 = constant MU per degree).
Beam moving_arc(double rate_variation, bool irregular = false) {
  Beam b = four_leaf_beam();
  b.beam_type = "DYNAMIC";
  double w = 0.0;
  std::vector<double> weights;
  for (int i = 0; i < 37; ++i) {
    weights.push_back(w);
    w += 1.0 + rate_variation * std::sin(0.7 * i);
  }
  for (int i = 0; i < 37; ++i) {
    const double half = 15.0 + 3.0 * std::sin(i / 6.0);
    std::vector<double> a(4, -half), bb(4, half);
    if (irregular)
      for (int k = 0; k < 4; ++k)
        a[k] = -half + 24.0 * ((i + k) % 2), bb[k] = half - 22.0 * ((i + k + 1) % 2);
    ControlPoint c = cp_with(weights[i] / weights.back(), a, bb);
    c.gantry_angle_deg = 10.0 * i == 360.0 ? 0.0 : 10.0 * i;
    c.gantry_rotation_direction = "CW";
    b.control_points.push_back(c);
  }
  return b;
}

}  // namespace

TEST(classify_technique, dynamic_conformal_arc_is_not_vmat) {
  auto dca = test::make_plan({moving_arc(0.0)});
  auto t = classify_technique(*dca, summarize_beams(*dca));
  EXPECT_EQ(t.technique, Technique::dynamic_conformal_arc) << t.rule;
  EXPECT_FALSE(is_imrt(t.technique));
  bool metrics_in_evidence = false;
  for (const auto& e : t.evidence) metrics_in_evidence |= e.value.find("MCS") != std::string::npos;
  EXPECT_TRUE(metrics_in_evidence);
  // The same leaves with a modulated dose rate: VMAT.
  auto vmat = test::make_plan({moving_arc(0.5)});
  EXPECT_EQ(classify_technique(*vmat, summarize_beams(*vmat)).technique, Technique::vmat);
  // Constant MU per degree but irregular, modulating apertures: VMAT (constant dose rate VMAT).
  auto cdr = test::make_plan({moving_arc(0.0, true)});
  EXPECT_EQ(classify_technique(*cdr, summarize_beams(*cdr)).technique, Technique::vmat);
}

// A small round SRS target (5 leaf pairs, outline of a 20 mm circle) treated with dynamic
// conformal arcs: the outline's leaf sequence variability is low (MCS < 0.5) although nothing
// is modulated; AAV stays near 1 (every aperture is nearly the same circle) and MU per degree
// is constant.
TEST(classify_technique, small_round_dynamic_conformal_arc_is_not_vmat) {
  Beam b = test::base_beam(1, "SRS arc");
  b.beam_type = "DYNAMIC";
  b.limiting_devices = {{"ASYMX", 1, {}}, {"ASYMY", 1, {}}, {"MLCX", 5, {-10, -6, -2, 2, 6, 10}}};
  const std::vector<double> a = {-4.5, -9.2, -10.0, -9.2, -4.5}, bb = {4.5, 9.2, 10.0, 9.2, 4.5};
  for (int i = 0; i < 19; ++i) {
    ControlPoint c;
    c.cumulative_meterset_weight = i / 18.0;
    c.gantry_angle_deg = 10.0 * i;
    c.gantry_rotation_direction = "CW";
    DevicePositions mlc{"MLCX", a};
    mlc.positions_mm.insert(mlc.positions_mm.end(), bb.begin(), bb.end());
    for (auto& x : mlc.positions_mm) x *= 1.0 + 0.02 * (i % 2);  // the outline seen from each angle
    c.device_positions = {{"ASYMX", {-12, 12}}, {"ASYMY", {-10, 10}}, mlc};
    b.control_points.push_back(c);
  }
  auto plan = test::make_plan({b});
  auto beams = summarize_beams(*plan);
  ASSERT_TRUE(beams[0].modulation.mcs && beams[0].modulation.aav);
  EXPECT_LT(*beams[0].modulation.mcs, 0.5);
  EXPECT_GT(*beams[0].modulation.aav, 0.9);
  EXPECT_EQ(classify_technique(*plan, beams).technique, Technique::dynamic_conformal_arc);
}

// Issue 11 class 1: a Halcyon arc whose only MLCs are MLCX1/MLCX2 moving at every control
// point was judged "static aperture, 3D conformal". It is VMAT on a ring linac.
TEST(classify_technique, dual_layer_vmat_is_vmat_on_a_ring_linac) {
  Beam b = test::base_beam(1, "Arc1");
  b.beam_type = "DYNAMIC";
  b.treatment_machine_name = "RadOnc1";
  b.limiting_devices = {{"MLCX1", 4, {-20, -10, 0, 10, 20}}, {"MLCX2", 3, {-15, -5, 5, 15}}};
  double w = 0.0;
  std::vector<double> weights;
  for (int i = 0; i < 30; ++i) weights.push_back(w), w += 1.0 + 0.5 * std::sin(i);
  for (int i = 0; i < 30; ++i) {
    ControlPoint c;
    c.cumulative_meterset_weight = weights[i] / weights.back();
    c.gantry_angle_deg = 181.0 + 12.0 * i >= 360.0 ? 12.0 * i - 179.0 : 181.0 + 12.0 * i;
    c.gantry_rotation_direction = "CW";
    const double s = 3.0 * std::sin(i);
    c.device_positions = {{"MLCX1", {-10 + s, -12, -8, -10 - s, 10, 12 + s, 8, 10}},
                          {"MLCX2", {-6 - s, -20, -2, 6, 20 + s, 18}}};
    b.control_points.push_back(c);
  }
  auto plan = test::make_plan({b});
  EXPECT_EQ(classify_delivery_kind(*plan).kind, DeliveryKind::ring_linac);
  auto beams = summarize_beams(*plan);
  EXPECT_TRUE(beams[0].has_mlc);
  EXPECT_TRUE(beams[0].mlc_moves_while_beam_on);
  EXPECT_EQ(beams[0].modulation.mlc_devices, "MLCX1+MLCX2");
  auto t = classify_technique(*plan, beams);
  EXPECT_EQ(t.technique, Technique::vmat) << t.rule;
}
