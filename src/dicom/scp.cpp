// Storage SCP on DCMTK's dcmnet (ASC/DIMSE). DCMTK 3.6.7 always binds its listening
// socket to INADDR_ANY, so we own the listening socket (bound to --bind) and the accept
// loop, and hand each accepted connection to dcmnet through dcmExternalSocketHandle (its
// inetd/proxy hook), one at a time under a mutex because that hook is a global.
#include <arpa/inet.h>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dul.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "dcmtk_access.h"
#include "rtreview/dicom_net.h"

namespace rtreview {

namespace {

std::mutex g_receive_mutex;  // guards dcmExternalSocketHandle (a process-wide global)

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Per C-STORE: what the final DIMSE callback needs.
struct StoreContext {
  const InstanceSink* sink = nullptr;
  std::uint64_t received_bytes = 0;  // of the data set so far (DIMSE progress)
  bool completed = false;            // the whole data set arrived (the sink decided its fate)
  ReceivedInstance instance;
  StoreResult result;
};

void store_callback(void* data, T_DIMSE_StoreProgress* progress, T_DIMSE_C_StoreRQ* request, char* file_name,
                    DcmDataset**, T_DIMSE_C_StoreRSP* response, DcmDataset**) {
  auto* ctx = static_cast<StoreContext*>(data);
  ctx->received_bytes = progress->progressBytes > 0 ? std::uint64_t(progress->progressBytes) : 0;
  if (progress->state != DIMSE_StoreEnd) return;
  if (response->DimseStatus != STATUS_Success) return;  // receiving failed: DCMTK says why
  ctx->completed = true;
  ReceivedInstance& in = ctx->instance;
  in.file = file_name;
  std::error_code ec;
  in.size_bytes = std::filesystem::file_size(in.file, ec);
  const InstanceHeader header = read_instance_header(in.file);
  in.sop_class_uid = request->AffectedSOPClassUID;
  in.sop_instance_uid = request->AffectedSOPInstanceUID;
  in.patient_id = header.patient_id;
  in.study_uid = header.study_uid;
  in.modality = header.modality;
  if (!header.error.empty() || header.sop_instance_uid != in.sop_instance_uid ||
      header.sop_class_uid != in.sop_class_uid) {
    ctx->result = {StoreOutcome::failed,
                   {},
                   header.error.empty() ? "dataset SOP Class/Instance UID differ from the C-STORE request"
                                        : header.error};
    response->DimseStatus = STATUS_STORE_Error_DataSetDoesNotMatchSOPClass;
    return;
  }
  ctx->result = (*ctx->sink)(in);
  if (ctx->result.outcome == StoreOutcome::failed)
    response->DimseStatus = STATUS_STORE_Refused_OutOfResources;
}

}  // namespace

struct StorageScp::Impl {
  ScpOptions options;
  int listen_fd = -1;
  std::uint16_t port = 0;
  T_ASC_Network* network = nullptr;
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> next_id{0};

  ~Impl() {
    if (network) ASC_dropNetwork(&network);
    if (listen_fd >= 0) ::close(listen_fd);
  }

  bool peer_allowed(const std::string& ae, const std::string& host) const {
    if (options.allow.empty()) return true;
    for (const auto& p : options.allow)
      if (p.ae_title == ae && (p.host.empty() || p.host == host)) return true;
    return false;
  }

