// Prescription, constraints, approval, plan kind and the non-geometric supporting
// evidence: PRESCRIPTION, DOSE_CONSTRAINTS, PLAN_APPROVAL, STRUCTURE_SET_APPROVAL,
// PLAN_KIND_UNSUPPORTED, SUPPORT_DOSE_PER_FRACTION, SUPPORT_PRIOR_PLAN.
#include <algorithm>
#include <set>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/check_registry.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

namespace {

bool has_target_constraint(const DoseReference& r) {
  return r.target_minimum_dose_gy || r.target_prescription_dose_gy || r.target_maximum_dose_gy ||
         r.target_underdose_volume_fraction;
}

bool has_oar_constraint(const DoseReference& r) {
  return r.organ_at_risk_full_volume_dose_gy || r.organ_at_risk_limit_dose_gy ||
         r.organ_at_risk_maximum_dose_gy || r.organ_at_risk_overdose_volume_fraction ||
         r.delivery_maximum_dose_gy;
}

std::string reference_label(const DoseReference& r, const StructureSet* ss) {
  std::string label = "dose reference " + std::to_string(r.number);
  if (!r.description.empty()) label += " '" + r.description + "'";
  if (r.referenced_roi_number && ss)
    if (const Roi* roi = ss->find_roi(*r.referenced_roi_number)) label += " -> ROI '" + roi->name + "'";
  return label;
}

std::string constraint_text(const DoseReference& r) {
  std::vector<std::string> parts;
  auto add = [&](const char* name, const std::optional<double>& v, const char* unit) {
    if (v) parts.push_back(std::string(name) + " " + num(*v, 3) + unit);
  };
  add("Rx", r.target_prescription_dose_gy, " Gy");
  add("min", r.target_minimum_dose_gy, " Gy");
  add("max", r.target_maximum_dose_gy, " Gy");
  add("underdose volume fraction", r.target_underdose_volume_fraction, "");
  add("full-volume dose", r.organ_at_risk_full_volume_dose_gy, " Gy");
  add("limit dose", r.organ_at_risk_limit_dose_gy, " Gy");
  add("max dose", r.organ_at_risk_maximum_dose_gy, " Gy");
  add("overdose volume fraction", r.organ_at_risk_overdose_volume_fraction, "");
  add("delivery max", r.delivery_maximum_dose_gy, " Gy");
  return parts.empty() ? "no constraint dose" : join(parts);
}

Finding approval_finding(std::string_view id, const std::string& subject, const std::string& what,
                         const std::string& status, const std::string& reviewer, const std::string& date,
                         Severity absent_severity) {
  const std::string rule =
      "ApprovalStatus APPROVED with ReviewerName and ReviewDate (a TPS approval, not the "
      "physician's signed review: the packet lists both)";
  Finding f = make_finding(id, Status::pass, Severity::info, subject, "", rule);
  f.evidence.push_back({"ApprovalStatus", status.empty() ? "absent" : status});
  f.evidence.push_back({"ReviewerName", reviewer.empty() ? "absent" : reviewer});
  f.evidence.push_back({"ReviewDate", date.empty() ? "absent" : date});
  if (status.empty()) {
    f.status = Status::not_evaluable;
    f.severity = absent_severity;
    f.message = what + " carries no approval status";
  } else if (status != "APPROVED") {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = what + " is " + status;
  } else if (reviewer.empty() || date.empty()) {
    f.status = Status::fail;
    f.severity = Severity::warning;
    f.message = what + " APPROVED but without " +
                std::string(reviewer.empty() && date.empty() ? "reviewer and date"
                            : reviewer.empty()               ? "reviewer"
                                                             : "date");
  } else {
    f.message = what + " APPROVED by " + reviewer + " on " + date;
  }
  return f;
}

}  // namespace

