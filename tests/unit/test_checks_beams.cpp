// Beam summaries, technique classification, BEAM_DESCRIPTION, TECHNIQUE_IMRT, COMPENSATOR_DESIGN.
#include <gtest/gtest.h>

#include <limits>

#include "rtreview/check_ids.h"
#include "test_checks_fixtures.h"

using namespace rtreview;
using namespace rtreview::test;

namespace {

TechniqueResult technique_of(const Plan& plan) { return classify_technique(plan, summarize_beams(plan)); }

PlanSet set_with(std::shared_ptr<Plan> plan) {
  PlanSet set = make_good_plan_set();
  set.plan = std::move(plan);
  return set;
}

}  // namespace

TEST(summarize_beams, segments_mu_and_isocentre) {
  auto plan = make_plan({segmented_beam(1, 0, 3, {0.6, 0.3, 0.1})}, 25, 180.0);
  auto beams = summarize_beams(*plan);
  ASSERT_EQ(beams.size(), 1u);
  EXPECT_EQ(beams[0].segment_count, 3);
  EXPECT_EQ(beams[0].control_point_count, 6);
  EXPECT_FALSE(beams[0].mlc_moves_while_beam_on);
  EXPECT_FALSE(beams[0].is_arc);
  ASSERT_TRUE(beams[0].meterset_mu);
  EXPECT_DOUBLE_EQ(*beams[0].meterset_mu, 180.0);
  ASSERT_TRUE(beams[0].energy_mev);
  EXPECT_DOUBLE_EQ(*beams[0].energy_mev, 6.0);
}

TEST(summarize_beams, arc_length_wraps_through_zero) {
  auto plan =
      make_plan({arc_beam(1, 181, 179, "CW"), arc_beam(2, 179, 181, "CC"), arc_beam(3, 330, 30, "CW")});
  auto beams = summarize_beams(*plan);
  EXPECT_TRUE(beams[0].is_arc);
  EXPECT_NEAR(beams[0].arc_length_deg, 358.0, 1e-6);
  EXPECT_EQ(beams[0].rotation_direction, "CW");
  EXPECT_NEAR(beams[1].arc_length_deg, 358.0, 1e-6);
  EXPECT_EQ(beams[1].rotation_direction, "CC");
  EXPECT_NEAR(beams[2].arc_length_deg, 60.0, 1e-6);
  EXPECT_NEAR(beams[2].gantry_start_deg, 330.0, 1e-6);
  EXPECT_NEAR(beams[2].gantry_stop_deg, 30.0, 1e-6);
}

TEST(summarize_plan, counts_portals_arcs_setup_isocentres_mu) {
  Beam setup = base_beam(101, "Setup");
  setup.treatment_delivery_type = "SETUP";
  setup.control_points = {control_point(0, 0, 0, "NONE", -10, 10), control_point(1, 1, 0, "NONE", -10, 10)};
  auto plan = make_plan({arc_beam(1, 181, 179, "CW"), arc_beam(2, 179, 181, "CC"), setup}, 30, 250.0);
  plan->beams[1].control_points[0].isocenter_mm = Point3{10, 0, 0};
  auto beams = summarize_beams(*plan);
  auto s = summarize_plan(*plan, beams);
  EXPECT_EQ(s.treatment_portal_count, 2);
  EXPECT_EQ(s.arc_count, 2);
  EXPECT_EQ(s.static_portal_count, 0);
  EXPECT_EQ(s.setup_beam_count, 1);
  EXPECT_EQ(s.isocenter_count, 2);
  ASSERT_TRUE(s.total_mu_per_fraction);
  EXPECT_DOUBLE_EQ(*s.total_mu_per_fraction, 500.0);
}

TEST(classify_technique, step_and_shoot_many_segments) {
  std::vector<Beam> beams;
  for (int i = 0; i < 7; ++i) beams.push_back(segmented_beam(i + 1, i * 51.0, 9));
  auto t = technique_of(*make_plan(beams));
  EXPECT_EQ(t.technique, Technique::imrt_step_and_shoot);
  EXPECT_NE(t.rule.find("up to 9 on a beam (> 6)"), std::string::npos);
}

