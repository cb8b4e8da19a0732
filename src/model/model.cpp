#include "rtreview/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace rtreview {

const char* to_string(PlanKind kind) {
  switch (kind) {
    case PlanKind::photon_electron:
      return "photon/electron";
    case PlanKind::ion:
      return "ion";
    case PlanKind::brachy:
      return "brachytherapy";
    case PlanKind::unknown:
      break;
  }
  return "unknown";
}

Finding make_finding(std::string_view id, Status status, Severity severity, std::string subject,
                     std::string message, std::string rule, std::vector<Evidence> evidence) {
  Finding f;
  f.id = std::string(id);
  f.status = status;
  f.severity = severity;
  f.subject = std::move(subject);
  f.message = std::move(message);
  f.rule = std::move(rule);
  f.evidence = std::move(evidence);
  return f;
}

const char* to_string(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::fail:
      return "fail";
    case Status::not_evaluable:
      return "not_evaluable";
    case Status::info:
      break;
  }
  return "info";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
    case Severity::info:
      break;
  }
  return "info";
}

const char* to_string(FailLevel level) {
  switch (level) {
    case FailLevel::fail:
      return "fail";
    case FailLevel::warning:
      return "warning";
    case FailLevel::none:
      break;
  }
  return "";
}

FailLevel fail_level(const Finding& finding) {
  if (finding.status == Status::fail)
    return finding.severity == Severity::error ? FailLevel::fail : FailLevel::warning;
  if (finding.status == Status::not_evaluable) {
    if (finding.severity == Severity::error) return FailLevel::fail;
    if (finding.severity == Severity::warning) return FailLevel::warning;
  }
  return FailLevel::none;
}

bool counts_against(const Finding& finding, FailLevel threshold) {
  const FailLevel level = fail_level(finding);
  return level != FailLevel::none && level >= threshold;
}

bool any_counts_against(const std::vector<Finding>& findings, FailLevel threshold) {
  return std::any_of(findings.begin(), findings.end(),
                     [threshold](const Finding& f) { return counts_against(f, threshold); });
}

std::optional<FailLevel> parse_fail_on(std::string_view text) {
  if (text == "fail") return FailLevel::fail;
  if (text == "warning") return FailLevel::warning;
  return std::nullopt;
}

namespace {
bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}
}  // namespace

bool means_prior_treatment(const Plan::ReferencedPlan& reference) {
  return equals_ignoring_case(reference.relationship, "PRIOR");
}

bool is_verification_plan(const Plan& plan) { return equals_ignoring_case(plan.intent, "VERIFICATION"); }

bool references_prior_treatment(const Plan& plan) {
  return !is_verification_plan(plan) &&
         std::any_of(plan.referenced_plans.begin(), plan.referenced_plans.end(),
                     [](const Plan::ReferencedPlan& r) { return means_prior_treatment(r); });
}

int delivered_scan_spot_positions(const Beam& beam) {
  const auto& cps = beam.control_points;
  auto weight = [](const std::optional<double>& w) { return w && std::isfinite(*w) ? w : std::nullopt; };
  long long spots = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const auto here = weight(cps[i].cumulative_meterset_weight);
    const bool last = i + 1 == cps.size();
    const auto next = last ? std::optional<double>{} : weight(cps[i + 1].cumulative_meterset_weight);
    const bool delivers = last ? !here : !here || !next || *next > *here;
    if (delivers) spots += std::max(cps[i].scan_spot_count, 0);
  }
  return static_cast<int>(std::min<long long>(spots, std::numeric_limits<int>::max()));
}

}  // namespace rtreview
