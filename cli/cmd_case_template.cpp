// rtreview case-template: prints a commented case file showing every element.
#include <iostream>

#include "commands.h"
#include "rtreview/policy.h"

namespace rtreview::cli {

void add_case_template_command(CLI::App& app, CommandAction& action) {
  auto* sub = app.add_subcommand(
      "case-template", "Print a commented case-file template (the clinical facts DICOM cannot hold)");
  sub->callback([&action] {
    action = [] {
      std::cout << case_file_template();
      return exit_ok;
    };
  });
}

}  // namespace rtreview::cli
