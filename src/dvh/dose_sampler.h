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

  // The dose and its gradient along patient x, y, z (Gy/mm) at a located point.
  float sample_with_gradient(const AxisHit& x, const AxisHit& y, const AxisHit& z, float& gx, float& gy,
                             float& gz) const {
    const float* d = dose_;
    const std::ptrdiff_t b00 = y.off0 + z.off0, b10 = y.off1 + z.off0, b01 = y.off0 + z.off1,
                         b11 = y.off1 + z.off1;
    const float e00 = d[x.off1 + b00] - d[x.off0 + b00], e10 = d[x.off1 + b10] - d[x.off0 + b10];
    const float e01 = d[x.off1 + b01] - d[x.off0 + b01], e11 = d[x.off1 + b11] - d[x.off0 + b11];
    const float c00 = d[x.off0 + b00] + x.t * e00, c10 = d[x.off0 + b10] + x.t * e10;
    const float c01 = d[x.off0 + b01] + x.t * e01, c11 = d[x.off0 + b11] + x.t * e11;
    const float ex0 = e00 + y.t * (e10 - e00), ex1 = e01 + y.t * (e11 - e01);
    gx = (ex0 + z.t * (ex1 - ex0)) * x.per_mm;
    const float dy0 = c10 - c00, dy1 = c11 - c01;
    gy = (dy0 + z.t * (dy1 - dy0)) * y.per_mm;
    const float c0 = c00 + y.t * dy0, c1 = c01 + y.t * dy1;
    gz = (c1 - c0) * z.per_mm;
    return c0 + z.t * (c1 - c0);
  }

  // Along x at a fixed (y, z) the trilinear dose inside one voxel column is linear in x.t,
  // and so is its gradient: d = d0 + t·dd, gx constant, gy = gy0 + t·dgy, gz = gz0 + t·dgz
  // (Gy and Gy/mm). A scanline computes these once per voxel column instead of per sample.
  struct Cell {
    std::ptrdiff_t off0 = -1;  // x.off0 of the column they are for
    float d0 = 0, dd = 0, gx = 0, gy0 = 0, dgy = 0, gz0 = 0, dgz = 0;
  };
  void cell(const AxisHit& x, const AxisHit& y, const AxisHit& z, Cell& c) const {
    const float* d = dose_;
    const std::ptrdiff_t b00 = y.off0 + z.off0, b10 = y.off1 + z.off0, b01 = y.off0 + z.off1,
                         b11 = y.off1 + z.off1;
    const float a00 = d[x.off0 + b00], a10 = d[x.off0 + b10], a01 = d[x.off0 + b01], a11 = d[x.off0 + b11];
    const float e00 = d[x.off1 + b00] - a00, e10 = d[x.off1 + b10] - a10, e01 = d[x.off1 + b01] - a01,
                e11 = d[x.off1 + b11] - a11;
    const float wy = y.t, wz = z.t;
    const float a0 = a00 + wy * (a10 - a00), a1 = a01 + wy * (a11 - a01);  // c0, c1 at t = 0
    const float f0 = e00 + wy * (e10 - e00), f1 = e01 + wy * (e11 - e01);  // their slopes in t
    c.off0 = x.off0;
    c.d0 = a0 + wz * (a1 - a0);
    c.dd = f0 + wz * (f1 - f0);
    c.gx = c.dd * x.per_mm;
    c.gy0 = ((a10 - a00) + wz * ((a11 - a01) - (a10 - a00))) * y.per_mm;
    c.dgy = ((e10 - e00) + wz * ((e11 - e01) - (e10 - e00))) * y.per_mm;
    c.gz0 = (a1 - a0) * z.per_mm;
    c.dgz = (f1 - f0) * z.per_mm;
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

  const float* dose_ = nullptr;
  Axis axes_[3];
  double min_spacing_mm_ = 1.0;
  float max_dose_ = 0.0f;
  std::vector<double> frame_voxel_mm3_;
};

}  // namespace rtreview::dvh
