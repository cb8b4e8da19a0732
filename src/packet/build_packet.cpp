// build_packet: turns one plan set, its check report and the policy determinations
// into the ReviewPacket view model. Pure and deterministic (no clock, no I/O).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "rtreview/check_ids.h"
#include "rtreview/dvh.h"
#include "rtreview/packet.h"

namespace rtreview {

namespace {

// "20260215" → "2026-02-15"; already dashed or anything else is returned as is.
std::string iso_date(const std::string& d) {
  if (d.size() == 8 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  return d;
}

std::optional<double> finite(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// A colour per curve when the ROI has no display colour: distinct, print-safe.
const char* palette(std::size_t i) {
  static const char* colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                                 "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939"};
  return colors[i % (sizeof colors / sizeof colors[0])];
}

std::string hex_color(const std::array<int, 3>& rgb) {
  char buf[16];
  auto c = [](int v) { return std::clamp(v, 0, 255); };
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c(rgb[0]), c(rgb[1]), c(rgb[2]));
  // Near-white display colours vanish on paper: fall back to the palette.
  if (rgb[0] > 235 && rgb[1] > 235 && rgb[2] > 235) return "";
  return buf;
}

// The cumulative curve as % of in-grid volume on a fixed dose step (≤ ~240 points),
// by linear interpolation: enough for a plot, small in JSON.
void resample_curve(const RoiDvh& dvh, PacketDvhCurve& out) {
  const auto& d = dvh.cumulative.dose_gy;
  const auto& v = dvh.cumulative.volume_cc;
  if (d.empty() || v.size() != d.size() || dvh.volume_in_grid_cc <= 0) return;
  double max_dose = std::max(d.back(), dvh.max_gy);
  if (!(max_dose > 0)) return;
  // A "nice" step: max/200 rounded up to 1, 2 or 5 × 10^k.
  double raw = max_dose / 200.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
  std::size_t j = 0;
  for (int k = 0;; ++k) {
    double x = k * step;
    double vol;
    while (j + 1 < d.size() && d[j + 1] <= x) ++j;
    if (x <= d.front())
      vol = v.front();
    else if (j + 1 >= d.size())
      vol = x > d.back() ? 0.0 : v.back();
    else {
      double t = (x - d[j]) / (d[j + 1] - d[j]);
      vol = v[j] + t * (v[j + 1] - v[j]);
    }
    out.dose_gy.push_back(x);
    out.volume_percent.push_back(std::clamp(100.0 * vol / dvh.volume_in_grid_cc, 0.0, 100.0));
    if (x > max_dose || k > 400) break;
  }
}

PacketDvh build_dvh(const PlanSet& plan_set, const CheckReport& report) {
  PacketDvh out;
  out.dose_uid = report.dvh_dose_uid;
  const DoseGrid* dose = nullptr;
  for (const auto& d : plan_set.doses)
    if (d && d->info.sop_instance_uid == report.dvh_dose_uid) dose = d.get();
  if (dose) out.dose_units = dose->units;

  std::set<double> rx;
  if (report.plan_summary.prescription_dose_gy && *report.plan_summary.prescription_dose_gy > 0)
    rx.insert(*report.plan_summary.prescription_dose_gy);
  if (plan_set.plan)
    for (const auto& ref : plan_set.plan->dose_references)
      if (ref.target_prescription_dose_gy && *ref.target_prescription_dose_gy > 0)
        rx.insert(std::round(*ref.target_prescription_dose_gy * 1e4) / 1e4);
  out.prescription_gy.assign(rx.begin(), rx.end());
  std::optional<double> main_rx;
  if (report.plan_summary.prescription_dose_gy)
    main_rx = report.plan_summary.prescription_dose_gy;
  else if (!rx.empty())
    main_rx = *rx.rbegin();

  auto category_of = [&](int roi_number) -> std::optional<StructureCategory> {
    for (const auto& s : report.structures)
      if (s.roi_number == roi_number) return s.category;
    return std::nullopt;
  };
  const RoiDvh* external = nullptr;
  for (const auto& dvh : report.dvhs)
    if (dvh.computed && category_of(dvh.roi_number) == StructureCategory::external) external = &dvh;

  // Targets first, then OARs; other ROIs (external, helpers) are not plotted.
  std::size_t colour_index = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& dvh : report.dvhs) {
      auto category = category_of(dvh.roi_number);
      if (!category) continue;
      bool target = is_target(*category);
      if ((pass == 0) != target || (!target && *category != StructureCategory::oar)) continue;
      PacketDvhRow row;
      row.roi_number = dvh.roi_number;
      row.roi_name = dvh.roi_name;
      row.category = to_string(*category);
      row.is_target = target;
      row.computed = dvh.computed;
      row.not_computed_reason = dvh.not_computed_reason;
      if (dvh.computed) {
        DvhMetrics m = standard_metrics(dvh);
        row.volume_cc = finite(dvh.volume_cc);
        if (dvh.volume_cc > 0) row.in_grid_percent = finite(100.0 * dvh.volume_in_grid_cc / dvh.volume_cc);
        row.min_gy = finite(m.min_gy);
        row.mean_gy = finite(m.mean_gy);
        row.max_gy = finite(m.max_gy);
        row.d98_gy = finite(m.d98_gy);
        row.d95_gy = finite(m.d95_gy);
        row.d50_gy = finite(m.d50_gy);
        row.d2_gy = finite(m.d2_gy);
        row.d0_03cc_gy = finite(m.d0_03cc_gy);
        if (target) {
          row.homogeneity_index = finite(m.homogeneity_index);
          if (dose && main_rx && *main_rx > 0 && dose->units == "GY") {
            ConformityMetrics c = conformity_metrics(dvh, *main_rx, *dose, external);
            row.paddick_ci = finite(c.paddick_ci);
            row.rtog_ci = finite(c.rtog_ci);
            if (row.paddick_ci || row.rtog_ci) row.ci_region = c.piv_region;
          }
        }
        PacketDvhCurve curve;
        curve.roi_number = dvh.roi_number;
        curve.roi_name = dvh.roi_name;
        curve.category = row.category;
        curve.is_target = target;
        if (plan_set.structure_set)
          if (const Roi* roi = plan_set.structure_set->find_roi(dvh.roi_number); roi && roi->display_color)
            curve.color = hex_color(*roi->display_color);
        if (curve.color.empty()) curve.color = palette(colour_index);
        ++colour_index;
        resample_curve(dvh, curve);
        if (!curve.dose_gy.empty()) out.curves.push_back(std::move(curve));
      }
      out.rows.push_back(std::move(row));
    }
  }
  if (report.dvhs.empty())
    out.note = "no DVH was computed (no usable dose grid or no contoured structures)";
  else if (out.curves.empty())
    out.note = "no target or OAR DVH could be computed";
  // Curves drawn despite a failed DVH check (e.g. dose in another frame of reference) must say so.
  for (const auto& f : report.findings)
    if (f.id == check_id::dvh_computable && f.status != Status::pass && f.status != Status::info)
      out.note += std::string(out.note.empty() ? "" : "; ") + f.id + " " + to_string(f.status) + ": " +
                  f.message +
                  (out.curves.empty() ? "" : " (curves shown as computed; they do not meet the requirement)");
  return out;
}