TEST(classify_technique, field_in_field_few_segments_few_beams) {
  auto t = technique_of(
      *make_plan({segmented_beam(1, 300, 3, {0.8, 0.15, 0.05}), segmented_beam(2, 120, 2, {0.9, 0.1})}));
  EXPECT_EQ(t.technique, Technique::field_in_field);
  EXPECT_NE(t.rule.find("forward-planned field-in-field"), std::string::npos);
  auto one = technique_of(*make_plan({segmented_beam(1, 0, 2, {0.5, 0.5})}));  // like Eclipse RP_FiF
  EXPECT_EQ(one.technique, Technique::field_in_field);
}

TEST(classify_technique, planner_flags_break_the_tie) {
  auto plan = make_plan({segmented_beam(1, 300, 4), segmented_beam(2, 120, 4)});
  plan->label = "Pros IMRT";
  EXPECT_EQ(technique_of(*plan).technique, Technique::imrt_step_and_shoot);
  std::vector<Beam> five;
  for (int i = 0; i < 5; ++i) five.push_back(segmented_beam(i + 1, i * 72.0, 4));
  auto box = make_plan(five);
  EXPECT_EQ(technique_of(*box).technique, Technique::imrt_step_and_shoot);
  box->label = "Pelvis FiF";
  EXPECT_EQ(technique_of(*box).technique, Technique::field_in_field);
}

TEST(classify_technique, sliding_window_vmat_3d_helical) {
  auto sw = technique_of(*make_plan({sliding_window_beam(1, 0), sliding_window_beam(2, 90)}));
  EXPECT_EQ(sw.technique, Technique::imrt_sliding_window);
  EXPECT_NE(sw.rule.find("MLC moving while meterset accumulates"), std::string::npos);
  EXPECT_EQ(technique_of(*make_plan({arc_beam(1, 181, 179, "CW"), arc_beam(2, 179, 181, "CC")})).technique,
            Technique::vmat);
  EXPECT_EQ(technique_of(*make_plan({arc_beam(1, 181, 179, "CW", 30, false)})).technique,
            Technique::conformal_3d);
  EXPECT_EQ(technique_of(*make_plan({segmented_beam(1, 0, 1), segmented_beam(2, 180, 1)})).technique,
            Technique::conformal_3d);
  auto tomo = make_plan({arc_beam(1, 0, 359, "CW", 50)});
  tomo->info.manufacturer = "TomoTherapy Incorporated";
  EXPECT_EQ(technique_of(*tomo).technique, Technique::helical);
}

TEST(classify_technique, helical_by_rotation_count) {
  Beam b = base_beam(1, "helix");
  for (int i = 0; i < 200; ++i)
    b.control_points.push_back(control_point(i, i / 199.0, std::fmod(i * 10.0, 360.0), "CW", -10, 10));
  EXPECT_EQ(technique_of(*make_plan({b})).technique, Technique::helical);
}

TEST(classify_technique, electron_proton_brachy_compensator) {
  Beam e = segmented_beam(1, 0, 1);
  e.radiation_type = "ELECTRON";
  EXPECT_EQ(technique_of(*make_plan({e})).technique, Technique::electron);
  auto ion = make_plan({segmented_beam(1, 0, 1)});
  ion->kind = PlanKind::ion;
  EXPECT_EQ(technique_of(*ion).technique, Technique::proton);
  auto brachy = make_plan({});
  brachy->kind = PlanKind::brachy;
  EXPECT_EQ(technique_of(*brachy).technique, Technique::brachytherapy);
  Beam c = segmented_beam(1, 0, 1);
  c.compensators.push_back(Compensator{});
  EXPECT_EQ(technique_of(*make_plan({c})).technique, Technique::compensator_imrt);
}

