// JSON rendering of the packet and the batch summary. Layout documented by
// src/render/packet.schema.json (schema_version = packet_schema_version).
// Determinism: ordered_json keeps insertion order (fixed by this code); every
// double is rounded to json_measurement_decimals (text.h) before nlohmann prints its shortest form.
#include <cmath>
#include <nlohmann/json.hpp>

#include "rtreview/render.h"
#include "rtreview/text.h"

namespace rtreview {

namespace {

using json = nlohmann::ordered_json;

json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return round_decimals(v, json_measurement_decimals);
}
json number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }
json integer(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json strings(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

json evidence_json(const std::vector<Evidence>& evidence) {
  json a = json::array();
  for (const auto& e : evidence) a.push_back(json{{"label", e.label}, {"value", e.value}});
  return a;
}

json finding_json_impl(const Finding& f) {
  return json{{"id", f.id},
              {"status", to_string(f.status)},
              {"severity", to_string(f.severity)},
              {"fail_level", to_string(fail_level(f))},
              {"subject", f.subject},
              {"message", f.message},
              {"evidence", evidence_json(f.evidence)},
              {"rule", f.rule},
              {"citation", f.citation}};
}

json node_json(const EvaluatedNode& n) {
  json supporting = json::array();
  for (const auto& s : n.supporting)
    supporting.push_back(json{{"check_id", s.check_id},
                              {"status", to_string(s.status)},
                              {"message", s.message},
                              {"evidence", evidence_json(s.evidence)}});
  json children = json::array();
  for (const auto& c : n.children) children.push_back(node_json(c));
  return json{{"outline_id", n.outline_id},    {"text", n.text},
              {"kind", to_string(n.kind)},     {"at_least", n.at_least},
              {"result", to_string(n.result)}, {"evidence", n.evidence},
              {"origin", to_string(n.origin)}, {"citation", n.citation},
              {"supporting", supporting},      {"children", children}};
}

json policy_json(const PolicyHeader& h) {
  json sources = json::array();
  for (const auto& s : h.sources) sources.push_back(json{{"label", s.label}, {"url", s.url}});
  return json{{"id", h.id},
              {"title", h.title},
              {"payer", h.payer},
              {"revision_date", h.revision_date},
              {"effective_from", h.effective_from},
              {"effective_to", h.effective_to},
              {"lines_of_business", strings(h.lines_of_business)},
              {"manual_review", h.manual_review},
              {"ruleset_version", h.ruleset_version},
              {"sources", sources}};
}

json determination_json_impl(const Determination& d) {
  json docs = json::array();
  for (const auto& item : d.documentation)
    docs.push_back(json{{"outline_id", item.outline_id},
                        {"text", item.text},
                        {"result", to_string(item.result)},
                        {"supplied", item.supplied},
                        {"required", item.required},
                        {"not_required_reason", item.not_required_reason},
                        {"document_date", item.document_date},
                        {"window", item.window},
                        {"required_signers", strings(item.required_signers)},
                        {"signed_by", strings(item.signed_by)},
                        {"missing_signers", strings(item.missing_signers)},
                        {"node", node_json(item.node)}});
  json deciding = json::array();
  for (const auto& n : d.deciding) deciding.push_back(node_json(n));
  return json{{"policy", policy_json(d.policy)},
              {"outcome", to_string(d.outcome)},
              {"summary", d.summary},
              {"manual_review", d.manual_review},
              {"date_of_service", d.date_of_service},
              {"applicability", d.applicability},
              {"missing", strings(d.missing)},
              {"deciding", deciding},
              {"criteria", node_json(d.criteria)},
              {"exclusions", d.exclusions ? node_json(*d.exclusions) : json(nullptr)},
              {"documentation", docs},
              {"code_notes", strings(d.code_notes)},
              {"notes", strings(d.notes)}};
}

json point_json(const std::optional<Point3>& p) {
  if (!p) return nullptr;
  return json::array({number((*p)[0]), number((*p)[1]), number((*p)[2])});
}

// Measured modulation of a beam (checks' BeamModulation); per-control-point arrays left out.
json modulation_json(const BeamModulation& m) {
  return json{{"mlc_devices", m.mlc_devices},
              {"mean_area_mm2", number(m.mean_area_mm2)},
              {"leaf_travel_mm", number(m.leaf_travel_mm)},
              {"moving_leaf_count", m.moving_leaf_count},
              {"mu_per_segment", number(m.mu_per_segment)},
              {"mu_per_degree", number(m.mu_per_degree)},
              {"mu_per_degree_cv", number(m.mu_per_degree_cv)},
              {"mcs", number(m.mcs)},
              {"aav", number(m.aav)},
              {"edge_metric_per_mm", number(m.edge_metric_per_mm)},
              {"aperture_irregularity", number(m.aperture_irregularity)}};
}

json fraction_groups_json(const std::vector<FractionGroupSummary>& groups);

json fraction_group_json(const FractionGroupSummary& g) {
  return json{{"number", g.number},
              {"description", g.description},
              {"fractions_planned", integer(g.fractions_planned)},
              {"treatment_beam_count", g.treatment_beam_count},
              {"mu_per_fraction", number(g.mu_per_fraction)},
              {"prescription_dose_gy", number(g.prescription_dose_gy)},
              {"dose_per_fraction_gy", number(g.dose_per_fraction_gy)},
              {"derived_beam_dose_per_fraction_gy", number(g.derived_beam_dose_per_fraction_gy)}};
}

json fraction_groups_json(const std::vector<FractionGroupSummary>& groups) {
  json a = json::array();
  for (const auto& g : groups) a.push_back(fraction_group_json(g));
  return a;
}

json beam_json_impl(const BeamSummary& b) {
  return json{{"number", b.number},
              {"name", b.name},
              {"description", b.description},
              {"delivery_type", b.delivery_type},
              {"is_treatment", b.is_treatment},
              {"radiation_type", b.radiation_type},
              {"energy_mev", number(b.energy_mev)},
              {"energy", beam_energy_text(b)},
              {"fluence_mode", b.fluence_mode},
              {"machine", b.machine},
              {"beam_type", b.beam_type},
              {"is_arc", b.is_arc},
              {"gantry_start_deg", number(b.gantry_start_deg)},
              {"gantry_stop_deg", number(b.gantry_stop_deg)},
              {"rotation_direction", b.rotation_direction},
              {"arc_length_deg", number(b.arc_length_deg)},
              {"collimator_deg", number(b.collimator_deg)},
              {"couch_deg", number(b.couch_deg)},
              {"isocenter_mm", point_json(b.isocenter_mm)},
              {"control_point_count", b.control_point_count},
              {"segment_count", b.segment_count},
              {"mlc_moves_while_beam_on", b.mlc_moves_while_beam_on},
              {"has_mlc", b.has_mlc},
              {"meterset_mu", number(b.meterset_mu)},
              {"dosimeter_unit", b.dosimeter_unit},
              {"wedges", strings(b.wedges)},
              {"compensator_count", b.compensator_count},
              {"compensator_has_thickness_data", b.compensator_has_thickness_data},
              {"block_count", b.block_count},
              {"technique", to_string(b.technique)},
              {"modulation", modulation_json(b.modulation)}};
}

json plan_summary_json_impl(const PlanSummary& s) {
  return json{{"treatment_portal_count", s.treatment_portal_count},
              {"static_portal_count", s.static_portal_count},
              {"arc_count", s.arc_count},
              {"setup_beam_count", s.setup_beam_count},
              {"isocenter_count", s.isocenter_count},
              {"total_mu_per_fraction", number(s.total_mu_per_fraction)},
              {"fraction_group_count", s.fraction_group_count},
              {"fractions_planned", integer(s.fractions_planned)},
              {"prescription_dose_gy", number(s.prescription_dose_gy)},
              {"dose_per_fraction_gy", number(s.dose_per_fraction_gy)},
              {"prescription_source", s.prescription_source},
              {"delivery_kind", to_string(s.delivery_kind)},
              {"delivery_kind_rule", s.delivery_kind_rule},
              {"total_mu_course", number(s.total_mu_course)},
              {"derived_beam_dose_total_gy", number(s.derived_beam_dose_total_gy)},
              {"fraction_groups", fraction_groups_json(s.fraction_groups)}};
}

json structure_json_impl(const RoiClassification& r) {
  return json{{"roi_number", r.roi_number},
              {"roi_name", r.roi_name},
              {"interpreted_type", r.interpreted_type},
              {"category", to_string(r.category)},
              {"canonical_name", r.canonical_name},
              {"rule", r.rule},
              {"by_type", r.by_type},
              {"closed_contour_count", r.closed_contour_count},
              {"open_contour_count", r.open_contour_count},
              {"point_contour_count", r.point_contour_count}};
}

json dvh_json(const PacketDvh& dvh) {
  json rows = json::array();
  for (const auto& r : dvh.rows)
    rows.push_back(json{{"roi_number", r.roi_number},
                        {"roi_name", r.roi_name},
                        {"category", r.category},
                        {"is_target", r.is_target},
                        {"computed", r.computed},
                        {"not_computed_reason", r.not_computed_reason},
                        {"volume_cc", number(r.volume_cc)},
                        {"in_grid_percent", number(r.in_grid_percent)},
                        {"min_gy", number(r.min_gy)},
                        {"mean_gy", number(r.mean_gy)},
                        {"max_gy", number(r.max_gy)},
                        {"d98_gy", number(r.d98_gy)},
                        {"d95_gy", number(r.d95_gy)},
                        {"d50_gy", number(r.d50_gy)},
                        {"d2_gy", number(r.d2_gy)},
                        {"d0_03cc_gy", number(r.d0_03cc_gy)},
                        {"homogeneity_index", number(r.homogeneity_index)},
                        {"paddick_ci", number(r.paddick_ci)},
                        {"rtog_ci", number(r.rtog_ci)},
                        {"ci_region", r.ci_region}});
  json curves = json::array();
  for (const auto& c : dvh.curves) {
    json dose = json::array(), volume = json::array();
    for (double x : c.dose_gy) dose.push_back(number(x));
    for (double y : c.volume_percent) volume.push_back(number(y));
    curves.push_back(json{{"roi_number", c.roi_number},
                          {"roi_name", c.roi_name},
                          {"category", c.category},
                          {"is_target", c.is_target},
                          {"color", c.color},
                          {"dose_gy", dose},
                          {"volume_percent", volume}});
  }
  json rx = json::array();
  for (double x : dvh.prescription_gy) rx.push_back(number(x));
  return json{{"dose_uid", dvh.dose_uid},
              {"dose_units", dvh.dose_units},
              {"prescription_gy", rx},
              {"note", dvh.note},
              {"rows", rows},
              {"curves", curves}};
}

json unreadable_json(const std::vector<PacketUnreadable>& files) {
  json a = json::array();
  for (const auto& u : files) a.push_back(json{{"path", u.path}, {"reason", u.reason}});
  return a;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

}  // namespace

json to_json(const Finding& finding) { return finding_json_impl(finding); }
json to_json(const BeamSummary& beam) { return beam_json_impl(beam); }
json to_json(const RoiClassification& roi) { return structure_json_impl(roi); }
json to_json(const PlanSummary& summary) {
  json j = plan_summary_json_impl(summary);
  return j;
}
json to_json(const TechniqueResult& technique) {
  return json{{"name", to_string(technique.technique)},
              {"is_imrt", is_imrt(technique.technique)},
              {"rule", technique.rule},
              {"evidence", evidence_json(technique.evidence)}};
}

json facts_to_json(const DerivedFacts& facts) {
  json groups = json::array();
  for (const FractionGroupFacts& g : facts.fraction_groups)
    groups.push_back(json{{"number", g.number},
                          {"fractions", integer(g.fractions)},
                          {"prescription_dose_gy", number(g.prescription_dose_gy)},
                          {"dose_per_fraction_gy", number(g.dose_per_fraction_gy)}});
  return json{{"label", facts.label},
              {"age_years", number(facts.age.years)},
              {"age_source", facts.age.years ? to_string(facts.age.source) : ""},
              {"plan_kind", to_string(facts.plan_kind)},
              {"technique", to_string(facts.technique)},
              {"fractions", integer(facts.dicom.fractions)},
              {"prescription_dose_gy", number(facts.dicom.prescription_dose_gy)},
              {"dose_per_fraction_gy", number(facts.dicom.dose_per_fraction_gy)},
              {"fraction_groups", std::move(groups)}};
}

nlohmann::ordered_json determination_to_json(const Determination& determination) {
  return determination_json_impl(determination);
}

std::string render_json(const ReviewPacket& p) {
  json policies = json::array();
  for (const auto& r : p.policies)
    policies.push_back(json{{"id", r.id},
                            {"title", r.title},
                            {"payer", r.payer},
                            {"revision_date", r.revision_date},
                            {"ruleset_version", r.ruleset_version},
                            {"file", r.file}});
  json determinations = json::array();
  for (const auto& d : p.determinations) determinations.push_back(determination_to_json(d));
  json findings = json::array();
  for (const auto& f : p.findings) findings.push_back(finding_json_impl(f));
  json beams = json::array();
  for (const auto& b : p.beams) beams.push_back(beam_json_impl(b));
  json structures = json::array();
  for (const auto& s : p.structures) structures.push_back(structure_json_impl(s));
  json inputs = json::array();
  for (const auto& f : p.inputs)
    inputs.push_back(json{{"path", f.path},
                          {"role", f.role},
                          {"sop_instance_uid", f.sop_instance_uid},
                          {"sha256", f.sha256},
                          {"size_bytes", f.size_bytes}});
  json j{
      {"schema_version", p.schema_version},
      {"tool", json{{"name", "rtreview"}, {"version", p.tool_version}}},
      {"plan_set_id", p.plan_set_id},
      {"title", p.title},
      {"overall", p.overall},
      {"overall_reasons", strings(p.overall_reasons)},
      {"patient", json{{"name", p.patient.name},
                       {"id", p.patient.id},
                       {"birth_date", p.patient.birth_date},
                       {"age_years", number(p.patient.age_years)},
                       {"age_source", p.patient.age_source},
                       {"sex", p.patient.sex}}},
      {"facts", facts_to_json(p.facts)},
      {"plan", json{{"label", p.plan.label},
                    {"name", p.plan.name},
                    {"date", p.plan.date},
                    {"intent", p.plan.intent},
                    {"approval_status", p.plan.approval_status},
                    {"reviewer_name", p.plan.reviewer_name},
                    {"review_date", p.plan.review_date},
                    {"sop_instance_uid", p.plan.sop_instance_uid},
                    {"kind", p.plan.kind},
                    {"technique", p.plan.technique},
                    {"technique_rule", p.plan.technique_rule},
                    {"technique_is_imrt", p.plan.technique_is_imrt}}},
      {"case", json{{"file", p.case_info.file},
                    {"date_of_service", p.case_info.date_of_service},
                    {"line_of_business", p.case_info.line_of_business},
                    {"payer", p.case_info.payer},
                    {"diagnoses", strings(p.case_info.diagnoses)},
                    {"procedure_codes", strings(p.case_info.procedure_codes)},
                    {"rationale", p.case_info.rationale}}},
      {"policies", policies},
      {"determinations", determinations},
      {"findings", findings},
      {"plan_summary", plan_summary_json_impl(p.plan_summary)},
      {"beams", beams},
      {"structures", structures},
      {"dvh", dvh_json(p.dvh)},
      {"inputs", inputs},
      {"unreadable", unreadable_json(p.unreadable)},
      {"notes", strings(p.notes)},
  };
  return dump(j);
}

std::string render_summary_json(const BatchSummary& s) {
  json packets = json::array();
  for (const auto& e : s.packets) {
    json outcomes = json::array();
    for (const auto& [id, outcome] : e.outcomes)
      outcomes.push_back(json{{"policy", id}, {"outcome", outcome}});
    packets.push_back(json{{"folder", e.folder},
                           {"plan_set_id", e.plan_set_id},
                           {"plan_label", e.plan_label},
                           {"patient_id", e.patient_id},
                           {"patient_name", e.patient_name},
                           {"technique", e.technique},
                           {"overall", e.overall},
                           {"outcomes", outcomes},
                           {"failing_checks", strings(e.failing_checks)},
                           {"exit_code", e.exit_code}});
  }
  json j{{"schema_version", s.schema_version},
         {"tool", json{{"name", "rtreview"}, {"version", s.tool_version}}},
         {"case_file", s.case_file},
         {"fail_on", to_string(s.fail_on)},
         {"formats", strings(s.formats)},
         {"exit_code", s.exit_code},
         {"packets", packets},
         {"unreadable", unreadable_json(s.unreadable)}};
  return dump(j);
}

}  // namespace rtreview
