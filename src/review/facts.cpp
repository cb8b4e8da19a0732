// The one derivation of the facts every output shows and every policy reads.
#include <algorithm>

#include "rtreview/review.h"

namespace rtreview {

namespace {

const ObjectInfo* first_object(const PlanSet& plan_set) {
  if (plan_set.plan) return &plan_set.plan->info;
  if (plan_set.structure_set) return &plan_set.structure_set->info;
  for (const auto& d : plan_set.doses)
    if (d) return &d->info;
  return nullptr;
}

DicomFacts dicom_facts(const PlanSet& plan_set, const CheckReport& report) {
  DicomFacts f;
  if (const ObjectInfo* info = first_object(plan_set)) {
    f.patient_name = info->patient.name;
    f.patient_id = info->patient.id;
    f.patient_birth_date = info->patient.birth_date;
    f.patient_sex = info->patient.sex;
  }
  // The check report's summary is the one reading of the plan kind (without a plan: its doses').
  f.delivery = delivery_class_of(report.plan_summary.delivery_kind);
  const Plan* plan = plan_set.plan.get();
  if (!plan) return f;
  f.plan_date = plan->date;
  f.review_date = plan->review_date;
  f.source = "plan " + plan_set_label(plan_set);
  // Prescription and fractions: the check report's summary is the one reading of them.
  const PlanSummary& summary = report.plan_summary;
  f.prescription_dose_gy = summary.prescription_dose_gy;
  f.fractions = summary.fractions_planned;
  f.dose_per_fraction_gy = summary.dose_per_fraction_gy;
  if (!report.beams.empty())
    f.compensator_based = std::any_of(report.beams.begin(), report.beams.end(),
                                      [](const BeamSummary& b) { return b.compensator_count > 0; });
  return f;
}

}  // namespace

std::string plan_set_label(const PlanSet& plan_set) {
  if (plan_set.plan && !plan_set.plan->label.empty()) return plan_set.plan->label;
  if (const ObjectInfo* info = first_object(plan_set); info && !info->source.path.empty())
    return std::filesystem::path(info->source.path).filename().string();
  return plan_set.id;
}

DerivedFacts derive_facts(const PlanSet& plan_set, const CheckReport& report, const CaseFile* case_file) {
  DerivedFacts facts;
  facts.label = plan_set_label(plan_set);
  if (const ObjectInfo* info = first_object(plan_set)) facts.source_file = info->source.path;
  facts.dicom = dicom_facts(plan_set, report);
  facts.plan_kind = report.plan_summary.kind;
  facts.technique = report.technique.technique;
  for (const FractionGroupSummary& g : report.plan_summary.fraction_groups)
    facts.fraction_groups.push_back(
        {g.number, g.fractions_planned, g.prescription_dose_gy, g.dose_per_fraction_gy});
  if (case_file) facts.age = patient_age(*case_file, facts.dicom.patient_birth_date);
  return facts;
}

}  // namespace rtreview
