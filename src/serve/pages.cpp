#include "serve/pages.h"

#include "rtreview/render.h"

namespace rtreview::serve {

std::string esc(const std::string& s) { return html_escape(s); }

std::string json_text(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : "";
}

const nlohmann::json& json_array(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  return j.is_object() && j.contains(key) && j.at(key).is_array() ? j.at(key) : empty;
}
namespace {

using json = nlohmann::json;

std::string head(const std::string& title, const std::string& step) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         esc(title) +
         " — rtreview</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
         "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n"
         "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><p "
         "class=\"muted\">rtreview " RTREVIEW_VERSION " · " +
         esc(step) + "</p><h1>" + esc(title) + "</h1></header>\n<main id=\"main\">\n";
}

const char* foot() { return "</main>\n</body>\n</html>\n"; }

std::string input(const std::string& id, const std::string& label, const std::string& value,
                  const std::string& type = "text", const std::string& extra = "") {
  return "<div class=\"field\"><label for=\"" + id + "\">" + esc(label) + "</label> <input type=\"" + type +
         "\" id=\"" + id + "\" name=\"" + id + "\" value=\"" + esc(value) + "\"" + extra + "></div>\n";
}

std::string options(const std::vector<std::pair<std::string, std::string>>& items,
                    const std::string& selected) {
  std::string s;
  for (const auto& [value, label] : items)
    s += "<option value=\"" + esc(value) + "\"" + (value == selected ? " selected" : "") + ">" + esc(label) +
         "</option>";
  return s;
}

}  // namespace

