// Writing model objects as DICOM RT files with DCMTK. Used by the sample
// generator and by tests that build DICOM in code. Everything written comes
// from the model object (UIDs, dates, values) so output is byte-identical for
// identical input; DCMTK adds only the File Meta header.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "rtreview/dicom_io.h"

namespace rtreview {
namespace {

constexpr const char* kPlanSopClass = UID_RTPlanStorage;
constexpr const char* kIonPlanSopClass = UID_RTIonPlanStorage;
constexpr const char* kDoseSopClass = UID_RTDoseStorage;
constexpr const char* kStructureSetSopClass = UID_RTStructureSetStorage;

// DS values are at most 16 characters: use the most precise %g that fits.
std::string format_ds(double value) {
  if (value == 0.0 || !std::isfinite(value)) return "0";
  char buffer[64];
  for (int precision = 12; precision >= 1; --precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strlen(buffer) <= 16) return buffer;
  }
  return "0";
}

std::string format_ds(const std::vector<double>& values) {
  std::string out;
  out.reserve(values.size() * 8);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += '\\';
    out += format_ds(values[i]);
  }
  return out;
}

std::string format_ds(const Point3& p) { return format_ds(std::vector<double>{p[0], p[1], p[2]}); }

// Collects the first DCMTK failure so each put* call stays one line.
class Writer {
 public:
  void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    note(item.putAndInsertString(DcmTag(tag), value.c_str()), tag);
  }
  // Puts only non-empty strings (Type 3 attributes stay absent rather than empty).
  void put_if(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    if (!value.empty()) put(item, tag, value);
  }
  void put_ds(DcmItem& item, const DcmTagKey& tag, double value) { put(item, tag, format_ds(value)); }
  void put_ds(DcmItem& item, const DcmTagKey& tag, const std::optional<double>& value) {
    if (value) put_ds(item, tag, *value);
  }
  void put_is(DcmItem& item, const DcmTagKey& tag, long value) { put(item, tag, std::to_string(value)); }
  void put_us(DcmItem& item, const DcmTagKey& tag, Uint16 value) {
    note(item.putAndInsertUint16(DcmTag(tag), value), tag);
  }
  DcmItem& new_item(DcmItem& parent, const DcmTagKey& sequence) {
    DcmItem* item = nullptr;
    note(parent.findOrCreateSequenceItem(DcmTag(sequence), item, -2), sequence);
    if (!item) throw std::runtime_error("cannot create sequence item");
    return *item;
  }
  // An empty sequence (Type 2).
  void empty_sequence(DcmItem& parent, const DcmTagKey& sequence) {
    note(parent.insertEmptyElement(DcmTag(sequence)), sequence);
  }
  void note(const OFCondition& cond, const DcmTagKey& tag) {
    if (cond.bad() && error_.empty()) error_ = std::string(cond.text()) + " at " + tag.toString().c_str();
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

void write_common(Writer& w, DcmItem& ds, const ObjectInfo& info, const char* sop_class,
                  const char* modality) {
  w.put(ds, DCM_SpecificCharacterSet, "ISO_IR 100");
  w.put_if(ds, DCM_InstanceCreationDate, info.instance_creation_date);
  w.put(ds, DCM_SOPClassUID, info.sop_class_uid.empty() ? sop_class : info.sop_class_uid);
  w.put(ds, DCM_SOPInstanceUID, info.sop_instance_uid);
  w.put(ds, DCM_StudyDate, info.instance_creation_date);
  w.put(ds, DCM_StudyTime, "");
  w.put(ds, DCM_AccessionNumber, "");
  w.put(ds, DCM_Modality, modality);
  w.put(ds, DCM_Manufacturer, info.manufacturer);
  w.put(ds, DCM_ReferringPhysicianName, "");
  w.put_if(ds, DCM_StationName, info.station_name);
  w.put_if(ds, DCM_SeriesDescription, info.series_description);
  w.put_if(ds, DCM_ManufacturerModelName, info.manufacturer_model_name);
  w.put(ds, DCM_PatientName, info.patient.name);
  w.put(ds, DCM_PatientID, info.patient.id);
  w.put(ds, DCM_PatientBirthDate, info.patient.birth_date);
  w.put(ds, DCM_PatientSex, info.patient.sex);
  w.put_if(ds, DCM_SoftwareVersions, info.software_versions);
  w.put(ds, DCM_StudyInstanceUID, info.study_instance_uid);
  w.put(ds, DCM_SeriesInstanceUID, info.series_instance_uid);
  w.put(ds, DCM_StudyID, "");
  w.put(ds, DCM_SeriesNumber, "1");
  w.put(ds, DCM_OperatorsName, "");
  if (!info.frame_of_reference_uid.empty()) {
    w.put(ds, DCM_FrameOfReferenceUID, info.frame_of_reference_uid);
    w.put(ds, DCM_PositionReferenceIndicator, "");
  }
}

bool parse_transfer_syntax(const std::string& name, E_TransferSyntax& xfer) {
  if (name == "implicit")
    xfer = EXS_LittleEndianImplicit;
  else if (name == "explicit")
    xfer = EXS_LittleEndianExplicit;
  else if (name == "big_endian")
    xfer = EXS_BigEndianExplicit;
  else if (name == "rle")
    xfer = EXS_RLELossless;
  else
    return false;
  return true;
}

// Model strings are UTF-8; the file gets the object's SpecificCharacterSet ("" = ISO_IR 100,
// what the writer always declared). Pure-ASCII datasets are left untouched.
std::string encode_text(DcmDataset& ds, const std::string& specific_character_set) {
  const std::string target = specific_character_set.empty() ? "ISO_IR 100" : specific_character_set;
  if (!ds.containsExtendedCharacters(OFTrue)) return {};
  if (target == "ISO_IR 192") {
    ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    return {};
  }
  OFCondition cond = ds.convertCharacterSet("ISO_IR 192", target.c_str(), 0, OFTrue);
  return cond.good() ? std::string() : "cannot encode text as " + target + ": " + cond.text();
}

Result cannot_write(const std::filesystem::path& path, std::string reason) {
  return Result::failure(ErrorCode::cannot_write, path.string(), std::move(reason));
}

Result save(DcmFileFormat& file, const std::filesystem::path& path, const std::string& transfer_syntax,
            const Writer& w, const std::string& specific_character_set) {
  if (!w.error().empty()) return cannot_write(path, "cannot build dataset: " + w.error());
  if (auto error = encode_text(*file.getDataset(), specific_character_set); !error.empty())
    return cannot_write(path, error);
  E_TransferSyntax xfer;
  if (!parse_transfer_syntax(transfer_syntax, xfer))
    return cannot_write(path, "unknown transfer syntax '" + transfer_syntax + "'");
  DcmDataset* ds = file.getDataset();
  if (xfer == EXS_RLELossless) {
    static std::once_flag registered;
    std::call_once(registered, [] { DcmRLEEncoderRegistration::registerCodecs(); });
    OFCondition cond = ds->chooseRepresentation(xfer, nullptr);
    if (cond.bad() || !ds->canWriteXfer(xfer))
      return cannot_write(path, std::string("cannot encode as RLE lossless: ") + cond.text());
  }
  // Atomically: a temporary name in the same folder, renamed into place once complete.
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  OFCondition cond = file.saveFile(temporary.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0,
                                   0, EWM_fileformat);
  std::error_code ec;
  if (cond.bad()) {
    std::filesystem::remove(temporary, ec);
    return cannot_write(path, std::string("cannot write: ") + cond.text());
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return cannot_write(path, "cannot rename the written file into place: " + ec.message());
  }
  return {};
}

// ---------------------------------------------------------------- plan

void write_control_points(Writer& w, DcmItem& beam_item, const Beam& beam, bool ion) {
  const DcmTagKey sequence = ion ? DCM_IonControlPointSequence : DCM_ControlPointSequence;
  const ControlPoint* previous = nullptr;
  for (const ControlPoint& cp : beam.control_points) {
    DcmItem& item = w.new_item(beam_item, sequence);
    w.put_is(item, DCM_ControlPointIndex, cp.index);
    w.put_ds(item, DCM_CumulativeMetersetWeight, cp.cumulative_meterset_weight);
    // DICOM repeats an attribute only when it changes: write what differs from the
    // previous control point (and everything on the first).
    const bool first = previous == nullptr;
    if (cp.nominal_energy_mev && (first || previous->nominal_energy_mev != cp.nominal_energy_mev))
      w.put_ds(item, DCM_NominalBeamEnergy, *cp.nominal_energy_mev);
    if (cp.dose_rate_mu_per_min && (first || previous->dose_rate_mu_per_min != cp.dose_rate_mu_per_min))
      w.put_ds(item, DCM_DoseRateSet, *cp.dose_rate_mu_per_min);
    bool devices_changed = first || cp.device_positions_explicit;
    if (!devices_changed) {
      devices_changed = previous->device_positions.size() != cp.device_positions.size();
      for (std::size_t i = 0; !devices_changed && i < cp.device_positions.size(); ++i)
        devices_changed = previous->device_positions[i].positions_mm != cp.device_positions[i].positions_mm;
    }
    if (devices_changed && !cp.device_positions.empty()) {
      for (const DevicePositions& device : cp.device_positions) {
        DcmItem& d = w.new_item(item, DCM_BeamLimitingDevicePositionSequence);
        w.put(d, DCM_RTBeamLimitingDeviceType, device.device_type);
        w.put(d, DCM_LeafJawPositions, format_ds(device.positions_mm));
      }
    }
    if (first || cp.gantry_explicit || previous->gantry_angle_deg != cp.gantry_angle_deg ||
        previous->gantry_rotation_direction != cp.gantry_rotation_direction) {
      w.put_ds(item, DCM_GantryAngle, cp.gantry_angle_deg);
      w.put(item, DCM_GantryRotationDirection,
            cp.gantry_rotation_direction.empty() ? "NONE" : cp.gantry_rotation_direction);
    }
    if (first || previous->collimator_angle_deg != cp.collimator_angle_deg) {
      w.put_ds(item, DCM_BeamLimitingDeviceAngle, cp.collimator_angle_deg);
      w.put(item, DCM_BeamLimitingDeviceRotationDirection,
            cp.collimator_rotation_direction.empty() ? "NONE" : cp.collimator_rotation_direction);
    }
    if (first || previous->couch_angle_deg != cp.couch_angle_deg) {
      w.put_ds(item, DCM_PatientSupportAngle, cp.couch_angle_deg);
      w.put(item, DCM_PatientSupportRotationDirection,
            cp.couch_rotation_direction.empty() ? "NONE" : cp.couch_rotation_direction);
    }
    if (first) {
      w.put_ds(item, DCM_TableTopPitchAngle, cp.table_top_pitch_deg.value_or(0.0));
      w.put(item, DCM_TableTopPitchRotationDirection, "NONE");
      w.put_ds(item, DCM_TableTopRollAngle, cp.table_top_roll_deg.value_or(0.0));
      w.put(item, DCM_TableTopRollRotationDirection, "NONE");
    }
    if (cp.isocenter_mm && (first || previous->isocenter_mm != cp.isocenter_mm))
      w.put(item, DCM_IsocenterPosition, format_ds(*cp.isocenter_mm));
    if (ion) {
      w.put_ds(item, DCM_MetersetRate, cp.meterset_rate);
      if (cp.scan_spot_count > 0) w.put_is(item, DCM_NumberOfScanSpotPositions, cp.scan_spot_count);
    }
    previous = &cp;
  }
}

void write_beam(Writer& w, DcmItem& plan_ds, const Beam& beam, const Plan& plan) {
  const bool ion = beam.is_ion || plan.kind == PlanKind::ion;
  DcmItem& b = w.new_item(plan_ds, ion ? DCM_IonBeamSequence : DCM_BeamSequence);
  w.put_is(b, DCM_BeamNumber, beam.number);
  w.put(b, DCM_BeamName, beam.name);
  w.put_if(b, DCM_BeamDescription, beam.description);
  w.put(b, DCM_BeamType, beam.beam_type);
  w.put(b, DCM_RadiationType, beam.radiation_type);
  w.put_if(b, DCM_TreatmentDeliveryType, beam.treatment_delivery_type);
  w.put(b, DCM_TreatmentMachineName, beam.treatment_machine_name);
  w.put(b, DCM_PrimaryDosimeterUnit,
        beam.primary_dosimeter_unit.empty() ? "MU" : beam.primary_dosimeter_unit);
  if (ion) {
    w.put(b, DCM_ScanMode, beam.scan_mode.empty() ? "MODULATED" : beam.scan_mode);
    w.put_ds(b, DCM_VirtualSourceAxisDistances,
             beam.source_axis_distance_mm.value_or(1000.0));  // single value is fine for a reader
    w.put_is(b, DCM_NumberOfRangeShifters, beam.range_shifter_count);
  } else {
    w.put_ds(b, DCM_SourceAxisDistance, beam.source_axis_distance_mm.value_or(1000.0));
  }
  if (!ion) {
    for (const BeamLimitingDevice& device : beam.limiting_devices) {
      DcmItem& d = w.new_item(b, DCM_BeamLimitingDeviceSequence);
      w.put(d, DCM_RTBeamLimitingDeviceType, device.device_type);
      w.put_is(d, DCM_NumberOfLeafJawPairs, device.leaf_pair_count);
      if (!device.leaf_boundaries_mm.empty())
        w.put(d, DCM_LeafPositionBoundaries, format_ds(device.leaf_boundaries_mm));
    }
  }
  // Patient setup: the index of the setup with this beam's position, else the first.
  int setup_number = 1;
  for (std::size_t i = 0; i < plan.patient_positions.size(); ++i)
    if (plan.patient_positions[i] == beam.referenced_patient_setup) setup_number = static_cast<int>(i) + 1;
  if (!plan.patient_positions.empty()) w.put_is(b, DCM_ReferencedPatientSetupNumber, setup_number);

  w.put_is(b, DCM_NumberOfWedges, static_cast<long>(beam.wedges.size()));
  for (const Wedge& wedge : beam.wedges) {
    DcmItem& d = w.new_item(b, ion ? DCM_IonWedgeSequence : DCM_WedgeSequence);
    w.put_is(d, DCM_WedgeNumber, wedge.number);
    w.put(d, DCM_WedgeType, wedge.type);
    w.put_if(d, DCM_WedgeID, wedge.id);
    w.put_ds(d, DCM_WedgeAngle, wedge.angle_deg.value_or(0.0));
    w.put_ds(d, DCM_WedgeOrientation, wedge.orientation_deg.value_or(0.0));
  }
  w.put_is(b, DCM_NumberOfCompensators, static_cast<long>(beam.compensators.size()));
  for (const Compensator& comp : beam.compensators) {
    DcmItem& d = w.new_item(b, ion ? DCM_IonRangeCompensatorSequence : DCM_CompensatorSequence);
    w.put_is(d, DCM_CompensatorNumber, comp.number);
    w.put_if(d, DCM_CompensatorType, comp.type);
    w.put_if(d, DCM_MaterialID, comp.material_id);
    w.put_if(d, DCM_CompensatorID, comp.id);
    w.put_ds(d, DCM_SourceToCompensatorTrayDistance, comp.source_to_compensator_distance_mm);
    w.put_is(d, DCM_CompensatorRows, comp.rows);
    w.put_is(d, DCM_CompensatorColumns, comp.columns);
    if (comp.pixel_spacing_row_mm && comp.pixel_spacing_column_mm)
      w.put(d, DCM_CompensatorPixelSpacing,
            format_ds(std::vector<double>{*comp.pixel_spacing_row_mm, *comp.pixel_spacing_column_mm}));
    w.put(d, DCM_CompensatorPosition, "0\\0");
    if (!comp.thickness_data_mm.empty())
      w.put(d, DCM_CompensatorThicknessData, format_ds(comp.thickness_data_mm));
  }
  w.put_is(b, DCM_NumberOfBoli, 0);
  w.put_is(b, DCM_NumberOfBlocks, static_cast<long>(beam.blocks.size()));
  for (const Block& block : beam.blocks) {
    DcmItem& d = w.new_item(b, ion ? DCM_IonBlockSequence : DCM_BlockSequence);
    w.put_is(d, DCM_BlockNumber, block.number);
    w.put_if(d, DCM_BlockName, block.name);
    w.put(d, DCM_BlockType, block.type);
    w.put(d, DCM_BlockDivergence, block.divergence.empty() ? "PRESENT" : block.divergence);
    w.put_if(d, DCM_MaterialID, block.material_id);
    w.put_is(d, DCM_BlockNumberOfPoints, block.point_count);
  }
  w.put_ds(b, DCM_FinalCumulativeMetersetWeight, beam.final_cumulative_meterset_weight);
  w.put_is(b, DCM_NumberOfControlPoints,
           beam.declared_control_point_count.value_or(static_cast<int>(beam.control_points.size())));
  write_control_points(w, b, beam, ion);
}

void write_plan_references(Writer& w, DcmDataset& ds, const Plan& plan) {
  for (const std::string& uid : plan.referenced_structure_set_uids) {
    DcmItem& item = w.new_item(ds, DCM_ReferencedStructureSetSequence);
    w.put(item, DCM_ReferencedSOPClassUID, kStructureSetSopClass);
    w.put(item, DCM_ReferencedSOPInstanceUID, uid);
  }
  for (const std::string& uid : plan.referenced_dose_uids) {
    DcmItem& item = w.new_item(ds, DCM_ReferencedDoseSequence);
    w.put(item, DCM_ReferencedSOPClassUID, kDoseSopClass);
    w.put(item, DCM_ReferencedSOPInstanceUID, uid);
  }
  for (const Plan::ReferencedPlan& ref : plan.referenced_plans) {
    DcmItem& item = w.new_item(ds, DCM_ReferencedRTPlanSequence);
    w.put(item, DCM_ReferencedSOPClassUID, kPlanSopClass);
    w.put(item, DCM_ReferencedSOPInstanceUID, ref.sop_instance_uid);
    w.put(item, DCM_RTPlanRelationship, ref.relationship);
  }
}

void write_dose_references(Writer& w, DcmDataset& ds, const std::vector<DoseReference>& references) {
  for (const DoseReference& ref : references) {
    DcmItem& item = w.new_item(ds, DCM_DoseReferenceSequence);
    w.put_is(item, DCM_DoseReferenceNumber, ref.number);
    w.put_if(item, DCM_DoseReferenceUID, ref.uid);
    w.put(item, DCM_DoseReferenceStructureType, ref.structure_type);
    w.put_if(item, DCM_DoseReferenceDescription, ref.description);
    w.put(item, DCM_DoseReferenceType, ref.type);
    if (ref.referenced_roi_number) w.put_is(item, DCM_ReferencedROINumber, *ref.referenced_roi_number);
    if (ref.point_mm) w.put(item, DCM_DoseReferencePointCoordinates, format_ds(*ref.point_mm));
    w.put_ds(item, DCM_DeliveryWarningDose, ref.delivery_warning_dose_gy);
    w.put_ds(item, DCM_DeliveryMaximumDose, ref.delivery_maximum_dose_gy);
    w.put_ds(item, DCM_TargetMinimumDose, ref.target_minimum_dose_gy);
    w.put_ds(item, DCM_TargetPrescriptionDose, ref.target_prescription_dose_gy);
    w.put_ds(item, DCM_TargetMaximumDose, ref.target_maximum_dose_gy);
    w.put_ds(item, DCM_TargetUnderdoseVolumeFraction, ref.target_underdose_volume_fraction);
    w.put_ds(item, DCM_OrganAtRiskFullVolumeDose, ref.organ_at_risk_full_volume_dose_gy);
    w.put_ds(item, DCM_OrganAtRiskLimitDose, ref.organ_at_risk_limit_dose_gy);
    w.put_ds(item, DCM_OrganAtRiskMaximumDose, ref.organ_at_risk_maximum_dose_gy);
    w.put_ds(item, DCM_OrganAtRiskOverdoseVolumeFraction, ref.organ_at_risk_overdose_volume_fraction);
    w.put_ds(item, DCM_ConstraintWeight, ref.constraint_weight);
  }
}

void write_fraction_groups(Writer& w, DcmDataset& ds, const std::vector<FractionGroup>& groups) {
  for (const FractionGroup& group : groups) {
    DcmItem& item = w.new_item(ds, DCM_FractionGroupSequence);
    w.put_is(item, DCM_FractionGroupNumber, group.number);
    w.put_if(item, DCM_FractionGroupDescription, group.description);
    if (group.fractions_planned) w.put_is(item, DCM_NumberOfFractionsPlanned, *group.fractions_planned);
    if (group.fraction_pattern_digits_per_day)
      w.put_is(item, DCM_NumberOfFractionPatternDigitsPerDay, *group.fraction_pattern_digits_per_day);
    w.put_is(item, DCM_NumberOfBeams, static_cast<long>(group.beams.size()));
    w.put_is(item, DCM_NumberOfBrachyApplicationSetups, group.brachy_application_setup_count);
    for (const FractionGroupDoseReference& ref : group.dose_references) {
      DcmItem& r = w.new_item(item, DCM_ReferencedDoseReferenceSequence);
      w.put_is(r, DCM_ReferencedDoseReferenceNumber, ref.referenced_dose_reference_number);
      w.put_ds(r, DCM_TargetMinimumDose, ref.target_minimum_dose_gy);
      w.put_ds(r, DCM_TargetPrescriptionDose, ref.target_prescription_dose_gy);
      w.put_ds(r, DCM_TargetMaximumDose, ref.target_maximum_dose_gy);
    }
    for (const ReferencedBeam& ref : group.beams) {
      DcmItem& rb = w.new_item(item, DCM_ReferencedBeamSequence);
      w.put_is(rb, DCM_ReferencedBeamNumber, ref.beam_number);
      if (ref.beam_dose_specification_point_mm)
        w.put(rb, DCM_RETIRED_BeamDoseSpecificationPoint, format_ds(*ref.beam_dose_specification_point_mm));
      w.put_ds(rb, DCM_BeamDose, ref.beam_dose_gy);
      w.put_ds(rb, DCM_BeamMeterset, ref.meterset);
    }
  }
}

void write_application_setups(Writer& w, DcmDataset& ds, const std::vector<BrachyApplicationSetup>& setups) {
  for (const BrachyApplicationSetup& setup : setups) {
    DcmItem& item = w.new_item(ds, DCM_ApplicationSetupSequence);
    w.put_is(item, DCM_ApplicationSetupNumber, setup.number);
    w.put(item, DCM_ApplicationSetupType, setup.type);
    w.put_if(item, DCM_ApplicationSetupName, setup.name);
    for (const BrachyChannel& channel : setup.channels) {
      DcmItem& c = w.new_item(item, DCM_ChannelSequence);
      w.put_is(c, DCM_ChannelNumber, channel.number);
      w.put(c, DCM_SourceMovementType, channel.source_movement_type);
      w.put_ds(c, DCM_ChannelTotalTime, channel.channel_total_time_s);
      w.put_ds(c, DCM_ChannelLength, channel.channel_length_mm);
      w.put_is(c, DCM_NumberOfControlPoints, channel.control_point_count);
    }
  }
}

}  // namespace

