// `rtreview serve`: the web front door (README "Web front door"). An HTTP server whose
// pages and JSON API take an upload of DICOM (files or a zip), show the plan sets found,
// generate the form the applicable rulesets ask for, evaluate the answers and hand out
// the packet and the case file. It calls review/ like every other front door.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace rtreview {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                       // 0 = any free port (printed at start)
  std::filesystem::path data_dir;        // "" = a private temporary folder, removed at exit
  std::filesystem::path ruleset_dir;     // "" = default_ruleset_dir()
  std::uint64_t max_upload_mb = 512;     // one request body
  std::uint64_t max_expanded_mb = 1024;  // an upload's files once archives are expanded
  std::size_t max_files = 2000;          // files in one upload (archive entries included)
  int expire_seconds = 3600;             // uploads are removed this long after they came in
  std::string token;                     // "" = generated when bound to anything but loopback
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost): no token needed.
bool is_loopback(const std::string& host);

// Runs until SIGINT or SIGTERM. Prints the address (and the token, when one is required)
// on `out`; one line per request on `log` (method, path, status: never patient data).
// Returns 0 on a clean stop, 2 when the server could not start (message on `log`).
int run_server(const ServeOptions& options, std::ostream& out, std::ostream& log);

}  // namespace rtreview
