#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "dvh/curve.h"
#include "dvh/dose_sampler.h"
#include "rtreview/dvh.h"

namespace rtreview {
namespace dvh {

double curve_volume_at(const DvhCurve& c, double dose_gy) {
  const auto& d = c.dose_gy;
  const auto& v = c.volume_cc;
  if (d.empty() || std::isnan(dose_gy)) return std::numeric_limits<double>::quiet_NaN();
  if (dose_gy <= d.front()) return v.front();
  if (dose_gy >= d.back()) return dose_gy == d.back() ? v.back() : 0.0;
  const std::size_t k =
      static_cast<std::size_t>(std::upper_bound(d.begin(), d.end(), dose_gy) - d.begin()) - 1;
  const double span = d[k + 1] - d[k];
  return span > 0 ? v[k] + (dose_gy - d[k]) / span * (v[k + 1] - v[k]) : v[k + 1];
}

double curve_dose_at(const DvhCurve& c, double volume) {
  const auto& d = c.dose_gy;
  const auto& v = c.volume_cc;
  if (d.empty() || std::isnan(volume)) return std::numeric_limits<double>::quiet_NaN();
  const double total = v.front();
  if (volume > total * (1 + 1e-9) + 1e-12) return std::numeric_limits<double>::quiet_NaN();
  volume = std::min(volume, total);
  if (volume <= 0) return curve_max_dose(c);
  // Non-increasing: the volumes ≥ `volume` come first.
  const std::size_t i = static_cast<std::size_t>(
      std::partition_point(v.begin(), v.end(), [volume](double x) { return x >= volume; }) - v.begin());
  if (i == 0) return d.front();
  if (i == v.size()) return d.back();
  const double drop = v[i - 1] - v[i];
  return drop > 0 ? d[i - 1] + (v[i - 1] - volume) / drop * (d[i] - d[i - 1]) : d[i - 1];
}

double curve_max_dose(const DvhCurve& c) {
  const auto& v = c.volume_cc;
  for (std::size_t i = v.size(); i-- > 0;)
    if (v[i] > 0) return i + 1 < v.size() ? c.dose_gy[i + 1] : c.dose_gy[i];
  return std::numeric_limits<double>::quiet_NaN();
}

double curve_mean_dose(const DvhCurve& c) {
  const auto& d = c.dose_gy;
  const auto& v = c.volume_cc;
  if (d.empty() || !(v.front() > 0)) return std::numeric_limits<double>::quiet_NaN();
  double area = std::max(d.front(), 0.0) * v.front();
  for (std::size_t i = 0; i + 1 < d.size(); ++i) area += 0.5 * (v[i] + v[i + 1]) * (d[i + 1] - d[i]);
  return area / v.front();
}

}  // namespace dvh

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool usable(const RoiDvh& dvh) {
  return dvh.computed && dvh.volume_in_grid_cc > 0 && !dvh.cumulative.volume_cc.empty() &&
         dvh.cumulative.volume_cc.front() > 0;
}

std::optional<double> parse_number(std::string_view s) {
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

double dose_at_volume_cc(const RoiDvh& dvh, double volume_cc) {
  if (!usable(dvh) || !(volume_cc >= 0)) return nan;
  const double d = dvh::curve_dose_at(dvh.cumulative, volume_cc);
  if (std::isnan(d)) return nan;
  if (volume_cc <= 0) return dvh.max_gy;
  return std::clamp(d, dvh.min_gy,
                    dvh.max_gy);  // interpolation inside the extreme bins stays within the samples
}

double dose_at_volume_percent(const RoiDvh& dvh, double volume_percent) {
  if (!usable(dvh) || !(volume_percent >= 0 && volume_percent <= 100)) return nan;
  return dose_at_volume_cc(dvh, volume_percent / 100.0 * dvh.cumulative.volume_cc.front());
}

double volume_at_dose_cc(const RoiDvh& dvh, double dose_gy) {
  if (!usable(dvh) || std::isnan(dose_gy)) return nan;
  if (dose_gy > dvh.max_gy) return 0.0;
  return dvh::curve_volume_at(dvh.cumulative, dose_gy);
}

double volume_at_dose_percent(const RoiDvh& dvh, double dose_gy) {
  const double v = volume_at_dose_cc(dvh, dose_gy);
  return std::isnan(v) ? nan : 100.0 * v / dvh.cumulative.volume_cc.front();
}

double generalized_eud_gy(const RoiDvh& dvh, double a) {
  if (!usable(dvh) || !std::isfinite(a)) return nan;
  const auto& d = dvh.differential;
  double total = 0, sum = 0;
  for (std::size_t i = 0; i < d.dose_gy.size(); ++i) {
    const double dose = d.dose_gy[i] + 0.5 * dvh.bin_width_gy;  // bin centre, > 0
    total += d.volume_cc[i];
    sum += d.volume_cc[i] * (a == 0 ? std::log(dose) : std::pow(dose, a));
  }
  if (!(total > 0)) return nan;
  return a == 0 ? std::exp(sum / total) : std::pow(sum / total, 1.0 / a);
}

DvhMetrics standard_metrics(const RoiDvh& dvh) {
  DvhMetrics m;
  m.volume_cc = dvh.volume_cc;
  m.volume_in_grid_cc = dvh.volume_in_grid_cc;
  if (!usable(dvh)) {
    m.min_gy = m.mean_gy = m.max_gy = m.d98_gy = m.d95_gy = m.d50_gy = m.d2_gy = m.d99_gy = m.d5_gy =
        m.d1_gy = m.d0_03cc_gy = m.d35mm3_gy = m.homogeneity_index = nan;
    return m;
  }
  m.min_gy = dvh.min_gy;
  m.mean_gy = dvh.mean_gy;
  m.max_gy = dvh.max_gy;
  m.d98_gy = dose_at_volume_percent(dvh, 98);
  m.d95_gy = dose_at_volume_percent(dvh, 95);
  m.d50_gy = dose_at_volume_percent(dvh, 50);
  m.d2_gy = dose_at_volume_percent(dvh, 2);
  m.d99_gy = dose_at_volume_percent(dvh, 99);
  m.d5_gy = dose_at_volume_percent(dvh, 5);
  m.d1_gy = dose_at_volume_percent(dvh, 1);
  m.d0_03cc_gy = dose_at_volume_cc(dvh, 0.03);
  m.d35mm3_gy = dose_at_volume_cc(dvh, 0.035);
  m.homogeneity_index = m.d50_gy > 0 ? (m.d2_gy - m.d98_gy) / m.d50_gy : nan;
  return m;
}

double grid_isodose_volume_cc(const DoseGrid& dose, double dose_gy) {
  std::string why;
  const auto sampler = dvh::DoseSampler::make(dose, why);
  if (!sampler || std::isnan(dose_gy)) return nan;
  const auto& frame_mm3 = sampler->frame_voxel_volume_mm3();
  const std::size_t per_frame = static_cast<std::size_t>(dose.columns) * dose.rows;
  double mm3 = 0;
  for (int f = 0; f < dose.frames; ++f) {
    std::size_t count = 0;
    const float* p = dose.dose.data() + f * per_frame;
    for (std::size_t i = 0; i < per_frame; ++i) count += p[i] >= dose_gy;
    mm3 += static_cast<double>(count) * frame_mm3[f];
  }
  return mm3 / 1000.0;
}

ConformityMetrics conformity_metrics(const RoiDvh& target, double rx_gy, const DoseGrid& dose,
                                     const RoiDvh* external) {
  ConformityMetrics c;
  c.rx_gy = rx_gy;
  c.target_volume_cc = usable(target) ? target.cumulative.volume_cc.front() : nan;
  c.target_covered_cc = volume_at_dose_cc(target, rx_gy);
  if (external && usable(*external)) {
    c.piv_region = "external ROI " + external->roi_name;
    c.piv_cc = volume_at_dose_cc(*external, rx_gy);
    c.piv50_cc = volume_at_dose_cc(*external, 0.5 * rx_gy);
  } else {
    c.piv_region = "whole dose grid";
    c.piv_cc = grid_isodose_volume_cc(dose, rx_gy);
    c.piv50_cc = grid_isodose_volume_cc(dose, 0.5 * rx_gy);
  }
  c.rtog_ci = c.target_volume_cc > 0 ? c.piv_cc / c.target_volume_cc : nan;
  c.paddick_ci = c.target_volume_cc > 0 && c.piv_cc > 0
                     ? c.target_covered_cc * c.target_covered_cc / (c.target_volume_cc * c.piv_cc)
                     : nan;
  c.gradient_index = c.piv_cc > 0 ? c.piv50_cc / c.piv_cc : nan;
  return c;
}

std::optional<double> dvh_metric(const RoiDvh& dvh, std::string_view name, std::optional<double> rx_gy) {
  std::string s;
  for (char ch : name)
    if (ch != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  std::string_view v = s;
  if (v == "dmean" || v == "mean") return usable(dvh) ? dvh.mean_gy : nan;
  if (v == "dmin" || v == "min") return usable(dvh) ? dvh.min_gy : nan;
  if (v == "dmax" || v == "max") return usable(dvh) ? dvh.max_gy : nan;
  if (v.starts_with("geud(a=") && ends_with(v, ")")) {
    const auto a = parse_number(v.substr(7, v.size() - 8));
    if (!a) return std::nullopt;
    return generalized_eud_gy(dvh, *a);
  }
  if (v.size() < 2) return std::nullopt;
  const char kind = v[0];
  v.remove_prefix(1);
  if (kind == 'd') {
    for (auto [suffix, to_cc] : {std::pair<std::string_view, double>{"cc", 1.0}, {"mm3", 0.001}})
      if (ends_with(v, suffix)) {
        const auto x = parse_number(v.substr(0, v.size() - suffix.size()));
        if (!x) return std::nullopt;
        return dose_at_volume_cc(dvh, *x * to_cc);
      }
    if (ends_with(v, "%")) {
      const auto x = parse_number(v.substr(0, v.size() - 1));
      if (!x) return std::nullopt;
      return dose_at_volume_percent(dvh, *x);
    }
    return std::nullopt;
  }
  if (kind == 'v') {
    if (ends_with(v, "%rx")) {
      const auto x = parse_number(v.substr(0, v.size() - 3));
      if (!x || !rx_gy) return std::nullopt;
      return volume_at_dose_percent(dvh, *x / 100.0 * *rx_gy);
    }
    if (ends_with(v, "gy%")) {
      const auto x = parse_number(v.substr(0, v.size() - 3));
      if (!x) return std::nullopt;
      return volume_at_dose_percent(dvh, *x);
    }
    if (ends_with(v, "gy")) {
      const auto x = parse_number(v.substr(0, v.size() - 2));
      if (!x) return std::nullopt;
      return volume_at_dose_cc(dvh, *x);
    }
  }
  return std::nullopt;
}

}  // namespace rtreview
