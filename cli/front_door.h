// The front doors, `serve` (cpp-httplib, OpenSSL's TLS, libarchive) and `listen` (DCMTK's
// network library, with libwrap, Kerberos and RPC behind it), run in a second program,
// rtreview-front-door, built and installed beside rtreview. rtreview parses their options
// (so `rtreview serve --help` and usage errors are its own) and then replaces itself with that
// program (execv: the same process id, standard streams and arguments after argv[0], the
// environment plus the build's source id, below; the process name becomes "rtreview-front-").
// rtreview therefore links 22 fewer shared libraries, which every other command paid for at
// start-up (the dynamic loader's mapping and relocation, OpenSSL's initialisation): `--version`
// went from 9.6 to 6.0 ms of wall time and from 9.4 to 4.3 ms of CPU (README, "Start-up").
#pragma once

namespace rtreview::cli {

// rtreview puts its source_id() (source_id.h) in this environment variable for the front-door
// program, which refuses to run when its own differs: a front door left from another build
// would parse the options by other rules than the rtreview that checked them.
inline constexpr const char* front_door_source_id_variable = "RTREVIEW_FRONT_DOOR_SOURCE_ID";

// Kept by rtreview's main() for run_front_door_program().
void remember_command_line(int argc, char** argv);

// Replaces this process with <folder of rtreview>/rtreview-front-door and the remembered
// arguments. Returns only on failure: the message names the program file and the reason,
// and the exit code is 2.
int run_front_door_program();

}  // namespace rtreview::cli
