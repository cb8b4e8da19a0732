// Dose object checks: DOSE_GRID_SPACING, DOSE_OBJECT_FIT, DVH_COMPUTABLE, DVH_MATCHES_FILE.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

namespace {

bool is_gy(const DoseGrid& d) { return upper(d.units) == "GY"; }
bool is_plan_summation(const DoseGrid& d) { return upper(d.summation_type) == "PLAN"; }

// The structure set's frame of reference: the top-level one, else the ROIs' (RayStation
// writes an empty top-level FrameOfReferenceUID), else ReferencedFrameOfReferenceSequence.
std::string structure_set_frame(const StructureSet& ss) {
  if (!ss.info.frame_of_reference_uid.empty()) return ss.info.frame_of_reference_uid;
  for (const auto& roi : ss.rois)
    if (!roi.frame_of_reference_uid.empty()) return roi.frame_of_reference_uid;
  if (!ss.referenced_frame_of_reference_uids.empty()) return ss.referenced_frame_of_reference_uids.front();
  return "";
}

std::string roi_frame(const Roi& roi, const StructureSet& ss) {
  return roi.frame_of_reference_uid.empty() ? structure_set_frame(ss) : roi.frame_of_reference_uid;
}

struct SliceSpacing {
  std::optional<double> largest_step_mm;
  bool uniform = true;
  std::string source;  // how it was obtained
};

SliceSpacing slice_spacing(const DoseGrid& d) {
  SliceSpacing s;
  const auto& offsets = d.frame_offsets_mm;
  const std::size_t frames = d.frames > 0 ? static_cast<std::size_t>(d.frames) : offsets.size();
  if (frames <= 1) {
    s.source = "single frame: in-plane spacing only";
    return s;
  }
  if (offsets.size() >= 2) {
    const std::size_t n = std::min(frames, offsets.size());
    double largest = 0.0, smallest = 1e300;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const double step = std::abs(offsets[i + 1] - offsets[i]);
      largest = std::max(largest, step);
      smallest = std::min(smallest, step);
    }
    s.largest_step_mm = largest;
    s.uniform = largest - smallest <= 0.01;
    s.source = s.uniform ? "GridFrameOffsetVector step"
                         : "GridFrameOffsetVector largest |step| (non-uniform, smallest " +
                               num_unit(smallest, "mm") + ")";
    return s;
  }
  if (d.slice_thickness_mm && *d.slice_thickness_mm > 0) {
    s.largest_step_mm = *d.slice_thickness_mm;
    s.source = "SliceThickness (GridFrameOffsetVector absent)";
    return s;
  }
  s.source = "multi-frame dose without GridFrameOffsetVector or SliceThickness";
  return s;
}

std::string dose_role(const DoseGrid& d, const DoseGrid* plan_dose) {
  std::string role = d.summation_type.empty() ? "summation type absent" : d.summation_type + " dose";
  if (&d == plan_dose) role += ", the plan dose used for DVHs";
  return role;
}

}  // namespace

const DoseGrid* select_plan_dose(const PlanSet& plan_set) {
  const DoseGrid* first_gy = nullptr;
  for (const auto& d : plan_set.doses) {
    if (!d) continue;
    if (is_plan_summation(*d) && is_gy(*d)) return d.get();
    if (!first_gy && is_gy(*d)) first_gy = d.get();
  }
  if (first_gy) return first_gy;
  for (const auto& d : plan_set.doses)
    if (d) return d.get();
  return nullptr;
}

