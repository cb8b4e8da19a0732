// The IOD conformance table (DICOM PS3.3, RT modules). Only attributes the review reads or
// that locate what it reads are listed; README "IOD conformance" explains the choice.
#include "rtreview/conformance.h"

#include <cstdio>

namespace rtreview {

const char* to_string(Iod iod) {
  switch (iod) {
    case Iod::rt_plan:
      return "RT Plan";
    case Iod::rt_ion_plan:
      return "RT Ion Plan";
    case Iod::rt_dose:
      return "RT Dose";
    case Iod::rt_structure_set:
      break;
  }
  return "RT Structure Set";
}

const char* to_string(AttributeType type) {
  switch (type) {
    case AttributeType::type1:
      return "Type 1";
    case AttributeType::type2:
      return "Type 2";
    case AttributeType::type1c:
      return "Type 1C";
    case AttributeType::type2c:
      break;
  }
  return "Type 2C";
}

const char* to_string(AttributeState state) {
  switch (state) {
    case AttributeState::absent:
      return "absent";
    case AttributeState::empty:
      return "empty";
    case AttributeState::invalid_value:
      break;
  }
  return "invalid value";
}

std::string tag_text(TagNumber tag) {
  char text[16];
  std::snprintf(text, sizeof text, "(%04X,%04X)", static_cast<unsigned>(tag.group),
                static_cast<unsigned>(tag.element));
  return text;
}

bool violates(const ConformanceRule& rule, AttributeState state) {
  if (state != AttributeState::empty) return true;
  return rule.type == AttributeType::type1 || rule.type == AttributeType::type1c;
}

namespace {

using K = ConditionKind;
using T = AttributeType;

// Attribute tags used in paths and conditions.
constexpr TagNumber kFractionGroupSequence{0x300A, 0x0070};
constexpr TagNumber kNumberOfBeams{0x300A, 0x0080};
constexpr TagNumber kNumberOfBrachySetups{0x300A, 0x00A0};
constexpr TagNumber kBeamSequence{0x300A, 0x00B0};
constexpr TagNumber kIonBeamSequence{0x300A, 0x03A2};
constexpr TagNumber kApplicationSetupSequence{0x300A, 0x0230};
constexpr TagNumber kDoseReferenceSequence{0x300A, 0x0010};
constexpr TagNumber kApprovalStatus{0x300E, 0x0002};
constexpr TagNumber kPixelData{0x7FE0, 0x0010};
constexpr TagNumber kNumberOfFrames{0x0028, 0x0008};

const SequenceStep kFractionGroups{kFractionGroupSequence, "FractionGroupSequence"};
const SequenceStep kBeams{kBeamSequence, "BeamSequence"};
const SequenceStep kIonBeams{kIonBeamSequence, "IonBeamSequence"};

Condition when_top(K kind, TagNumber tag, std::string text, std::vector<std::string> values = {}) {
  return {kind, tag, std::move(values), 0.0, std::move(text)};
}
Condition when_sibling_above(TagNumber tag, double threshold, std::string text) {
  return {K::sibling_above, tag, {}, threshold, std::move(text)};
}
Condition when_sibling_is(TagNumber tag, std::vector<std::string> values, std::string text) {
  return {K::sibling_equals_any, tag, std::move(values), 0.0, std::move(text)};
}

// Builds the rules of one module.
struct ModuleRules {
  std::vector<ConformanceRule>& out;
  Iod iod;
  std::string module, section;
  Condition module_condition{};

