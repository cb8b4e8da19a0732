// The checks layer's enum names, kept apart from the checks: the PDF module
// (CMakeLists.txt, src/pdf) compiles this file into itself, since it does not link the
// program's libraries.
#include "rtreview/checks.h"

namespace rtreview {

const char* to_string(StructureCategory category) {
  switch (category) {
    case StructureCategory::gtv:
      return "GTV";
    case StructureCategory::ctv:
      return "CTV";
    case StructureCategory::itv:
      return "ITV";
    case StructureCategory::ptv:
      return "PTV";
    case StructureCategory::oar:
      return "OAR";
    case StructureCategory::external:
      return "external";
    case StructureCategory::support:
      return "support";
    case StructureCategory::avoidance:
      return "avoidance";
    case StructureCategory::control:
      return "control";
    case StructureCategory::marker:
      return "marker";
    case StructureCategory::isocenter:
      return "isocenter";
    case StructureCategory::brachy_channel:
      return "brachy_channel";
    case StructureCategory::other:
      break;
  }
  return "other";
}

}  // namespace rtreview
