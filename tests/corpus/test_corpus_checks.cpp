// The technical checks on real exported plans (../shared/corpus; skipped when absent).
#include <gtest/gtest.h>

#include <algorithm>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

using namespace rtreview;

namespace {

struct Checked {
  std::vector<PlanSet> sets;
  std::vector<CheckReport> reports;
};

Checked check(const std::vector<std::filesystem::path>& paths, bool compute_dvhs = false) {
  Checked c;
  c.sets = assemble_plan_sets(read_paths(paths));
  CheckOptions options;
  options.compute_dvhs = compute_dvhs;
  options.default_structure_vocabulary = test::source_dir() / "rulesets" / "structure-names.tsv";
  for (const auto& s : c.sets) c.reports.push_back(run_checks(s, options));
  return c;
}

// The report of the plan set that has a plan (corpus folders hold one plan each).
const CheckReport* plan_report(const Checked& c) {
  for (std::size_t i = 0; i < c.sets.size(); ++i)
    if (c.sets[i].plan) return &c.reports[i];
  return nullptr;
}

std::vector<const Finding*> all(const CheckReport& r, std::string_view id) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.id == id) out.push_back(&f);
  return out;
}

bool mentions(const Finding& f, const std::string& text) {
  if (f.message.find(text) != std::string::npos) return true;
  for (const auto& e : f.evidence)
    if (e.label.find(text) != std::string::npos || e.value.find(text) != std::string::npos) return true;
  return false;
}

const RoiClassification* roi(const CheckReport& r, const std::string& name) {
  for (const auto& s : r.structures)
    if (s.roi_name == name) return &s;
  return nullptr;
}

}  // namespace

TEST(corpus_checks, pydicom_dose_at_exactly_10_mm_relative_beam) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "pydicom" / "rtdose.dcm"});
  ASSERT_EQ(c.sets.size(), 1u);
  auto grid = all(c.reports[0], check_id::dose_grid_spacing);
  ASSERT_EQ(grid.size(), 1u);
  EXPECT_EQ(grid[0]->status, Status::pass) << grid[0]->message;
  EXPECT_EQ(grid[0]->message, "largest dose grid spacing 10 mm <= 10 mm");
  auto fit = all(c.reports[0], check_id::dose_object_fit);
  ASSERT_EQ(fit.size(), 1u);
  EXPECT_EQ(fit[0]->status, Status::fail);
  EXPECT_TRUE(mentions(*fit[0], "RELATIVE"));
  EXPECT_TRUE(mentions(*fit[0], "BEAM"));
}

TEST(corpus_checks, dicompyler_breast_is_sliding_window_with_4_portals_and_empty_areola) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "dicompyler-core" / "rtplan.dcm", corpus / "dicompyler-core" / "rtss.dcm"});
  const CheckReport* r = plan_report(c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->technique.technique, Technique::imrt_sliding_window) << r->technique.rule;
  EXPECT_EQ(r->plan_summary.treatment_portal_count, 4);
  auto empty = all(*r, check_id::empty_rois);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_TRUE(mentions(*empty[0], "Areola")) << empty[0]->message;
  EXPECT_EQ(all(*r, check_id::technique_imrt)[0]->status, Status::pass);
}

TEST(corpus_checks, eclipse_field_in_field_is_not_imrt) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "aperturecomplexity" / "RP_FiF.dcm"});
  const CheckReport* r = plan_report(c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->technique.technique, Technique::field_in_field) << r->technique.rule;
  EXPECT_EQ(all(*r, check_id::technique_imrt)[0]->status, Status::fail);
}

