// rtreview dvh (placeholder until its module lands)
#include <iostream>

#include "commands.h"

namespace rtreview::cli {

void add_dvh_command(CLI::App& app, CommandAction& action) {
  auto* sub = app.add_subcommand("dvh", "(not yet available)");
  sub->allow_extras();
  sub->callback([&action] {
    action = [] {
      std::cerr << "rtreview dvh: not available in this build yet\n";
      return exit_usage;
    };
  });
}

}  // namespace rtreview::cli
