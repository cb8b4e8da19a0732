#include "checks/check_util.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace rtreview::checks_detail {

std::string num(double value, int decimals) { return format_trimmed(value, decimals); }

std::string num_unit(double value, const std::string& unit, int decimals) {
  return num(value, decimals) + " " + unit;
}

std::string point_text(const Point3& p) {
  std::string text = "(";  // appended piecewise: GCC 12 -Wrestrict false positive on "(" + std::string
  text += num(p[0], 1);
  text += ", ";
  text += num(p[1], 1);
  text += ", ";
  text += num(p[2], 1);
  text += ") mm";
  return text;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string squash(std::string_view s) {
  std::string out;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string plan_subject(const PlanSet& plan_set) {
  if (plan_set.plan) {
    const auto& label = plan_set.plan->label.empty() ? plan_set.plan->name : plan_set.plan->label;
    return "plan " + (label.empty() ? plan_set.plan->info.sop_instance_uid : label);
  }
  return "plan set " + plan_set.id;
}

std::string structure_set_subject(const StructureSet& structure_set) {
  if (!structure_set.label.empty()) return "RTSTRUCT " + structure_set.label;
  if (!structure_set.info.source.path.empty())
    return "RTSTRUCT " + std::filesystem::path(structure_set.info.source.path).filename().string();
  return "RTSTRUCT " + structure_set.info.sop_instance_uid;
}

std::string dose_subject(const DoseGrid& dose) {
  if (!dose.info.source.path.empty())
    return "RTDOSE " + std::filesystem::path(dose.info.source.path).filename().string();
  return "RTDOSE " + dose.info.sop_instance_uid;
}

double rotation_step_deg(double from_deg, double to_deg, const std::string& direction) {
  double step = direction == "CC" ? from_deg - to_deg : to_deg - from_deg;
  step = std::fmod(step, 360.0);
  if (step < 0) step += 360.0;
  if (step > 360.0 - angle_tolerance_deg) step = 0.0;
  return step;
}

bool is_treatment_delivery(const std::string& type) {
  // "" is treated as TREATMENT (the attribute is Type 2C / often absent in older exports).
  return type.empty() || type == "TREATMENT" || type == "CONTINUATION";
}

}  // namespace rtreview::checks_detail
