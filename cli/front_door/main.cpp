// rtreview-front-door: the program `rtreview serve` and `rtreview listen` replace themselves
// with (cli/front_door.h). It parses the same options (cli/cmd_serve.cpp, cli/cmd_listen.cpp,
// built here with RTREVIEW_FRONT_DOOR_IN_PROCESS=1) and runs the server in this process.
#include <string>

#include "../run.h"

int main(int argc, char** argv) {
  using namespace rtreview::cli;
  CLI::App app{"rtreview " RTREVIEW_VERSION " front doors (run by `rtreview serve` and `rtreview listen`)",
               "rtreview"};
  app.set_version_flag("--version", std::string("rtreview ") + RTREVIEW_VERSION);
  app.require_subcommand(1);
  CommandAction action;
  add_listen_command(app, action);
  add_serve_command(app, action);
  return parse_and_run(app, action, argc, argv);
}