std::vector<Finding> check_dose_grid_spacing(const PlanSet& plan_set, const CheckOptions& options) {
  const double limit_mm = options.max_grid_spacing_mm;
  const std::string rule = "max(row, column, slice spacing) <= " + num_unit(limit_mm, "mm") +
                           " (inclusive); slice spacing = largest |step| of GridFrameOffsetVector";
  std::vector<Finding> out;
  if (plan_set.doses.empty()) {
    out.push_back(make_finding(check_id::dose_grid_spacing, Status::not_evaluable, Severity::error,
                               plan_subject(plan_set),
                               "no RT Dose in the plan set: the dose grid cannot be verified", rule));
    return out;
  }
  const DoseGrid* plan_dose = select_plan_dose(plan_set);
  for (const auto& dose_ptr : plan_set.doses) {
    if (!dose_ptr) continue;
    const DoseGrid& d = *dose_ptr;
    const std::string subject = dose_subject(d) + " (" + dose_role(d, plan_dose) + ")";
    // A non-plan dose (e.g. one BEAM dose) that fails is a warning; the plan dose decides.
    const Severity fail_severity = &d == plan_dose ? Severity::error : Severity::warning;
    Finding f = make_finding(check_id::dose_grid_spacing, Status::pass, Severity::info, subject, "", rule);
    if (!(d.row_spacing_mm > 0) || !(d.column_spacing_mm > 0)) {
      f.status = Status::not_evaluable;
      f.severity = fail_severity;
      f.message = "PixelSpacing absent or not positive: the dose grid spacing is unknown";
      out.push_back(std::move(f));
      continue;
    }
    f.evidence.push_back({"row spacing (PixelSpacing[0])", num_unit(d.row_spacing_mm, "mm", 3)});
    f.evidence.push_back({"column spacing (PixelSpacing[1])", num_unit(d.column_spacing_mm, "mm", 3)});
    const SliceSpacing slice = slice_spacing(d);
    double largest = std::max(d.row_spacing_mm, d.column_spacing_mm);
    if (slice.largest_step_mm) {
      f.evidence.push_back(
          {"slice spacing (" + slice.source + ")", num_unit(*slice.largest_step_mm, "mm", 3)});
      largest = std::max(largest, *slice.largest_step_mm);
    } else {
      f.evidence.push_back({"slice spacing", slice.source});
    }
    f.evidence.push_back({"grid", std::to_string(d.columns) + " x " + std::to_string(d.rows) + " x " +
                                      std::to_string(std::max(d.frames, 1)) + " voxels"});
    const bool slice_unknown = !slice.largest_step_mm && d.frames > 1;
    const bool within = largest <= limit_mm + 1e-6;
    if (!within) {
      f.status = Status::fail;
      f.severity = fail_severity;
      f.message =
          "largest dose grid spacing " + num_unit(largest, "mm", 3) + " > " + num_unit(limit_mm, "mm");
    } else if (slice_unknown) {
      f.status = Status::not_evaluable;
      f.severity = Severity::warning;
      f.message = "in-plane spacing " + num_unit(largest, "mm", 3) + " <= " + num_unit(limit_mm, "mm") +
                  " but the slice spacing is unknown (" + slice.source + ")";
    } else {
      f.message = "largest dose grid spacing " + num_unit(largest, "mm", 3) +
                  " <= " + num_unit(limit_mm, "mm") +
                  (slice.largest_step_mm ? "" : " (single frame: in-plane spacing only)");
    }
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

// What the dose-object judgements found: errors fail the check, remarks only qualify a pass.
struct FitProblems {
  std::vector<std::string> errors, remarks;
};

// Summation: PLAN, or partial (BEAM / FRACTION) doses that together cover every treatment beam.
void judge_summation(const PlanSet& plan_set, const DoseGrid& dose, Finding& f, FitProblems& p) {
  const std::string summation = upper(dose.summation_type);
  f.evidence.push_back({"DoseSummationType", summation.empty() ? "absent" : summation});
  if (summation == "PLAN") return;
  std::set<int> treatment_beams;
  if (plan_set.plan)
    for (const auto& b : plan_set.plan->beams)
      if (is_treatment_delivery(b.treatment_delivery_type)) treatment_beams.insert(b.number);
  std::set<int> covered;
  int partial_doses = 0;
  for (const auto& d : plan_set.doses) {
    if (!d) continue;
    const std::string s = upper(d->summation_type);
    if (s == "BEAM" || s == "FRACTION") ++partial_doses;
    if (s == "BEAM") covered.insert(d->referenced_beam_numbers.begin(), d->referenced_beam_numbers.end());
    if (s == "FRACTION" && plan_set.plan)
      for (const auto& g : plan_set.plan->fraction_groups)
        if (!d->referenced_fraction_group_number || *d->referenced_fraction_group_number == g.number)
          for (const auto& rb : g.beams) covered.insert(rb.beam_number);
  }
  const bool covers_all =
      !treatment_beams.empty() &&
      std::includes(covered.begin(), covered.end(), treatment_beams.begin(), treatment_beams.end());
  if (covers_all) {
    f.evidence.push_back({"partial doses", std::to_string(partial_doses) +
                                               " BEAM/FRACTION dose(s) covering all " +
                                               std::to_string(treatment_beams.size()) + " treatment beams"});
    p.remarks.push_back("no PLAN dose: " + std::to_string(partial_doses) +
                        " BEAM/FRACTION doses cover every treatment beam (DVHs use one of them only)");
    return;
  }
  p.errors.push_back("DoseSummationType " + (summation.empty() ? std::string("absent") : summation) +
                     ", not PLAN, and the doses do not cover every treatment beam" +
                     (plan_set.plan ? " (" + std::to_string(covered.size()) + " of " +
                                          std::to_string(treatment_beams.size()) + " covered)"
                                    : " (no plan to compare with)"));
}

void judge_units(const DoseGrid& dose, Finding& f, FitProblems& p) {
  const std::string units = upper(dose.units);
  f.evidence.push_back({"DoseUnits", units.empty() ? "absent" : units});
  if (units == "RELATIVE")
    p.errors.push_back("DoseUnits RELATIVE: doses are not in Gy");
  else if (units != "GY")
    p.errors.push_back("DoseUnits " + (units.empty() ? std::string("absent") : units) + ", not GY");
  if (!dose.dose_type.empty()) f.evidence.push_back({"DoseType", dose.dose_type});
}

void judge_frame(const PlanSet& plan_set, const DoseGrid& dose, Finding& f, FitProblems& p) {
  const std::string dose_frame = dose.info.frame_of_reference_uid;
  f.evidence.push_back({"dose FrameOfReferenceUID", dose_frame.empty() ? "absent" : dose_frame});
  if (!plan_set.structure_set) {
    p.remarks.push_back("no structure set: frame of reference not compared");
    return;
  }
  const std::string ss_frame = structure_set_frame(*plan_set.structure_set);
  f.evidence.push_back(
      {std::string("structure set FrameOfReferenceUID") +
           (plan_set.structure_set->info.frame_of_reference_uid.empty() ? " (from its ROIs)" : ""),
       ss_frame.empty() ? "absent" : ss_frame});
  if (dose_frame.empty() || ss_frame.empty())
    p.errors.push_back("frame of reference absent: dose and structures cannot be matched");
  else if (dose_frame != ss_frame)
    p.errors.push_back("dose and structure set are in different frames of reference");
}

void judge_plan_reference(const PlanSet& plan_set, const DoseGrid& dose, Finding& f, FitProblems& p) {
  f.evidence.push_back(
      {"ReferencedRTPlan", dose.referenced_plan_uid.empty() ? "absent" : dose.referenced_plan_uid});
  if (!plan_set.plan)
    p.remarks.push_back("no plan in the set: the dose's plan reference not verified");
  else if (dose.referenced_plan_uid.empty())
    p.remarks.push_back("the dose does not reference a plan");
  else if (dose.referenced_plan_uid != plan_set.plan->info.sop_instance_uid)
    p.errors.push_back("the dose references another plan (" + dose.referenced_plan_uid + ")");
}

}  // namespace

Finding check_dose_object_fit(const PlanSet& plan_set) {
  const std::string rule =
      "plan dose: DoseSummationType PLAN (or BEAM/FRACTION doses covering every treatment beam), DoseUnits "
      "GY, FrameOfReferenceUID equal to the structure set's, ReferencedRTPlan = the plan";
  const DoseGrid* dose = select_plan_dose(plan_set);
  if (!dose)
    return make_finding(check_id::dose_object_fit, Status::not_evaluable, Severity::error,
                        plan_subject(plan_set), "no RT Dose in the plan set", rule);
  Finding f =
      make_finding(check_id::dose_object_fit, Status::pass, Severity::info, dose_subject(*dose), "", rule);
  FitProblems p;
  judge_summation(plan_set, *dose, f, p);
  judge_units(*dose, f, p);
  judge_frame(plan_set, *dose, f, p);
  judge_plan_reference(plan_set, *dose, f, p);

  for (const auto& e : p.errors) f.evidence.push_back({"problem", e});
  for (const auto& w : p.remarks) f.evidence.push_back({"remark", w});
  if (!p.errors.empty()) {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = join(p.errors, "; ");
  } else if (!p.remarks.empty()) {
    f.severity = Severity::warning;
    f.message = "usable plan dose, with remarks: " + join(p.remarks, "; ");
  } else {
    f.message = "PLAN dose in GY, same frame of reference as the structures, references the plan";
  }
  return f;
}

Finding check_dvh_computable(const PlanSet& plan_set, const std::vector<RoiClassification>& structures,
                             const DoseGrid* dose, const std::vector<RoiDvh>& dvhs, bool dvhs_attempted,
                             const CheckOptions& options) {
  const std::string rule = "every target and OAR: closed contours, the dose's frame of reference, >= " +
                           num(options.target_min_inside_grid_fraction * 100, 1) +
                           " % (targets; 100 % less a tolerance for edge sampling) / >= " +
                           num(options.oar_min_inside_grid_fraction * 100, 1) +
                           " % (OARs) of its volume inside the dose grid, DVH computed";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.structure_set)
    return make_finding(check_id::dvh_computable, Status::not_evaluable, Severity::error, subject,
                        "no structure set in the plan set", rule);
  if (!dose)
    return make_finding(check_id::dvh_computable, Status::not_evaluable, Severity::error, subject,
                        "no RT Dose in the plan set: no DVH can be computed", rule);
  const StructureSet& ss = *plan_set.structure_set;
  Finding f = make_finding(check_id::dvh_computable, Status::pass, Severity::info, subject, "", rule);
  f.evidence.push_back({"dose used", dose_subject(*dose) + " (" +
                                         (dose->summation_type.empty() ? "?" : dose->summation_type) + ", " +
                                         (dose->units.empty() ? "?" : dose->units) + ")"});
  std::vector<std::string> failed;
  int judged = 0, unverified = 0;
  for (const auto& c : structures) {
    const bool is_target_roi = is_target(c.category);
    if (!is_target_roi && c.category != StructureCategory::oar) continue;
    ++judged;
    const Roi* roi = ss.find_roi(c.roi_number);
    const std::string label = std::string(to_string(c.category)) + " '" + c.roi_name + "'";
    if (!c.has_volume()) {
      failed.push_back(c.roi_name);
      f.evidence.push_back({label, "no closed contours: no DVH"});
      continue;
    }
    if (roi && !dose->info.frame_of_reference_uid.empty() &&
        roi_frame(*roi, ss) != dose->info.frame_of_reference_uid) {
      failed.push_back(c.roi_name);
      f.evidence.push_back({label, "frame of reference differs from the dose's: no meaningful DVH"});
      continue;
    }
    auto it =
        std::find_if(dvhs.begin(), dvhs.end(), [&](const RoiDvh& d) { return d.roi_number == c.roi_number; });
    if (!dvhs_attempted || it == dvhs.end()) {
      ++unverified;
      f.evidence.push_back({label, "closed contours, same frame of reference; DVH not computed"});
      continue;
    }
    if (!it->computed) {
      failed.push_back(c.roi_name);
      f.evidence.push_back({label, "DVH not computed: " + it->not_computed_reason});
      continue;
    }
    const double inside = it->volume_cc > 0 ? it->volume_in_grid_cc / it->volume_cc : 0.0;
    const double needed =
        is_target_roi ? options.target_min_inside_grid_fraction : options.oar_min_inside_grid_fraction;
    const std::string units = it->dose_units.empty() || upper(it->dose_units) == "GY" ? "Gy" : it->dose_units;
    std::string text = num_unit(it->volume_cc, "cc", 2) + ", " + num(inside * 100, 1) +
                       " % inside the dose grid, mean " + num_unit(it->mean_gy, units) + ", max " +
                       num_unit(it->max_gy, units);
    if (inside + 1e-9 < needed) {
      failed.push_back(c.roi_name);
      text += " (needs >= " + num(needed * 100, 1) + " %)";
    }
    f.evidence.push_back({label, text});
  }
  if (judged == 0) {
    f.status = Status::not_evaluable;
    f.severity = Severity::error;
    f.message = "no target or OAR identified in the structure set";
    return f;
  }
  if (!failed.empty()) {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = "no complete DVH for " + std::to_string(failed.size()) + " of " + std::to_string(judged) +
                " targets/OARs: " + join(failed);
    return f;
  }
  if (unverified > 0) {
    f.status = Status::not_evaluable;
    f.severity = Severity::warning;
    f.message = std::string("contours and frame of reference fit, but DVHs were not computed (") +
                (options.compute_dvhs ? "the dose has no pixel data" : "DVH computation turned off") + ")";
    return f;
  }
  f.message = "DVHs computed for all " + std::to_string(judged) + " targets and OARs";
  return f;
}

