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
    case Technique::dynamic_conformal_arc:
      return "dynamic conformal arc";
    case Technique::tomo_direct:
      return "TomoDirect (binary-MLC IMRT)";
    case Technique::gamma_knife:
      return "Gamma Knife radiosurgery";
    case Technique::robotic:
      return "robotic radiosurgery (CyberKnife)";
    case Technique::unknown:
      break;
  }
  return "unknown";
}

bool is_imrt(Technique t) {
  return t == Technique::imrt_step_and_shoot || t == Technique::imrt_sliding_window || t == Technique::vmat ||
         t == Technique::helical || t == Technique::compensator_imrt || t == Technique::tomo_direct;
}

namespace {

constexpr double position_tolerance_mm = 0.01;
constexpr double weight_tolerance = 1e-6;

// Every MLC type of PS3.3 C.8.8.14: single-layer X or Y leaves, and the two stacked layers
// of Halcyon/Ethos (MLCX1 distal, MLCX2 proximal), both of which move.
bool is_mlc(const std::string& device_type) {
  return device_type == "MLCX" || device_type == "MLCY" || device_type == "MLCX1" || device_type == "MLCX2";
}

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

// The first of `words` found in `text` with case and separators ignored ("Plano1_FiF" has "fif"), or "".
std::string first_contained(const std::string& text, std::initializer_list<const char*> words) {
  const std::string squashed = squash(text);
  for (const char* w : words)
    if (squashed.find(w) != std::string::npos) return w;
  return "";
}

// MU per fraction of each beam: from the first fraction group that lists it with a meterset
// (a beam is delivered in one phase; never a sum over groups).
std::map<int, double> meterset_by_beam(const Plan& plan) {
  std::map<int, double> out;
  for (const auto& group : plan.fraction_groups)
    for (const auto& rb : group.beams)
      if (rb.meterset) out.emplace(rb.beam_number, *rb.meterset);
  return out;
}

void summarize_geometry(const std::vector<ControlPoint>& cps, BeamSummary& s) {
  const auto& first = cps.front();
  s.energy_mev = first.nominal_energy_mev;
  s.gantry_start_deg = first.gantry_angle_deg;
  s.gantry_stop_deg = cps.back().gantry_angle_deg;
  s.collimator_deg = first.collimator_angle_deg;
  s.couch_deg = first.couch_angle_deg;
  s.isocenter_mm = first.isocenter_mm;
  s.rotation_direction = first.gantry_rotation_direction.empty() ? "NONE" : first.gantry_rotation_direction;
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const std::string& dir = cps[i].gantry_rotation_direction;
    if (dir == "CW" || dir == "CC")
      s.arc_length_deg += rotation_step_deg(cps[i].gantry_angle_deg, cps[i + 1].gantry_angle_deg, dir);
  }
  s.is_arc = s.arc_length_deg > angle_tolerance_deg;
  if (s.is_arc && s.rotation_direction == "NONE")
    for (const auto& cp : cps)
      if (cp.gantry_rotation_direction == "CW" || cp.gantry_rotation_direction == "CC") {
        s.rotation_direction = cp.gantry_rotation_direction;
        break;
      }
}

// Segments: beam-on intervals (meterset increases) with a static aperture, consecutive equal
// apertures merged; when the aperture moves while the beam is on (sliding window, VMAT) each
// beam-on interval counts as one segment. The aperture is the MLC (every layer) when there is
// one: jaws moving with the beam on (a dynamic wedge) do not make segments.
void count_segments(const std::vector<ControlPoint>& cps, BeamSummary& s) {
  int static_segments = 0, dynamic_intervals = 0;
  const ControlPoint* last_static_start = nullptr;
  auto aperture_device = [&](const std::string& type) { return !s.has_mlc || is_mlc(type); };
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const auto& a = cps[i];
    const auto& b = cps[i + 1];
    if (!a.cumulative_meterset_weight || !b.cumulative_meterset_weight) continue;
    if (*b.cumulative_meterset_weight - *a.cumulative_meterset_weight <= weight_tolerance) continue;
    const bool gantry_static = std::abs(a.gantry_angle_deg - b.gantry_angle_deg) <= angle_tolerance_deg;
    if (!devices_equal(a, b, is_mlc)) s.mlc_moves_while_beam_on = true;
    if (!(devices_equal(a, b, aperture_device) && gantry_static)) {
      ++dynamic_intervals;
      last_static_start = nullptr;
      continue;
    }
    if (!(last_static_start && devices_equal(*last_static_start, a, aperture_device))) ++static_segments;
    last_static_start = &a;
  }
  s.segment_count = static_segments + dynamic_intervals;
}