namespace {

std::string group_rx_text(const FractionGroupSummary& g) {
  std::string t =
      g.prescription_dose_gy ? num_unit(*g.prescription_dose_gy, "Gy", 3) : std::string("Rx absent");
  t += " in " + (g.fractions_planned ? std::to_string(*g.fractions_planned) : std::string("?")) + " fx";
  if (g.dose_per_fraction_gy) t += " (" + num_unit(*g.dose_per_fraction_gy, "Gy", 3) + "/fx)";
  if (g.mu_per_fraction) t += ", " + num(*g.mu_per_fraction, 1) + " MU/fx";
  if (g.derived_beam_dose_per_fraction_gy)
    t += "; derived, not a prescription: BeamDose sum " +
         num_unit(*g.derived_beam_dose_per_fraction_gy, "Gy", 3) + "/fx";
  return t;
}

void prescription_evidence(const PlanSummary& summary, Finding& f) {
  f.evidence.push_back(
      {"prescribed dose", summary.prescription_dose_gy
                              ? num_unit(*summary.prescription_dose_gy, "Gy", 3) +
                                    (summary.fraction_groups.size() > 1 ? " (course, sum of groups)" : "")
                              : std::string("absent")});
  f.evidence.push_back({"fractions planned", summary.fractions_planned
                                                 ? std::to_string(*summary.fractions_planned)
                                                 : std::string("absent")});
  f.evidence.push_back({"dose per fraction",
                        summary.dose_per_fraction_gy ? num_unit(*summary.dose_per_fraction_gy, "Gy", 3)
                        : summary.fraction_groups.size() > 1 ? std::string("per fraction group (see groups)")
                                                             : std::string("absent")});
  f.evidence.push_back(
      {"source", summary.prescription_source.empty() ? "none" : summary.prescription_source});
  if (summary.fraction_groups.size() > 1)
    for (const auto& g : summary.fraction_groups)
      f.evidence.push_back({"fraction group " + std::to_string(g.number) +
                                (g.description.empty() ? "" : " '" + g.description + "'"),
                            group_rx_text(g)});
  if (!summary.prescription_problem.empty()) f.evidence.push_back({"problem", summary.prescription_problem});
  if (summary.derived_beam_dose_total_gy)
    f.evidence.push_back(
        {"derived (not a prescription)",
         "sum of BeamDose x fractions = " + num_unit(*summary.derived_beam_dose_total_gy, "Gy", 3) +
             ": dose at the beam dose specification points, never used as the prescription"});
}

}  // namespace

Finding check_prescription(const PlanSet& plan_set, const PlanSummary& summary) {
  const std::string rule =
      "prescribed dose, number of fractions and dose per fraction from DoseReferenceSequence "
      "TargetPrescriptionDose or a fraction group's ReferencedDoseReferenceSequence, per fraction group; "
      "values derived from BeamDose are shown but never pass; absent from the plan = not verifiable here";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.plan)
    return make_finding(check_id::prescription, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set", rule);
  Finding f = make_finding(check_id::prescription, Status::pass, Severity::info, subject, "", rule);
  prescription_evidence(summary, f);
  const bool several = summary.fraction_groups.size() > 1;
  std::vector<std::string> missing;
  if (!summary.prescription_dose_gy) missing.push_back("prescribed dose");
  if (!summary.fractions_planned || *summary.fractions_planned <= 0) missing.push_back("number of fractions");
  const bool groups_have_dpf = std::all_of(summary.fraction_groups.begin(), summary.fraction_groups.end(),
                                           [](const auto& g) { return g.dose_per_fraction_gy.has_value(); });
  if (!summary.dose_per_fraction_gy && !(several && groups_have_dpf)) missing.push_back("dose per fraction");
  if (!missing.empty()) {
    // A prescription absent from the DICOM plan (RayStation and Pinnacle exports often carry
    // none) is not proof that none exists: not verifiable here, the prescription document
    // must show it. GammaPlan keeps it in its own report: only a warning there.
    const bool not_exported = delivery_kind_of(*plan_set.plan) == DeliveryKind::gamma_knife;
    f.status = Status::not_evaluable;
    f.severity = not_exported ? Severity::warning : Severity::error;
    f.message =
        "prescription not in the plan: " + join(missing) + " absent; supply the prescription document";
    if (not_exported) f.message += " (Gamma Knife exports carry no prescription: the GammaPlan report)";
    if (!summary.prescription_problem.empty()) f.message += " (" + summary.prescription_problem + ")";
    if (summary.derived_beam_dose_total_gy)
      f.message += "; a BeamDose-derived value exists but is not a prescription";
    return f;
  }
  f.message = num_unit(*summary.prescription_dose_gy, "Gy", 3) + " in " +
              std::to_string(*summary.fractions_planned) + " fractions";
  if (summary.dose_per_fraction_gy)
    f.message += " (" + num_unit(*summary.dose_per_fraction_gy, "Gy", 3) + "/fx)";
  if (several) {
    std::vector<std::string> parts;
    for (const auto& g : summary.fraction_groups) parts.push_back(group_rx_text(g));
    f.message +=
        " over " + std::to_string(summary.fraction_groups.size()) + " fraction groups: " + join(parts, " + ");
  }
  f.message += ", from the target prescription";
  return f;
}

