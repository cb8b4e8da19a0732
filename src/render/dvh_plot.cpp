#include "render/dvh_plot.h"

#include <algorithm>
#include <cmath>

#include "render/text_util.h"

namespace rtreview::render_detail {

namespace {

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

// Targets solid and thicker, OARs dashed (tells them apart in greyscale print).
double curve_width_px(bool is_target) { return is_target ? 2.2 : 1.5; }
std::vector<double> curve_dash_px(bool is_target) {
  return is_target ? std::vector<double>{} : std::vector<double>{5, 2};
}

PlotShape shape_of(PlotShape::Kind kind, PlotLayer layer = PlotLayer::none) {
  PlotShape s;
  s.kind = kind;
  s.layer = layer;
  return s;
}

class Shapes {
 public:
  explicit Shapes(DvhPlot& plot) : plot_(plot) {}
  void rect(double x, double y, double w, double h, std::string fill, std::string stroke = "") {
    PlotShape s = shape_of(PlotShape::Kind::rect);
    s.points = {{x, y}, {w, h}};
    s.fill = std::move(fill);
    s.stroke = std::move(stroke);
    plot_.shapes.push_back(std::move(s));
  }
  void line(double x1, double y1, double x2, double y2, std::string stroke, double width_px = 0,
            std::vector<double> dash_px = {}, PlotLayer layer = PlotLayer::none) {
    PlotShape s = shape_of(PlotShape::Kind::line, layer);
    s.points = {{x1, y1}, {x2, y2}};
    s.stroke = std::move(stroke);
    s.stroke_width_px = width_px;
    s.dash_px = std::move(dash_px);
    plot_.shapes.push_back(std::move(s));
  }
  void text(double x, double y, std::string content, std::string fill, TextAnchor anchor,
            PlotLayer layer = PlotLayer::none, bool rotated = false) {
    PlotShape s = shape_of(PlotShape::Kind::text, layer);
    s.points = {{x, y}};
    s.text = std::move(content);
    s.fill = std::move(fill);
    s.anchor = anchor;
    s.rotated = rotated;
    plot_.shapes.push_back(std::move(s));
  }
  void polyline(std::vector<PlotPoint> points, std::string stroke, double width_px,
                std::vector<double> dash_px, std::string title) {
    PlotShape s = shape_of(PlotShape::Kind::polyline);
    s.points = std::move(points);
    s.stroke = std::move(stroke);
    s.stroke_width_px = width_px;
    s.dash_px = std::move(dash_px);
    s.text = std::move(title);
    plot_.shapes.push_back(std::move(s));
  }

