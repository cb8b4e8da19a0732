#include "dvh/dose_sampler.h"

#include <algorithm>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cmath>
#include <limits>
#include <numeric>

namespace rtreview::dvh {
namespace {

// The patient axis (0..2) a unit vector runs along and its sign, or -1 when oblique.
int aligned_axis(const Point3& v, int& sign) {
  for (int p = 0; p < 3; ++p)
    if (std::abs(v[p]) >= 1.0 - 1e-3) {
      sign = v[p] > 0 ? 1 : -1;
      return p;
    }
  return -1;
}

// The frame offsets of a consistent grid, or an empty vector and `why`.
std::vector<double> checked_frame_offsets(const DoseGrid& g, std::string& why) {
  if (g.columns <= 0 || g.rows <= 0 || g.frames <= 0) {
    why = "dose grid has no voxels";
    return {};
  }
  const std::size_t count = static_cast<std::size_t>(g.columns) * g.rows * g.frames;
  if (g.dose.size() != count) {
    why = "dose grid holds " + std::to_string(g.dose.size()) + " values for " + std::to_string(count) +
          " voxels";
    return {};
  }
  if (!(g.column_spacing_mm > 0) || !(g.row_spacing_mm > 0) || !std::isfinite(g.column_spacing_mm) ||
      !std::isfinite(g.row_spacing_mm)) {
    why = "dose grid PixelSpacing is missing or not positive";
    return {};
  }
  std::vector<double> frame_offsets = g.frame_offsets_mm;
  if (frame_offsets.empty() && g.frames == 1) frame_offsets = {0.0};
  if (static_cast<int>(frame_offsets.size()) != g.frames) {
    why = "GridFrameOffsetVector has " + std::to_string(frame_offsets.size()) + " values for " +
          std::to_string(g.frames) + " frames";
    return {};
  }
  for (double o : frame_offsets)
    if (!std::isfinite(o)) {
      why = "GridFrameOffsetVector has a non-finite value";
      return {};
    }
  return frame_offsets;
}

// Footprint volume of each frame: its thickness reaches halfway to its neighbours.
std::vector<double> frame_volumes_mm3(const DoseGrid& g, const std::vector<double>& frame_positions,
                                      double thickness_hint) {
  std::vector<double> out(g.frames, g.column_spacing_mm * g.row_spacing_mm * thickness_hint);
  if (g.frames < 2) return out;
  std::vector<int> order(g.frames);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int i, int j) { return frame_positions[i] < frame_positions[j]; });
  for (int k = 0; k < g.frames; ++k) {
    const double below = k > 0 ? frame_positions[order[k]] - frame_positions[order[k - 1]]
                               : frame_positions[order[1]] - frame_positions[order[0]];
    const double above = k + 1 < g.frames ? frame_positions[order[k + 1]] - frame_positions[order[k]] : below;
    out[order[k]] = g.column_spacing_mm * g.row_spacing_mm * 0.5 * (below + above);
  }
  return out;
}

// The largest finite value, at least 0 (NaN and ±inf count as 0). With SSE2, four running
// maxima: maxps(x, m) is exactly x > m ? x : m, and the maximum of finite values does not
// depend on their order, so the result is the same as the plain loop's.
float max_finite(const std::vector<float>& values) {
  const std::size_t n = values.size();
  const float* v = values.data();
  float out = 0.0f;
  std::size_t i = 0;
#if defined(__SSE2__)
  __m128 m = _mm_setzero_ps();
  for (; i + 4 <= n; i += 4) {
    const __m128 x = _mm_loadu_ps(v + i);
    const __m128 finite = _mm_cmpeq_ps(_mm_sub_ps(x, x), _mm_setzero_ps());
    m = _mm_max_ps(_mm_and_ps(finite, x), m);
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, m);
  for (float x : lanes) out = x > out ? x : out;
#endif
  for (; i < n; ++i) {
    const float x = v[i] - v[i] == 0.0f ? v[i] : 0.0f;
    out = x > out ? x : out;
  }
  return out;
}

}  // namespace

bool DoseSampler::locate_sorted(const Axis& a, double coord, AxisHit& hit) {
  if (!(coord >= a.foot_lo_mm && coord <= a.foot_hi_mm)) return false;
  const auto& p = a.sorted_mm;
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p.size());
  std::ptrdiff_t k = std::upper_bound(p.begin(), p.end(), coord) - p.begin() - 1;
  k = std::clamp<std::ptrdiff_t>(k, 0, n - 2);
  const double span = p[k + 1] - p[k];
  hit.off0 = a.sorted_off[k];
  hit.off1 = a.sorted_off[k + 1];
  hit.t = span > 0 ? static_cast<float>(std::clamp((coord - p[k]) / span, 0.0, 1.0)) : 0.0f;
  hit.per_mm = span > 0 ? static_cast<float>(1.0 / span) : 0.0f;
  return true;
}

