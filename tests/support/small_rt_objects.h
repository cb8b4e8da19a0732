// Small, complete RT objects for the DICOM writer / reader / limits unit tests: one plan (one
// beam, two control points), one 4 x 3 x 2 dose grid, one structure set (a square BODY and an
// ROI without contours), all of one study and frame of reference.
#pragma once

#include <string>

#include "rtreview/dicom_io.h"

namespace rtreview::test {

inline ObjectInfo make_info(const std::string& uid) {
  ObjectInfo info;
  info.sop_instance_uid = uid;
  info.study_instance_uid = "1.2.826.0.1.3680043.10.999.1";
  info.series_instance_uid = uid + ".1";
  info.frame_of_reference_uid = "1.2.826.0.1.3680043.10.999.2";
  info.instance_creation_date = "20260105";
  info.manufacturer = "rtreview tests";
  info.patient = {"Test^Patient", "TP001", "19600101", "F"};
  return info;
}

inline Plan make_plan() {
  Plan plan;
  plan.info = make_info("1.2.826.0.1.3680043.10.999.3");
  plan.kind = PlanKind::photon_electron;
  plan.label = "TEST";
  plan.date = "20260105";
  plan.time = "101500";
  plan.approval_status = "APPROVED";
  plan.reviewer_name = "Physicist^Pat";
  plan.review_date = "20260106";
  plan.patient_positions = {"HFS"};
  plan.referenced_structure_set_uids = {"1.2.826.0.1.3680043.10.999.4"};
  FractionGroup group;
  group.number = 1;
  group.fractions_planned = 30;
  group.beams.push_back({1, 116.0, 2.0, std::nullopt});
  plan.fraction_groups.push_back(group);
  Beam beam;
  beam.number = 1;
  beam.name = "AP";
  beam.beam_type = "STATIC";
  beam.radiation_type = "PHOTON";
  beam.treatment_delivery_type = "TREATMENT";
  beam.treatment_machine_name = "LINAC1";
  beam.final_cumulative_meterset_weight = 1.0;
  for (int i = 0; i < 2; ++i) {
    ControlPoint cp;
    cp.index = i;
    cp.cumulative_meterset_weight = i;
    cp.nominal_energy_mev = 6.0;
    cp.gantry_angle_deg = 0.0;
    cp.gantry_rotation_direction = "NONE";
    cp.isocenter_mm = Point3{0, 0, 0};
    cp.device_positions = {{"ASYMX", {-50, 50}}, {"ASYMY", {-60, 60}}};
    beam.control_points.push_back(cp);
  }
  plan.beams.push_back(beam);
  return plan;
}

// 16 or 32 bits per voxel.
inline DoseGrid make_dose(int bits = 16) {
  DoseGrid dose;
  dose.info = make_info("1.2.826.0.1.3680043.10.999.5");
  dose.columns = 4;
  dose.rows = 3;
  dose.frames = 2;
  dose.origin_mm = {-10, -5, 0};
  dose.row_spacing_mm = 2.5;
  dose.column_spacing_mm = 2.0;
  dose.frame_offsets_mm = {0, -3};
  dose.bits_allocated = bits;
  dose.units = "GY";
  dose.summation_type = "PLAN";
  dose.referenced_plan_uid = "1.2.826.0.1.3680043.10.999.3";
  for (int i = 0; i < 24; ++i) dose.dose.push_back(0.5f * i);
  return dose;
}

inline StructureSet make_structure_set() {
  StructureSet ss;
  ss.info = make_info("1.2.826.0.1.3680043.10.999.4");
  ss.label = "RS";
  ss.date = "20260105";
  Roi body;
  body.number = 0;  // ROI number 0 is legal
  body.name = "BODY";
  body.interpreted_type = "EXTERNAL";
  body.generation_algorithm = "AUTOMATIC";
  body.in_roi_contour_sequence = true;
  body.contours.push_back({"CLOSED_PLANAR", {{-5, -5, 0}, {5, -5, 0}, {5, 5, 0}, {-5, 5, 0}}, std::nullopt});
  Roi empty;
  empty.number = 7;
  empty.name = "Empty";
  ss.rois = {body, empty};
  return ss;
}

}  // namespace rtreview::test
