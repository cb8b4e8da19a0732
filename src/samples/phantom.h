// Private to src/samples: analytic phantom anatomy turned into structure sets, and
// the identifiers every sample object shares.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "rtreview/model.h"

namespace rtreview::samples::detail {

using Pt2 = std::array<double, 2>;  // x, y in mm (patient LPS)
using Polygon = std::vector<Pt2>;   // closed: last point connects to the first

// A superellipse |dx/a|^n + |dy/b|^n = 1 with optional lobes (radius × (1 + amp·sin(k·t + phase))).
struct Ring {
  double cx = 0, cy = 0, a = 0, b = 0;
  double exponent = 2.0;
  double lobe_amplitude = 0.0;
  int lobe_count = 0;
  double lobe_phase = 0.0;
};

// `point_count` points counter-clockwise (in x, y), rounded to 0.01 mm.
Polygon ring_polygon(const Ring& ring, int point_count);
// A thick elliptic arc (e.g. a mandible): centre-line ellipse (cx, cy, a, b) from angle
// t0 to t1 (radians, 0 = +x, π/2 = +y), `thickness_mm` wide, `point_count` points.
Polygon arc_band_polygon(double cx, double cy, double a, double b, double t0, double t1, double thickness_mm,
                         int point_count);
// Points for about `spacing_mm` between neighbours, clamped to [min_points, max_points].
int points_for_perimeter(double a, double b, double spacing_mm, int min_points, int max_points);

// Smooth 0→1 step between edge0 and edge1.
double smoothstep(double edge0, double edge1, double x);

// One ROI of a phantom: its contours on plane z (empty where the ROI is absent).
struct RoiSpec {
  std::string name;
  std::string interpreted_type;  // EXTERNAL, PTV, CTV, GTV, ORGAN
  std::string generation_algorithm;
  std::array<int, 3> color{};
  std::function<std::vector<Polygon>(double z_mm)> slices;
};

// UIDs and fixed identity of one sample set.
struct SetIds {
  int index = 0;
  std::string uid(int object_number) const;  // <root>.<index>.<object_number>
  std::string study_uid() const { return uid(1); }
  std::string frame_of_reference_uid() const { return uid(2); }
  std::string structure_series_uid() const { return uid(3); }
  std::string plan_series_uid() const { return uid(4); }
  std::string dose_series_uid() const { return uid(5); }
  std::string structure_set_uid() const { return uid(6); }
  std::string plan_uid() const { return uid(7); }
  std::string dose_uid() const { return uid(8); }
  std::string dose_reference_uid(int n) const { return uid(9) + "." + std::to_string(n); }
  std::string other_frame_of_reference_uid() const { return uid(10); }  // broken FoR variant
};

// ObjectInfo common to every sample object of a set (patient, study, manufacturer, dates).
ObjectInfo object_info(const SetIds& ids, const std::string& modality, const std::string& sop_class_uid,
                       const std::string& series_uid, const std::string& sop_instance_uid,
                       const std::string& series_description);
// The synthetic patient of set `ids` (H&N sets) or of the large case.
Patient hn_patient(const SetIds& ids);
Patient thorax_patient();

// Contours of every ROI on planes z0, z0 + step, ..., z1 (mm), ROI numbers 1..n.
StructureSet build_structure_set(const std::vector<RoiSpec>& rois, double z0_mm, double z1_mm, double step_mm,
                                 const ObjectInfo& info, const std::string& label, const std::string& name);

std::vector<RoiSpec> hn_anatomy();
std::vector<RoiSpec> thorax_anatomy();

inline constexpr double hn_z_min_mm = -75.0;  // inferior end of the H&N phantom (contour plane)
inline constexpr double hn_z_max_mm = 60.0;   // superior end
inline constexpr double hn_slice_mm = 3.0;

}  // namespace rtreview::samples::detail