BeamSummary summarize_beam(const Beam& beam, std::optional<double> meterset_mu) {
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
  s.fluence_mode = beam.fluence_mode_id;
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
    std::string text = w.id.empty() ? "wedge " + std::to_string(w.number) : w.id;
    if (!w.type.empty()) text += " " + w.type;
    if (w.angle_deg) text += " " + num(*w.angle_deg, 1) + " deg";
    s.wedges.push_back(text);
  }
  s.meterset_mu = meterset_mu;
  const auto& cps = beam.control_points;
  if (cps.empty()) return s;
  summarize_geometry(cps, s);
  count_segments(cps, s);
  if (beam.is_ion) {
    std::set<long> energies_kev;
    for (const auto& cp : cps)
      if (cp.nominal_energy_mev) energies_kev.insert(std::lround(*cp.nominal_energy_mev * 1000.0));
    s.energy_layer_count = static_cast<int>(energies_kev.size());
    if (!energies_kev.empty()) {
      s.lowest_energy_mev = static_cast<double>(*energies_kev.begin()) / 1000.0;
      s.highest_energy_mev = static_cast<double>(*energies_kev.rbegin()) / 1000.0;
    }
    return s;
  }
  const bool mu_known = meterset_mu && (s.dosimeter_unit.empty() || s.dosimeter_unit == "MU");
  s.modulation = measure_modulation(beam, mu_known ? meterset_mu : std::nullopt);
  if (mu_known && s.segment_count > 0) s.modulation.mu_per_segment = *meterset_mu / s.segment_count;
  return s;
}

// Per-beam delivery of a photon linac beam (README "Technique"): the plan-level rules combine these.
Technique classify_beam(const BeamSummary& b, const CheckOptions& options) {
  if (b.radiation_type == "ELECTRON") return Technique::electron;
  if (b.compensator_count > 0) return Technique::compensator_imrt;
  if (b.is_arc) {
    if (b.arc_length_deg > 720.0) return Technique::helical;
    if (!b.mlc_moves_while_beam_on) return Technique::conformal_3d;
    const auto& m = b.modulation;
    const bool constant_rate = m.mu_per_degree_cv && *m.mu_per_degree_cv <= options.dca_max_mu_per_degree_cv;
    const bool open_apertures = m.aav && *m.aav >= options.dca_min_aav && m.aperture_irregularity &&
                                *m.aperture_irregularity <= options.dca_max_aperture_irregularity;
    return constant_rate && open_apertures ? Technique::dynamic_conformal_arc : Technique::vmat;
  }
  if (b.mlc_moves_while_beam_on) return Technique::imrt_sliding_window;
  if (b.segment_count > options.field_in_field_max_segments_per_beam) return Technique::imrt_step_and_shoot;
  if (b.segment_count > 1) return Technique::field_in_field;
  return Technique::conformal_3d;
}

}  // namespace

std::vector<BeamSummary> summarize_beams(const Plan& plan) { return summarize_beams(plan, CheckOptions{}); }

std::vector<BeamSummary> summarize_beams(const Plan& plan, const CheckOptions& options) {
  const std::map<int, double> mu = meterset_by_beam(plan);
  std::vector<BeamSummary> out;
  for (const auto& beam : plan.beams) {
    auto it = mu.find(beam.number);
    BeamSummary s = summarize_beam(beam, it == mu.end() ? std::nullopt : std::optional<double>(it->second));
    if (s.is_treatment && !beam.is_ion) s.technique = classify_beam(s, options);
    out.push_back(std::move(s));
  }
  return out;
}

