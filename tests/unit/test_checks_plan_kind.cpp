// Plan kind from what the machine is, and checks that do not apply reported as info.
#include <gtest/gtest.h>

#include "rtreview/check_ids.h"
#include "test_checks_fixtures.h"

using namespace rtreview;
using namespace rtreview::test;

namespace {

const Finding* find(const CheckReport& r, std::string_view id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

// A GammaPlan-like export: one placeholder beam "bogus", energy 0, no MU, no prescription.
std::shared_ptr<Plan> gamma_plan() {
  Beam b = base_beam(1, "bogus");
  b.treatment_machine_name = "";
  ControlPoint cp = control_point(0, 0.0, 0, "NONE", 0, 0);
  cp.nominal_energy_mev = 0.0;
  b.control_points = {cp, control_point(1, 1.0, 0, "NONE", 0, 0)};
  auto p = make_plan({b});
  p->fraction_groups[0].number = 0;
  p->fraction_groups[0].beams[0].meterset.reset();
  p->info.manufacturer = "Elekta Instrument AB";
  p->info.manufacturer_model_name = "Leksell GammaPlan\xC2\xAE";
  return p;
}

}  // namespace

TEST(delivery_kind, decided_from_machine_and_attributes) {
  auto linac = make_plan({segmented_beam(1, 0, 1)});
  EXPECT_EQ(classify_delivery_kind(*linac).kind, DeliveryKind::c_arm_linac_photon);
  Beam e = segmented_beam(1, 0, 1);
  e.radiation_type = "ELECTRON";
  EXPECT_EQ(classify_delivery_kind(*make_plan({e})).kind, DeliveryKind::c_arm_linac_electron);
  auto halcyon = make_plan({segmented_beam(1, 0, 1)});
  halcyon->info.sop_class_uid = "1.2.246.352.70.1.70";
  EXPECT_EQ(classify_delivery_kind(*halcyon).kind, DeliveryKind::ring_linac);
  auto ethos = make_plan({segmented_beam(1, 0, 1)});
  ethos->beams[0].treatment_machine_name = "Ethos_1";
  EXPECT_EQ(classify_delivery_kind(*ethos).kind, DeliveryKind::ring_linac);
  auto tomo = make_plan({arc_beam(1, 0, 359, "CW")});
  tomo->info.manufacturer = "TomoTherapy Incorporated";
  EXPECT_EQ(classify_delivery_kind(*tomo).kind, DeliveryKind::tomotherapy_helical);
  auto direct = make_plan({segmented_beam(1, 0, 1)});
  direct->info.manufacturer_model_name = "Hi-Art";
  EXPECT_EQ(classify_delivery_kind(*direct).kind, DeliveryKind::tomotherapy_direct);
  auto ck = make_plan({segmented_beam(1, 0, 1)});
  ck->beams[0].treatment_machine_name = "CyberKnife M6";
  EXPECT_EQ(classify_delivery_kind(*ck).kind, DeliveryKind::cyberknife);
  auto unity = make_plan({segmented_beam(1, 0, 1)});
  unity->beams[0].treatment_machine_name = "Unity_MR";
  EXPECT_EQ(classify_delivery_kind(*unity).kind, DeliveryKind::mr_linac);
  auto community = make_plan({segmented_beam(1, 0, 1)});
  community->info.station_name = "COMMUNITY1";  // not a Unity
  community->beams[0].treatment_machine_name = "TB_COMMUNITY";
  EXPECT_EQ(classify_delivery_kind(*community).kind, DeliveryKind::c_arm_linac_photon);
  const auto gk = classify_delivery_kind(*gamma_plan());
  EXPECT_EQ(gk.kind, DeliveryKind::gamma_knife);
  EXPECT_NE(gk.rule.find("gammaplan"), std::string::npos) << gk.rule;
}

TEST(delivery_kind, ion_and_brachy_subkinds) {
  auto ion = make_plan({segmented_beam(1, 0, 1)});
  ion->kind = PlanKind::ion;
  ion->beams[0].radiation_type = "PROTON";
  ion->beams[0].scan_mode = "MODULATED";
  EXPECT_EQ(classify_delivery_kind(*ion).kind, DeliveryKind::ion_scanned);
  ion->beams[0].scan_mode = "UNIFORM";
  EXPECT_EQ(classify_delivery_kind(*ion).kind, DeliveryKind::ion_scattered);
  Plan brachy;
  brachy.kind = PlanKind::brachy;
  brachy.application_setups.push_back({});
  for (auto [type, kind] : {std::pair{"HDR", DeliveryKind::brachy_hdr},
                            {"PDR", DeliveryKind::brachy_pdr},
                            {"LDR", DeliveryKind::brachy_ldr},
                            {"", DeliveryKind::brachy_unspecified}}) {
    brachy.brachy_treatment_type = type;
    EXPECT_EQ(classify_delivery_kind(brachy).kind, kind) << type;
  }
}

// Issue 11 class 3: a GammaPlan export came out "PHOTON 0 MV", 3D conformal, TECHNIQUE_IMRT
// fail and PRESCRIPTION fail.
TEST(applicability, gamma_knife_is_not_judged_as_a_linac) {
  PlanSet set = make_good_plan_set();
  set.plan = gamma_plan();
  const CheckReport r = run_checks(set);
  EXPECT_EQ(r.technique.technique, Technique::gamma_knife);
  for (auto id : {check_id::technique_imrt, check_id::beam_description, check_id::compensator_design}) {
    const Finding* f = find(r, id);
    ASSERT_TRUE(f) << id;
    EXPECT_EQ(f->status, Status::info) << id << ": " << f->message;
    EXPECT_NE(f->message.find("not applicable"), std::string::npos) << f->message;
  }
  const Finding* rx = find(r, check_id::prescription);
  ASSERT_TRUE(rx);
  EXPECT_NE(rx->status, Status::fail) << rx->message;
  for (const auto& f : r.findings) EXPECT_NE(fail_level(f), FailLevel::fail) << f.id << ": " << f.message;
}

TEST(applicability, registry) {
  EXPECT_TRUE(check_applies(check_id::technique_imrt, DeliveryKind::ring_linac));
  EXPECT_TRUE(check_applies(check_id::technique_imrt, DeliveryKind::tomotherapy_helical));
  EXPECT_FALSE(check_applies(check_id::technique_imrt, DeliveryKind::ion_scanned));
  EXPECT_FALSE(check_applies(check_id::technique_imrt, DeliveryKind::brachy_hdr));
  EXPECT_FALSE(check_applies(check_id::technique_imrt, DeliveryKind::c_arm_linac_electron));
  EXPECT_FALSE(check_applies(check_id::beam_description, DeliveryKind::brachy_ldr));
  EXPECT_TRUE(check_applies(check_id::prescription, DeliveryKind::gamma_knife));
  EXPECT_TRUE(check_applies(check_id::dose_grid_spacing, DeliveryKind::brachy_hdr));
  // GTV and PTV contouring is the IMRT policies' rule: the kinds they judge as photon plans,
  // every unknown kind.
  for (auto id : {check_id::gtv_contoured, check_id::ptv_contoured}) {
    EXPECT_TRUE(check_applies(id, DeliveryKind::c_arm_linac_photon)) << id;
    EXPECT_TRUE(check_applies(id, DeliveryKind::unknown)) << id;
    EXPECT_TRUE(check_applies(id, DeliveryKind::cyberknife)) << id;  // judged as a photon plan
    EXPECT_FALSE(check_applies(id, DeliveryKind::c_arm_linac_electron)) << id;
    EXPECT_FALSE(check_applies(id, DeliveryKind::brachy_hdr)) << id;
    EXPECT_FALSE(check_applies(id, DeliveryKind::ion_scanned)) << id;
    EXPECT_FALSE(check_applies(id, DeliveryKind::gamma_knife)) << id;
  }
  EXPECT_TRUE(check_applies(check_id::oar_contoured, DeliveryKind::brachy_hdr));
}

// A plan set without its plan: the doses' own attributes (PS3.3 C.8.8.3) name the kind. The
// UIDs are PS3.4 B.5's, written out here rather than taken from the code's constants.
TEST(delivery_kind, without_a_plan_from_its_doses) {
  auto dose = [](std::string plan_sop_class, std::string summation) {
    auto d = std::make_shared<DoseGrid>();
    d->referenced_plan_sop_class_uid = std::move(plan_sop_class);
    d->summation_type = std::move(summation);
    return std::shared_ptr<const DoseGrid>(d);
  };
  const std::string ion_plan = "1.2.840.10008.5.1.4.1.1.481.8";
  const std::string photon_plan = "1.2.840.10008.5.1.4.1.1.481.5";
  EXPECT_EQ(classify_delivery_kind({dose(ion_plan, "BEAM"), dose(ion_plan, "BEAM")}).kind,
            DeliveryKind::ion_unspecified);
  EXPECT_EQ(classify_delivery_kind({dose(photon_plan, "BRACHY")}).kind, DeliveryKind::brachy_unspecified);
  EXPECT_EQ(classify_delivery_kind({dose("", "BRACHY_SESSION")}).kind, DeliveryKind::brachy_unspecified);
  // A photon plan's dose does not tell C-arm from ring, helical or robotic: unknown.
  EXPECT_EQ(classify_delivery_kind({dose(photon_plan, "PLAN")}).kind, DeliveryKind::unknown);
  const std::vector<std::shared_ptr<const DoseGrid>> none;
  EXPECT_EQ(classify_delivery_kind(none).kind, DeliveryKind::unknown);
  // Doses that disagree decide nothing.
  EXPECT_EQ(classify_delivery_kind({dose(ion_plan, "PLAN"), dose(photon_plan, "BRACHY")}).kind,
            DeliveryKind::unknown);
  // A photon dose beside an ion one does not contradict it (it says nothing).
  EXPECT_EQ(classify_delivery_kind({dose(photon_plan, "PLAN"), dose(ion_plan, "BEAM")}).kind,
            DeliveryKind::ion_unspecified);
  EXPECT_TRUE(is_ion(DeliveryKind::ion_unspecified));
  EXPECT_EQ(coarse_kind(DeliveryKind::ion_unspecified), PlanKind::ion);
}

// Without the plan and with doses that do not name its kind, the GTV/PTV rule (photon plans
// only) may not apply: a missing GTV is not evaluable, never a failure. With the doses naming
// an RT Ion Plan it does not apply at all; the OAR rule (every kind) still fails.
TEST(applicability, plan_absent_and_kind_unknown_holds_scoped_failures) {
  PlanSet set = make_good_plan_set();
  set.plan.reset();
  set.structure_set = make_structure_set({make_box_roi(1, "BODY", "EXTERNAL", 5, 95, 5, 95, 4, 40),
                                          make_box_roi(3, "PTV_6000", "PTV", 35, 55, 35, 55, 16, 30)});
  CheckReport r = run_checks(set);
  ASSERT_TRUE(find(r, check_id::gtv_contoured));
  EXPECT_EQ(find(r, check_id::gtv_contoured)->status, Status::not_evaluable)
      << find(r, check_id::gtv_contoured)->message;
  ASSERT_TRUE(find(r, check_id::oar_contoured));
  EXPECT_EQ(find(r, check_id::oar_contoured)->status, Status::fail);

  auto dose = std::make_shared<DoseGrid>(*set.doses[0]);
  dose->referenced_plan_sop_class_uid = "1.2.840.10008.5.1.4.1.1.481.8";  // RT Ion Plan (PS3.4 B.5)
  set.doses = {dose};
  r = run_checks(set);
  EXPECT_EQ(find(r, check_id::gtv_contoured)->status, Status::info);
  EXPECT_EQ(find(r, check_id::oar_contoured)->status, Status::fail);
}

// An RT Plan (not an RT Ion Plan) with PROTON beams is an ion plan in every output.
TEST(delivery_kind, proton_beams_in_an_rt_plan_make_an_ion_plan) {
  Beam proton = segmented_beam(1, 90, 2);
  proton.radiation_type = "PROTON";
  auto plan = make_plan({proton});
  plan->kind = PlanKind::photon_electron;  // what the reader's SOP-class test alone would say
  const auto beams = summarize_beams(*plan);
  EXPECT_EQ(summarize_plan(*plan, beams).kind, PlanKind::ion);
}
