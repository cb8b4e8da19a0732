// The DVH plot as SVG: shared by the HTML (inline) and the PDF (via librsvg), so
// both show the same picture. Fixed-precision coordinates keep it byte-stable.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "render/text_util.h"
#include "rtreview/render.h"

namespace rtreview {

namespace {

std::string f1(double v) { return format_fixed(v, 1); }

// Tick step giving about `target` intervals over [0, range]: 1, 2 or 5 × 10^k.
double nice_step(double range, int target) {
  double raw = range / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

// The plot area inside the picture and the dose axis's scale: where every part is drawn.
struct PlotFrame {
  double w = 0, h = 0;
  double left = 58, right = 190, top = 16, bottom = 46;
  double pw = 0, ph = 0;       // plot area width and height (px)
  double xstep = 1, xmax = 1;  // dose axis tick step and end (Gy)

  PlotFrame(int width_px, int height_px)
      : w(width_px), h(height_px), pw(w - left - right), ph(h - top - bottom) {}
  double X(double dose) const { return left + pw * std::clamp(dose / xmax, 0.0, 1.0); }
  double Y(double volume_percent) const {
    return top + ph * (1.0 - std::clamp(volume_percent / 100.0, 0.0, 1.0));
  }
};

std::string svg_open(int width_px, int height_px) {
  const std::string wpx = std::to_string(width_px), hpx = std::to_string(height_px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dvh-plot\" role=\"img\" aria-label=\"Cumulative "
         "DVH\" width=\"" +
         wpx + "\" height=\"" + hpx + "\" viewBox=\"0 0 " + wpx + " " + hpx +
         "\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"11\">\n";
}

// The dose axis ends a nice step past 105 % of the highest dose any curve or prescription reaches.
void fit_dose_axis(const PacketDvh& dvh, PlotFrame& f) {
  double max_dose = 0;
  for (const auto& c : dvh.curves)
    for (std::size_t i = 0; i < c.dose_gy.size(); ++i)
      if (c.volume_percent[i] > 0) max_dose = std::max(max_dose, c.dose_gy[i]);
  for (double rx : dvh.prescription_gy) max_dose = std::max(max_dose, rx);
  if (!(max_dose > 0)) max_dose = 1;
  f.xstep = nice_step(max_dose * 1.05, 8);
  f.xmax = std::ceil(max_dose * 1.05 / f.xstep) * f.xstep;
}

void grid_and_axes(const PacketDvh& dvh, const PlotFrame& f, std::string& s) {
  s += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double x = 0; x <= f.xmax + 1e-9; x += f.xstep)
    s += "<line x1=\"" + f1(f.X(x)) + "\" y1=\"" + f1(f.top) + "\" x2=\"" + f1(f.X(x)) + "\" y2=\"" +
         f1(f.top + f.ph) + "\"/>\n";
  for (int v = 0; v <= 100; v += 10)
    s += "<line x1=\"" + f1(f.left) + "\" y1=\"" + f1(f.Y(v)) + "\" x2=\"" + f1(f.left + f.pw) + "\" y2=\"" +
         f1(f.Y(v)) + "\"/>\n";
  s += "</g>\n<g fill=\"#333333\">\n";
  for (double x = 0; x <= f.xmax + 1e-9; x += f.xstep)
    s += "<text x=\"" + f1(f.X(x)) + "\" y=\"" + f1(f.top + f.ph + 15) + "\" text-anchor=\"middle\">" +
         format_number(x, f.xstep < 1 ? 1 : 0) + "</text>\n";
  for (int v = 0; v <= 100; v += 20)
    s += "<text x=\"" + f1(f.left - 6) + "\" y=\"" + f1(f.Y(v) + 4) + "\" text-anchor=\"end\">" +
         std::to_string(v) + "</text>\n";
  std::string unit = dvh.dose_units == "RELATIVE" ? "relative dose" : "Dose (Gy)";
  s += "<text x=\"" + f1(f.left + f.pw / 2) + "\" y=\"" + f1(f.h - 8) + "\" text-anchor=\"middle\">" + unit +
       "</text>\n";
  s += "<text x=\"14\" y=\"" + f1(f.top + f.ph / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " +
       f1(f.top + f.ph / 2) + ")\">Volume (%)</text>\n</g>\n";
  s += "<rect x=\"" + f1(f.left) + "\" y=\"" + f1(f.top) + "\" width=\"" + f1(f.pw) + "\" height=\"" +
       f1(f.ph) + "\" fill=\"none\" stroke=\"#333333\"/>\n";
}

void prescription_lines(const PacketDvh& dvh, const PlotFrame& f, std::string& s) {
  for (double rx : dvh.prescription_gy) {
    s += "<line x1=\"" + f1(f.X(rx)) + "\" y1=\"" + f1(f.top) + "\" x2=\"" + f1(f.X(rx)) + "\" y2=\"" +
         f1(f.top + f.ph) + "\" stroke=\"#000000\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>\n";
    s += "<text x=\"" + f1(f.X(rx) - 3) + "\" y=\"" + f1(f.top + 11) +
         "\" text-anchor=\"end\" fill=\"#000000\">Rx " + format_number(rx, 2) + " Gy</text>\n";
  }
}

// Targets solid and thicker, OARs dashed (tells them apart in greyscale print).
void curves(const PacketDvh& dvh, const PlotFrame& f, std::string& s) {
  for (const auto& c : dvh.curves) {
    s += "<polyline fill=\"none\" stroke=\"" + c.color + "\" stroke-width=\"" +
         (c.is_target ? "2.2" : "1.5") + "\"" + (c.is_target ? "" : " stroke-dasharray=\"5 2\"") +
         " points=\"";
    std::vector<PlotPoint> points;
    for (std::size_t i = 0; i < c.dose_gy.size() && i < c.volume_percent.size(); ++i)
      points.push_back({f.X(c.dose_gy[i]), f.Y(c.volume_percent[i])});
    // Points a drawing cannot show cost HTML bytes and, in the PDF, path, stroke and deflate
    // work: a point within half the 0.1 px the coordinates are written with (f1) of the
    // simplified curve is left out, so plateaus and straight runs become one segment and the
    // drawn line moves by at most 0.05 px before rounding (0.034 pt on the PDF page).
    constexpr double curve_tolerance_px = 0.05;
    points = simplify_polyline(points, curve_tolerance_px);
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (i) s += ' ';
      s += f1(points[i].x) + "," + f1(points[i].y);
    }
    s += "\"><title>" + html_escape(c.roi_name) + "</title></polyline>\n";
  }
}

// Right of the plot; past the available height: "+ N more".
void legend(const PacketDvh& dvh, const PlotFrame& f, std::string& s) {
  double lx = f.left + f.pw + 14, ly = f.top + 6;
  int capacity = std::max(1, static_cast<int>((f.ph - 10) / 16));
  int shown = 0;
  for (const auto& c : dvh.curves) {
    if (shown + 1 == capacity && static_cast<int>(dvh.curves.size()) > capacity) {
      s += "<text x=\"" + f1(lx) + "\" y=\"" + f1(ly + 4) + "\" fill=\"#333333\">+ " +
           std::to_string(dvh.curves.size() - shown) + " more (see table)</text>\n";
      break;
    }
    s += "<line x1=\"" + f1(lx) + "\" y1=\"" + f1(ly) + "\" x2=\"" + f1(lx + 22) + "\" y2=\"" + f1(ly) +
         "\" stroke=\"" + c.color + "\" stroke-width=\"" + (c.is_target ? "2.2" : "1.5") + "\"" +
         (c.is_target ? "" : " stroke-dasharray=\"5 2\"") + "/>\n";
    std::string name = render_detail::truncate_utf8(c.roi_name, 24);
    s += "<text x=\"" + f1(lx + 28) + "\" y=\"" + f1(ly + 4) + "\" fill=\"#222222\">" + html_escape(name) +
         "</text>\n";
    ly += 16;
    ++shown;
  }
}

}  // namespace

std::string render_dvh_svg(const PacketDvh& dvh, int width_px, int height_px) {
  PlotFrame f(width_px, height_px);
  std::string s = svg_open(width_px, height_px);
  s += "<rect x=\"0\" y=\"0\" width=\"" + f1(f.w) + "\" height=\"" + f1(f.h) + "\" fill=\"#ffffff\"/>\n";
  if (dvh.curves.empty()) {
    s += "<rect x=\"" + f1(f.left) + "\" y=\"" + f1(f.top) + "\" width=\"" + f1(f.pw) + "\" height=\"" +
         f1(f.ph) + "\" fill=\"none\" stroke=\"#888888\"/>\n";
    s += "<text x=\"" + f1(f.left + f.pw / 2) + "\" y=\"" + f1(f.top + f.ph / 2) +
         "\" text-anchor=\"middle\" fill=\"#444444\">" + html_escape(dvh.note.empty() ? "no DVH" : dvh.note) +
         "</text>\n</svg>\n";
    return s;
  }
  fit_dose_axis(dvh, f);
  grid_and_axes(dvh, f, s);
  prescription_lines(dvh, f, s);
  curves(dvh, f, s);
  legend(dvh, f, s);
  s += "</svg>\n";
  return s;
}

}  // namespace rtreview
