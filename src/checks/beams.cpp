// Beam/portal summaries, technique classification and the beam checks:
// BEAM_DESCRIPTION, TECHNIQUE_IMRT, COMPENSATOR_DESIGN.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

const char* to_string(Technique technique) {
  switch (technique) {
    case Technique::conformal_3d:
      return "3D conformal";
    case Technique::field_in_field:
      return "field-in-field (forward-planned)";
    case Technique::imrt_step_and_shoot:
      return "step-and-shoot IMRT";
    case Technique::imrt_sliding_window:
      return "sliding-window IMRT";
    case Technique::vmat:
      return "VMAT";
    case Technique::helical:
      return "helical tomotherapy";
    case Technique::compensator_imrt:
      return "compensator-based IMRT";
    case Technique::proton:
      return "proton/ion";
    case Technique::brachytherapy:
      return "brachytherapy";
    case Technique::electron:
      return "electron";
    case Technique::unknown:
      break;
  }
  return "unknown";
}

bool is_imrt(Technique t) {
  return t == Technique::imrt_step_and_shoot || t == Technique::imrt_sliding_window || t == Technique::vmat ||
         t == Technique::helical || t == Technique::compensator_imrt;
}

namespace {

constexpr double position_tolerance_mm = 0.01;
constexpr double weight_tolerance = 1e-6;
constexpr double angle_tolerance_deg = 0.01;

bool is_mlc(const std::string& device_type) { return device_type == "MLCX" || device_type == "MLCY"; }

bool same_positions(const DevicePositions& a, const DevicePositions& b) {
  if (a.positions_mm.size() != b.positions_mm.size()) return false;
  for (std::size_t i = 0; i < a.positions_mm.size(); ++i)
    if (std::abs(a.positions_mm[i] - b.positions_mm[i]) > position_tolerance_mm) return false;
  return true;
}

const DevicePositions* find_device(const ControlPoint& cp, const std::string& type) {
  for (const auto& d : cp.device_positions)
    if (d.device_type == type) return &d;
  return nullptr;
}

// Whether the devices selected by `which` have the same positions at both control points.
template <typename Predicate>
bool devices_equal(const ControlPoint& a, const ControlPoint& b, Predicate which) {
  for (const auto& da : a.device_positions) {
    if (!which(da.device_type)) continue;
    const DevicePositions* db = find_device(b, da.device_type);
    if (db && !same_positions(da, *db)) return false;
  }
  return true;
}

bool is_treatment_delivery(const std::string& type) {
  // "" is treated as TREATMENT (the attribute is Type 2C / often absent in older exports).
  return type.empty() || type == "TREATMENT" || type == "CONTINUATION";
}

double rotation_step_deg(double from, double to, const std::string& direction) {
  double step = direction == "CC" ? from - to : to - from;
  step = std::fmod(step, 360.0);
  if (step < 0) step += 360.0;
  if (step > 360.0 - angle_tolerance_deg) step = 0.0;
  return step;
}

std::string energy_text(const BeamSummary& b) {
  if (!b.energy_mev) return "energy n/a";
  return num(*b.energy_mev, 2) + (b.radiation_type == "PHOTON" ? " MV" : " MeV");
}

// The first of `words` found in `text` with case and separators ignored ("Plano1_FiF" has "fif"), or "".
std::string first_contained(const std::string& text, std::initializer_list<const char*> words) {
  const std::string squashed = squash(text);
  for (const char* w : words)
    if (squashed.find(w) != std::string::npos) return w;
  return "";
}

}  // namespace

