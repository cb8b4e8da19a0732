// DOSE_GRID_SPACING, DOSE_OBJECT_FIT, DVH_COMPUTABLE, DVH_MATCHES_FILE on generated doses.
#include <gtest/gtest.h>

#include "rtreview/check_ids.h"
#include "test_checks_fixtures.h"

using namespace rtreview;
using namespace rtreview::test;

TEST(dose_grid_spacing, ten_mm_passes_inclusive) {
  PlanSet set = make_good_plan_set();
  set.doses = {make_dose(10, 10, 15, 10.0, 10.0, 10.0)};
  auto fs = check_dose_grid_spacing(set);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].status, Status::pass);
  EXPECT_NE(fs[0].subject.find("plan dose"), std::string::npos);
  EXPECT_EQ(fs[0].message, "largest dose grid spacing 10 mm <= 10 mm");
}

TEST(dose_grid_spacing, twelve_mm_slice_fails) {
  PlanSet set = make_good_plan_set();
  set.doses = {make_dose(10, 10, 5, 3.0, 3.0, 12.0)};
  auto fs = check_dose_grid_spacing(set);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].status, Status::fail);
  EXPECT_EQ(fs[0].severity, Severity::error);
  EXPECT_EQ(fs[0].message, "largest dose grid spacing 12 mm > 10 mm");
}

TEST(dose_grid_spacing, non_uniform_descending_offsets_use_largest_step) {
  PlanSet set = make_good_plan_set();
  auto d = make_dose(10, 10, 4, 2.5, 2.5, 0);
  d->frame_offsets_mm = {0, -2.5, -5.0, -15.5};  // descending, last step 10.5 mm
  set.doses = {d};
  auto fs = check_dose_grid_spacing(set);
  EXPECT_EQ(fs[0].status, Status::fail);
  EXPECT_TRUE(evidence_contains(fs[0], "non-uniform"));
  EXPECT_TRUE(evidence_contains(fs[0], "10.5 mm"));
}

TEST(dose_grid_spacing, single_frame_in_plane_only) {
  PlanSet set = make_good_plan_set();
  set.doses = {make_dose(10, 10, 1, 4.0, 4.0, 0)};
  auto fs = check_dose_grid_spacing(set);
  EXPECT_EQ(fs[0].status, Status::pass);
  EXPECT_NE(fs[0].message.find("single frame"), std::string::npos);
}

TEST(dose_grid_spacing, no_dose_or_no_spacing_not_evaluable) {
  PlanSet set = make_good_plan_set();
  set.doses.clear();
  EXPECT_EQ(check_dose_grid_spacing(set)[0].status, Status::not_evaluable);
  set.doses = {make_dose(10, 10, 2, 0.0, 2.0, 2.0)};
  EXPECT_EQ(check_dose_grid_spacing(set)[0].status, Status::not_evaluable);
}

TEST(dose_grid_spacing, every_dose_judged_beam_dose_failure_is_a_warning) {
  PlanSet set = make_good_plan_set();
  auto beam_dose = make_dose(10, 10, 3, 15.0, 15.0, 15.0);
  beam_dose->summation_type = "BEAM";
  set.doses.push_back(beam_dose);
  auto fs = check_dose_grid_spacing(set);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].status, Status::pass);
  EXPECT_EQ(fs[1].status, Status::fail);
  EXPECT_EQ(fs[1].severity, Severity::warning);
  EXPECT_NE(fs[1].subject.find("BEAM dose"), std::string::npos);
}

TEST(dose_object_fit, plan_dose_in_gy_same_frame_passes) {
  PlanSet set = make_good_plan_set();
  auto f = check_dose_object_fit(set);
  EXPECT_EQ(f.status, Status::pass) << f.message;
  EXPECT_EQ(f.severity, Severity::info);
}

TEST(dose_object_fit, relative_beam_dose_without_plan_fails) {
  PlanSet set;
  set.id = "x";
  auto d = make_dose(10, 10, 15, 10, 10, 10);
  d->units = "RELATIVE";
  d->summation_type = "BEAM";
  set.doses = {d};
  auto f = check_dose_object_fit(set);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.message.find("RELATIVE"), std::string::npos);
  EXPECT_NE(f.message.find("BEAM"), std::string::npos);
}

TEST(dose_object_fit, beam_doses_covering_all_beams_pass_with_remark) {
  PlanSet set = make_good_plan_set();
  set.doses.clear();
  for (const auto& b : set.plan->beams) {
    auto d = make_dose(10, 10, 3, 3, 3, 3);
    d->summation_type = "BEAM";
    d->referenced_beam_numbers = {b.number};
    set.doses.push_back(d);
  }
  auto f = check_dose_object_fit(set);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_TRUE(evidence_contains(f, "covering all 7 treatment beams"));
  set.doses.pop_back();  // one beam uncovered
  EXPECT_EQ(check_dose_object_fit(set).status, Status::fail);
}

