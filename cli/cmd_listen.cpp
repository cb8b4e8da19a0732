// rtreview listen --data DIR [--port N] [--aet AET] [--bind ADDR] [--allow AET[@host]]...
//                 [--case-dir DIR] [--policy ID]... [--format ...] [--quiet-seconds N] [--log-json]
// The DICOM front door: run_listen() (listen.h) does the work; this file parses arguments
// and turns SIGTERM / SIGINT into a graceful stop. It runs in the front-door program
// (cli/front_door.h): rtreview's own build of this file hands over to it.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>

#include "commands.h"
#include "front_door.h"
#include "rtreview/listen.h"

namespace rtreview::cli {
namespace {

struct ListenArgs {
  ListenOptions options;
  std::vector<std::string> allow;
  std::vector<std::string> formats;
  std::string data_dir, case_dir, ruleset_dir;
  int port = 11112;
};

#if RTREVIEW_FRONT_DOOR_IN_PROCESS
std::atomic<bool> g_stop{false};  // lock-free: safe to store from a signal handler
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_stop.store(true); }

int run(ListenArgs& args) {
  ListenOptions& o = args.options;
  o.data_dir = args.data_dir;
  o.case_dir = args.case_dir;
  o.ruleset_dir = args.ruleset_dir;
  o.scp.port = static_cast<std::uint16_t>(args.port);
  for (const auto& text : args.allow) {
    AllowedPeer peer = parse_allowed_peer(text);
    if (peer.ae_title.empty()) {
      std::cerr << "rtreview listen: --allow " << text << ": expected AET or AET@host\n";
      return exit_usage;
    }
    o.scp.allow.push_back(peer);
  }
  if (!args.formats.empty()) {
    o.formats.clear();
    for (const auto& text : args.formats)
      if (auto f = parse_output_format(text);
          f && std::find(o.formats.begin(), o.formats.end(), *f) == o.formats.end())
        o.formats.push_back(*f);
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer that vanishes must not kill the receiver
  return run_listen(o, g_stop, std::cerr);
}
#endif

}  // namespace

void add_listen_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ListenArgs>();
  ListenOptions& o = args->options;
  auto* sub = app.add_subcommand(
      "listen",
      "DICOM Storage SCP: receive RT plans, structure sets, doses and images, review each study once it "
      "has been quiet and holds a plan (packets in DATA/reviews/, one JSON line each in DATA/reviews.jsonl)");
  sub->add_option("--data", args->data_dir, "folder for received instances, packets and reviews.jsonl")
      ->required();
  sub->add_option("--port", args->port, "TCP port (0 = any free port, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub->add_option("--aet", o.scp.ae_title, "our AE title (peers must call it)")->capture_default_str();
  sub->add_option("--bind", o.scp.bind_address, "IPv4 address to listen on (0.0.0.0 = every interface)")
      ->capture_default_str();
  sub->add_option("--allow", args->allow,
                  "calling AE title allowed, AET or AET@host; repeatable (default: any)");
  sub->add_option(
      "--case-dir", args->case_dir,
      "case files: <PatientID>__<plan label>.xml, <PatientID>.xml, <plan label>.xml, or any *.xml "
      "whose <patient id=...> matches");
  sub->add_option("--policy", o.policies,
                  "policy id or ruleset file; repeatable; default: every policy that applies");
  sub->add_option("--rulesets", args->ruleset_dir, "folder of rulesets (default: the shipped rulesets/)");
  sub->add_option("--format", args->formats, "comma-separated: html, pdf, json (default: all three)")
      ->delimiter(',')
      ->check(CLI::IsMember({"html", "pdf", "json"}));
  sub->add_option("--quiet-seconds", o.quiet_seconds, "review a study this long after its last instance")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  sub->add_option("--max-associations", o.scp.max_associations, "associations at once")
      ->capture_default_str();
  sub->add_option("--max-pdu", o.scp.max_pdu_bytes, "maximum receive PDU in bytes")
      ->check(CLI::Range(4096, 131072))
      ->capture_default_str();
  sub->add_option("--timeout", o.scp.network_timeout_s, "seconds before a silent peer is dropped")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  sub->add_flag("--log-json", o.log_json, "status lines on stderr as JSON objects");
  sub->callback([&action, args] {
#if RTREVIEW_FRONT_DOOR_IN_PROCESS
    action = reading_dicom([args] { return run(*args); });
#else
    action = run_front_door_program;
#endif
  });
}

}  // namespace rtreview::cli
