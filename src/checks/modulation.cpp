// Modulation measured from the control points: the aperture of every control point (all
// MLC layers and jaws combined), its area and perimeter, leaf travel, MU per degree and
// the published complexity metrics:
//  - modulation complexity score, McNiven et al., Med Phys 37 (2010) 505, with the
//    control-point-pair form of Masi et al., Med Phys 40 (2013) 071718 (identical for
//    step-and-shoot, whose segment ends have equal apertures);
//  - edge metric, leaf-end perimeter / area weighted by MU, Younge et al., IJROBP 82 (2012)
//    1210 and JACMP 17 (2016) 124 (as in the ApertureComplexity project);
//  - aperture irregularity P^2 / (4 pi A), Du et al., Med Phys 41 (2014) 021716.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "checks/check_util.h"
#include "rtreview/checks.h"

namespace rtreview {
using namespace checks_detail;
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double boundary_tolerance_mm = 1e-6;
constexpr double leaf_move_tolerance_mm = 0.01;
constexpr double assumed_leaf_width_mm = 10.0;  // only when LeafPositionBoundaries is absent

enum class Axis { x, y };

std::optional<Axis> mlc_axis(const std::string& type) {
  if (type == "MLCX" || type == "MLCX1" || type == "MLCX2") return Axis::x;
  if (type == "MLCY") return Axis::y;
  return std::nullopt;
}

struct Interval {
  double from = -inf, to = inf;
};

// Jaw opening along `axis` at this control point (X/ASYMX for x, Y/ASYMY for y); unbounded if none.
Interval jaw(const ControlPoint& cp, Axis axis) {
  Interval out;
  for (const auto& d : cp.device_positions) {
    const bool along_x = d.device_type == "X" || d.device_type == "ASYMX";
    const bool along_y = d.device_type == "Y" || d.device_type == "ASYMY";
    if (d.positions_mm.size() != 2 || !((axis == Axis::x && along_x) || (axis == Axis::y && along_y)))
      continue;
    out.from = std::max(out.from, d.positions_mm[0]);
    out.to = std::min(out.to, d.positions_mm[1]);
  }
  return out;
}

struct Layer {
  std::vector<double> boundaries_mm;        // leaf_pairs + 1, ascending
  const std::vector<double>* positions_mm;  // bank A (leaf_pairs) then bank B
};

std::vector<double> boundaries_of(const BeamLimitingDevice& device, std::size_t pairs) {
  if (device.leaf_boundaries_mm.size() == pairs + 1) return device.leaf_boundaries_mm;
  std::vector<double> out;  // centred, equal widths: an assumption, said in the README
  for (std::size_t i = 0; i <= pairs; ++i)
    out.push_back((static_cast<double>(i) - static_cast<double>(pairs) / 2.0) * assumed_leaf_width_mm);
  return out;
}

// The MLC layers of the beam moving along `axis`, with their positions at `cp`.
std::vector<Layer> layers_at(const Beam& beam, const ControlPoint& cp, Axis axis) {
  std::vector<Layer> out;
  for (const auto& device : beam.limiting_devices) {
    if (mlc_axis(device.device_type) != axis) continue;
    for (const auto& d : cp.device_positions) {
      if (d.device_type != device.device_type || d.positions_mm.size() < 2 || d.positions_mm.size() % 2)
        continue;
      out.push_back({boundaries_of(device, d.positions_mm.size() / 2), &d.positions_mm});
    }
  }
  return out;
}

Axis leaf_axis(const Beam& beam) {
  for (const auto& d : beam.limiting_devices)
    if (mlc_axis(d.device_type) == Axis::x) return Axis::x;
  for (const auto& d : beam.limiting_devices)
    if (mlc_axis(d.device_type) == Axis::y) return Axis::y;
  return Axis::x;
}

// Intersects `open` with the layer's opening over the band centred at `middle_mm`;
// false when the layer has no leaf there (the band is not covered by this layer).
bool constrain(const Layer& layer, double middle_mm, Interval& open) {
  const auto& b = layer.boundaries_mm;
  const std::size_t pairs = b.size() - 1;
  for (std::size_t i = 0; i < pairs; ++i) {
    if (middle_mm < b[i] || middle_mm >= b[i + 1]) continue;
    open.from = std::max(open.from, (*layer.positions_mm)[i]);
    open.to = std::min(open.to, (*layer.positions_mm)[pairs + i]);
    return true;
  }
  return false;
}

ApertureRow make_row(double from_mm, double to_mm, Interval open, const Interval& along,
                     const Interval& across) {
  ApertureRow row;
  row.band_from_mm = std::max(from_mm, across.from);
  row.band_to_mm = std::min(to_mm, across.to);
  if (row.band_to_mm < row.band_from_mm) row.band_to_mm = row.band_from_mm;
  row.open_from_mm = std::max(open.from, along.from);
  row.open_to_mm = std::min(open.to, along.to);
  return row;
}

}  // namespace

