// Plan kind from what the machine is. Rules are tried in order; the first that matches
// decides and is returned in words (with the values it used) for the evidence.
//
//  1. brachytherapy: ApplicationSetupSequence / BrachyTreatmentType and no beams;
//     HDR, PDR, LDR (LDR, MDR, MANUAL, technique PERMANENT) by BrachyTreatmentType
//  2. ion: RT Ion Plan SOP class, IonBeamSequence or PROTON/ION radiation; scanned when
//     ScanMode is MODULATED/MODULATED_SPEC/LINE, scattered when UNIFORM/NONE
//  3. Gamma Knife: 'gammaplan', 'gammaknife', 'leksell', 'perfexion' in manufacturer /
//     model / machine names (not StationName), or a single placeholder beam named 'bogus'
//  4. CyberKnife: 'cyberknife', 'multiplan' in those names
//  5. TomoTherapy: 'tomo', 'hiart', 'radixact'; direct when no beam rotates, else helical
//  6. MR-linac: 'mridian', 'viewray', 'mrlinac', or a word starting with 'unity'
//  7. ring linac: 'halcyon', 'ethos', Varian's Halcyon SOP class 1.2.246.352.70.1.70, or a
//     dual-layer MLC (MLCX1 + MLCX2: only Halcyon/Ethos have stacked MLCs)
//  8. C-arm linac: electron when every treatment beam is ELECTRON, else photon
// A plan set without its plan takes what its doses say (the second overload).
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>

#include "rtreview/model.h"

namespace rtreview {
namespace {

constexpr const char* kHalcyonPlan = "1.2.246.352.70.1.70";

// Lowercase letters and digits only: "Hi-Art" -> "hiart", "Leksell GammaPlan®" -> "leksellgammaplan".
std::string squash(const std::string& text) {
  std::string out;
  for (unsigned char c : text)
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

std::string first_word(const std::string& squashed, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (squashed.find(w) != std::string::npos) return w;
  return "";
}

// True when some word of `text` (split at non-alphanumerics) starts with `prefix`, case-insensitively.
bool starts_a_word(const std::string& text, const std::string& prefix) {
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : ' ';
    if (std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));
      continue;
    }
    if (word.rfind(prefix, 0) == 0) return true;
    word.clear();
  }
  return false;
}

bool is_treatment(const Beam& b) {
  return b.treatment_delivery_type.empty() || b.treatment_delivery_type == "TREATMENT" ||
         b.treatment_delivery_type == "CONTINUATION";
}

// Manufacturer, model, station and machine names as one text for the word rules.
std::string device_text(const Plan& plan) {
  // Not StationName: a hospital's "COMMUNITY_1" must not read as "unity".
  std::string text = plan.info.manufacturer + " " + plan.info.manufacturer_model_name;
  std::vector<std::string> machines;
  for (const auto& b : plan.beams)
    if (!b.treatment_machine_name.empty() &&
        std::find(machines.begin(), machines.end(), b.treatment_machine_name) == machines.end())
      machines.push_back(b.treatment_machine_name);
  for (const auto& m : machines) text += " " + m;
  return text;
}

bool has_device(const Plan& plan, const char* type) {
  for (const auto& b : plan.beams)
    for (const auto& d : b.limiting_devices)
      if (d.device_type == type) return true;
  return false;
}

bool any_beam_rotates(const Plan& plan) {
  for (const auto& b : plan.beams)
    for (const auto& cp : b.control_points)
      if (cp.gantry_rotation_direction == "CW" || cp.gantry_rotation_direction == "CC") return true;
  return false;
}

DeliveryKindResult brachy_kind(const Plan& plan) {
  const std::string type = plan.brachy_treatment_type;
  const std::string what = "brachytherapy plan (ApplicationSetupSequence, no beams), BrachyTreatmentType '" +
                           type + "', technique '" + plan.brachy_treatment_technique + "'";
  if (type == "HDR") return {DeliveryKind::brachy_hdr, what};
  if (type == "PDR") return {DeliveryKind::brachy_pdr, what};
  if (type == "LDR" || type == "MDR" || type == "MANUAL" || plan.brachy_treatment_technique == "PERMANENT")
    return {DeliveryKind::brachy_ldr, what};
  return {DeliveryKind::brachy_unspecified, what};
}