Result write_plan(const Plan& plan, const std::filesystem::path& path, const std::string& transfer_syntax) {
  try {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    Writer w;
    const bool ion = plan.kind == PlanKind::ion;
    write_common(w, ds, plan.info, ion ? kIonPlanSopClass : kPlanSopClass, "RTPLAN");
    w.put(ds, DCM_RTPlanLabel, plan.label);
    w.put_if(ds, DCM_RTPlanName, plan.name);
    w.put_if(ds, DCM_RTPlanDescription, plan.description);
    w.put(ds, DCM_RTPlanDate, plan.date);
    w.put(ds, DCM_RTPlanTime, plan.time);
    w.put(ds, DCM_RTPlanGeometry, plan.geometry.empty() ? "PATIENT" : plan.geometry);
    w.put_if(ds, DCM_PlanIntent, plan.intent);
    write_plan_references(w, ds, plan);
    if (!plan.brachy_treatment_technique.empty()) {
      w.put(ds, DCM_BrachyTreatmentTechnique, plan.brachy_treatment_technique);
      w.put(ds, DCM_BrachyTreatmentType, plan.brachy_treatment_type);
    }
    write_dose_references(w, ds, plan.dose_references);
    write_fraction_groups(w, ds, plan.fraction_groups);
    for (const Beam& beam : plan.beams) write_beam(w, ds, beam, plan);
    write_application_setups(w, ds, plan.application_setups);
    for (std::size_t i = 0; i < plan.patient_positions.size(); ++i) {
      DcmItem& item = w.new_item(ds, DCM_PatientSetupSequence);
      w.put_is(item, DCM_PatientSetupNumber, static_cast<long>(i) + 1);
      w.put(item, DCM_PatientPosition, plan.patient_positions[i]);
    }
    w.put_if(ds, DCM_ApprovalStatus, plan.approval_status);
    w.put_if(ds, DCM_ReviewDate, plan.review_date);
    w.put_if(ds, DCM_ReviewTime, plan.review_time);
    w.put_if(ds, DCM_ReviewerName, plan.reviewer_name);
    return save(file, path, transfer_syntax, w, plan.info.specific_character_set);
  } catch (const std::exception& e) {
    return cannot_write(path, e.what());
  }
}

