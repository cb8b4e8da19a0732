#include "rtreview/model_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "rtreview/render.h"
#include "rtreview/text.h"

namespace rtreview {
namespace {

using nlohmann::json;

json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  return json_number(v);
}
template <class T>
json opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  if constexpr (std::is_floating_point_v<T>)
    return num(*v);
  else
    return *v;
}
json point(const Point3& p) { return json::array({num(p[0]), num(p[1]), num(p[2])}); }
json opt_point(const std::optional<Point3>& p) { return p ? point(*p) : json(nullptr); }

// Bounds of a set of points: {"min": [x,y,z], "max": [x,y,z]} or null.
struct Bounds {
  Point3 lo{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity()};
  Point3 hi{-lo[0], -lo[1], -lo[2]};
  bool any = false;
  void add(const Point3& p) {
    any = true;
    for (int i = 0; i < 3; ++i) {
      lo[i] = std::min(lo[i], p[i]);
      hi[i] = std::max(hi[i], p[i]);
    }
  }
  json to_json() const { return any ? json{{"min_mm", point(lo)}, {"max_mm", point(hi)}} : json(nullptr); }
};

json control_point_summary(const ControlPoint& cp) {
  return {{"index", cp.index},
          {"cumulative_meterset_weight", opt(cp.cumulative_meterset_weight)},
          {"gantry_angle_deg", num(cp.gantry_angle_deg)},
          {"gantry_rotation_direction", cp.gantry_rotation_direction},
          {"collimator_angle_deg", num(cp.collimator_angle_deg)},
          {"couch_angle_deg", num(cp.couch_angle_deg)},
          {"isocenter_mm", opt_point(cp.isocenter_mm)}};
}

std::optional<double> beam_meterset(const Plan& plan, int beam_number, std::optional<int>* group_number) {
  for (const auto& g : plan.fraction_groups)
    for (const auto& rb : g.beams)
      if (rb.beam_number == beam_number) {
        if (group_number) *group_number = g.number;
        return rb.meterset;
      }
  return std::nullopt;
}

json beam_json(const Plan& plan, const Beam& b) {
  std::optional<int> group;
  const auto meterset = beam_meterset(plan, b.number, &group);
  std::set<double> energies;
  int explicit_positions = 0;
  for (const auto& cp : b.control_points) {
    if (cp.nominal_energy_mev) energies.insert(json_number(*cp.nominal_energy_mev));
    if (cp.device_positions_explicit) ++explicit_positions;
  }
  json devices = json::array();
  for (const auto& d : b.limiting_devices)
    devices.push_back({{"type", d.device_type}, {"leaf_pair_count", d.leaf_pair_count}});
  json wedges = json::array();
  for (const auto& w : b.wedges)
    wedges.push_back({{"number", w.number},
                      {"id", w.id},
                      {"type", w.type},
                      {"angle_deg", opt(w.angle_deg)},
                      {"orientation_deg", opt(w.orientation_deg)}});
  json blocks = json::array();
  for (const auto& k : b.blocks)
    blocks.push_back({{"number", k.number},
                      {"name", k.name},
                      {"type", k.type},
                      {"material_id", k.material_id},
                      {"point_count", k.point_count}});
  json compensators = json::array();
  for (const auto& c : b.compensators)
    compensators.push_back({{"number", c.number},
                            {"id", c.id},
                            {"type", c.type},
                            {"rows", c.rows},
                            {"columns", c.columns},
                            {"thickness_value_count", c.thickness_value_count},
                            {"max_thickness_mm", opt(c.max_thickness_mm)}});
  json energies_json = json::array();
  for (double e : energies) energies_json.push_back(e);
  json out{{"number", b.number},
           {"name", b.name},
           {"description", b.description},
           {"beam_type", b.beam_type},
           {"radiation_type", b.radiation_type},
           {"treatment_delivery_type", b.treatment_delivery_type},
           {"treatment_machine_name", b.treatment_machine_name},
           {"primary_dosimeter_unit", b.primary_dosimeter_unit},
           {"source_axis_distance_mm", opt(b.source_axis_distance_mm)},
           {"final_cumulative_meterset_weight", opt(b.final_cumulative_meterset_weight)},
           {"declared_control_point_count", opt(b.declared_control_point_count)},
           {"control_point_count", b.control_points.size()},
           {"control_points_with_device_positions", explicit_positions},
           {"meterset", opt(meterset)},
           {"fraction_group", opt(group)},
           {"nominal_energies_mev", energies_json},
           {"limiting_devices", devices},
           {"wedges", wedges},
           {"blocks", blocks},
           {"compensators", compensators},
           {"referenced_patient_setup", b.referenced_patient_setup},
           {"first_control_point",
            b.control_points.empty() ? json(nullptr) : control_point_summary(b.control_points.front())},
           {"last_control_point",
            b.control_points.empty() ? json(nullptr) : control_point_summary(b.control_points.back())}};
  if (b.is_ion) {
    out["ion"] = {{"scan_mode", b.scan_mode},
                  {"range_shifter_count", b.range_shifter_count},
                  {"scan_spot_positions", delivered_scan_spot_positions(b)}};
  }
  return out;
}

