// Dose-volume histograms: rasterise each ROI's closed planar contours into
// supersampled points, interpolate the dose trilinearly at each, and summarise.
//
// End caps: by default each contour plane is a slab one contour-spacing thick
// (±½ spacing around the plane); EndCaps::none clips the ROI to the range from
// its first to its last contour plane.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rtreview/model.h"

namespace rtreview {

enum class EndCaps { half_slab, none };

struct DvhOptions {
  EndCaps end_caps = EndCaps::half_slab;
  double bin_width_gy = 0.001;          // cumulative curve resolution (<= 1 cGy)
  int threads = 0;                      // 0: hardware concurrency
  std::optional<int> inplane_supersampling;   // samples per voxel edge; default: chosen per ROI
  std::optional<int> slab_supersampling;      // sub-slabs per contour slab; default: chosen per ROI
  std::vector<std::string> roi_names;   // empty: every ROI with closed contours
};

// A cumulative DVH: volume_cc[i] is the volume receiving at least dose_gy[i].
struct DvhCurve {
  std::vector<double> dose_gy;
  std::vector<double> volume_cc;
};

struct RoiDvh {
  int roi_number = 0;
  std::string roi_name;
  bool computed = false;
  std::string not_computed_reason;      // when !computed: "no closed contours", "outside dose grid", ...
  double volume_cc = 0.0;               // contoured volume (end-cap convention applied)
  double volume_in_grid_cc = 0.0;       // part of it inside the dose grid (the DVH is over this part)
  double volume_outside_grid_cc = 0.0;
  double min_gy = 0.0, mean_gy = 0.0, max_gy = 0.0;
  std::string dose_units;               // the dose grid's units (GY or RELATIVE)
  DvhCurve cumulative;                  // dose_gy ascending from 0, volume_cc descending
  DvhCurve differential;                // volume_cc per bin starting at dose_gy[i]
  long sample_count = 0;
};

// Computes the DVH of every ROI (or those named in options.roi_names) over one dose
// grid. The dose is parsed once and shared; ROIs are spread over threads. ROIs
// without closed contours are returned with computed == false and a reason.
std::vector<RoiDvh> compute_dvhs(const StructureSet& structure_set, const DoseGrid& dose,
                                 const DvhOptions& options = {});

// Metrics, all by linear interpolation on the cumulative curve (never nearest bin).
// Each returns NaN when the DVH was not computed or has no volume.
double dose_at_volume_percent(const RoiDvh& dvh, double volume_percent);  // D{x}% in Gy
double dose_at_volume_cc(const RoiDvh& dvh, double volume_cc);            // D{x}cc in Gy
double volume_at_dose_cc(const RoiDvh& dvh, double dose_gy);              // V{x}Gy in cc
double volume_at_dose_percent(const RoiDvh& dvh, double dose_gy);         // V{x}Gy in % of volume_in_grid
double generalized_eud_gy(const RoiDvh& dvh, double a);                   // gEUD with parameter a

}  // namespace rtreview