DeliveryKindResult ion_kind(const Plan& plan) {
  std::string modes;
  bool scanned = false, scattered = false;
  for (const auto& b : plan.beams) {
    if (b.scan_mode.empty()) continue;
    if (modes.find(b.scan_mode) == std::string::npos) modes += (modes.empty() ? "" : ", ") + b.scan_mode;
    scanned =
        scanned || b.scan_mode == "MODULATED" || b.scan_mode == "MODULATED_SPEC" || b.scan_mode == "LINE";
    scattered = scattered || b.scan_mode == "UNIFORM" || b.scan_mode == "NONE";
  }
  const std::string what =
      "RT Ion Plan / PROTON or ION beams, ScanMode " + (modes.empty() ? "absent" : modes);
  // Without a ScanMode, spots per control point still say pencil-beam scanning.
  bool spots = false;
  for (const auto& b : plan.beams)
    for (const auto& cp : b.control_points) spots = spots || cp.scan_spot_count > 0;
  if (scattered && !scanned) return {DeliveryKind::ion_scattered, what};
  if (scanned || spots) return {DeliveryKind::ion_scanned, what + (scanned ? "" : ", scan spots present")};
  return {DeliveryKind::ion_scattered, what + ", no scan spots"};
}

bool is_ion_plan(const Plan& plan) {
  if (plan.kind == PlanKind::ion || plan.info.sop_class_uid == sop_class::rt_ion_plan) return true;
  return std::any_of(plan.beams.begin(), plan.beams.end(), [](const Beam& b) {
    return b.is_ion || b.radiation_type == "PROTON" || b.radiation_type == "ION";
  });
}

bool gamma_knife_placeholder(const Plan& plan) {
  return plan.beams.size() == 1 && squash(plan.beams.front().name).find("bogus") != std::string::npos;
}

std::optional<DeliveryKindResult> named_machine_kind(const Plan& plan) {
  const std::string text = device_text(plan);
  const std::string s = squash(text);
  const std::string names = " ('" + text + "')";
  if (auto w = first_word(s, {"gammaplan", "gammaknife", "leksell", "perfexion"}); !w.empty())
    return DeliveryKindResult{DeliveryKind::gamma_knife, "'" + w + "' in manufacturer/model/machine" + names};
  if (gamma_knife_placeholder(plan))
    return DeliveryKindResult{
        DeliveryKind::gamma_knife,
        "a single placeholder beam named '" + plan.beams.front().name + "' (GammaPlan export)"};
  if (auto w = first_word(s, {"cyberknife", "multiplan"}); !w.empty())
    return DeliveryKindResult{DeliveryKind::cyberknife, "'" + w + "' in manufacturer/model/machine" + names};
  if (auto w = first_word(s, {"tomo", "hiart", "radixact"}); !w.empty()) {
    const bool helical = any_beam_rotates(plan);
    return DeliveryKindResult{helical ? DeliveryKind::tomotherapy_helical : DeliveryKind::tomotherapy_direct,
                              "'" + w + "' in manufacturer/model/machine" + names +
                                  (helical ? ", gantry rotating" : ", fixed gantry angles (TomoDirect)")};
  }
  if (auto w = first_word(s, {"mridian", "viewray", "mrlinac"}); !w.empty())
    return DeliveryKindResult{DeliveryKind::mr_linac, "'" + w + "' in manufacturer/model/machine" + names};
  if (starts_a_word(text, "unity"))
    return DeliveryKindResult{DeliveryKind::mr_linac, "a name starting with 'unity'" + names};
  if (auto w = first_word(s, {"halcyon", "ethos"}); !w.empty())
    return DeliveryKindResult{DeliveryKind::ring_linac, "'" + w + "' in manufacturer/model/machine" + names};
  return std::nullopt;
}

}  // namespace

DeliveryKindResult classify_delivery_kind(const Plan& plan) {
  const bool brachy = !plan.application_setups.empty() || !plan.brachy_treatment_type.empty() ||
                      plan.kind == PlanKind::brachy;
  if (brachy && plan.beams.empty()) return brachy_kind(plan);
  if (is_ion_plan(plan)) return ion_kind(plan);
  if (auto named = named_machine_kind(plan)) return *named;
  if (plan.info.sop_class_uid == kHalcyonPlan)
    return {DeliveryKind::ring_linac, "Varian Halcyon SOP Class " + std::string(kHalcyonPlan)};
  if (has_device(plan, "MLCX1") && has_device(plan, "MLCX2"))
    return {DeliveryKind::ring_linac, "dual-layer MLC (MLCX1 + MLCX2): a Halcyon/Ethos ring-gantry linac"};
  std::vector<const Beam*> treatment;
  for (const auto& b : plan.beams)
    if (is_treatment(b)) treatment.push_back(&b);
  if (treatment.empty()) return {DeliveryKind::unknown, "no treatment beams and no application setups"};
  const bool all_electron = std::all_of(treatment.begin(), treatment.end(),
                                        [](const Beam* b) { return b->radiation_type == "ELECTRON"; });
  if (all_electron)
    return {DeliveryKind::c_arm_linac_electron, "every treatment beam has RadiationType ELECTRON"};
  return {DeliveryKind::c_arm_linac_photon,
          "external photon beams on a machine named '" + treatment.front()->treatment_machine_name +
              "' with no ring, robotic, helical, MR or Gamma Knife marker: C-arm linac"};
}

