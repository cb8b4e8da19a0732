// rtreview: review DICOM RT plans against payers' IMRT/IGRT policies.
// This file only wires sub-commands together; each lives in cli/cmd_*.cpp.
#include <string>

#include "front_door.h"
#include "run.h"
#include "source_id.h"

int main(int argc, char** argv) {
  using namespace rtreview::cli;
  remember_command_line(argc, argv);
  CLI::App app{"rtreview " RTREVIEW_VERSION
               " - check DICOM RT plans against payers' IMRT/IGRT policies and write a review packet"};
  app.set_version_flag("--version", version_line());
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
  return parse_and_run(app, action, argc, argv);
}