Finding check_dose_constraints(const PlanSet& plan_set, const std::vector<RoiClassification>& structures) {
  const std::string rule =
      "DoseReferenceSequence holds >= 1 target constraint (TARGET with prescription/min/max dose) "
      "and >= 1 organ-at-risk constraint (ORGAN_AT_RISK with limit/max dose)";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.plan)
    return make_finding(check_id::dose_constraints, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set", rule);
  const StructureSet* ss = plan_set.structure_set.get();
  Finding f = make_finding(check_id::dose_constraints, Status::pass, Severity::info, subject, "", rule);
  int target_constraints = 0, oar_constraints = 0;
  std::set<int> constrained_rois;
  for (const auto& r : plan_set.plan->dose_references) {
    const bool target = upper(r.type) == "TARGET" && has_target_constraint(r);
    const bool oar = upper(r.type) == "ORGAN_AT_RISK" && has_oar_constraint(r);
    target_constraints += target;
    oar_constraints += oar;
    if ((target || oar) && r.referenced_roi_number) constrained_rois.insert(*r.referenced_roi_number);
    f.evidence.push_back({reference_label(r, ss), (r.type.empty() ? std::string("type absent") : r.type) +
                                                      ": " + constraint_text(r)});
  }
  std::vector<std::string> unconstrained_oars;
  for (const auto& c : structures)
    if (c.category == StructureCategory::oar && c.has_volume() && !constrained_rois.count(c.roi_number))
      unconstrained_oars.push_back(c.roi_name);
  if (!unconstrained_oars.empty())
    f.evidence.push_back({"OARs without a constraint in the plan", join(unconstrained_oars)});
  if (target_constraints > 0 && oar_constraints > 0) {
    f.message = std::to_string(target_constraints) + " target and " + std::to_string(oar_constraints) +
                " organ-at-risk constraint(s) in the plan";
    return f;
  }
  // Optimisation objectives usually stay in the planning system: absence from DICOM does not
  // prove absence from the record, so this is "not verifiable", not "not met".
  std::vector<std::string> missing;
  if (target_constraints == 0) missing.push_back("target");
  if (oar_constraints == 0) missing.push_back("organ-at-risk");
  f.status = Status::not_evaluable;
  f.severity = Severity::warning;
  f.message =
      join(missing, " and ") + " dose constraints not found in the plan: supply the prescription document";
  return f;
}

Finding check_plan_approval(const PlanSet& plan_set) {
  if (!plan_set.plan)
    return make_finding(check_id::plan_approval, Status::not_evaluable, Severity::warning,
                        plan_subject(plan_set), "no RT Plan in the plan set",
                        "ApprovalStatus APPROVED with ReviewerName and ReviewDate");
  const Plan& p = *plan_set.plan;
  return approval_finding(check_id::plan_approval, plan_subject(plan_set), "the plan",
                          upper(p.approval_status), p.reviewer_name, p.review_date, Severity::warning);
}

Finding check_structure_set_approval(const PlanSet& plan_set) {
  if (!plan_set.structure_set)
    return make_finding(check_id::structure_set_approval, Status::not_evaluable, Severity::info,
                        plan_subject(plan_set), "no structure set in the plan set",
                        "ApprovalStatus APPROVED with ReviewerName and ReviewDate");
  const StructureSet& ss = *plan_set.structure_set;
  // The Approval Module is optional in an RT Structure Set: its absence is only a remark.
  return approval_finding(check_id::structure_set_approval, structure_set_subject(ss), "the structure set",
                          upper(ss.approval_status), ss.reviewer_name, ss.review_date, Severity::info);
}

std::vector<Finding> check_plan_kind(const PlanSet& plan_set, const DeliveryKindResult& delivery) {
  const DeliveryKind kind = delivery.kind;
  // A set without a plan or anything that names its kind has nothing to report here:
  // the plan's own checks say it is missing.
  if (!plan_set.plan && kind == DeliveryKind::unknown) return {};
  const std::string rule =
      "plan kind from SOP class, manufacturer/model/machine names, radiation type, scan mode, brachy "
      "treatment type and beam-limiting devices, or without a plan from its doses (README, Plan kinds); "
      "each check declares the plan kinds it applies to";
  const std::string subject = plan_subject(plan_set);
  if (kind == DeliveryKind::c_arm_linac_photon || kind == DeliveryKind::ring_linac ||
      kind == DeliveryKind::mr_linac)
    return {};
  std::vector<std::string> not_applicable;
  for (const CheckSpec& spec : check_registry())
    if (!applies(spec.applies_to, kind)) not_applicable.push_back(std::string(spec.id));
  std::string what = std::string("plan kind ") + describe(kind) +
                     (not_applicable.empty() ? std::string(": every check applies")
                                             : ": not applicable here: " + join(not_applicable));
  const Severity severity = kind == DeliveryKind::unknown ? Severity::warning : Severity::info;
  if (kind == DeliveryKind::unknown) what = "plan kind unknown: beam checks may be incomplete";
  Finding f = make_finding(check_id::plan_kind_unsupported, Status::info, severity, subject, what, rule);
  f.evidence.push_back({"plan kind", std::string(to_string(kind))});
  f.evidence.push_back({"rule", delivery.rule});
  return {f};
}

