// Synthetic dose: signed distance to the target (exact Euclidean distance transform of
// the rasterised target, Felzenszwalb & Huttenlocher), then a closed-form dose profile.
#include "dose_synth.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "phantom.h"

namespace rtreview::samples::detail {
namespace {

constexpr double far_sq = 1e20;  // "infinite" squared distance that stays finite in arithmetic

const Roi& roi_named(const StructureSet& ss, const std::string& name) {
  for (const auto& roi : ss.rois)
    if (roi.name == name) return roi;
  throw std::logic_error("sample dose: no ROI named " + name);
}

// 1-D squared distance transform of f (sampled every `step` mm) into d.
void distance_1d(const std::vector<double>& f, int n, double step, std::vector<double>& d,
                 std::vector<int>& v, std::vector<double>& z) {
  int k = 0;
  v[0] = 0;
  z[0] = -std::numeric_limits<double>::infinity();
  z[1] = std::numeric_limits<double>::infinity();
  auto intersection = [&](int q, int p) {
    return ((f[q] + (q * step) * (q * step)) - (f[p] + (p * step) * (p * step))) / (2.0 * step * (q - p));
  };
  for (int q = 1; q < n; ++q) {
    double s = intersection(q, v[k]);
    while (s <= z[k]) s = intersection(q, v[--k]);  // stops at k = 0: z[0] is -inf
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = std::numeric_limits<double>::infinity();
  }
  k = 0;
  for (int q = 0; q < n; ++q) {
    while (z[k + 1] < q * step) ++k;
    const double dq = (q - v[k]) * step;
    d[q] = dq * dq + f[v[k]];
  }
}

// Euclidean distance (mm) from each voxel centre to the nearest voxel with mask == target.
std::vector<double> distance_to(const std::vector<std::uint8_t>& mask, std::uint8_t target,
                                const GridSpec& g) {
  std::vector<double> sq(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i) sq[i] = mask[i] == target ? 0.0 : far_sq;
  const int n_max = std::max({g.columns, g.rows, g.frames});
  std::vector<double> f(n_max), d(n_max), z(n_max + 1);
  std::vector<int> v(n_max);
  auto pass = [&](int n, double step, std::size_t stride, auto start_indices) {
    for (std::size_t base : start_indices) {
      for (int q = 0; q < n; ++q) f[q] = sq[base + q * stride];
      distance_1d(f, n, step, d, v, z);
      for (int q = 0; q < n; ++q) sq[base + q * stride] = std::min(d[q], far_sq);
    }
  };
  const std::size_t plane = static_cast<std::size_t>(g.columns) * g.rows;
  std::vector<std::size_t> starts;
  for (int k = 0; k < g.frames; ++k)
    for (int j = 0; j < g.rows; ++j) starts.push_back(k * plane + static_cast<std::size_t>(j) * g.columns);
  pass(g.columns, g.dx_mm, 1, starts);
  starts.clear();
  for (int k = 0; k < g.frames; ++k)
    for (int i = 0; i < g.columns; ++i) starts.push_back(k * plane + i);
  pass(g.rows, g.dy_mm, g.columns, starts);
  starts.clear();
  for (std::size_t p = 0; p < plane; ++p) starts.push_back(p);
  pass(g.frames, g.dz_mm, plane, starts);
  std::vector<double> out(sq.size());
  for (std::size_t i = 0; i < sq.size(); ++i) out[i] = sq[i] >= far_sq ? 1e10 : std::sqrt(sq[i]);
  return out;
}

// Signed distance to the ROI surface (mm): negative inside; surface taken half a voxel out.
std::vector<double> signed_distance(const std::vector<std::uint8_t>& mask, const GridSpec& g) {
  const double half = 0.5 * std::min({g.dx_mm, g.dy_mm, g.dz_mm});
  const auto to_inside = distance_to(mask, 1, g);
  const auto to_outside = distance_to(mask, 0, g);
  std::vector<double> out(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i)
    out[i] = mask[i] ? -(to_outside[i] - half) : to_inside[i] - half;
  return out;
}

}  // namespace

GridSpec grid_covering(const Roi& roi, double dxy_mm, double dz_mm) {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9, z0 = 1e9, z1 = -1e9;
  for (const auto& c : roi.contours)
    for (const auto& p : c.points_mm) {
      x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]);
      y0 = std::min(y0, p[1]), y1 = std::max(y1, p[1]);
      z0 = std::min(z0, p[2]), z1 = std::max(z1, p[2]);
    }
  GridSpec g;
  g.dx_mm = g.dy_mm = dxy_mm;
  g.dz_mm = dz_mm;
  const double gx0 = dxy_mm * (std::floor(x0 / dxy_mm) - 1), gx1 = dxy_mm * (std::ceil(x1 / dxy_mm) + 1);
  const double gy0 = dxy_mm * (std::floor(y0 / dxy_mm) - 1), gy1 = dxy_mm * (std::ceil(y1 / dxy_mm) + 1);
  g.origin_mm = {gx0, gy0, z0};
  g.columns = static_cast<int>(std::lround((gx1 - gx0) / dxy_mm)) + 1;
  g.rows = static_cast<int>(std::lround((gy1 - gy0) / dxy_mm)) + 1;
  g.frames = static_cast<int>(std::lround((z1 - z0) / dz_mm)) + 1;
  return g;
}

