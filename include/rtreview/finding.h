// A Finding: one judged statement about the inputs (a technical check result,
// a reading problem, an assembly problem). Findings are data, never exceptions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtreview {

enum class Status {
  pass,           // requirement verified
  fail,           // requirement verified NOT met
  not_evaluable,  // could not be verified from the inputs (say why in `message`)
  info            // informational: a measurement or remark, no requirement judged
};

enum class Severity {
  info,     // nothing to act on
  warning,  // reviewer should look; does not by itself fail a submission
  error     // a requirement is not met or an input is unusable
};

struct Evidence {
  std::string label;  // e.g. "slice spacing (GFOV largest step)"
  std::string value;  // e.g. "2.5 mm"
};

struct Finding {
  std::string id;  // stable id, e.g. DOSE_GRID_SPACING, FILE_UNREADABLE
  Status status = Status::info;
  Severity severity = Severity::info;
  std::string subject;  // what it is about: a file path, "plan RTPLAN_1", "ROI PTV_70", ...
  std::string message;  // one sentence a physicist reads, e.g. "largest dose grid step 2.5 mm <= 10 mm"
  std::vector<Evidence> evidence;
  std::string rule;      // how it was judged, e.g. "max(row, column, slice spacing) <= 10 mm"
  std::string citation;  // policy id + section, e.g. "MC.CP.MP.69 Background"
};

// A finding from its parts (every module builds findings this way).
Finding make_finding(std::string_view id, Status status, Severity severity, std::string subject,
                     std::string message, std::string rule = {}, std::vector<Evidence> evidence = {});

const char* to_string(Status status);
const char* to_string(Severity severity);

// The level a finding counts as for `--fail-on`. fail: status fail or not_evaluable with
// severity error (a requirement that could not be verified because an input is unusable
// is as bad as one verified not met); warning: any other fail, or not_evaluable with
// severity warning; none: neither.
enum class FailLevel { none, warning, fail };
const char* to_string(FailLevel level);  // "", "warning", "fail"
FailLevel fail_level(const Finding& finding);

// Whether `finding` is at or above `threshold` (FailLevel::warning or FailLevel::fail).
bool counts_against(const Finding& finding, FailLevel threshold);
bool any_counts_against(const std::vector<Finding>& findings, FailLevel threshold);
// Parses a --fail-on value ("fail" or "warning"); nullopt for anything else.
std::optional<FailLevel> parse_fail_on(std::string_view text);

}  // namespace rtreview
