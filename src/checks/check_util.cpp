#include "checks/check_util.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace rtreview::checks_detail {

std::string num(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

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

Finding make_finding(std::string_view id, Status status, Severity severity, std::string subject,
                     std::string message, std::string rule, std::string citation) {
  Finding f;
  f.id = std::string(id);
  f.status = status;
  f.severity = severity;
  f.subject = std::move(subject);
  f.message = std::move(message);
  f.rule = std::move(rule);
  f.citation = std::move(citation);
  return f;
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

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
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

}  // namespace rtreview::checks_detail