TEST(technique_imrt, pass_fail_not_evaluable) {
  std::vector<Beam> beams;
  for (int i = 0; i < 7; ++i) beams.push_back(segmented_beam(i + 1, i * 51.0, 9));
  auto imrt = make_plan(beams);
  auto set = set_with(imrt);
  EXPECT_EQ(check_technique_imrt(set, technique_of(*imrt)).status, Status::pass);

  auto fif = make_plan({segmented_beam(1, 300, 3, {0.8, 0.15, 0.05}), segmented_beam(2, 120, 2, {0.9, 0.1})});
  auto f = check_technique_imrt(set_with(fif), technique_of(*fif));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.message, "technique: field-in-field (forward-planned), not IMRT");
  EXPECT_TRUE(evidence_contains(f, "rule used"));

  auto ion = make_plan({segmented_beam(1, 0, 1)});
  ion->kind = PlanKind::ion;
  auto n = check_technique_imrt(set_with(ion), technique_of(*ion));
  EXPECT_EQ(n.status, Status::not_evaluable);
  EXPECT_EQ(n.message, "plan kind proton/ion: not supported for IMRT classification");
  PlanSet no_plan = make_good_plan_set();
  no_plan.plan.reset();
  EXPECT_EQ(check_technique_imrt(no_plan, {}).status, Status::not_evaluable);
}

TEST(beam_description, lists_every_beam_with_location) {
  Beam setup = base_beam(101, "Setup");
  setup.treatment_delivery_type = "SETUP";
  setup.control_points = {control_point(0, 0, 0, "NONE", -10, 10), control_point(1, 1, 0, "NONE", -10, 10)};
  auto plan = make_plan({arc_beam(1, 181, 179, "CW"), segmented_beam(2, 90, 5), setup});
  auto set = set_with(plan);
  auto beams = summarize_beams(*plan);
  auto f = check_beam_description(set, beams, summarize_plan(*plan, beams));
  EXPECT_EQ(f.status, Status::pass) << f.message;
  EXPECT_EQ(f.message, "2 treatment portal(s) (1 static, 1 arc), 1 setup/imaging beam(s), 1 isocentre(s)");
  EXPECT_TRUE(evidence_contains(f, "arc 181 -> 179 deg CW (358 deg)"));
  EXPECT_TRUE(evidence_contains(f, "gantry 90 deg"));
  EXPECT_TRUE(evidence_contains(f, "200 MU"));
  EXPECT_TRUE(evidence_contains(f, "non-treatment (SETUP)"));
}

// The energy as shown: photons in MV (nominal accelerating potential), electrons and ions in
// MeV, an FFF beam named, an ion beam's layers as their range.
TEST(beam_description, energy_text_by_particle_and_layers) {
  BeamSummary photon;
  photon.radiation_type = "PHOTON";
  photon.energy_mev = 10.0;
  EXPECT_EQ(beam_energy_text(photon), "10 MV");
  photon.fluence_mode = "FFF";
  EXPECT_EQ(beam_energy_text(photon), "10 MV FFF");
  BeamSummary electron;
  electron.radiation_type = "ELECTRON";
  electron.energy_mev = 12.0;
  EXPECT_EQ(beam_energy_text(electron), "12 MeV");
  EXPECT_EQ(beam_energy_text(BeamSummary{}), "energy n/a");

  Beam proton = segmented_beam(1, 90, 3);
  proton.is_ion = true;
  proton.radiation_type = "PROTON";
  const double layers_mev[] = {150.4, 120.0, 70.2};  // distal layer first, as delivered
  for (std::size_t i = 0; i < proton.control_points.size(); ++i)
    proton.control_points[i].nominal_energy_mev = layers_mev[i / 2];  // two points per layer
  auto plan = make_plan({proton});
  plan->kind = PlanKind::ion;
  const auto beams = summarize_beams(*plan);
  ASSERT_EQ(beams.size(), 1u);
  EXPECT_EQ(beams[0].energy_layer_count, 3);
  EXPECT_EQ(beam_energy_text(beams[0]), "70.2-150.4 MeV");
  // Heavier ions: MeV per nucleon (PS3.3 C.8.8.25).
  BeamSummary carbon;
  carbon.radiation_type = "ION";
  carbon.lowest_energy_mev = carbon.highest_energy_mev = 290.0;  // one layer, control point 0 silent
  EXPECT_EQ(beam_energy_text(carbon), "290 MeV/u");
}