Finding check_dvh_matches_file(const DoseGrid* dose, const std::vector<RoiDvh>& dvhs) {
  const FileDvhTolerance tol;
  const std::string rule =
      "each DVH in the dose's DVHSequence compared with ours (same ROI): every point of the "
      "file's curve within " +
      num(tol.volume_percent, 0) + " % of volume at its dose or " + num(tol.dose_percent, 0) +
      " % of the file's maximum dose at its volume";
  const std::string subject = dose ? dose_subject(*dose) : std::string("plan set");
  if (!dose || dose->dvhs.empty())
    return make_finding(check_id::dvh_matches_file, Status::info, Severity::info, subject,
                        "the dose carries no DVHSequence: nothing to compare", rule);
  if (dvhs.empty())
    return make_finding(check_id::dvh_matches_file, Status::not_evaluable, Severity::info, subject,
                        std::to_string(dose->dvhs.size()) + " DVH(s) in the file, ours not computed", rule);
  const auto comparisons = compare_with_file_dvhs(dvhs, *dose, tol);
  Finding f = make_finding(check_id::dvh_matches_file, Status::info, Severity::info, subject, "", rule);
  int comparable = 0, within = 0;
  double worst = 0.0;
  for (const auto& c : comparisons) {
    std::string text;
    if (!c.comparable) {
      text = "not comparable" + (c.note.empty() ? "" : ": " + c.note);
    } else {
      ++comparable;
      within += c.within_tolerance;
      worst = std::max(worst, c.max_curve_difference_percent);
      text = std::string(c.within_tolerance ? "within" : "outside") + " tolerance (" +
             num(c.points_passing_percent, 1) + " % of the file's points pass; worst at " +
             num_unit(c.worst_point_dose_gy, "Gy") + ", " + num(c.worst_point_score, 2) +
             " × tolerance); max curve difference " + num(c.max_curve_difference_percent, 2) + " % at " +
             num_unit(c.max_curve_difference_at_gy, "Gy");
      for (const auto& m : c.metrics)
        text += "; " + m.name + " ours " + num(m.ours, 3) + " / file " + num(m.theirs, 3);
      if (!c.note.empty()) text += " (" + c.note + ")";
    }
    f.evidence.push_back({"ROI '" + c.roi_name + "' (#" + std::to_string(c.roi_number) + ")", text});
  }
  if (comparable > 0) {
    // A TPS DVH that disagrees with ours is for the reviewer to look at, not an error by itself.
    f.status = within == comparable ? Status::pass : Status::fail;
    f.severity = within == comparable ? Severity::info : Severity::warning;
  }
  f.message = std::to_string(within) + " of " + std::to_string(comparable) +
              " comparable file DVH(s) within " + num(tol.volume_percent, 0) + " %/" +
              num(tol.dose_percent, 0) + " % (" + std::to_string(comparisons.size()) +
              " in the file); largest curve difference " + num(worst, 2) + " % of volume";
  return f;
}

}  // namespace rtreview