// ---------------------------------------------------------------- dose

namespace {

// Image plane, pixel description and RT Dose module attributes of the grid.
void write_dose_grid(Writer& w, DcmDataset& ds, const DoseGrid& dose, int bits) {
  w.put(ds, DCM_InstanceNumber, "1");
  w.put(ds, DCM_ImagePositionPatient, format_ds(dose.origin_mm));
  w.put(ds, DCM_ImageOrientationPatient,
        format_ds(std::vector<double>{dose.row_direction[0], dose.row_direction[1], dose.row_direction[2],
                                      dose.column_direction[0], dose.column_direction[1],
                                      dose.column_direction[2]}));
  w.put_us(ds, DCM_SamplesPerPixel, 1);
  w.put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
  w.put_is(ds, DCM_NumberOfFrames, dose.frames);
  // FrameIncrementPointer (AT) -> GridFrameOffsetVector (3004,000C)
  w.note(ds.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_GridFrameOffsetVector),
         DCM_FrameIncrementPointer);
  w.put_us(ds, DCM_Rows, static_cast<Uint16>(dose.rows));
  w.put_us(ds, DCM_Columns, static_cast<Uint16>(dose.columns));
  w.put(ds, DCM_PixelSpacing, format_ds(std::vector<double>{dose.row_spacing_mm, dose.column_spacing_mm}));
  if (dose.slice_thickness_mm) w.put_ds(ds, DCM_SliceThickness, *dose.slice_thickness_mm);
  w.put_us(ds, DCM_BitsAllocated, static_cast<Uint16>(bits));
  w.put_us(ds, DCM_BitsStored, static_cast<Uint16>(bits));
  w.put_us(ds, DCM_HighBit, static_cast<Uint16>(bits - 1));
  w.put_us(ds, DCM_PixelRepresentation, 0);
  w.put(ds, DCM_DoseUnits, dose.units.empty() ? "GY" : dose.units);
  w.put(ds, DCM_DoseType, dose.dose_type.empty() ? "PHYSICAL" : dose.dose_type);
  w.put_if(ds, DCM_DoseComment, dose.comment);
  w.put(ds, DCM_DoseSummationType, dose.summation_type.empty() ? "PLAN" : dose.summation_type);
  w.put(ds, DCM_GridFrameOffsetVector, format_ds(dose.frame_offsets_mm));
}