std::vector<BeamSummary> summarize_beams(const Plan& plan) {
  // MU per beam from every fraction group (a beam listed in two groups gets the sum).
  std::map<int, double> meterset_by_beam;
  for (const auto& group : plan.fraction_groups)
    for (const auto& rb : group.beams)
      if (rb.meterset) meterset_by_beam[rb.beam_number] += *rb.meterset;

  std::vector<BeamSummary> out;
  for (const auto& beam : plan.beams) {
    BeamSummary s;
    s.number = beam.number;
    s.name = beam.name;
    s.description = beam.description;
    s.delivery_type = beam.treatment_delivery_type;
    s.is_treatment = is_treatment_delivery(beam.treatment_delivery_type);
    s.radiation_type = beam.radiation_type;
    s.machine = beam.treatment_machine_name;
    s.beam_type = beam.beam_type;
    s.dosimeter_unit = beam.primary_dosimeter_unit;
    s.control_point_count = static_cast<int>(beam.control_points.size());
    s.compensator_count = static_cast<int>(beam.compensators.size());
    s.compensator_has_thickness_data =
        !beam.compensators.empty() &&
        std::all_of(beam.compensators.begin(), beam.compensators.end(), [](const Compensator& c) {
          return c.thickness_value_count > 0 || !c.thickness_data_mm.empty();
        });
    s.block_count = static_cast<int>(beam.blocks.size());
    for (const auto& d : beam.limiting_devices) s.has_mlc = s.has_mlc || is_mlc(d.device_type);
    for (const auto& w : beam.wedges) {
      std::string text = w.id;
      if (text.empty()) text = "wedge " + std::to_string(w.number);
      if (!w.type.empty()) text += " " + w.type;
      if (w.angle_deg) text += " " + num(*w.angle_deg, 1) + " deg";
      s.wedges.push_back(text);
    }
    if (auto it = meterset_by_beam.find(beam.number); it != meterset_by_beam.end())
      s.meterset_mu = it->second;

    const auto& cps = beam.control_points;
    if (!cps.empty()) {
      const auto& first = cps.front();
      s.energy_mev = first.nominal_energy_mev;
      s.gantry_start_deg = first.gantry_angle_deg;
      s.gantry_stop_deg = cps.back().gantry_angle_deg;
      s.collimator_deg = first.collimator_angle_deg;
      s.couch_deg = first.couch_angle_deg;
      s.isocenter_mm = first.isocenter_mm;
      s.rotation_direction =
          first.gantry_rotation_direction.empty() ? "NONE" : first.gantry_rotation_direction;
      for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
        const std::string& dir = cps[i].gantry_rotation_direction;
        if (dir == "CW" || dir == "CC")
          s.arc_length_deg += rotation_step_deg(cps[i].gantry_angle_deg, cps[i + 1].gantry_angle_deg, dir);
      }
      s.is_arc = s.arc_length_deg > angle_tolerance_deg;
      if (s.is_arc && (s.rotation_direction == "NONE")) {
        for (const auto& cp : cps)
          if (cp.gantry_rotation_direction == "CW" || cp.gantry_rotation_direction == "CC") {
            s.rotation_direction = cp.gantry_rotation_direction;
            break;
          }
      }

      // Segments: beam-on intervals (meterset increases) with a static aperture, consecutive
      // equal apertures merged; when the aperture moves while the beam is on (sliding window,
      // VMAT) each beam-on interval counts as one segment.
      int static_segments = 0;
      int dynamic_intervals = 0;
      const ControlPoint* last_static_start = nullptr;
      for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
        const auto& a = cps[i];
        const auto& b = cps[i + 1];
        if (!a.cumulative_meterset_weight || !b.cumulative_meterset_weight) continue;
        if (*b.cumulative_meterset_weight - *a.cumulative_meterset_weight <= weight_tolerance) continue;
        // The aperture is the MLC when there is one: jaws moving with the beam on (a dynamic
        // wedge) do not make segments.
        const bool mlc_static = devices_equal(a, b, is_mlc);
        const bool gantry_static = std::abs(a.gantry_angle_deg - b.gantry_angle_deg) <= angle_tolerance_deg;
        auto aperture_device = [&](const std::string& type) { return !s.has_mlc || is_mlc(type); };
        const bool aperture_static = devices_equal(a, b, aperture_device) && gantry_static;
        if (!mlc_static) s.mlc_moves_while_beam_on = true;
        if (!aperture_static) {
          ++dynamic_intervals;
          last_static_start = nullptr;
          continue;
        }
        const bool same_as_previous =
            last_static_start && devices_equal(*last_static_start, a, aperture_device);
        if (!same_as_previous) ++static_segments;
        last_static_start = &a;
      }
      s.segment_count = static_segments + dynamic_intervals;
      if (beam.is_ion) {
        std::set<long> energies_kev;
        for (const auto& cp : cps)
          if (cp.nominal_energy_mev) energies_kev.insert(std::lround(*cp.nominal_energy_mev * 1000.0));
        s.energy_layer_count = static_cast<int>(energies_kev.size());
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

PlanSummary summarize_plan(const Plan& plan, const std::vector<BeamSummary>& beams) {
  PlanSummary p;
  p.label = plan.label;
  p.sop_instance_uid = plan.info.sop_instance_uid;
  p.kind = plan.kind;
  p.fraction_group_count = static_cast<int>(plan.fraction_groups.size());
  std::vector<Point3> isocenters;
  double total_mu = 0.0;
  bool any_mu = false;
  for (const auto& b : beams) {
    if (!b.is_treatment) {
      ++p.setup_beam_count;
      continue;
    }
    ++p.treatment_portal_count;
    (b.is_arc ? p.arc_count : p.static_portal_count)++;
    if (b.meterset_mu && (b.dosimeter_unit.empty() || b.dosimeter_unit == "MU")) {
      total_mu += *b.meterset_mu;
      any_mu = true;
    }
    if (b.isocenter_mm) {
      const bool known = std::any_of(isocenters.begin(), isocenters.end(), [&](const Point3& q) {
        return std::abs(q[0] - (*b.isocenter_mm)[0]) <= 0.1 && std::abs(q[1] - (*b.isocenter_mm)[1]) <= 0.1 &&
               std::abs(q[2] - (*b.isocenter_mm)[2]) <= 0.1;
      });
      if (!known) isocenters.push_back(*b.isocenter_mm);
    }
  }
  p.isocenter_count = static_cast<int>(isocenters.size());
  if (any_mu) p.total_mu_per_fraction = total_mu;

  int fractions = 0;
  bool any_fractions = false;
  for (const auto& g : plan.fraction_groups)
    if (g.fractions_planned) {
      fractions += *g.fractions_planned;
      any_fractions = true;
    }
  if (any_fractions) p.fractions_planned = fractions;

  // Prescription: DoseReferenceSequence target prescription dose first (the physician's Rx);
  // else the sum of BeamDose over the fraction group(s) × fractions (the TPS's beam doses).
  double rx_gy = 0.0;
  int rx_count = 0;
  for (const auto& ref : plan.dose_references)
    if (ref.target_prescription_dose_gy && *ref.target_prescription_dose_gy > rx_gy) {
      rx_gy = *ref.target_prescription_dose_gy;
      ++rx_count;
    }
  if (rx_count > 0) {
    p.prescription_dose_gy = rx_gy;
    p.prescription_source = "DoseReferenceSequence TargetPrescriptionDose (highest of " +
                            std::to_string(rx_count) + " target reference(s))";
    if (p.fractions_planned && *p.fractions_planned > 0)
      p.dose_per_fraction_gy = rx_gy / *p.fractions_planned;
  } else {
    double total_gy = 0.0;
    double per_fraction_gy = 0.0;
    bool any_beam_dose = false;
    for (const auto& g : plan.fraction_groups) {
      double group_gy = 0.0;
      bool group_has = false;
      for (const auto& rb : g.beams)
        if (rb.beam_dose_gy) {
          group_gy += *rb.beam_dose_gy;
          group_has = true;
        }
      if (!group_has) continue;
      any_beam_dose = true;
      per_fraction_gy += group_gy;
      total_gy += group_gy * g.fractions_planned.value_or(0);
    }
    if (any_beam_dose && per_fraction_gy > 0) {
      // Several fraction groups (phases): the mean dose per fraction over the course.
      const bool several_groups = plan.fraction_groups.size() > 1;
      p.dose_per_fraction_gy =
          several_groups && total_gy > 0 && p.fractions_planned && *p.fractions_planned > 0
              ? total_gy / *p.fractions_planned
              : per_fraction_gy;
      if (total_gy > 0) p.prescription_dose_gy = total_gy;
      p.prescription_source =
          "FractionGroupSequence BeamDose (sum over beams × fractions; dose at the beam "
          "dose specification points, not a prescription)";
    }
  }
  return p;
}

TechniqueResult classify_technique(const Plan& plan, const std::vector<BeamSummary>& beams,
                                   const CheckOptions& options) {
  TechniqueResult r;
  if (plan.kind == PlanKind::brachy) {
    r.technique = Technique::brachytherapy;
    r.rule = "brachytherapy plan (ApplicationSetupSequence, no beams)";
    return r;
  }
  std::vector<const BeamSummary*> treatment;
  for (const auto& b : beams)
    if (b.is_treatment) treatment.push_back(&b);
  r.evidence.push_back({"treatment beams", std::to_string(treatment.size())});
  const bool ion =
      plan.kind == PlanKind::ion || std::any_of(treatment.begin(), treatment.end(), [](const BeamSummary* b) {
        return b->radiation_type == "PROTON" || b->radiation_type == "ION";
      });
  if (ion) {
    r.technique = Technique::proton;
    r.rule = "RT Ion Plan / PROTON or ION radiation type";
    return r;
  }
  if (treatment.empty()) {
    r.technique = Technique::unknown;
    r.rule = "no treatment beams (TreatmentDeliveryType TREATMENT) in the plan";
    return r;
  }
  std::vector<const BeamSummary*> photon;
  for (const auto* b : treatment)
    if (b->radiation_type != "ELECTRON") photon.push_back(b);
  if (photon.empty()) {
    r.technique = Technique::electron;
    r.rule = "every treatment beam has RadiationType ELECTRON";
    return r;
  }

  // Helical: TomoTherapy/Radixact machines, or one beam rotating more than two turns.
  const std::string device =
      plan.info.manufacturer + " " + plan.info.manufacturer_model_name + " " + photon.front()->machine;
  const std::string tomo_word = first_contained(device, {"tomo", "hiart", "radixact"});
  double max_arc_deg = 0.0;
  for (const auto* b : photon) max_arc_deg = std::max(max_arc_deg, b->arc_length_deg);
  if (!tomo_word.empty() || max_arc_deg > 720.0) {
    r.technique = Technique::helical;
    r.rule = !tomo_word.empty()
                 ? "treatment device names TomoTherapy ('" + tomo_word + "' in manufacturer/model/machine)"
                 : "a beam rotates more than two turns (" + num(max_arc_deg, 0) + " deg): helical delivery";
    r.evidence.push_back({"device", device});
    r.evidence.push_back({"largest gantry rotation", num_unit(max_arc_deg, "deg", 0)});
    return r;
  }

  int with_compensator = 0;
  int arcs_modulated = 0, arcs = 0, static_mlc_moving = 0, multi_segment = 0, max_segments = 0;
  int total_segments = 0;
  for (const auto* b : photon) {
    if (b->compensator_count > 0) ++with_compensator;
    if (b->is_arc) {
      ++arcs;
      if (b->mlc_moves_while_beam_on) ++arcs_modulated;
      continue;
    }
    if (b->mlc_moves_while_beam_on) ++static_mlc_moving;
    if (b->segment_count > 1) ++multi_segment;
    max_segments = std::max(max_segments, b->segment_count);
    total_segments += b->segment_count;
  }
  r.evidence.push_back({"photon treatment beams", std::to_string(photon.size())});
  if (with_compensator > 0) {
    r.technique = Technique::compensator_imrt;
    r.rule = std::to_string(with_compensator) + " of " + std::to_string(photon.size()) +
             " treatment beams carry a CompensatorSequence: compensator-based modulation";
    return r;
  }
  if (arcs_modulated > 0) {
    r.technique = Technique::vmat;
    r.rule = std::to_string(arcs_modulated) +
             " arc(s) with the MLC moving while meterset accumulates and the "
             "gantry rotating: VMAT (a dynamic conformal arc looks the same in DICOM; see evidence)";
    r.evidence.push_back({"arcs", std::to_string(arcs)});
    return r;
  }
  if (static_mlc_moving > 0) {
    r.technique = Technique::imrt_sliding_window;
    r.rule = std::to_string(static_mlc_moving) +
             " fixed-gantry beam(s) with the MLC moving while meterset "
             "accumulates: sliding window (dynamic MLC) IMRT";
    return r;
  }
  if (arcs > 0 && multi_segment == 0) {
    r.technique = Technique::conformal_3d;
    r.rule = "arc(s) with a static aperture: conformal arc therapy";
    return r;
  }
  r.evidence.push_back({"beams with > 1 segment", std::to_string(multi_segment)});
  r.evidence.push_back({"largest segment count on a beam", std::to_string(max_segments)});
  r.evidence.push_back({"segments (all treatment beams)", std::to_string(total_segments)});
  if (multi_segment == 0) {
    r.technique = Technique::conformal_3d;
    r.rule = "every treatment beam delivers one static aperture: 3D conformal";
    return r;
  }

  // Step-and-shoot vs field-in-field (both: several static MLC segments per beam).
  const std::string flags = plan.label + " " + plan.name + " " + plan.description;
  std::string beam_flags;
  for (const auto* b : photon) beam_flags += " " + b->name + " " + b->description;
  const std::string fif_flag = first_contained(flags + beam_flags, {"fif", "fieldinfield"});
  const std::string imrt_flag = first_contained(flags, {"imrt", "stepandshoot", "smlc"});
  const int limit = options.field_in_field_max_segments_per_beam;
  if (max_segments > limit) {
    r.technique = Technique::imrt_step_and_shoot;
    r.rule = "static MLC segments, up to " + std::to_string(max_segments) + " on a beam (> " +
             std::to_string(limit) + "): inverse-planned step-and-shoot IMRT";
    return r;
  }
  if (!fif_flag.empty()) {
    r.technique = Technique::field_in_field;
    r.rule = "at most " + std::to_string(limit) +
             " static segments per beam and the planner named it field-in-field ('" + fif_flag +
             "' in plan/beam names)";
    return r;
  }
  if (!imrt_flag.empty()) {
    r.technique = Technique::imrt_step_and_shoot;
    r.rule = "at most " + std::to_string(limit) +
             " static segments per beam; the planner labelled the plan IMRT ('" + imrt_flag +
             "' in plan label/name/description)";
    return r;
  }
  constexpr int imrt_min_modulated_beams = 5;
  if (multi_segment >= imrt_min_modulated_beams) {
    r.technique = Technique::imrt_step_and_shoot;
    r.rule = std::to_string(multi_segment) + " beams (>= " + std::to_string(imrt_min_modulated_beams) +
             ") each with several static MLC segments: step-and-shoot IMRT";
    return r;
  }
  r.technique = Technique::field_in_field;
  r.rule = "few beams (" + std::to_string(multi_segment) + " < " + std::to_string(imrt_min_modulated_beams) +
           " with segments), at most " + std::to_string(limit) +
           " static segments each, no IMRT label: forward-planned field-in-field";
  return r;
}

Finding check_beam_description(const PlanSet& plan_set, const std::vector<BeamSummary>& beams,
                               const PlanSummary& summary) {
  const std::string rule =
      "each treatment beam has a gantry position (static) or start/stop angles and direction (arc), "
      "collimator and couch angles, an isocentre and control points";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.plan)
    return make_finding(check_id::beam_description, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set: portals cannot be described", rule, cite_lcd_doc_5);
  if (plan_set.plan->kind == PlanKind::brachy) {
    Finding f =
        make_finding(check_id::beam_description, Status::not_evaluable, Severity::warning, subject,
                     "plan kind brachytherapy: no beams; channels listed instead", rule, cite_lcd_doc_5);
    for (const auto& setup : plan_set.plan->application_setups)
      f.evidence.push_back({"application setup " + std::to_string(setup.number),
                            setup.type + ", " + std::to_string(setup.channels.size()) + " channel(s)"});
    return f;
  }
  if (summary.treatment_portal_count == 0)
    return make_finding(check_id::beam_description, Status::fail, Severity::error, subject,
                        "the plan has no treatment beams", rule, cite_lcd_doc_5);

  Finding f;
  std::vector<std::string> incomplete;
  for (const auto& b : beams) {
    std::string where;
    if (b.is_arc)
      where = "arc " + num(b.gantry_start_deg, 1) + " -> " + num(b.gantry_stop_deg, 1) + " deg " +
              b.rotation_direction + " (" + num(b.arc_length_deg, 1) + " deg" +
              (b.arc_length_deg > 360.0 ? ", " + num(b.arc_length_deg / 360.0, 1) + " rotations" : "") + ")";
    else
      where = "gantry " + num(b.gantry_start_deg, 1) + " deg";
    where += ", collimator " + num(b.collimator_deg, 1) + " deg, couch " + num(b.couch_deg, 1) + " deg";
    where += ", isocentre " + (b.isocenter_mm ? point_text(*b.isocenter_mm) : std::string("absent"));
    const std::string delivery = b.energy_layer_count > 0
                                     ? std::to_string(b.energy_layer_count) + " energy layer(s)"
                                     : std::to_string(b.segment_count) + " segment(s)";
    std::string what = (b.is_treatment ? "treatment" : "non-treatment (" + b.delivery_type + ")") +
                       std::string(", ") + (b.radiation_type.empty() ? "radiation n/a" : b.radiation_type) +
                       " " + energy_text(b) + (b.machine.empty() ? "" : ", " + b.machine) + ", " +
                       std::to_string(b.control_point_count) + " control points, " + delivery;
    if (b.meterset_mu)
      what += ", " + num(*b.meterset_mu, 1) + " " + (b.dosimeter_unit.empty() ? "MU" : b.dosimeter_unit);
    if (!b.wedges.empty()) what += ", wedges: " + join(b.wedges);
    if (b.compensator_count) what += ", " + std::to_string(b.compensator_count) + " compensator(s)";
    if (b.block_count) what += ", " + std::to_string(b.block_count) + " block(s)";
    f.evidence.push_back({"beam " + std::to_string(b.number) + " '" + b.name + "'", what + "; " + where});
    if (b.is_treatment && (b.control_point_count == 0 || !b.isocenter_mm))
      incomplete.push_back(std::to_string(b.number) +
                           (b.control_point_count == 0 ? " (no control points)" : " (no isocentre)"));
  }
  std::string totals = std::to_string(summary.treatment_portal_count) + " treatment portal(s) (" +
                       std::to_string(summary.static_portal_count) + " static, " +
                       std::to_string(summary.arc_count) + " arc), " +
                       std::to_string(summary.setup_beam_count) + " setup/imaging beam(s), " +
                       std::to_string(summary.isocenter_count) + " isocentre(s)";
  f.evidence.insert(f.evidence.begin(), {"portals", totals});
  f.evidence.insert(f.evidence.begin() + 1,
                    {"total MU per fraction",
                     summary.total_mu_per_fraction
                         ? num(*summary.total_mu_per_fraction, 1) + " MU" +
                               (summary.fraction_group_count > 1 ? " (sum over fraction groups)" : "")
                         : std::string("not available (no BeamMeterset in MU)")});
  f.id = std::string(check_id::beam_description);
  f.subject = subject;
  f.rule = rule;
  f.citation = cite_lcd_doc_5;
  if (!incomplete.empty()) {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = "treatment beam(s) without location: " + join(incomplete);
    return f;
  }
  f.status = Status::pass;
  f.severity = Severity::info;
  f.message = totals;
  return f;
}

Finding check_technique_imrt(const PlanSet& plan_set, const TechniqueResult& technique) {
  const std::string rule =
      "technique classified from beam geometry (rules in the README, section Technical checks); IMRT = "
      "step-and-shoot, "
      "sliding window, VMAT, helical or compensator-based; field-in-field is not IMRT";
  const std::string subject = plan_subject(plan_set);
  const char* citation = cite_mc_background;
  if (!plan_set.plan)
    return make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set: technique unknown", rule, citation);
  Finding f;
  const Technique t = technique.technique;
  if (t == Technique::proton || t == Technique::brachytherapy || t == Technique::electron) {
    f = make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::warning, subject,
                     std::string("plan kind ") + to_string(t) + ": not supported for IMRT classification",
                     rule, citation);
  } else if (t == Technique::unknown) {
    f = make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::warning, subject,
                     "technique could not be classified: " + technique.rule, rule, citation);
  } else if (is_imrt(t)) {
    f = make_finding(check_id::technique_imrt, Status::pass, Severity::info, subject,
                     std::string("technique: ") + to_string(t), rule, citation);
  } else {
    f = make_finding(check_id::technique_imrt, Status::fail, Severity::error, subject,
                     std::string("technique: ") + to_string(t) + ", not IMRT", rule, citation);
  }
  f.evidence.push_back({"technique", to_string(t)});
  f.evidence.push_back({"rule used", technique.rule});
  for (const auto& e : technique.evidence) f.evidence.push_back(e);
  return f;
}