std::vector<std::uint8_t> rasterize(const Roi& roi, const GridSpec& g) {
  std::map<long, std::vector<const Contour*>> planes;  // z in 0.01 mm → contours
  for (const auto& c : roi.contours)
    if (c.geometric_type == "CLOSED_PLANAR" && c.points_mm.size() >= 3)
      planes[std::lround(c.points_mm[0][2] * 100.0)].push_back(&c);
  std::vector<std::uint8_t> mask(g.size(), 0);
  std::vector<double> xs;
  for (int k = 0; k < g.frames; ++k) {
    const double z = g.origin_mm[2] + k * g.dz_mm;
    const Contour* nearest_first = nullptr;
    long best_key = 0;
    double best = 0.5 * g.dz_mm + 1e-6;
    for (const auto& [key, contours] : planes) {
      const double dz = std::abs(key / 100.0 - z);
      if (dz < best) best = dz, best_key = key, nearest_first = contours.front();
    }
    if (!nearest_first) continue;
    const auto& contours = planes[best_key];
    for (int j = 0; j < g.rows; ++j) {
      const double y = g.origin_mm[1] + j * g.dy_mm;
      xs.clear();
      for (const Contour* c : contours) {
        const auto& pts = c->points_mm;
        for (std::size_t a = 0, b = pts.size() - 1; a < pts.size(); b = a++) {
          const auto& p = pts[a];
          const auto& q = pts[b];
          if ((p[1] > y) != (q[1] > y)) xs.push_back(p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]));
        }
      }
      std::sort(xs.begin(), xs.end());
      std::uint8_t* row = &mask[(static_cast<std::size_t>(k) * g.rows + j) * g.columns];
      for (std::size_t s = 0; s + 1 < xs.size(); s += 2) {
        const int i0 = std::max(0, static_cast<int>(std::ceil((xs[s] - g.origin_mm[0]) / g.dx_mm)));
        const int i1 =
            std::min(g.columns - 1, static_cast<int>(std::floor((xs[s + 1] - g.origin_mm[0]) / g.dx_mm)));
        for (int i = i0; i <= i1; ++i) row[i] ^= 1;
      }
    }
  }
  return mask;
}

std::vector<double> synthesize_dose_gy(const StructureSet& ss, const GridSpec& g, const DoseSpec& spec) {
  const auto body = rasterize(roi_named(ss, spec.body_roi), g);
  const auto target_distance = signed_distance(rasterize(roi_named(ss, spec.target_roi), g), g);
  std::vector<std::vector<double>> oar_distance;
  for (const auto& s : spec.sparing)
    oar_distance.push_back(distance_to(rasterize(roi_named(ss, s.roi_name), g), 1, g));

  std::vector<double> dose(g.size(), 0.0);
  for (int k = 0; k < g.frames; ++k)
    for (int j = 0; j < g.rows; ++j)
      for (int i = 0; i < g.columns; ++i) {
        const std::size_t n = (static_cast<std::size_t>(k) * g.rows + j) * g.columns + i;
        if (!body[n]) continue;
        const double x = g.origin_mm[0] + i * g.dx_mm, y = g.origin_mm[1] + j * g.dy_mm,
                     z = g.origin_mm[2] + k * g.dz_mm;
        const double d = target_distance[n];
        const double in_core = smoothstep(0.0, 6.0, -d);
        const double hx = x - spec.hotspot_mm[0], hy = y - spec.hotspot_mm[1], hz = z - spec.hotspot_mm[2];
        const double high = 1.0 + 0.035 * smoothstep(0.0, 15.0, -d) +
                            in_core * (0.012 * std::sin(0.21 * x + 0.5) * std::sin(0.17 * y + 1.1) *
                                           std::sin(0.13 * z + 0.3) +
                                       0.025 * std::exp(-(hx * hx + hy * hy + hz * hz) / 128.0));
        const double sigmoid = 1.0 / (1.0 + std::exp((d - spec.falloff_d50_mm) / spec.falloff_width_mm));
        const double bath =
            spec.bath_near * std::exp(-std::max(d, 0.0) / spec.bath_length_mm) + spec.bath_floor;
        double f = sigmoid * high + (1.0 - sigmoid) * bath;
        const double outside_target = smoothstep(2.0, 10.0, d);
        for (std::size_t o = 0; o < spec.sparing.size(); ++o)
          f *= 1.0 - spec.sparing[o].strength * outside_target * std::exp(-oar_distance[o][n] / 4.0);
        dose[n] = f * spec.prescription_gy;
      }
  return dose;
}