DeliveryKindResult classify_delivery_kind(const std::vector<std::shared_ptr<const DoseGrid>>& doses) {
  std::optional<DeliveryKindResult> said;
  for (const auto& dose : doses) {
    if (!dose) continue;
    DeliveryKindResult kind;
    if (dose->referenced_plan_sop_class_uid == sop_class::rt_ion_plan)
      kind = {DeliveryKind::ion_unspecified,
              "no plan in the set: its RT Dose references an RT Ion Plan (ReferencedRTPlanSequence "
              "ReferencedSOPClassUID " +
                  std::string(sop_class::rt_ion_plan) + ")"};
    else if (dose->summation_type == "BRACHY" || dose->summation_type == "BRACHY_SESSION")
      kind = {DeliveryKind::brachy_unspecified,
              "no plan in the set: its RT Dose has DoseSummationType " + dose->summation_type};
    else
      continue;
    if (said && said->kind != kind.kind)
      return {DeliveryKind::unknown, "no plan in the set, and its doses disagree on the kind of plan"};
    if (!said) said = kind;
  }
  if (said) return *said;
  return {DeliveryKind::unknown,
          "no plan in the set, and its doses do not say what kind of plan they are for"};
}

const char* to_string(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::c_arm_linac_photon:
      return "c_arm_linac_photon";
    case DeliveryKind::c_arm_linac_electron:
      return "c_arm_linac_electron";
    case DeliveryKind::ring_linac:
      return "ring_linac";
    case DeliveryKind::tomotherapy_helical:
      return "tomotherapy_helical";
    case DeliveryKind::tomotherapy_direct:
      return "tomotherapy_direct";
    case DeliveryKind::cyberknife:
      return "cyberknife";
    case DeliveryKind::gamma_knife:
      return "gamma_knife";
    case DeliveryKind::mr_linac:
      return "mr_linac";
    case DeliveryKind::ion_scanned:
      return "ion_scanned";
    case DeliveryKind::ion_scattered:
      return "ion_scattered";
    case DeliveryKind::ion_unspecified:
      return "ion_unspecified";
    case DeliveryKind::brachy_hdr:
      return "brachy_hdr";
    case DeliveryKind::brachy_pdr:
      return "brachy_pdr";
    case DeliveryKind::brachy_ldr:
      return "brachy_ldr";
    case DeliveryKind::brachy_unspecified:
      return "brachy_unspecified";
    case DeliveryKind::unknown:
      break;
  }
  return "unknown";
}

const char* describe(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::c_arm_linac_photon:
      return "C-arm linac, photons";
    case DeliveryKind::c_arm_linac_electron:
      return "C-arm linac, electrons";
    case DeliveryKind::ring_linac:
      return "ring-gantry linac (Halcyon/Ethos)";
    case DeliveryKind::tomotherapy_helical:
      return "TomoTherapy, helical";
    case DeliveryKind::tomotherapy_direct:
      return "TomoTherapy, TomoDirect";
    case DeliveryKind::cyberknife:
      return "CyberKnife (robotic linac)";
    case DeliveryKind::gamma_knife:
      return "Gamma Knife (Leksell GammaPlan)";
    case DeliveryKind::mr_linac:
      return "MR-linac";
    case DeliveryKind::ion_scanned:
      return "proton/ion, pencil-beam scanning";
    case DeliveryKind::ion_scattered:
      return "proton/ion, passive scattering";
    case DeliveryKind::ion_unspecified:
      return "proton/ion (plan absent: scanning or scattering not known)";
    case DeliveryKind::brachy_hdr:
      return "brachytherapy, HDR";
    case DeliveryKind::brachy_pdr:
      return "brachytherapy, PDR";
    case DeliveryKind::brachy_ldr:
      return "brachytherapy, LDR";
    case DeliveryKind::brachy_unspecified:
      return "brachytherapy (type not stated)";
    case DeliveryKind::unknown:
      break;
  }
  return "unknown";
}

bool is_brachy(DeliveryKind kind) {
  return kind == DeliveryKind::brachy_hdr || kind == DeliveryKind::brachy_pdr ||
         kind == DeliveryKind::brachy_ldr || kind == DeliveryKind::brachy_unspecified;
}

bool is_ion(DeliveryKind kind) {
  return kind == DeliveryKind::ion_scanned || kind == DeliveryKind::ion_scattered ||
         kind == DeliveryKind::ion_unspecified;
}

PlanKind coarse_kind(DeliveryKind kind) {
  if (is_brachy(kind)) return PlanKind::brachy;
  if (is_ion(kind)) return PlanKind::ion;
  if (kind == DeliveryKind::unknown) return PlanKind::unknown;
  return PlanKind::photon_electron;
}

}  // namespace rtreview
