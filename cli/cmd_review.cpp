// rtreview review PATH... --case FILE [--policy ID|FILE]... [--out DIR] [--format html,pdf,json]
//                [--fail-on fail|warning]: writes the review packet(s). The pipeline is
// run_review() (publish.h); this file only parses arguments and prints.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "commands.h"
#include "console.h"
#include "rtreview/publish.h"

namespace rtreview::cli {
namespace {

struct ReviewArgs {
  std::vector<std::string> paths;
  std::string case_file;
  std::vector<std::string> policies;
  std::string ruleset_dir;
  std::string out_dir = "rtreview-out";
  std::vector<std::string> formats;
  std::string fail_on = "fail";
  std::string paper = "a4";
  AssemblyOptions assembly;
};

int run(const ReviewArgs& args) {
  ReviewOptions options;
  ReviewRequest& request = options.request;
  request.paths.assign(args.paths.begin(), args.paths.end());
  request.case_file = args.case_file;
  request.policies = args.policies;
  request.ruleset_dir = args.ruleset_dir;
  request.assembly = args.assembly;
  options.out_dir = args.out_dir;
  if (!args.formats.empty()) {
    options.formats.clear();
    for (const auto& text : args.formats)  // "html,pdf" and "--format html --format pdf" both work
      if (auto f = parse_output_format(text);
          f && std::find(options.formats.begin(), options.formats.end(), *f) == options.formats.end())
        options.formats.push_back(*f);
  }
  options.fail_on = parse_fail_on(args.fail_on).value_or(FailLevel::fail);
  options.paper = args.paper == "letter" ? PaperSize::letter : PaperSize::a4;
  // Progress only for a person watching: stderr is a terminal and there is more than one set.
  if (isatty(STDERR_FILENO)) {
    request.progress = [](std::size_t index, std::size_t count, const std::string& label) {
      if (index == 0)
        std::cerr << "rtreview review: " << label << "...\r" << std::flush;
      else if (count > 1)
        std::cerr << "\33[2K[" << index << "/" << count << "] " << label << "\r" << std::flush;
      if (index == count && index > 0) std::cerr << "\33[2K" << std::flush;
    };
  }
  ReviewResult result = run_review(options);
  if (isatty(STDERR_FILENO)) std::cerr << "\33[2K" << std::flush;
  for (const auto& e : result.errors) std::cerr << e << "\n";
  for (const auto& w : result.warnings) std::cerr << w << "\n";
  print_input_problems(std::cerr, "rtreview review", result.summary.unreadable);
  for (const auto& l : result.lines) std::cout << l << "\n";
  return result.exit_code;
}

}  // namespace

void add_review_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ReviewArgs>();
  auto* sub = app.add_subcommand(
      "review",
      "Write the review packet (HTML, PDF, JSON) of each plan set: determinations, checks, "
      "criteria, documentation checklist, DVHs, beams, input files");
  sub->add_option("paths", args->paths, "DICOM files or folders (a folder may hold many plan sets)")
      ->required();
  add_policy_options(*sub, args->case_file, args->policies, args->ruleset_dir);
  sub->add_option("--out", args->out_dir, "output folder (created if missing)")->capture_default_str();
  sub->add_option("--format", args->formats, "comma-separated: html, pdf, json (default: all three)")
      ->delimiter(',')
      ->check(CLI::IsMember({"html", "pdf", "json"}));
  sub->add_option("--fail-on", args->fail_on,
                  "exit 1 when a finding is at or above this level: fail | warning")
      ->check(CLI::IsMember({"fail", "warning"}))
      ->capture_default_str();
  sub->add_option("--paper", args->paper, "PDF paper size: a4 | letter")
      ->check(CLI::IsMember({"a4", "letter"}))
      ->capture_default_str();
  add_assembly_options(*sub, args->assembly.plan_uid, args->assembly.structure_set_uid,
                       args->assembly.dose_uid);
  sub->callback([&action, args] { action = reading_dicom([args] { return run(*args); }); });
}

}  // namespace rtreview::cli
