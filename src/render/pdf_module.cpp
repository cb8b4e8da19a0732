// Loading the PDF renderer module (pdf_module.h): once per process, on a background thread
// when a caller knows a PDF is coming (preload_pdf_module), else at the first PDF.
#include "rtreview/pdf_module.h"

#include <dlfcn.h>

#include <future>
#include <mutex>
#include <system_error>

#include "rtreview/ruleset_dir.h"

// Set by CMake from the module target and the install rule (one place for both).
#ifndef RTREVIEW_PDF_MODULE_FILE
#error "RTREVIEW_PDF_MODULE_FILE (the module's file name) must be defined by the build"
#endif
#ifndef RTREVIEW_PDF_MODULE_DIR_FROM_BIN
#error "RTREVIEW_PDF_MODULE_DIR_FROM_BIN (its install folder relative to bin/) must be defined by the build"
#endif

namespace rtreview {

namespace fs = std::filesystem;

std::vector<fs::path> pdf_module_candidates() {
  const fs::path dir = executable_dir();
  // None without the executable's folder: a relative path would load a file of that name
  // from the current folder.
  if (dir.empty() || !dir.is_absolute()) return {};
  return {dir / RTREVIEW_PDF_MODULE_FILE,
          (dir / RTREVIEW_PDF_MODULE_DIR_FROM_BIN / RTREVIEW_PDF_MODULE_FILE).lexically_normal()};
}

namespace {

// dlerror's text without the file name it usually starts with (the message names it once).
std::string dl_reason(const fs::path& path) {
  const char* error = dlerror();
  std::string reason = error ? error : "unknown dynamic loader error";
  const std::string prefix = path.string() + ": ";
  if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
  return reason;
}

}  // namespace

PdfModule load_pdf_module(const fs::path& path) {
  PdfModule module;
  const auto failed = [&](const std::string& reason) {
    module.render = nullptr;
    module.result = Result::failure(ErrorCode::render_failed, path.string(),
                                    "cannot load the PDF renderer " + path.string() + ": " + reason);
    return module;
  };
  // A path with a '/' is opened as given (a bare name would search the library path).
  const fs::path file = path.has_parent_path() ? path : fs::path(".") / path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return failed(dl_reason(file));
  const auto abi = reinterpret_cast<const char* (*)()>(dlsym(handle, pdf_module_abi_symbol));
  if (!abi) return failed(dl_reason(file));
  if (const std::string expected = pdf_module_abi(); expected != abi())
    return failed("built for " + std::string(abi()) + ", this program is " + expected);
  module.render = reinterpret_cast<PdfModule::Render>(dlsym(handle, pdf_module_render_symbol));
  if (!module.render) return failed(dl_reason(file));
  // Optional: a module without it renders the same, only without fonts loaded beforehand.
  if (const auto warm_up = reinterpret_cast<PdfModule::WarmUp>(dlsym(handle, pdf_module_warm_up_symbol)))
    warm_up();
  return module;
}

namespace {

// The first candidate that exists; when none does, the last one's error, naming the others.
PdfModule load_installed_module() {
  const std::vector<fs::path> candidates = pdf_module_candidates();
  if (candidates.empty()) {
    PdfModule module;
    module.result = Result::failure(ErrorCode::render_failed, RTREVIEW_PDF_MODULE_FILE,
                                    "cannot locate the PDF renderer " RTREVIEW_PDF_MODULE_FILE
                                    ": the folder of this executable is unknown (/proc/self/exe "
                                    "cannot be read)");
    return module;
  }
  for (const auto& candidate : candidates) {
    std::error_code ec;
    if (fs::exists(candidate, ec)) return load_pdf_module(candidate);
  }
  PdfModule module = load_pdf_module(candidates.back());
  if (!module.result) {
    module.result.description += " (nor found at";
    for (std::size_t i = 0; i + 1 < candidates.size(); ++i)
      module.result.description += " " + candidates[i].string();
    module.result.description += ")";
  }
  return module;
}

std::mutex loading_mutex;
std::shared_future<PdfModule> loading;  // valid once a load started; kept for the process

// The one load, started with `policy` by whoever asks first (async: a background thread;
// deferred: the first get() runs it, any concurrent get() waits for it).
std::shared_future<PdfModule> start_loading(std::launch policy) {
  std::lock_guard lock(loading_mutex);
  if (!loading.valid()) {
    try {
      loading = std::async(policy, load_installed_module).share();
    } catch (const std::system_error&) {  // no thread to spare: load at the first PDF instead
      loading = std::async(std::launch::deferred, load_installed_module).share();
    }
  }
  return loading;
}

}  // namespace

void preload_pdf_module() { start_loading(std::launch::async); }

RenderedPdf render_pdf_bytes(const ReviewPacket& packet, PaperSize paper) {
  const std::shared_future<PdfModule> load = start_loading(std::launch::deferred);
  const PdfModule& module = load.get();
  RenderedPdf out;
  if (!module.render) {
    out.result = module.result;
    return out;
  }
  module.render(&packet, static_cast<int>(paper), &out);
  return out;
}

}  // namespace rtreview