std::vector<ApertureRow> aperture_rows(const Beam& beam, const ControlPoint& cp) {
  const Axis axis = leaf_axis(beam);
  const Interval along = jaw(cp, axis);
  const Interval across = jaw(cp, axis == Axis::x ? Axis::y : Axis::x);
  const std::vector<Layer> layers = layers_at(beam, cp, axis);
  if (layers.empty()) {  // jaws only: one rectangle, when both jaw pairs bound it
    if (!std::isfinite(along.from + along.to + across.from + across.to)) return {};
    return {make_row(across.from, across.to, along, along, across)};
  }
  std::vector<double> edges;  // every layer's leaf boundaries: rows are the finest strips
  for (const auto& layer : layers)
    edges.insert(edges.end(), layer.boundaries_mm.begin(), layer.boundaries_mm.end());
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](double a, double b) { return std::abs(a - b) <= boundary_tolerance_mm; }),
              edges.end());
  std::vector<ApertureRow> rows;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double middle = (edges[i] + edges[i + 1]) / 2.0;
    Interval open;
    bool covered = false;
    for (const auto& layer : layers) covered = constrain(layer, middle, open) || covered;
    if (!covered) open = {0.0, 0.0};  // a gap between leaf banks passes nothing
    rows.push_back(make_row(edges[i], edges[i + 1], open, along, across));
  }
  return rows;
}

double aperture_area_mm2(const std::vector<ApertureRow>& rows) {
  double area = 0.0;
  for (const auto& r : rows) area += r.height_mm() * r.open_width_mm();
  return area;
}

double aperture_side_perimeter_mm(const std::vector<ApertureRow>& rows) {
  std::vector<const ApertureRow*> in_field;
  for (const auto& r : rows)
    if (r.height_mm() > 0) in_field.push_back(&r);
  if (in_field.empty()) return 0.0;
  double perimeter = in_field.front()->open_width_mm() + in_field.back()->open_width_mm();
  for (std::size_t i = 1; i < in_field.size(); ++i) {
    const ApertureRow& a = *in_field[i - 1];
    const ApertureRow& b = *in_field[i];
    const double wa = a.open_width_mm(), wb = b.open_width_mm();
    const bool adjacent = std::abs(a.band_to_mm - b.band_from_mm) <= boundary_tolerance_mm;
    const bool disjoint = b.open_from_mm >= a.open_to_mm || b.open_to_mm <= a.open_from_mm;
    if (wa == 0.0 || wb == 0.0 || !adjacent || disjoint)
      perimeter += wa + wb;
    else
      perimeter += std::abs(a.open_from_mm - b.open_from_mm) + std::abs(a.open_to_mm - b.open_to_mm);
  }
  return perimeter;
}

double aperture_perimeter_mm(const std::vector<ApertureRow>& rows) {
  double sides = 0.0;
  for (const auto& r : rows)
    if (r.open_width_mm() > 0) sides += 2.0 * r.height_mm();
  return aperture_side_perimeter_mm(rows) + sides;
}