 private:
  DvhPlot& plot_;
};

// A point of a curve with both values finite: only such points are drawn (a coordinate that
// is not a number would make the SVG invalid and the PDF's path undefined).
bool drawable(double dose_gy, double volume_percent) {
  return std::isfinite(dose_gy) && std::isfinite(volume_percent);
}

// The dose axis ends a nice step past 105 % of the highest dose any curve or prescription reaches.
void fit_dose_axis(const PacketDvh& dvh, PlotFrame& f) {
  double max_dose = 0;
  for (const auto& c : dvh.curves)
    for (std::size_t i = 0; i < c.dose_gy.size() && i < c.volume_percent.size(); ++i)
      if (drawable(c.dose_gy[i], c.volume_percent[i]) && c.volume_percent[i] > 0)
        max_dose = std::max(max_dose, c.dose_gy[i]);
  for (double rx : dvh.prescription_gy)
    if (std::isfinite(rx)) max_dose = std::max(max_dose, rx);
  if (!(max_dose > 0)) max_dose = 1;
  f.xstep = nice_step(max_dose * 1.05, 8);
  f.xmax = std::ceil(max_dose * 1.05 / f.xstep) * f.xstep;
}

constexpr const char* label_color = "#333333";

void grid_and_axes(const PacketDvh& dvh, const PlotFrame& f, Shapes& s) {
  const std::string grid = "#dddddd", label = label_color;
  for (double x = 0; x <= f.xmax + 1e-9; x += f.xstep)
    s.line(f.X(x), f.top, f.X(x), f.top + f.ph, grid, 1, {}, PlotLayer::grid);
  for (int v = 0; v <= 100; v += 10)
    s.line(f.left, f.Y(v), f.left + f.pw, f.Y(v), grid, 1, {}, PlotLayer::grid);
  for (double x = 0; x <= f.xmax + 1e-9; x += f.xstep)
    s.text(f.X(x), f.top + f.ph + 15, format_number(x, f.xstep < 1 ? 1 : 0), label, TextAnchor::middle,
           PlotLayer::labels);
  for (int v = 0; v <= 100; v += 20)
    s.text(f.left - 6, f.Y(v) + 4, std::to_string(v), label, TextAnchor::end, PlotLayer::labels);
  const std::string unit = dvh.dose_units == "RELATIVE" ? "relative dose" : "Dose (Gy)";
  s.text(f.left + f.pw / 2, f.h - 8, unit, label, TextAnchor::middle, PlotLayer::labels);
  s.text(14, f.top + f.ph / 2, "Volume (%)", label, TextAnchor::middle, PlotLayer::labels, true);
  s.rect(f.left, f.top, f.pw, f.ph, "", label);
}

void prescription_lines(const PacketDvh& dvh, const PlotFrame& f, Shapes& s) {
  for (double rx : dvh.prescription_gy) {
    if (!std::isfinite(rx)) continue;
    s.line(f.X(rx), f.top, f.X(rx), f.top + f.ph, "#000000", 1.2, {6, 3});
    s.text(f.X(rx) - 3, f.top + 11, "Rx " + format_number(rx, 2) + " Gy", "#000000", TextAnchor::end);
  }
}

void curves(const PacketDvh& dvh, const PlotFrame& f, Shapes& s) {
  for (const auto& c : dvh.curves) {
    std::vector<PlotPoint> points;
    for (std::size_t i = 0; i < c.dose_gy.size() && i < c.volume_percent.size(); ++i)
      if (drawable(c.dose_gy[i], c.volume_percent[i]))
        points.push_back({f.X(c.dose_gy[i]), f.Y(c.volume_percent[i])});
    // Points a drawing cannot show cost HTML bytes and, in the PDF, path, stroke and deflate
    // work: a point closer than 0.05 px (half the SVG's 0.1 px precision) to the simplified
    // curve is dropped, so plateaus and straight runs become one segment and the drawn line
    // moves by at most 0.05 px (0.034 pt on the PDF page).
    constexpr double curve_tolerance_px = 0.05;
    s.polyline(simplify_polyline(points, curve_tolerance_px), c.color, curve_width_px(c.is_target),
               curve_dash_px(c.is_target), c.roi_name);
  }
}

// Right of the plot; past the available height: "+ N more".
void legend(const PacketDvh& dvh, const PlotFrame& f, Shapes& s) {
  double lx = f.left + f.pw + 14, ly = f.top + 6;
  int capacity = std::max(1, static_cast<int>((f.ph - 10) / 16));
  int shown = 0;
  for (const auto& c : dvh.curves) {
    if (shown + 1 == capacity && static_cast<int>(dvh.curves.size()) > capacity) {
      s.text(lx, ly + 4, "+ " + std::to_string(dvh.curves.size() - shown) + " more (see table)", label_color,
             TextAnchor::start);
      break;
    }
    s.line(lx, ly, lx + 22, ly, c.color, curve_width_px(c.is_target), curve_dash_px(c.is_target));
    s.text(lx + 28, ly + 4, truncate_utf8(c.roi_name, 24), "#222222", TextAnchor::start);
    ly += 16;
    ++shown;
  }
}

}  // namespace

DvhPlot dvh_plot(const PacketDvh& dvh, int width_px, int height_px) {
  DvhPlot plot;
  plot.width_px = width_px;
  plot.height_px = height_px;
  Shapes s(plot);
  PlotFrame f(width_px, height_px);
  s.rect(0, 0, f.w, f.h, "#ffffff");
  if (dvh.curves.empty()) {
    s.rect(f.left, f.top, f.pw, f.ph, "", "#888888");
    s.text(f.left + f.pw / 2, f.top + f.ph / 2, dvh.note.empty() ? "no DVH" : dvh.note, "#444444",
           TextAnchor::middle);
    return plot;
  }
  fit_dose_axis(dvh, f);
  grid_and_axes(dvh, f, s);
  prescription_lines(dvh, f, s);
  curves(dvh, f, s);
  legend(dvh, f, s);
  return plot;
}

}  // namespace rtreview::render_detail
