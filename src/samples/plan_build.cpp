// Photon plan construction. Apertures come from a parallel beam's-eye-view projection
// of the target contours (divergence ignored): plausible shapes, not a dose calculation.
#include "plan_build.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

namespace rtreview::samples::detail {
namespace {

constexpr double pi = std::numbers::pi;
constexpr int leaf_pairs = 60;

// Rounds to a decimal step (0.1, 1e-4, ...): integer / 10^n is the double nearest the decimal,
// so the value equals what a reader parses back from the DS text. Never -0.
double round_to(double v, double step) {
  const double per_unit = std::round(1.0 / step);
  const double r = std::round(v * per_unit) / per_unit;
  return r == 0.0 ? 0.0 : r;
}
double r1(double v) { return round_to(v, 0.1); }
double r4(double v) { return round_to(v, 1e-4); }

using Uv = std::array<double, 2>;  // beam's-eye view (mm at isocentre): u along IEC X, v along IEC Y

// Target points relative to the isocentre seen from gantry/collimator angles (HFS, couch 0).
// Gantry 0: source anterior (−y), u = +x; gantry 90: source at the patient's left, u = +y.
std::vector<Uv> project(const std::vector<Point3>& points, const Point3& iso, double gantry_deg,
                        double coll_deg) {
  const double g = gantry_deg * pi / 180.0, c = coll_deg * pi / 180.0;
  std::vector<Uv> out;
  out.reserve(points.size());
  for (const auto& p : points) {
    const double dx = p[0] - iso[0], dy = p[1] - iso[1], dz = p[2] - iso[2];
    const double u0 = dx * std::cos(g) + dy * std::sin(g), v0 = dz;
    out.push_back({u0 * std::cos(c) + v0 * std::sin(c), -u0 * std::sin(c) + v0 * std::cos(c)});
  }
  return out;
}

struct Aperture {
  std::vector<double> left, right;  // per leaf pair; meaningful only where open
  std::vector<bool> open;
};

// Per leaf pair, the target's u-extent within the pair's v-band (±2 mm) plus `margin_mm`.
Aperture conform(const std::vector<Uv>& bev, const std::vector<double>& boundaries, double margin_mm) {
  const int pairs = static_cast<int>(boundaries.size()) - 1;
  Aperture ap{std::vector<double>(pairs, 0.0), std::vector<double>(pairs, 0.0),
              std::vector<bool>(pairs, false)};
  for (int i = 0; i < pairs; ++i) {
    double lo = 1e9, hi = -1e9;
    for (const auto& p : bev)
      if (p[1] >= boundaries[i] - 2.0 && p[1] <= boundaries[i + 1] + 2.0)
        lo = std::min(lo, p[0]), hi = std::max(hi, p[0]);
    if (lo > hi) continue;
    ap.left[i] = lo - margin_mm;
    ap.right[i] = hi + margin_mm;
    ap.open[i] = true;
  }
  return ap;
}

struct Jaws {
  double x1 = 1e9, x2 = -1e9, y1 = 1e9, y2 = -1e9;
  void include(const Aperture& ap, const std::vector<double>& boundaries) {
    for (int i = 0; i < static_cast<int>(ap.open.size()); ++i) {
      if (!ap.open[i]) continue;
      x1 = std::min(x1, ap.left[i]), x2 = std::max(x2, ap.right[i]);
      y1 = std::min(y1, boundaries[i]), y2 = std::max(y2, boundaries[i + 1]);
    }
  }
  Jaws rounded() const { return {r1(x1 - 2.0), r1(x2 + 2.0), r1(y1), r1(y2)}; }
};

// Bank A (−X side) for every pair, then bank B; closed pairs meet at `park_mm`.
std::vector<double> leaf_positions(const Aperture& ap, double park_mm) {
  const int pairs = static_cast<int>(ap.open.size());
  std::vector<double> a(pairs), b(pairs);
  for (int i = 0; i < pairs; ++i) {
    if (ap.open[i] && ap.right[i] - ap.left[i] >= 5.0) {
      a[i] = r1(ap.left[i]);
      b[i] = r1(ap.right[i]);
    } else {
      a[i] = b[i] = r1(park_mm);
    }
  }
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A sub-aperture: each open pair narrowed by fractions (0..1) of its width from each side.
Aperture narrowed(const Aperture& full, auto&& left_fraction, auto&& right_fraction) {
  Aperture ap = full;
  for (int i = 0; i < static_cast<int>(ap.open.size()); ++i) {
    if (!ap.open[i]) continue;
    const double w = full.right[i] - full.left[i];
    ap.left[i] = full.left[i] + left_fraction(i) * w;
    ap.right[i] = full.right[i] - right_fraction(i) * w;
    if (ap.right[i] - ap.left[i] < 5.0) ap.open[i] = false;
  }
  return ap;
}

std::vector<DevicePositions> devices(const Jaws& j, const std::vector<double>* mlc) {
  std::vector<DevicePositions> out = {{"ASYMX", {j.x1, j.x2}}, {"ASYMY", {j.y1, j.y2}}};
  if (mlc) out.push_back({"MLCX", *mlc});
  return out;
}

// Cumulative weights from per-interval increments: rounded to 1e-4, last exactly 1.
std::vector<double> cumulative_weights(const std::vector<double>& increments) {
  double total = 0;
  for (double w : increments) total += w;
  std::vector<double> out = {0.0};
  double sum = 0;
  for (std::size_t i = 0; i < increments.size(); ++i) {
    sum += increments[i];
    out.push_back(i + 1 == increments.size() ? 1.0 : r4(sum / total));
  }
  return out;
}

ControlPoint control_point(int index, double weight, double gantry_deg, const std::string& gantry_direction,
                           double coll_deg, const Point3& iso, std::vector<DevicePositions> positions) {
  ControlPoint cp;
  cp.index = index;
  cp.cumulative_meterset_weight = weight;
  cp.nominal_energy_mev = 6.0;
  cp.dose_rate_mu_per_min = 600.0;
  cp.gantry_angle_deg = gantry_deg;
  cp.gantry_rotation_direction = gantry_direction;
  cp.collimator_angle_deg = coll_deg;
  cp.collimator_rotation_direction = "NONE";
  cp.couch_angle_deg = 0.0;
  cp.couch_rotation_direction = "NONE";
  cp.isocenter_mm = iso;
  cp.device_positions = std::move(positions);
  cp.gantry_explicit = index == 0;
  cp.device_positions_explicit = true;
  return cp;
}

Beam beam_base(int number, const std::string& name, const std::string& description, const std::string& type,
               bool with_mlc, const std::string& machine) {
  Beam b;
  b.number = number;
  b.name = name;
  b.description = description;
  b.beam_type = type;
  b.radiation_type = "PHOTON";
  b.treatment_delivery_type = "TREATMENT";
  b.treatment_machine_name = machine;
  b.primary_dosimeter_unit = "MU";
  b.source_axis_distance_mm = 1000.0;
  b.final_cumulative_meterset_weight = 1.0;
  b.limiting_devices = {{"ASYMX", 1, {}}, {"ASYMY", 1, {}}};
  if (with_mlc) b.limiting_devices.push_back({"MLCX", leaf_pairs, mlc_leaf_boundaries_mm()});
  b.referenced_patient_setup = "HFS";
  return b;
}

std::string angle_name(double gantry_deg) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "G%03d", static_cast<int>(std::lround(gantry_deg)));
  return buf;
}

// Step-and-shoot: `segments` apertures, two control points each; consecutive segments
// meet at equal cumulative meterset weight (the beam is off while the leaves move).
Beam segmented_beam(int number, double gantry_deg, const std::vector<Point3>& target, const Point3& iso,
                    int segments, const std::vector<double>& segment_weights, double margin_mm,
                    const std::string& description, const std::string& machine) {
  const auto boundaries = mlc_leaf_boundaries_mm();
  const Aperture full = conform(project(target, iso, gantry_deg, 0.0), boundaries, margin_mm);
  Jaws jaws;
  jaws.include(full, boundaries);
  const Jaws j = jaws.rounded();
  const double park = (j.x1 + j.x2) / 2.0;
  Beam b = beam_base(number, angle_name(gantry_deg), description, "STATIC", true, machine);
  const auto cumulative = cumulative_weights(segment_weights);
  const double phase = gantry_deg / 37.0;
  for (int k = 0; k < segments; ++k) {
    Aperture ap = full;
    if (k > 0)
      ap = narrowed(
          full, [&](int i) { return 0.45 * (0.5 + 0.5 * std::sin(2 * pi * (0.11 * i + 0.29 * k) + phase)); },
          [&](int i) {
            return 0.45 * (0.5 + 0.5 * std::cos(2 * pi * (0.07 * i - 0.23 * k) + 0.5 * k + phase));
          });
    const auto mlc = leaf_positions(ap, park);
    for (int e = 0; e < 2; ++e) {
      const int index = 2 * k + e;
      b.control_points.push_back(
          control_point(index, cumulative[k + e], gantry_deg, "NONE", 0.0, iso, devices(j, &mlc)));
    }
  }
  b.declared_control_point_count = static_cast<int>(b.control_points.size());
  return b;
}

// One VMAT arc: `count` control points from start to start ± span, MLC sweeping the target.
Beam arc_beam(int number, const std::string& name, double start_deg, double span_deg,
              const std::string& direction, double coll_deg, int count, const std::vector<Point3>& target,
              const Point3& iso, const std::string& machine) {
  const auto boundaries = mlc_leaf_boundaries_mm();
  const double sign = direction == "CW" ? 1.0 : -1.0;
  std::vector<double> gantry(count);
  std::vector<Aperture> apertures(count);
  Jaws jaws;
  for (int i = 0; i < count; ++i) {
    const double g = std::fmod(start_deg + sign * span_deg * i / (count - 1) + 720.0, 360.0);
    gantry[i] = r1(g) >= 360.0 ? 0.0 : r1(g);
    const Aperture full = conform(project(target, iso, gantry[i], coll_deg), boundaries, 2.0);
    jaws.include(full, boundaries);
    apertures[i] = narrowed(
        full, [&](int p) { return 0.35 * (0.5 + 0.5 * std::sin(2 * pi * (i / 22.0 + p * 0.09))); },
        [&](int p) { return 0.35 * (0.5 + 0.5 * std::sin(2 * pi * (i / 17.0 - p * 0.07) + 1.3)); });
  }
  const Jaws j = jaws.rounded();
  const double park = (j.x1 + j.x2) / 2.0;
  std::vector<double> increments;
  for (int i = 1; i < count; ++i) increments.push_back(1.0 + 0.4 * std::sin(2 * pi * i / 30.0 + number));
  const auto cumulative = cumulative_weights(increments);
  Beam b = beam_base(number, name, "VMAT arc " + direction, "DYNAMIC", true, machine);
  for (int i = 0; i < count; ++i) {
    const auto mlc = leaf_positions(apertures[i], park);
    ControlPoint cp = control_point(i, cumulative[i], gantry[i], direction, coll_deg, iso, devices(j, &mlc));
    cp.gantry_explicit = true;
    b.control_points.push_back(std::move(cp));
  }
  b.declared_control_point_count = count;
  return b;
}

// A static jaw-defined field modulated by a brass compensator (thickness per pixel).
Beam compensator_beam(int number, double gantry_deg, const std::vector<Point3>& target, const Point3& iso,
                      const std::string& machine) {
  const auto boundaries = mlc_leaf_boundaries_mm();
  const auto bev = project(target, iso, gantry_deg, 0.0);
  const Aperture full = conform(bev, boundaries, 3.0);
  Jaws jaws;
  jaws.include(full, boundaries);
  const Jaws j = jaws.rounded();
  Beam b = beam_base(number, angle_name(gantry_deg), "compensator-modulated field", "STATIC", false, machine);
  for (int e = 0; e < 2; ++e) {
    ControlPoint cp = control_point(e, e, gantry_deg, "NONE", 0.0, iso, devices(j, nullptr));
    cp.device_positions_explicit = e == 0;
    b.control_points.push_back(std::move(cp));
  }
  b.declared_control_point_count = 2;

  Compensator c;
  c.number = 1;
  c.id = "COMP_" + angle_name(gantry_deg);
  c.type = "STANDARD";
  c.material_id = "BRASS";
  const double pixel_mm = 2.5;  // at the isocentre plane
  c.columns = static_cast<int>(std::ceil((j.x2 - j.x1) / pixel_mm)) + 1;
  c.rows = static_cast<int>(std::ceil((j.y2 - j.y1) / pixel_mm)) + 1;
  c.pixel_spacing_row_mm = pixel_mm;
  c.pixel_spacing_column_mm = pixel_mm;
  c.source_to_compensator_distance_mm = 654.0;
  const double max_mm = 30.0;
  double thickest = 0.0;
  for (int r = 0; r < c.rows; ++r) {
    const double v = j.y2 - r * pixel_mm;  // rows from IEC Y2 (gun-target top) downwards
    int pair = -1;
    for (int i = 0; i < leaf_pairs; ++i)
      if (v >= boundaries[i] && v < boundaries[i + 1]) pair = i;
    for (int col = 0; col < c.columns; ++col) {
      const double u = j.x1 + col * pixel_mm;
      double thickness = max_mm;  // outside the target projection: fully attenuating
      if (pair >= 0 && full.open[pair] && u >= full.left[pair] && u <= full.right[pair]) {
        const double intensity = 0.6 + 0.4 * std::sin(0.08 * u + gantry_deg / 50.0) * std::cos(0.06 * v);
        thickness = max_mm * (1.0 - intensity) * 0.8;
      }
      thickness = r1(thickness);
      thickest = std::max(thickest, thickness);
      c.thickness_data_mm.push_back(thickness);
    }
  }
  c.thickness_value_count = c.thickness_data_mm.size();
  c.max_thickness_mm = thickest;
  b.compensators.push_back(std::move(c));
  return b;
}

}  // namespace

