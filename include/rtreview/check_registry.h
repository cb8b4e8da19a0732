// The typed registry of rtreview's checks: every finding id is declared here once, with
// what it measures, how a failure weighs, what kind of evidence it is, the facts it hands
// to policies and the plan kinds it applies to. Rulesets name check ids and facts; the
// policy loader validates them against this table. No payer text here: the rulesets that
// use a check cite their own sentences.
#pragma once

#include <span>
#include <string_view>

#include "rtreview/finding.h"
#include "rtreview/model.h"

namespace rtreview {

// What a failure of the check means for a determination.
enum class CheckKind {
  // Measures a property of the plan (grid spacing, technique, contours): a failure means
  // the plan was verified not to meet the requirement, which more documents cannot cure.
  plan_property,
  // Measures whether documentation is present in the DICOM (DVHs, portals, prescription,
  // approvals): a failure means the documentation is insufficient.
  documentation,
  // Supporting evidence for a clinical criterion: status info, never decides.
  supporting_evidence,
  // Reading and assembling the inputs (unreadable files, references, identity).
  input,
};

// The plan kinds a check applies to. A finding of a check that does not apply to the plan's
// delivery kind is reported as info "not applicable", never as a failure.
enum class CheckScope {
  every_plan,
  photon_imrt_delivery,   // c-arm, ring and MR linacs, TomoTherapy (IMRT is photon modulation)
  photon_external_beam,   // photon linacs of every kind, CyberKnife too: the plans the policies'
                          // photon delivery class judges (policy/evaluate.cpp delivery_class_of)
  linac_accessory_tray,   // c-arm photon linacs (compensators sit in the accessory tray)
  external_beam_portals,  // every external beam with real beams (not brachy, not Gamma Knife)
};

struct CheckSpec {
  std::string_view id;        // stable, never renamed (check_ids.h)
  std::string_view measures;  // one line for the README and ruleset validation messages
  CheckKind kind;
  Severity failure_severity;  // the severity of a `fail` finding with this id
  CheckScope applies_to;
  std::span<const std::string_view> facts;  // facts it provides to rulesets' <fact name=…>
};

// Every check, in report order.
std::span<const CheckSpec> check_registry();
// The check with this id, or null.
const CheckSpec* find_check(std::string_view id);
// The fact a check provides with this name, and which check provides it; null when none.
const CheckSpec* check_providing_fact(std::string_view fact);

bool applies(CheckScope scope, DeliveryKind kind);
// Whether the check `check_id` applies to a plan of `kind` (unknown ids and kinds: yes).
bool check_applies(std::string_view check_id, DeliveryKind kind);

const char* to_string(CheckKind kind);  // "plan_property", "documentation", ...

}  // namespace rtreview