namespace {

// Leaf sequence variability of one bank's positions over the open rows (McNiven 2010 eq. 1).
double bank_lsv(const std::vector<double>& positions) {
  if (positions.size() < 2) return 1.0;
  const auto [lo, hi] = std::minmax_element(positions.begin(), positions.end());
  const double pos_max = *hi - *lo;
  if (pos_max <= 0.0) return 1.0;  // aligned leaves: no variability
  double sum = 0.0;
  for (std::size_t i = 0; i + 1 < positions.size(); ++i)
    sum += pos_max - std::abs(positions[i] - positions[i + 1]);
  return sum / (static_cast<double>(positions.size() - 1) * pos_max);
}

}  // namespace

double aperture_lsv(const std::vector<ApertureRow>& rows) {
  std::vector<double> a, b;
  for (const auto& r : rows)
    if (r.open_width_mm() > 0) a.push_back(r.open_from_mm), b.push_back(r.open_to_mm);
  return bank_lsv(a) * bank_lsv(b);
}

namespace {

// Meterset weight delivered between control points i and i+1 (0 when absent or decreasing).
std::vector<double> interval_weights(const std::vector<ControlPoint>& cps) {
  std::vector<double> out;
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const auto& a = cps[i].cumulative_meterset_weight;
    const auto& b = cps[i + 1].cumulative_meterset_weight;
    out.push_back(a && b && *b > *a ? *b - *a : 0.0);
  }
  return out;
}

void measure_leaf_travel(const Beam& beam, BeamModulation& m) {
  const auto& cps = beam.control_points;
  std::map<std::string, std::vector<bool>> moved;  // per MLC layer, per leaf
  for (std::size_t i = 0; i + 1 < cps.size(); ++i)
    for (const auto& a : cps[i].device_positions) {
      if (!mlc_axis(a.device_type)) continue;
      for (const auto& b : cps[i + 1].device_positions) {
        if (b.device_type != a.device_type || b.positions_mm.size() != a.positions_mm.size()) continue;
        auto& layer = moved[a.device_type];
        layer.resize(a.positions_mm.size(), false);
        for (std::size_t k = 0; k < a.positions_mm.size(); ++k) {
          const double step = std::abs(b.positions_mm[k] - a.positions_mm[k]);
          m.leaf_travel_mm += step;
          if (step > leaf_move_tolerance_mm) layer[k] = true;
        }
      }
    }
  for (const auto& [type, leaves] : moved)
    m.moving_leaf_count += static_cast<int>(std::count(leaves.begin(), leaves.end(), true));
}

// MU per degree over the arc: mean (total / degrees) and its degree-weighted coefficient of variation.
void measure_mu_per_degree(const Beam& beam, const std::vector<double>& dw, double mu_per_weight,
                           BeamModulation& m) {
  const auto& cps = beam.control_points;
  double degrees = 0.0, weight = 0.0;
  std::vector<std::pair<double, double>> steps;  // (degrees, weight)
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const std::string& dir = cps[i].gantry_rotation_direction;
    if (dir != "CW" && dir != "CC") continue;
    const double step = rotation_step_deg(cps[i].gantry_angle_deg, cps[i + 1].gantry_angle_deg, dir);
    if (step <= angle_tolerance_deg) continue;
    steps.emplace_back(step, dw[i]);
    degrees += step;
    weight += dw[i];
  }
  if (degrees <= 0.0 || weight <= 0.0) return;
  const double mean = weight / degrees;
  double variance = 0.0;
  for (const auto& [deg, w] : steps) variance += deg * (w / deg - mean) * (w / deg - mean);
  variance /= degrees;
  m.mu_per_degree_cv = std::sqrt(variance) / mean;
  if (mu_per_weight > 0.0) m.mu_per_degree = mean * mu_per_weight;
}

