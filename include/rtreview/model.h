// rtreview plain data model: what the DICOM reader produces and every other
// module consumes. No DCMTK, no XML, no Eigen here: just values.
//
// Conventions
// - Coordinates are DICOM patient coordinates (LPS), in millimetres.
// - Angles are in degrees, doses in Gy unless a `units` field says otherwise.
// - Optional attributes that were absent in the file are std::nullopt (not 0).
// - Strings hold the DICOM value with padding removed; absent strings are "".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtreview/conformance.h"
#include "rtreview/finding.h"

namespace rtreview {

using Point3 = std::array<double, 3>;  // x, y, z in mm (patient LPS)

// The SOP Class UIDs of the RT objects rtreview reads (PS3.4 B.5).
namespace sop_class {
inline constexpr const char* rt_plan = "1.2.840.10008.5.1.4.1.1.481.5";
inline constexpr const char* rt_ion_plan = "1.2.840.10008.5.1.4.1.1.481.8";
inline constexpr const char* rt_dose = "1.2.840.10008.5.1.4.1.1.481.2";
inline constexpr const char* rt_structure_set = "1.2.840.10008.5.1.4.1.1.481.3";
}  // namespace sop_class

// Where an object came from: enough to cite it in a packet appendix.
struct SourceFile {
  std::string path;    // as given on the command line / found in the folder
  std::string sha256;  // lowercase hex of the file bytes
  std::uint64_t size_bytes = 0;
  std::string transfer_syntax_uid;  // empty if unknown
  bool has_file_meta = false;       // false for files without preamble / File Meta
};

struct Patient {
  std::string name;  // PN as stored, e.g. "Doe^Jane"
  std::string id;
  std::string birth_date;  // YYYYMMDD or ""
  std::string sex;         // M, F, O or ""
};

// Attributes every RT object carries.
struct ObjectInfo {
  SourceFile source;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string modality;  // RTPLAN, RTDOSE, RTSTRUCT, RTIMAGE, CT, ...
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string frame_of_reference_uid;  // "" if absent or empty
  std::string manufacturer;
  std::string manufacturer_model_name;
  std::string software_versions;
  std::string station_name;
  std::string series_description;
  std::string instance_creation_date;  // YYYYMMDD
  Patient patient;
  // SpecificCharacterSet as stored ("" = default repertoire). Every string above and in
  // the object is UTF-8 whatever this says: the reader converts with DCMTK.
  std::string specific_character_set;
  // "" when every text value decoded cleanly; else what was replaced (U+FFFD) and why.
  std::string character_set_note;
  // IOD conformance: what the file lacks against the standard (recorded by the reader).
  ConformanceRecord conformance;
};

// ---------------------------------------------------------------- RT Plan

// One BeamLimitingDevicePositionSequence item: X, Y, ASYMX, ASYMY, MLCX, MLCY, MLCX1, MLCX2.
struct DevicePositions {
  std::string device_type;
  std::vector<double> positions_mm;  // 2 for jaws, 2*leaf_pairs for MLC (bank A then B)
};

// A control point with every inherited value carried forward from earlier
// control points (DICOM only repeats values when they change).
struct ControlPoint {
  int index = 0;                                     // ControlPointIndex
  std::optional<double> cumulative_meterset_weight;  // absent only in broken files
  std::optional<double> nominal_energy_mev;
  std::optional<double> dose_rate_mu_per_min;
  double gantry_angle_deg = 0.0;
  std::string gantry_rotation_direction;  // CW, CC, NONE or ""
  double collimator_angle_deg = 0.0;      // BeamLimitingDeviceAngle
  std::string collimator_rotation_direction;
  double couch_angle_deg = 0.0;  // PatientSupportAngle
  std::string couch_rotation_direction;
  std::optional<double> table_top_pitch_deg;
  std::optional<double> table_top_roll_deg;
  std::optional<Point3> isocenter_mm;
  std::vector<DevicePositions> device_positions;  // carried forward per device type
  // Ion control points (RT Ion Plan only).
  std::optional<double> meterset_rate;
  int scan_spot_count = 0;  // NumberOfScanSpotPositions
  // Which of the angle/position attributes were present in this item (not inherited);
  // lets tests and the technique classifier tell carried values from explicit ones.
  bool gantry_explicit = false;
  bool device_positions_explicit = false;
};

struct BeamLimitingDevice {
  std::string device_type;                 // X, Y, ASYMX, ASYMY, MLCX, MLCY, MLCX1, MLCX2 (dual layer)
  int leaf_pair_count = 0;                 // NumberOfLeafJawPairs
  std::vector<double> leaf_boundaries_mm;  // for MLCs
};

struct Wedge {
  int number = 0;
  std::string id;
  std::string type;  // STANDARD, DYNAMIC, MOTORIZED
  std::optional<double> angle_deg;
  std::optional<double> orientation_deg;
};

struct Block {
  int number = 0;
  std::string name;
  std::string type;  // SHIELDING, APERTURE
  std::string divergence;
  std::string material_id;
  int point_count = 0;
};

struct Compensator {
  int number = 0;
  std::string id;
  std::string type;  // STANDARD, DYNAMIC
  std::string material_id;
  int rows = 0;
  int columns = 0;
  std::optional<double> pixel_spacing_row_mm;
  std::optional<double> pixel_spacing_column_mm;
  std::optional<double> source_to_compensator_distance_mm;
  std::size_t thickness_value_count = 0;  // CompensatorThicknessData length
  std::optional<double> max_thickness_mm;
  std::vector<double> thickness_data_mm;  // CompensatorThicknessData, rows × columns, row-major
};

struct Beam {
  int number = 0;
  std::string name;
  std::string description;
  std::string beam_type;                // STATIC, DYNAMIC
  std::string radiation_type;           // PHOTON, ELECTRON, PROTON, ION, NEUTRON
  std::string treatment_delivery_type;  // TREATMENT, OPEN_PORTFILM, TRMT_PORTFILM, CONTINUATION, SETUP
  std::string treatment_machine_name;
  std::string primary_dosimeter_unit;  // MU, MINUTE, NP
  // PrimaryFluenceModeSequence (PS3.3 C.8.8.14): FluenceModeID when FluenceMode is
  // NON_STANDARD, e.g. "FFF" (flattening filter free) or "SRS" ("NON_STANDARD" when the ID is
  // missing); "" for the machine's STANDARD fluence mode or when absent.
  std::string fluence_mode_id;
  std::optional<double> source_axis_distance_mm;
  std::optional<double> final_cumulative_meterset_weight;
  std::optional<int> declared_control_point_count;  // NumberOfControlPoints as written
  std::vector<BeamLimitingDevice> limiting_devices;
  std::vector<Wedge> wedges;
  std::vector<Block> blocks;
  std::vector<Compensator> compensators;
  std::vector<ControlPoint> control_points;
  // Ion beams (RT Ion Plan): scan mode (MODULATED, UNIFORM, NONE), range shifters etc.
  bool is_ion = false;
  std::string scan_mode;
  int range_shifter_count = 0;
  std::string referenced_patient_setup;  // patient position of the referenced setup, e.g. HFS
};

// The scan spot positions an ion beam delivers: PS3.3 C.8.8.25 gives a control point's spot
// weights the meterset "of the current control point to the following control point", so a
// control point whose cumulative meterset weight does not rise to the next one delivers no
// spot (the second control point of each energy layer repeats the layer's spots with zero
// weights, and the last one delivers nothing). A control point whose weight or next weight is
// absent counts (cannot tell).
int delivered_scan_spot_positions(const Beam& beam);

struct ReferencedBeam {
  int beam_number = 0;
  std::optional<double> meterset;      // BeamMeterset (MU for photons)
  std::optional<double> beam_dose_gy;  // BeamDose
  std::optional<Point3> beam_dose_specification_point_mm;
};

// FractionGroupSequence > ReferencedDoseReferenceSequence item: the group's own doses
// for a dose reference (PS3.3 C.8.8.13), e.g. a boost phase's prescription.
struct FractionGroupDoseReference {
  int referenced_dose_reference_number = 0;
  std::optional<double> target_prescription_dose_gy;
  std::optional<double> target_minimum_dose_gy;
  std::optional<double> target_maximum_dose_gy;
};

struct FractionGroup {
  int number = 0;
  std::optional<int> fractions_planned;
  std::optional<int> fraction_pattern_digits_per_day;
  std::vector<ReferencedBeam> beams;
  int brachy_application_setup_count = 0;
  std::string description;
  std::vector<FractionGroupDoseReference> dose_references;
};

// DoseReferenceSequence item: prescription and constraints.
struct DoseReference {
  int number = 0;
  std::string uid;
  std::string structure_type;  // POINT, VOLUME, COORDINATES, SITE
  std::string description;
  std::string type;  // TARGET, ORGAN_AT_RISK
  std::optional<int> referenced_roi_number;
  std::optional<Point3> point_mm;
  std::optional<double> delivery_warning_dose_gy;
  std::optional<double> delivery_maximum_dose_gy;
  std::optional<double> target_minimum_dose_gy;
  std::optional<double> target_prescription_dose_gy;
  std::optional<double> target_maximum_dose_gy;
  std::optional<double> target_underdose_volume_fraction;
  std::optional<double> organ_at_risk_full_volume_dose_gy;
  std::optional<double> organ_at_risk_limit_dose_gy;
  std::optional<double> organ_at_risk_maximum_dose_gy;
  std::optional<double> organ_at_risk_overdose_volume_fraction;
  std::optional<double> constraint_weight;
};

struct BrachyChannel {
  int number = 0;
  std::string source_movement_type;  // STEPWISE, FIXED, OSCILLATING
  std::optional<double> channel_total_time_s;
  int control_point_count = 0;
  std::optional<double> channel_length_mm;
};

struct BrachyApplicationSetup {
  int number = 0;
  std::string type;  // FLETCHER_SUIT, INTERSTITIAL, ...
  std::string name;
  std::vector<BrachyChannel> channels;
};

enum class PlanKind { photon_electron, ion, brachy, unknown };

// What delivers the plan, decided from SOP class, manufacturer / model / machine names,
// radiation type, ion scan mode, brachy treatment type and beam-limiting devices
// (classify_delivery_kind; rules in README "Plan kinds"). Closed: checks declare which
// of these they apply to.
enum class DeliveryKind {
  unknown,
  c_arm_linac_photon,    // gantry-mounted linac, photons
  c_arm_linac_electron,  // gantry-mounted linac, every treatment beam ELECTRON
  ring_linac,            // Varian Halcyon / Ethos (ring gantry, dual-layer MLC)
  tomotherapy_helical,   // TomoTherapy / Radixact, gantry rotating
  tomotherapy_direct,    // TomoDirect: fixed gantry angles
  cyberknife,            // robotic linac (Accuray CyberKnife)
  gamma_knife,           // Leksell Gamma Knife (GammaPlan): cobalt sources, no linac beams
  mr_linac,              // Elekta Unity, ViewRay MRIdian
  ion_scanned,           // proton/ion pencil-beam scanning
  ion_scattered,         // proton/ion passive scattering / uniform scanning
  ion_unspecified,       // a proton/ion dose whose plan is absent: scanning or scattering not known
  brachy_hdr,
  brachy_pdr,
  brachy_ldr,         // LDR, MDR and manual loading
  brachy_unspecified  // brachytherapy without BrachyTreatmentType
};

// Stable snake_case id (JSON, rulesets): "ring_linac", "gamma_knife", ...
const char* to_string(DeliveryKind kind);
// A reader's phrase: "ring-gantry linac (Halcyon/Ethos)".
const char* describe(DeliveryKind kind);
// The coarse kind a delivery kind belongs to.
PlanKind coarse_kind(DeliveryKind kind);
bool is_brachy(DeliveryKind kind);
bool is_ion(DeliveryKind kind);

struct Plan;
struct DeliveryKindResult {
  DeliveryKind kind = DeliveryKind::unknown;
  std::string rule;  // the rule that decided, with the attribute values it used
};
// Pure function of the plan's attributes (the reader stores its result in Plan).
DeliveryKindResult classify_delivery_kind(const Plan& plan);
struct DoseGrid;
// Without the plan, what its doses say of it (PS3.3 C.8.8.3): a dose whose
// ReferencedRTPlanSequence names the RT Ion Plan SOP Class is ion_unspecified, a dose of
// summation type BRACHY or BRACHY_SESSION is brachy_unspecified; else (or when they
// disagree) unknown.
DeliveryKindResult classify_delivery_kind(const std::vector<std::shared_ptr<const DoseGrid>>& doses);

struct Plan {
  ObjectInfo info;
  PlanKind kind = PlanKind::unknown;
  DeliveryKind delivery_kind = DeliveryKind::unknown;  // set by the reader (classify_delivery_kind)
  std::string delivery_kind_rule;                      // the rule that decided delivery_kind
  std::string label;                                   // RTPlanLabel
  std::string name;                                    // RTPlanName
  std::string description;
  std::string date;  // RTPlanDate YYYYMMDD
  std::string time;
  std::string geometry;         // PATIENT, TREATMENT_DEVICE
  std::string intent;           // PlanIntent: CURATIVE, PALLIATIVE, ...
  std::string approval_status;  // APPROVED, UNAPPROVED, REJECTED or ""
  std::string reviewer_name;
  std::string review_date;
  std::string review_time;
  std::string brachy_treatment_technique;
  std::string brachy_treatment_type;
  std::vector<std::string> patient_positions;  // PatientSetupSequence PatientPosition
  std::vector<DoseReference> dose_references;
  std::vector<FractionGroup> fraction_groups;
  std::vector<Beam> beams;  // BeamSequence or IonBeamSequence
  std::vector<BrachyApplicationSetup> application_setups;
  std::vector<std::string> referenced_structure_set_uids;
  std::vector<std::string> referenced_dose_uids;
  struct ReferencedPlan {
    std::string sop_instance_uid;
    std::string relationship;  // PRIOR, ALTERNATIVE, PREDECESSOR, VERIFIED_PLAN, CONCURRENT, SUCCESSOR
  };
  std::vector<ReferencedPlan> referenced_plans;
  std::vector<std::string> notes;  // reader remarks on quirks, e.g. "NumberOfControlPoints 3 but 2 items"
};

// Whether a referenced plan was delivered before this one (PS3.3 C.8.8.9, RT Plan
// Relationship): only PRIOR, "plan delivered prior to current treatment". PREDECESSOR is a plan
// "used in derivation of current plan" (an earlier version of it), not earlier irradiation;
// ALTERNATIVE, CONCURRENT, SUCCESSOR and VERIFIED_PLAN are not either. Case-insensitive.
bool means_prior_treatment(const Plan::ReferencedPlan& reference);
// A QA plan (PlanIntent VERIFICATION, any case): its references name the plan it verifies.
bool is_verification_plan(const Plan& plan);
// A plan that references a prior treatment, unless it is a verification plan.
bool references_prior_treatment(const Plan& plan);

// ---------------------------------------------------------------- RT Dose

// A DVH carried in the RT Dose's DVHSequence (the TPS's own DVH).
struct FileDvh {
  std::optional<int> referenced_roi_number;  // the first DVHReferencedROISequence item's
  // The region when it is not one ROI included whole (DVHReferencedROISequence with several
  // items, or an EXCLUDED one; PS3.3 C.8.8.4): every item as "ROI n INCLUDED|EXCLUDED", e.g. a
  // target minus the urethra. Empty for the usual single INCLUDED ROI.
  std::vector<std::string> composite_region;
  std::string type;        // CUMULATIVE, DIFFERENTIAL, NATURAL
  std::string dose_units;  // GY, RELATIVE
  std::string dose_type;
  std::string volume_units;  // CM3, PERCENT, PER_U
  double dose_scaling = 1.0;
  std::optional<double> volume_scaling;
  std::optional<int> declared_bin_count;  // DVHNumberOfBins as written
  std::vector<double> bin_widths;         // dose bin widths (× dose_scaling → units)
  std::vector<double> volumes;            // per bin
  std::optional<double> minimum_dose;
  std::optional<double> maximum_dose;
  std::optional<double> mean_dose;
};

// A dose grid. Voxel (col, row, frame) centre is at
//   origin + col * column_spacing_mm * row_direction
//          + row * row_spacing_mm    * column_direction
//          + frame_offsets_mm[frame] * slice_direction
// where row_direction/column_direction are ImageOrientationPatient's two unit vectors
// and slice_direction is their cross product (row × column).
struct DoseGrid {
  ObjectInfo info;
  int columns = 0;
  int rows = 0;
  int frames = 0;
  Point3 origin_mm{};                    // ImagePositionPatient of voxel (0,0,0)
  Point3 row_direction{1, 0, 0};         // IOP[0..2]: direction along a row (increasing column)
  Point3 column_direction{0, 1, 0};      // IOP[3..5]: direction down a column (increasing row)
  double row_spacing_mm = 0.0;           // PixelSpacing[0]: distance between adjacent rows
  double column_spacing_mm = 0.0;        // PixelSpacing[1]: distance between adjacent columns
  std::vector<double> frame_offsets_mm;  // GridFrameOffsetVector (relative to origin along slice dir)
  std::optional<double> slice_thickness_mm;
  std::vector<float> dose;     // stored × DoseGridScaling; index (frame*rows + row)*columns + col
  std::string units;           // GY, RELATIVE (the unit of `dose`)
  std::string dose_type;       // PHYSICAL, EFFECTIVE, ERROR
  std::string summation_type;  // PLAN, MULTI_PLAN, FRACTION, BEAM, BRACHY, CONTROL_POINT, ...
  std::string comment;
  double dose_grid_scaling = 1.0;
  int bits_allocated = 0;
  bool pixel_signed = false;
  std::string referenced_plan_uid;
  std::string referenced_plan_sop_class_uid;  // RT Plan or RT Ion Plan (sop_class)
  std::optional<int> referenced_fraction_group_number;
  std::vector<int> referenced_beam_numbers;
  std::vector<FileDvh> dvhs;
  std::vector<std::string>
      notes;  // reader remarks, e.g. "NumberOfFrames absent: 15 frames from pixel data length"