  void serve(int fd, const std::atomic<bool>& stop, const InstanceSink& sink,
             const AssociationObserver& observer);
  std::string negotiate(T_ASC_Association* assoc, AssociationReport& report);
  void dimse_loop(T_ASC_Association* assoc, const std::atomic<bool>& stop, const InstanceSink& sink,
                  AssociationReport& report);
  // false when the transfer broke off (peer gone, timeout): the association is over.
  bool handle_store(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id, T_DIMSE_Message& msg,
                    const InstanceSink& sink, AssociationReport& report);
};

AllowedPeer parse_allowed_peer(const std::string& text) {
  AllowedPeer peer;
  const auto at = text.find('@');
  peer.ae_title = text.substr(0, at);
  if (at != std::string::npos) peer.host = text.substr(at + 1);
  if (peer.ae_title.empty() || peer.ae_title.size() > 16 || (at != std::string::npos && peer.host.empty()))
    return {};
  return peer;
}

const char* to_string(StoreOutcome outcome) {
  switch (outcome) {
    case StoreOutcome::stored:
      return "stored";
    case StoreOutcome::duplicate_identical:
      return "duplicate_identical";
    case StoreOutcome::duplicate_different:
      return "duplicate_different";
    case StoreOutcome::failed:
      return "failed";
  }
  return "failed";
}

const std::vector<std::string>& accepted_sop_classes() {
  static const std::vector<std::string> classes = {UID_VerificationSOPClass,
                                                   UID_RTPlanStorage,
                                                   UID_RTIonPlanStorage,
                                                   UID_RTDoseStorage,
                                                   UID_RTStructureSetStorage,
                                                   UID_RTImageStorage,
                                                   UID_RTBeamsTreatmentRecordStorage,
                                                   UID_RTBrachyTreatmentRecordStorage,
                                                   UID_RTTreatmentSummaryRecordStorage,
                                                   UID_RTIonBeamsTreatmentRecordStorage,
                                                   UID_CTImageStorage,
                                                   UID_EnhancedCTImageStorage,
                                                   UID_MRImageStorage,
                                                   UID_EnhancedMRImageStorage};
  return classes;
}

const std::vector<std::string>& accepted_transfer_syntaxes() {
  // Order = preference when a peer proposes several in one context.
  static const std::vector<std::string> syntaxes = {
      UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
      UID_BigEndianExplicitTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
      UID_RLELosslessTransferSyntax};
  return syntaxes;
}

std::unique_ptr<StorageScp> StorageScp::open(const ScpOptions& options, Result& result) {
  dicom::ensure_dcmtk_ready();
  dcmDisableGethostbyaddr.set(OFTrue);  // peer = numeric IP: no reverse-DNS stall, allow-list by IP
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.bind_address.c_str(), &addr.sin_addr) != 1) {
    result = Result::failure(ErrorCode::bad_option, "",
                             "--bind " + options.bind_address + ": not an IPv4 address");
    return nullptr;
  }
  impl->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(impl->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (impl->listen_fd < 0 || ::bind(impl->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(impl->listen_fd, 64) != 0) {
    result = Result::failure(ErrorCode::network, "",
                             "cannot listen on " + options.bind_address + ":" + std::to_string(options.port) +
                                 ": " + std::strerror(errno));
    return nullptr;
  }
  socklen_t len = sizeof addr;
  getsockname(impl->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  impl->port = ntohs(addr.sin_port);
  {
    // A valid external handle while the network is created stops dcmnet from binding its own
    // INADDR_ANY listening socket.
    std::lock_guard lock(g_receive_mutex);
    dcmExternalSocketHandle.set(impl->listen_fd);
    OFCondition cond =
        ASC_initializeNetwork(NET_ACCEPTOR, impl->port, options.network_timeout_s, &impl->network);
    dcmExternalSocketHandle.set(-1);
    if (cond.bad()) {
      result = Result::failure(ErrorCode::network, "",
                               std::string("cannot initialise the DICOM network: ") + cond.text());
      return nullptr;
    }
  }
  return std::unique_ptr<StorageScp>(new StorageScp(std::move(impl)));
}

StorageScp::StorageScp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StorageScp::~StorageScp() = default;
std::uint16_t StorageScp::port() const { return impl_->port; }

void StorageScp::run(const std::atomic<bool>& stop, const InstanceSink& sink,
                     const AssociationObserver& observer) {
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers;
  auto reap = [&workers](bool all) {
    for (auto it = workers.begin(); it != workers.end();) {
      if (all || it->done->load()) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  };
  while (!stop.load()) {
    pollfd pfd{impl_->listen_fd, POLLIN, 0};
    const int n = ::poll(&pfd, 1, 200);
    reap(false);
    if (n <= 0 || !(pfd.revents & POLLIN)) continue;
    const int fd = ::accept4(impl_->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    auto done = std::make_shared<std::atomic<bool>>(false);
    ++impl_->active;
    workers.push_back({std::thread([this, fd, done, &stop, &sink, &observer] {
                         impl_->serve(fd, stop, sink, observer);
                         --impl_->active;
                         done->store(true);
                       }),
                       done});
  }
  reap(true);
}

void StorageScp::serve_connection(int fd, const std::atomic<bool>& stop, const InstanceSink& sink,
                                  const AssociationObserver& observer) {
  ++impl_->active;
  impl_->serve(fd, stop, sink, observer);
  --impl_->active;
}

// One connection: receive the A-ASSOCIATE-RQ, accept or reject it, serve DIMSE.
void StorageScp::Impl::serve(int fd, const std::atomic<bool>& stop, const InstanceSink& sink,
                             const AssociationObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  AssociationReport report;
  // Request/response traffic of small PDUs: without TCP_NODELAY each C-STORE-RSP can wait
  // for the peer's delayed ACK (~40 ms); dcmnet leaves Nagle on unless told otherwise.
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Wait for the request's first bytes outside the lock, so a silent peer blocks nobody.
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, options.network_timeout_s * 1000) <= 0) {
    ::close(fd);
    return;
  }
  T_ASC_Association* assoc = nullptr;
  OFCondition cond;
  {
    std::lock_guard lock(g_receive_mutex);
    dcmExternalSocketHandle.set(fd);
    cond = ASC_receiveAssociation(network, &assoc, options.max_pdu_bytes);
    dcmExternalSocketHandle.set(-1);
  }
  if (cond.bad()) {  // not a DICOM peer, or it went away (dcmnet closed the socket)
    if (assoc) ASC_destroyAssociation(&assoc);
    return;
  }
  report.calling_ae = assoc->params->DULparams.callingAPTitle;
  report.peer_host = assoc->params->DULparams.callingPresentationAddress;
  report.rejection = negotiate(assoc, report);
  report.accepted = report.rejection.empty();
  if (report.accepted) dimse_loop(assoc, stop, sink, report);
  ASC_dropSCPAssociation(assoc);
  ASC_destroyAssociation(&assoc);
  report.seconds = seconds_since(start);
  if (observer) observer(report);
}

// Accepts or rejects; returns "" when accepted, else the reason (the peer was told).
std::string StorageScp::Impl::negotiate(T_ASC_Association* assoc, AssociationReport& report) {
  T_ASC_RejectParameters rej{ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_NOREASON};
  std::string reason;
  const std::string called = assoc->params->DULparams.calledAPTitle;
  if (!peer_allowed(report.calling_ae, report.peer_host)) {
    rej.reason = ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED;
    reason = "calling AE title " + report.calling_ae + "@" + report.peer_host + " is not on the allow-list";
  } else if (called != options.ae_title) {
    rej.reason = ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED;
    reason = "called AE title " + called + " is not " + options.ae_title;
  } else if (active.load() > options.max_associations) {
    rej = {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
           ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
    reason = "too many associations (limit " + std::to_string(options.max_associations) + ")";
  }
  if (reason.empty()) {
    std::vector<const char*> classes, syntaxes;
    for (const auto& c : accepted_sop_classes()) classes.push_back(c.c_str());
    for (const auto& s : accepted_transfer_syntaxes()) syntaxes.push_back(s.c_str());
    ASC_acceptContextsWithPreferredTransferSyntaxes(assoc->params, classes.data(), int(classes.size()),
                                                    syntaxes.data(), int(syntaxes.size()));
    ASC_setAPTitles(assoc->params, nullptr, nullptr, options.ae_title.c_str());
    // Contexts we do not offer are refused in the A-ASSOCIATE-AC ("abstract syntax not supported").
    if (ASC_acknowledgeAssociation(assoc).good()) return "";
    return "could not acknowledge the association";
  }
  ASC_rejectAssociation(assoc, &rej);
  return reason;
}

void StorageScp::Impl::dimse_loop(T_ASC_Association* assoc, const std::atomic<bool>& stop,
                                  const InstanceSink& sink, AssociationReport& report) {
  auto idle_since = std::chrono::steady_clock::now();
  for (;;) {
    T_ASC_PresentationContextID pres_id = 0;
    T_DIMSE_Message msg;
    // Poll once a second so a shutdown ends an idle association between transfers.
    OFCondition cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, 1, &pres_id, &msg, nullptr);
    if (cond == DIMSE_NODATAAVAILABLE) {
      if (stop.load()) {
        report.ended = "shutdown";
        ASC_abortAssociation(assoc);
        return;
      }
      if (seconds_since(idle_since) > options.network_timeout_s) {
        report.ended = "timeout";
        ASC_abortAssociation(assoc);
        return;
      }
      continue;
    }
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc);
      report.ended = "released";
      return;
    }
    if (cond == DUL_PEERABORTEDASSOCIATION) {
      report.ended = "aborted";
      return;
    }
    if (cond.bad()) {
      report.ended = std::string("error: ") + cond.text();
      ASC_abortAssociation(assoc);
      return;
    }
    if (msg.CommandField == DIMSE_C_ECHO_RQ) {
      DIMSE_sendEchoResponse(assoc, pres_id, &msg.msg.CEchoRQ, STATUS_Success, nullptr);
      ++report.echoes;
    } else if (msg.CommandField == DIMSE_C_STORE_RQ) {
      // After a broken data set dcmnet's state is undefined (and a dead socket would make the
      // non-blocking receive above spin until the timeout): end the association.
      if (!handle_store(assoc, pres_id, msg, sink, report)) {
        report.ended = "aborted during a transfer";
        ASC_abortAssociation(assoc);
        return;
      }
    } else {
      report.ended = "error: unsupported DIMSE command";
      ASC_abortAssociation(assoc);
      return;
    }
    idle_since = std::chrono::steady_clock::now();
  }
}