std::vector<double> resample(const GridSpec& from, const std::vector<double>& values, const GridSpec& to) {
  std::vector<double> out(to.size(), 0.0);
  auto axis = [](double pos, double origin, double step, int count, int& i0, double& w) {
    const double f = (pos - origin) / step;
    if (f < -1e-9 || f > count - 1 + 1e-9) return false;
    i0 = std::clamp(static_cast<int>(std::floor(f)), 0, std::max(0, count - 2));
    w = std::clamp(f - i0, 0.0, 1.0);
    if (count == 1) w = 0.0;
    return true;
  };
  auto at = [&](int i, int j, int k) {
    i = std::min(i, from.columns - 1), j = std::min(j, from.rows - 1), k = std::min(k, from.frames - 1);
    return values[(static_cast<std::size_t>(k) * from.rows + j) * from.columns + i];
  };
  for (int k = 0; k < to.frames; ++k)
    for (int j = 0; j < to.rows; ++j)
      for (int i = 0; i < to.columns; ++i) {
        int i0, j0, k0;
        double wx, wy, wz;
        if (!axis(to.origin_mm[0] + i * to.dx_mm, from.origin_mm[0], from.dx_mm, from.columns, i0, wx) ||
            !axis(to.origin_mm[1] + j * to.dy_mm, from.origin_mm[1], from.dy_mm, from.rows, j0, wy) ||
            !axis(to.origin_mm[2] + k * to.dz_mm, from.origin_mm[2], from.dz_mm, from.frames, k0, wz))
          continue;
        double v = 0;
        for (int c = 0; c < 8; ++c) {
          const int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
          const double w = (di ? wx : 1 - wx) * (dj ? wy : 1 - wy) * (dk ? wz : 1 - wz);
          if (w > 0) v += w * at(i0 + di, j0 + dj, k0 + dk);
        }
        out[(static_cast<std::size_t>(k) * to.rows + j) * to.columns + i] = v;
      }
  return out;
}

DoseGrid make_dose_grid(const GridSpec& g, const std::vector<double>& dose_gy, int bits, double scaling_gy,
                        const ObjectInfo& info, const std::string& plan_uid, const std::string& comment) {
  DoseGrid dose;
  dose.info = info;
  dose.columns = g.columns;
  dose.rows = g.rows;
  dose.frames = g.frames;
  dose.origin_mm = g.origin_mm;
  dose.row_spacing_mm = g.dy_mm;
  dose.column_spacing_mm = g.dx_mm;
  for (int k = 0; k < g.frames; ++k) dose.frame_offsets_mm.push_back(std::round(k * g.dz_mm * 100.0) / 100.0);
  dose.slice_thickness_mm = g.dz_mm;
  dose.units = "GY";
  dose.dose_type = "PHYSICAL";
  dose.summation_type = "PLAN";
  dose.comment = comment;
  dose.dose_grid_scaling = scaling_gy;
  dose.bits_allocated = bits;
  dose.pixel_signed = false;
  dose.referenced_plan_uid = plan_uid;
  // Store exactly what the file will hold (stored integer × scaling), so the model and
  // a read-back agree to float precision.
  const double max_stored = bits == 16 ? 65535.0 : 4294967295.0;
  dose.dose.resize(dose_gy.size());
  for (std::size_t i = 0; i < dose_gy.size(); ++i) {
    const double stored = std::clamp(std::round(dose_gy[i] / scaling_gy), 0.0, max_stored);
    dose.dose[i] = static_cast<float>(stored * scaling_gy);
  }
  return dose;
}

}  // namespace rtreview::samples::detail