Finding support_dose_per_fraction(const PlanSet& plan_set, const PlanSummary& summary,
                                  const CheckOptions& options) {
  const double lo = options.conventional_dose_per_fraction_min_gy;
  const double hi = options.conventional_dose_per_fraction_max_gy;
  const std::string rule =
      "supporting evidence only: dose per fraction (per fraction group) vs conventional " + num(lo, 2) + "-" +
      num(hi, 2) + " Gy; whether the total is an escalation for the site is a clinical judgement";
  const std::string subject = plan_subject(plan_set);
  auto regime = [&](double dpf) {
    return dpf > hi + 1e-9   ? std::string("hypofractionated (above conventional)")
           : dpf < lo - 1e-9 ? std::string("below conventional (hyperfractionated or low dose)")
                             : std::string("conventional");
  };
  std::vector<std::string> parts;
  Finding f =
      make_finding(check_id::support_dose_escalation, Status::info, Severity::info, subject, "", rule);
  for (const auto& g : summary.fraction_groups) {
    if (!g.dose_per_fraction_gy) continue;
    const std::string text =
        num_unit(*g.dose_per_fraction_gy, "Gy", 3) + " per fraction, " + regime(*g.dose_per_fraction_gy);
    f.evidence.push_back({"fraction group " + std::to_string(g.number), text});
    parts.push_back(summary.fraction_groups.size() > 1 ? "group " + std::to_string(g.number) + ": " + text
                                                       : text);
  }
  if (parts.empty() && summary.dose_per_fraction_gy) {  // no fraction groups but a plan-level Rx
    parts.push_back(num_unit(*summary.dose_per_fraction_gy, "Gy", 3) + " per fraction, " +
                    regime(*summary.dose_per_fraction_gy));
    f.evidence.push_back({"dose per fraction", num_unit(*summary.dose_per_fraction_gy, "Gy", 3)});
  }
  if (parts.empty()) {
    f.message = "supporting evidence: dose per fraction not available from the plan's prescription";
    return f;
  }
  f.message = "supporting evidence: " + join(parts, "; ");
  if (summary.prescription_dose_gy)
    f.evidence.push_back({"total dose", num_unit(*summary.prescription_dose_gy, "Gy", 3)});
  if (summary.fractions_planned)
    f.evidence.push_back({"fractions", std::to_string(*summary.fractions_planned)});
  f.evidence.push_back({"source", summary.prescription_source});
  return f;
}

Finding support_prior_plan(const PlanSet& plan_set) {
  const std::string rule =
      "supporting evidence only: a plan referenced as PRIOR (delivered before this one), or a dose of "
      "another "
      "plan in the set, suggests previous irradiation; PREDECESSOR (a plan this one was derived from), "
      "CONCURRENT, ALTERNATIVE, SUCCESSOR and VERIFIED_PLAN references and verification plans (PlanIntent "
      "VERIFICATION) do not";
  const std::string subject = plan_subject(plan_set);
  Finding f = make_finding(check_id::support_prior_plan, Status::info, Severity::info, subject, "", rule);
  const bool verification = plan_set.plan && is_verification_plan(*plan_set.plan);
  int prior = 0;
  if (plan_set.plan)
    for (const auto& ref : plan_set.plan->referenced_plans) {
      const std::string rel = upper(ref.relationship);
      const bool counts = !verification && means_prior_treatment(ref);
      prior += counts;
      f.evidence.push_back(
          {"referenced plan (" + (rel.empty() ? std::string("relationship absent") : rel) + ")",
           ref.sop_instance_uid + (counts ? ": prior treatment" : ": not prior treatment")});
    }
  const std::string plan_uid = plan_set.plan ? plan_set.plan->info.sop_instance_uid : "";
  for (const auto& d : plan_set.doses)
    if (d && !verification && !d->referenced_plan_uid.empty() && !plan_uid.empty() &&
        d->referenced_plan_uid != plan_uid) {
      f.evidence.push_back({dose_subject(*d), "dose of another plan (" + d->referenced_plan_uid + ")"});
      ++prior;
    }
  if (verification) f.evidence.push_back({"PlanIntent", "VERIFICATION: a QA plan, not a treatment course"});
  f.message = prior == 0 ? "supporting evidence: no prior plan or dose referenced or present"
                         : "supporting evidence: " + std::to_string(prior) +
                               " prior plan reference(s) or other-plan dose(s): possible re-irradiation";
  return f;
}

}  // namespace rtreview
