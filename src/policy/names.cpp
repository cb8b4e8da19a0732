// The policy layer's enum names (determination tree, outcomes), kept apart from the
// evaluation and the ruleset reader: the PDF module (CMakeLists.txt, src/pdf) compiles
// this file into itself, since it does not link the program's libraries.
#include "rtreview/policy.h"

namespace rtreview {

const char* to_string(Truth truth) {
  switch (truth) {
    case Truth::met:
      return "met";
    case Truth::not_met:
      return "not met";
    case Truth::unknown:
      return "unknown";
  }
  return "unknown";
}

const char* to_string(Origin origin) {
  switch (origin) {
    case Origin::dicom_check:
      return "dicom_check";
    case Origin::case_file:
      return "case_file";
    case Origin::derived:
      return "derived";
    case Origin::none:
      return "none";
  }
  return "none";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::meets:
      return "MEETS";
    case Outcome::does_not_meet:
      return "DOES NOT MEET";
    case Outcome::insufficient_documentation:
      return "INSUFFICIENT DOCUMENTATION";
    case Outcome::not_applicable:
      return "NOT APPLICABLE";
  }
  return "INSUFFICIENT DOCUMENTATION";
}

const char* to_string(RuleKind kind) {
  switch (kind) {
    case RuleKind::all:
      return "all";
    case RuleKind::any:
      return "any";
    case RuleKind::none:
      return "none";
    case RuleKind::at_least:
      return "at-least";
    case RuleKind::criterion:
      return "criterion";
    case RuleKind::check:
      return "check";
    case RuleKind::fact:
      return "fact";
    case RuleKind::diagnosis:
      return "diagnosis";
    case RuleKind::age:
      return "age";
    case RuleKind::document:
      return "document";
    case RuleKind::asserted:
      return "asserted";
    case RuleKind::line_of_business:
      return "line-of-business";
    case RuleKind::manual:
      return "manual";
  }
  return "all";
}

std::string rule_kind_label(RuleKind kind, int at_least) {
  if (kind == RuleKind::at_least) return "at least " + std::to_string(at_least) + " of";
  return to_string(kind);
}

}  // namespace rtreview
