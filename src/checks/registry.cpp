// The check registry: one row per finding id (see check_registry.h).
#include <algorithm>
#include <array>

#include "rtreview/check_ids.h"
#include "rtreview/check_registry.h"

namespace rtreview {

namespace {

namespace id = check_id;
using A = CheckScope;
using K = CheckKind;
using S = Severity;

constexpr std::array<std::string_view, 1> compensator_facts = {"compensator_based"};

// clang-format off
constexpr std::array<CheckSpec, 33> registry = {{
  // id                              measures                                                        kind                   worst failure  applies to
  {id::plan_kind_unsupported,        "plan kinds rtreview cannot judge by IMRT rules (ion, brachy, unknown)", K::input,     S::info,    A::every_plan, {}},
  {id::dose_grid_spacing,            "largest dose grid step (row, column, slice) <= 10 mm",          K::plan_property,      S::error,   A::every_plan, {}},
  {id::dose_object_fit,              "dose summation type, units, frame of reference, referenced plan", K::documentation,    S::error,   A::every_plan, {}},
  {id::gtv_contoured,                ">= 1 GTV ROI with closed planar contours",                      K::plan_property,      S::error,   A::photon_external_beam, {}},
  {id::ptv_contoured,                ">= 1 PTV ROI with closed planar contours",                      K::plan_property,      S::error,   A::photon_external_beam, {}},
  {id::oar_contoured,                ">= 1 organ-at-risk ROI with closed planar contours",            K::plan_property,      S::error,   A::every_plan, {}},
  {id::empty_rois,                   "ROIs with no closed contour (empty, open or points only)",      K::documentation,      S::warning, A::every_plan, {}},
  {id::dvh_computable,               "a DVH for every target and organ at risk on the plan dose",     K::documentation,      S::error,   A::every_plan, {}},
  {id::dvh_matches_file,             "rtreview's DVHs against the dose file's DVHSequence (3 %/3 %)", K::documentation,      S::warning, A::every_plan, {}},
  {id::beam_description,             "number and location of each portal or arc",                     K::documentation,      S::error,   A::external_beam_portals, {}},
  {id::technique_imrt,               "the delivery technique, and whether it is IMRT",                K::plan_property,      S::error,   A::photon_imrt_delivery, {}},
  {id::compensator_design,           "compensator design per portal when compensator-based",          K::documentation,      S::error,   A::linac_accessory_tray, compensator_facts},
  {id::prescription,                 "prescribed dose, fractions and dose per fraction per group",    K::documentation,      S::error,   A::every_plan, {}},
  {id::dose_constraints,             "target and organ-at-risk dose constraints in the plan",         K::documentation,      S::error,   A::every_plan, {}},
  {id::plan_approval,                "plan ApprovalStatus APPROVED with reviewer and date",           K::documentation,      S::error,   A::every_plan, {}},
  {id::structure_set_approval,       "structure set ApprovalStatus APPROVED with reviewer and date",  K::documentation,      S::warning, A::every_plan, {}},
  {id::support_ptv_oar_proximity,    "distance from each PTV to the nearest organ at risk",           K::supporting_evidence, S::info,   A::every_plan, {}},
  {id::support_target_concavity,     "concavity of each PTV (volume against its convex hull)",        K::supporting_evidence, S::info,   A::every_plan, {}},
  {id::support_dose_escalation,      "dose per fraction against conventional fractionation",          K::supporting_evidence, S::info,   A::every_plan, {}},
  {id::support_prior_plan,           "plans referenced as predecessor or prior treatment",            K::supporting_evidence, S::info,   A::every_plan, {}},
  {id::file_unreadable,              "files that could not be read as DICOM",                         K::input,              S::error,   A::every_plan, {}},
  {id::file_not_rt,                  "DICOM files that are not RT objects rtreview reviews",          K::input,              S::info,    A::every_plan, {}},
  {id::orphan_object,                "RT objects that belong to no plan set",                         K::input,              S::warning, A::every_plan, {}},
  {id::dangling_reference,           "references to objects missing from the inputs",                 K::input,              S::warning, A::every_plan, {}},
  {id::frame_of_reference_mismatch,  "dose and structures in the plan's frame of reference",          K::input,              S::error,   A::every_plan, {}},
  {id::patient_id_mismatch,          "one patient per plan set (PatientID, and against the case file)", K::input,            S::error,   A::every_plan, {}},
  {id::ambiguous_candidates,         "several objects could belong together and nothing decides",     K::input,              S::warning, A::every_plan, {}},
  {id::duplicate_sop_instance,       "the same SOP Instance UID in several files",                    K::input,              S::warning, A::every_plan, {}},
  {id::conformance_rt_plan,          "RT Plan IOD: the Type 1/2/1C/2C attributes the review relies on (PS3.3)", K::input,    S::warning, A::every_plan, {}},
  {id::conformance_rt_ion_plan,      "RT Ion Plan IOD: the Type 1/2/1C/2C attributes the review relies on", K::input,       S::warning, A::every_plan, {}},
  {id::conformance_rt_dose,          "RT Dose IOD: the Type 1/2/1C/2C attributes the review relies on",   K::input,         S::warning, A::every_plan, {}},
  {id::conformance_rt_structure_set, "RT Structure Set IOD: the Type 1/2/1C/2C attributes the review relies on", K::input,  S::warning, A::every_plan, {}},
  {id::patient_identity,             "the case file's patient (name, ID, birth date) against the DICOM's", K::input,     S::error,   A::every_plan, {}},
}};
// clang-format on

}  // namespace

std::span<const CheckSpec> check_registry() { return registry; }

const CheckSpec* find_check(std::string_view check) {
  auto it = std::find_if(registry.begin(), registry.end(), [&](const CheckSpec& s) { return s.id == check; });
  return it == registry.end() ? nullptr : &*it;
}

const CheckSpec* check_providing_fact(std::string_view fact) {
  auto it = std::find_if(registry.begin(), registry.end(), [&](const CheckSpec& s) {
    return std::find(s.facts.begin(), s.facts.end(), fact) != s.facts.end();
  });
  return it == registry.end() ? nullptr : &*it;
}

bool applies(CheckScope scope, DeliveryKind kind) {
  using D = DeliveryKind;
  if (kind == D::unknown) return true;  // nothing known: judge everything, say so (PLAN_KIND_UNSUPPORTED)
  switch (scope) {
    case A::every_plan:
      return true;
    case A::photon_imrt_delivery:
      // IMRT payer rules concern photon intensity modulation: not electrons, ions,
      // brachytherapy, Gamma Knife or robotic radiosurgery (billed under their own codes).
      return kind == D::c_arm_linac_photon || kind == D::ring_linac || kind == D::mr_linac ||
             kind == D::tomotherapy_helical || kind == D::tomotherapy_direct;
    case A::photon_external_beam:
      // The IMRT policies' contouring rule (GTV and PTV) for the plans they judge as photon
      // plans: an HDR prostate implant targets the gland (a CTV) without margins, a proton
      // plan may be optimised robustly on a CTV, a Gamma Knife target is its GTV.
      // The IMRT delivery kinds and CyberKnife.
      return applies(A::photon_imrt_delivery, kind) || kind == D::cyberknife;
    case A::linac_accessory_tray:
      return kind == D::c_arm_linac_photon;
    case A::external_beam_portals:
      // A Gamma Knife plan's one beam is a placeholder.
      return !is_brachy(kind) && kind != D::gamma_knife;
  }
  return true;
}

bool check_applies(std::string_view check_id, DeliveryKind kind) {
  const CheckSpec* spec = find_check(check_id);
  return !spec || applies(spec->applies_to, kind);
}

const char* to_string(CheckKind kind) {
  switch (kind) {
    case K::plan_property:
      return "plan_property";
    case K::documentation:
      return "documentation";
    case K::supporting_evidence:
      return "supporting_evidence";
    case K::input:
      return "input";
  }
  return "input";
}

}  // namespace rtreview
