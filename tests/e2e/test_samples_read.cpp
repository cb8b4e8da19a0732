// Reading dicom_samples/ back: every set's objects read, match the generator's model
// (writer + reader round trip), and the broken variants carry their defect.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"
#include "rtreview/samples.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace rtreview {
namespace {

const std::vector<samples::SampleSet>& model_sets() {
  static const std::vector<samples::SampleSet> all = samples::make_sample_sets();
  return all;
}

Inventory read_set(const std::string& name) {
  const fs::path dir = test::source_dir() / "dicom_samples" / name;
  return read_paths({dir / "RS.dcm", dir / "RP.dcm", dir / "RD.dcm"});
}

void expect_plan_matches(const Plan& read, const Plan& model) {
  EXPECT_EQ(read.info.sop_instance_uid, model.info.sop_instance_uid);
  EXPECT_EQ(read.label, model.label);
  EXPECT_EQ(read.approval_status, "APPROVED");
  EXPECT_EQ(read.reviewer_name, model.reviewer_name);
  EXPECT_EQ(read.review_date, model.review_date);
  EXPECT_EQ(read.info.patient.id, model.info.patient.id);
  EXPECT_EQ(read.referenced_structure_set_uids, model.referenced_structure_set_uids);
  ASSERT_EQ(read.dose_references.size(), model.dose_references.size());
  for (std::size_t i = 0; i < model.dose_references.size(); ++i) {
    EXPECT_EQ(read.dose_references[i].referenced_roi_number, model.dose_references[i].referenced_roi_number);
    EXPECT_EQ(read.dose_references[i].target_prescription_dose_gy,
              model.dose_references[i].target_prescription_dose_gy);
    EXPECT_EQ(read.dose_references[i].organ_at_risk_maximum_dose_gy,
              model.dose_references[i].organ_at_risk_maximum_dose_gy);
    EXPECT_EQ(read.dose_references[i].organ_at_risk_limit_dose_gy,
              model.dose_references[i].organ_at_risk_limit_dose_gy);
  }
  EXPECT_EQ(read.info.patient.name, model.info.patient.name);  // UTF-8 again after Latin-1 on disk
  ASSERT_EQ(read.fraction_groups.size(), model.fraction_groups.size());
  for (std::size_t g = 0; g < model.fraction_groups.size(); ++g) {
    const FractionGroup& rg = read.fraction_groups[g];
    const FractionGroup& mg = model.fraction_groups[g];
    EXPECT_EQ(rg.number, mg.number);
    EXPECT_EQ(rg.fractions_planned, mg.fractions_planned);
    ASSERT_EQ(rg.dose_references.size(), mg.dose_references.size());
    for (std::size_t i = 0; i < mg.dose_references.size(); ++i)
      EXPECT_EQ(rg.dose_references[i].referenced_dose_reference_number,
                mg.dose_references[i].referenced_dose_reference_number);
    ASSERT_EQ(rg.beams.size(), mg.beams.size());
    for (std::size_t i = 0; i < mg.beams.size(); ++i) EXPECT_EQ(rg.beams[i].meterset, mg.beams[i].meterset);
  }
  ASSERT_EQ(read.beams.size(), model.beams.size());
  for (std::size_t b = 0; b < model.beams.size(); ++b) {
    const Beam& rb = read.beams[b];
    const Beam& mb = model.beams[b];
    EXPECT_EQ(rb.beam_type, mb.beam_type);
    EXPECT_EQ(rb.treatment_machine_name, mb.treatment_machine_name);
    ASSERT_EQ(rb.control_points.size(), mb.control_points.size()) << mb.name;
    ASSERT_EQ(rb.compensators.size(), mb.compensators.size());
    for (std::size_t c = 0; c < mb.compensators.size(); ++c) {
      EXPECT_EQ(rb.compensators[c].rows, mb.compensators[c].rows);
      EXPECT_EQ(rb.compensators[c].columns, mb.compensators[c].columns);
      EXPECT_EQ(rb.compensators[c].material_id, mb.compensators[c].material_id);
      EXPECT_EQ(rb.compensators[c].thickness_value_count, mb.compensators[c].thickness_data_mm.size());
    }
    for (std::size_t i = 0; i < mb.control_points.size(); ++i) {
      const ControlPoint& r = rb.control_points[i];
      const ControlPoint& m = mb.control_points[i];
      ASSERT_TRUE(r.cumulative_meterset_weight);
      EXPECT_NEAR(*r.cumulative_meterset_weight, *m.cumulative_meterset_weight, 1e-9);
      EXPECT_NEAR(r.gantry_angle_deg, m.gantry_angle_deg, 1e-9);
      EXPECT_EQ(r.gantry_rotation_direction, m.gantry_rotation_direction);
      ASSERT_EQ(r.device_positions.size(), m.device_positions.size()) << mb.name << " cp " << i;
      for (std::size_t d = 0; d < m.device_positions.size(); ++d) {
        ASSERT_EQ(r.device_positions[d].positions_mm.size(), m.device_positions[d].positions_mm.size());
        for (std::size_t k = 0; k < m.device_positions[d].positions_mm.size(); ++k)
          EXPECT_NEAR(r.device_positions[d].positions_mm[k], m.device_positions[d].positions_mm[k], 1e-9);
      }
    }
  }
}

void expect_structures_match(const StructureSet& read, const StructureSet& model) {
  EXPECT_EQ(read.info.frame_of_reference_uid, model.info.frame_of_reference_uid);
  ASSERT_EQ(read.rois.size(), model.rois.size());
  for (std::size_t i = 0; i < model.rois.size(); ++i) {
    const Roi& r = read.rois[i];
    const Roi& m = model.rois[i];
    EXPECT_EQ(r.number, m.number);
    EXPECT_EQ(r.name, m.name);
    EXPECT_EQ(r.interpreted_type, m.interpreted_type);
    ASSERT_EQ(r.contours.size(), m.contours.size()) << m.name;
    for (std::size_t c = 0; c < m.contours.size(); ++c) {
      ASSERT_EQ(r.contours[c].points_mm.size(), m.contours[c].points_mm.size());
      for (std::size_t p = 0; p < m.contours[c].points_mm.size(); ++p)
        for (int a = 0; a < 3; ++a)
          ASSERT_NEAR(r.contours[c].points_mm[p][a], m.contours[c].points_mm[p][a], 1e-9);
    }
  }
}

void expect_dose_matches(const DoseGrid& read, const DoseGrid& model) {
  EXPECT_EQ(read.columns, model.columns);
  EXPECT_EQ(read.rows, model.rows);
  EXPECT_EQ(read.frames, model.frames);
  EXPECT_EQ(read.column_spacing_mm, model.column_spacing_mm);
  EXPECT_EQ(read.row_spacing_mm, model.row_spacing_mm);
  EXPECT_EQ(read.origin_mm, model.origin_mm);
  EXPECT_EQ(read.frame_offsets_mm, model.frame_offsets_mm);
  EXPECT_EQ(read.units, "GY");
  EXPECT_EQ(read.summation_type, "PLAN");
  EXPECT_EQ(read.bits_allocated, model.bits_allocated);
  EXPECT_EQ(read.referenced_plan_uid, model.referenced_plan_uid);
  EXPECT_EQ(read.info.frame_of_reference_uid, model.info.frame_of_reference_uid);
  ASSERT_EQ(read.dose.size(), model.dose.size());
  float worst = 0;
  for (std::size_t i = 0; i < model.dose.size(); ++i)
    worst = std::max(worst, std::abs(read.dose[i] - model.dose[i]));
  EXPECT_LT(worst, 1e-4f);
}

class SampleSetRead : public ::testing::TestWithParam<std::size_t> {};

TEST_P(SampleSetRead, round_trips_the_model) {
  const samples::SampleSet& model = model_sets()[GetParam()];
  const Inventory inv = read_set(model.name);
  ASSERT_EQ(inv.structure_sets.size(), 1u);
  ASSERT_EQ(inv.doses.size(), 1u);
  expect_structures_match(*inv.structure_sets[0], model.structure_set);
  expect_dose_matches(*inv.doses[0], model.dose);
  if (model.truncate_plan) {
    EXPECT_TRUE(inv.plans.empty());
    ASSERT_EQ(inv.unreadable.size(), 1u);
    EXPECT_EQ(fs::path(inv.unreadable[0].path).filename(), "RP.dcm");
    EXPECT_FALSE(inv.unreadable[0].reason.empty());
    return;
  }
  EXPECT_TRUE(inv.unreadable.empty()) << inv.unreadable[0].path << ": " << inv.unreadable[0].reason;
  ASSERT_EQ(inv.plans.size(), 1u);
  expect_plan_matches(*inv.plans[0], model.plan);
}

INSTANTIATE_TEST_SUITE_P(dicom_samples, SampleSetRead, ::testing::Range<std::size_t>(0, 16),
                         [](const auto& info) {
                           std::string name = model_sets()[info.param].name;  // gtest names: [A-Za-z0-9_]
                           for (char& c : name)
                             if (c == '/') c = '_';
                           return name;
                         });

TEST(samples_read, good_sets_assemble_complete) {
  for (const char* name : {"hn_imrt_7field", "hn_vmat_2arc", "hn_3d_fif", "hn_compensator_imrt"}) {
    const auto sets = assemble_plan_sets(read_set(name));
    ASSERT_EQ(sets.size(), 1u) << name;
    EXPECT_TRUE(sets[0].complete()) << name;
    for (const auto& f : sets[0].findings)
      EXPECT_NE(f.severity, Severity::error) << name << ": " << f.id << " " << f.message;
  }
}

TEST(samples_read, frame_of_reference_mismatch_reported) {
  const auto sets = assemble_plan_sets(read_set("broken_frame_of_reference"));
  bool found = false;
  for (const auto& set : sets)
    for (const auto& f : set.findings) found = found || f.id == check_id::frame_of_reference_mismatch;
  EXPECT_TRUE(found);
}

TEST(samples_read, truncated_plan_is_a_finding) {
  const auto findings = inventory_findings(read_set("broken_truncated"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, check_id::file_unreadable);
  EXPECT_NE(findings[0].subject.find("RP.dcm"), std::string::npos);
}

}  // namespace
}  // namespace rtreview