TEST(corpus_checks, raystation_srs_22_portals_and_roi_classes) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "pps_hist" / "BrainSRSRaystationIMRT"}, /*compute_dvhs=*/true);
  const CheckReport* r = plan_report(c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->beams.size(), 22u);
  auto beams = all(*r, check_id::beam_description);
  ASSERT_EQ(beams.size(), 1u);
  EXPECT_EQ(std::count_if(beams[0]->evidence.begin(), beams[0]->evidence.end(),
                          [](const Evidence& e) { return e.label.rfind("beam ", 0) == 0; }),
            22);
  EXPECT_EQ(r->technique.technique, Technique::imrt_step_and_shoot) << r->technique.rule;
  for (int i = 1; i <= 5; ++i) {
    const auto* ptv = roi(*r, "PTV_" + std::to_string(i));
    const auto* gtv = roi(*r, "GTV_" + std::to_string(i));
    ASSERT_NE(ptv, nullptr);
    ASSERT_NE(gtv, nullptr);
    EXPECT_EQ(ptv->category, StructureCategory::ptv);
    EXPECT_EQ(gtv->category, StructureCategory::gtv);
  }
  int isocentres = 0;
  for (const auto& s : r->structures)
    if (s.category == StructureCategory::isocenter) ++isocentres;
  EXPECT_EQ(isocentres, 4);
  auto empty = all(*r, check_id::empty_rois);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_FALSE(mentions(*empty[0], "ISOCENTER")) << empty[0]->message;
  for (auto id : {check_id::gtv_contoured, check_id::ptv_contoured, check_id::oar_contoured,
                  check_id::dose_grid_spacing})
    EXPECT_EQ(all(*r, id)[0]->status, Status::pass) << id;
  // The structure set's top-level frame of reference is empty: the ROIs' is used.
  EXPECT_EQ(all(*r, check_id::dose_object_fit)[0]->status, Status::pass)
      << all(*r, check_id::dose_object_fit)[0]->message;
  const Finding* dvh = all(*r, check_id::dvh_computable)[0];
  EXPECT_NE(dvh->status, Status::fail) << dvh->message;
}

TEST(corpus_checks, tomotherapy_plan_is_helical) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "pps_hist" / "tomo_plan_error"});
  const CheckReport* r = plan_report(c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->technique.technique, Technique::helical) << r->technique.rule;
  EXPECT_EQ(all(*r, check_id::technique_imrt)[0]->status, Status::pass);
}

TEST(corpus_checks, proton_and_brachy_plans_are_recognised_not_crashed) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto ion = check({corpus / "dcpt_let" / "plan03_ramp_full"});
  const CheckReport* r = plan_report(ion);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->technique.technique, Technique::proton);
  EXPECT_EQ(all(*r, check_id::plan_kind_unsupported).size(), 1u);
  // Issue 11: IMRT rules do not apply to ion plans: info "not applicable" (was not_evaluable,
  // which policies read as insufficient documentation).
  EXPECT_EQ(all(*r, check_id::technique_imrt)[0]->status, Status::info);
  auto brachy = check({corpus / "brachy_robustbrachy"});
  r = plan_report(brachy);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->technique.technique, Technique::brachytherapy);
  EXPECT_EQ(all(*r, check_id::plan_kind_unsupported).size(), 1u);
  // The HDR implant's target is the prostate (a CTV, no margins; no GTV or PTV ROI): the IMRT
  // policies' GTV/PTV rule does not apply (it failed at error severity before session 15).
  for (auto id : {check_id::technique_imrt, check_id::beam_description, check_id::compensator_design,
                  check_id::gtv_contoured, check_id::ptv_contoured})
    EXPECT_EQ(all(*r, id)[0]->status, Status::info) << id;
}

// dcpt_let/plan03_ramp_full holds a dose and structure set whose PatientID differs from the RT
// Ion Plan's, so they assemble into a set of their own. Their doses reference the plan as an RT
// Ion Plan (pydicom: ReferencedRTPlanSequence[0].ReferencedSOPClassUID ...481.8): the set is a
// proton set, not held to the IMRT policies' GTV/PTV rule (it failed GTV_CONTOURED before).
TEST(corpus_checks, a_proton_dose_without_its_plan_is_judged_as_a_proton_set) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  auto c = check({corpus / "dcpt_let" / "plan03_ramp_full"});
  const CheckReport* planless = nullptr;
  for (std::size_t i = 0; i < c.sets.size(); ++i)
    if (!c.sets[i].plan && !c.sets[i].doses.empty()) planless = &c.reports[i];
  ASSERT_NE(planless, nullptr);
  EXPECT_EQ(planless->plan_summary.delivery_kind, DeliveryKind::ion_unspecified);
  EXPECT_EQ(planless->plan_summary.kind, PlanKind::ion);
  ASSERT_EQ(all(*planless, check_id::plan_kind_unsupported).size(), 1u);
  for (auto id : {check_id::gtv_contoured, check_id::ptv_contoured}) {
    auto fs = all(*planless, id);
    ASSERT_FALSE(fs.empty()) << id;
    EXPECT_EQ(fs[0]->status, Status::info) << id;
  }
}

TEST(corpus_checks, every_corpus_folder_checks_without_crashing) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (!entry.is_directory()) continue;
    auto c = check({entry.path()});
    for (const auto& r : c.reports) EXPECT_FALSE(r.findings.empty()) << entry.path();
  }
}