std::string modulation_text(const BeamSummary& b) {
  const BeamModulation& m = b.modulation;
  std::string t = std::string(to_string(b.technique)) + "; " + std::to_string(b.control_point_count) +
                  " control points, " + std::to_string(b.segment_count) + " segment(s)";
  if (m.mu_per_segment) t += ", " + num(*m.mu_per_segment, 1) + " MU/segment";
  if (b.is_arc) {
    if (m.mu_per_degree) t += ", " + num(*m.mu_per_degree, 3) + " MU/deg";
    if (m.mu_per_degree_cv) t += " (CV " + num(*m.mu_per_degree_cv, 3) + ")";
  }
  t += m.mlc_devices.empty() ? ", jaws only" : ", " + m.mlc_devices;
  if (m.mcs) t += ", MCS " + num(*m.mcs, 3);
  if (m.aav) t += ", AAV " + num(*m.aav, 3);
  if (m.edge_metric_per_mm) t += ", edge metric " + num(*m.edge_metric_per_mm, 4) + " /mm";
  if (m.aperture_irregularity) t += ", aperture irregularity " + num(*m.aperture_irregularity, 2);
  if (m.mean_area_mm2) t += ", mean aperture " + num(*m.mean_area_mm2 / 100.0, 1) + " cm2";
  t += ", leaf travel " + num(m.leaf_travel_mm, 0) + " mm (" + std::to_string(m.moving_leaf_count) +
       " moving leaves)";
  return t;
}

DeliveryKindResult delivery_of(const Plan& plan) {
  if (plan.delivery_kind != DeliveryKind::unknown) return {plan.delivery_kind, plan.delivery_kind_rule};
  return classify_delivery_kind(plan);
}

DeliveryKindResult delivery_of(const PlanSet& plan_set) {
  return plan_set.plan ? delivery_of(*plan_set.plan) : classify_delivery_kind(plan_set.doses);
}

DeliveryKind delivery_kind_of(const Plan& plan) { return delivery_of(plan).kind; }