void write_dose_plan_reference(Writer& w, DcmDataset& ds, const DoseGrid& dose) {
  if (dose.referenced_plan_uid.empty()) return;
  DcmItem& item = w.new_item(ds, DCM_ReferencedRTPlanSequence);
  w.put(item, DCM_ReferencedSOPClassUID, kPlanSopClass);
  w.put(item, DCM_ReferencedSOPInstanceUID, dose.referenced_plan_uid);
  if (!dose.referenced_fraction_group_number) return;
  DcmItem& fg = w.new_item(item, DCM_ReferencedFractionGroupSequence);
  w.put_is(fg, DCM_ReferencedFractionGroupNumber, *dose.referenced_fraction_group_number);
  for (int beam : dose.referenced_beam_numbers) {
    DcmItem& rb = w.new_item(fg, DCM_ReferencedBeamSequence);
    w.put_is(rb, DCM_ReferencedBeamNumber, beam);
  }
}

void write_file_dvhs(Writer& w, DcmDataset& ds, const std::vector<FileDvh>& dvhs) {
  for (const FileDvh& dvh : dvhs) {
    DcmItem& item = w.new_item(ds, DCM_DVHSequence);
    if (dvh.referenced_roi_number) {
      DcmItem& ref = w.new_item(item, DCM_DVHReferencedROISequence);
      w.put_is(ref, DCM_ReferencedROINumber, *dvh.referenced_roi_number);
      w.put(ref, DCM_DVHROIContributionType, "INCLUDED");
    }
    w.put(item, DCM_DVHType, dvh.type);
    w.put(item, DCM_DoseUnits, dvh.dose_units);
    w.put(item, DCM_DoseType, dvh.dose_type.empty() ? "PHYSICAL" : dvh.dose_type);
    w.put_ds(item, DCM_DVHDoseScaling, dvh.dose_scaling);
    w.put(item, DCM_DVHVolumeUnits, dvh.volume_units);
    w.put_is(item, DCM_DVHNumberOfBins,
             dvh.declared_bin_count.value_or(static_cast<int>(dvh.volumes.size())));
    std::vector<double> data;
    data.reserve(dvh.volumes.size() * 2);
    for (std::size_t i = 0; i < dvh.volumes.size(); ++i) {
      data.push_back(i < dvh.bin_widths.size() ? dvh.bin_widths[i] : 0.0);
      data.push_back(dvh.volumes[i]);
    }
    w.put(item, DCM_DVHData, format_ds(data));
    w.put_ds(item, DCM_DVHMinimumDose, dvh.minimum_dose);
    w.put_ds(item, DCM_DVHMaximumDose, dvh.maximum_dose);
    w.put_ds(item, DCM_DVHMeanDose, dvh.mean_dose);
  }
}

