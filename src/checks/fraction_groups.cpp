// Plan summary: portals, isocentres, and the fraction groups (phases) with their own
// prescription, fractions and MU. A course is the sum of its groups; nothing is ever
// summed "per fraction" across groups, and a BeamDose sum is never a prescription.
#include <algorithm>
#include <cmath>
#include <set>

#include "checks/check_util.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

const char* to_string(PrescriptionSource source) {
  switch (source) {
    case PrescriptionSource::dose_reference:
      return "dose_reference";
    case PrescriptionSource::fraction_group:
      return "fraction_group";
    case PrescriptionSource::none:
      break;
  }
  return "none";
}

namespace {

bool is_target_rx(const DoseReference& r) {
  // Type is Type 1 but sometimes empty; an OAR reference never carries a prescription.
  return r.target_prescription_dose_gy && *r.target_prescription_dose_gy > 0 &&
         upper(r.type) != "ORGAN_AT_RISK";
}

// The group's prescription from its own ReferencedDoseReferenceSequence: a dose stated in
// the group, else the plan-level TargetPrescriptionDose of the references it names.
void group_prescription(const Plan& plan, const FractionGroup& g, FractionGroupSummary& s) {
  double own = 0.0, referenced = 0.0;
  for (const auto& ref : g.dose_references) {
    if (ref.target_prescription_dose_gy) own = std::max(own, *ref.target_prescription_dose_gy);
    for (const auto& r : plan.dose_references)
      if (r.number == ref.referenced_dose_reference_number && is_target_rx(r))
        referenced = std::max(referenced, *r.target_prescription_dose_gy);
  }
  if (own > 0) {
    s.prescription_dose_gy = own;
    s.prescription_source = PrescriptionSource::fraction_group;
  } else if (referenced > 0) {
    s.prescription_dose_gy = referenced;
    s.prescription_source = PrescriptionSource::dose_reference;
  }
}

FractionGroupSummary summarize_group(const Plan& plan, const FractionGroup& g,
                                     const std::vector<BeamSummary>& beams) {
  FractionGroupSummary s;
  s.number = g.number;
  s.description = g.description;
  s.fractions_planned = g.fractions_planned;
  double mu = 0.0, beam_dose = 0.0;
  bool any_mu = false, any_beam_dose = false;
  for (const auto& rb : g.beams) {
    auto b = std::find_if(beams.begin(), beams.end(),
                          [&](const BeamSummary& x) { return x.number == rb.beam_number; });
    const bool treatment = b == beams.end() || b->is_treatment;
    if (!treatment) continue;
    ++s.treatment_beam_count;
    const bool in_mu = b == beams.end() || b->dosimeter_unit.empty() || b->dosimeter_unit == "MU";
    if (rb.meterset && in_mu) mu += *rb.meterset, any_mu = true;
    if (rb.beam_dose_gy) beam_dose += *rb.beam_dose_gy, any_beam_dose = true;
  }
  if (any_mu) s.mu_per_fraction = mu;
  if (any_beam_dose && beam_dose > 0) s.derived_beam_dose_per_fraction_gy = beam_dose;
  group_prescription(plan, g, s);
  return s;
}

void summarize_portals(const std::vector<BeamSummary>& beams, PlanSummary& p) {
  std::vector<Point3> isocenters;
  for (const auto& b : beams) {
    if (!b.is_treatment) {
      ++p.setup_beam_count;
      continue;
    }
    ++p.treatment_portal_count;
    (b.is_arc ? p.arc_count : p.static_portal_count)++;
    if (!b.isocenter_mm) continue;
    const bool known = std::any_of(isocenters.begin(), isocenters.end(), [&](const Point3& q) {
      return std::abs(q[0] - (*b.isocenter_mm)[0]) <= 0.1 && std::abs(q[1] - (*b.isocenter_mm)[1]) <= 0.1 &&
             std::abs(q[2] - (*b.isocenter_mm)[2]) <= 0.1;
    });
    if (!known) isocenters.push_back(*b.isocenter_mm);
  }
  p.isocenter_count = static_cast<int>(isocenters.size());
}

// Plan-level Rx when no group carries its own: the highest target TargetPrescriptionDose.
// With one group it is that group's; with several it cannot be attributed to a phase.
void plan_level_prescription(const Plan& plan, PlanSummary& p) {
  double rx = 0.0;
  int count = 0;
  for (const auto& r : plan.dose_references)
    if (is_target_rx(r)) rx = std::max(rx, *r.target_prescription_dose_gy), ++count;
  if (count == 0) return;
  const std::string what = "DoseReferenceSequence TargetPrescriptionDose (highest of " +
                           std::to_string(count) + " target reference(s))";
  if (p.fraction_groups.size() <= 1) {
    p.prescription_dose_gy = rx;
    p.prescription_kind = PrescriptionSource::dose_reference;
    p.prescription_source = what;
    if (!p.fraction_groups.empty()) {
      auto& g = p.fraction_groups.front();
      g.prescription_dose_gy = rx;
      g.prescription_source = PrescriptionSource::dose_reference;
    }
    return;
  }
  p.prescription_problem =
      what + " = " + num_unit(rx, "Gy", 3) + ", but the plan has " +
      std::to_string(p.fraction_groups.size()) +
      " fraction groups and none names its dose reference: the prescription of each phase "
      "is not stated";
}

// Composite of per-group prescriptions: totals add; one dose per fraction only when equal.
void composite_prescription(PlanSummary& p) {
  double total = 0.0;
  std::set<long> per_fraction_ugy;
  std::string sources;
  for (auto& g : p.fraction_groups) {
    if (!g.prescription_dose_gy) continue;
    total += *g.prescription_dose_gy;
    if (g.fractions_planned && *g.fractions_planned > 0) {
      g.dose_per_fraction_gy = *g.prescription_dose_gy / *g.fractions_planned;
      per_fraction_ugy.insert(std::lround(*g.dose_per_fraction_gy * 1e6));
    }
    sources += (sources.empty() ? "" : "; ") + std::string("group ") + std::to_string(g.number) + ": " +
               (g.prescription_source == PrescriptionSource::fraction_group
                    ? "FractionGroupSequence ReferencedDoseReferenceSequence TargetPrescriptionDose"
                    : "DoseReferenceSequence TargetPrescriptionDose of the referenced dose reference");
  }
  const bool all =
      std::all_of(p.fraction_groups.begin(), p.fraction_groups.end(),
                  [](const FractionGroupSummary& g) { return g.prescription_dose_gy.has_value(); });
  if (!all || total <= 0) return;
  p.prescription_dose_gy = total;
  p.prescription_kind = p.fraction_groups.front().prescription_source;
  if (p.prescription_source.empty()) p.prescription_source = sources;
  const bool every_group_has_dpf =
      std::all_of(p.fraction_groups.begin(), p.fraction_groups.end(),
                  [](const auto& g) { return g.dose_per_fraction_gy.has_value(); });
  if (every_group_has_dpf && per_fraction_ugy.size() == 1)
    p.dose_per_fraction_gy = p.fraction_groups.front().dose_per_fraction_gy;
}

}  // namespace

