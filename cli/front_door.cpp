#include "front_door.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "rtreview/ruleset_dir.h"

// Set by CMake from the front-door program's target (one place for its name).
#ifndef RTREVIEW_FRONT_DOOR_PROGRAM
#error "RTREVIEW_FRONT_DOOR_PROGRAM (the front-door program's file name) must be defined by the build"
#endif

namespace rtreview::cli {
namespace {

std::vector<char*> remembered_arguments;

}  // namespace

void remember_command_line(int argc, char** argv) { remembered_arguments.assign(argv, argv + argc); }

int run_front_door_program() {
  const std::string program = (executable_dir() / RTREVIEW_FRONT_DOOR_PROGRAM).string();
  std::vector<char*> arguments = remembered_arguments;
  if (arguments.empty()) arguments.push_back(nullptr);
  arguments.front() = const_cast<char*>(program.c_str());
  arguments.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  execv(program.c_str(), arguments.data());
  const int error = errno;
  const std::string command = remembered_arguments.size() > 1 ? remembered_arguments[1] : "serve";
  std::cerr << "rtreview " << command << ": error: cannot start the front-door program " << program << ": "
            << std::strerror(error) << " (rtreview serve and rtreview listen run in it; it is built and "
            << "installed beside rtreview)\n";
  return exit_usage;
}

}  // namespace rtreview::cli
