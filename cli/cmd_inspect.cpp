// rtreview inspect PATH... [--json]: what was read, how it was assembled, what is wrong.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "console.h"
#include "rtreview/model_json.h"
#include "rtreview/review.h"
#include "rtreview/text.h"

namespace rtreview::cli {
namespace {

std::string num(double v) { return format_significant(v, 6); }
std::string num(const std::optional<double>& v) { return v ? num(*v) : "-"; }
std::string text_or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

void print_notes(std::ostream& out, const std::vector<std::string>& notes, const char* indent) {
  for (const auto& n : notes) out << indent << "note: " << n << "\n";
}

void print_plan(std::ostream& out, const Plan& p) {
  out << "  RT Plan '" << p.label << "'" << (p.name.empty() ? "" : " (" + p.name + ")") << " ["
      << describe(p.delivery_kind) << "]  " << p.info.source.path << "\n";
  out << "    patient " << text_or(p.info.patient.id, "?") << ", intent " << text_or(p.intent, "-")
      << ", approval " << text_or(p.approval_status, "-")
      << (p.reviewer_name.empty() ? "" : " by " + p.reviewer_name)
      << (p.review_date.empty() ? "" : " on " + p.review_date) << "\n";
  for (const auto& r : p.dose_references)
    if (r.target_prescription_dose_gy)
      out << "    dose reference " << r.number << " '" << r.description << "' " << r.type << ": prescription "
          << num(r.target_prescription_dose_gy) << " Gy\n";
  for (const auto& g : p.fraction_groups) {
    double total = 0;
    for (const auto& b : g.beams) total += b.meterset.value_or(0.0);
    out << "    fraction group " << g.number << ": "
        << (g.fractions_planned ? std::to_string(*g.fractions_planned) : std::string("?")) << " fractions, "
        << g.beams.size() << " beams, " << num(total) << " meterset total";
    if (g.brachy_application_setup_count)
      out << ", " << g.brachy_application_setup_count << " application setups";
    out << "\n";
  }
  for (const auto& b : p.beams) {
    std::optional<double> meterset;
    for (const auto& g : p.fraction_groups)
      for (const auto& rb : g.beams)
        if (rb.beam_number == b.number && !meterset) meterset = rb.meterset;
    out << "    beam " << b.number << " '" << b.name << "' " << text_or(b.beam_type, "?") << " "
        << text_or(b.radiation_type, "?") << " " << text_or(b.treatment_delivery_type, "") << ": "
        << b.control_points.size() << " control points, " << num(meterset) << " "
        << text_or(b.primary_dosimeter_unit, "MU");
    if (!b.control_points.empty()) {
      const auto& first = b.control_points.front();
      const auto& last = b.control_points.back();
      if (first.nominal_energy_mev)
        out << ", " << num(first.nominal_energy_mev) << (b.radiation_type == "PHOTON" ? " MV" : " MeV");
      out << ", gantry " << num(first.gantry_angle_deg);
      if (last.gantry_angle_deg != first.gantry_angle_deg || !first.gantry_rotation_direction.empty())
        out << "->" << num(last.gantry_angle_deg) << " " << first.gantry_rotation_direction;
      out << ", collimator " << num(first.collimator_angle_deg) << ", couch " << num(first.couch_angle_deg);
    }
    if (b.is_ion) out << ", scan mode " << text_or(b.scan_mode, "-");
    if (!b.wedges.empty()) out << ", " << b.wedges.size() << " wedge(s)";
    if (!b.compensators.empty()) out << ", " << b.compensators.size() << " compensator(s)";
    out << "\n";
  }
  for (const auto& s : p.application_setups)
    out << "    application setup " << s.number << " '" << s.name << "' " << s.type << ": "
        << s.channels.size() << " channels\n";
  print_notes(out, p.notes, "    ");
}

void print_structure_set(std::ostream& out, const StructureSet& s) {
  out << "  RT Structure Set '" << s.label << "': " << s.rois.size() << " ROIs  " << s.info.source.path
      << "\n";
  for (const auto& r : s.rois) {
    std::set<std::string> types;
    for (const auto& c : r.contours) types.insert(c.geometric_type);
    std::string type_list;
    for (const auto& t : types) type_list += (type_list.empty() ? "" : ",") + t;
    out << "    ROI " << r.number << " '" << r.name << "' " << text_or(r.interpreted_type, "(no type)")
        << ": " << r.contours.size() << " contours" << (type_list.empty() ? "" : " " + type_list) << "\n";
  }
  print_notes(out, s.notes, "    ");
}

void print_dose(std::ostream& out, const DoseGrid& d) {
  out << "  RT Dose " << text_or(d.summation_type, "?") << " " << text_or(d.dose_type, "?") << " "
      << text_or(d.units, "?") << ": " << d.columns << "x" << d.rows << "x" << d.frames << ", spacing "
      << num(d.column_spacing_mm) << " x " << num(d.row_spacing_mm) << " mm";
  if (d.frame_offsets_mm.size() > 1) {
    double largest = 0;
    for (std::size_t i = 1; i < d.frame_offsets_mm.size(); ++i)
      largest = std::max(largest, std::abs(d.frame_offsets_mm[i] - d.frame_offsets_mm[i - 1]));
    out << ", slices " << num(d.frame_offsets_mm.front()) << ".." << num(d.frame_offsets_mm.back())
        << " mm (largest step " << num(largest) << " mm)";
  }
  if (d.has_pixels()) {
    float hi = d.dose.front();
    for (float v : d.dose) hi = std::max(hi, v);
    out << ", max " << num(hi) << " " << d.units;
  } else {
    out << ", no voxels";
  }
  if (!d.dvhs.empty()) out << ", " << d.dvhs.size() << " DVHs";
  out << "  " << d.info.source.path << "\n";
  print_notes(out, d.notes, "    ");
}

void print_finding(std::ostream& out, const Finding& f, const char* indent) {
  out << indent << "[" << to_string(f.severity) << "] " << f.id << ": " << f.message << "\n";
}

int run_inspect(const std::vector<std::string>& args, bool json) {
  std::vector<std::filesystem::path> paths(args.begin(), args.end());
  ReviewRequest request;
  request.paths = paths;
  request.depth = ReviewDepth::assemble;
  const ReviewRun run = review_inputs(request);
  const Inventory& inventory = run.inventory;
  std::vector<PlanSet> sets;
  for (const auto& review : run.reviews) sets.push_back(review.plan_set);
  const std::vector<Finding>& input_findings = run.input_findings;
  print_input_problems(std::cerr, "rtreview inspect", run);

  if (json) {
    std::cout << inspect_json(inventory, sets, input_findings)
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::ostringstream out;
    out << "read " << inventory.plans.size() << " plans, " << inventory.doses.size() << " doses, "
        << inventory.structure_sets.size() << " structure sets; " << inventory.others.size()
        << " other objects, " << inventory.unreadable.size() << " unreadable files; " << sets.size()
        << " plan sets\n";
    int n = 0;
    for (const auto& s : sets) {
      out << "\nplan set " << ++n << ": " << s.id << (s.complete() ? " (complete)" : " (incomplete)") << "\n";
      if (s.plan) print_plan(out, *s.plan);
      if (s.structure_set) print_structure_set(out, *s.structure_set);
      for (const auto& d : s.doses) print_dose(out, *d);
      for (const auto& f : s.findings) print_finding(out, f, "  ");
    }
    if (!inventory.others.empty()) {
      out << "\nother objects (ignored):\n";
      for (const auto& o : inventory.others) out << "  " << o.info.source.path << ": " << o.reason << "\n";
    }
    if (!inventory.unreadable.empty()) {
      out << "\nunreadable files:\n";
      for (const auto& u : inventory.unreadable) out << "  " << u.path << ": " << u.reason << "\n";
    }
    std::cout << out.str();
  }
  const bool any_rt =
      !inventory.plans.empty() || !inventory.doses.empty() || !inventory.structure_sets.empty();
  return any_rt ? exit_ok : exit_no_input;
}

}  // namespace

void add_inspect_command(CLI::App& app, CommandAction& action) {
  auto* sub =
      app.add_subcommand("inspect", "Read DICOM RT files/folders and list plan sets, objects and problems");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  sub->add_option("paths", *paths, "DICOM files or folders (folders are read recursively)")->required();
  sub->add_flag("--json", *json, "Write a JSON document (schema rtreview.inspect/1) instead of text");
  sub->callback([&action, paths, json] {
    action = reading_dicom([paths, json] { return run_inspect(*paths, *json); });
  });
}

}  // namespace rtreview::cli
