#include "rtreview/model.h"

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

const char* fail_level(const Finding& finding) {
  if (finding.status == Status::fail) return finding.severity == Severity::error ? "fail" : "warning";
  if (finding.status == Status::not_evaluable && finding.severity != Severity::info) return "warning";
  return "";
}

}  // namespace rtreview
