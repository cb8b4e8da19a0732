#include "dicom/sha256.h"

#include <dlfcn.h>
#include <openssl/evp.h>

#include <cstdio>

namespace rtreview::dicom {
namespace {

// The six EVP functions a digest needs, from libcrypto opened at first use (never closed:
// the process keeps it, as it kept the linked library).
struct Evp {
  EVP_MD_CTX* (*ctx_new)() = nullptr;
  void (*ctx_free)(EVP_MD_CTX*) = nullptr;
  const EVP_MD* (*sha256)() = nullptr;
  int (*init)(EVP_MD_CTX*, const EVP_MD*, ENGINE*) = nullptr;
  int (*update)(EVP_MD_CTX*, const void*, size_t) = nullptr;
  int (*final)(EVP_MD_CTX*, unsigned char*, unsigned int*) = nullptr;
  bool loaded() const { return ctx_new && ctx_free && sha256 && init && update && final; }
};

template <class Fn>
void bind(void* library, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
}

const Evp& evp() {
  static const Evp functions = [] {
    Evp e;
    void* library = dlopen(RTREVIEW_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen(RTREVIEW_LIBCRYPTO_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!library) {  // once per process; each digest is then "" (the packets show none)
      const char* why = dlerror();
      std::fprintf(stderr, "rtreview: warning: cannot load %s (%s): the inputs' SHA-256 are not recorded\n",
                   RTREVIEW_LIBCRYPTO_SONAME, why ? why : "unknown reason");
      return e;
    }
    bind(library, "EVP_MD_CTX_new", e.ctx_new);
    bind(library, "EVP_MD_CTX_free", e.ctx_free);
    bind(library, "EVP_sha256", e.sha256);
    bind(library, "EVP_DigestInit_ex", e.init);
    bind(library, "EVP_DigestUpdate", e.update);
    bind(library, "EVP_DigestFinal_ex", e.final);
    return e;
  }();
  return functions;
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* md = nullptr;
  bool ok = false;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  const Evp& e = evp();
  if (!e.loaded()) return;
  context_->md = e.ctx_new();
  context_->ok = context_->md && e.init(context_->md, e.sha256(), nullptr) == 1;
}

Sha256::~Sha256() {
  if (context_->md) evp().ctx_free(context_->md);
}

void Sha256::update(const void* data, std::size_t size) {
  if (context_->ok && size > 0) context_->ok = evp().update(context_->md, data, size) == 1;
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!context_->ok || evp().final(context_->md, digest, &length) != 1) return {};
  context_->ok = false;  // finalised: a second hex() or update() gives ""
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 0xF];
  }
  return out;
}

}  // namespace rtreview::dicom
