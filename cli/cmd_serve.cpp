// rtreview serve [--bind 127.0.0.1] [--port 8080] [--data DIR]: the web front door.
// The server is src/serve/ (run_server); this file only parses arguments. It runs in the
// front-door program (cli/front_door.h): rtreview's own build of this file hands over to it.
#include <iostream>
#include <memory>

#include "commands.h"
#include "front_door.h"
#include "rtreview/serve.h"

namespace rtreview::cli {

void add_serve_command(CLI::App& app, CommandAction& action) {
  auto opts = std::make_shared<ServeOptions>();
  auto data = std::make_shared<std::string>();
  auto rulesets = std::make_shared<std::string>();
  auto* sub = app.add_subcommand(
      "serve",
      "Web front door: upload DICOM, answer the applicable policies' questions, download the packet");
  sub->add_option("--bind", opts->bind, "address to listen on (not loopback: a token is required)")
      ->capture_default_str();
  sub->add_option("--port", opts->port, "TCP port (0 = any free port, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub->add_option("--data", *data,
                  "folder for uploads (default: a private temporary folder removed at exit)");
  sub->add_option("--rulesets", *rulesets, "ruleset folder (default: the installed rulesets)");
  sub->add_option("--max-upload-mb", opts->max_upload_mb, "largest request body")->capture_default_str();
  sub->add_option("--max-expanded-mb", opts->max_expanded_mb, "largest upload once archives are expanded")
      ->capture_default_str();
  sub->add_option("--max-files", opts->max_files, "most files in one upload")->capture_default_str();
  sub->add_option("--expire", opts->expire_seconds, "seconds an upload is kept")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  sub->add_option("--token", opts->token, "token to require (default: generated when not bound to loopback)");
  sub->callback([&action, opts, data, rulesets] {
#if RTREVIEW_FRONT_DOOR_IN_PROCESS
    action = reading_dicom([opts, data, rulesets] {
      opts->data_dir = *data;
      opts->ruleset_dir = *rulesets;
      return run_server(*opts, std::cout, std::cerr);
    });
#else
    action = run_front_door_program;
#endif
  });
}

}  // namespace rtreview::cli
