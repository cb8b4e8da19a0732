#include "front_door.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "rtreview/ruleset_dir.h"
#include "source_id.h"

// Set by CMake from the front-door program's target (one place for its name).
#ifndef RTREVIEW_FRONT_DOOR_PROGRAM
#error "RTREVIEW_FRONT_DOOR_PROGRAM (the front-door program's file name) must be defined by the build"
#endif

namespace rtreview::cli {
namespace {

namespace fs = std::filesystem;

std::vector<char*> remembered_arguments;

}  // namespace

void remember_command_line(int argc, char** argv) { remembered_arguments.assign(argv, argv + argc); }

int run_front_door_program() {
  const std::string command = remembered_arguments.size() > 1 ? remembered_arguments[1] : "serve";
  // Only ever an absolute path: a bare name would run whatever file of that name the current
  // folder holds (an upload folder, say) when /proc/self/exe cannot be read.
  const fs::path folder = executable_dir();
  if (folder.empty() || !folder.is_absolute()) {
    std::cerr << "rtreview " << command << ": error: cannot locate the front-door program: the folder of "
              << "this executable is unknown (/proc/self/exe cannot be read)\n";
    return exit_usage;
  }
  const std::string program = (folder / RTREVIEW_FRONT_DOOR_PROGRAM).string();
  std::vector<char*> arguments = remembered_arguments;
  if (arguments.empty()) arguments.push_back(nullptr);
  arguments.front() = const_cast<char*>(program.c_str());
  arguments.push_back(nullptr);
  if (setenv(front_door_source_id_variable, source_id(), 1) != 0) {
    std::cerr << "rtreview " << command
              << ": error: cannot pass the build's source id to the front-door program: "
              << std::strerror(errno) << "\n";
    return exit_usage;
  }
  std::cout.flush();
  std::cerr.flush();
  execv(program.c_str(), arguments.data());
  const int error = errno;
  std::cerr << "rtreview " << command << ": error: cannot start the front-door program " << program << ": "
            << std::strerror(error) << " (rtreview serve and rtreview listen run in it; it is built and "
            << "installed beside rtreview)\n";
  return exit_usage;
}

}  // namespace rtreview::cli