// One axis from its voxel positions (in array order); returns its typical spacing (mm), or
// +inf when it has none (a single voxel: `single_width_mm` is its footprint).
double DoseSampler::build_axis(Axis& a, const std::vector<double>& pos, std::ptrdiff_t stride,
                               double single_width_mm) {
  a.n = static_cast<int>(pos.size());
  a.stride = stride;
  const double none = std::numeric_limits<double>::infinity();
  if (a.n == 1) {
    a.uniform = true;
    a.first_mm = pos[0];
    a.inv_step = 1.0 / single_width_mm;
    a.lo = -0.5, a.hi = 0.5;
    return none;
  }
  const double step = pos[1] - pos[0];
  bool uniform = step != 0.0;
  for (int k = 2; k < a.n && uniform; ++k)
    uniform = std::abs((pos[k] - pos[k - 1]) - step) <= 1e-4 * std::abs(step) + 1e-5;
  if (uniform) {
    a.uniform = true;
    a.first_mm = pos[0];
    a.inv_step = 1.0 / step;
    a.abs_inv_step = static_cast<float>(std::abs(a.inv_step));
    a.lo = -0.5, a.hi = a.n - 0.5;
    return std::abs(step);
  }
  a.uniform = false;
  std::vector<int> order(a.n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return pos[i] < pos[j]; });
  for (int k : order) {
    a.sorted_mm.push_back(pos[k]);
    a.sorted_off.push_back(k * a.stride);
  }
  const auto& sp = a.sorted_mm;
  a.foot_lo_mm = sp[0] - 0.5 * (sp[1] - sp[0]);
  a.foot_hi_mm = sp[a.n - 1] + 0.5 * (sp[a.n - 1] - sp[a.n - 2]);
  std::vector<double> gaps;
  for (int k = 1; k < a.n; ++k)
    if (sp[k] > sp[k - 1]) gaps.push_back(sp[k] - sp[k - 1]);
  if (gaps.empty()) return none;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return gaps[gaps.size() / 2];
}

std::optional<DoseSampler> DoseSampler::make(const DoseGrid& g, std::string& why) {
  const std::vector<double> frame_offsets = checked_frame_offsets(g, why);
  if (frame_offsets.empty()) return std::nullopt;
  const Point3& r = g.row_direction;
  const Point3& c = g.column_direction;
  const Point3 s{r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
  int sign[3] = {1, 1, 1};
  const int patient_axis_of[3] = {aligned_axis(r, sign[0]), aligned_axis(c, sign[1]),
                                  aligned_axis(s, sign[2])};
  if (patient_axis_of[0] < 0 || patient_axis_of[1] < 0 || patient_axis_of[2] < 0 ||
      patient_axis_of[0] == patient_axis_of[1]) {
    why = "dose grid orientation is not axis-aligned (oblique ImageOrientationPatient)";
    return std::nullopt;
  }

  DoseSampler out;
  out.dose_ = g.dose.data();
  const int n[3] = {g.columns, g.rows, g.frames};
  const std::ptrdiff_t stride[3] = {1, g.columns, static_cast<std::ptrdiff_t>(g.columns) * g.rows};
  const double thickness_hint = g.slice_thickness_mm && *g.slice_thickness_mm > 0
                                    ? *g.slice_thickness_mm
                                    : std::min(g.column_spacing_mm, g.row_spacing_mm);
  const double width[3] = {g.column_spacing_mm, g.row_spacing_mm, thickness_hint};
  double min_spacing = std::min(g.column_spacing_mm, g.row_spacing_mm);
  std::vector<double> frame_positions;
  for (int ga = 0; ga < 3; ++ga) {
    const int p = patient_axis_of[ga];
    std::vector<double> pos(n[ga]);
    for (int k = 0; k < n[ga]; ++k) {
      const double offset = ga == 2 ? frame_offsets[k] : k * width[ga];
      pos[k] = g.origin_mm[p] + sign[ga] * offset;
    }
    const double spacing = build_axis(out.axes_[p], pos, stride[ga], width[ga]);
    // In-plane spacings count as given; the frame axis only where it has a spacing.
    if (ga == 2) {
      min_spacing = std::min(min_spacing, spacing);
      frame_positions = std::move(pos);
    }
  }
  out.min_spacing_mm_ = min_spacing;
  out.frame_voxel_mm3_ = frame_volumes_mm3(g, frame_positions, thickness_hint);
  out.max_dose_ = max_finite(g.dose);
  return out;
}

}  // namespace rtreview::dvh