PlanSummary summarize_plan(const Plan& plan, const std::vector<BeamSummary>& beams) {
  PlanSummary p;
  p.label = plan.label;
  p.sop_instance_uid = plan.info.sop_instance_uid;
  const DeliveryKindResult delivery = delivery_of(plan);
  // The coarse kind follows the delivery kind (an RT Plan with PROTON beams is an ion plan).
  p.kind = delivery.kind == DeliveryKind::unknown ? plan.kind : coarse_kind(delivery.kind);
  p.delivery_kind = delivery.kind;
  p.delivery_kind_rule = delivery.rule;
  p.fraction_group_count = static_cast<int>(plan.fraction_groups.size());
  summarize_portals(beams, p);

  int fractions = 0;
  bool any_fractions = false;
  double course_mu = 0.0, derived_total = 0.0;
  bool any_course_mu = false, any_derived = false;
  for (const auto& g : plan.fraction_groups) {
    p.fraction_groups.push_back(summarize_group(plan, g, beams));
    const auto& s = p.fraction_groups.back();
    if (g.fractions_planned) fractions += *g.fractions_planned, any_fractions = true;
    if (s.mu_per_fraction && g.fractions_planned)
      course_mu += *s.mu_per_fraction * *g.fractions_planned, any_course_mu = true;
    if (s.derived_beam_dose_per_fraction_gy && g.fractions_planned)
      derived_total += *s.derived_beam_dose_per_fraction_gy * *g.fractions_planned, any_derived = true;
  }
  if (any_fractions) p.fractions_planned = fractions;
  if (any_course_mu) p.total_mu_course = course_mu;
  if (p.fraction_groups.size() == 1) p.total_mu_per_fraction = p.fraction_groups.front().mu_per_fraction;

  const bool groups_state_rx = std::any_of(p.fraction_groups.begin(), p.fraction_groups.end(),
                                           [](const auto& g) { return g.prescription_dose_gy.has_value(); });
  if (!groups_state_rx) plan_level_prescription(plan, p);
  composite_prescription(p);
  if (groups_state_rx && !p.prescription_dose_gy)
    p.prescription_problem = "some fraction groups state a prescription and others do not";
  if (!p.prescription_dose_gy && any_derived && derived_total > 0)
    p.derived_beam_dose_total_gy = derived_total;
  return p;
}

}  // namespace rtreview
