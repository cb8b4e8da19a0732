// assemble_plan_sets and inventory_findings on in-memory inventories.
#include <gtest/gtest.h>

#include <algorithm>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"

using namespace rtreview;

namespace {

const std::string kFor = "1.2.3.100";

std::shared_ptr<Plan> plan(const std::string& uid, const std::string& label, const std::string& ss_uid = "") {
  auto p = std::make_shared<Plan>();
  p->info.sop_instance_uid = uid;
  p->info.frame_of_reference_uid = kFor;
  p->info.patient.id = "P1";
  p->info.source.path = "/in/" + label + ".dcm";
  p->label = label;
  if (!ss_uid.empty()) p->referenced_structure_set_uids.push_back(ss_uid);
  return p;
}

std::shared_ptr<StructureSet> structure_set(const std::string& uid, const std::string& roi_frame = kFor) {
  auto s = std::make_shared<StructureSet>();
  s->info.sop_instance_uid = uid;
  s->info.patient.id = "P1";
  s->info.source.path = "/in/ss_" + uid + ".dcm";
  Roi roi;
  roi.number = 0;
  roi.frame_of_reference_uid = roi_frame;  // top-level FoR left empty, as RayStation does
  s->rois.push_back(roi);
  return s;
}

std::shared_ptr<DoseGrid> dose(const std::string& uid, const std::string& plan_uid,
                               const std::string& summation, const std::string& frame = kFor,
                               const std::string& patient = "P1") {
  auto d = std::make_shared<DoseGrid>();
  d->info.sop_instance_uid = uid;
  d->info.frame_of_reference_uid = frame;
  d->info.patient.id = patient;
  d->info.source.path = "/in/dose_" + uid + ".dcm";
  d->referenced_plan_uid = plan_uid;
  d->summation_type = summation;
  return d;
}

int count(const PlanSet& set, std::string_view id) {
  return static_cast<int>(
      std::count_if(set.findings.begin(), set.findings.end(), [&](const Finding& f) { return f.id == id; }));
}

}  // namespace

TEST(dicom_assemble, references_join_plan_structure_set_and_doses) {
  Inventory in;
  in.doses = {dose("d.beam", "p1", "BEAM"), dose("d.plan", "p1", "PLAN")};
  in.structure_sets = {structure_set("s1")};
  in.plans = {plan("p1", "A", "s1")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_TRUE(sets[0].complete());
  EXPECT_EQ(sets[0].id, "p1");
  ASSERT_EQ(sets[0].doses.size(), 2u);
  EXPECT_EQ(sets[0].doses[0]->summation_type, "PLAN");  // PLAN dose first
  EXPECT_TRUE(sets[0].findings.empty());
}

TEST(dicom_assemble, structure_set_joined_by_frame_of_reference_of_its_rois) {
  Inventory in;
  in.plans = {plan("p1", "A")};
  in.structure_sets = {structure_set("s1")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  ASSERT_TRUE(sets[0].structure_set);
  EXPECT_EQ(count(sets[0], check_id::orphan_object), 1);
}

TEST(dicom_assemble, dangling_references_orphans_and_planless_sets) {
  Inventory in;
  in.plans = {plan("p1", "A", "missing.ss")};
  in.doses = {dose("d1", "missing.plan", "PLAN", "1.2.3.999")};
  in.structure_sets = {structure_set("s2", "1.2.3.999")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].plan->label, "A");
  EXPECT_EQ(count(sets[0], check_id::dangling_reference), 1);
  EXPECT_FALSE(sets[1].plan);
  ASSERT_EQ(sets[1].doses.size(), 1u);
  ASSERT_TRUE(sets[1].structure_set);  // same FoR as the dose
  EXPECT_EQ(count(sets[1], check_id::dangling_reference), 1);
  EXPECT_EQ(count(sets[1], check_id::orphan_object), 2);
}

TEST(dicom_assemble, plan_referencing_an_absent_dose_is_a_dangling_reference) {
  Inventory in;
  auto p = plan("p1", "A");
  p->referenced_dose_uids = {"d.present", "d.absent"};
  in.plans = {p};
  in.doses = {dose("d.present", "", "PLAN")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0].doses.size(), 1u);  // joined through the plan's ReferencedDoseSequence
  EXPECT_EQ(count(sets[0], check_id::dangling_reference), 1);
}

