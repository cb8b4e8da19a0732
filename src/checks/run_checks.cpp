// run_checks: every check on one plan set, in a fixed order.
#include <future>
#include <system_error>
#include <utility>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/check_registry.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

namespace {

// A finding of a check that does not apply to the plan kind: info, never a failure.
void mark_not_applicable(Finding& f, DeliveryKind kind) {
  if (check_applies(f.id, kind)) return;
  f.evidence.insert(f.evidence.begin(),
                    {"applies to this plan kind", "no (" + std::string(to_string(kind)) + ")"});
  f.status = Status::info;
  f.severity = Severity::info;
  f.message = "not applicable to " + std::string(describe(kind)) + " plans";
}

// A set without its plan whose doses do not say what kind of plan it is: a check that applies
// only to some kinds (the GTV/PTV rule is photon plans') cannot fail it, since the rule may not
// apply. Not evaluable, not a denial: the plan must be supplied.
void hold_scoped_failure(Finding& f) {
  const CheckSpec* spec = find_check(f.id);
  if (!spec || spec->applies_to == CheckScope::every_plan || f.status != Status::fail) return;
  f.evidence.insert(f.evidence.begin(),
                    {"applies to this plan kind", "not known: no plan, and its doses do not say its kind"});
  f.status = Status::not_evaluable;
  f.message += " (plan absent: whether this rule applies to its kind is not known)";
}

// `work` on a thread of its own, or, when no thread can be started, where its result is taken.
template <class Work>
auto beside(Work work) {
  try {
    return std::async(std::launch::async, work);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, work);
  }
}

}  // namespace

CheckReport run_checks(const PlanSet& plan_set, const CheckOptions& options) {
  return run_checks(plan_set, options, load_structure_vocabulary(options));
}

CheckReport run_checks(const PlanSet& plan_set, const CheckOptions& options,
                       const StructureVocabulary& vocabulary) {
  CheckReport report;
  report.plan_set_id = plan_set.id;
  report.vocabulary_problems = vocabulary.problems;
  auto add = [&](Finding f) { report.findings.push_back(std::move(f)); };
  auto add_all = [&](std::vector<Finding> fs) {
    for (auto& f : fs) report.findings.push_back(std::move(f));
  };

  const DeliveryKindResult delivery = delivery_of(plan_set);
  if (plan_set.structure_set) report.structures = classify_structures(*plan_set.structure_set, vocabulary);
  if (plan_set.plan) {
    report.beams = summarize_beams(*plan_set.plan, options);
    report.plan_summary = summarize_plan(*plan_set.plan, report.beams);
    report.technique = classify_technique(*plan_set.plan, report.beams, options);
    settle_beam_techniques(report.beams, report.technique.technique);
  } else {  // what the doses say of the absent plan: the facts and the checks' scope use it
    report.plan_summary.kind = coarse_kind(delivery.kind);
    report.plan_summary.delivery_kind = delivery.kind;
    report.plan_summary.delivery_kind_rule = delivery.rule;
  }

  // DVHs on the plan dose even when the frames differ: DVH_COMPUTABLE judges the frame
  // itself and does not use the DVH of an ROI in another frame.
  // The geometric supporting evidence needs no DVH: each kind is computed on its own thread
  // while the DVH's workers run (they share the cores), and added in its fixed place below.
  // Two threads, not one: a large target's convex hull can outlast the DVHs, and the
  // proximity then runs beside it instead of before it.
  auto proximity = beside([&] { return support_ptv_oar_proximity(plan_set, report.structures, options); });
  auto concavity = beside([&] { return support_target_concavity(plan_set, report.structures, options); });
  const DoseGrid* dose = select_plan_dose(plan_set);
  bool dvhs_attempted = false;
  if (options.compute_dvhs && dose && plan_set.structure_set && dose->has_pixels()) {
    report.dvhs = compute_dvhs(*plan_set.structure_set, *dose, options.dvh_options);
    report.dvh_dose_uid = dose->info.sop_instance_uid;
    dvhs_attempted = true;
  }

  add_all(check_plan_kind(plan_set, delivery));
  add_all(check_dose_grid_spacing(plan_set, options));
  add(check_dose_object_fit(plan_set));
  add_all(check_structures(plan_set, report.structures));
  add(check_dvh_computable(plan_set, report.structures, dose, report.dvhs, dvhs_attempted, options));
  add(check_dvh_matches_file(dose, report.dvhs));
  add(check_beam_description(plan_set, report.beams, report.plan_summary));
  add(check_technique_imrt(plan_set, report.technique));
  add(check_compensator_design(plan_set, report.beams, report.technique));
  add(check_prescription(plan_set, report.plan_summary));
  add(check_dose_constraints(plan_set, report.structures));
  add(check_plan_approval(plan_set));
  add(check_structure_set_approval(plan_set));
  add_all(proximity.get());
  add_all(concavity.get());
  add(support_dose_per_fraction(plan_set, report.plan_summary, options));
  add(support_prior_plan(plan_set));
  add_all(check_conformance(plan_set));
  for (auto& f : report.findings) mark_not_applicable(f, delivery.kind);
  if (!plan_set.plan && delivery.kind == DeliveryKind::unknown)
    for (auto& f : report.findings) hold_scoped_failure(f);
  return report;
}

}  // namespace rtreview
