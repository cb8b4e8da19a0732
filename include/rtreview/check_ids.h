// The stable ids of rtreview's technical checks. Rulesets refer to these ids
// (<check id="..."/>), the packet and JSON carry them, the README documents them:
// they are an API, never renamed.
#pragma once

#include <string_view>

namespace rtreview::check_id {

// Dose grid and dose object
inline constexpr std::string_view dose_grid_spacing = "DOSE_GRID_SPACING";  // max(row, col, slice) <= 10 mm
inline constexpr std::string_view dose_object_fit =
    "DOSE_OBJECT_FIT";  // PLAN summation, GY, same FoR, plan referenced
// Structures
inline constexpr std::string_view gtv_contoured = "GTV_CONTOURED";  // >= 1 GTV with closed contours
inline constexpr std::string_view ptv_contoured = "PTV_CONTOURED";  // >= 1 PTV with closed contours
inline constexpr std::string_view oar_contoured = "OAR_CONTOURED";  // >= 1 OAR with closed contours
inline constexpr std::string_view empty_rois =
    "ROI_WITHOUT_VOLUME";  // empty / open / point-only ROIs reported
inline constexpr std::string_view dvh_computable = "DVH_COMPUTABLE";  // every target and OAR has a DVH
inline constexpr std::string_view dvh_matches_file =
    "DVH_MATCHES_FILE";  // ours vs the dose file's DVHSequence
// Beams
inline constexpr std::string_view beam_description =
    "BEAM_DESCRIPTION";                                               // number & location of each portal/arc
inline constexpr std::string_view technique_imrt = "TECHNIQUE_IMRT";  // technique classified; IMRT or not
inline constexpr std::string_view compensator_design =
    "COMPENSATOR_DESIGN";  // per portal when compensator-based
// Prescription and approval
inline constexpr std::string_view prescription = "PRESCRIPTION";  // Rx dose, fractions, dose/fx
inline constexpr std::string_view dose_constraints =
    "DOSE_CONSTRAINTS";                                             // target and OAR constraints present
inline constexpr std::string_view plan_approval = "PLAN_APPROVAL";  // APPROVED, reviewer, date
inline constexpr std::string_view structure_set_approval = "STRUCTURE_SET_APPROVAL";
// Supporting evidence for clinical criteria (status info; never decides a criterion)
inline constexpr std::string_view support_ptv_oar_proximity = "SUPPORT_PTV_OAR_PROXIMITY";
inline constexpr std::string_view support_target_concavity = "SUPPORT_TARGET_CONCAVITY";
inline constexpr std::string_view support_dose_escalation = "SUPPORT_DOSE_PER_FRACTION";
inline constexpr std::string_view support_prior_plan = "SUPPORT_PRIOR_PLAN";
// IOD conformance (DICOM PS3.3 Type 1 / 2 / 1C / 2C attributes the review relies on)
inline constexpr std::string_view conformance_rt_plan = "CONFORMANCE_RT_PLAN";
inline constexpr std::string_view conformance_rt_ion_plan = "CONFORMANCE_RT_ION_PLAN";
inline constexpr std::string_view conformance_rt_dose = "CONFORMANCE_RT_DOSE";
inline constexpr std::string_view conformance_rt_structure_set = "CONFORMANCE_RT_STRUCTURE_SET";
// Input / assembly findings (from the dicom module)
inline constexpr std::string_view file_unreadable = "FILE_UNREADABLE";
inline constexpr std::string_view file_not_rt = "FILE_NOT_RT";
inline constexpr std::string_view plan_kind_unsupported = "PLAN_KIND_UNSUPPORTED";
inline constexpr std::string_view orphan_object = "ORPHAN_OBJECT";
inline constexpr std::string_view dangling_reference = "DANGLING_REFERENCE";
inline constexpr std::string_view frame_of_reference_mismatch = "FRAME_OF_REFERENCE_MISMATCH";
inline constexpr std::string_view patient_id_mismatch = "PATIENT_ID_MISMATCH";
// Several structure sets / plans could belong together and nothing decides: none was joined.
inline constexpr std::string_view ambiguous_candidates = "AMBIGUOUS_CANDIDATES";
inline constexpr std::string_view duplicate_sop_instance = "DUPLICATE_SOP_INSTANCE_UID";
// The case file's patient against the DICOM's (from the policy module, at review time).
inline constexpr std::string_view patient_identity = "PATIENT_IDENTITY";

}  // namespace rtreview::check_id