std::vector<Point3> roi_points(const StructureSet& ss, const std::string& name) {
  for (const auto& roi : ss.rois)
    if (roi.name == name) {
      std::vector<Point3> pts;
      for (const auto& c : roi.contours) pts.insert(pts.end(), c.points_mm.begin(), c.points_mm.end());
      return pts;
    }
  throw std::logic_error("sample plan: no ROI named " + name);
}

namespace {

std::optional<int> roi_number(const StructureSet& ss, const std::string& name) {
  for (const auto& roi : ss.rois)
    if (roi.name == name) return roi.number;
  return std::nullopt;
}

// Halcyon-like stacked MLC: distal MLCX1 28 x 10 mm leaves (-140..140), proximal MLCX2
// 29 x 10 mm leaves offset by half a leaf (-145..145).
std::vector<double> even_boundaries(double from_mm, int pairs, double width_mm) {
  std::vector<double> b;
  for (int i = 0; i <= pairs; ++i) b.push_back(from_mm + width_mm * i);
  return b;
}

// Constant increments for a dynamic conformal arc (constant MU per degree); sinusoidal for VMAT.
std::vector<double> arc_weights(int count, bool modulated, int number) {
  std::vector<double> increments;
  for (int i = 1; i < count; ++i)
    increments.push_back(modulated ? 1.0 + 0.45 * std::sin(2 * pi * i / 23.0 + number) : 1.0);
  return cumulative_weights(increments);
}

}  // namespace

