// Server-rendered pages of the web front door: upload → plan sets and case basics →
// generated form with live determination and downloads. Plain HTML with labels and
// fieldsets (keyboard- and screen-reader-friendly), the packet's stylesheet, and one
// small script of the project's own (/static/app.js); nothing loaded from the network.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "serve/api.h"

namespace rtreview::serve {

std::string page_upload();
std::string page_error(const std::string& message);
// Step 2: the plan sets found (listing JSON of upload_listing) and the case basics.
std::string page_plan_sets(const nlohmann::json& listing, const ApiContext& context);
// Step 3: the form generated from the schema (form_schema), pre-filled from request["case"].
std::string page_form(const std::string& upload_id, const nlohmann::json& request,
                      const nlohmann::json& schema);
// The form request {"plan_set", "case"} from step 2's query: the uploaded case (if any)
// with the chosen basics over it.
nlohmann::json form_request(const std::multimap<std::string, std::string>& params,
                            const nlohmann::json& listing);

// Shared by the page renderers: HTML-escaped text, and lenient readers of the API's JSON
// (a missing or mistyped key reads as "" / an empty array; the API validated it already).
std::string esc(const std::string& s);
std::string json_text(const nlohmann::json& j, const char* key);
const nlohmann::json& json_array(const nlohmann::json& j, const char* key);

const char* app_js();
std::string page_css();

}  // namespace rtreview::serve