std::string page_css() {
  return std::string(packet_css()) + R"CSS(
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
.field { margin: 6px 0; } .field label { display: inline-block; min-width: 190px; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: 3px 6px; border: 1px solid #9aa0a6; border-radius: 4px; }
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #1a73e8; outline-offset: 1px; }
button { background: #1d1d1f; color: #fff; border-color: #1d1d1f; cursor: pointer; padding: 5px 12px; }
button.secondary { background: #fff; color: #1d1d1f; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
legend { font-weight: 600; padding: 0 4px; }
.drop { border: 2px dashed #9aa0a6; border-radius: 8px; padding: 28px; text-align: center; margin: 10px 0; }
.drop.over { border-color: #1a73e8; background: #eef4fe; }
progress { width: 100%; height: 14px; }
.error { color: var(--dnm); font-weight: 600; } .ok { color: var(--meets); }
.question { margin: 4px 0 8px; padding: 4px 8px; background: #fffbea; border-left: 3px solid #f9ab00; }
.question label { min-width: 0; margin-right: 12px; color: inherit; }
#live { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: 6px 0; z-index: 1; }
.row { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: baseline; }
)CSS";
}

std::string page_error(const std::string& message) {
  return head("Something went wrong", "error") + "<p class=\"error\" role=\"alert\">" + esc(message) +
         "</p>\n<p><a href=\"/\">Start again</a></p>\n" + foot();
}

std::string page_upload() {
  return head("Upload DICOM", "step 1 of 3") +
         R"HTML(<p>Upload a plan set: RT Plan, RT Structure Set and RT Dose files, as a folder, several files, or one zip archive. A case file (XML, as <code>rtreview case-template</code> prints) may be added: it pre-fills the form.</p>
<form id="upload-form" action="/api/uploads" method="post" enctype="multipart/form-data">
<div id="drop" class="drop" tabindex="0" aria-describedby="drop-help"><p id="drop-help">Drop files or a folder here, or choose them:</p>
<div class="field"><label for="files">Files or a zip</label> <input type="file" id="files" name="files" multiple></div>
<div class="field"><label for="folder">A folder</label> <input type="file" id="folder" name="files" webkitdirectory multiple></div>
</div>
<p><button type="submit" id="upload-button">Upload and read</button></p>
<progress id="progress" max="100" value="0" hidden aria-label="Upload progress"></progress>
<p id="upload-status" role="status" aria-live="polite"></p>
</form>
)HTML" + foot();
}

std::string page_plan_sets(const json& listing, const ApiContext& context) {
  std::string id = json_text(listing, "upload");
  json c = listing.contains("case") && listing.at("case").is_object() ? listing.at("case") : json::object();
  std::string s = head("Plan sets found", "step 2 of 3");
  if (listing.contains("case_error"))
    s += "<p class=\"error\" role=\"alert\">The uploaded case file was not used: " +
         esc(json_text(listing, "case_error")) + "</p>\n";
  s +=
      "<form method=\"get\" action=\"/uploads/" + esc(id) + "/form\">\n<fieldset><legend>Plan set</legend>\n";
  const json& sets = listing.at("plan_sets");
  if (sets.empty()) s += "<p class=\"error\" role=\"alert\">No RT plan set was found in the upload.</p>\n";
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const json& p = sets[i];
    std::string rid = "ps" + std::to_string(i);
    s += "<div class=\"card\"><input type=\"radio\" name=\"plan_set\" id=\"" + rid + "\" value=\"" +
         esc(json_text(p, "id")) + "\"" + (i == 0 ? " checked" : "") + "> <label for=\"" + rid +
         "\"><strong>" + esc(json_text(p, "label")) + "</strong></label>\n<dl>";
    s += "<dt>Patient</dt><dd>" + esc(json_text(p["patient"], "name")) + " (" +
         esc(json_text(p["patient"], "id")) + ")</dd>";
    s += "<dt>Plan</dt><dd>" + esc(json_text(p["plan"], "label")) + " " + esc(json_text(p["plan"], "name")) +
         "</dd>";
    s += "<dt>Technique</dt><dd class=\"technique\">" + esc(json_text(p["plan"], "technique")) +
         (p["plan"].value("technique_is_imrt", false) ? " (IMRT)" : " (not IMRT)") + "</dd>";
    s += "<dt>Failing findings</dt><dd>" + std::to_string(p.value("failing_findings", 0)) + "</dd></dl>\n";
    s += "<details><summary>Findings</summary><ul class=\"compact\">";
    for (const auto& f : p["findings"])
      s += "<li><span class=\"badge b-" + esc(json_text(f, "status")) + "\">" + esc(json_text(f, "status")) +
           "</span> <code>" + esc(json_text(f, "id")) + "</code> " + esc(json_text(f, "message")) + "</li>";
    s += "</ul></details></div>\n";
  }
  s += "</fieldset>\n<fieldset><legend>Case</legend>\n";
  std::vector<std::pair<std::string, std::string>> lobs;
  for (const auto& l : context.lines_of_business)
    if (l != "any") lobs.push_back({l, l});
  s += "<div class=\"field\"><label for=\"line_of_business\">Line of business</label> <select "
       "id=\"line_of_business\" "
       "name=\"line_of_business\">" +
       options(lobs,
               json_text(c, "line_of_business").empty() ? "medicare" : json_text(c, "line_of_business")) +
       "</select></div>\n";
  s += "<div class=\"field\"><label for=\"medicare_plan\">Medicare plan</label> <select id=\"medicare_plan\" "
       "name=\"medicare_plan\">" +
       options({{"", "not stated"}, {"advantage", "Medicare Advantage"}, {"original", "Original Medicare"}},
               json_text(c, "medicare_plan")) +
       "</select></div>\n";
  std::vector<std::pair<std::string, std::string>> payers = {{"", "any payer (every policy that applies)"}};
  for (const auto& [key, name] : context.payers) payers.push_back({key, name});
  s += "<div class=\"field\"><label for=\"payer\">Payer</label> <select id=\"payer\" name=\"payer\">" +
       options(payers, json_text(c, "payer")) + "</select></div>\n";
  s += input("state", "Jurisdiction (state, e.g. FL)", json_text(c, "jurisdiction_state"), "text",
             " maxlength=\"2\" size=\"3\"");
  s += input("date_of_service", "Date of service", json_text(c, "date_of_service"), "date", " required");
  s += "</fieldset>\n<p><button type=\"submit\" id=\"to-form\">Continue to the form</button></p>\n</form>\n";
  return s + foot();
}

json form_request(const std::multimap<std::string, std::string>& params, const json& listing) {
  auto param = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  json c = listing.contains("case") && listing.at("case").is_object() ? listing.at("case") : json::object();
  c["line_of_business"] = param("line_of_business");
  c["medicare_plan"] = c["line_of_business"] == "medicare" ? param("medicare_plan") : "";
  c["payer"] = param("payer");
  c["jurisdiction_state"] = param("state");
  c["date_of_service"] = param("date_of_service");
  std::string plan_set = param("plan_set");
  if (plan_set.empty() && listing.at("plan_sets").size() == 1)
    plan_set = json_text(listing.at("plan_sets")[0], "id");
  return json{{"plan_set", plan_set}, {"case", c}};
}

}  // namespace rtreview::serve
