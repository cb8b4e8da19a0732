// rtreview check PATH... [--json] [--fail-on fail|warning]: the technical documentation
// checks on every plan set found in the inputs. Exit: 0 nothing at or above --fail-on,
// 1 something is, 3 no readable plan set, 2 usage.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "rtreview/model_json.h"

namespace rtreview::cli {
namespace {

using nlohmann::json;

struct CheckArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool brief = false;
  bool no_dvh = false;
  std::string fail_on = "fail";
  std::string structure_vocabulary;
};

json opt(const std::optional<double>& v) { return v ? json(json_number(*v)) : json(nullptr); }
json opt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json beam_json(const BeamSummary& b) {
  json wedges = json::array();
  for (const auto& w : b.wedges) wedges.push_back(w);
  return {{"number", b.number},
          {"name", b.name},
          {"delivery_type", b.delivery_type},
          {"is_treatment", b.is_treatment},
          {"radiation_type", b.radiation_type},
          {"energy_mev", opt(b.energy_mev)},
          {"machine", b.machine},
          {"beam_type", b.beam_type},
          {"is_arc", b.is_arc},
          {"gantry_start_deg", json_number(b.gantry_start_deg)},
          {"gantry_stop_deg", json_number(b.gantry_stop_deg)},
          {"rotation_direction", b.rotation_direction},
          {"arc_length_deg", json_number(b.arc_length_deg)},
          {"collimator_deg", json_number(b.collimator_deg)},
          {"couch_deg", json_number(b.couch_deg)},
          {"isocenter_mm",
           b.isocenter_mm ? json::array({json_number((*b.isocenter_mm)[0]), json_number((*b.isocenter_mm)[1]),
                                         json_number((*b.isocenter_mm)[2])})
                          : json(nullptr)},
          {"control_point_count", b.control_point_count},
          {"segment_count", b.segment_count},
          {"energy_layer_count", b.energy_layer_count},
          {"mlc_moves_while_beam_on", b.mlc_moves_while_beam_on},
          {"meterset", opt(b.meterset_mu)},
          {"dosimeter_unit", b.dosimeter_unit},
          {"wedges", wedges},
          {"compensator_count", b.compensator_count},
          {"block_count", b.block_count}};
}

json report_json(const PlanSet& set, const CheckReport& r) {
  json findings = json::array();
  for (const auto& f : set.findings) findings.push_back(to_json(f));  // assembly findings first
  for (const auto& f : r.findings) findings.push_back(to_json(f));
  json beams = json::array();
  for (const auto& b : r.beams) beams.push_back(beam_json(b));
  json structures = json::array();
  for (const auto& s : r.structures)
    structures.push_back({{"roi_number", s.roi_number},
                          {"name", s.roi_name},
                          {"interpreted_type", s.interpreted_type},
                          {"category", to_string(s.category)},
                          {"canonical_name", s.canonical_name},
                          {"rule", s.rule},
                          {"by_type", s.by_type},
                          {"closed_contours", s.closed_contour_count},
                          {"open_contours", s.open_contour_count},
                          {"point_contours", s.point_contour_count}});
  const PlanSummary& p = r.plan_summary;
  json technique_evidence = json::array();
  for (const auto& e : r.technique.evidence)
    technique_evidence.push_back({{"label", e.label}, {"value", e.value}});
  return {{"plan_set_id", set.id},
          {"plan",
           {{"label", p.label},
            {"sop_instance_uid", p.sop_instance_uid},
            {"kind", set.plan ? to_string(p.kind) : "none"},
            {"treatment_portals", p.treatment_portal_count},
            {"static_portals", p.static_portal_count},
            {"arcs", p.arc_count},
            {"setup_beams", p.setup_beam_count},
            {"isocenters", p.isocenter_count},
            {"total_mu_per_fraction", opt(p.total_mu_per_fraction)},
            {"fraction_groups", p.fraction_group_count},
            {"fractions_planned", opt(p.fractions_planned)},
            {"prescription_dose_gy", opt(p.prescription_dose_gy)},
            {"dose_per_fraction_gy", opt(p.dose_per_fraction_gy)},
            {"prescription_source", p.prescription_source}}},
          {"technique",
           {{"name", to_string(r.technique.technique)},
            {"is_imrt", is_imrt(r.technique.technique)},
            {"rule", r.technique.rule},
            {"evidence", technique_evidence}}},
          {"beams", beams},
          {"structures", structures},
          {"dvh_dose_uid", r.dvh_dose_uid},
          {"findings", findings}};
}

// Whether `finding` is at or above the --fail-on level.
bool counts_for_exit(const Finding& finding, const std::string& fail_on) {
  const std::string level = fail_level(finding);
  if (level == "fail") return true;
  return fail_on == "warning" && level == "warning";
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

void print_finding(std::ostream& out, const Finding& f, bool brief) {
  out << "  " << pad(to_string(f.status), 14) << pad(to_string(f.severity), 8) << pad(f.id, 27) << f.message;
  if (!f.subject.empty()) out << "  [" << f.subject << "]";
  out << "\n";
  if (brief) return;
  for (const auto& e : f.evidence) out << "      " << e.label << ": " << e.value << "\n";
  if (!f.citation.empty()) out << "      cite: " << f.citation << "\n";
}

void print_report(std::ostream& out, int index, const PlanSet& set, const CheckReport& r, bool brief) {
  out << "\nplan set " << index << ": " << set.id << "\n";
  if (set.plan) {
    const PlanSummary& p = r.plan_summary;
    out << "  plan '" << p.label << "' [" << to_string(p.kind) << "]: " << p.treatment_portal_count
        << " treatment portal(s), " << p.arc_count << " arc(s), " << p.isocenter_count
        << " isocentre(s); technique " << to_string(r.technique.technique)
        << (is_imrt(r.technique.technique) ? " (IMRT)" : "") << "\n";
  }
  if (!r.structures.empty()) {
    out << "  structures:";
    for (const auto& s : r.structures) out << " " << s.roi_name << "=" << to_string(s.category);
    out << "\n";
  }
  out << "  " << pad("STATUS", 14) << pad("LEVEL", 8) << pad("CHECK", 27) << "RESULT\n";
  for (const auto& f : set.findings) print_finding(out, f, brief);
  for (const auto& f : r.findings) print_finding(out, f, brief);
}

int run_check(const CheckArgs& args) {
  if (args.fail_on != "fail" && args.fail_on != "warning") {
    std::cerr << "rtreview check: --fail-on must be 'fail' or 'warning', not '" << args.fail_on << "'\n";
    return exit_usage;
  }
  CheckOptions options;
  options.structure_vocabulary = args.structure_vocabulary;
  options.compute_dvhs = !args.no_dvh;
  if (!args.structure_vocabulary.empty() && !std::filesystem::is_regular_file(args.structure_vocabulary)) {
    std::cerr << "rtreview check: structure vocabulary not found: " << args.structure_vocabulary << "\n";
    return exit_usage;
  }
  const StructureVocabulary vocabulary = load_structure_vocabulary(options);
  for (const auto& problem : vocabulary.problems) std::cerr << "rtreview check: warning: " << problem << "\n";

  std::vector<std::filesystem::path> paths(args.paths.begin(), args.paths.end());
  const Inventory inventory = read_paths(paths);
  const std::vector<PlanSet> sets = assemble_plan_sets(inventory);
  const std::vector<Finding> input_findings = inventory_findings(inventory);

  bool exit_findings_seen = false;
  for (const auto& f : input_findings)
    exit_findings_seen = exit_findings_seen || counts_for_exit(f, args.fail_on);
  std::vector<CheckReport> reports;
  reports.reserve(sets.size());
  for (const auto& set : sets) {
    reports.push_back(run_checks(set, options, vocabulary));
    for (const auto& f : set.findings)
      exit_findings_seen = exit_findings_seen || counts_for_exit(f, args.fail_on);
    for (const auto& f : reports.back().findings)
      exit_findings_seen = exit_findings_seen || counts_for_exit(f, args.fail_on);
  }

  if (args.json) {
    json doc;
    doc["schema"] = "rtreview.check/1";
    doc["version"] = RTREVIEW_VERSION;
    doc["fail_on"] = args.fail_on;
    json inputs = json::array();
    for (const auto& f : input_findings) inputs.push_back(to_json(f));
    doc["input_findings"] = inputs;
    json plan_sets = json::array();
    for (std::size_t i = 0; i < sets.size(); ++i) plan_sets.push_back(report_json(sets[i], reports[i]));
    doc["plan_sets"] = plan_sets;
    std::cout << doc.dump(2) << "\n";
  } else {
    std::ostringstream out;
    out << "rtreview check: " << sets.size() << " plan set(s), " << inventory.unreadable.size()
        << " unreadable file(s)\n";
    if (!input_findings.empty()) {
      out << "\ninputs:\n";
      for (const auto& f : input_findings) print_finding(out, f, args.brief);
    }
    for (std::size_t i = 0; i < sets.size(); ++i)
      print_report(out, static_cast<int>(i + 1), sets[i], reports[i], args.brief);
    std::cout << out.str();
  }
  if (sets.empty()) {
    std::cerr << "rtreview check: no readable plan set in the inputs\n";
    return exit_no_input;
  }
  return exit_findings_seen ? exit_findings : exit_ok;
}

}  // namespace

void add_check_command(CLI::App& app, CommandAction& action) {
  auto* sub = app.add_subcommand("check", "Run the technical documentation checks on every plan set");
  auto args = std::make_shared<CheckArgs>();
  sub->add_option("paths", args->paths, "DICOM files or folders (folders are read recursively)")->required();
  sub->add_flag("--json", args->json, "Write a JSON document (schema rtreview.check/1) instead of a table");
  sub->add_option("--fail-on", args->fail_on,
                  "Exit 1 when a finding is at or above this level: fail (default) or warning");
  sub->add_option(
      "--structure-vocabulary", args->structure_vocabulary,
      "Clinic structure-name vocabulary (TSV, format of rulesets/structure-names.tsv) added to the default");
  sub->add_flag("--no-dvh", args->no_dvh,
                "Do not compute DVHs (DVH_COMPUTABLE then judges contours and frames only)");
  sub->add_flag("--brief", args->brief, "Table without evidence lines");
  sub->callback([&action, args] { action = [args] { return run_check(*args); }; });
}

}  // namespace rtreview::cli