json strings(const std::vector<std::string>& v) { return json(v); }

}  // namespace

double json_number(double value) { return round_significant(value, json_stored_digits); }

json to_json(const SourceFile& s) {
  return {{"path", s.path},
          {"sha256", s.sha256},
          {"size_bytes", s.size_bytes},
          {"transfer_syntax_uid", s.transfer_syntax_uid},
          {"has_file_meta", s.has_file_meta}};
}

json to_json(const ObjectInfo& i) {
  return {{"source", to_json(i.source)},
          {"sop_class_uid", i.sop_class_uid},
          {"sop_instance_uid", i.sop_instance_uid},
          {"modality", i.modality},
          {"study_instance_uid", i.study_instance_uid},
          {"series_instance_uid", i.series_instance_uid},
          {"frame_of_reference_uid", i.frame_of_reference_uid},
          {"manufacturer", i.manufacturer},
          {"manufacturer_model_name", i.manufacturer_model_name},
          {"software_versions", i.software_versions},
          {"station_name", i.station_name},
          {"series_description", i.series_description},
          {"instance_creation_date", i.instance_creation_date},
          {"patient",
           {{"name", i.patient.name},
            {"id", i.patient.id},
            {"birth_date", i.patient.birth_date},
            {"sex", i.patient.sex}}}};
}

json to_json(const Plan& p) {
  json dose_refs = json::array();
  for (const auto& r : p.dose_references)
    dose_refs.push_back(
        {{"number", r.number},
         {"uid", r.uid},
         {"structure_type", r.structure_type},
         {"description", r.description},
         {"type", r.type},
         {"referenced_roi_number", opt(r.referenced_roi_number)},
         {"point_mm", opt_point(r.point_mm)},
         {"delivery_warning_dose_gy", opt(r.delivery_warning_dose_gy)},
         {"delivery_maximum_dose_gy", opt(r.delivery_maximum_dose_gy)},
         {"target_minimum_dose_gy", opt(r.target_minimum_dose_gy)},
         {"target_prescription_dose_gy", opt(r.target_prescription_dose_gy)},
         {"target_maximum_dose_gy", opt(r.target_maximum_dose_gy)},
         {"target_underdose_volume_fraction", opt(r.target_underdose_volume_fraction)},
         {"organ_at_risk_full_volume_dose_gy", opt(r.organ_at_risk_full_volume_dose_gy)},
         {"organ_at_risk_limit_dose_gy", opt(r.organ_at_risk_limit_dose_gy)},
         {"organ_at_risk_maximum_dose_gy", opt(r.organ_at_risk_maximum_dose_gy)},
         {"organ_at_risk_overdose_volume_fraction", opt(r.organ_at_risk_overdose_volume_fraction)},
         {"constraint_weight", opt(r.constraint_weight)}});
  json groups = json::array();
  for (const auto& g : p.fraction_groups) {
    json beams = json::array();
    double total = 0.0;
    bool any = false;
    for (const auto& b : g.beams) {
      beams.push_back({{"beam_number", b.beam_number},
                       {"meterset", opt(b.meterset)},
                       {"beam_dose_gy", opt(b.beam_dose_gy)},
                       {"beam_dose_specification_point_mm", opt_point(b.beam_dose_specification_point_mm)}});
      if (b.meterset) total += *b.meterset, any = true;
    }
    groups.push_back({{"number", g.number},
                      {"fractions_planned", opt(g.fractions_planned)},
                      {"fraction_pattern_digits_per_day", opt(g.fraction_pattern_digits_per_day)},
                      {"description", g.description},
                      {"brachy_application_setup_count", g.brachy_application_setup_count},
                      {"referenced_beams", beams},
                      {"total_meterset", any ? num(total) : json(nullptr)}});
  }
  json beams = json::array();
  for (const auto& b : p.beams) beams.push_back(beam_json(p, b));
  json setups = json::array();
  for (const auto& s : p.application_setups) {
    json channels = json::array();
    for (const auto& c : s.channels)
      channels.push_back({{"number", c.number},
                          {"source_movement_type", c.source_movement_type},
                          {"channel_total_time_s", opt(c.channel_total_time_s)},
                          {"control_point_count", c.control_point_count},
                          {"channel_length_mm", opt(c.channel_length_mm)}});
    setups.push_back({{"number", s.number}, {"type", s.type}, {"name", s.name}, {"channels", channels}});
  }
  json referenced_plans = json::array();
  for (const auto& r : p.referenced_plans)
    referenced_plans.push_back({{"sop_instance_uid", r.sop_instance_uid}, {"relationship", r.relationship}});
  return {{"object", "RTPLAN"},
          {"info", to_json(p.info)},
          {"kind", to_string(p.kind)},
          {"label", p.label},
          {"name", p.name},
          {"description", p.description},
          {"date", p.date},
          {"time", p.time},
          {"geometry", p.geometry},
          {"intent", p.intent},
          {"approval",
           {{"status", p.approval_status},
            {"reviewer_name", p.reviewer_name},
            {"review_date", p.review_date},
            {"review_time", p.review_time}}},
          {"brachy_treatment_technique", p.brachy_treatment_technique},
          {"brachy_treatment_type", p.brachy_treatment_type},
          {"patient_positions", strings(p.patient_positions)},
          {"dose_references", dose_refs},
          {"fraction_groups", groups},
          {"beam_count", p.beams.size()},
          {"beams", beams},
          {"application_setups", setups},
          {"referenced_structure_set_uids", strings(p.referenced_structure_set_uids)},
          {"referenced_dose_uids", strings(p.referenced_dose_uids)},
          {"referenced_plans", referenced_plans},
          {"notes", strings(p.notes)}};
}