namespace {

// Plans whose technique follows from what delivers them, before any beam geometry.
std::optional<TechniqueResult> technique_by_kind(const Plan& plan, DeliveryKind kind) {
  const std::string why = std::string("plan kind ") + describe(kind);
  if (is_brachy(kind) || (plan.kind == PlanKind::brachy && plan.beams.empty()))
    return TechniqueResult{
        Technique::brachytherapy, "brachytherapy plan (ApplicationSetupSequence, no beams)", {}};
  if (is_ion(kind) || plan.kind == PlanKind::ion)
    return TechniqueResult{Technique::proton, "RT Ion Plan / PROTON or ION radiation type", {}};
  if (kind == DeliveryKind::gamma_knife)
    return TechniqueResult{
        Technique::gamma_knife, why + ": cobalt-source radiosurgery, not a linac delivery", {}};
  if (kind == DeliveryKind::cyberknife)
    return TechniqueResult{Technique::robotic, why + ": robotic radiosurgery", {}};
  if (kind == DeliveryKind::tomotherapy_helical)
    return TechniqueResult{Technique::helical, why + " (treatment device names TomoTherapy)", {}};
  if (kind == DeliveryKind::tomotherapy_direct)
    return TechniqueResult{Technique::tomo_direct, why + ": fixed ports modulated by the binary MLC", {}};
  return std::nullopt;
}

struct BeamCounts {
  int compensator = 0, vmat = 0, dca = 0, static_arcs = 0, sliding = 0, multi_segment = 0, max_segments = 0,
      total_segments = 0, helical = 0;
  double max_arc_deg = 0.0;
};

BeamCounts count_beams(const std::vector<const BeamSummary*>& photon) {
  BeamCounts c;
  for (const auto* b : photon) {
    c.max_arc_deg = std::max(c.max_arc_deg, b->arc_length_deg);
    switch (b->technique) {
      case Technique::compensator_imrt:
        ++c.compensator;
        break;
      case Technique::vmat:
        ++c.vmat;
        break;
      case Technique::dynamic_conformal_arc:
        ++c.dca;
        break;
      case Technique::imrt_sliding_window:
        ++c.sliding;
        break;
      case Technique::helical:
        ++c.helical;
        break;
      default:
        break;
    }
    if (b->is_arc) {
      if (b->technique == Technique::conformal_3d) ++c.static_arcs;
      continue;
    }
    if (b->segment_count > 1) ++c.multi_segment;
    c.max_segments = std::max(c.max_segments, b->segment_count);
    c.total_segments += b->segment_count;
  }
  return c;
}

std::string count_of(int n, int of, const std::string& what) {
  return std::to_string(n) + " of " + std::to_string(of) + " " + what;
}

// Arcs and dynamic beams: compensator, VMAT, sliding window, dynamic conformal arc, conformal arc.
std::optional<TechniqueResult> technique_by_dynamic_beams(const BeamCounts& c, std::size_t beams,
                                                          const CheckOptions& o) {
  const int n = static_cast<int>(beams);
  const std::string dca_rule = "MU/degree CV <= " + num(o.dca_max_mu_per_degree_cv, 3) +
                               ", AAV >= " + num(o.dca_min_aav, 2) +
                               " and aperture irregularity <= " + num(o.dca_max_aperture_irregularity, 2);
  if (c.helical > 0)
    return TechniqueResult{
        Technique::helical,
        "a beam rotates more than two turns (" + num(c.max_arc_deg, 0) + " deg): helical delivery",
        {}};
  if (c.compensator > 0)
    return TechniqueResult{Technique::compensator_imrt,
                           count_of(c.compensator, n, "treatment beams") +
                               " carry a CompensatorSequence: compensator-based modulation",
                           {}};
  if (c.vmat > 0)
    return TechniqueResult{Technique::vmat,
                           count_of(c.vmat, n, "treatment beams") +
                               " are arcs whose MLC moves while meterset accumulates and whose MU per degree "
                               "or apertures are modulated (not " +
                               dca_rule + "): VMAT",
                           {}};
  if (c.sliding > 0)
    return TechniqueResult{
        Technique::imrt_sliding_window,
        std::to_string(c.sliding) +
            " fixed-gantry beam(s) with the MLC moving while meterset accumulates: sliding window "
            "(dynamic MLC) IMRT",
        {}};
  if (c.dca > 0 && c.multi_segment == 0)
    return TechniqueResult{
        Technique::dynamic_conformal_arc,
        count_of(c.dca, n, "treatment beams") + " are arcs whose leaves move but " + dca_rule +
            ": the leaves follow the target outline at constant MU per degree, no intensity "
            "modulation (dynamic conformal arc)",
        {}};
  if ((c.static_arcs > 0 || c.dca > 0) && c.multi_segment == 0)
    return TechniqueResult{
        Technique::conformal_3d, "arc(s) with a static aperture: conformal arc therapy", {}};
  return std::nullopt;
}

// Static beams with several MLC segments: step-and-shoot IMRT or forward-planned field-in-field.
TechniqueResult technique_by_segments(const Plan& plan, const std::vector<const BeamSummary*>& photon,
                                      const BeamCounts& c, const CheckOptions& options) {
  if (c.multi_segment == 0)
    return {Technique::conformal_3d, "every treatment beam delivers one static aperture: 3D conformal", {}};
  const std::string flags = plan.label + " " + plan.name + " " + plan.description;
  std::string beam_flags;
  for (const auto* b : photon) beam_flags += " " + b->name + " " + b->description;
  const std::string fif_flag = first_contained(flags + beam_flags, {"fif", "fieldinfield"});
  const std::string imrt_flag = first_contained(flags, {"imrt", "stepandshoot", "smlc"});
  const int limit = options.field_in_field_max_segments_per_beam;
  const std::string lim = std::to_string(limit);
  if (c.max_segments > limit)
    return {Technique::imrt_step_and_shoot,
            "static MLC segments, up to " + std::to_string(c.max_segments) + " on a beam (> " + lim +
                "): inverse-planned step-and-shoot IMRT",
            {}};
  if (!fif_flag.empty())
    return {Technique::field_in_field,
            "at most " + lim + " static segments per beam and the planner named it field-in-field ('" +
                fif_flag + "' in plan/beam names)",
            {}};
  if (!imrt_flag.empty())
    return {Technique::imrt_step_and_shoot,
            "at most " + lim + " static segments per beam; the planner labelled the plan IMRT ('" +
                imrt_flag + "' in plan label/name/description)",
            {}};
  constexpr int imrt_min_modulated_beams = 5;
  if (c.multi_segment >= imrt_min_modulated_beams)
    return {Technique::imrt_step_and_shoot,
            std::to_string(c.multi_segment) + " beams (>= " + std::to_string(imrt_min_modulated_beams) +
                ") each with several static MLC segments: step-and-shoot IMRT",
            {}};
  return {Technique::field_in_field,
          "few beams (" + std::to_string(c.multi_segment) + " < " + std::to_string(imrt_min_modulated_beams) +
              " with segments), at most " + lim +
              " static segments each, no IMRT label: forward-planned "
              "field-in-field",
          {}};
}

}  // namespace

