// Sub-commands of the rtreview tool. Each lives in its own cli/cmd_<name>.cpp,
// registers its options on the CLI11 app and, when chosen, sets `action`,
// which main() runs and whose return value is the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "rtreview/dicom_io.h"

namespace rtreview::cli {

// Exit codes shared by all sub-commands (documented in the README).
enum ExitCode : int {
  exit_ok = 0,        // all determinations MEETS / no finding at or above --fail-on
  exit_findings = 1,  // something failed (a check, a determination)
  exit_usage = 2,     // bad command line, ruleset or case-file error
  exit_no_input = 3,  // no readable plan set / object in the inputs
};

using CommandAction = std::function<int()>;

// The action of a command that reads DICOM: DCMTK's dictionary starts loading (two threads)
// while the command sets itself up (options, rulesets, case file, file listing).
inline CommandAction reading_dicom(std::function<int()> run) {
  return [run = std::move(run)] {
    start_loading_dicom_dictionary();
    return run();
  };
}

// The policy inputs shared by `evaluate` and `review`: --case (required), --policy
// (repeatable) and --rulesets, with one wording for both commands' help.
inline void add_policy_options(CLI::App& sub, std::string& case_file, std::vector<std::string>& policies,
                               std::string& ruleset_dir) {
  sub.add_option("--case", case_file, "case file (XML; `rtreview case-template` prints one)")->required();
  sub.add_option("--policy", policies,
                 "policy id (e.g. MC.CP.MP.69) or ruleset file; repeatable; default: every policy that "
                 "applies to the case");
  sub.add_option("--rulesets", ruleset_dir, "folder of rulesets (default: the shipped rulesets/)");
}

// --plan / --structure-set / --dose UID: which candidate joins when several could (the
// assembly reports AMBIGUOUS_CANDIDATES instead of picking one).
inline void add_assembly_options(CLI::App& sub, std::string& plan_uid, std::string& structure_set_uid,
                                 std::string& dose_uid) {
  sub.add_option("--plan", plan_uid, "SOP Instance UID of the plan a shared dose joins");
  sub.add_option("--structure-set", structure_set_uid, "SOP Instance UID of the structure set a plan takes");
  sub.add_option("--dose", dose_uid, "SOP Instance UID of the only dose joined by frame of reference");
}

void add_inspect_command(CLI::App& app, CommandAction& action);
void add_dvh_command(CLI::App& app, CommandAction& action);
void add_check_command(CLI::App& app, CommandAction& action);
void add_evaluate_command(CLI::App& app, CommandAction& action);
void add_case_template_command(CLI::App& app, CommandAction& action);
void add_review_command(CLI::App& app, CommandAction& action);
void add_make_samples_command(CLI::App& app, CommandAction& action);
void add_listen_command(CLI::App& app, CommandAction& action);
void add_serve_command(CLI::App& app, CommandAction& action);

}  // namespace rtreview::cli
