// CONFORMANCE_*: what each RT object lacks against its IOD (DICOM PS3.3), from what the reader
// recorded (ObjectInfo::conformance). One finding per attribute the file breaks, naming the
// module, the attribute (keyword and tag), what the standard requires and what the file holds;
// one pass per object that conforms on every attribute checked.
#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/checks.h"

namespace rtreview {

using namespace checks_detail;

namespace {

std::string_view id_of(Iod iod) {
  switch (iod) {
    case Iod::rt_plan:
      return check_id::conformance_rt_plan;
    case Iod::rt_ion_plan:
      return check_id::conformance_rt_ion_plan;
    case Iod::rt_dose:
      return check_id::conformance_rt_dose;
    case Iod::rt_structure_set:
      break;
  }
  return check_id::conformance_rt_structure_set;
}

std::string requirement(const ConformanceRule& rule) {
  std::string text = to_string(rule.type);
  const bool needs_value = rule.type == AttributeType::type1 || rule.type == AttributeType::type1c;
  text += needs_value ? ": present with a value" : ": present (may be empty)";
  if (rule.type == AttributeType::type1c || rule.type == AttributeType::type2c)
    text += " when " + rule.condition.text;
  if (rule.module_condition.kind != ConditionKind::always)
    text += " (module used: " + rule.module_condition.text + ")";
  if (!rule.enumerated.empty()) text += "; value one of " + join(rule.enumerated);
  return text;
}

std::string holds_text(const ConformanceGap& gap) {
  std::string text = gap.state == AttributeState::invalid_value ? "value \"" + gap.held + "\""
                                                                : std::string(to_string(gap.state));
  text += gap.first_location.empty() ? " (top level)" : " in " + gap.first_location;
  if (gap.count > 1) text += " and " + std::to_string(gap.count - 1) + " more item(s)";
  return text;
}

constexpr const char* kRule = "DICOM PS3.3 IOD: attributes of the mandatory (or used) modules by type";

void add_object_findings(const ObjectInfo& info, std::vector<Finding>& out) {
  const ConformanceRecord& record = info.conformance;
  if (!record.checked) return;
  const std::string_view id = id_of(record.iod);
  const std::string subject = info.source.path.empty() ? info.sop_instance_uid : info.source.path;
  const auto& rules = conformance_rules();
  std::size_t before = out.size();
  for (const ConformanceGap& gap : record.gaps) {
    if (gap.rule >= rules.size()) continue;
    const ConformanceRule& rule = rules[gap.rule];
    if (!violates(rule, gap.state)) continue;
    const std::string attribute = rule.keyword + " " + tag_text(rule.tag);
    Finding f =
        make_finding(id, Status::fail, Severity::warning, subject,
                     std::string(to_string(record.iod)) + " " + rule.module + " module: " + attribute +
                         " is " + holds_text(gap) + "; the standard requires " + requirement(rule),
                     kRule);
    f.citation = "DICOM PS3.3 " + rule.section;  // the standard, not payer text
    f.evidence = {{"module", rule.module + " (PS3.3 " + rule.section + ")"},
                  {"attribute", attribute},
                  {"standard requires", requirement(rule)},
                  {"file holds", holds_text(gap)}};
    out.push_back(std::move(f));
  }
  if (out.size() != before) return;
  Finding pass =
      make_finding(id, Status::pass, Severity::info, subject,
                   std::string(to_string(record.iod)) + ": " + std::to_string(record.rules_checked) +
                       " required attributes checked, all conform",
                   kRule);
  pass.citation = "DICOM PS3.3";
  pass.evidence = {{"attributes checked", std::to_string(record.rules_checked)}};
  out.push_back(std::move(pass));
}

}  // namespace

std::vector<Finding> check_conformance(const PlanSet& plan_set) {
  std::vector<Finding> out;
  if (plan_set.plan) add_object_findings(plan_set.plan->info, out);
  if (plan_set.structure_set) add_object_findings(plan_set.structure_set->info, out);
  for (const auto& dose : plan_set.doses)
    if (dose) add_object_findings(dose->info, out);
  return out;
}

}  // namespace rtreview