// The doses as unsigned integers of `bits` bits, dose = stored × scaling.
void write_dose_pixels(Writer& w, DcmDataset& ds, const DoseGrid& dose, int bits, double scaling,
                       double max_stored) {
  const std::size_t voxel_count = dose.dose.size();
  if (bits == 16) {
    std::vector<Uint16> stored(voxel_count);
    for (std::size_t i = 0; i < voxel_count; ++i)
      stored[i] = static_cast<Uint16>(std::min(max_stored, std::lround(dose.dose[i] / scaling) * 1.0));
    w.note(ds.putAndInsertUint16Array(DCM_PixelData, stored.data(), static_cast<unsigned long>(voxel_count)),
           DCM_PixelData);
    return;
  }
  // 32-bit pixels as OW: little-endian host words, two per voxel.
  std::vector<Uint32> stored(voxel_count);
  for (std::size_t i = 0; i < voxel_count; ++i)
    stored[i] = static_cast<Uint32>(std::min(max_stored, std::llround(dose.dose[i] / scaling) * 1.0));
  w.note(ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(stored.data()),
                                    static_cast<unsigned long>(voxel_count * 2)),
         DCM_PixelData);
}

}  // namespace

Result write_dose(const DoseGrid& dose, const std::filesystem::path& path,
                  const std::string& transfer_syntax) {
  try {
    const std::size_t voxel_count = static_cast<std::size_t>(dose.columns) * dose.rows * dose.frames;
    if (dose.columns <= 0 || dose.rows <= 0 || dose.frames <= 0)
      return cannot_write(path, "dose grid has no voxels");
    if (dose.dose.size() != voxel_count && !dose.dose.empty())
      return cannot_write(path, "dose has " + std::to_string(dose.dose.size()) + " values, expected " +
                                    std::to_string(voxel_count));
    if (dose.frame_offsets_mm.size() != static_cast<std::size_t>(dose.frames))
      return cannot_write(path, "GridFrameOffsetVector has " + std::to_string(dose.frame_offsets_mm.size()) +
                                    " values for " + std::to_string(dose.frames) + " frames");
    const int bits = dose.bits_allocated == 16 ? 16 : 32;
    if (bits == 32 && transfer_syntax == "big_endian")
      return cannot_write(path, "32-bit dose in big endian is not supported by the writer");

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    Writer w;
    write_common(w, ds, dose.info, kDoseSopClass, "RTDOSE");
    write_dose_grid(w, ds, dose, bits);

    // Scaling: the model's DoseGridScaling when it is set and large enough, else the
    // smallest one that fits the maximum dose into the stored integer range.
    float max_dose = 0.0f;
    for (float v : dose.dose) {
      if (v < 0.0f) return cannot_write(path, "negative dose values cannot be written unsigned");
      max_dose = std::max(max_dose, v);
    }
    const double max_stored = bits == 16 ? 65535.0 : 4294967295.0;
    double scaling = dose.dose_grid_scaling;
    if (!(scaling > 0.0) || max_dose / scaling > max_stored)
      scaling = max_dose > 0 ? max_dose / max_stored * (1 + 1e-9) : 1.0;
    // Store against the value as written (DS has 12 significant digits here), so a
    // reader's stored × DoseGridScaling reproduces our doses; the clamp below absorbs
    // the last rounding at the maximum.
    scaling = std::stod(format_ds(scaling));
    w.put(ds, DCM_DoseGridScaling, format_ds(scaling));

    write_dose_plan_reference(w, ds, dose);
    write_file_dvhs(w, ds, dose.dvhs);

    if (!dose.dose.empty()) write_dose_pixels(w, ds, dose, bits, scaling, max_stored);
    return save(file, path, transfer_syntax, w, dose.info.specific_character_set);
  } catch (const std::exception& e) {
    return cannot_write(path, e.what());
  }
}

