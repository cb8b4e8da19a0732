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

TEST(dicom_assemble, frame_of_reference_and_patient_id_mismatch) {
  Inventory in;
  in.plans = {plan("p1", "A", "s1")};
  in.structure_sets = {structure_set("s1")};
  in.doses = {dose("d1", "p1", "PLAN", "1.2.3.other", "P2")};
  auto sets = assemble_plan_sets(in);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(count(sets[0], check_id::frame_of_reference_mismatch), 1);
  EXPECT_EQ(count(sets[0], check_id::patient_id_mismatch), 1);
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
