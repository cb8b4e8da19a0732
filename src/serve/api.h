// The JSON API behind the pages (README "Web front door"): each function maps a parsed
// request to a response by calling review/ (review_inputs), packet/ and render/; none
// reads DICOM, runs checks or evaluates policies itself.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rtreview/policy.h"
#include "rtreview/publish.h"
#include "serve/uploads.h"

namespace rtreview::serve {

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string download_name;  // sent as Content-Disposition attachment when not ""
};

ApiResponse json_error(int status, const std::string& message);

// What the API needs from the server's configuration.
struct ApiContext {
  std::filesystem::path ruleset_dir;
  std::vector<ValueSet> disease_sites;        // rulesets/disease-sites.xml, for ICD-10 hints
  std::set<std::string> lines_of_business;    // every ruleset's lines ("any" included)
  std::map<std::string, std::string> payers;  // payer key → payer name, from the rulesets
  SharedTables tables;                        // signer roles and procedure-code changes
};

// The plan sets found in an upload: patient, plan, technique, facts, findings; plus the
// uploaded case file (as case JSON) when there was one. Computed once per upload.
ApiResponse upload_listing(Upload& upload, const ApiContext& context);

// The form for a plan set and case (date of service, line of business, payer ...): per
// applicable policy, its criteria tree with the questions to assert, exclusions,
// documentation requirements with kinds / windows / signers, procedure codes and notes.
// Request: {"plan_set": id, "case": {...}}.
ApiResponse form_schema(Upload& upload, const nlohmann::json& request, const ApiContext& context);

// Determinations for the plan set with the case's answers, and the case file XML.
ApiResponse evaluate(Upload& upload, const nlohmann::json& request, const ApiContext& context);

// The case file the CLI reads (application/xml download).
ApiResponse case_file_download(const nlohmann::json& request);

// The review packet of the plan set in one format (download).
ApiResponse packet(Upload& upload, const nlohmann::json& request, OutputFormat format,
                   const ApiContext& context);

// Whether a requested procedure code is deleted / professional-only on the date of service
// (rulesets/procedure-code-changes.xml), with its replacement.
ApiResponse procedure_code(const std::string& code, const std::string& date_of_service,
                           const ApiContext& context);

// Whether `code` is an ICD-10-CM code the case file accepts, and the disease sites it maps to.
ApiResponse icd10(const std::string& code, const ApiContext& context);

}  // namespace rtreview::serve
