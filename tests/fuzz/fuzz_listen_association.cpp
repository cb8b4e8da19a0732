// The DICOM front door at the network level: each input is the byte stream a peer sends on
// one connection (A-ASSOCIATE-RQ, P-DATA-TF PDUs carrying C-ECHO and C-STORE commands and
// data sets, A-RELEASE-RQ or A-ABORT), written to a loopback TCP connection whose other end
// the Storage SCP serves on this thread as `rtreview listen` serves each connection it
// accepts: negotiation, the allow-list, DIMSE, reception into a partial file, the header read
// and the listener's filing (commit_instance) into a scratch folder emptied after each input.
// Seeds: the streams of real echoscu / storescu sessions (tests/fuzz/make_listen_seeds.py).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

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
    // In memory where there is a tmpfs: the filing fsyncs every instance and its folder.
    std::string pattern =
        fs::is_directory("/dev/shm") ? "/dev/shm/fuzz_listen_XXXXXX" : "/tmp/fuzz_listen_XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    scratch = pattern;
    fs::create_directories(scratch / ".partial");
    rtreview::ScpOptions options;
    options.port = 0;
    options.network_timeout_s = 1;
    options.partial_dir = scratch / ".partial";
    rtreview::Result result;
    scp = rtreview::StorageScp::open(options, result);
    if (!scp) throw std::runtime_error("StorageScp::open: " + result.message());
    sink = [this](const rtreview::ReceivedInstance& instance) {
      return rtreview::commit_instance(scratch, instance);
    };
    // Our own loopback listener makes each input's connection; the SCP serves the accepted end.
    listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd, 4) != 0 ||
        ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
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

// One attempt from the given loopback source address; -1 with errno set when it fails.
int connect_from(const sockaddr_in& address, std::uint32_t source_host) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr = htonl(source_host);
  int one = 1, buffer_bytes = 1 << 22;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

// The peer, on this thread without blocking: a connection whose buffers hold the whole input
// (at most -max_len, 64 KB) and every answer the SCP can give to it, so neither side waits for
// the other. An input the buffers cannot take whole is cut where they filled, as a peer's
// connection breaking off would cut it.
//
// The peer half-closes first, so its end waits in TIME_WAIT for a minute: at a few hundred
// connections a second one source address runs out of ports in minutes (connect() failed
// after 585,260 inputs). Each connection comes from the next of 250 loopback addresses, and
// an address the kernel refuses (seen once after 262,419 inputs more) is skipped for the
// next: the harness's own connection is not the code under test. Only when every address
// fails is the run stopped, with the reason.
int connect_peer(const sockaddr_in& address) {
  static std::uint32_t next_source = 0;
  constexpr std::uint32_t source_count = 250;  // 127.0.0.2-251
  for (std::uint32_t attempt = 0; attempt < source_count; ++attempt) {
    const int fd = connect_from(address, INADDR_LOOPBACK + 2 + next_source++ % source_count);
    if (fd >= 0) return fd;
    if (attempt == 0) std::fprintf(stderr, "harness: peer connection: %s\n", std::strerror(errno));
  }
  return -1;
}

void send_all_that_fits(int fd, const std::uint8_t* data, std::size_t size) {
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) break;
    sent += std::size_t(n);
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace

// DCMTK's DIMSE allocates a command element's declared length (new (std::nothrow), up to
// 4 GB) before it reads the value, and frees it when the value is not there: in `listen`
// that is address space, never touched (measured: VmPeak 4.4 GB, peak RSS 24 MB, 13 ms a
// session). Under ASan such an allocation costs its shadow (0.6 GB, 4 s) and libFuzzer's
// malloc limit calls it out of memory, so this harness refuses allocations past 1 GB (below
// libFuzzer's default RSS limit): DCMTK then takes its out-of-memory path, as on a machine
// with less memory. A throwing new that is refused still aborts (a finding).
extern "C" const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}

// DCMTK 3.6.7's DUL_ReceiveAssociationRQ (dulfsm.cc, AE_6_ExamineAssociateRequest) returns on
// an ill-formed A-ASSOCIATE-RQ without freeing what parseAssociate had built so far (lists,
// presentation context items: 32-56 bytes each, found by this harness); the caller never
// receives them, so cannot free them, and `listen` loses that much per malformed association.
// libdcmnet has no frame pointers, so the fast unwinder's stack of such an allocation is
// `operator new` and one anonymous libdcmnet frame: matched by module, in this harness only
// (every other test keeps dcmnet's allocations under leak checking).
extern "C" const char* __lsan_default_suppressions() { return "leak:libdcmnet.so\n"; }

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness& h = harness();
  const int peer = connect_peer(h.address);
  if (peer < 0) std::abort();
  const int served_fd = ::accept4(h.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (served_fd < 0) std::abort();
  int buffer_bytes = 1 << 22;
  ::setsockopt(served_fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  send_all_that_fits(peer, data, size);
  h.scp->serve_connection(served_fd, h.stop, h.sink, nullptr);  // closes served_fd
  ::close(peer);
  std::error_code ec;
  fs::remove_all(h.scratch / "incoming", ec);  // each input starts from an empty store
  return 0;
}
