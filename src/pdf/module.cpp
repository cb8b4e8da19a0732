// The PDF module's entry points (C linkage, so dlsym finds them by a plain name; the
// names carry the interface version). The module is built with hidden visibility: these
// three are all it exports, so its own copies of the shared helpers never interpose on the
// program's.
#include <exception>
#include <mutex>
#include <string>
#include <type_traits>

#include "pdf/pdf.h"
#include "rtreview/pdf_module.h"

#define RTREVIEW_PDF_EXPORT extern "C" __attribute__((visibility("default")))

// The ABI this module was built for (pdf_module.h); the loader refuses a module whose key
// differs from its own, so a module left from another build is an error, not a crash.
RTREVIEW_PDF_EXPORT const char* rtreview_pdf_module_abi_v1() {
  static const std::string abi = rtreview::pdf_module_abi();
  return abi.c_str();
}

// One render (or warm-up) at a time per process. The renders share one font map (pdf.cpp),
// which is not thread-safe; and while two threads lay text out at once even with a font map
// each (as `serve` rendered concurrent requests before), pango 1.50 / cairo 1.16 now and then
// break a hyphenated word one letter later, for the rest of that render: the same packet would
// give different bytes (seen in 1 of 16 concurrent renders; test_render_pdf_concurrent).
// Serial renders on any thread give the bytes of a lone render.
namespace {
std::mutex one_render_at_a_time;
}

// Fontconfig's set-up and the packets' fonts, loaded before the first render: the loader
// (src/render/pdf_module.cpp) calls this right after loading, on the preload thread when the
// program preloads the module. Never throws.
RTREVIEW_PDF_EXPORT void rtreview_pdf_warm_up_v1() {
  const std::lock_guard lock(one_render_at_a_time);
  try {
    rtreview::warm_up_pdf_fonts();
  } catch (...) {  // a failure here shows again, with its reason, at the render
  }
}

// Renders `packet` into `out`; never throws across the C boundary (a failure is out->result).
RTREVIEW_PDF_EXPORT void rtreview_render_pdf_v1(const rtreview::ReviewPacket* packet, int paper,
                                                rtreview::RenderedPdf* out) {
  using rtreview::ErrorCode;
  using rtreview::Result;
  const std::lock_guard lock(one_render_at_a_time);
  try {
    *out = rtreview::render_pdf_with_cairo(*packet, static_cast<rtreview::PaperSize>(paper));
  } catch (const std::exception& e) {
    *out = rtreview::RenderedPdf{{}, Result::failure(ErrorCode::render_failed, "", e.what())};
  } catch (...) {
    *out = rtreview::RenderedPdf{{}, Result::failure(ErrorCode::render_failed, "", "unknown exception")};
  }
}

static_assert(std::is_same_v<decltype(&rtreview_pdf_warm_up_v1), rtreview::PdfModule::WarmUp>,
              "the warm-up entry point and the loader's type of it (pdf_module.h) must agree");
static_assert(std::is_same_v<decltype(&rtreview_render_pdf_v1), rtreview::PdfModule::Render>,
              "the entry point and the loader's type of it (pdf_module.h) must agree");