void add_input(std::vector<PacketInputFile>& inputs, const ObjectInfo& info, const std::string& role) {
  inputs.push_back(
      {info.source.path, role, info.sop_instance_uid, info.source.sha256, info.source.size_bytes});
}

}  // namespace

std::string overall_outcome(const std::vector<Determination>& determinations) {
  // NOT APPLICABLE says why a policy does not govern the case; it never counts against it.
  const bool any_applicable =
      std::any_of(determinations.begin(), determinations.end(),
                  [](const Determination& d) { return d.outcome != Outcome::not_applicable; });
  if (!any_applicable) return "NO POLICY";
  bool any_dnm = false, any_insufficient = false;
  for (const auto& d : determinations) {
    any_dnm |= d.outcome == Outcome::does_not_meet;
    any_insufficient |= d.outcome == Outcome::insufficient_documentation;
  }
  if (any_dnm) return to_string(Outcome::does_not_meet);
  if (any_insufficient) return to_string(Outcome::insufficient_documentation);
  return to_string(Outcome::meets);
}

PacketContext packet_context(const ReviewRun& run, bool lone) {
  PacketContext context;
  context.case_file = run.case_file ? &*run.case_file : nullptr;
  if (!lone) return context;
  context.input_findings = run.input_findings;
  for (const auto& u : run.inventory.unreadable)
    context.unreadable.push_back({u.path, u.not_dicom ? "ignored: " + u.reason : u.reason});
  for (const auto& o : run.inventory.others)
    context.unreadable.push_back({o.info.source.path, "ignored: " + o.reason});
  return context;
}

