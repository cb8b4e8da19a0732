// The case file as the web API's JSON (README "Web front door"): the same fields as
// policy.h's CaseFile, so a form's answers become the case file the CLI reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "rtreview/policy.h"

namespace rtreview::serve {

nlohmann::ordered_json case_to_json(const CaseFile& case_file);

// The case from the API's JSON; wrong types are an error naming the key ("" on success).
// Values (dates, codes, NPIs) are checked afterwards by the case-file reader itself.
struct CaseFromJson {
  CaseFile case_file;
  std::string error;
};
CaseFromJson case_from_json(const nlohmann::json& json);

}  // namespace rtreview::serve
