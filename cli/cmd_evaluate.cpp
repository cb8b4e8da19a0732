// rtreview evaluate PATH... --case FILE [--policy ID|FILE]... [--rulesets DIR] [--json]:
// reads the plan sets, runs the technical checks and prints each policy's determination
// with its criteria tree. Exit: 0 all MEETS, 1 otherwise, 2 ruleset/case/usage, 3 no plan set.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "console.h"
#include "rtreview/render.h"
#include "rtreview/review.h"

namespace rtreview::cli {
namespace {

using json = nlohmann::ordered_json;

struct EvaluateArgs {
  std::vector<std::string> paths;
  std::string case_file;
  std::vector<std::string> policies;
  std::string ruleset_dir;
  bool json_output = false;
  AssemblyOptions assembly;
};

const char* mark(Truth t) {
  return t == Truth::met ? "[met]    " : t == Truth::not_met ? "[not met]" : "[unknown]";
}

std::string group_label(const EvaluatedNode& n) {
  switch (n.kind) {
    case RuleKind::criterion:
      return "";
    case RuleKind::all:
    case RuleKind::any:
    case RuleKind::none:
      return std::string(to_string(n.kind)) + " of";
    default:
      return rule_kind_label(n.kind, n.at_least);
  }
}

void print_node(std::ostream& out, const EvaluatedNode& n, int depth) {
  std::string indent(2 * depth + 4, ' ');
  out << indent << mark(n.result) << " " << (n.outline_id.empty() ? "" : n.outline_id + " ");
  std::string label = group_label(n);
  if (!label.empty() && n.kind != RuleKind::criterion && !n.outline_id.empty())
    out << "(" << label << ") ";
  else if (!label.empty() && n.outline_id.empty())
    out << label << ": ";
  out << n.text;
  bool leaf = n.children.empty();
  if (leaf || n.kind == RuleKind::criterion)
    out << "\n" << indent << "          " << n.evidence << " [" << to_string(n.origin) << "]";
  out << "\n";
  for (const auto& s : n.supporting)
    out << indent << "          supporting (not deciding): " << s.check_id << " " << to_string(s.status)
        << ": " << s.message << "\n";
  if (n.kind == RuleKind::criterion) {
    // A criterion's tests show only when there is more than one (else the line above says it all).
    if (n.children.size() > 1 || (n.children.size() == 1 && !n.children[0].children.empty()))
      for (const auto& c : n.children) print_node(out, c, depth + 1);
    return;
  }
  for (const auto& c : n.children) print_node(out, c, depth + 1);
}

void print_determination(std::ostream& out, const Determination& d) {
  out << "\n== " << d.policy.id << " - " << d.policy.title << " (" << d.policy.payer << ", revision "
      << d.policy.revision_date << ")\n";
  out << "   determination: " << to_string(d.outcome) << (d.manual_review ? " (manual review required)" : "")
      << "\n";
  out << "   " << d.summary << "\n";
  out << "   applies: " << d.applicability << "\n";
  if (!d.deciding.empty()) {
    out << "   deciding:\n";
    for (const auto& n : d.deciding)
      out << "     " << n.outline_id << " " << to_string(n.result) << ": " << n.text << " - " << n.evidence
          << "\n";
  }
  if (!d.missing.empty()) {
    out << "   missing to decide:\n";
    for (const auto& m : d.missing) out << "     - " << m << "\n";
  }
  out << "   criteria:\n";
  print_node(out, d.criteria, 0);
  if (d.exclusions) {
    out << "   exclusions (any met = not medically necessary):\n";
    print_node(out, *d.exclusions, 0);
  }
  if (!d.documentation.empty()) {
    out << "   documentation checklist:\n";
    for (const auto& item : d.documentation) {
      out << "    " << mark(item.result) << " " << item.outline_id << " " << item.text << "\n";
      out << "              " << item.node.evidence;
      if (!item.window.empty()) out << " | window " << item.window;
      if (!item.required_signers.empty()) {
        out << " | signers required: ";
        for (std::size_t i = 0; i < item.required_signers.size(); ++i)
          out << (i ? ", " : "") << item.required_signers[i];
      }
      out << "\n";
    }
  }
  for (const auto& n : d.code_notes) out << "   code note: " << n << "\n";
  for (const auto& n : d.notes) out << "   note: " << n << "\n";
}

json strings(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

// What --json prints when the run could not start: the errors, and no plan sets.
json error_json(const ReviewRun& run) {
  json errors = json::array();
  for (const auto& e : run.errors) errors.push_back(e.message());
  return json{
      {"tool_version", RTREVIEW_VERSION}, {"errors", errors}, {"plan_sets", json::array()}, {"exit_code", 2}};
}

int run_evaluate(const EvaluateArgs& args) {
  ReviewRequest request;
  request.paths.assign(args.paths.begin(), args.paths.end());
  request.case_file = args.case_file;
  request.policies = args.policies;
  request.ruleset_dir = args.ruleset_dir;
  request.assembly = args.assembly;
  ReviewRun run = review_inputs(request);
  if (!run.ok()) {
    for (const auto& e : run.errors) std::cerr << "rtreview evaluate: " << e.message() << "\n";
    if (args.json_output)
      std::cout << error_json(run).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return exit_usage;
  }
  const CaseFile& case_file = *run.case_file;
  print_input_problems(std::cerr, "rtreview evaluate", run);
  for (const auto& w : run.warnings) std::cerr << "rtreview evaluate: " << w << "\n";

  bool all_meet = !run.reviews.empty(), any_applicable = false;
  json out_sets = json::array();
  if (!args.json_output) {
    std::cout << "case " << case_file.file << ": date of service " << case_file.date_of_service
              << ", line of business " << case_file.line_of_business << "\n";
    if (run.selection.rulesets.empty()) std::cout << "no policy applies to this case\n";
    for (const auto& s : run.selection.skipped) std::cout << "not applicable: " << s << "\n";
  }
  for (const auto& review : run.reviews) {
    const std::string& label = review.facts.label;
    if (!args.json_output)
      std::cout << "\nplan set " << label << " (" << review.plan_set.id << ") [" << review.facts.source_file
                << "]\n";
    json dets = json::array();
    for (const auto& d : review.determinations) {
      any_applicable = any_applicable || d.outcome != Outcome::not_applicable;
      if (d.outcome != Outcome::meets && d.outcome != Outcome::not_applicable) all_meet = false;
      if (args.json_output)
        dets.push_back(determination_to_json(d));
      else
        print_determination(std::cout, d);
    }
    out_sets.push_back(json{{"plan_set_id", review.plan_set.id},
                            {"plan_label", label},
                            {"facts", facts_to_json(review.facts)},
                            {"determinations", dets}});
  }
  // Like the packet's overall outcome: NOT APPLICABLE never counts against, and a case no
  // policy governs is not a MEETS.
  int code = run.reviews.empty() ? exit_no_input : all_meet && any_applicable ? exit_ok : exit_findings;
  if (args.json_output) {
    json root{{"tool_version", RTREVIEW_VERSION},
              {"case_file", case_file.file},
              {"date_of_service", case_file.date_of_service},
              {"line_of_business", case_file.line_of_business},
              {"not_applicable", strings(run.selection.skipped)},
              {"plan_sets", out_sets},
              {"exit_code", code}};
    std::cout << root.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  }
  if (run.reviews.empty()) std::cerr << "rtreview evaluate: no readable RT plan set in the given paths\n";
  return code;
}

}  // namespace

void add_evaluate_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* sub = app.add_subcommand(
      "evaluate", "Evaluate payer policies for a case: determination per policy with the criteria tree");
  sub->add_option("paths", args->paths, "DICOM files or folders (RT Plan, RT Dose, RT Structure Set)")
      ->required();
  add_policy_options(*sub, args->case_file, args->policies, args->ruleset_dir);
  sub->add_flag("--json", args->json_output, "print JSON instead of text");
  add_assembly_options(*sub, args->assembly.plan_uid, args->assembly.structure_set_uid,
                       args->assembly.dose_uid);
  sub->callback([&action, args] { action = reading_dicom([args] { return run_evaluate(*args); }); });
}

}  // namespace rtreview::cli
