// rtreview review (placeholder until its module lands)
#include <iostream>

#include "commands.h"

namespace rtreview::cli {

void add_review_command(CLI::App& app, CommandAction& action) {
  auto* sub = app.add_subcommand("review", "(not yet available)");
  sub->allow_extras();
  sub->callback([&action] {
    action = [] {
      std::cerr << "rtreview review: not available in this build yet\n";
      return exit_usage;
    };
  });
}

}  // namespace rtreview::cli
