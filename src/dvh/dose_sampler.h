// Internal: trilinear dose lookup at patient coordinates for an axis-aligned dose grid
// (any of the 48 axis-aligned orientations, uniform or non-uniform frame offsets).
// Each patient axis maps to one grid axis, so a lookup factors into three 1D locates,
// which the DVH engine hoists out of its inner loop (z per sub-slab, y per scanline).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rtreview/model.h"

namespace rtreview::dvh {

// Where a coordinate falls along one axis: the two neighbouring voxel planes (as offsets
// into the dose array) and the weight of the second.
struct AxisHit {
  std::ptrdiff_t off0 = 0, off1 = 0;
  float t = 0.0f;
  float per_mm = 0.0f;  // |dt/dx|: 1 / distance between the two voxel planes (0 on a 1-voxel axis)
};

class DoseSampler {
 public:
  // nullopt (and `why`) when the grid is empty, inconsistent or oblique.
  static std::optional<DoseSampler> make(const DoseGrid& dose, std::string& why);

  // Locates a patient coordinate along patient axis 0 (x), 1 (y) or 2 (z); false when it is
  // outside the voxels' footprint. Inside the outer half voxel the dose is the face's.
  bool locate(int patient_axis, double coord_mm, AxisHit& hit) const {
    const Axis& a = axes_[patient_axis];
    if (a.uniform) {
      const double c = (coord_mm - a.first_mm) * a.inv_step;
      if (!(c >= a.lo && c <= a.hi)) return false;  // also rejects NaN
      if (a.n == 1) {
        hit = {0, 0, 0.0f, 0.0f};
        return true;
      }
      double cc = c < 0 ? 0 : (c > a.n - 1 ? a.n - 1 : c);
      int i0 = static_cast<int>(cc);
      if (i0 > a.n - 2) i0 = a.n - 2;
      hit.off0 = i0 * a.stride;
      hit.off1 = hit.off0 + a.stride;
      hit.t = static_cast<float>(cc - i0);
      hit.per_mm = a.abs_inv_step;
      return true;
    }
    return locate_sorted(a, coord_mm, hit);
  }

  float sample(const AxisHit& x, const AxisHit& y, const AxisHit& z) const {
    const float* d = dose_;
    const std::ptrdiff_t b00 = y.off0 + z.off0, b10 = y.off1 + z.off0, b01 = y.off0 + z.off1,
                         b11 = y.off1 + z.off1;
    const float c00 = d[x.off0 + b00] + x.t * (d[x.off1 + b00] - d[x.off0 + b00]);
    const float c10 = d[x.off0 + b10] + x.t * (d[x.off1 + b10] - d[x.off0 + b10]);
    const float c01 = d[x.off0 + b01] + x.t * (d[x.off1 + b01] - d[x.off0 + b01]);
    const float c11 = d[x.off0 + b11] + x.t * (d[x.off1 + b11] - d[x.off0 + b11]);
    const float c0 = c00 + y.t * (c10 - c00);
    const float c1 = c01 + y.t * (c11 - c01);
    return c0 + z.t * (c1 - c0);
  }

  // Along x at a fixed located (y, z) the dose is bilinear in (y, z) at each x voxel plane
  // and linear in x between planes, and so are its y and z derivatives. A scanline fixes
  // the weights once (Row), evaluates each voxel plane it passes once (Node), and
  // interpolates between the two planes around each sample.
  struct Row {
    std::ptrdiff_t b00 = 0, b10 = 0, b01 = 0, b11 = 0;
    float ty = 0, tz = 0, sy = 0, sz = 0;  // weights along y, z; ky, kz per voxel step
  };
  struct Node {
    float d = 0, gy = 0, gz = 0;  // dose (Gy), ky · ∂d/∂y, kz · ∂d/∂z (∂ per mm)
  };
  Row row(const AxisHit& y, const AxisHit& z, float ky, float kz) const {
    return {y.off0 + z.off0, y.off1 + z.off0, y.off0 + z.off1, y.off1 + z.off1, y.t, z.t,
            ky * y.per_mm,   kz * z.per_mm};
  }
  // Interpolated as differences (a + t·(b − a)), so a uniform dose stays exactly uniform.
  Node node(const Row& r, std::ptrdiff_t x_off) const {
    const float* d = dose_ + x_off;
    return node_of(r, d[r.b00], d[r.b10], d[r.b01], d[r.b11]);
  }
  // The node from the four voxel values around it (for loops that read them themselves).
  static Node node_of(const Row& r, float v00, float v10, float v01, float v11) {
    const float e0 = v10 - v00, e1 = v11 - v01;
    const float c0 = v00 + r.ty * e0, c1 = v01 + r.ty * e1;
    return {c0 + r.tz * (c1 - c0), (e0 + r.tz * (e1 - e0)) * r.sy, (c1 - c0) * r.sz};
  }
  const float* dose_data() const { return dose_; }

  // A uniform axis with at least two voxels, as locate() sees it: continuous index
  // c = (coord − first) · inv_step, inside for lo ≤ c ≤ hi. For loops that locate many
  // coordinates of one line at once (the DVH's scanlines) with locate()'s exact arithmetic.
  struct Uniform {
    double first_mm = 0, inv_step = 1, lo = 0, hi = 0;
    int n = 2;
    std::ptrdiff_t stride = 1;
    float per_mm = 0;
  };
  // nullopt when the axis is non-uniform or has a single voxel.
  std::optional<Uniform> uniform(int patient_axis) const {
    const Axis& a = axes_[patient_axis];
    if (!a.uniform || a.n < 2) return std::nullopt;
    return Uniform{a.first_mm, a.inv_step, a.lo, a.hi, a.n, a.stride, a.abs_inv_step};
  }

  double min_spacing_mm() const { return min_spacing_mm_; }
  float max_dose() const { return max_dose_; }
  // Footprint volume (mm³) of each frame's voxels, indexed by frame.
  const std::vector<double>& frame_voxel_volume_mm3() const { return frame_voxel_mm3_; }

 private:
  struct Axis {
    bool uniform = true;
    int n = 1;
    std::ptrdiff_t stride = 1;
    double first_mm = 0.0, inv_step = 1.0;  // uniform: continuous index = (x − first) · inv_step
    float abs_inv_step = 1.0f;
    double lo = -0.5, hi = 0.5;              // uniform: footprint in continuous index
    std::vector<double> sorted_mm;           // non-uniform: voxel positions ascending
    std::vector<std::ptrdiff_t> sorted_off;  //   and their offsets into the dose array
    double foot_lo_mm = 0.0, foot_hi_mm = 0.0;
  };
  static bool locate_sorted(const Axis& a, double coord_mm, AxisHit& hit);
  static double build_axis(Axis& a, const std::vector<double>& pos_mm, std::ptrdiff_t stride,
                           double single_width_mm);

  const float* dose_ = nullptr;
  Axis axes_[3];
  double min_spacing_mm_ = 1.0;
  float max_dose_ = 0.0f;
  std::vector<double> frame_voxel_mm3_;
};

}  // namespace rtreview::dvh