void measure_complexity(const std::vector<std::vector<ApertureRow>>& apertures, const std::vector<double>& dw,
                        BeamModulation& m) {
  const std::size_t n = apertures.size();
  double total = 0.0;
  for (double w : dw) total += w;
  if (n < 2 || total <= 0.0) return;
  // Per-control-point share: half of each adjacent interval (ApertureComplexity's convention).
  std::vector<double> share(n, 0.0);
  for (std::size_t i = 0; i + 1 < n; ++i) share[i] += dw[i] / 2.0, share[i + 1] += dw[i] / 2.0;
  double edge = 0.0, irregularity = 0.0, area = 0.0, weight = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = aperture_area_mm2(apertures[i]);
    if (share[i] <= 0.0 || a <= 0.0) continue;
    const double p = aperture_perimeter_mm(apertures[i]);
    edge += share[i] * aperture_side_perimeter_mm(apertures[i]) / a;
    irregularity += share[i] * p * p / (4.0 * std::numbers::pi * a);
    area += share[i] * a;
    weight += share[i];
  }
  if (weight > 0.0) {
    m.edge_metric_per_mm = edge / weight;
    m.aperture_irregularity = irregularity / weight;
    m.mean_area_mm2 = area / weight;
  }
  // MCS: the rows are the same strips at every control point when the layers are.
  const std::size_t rows = apertures.front().size();
  if (rows == 0 ||
      std::any_of(apertures.begin(), apertures.end(), [&](const auto& a) { return a.size() != rows; }))
    return;
  std::vector<double> max_width(rows, 0.0);
  for (const auto& a : apertures)
    for (std::size_t r = 0; r < rows; ++r) max_width[r] = std::max(max_width[r], a[r].open_width_mm());
  double max_sum = 0.0;
  for (double w : max_width) max_sum += w;
  if (max_sum <= 0.0) return;
  auto aav = [&](const std::vector<ApertureRow>& a) {
    double sum = 0.0;
    for (const auto& r : a) sum += r.open_width_mm();
    return sum / max_sum;
  };
  double mcs = 0.0, aav_weighted = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (dw[i] <= 0.0) continue;
    const double aav_mean = (aav(apertures[i]) + aav(apertures[i + 1])) / 2.0;
    const double lsv_mean = (aperture_lsv(apertures[i]) + aperture_lsv(apertures[i + 1])) / 2.0;
    mcs += aav_mean * lsv_mean * dw[i] / total;
    aav_weighted += aav_mean * dw[i] / total;
  }
  m.mcs = mcs;
  m.aav = aav_weighted;
}

}  // namespace

BeamModulation measure_modulation(const Beam& beam, std::optional<double> beam_mu) {
  BeamModulation m;
  const auto& cps = beam.control_points;
  for (const auto& d : beam.limiting_devices)
    if (mlc_axis(d.device_type)) m.mlc_devices += (m.mlc_devices.empty() ? "" : "+") + d.device_type;
  m.aperture_from_mlc = !m.mlc_devices.empty();
  std::vector<std::vector<ApertureRow>> apertures;
  for (const auto& cp : cps) {
    apertures.push_back(aperture_rows(beam, cp));
    m.area_mm2.push_back(aperture_area_mm2(apertures.back()));
    m.perimeter_mm.push_back(aperture_perimeter_mm(apertures.back()));
  }
  const std::vector<double> dw = interval_weights(cps);
  double final_weight = beam.final_cumulative_meterset_weight.value_or(0.0);
  if (final_weight <= 0.0 && !cps.empty()) final_weight = cps.back().cumulative_meterset_weight.value_or(0.0);
  const double mu_per_weight = beam_mu && final_weight > 0.0 ? *beam_mu / final_weight : 0.0;
  measure_leaf_travel(beam, m);
  measure_mu_per_degree(beam, dw, mu_per_weight, m);
  measure_complexity(apertures, dw, m);
  return m;
}

}  // namespace rtreview
