// Dose-volume histograms: rasterise each ROI's closed planar contours into
// supersampled points, interpolate the dose trilinearly at each, and summarise.
//
// Sampling: each contour plane's region (parity of its contours) is scan-filled on a
// lattice of spacing h, and its slab is cut into sub-slabs no thicker than h; h is chosen
// per ROI for about 250 k samples, but no coarser than the finest dose voxel spacing or
// 1/16 of the ROI's thinnest extent, and no finer than 2 M samples allow. Each plane's
// samples are scaled to its exact polygon area, so prisms of equal contours are exact.
// Between planes (default) the shape is interpolated: a point is inside at height t between
// planes a and b when (1 − t)·d_a + t·d_b > 0 (d: in-plane signed distance to each plane's
// contours), so a contour shrinking towards a pole becomes a frustum, not two prisms.
// Ends are closed by the trend of the end contours: an end whose contour is not smaller
// than its neighbour is flat, half a spacing beyond the plane (grown by the trend if the
// contours grow outwards, as at a cone's base); an end whose contours shrink is rounded:
// the end contour is eroded as the inradius² extrapolated (quadratic through the last
// three planes) falls to zero, within one spacing. EndCaps::none clips at the end planes.
// interpolate_between_planes = false: each plane is a prism slab (geometry.h convention).
// Dmin and Dmax also take the dose on the boundary: contour vertices and edges on every
// contour plane, flat end faces, and the interpolated and rounded surfaces' lattice points.
// Dose grid: any axis-aligned orientation, non-uniform or descending GridFrameOffsetVector.
// A sample is inside the grid when it lies within the voxels' footprint (the voxel-centre
// box grown by half a voxel; the dose there is the nearest face's). Other samples count to
// volume_outside_grid_cc and are not in the DVH.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/geometry.h"
#include "rtreview/limits.h"
#include "rtreview/model.h"

