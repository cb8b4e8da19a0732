// The DVH plot as a list of shapes (private to src/render and the PDF module): where every
// line, curve and label goes is decided here once, and drawn by two back ends that add
// nothing of their own: the SVG of the HTML packet (svg.cpp) and cairo in the PDF (pdf.cpp).
#pragma once

#include <string>
#include <vector>

#include "rtreview/packet.h"
#include "rtreview/render.h"

namespace rtreview::render_detail {

// Shapes of one layer are drawn with the same style; the SVG writes each run of them as one
// group carrying that style (<g>), which keeps the document small.
enum class PlotLayer { none, grid, labels };
enum class TextAnchor { start, middle, end };

struct PlotShape {
  enum class Kind { rect, line, polyline, text };
  Kind kind = Kind::line;
  PlotLayer layer = PlotLayer::none;
  // rect: {x, y} then {width, height}; line: its two ends; polyline: its points;
  // text: the anchor point on the baseline.
  std::vector<PlotPoint> points;
  std::string fill;             // "#rrggbb", "" for none
  std::string stroke;           // "#rrggbb", "" for none
  double stroke_width_px = 0;   // 0: the default of 1 px, not written
  std::vector<double> dash_px;  // on, off, ... (empty: solid)
  std::string text;             // text: its content; polyline: its title (the ROI)
  TextAnchor anchor = TextAnchor::start;
  bool rotated = false;  // text turned 90° counter-clockwise about its anchor point
};

struct DvhPlot {
  int width_px = 0, height_px = 0;
  double font_size_px = 11;       // every text's
  std::vector<PlotShape> shapes;  // in drawing order
};

// The packet's DVH plot in a width × height picture (pixels, y down): axes, grid, legend,
// one curve per ROI, prescription lines; a framed note when there are no curves.
DvhPlot dvh_plot(const PacketDvh& dvh, int width_px, int height_px);

}  // namespace rtreview::render_detail