TEST(beam_description, beam_without_isocentre_fails_no_plan_not_evaluable) {
  auto plan = make_plan({segmented_beam(1, 0, 2)});
  plan->beams[0].control_points[0].isocenter_mm.reset();
  auto beams = summarize_beams(*plan);
  auto f = check_beam_description(set_with(plan), beams, summarize_plan(*plan, beams));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.message, "treatment beam(s) without location: 1 (no isocentre)");
  PlanSet none = make_good_plan_set();
  none.plan.reset();
  EXPECT_EQ(check_beam_description(none, {}, {}).status, Status::not_evaluable);
}

TEST(compensator_design, per_portal_when_compensator_based) {
  Beam a = segmented_beam(1, 0, 1);
  Beam b = segmented_beam(2, 90, 1);
  Compensator c;
  c.rows = 2;
  c.columns = 2;
  c.thickness_value_count = 4;
  a.compensators = {c};
  b.compensators = {c};
  auto plan = make_plan({a, b});
  auto beams = summarize_beams(*plan);
  auto t = classify_technique(*plan, beams);
  EXPECT_EQ(check_compensator_design(set_with(plan), beams, t).status, Status::pass);
  plan->beams[1].compensators[0].thickness_value_count = 0;
  beams = summarize_beams(*plan);
  auto f = check_compensator_design(set_with(plan), beams, t);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.message, "treatment beam(s) without compensator design: 2");
  auto imrt = make_plan({sliding_window_beam(1, 0)});
  auto info = check_compensator_design(set_with(imrt), summarize_beams(*imrt), technique_of(*imrt));
  EXPECT_EQ(info.status, Status::info);
  PlanSet none = make_good_plan_set();
  none.plan.reset();
  EXPECT_EQ(check_compensator_design(none, {}, {}).status, Status::not_evaluable);
}

TEST(summarize_beams, jaws_moving_with_beam_on_are_not_segments) {
  // A dynamic-wedge-like beam: the Y jaw sweeps while the meterset accumulates, MLC fixed.
  Beam b = base_beam(1, "EDW");
  for (int i = 0; i < 10; ++i) {
    ControlPoint cp = control_point(i, i / 9.0, 90, "NONE", -30, 30);
    cp.device_positions[1] = jaws("ASYMY", -50 + 5.0 * i, 50);
    b.control_points.push_back(cp);
  }
  auto beams = summarize_beams(*make_plan({b}));
  EXPECT_EQ(beams[0].segment_count, 1);
  EXPECT_FALSE(beams[0].mlc_moves_while_beam_on);
  EXPECT_EQ(technique_of(*make_plan({b})).technique, Technique::conformal_3d);
}

TEST(summarize_beams, ion_beams_count_energy_layers) {
  Beam b = segmented_beam(1, 90, 1);
  b.radiation_type = "PROTON";
  b.is_ion = true;
  b.control_points.clear();
  for (int i = 0; i < 6; ++i) {
    ControlPoint cp = control_point(i, i / 5.0, 90, "NONE", -10, 10);
    cp.nominal_energy_mev = 150.0 - 5.0 * (i / 2);  // 3 layers, 2 control points each
    b.control_points.push_back(cp);
  }
  auto plan = make_plan({b});
  plan->kind = PlanKind::ion;
  auto beams = summarize_beams(*plan);
  EXPECT_EQ(beams[0].energy_layer_count, 3);
  auto f = check_beam_description(set_with(plan), beams, summarize_plan(*plan, beams));
  EXPECT_TRUE(evidence_contains(f, "3 energy layer(s)"));
}