  float at(int col, int row, int frame) const {
    return dose[(static_cast<std::size_t>(frame) * rows + row) * columns + col];
  }
  bool has_pixels() const { return !dose.empty(); }
};

// ------------------------------------------------------ RT Structure Set

struct Contour {
  std::string geometric_type;  // CLOSED_PLANAR, OPEN_PLANAR, OPEN_NONPLANAR, POINT
  std::vector<Point3> points_mm;
  std::optional<double> slab_thickness_mm;  // retired ContourSlabThickness (TomoTherapy)
};

struct Roi {
  int number = 0;  // ROINumber (0 is legal)
  std::string name;
  std::string description;
  std::string frame_of_reference_uid;  // ReferencedFrameOfReferenceUID
  std::string generation_algorithm;
  std::string interpreted_type;  // RTROIInterpretedType (often empty)
  std::string observation_label;
  std::optional<std::array<int, 3>> display_color;
  bool in_roi_contour_sequence = false;  // has an item in ROIContourSequence
  std::vector<Contour> contours;

  // Closed planar contours are the only ones that enclose a volume.
  bool has_closed_contours() const {
    for (const auto& c : contours)
      if (c.geometric_type == "CLOSED_PLANAR" && c.points_mm.size() >= 3) return true;
    return false;
  }
};

struct StructureSet {
  ObjectInfo info;
  std::string label;
  std::string name;
  std::string date;
  std::string time;
  std::string approval_status;  // optional Approval Module
  std::string reviewer_name;
  std::string review_date;
  std::vector<std::string> referenced_frame_of_reference_uids;
  std::vector<Roi> rois;
  std::vector<std::string> notes;

