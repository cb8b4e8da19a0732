// The issue-11 samples read from dicom_samples/: plan kind, technique, modulation metrics,
// fraction groups, character sets, and assembly of two patients sharing a frame of reference.
// Expected values come from how the samples were built (src/samples, dicom_samples/README.md)
// and, for the Latin-1 name, from pydicom's independent decoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

using namespace rtreview;
namespace fs = std::filesystem;

namespace {

fs::path sample(const std::string& name) { return test::source_dir() / "dicom_samples" / name; }

#define REQUIRE_SAMPLE(name) \
  if (!fs::exists(sample(name) / "RP.dcm")) GTEST_SKIP() << name << " not generated: skipped"

struct Checked {
  std::vector<PlanSet> sets;
  std::vector<CheckReport> reports;
};

Checked check_folder(const fs::path& folder) {
  Checked c;
  CheckOptions options;
  options.default_structure_vocabulary = test::source_dir() / "rulesets" / "structure-names.tsv";
  options.compute_dvhs = false;
  options.compute_geometry = false;
  c.sets = assemble_plan_sets(read_paths({folder}));
  for (const auto& set : c.sets) c.reports.push_back(run_checks(set, options));
  return c;
}

const Finding* find(const CheckReport& r, std::string_view id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST(samples_delivery, ring_linac_dual_layer_vmat_is_vmat) {
  REQUIRE_SAMPLE("ring_vmat_dual_layer");
  const auto c = check_folder(sample("ring_vmat_dual_layer"));
  ASSERT_EQ(c.reports.size(), 1u);
  const auto& r = c.reports[0];
  EXPECT_EQ(r.plan_summary.delivery_kind, DeliveryKind::ring_linac);
  EXPECT_EQ(r.technique.technique, Technique::vmat) << r.technique.rule;
  ASSERT_EQ(r.beams.size(), 2u);
  for (const auto& b : r.beams) {
    EXPECT_EQ(b.modulation.mlc_devices, "MLCX1+MLCX2");
    EXPECT_EQ(b.control_point_count, 90);
    ASSERT_TRUE(b.modulation.aperture_irregularity && b.modulation.mu_per_degree_cv && b.modulation.mcs);
    EXPECT_GT(*b.modulation.aperture_irregularity, 3.0);  // both layers narrow the outline: jagged
    EXPECT_LT(*b.modulation.mcs, 0.5);
    EXPECT_GT(*b.modulation.mu_per_degree_cv, 0.05);  // increments 1 + 0.45 sin(...)
    EXPECT_NEAR(b.arc_length_deg, 358.0, 0.2);
  }
  EXPECT_EQ(find(r, check_id::technique_imrt)->status, Status::pass);
}

TEST(samples_delivery, dynamic_conformal_arc_is_not_imrt) {
  REQUIRE_SAMPLE("hn_dca_2arc");
  const auto c = check_folder(sample("hn_dca_2arc"));
  ASSERT_EQ(c.reports.size(), 1u);
  const auto& r = c.reports[0];
  EXPECT_EQ(r.plan_summary.delivery_kind, DeliveryKind::c_arm_linac_photon);
  EXPECT_EQ(r.technique.technique, Technique::dynamic_conformal_arc) << r.technique.rule;
  for (const auto& b : r.beams) {
    EXPECT_TRUE(b.mlc_moves_while_beam_on);
    ASSERT_TRUE(b.modulation.mu_per_degree_cv && b.modulation.aav && b.modulation.mu_per_degree);
    // 14 equal weight steps over 140 deg: 1/14 each, rounded to 1e-4 by the writer (< 0.1 %).
    EXPECT_LT(*b.modulation.mu_per_degree_cv, 0.005);
    EXPECT_GE(*b.modulation.aav, 0.5);
    EXPECT_NEAR(*b.modulation.mu_per_degree, *b.meterset_mu / 140.0, 1e-6 * *b.meterset_mu);
  }
  const Finding* imrt = find(r, check_id::technique_imrt);
  ASSERT_TRUE(imrt);
  EXPECT_EQ(imrt->status, Status::fail);
  bool mcs_in_evidence = false;
  for (const auto& e : imrt->evidence) mcs_in_evidence |= e.value.find("MCS") != std::string::npos;
  EXPECT_TRUE(mcs_in_evidence);
}

TEST(samples_delivery, two_fraction_groups_reported_per_group) {
  REQUIRE_SAMPLE("hn_two_phase_boost");
  const auto c = check_folder(sample("hn_two_phase_boost"));
  ASSERT_EQ(c.reports.size(), 1u);
  const auto& s = c.reports[0].plan_summary;
  ASSERT_EQ(s.fraction_groups.size(), 2u);
  EXPECT_NEAR(*s.prescription_dose_gy, 52.4, 1e-9);
  EXPECT_EQ(*s.fractions_planned, 20);
  EXPECT_FALSE(s.dose_per_fraction_gy);
  EXPECT_FALSE(s.total_mu_per_fraction);
  EXPECT_NEAR(*s.fraction_groups[0].dose_per_fraction_gy, 2.65, 1e-9);
  EXPECT_NEAR(*s.fraction_groups[1].dose_per_fraction_gy, 2.5, 1e-9);
  EXPECT_EQ(s.fraction_groups[0].treatment_beam_count, 7);
  EXPECT_EQ(s.fraction_groups[1].treatment_beam_count, 3);
  const Finding* rx = find(c.reports[0], check_id::prescription);
  EXPECT_EQ(rx->status, Status::pass) << rx->message;
  const Finding* beams = find(c.reports[0], check_id::beam_description);
  bool per_group = false;
  for (const auto& e : beams->evidence) per_group |= e.value.find("fraction group 2:") != std::string::npos;
  EXPECT_TRUE(per_group);
}

TEST(samples_delivery, latin1_patient_name_reads_as_utf8_like_pydicom) {
  REQUIRE_SAMPLE("hn_latin1_name");
  const Inventory in = read_paths({sample("hn_latin1_name")});
  ASSERT_EQ(in.plans.size(), 1u);
  EXPECT_EQ(in.plans[0]->info.patient.name, "M\xC3\xBCller^J\xC3\xBCrgen");
  EXPECT_EQ(in.plans[0]->info.specific_character_set, "ISO_IR 100");
  EXPECT_TRUE(in.plans[0]->info.character_set_note.empty()) << in.plans[0]->info.character_set_note;
  const auto py = test::run_command(
      "/usr/bin/python3 -c \"import pydicom,sys; "
      "sys.stdout.buffer.write(str(pydicom.dcmread(sys.argv[1]).PatientName)"
      ".encode('utf-8'))\" '" +
      (sample("hn_latin1_name") / "RP.dcm").string() + "'");
  if (py.exit_code != 0) GTEST_SKIP() << "pydicom not available: " << py.stderr_text;
  EXPECT_EQ(py.stdout_text, in.plans[0]->info.patient.name);
}

TEST(samples_delivery, gamma_knife_like_plan_has_no_linac_failures) {
  REQUIRE_SAMPLE("gamma_knife_like");
  const auto c = check_folder(sample("gamma_knife_like"));
  ASSERT_EQ(c.reports.size(), 1u);
  const auto& r = c.reports[0];
  EXPECT_EQ(r.plan_summary.delivery_kind, DeliveryKind::gamma_knife);
  EXPECT_EQ(c.sets[0].plan->info.manufacturer_model_name, "Leksell GammaPlan\xC2\xAE");
  EXPECT_EQ(r.technique.technique, Technique::gamma_knife);
  // The one failure is the file's own IOD conformance, not a linac rule: GammaPlan's exported
  // beam has no BeamLimitingDeviceSequence, which RT Beams makes Type 1 (dciodvfy agrees).
  for (const auto& f : r.findings) {
    if (f.id == check_id::conformance_rt_plan) {
      EXPECT_NE(f.message.find("BeamLimitingDeviceSequence (300A,00B6)"), std::string::npos) << f.message;
      continue;
    }
    EXPECT_NE(f.status, Status::fail) << f.id << ": " << f.message;
  }
  EXPECT_EQ(find(r, check_id::technique_imrt)->status, Status::info);
  EXPECT_EQ(find(r, check_id::beam_description)->status, Status::info);
}

// Read from the parent folder, two patients sharing a FrameOfReferenceUID are never joined,
// and each plan's set is the same as when its own folder is read.
TEST(samples_delivery, two_patients_sharing_a_frame_of_reference_stay_apart) {
  REQUIRE_SAMPLE("two_patients_shared_for/patient_a");
  const auto parent = check_folder(sample("two_patients_shared_for"));
  ASSERT_EQ(parent.sets.size(), 2u);
  for (const auto& set : parent.sets) {
    ASSERT_TRUE(set.plan && set.structure_set && set.doses.size() == 1u);
    EXPECT_EQ(set.structure_set->info.patient.id, set.plan->info.patient.id);
    EXPECT_EQ(set.doses[0]->info.patient.id, set.plan->info.patient.id);
  }
  for (const char* leaf : {"patient_a", "patient_b"}) {
    const auto alone = check_folder(sample("two_patients_shared_for") / leaf);
    ASSERT_EQ(alone.sets.size(), 1u);
    const PlanSet* same = nullptr;
    for (const auto& set : parent.sets)
      if (set.plan->info.sop_instance_uid == alone.sets[0].plan->info.sop_instance_uid) same = &set;
    ASSERT_TRUE(same);
    EXPECT_EQ(same->structure_set->info.sop_instance_uid, alone.sets[0].structure_set->info.sop_instance_uid);
    EXPECT_EQ(same->doses[0]->info.sop_instance_uid, alone.sets[0].doses[0]->info.sop_instance_uid);
  }
}
