// Records, at read time, which attributes of the conformance table (rtreview/conformance.h)
// a file lacks or holds with a value outside the standard's enumerated values. Judging the
// attribute types and wording the findings is the checks' job (checks/conformance.cpp).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"

namespace rtreview::dicom {
namespace {

DcmTagKey key(TagNumber tag) { return DcmTagKey(tag.group, tag.element); }

// Present with a value: a sequence with at least one item, any other element with length > 0.
bool has_value(DcmItem& item, TagNumber tag) {
  DcmElement* element = nullptr;
  if (item.findAndGetElement(key(tag), element, OFFalse).bad() || !element) return false;
  if (element->ident() == EVR_SQ) return static_cast<DcmSequenceOfItems*>(element)->card() > 0;
  return element->getLength() > 0;
}

bool one_of(const std::string& value, const std::vector<std::string>& values) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Module conditions are judged on the top-level dataset, attribute conditions on the item
// holding the attribute ("sibling") or on the top level.
bool holds(const Condition& c, DcmItem& top, DcmItem& item) {
  switch (c.kind) {
    case ConditionKind::always:
      return true;
    case ConditionKind::top_level_present:
      return has_tag(top, key(c.tag));
    case ConditionKind::top_level_absent:
      return !has_tag(top, key(c.tag));
    case ConditionKind::top_level_equals_any:
      return one_of(get_string(top, key(c.tag)), c.values);
    case ConditionKind::sibling_equals_any:
      return one_of(get_string(item, key(c.tag)), c.values);
    case ConditionKind::sibling_above: {
      const auto value = get_number(item, key(c.tag));
      return value && *value > c.threshold;
    }
  }
  return true;
}

struct LocatedItem {
  DcmItem* item;
  std::string location;
};

// Every item reached by following `path` from the top level, with where it is.
std::vector<LocatedItem> items_along(DcmItem& top, const std::vector<SequenceStep>& path) {
  std::vector<LocatedItem> current{{&top, ""}};
  for (const SequenceStep& step : path) {
    std::vector<LocatedItem> next;
    for (const LocatedItem& parent : current) {
      const auto items = get_items(*parent.item, key(step.tag));
      for (std::size_t i = 0; i < items.size(); ++i)
        next.push_back({items[i], (parent.location.empty() ? "" : parent.location + " > ") + step.keyword +
                                      " item " + std::to_string(i + 1)});
    }
    current = std::move(next);
  }
  return current;
}

// The state of one attribute in one item; nullopt when it conforms.
std::optional<std::pair<AttributeState, std::string>> state_of(const ConformanceRule& rule, DcmItem& item) {
  if (!has_tag(item, key(rule.tag))) return std::make_pair(AttributeState::absent, std::string());
  if (!has_value(item, rule.tag)) return std::make_pair(AttributeState::empty, std::string());
  if (rule.enumerated.empty()) return std::nullopt;
  std::string value = get_string(item, key(rule.tag));
  if (value.empty() || one_of(value, rule.enumerated)) return std::nullopt;
  return std::make_pair(AttributeState::invalid_value, std::move(value));
}

}  // namespace

ConformanceRecord capture_conformance(DcmItem& dataset, Iod iod) {
  ConformanceRecord record;
  record.checked = true;
  record.iod = iod;
  const auto& rules = conformance_rules();
  for (std::size_t index = 0; index < rules.size(); ++index) {
    const ConformanceRule& rule = rules[index];
    if (rule.iod != iod || !holds(rule.module_condition, dataset, dataset)) continue;
    ++record.rules_checked;
    std::map<AttributeState, ConformanceGap> gaps;  // one per state, in enum order
    for (const LocatedItem& located : items_along(dataset, rule.path)) {
      if (!holds(rule.condition, dataset, *located.item)) continue;
      auto state = state_of(rule, *located.item);
      if (!state) continue;
      auto [it, added] = gaps.try_emplace(state->first);
      if (added) it->second = {index, state->first, located.location, state->second, 0};
      ++it->second.count;
    }
    for (auto& [state, gap] : gaps) record.gaps.push_back(std::move(gap));
  }
  take_invalid_utf8_count();  // values re-read here were already counted by the object's reader
  return record;
}

}  // namespace rtreview::dicom
