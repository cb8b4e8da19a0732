// The DICOM front door at the network level: each input is the byte stream a peer sends on
// one connection (A-ASSOCIATE-RQ, P-DATA-TF PDUs carrying C-ECHO and C-STORE commands and
// data sets, A-RELEASE-RQ or A-ABORT), written to a loopback TCP connection whose other end
// the Storage SCP serves on this thread as `rtreview listen` serves each connection it
// accepts: negotiation, the allow-list, DIMSE, reception into a partial file, the header read
// and the listener's filing (commit_instance) into a scratch folder emptied after each input.
// Seeds: the streams of real echoscu / storescu sessions (tests/fuzz/make_listen_seeds.py).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include "rtreview/dicom_net.h"
#include "rtreview/listen.h"

namespace fs = std::filesystem;

namespace {

// The SCP as the seeds' sessions met it (called AE RTREVIEW, every calling AE allowed), with
// a one-second network timeout so an input that stops mid-PDU costs at most that.
struct Harness {
  fs::path scratch;
  std::unique_ptr<rtreview::StorageScp> scp;
  int listen_fd = -1;
  sockaddr_in address{};
  std::atomic<bool> stop{false};
  rtreview::InstanceSink sink;

  Harness() {
    char pattern[] = "/tmp/fuzz_listen_XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    scratch = pattern;
    fs::create_directories(scratch / ".partial");
    rtreview::ScpOptions options;
    options.port = 0;
    options.network_timeout_s = 1;
    options.partial_dir = scratch / ".partial";
    rtreview::Result result;
    scp = rtreview::StorageScp::open(options, result);
    if (!scp) throw std::runtime_error("StorageScp::open: " + result.message());
    sink = [this](const rtreview::ReceivedInstance& instance) { return rtreview::commit_instance(scratch, instance); };
    // Our own loopback listener makes each input's connection; the SCP serves the accepted end.
    listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd, 4) != 0 || ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("loopback listener failed");
  }
  ~Harness() {
    ::close(listen_fd);
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
};

Harness& harness() {
  static Harness h;
  return h;
}

// The peer: sends the input, half-closes, and reads the SCP's answers until it closes (so the
// SCP never blocks on a full send buffer), or until the SCP has returned and nothing more comes.
void play_peer(int fd, const std::uint8_t* data, std::size_t size, const std::atomic<bool>& served) {
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the SCP closed early (rejected, aborted): the rest is not read
    sent += std::size_t(n);
  }
  ::shutdown(fd, SHUT_WR);
  char answer[4096];
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 20);
    if (ready < 0) break;
    if (ready == 0) {
      if (served.load()) break;
      continue;
    }
    if (::recv(fd, answer, sizeof answer, 0) <= 0) break;
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness& h = harness();
  const int peer = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (peer < 0 || ::connect(peer, reinterpret_cast<sockaddr*>(&h.address), sizeof h.address) != 0) std::abort();
  const int served_fd = ::accept4(h.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (served_fd < 0) std::abort();
  std::atomic<bool> served{false};
  std::thread peer_thread(play_peer, peer, data, size, std::cref(served));
  h.scp->serve_connection(served_fd, h.stop, h.sink, nullptr);
  served.store(true);
  peer_thread.join();
  std::error_code ec;
  fs::remove_all(h.scratch / "incoming", ec);  // each input starts from an empty store
  return 0;
}