  ModuleRules& add(std::vector<SequenceStep> path, std::string keyword, TagNumber tag, T type,
                   Condition condition = {}, std::vector<std::string> enumerated = {}) {
    out.push_back({iod, module, section, module_condition, std::move(path), std::move(keyword), tag, type,
                   std::move(condition), std::move(enumerated)});
    return *this;
  }
};

// Patient, General Study, RT Series, General Equipment and SOP Common: the identity the
// review matches (patient, study) and cites (SOP Instance UID, manufacturer for the plan kind).
void add_common(std::vector<ConformanceRule>& r, Iod iod, const std::string& modality) {
  ModuleRules{r, iod, "Patient", "C.7.1.1"}
      .add({}, "PatientName", {0x0010, 0x0010}, T::type2)
      .add({}, "PatientID", {0x0010, 0x0020}, T::type2)
      .add({}, "PatientBirthDate", {0x0010, 0x0030}, T::type2)
      .add({}, "PatientSex", {0x0010, 0x0040}, T::type2, {}, {"M", "F", "O"});
  ModuleRules{r, iod, "General Study", "C.7.2.1"}
      .add({}, "StudyInstanceUID", {0x0020, 0x000D}, T::type1)
      .add({}, "StudyDate", {0x0008, 0x0020}, T::type2)
      .add({}, "StudyTime", {0x0008, 0x0030}, T::type2);
  ModuleRules{r, iod, "RT Series", "C.8.8.1"}
      .add({}, "Modality", {0x0008, 0x0060}, T::type1, {}, {modality})
      .add({}, "SeriesInstanceUID", {0x0020, 0x000E}, T::type1)
      .add({}, "SeriesNumber", {0x0020, 0x0011}, T::type2);
  ModuleRules{r, iod, "General Equipment", "C.7.5.1"}.add({}, "Manufacturer", {0x0008, 0x0070}, T::type2);
  ModuleRules{r, iod, "SOP Common", "C.12.1"}
      .add({}, "SOPClassUID", {0x0008, 0x0016}, T::type1)
      .add({}, "SOPInstanceUID", {0x0008, 0x0018}, T::type1);
}

void add_approval(std::vector<ConformanceRule>& r, Iod iod) {
  const std::vector<std::string> decided = {"APPROVED", "REJECTED"};
  const std::string text = "Approval Status is APPROVED or REJECTED";
  ModuleRules{r, iod, "Approval", "C.8.8.16",
              when_top(K::top_level_present, kApprovalStatus, "Approval Status present")}
      .add({}, "ApprovalStatus", kApprovalStatus, T::type1, {}, {"APPROVED", "UNAPPROVED", "REJECTED"})
      .add({}, "ReviewDate", {0x300E, 0x0004}, T::type2c, when_sibling_is(kApprovalStatus, decided, text))
      .add({}, "ReviewTime", {0x300E, 0x0005}, T::type2c, when_sibling_is(kApprovalStatus, decided, text))
      .add({}, "ReviewerName", {0x300E, 0x0008}, T::type2c, when_sibling_is(kApprovalStatus, decided, text));
}

void add_general_plan(std::vector<ConformanceRule>& r, Iod iod) {
  const SequenceStep structure_sets{{0x300C, 0x0060}, "ReferencedStructureSetSequence"};
  ModuleRules{r, iod, "RT General Plan", "C.8.8.9"}
      .add({}, "RTPlanLabel", {0x300A, 0x0002}, T::type1)
      .add({}, "RTPlanDate", {0x300A, 0x0006}, T::type2)
      .add({}, "RTPlanTime", {0x300A, 0x0007}, T::type2)
      .add({}, "RTPlanGeometry", {0x300A, 0x000C}, T::type1, {}, {"PATIENT", "TREATMENT_DEVICE"})
      .add({}, "ReferencedStructureSetSequence", structure_sets.tag, T::type1c,
           when_sibling_is({0x300A, 0x000C}, {"PATIENT"}, "RT Plan Geometry is PATIENT"))
      .add({structure_sets}, "ReferencedSOPInstanceUID", {0x0008, 0x1155}, T::type1);
  ModuleRules{r, iod, "RT Prescription", "C.8.8.10",
              when_top(K::top_level_present, kDoseReferenceSequence, "Dose Reference Sequence present")}
      .add({{kDoseReferenceSequence, "DoseReferenceSequence"}}, "DoseReferenceNumber", {0x300A, 0x0012},
           T::type1)
      .add({{kDoseReferenceSequence, "DoseReferenceSequence"}}, "DoseReferenceStructureType",
           {0x300A, 0x0014}, T::type1, {}, {"POINT", "VOLUME", "COORDINATES", "SITE"})
      .add({{kDoseReferenceSequence, "DoseReferenceSequence"}}, "DoseReferenceType", {0x300A, 0x0020},
           T::type1, {}, {"TARGET", "ORGAN_AT_RISK"});
  const SequenceStep beams{{0x300C, 0x0004}, "ReferencedBeamSequence"};
  const SequenceStep setups{{0x300C, 0x000A}, "ReferencedBrachyApplicationSetupSequence"};
  ModuleRules{r, iod, "RT Fraction Scheme", "C.8.8.13",
              when_top(K::top_level_present, kFractionGroupSequence, "Fraction Group Sequence present")}
      .add({}, "FractionGroupSequence", kFractionGroupSequence, T::type1)
      .add({kFractionGroups}, "FractionGroupNumber", {0x300A, 0x0071}, T::type1)
      .add({kFractionGroups}, "NumberOfFractionsPlanned", {0x300A, 0x0078}, T::type2)
      .add({kFractionGroups}, "NumberOfBeams", kNumberOfBeams, T::type1)
      .add({kFractionGroups}, "NumberOfBrachyApplicationSetups", kNumberOfBrachySetups, T::type1)
      .add({kFractionGroups}, "ReferencedBeamSequence", beams.tag, T::type1c,
           when_sibling_above(kNumberOfBeams, 0, "Number of Beams > 0"))
      .add({kFractionGroups, beams}, "ReferencedBeamNumber", {0x300C, 0x0006}, T::type1)
      .add({kFractionGroups}, "ReferencedBrachyApplicationSetupSequence", setups.tag, T::type1c,
           when_sibling_above(kNumberOfBrachySetups, 0, "Number of Brachy Application Setups > 0"))
      .add({kFractionGroups, setups}, "ReferencedBrachyApplicationSetupNumber", {0x300C, 0x000C}, T::type1);
}

void add_beams(std::vector<ConformanceRule>& r) {
  const SequenceStep devices{{0x300A, 0x00B6}, "BeamLimitingDeviceSequence"};
  const SequenceStep points{{0x300A, 0x0111}, "ControlPointSequence"};
  constexpr TagNumber kDeviceType{0x300A, 0x00B8};
  ModuleRules m{r, Iod::rt_plan, "RT Beams", "C.8.8.14",
                when_top(K::top_level_absent, kApplicationSetupSequence,
                         "no RT Brachy Application Setups (external-beam plan)")};
  m.add({}, "BeamSequence", kBeamSequence, T::type1)
      .add({kBeams}, "BeamNumber", {0x300A, 0x00C0}, T::type1)
      .add({kBeams}, "BeamType", {0x300A, 0x00C4}, T::type1, {}, {"STATIC", "DYNAMIC"})
      .add({kBeams}, "RadiationType", {0x300A, 0x00C6}, T::type2, {},
           {"PHOTON", "ELECTRON", "NEUTRON", "PROTON"})
      .add({kBeams}, "TreatmentMachineName", {0x300A, 0x00B2}, T::type2)
      .add({kBeams}, "BeamLimitingDeviceSequence", devices.tag, T::type1)
      .add({kBeams, devices}, "RTBeamLimitingDeviceType", kDeviceType, T::type1)
      .add({kBeams, devices}, "NumberOfLeafJawPairs", {0x300A, 0x00BC}, T::type1)
      .add({kBeams, devices}, "LeafPositionBoundaries", {0x300A, 0x00BE}, T::type2c,
           when_sibling_is(kDeviceType, {"MLCX", "MLCY"}, "RT Beam Limiting Device Type is MLCX or MLCY"))
      .add({kBeams}, "NumberOfWedges", {0x300A, 0x00D0}, T::type1)
      .add({kBeams}, "WedgeSequence", {0x300A, 0x00D1}, T::type1c,
           when_sibling_above({0x300A, 0x00D0}, 0, "Number of Wedges > 0"))
      .add({kBeams}, "NumberOfCompensators", {0x300A, 0x00E0}, T::type1)
      .add({kBeams}, "CompensatorSequence", {0x300A, 0x00E3}, T::type1c,
           when_sibling_above({0x300A, 0x00E0}, 0, "Number of Compensators > 0"))
      .add({kBeams}, "NumberOfBoli", {0x300A, 0x00ED}, T::type1)
      .add({kBeams}, "NumberOfBlocks", {0x300A, 0x00F0}, T::type1)
      .add({kBeams}, "BlockSequence", {0x300A, 0x00F4}, T::type1c,
           when_sibling_above({0x300A, 0x00F0}, 0, "Number of Blocks > 0"))
      .add({kBeams}, "NumberOfControlPoints", {0x300A, 0x0110}, T::type1)
      .add({kBeams}, "ControlPointSequence", points.tag, T::type1)
      .add({kBeams, points}, "ControlPointIndex", {0x300A, 0x0112}, T::type1)
      .add({kBeams, points}, "CumulativeMetersetWeight", {0x300A, 0x0134}, T::type2);
}

void add_ion_beams(std::vector<ConformanceRule>& r) {
  const SequenceStep points{{0x300A, 0x03A8}, "IonControlPointSequence"};
  constexpr TagNumber kScanMode{0x300A, 0x0308};
  ModuleRules m{r, Iod::rt_ion_plan, "RT Ion Beams", "C.8.8.25",
                when_top(K::top_level_present, kFractionGroupSequence, "RT Fraction Scheme present")};
  m.add({}, "IonBeamSequence", kIonBeamSequence, T::type1)
      .add({kIonBeams}, "BeamNumber", {0x300A, 0x00C0}, T::type1)
      .add({kIonBeams}, "BeamType", {0x300A, 0x00C4}, T::type1, {}, {"STATIC", "DYNAMIC"})
      .add({kIonBeams}, "RadiationType", {0x300A, 0x00C6}, T::type1)
      .add({kIonBeams}, "TreatmentMachineName", {0x300A, 0x00B2}, T::type1)
      .add({kIonBeams}, "PrimaryDosimeterUnit", {0x300A, 0x00B3}, T::type1, {}, {"MU", "NP"})
      .add({kIonBeams}, "ScanMode", kScanMode, T::type1)
      .add({kIonBeams}, "ModulatedScanModeType", {0x300A, 0x0309}, T::type1c,
           when_sibling_is(kScanMode, {"MODULATED", "MODULATED_SPEC"},
                           "Scan Mode is MODULATED or MODULATED_SPEC"))
      .add({kIonBeams}, "NumberOfWedges", {0x300A, 0x00D0}, T::type1)
      .add({kIonBeams}, "NumberOfCompensators", {0x300A, 0x00E0}, T::type1)
      .add({kIonBeams}, "NumberOfBoli", {0x300A, 0x00ED}, T::type1)
      .add({kIonBeams}, "NumberOfBlocks", {0x300A, 0x00F0}, T::type1)
      .add({kIonBeams}, "NumberOfRangeShifters", {0x300A, 0x0312}, T::type1)
      .add({kIonBeams}, "NumberOfLateralSpreadingDevices", {0x300A, 0x0330}, T::type1)
      .add({kIonBeams}, "NumberOfRangeModulators", {0x300A, 0x0340}, T::type1)
      .add({kIonBeams}, "PatientSupportType", {0x300A, 0x0350}, T::type1)
      .add({kIonBeams}, "NumberOfControlPoints", {0x300A, 0x0110}, T::type1)
      .add({kIonBeams}, "IonControlPointSequence", points.tag, T::type1)
      .add({kIonBeams, points}, "ControlPointIndex", {0x300A, 0x0112}, T::type1)
      .add({kIonBeams, points}, "CumulativeMetersetWeight", {0x300A, 0x0134}, T::type2);
}

void add_dose(std::vector<ConformanceRule>& r) {
  const Iod d = Iod::rt_dose;
  const Condition pixels = when_top(K::top_level_present, kPixelData, "Pixel Data present");
  ModuleRules{r, d, "Frame of Reference", "C.7.4.1"}.add({}, "FrameOfReferenceUID", {0x0020, 0x0052},
                                                         T::type1);
  ModuleRules{r, d, "Image Plane", "C.7.6.2", pixels}
      .add({}, "PixelSpacing", {0x0028, 0x0030}, T::type1)
      .add({}, "ImageOrientationPatient", {0x0020, 0x0037}, T::type1)
      .add({}, "ImagePositionPatient", {0x0020, 0x0032}, T::type1)
      .add({}, "SliceThickness", {0x0018, 0x0050}, T::type2);
  ModuleRules{r, d, "Image Pixel", "C.7.6.3", pixels}
      .add({}, "Rows", {0x0028, 0x0010}, T::type1)
      .add({}, "Columns", {0x0028, 0x0011}, T::type1);
  ModuleRules{
      r, d, "Multi-frame", "C.7.6.6", {K::sibling_above, kNumberOfFrames, {}, 1.0, "Number of Frames > 1"}}
      .add({}, "FrameIncrementPointer", {0x0028, 0x0009}, T::type1);
  const std::vector<std::string> plan_sums = {"PLAN",         "MULTI_PLAN",     "FRACTION",
                                              "BEAM",         "BRACHY",         "FRACTION_SESSION",
                                              "BEAM_SESSION", "BRACHY_SESSION", "CONTROL_POINT"};
  ModuleRules{r, d, "RT Dose", "C.8.8.3"}
      .add({}, "BitsAllocated", {0x0028, 0x0100}, T::type1c, pixels, {"16", "32"})
      .add({}, "PixelRepresentation", {0x0028, 0x0103}, T::type1c, pixels, {"0", "1"})
      .add({}, "DoseUnits", {0x3004, 0x0002}, T::type1, {}, {"GY", "RELATIVE"})
      .add({}, "DoseType", {0x3004, 0x0004}, T::type1, {}, {"PHYSICAL", "EFFECTIVE", "ERROR"})
      .add({}, "DoseSummationType", {0x3004, 0x000A}, T::type1, {},
           {"PLAN", "MULTI_PLAN", "FRACTION", "BEAM", "BRACHY", "FRACTION_SESSION", "BEAM_SESSION",
            "BRACHY_SESSION", "CONTROL_POINT", "RECORD"})
      .add({}, "ReferencedRTPlanSequence", {0x300C, 0x0002}, T::type1c,
           when_sibling_is({0x3004, 0x000A}, plan_sums, "Dose Summation Type refers to a plan"))
      .add({{{0x300C, 0x0002}, "ReferencedRTPlanSequence"}}, "ReferencedSOPInstanceUID", {0x0008, 0x1155},
           T::type1)
      .add({}, "GridFrameOffsetVector", {0x3004, 0x000C}, T::type1c,
           {K::sibling_above, kNumberOfFrames, {}, 1.0, "Number of Frames > 1"})
      .add({}, "DoseGridScaling", {0x3004, 0x000E}, T::type1c, pixels);
}

void add_structure_set(std::vector<ConformanceRule>& r) {
  const Iod s = Iod::rt_structure_set;
  const SequenceStep frames{{0x3006, 0x0010}, "ReferencedFrameOfReferenceSequence"};
  const SequenceStep studies{{0x3006, 0x0012}, "RTReferencedStudySequence"};
  const SequenceStep series{{0x3006, 0x0014}, "RTReferencedSeriesSequence"};
  const SequenceStep rois{{0x3006, 0x0020}, "StructureSetROISequence"};
  const SequenceStep roi_contours{{0x3006, 0x0039}, "ROIContourSequence"};
  const SequenceStep contours{{0x3006, 0x0040}, "ContourSequence"};
  const SequenceStep observations{{0x3006, 0x0080}, "RTROIObservationsSequence"};
  ModuleRules{r, s, "Frame of Reference", "C.7.4.1"}.add({}, "FrameOfReferenceUID", {0x0020, 0x0052},
                                                         T::type1);
  ModuleRules{r, s, "Structure Set", "C.8.8.5"}
      .add({}, "StructureSetLabel", {0x3006, 0x0002}, T::type1)
      .add({}, "StructureSetDate", {0x3006, 0x0008}, T::type2)
      .add({}, "StructureSetTime", {0x3006, 0x0009}, T::type2)
      .add({frames}, "FrameOfReferenceUID", {0x0020, 0x0052}, T::type1)
      .add({frames, studies}, "RTReferencedSeriesSequence", series.tag, T::type1)
      .add({frames, studies, series}, "SeriesInstanceUID", {0x0020, 0x000E}, T::type1)
      .add({frames, studies, series}, "ContourImageSequence", {0x3006, 0x0016}, T::type1)
      .add({}, "StructureSetROISequence", rois.tag, T::type1)
      .add({rois}, "ROINumber", {0x3006, 0x0022}, T::type1)
      .add({rois}, "ReferencedFrameOfReferenceUID", {0x3006, 0x0024}, T::type1)
      .add({rois}, "ROIName", {0x3006, 0x0026}, T::type2)
      .add({rois}, "ROIGenerationAlgorithm", {0x3006, 0x0036}, T::type2);
  ModuleRules{r, s, "ROI Contour", "C.8.8.6"}
      .add({}, "ROIContourSequence", roi_contours.tag, T::type1)
      .add({roi_contours}, "ReferencedROINumber", {0x3006, 0x0084}, T::type1)
      .add({roi_contours, contours}, "ContourGeometricType", {0x3006, 0x0042}, T::type1, {},
           {"POINT", "OPEN_PLANAR", "OPEN_NONPLANAR", "CLOSED_PLANAR"})
      .add({roi_contours, contours}, "NumberOfContourPoints", {0x3006, 0x0046}, T::type1)
      .add({roi_contours, contours}, "ContourData", {0x3006, 0x0050}, T::type1);
  ModuleRules{r, s, "RT ROI Observations", "C.8.8.8"}
      .add({}, "RTROIObservationsSequence", observations.tag, T::type1)
      .add({observations}, "ObservationNumber", {0x3006, 0x0082}, T::type1)
      .add({observations}, "ReferencedROINumber", {0x3006, 0x0084}, T::type1)
      .add({observations}, "RTROIInterpretedType", {0x3006, 0x00A4}, T::type2)
      .add({observations}, "ROIInterpreter", {0x3006, 0x00A6}, T::type2);
}

std::vector<ConformanceRule> build_rules() {
  std::vector<ConformanceRule> r;
  add_common(r, Iod::rt_plan, "RTPLAN");
  add_general_plan(r, Iod::rt_plan);
  add_beams(r);
  add_approval(r, Iod::rt_plan);
  add_common(r, Iod::rt_ion_plan, "RTPLAN");
  add_general_plan(r, Iod::rt_ion_plan);
  add_ion_beams(r);
  add_approval(r, Iod::rt_ion_plan);
  add_common(r, Iod::rt_dose, "RTDOSE");
  add_dose(r);
  add_common(r, Iod::rt_structure_set, "RTSTRUCT");
  add_structure_set(r);
  add_approval(r, Iod::rt_structure_set);
  return r;
}

}  // namespace

const std::vector<ConformanceRule>& conformance_rules() {
  static const std::vector<ConformanceRule> rules = build_rules();
  return rules;
}

}  // namespace rtreview
