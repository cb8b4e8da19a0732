// IOD conformance of the RT objects the review reads: the attributes of RT Plan, RT Ion Plan,
// RT Dose and RT Structure Set that DICOM PS3.3 makes mandatory (Type 1, Type 2, conditional
// Type 1C / 2C) and that the review relies on (fraction group and beam references, dose grid,
// contours and their geometric types, approval). One table, one place: the reader (src/dicom)
// records against it what each file lacks, the checks (src/checks) turn that into CONFORMANCE_*
// findings. No DCMTK here: tags are plain numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rtreview {

enum class Iod { rt_plan, rt_ion_plan, rt_dose, rt_structure_set };
const char* to_string(Iod iod);  // "RT Plan", "RT Ion Plan", "RT Dose", "RT Structure Set"

enum class AttributeType { type1, type2, type1c, type2c };
const char* to_string(AttributeType type);  // "Type 1", "Type 2", "Type 1C", "Type 2C"

struct TagNumber {
  std::uint16_t group = 0;
  std::uint16_t element = 0;
};
std::string tag_text(TagNumber tag);  // "(300A,0070)"

// One sequence on the way from the top-level dataset to the item holding an attribute.
struct SequenceStep {
  TagNumber tag;
  std::string keyword;
};

// When a conditional module is used or a 1C / 2C attribute is required.
enum class ConditionKind {
  always,
  top_level_present,     // `tag` present with a value in the top-level dataset
  top_level_absent,      // `tag` absent (or empty) in the top-level dataset
  top_level_equals_any,  // the top-level value of `tag` is one of `values`
  sibling_equals_any,    // the value of `tag` in the same item is one of `values`
  sibling_above,         // the number in `tag` of the same item is > `threshold`
};
struct Condition {
  ConditionKind kind = ConditionKind::always;
  TagNumber tag;
  std::vector<std::string> values;
  double threshold = 0.0;
  std::string text;  // the standard's condition in words, e.g. "Number of Beams > 0"
};

struct ConformanceRule {
  Iod iod = Iod::rt_plan;
  std::string module;          // "RT Fraction Scheme"
  std::string section;         // PS3.3 section, e.g. "C.8.8.13"
  Condition module_condition;  // always = mandatory module; else when the module is used
  std::vector<SequenceStep> path;
  std::string keyword;  // "ReferencedBeamSequence"
  TagNumber tag;
  AttributeType type = AttributeType::type1;
  Condition condition;                  // for Type 1C / 2C
  std::vector<std::string> enumerated;  // allowed values (defined by the standard); empty = any
};

// Every rule, grouped by IOD then module in the standard's order. Indices are stable within a build.
const std::vector<ConformanceRule>& conformance_rules();

enum class AttributeState {
  absent,         // not in the item
  empty,          // present with zero length (a sequence with no items)
  invalid_value,  // a value outside the rule's enumerated values
};
const char* to_string(AttributeState state);  // "absent", "empty", "invalid value"

// What a file lacks for one rule, summed over the items the rule applies to.
struct ConformanceGap {
  std::size_t rule = 0;  // index into conformance_rules()
  AttributeState state = AttributeState::absent;
  std::string first_location;  // "" = top level, else "BeamSequence item 2 > ControlPointSequence item 1"
  std::string held;            // invalid_value: the value found
  int count = 0;               // items with this gap (first_location is the first)
};

// What the reader recorded for one object; `checked` is false for objects of other IODs
// (a vendor SOP class read as a plan) or files read before this existed.
struct ConformanceRecord {
  bool checked = false;
  Iod iod = Iod::rt_plan;
  std::vector<ConformanceGap> gaps;  // rule order
  int rules_checked = 0;             // rules of the IOD whose module applies
};

// Whether a gap breaks the rule's type: Type 1 / 1C need a value; Type 2 / 2C only presence;
// an invalid enumerated value always does.
bool violates(const ConformanceRule& rule, AttributeState state);

}  // namespace rtreview