bool StorageScp::Impl::handle_store(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                    T_DIMSE_Message& msg, const InstanceSink& sink,
                                    AssociationReport& report) {
  StoreContext ctx;
  ctx.sink = &sink;
  ctx.instance.calling_ae = report.calling_ae;
  ctx.instance.peer_host = report.peer_host;
  T_ASC_PresentationContext pc;
  if (ASC_findAcceptedPresentationContext(assoc->params, pres_id, &pc).good())
    ctx.instance.transfer_syntax_uid = pc.acceptedTransferSyntax;
  const std::filesystem::path partial =
      options.partial_dir / ("rx-" + std::to_string(::getpid()) + "-" + std::to_string(next_id++) + ".part");
  T_DIMSE_C_StoreRQ& req = msg.msg.CStoreRQ;
  OFCondition cond = DIMSE_storeProvider(assoc, pres_id, &req, partial.c_str(), OFTrue, nullptr,
                                         store_callback, &ctx, DIMSE_BLOCKING, options.network_timeout_s);
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // still there = not committed (failure or drop)
  if (cond.bad() && !ctx.completed) {
    ++report.failed;
    report.broken_transfers.push_back(std::string(req.AffectedSOPInstanceUID) + " broken off after " +
                                      std::to_string(ctx.received_bytes) + " bytes of data set (" +
                                      cond.text() + "): partial file removed");
    return false;
  }
  switch (ctx.result.outcome) {
    case StoreOutcome::stored:
      ++report.stored;
      report.bytes += ctx.instance.size_bytes;
      break;
    case StoreOutcome::duplicate_identical:
    case StoreOutcome::duplicate_different:
      ++report.duplicates;
      break;
    case StoreOutcome::failed:
      ++report.failed;
      break;
  }
  if (cond.bad()) {  // received whole and filed, but the peer never got our C-STORE-RSP
    report.broken_transfers.push_back(std::string(req.AffectedSOPInstanceUID) + " received whole (" +
                                      to_string(ctx.result.outcome) + ") but the response was not sent (" +
                                      cond.text() + ")");
    return false;
  }
  return true;
}

InstanceHeader read_instance_header(const std::filesystem::path& file) {
  dicom::ensure_dcmtk_ready();
  InstanceHeader h;
  DcmFileFormat ff;
  // Values over 4 KiB (pixel data, dose grids, contours) are not loaded: only the header matters.
  OFCondition cond = ff.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096);
  if (cond.bad()) {
    h.error = file.string() + ": " + cond.text();
    return h;
  }
  DcmDataset& ds = *ff.getDataset();
  h.sop_class_uid = dicom::get_string(ds, DCM_SOPClassUID);
  h.sop_instance_uid = dicom::get_string(ds, DCM_SOPInstanceUID);
  h.patient_id = dicom::get_string(ds, DCM_PatientID);
  h.study_uid = dicom::get_string(ds, DCM_StudyInstanceUID);
  h.modality = dicom::get_string(ds, DCM_Modality);
  h.plan_label = dicom::get_string(ds, DCM_RTPlanLabel);
  return h;
}

}  // namespace rtreview