json to_json(const DoseGrid& d) {
  json stats = nullptr;
  if (d.has_pixels()) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0;
    for (float v : d.dose) {
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
      sum += v;
    }
    stats = {{"min", num(lo)}, {"max", num(hi)}, {"mean", num(sum / static_cast<double>(d.dose.size()))}};
  }
  json slices = nullptr;
  if (!d.frame_offsets_mm.empty()) {
    double largest = 0.0, smallest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < d.frame_offsets_mm.size(); ++i) {
      const double step = std::fabs(d.frame_offsets_mm[i] - d.frame_offsets_mm[i - 1]);
      largest = std::max(largest, step);
      smallest = std::min(smallest, step);
    }
    const bool multi = d.frame_offsets_mm.size() > 1;
    slices = {{"count", d.frame_offsets_mm.size()},
              {"first_offset_mm", num(d.frame_offsets_mm.front())},
              {"last_offset_mm", num(d.frame_offsets_mm.back())},
              {"largest_step_mm", multi ? num(largest) : json(nullptr)},
              {"smallest_step_mm", multi ? num(smallest) : json(nullptr)},
              {"uniform", multi ? json(largest - smallest < 1e-3) : json(nullptr)}};
  }
  json dvhs = json::array();
  for (const auto& h : d.dvhs)
    dvhs.push_back({{"referenced_roi_number", opt(h.referenced_roi_number)},
                    {"type", h.type},
                    {"dose_units", h.dose_units},
                    {"dose_type", h.dose_type},
                    {"volume_units", h.volume_units},
                    {"dose_scaling", num(h.dose_scaling)},
                    {"declared_bin_count", opt(h.declared_bin_count)},
                    {"bin_count", h.volumes.size()},
                    {"minimum_dose", opt(h.minimum_dose)},
                    {"maximum_dose", opt(h.maximum_dose)},
                    {"mean_dose", opt(h.mean_dose)}});
  return {{"object", "RTDOSE"},
          {"info", to_json(d.info)},
          {"columns", d.columns},
          {"rows", d.rows},
          {"frames", d.frames},
          {"origin_mm", point(d.origin_mm)},
          {"row_direction", point(d.row_direction)},
          {"column_direction", point(d.column_direction)},
          {"row_spacing_mm", num(d.row_spacing_mm)},
          {"column_spacing_mm", num(d.column_spacing_mm)},
          {"slice_thickness_mm", opt(d.slice_thickness_mm)},
          {"frame_offsets", slices},
          {"units", d.units},
          {"dose_type", d.dose_type},
          {"summation_type", d.summation_type},
          {"comment", d.comment},
          {"dose_grid_scaling", num(d.dose_grid_scaling)},
          {"bits_allocated", d.bits_allocated},
          {"pixel_signed", d.pixel_signed},
          {"has_pixels", d.has_pixels()},
          {"dose_statistics", stats},
          {"referenced_plan_uid", d.referenced_plan_uid},
          {"referenced_fraction_group_number", opt(d.referenced_fraction_group_number)},
          {"referenced_beam_numbers", d.referenced_beam_numbers},
          {"dvhs", dvhs},
          {"notes", strings(d.notes)}};
}

