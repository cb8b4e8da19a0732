// Generated inputs for the checks' unit tests: doses, ROIs and beams built in code.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rtreview/checks.h"
#include "rtreview/model.h"

namespace rtreview::test {

inline const char* frame_uid = "1.2.3.4.5.100";
inline const char* plan_uid = "1.2.3.4.5.200";

// A dose of `value_gy` everywhere: cols × rows × frames voxels, origin (0,0,0).
inline std::shared_ptr<DoseGrid> make_dose(int cols, int rows, int frames, double row_mm, double col_mm,
                                           double slice_mm, float value_gy = 2.0f) {
  auto d = std::make_shared<DoseGrid>();
  d->info.sop_instance_uid = "1.2.3.4.5.300";
  d->info.source.path = "/tmp/RD.test.dcm";
  d->info.frame_of_reference_uid = frame_uid;
  d->info.modality = "RTDOSE";
  d->columns = cols;
  d->rows = rows;
  d->frames = frames;
  d->row_spacing_mm = row_mm;
  d->column_spacing_mm = col_mm;
  for (int f = 0; f < frames; ++f) d->frame_offsets_mm.push_back(f * slice_mm);
  d->dose.assign(static_cast<std::size_t>(cols) * rows * frames, value_gy);
  d->units = "GY";
  d->dose_type = "PHYSICAL";
  d->summation_type = "PLAN";
  d->referenced_plan_uid = plan_uid;
  return d;
}

// A box ROI: closed square contours [x0,x1]×[y0,y1] on planes z0, z0+dz, ... z1.
inline Roi make_box_roi(int number, const std::string& name, const std::string& type, double x0, double x1,
                        double y0, double y1, double z0, double z1, double dz = 2.0) {
  Roi roi;
  roi.number = number;
  roi.name = name;
  roi.interpreted_type = type;
  roi.frame_of_reference_uid = frame_uid;
  roi.in_roi_contour_sequence = true;
  for (double z = z0; z <= z1 + 1e-9; z += dz) {
    Contour c;
    c.geometric_type = "CLOSED_PLANAR";
    c.points_mm = {{x0, y0, z}, {x1, y0, z}, {x1, y1, z}, {x0, y1, z}};
    roi.contours.push_back(c);
  }
  return roi;
}

inline Roi make_point_roi(int number, const std::string& name, const std::string& type) {
  Roi roi;
  roi.number = number;
  roi.name = name;
  roi.interpreted_type = type;
  roi.frame_of_reference_uid = frame_uid;
  Contour c;
  c.geometric_type = "POINT";
  c.points_mm = {{0, 0, 0}};
  roi.contours.push_back(c);
  return roi;
}

inline Roi make_empty_roi(int number, const std::string& name, const std::string& type = "") {
  Roi roi;
  roi.number = number;
  roi.name = name;
  roi.interpreted_type = type;
  roi.frame_of_reference_uid = frame_uid;
  return roi;
}

inline DevicePositions mlc(double a_mm, double b_mm, int pairs = 4) {
  DevicePositions d;
  d.device_type = "MLCX";
  for (int i = 0; i < pairs; ++i) d.positions_mm.push_back(a_mm);
  for (int i = 0; i < pairs; ++i) d.positions_mm.push_back(b_mm);
  return d;
}

inline DevicePositions jaws(const std::string& type, double a_mm, double b_mm) {
  DevicePositions d;
  d.device_type = type;
  d.positions_mm = {a_mm, b_mm};
  return d;
}

inline ControlPoint control_point(int index, double weight, double gantry_deg, const std::string& rotation,
                                  double leaf_a_mm, double leaf_b_mm) {
  ControlPoint cp;
  cp.index = index;
  cp.cumulative_meterset_weight = weight;
  cp.nominal_energy_mev = 6.0;
  cp.gantry_angle_deg = gantry_deg;
  cp.gantry_rotation_direction = rotation;
  cp.isocenter_mm = Point3{0, 0, 0};
  cp.device_positions = {jaws("ASYMX", -50, 50), jaws("ASYMY", -50, 50), mlc(leaf_a_mm, leaf_b_mm)};
  return cp;
}

inline Beam base_beam(int number, const std::string& name) {
  Beam b;
  b.number = number;
  b.name = name;
  b.radiation_type = "PHOTON";
  b.treatment_delivery_type = "TREATMENT";
  b.treatment_machine_name = "TrueBeam";
  b.primary_dosimeter_unit = "MU";
  b.beam_type = "STATIC";
  b.limiting_devices = {{"ASYMX", 1, {}}, {"ASYMY", 1, {}}, {"MLCX", 4, {}}};
  return b;
}

// Step-and-shoot / field-in-field beam: `segments` static apertures with weights `shares` (default equal).
inline Beam segmented_beam(int number, double gantry_deg, int segments, std::vector<double> shares = {}) {
  Beam b = base_beam(number, "B" + std::to_string(number));
  if (shares.empty()) shares.assign(static_cast<std::size_t>(segments), 1.0 / segments);
  double w = 0.0;
  int index = 0;
  for (int s = 0; s < segments; ++s) {
    const double leaf = -40.0 + 5.0 * s;
    b.control_points.push_back(control_point(index++, w, gantry_deg, "NONE", leaf, 40.0));
    w += shares[static_cast<std::size_t>(s)];
    b.control_points.push_back(
        control_point(index++, s + 1 == segments ? 1.0 : w, gantry_deg, "NONE", leaf, 40.0));
  }
  return b;
}

// Sliding-window beam: the leaves sweep while the meterset accumulates.
inline Beam sliding_window_beam(int number, double gantry_deg, int points = 20) {
  Beam b = base_beam(number, "SW" + std::to_string(number));
  b.beam_type = "DYNAMIC";
  for (int i = 0; i < points; ++i)
    b.control_points.push_back(
        control_point(i, double(i) / (points - 1), gantry_deg, "NONE", -40.0 + 4.0 * i, -30.0 + 4.0 * i));
  return b;
}

// VMAT arc from start to stop (direction CW/CC) with moving leaves; `modulated` false keeps them still.
inline Beam arc_beam(int number, double start_deg, double stop_deg, const std::string& direction,
                     int points = 30, bool modulated = true) {
  Beam b = base_beam(number, "ARC" + std::to_string(number));
  b.beam_type = "DYNAMIC";
  double span = direction == "CW" ? stop_deg - start_deg : start_deg - stop_deg;
  while (span <= 0) span += 360.0;
  // VMAT modulates the dose rate too: MU per degree varies along the arc (else it would
  // be a dynamic conformal arc).
  std::vector<double> weights = {0.0};
  for (int i = 1; i < points; ++i)
    weights.push_back(weights.back() + (modulated ? 1.0 + 0.6 * std::sin(i) : 1.0));
  for (int i = 0; i < points; ++i) {
    double g = start_deg + (direction == "CW" ? 1 : -1) * span * i / (points - 1);
    g = std::fmod(g + 720.0, 360.0);
    const double leaf = modulated ? -20.0 + ((i % 3) * 3.0) : -20.0;
    b.control_points.push_back(control_point(i, weights[static_cast<std::size_t>(i)] / weights.back(), g,
                                             i + 1 == points ? "NONE" : direction, leaf, 20.0));
  }
  return b;
}

// A plan with the given beams, one fraction group of `fractions`, `mu` per beam.
inline std::shared_ptr<Plan> make_plan(std::vector<Beam> beams, int fractions = 30, double mu = 100.0) {
  auto p = std::make_shared<Plan>();
  p->info.sop_instance_uid = plan_uid;
  p->info.frame_of_reference_uid = frame_uid;
  p->info.modality = "RTPLAN";
  p->kind = PlanKind::photon_electron;
  p->label = "TestPlan";
  p->approval_status = "APPROVED";
  p->reviewer_name = "Doe^Jane";
  p->review_date = "20260101";
  FractionGroup g;
  g.number = 1;
  g.fractions_planned = fractions;
  for (const auto& b : beams) {
    ReferencedBeam rb;
    rb.beam_number = b.number;
    if (b.treatment_delivery_type == "TREATMENT") rb.meterset = mu;
    g.beams.push_back(rb);
  }
  p->fraction_groups.push_back(g);
  p->beams = std::move(beams);
  return p;
}

inline std::shared_ptr<StructureSet> make_structure_set(std::vector<Roi> rois) {
  auto ss = std::make_shared<StructureSet>();
  ss->info.sop_instance_uid = "1.2.3.4.5.400";
  ss->info.frame_of_reference_uid = frame_uid;
  ss->info.modality = "RTSTRUCT";
  ss->label = "TestSS";
  ss->rois = std::move(rois);
  return ss;
}

// A complete plan set: 100×100×50 mm body, 20 mm PTV/GTV box, an OAR box, 5 mm dose grid.
inline PlanSet make_good_plan_set() {
  PlanSet set;
  set.id = plan_uid;
  std::vector<Beam> beams;
  for (int i = 0; i < 7; ++i) beams.push_back(segmented_beam(i + 1, i * 51.0, 8));
  set.plan = make_plan(beams);
  set.structure_set = make_structure_set({make_box_roi(1, "BODY", "EXTERNAL", 5, 95, 5, 95, 4, 40),
                                          make_box_roi(2, "GTV", "GTV", 40, 50, 40, 50, 20, 26),
                                          make_box_roi(3, "PTV_6000", "PTV", 35, 55, 35, 55, 16, 30),
                                          make_box_roi(4, "SpinalCord", "ORGAN", 45, 52, 70, 77, 10, 36),
                                          make_point_roi(5, "ISO", "ISOCENTER")});
  set.doses.push_back(make_dose(20, 20, 10, 5.0, 5.0, 5.0));
  return set;
}

inline const Finding* find(const std::vector<Finding>& findings, std::string_view id) {
  for (const auto& f : findings)
    if (f.id == id) return &f;
  return nullptr;
}

inline bool evidence_contains(const Finding& f, const std::string& text) {
  for (const auto& e : f.evidence)
    if (e.label.find(text) != std::string::npos || e.value.find(text) != std::string::npos) return true;
  return f.message.find(text) != std::string::npos;
}

}  // namespace rtreview::test