Finding check_compensator_design(const PlanSet& plan_set, const std::vector<BeamSummary>& beams,
                                 const TechniqueResult& technique) {
  const std::string rule =
      "compensator-based plan: every treatment beam carries CompensatorSequence with "
      "thickness data (the unique design per portal)";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.plan)
    return make_finding(check_id::compensator_design, Status::not_evaluable, Severity::info, subject,
                        "no RT Plan in the plan set", rule, cite_lcd_doc_7);
  if (technique.technique != Technique::compensator_imrt)
    return make_finding(check_id::compensator_design, Status::info, Severity::info, subject,
                        std::string("not applicable: technique ") + to_string(technique.technique), rule,
                        cite_lcd_doc_7);
  Finding f;
  std::vector<std::string> missing;
  for (const auto& b : beams) {
    if (!b.is_treatment) continue;
    const bool ok = b.compensator_count > 0 && b.compensator_has_thickness_data;
    f.evidence.push_back(
        {"beam " + std::to_string(b.number) + " '" + b.name + "'",
         b.compensator_count == 0
             ? "no compensator"
             : std::to_string(b.compensator_count) + " compensator(s), " +
                   (b.compensator_has_thickness_data ? "thickness data present" : "no thickness data")});
    if (!ok) missing.push_back(std::to_string(b.number));
  }
  f.id = std::string(check_id::compensator_design);
  f.subject = subject;
  f.rule = rule;
  f.citation = cite_lcd_doc_7;
  if (missing.empty()) {
    f.status = Status::pass;
    f.severity = Severity::info;
    f.message = "every treatment portal has a compensator design";
  } else {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = "treatment beam(s) without compensator design: " + join(missing);
  }
  return f;
}

}  // namespace rtreview
