// Private to src/samples: a plausible planned dose synthesised from the structures
// (no physics): a sigmoid falloff with distance from the target surface, a low-dose
// bath inside the BODY, OAR sparing, and nothing outside the BODY.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtreview/model.h"

namespace rtreview::samples::detail {

// Axis-aligned grid (IOP 1\0\0\0\1\0): voxel (i, j, k) centre = origin + (i·dx, j·dy, k·dz).
struct GridSpec {
  Point3 origin_mm{};
  int columns = 0, rows = 0, frames = 0;
  double dx_mm = 0, dy_mm = 0, dz_mm = 0;
  std::size_t size() const { return static_cast<std::size_t>(columns) * rows * frames; }
};

struct OarSparing {
  std::string roi_name;
  double strength = 0.0;  // fraction of the out-of-target dose removed inside the OAR
};

struct DoseSpec {
  std::string target_roi;
  std::string body_roi = "BODY";
  double prescription_gy = 0.0;
  double falloff_d50_mm = 10.0;   // distance outside the target where dose is halfway to the bath
  double falloff_width_mm = 3.0;  // sigmoid width
  double bath_near = 0.30;        // bath (fraction of Rx) at the target surface, decaying ...
  double bath_length_mm = 35.0;   // ... with this length
  double bath_floor = 0.03;       // fraction of Rx anywhere inside BODY
  Point3 hotspot_mm{};            // centre of a +2.5 % hot spot inside the target
  std::vector<OarSparing> sparing;
};

// A grid covering `roi`'s contours with one voxel of margin, in-plane origin on a multiple
// of the spacing; z from the ROI's first to last contour plane in steps of dz_mm.
GridSpec grid_covering(const Roi& roi, double dxy_mm, double dz_mm);

// Dose in Gy at every voxel of `grid` (index (k·rows + j)·columns + i).
std::vector<double> synthesize_dose_gy(const StructureSet& structure_set, const GridSpec& grid,
                                       const DoseSpec& spec);

// 1 inside `roi` (even-odd over the contours of the nearest plane within dz/2), else 0.
std::vector<std::uint8_t> rasterize(const Roi& roi, const GridSpec& grid);

// Trilinear resampling of `values` on `from` at the voxel centres of `to` (0 outside `from`).
std::vector<double> resample(const GridSpec& from, const std::vector<double>& values, const GridSpec& to);

// The RT Dose object: values quantised to `bits` (16 or 32, unsigned) with `scaling_gy`.
DoseGrid make_dose_grid(const GridSpec& grid, const std::vector<double>& dose_gy, int bits, double scaling_gy,
                        const ObjectInfo& info, const std::string& plan_uid, const std::string& comment);

}  // namespace rtreview::samples::detail
