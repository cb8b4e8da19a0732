// The PDF renderer (src/pdf: cairo, pango) is a separate module, rtreview-pdf.so, that the
// program loads (dlopen) only when it renders a PDF: cairo, pango and the libraries they pull
// in (glib, harfbuzz, fontconfig, freetype, X11/xcb ...) cost every command their dynamic
// loading before main(), and only the PDF needs them.
// render_pdf_bytes (render.h) renders through it; this header is the module's interface.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rtreview/packet.h"
#include "rtreview/render.h"
#include "rtreview/result.h"

namespace rtreview {

// The places the module is looked for, in order: beside the executable (a build folder) and
// <executable>/../lib/rtreview/ (an installed prefix; the CMake install rule puts it there).
// The first that exists is loaded; when none does, the last is tried (its error is reported).
// Empty when the executable's folder is unknown (no /proc/self/exe): nothing is loaded then.
std::vector<std::filesystem::path> pdf_module_candidates();

// Loads the module file at `path` (RTLD_NOW: a module missing a symbol fails here, never
// later) and checks it was built from this program's headers. On failure the result
// (render_failed) names the file and the reason: dlerror's text, a missing entry point, or
// the ABI the module was built for. The module is never unloaded.
// Loading also runs the module's warm-up (fontconfig's set-up, the packets' fonts), so a
// preloaded module's first render starts with them ready.
struct PdfModule {
  using Render = void (*)(const ReviewPacket* packet, int paper, RenderedPdf* out);
  using WarmUp = void (*)();
  Render render = nullptr;
  Result result;
};
PdfModule load_pdf_module(const std::filesystem::path& path);

// Starts loading the module (from pdf_module_candidates()) on a background thread and returns
// at once, so a review that will write a PDF overlaps the loading with reading and DVHs.
// Later calls, and render_pdf_bytes, use that one load (each process loads it once).
void preload_pdf_module();

// The entry points of the module (C linkage, one name per interface version) and the ABI key
// both sides compare: the program's version and the size of what crosses the boundary.
inline constexpr const char* pdf_module_render_symbol = "rtreview_render_pdf_v1";
inline constexpr const char* pdf_module_warm_up_symbol = "rtreview_pdf_warm_up_v1";
inline constexpr const char* pdf_module_abi_symbol = "rtreview_pdf_module_abi_v1";
inline std::string pdf_module_abi() {
  return std::string("rtreview ") + RTREVIEW_VERSION + ", ReviewPacket " +
         std::to_string(sizeof(ReviewPacket)) + " bytes, RenderedPdf " + std::to_string(sizeof(RenderedPdf)) +
         " bytes";
}

}  // namespace rtreview
