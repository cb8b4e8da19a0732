// The PDF renderer itself (cairo + pango; the DVH plot from render/dvh_plot.h), private to the PDF
// module (rtreview-pdf.so): the program reaches it through render_pdf_bytes (render.h),
// which loads the module (pdf_module.h) and calls its entry point (module.cpp).
#pragma once

#include "rtreview/packet.h"
#include "rtreview/render.h"

namespace rtreview {

// The packet as paginated PDF bytes; `result` fails (render_failed, cairo's status text)
// when cairo could not render it.
RenderedPdf render_pdf_with_cairo(const ReviewPacket& packet, PaperSize paper);

// Sets fontconfig up and loads the fonts the packets use into the renders' font map: work
// the first render would otherwise do (the loader runs it beside reading and DVHs).
void warm_up_pdf_fonts();

}  // namespace rtreview
