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
#include "console.h"
#include "rtreview/render.h"
#include "rtreview/review.h"

namespace rtreview::cli {
namespace {

using json = nlohmann::ordered_json;

struct CheckArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool brief = false;
  bool no_dvh = false;
  std::string fail_on = "fail";
  std::string structure_vocabulary;
  std::string ruleset_dir;
  std::string case_file;
  AssemblyOptions assembly;
};

// One plan set in `check --json`: the same serializers as the packet JSON.
json report_json(const PlanSetReview& review) {
  const PlanSet& set = review.plan_set;
  const CheckReport& r = review.report;
  json findings = json::array();
  for (const auto& f : review.findings) findings.push_back(to_json(f));
  json beams = json::array();
  for (const auto& b : r.beams) beams.push_back(to_json(b));
  json structures = json::array();
  for (const auto& s : r.structures) structures.push_back(to_json(s));
  json plan = to_json(r.plan_summary);
  plan["label"] = r.plan_summary.label;
  plan["sop_instance_uid"] = r.plan_summary.sop_instance_uid;
  plan["kind"] = set.plan ? to_string(r.plan_summary.kind) : "none";
  return {{"plan_set_id", set.id},
          {"plan_label", review.facts.label},
          {"facts", facts_to_json(review.facts)},
          {"plan", plan},
          {"technique", to_json(r.technique)},
          {"beams", beams},
          {"structures", structures},
          {"dvh_dose_uid", r.dvh_dose_uid},
          {"findings", findings}};
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

void print_report(std::ostream& out, int index, const PlanSetReview& review, bool brief) {
  const PlanSet& set = review.plan_set;
  const CheckReport& r = review.report;
  out << "\nplan set " << index << ": " << review.facts.label << " (" << set.id << ") ["
      << review.facts.source_file << "]\n";
  if (set.plan) {
    const PlanSummary& p = r.plan_summary;
    out << "  plan '" << p.label << "' [" << describe(p.delivery_kind) << "]: " << p.treatment_portal_count
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
  const std::optional<FailLevel> fail_on = parse_fail_on(args.fail_on);
  if (!fail_on) {
    std::cerr << "rtreview check: --fail-on must be 'fail' or 'warning', not '" << args.fail_on << "'\n";
    return exit_usage;
  }
  ReviewRequest request;
  request.paths.assign(args.paths.begin(), args.paths.end());
  request.case_file = args.case_file;
  request.ruleset_dir = args.ruleset_dir;
  request.depth = ReviewDepth::checks;
  request.assembly = args.assembly;
  request.check_options.structure_vocabulary = args.structure_vocabulary;
  request.check_options.compute_dvhs = !args.no_dvh;
  const ReviewRun run = review_inputs(request);
  if (!run.ok()) {
    for (const auto& e : run.errors) std::cerr << "rtreview check: " << e.message() << "\n";
    if (args.json) {
      json errors = json::array();
      for (const auto& e : run.errors) errors.push_back(e.message());
      std::cout << json{{"schema", "rtreview.check/1"}, {"errors", errors}, {"plan_sets", json::array()}}
                       .dump(2, ' ', false, json::error_handler_t::replace)
                << "\n";
    }
    return exit_usage;
  }
  print_input_problems(std::cerr, "rtreview check", run);
  for (const auto& w : run.warnings) std::cerr << "rtreview check: " << w << "\n";
  for (const auto& problem : run.vocabulary_problems)
    std::cerr << "rtreview check: warning: " << problem << "\n";

  bool exit_findings_seen = any_counts_against(run.input_findings, *fail_on);
  for (const auto& review : run.reviews)
    exit_findings_seen = exit_findings_seen || any_counts_against(review.findings, *fail_on);

  if (args.json) {
    json doc;
    doc["schema"] = "rtreview.check/1";
    doc["version"] = RTREVIEW_VERSION;
    doc["fail_on"] = to_string(*fail_on);
    json inputs = json::array();
    for (const auto& f : run.input_findings) inputs.push_back(to_json(f));
    doc["input_findings"] = inputs;
    json plan_sets = json::array();
    for (const auto& review : run.reviews) plan_sets.push_back(report_json(review));
    doc["plan_sets"] = plan_sets;
    std::cout << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    std::ostringstream out;
    std::size_t ignored = 0;
    for (const auto& u : run.inventory.unreadable) ignored += u.not_dicom ? 1 : 0;
    out << "rtreview check: " << run.reviews.size() << " plan set(s), "
        << run.inventory.unreadable.size() - ignored << " unreadable file(s), "
        << ignored + run.inventory.others.size() << " ignored\n";
    if (!run.input_findings.empty()) {
      out << "\ninputs:\n";
      for (const auto& f : run.input_findings) print_finding(out, f, args.brief);
    }
    for (std::size_t i = 0; i < run.reviews.size(); ++i)
      print_report(out, static_cast<int>(i + 1), run.reviews[i], args.brief);
    std::cout << out.str();
  }
  if (run.reviews.empty()) {
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
  sub->add_option("--rulesets", args->ruleset_dir,
                  "folder of rulesets, incl. the structure vocabulary (default: the shipped rulesets/)");
  sub->add_option("--case", args->case_file, "case file: only for the patient's age in the facts");
  sub->add_flag("--no-dvh", args->no_dvh,
                "Do not compute DVHs (DVH_COMPUTABLE then judges contours and frames only)");
  sub->add_flag("--brief", args->brief, "Table without evidence lines");
  add_assembly_options(*sub, args->assembly.plan_uid, args->assembly.structure_set_uid,
                       args->assembly.dose_uid);
  sub->callback([&action, args] { action = reading_dicom([args] { return run_check(*args); }); });
}

}  // namespace rtreview::cli
