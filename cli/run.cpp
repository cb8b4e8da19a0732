#include "run.h"

#include <iostream>
#include <string>

namespace rtreview::cli {

int parse_and_run(CLI::App& app, const CommandAction& action, int argc, char** argv) {
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

}  // namespace rtreview::cli
