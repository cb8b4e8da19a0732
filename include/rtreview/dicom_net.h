// The DICOM network front door's transport: a Storage SCP on DCMTK's dcmnet (C-ECHO and
// C-STORE). It negotiates, receives each instance into a temporary file and hands it to
// the application (src/listen/), which decides where it goes; nothing here knows about
// reviews. DCMTK stays inside src/dicom.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rtreview/result.h"

namespace rtreview {

// One entry of the calling-AE allow-list: `AET` or `AET@host` (host = the peer's IP address).
struct AllowedPeer {
  std::string ae_title;
  std::string host;  // "" = any host
};
// Parses "AET" or "AET@host"; nullopt-like empty ae_title when malformed.
AllowedPeer parse_allowed_peer(const std::string& text);

struct ScpOptions {
  std::string bind_address = "127.0.0.1";  // IPv4 address to listen on ("0.0.0.0" = all)
  std::uint16_t port = 11112;              // 0 = an ephemeral port (see StorageScp::port())
  std::string ae_title = "RTREVIEW";       // the called AE title peers must use
  std::vector<AllowedPeer> allow;          // empty = every calling AE is accepted
  std::uint32_t max_pdu_bytes = 116794;    // our maximum receive PDU
  std::size_t max_associations = 8;        // more at once are rejected (transient)
  int network_timeout_s = 30;              // ACSE / DIMSE timeout for a silent peer
  std::filesystem::path partial_dir;       // where instances are received before commit
};

// The SOP classes offered (RT objects, CT/MR images, Verification) and the transfer
// syntaxes accepted for them (every uncompressed one, RLE lossless, deflate).
const std::vector<std::string>& accepted_sop_classes();
const std::vector<std::string>& accepted_transfer_syntaxes();

// A fully received instance, still in its temporary file (with File Meta).
struct ReceivedInstance {
  std::filesystem::path file;
  std::uint64_t size_bytes = 0;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string transfer_syntax_uid;
  std::string patient_id;
  std::string study_uid;
  std::string modality;
  std::string calling_ae;
  std::string peer_host;
};

enum class StoreOutcome { stored, duplicate_identical, duplicate_different, failed };
const char* to_string(StoreOutcome outcome);

struct StoreResult {
  StoreOutcome outcome = StoreOutcome::failed;
  std::filesystem::path path;  // where the instance now is (failed: "")
  std::string message;         // why it failed
};

// What happened on one association (for the status line).
struct AssociationReport {
  std::string calling_ae;
  std::string peer_host;
  bool accepted = false;
  std::string rejection;  // why the association was rejected ("" when accepted)
  std::size_t echoes = 0;
  std::size_t stored = 0;
  std::size_t duplicates = 0;  // identical and different
  std::size_t failed = 0;
  // One line per C-STORE whose data set did not arrive whole (peer gone, timeout, bad PDU):
  // its SOP Instance UID, the bytes received and what DCMTK said; its partial file is removed.
  std::vector<std::string> broken_transfers;
  std::uint64_t bytes = 0;
  double seconds = 0;
  std::string ended;  // "released", "aborted", "timeout", "shutdown", "error: ..."
};

// Called on the association's thread for each received instance: commits the temporary
// file (rename) and says what became of it. Must be thread-safe.
using InstanceSink = std::function<StoreResult(const ReceivedInstance&)>;
using AssociationObserver = std::function<void(const AssociationReport&)>;

class StorageScp {
 public:
  // Binds and listens; nullptr on failure, `result` saying why (bad_option: not an address;
  // network: address in use, dcmnet could not start).
  static std::unique_ptr<StorageScp> open(const ScpOptions& options, Result& result);
  ~StorageScp();
  StorageScp(const StorageScp&) = delete;
  StorageScp& operator=(const StorageScp&) = delete;

  std::uint16_t port() const;  // the port actually bound

  // Accepts associations (each on its own thread) until `stop` becomes true; then stops
  // accepting, lets the running associations finish their current transfer, and returns
  // once every association thread has ended.
  void run(const std::atomic<bool>& stop, const InstanceSink& sink, const AssociationObserver& observer);

  // Serves one connected socket on the calling thread exactly as run() serves each
  // connection it accepts, and closes it: the association fuzz harness drives the SCP this
  // way, one input per connection, without a thread between it and the code under test.
  void serve_connection(int fd, const std::atomic<bool>& stop, const InstanceSink& sink,
                        const AssociationObserver& observer);

  struct Impl;

 private:
  explicit StorageScp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The attributes of a DICOM file the receiver files it by (read up to the pixel data
// only). `error` is set when the file cannot be parsed.
struct InstanceHeader {
  std::string sop_class_uid, sop_instance_uid, patient_id, study_uid, modality, plan_label;
  std::string error;
};
InstanceHeader read_instance_header(const std::filesystem::path& file);

}  // namespace rtreview