json to_json(const StructureSet& s) {
  json rois = json::array();
  for (const auto& r : s.rois) {
    Bounds bounds;
    std::set<std::string> types;
    std::size_t points = 0;
    bool slab = false;
    for (const auto& c : r.contours) {
      types.insert(c.geometric_type);
      points += c.points_mm.size();
      slab = slab || c.slab_thickness_mm.has_value();
      for (const auto& p : c.points_mm) bounds.add(p);
    }
    json color = nullptr;
    if (r.display_color)
      color = json::array({(*r.display_color)[0], (*r.display_color)[1], (*r.display_color)[2]});
    rois.push_back({{"number", r.number},
                    {"name", r.name},
                    {"description", r.description},
                    {"frame_of_reference_uid", r.frame_of_reference_uid},
                    {"generation_algorithm", r.generation_algorithm},
                    {"interpreted_type", r.interpreted_type},
                    {"observation_label", r.observation_label},
                    {"display_color", color},
                    {"in_roi_contour_sequence", r.in_roi_contour_sequence},
                    {"contour_count", r.contours.size()},
                    {"point_count", points},
                    {"geometric_types", json(std::vector<std::string>(types.begin(), types.end()))},
                    {"has_closed_contours", r.has_closed_contours()},
                    {"has_slab_thickness", slab},
                    {"bounds", bounds.to_json()}});
  }
  return {
      {"object", "RTSTRUCT"},
      {"info", to_json(s.info)},
      {"label", s.label},
      {"name", s.name},
      {"date", s.date},
      {"time", s.time},
      {"approval",
       {{"status", s.approval_status}, {"reviewer_name", s.reviewer_name}, {"review_date", s.review_date}}},
      {"referenced_frame_of_reference_uids", strings(s.referenced_frame_of_reference_uids)},
      {"roi_count", s.rois.size()},
      {"rois", rois},
      {"notes", strings(s.notes)}};
}

json to_json(const PlanSet& set) {
  json doses = json::array();
  for (const auto& d : set.doses)
    if (d) doses.push_back(to_json(*d));
  json findings = json::array();
  for (const auto& f : set.findings) findings.push_back(json(to_json(f)));
  return {{"id", set.id},
          {"complete", set.complete()},
          {"plan", set.plan ? to_json(*set.plan) : json(nullptr)},
          {"structure_set", set.structure_set ? to_json(*set.structure_set) : json(nullptr)},
          {"doses", doses},
          {"findings", findings}};
}

json inspect_json(const Inventory& inventory, const std::vector<PlanSet>& plan_sets,
                  const std::vector<Finding>& input_findings) {
  json sets = json::array();
  for (const auto& s : plan_sets) sets.push_back(to_json(s));
  json others = json::array();
  for (const auto& o : inventory.others) others.push_back({{"info", to_json(o.info)}, {"reason", o.reason}});
  json unreadable = json::array();
  for (const auto& u : inventory.unreadable) unreadable.push_back({{"path", u.path}, {"reason", u.reason}});
  json findings = json::array();
  for (const auto& f : input_findings) findings.push_back(json(to_json(f)));
  return {{"schema", "rtreview.inspect/1"},
          {"tool_version", RTREVIEW_VERSION},
          {"counts",
           {{"plans", inventory.plans.size()},
            {"doses", inventory.doses.size()},
            {"structure_sets", inventory.structure_sets.size()},
            {"others", inventory.others.size()},
            {"unreadable", inventory.unreadable.size()},
            {"plan_sets", plan_sets.size()}}},
          {"plan_sets", sets},
          {"others", others},
          {"unreadable", unreadable},
          {"findings", findings}};
}

}  // namespace rtreview