TEST(dose_object_fit, frame_of_reference_mismatch_fails_and_roi_frame_is_used) {
  PlanSet set = make_good_plan_set();
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->info.frame_of_reference_uid = "";  // RayStation: empty top level, the ROIs carry it
  set.structure_set = ss;
  EXPECT_EQ(check_dose_object_fit(set).status, Status::pass);
  auto d = make_dose(10, 10, 3, 3, 3, 3);
  d->info.frame_of_reference_uid = "9.9.9";
  set.doses = {d};
  auto f = check_dose_object_fit(set);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.message.find("different frames of reference"), std::string::npos);
}

TEST(dose_object_fit, no_dose_not_evaluable) {
  PlanSet set = make_good_plan_set();
  set.doses.clear();
  EXPECT_EQ(check_dose_object_fit(set).status, Status::not_evaluable);
}

TEST(select_plan_dose, prefers_plan_summation_in_gy) {
  PlanSet set = make_good_plan_set();
  auto beam = make_dose(5, 5, 2, 2, 2, 2);
  beam->summation_type = "BEAM";
  set.doses.insert(set.doses.begin(), beam);
  EXPECT_EQ(select_plan_dose(set), set.doses[1].get());
}

namespace {

RoiDvh fake_dvh(int number, double volume_cc, double inside_cc) {
  RoiDvh d;
  d.roi_number = number;
  d.computed = true;
  d.volume_cc = volume_cc;
  d.volume_in_grid_cc = inside_cc;
  d.volume_outside_grid_cc = volume_cc - inside_cc;
  d.mean_gy = 2.0;
  d.max_gy = 2.0;
  d.dose_units = "GY";
  return d;
}

std::vector<RoiClassification> classes(const PlanSet& set) {
  return classify_structures(*set.structure_set, parse_structure_vocabulary("SpinalCord\toar\tCord\n", "t"));
}

}  // namespace

TEST(dvh_computable, all_inside_passes) {
  PlanSet set = make_good_plan_set();
  std::vector<RoiDvh> dvhs = {fake_dvh(2, 0.6, 0.6), fake_dvh(3, 2.8, 2.8), fake_dvh(4, 1.3, 1.3)};
  auto f = check_dvh_computable(set, classes(set), set.doses[0].get(), dvhs, true);
  EXPECT_EQ(f.status, Status::pass) << f.message;
}

TEST(dvh_computable, target_partly_outside_fails_oar_tolerance_applies) {
  PlanSet set = make_good_plan_set();
  std::vector<RoiDvh> dvhs = {fake_dvh(2, 1.0, 1.0), fake_dvh(3, 10.0, 9.9), fake_dvh(4, 10.0, 9.6)};
  auto f = check_dvh_computable(set, classes(set), set.doses[0].get(), dvhs, true);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.message.find("PTV_6000"), std::string::npos);
  EXPECT_EQ(f.message.find("SpinalCord"), std::string::npos);  // 96 % >= 95 % for OARs
  dvhs[1] = fake_dvh(3, 10.0, 9.96);                           // 99.6 %: inside the 0.5 % tolerance
  EXPECT_EQ(check_dvh_computable(set, classes(set), set.doses[0].get(), dvhs, true).status, Status::pass);
}

TEST(dvh_computable, not_attempted_is_not_evaluable_other_frame_fails) {
  PlanSet set = make_good_plan_set();
  auto f = check_dvh_computable(set, classes(set), set.doses[0].get(), {}, false);
  EXPECT_EQ(f.status, Status::not_evaluable);
  auto d = make_dose(10, 10, 3, 3, 3, 3);
  d->info.frame_of_reference_uid = "9.9";
  auto g = check_dvh_computable(set, classes(set), d.get(), {}, false);
  EXPECT_EQ(g.status, Status::fail);
  EXPECT_TRUE(evidence_contains(g, "frame of reference differs"));
  EXPECT_EQ(check_dvh_computable(set, classes(set), nullptr, {}, false).status, Status::not_evaluable);
}

TEST(dvh_computable, uncomputed_dvh_fails) {
  PlanSet set = make_good_plan_set();
  std::vector<RoiDvh> dvhs = {fake_dvh(2, 1.0, 1.0), fake_dvh(3, 1.0, 1.0), fake_dvh(4, 1.0, 0.0)};
  dvhs[2].computed = false;
  dvhs[2].not_computed_reason = "outside dose grid";
  auto f = check_dvh_computable(set, classes(set), set.doses[0].get(), dvhs, true);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_TRUE(evidence_contains(f, "outside dose grid"));
}