Beam sample_arc(int number, const std::string& name, const ArcShape& shape, ArcKind kind,
                const std::vector<Point3>& target, const Point3& iso, const std::string& machine) {
  const bool dual = kind == ArcKind::dual_layer_vmat;
  const std::vector<double> distal = dual ? even_boundaries(-140.0, 28, 10.0) : mlc_leaf_boundaries_mm();
  const std::vector<double> proximal = even_boundaries(-145.0, 29, 10.0);
  const double sign = shape.direction == "CW" ? 1.0 : -1.0;
  Beam b = beam_base(number, name, dual ? "VMAT arc, dual-layer MLC" : "dynamic conformal arc", "DYNAMIC",
                     false, machine);
  b.limiting_devices = dual ? std::vector<BeamLimitingDevice>{{"X", 1, {}},
                                                              {"Y", 1, {}},
                                                              {"MLCX1", 28, distal},
                                                              {"MLCX2", 29, proximal}}
                            : std::vector<BeamLimitingDevice>{
                                  {"ASYMX", 1, {}}, {"ASYMY", 1, {}}, {"MLCX", leaf_pairs, distal}};
  const auto cumulative = arc_weights(shape.count, dual, number);
  for (int i = 0; i < shape.count; ++i) {
    const double g =
        std::fmod(shape.start_deg + sign * shape.span_deg * i / (shape.count - 1) + 720.0, 360.0);
    const double gantry = r1(g) >= 360.0 ? 0.0 : r1(g);
    const auto bev = project(target, iso, gantry, shape.coll_deg);
    const Aperture outline = conform(bev, distal, dual ? 2.0 : 3.0);
    std::vector<DevicePositions> positions;
    if (dual) {
      // Both layers modulate: each narrows its own conformal outline with its own phase.
      auto wave = [&](double phase) {
        return [=](int p) { return 0.45 * (0.5 + 0.5 * std::sin(2 * pi * (i / 19.0 + p * 0.23) + phase)); };
      };
      const Aperture a1 = narrowed(outline, wave(0.0), wave(1.9));
      const Aperture a2 = narrowed(conform(bev, proximal, 2.0), wave(3.1), wave(4.4));
      positions = {{"X", {-140.0, 140.0}},
                   {"Y", {-140.0, 140.0}},
                   {"MLCX1", leaf_positions(a1, 0.0)},
                   {"MLCX2", leaf_positions(a2, 0.0)}};
    } else {
      Jaws jaws;
      jaws.include(outline, distal);
      const Jaws j = jaws.rounded();
      const auto mlc = leaf_positions(outline, (j.x1 + j.x2) / 2.0);
      positions = devices(j, &mlc);
    }
    ControlPoint cp = control_point(i, cumulative[i], gantry, i + 1 == shape.count ? "NONE" : shape.direction,
                                    shape.coll_deg, iso, std::move(positions));
    cp.couch_angle_deg = shape.couch_deg;
    cp.gantry_explicit = true;
    b.control_points.push_back(std::move(cp));
  }
  b.declared_control_point_count = shape.count;
  return b;
}