ReviewPacket build_packet(const PlanSetReview& review, const PacketContext& context) {
  const PlanSet& plan_set = review.plan_set;
  const CheckReport& report = review.report;
  ReviewPacket p;
  p.tool_version = RTREVIEW_VERSION;
  p.plan_set_id = plan_set.id;
  const CaseFile* cf = context.case_file;

  // --- header: DICOM first (it is what the payer receives), case file fills gaps.
  const ObjectInfo* first = plan_set.plan            ? &plan_set.plan->info
                            : plan_set.structure_set ? &plan_set.structure_set->info
                            : !plan_set.doses.empty() && plan_set.doses.front()
                                ? &plan_set.doses.front()->info
                                : nullptr;
  if (first) {
    p.patient.name = first->patient.name;
    p.patient.id = first->patient.id;
    p.patient.birth_date = iso_date(first->patient.birth_date);
    p.patient.sex = first->patient.sex;
  }
  if (cf) {
    if (p.patient.birth_date.empty()) p.patient.birth_date = cf->birth_date;
    if (p.patient.sex.empty()) p.patient.sex = cf->sex;
    p.case_info.file = std::filesystem::path(cf->file).filename().string();
    p.case_info.date_of_service = cf->date_of_service;
    p.case_info.line_of_business = cf->line_of_business;
    p.case_info.payer = cf->payer;
    p.case_info.diagnoses = cf->diagnoses;
    p.case_info.procedure_codes = cf->procedure_codes;
    p.case_info.rationale = cf->rationale;
  }
  p.facts = review.facts;
  p.patient.age_years = review.facts.age.years;
  if (review.facts.age.years) p.patient.age_source = to_string(review.facts.age.source);
  if (plan_set.plan) {
    const Plan& plan = *plan_set.plan;
    p.plan.label = plan.label;
    p.plan.name = plan.name;
    p.plan.date = iso_date(plan.date);
    p.plan.intent = plan.intent;
    p.plan.approval_status = plan.approval_status;
    p.plan.reviewer_name = plan.reviewer_name;
    p.plan.review_date = iso_date(plan.review_date);
    p.plan.sop_instance_uid = plan.info.sop_instance_uid;
    p.plan.kind = describe(plan.delivery_kind);
  }
  p.plan.technique = to_string(report.technique.technique);
  p.plan.technique_rule = report.technique.rule;
  p.plan.technique_is_imrt = is_imrt(report.technique.technique);
  std::string subject = p.plan.label.empty() ? "plan set " + plan_set.id : "plan " + p.plan.label;
  p.title = "Review packet: " + subject + (p.patient.id.empty() ? "" : ", patient " + p.patient.id);

  // --- determinations
  p.policies = context.policies;
  p.determinations = review.determinations;
  p.overall = overall_outcome(p.determinations);
  if (p.overall == "NO POLICY")
    p.overall_reasons.push_back(
        "no policy applies to the case (line of business, dates, jurisdiction, plan kind)");
  for (const auto& d : p.determinations)
    p.overall_reasons.push_back(d.policy.id + ": " + to_string(d.outcome) +
                                (d.summary.empty() ? "" : " - " + d.summary));

  // --- technical checks, then how the set was assembled, then the run's input problems
  p.findings = review.findings;
  p.findings.insert(p.findings.end(), context.input_findings.begin(), context.input_findings.end());

  p.plan_summary = report.plan_summary;
  p.beams = report.beams;
  for (const auto& b : p.beams) p.beam_modulation.push_back(modulation_text(b));
  p.structures = report.structures;
  p.dvh = build_dvh(plan_set, report);

  if (plan_set.plan) add_input(p.inputs, plan_set.plan->info, "RTPLAN");
  if (plan_set.structure_set) add_input(p.inputs, plan_set.structure_set->info, "RTSTRUCT");
  for (const auto& d : plan_set.doses)
    if (d) add_input(p.inputs, d->info, "RTDOSE");
  p.unreadable = context.unreadable;

  if (plan_set.plan)
    for (const auto& n : plan_set.plan->notes) p.notes.push_back("plan: " + n);
  if (plan_set.structure_set)
    for (const auto& n : plan_set.structure_set->notes) p.notes.push_back("structure set: " + n);
  for (const auto& d : plan_set.doses)
    if (d)
      for (const auto& n : d->notes) p.notes.push_back("dose " + d->info.sop_instance_uid + ": " + n);
  for (const auto& n : report.vocabulary_problems) p.notes.push_back("structure vocabulary: " + n);
  return p;
}

BatchEntry batch_entry(const ReviewPacket& packet, const std::string& folder, FailLevel fail_on) {
  BatchEntry e;
  e.folder = folder;
  e.plan_set_id = packet.plan_set_id;
  e.plan_label = packet.plan.label;
  e.patient_id = packet.patient.id;
  e.patient_name = packet.patient.name;
  e.technique = packet.plan.technique;
  e.overall = packet.overall;
  for (const auto& d : packet.determinations) e.outcomes.emplace_back(d.policy.id, to_string(d.outcome));
  std::set<std::string> failing;
  for (const auto& f : packet.findings)
    if (counts_against(f, fail_on)) failing.insert(f.id);
  e.failing_checks.assign(failing.begin(), failing.end());
  e.exit_code = (packet.overall == "MEETS" && failing.empty()) ? 0 : 1;
  return e;
}

}  // namespace rtreview
