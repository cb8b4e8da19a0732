// rtreview-front-door: the program `rtreview serve` and `rtreview listen` replace themselves
// with (cli/front_door.h). It parses the same options (cli/cmd_serve.cpp, cli/cmd_listen.cpp,
// built here with RTREVIEW_FRONT_DOOR_IN_PROCESS=1) and runs the server in this process.
#include <cstdlib>
#include <iostream>
#include <string>

#include "../front_door.h"
#include "../run.h"
#include "../source_id.h"

namespace {

// Started by an rtreview of other sources (a copy left from another build or version): exit 2
// with both ids. Run by hand (no id given) it runs as it is.
bool from_another_build(int argc, char** argv) {
  const char* handed = std::getenv(rtreview::cli::front_door_source_id_variable);
  if (!handed || std::string(handed) == rtreview::cli::source_id()) return false;
  const std::string command = argc > 1 ? std::string(" ") + argv[1] : "";
  std::cerr << "rtreview" << command << ": error: the front-door program " << (argc > 0 ? argv[0] : "")
            << " was built from other sources (id " << rtreview::cli::source_id()
            << ") than the rtreview that started it (id " << handed
            << "): install rtreview and rtreview-front-door from the same build\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rtreview::cli;
  if (from_another_build(argc, argv)) return exit_usage;
  unsetenv(front_door_source_id_variable);  // not passed on to what the server starts
  CLI::App app{"rtreview " RTREVIEW_VERSION " front doors (run by `rtreview serve` and `rtreview listen`)",
               "rtreview"};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  CommandAction action;
  add_listen_command(app, action);
  add_serve_command(app, action);
  return parse_and_run(app, action, argc, argv);
}
