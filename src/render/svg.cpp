// The DVH plot (dvh_plot.h) as SVG, inline in the HTML packet. Fixed-precision
// coordinates keep it byte-stable.
#include <charconv>

#include "render/dvh_plot.h"
#include "render/text_util.h"
#include "rtreview/render.h"

namespace rtreview {

namespace {

using render_detail::DvhPlot;
using render_detail::PlotLayer;
using render_detail::PlotShape;
using render_detail::TextAnchor;

std::string f1(double v) { return format_fixed(v, 1); }

// The shortest text that reads back as `v` (stroke widths and dashes: "1", "2.2", "5 2").
std::string shortest(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

std::string svg_open(int width_px, int height_px, double font_size_px) {
  const std::string wpx = std::to_string(width_px), hpx = std::to_string(height_px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dvh-plot\" role=\"img\" aria-label=\"Cumulative "
         "DVH\" width=\"" +
         wpx + "\" height=\"" + hpx + "\" viewBox=\"0 0 " + wpx + " " + hpx +
         "\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"" +
         shortest(font_size_px) + "\">\n";
}

// The stroke and fill attributes of `shape` a group does not already give it.
std::string paint(const PlotShape& shape, bool grouped) {
  std::string s;
  if (grouped) return s;
  if (!shape.stroke.empty()) s += " stroke=\"" + shape.stroke + "\"";
  if (shape.stroke_width_px > 0) s += " stroke-width=\"" + shortest(shape.stroke_width_px) + "\"";
  if (!shape.dash_px.empty()) {
    s += " stroke-dasharray=\"";
    for (std::size_t i = 0; i < shape.dash_px.size(); ++i) s += (i ? " " : "") + shortest(shape.dash_px[i]);
    s += "\"";
  }
  return s;
}

void write_shape(const PlotShape& shape, bool grouped, std::string& s) {
  const auto& p = shape.points;
  switch (shape.kind) {
    case PlotShape::Kind::rect:
      s += "<rect x=\"" + f1(p[0].x) + "\" y=\"" + f1(p[0].y) + "\" width=\"" + f1(p[1].x) + "\" height=\"" +
           f1(p[1].y) + "\" fill=\"" + (shape.fill.empty() ? "none" : shape.fill) + "\"" +
           (shape.stroke.empty() ? "" : " stroke=\"" + shape.stroke + "\"") + "/>\n";
      return;
    case PlotShape::Kind::line:
      s += "<line x1=\"" + f1(p[0].x) + "\" y1=\"" + f1(p[0].y) + "\" x2=\"" + f1(p[1].x) + "\" y2=\"" +
           f1(p[1].y) + "\"" + paint(shape, grouped) + "/>\n";
      return;
    case PlotShape::Kind::polyline:
      s += "<polyline fill=\"none\"" + paint(shape, grouped) + " points=\"";
      for (std::size_t i = 0; i < p.size(); ++i) {
        if (i) s += ' ';
        s += f1(p[i].x) + "," + f1(p[i].y);
      }
      s += "\"><title>" + html_escape(shape.text) + "</title></polyline>\n";
      return;
    case PlotShape::Kind::text: {
      s += "<text x=\"" + f1(p[0].x) + "\" y=\"" + f1(p[0].y) + "\"";
      if (shape.anchor != TextAnchor::start)
        s += std::string(" text-anchor=\"") + (shape.anchor == TextAnchor::middle ? "middle" : "end") + "\"";
      if (!grouped && !shape.fill.empty()) s += " fill=\"" + shape.fill + "\"";
      if (shape.rotated) s += " transform=\"rotate(-90 " + f1(p[0].x) + " " + f1(p[0].y) + ")\"";
      s += ">" + html_escape(shape.text) + "</text>\n";
      return;
    }
  }
}

// A group's style: that of its first shape (the shapes of a layer share it).
std::string group_open(const PlotShape& first) {
  std::string s = "<g";
  if (!first.stroke.empty()) s += " stroke=\"" + first.stroke + "\"";
  if (first.stroke_width_px > 0) s += " stroke-width=\"" + shortest(first.stroke_width_px) + "\"";
  if (first.kind == PlotShape::Kind::text && !first.fill.empty()) s += " fill=\"" + first.fill + "\"";
  return s + ">\n";
}

}  // namespace

std::string render_dvh_svg(const PacketDvh& dvh, int width_px, int height_px) {
  const DvhPlot plot = render_detail::dvh_plot(dvh, width_px, height_px);
  std::string s = svg_open(plot.width_px, plot.height_px, plot.font_size_px);
  PlotLayer open = PlotLayer::none;
  for (const PlotShape& shape : plot.shapes) {
    if (shape.layer != open) {
      if (open != PlotLayer::none) s += "</g>\n";
      if (shape.layer != PlotLayer::none) s += group_open(shape);
      open = shape.layer;
    }
    write_shape(shape, open != PlotLayer::none, s);
  }
  if (open != PlotLayer::none) s += "</g>\n";
  return s + "</svg>\n";
}

}  // namespace rtreview
