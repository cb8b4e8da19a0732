// Parsing the command line and running the chosen sub-command: shared by rtreview's main()
// and the front-door program's (front_door.h).
#pragma once

#include "commands.h"

namespace rtreview::cli {

// Parses argv with `app` (an unknown command is named, with the known ones), then runs the
// action the chosen sub-command set. Returns the process exit code.
int parse_and_run(CLI::App& app, const CommandAction& action, int argc, char** argv);

}  // namespace rtreview::cli