TechniqueResult classify_technique(const Plan& plan, const std::vector<BeamSummary>& beams,
                                   const CheckOptions& options) {
  const DeliveryKindResult delivery = delivery_of(plan);
  const DeliveryKind kind = delivery.kind;
  std::vector<Evidence> evidence = {{"plan kind", std::string(describe(kind)) + " (" + to_string(kind) + ")"},
                                    {"plan kind rule", delivery.rule}};
  auto finish = [&](TechniqueResult r) {
    r.evidence.insert(r.evidence.begin(), evidence.begin(), evidence.end());
    return r;
  };
  if (auto r = technique_by_kind(plan, kind)) return finish(*r);
  std::vector<const BeamSummary*> treatment, photon;
  for (const auto& b : beams)
    if (b.is_treatment) treatment.push_back(&b);
  evidence.push_back({"treatment beams", std::to_string(treatment.size())});
  if (treatment.empty())
    return finish(
        {Technique::unknown, "no treatment beams (TreatmentDeliveryType TREATMENT) in the plan", {}});
  for (const auto* b : treatment)
    if (b->radiation_type != "ELECTRON") photon.push_back(b);
  if (photon.empty())
    return finish({Technique::electron, "every treatment beam has RadiationType ELECTRON", {}});
  evidence.push_back({"photon treatment beams", std::to_string(photon.size())});
  const BeamCounts c = count_beams(photon);
  const std::optional<TechniqueResult> dynamic = technique_by_dynamic_beams(c, photon.size(), options);
  const TechniqueResult decided = dynamic ? *dynamic : technique_by_segments(plan, photon, c, options);
  for (const auto* b : photon) {
    BeamSummary settled = *b;
    settled.technique = settled_beam_technique(*b, decided.technique);
    evidence.push_back(
        {"beam " + std::to_string(b->number) + " '" + b->name + "' modulation", modulation_text(settled)});
  }
  evidence.push_back(
      {"thresholds", "dynamic conformal arc: MU/degree CV <= " + num(options.dca_max_mu_per_degree_cv, 3) +
                         ", AAV >= " + num(options.dca_min_aav, 2) + ", aperture irregularity <= " +
                         num(options.dca_max_aperture_irregularity, 2) + "; field-in-field: <= " +
                         std::to_string(options.field_in_field_max_segments_per_beam) +
                         " static segments per beam"});
  if (dynamic) return finish(*dynamic);
  evidence.push_back({"beams with > 1 segment", std::to_string(c.multi_segment)});
  evidence.push_back({"largest segment count on a beam", std::to_string(c.max_segments)});
  evidence.push_back({"segments (all treatment beams)", std::to_string(c.total_segments)});
  return finish(decided);
}

Technique settled_beam_technique(const BeamSummary& beam, Technique plan_technique) {
  auto segmented = [](Technique t) {
    return t == Technique::field_in_field || t == Technique::imrt_step_and_shoot;
  };
  return segmented(beam.technique) && segmented(plan_technique) ? plan_technique : beam.technique;
}