namespace rtreview {

struct DvhOptions {
  // half_slab: ends closed by the shape's trend (see above); none: clipped at the end planes.
  EndCaps end_caps = EndCaps::half_slab;
  // true: the shape between contour planes is interpolated (signed distance) and ends are
  // closed by trend; false: each plane is a prism slab ±½ spacing (the rasteriser alone).
  bool interpolate_between_planes = true;
  double bin_width_gy =
      0.01;         // curve resolution (1 cGy; widened only past 1 M bins); Dx/Vx interpolate within bins
  int threads = 0;  // 0: hardware concurrency; results do not depend on it
  std::optional<double> sample_spacing_mm;   // override the per-ROI lattice spacing h
  std::optional<int> inplane_supersampling;  // h = finest voxel spacing / this (overrides the per-ROI choice)
  std::optional<int> slab_supersampling;     // sub-slabs per contour slab (default: slab thickness / h)
  std::vector<std::string> roi_names;        // empty: every ROI with closed contours
  // Work budget in lattice points (rtreview/limits.h), checked before sampling: an ROI past
  // either is not computed, its reason naming the structure set file and the limit.
  std::uint64_t max_points_per_roi = InputLimits{}.max_dvh_points_per_roi;
  std::uint64_t max_points_per_structure_set = InputLimits{}.max_dvh_points_per_structure_set;
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
  std::string not_computed_reason;  // when !computed: "no closed contours", "outside dose grid", ...
  double volume_cc = 0.0;           // contoured volume (end-cap convention applied)
  double volume_in_grid_cc = 0.0;   // part of it inside the dose grid (the DVH is over this part)
  double volume_outside_grid_cc = 0.0;
  double min_gy = 0.0, mean_gy = 0.0, max_gy = 0.0;  // over the samples inside the grid
  std::string dose_units;                            // the dose grid's units (GY or RELATIVE)
  DvhCurve cumulative;    // dose_gy ascending from 0 in bin steps, volume_cc descending
  DvhCurve differential;  // volume_cc in [dose_gy[i], dose_gy[i] + bin)
  long sample_count = 0;
  double sample_spacing_mm = 0.0;  // lattice spacing h used
  double bin_width_gy = 0.0;
};

// Computes the DVH of every ROI (or those named in options.roi_names) over one dose
// grid. The dose is shared; ROIs (and plane chunks of big ROIs) are spread over threads.
// ROIs without closed contours are returned with computed == false and a reason.
// Order: the structure set's ROI order. Never throws on bad geometry.
std::vector<RoiDvh> compute_dvhs(const StructureSet& structure_set, const DoseGrid& dose,
                                 const DvhOptions& options = {});

// The sampling work compute_dvhs plans for each selected ROI (its order), in lattice points,
// as checked against the budget in `options`; 0 for an ROI it would not compute anyway.
std::vector<std::uint64_t> planned_dvh_points(const StructureSet& structure_set, const DoseGrid& dose,
                                              const DvhOptions& options = {});

// Metrics, all by linear interpolation on the cumulative curve (never nearest bin).
// Each returns NaN when the DVH was not computed or has no volume in the grid.
double dose_at_volume_percent(const RoiDvh& dvh, double volume_percent);  // D{x}% in Gy (% of volume_in_grid)
double dose_at_volume_cc(const RoiDvh& dvh, double volume_cc);     // D{x}cc in Gy; NaN if x > volume_in_grid
double volume_at_dose_cc(const RoiDvh& dvh, double dose_gy);       // V{x}Gy in cc
double volume_at_dose_percent(const RoiDvh& dvh, double dose_gy);  // V{x}Gy in % of volume_in_grid
double generalized_eud_gy(const RoiDvh& dvh, double a);  // (Σ vᵢ/V · Dᵢᵃ)^(1/a) over bin centres

// The metrics users expect for any ROI (ICRU 83/91). NaN where undefined.
struct DvhMetrics {
  double volume_cc = 0, volume_in_grid_cc = 0;
  double min_gy = 0, mean_gy = 0, max_gy = 0;
  double d98_gy = 0, d95_gy = 0, d50_gy = 0, d2_gy = 0;
  double d99_gy = 0, d5_gy = 0, d1_gy = 0;  // the analytic benchmark's near-min and near-max set
  double d0_03cc_gy = 0;                    // near-max for OARs (ICRU 91)
  double d35mm3_gy = 0;                     // near-max for targets < 2 cc (ICRU 91); computed for every ROI
  double homogeneity_index = 0;             // ICRU 83: (D2% − D98%) / D50%
};
DvhMetrics standard_metrics(const RoiDvh& dvh);

// Conformity of a target to a prescription dose Rx.
// PIV (prescription isodose volume) is the volume receiving ≥ Rx inside the external
// ROI when one is given (its DVH: V_Rx), else in the whole dose grid (voxel footprints).
struct ConformityMetrics {
  double rx_gy = 0;
  double target_volume_cc = 0;      // in grid
  double target_covered_cc = 0;     // TV ∩ PIV: target volume ≥ Rx
  double piv_cc = 0, piv50_cc = 0;  // ≥ Rx, ≥ Rx/2
  std::string piv_region;           // "external ROI <name>" or "whole dose grid"
  double rtog_ci = 0;               // PIV / TV
  double paddick_ci = 0;            // (TV∩PIV)² / (TV × PIV)
  double gradient_index = 0;        // PIV50 / PIV
};
ConformityMetrics conformity_metrics(const RoiDvh& target, double rx_gy, const DoseGrid& dose,
                                     const RoiDvh* external = nullptr);

// Volume in cc of the dose grid's voxels (footprints) whose dose is ≥ dose_gy.
double grid_isodose_volume_cc(const DoseGrid& dose, double dose_gy);

// One metric by name, for constraint evaluation: "Dmean", "Dmin", "Dmax", "D95%", "D2cc",
// "D0.03cc", "V20Gy" (cc), "V20Gy%" (% volume), "V95%Rx" (% volume at 95 % of rx_gy),
// "gEUD(a=8)". Returns nullopt when the name is not understood (or needs rx_gy and has none).
std::optional<double> dvh_metric(const RoiDvh& dvh, std::string_view name,
                                 std::optional<double> rx_gy = std::nullopt);

// Ours vs the DVH stored in the RT Dose (DVHSequence) for one ROI.
struct FileDvhComparison {
  int roi_number = 0;
  std::string roi_name;
  bool comparable = false;
  std::string note;                // quirks met: bin count mismatch, PERCENT volumes, differential, ...
  bool volume_in_percent = false;  // the file's volumes were PERCENT: volumes below are % too
  struct Metric {
    std::string name;  // volume_in_grid_cc (or volume_percent), volume_cc (whole ROI), mean_gy, max_gy,
                       // min_gy, d98_gy, d95_gy, d90_gy, d50_gy, d2_gy
    double ours = 0, theirs = 0;
  };
  std::vector<Metric> metrics;
  double max_curve_difference_percent =
      0;  // max over dose of |V_ours − V_theirs|, % of the file's total volume
  double max_curve_difference_at_gy = 0;
  // Tolerance (FileDvhTolerance): each point of the file's curve passes when our volume at
  // its dose is within volume_percent, or our dose at its volume within dose_percent.
  bool within_tolerance = false;      // comparable and every point passes
  double points_passing_percent = 0;  // of the file's curve points
  double worst_point_dose_gy = 0;     // the file point furthest out of tolerance (or closest to it)
  double worst_point_score = 0;       // min(ΔV / tol_V, ΔD / tol_D) there; ≤ 1 passes
};

// DVH agreement tolerance: dose difference at matched volume (% of the file DVH's maximum
// dose) or volume difference at matched dose (% of the file's total volume), as for the
// analytic benchmark's 3 % criterion; a point passes if either is within tolerance.
struct FileDvhTolerance {
  double dose_percent = 3.0;
  double volume_percent = 3.0;
};

// Converts a file DVH to a cumulative curve in its own volume units (cc or %), dose in
// Gy (or the file's units): bin i covers [Σ widths before i, + width i), and a cumulative
// volume is read at the bin's lower edge. Uses min(widths, volumes) values.
DvhCurve file_dvh_cumulative(const FileDvh& file_dvh);

// Compares each of the dose's DVHSequence items with ours (matched by ROI number).
std::vector<FileDvhComparison> compare_with_file_dvhs(const std::vector<RoiDvh>& ours, const DoseGrid& dose,
                                                      const FileDvhTolerance& tolerance = {});

}  // namespace rtreview
