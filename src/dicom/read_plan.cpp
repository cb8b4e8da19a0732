// RT Plan / RT Ion Plan / brachytherapy plan → Plan.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <map>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"

namespace rtreview::dicom {
namespace {

std::vector<std::string> referenced_uids(DcmItem& ds, const DcmTagKey& sequence) {
  std::vector<std::string> out;
  for (DcmItem* item : get_items(ds, sequence))
    if (std::string uid = get_string(*item, DCM_ReferencedSOPInstanceUID); !uid.empty()) out.push_back(uid);
  return out;
}

DoseReference read_dose_reference(DcmItem& item) {
  DoseReference r;
  r.number = get_int(item, DCM_DoseReferenceNumber).value_or(0);
  r.uid = get_string(item, DCM_DoseReferenceUID);
  r.structure_type = get_string(item, DCM_DoseReferenceStructureType);
  r.description = get_string(item, DCM_DoseReferenceDescription);
  r.type = get_string(item, DCM_DoseReferenceType);
  r.referenced_roi_number = get_int(item, DCM_ReferencedROINumber);
  r.point_mm = get_point(item, DCM_DoseReferencePointCoordinates);
  r.delivery_warning_dose_gy = get_number(item, DCM_DeliveryWarningDose);
  r.delivery_maximum_dose_gy = get_number(item, DCM_DeliveryMaximumDose);
  r.target_minimum_dose_gy = get_number(item, DCM_TargetMinimumDose);
  r.target_prescription_dose_gy = get_number(item, DCM_TargetPrescriptionDose);
  r.target_maximum_dose_gy = get_number(item, DCM_TargetMaximumDose);
  r.target_underdose_volume_fraction = get_number(item, DCM_TargetUnderdoseVolumeFraction);
  r.organ_at_risk_full_volume_dose_gy = get_number(item, DCM_OrganAtRiskFullVolumeDose);
  r.organ_at_risk_limit_dose_gy = get_number(item, DCM_OrganAtRiskLimitDose);
  r.organ_at_risk_maximum_dose_gy = get_number(item, DCM_OrganAtRiskMaximumDose);
  r.organ_at_risk_overdose_volume_fraction = get_number(item, DCM_OrganAtRiskOverdoseVolumeFraction);
  r.constraint_weight = get_number(item, DCM_ConstraintWeight);
  return r;
}

FractionGroup read_fraction_group(DcmItem& item) {
  FractionGroup g;
  g.number = get_int(item, DCM_FractionGroupNumber).value_or(0);
  g.fractions_planned = get_int(item, DCM_NumberOfFractionsPlanned);
  g.fraction_pattern_digits_per_day = get_int(item, DCM_NumberOfFractionPatternDigitsPerDay);
  g.description = get_string(item, DCM_FractionGroupDescription);
  for (DcmItem* ref : get_items(item, DCM_ReferencedBeamSequence)) {
    ReferencedBeam b;
    b.beam_number = get_int(*ref, DCM_ReferencedBeamNumber).value_or(0);
    b.meterset = get_number(*ref, DCM_BeamMeterset);
    b.beam_dose_gy = get_number(*ref, DCM_BeamDose);
    b.beam_dose_specification_point_mm = get_point(*ref, DCM_RETIRED_BeamDoseSpecificationPoint);
    g.beams.push_back(b);
  }
  for (DcmItem* ref : get_items(item, DCM_ReferencedDoseReferenceSequence)) {
    FractionGroupDoseReference r;
    r.referenced_dose_reference_number = get_int(*ref, DCM_ReferencedDoseReferenceNumber).value_or(0);
    r.target_prescription_dose_gy = get_number(*ref, DCM_TargetPrescriptionDose);
    r.target_minimum_dose_gy = get_number(*ref, DCM_TargetMinimumDose);
    r.target_maximum_dose_gy = get_number(*ref, DCM_TargetMaximumDose);
    g.dose_references.push_back(r);
  }
  const auto brachy_refs = get_items(item, DCM_ReferencedBrachyApplicationSetupSequence);
  g.brachy_application_setup_count =
      get_int(item, DCM_NumberOfBrachyApplicationSetups).value_or(static_cast<int>(brachy_refs.size()));
  return g;
}

void read_limiting_devices(DcmItem& beam_item, bool ion, Beam& beam) {
  const DcmTagKey seq = ion ? DCM_IonBeamLimitingDeviceSequence : DCM_BeamLimitingDeviceSequence;
  for (DcmItem* item : get_items(beam_item, seq)) {
    BeamLimitingDevice d;
    d.device_type = get_string(*item, DCM_RTBeamLimitingDeviceType);
    d.leaf_pair_count = get_int(*item, DCM_NumberOfLeafJawPairs).value_or(0);
    d.leaf_boundaries_mm = get_numbers(*item, DCM_LeafPositionBoundaries);
    beam.limiting_devices.push_back(std::move(d));
  }
}

void read_accessories(DcmItem& beam_item, bool ion, Beam& beam) {
  for (DcmItem* item : get_items(beam_item, ion ? DCM_IonWedgeSequence : DCM_WedgeSequence)) {
    Wedge w;
    w.number = get_int(*item, DCM_WedgeNumber).value_or(0);
    w.id = get_string(*item, DCM_WedgeID);
    w.type = get_string(*item, DCM_WedgeType);
    w.angle_deg = get_number(*item, DCM_WedgeAngle);
    w.orientation_deg = get_number(*item, DCM_WedgeOrientation);
    beam.wedges.push_back(std::move(w));
  }
  for (DcmItem* item : get_items(beam_item, ion ? DCM_IonBlockSequence : DCM_BlockSequence)) {
    Block b;
    b.number = get_int(*item, DCM_BlockNumber).value_or(0);
    b.name = get_string(*item, DCM_BlockName);
    b.type = get_string(*item, DCM_BlockType);
    b.divergence = get_string(*item, DCM_BlockDivergence);
    b.material_id = get_string(*item, DCM_MaterialID);
    b.point_count = get_int(*item, DCM_BlockNumberOfPoints).value_or(0);
    beam.blocks.push_back(std::move(b));
  }
  for (DcmItem* item :
       get_items(beam_item, ion ? DCM_IonRangeCompensatorSequence : DCM_CompensatorSequence)) {
    Compensator c;
    c.number = get_int(*item, DCM_CompensatorNumber).value_or(0);
    c.id = get_string(*item, DCM_CompensatorID);
    c.type = get_string(*item, DCM_CompensatorType);
    c.material_id = get_string(*item, DCM_MaterialID);
    c.rows = get_int(*item, DCM_CompensatorRows).value_or(0);
    c.columns = get_int(*item, DCM_CompensatorColumns).value_or(0);
    c.pixel_spacing_row_mm = get_number(*item, DCM_CompensatorPixelSpacing, 0);
    c.pixel_spacing_column_mm = get_number(*item, DCM_CompensatorPixelSpacing, 1);
    c.source_to_compensator_distance_mm = get_number(*item, DCM_SourceToCompensatorTrayDistance);
    if (!c.source_to_compensator_distance_mm)
      c.source_to_compensator_distance_mm = get_number(*item, DCM_SourceToCompensatorDistance);
    c.thickness_data_mm = get_numbers(*item, DCM_CompensatorThicknessData);
    c.thickness_value_count = c.thickness_data_mm.size();
    if (!c.thickness_data_mm.empty())
      c.max_thickness_mm = *std::max_element(c.thickness_data_mm.begin(), c.thickness_data_mm.end());
    beam.compensators.push_back(std::move(c));
  }
}

// DICOM repeats control point attributes only when they change: start each control
// point from the previous one and overwrite what this item states explicitly.
void read_control_points(DcmItem& beam_item, bool ion, Beam& beam) {
  const auto items = get_items(beam_item, ion ? DCM_IonControlPointSequence : DCM_ControlPointSequence);
  beam.control_points.reserve(items.size());
  ControlPoint carried;
  for (std::size_t i = 0; i < items.size(); ++i) {
    DcmItem& item = *items[i];
    ControlPoint cp = carried;
    cp.index = get_int(item, DCM_ControlPointIndex).value_or(static_cast<int>(i));
    cp.cumulative_meterset_weight = get_number(item, DCM_CumulativeMetersetWeight);
    if (auto v = get_number(item, DCM_NominalBeamEnergy)) cp.nominal_energy_mev = v;
    if (auto v = get_number(item, DCM_DoseRateSet)) cp.dose_rate_mu_per_min = v;
    cp.gantry_explicit = false;
    if (auto v = get_number(item, DCM_GantryAngle)) {
      cp.gantry_angle_deg = *v;
      cp.gantry_explicit = true;
    }
    if (std::string s = get_string(item, DCM_GantryRotationDirection); !s.empty())
      cp.gantry_rotation_direction = s;
    if (auto v = get_number(item, DCM_BeamLimitingDeviceAngle)) cp.collimator_angle_deg = *v;
    if (std::string s = get_string(item, DCM_BeamLimitingDeviceRotationDirection); !s.empty())
      cp.collimator_rotation_direction = s;
    if (auto v = get_number(item, DCM_PatientSupportAngle)) cp.couch_angle_deg = *v;
    if (std::string s = get_string(item, DCM_PatientSupportRotationDirection); !s.empty())
      cp.couch_rotation_direction = s;
    if (auto v = get_number(item, DCM_TableTopPitchAngle)) cp.table_top_pitch_deg = v;
    if (auto v = get_number(item, DCM_TableTopRollAngle)) cp.table_top_roll_deg = v;
    if (auto v = get_point(item, DCM_IsocenterPosition)) cp.isocenter_mm = v;
    cp.device_positions_explicit = false;
    for (DcmItem* pos : get_items(item, DCM_BeamLimitingDevicePositionSequence)) {
      DevicePositions d{get_string(*pos, DCM_RTBeamLimitingDeviceType),
                        get_numbers(*pos, DCM_LeafJawPositions)};
      cp.device_positions_explicit = true;
      auto same = std::find_if(cp.device_positions.begin(), cp.device_positions.end(),
                               [&](const DevicePositions& e) { return e.device_type == d.device_type; });
      if (same != cp.device_positions.end())
        *same = std::move(d);
      else
        cp.device_positions.push_back(std::move(d));
    }
    if (ion) {
      if (auto v = get_number(item, DCM_MetersetRate)) cp.meterset_rate = v;
      cp.scan_spot_count = get_int(item, DCM_NumberOfScanSpotPositions).value_or(0);
    }
    carried = cp;
    beam.control_points.push_back(std::move(cp));
  }
}

Beam read_beam(DcmItem& item, bool ion, const std::map<int, std::string>& setup_positions,
               std::vector<std::string>& notes) {
  Beam b;
  b.is_ion = ion;
  b.number = get_int(item, DCM_BeamNumber).value_or(0);
  b.name = get_string(item, DCM_BeamName);
  b.description = get_string(item, DCM_BeamDescription);
  b.beam_type = get_string(item, DCM_BeamType);
  b.radiation_type = get_string(item, DCM_RadiationType);
  b.treatment_delivery_type = get_string(item, DCM_TreatmentDeliveryType);
  b.treatment_machine_name = get_string(item, DCM_TreatmentMachineName);
  b.primary_dosimeter_unit = get_string(item, DCM_PrimaryDosimeterUnit);
  if (auto modes = get_items(item, DCM_PrimaryFluenceModeSequence); !modes.empty()) {
    // NON_STANDARD without its (Type 1C) ID is still not the standard mode: keep the mode.
    if (get_string(*modes.front(), DCM_FluenceMode) == "NON_STANDARD") {
      b.fluence_mode_id = get_string(*modes.front(), DCM_FluenceModeID);
      if (b.fluence_mode_id.empty()) b.fluence_mode_id = "NON_STANDARD";
    }
  }
  b.source_axis_distance_mm = get_number(item, DCM_SourceAxisDistance);
  if (!b.source_axis_distance_mm && ion)
    b.source_axis_distance_mm = get_number(item, DCM_VirtualSourceAxisDistances);
  b.final_cumulative_meterset_weight = get_number(item, DCM_FinalCumulativeMetersetWeight);
  b.declared_control_point_count = get_int(item, DCM_NumberOfControlPoints);
  if (ion) {
    b.scan_mode = get_string(item, DCM_ScanMode);
    const auto shifters = get_items(item, DCM_RangeShifterSequence);
    b.range_shifter_count =
        get_int(item, DCM_NumberOfRangeShifters).value_or(static_cast<int>(shifters.size()));
  }
  if (auto setup = get_int(item, DCM_ReferencedPatientSetupNumber)) {
    auto it = setup_positions.find(*setup);
    if (it != setup_positions.end()) b.referenced_patient_setup = it->second;
  }
  read_limiting_devices(item, ion, b);
  read_accessories(item, ion, b);
  read_control_points(item, ion, b);
  const std::string who = "beam " + std::to_string(b.number) + (b.name.empty() ? "" : " (" + b.name + ")");
  if (b.declared_control_point_count &&
      *b.declared_control_point_count != static_cast<int>(b.control_points.size()))
    notes.push_back(who + ": NumberOfControlPoints " + std::to_string(*b.declared_control_point_count) +
                    " but " + std::to_string(b.control_points.size()) + " control point items");
  if (!b.control_points.empty() && !b.control_points.front().cumulative_meterset_weight)
    notes.push_back(who + ": first control point has no CumulativeMetersetWeight");
  return b;
}

BrachyApplicationSetup read_application_setup(DcmItem& item) {
  BrachyApplicationSetup s;
  s.number = get_int(item, DCM_ApplicationSetupNumber).value_or(0);
  s.type = get_string(item, DCM_ApplicationSetupType);
  s.name = get_string(item, DCM_ApplicationSetupName);
  for (DcmItem* ch : get_items(item, DCM_ChannelSequence)) {
    BrachyChannel c;
    c.number = get_int(*ch, DCM_ChannelNumber).value_or(0);
    c.source_movement_type = get_string(*ch, DCM_SourceMovementType);
    c.channel_total_time_s = get_number(*ch, DCM_ChannelTotalTime);
    const auto cps = get_items(*ch, DCM_BrachyControlPointSequence);
    c.control_point_count = get_int(*ch, DCM_NumberOfControlPoints).value_or(static_cast<int>(cps.size()));
    c.channel_length_mm = get_number(*ch, DCM_ChannelLength);
    s.channels.push_back(std::move(c));
  }
  return s;
}

}  // namespace

void read_plan(DcmDataset& ds, Plan& plan) {
  plan.label = get_string(ds, DCM_RTPlanLabel);
  plan.name = get_string(ds, DCM_RTPlanName);
  plan.description = get_string(ds, DCM_RTPlanDescription);
  plan.date = get_string(ds, DCM_RTPlanDate);
  plan.time = get_string(ds, DCM_RTPlanTime);
  plan.geometry = get_string(ds, DCM_RTPlanGeometry);
  plan.intent = get_string(ds, DCM_PlanIntent);
  plan.approval_status = get_string(ds, DCM_ApprovalStatus);
  plan.reviewer_name = get_string(ds, DCM_ReviewerName);
  plan.review_date = get_string(ds, DCM_ReviewDate);
  plan.review_time = get_string(ds, DCM_ReviewTime);
  plan.brachy_treatment_technique = get_string(ds, DCM_BrachyTreatmentTechnique);
  plan.brachy_treatment_type = get_string(ds, DCM_BrachyTreatmentType);

  std::map<int, std::string> setup_positions;
  for (DcmItem* item : get_items(ds, DCM_PatientSetupSequence)) {
    std::string position = get_string(*item, DCM_PatientPosition);
    if (auto number = get_int(*item, DCM_PatientSetupNumber)) setup_positions[*number] = position;
    plan.patient_positions.push_back(position);
  }
  for (DcmItem* item : get_items(ds, DCM_DoseReferenceSequence))
    plan.dose_references.push_back(read_dose_reference(*item));
  for (DcmItem* item : get_items(ds, DCM_FractionGroupSequence))
    plan.fraction_groups.push_back(read_fraction_group(*item));

  const bool has_ion_beams = has_tag(ds, DCM_IonBeamSequence);
  const bool ion = plan.info.sop_class_uid == sop_class::rt_ion_plan || has_ion_beams;
  for (DcmItem* item : get_items(ds, ion && has_ion_beams ? DCM_IonBeamSequence : DCM_BeamSequence))
    plan.beams.push_back(read_beam(*item, ion && has_ion_beams, setup_positions, plan.notes));
  for (DcmItem* item : get_items(ds, DCM_ApplicationSetupSequence))
    plan.application_setups.push_back(read_application_setup(*item));

  plan.referenced_structure_set_uids = referenced_uids(ds, DCM_ReferencedStructureSetSequence);
  plan.referenced_dose_uids = referenced_uids(ds, DCM_ReferencedDoseSequence);
  for (DcmItem* item : get_items(ds, DCM_ReferencedRTPlanSequence))
    plan.referenced_plans.push_back(
        {get_string(*item, DCM_ReferencedSOPInstanceUID), get_string(*item, DCM_RTPlanRelationship)});

  const bool brachy = has_tag(ds, DCM_ApplicationSetupSequence) || !plan.brachy_treatment_type.empty() ||
                      !plan.brachy_treatment_technique.empty();
  if (ion)
    plan.kind = PlanKind::ion;
  else if (brachy && plan.beams.empty())
    plan.kind = PlanKind::brachy;
  else if (!plan.beams.empty())
    plan.kind = PlanKind::photon_electron;
  else
    plan.kind = PlanKind::unknown;

  const DeliveryKindResult delivery = classify_delivery_kind(plan);
  plan.delivery_kind = delivery.kind;
  plan.delivery_kind_rule = delivery.rule;
  // One reading of the kind: PROTON beams in an RT Plan (not an RT Ion Plan) make an ion plan.
  if (delivery.kind != DeliveryKind::unknown) plan.kind = coarse_kind(delivery.kind);

  if (plan.kind == PlanKind::unknown)
    plan.notes.push_back("no BeamSequence, IonBeamSequence or ApplicationSetupSequence");
  if (plan.fraction_groups.empty()) plan.notes.push_back("FractionGroupSequence absent or empty");
}

}  // namespace rtreview::dicom
