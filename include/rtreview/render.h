// Renderers of a ReviewPacket (packet.h): HTML (one self-contained file), PDF
// (cairo + pango, paginated) and JSON (versioned schema, byte-stable), plus the
// batch index page and summary JSON. Renderers are pure functions of their input.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rtreview/packet.h"
#include "rtreview/result.h"

namespace rtreview {

// The packet as JSON text (keys in a fixed order, numbers rounded to 6 decimals (text.h),
// NaN as null, 2-space indent, trailing newline). Same packet → same bytes.
std::string render_json(const ReviewPacket& packet);

// One policy's determination as the packet JSON writes it (`determinations[]` items of
// packet.schema.json); also used by `rtreview evaluate --json`.
nlohmann::ordered_json determination_to_json(const Determination& determination);

// One serializer per type, shared by the packet JSON and every command's --json
// (keys and numbers as packet.schema.json describes them).
nlohmann::ordered_json to_json(const Finding& finding);
nlohmann::ordered_json to_json(const BeamSummary& beam);
nlohmann::ordered_json to_json(const PlanSummary& summary);
nlohmann::ordered_json to_json(const RoiClassification& roi);
nlohmann::ordered_json to_json(const TechniqueResult& technique);

// A plan set's derived facts (age with its source, fractions, prescription): the one
// serialization `check --json`, `evaluate --json` and the packet JSON share.
nlohmann::ordered_json facts_to_json(const DerivedFacts& facts);

// The packet as one self-contained HTML5 document (inline CSS and SVG, no scripts,
// no external resources), with print CSS for A4/Letter.
std::string render_html(const ReviewPacket& packet);

// The packet's stylesheet: the web front door's pages use it too, so they look like the packet.
const char* packet_css();

// The DVH plot's picture size (pixels) in the HTML packet; the PDF scales the same picture
// to its content width.
inline constexpr int dvh_plot_width_px = 760, dvh_plot_height_px = 420;

// The DVH plot of the packet as a standalone SVG document (axes, grid, legend,
// one curve per ROI, prescription lines); a framed "no DVH" note when there are no curves.
std::string render_dvh_svg(const PacketDvh& dvh, int width_px = dvh_plot_width_px,
                           int height_px = dvh_plot_height_px);

// A polyline with the points a drawing cannot show removed (Douglas-Peucker): the first and
// last point are kept, and every removed point lies within `tolerance` (the points' units)
// of the returned path, which is made of original points in their order.
struct PlotPoint {
  double x = 0, y = 0;
};
std::vector<PlotPoint> simplify_polyline(const std::vector<PlotPoint>& points, double tolerance);

enum class PaperSize { a4, letter };

// The packet as paginated PDF bytes (header and footer on every page); `result` fails
// (render_failed) when cairo could not render it (cairo's status text) or the PDF module
// could not be loaded (its file and the reason): the renderer is loaded at the first call
// (pdf_module.h). The only bytes that can differ between runs on the same packet are
// cairo's /CreationDate (cairo 1.16).
struct RenderedPdf {
  std::string bytes;
  Result result;
};
RenderedPdf render_pdf_bytes(const ReviewPacket& packet, PaperSize paper = PaperSize::a4);

// summary.json of a run (same formatting rules as render_json).
std::string render_summary_json(const BatchSummary& summary);

// index.html of a run: one row per packet with links to its files.
std::string render_index_html(const BatchSummary& summary);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace rtreview
