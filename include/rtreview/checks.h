// Technical documentation checks: pure functions of a PlanSet that answer the
// payers' IMRT documentation requirements (dose grid <= 1 cm, GTV/PTV/OARs
// contoured, DVHs for all targets and critical structures, number and location
// of each portal, prescription with constraints, approval, compensator design).
// Every result is a Finding (id from check_ids.h); nothing here throws on bad input.
// The rules, thresholds and policy text of each id are documented in README.md ("Technical checks").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/check_registry.h"
#include "rtreview/dvh.h"
#include "rtreview/finding.h"
#include "rtreview/limits.h"
#include "rtreview/model.h"

namespace rtreview {

// ------------------------------------------------------------------ options

struct CheckOptions {
  double max_grid_spacing_mm = 10.0;               // inclusive limit: 10.0 mm passes
  double target_min_inside_grid_fraction = 0.995;  // 100 % less a tolerance for edge sampling
  double oar_min_inside_grid_fraction = 0.95;      // OARs may extend beyond the dose grid a little
  double conventional_dose_per_fraction_min_gy = 1.8;
  double conventional_dose_per_fraction_max_gy = 2.0;
  // Field-in-field vs step-and-shoot: a photon plan whose treatment beams have at most
  // this many segments each (and few beams) is forward-planned field-in-field.
  int field_in_field_max_segments_per_beam = 6;
  // Dynamic conformal arc vs VMAT (arcs whose leaves move while the beam is on): DCA when
  // MU per degree is constant (coefficient of variation <= this: DCA delivers at constant
  // dose rate and gantry speed; TPS rounding of weights/angles stays < 1 %) ...
  double dca_max_mu_per_degree_cv = 0.05;
  // ... and each aperture keeps most of the beam's opening (meterset-weighted aperture area
  // variability AAV of McNiven 2010 >= this): a conformal aperture follows the target and
  // uses nearly all of it (0.7-1), modulation closes parts of it. AAV, not MCS: the leaf
  // sequence variability of MCS penalises small round (SRS) outlines that are not modulated.
  double dca_min_aav = 0.5;
  // ... and the apertures are regular outlines (meterset-weighted aperture irregularity of
  // Du 2014 <= this: 1 circle, 1.27 square, conformal outlines of convex targets 1-2; the
  // jagged apertures of modulation exceed it). AAV is relative to the beam's own largest
  // opening, so a constant-dose-rate VMAT of uniformly small apertures needs this test too.
  double dca_max_aperture_irregularity = 3.0;
  // Clinic vocabulary file added to the default one (same format); "" = default only.
  std::filesystem::path structure_vocabulary;
  // The default TG-263 vocabulary; "" = <ruleset dir>/structure-names.tsv.
  std::filesystem::path default_structure_vocabulary;
  bool compute_dvhs = true;      // false: DVH_COMPUTABLE judges contours/FoR only
  bool compute_geometry = true;  // false: no PTV-OAR distances / convex hulls
  // Work budget of each geometry check per structure set (rtreview/limits.h).
  std::uint64_t max_geometry_operations = InputLimits{}.max_geometry_operations_per_structure_set;
  DvhOptions dvh_options;
};

// --------------------------------------------------------------- structures

// What an ROI is. Only gtv..oar, external and support enclose anatomy or devices;
// the rest are "not a structure" kinds (helpers, points, channels).
enum class StructureCategory {
  // structures: enclose anatomy or a device
  gtv,
  ctv,
  itv,
  ptv,
  oar,
  external,
  support,
  // not structures: planning aids, points, channels
  avoidance,
  control,
  marker,
  isocenter,
  brachy_channel,
  other  // unknown: reported, not counted
};

const char* to_string(StructureCategory category);
// GTV, CTV, ITV or PTV.
bool is_target(StructureCategory category);
// Anatomy or a device with a volume: targets, OAR, external, support.
bool is_structure(StructureCategory category);

// One vocabulary entry: TG-263 canonical name, its category and accepted aliases.
struct VocabularyEntry {
  std::string canonical_name;
  StructureCategory category = StructureCategory::other;
  std::vector<std::string> aliases;  // compared case- and separator-insensitively
};

struct StructureVocabulary {
  std::vector<VocabularyEntry> entries;
  std::vector<std::string> sources;   // files loaded, in order
  std::vector<std::string> problems;  // "file:line: reason" for skipped lines / unreadable files
};

// Parses the tab-separated vocabulary text (format in rulesets/structure-names.tsv);
// bad lines are skipped and listed in `problems` with `source_name:line`.
StructureVocabulary parse_structure_vocabulary(const std::string& text, const std::string& source_name);
// Loads the default vocabulary then the clinic's (options), entries appended in that order.
StructureVocabulary load_structure_vocabulary(const CheckOptions& options);

struct RoiClassification {
  int roi_number = 0;
  std::string roi_name;
  std::string interpreted_type;  // RTROIInterpretedType as stored ("" if empty)
  StructureCategory category = StructureCategory::other;
  std::string canonical_name;    // TG-263 name when matched by the vocabulary, else ""
  std::string rule;              // how: "RTROIInterpretedType PTV", "name prefix PTV (TG-263)", ...
  bool by_type = false;          // true: decided by RTROIInterpretedType, false: by name
  int closed_contour_count = 0;  // CLOSED_PLANAR with >= 3 points
  int open_contour_count = 0;    // OPEN_PLANAR / OPEN_NONPLANAR
  int point_contour_count = 0;   // POINT
  bool has_volume() const { return closed_contour_count > 0; }
};

// Classifies one ROI: by RTROIInterpretedType when specific, else by its name.
RoiClassification classify_roi(const Roi& roi, const StructureVocabulary& vocabulary);
// Classifies every ROI of the structure set, in structure-set order.
std::vector<RoiClassification> classify_structures(const StructureSet& structure_set,
                                                   const StructureVocabulary& vocabulary);

// -------------------------------------------------------------------- beams

enum class Technique {
  unknown,
  conformal_3d,
  field_in_field,
  imrt_step_and_shoot,
  imrt_sliding_window,
  vmat,
  helical,
  compensator_imrt,
  proton,
  brachytherapy,
  electron,
  dynamic_conformal_arc,  // leaves follow the target outline, MU per degree constant: not IMRT
  tomo_direct,            // TomoDirect: fixed ports modulated by the binary MLC (IMRT)
  gamma_knife,            // Gamma Knife radiosurgery: no linac beams
  robotic                 // CyberKnife: robotic non-coplanar radiosurgery
};
const char* to_string(Technique technique);
// Whether payers count the technique as IMRT (VMAT, helical and TomoDirect are IMRT deliveries).
bool is_imrt(Technique technique);

// -------------------------------------------------------------- modulation

// One strip of a beam's aperture at one control point, at the isocentre plane (beam's-eye
// view, mm): between two leaf boundaries of the MLC layers combined (a dual-layer MLC gives
// the finer strips of both), clipped to the jaws. Leaves travel along open_*.
struct ApertureRow {
  double band_from_mm = 0.0, band_to_mm = 0.0;  // across leaf travel; equal when outside the jaws
  double open_from_mm = 0.0, open_to_mm = 0.0;  // along leaf travel (bank A .. bank B, jaws applied)
  double height_mm() const { return band_to_mm > band_from_mm ? band_to_mm - band_from_mm : 0.0; }
  double open_width_mm() const {
    return height_mm() > 0.0 && open_to_mm > open_from_mm ? open_to_mm - open_from_mm : 0.0;
  }
};

// The aperture at `cp`: every MLC layer moving along the beam's leaf axis (MLCX, MLCX1, MLCX2;
// else MLCY) intersected, then clipped by X/ASYMX and Y/ASYMY. Without an MLC: the jaw rectangle.
// Without LeafPositionBoundaries leaves are taken as 10 mm wide, centred (said in README).
std::vector<ApertureRow> aperture_rows(const Beam& beam, const ControlPoint& cp);
double aperture_area_mm2(const std::vector<ApertureRow>& rows);
// Leaf-end edges only (perpendicular to leaf travel), incl. the first and last row's ends:
// the perimeter of the edge metric (Younge 2012/2016).
double aperture_side_perimeter_mm(const std::vector<ApertureRow>& rows);
// The whole closed contour: leaf-end edges + both leaf sides of every open row (Du 2014).
double aperture_perimeter_mm(const std::vector<ApertureRow>& rows);
// Leaf sequence variability LSV_A x LSV_B over the open rows (McNiven 2010); 1 = aligned leaves.
double aperture_lsv(const std::vector<ApertureRow>& rows);

// What the control points of one beam deliver (README "Technique": definitions, references).
struct BeamModulation {
  bool aperture_from_mlc = false;
  std::string mlc_devices;                 // "MLCX", "MLCX1+MLCX2", "" (jaws only)
  std::vector<double> area_mm2;            // aperture area per control point
  std::vector<double> perimeter_mm;        // closed aperture perimeter per control point
  std::optional<double> mean_area_mm2;     // meterset-weighted
  double leaf_travel_mm = 0.0;             // sum of |leaf position change| over all leaves and control points
  int moving_leaf_count = 0;               // leaves (all layers) that move at all
  std::optional<double> mu_per_segment;    // beam MU / segments
  std::optional<double> mu_per_degree;     // arcs: MU / degree of rotation (needs the beam MU)
  std::optional<double> mu_per_degree_cv;  // arcs: coefficient of variation of MU per degree (0 = constant)
  std::optional<double> mcs;  // modulation complexity score, 0..1 (1 = one open unmodulated aperture)
  std::optional<double> aav;  // meterset-weighted aperture area variability (McNiven 2010), 0..1
  std::optional<double> edge_metric_per_mm;     // MU-weighted leaf-end perimeter / area (Younge)
  std::optional<double> aperture_irregularity;  // MU-weighted P^2/(4 pi A) (Du): 1 circle, 1.27 square
};

// Measures one beam; `beam_mu` (BeamMeterset) scales MU per degree, else only ratios are given.
BeamModulation measure_modulation(const Beam& beam, std::optional<double> beam_mu);

// One beam of the plan, as the packet's beam/portal table shows it.
struct BeamSummary {
  int number = 0;
  std::string name;
  std::string description;
  std::string delivery_type;         // TreatmentDeliveryType ("" treated as TREATMENT)
  bool is_treatment = true;          // false for SETUP / portal-film / imaging beams
  std::string radiation_type;        // PHOTON, ELECTRON, PROTON, ...
  std::optional<double> energy_mev;  // nominal energy of control point 0
  std::string fluence_mode;          // non-standard fluence mode, e.g. "FFF" ("" for the standard mode)
  // Ion beams: the lowest and highest nominal energy over the energy layers.
  std::optional<double> lowest_energy_mev;
  std::optional<double> highest_energy_mev;
  std::string machine;
  std::string beam_type;  // STATIC, DYNAMIC
  bool is_arc = false;    // gantry rotates (CW/CC) while delivering
  double gantry_start_deg = 0.0;
  double gantry_stop_deg = 0.0;
  std::string rotation_direction;  // CW, CC or NONE
  double arc_length_deg = 0.0;     // along the rotation direction, wraps through 0/360
  double collimator_deg = 0.0;     // of control point 0
  double couch_deg = 0.0;          // of control point 0
  std::optional<Point3> isocenter_mm;
  int control_point_count = 0;
  int segment_count = 0;       // distinct apertures delivering meterset (see README, Technical checks)
  int energy_layer_count = 0;  // ion beams: distinct nominal energies (0 for photons/electrons)
  bool mlc_moves_while_beam_on = false;  // leaves move between points with meterset increasing
  bool has_mlc = false;
  std::optional<double> meterset_mu;  // BeamMeterset from the fraction group(s)
  std::string dosimeter_unit;         // MU, MINUTE, NP
  std::vector<std::string> wedges;    // "id TYPE angle°"
  int compensator_count = 0;
  bool compensator_has_thickness_data = false;  // every compensator carries thickness data
  int block_count = 0;
  BeamModulation modulation;                 // measured from the control points
  Technique technique = Technique::unknown;  // this beam's delivery, by the README's per-beam rules
};

// The beam's energy as the packet shows it (HTML, PDF, BEAM_DESCRIPTION): "6 MV", "10 MV FFF",
// "12 MeV" (electrons), "70.2-150.4 MeV" (a proton beam's layers), "290 MeV/u" (carbon ions:
// per nucleon), "energy n/a".
std::string beam_energy_text(const BeamSummary& beam);

// Where a prescription value came from. Only dose_reference and fraction_group are
// prescriptions; a BeamDose sum is a derived number and never passes PRESCRIPTION.
enum class PrescriptionSource {
  none,
  dose_reference,  // DoseReferenceSequence TargetPrescriptionDose
  fraction_group,  // FractionGroupSequence > ReferencedDoseReferenceSequence TargetPrescriptionDose
};
const char* to_string(PrescriptionSource source);

// One fraction group (a phase, e.g. primary and boost): reported per group, never summed
// "per fraction" across groups.
struct FractionGroupSummary {
  int number = 0;
  std::string description;
  std::optional<int> fractions_planned;
  int treatment_beam_count = 0;
  std::optional<double> mu_per_fraction;       // sum of the group's treatment BeamMeterset (MU)
  std::optional<double> prescription_dose_gy;  // the group's prescription (total over its fractions)
  std::optional<double> dose_per_fraction_gy;  // prescription / fractions
  PrescriptionSource prescription_source = PrescriptionSource::none;
  // Sum of the group's BeamDose (dose at the beam dose specification points per fraction):
  // derived, shown labelled as such, never a prescription.
  std::optional<double> derived_beam_dose_per_fraction_gy;
};

struct PlanSummary {
  std::string label;
  std::string sop_instance_uid;
  PlanKind kind = PlanKind::unknown;
  DeliveryKind delivery_kind = DeliveryKind::unknown;  // what delivers the plan
  std::string delivery_kind_rule;                      // the rule that decided it
  int treatment_portal_count = 0;                      // treatment beams (arcs included)
  int static_portal_count = 0;
  int arc_count = 0;
  int setup_beam_count = 0;
  int isocenter_count = 0;  // distinct isocentres of treatment beams (0.1 mm)
  // Sum of treatment BeamMeterset per fraction: only when the plan has one fraction group
  // (several groups: see fraction_groups, and total_mu_course).
  std::optional<double> total_mu_per_fraction;
  std::optional<double> total_mu_course;  // sum over groups of MU per fraction x fractions
  int fraction_group_count = 0;
  std::vector<FractionGroupSummary> fraction_groups;
  std::optional<int> fractions_planned;        // the course: summed over fraction groups
  std::optional<double> prescription_dose_gy;  // the course total (composite of the groups)
  // One dose per fraction for the course: only when every group has the same one.
  std::optional<double> dose_per_fraction_gy;
  PrescriptionSource prescription_kind = PrescriptionSource::none;
  std::string prescription_source;   // where the Rx came from, in words; "" if none
  std::string prescription_problem;  // why no composite Rx could be formed ("" if none)
  // Course total of the derived BeamDose values (never a prescription), when no Rx exists.
  std::optional<double> derived_beam_dose_total_gy;
};

// Summaries of every beam of a photon/electron or ion plan (brachy: empty), in plan order,
// with the modulation measured and each treatment beam's own technique.
std::vector<BeamSummary> summarize_beams(const Plan& plan);
std::vector<BeamSummary> summarize_beams(const Plan& plan, const CheckOptions& options);
// The beam's technique and modulation metrics in one line (technique evidence, beam table).
std::string modulation_text(const BeamSummary& beam);
// Plan-level counts (portals, arcs, isocentres, MU, prescription).
PlanSummary summarize_plan(const Plan& plan, const std::vector<BeamSummary>& beams);

struct TechniqueResult {
  Technique technique = Technique::unknown;
  std::string rule;  // the rule that decided, in words
  std::vector<Evidence> evidence;
};

// Classifies the plan's delivery technique from its treatment beams.
TechniqueResult classify_technique(const Plan& plan, const std::vector<BeamSummary>& beams,
                                   const CheckOptions& options = {});
// A static beam of a few MLC segments is forward-planned field-in-field or a step-and-shoot
// IMRT field only by the plan's other beams and labels (classify_technique): such a beam
// (field_in_field or imrt_step_and_shoot on its own) takes the plan's technique when that is
// one of the two; any other beam keeps its own.
Technique settled_beam_technique(const BeamSummary& beam, Technique plan_technique);
void settle_beam_techniques(std::vector<BeamSummary>& beams, Technique plan_technique);

// ---------------------------------------------------------- the checks

// DOSE_GRID_SPACING: one finding per dose object (the plan dose named as such).
std::vector<Finding> check_dose_grid_spacing(const PlanSet& plan_set, const CheckOptions& options = {});
// DOSE_OBJECT_FIT: summation type, units, frame of reference, referenced plan.
Finding check_dose_object_fit(const PlanSet& plan_set);
// GTV_CONTOURED, PTV_CONTOURED, OAR_CONTOURED and ROI_WITHOUT_VOLUME.
std::vector<Finding> check_structures(const PlanSet& plan_set,
                                      const std::vector<RoiClassification>& structures);
// DVH_COMPUTABLE over `dvhs` (computed on `dose`, may be null when no usable dose).
Finding check_dvh_computable(const PlanSet& plan_set, const std::vector<RoiClassification>& structures,
                             const DoseGrid* dose, const std::vector<RoiDvh>& dvhs, bool dvhs_attempted,
                             const CheckOptions& options = {});
// DVH_MATCHES_FILE: ours vs the dose file's DVHSequence (info when nothing to compare).
Finding check_dvh_matches_file(const DoseGrid* dose, const std::vector<RoiDvh>& dvhs);
// BEAM_DESCRIPTION: the number and location of each portal / arc.
Finding check_beam_description(const PlanSet& plan_set, const std::vector<BeamSummary>& beams,
                               const PlanSummary& summary);
// The delivery kind the checks use, with its rule: the reader's, else classified from
// the plan now; a plan set without its plan, what its doses say.
DeliveryKindResult delivery_of(const Plan& plan);
DeliveryKindResult delivery_of(const PlanSet& plan_set);
DeliveryKind delivery_kind_of(const Plan& plan);

// TECHNIQUE_IMRT: pass when the technique is IMRT, fail otherwise (incl. field-in-field).
Finding check_technique_imrt(const PlanSet& plan_set, const TechniqueResult& technique);
// COMPENSATOR_DESIGN: per portal when compensator-based, else info.
Finding check_compensator_design(const PlanSet& plan_set, const std::vector<BeamSummary>& beams,
                                 const TechniqueResult& technique);
// PRESCRIPTION: Rx dose, fractions, dose per fraction and where they came from.
Finding check_prescription(const PlanSet& plan_set, const PlanSummary& summary);
// DOSE_CONSTRAINTS: target and OAR constraint doses in the DoseReferenceSequence.
Finding check_dose_constraints(const PlanSet& plan_set, const std::vector<RoiClassification>& structures);
// PLAN_APPROVAL: ApprovalStatus APPROVED with reviewer and date.
Finding check_plan_approval(const PlanSet& plan_set);
// STRUCTURE_SET_APPROVAL: same for the structure set.
Finding check_structure_set_approval(const PlanSet& plan_set);
// PLAN_KIND_UNSUPPORTED: one info finding for ion / brachy / unknown plans, else none.
std::vector<Finding> check_plan_kind(const PlanSet& plan_set, const DeliveryKindResult& delivery);

// CONFORMANCE_RT_PLAN / _RT_ION_PLAN / _RT_DOSE / _RT_STRUCTURE_SET: per object of the set,
// one fail per attribute that breaks its IOD (module, keyword, tag, requirement, what the file
// holds), else one pass. Objects of other SOP classes are not judged.
std::vector<Finding> check_conformance(const PlanSet& plan_set);

// Supporting evidence (status info, never a decision).
std::vector<Finding> support_ptv_oar_proximity(const PlanSet& plan_set,
                                               const std::vector<RoiClassification>& structures,
                                               const CheckOptions& options = {});
std::vector<Finding> support_target_concavity(const PlanSet& plan_set,
                                              const std::vector<RoiClassification>& structures,
                                              const CheckOptions& options = {});
Finding support_dose_per_fraction(const PlanSet& plan_set, const PlanSummary& summary,
                                  const CheckOptions& options = {});
Finding support_prior_plan(const PlanSet& plan_set);

// The dose object a DVH is computed on: the PLAN-summation dose in GY if any, else the
// first dose in GY, else the first dose; null when the set has none.
const DoseGrid* select_plan_dose(const PlanSet& plan_set);

// ------------------------------------------------------------------- report

struct CheckReport {
  std::string plan_set_id;
  std::vector<Finding> findings;  // check order, deterministic
  std::vector<RoiDvh> dvhs;       // on `dvh_dose_uid`, empty when not computed
  std::string dvh_dose_uid;       // SOP Instance UID of the dose the DVHs used
  std::vector<RoiClassification> structures;
  std::vector<BeamSummary> beams;
  PlanSummary plan_summary;
  TechniqueResult technique;
  std::vector<std::string> vocabulary_problems;
};

// Runs every check on one plan set. Never throws on bad input.
CheckReport run_checks(const PlanSet& plan_set, const CheckOptions& options = {});
// Same, with an already loaded vocabulary (saves reloading it per plan set).
CheckReport run_checks(const PlanSet& plan_set, const CheckOptions& options,
                       const StructureVocabulary& vocabulary);

}  // namespace rtreview
