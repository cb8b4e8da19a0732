// A dose grid whose truth is a closed form, shared by the analytic DVH tests.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

#include "rtreview/model.h"

namespace rtreview::test {

enum class DoseAxis { y, z };

// A cube from -half_mm to +half_mm on every axis with voxels of `grid_mm`, in Gy, whose dose
// rises 1 Gy/mm along y (AP) or z (SI) and is `centre_dose_gy` at `centre`.
inline DoseGrid linear_dose_cube(double grid_mm, DoseAxis axis, const std::array<double, 3>& centre,
                                 double centre_dose_gy, double half_mm = 40.0) {
  DoseGrid g;
  const int n = static_cast<int>(std::lround(2 * half_mm / grid_mm)) + 1;
  g.columns = g.rows = g.frames = n;
  g.origin_mm = {-half_mm, -half_mm, -half_mm};
  g.row_spacing_mm = g.column_spacing_mm = grid_mm;
  for (int f = 0; f < n; ++f) g.frame_offsets_mm.push_back(f * grid_mm);
  g.units = "GY";
  g.dose.resize(static_cast<std::size_t>(n) * n * n);
  for (int f = 0; f < n; ++f)
    for (int r = 0; r < n; ++r)
      for (int col = 0; col < n; ++col) {
        const double y = -half_mm + r * grid_mm, z = -half_mm + f * grid_mm;
        const double d = centre_dose_gy + (axis == DoseAxis::y ? y - centre[1] : z - centre[2]);
        g.dose[(static_cast<std::size_t>(f) * n + r) * n + col] = static_cast<float>(d);
      }
  return g;
}

}  // namespace rtreview::test