TEST(dicom_assemble, frame_of_reference_mismatch_inside_a_set) {
  Inventory in;
  in.plans = {plan("p1", "A", "s1")};
  in.structure_sets = {structure_set("s1")};
  in.doses = {dose("d1", "p1", "PLAN", "1.2.3.other")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(count(sets[0], check_id::frame_of_reference_mismatch), 1);
}

// Issue 11: objects of different PatientIDs are never joined, even by an explicit reference
// (formerly joined with a PATIENT_ID_MISMATCH warning); the finding says why.
TEST(dicom_assemble, different_patient_ids_are_never_joined) {
  Inventory in;
  in.plans = {plan("p1", "A", "s1")};
  in.structure_sets = {structure_set("s1")};
  in.doses = {dose("d1", "p1", "PLAN", kFor, "P2")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_TRUE(sets[0].doses.empty());
  EXPECT_EQ(sets[1].doses.size(), 1u);
  EXPECT_EQ(count(sets[1], check_id::patient_id_mismatch), 1);
}

// Two patients' phantoms sharing one frame of reference UID (issue 11 class 8).
TEST(dicom_assemble, shared_frame_of_reference_across_patients_joins_nothing) {
  Inventory in;
  auto p2 = plan("p2", "B");
  p2->info.patient.id = "P2";
  in.plans = {plan("p1", "A"), p2};
  auto s2 = structure_set("s2");
  s2->info.patient.id = "P2";
  in.structure_sets = {structure_set("s1"), s2};
  in.doses = {dose("d1", "", "PLAN"), dose("d2", "", "PLAN", kFor, "P2")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 2u);
  for (const auto& set : sets) {
    ASSERT_TRUE(set.structure_set && set.doses.size() == 1u);
    EXPECT_EQ(set.structure_set->info.patient.id, set.plan->info.patient.id);
    EXPECT_EQ(set.doses[0]->info.patient.id, set.plan->info.patient.id);
    EXPECT_EQ(count(set, check_id::patient_id_mismatch), 1) << "the other patient's structure set is named";
  }
}

TEST(dicom_assemble, ambiguous_candidates_are_reported_not_picked) {
  Inventory in;
  in.plans = {plan("p1", "A"), plan("p2", "B")};
  in.structure_sets = {structure_set("s1"), structure_set("s2")};
  in.doses = {dose("d1", "", "PLAN")};
  auto sets = assemble_plan_sets(in);
  for (const auto& set : sets)
    if (set.plan) {
      EXPECT_FALSE(set.structure_set);
      EXPECT_TRUE(set.doses.empty());
      EXPECT_EQ(count(set, check_id::ambiguous_candidates), 1);
    }
  AssemblyOptions choose;
  choose.structure_set_uid = "s2";
  choose.plan_uid = "p2";
  auto chosen = assemble_plan_sets(in, choose);
  ASSERT_TRUE(chosen[1].plan && chosen[1].plan->info.sop_instance_uid == "p2");
  ASSERT_TRUE(chosen[1].structure_set);
  EXPECT_EQ(chosen[1].structure_set->info.sop_instance_uid, "s2");
  EXPECT_EQ(chosen[1].doses.size(), 1u);
}

// The sets depend on the objects only: any read order (folder vs parent folder) gives the same.
TEST(dicom_assemble, read_order_does_not_change_the_sets) {
  Inventory a;
  a.plans = {plan("p1", "A", "s1"), plan("p2", "B")};
  a.structure_sets = {structure_set("s1"), structure_set("s3", "1.2.3.777")};
  a.doses = {dose("d2", "p2", "PLAN"), dose("d1", "p1", "PLAN"), dose("d9", "", "BEAM", "1.2.3.777")};
  Inventory b = a;
  std::reverse(b.plans.begin(), b.plans.end());
  std::reverse(b.structure_sets.begin(), b.structure_sets.end());
  std::reverse(b.doses.begin(), b.doses.end());
  auto key = [](const std::vector<PlanSet>& sets) {
    std::string k;
    for (const auto& s : sets) {
      k += s.id + "[" + (s.structure_set ? s.structure_set->info.sop_instance_uid : "-");
      for (const auto& d : s.doses) k += "," + d->info.sop_instance_uid;
      k += "]";
    }
    return k;
  };
  EXPECT_EQ(key(assemble_plan_sets(a)), key(assemble_plan_sets(b)));
}

TEST(dicom_assemble, duplicate_sop_instance_uids_reported_once_each) {
  Inventory in;
  in.plans = {plan("p1", "A")};
  in.doses = {dose("d1", "p1", "PLAN"), dose("d1", "p1", "PLAN"), dose("d1", "p1", "PLAN")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0].doses.size(), 1u);
  EXPECT_EQ(count(sets[0], check_id::duplicate_sop_instance), 2);
}

TEST(dicom_assemble, sets_ordered_by_label_then_uid_and_deterministic) {
  Inventory in;
  in.plans = {plan("p3", "B"), plan("p2", "A"), plan("p1", "A")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].id, "p1");
  EXPECT_EQ(sets[1].id, "p2");
  EXPECT_EQ(sets[2].id, "p3");
}

TEST(dicom_assemble, inventory_findings_name_file_and_reason) {
  Inventory in;
  in.unreadable.push_back({"/in/bad.dcm", "truncated"});
  OtherObject ct;
  ct.info.source.path = "/in/ct.dcm";
  ct.reason = "CT Image Storage: ignored";
  in.others.push_back(ct);
  auto findings = inventory_findings(in);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].id, check_id::file_unreadable);
  EXPECT_EQ(findings[0].message, "/in/bad.dcm: truncated");
  EXPECT_EQ(findings[0].severity, Severity::error);
  EXPECT_EQ(findings[1].id, check_id::file_not_rt);
  EXPECT_EQ(findings[1].subject, "/in/ct.dcm");
}