  const Roi* find_roi(int number) const {
    for (const auto& r : rois)
      if (r.number == number) return &r;
    return nullptr;
  }
};

// ---------------------------------------------------------------- inputs

// A DICOM file that is readable but not an object rtreview models (CT, RT Image, ...).
struct OtherObject {
  ObjectInfo info;
  std::string reason;  // e.g. "CT Image Storage: not an RT object, ignored"
};

// A file that could not be read (not DICOM, truncated, empty pixel data, ...).
struct UnreadableFile {
  std::string path;
  std::string reason;
  // True when the file is not DICOM at all (a case file, a README beside the DICOM):
  // listed as info. False for files that claim to be DICOM and cannot be read (error).
  bool not_dicom = false;
};

// Everything found in the inputs, before assembly into plan sets.
struct Inventory {
  std::vector<std::shared_ptr<const Plan>> plans;
  std::vector<std::shared_ptr<const DoseGrid>> doses;
  std::vector<std::shared_ptr<const StructureSet>> structure_sets;
  std::vector<OtherObject> others;
  std::vector<UnreadableFile> unreadable;
};

// Plan, structures and doses that belong together, assembled from references
// (plan → structure set, dose → plan) and frames of reference.
struct PlanSet {
  std::string id;                    // stable: the plan's SOP Instance UID, else the first object's
  std::shared_ptr<const Plan> plan;  // may be null (dose + struct only)
  std::shared_ptr<const StructureSet> structure_set;   // may be null
  std::vector<std::shared_ptr<const DoseGrid>> doses;  // may be empty
  std::vector<Finding> findings;                       // assembly findings (dangling refs, FoR mismatch, ...)
  bool complete() const { return plan && structure_set && !doses.empty(); }
};

const char* to_string(PlanKind kind);

}  // namespace rtreview