TEST(dvh_matches_file, info_without_file_dvhs) {
  PlanSet set = make_good_plan_set();
  EXPECT_EQ(check_dvh_matches_file(set.doses[0].get(), {}).status, Status::info);
  auto d = make_dose(5, 5, 2, 2, 2, 2);
  d->dvhs.push_back(FileDvh{});
  EXPECT_EQ(check_dvh_matches_file(d.get(), {}).status, Status::not_evaluable);
}

TEST(dvh_matches_file, pass_or_fail_by_tolerance) {
  // Dose rising 1 Gy/mm along z over a box ROI; the file DVH is ours, then ours at 1.1 × the dose.
  auto d = make_dose(20, 20, 20, 1.0, 1.0, 1.0);
  for (int f = 0; f < 20; ++f)
    std::fill(d->dose.begin() + f * 400, d->dose.begin() + (f + 1) * 400, static_cast<float>(10 + f));
  StructureSet ss;
  ss.rois.push_back(make_box_roi(1, "PTV", "PTV", 5, 15, 5, 15, 4, 14, 1.0));
  const auto dvhs = compute_dvhs(ss, *d);
  ASSERT_TRUE(dvhs[0].computed);
  FileDvh file;
  file.referenced_roi_number = 1;
  file.type = "CUMULATIVE";
  file.dose_units = "GY";
  file.volume_units = "CM3";
  for (int i = 0; i < 300; ++i) {
    file.bin_widths.push_back(0.1);
    file.volumes.push_back(volume_at_dose_cc(dvhs[0], i * 0.1));
  }
  d->dvhs = {file};
  auto f = check_dvh_matches_file(d.get(), dvhs);
  EXPECT_EQ(f.status, Status::pass) << f.message;
  EXPECT_TRUE(evidence_contains(f, "within tolerance"));
  for (auto& w : d->dvhs[0].bin_widths) w *= 1.1;
  f = check_dvh_matches_file(d.get(), dvhs);
  EXPECT_EQ(f.status, Status::fail) << f.message;
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_TRUE(evidence_contains(f, "outside tolerance"));
}

TEST(run_checks, good_plan_set_runs_every_check) {
  PlanSet set = make_good_plan_set();
  CheckOptions options;
  options.compute_dvhs = true;
  auto report = run_checks(set, options);
  for (auto id :
       {check_id::dose_grid_spacing, check_id::dose_object_fit, check_id::gtv_contoured,
        check_id::ptv_contoured, check_id::oar_contoured, check_id::empty_rois, check_id::dvh_computable,
        check_id::dvh_matches_file, check_id::beam_description, check_id::technique_imrt,
        check_id::compensator_design, check_id::prescription, check_id::dose_constraints,
        check_id::plan_approval, check_id::structure_set_approval, check_id::support_ptv_oar_proximity,
        check_id::support_target_concavity, check_id::support_dose_escalation, check_id::support_prior_plan})
    EXPECT_NE(find(report.findings, id), nullptr) << id;
  EXPECT_EQ(find(report.findings, check_id::dose_grid_spacing)->status, Status::pass);
  EXPECT_EQ(find(report.findings, check_id::technique_imrt)->status, Status::pass);
  // DVHs: computed when the engine is linked, else not_evaluable; never fail on this geometry.
  EXPECT_NE(find(report.findings, check_id::dvh_computable)->status, Status::fail)
      << find(report.findings, check_id::dvh_computable)->message;
  auto again = run_checks(set, options);
  ASSERT_EQ(again.findings.size(), report.findings.size());
  for (std::size_t i = 0; i < again.findings.size(); ++i)
    EXPECT_EQ(again.findings[i].message, report.findings[i].message);
}

TEST(run_checks, real_dvh_engine_passes_inside_and_fails_a_target_outside_the_grid) {
  PlanSet set = make_good_plan_set();
  auto report = run_checks(set, CheckOptions{});
  const Finding* dvh = find(report.findings, check_id::dvh_computable);
  EXPECT_EQ(dvh->status, Status::pass) << dvh->message;
  EXPECT_EQ(report.dvhs.size(), set.structure_set->rois.size());
  // Move the PTV so that half of it lies beyond the grid's +x edge (97.5 mm).
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->rois[2] = make_box_roi(3, "PTV_6000", "PTV", 85, 110, 35, 55, 16, 30);
  set.structure_set = ss;
  report = run_checks(set, CheckOptions{});
  dvh = find(report.findings, check_id::dvh_computable);
  EXPECT_EQ(dvh->status, Status::fail);
  EXPECT_NE(dvh->message.find("PTV_6000"), std::string::npos);
  EXPECT_TRUE(evidence_contains(*dvh, "% inside the dose grid"));
}