// ------------------------------------------------------- structure set

Result write_structure_set(const StructureSet& ss, const std::filesystem::path& path,
                           const std::string& transfer_syntax) {
  try {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    Writer w;
    // The frame of reference is written at the top level (as most TPSs do), in
    // ReferencedFrameOfReferenceSequence and per ROI.
    const std::string& frame_of_reference = ss.info.frame_of_reference_uid;
    write_common(w, ds, ss.info, kStructureSetSopClass, "RTSTRUCT");
    w.put(ds, DCM_StructureSetLabel, ss.label);
    w.put_if(ds, DCM_StructureSetName, ss.name);
    w.put(ds, DCM_StructureSetDate, ss.date);
    w.put(ds, DCM_StructureSetTime, ss.time);
    std::vector<std::string> frames = ss.referenced_frame_of_reference_uids;
    if (frames.empty() && !frame_of_reference.empty()) frames.push_back(frame_of_reference);
    for (const std::string& uid : frames) {
      DcmItem& item = w.new_item(ds, DCM_ReferencedFrameOfReferenceSequence);
      w.put(item, DCM_FrameOfReferenceUID, uid);
    }
    if (ss.rois.empty()) w.empty_sequence(ds, DCM_StructureSetROISequence);
    for (const Roi& roi : ss.rois) {
      DcmItem& item = w.new_item(ds, DCM_StructureSetROISequence);
      w.put_is(item, DCM_ROINumber, roi.number);
      w.put(item, DCM_ReferencedFrameOfReferenceUID,
            roi.frame_of_reference_uid.empty() ? frame_of_reference : roi.frame_of_reference_uid);
      w.put(item, DCM_ROIName, roi.name);
      w.put_if(item, DCM_ROIDescription, roi.description);
      w.put(item, DCM_ROIGenerationAlgorithm, roi.generation_algorithm);
    }
    bool any_contour_item = false;
    for (const Roi& roi : ss.rois) {
      if (!roi.in_roi_contour_sequence && roi.contours.empty()) continue;
      any_contour_item = true;
      DcmItem& item = w.new_item(ds, DCM_ROIContourSequence);
      if (roi.display_color) {
        const auto& c = *roi.display_color;
        w.put(item, DCM_ROIDisplayColor,
              std::to_string(c[0]) + "\\" + std::to_string(c[1]) + "\\" + std::to_string(c[2]));
      }
      w.put_is(item, DCM_ReferencedROINumber, roi.number);
      for (const Contour& contour : roi.contours) {
        DcmItem& c = w.new_item(item, DCM_ContourSequence);
        w.put(c, DCM_ContourGeometricType, contour.geometric_type);
        if (contour.slab_thickness_mm)
          w.put_ds(c, DCM_RETIRED_ContourSlabThickness, *contour.slab_thickness_mm);
        w.put_is(c, DCM_NumberOfContourPoints, static_cast<long>(contour.points_mm.size()));
        std::vector<double> flat;
        flat.reserve(contour.points_mm.size() * 3);
        for (const Point3& p : contour.points_mm) flat.insert(flat.end(), p.begin(), p.end());
        w.put(c, DCM_ContourData, format_ds(flat));
      }
    }
    if (!any_contour_item) w.empty_sequence(ds, DCM_ROIContourSequence);
    int observation = 1;
    for (const Roi& roi : ss.rois) {
      DcmItem& item = w.new_item(ds, DCM_RTROIObservationsSequence);
      w.put_is(item, DCM_ObservationNumber, observation++);
      w.put_is(item, DCM_ReferencedROINumber, roi.number);
      w.put_if(item, DCM_ROIObservationLabel, roi.observation_label);
      w.put(item, DCM_RTROIInterpretedType, roi.interpreted_type);
      w.put(item, DCM_ROIInterpreter, "");
    }
    if (ss.rois.empty()) w.empty_sequence(ds, DCM_RTROIObservationsSequence);
    w.put_if(ds, DCM_ApprovalStatus, ss.approval_status);
    w.put_if(ds, DCM_ReviewDate, ss.review_date);
    w.put_if(ds, DCM_ReviewerName, ss.reviewer_name);
    if (!ss.approval_status.empty() && ss.approval_status != "UNAPPROVED")
      w.put(ds, DCM_ReviewTime, "120000");
    return save(file, path, transfer_syntax, w, ss.info.specific_character_set);
  } catch (const std::exception& e) {
    return cannot_write(path, e.what());
  }
}

}  // namespace rtreview
