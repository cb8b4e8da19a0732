// rtreview: review DICOM RT plans against payers' IMRT/IGRT policies.
// This file only wires sub-commands together; each lives in cli/cmd_*.cpp.
#include <iostream>
#include <string>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace rtreview::cli;
  CLI::App app{"rtreview " RTREVIEW_VERSION
               " - check DICOM RT plans against payers' IMRT/IGRT policies and write a review packet"};
  app.set_version_flag("--version", std::string("rtreview ") + RTREVIEW_VERSION);
  app.require_subcommand(1);
  CommandAction action;
  add_inspect_command(app, action);
  add_dvh_command(app, action);
  add_check_command(app, action);
  add_evaluate_command(app, action);
  add_case_template_command(app, action);
  add_review_command(app, action);
  add_make_samples_command(app, action);
  add_listen_command(app, action);
  add_serve_command(app, action);
  // CLI11 answers an unknown command with "A subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const auto* sub : app.get_subcommands({})) {
      found = found || sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found) {
      std::cerr << "rtreview: unknown command '" << argv[1] << "' (commands: " << known << ")\n";
      return exit_usage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help/version (0) or the usage error
    return code == 0 ? exit_ok : exit_usage;
  }
  if (!action) return exit_usage;
  try {
    return action();
  } catch (const std::exception& e) {
    std::cerr << "rtreview: error: " << e.what() << "\n";
    return exit_usage;
  }
}
