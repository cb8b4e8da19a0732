// The DVH plot (dvh_plot.h) as SVG, inline in the HTML packet. Fixed-precision
// coordinates keep it byte-stable.
#include <charconv>

#include "render/dvh_plot.h"
#include "rtreview/render.h"
#include "rtreview/text.h"

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

std::string dash_text(const std::vector<double>& dash_px) {
  std::string s;
  for (std::size_t i = 0; i < dash_px.size(); ++i) s += (i ? " " : "") + shortest(dash_px[i]);
  return s;
}

// The stroke attributes of `shape` that its group (null: none) does not give it already.
std::string stroke(const PlotShape& shape, const PlotShape* group) {
  std::string s;
  if (!shape.stroke.empty() && !(group && group->stroke == shape.stroke))
    s += " stroke=\"" + shape.stroke + "\"";
  if (shape.stroke_width_px > 0 && !(group && group->stroke_width_px == shape.stroke_width_px))
    s += " stroke-width=\"" + shortest(shape.stroke_width_px) + "\"";
  if (!shape.dash_px.empty()) s += " stroke-dasharray=\"" + dash_text(shape.dash_px) + "\"";
  return s;
}

void write_shape(const PlotShape& shape, const PlotShape* group, std::string& s) {
  const auto& p = shape.points;
  switch (shape.kind) {
    case PlotShape::Kind::rect:
      s += "<rect x=\"" + f1(p[0].x) + "\" y=\"" + f1(p[0].y) + "\" width=\"" + f1(p[1].x) + "\" height=\"" +
           f1(p[1].y) + "\" fill=\"" + (shape.fill.empty() ? "none" : shape.fill) + "\"" +
           stroke(shape, group) + "/>\n";
      return;
    case PlotShape::Kind::line:
      s += "<line x1=\"" + f1(p[0].x) + "\" y1=\"" + f1(p[0].y) + "\" x2=\"" + f1(p[1].x) + "\" y2=\"" +
           f1(p[1].y) + "\"" + stroke(shape, group) + "/>\n";
      return;
    case PlotShape::Kind::polyline:
      s += "<polyline fill=\"none\"" + stroke(shape, group) + " points=\"";
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
      if (!shape.fill.empty() && !(group && group->fill == shape.fill)) s += " fill=\"" + shape.fill + "\"";
      if (shape.rotated) s += " transform=\"rotate(-90 " + f1(p[0].x) + " " + f1(p[0].y) + ")\"";
      s += ">" + html_escape(shape.text) + "</text>\n";
      return;
    }
  }
}

// A group's style: that of its first shape; its other shapes write what differs from it.
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
  const PlotShape* group = nullptr;  // the open group's first shape
  for (const PlotShape& shape : plot.shapes) {
    if (shape.layer != (group ? group->layer : PlotLayer::none)) {
      if (group) s += "</g>\n";
      group = shape.layer == PlotLayer::none ? nullptr : &shape;
      if (group) s += group_open(shape);
    }
    write_shape(shape, group, s);
  }
  if (group) s += "</g>\n";
  return s + "</svg>\n";
}

}  // namespace rtreview
