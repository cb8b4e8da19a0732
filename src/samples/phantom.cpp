// Analytic phantoms (head and neck; breast/thorax) and the structure sets built from them.
#include "phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "rtreview/samples.h"

namespace rtreview::samples::detail {
namespace {

constexpr double pi = std::numbers::pi;

// Rounds to a decimal step (0.1, 0.01, ...): integer / 10^n is the double nearest the decimal,
// so the value equals what a reader parses back from the DS text.
double round_to(double v, double step) {
  const double per_unit = std::round(1.0 / step);
  return std::round(v * per_unit) / per_unit;
}
// +0.0 instead of -0.0 so rounded coordinates never print as "-0".
double clean(double v) { return v == 0.0 ? 0.0 : v; }

double signed_pow(double v, double e) { return std::copysign(std::pow(std::abs(v), e), v); }

// Ellipsoid taper: in-plane scale at z for an object centred at zc with half-length hz; 0 outside.
double taper(double z, double zc, double hz) {
  const double t = (z - zc) / hz;
  return std::abs(t) >= 1.0 ? 0.0 : std::sqrt(1.0 - t * t);
}

// A blob that is an ellipsoid in z with a lobed superellipse section; absent where the
// section would be smaller than `min_radius_mm`.
std::function<std::vector<Polygon>(double)> ellipsoid(Ring ring, double zc, double hz,
                                                      double point_spacing_mm, double dx_per_mm = 0.0,
                                                      double min_radius_mm = 2.0) {
  return [=](double z) -> std::vector<Polygon> {
    const double s = taper(z, zc, hz);
    Ring r = ring;
    r.a *= s;
    r.b *= s;
    r.cx += dx_per_mm * (z - zc);
    if (std::min(r.a, r.b) < min_radius_mm) return {};
    return {ring_polygon(r, points_for_perimeter(r.a, r.b, point_spacing_mm, 16, 256))};
  };
}

// A tube between z0 and z1 (inclusive) with a section that may vary with z.
std::function<std::vector<Polygon>(double)> tube(double z0, double z1, std::function<Ring(double)> section,
                                                 double point_spacing_mm) {
  return [=](double z) -> std::vector<Polygon> {
    if (z < z0 - 1e-6 || z > z1 + 1e-6) return {};
    const Ring r = section(z);
    return {ring_polygon(r, points_for_perimeter(r.a, r.b, point_spacing_mm, 16, 256))};
  };
}

// Farthest intersection of the ray from the origin along (cos t, sin t) with an ellipse
// centred at (px, py) with semi-axes (a, b); 0 if the ray misses it.
double ray_ellipse_far(double t, double px, double py, double a, double b) {
  if (a <= 0 || b <= 0) return 0.0;
  const double dx = std::cos(t) / a, dy = std::sin(t) / b;
  const double qx = px / a, qy = py / b;
  const double qa = dx * dx + dy * dy, qb = -2.0 * (dx * qx + dy * qy), qc = qx * qx + qy * qy - 1.0;
  const double disc = qb * qb - 4.0 * qa * qc;
  if (disc < 0) return 0.0;
  return std::max(0.0, (-qb + std::sqrt(disc)) / (2.0 * qa));
}

}  // namespace

double smoothstep(double edge0, double edge1, double x) {
  const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

int points_for_perimeter(double a, double b, double spacing_mm, int min_points, int max_points) {
  const double perimeter = pi * (3.0 * (a + b) - std::sqrt((3.0 * a + b) * (a + 3.0 * b)));  // Ramanujan
  return std::clamp(static_cast<int>(std::ceil(perimeter / spacing_mm)), min_points, max_points);
}

Polygon ring_polygon(const Ring& ring, int point_count) {
  Polygon points;
  points.reserve(point_count);
  const double e = 2.0 / ring.exponent;
  for (int k = 0; k < point_count; ++k) {
    const double t = 2.0 * pi * k / point_count;
    const double lobe = 1.0 + ring.lobe_amplitude * std::sin(ring.lobe_count * t + ring.lobe_phase);
    const double x = ring.cx + ring.a * lobe * signed_pow(std::cos(t), e);
    const double y = ring.cy + ring.b * lobe * signed_pow(std::sin(t), e);
    points.push_back({clean(round_to(x, 0.01)), clean(round_to(y, 0.01))});
  }
  return points;
}

Polygon arc_band_polygon(double cx, double cy, double a, double b, double t0, double t1, double thickness_mm,
                         int point_count) {
  const int per_side = std::max(4, point_count / 2);
  const int cap_points = 5;  // interior points of each semicircular end cap
  const double h = thickness_mm / 2.0;
  Polygon points;
  points.reserve(2 * per_side + 2 * cap_points);
  auto add = [&](double x, double y) {
    points.push_back({clean(round_to(x, 0.01)), clean(round_to(y, 0.01))});
  };
  // Round cap at centre-line angle t bulging along `sign` × tangent: outer → inner edge for
  // sign +1 (the t1 end), inner → outer for sign −1 (the t0 end).
  auto cap = [&](double t, double sign) {
    const double px = cx + a * std::cos(t), py = cy + b * std::sin(t);
    double nx = b * std::cos(t), ny = a * std::sin(t);  // outward normal of the ellipse
    const double nn = std::hypot(nx, ny);
    nx /= nn, ny /= nn;
    const double tx = -ny * sign, ty = nx * sign;
    for (int k = 1; k <= cap_points; ++k) {
      const double phi = pi * (sign > 0 ? k : cap_points + 1 - k) / (cap_points + 1);
      add(px + h * (nx * std::cos(phi) + tx * std::sin(phi)),
          py + h * (ny * std::cos(phi) + ty * std::sin(phi)));
    }
  };
  for (int k = 0; k < per_side; ++k) {  // outer edge t0 → t1
    const double t = t0 + (t1 - t0) * k / (per_side - 1);
    add(cx + (a + h) * std::cos(t), cy + (b + h) * std::sin(t));
  }
  cap(t1, 1.0);
  for (int k = per_side - 1; k >= 0; --k) {  // inner edge back t1 → t0
    const double t = t0 + (t1 - t0) * k / (per_side - 1);
    add(cx + (a - h) * std::cos(t), cy + (b - h) * std::sin(t));
  }
  cap(t0, -1.0);
  return points;
}

std::string SetIds::uid(int object_number) const {
  return std::string(uid_root) + "." + std::to_string(index) + "." + std::to_string(object_number);
}

Patient hn_patient(const SetIds& ids) {
  char id[16];
  std::snprintf(id, sizeof id, "RTR-S%02d", ids.index);
  return {"Phantom^HeadNeck", id, "19580412", "M"};
}

Patient thorax_patient() { return {"Phantom^Thorax", "RTR-L01", "19670923", "F"}; }

ObjectInfo object_info(const SetIds& ids, const std::string& modality, const std::string& sop_class_uid,
                       const std::string& series_uid, const std::string& sop_instance_uid,
                       const std::string& series_description) {
  ObjectInfo info;
  info.sop_class_uid = sop_class_uid;
  info.sop_instance_uid = sop_instance_uid;
  info.modality = modality;
  info.study_instance_uid = ids.study_uid();
  info.series_instance_uid = series_uid;
  info.frame_of_reference_uid = ids.frame_of_reference_uid();
  // Fixed identity (not RTREVIEW_VERSION) so a version bump does not change the samples.
  info.manufacturer = "rtreview";
  info.manufacturer_model_name = "make-samples";
  info.software_versions = "rtreview-samples 1";
  info.station_name = "SAMPLES";
  info.series_description = series_description;
  info.instance_creation_date = "20260315";
  info.patient = hn_patient(ids);
  return info;
}

StructureSet build_structure_set(const std::vector<RoiSpec>& rois, double z0_mm, double z1_mm, double step_mm,
                                 const ObjectInfo& info, const std::string& label, const std::string& name) {
  StructureSet ss;
  ss.info = info;
  ss.label = label;
  ss.name = name;
  ss.date = "20260312";
  ss.time = "091500";
  ss.approval_status = "APPROVED";
  ss.reviewer_name = "Oncologist^Sample";
  ss.review_date = "20260313";
  ss.referenced_frame_of_reference_uids = {info.frame_of_reference_uid};
  const int plane_count = static_cast<int>(std::lround((z1_mm - z0_mm) / step_mm)) + 1;
  int number = 1;
  for (const auto& spec : rois) {
    Roi roi;
    roi.number = number++;
    roi.name = spec.name;
    roi.frame_of_reference_uid = info.frame_of_reference_uid;
    roi.generation_algorithm = spec.generation_algorithm;
    roi.interpreted_type = spec.interpreted_type;
    roi.observation_label = spec.name;
    roi.display_color = spec.color;
    roi.in_roi_contour_sequence = true;
    for (int k = 0; k < plane_count; ++k) {
      const double z = clean(round_to(z0_mm + k * step_mm, 0.01));
      for (const auto& polygon : spec.slices(z)) {
        Contour c;
        c.geometric_type = "CLOSED_PLANAR";
        c.points_mm.reserve(polygon.size());
        for (const auto& p : polygon) c.points_mm.push_back({p[0], p[1], z});
        roi.contours.push_back(std::move(c));
      }
    }
    ss.rois.push_back(std::move(roi));
  }
  return ss;
}

// ------------------------------------------------------------ head and neck (HFS)
// z = 0 near C2/C3; +z superior; +x patient left; +y posterior. Tumour in the right
// tonsil region, so the right parotid overlaps the PTV and the left one can be spared.

std::vector<RoiSpec> hn_anatomy() {
  std::vector<RoiSpec> rois;
  auto body_section = [](double z) {
    const double head = smoothstep(-45.0, 0.0, z);        // neck → face/head
    const double shoulder = smoothstep(-62.0, -75.0, z);  // widening towards the shoulders
    const double crown = z > 40.0 ? std::sqrt(1.0 - std::pow((z - 40.0) / 55.0, 2)) : 1.0;
    Ring r;
    r.cx = 0.0;
    r.cy = 5.0 - 5.0 * head;
    r.a = (60.0 + 12.0 * head + 30.0 * shoulder) * crown;
    r.b = (65.0 + 25.0 * head + 3.0 * shoulder) * crown;
    r.exponent = 2.2;
    r.lobe_amplitude = 0.015;
    r.lobe_count = 2;
    r.lobe_phase = 0.3;
    return r;
  };
  rois.push_back(
      {"BODY", "EXTERNAL", "AUTOMATIC", {0, 255, 0}, tube(hn_z_min_mm, hn_z_max_mm, body_section, 2.5)});

  // Targets: nested lobed ellipsoids around the right tonsil, slightly oblique.
  auto target = [](double a, double b, double hz, double lobe) {
    Ring r{-15.0, -5.0, a, b, 2.0, lobe, 3, 0.7};
    return ellipsoid(r, -5.0, hz, 2.0, 0.1);
  };
  rois.push_back({"GTV", "GTV", "MANUAL", {255, 0, 0}, target(15.0, 13.0, 18.0, 0.08)});
  rois.push_back({"CTV", "CTV", "MANUAL", {255, 128, 0}, target(23.0, 21.0, 26.0, 0.05)});
  rois.push_back({"PTV_7000", "PTV", "SEMIAUTOMATIC", {255, 0, 255}, target(28.0, 26.0, 31.0, 0.04)});

  rois.push_back({"Parotid_L",
                  "ORGAN",
                  "MANUAL",
                  {0, 128, 255},
                  ellipsoid(Ring{.cx = 46.0,
                                 .cy = 5.0,
                                 .a = 13.0,
                                 .b = 19.0,
                                 .lobe_amplitude = 0.06,
                                 .lobe_count = 2,
                                 .lobe_phase = 0.4},
                            7.5, 22.5, 2.0)});
  rois.push_back({"Parotid_R",
                  "ORGAN",
                  "MANUAL",
                  {0, 200, 255},
                  ellipsoid(Ring{.cx = -46.0,
                                 .cy = 5.0,
                                 .a = 13.0,
                                 .b = 19.0,
                                 .lobe_amplitude = 0.06,
                                 .lobe_count = 2,
                                 .lobe_phase = pi - 0.4},
                            7.5, 22.5, 2.0)});

  auto cord_section = [](double z) {
    return Ring{.cx = 0.0, .cy = 36.0 - 0.08 * (z + 75.0), .a = 5.5, .b = 4.5};
  };
  rois.push_back(
      {"SpinalCord", "ORGAN", "MANUAL", {255, 255, 0}, tube(hn_z_min_mm, 21.0, cord_section, 1.5)});

  rois.push_back({"Brainstem", "ORGAN", "MANUAL", {160, 32, 240}, [](double z) -> std::vector<Polygon> {
                    if (z < 21.0 - 1e-6 || z > 57.0 + 1e-6) return {};
                    const double s = 0.55 + 0.45 * taper(z, 39.0, 18.0);
                    const Ring r{0.0, 26.0 - 0.15 * (z - 21.0), 13.0 * s, 11.0 * s, 2.2, 0.03, 2, 0.0};
                    return {ring_polygon(r, points_for_perimeter(r.a, r.b, 2.0, 16, 256))};
                  }});

  // Mandible: a horseshoe band below the occlusal plane, two rami above it.
  rois.push_back({"Mandible", "ORGAN", "MANUAL", {230, 230, 200}, [](double z) -> std::vector<Polygon> {
                    if (z >= -33.0 - 1e-6 && z < -6.0 - 1e-6)
                      return {arc_band_polygon(0.0, 0.0, 42.0, 48.0, pi - 0.25, 2.0 * pi + 0.25, 9.0, 120)};
                    if (z >= -6.0 - 1e-6 && z <= 18.0 + 1e-6) {
                      const double cy = 8.0 + 0.2 * (z + 6.0);
                      return {ring_polygon(Ring{.cx = -44.0, .cy = cy, .a = 5.0, .b = 12.0}, 28),
                              ring_polygon(Ring{.cx = 44.0, .cy = cy, .a = 5.0, .b = 12.0}, 28)};
                    }
                    return {};
                  }});
  return rois;
}

// ------------------------------------------------------------ breast / thorax (HFS, arms up)
// z = 0 at mid-sternum; left breast target. 17 ROIs.

namespace {
constexpr double thorax_breast_zc = 15.0;
constexpr double thorax_breast_hz = 80.0;
}  // namespace

std::vector<RoiSpec> thorax_anatomy() {
  std::vector<RoiSpec> rois;
  // BODY: star-shaped union of a chest superellipse and two breast ellipses, 360 points.
  rois.push_back({"BODY", "EXTERNAL", "AUTOMATIC", {0, 255, 0}, [](double z) -> std::vector<Polygon> {
                    const double neck = smoothstep(120.0, 160.0, z);
                    const double abdomen = smoothstep(-110.0, -160.0, z);
                    const double cy = 10.0 + 5.0 * neck;
                    const double a = 170.0 - 76.0 * neck - 10.0 * abdomen;
                    const double b = 110.0 - 20.0 * neck + 5.0 * abdomen;
                    const double n = 2.4;
                    const double s = taper(z, thorax_breast_zc, thorax_breast_hz);
                    Polygon points;
                    const int count = 360;
                    for (int k = 0; k < count; ++k) {
                      const double t = 2.0 * pi * k / count;
                      const double c = std::abs(std::cos(t)), sn = std::abs(std::sin(t));
                      double r = 1.0 / std::pow(std::pow(c / a, n) + std::pow(sn / b, n), 1.0 / n);
                      r *= 1.0 + 0.01 * std::sin(3.0 * t + 0.2);
                      for (double side : {1.0, -1.0})
                        r = std::max(r, ray_ellipse_far(t, side * 85.0, -85.0 - cy, 70.0 * s, 45.0 * s));
                      points.push_back({clean(round_to(r * std::cos(t), 0.01)),
                                        clean(round_to(cy + r * std::sin(t), 0.01))});
                    }
                    return {points};
                  }});
  auto breast_blob = [](double cx, double cy, double a, double b, double hz, double lobe) {
    return ellipsoid(
        Ring{.cx = cx, .cy = cy, .a = a, .b = b, .lobe_amplitude = lobe, .lobe_count = 3, .lobe_phase = 0.5},
        thorax_breast_zc, hz, 2.0);
  };
  rois.push_back(
      {"PTV_4005", "PTV", "SEMIAUTOMATIC", {255, 0, 255}, breast_blob(85.0, -91.0, 66.0, 36.0, 75.0, 0.02)});
  rois.push_back(
      {"CTV_Breast_L", "CTV", "MANUAL", {255, 128, 0}, breast_blob(85.0, -92.0, 62.0, 34.0, 70.0, 0.02)});
  rois.push_back(
      {"GTV_Tumorbed",
       "GTV",
       "MANUAL",
       {255, 0, 0},
       ellipsoid(Ring{.cx = 95.0, .cy = -100.0, .a = 15.0, .b = 10.0, .lobe_amplitude = 0.1, .lobe_count = 3},
                 30.0, 12.0, 1.5)});
  rois.push_back({"Lung_L",
                  "ORGAN",
                  "MANUAL",
                  {0, 160, 255},
                  ellipsoid(Ring{.cx = 95.0,
                                 .cy = 15.0,
                                 .a = 52.0,
                                 .b = 72.0,
                                 .exponent = 2.2,
                                 .lobe_amplitude = 0.04,
                                 .lobe_count = 2,
                                 .lobe_phase = 0.3},
                            30.0, 110.0, 2.0)});
  rois.push_back({"Lung_R",
                  "ORGAN",
                  "MANUAL",
                  {0, 200, 255},
                  ellipsoid(Ring{.cx = -92.0,
                                 .cy = 15.0,
                                 .a = 54.0,
                                 .b = 74.0,
                                 .exponent = 2.2,
                                 .lobe_amplitude = 0.04,
                                 .lobe_count = 2,
                                 .lobe_phase = pi - 0.3},
                            25.0, 110.0, 2.0)});
  rois.push_back(
      {"Heart",
       "ORGAN",
       "MANUAL",
       {255, 64, 64},
       ellipsoid(Ring{.cx = 15.0, .cy = -10.0, .a = 48.0, .b = 42.0, .lobe_amplitude = 0.05, .lobe_count = 2},
                 -30.0, 55.0, 2.0)});
  rois.push_back({"LAD", "ORGAN", "MANUAL", {200, 0, 80}, [](double z) -> std::vector<Polygon> {
                    if (z < -75.0 - 1e-6 || z > 15.0 + 1e-6) return {};
                    const double s = taper(z, -30.0, 55.0);
                    const Ring r{15.0 + 48.0 * s * std::cos(-1.1) + 2.0,
                                 -10.0 + 42.0 * s * std::sin(-1.1) - 4.0,
                                 3.5,
                                 3.5,
                                 2.0,
                                 0.0,
                                 0,
                                 0.0};
                    return {ring_polygon(r, 16)};
                  }});
  rois.push_back(
      {"SpinalCord",
       "ORGAN",
       "MANUAL",
       {255, 255, 0},
       tube(
           -1e9, 1e9, [](double) { return Ring{.cx = 0.0, .cy = 92.0, .a = 5.5, .b = 5.0}; }, 1.5)});
  rois.push_back({"Esophagus",
                  "ORGAN",
                  "MANUAL",
                  {180, 120, 60},
                  tube(
                      -130.0, 1e9,
                      [](double z) {
                        return Ring{.cx = -8.0,
                                    .cy = 62.0,
                                    .a = 9.0,
                                    .b = 7.0,
                                    .lobe_amplitude = 0.05,
                                    .lobe_count = 2,
                                    .lobe_phase = 0.1 * z};
                      },
                      1.5)});
  rois.push_back({"Trachea", "ORGAN", "MANUAL", {120, 220, 220}, [](double z) -> std::vector<Polygon> {
                    if (z >= 45.0 - 1e-6)
                      return {ring_polygon(Ring{.cx = -2.0, .cy = 26.0, .a = 9.0, .b = 8.0}, 32)};
                    if (z >= 30.0 - 1e-6)  // main bronchi
                      return {ring_polygon(Ring{.cx = -20.0, .cy = 30.0, .a = 7.0, .b = 6.0}, 24),
                              ring_polygon(Ring{.cx = 20.0, .cy = 30.0, .a = 7.0, .b = 6.0}, 24)};
                    return {};
                  }});
  rois.push_back(
      {"Breast_R", "ORGAN", "MANUAL", {255, 200, 200}, breast_blob(-85.0, -92.0, 62.0, 34.0, 70.0, 0.02)});
  rois.push_back({"Liver", "ORGAN", "MANUAL", {150, 75, 0}, [](double z) -> std::vector<Polygon> {
                    const double s = z > -95.0 ? 0.0 : taper(z, -160.0, 65.0);  // dome at z = -95
                    if (s * 80.0 < 2.0) return {};
                    const Ring r{-65.0, 15.0, 85.0 * s, 80.0 * s, 2.2, 0.03, 3, 0.4};
                    return {ring_polygon(r, points_for_perimeter(r.a, r.b, 2.5, 16, 256))};
                  }});
  rois.push_back({"Stomach", "ORGAN", "MANUAL", {255, 160, 100}, [](double z) -> std::vector<Polygon> {
                    const double s = z > -100.0 ? 0.0 : taper(z, -160.0, 60.0);
                    if (s * 35.0 < 2.0) return {};
                    const Ring r{70.0, 0.0, 42.0 * s, 35.0 * s, 2.0, 0.06, 2, 0.0};
                    return {ring_polygon(r, points_for_perimeter(r.a, r.b, 2.0, 16, 256))};
                  }});
  rois.push_back({"Thyroid", "ORGAN", "MANUAL", {100, 100, 255}, [](double z) -> std::vector<Polygon> {
                    const double s = taper(z, 145.0, 15.0);
                    if (s * 7.0 < 2.0) return {};
                    return {ring_polygon(Ring{.cx = -16.0, .cy = 10.0, .a = 7.0 * s, .b = 11.0 * s}, 24),
                            ring_polygon(Ring{.cx = 16.0, .cy = 10.0, .a = 7.0 * s, .b = 11.0 * s}, 24)};
                  }});
  rois.push_back(
      {"Sternum",
       "ORGAN",
       "MANUAL",
       {230, 230, 200},
       tube(
           -40.0, 110.0,
           [](double) { return Ring{.cx = 0.0, .cy = -88.0, .a = 16.0, .b = 7.0, .exponent = 2.5}; }, 1.5)});
  rois.push_back({"Aorta", "ORGAN", "MANUAL", {255, 0, 0}, [](double z) -> std::vector<Polygon> {
                    std::vector<Polygon> out;
                    if (z >= -150.0 - 1e-6 && z <= 70.0 + 1e-6)  // descending
                      out.push_back(ring_polygon(Ring{.cx = 18.0, .cy = 62.0, .a = 11.0, .b = 11.0}, 40));
                    if (z >= 25.0 - 1e-6 && z <= 65.0 + 1e-6)  // ascending
                      out.push_back(ring_polygon(Ring{.cx = 8.0, .cy = 0.0, .a = 14.0, .b = 14.0}, 48));
                    return out;
                  }});
  return rois;
}

}  // namespace rtreview::samples::detail
