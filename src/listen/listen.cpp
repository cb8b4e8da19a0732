// run_listen(): the receiver (StorageScp) and the reviewer thread, wired together.
#include "rtreview/listen.h"

#include <cstdio>
#include <thread>

#include "reviewer.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rtreview {

namespace {

// Our own scratch areas (never received data): emptied at start, a kill -9 leaves debris there.
Result prepare_dirs(const fs::path& data) {
  std::error_code ec;
  for (const char* sub : {".partial", ".staging"}) fs::remove_all(data / sub, ec);
  for (const char* sub : {"incoming", "reviews", ".partial", ".staging"}) {
    fs::create_directories(data / sub, ec);
    if (ec) return Result::failure(ErrorCode::cannot_write, (data / sub).string(), ec.message());
  }
  return {};
}

std::string association_text(const AssociationReport& r) {
  std::string who = r.calling_ae + "@" + r.peer_host;
  if (!r.accepted) return "association from " + who + " rejected: " + r.rejection;
  char counts[160];
  std::snprintf(counts, sizeof counts, "%zu stored, %zu duplicate, %zu failed, %zu echo, %.2f MB in %.2f s",
                r.stored, r.duplicates, r.failed, r.echoes, double(r.bytes) / 1e6, r.seconds);
  return "association from " + who + " " + r.ended + ": " + counts;
}

}  // namespace

int run_listen(const ListenOptions& options, const std::atomic<bool>& stop, std::ostream& log_stream) {
  listen::StatusLog log(log_stream, options.log_json);
  Result result;
  if (!options.case_dir.empty() && !fs::is_directory(options.case_dir))
    result = Result::failure(ErrorCode::bad_option, "",
                             "--case-dir " + options.case_dir.string() + ": not a folder");
  if (result) result = prepare_dirs(options.data_dir);
  ScpOptions scp_options = options.scp;
  scp_options.partial_dir = options.data_dir / ".partial";
  std::unique_ptr<StorageScp> scp;
  if (result) scp = StorageScp::open(scp_options, result);
  if (!scp) {
    log.emit("error", {{"message", result.message()}}, result.message());
    return 2;
  }
  listen::Reviewer reviewer(options, log);
  reviewer.recover();
  log.emit("listening",
           {{"address", scp_options.bind_address},
            {"port", scp->port()},
            {"ae_title", scp_options.ae_title},
            {"data", options.data_dir.string()}},
           "listening on " + scp_options.bind_address + ":" + std::to_string(scp->port()) + " as " +
               scp_options.ae_title + ", data in " + options.data_dir.string());
  std::thread review_thread([&] { reviewer.loop(stop); });
  const InstanceSink sink = [&](const ReceivedInstance& instance) {
    StoreResult r = commit_instance(options.data_dir, instance);
    if (r.outcome == StoreOutcome::failed)
      log.emit(
          "store",
          {{"outcome", "failed"}, {"sop_instance_uid", instance.sop_instance_uid}, {"message", r.message}},
          "could not store " + instance.sop_instance_uid + ": " + r.message);
    if (r.outcome == StoreOutcome::duplicate_different)
      log.emit("store",
               {{"outcome", "duplicate_different"},
                {"sop_instance_uid", instance.sop_instance_uid},
                {"path", r.path.string()}},
               "duplicate SOP Instance UID " + instance.sop_instance_uid + " with different bytes kept as " +
                   r.path.string());
    if (r.outcome == StoreOutcome::stored || r.outcome == StoreOutcome::duplicate_different)
      reviewer.note_arrival(r.path.parent_path());
    return r;
  };
  const AssociationObserver observer = [&](const AssociationReport& r) {
    for (const auto& broken : r.broken_transfers)
      log.emit("store", {{"outcome", "broken"}, {"calling_ae", r.calling_ae}, {"message", broken}},
               "C-STORE from " + r.calling_ae + "@" + r.peer_host + ": " + broken);
    json j = {{"calling_ae", r.calling_ae}, {"peer", r.peer_host}, {"accepted", r.accepted},
              {"rejection", r.rejection},   {"ended", r.ended},    {"stored", r.stored},
              {"duplicates", r.duplicates}, {"failed", r.failed},  {"echoes", r.echoes},
              {"bytes", r.bytes},           {"seconds", r.seconds}};
    log.emit("association", j, association_text(r));
  };
  scp->run(stop, sink, observer);
  review_thread.join();
  log.emit("stopped", json::object(), "stopped");
  return 0;
}

}  // namespace rtreview