void settle_beam_techniques(std::vector<BeamSummary>& beams, Technique plan_technique) {
  for (auto& b : beams) b.technique = settled_beam_technique(b, plan_technique);
}

namespace {

// MU per fraction for one fraction group; per group (and the course) for several, never a sum.
std::string mu_text(const PlanSummary& summary) {
  if (summary.fraction_groups.size() <= 1)
    return summary.total_mu_per_fraction ? num(*summary.total_mu_per_fraction, 1) + " MU"
                                         : std::string("not available (no BeamMeterset in MU)");
  std::string text;
  for (const auto& g : summary.fraction_groups) {
    text += (text.empty() ? "" : "; ") + std::string("fraction group ") + std::to_string(g.number) + ": " +
            (g.mu_per_fraction ? num(*g.mu_per_fraction, 1) + " MU" : std::string("n/a")) +
            " per fraction x " +
            (g.fractions_planned ? std::to_string(*g.fractions_planned) : std::string("?")) + " fractions";
  }
  if (summary.total_mu_course) text += "; course " + num(*summary.total_mu_course, 1) + " MU";
  return text;
}

}  // namespace

Finding check_beam_description(const PlanSet& plan_set, const std::vector<BeamSummary>& beams,
                               const PlanSummary& summary) {
  const std::string rule =
      "each treatment beam has a gantry position (static) or start/stop angles and direction (arc), "
      "collimator and couch angles, an isocentre and control points";
  const std::string subject = plan_subject(plan_set);
  if (!plan_set.plan)
    return make_finding(check_id::beam_description, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set: portals cannot be described", rule);
  if (plan_set.plan->kind == PlanKind::brachy) {
    Finding f = make_finding(check_id::beam_description, Status::not_evaluable, Severity::warning, subject,
                             "plan kind brachytherapy: no beams; channels listed instead", rule);
    for (const auto& setup : plan_set.plan->application_setups)
      f.evidence.push_back({"application setup " + std::to_string(setup.number),
                            setup.type + ", " + std::to_string(setup.channels.size()) + " channel(s)"});
    return f;
  }
  if (summary.treatment_portal_count == 0)
    return make_finding(check_id::beam_description, Status::fail, Severity::error, subject,
                        "the plan has no treatment beams", rule);

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
                       " " + beam_energy_text(b) + (b.machine.empty() ? "" : ", " + b.machine) + ", " +
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
  f.evidence.insert(f.evidence.begin() + 1, {"plan kind", std::string(describe(summary.delivery_kind))});
  f.evidence.insert(f.evidence.begin() + 2, {"total MU per fraction", mu_text(summary)});
  f.id = std::string(check_id::beam_description);
  f.subject = subject;
  f.rule = rule;
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
  if (!plan_set.plan)
    return make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::error, subject,
                        "no RT Plan in the plan set: technique unknown", rule);
  Finding f;
  const Technique t = technique.technique;
  if (t == Technique::proton || t == Technique::brachytherapy || t == Technique::electron ||
      t == Technique::gamma_knife || t == Technique::robotic) {
    f = make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::warning, subject,
                     std::string("plan kind ") + to_string(t) + ": not supported for IMRT classification",
                     rule);
  } else if (t == Technique::unknown) {
    f = make_finding(check_id::technique_imrt, Status::not_evaluable, Severity::warning, subject,
                     "technique could not be classified: " + technique.rule, rule);
  } else if (is_imrt(t)) {
    f = make_finding(check_id::technique_imrt, Status::pass, Severity::info, subject,
                     std::string("technique: ") + to_string(t), rule);
  } else {
    f = make_finding(check_id::technique_imrt, Status::fail, Severity::error, subject,
                     std::string("technique: ") + to_string(t) + ", not IMRT", rule);
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
                        "no RT Plan in the plan set", rule);
  if (technique.technique != Technique::compensator_imrt)
    return make_finding(check_id::compensator_design, Status::info, Severity::info, subject,
                        std::string("not applicable: technique ") + to_string(technique.technique), rule);
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