TEST(beam_description, multi_turn_rotation_counts_rotations) {
  Beam b = base_beam(1, "helix");
  for (int i = 0; i < 73; ++i)
    b.control_points.push_back(control_point(i, i / 72.0, std::fmod(i * 10.0, 360.0), "CW", -10, 10));
  auto plan = make_plan({b});
  auto beams = summarize_beams(*plan);
  EXPECT_NEAR(beams[0].arc_length_deg, 720.0, 1e-6);
  auto f = check_beam_description(set_with(plan), beams, summarize_plan(*plan, beams));
  EXPECT_TRUE(evidence_contains(f, "(720 deg, 2 rotations)"));
}

// PS3.3 C.8.8.25: a control point's scan spot weights are the meterset "of the current control
// point to the following control point". Exports write each energy layer as two control
// points with the same spot map, the second with zero weights (cumulative weight unchanged),
// so the delivered positions are those of the first of each pair.
TEST(ion_beam, delivered_spots_are_those_of_control_points_whose_meterset_rises) {
  Beam b;
  b.is_ion = true;
  auto cp = [](double cumulative, int spots) {
    ControlPoint c;
    c.cumulative_meterset_weight = cumulative;
    c.scan_spot_count = spots;
    return c;
  };
  // Two layers of 448 and 300 spots, each as a pair; the final control point ends the beam.
  b.control_points = {cp(0, 448), cp(10, 448), cp(10, 300), cp(16, 300)};
  EXPECT_EQ(delivered_scan_spot_positions(b), 748);
  // A weight that is not a number cannot tell: that control point's spots count.
  b.control_points[1].cumulative_meterset_weight = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(delivered_scan_spot_positions(b), 448 + 448 + 300);
  // Without weights nothing can be told: every control point's spots count.
  for (auto& c : b.control_points) c.cumulative_meterset_weight.reset();
  EXPECT_EQ(delivered_scan_spot_positions(b), 1496);
}

// A beam of a few static segments is field-in-field or a step-and-shoot field only by its plan:
// in a plan its planner labelled IMRT (the corpus' RayStation "imrt" and Pinnacle plans mix
// 4-6 and 10+ segment beams) it is not called forward-planned, in a 3-field FiF plan it is.
TEST(settle_beam_techniques, a_few_segments_take_the_plans_segment_technique) {
  auto imrt = make_plan({segmented_beam(1, 0, 12), segmented_beam(2, 72, 4), segmented_beam(3, 144, 1)});
  auto beams = summarize_beams(*imrt);
  ASSERT_EQ(beams[1].technique, Technique::field_in_field);  // on its own
  const auto t = classify_technique(*imrt, beams);
  ASSERT_EQ(t.technique, Technique::imrt_step_and_shoot);
  for (const auto& e : t.evidence)
    EXPECT_EQ(e.value.find("field-in-field (forward"), std::string::npos) << e.value;
  settle_beam_techniques(beams, t.technique);
  EXPECT_EQ(beams[0].technique, Technique::imrt_step_and_shoot);
  EXPECT_EQ(beams[1].technique, Technique::imrt_step_and_shoot);
  EXPECT_EQ(beams[2].technique, Technique::conformal_3d);  // one aperture stays what it is

  auto fif = make_plan({segmented_beam(1, 0, 3), segmented_beam(2, 180, 2)});
  auto fif_beams = summarize_beams(*fif);
  const auto ft = classify_technique(*fif, fif_beams);
  ASSERT_EQ(ft.technique, Technique::field_in_field);
  settle_beam_techniques(fif_beams, ft.technique);
  EXPECT_EQ(fif_beams[0].technique, Technique::field_in_field);
  EXPECT_EQ(fif_beams[1].technique, Technique::field_in_field);
}
