// Incremental SHA-256 through OpenSSL's libcrypto, loaded at the first hash.
//
// libcrypto is the largest library rtreview uses (21 K relocations, more than DCMTK's
// libdcmdata): linked, it cost every command about 2 ms of start-up, though only commands
// that record the inputs' provenance (review, check, inspect, the front doors) hash anything.
// It is opened with dlopen the first time a hash is made, on the thread that needs it: by the
// soname of the library the build found (RTREVIEW_LIBCRYPTO_SONAME), else by that file's path;
// if neither loads, a warning says so once on stderr and every digest is "".
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace rtreview::dicom {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  // The digest as 64 lowercase hex digits; "" when libcrypto cannot be loaded or fails.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace rtreview::dicom