std::vector<double> mlc_leaf_boundaries_mm() {
  std::vector<double> b;
  for (int i = 0; i <= 10; ++i) b.push_back(-200.0 + 10.0 * i);
  for (int i = 1; i <= 40; ++i) b.push_back(-100.0 + 5.0 * i);
  for (int i = 1; i <= 10; ++i) b.push_back(100.0 + 10.0 * i);
  return b;
}

namespace {

// The prescription on the target and one constraint per organ at risk.
std::vector<DoseReference> dose_references(const PlanSpec& spec, const StructureSet& ss, const SetIds& ids) {
  std::vector<DoseReference> out;
  DoseReference rx;
  rx.number = 1;
  rx.uid = ids.dose_reference_uid(1);
  rx.structure_type = "VOLUME";
  rx.description = spec.target_roi + " prescription";
  rx.type = "TARGET";
  rx.referenced_roi_number = roi_number(ss, spec.target_roi);
  rx.target_prescription_dose_gy = spec.prescription_gy;
  rx.target_minimum_dose_gy = round_to(0.95 * spec.prescription_gy, 0.01);
  rx.target_maximum_dose_gy = round_to(1.07 * spec.prescription_gy, 0.01);
  rx.target_underdose_volume_fraction = 0.05;
  rx.delivery_maximum_dose_gy = round_to(1.07 * spec.prescription_gy, 0.01);
  out.push_back(rx);
  for (const auto& c : spec.constraints) {
    DoseReference oar;
    oar.number = static_cast<int>(out.size()) + 1;
    oar.uid = ids.dose_reference_uid(oar.number);
    oar.structure_type = "VOLUME";
    oar.description = c.description;
    oar.type = "ORGAN_AT_RISK";
    oar.referenced_roi_number = roi_number(ss, c.roi_name);
    oar.organ_at_risk_maximum_dose_gy = c.maximum_gy;
    oar.organ_at_risk_limit_dose_gy = c.limit_gy;
    out.push_back(oar);
  }
  return out;
}

// Forward-planned: an open field plus two smaller subfields trimming the hot region.
Beam field_in_field_beam(int number, double gantry_deg, const std::vector<Point3>& target, const Point3& iso,
                         const std::string& machine) {
  const std::vector<double> weights = {0.80, 0.12, 0.08};
  Beam b = segmented_beam(number, gantry_deg, target, iso, 1, {1.0}, 7.0, "3D field-in-field", machine);
  const auto boundaries = mlc_leaf_boundaries_mm();
  const Aperture full = conform(project(target, iso, gantry_deg, 0.0), boundaries, 7.0);
  const auto& jaw_x = b.control_points[0].device_positions[0].positions_mm;
  const double park = (jaw_x[0] + jaw_x[1]) / 2.0;
  const auto j = b.control_points[0].device_positions;
  const auto cumulative = cumulative_weights(weights);
  b.control_points.clear();
  for (int k = 0; k < 3; ++k) {
    const double trim = 0.15 * k;
    const Aperture ap = k == 0 ? full
                               : narrowed(
                                     full, [&](int) { return trim; }, [&](int) { return trim; });
    auto positions = j;
    positions[2].positions_mm = leaf_positions(ap, park);
    for (int e = 0; e < 2; ++e)
      b.control_points.push_back(
          control_point(2 * k + e, cumulative[k + e], gantry_deg, "NONE", 0.0, iso, positions));
  }
  b.declared_control_point_count = 6;
  return b;
}

// The treatment beams of the spec's technique, with each beam's share of the MU.
std::vector<double> add_beams(const PlanSpec& spec, const StructureSet& ss, Plan& plan) {
  const auto target = roi_points(ss, spec.target_roi);
  const Point3& iso = spec.isocenter_mm;
  std::vector<double> mu_share;
  int n = 1;
  switch (spec.technique) {
    case Technique::imrt_step_and_shoot: {
      const int segments = 10;
      std::vector<double> weights = {0.22};
      for (int k = 1; k < segments; ++k) weights.push_back(0.78 / 9.0 * (1.0 + 0.5 * std::sin(1.7 * k)));
      for (double g : spec.gantry_angles_deg) {
        plan.beams.push_back(
            segmented_beam(n++, g, target, iso, segments, weights, 3.0, "IMRT step-and-shoot", spec.machine));
        mu_share.push_back(1.0 + 0.35 * std::sin(g * pi / 180.0 + 1.0));
      }
      break;
    }
    case Technique::vmat:
      plan.beams.push_back(arc_beam(1, "Arc1_CW", 181.0, 358.0, "CW", 30.0, 90, target, iso, spec.machine));
      plan.beams.push_back(arc_beam(2, "Arc2_CC", 179.0, 358.0, "CC", 330.0, 90, target, iso, spec.machine));
      mu_share = {1.04, 0.96};
      break;
    case Technique::field_in_field:
      for (double g : spec.gantry_angles_deg) {
        plan.beams.push_back(field_in_field_beam(n++, g, target, iso, spec.machine));
        mu_share.push_back(g == 0.0 ? 0.5 : 1.0);
      }
      break;
    case Technique::compensator_imrt:
      for (double g : spec.gantry_angles_deg) {
        plan.beams.push_back(compensator_beam(n++, g, target, iso, spec.machine));
        mu_share.push_back(1.0 + 0.25 * std::cos(g * pi / 180.0));
      }
      break;
  }
  return mu_share;
}

// One fraction group: the prescribed fractions, each beam's MU and dose by its share.
FractionGroup primary_group(const PlanSpec& spec, const std::vector<Beam>& beams,
                            const std::vector<double>& mu_share) {
  FractionGroup fg;
  fg.number = 1;
  fg.fractions_planned = spec.fractions;
  fg.description = "Primary";
  double share_total = 0;
  for (double s : mu_share) share_total += s;
  const double dose_per_fraction = spec.prescription_gy / spec.fractions;
  for (std::size_t i = 0; i < beams.size(); ++i) {
    ReferencedBeam rb;
    rb.beam_number = beams[i].number;
    rb.meterset = r1(spec.total_mu * mu_share[i] / share_total);
    rb.beam_dose_gy = r4(dose_per_fraction * mu_share[i] / share_total);
    fg.beams.push_back(rb);
  }
  return fg;
}

}  // namespace

Plan build_plan(const PlanSpec& spec, const StructureSet& ss, const SetIds& ids, const ObjectInfo& info) {
  Plan plan;
  plan.info = info;
  plan.kind = PlanKind::photon_electron;
  plan.label = spec.label;
  plan.name = spec.name;
  plan.description = spec.description;
  plan.date = "20260315";
  plan.time = "143000";
  plan.geometry = "PATIENT";
  plan.intent = "CURATIVE";
  plan.approval_status = "APPROVED";
  plan.reviewer_name = "Oncologist^Sample";
  plan.review_date = "20260316";
  plan.review_time = "101500";
  plan.patient_positions = {"HFS"};
  plan.referenced_structure_set_uids = {ss.info.sop_instance_uid};
  plan.dose_references = dose_references(spec, ss, ids);
  const std::vector<double> mu_share = add_beams(spec, ss, plan);
  plan.fraction_groups.push_back(primary_group(spec, plan.beams, mu_share));
  return plan;
}

}  // namespace rtreview::samples::detail
