// Step 3: the form generated from the applicable rulesets' schema (api.h form_schema).
#include <map>
#include <set>

#include "rtreview/render.h"
#include "rtreview/text.h"
#include "serve/pages.h"

namespace rtreview::serve {
namespace {

using json = nlohmann::json;

struct FormState {
  const json& case_json;
  int next_id = 0;
  std::set<std::string> asked;  // criterion ids already asked (one question each)
  std::string id() { return "q" + std::to_string(next_id++); }
};

// The case's assertion of `criterion` ("POLICY:ID"), or null.
const json* assertion_of(const json& c, const char* list, const std::string& criterion) {
  std::string bare = criterion.substr(criterion.find(':') + 1);
  for (const auto& a : json_array(c, list))
    if (json_text(a, "criterion") == criterion || json_text(a, "criterion") == bare) return &a;
  return nullptr;
}

std::string question(const std::string& criterion, const std::string& text, const char* kind, FormState& st) {
  const json* a =
      assertion_of(st.case_json, kind == std::string("indication") ? "indications" : "exclusions", criterion);
  std::string state = !a ? "" : a->value("present", true) ? "yes" : "no";
  std::string id = st.id();
  std::string s = "<fieldset class=\"question assert\" data-criterion=\"" + esc(criterion) +
                  "\" data-kind=\"" + kind + "\"><legend><code>" + esc(criterion) + "</code> " + esc(text) +
                  "</legend>\n";
  const std::pair<const char*, const char*> choices[] = {
      {"", "not stated"},
      {"yes", kind == std::string("indication") ? "yes, documented" : "yes, applies"},
      {"no", "does not apply"}};
  for (const auto& [value, label] : choices)
    s += "<label><input type=\"radio\" name=\"" + id + "\" value=\"" + value + "\"" +
         (state == value ? " checked" : "") + "> " + label + "</label>\n";
  s += "<label for=\"" + id + "n\">note</label> <input type=\"text\" id=\"" + id +
       "n\" class=\"note\" size=\"50\" value=\"" + esc(a ? json_text(*a, "note") : "") + "\"></fieldset>\n";
  return s;
}

std::string node_html(const json& n, const char* kind, FormState& st, const std::string& parent_text) {
  std::string s = "<li><span class=\"node-meta\">" + esc(json_text(n, "outline_id")) + " " +
                  esc(json_text(n, "kind")) +
                  (n.contains("list") ? " (" + esc(json_text(n, "list")) + " list)" : "") +
                  "</span> <span class=\"node-text\">" + esc(json_text(n, "text")) + "</span>\n";
  for (const auto& sup : json_array(n, "supporting"))
    s += "<div class=\"support\">supporting evidence: <code>" + esc(json_text(sup, "check_id")) +
         "</code> <span class=\"badge b-" + esc(json_text(sup, "status")) + "\">" +
         esc(json_text(sup, "status")) + "</span> " + esc(json_text(sup, "message")) + "</div>\n";
  std::string criterion = json_text(n, "assert");
  if (!criterion.empty() && st.asked.insert(criterion).second)
    s += question(criterion, json_text(n, "text").empty() ? parent_text : json_text(n, "text"), kind, st);
  if (!json_array(n, "children").empty()) {
    s += "<ul>";
    for (const auto& c : json_array(n, "children")) s += node_html(c, kind, st, json_text(n, "text"));
    s += "</ul>";
  }
  return s + "</li>\n";
}

std::string patient_section(const json& c) {
  const json p = c.contains("patient") && c.at("patient").is_object() ? c.at("patient") : json::object();
  const json* ordering = nullptr;
  for (const auto& ph : json_array(c, "physicians"))
    if (json_text(ph, "role") == "ordering") ordering = &ph;
  const json* clinician = json_array(c, "indications").empty() ? nullptr : &json_array(c, "indications")[0];
  auto field = [](const std::string& id, const std::string& path, const std::string& label,
                  const std::string& value, const std::string& type = "text") {
    return "<div class=\"field\"><label for=\"" + id + "\">" + esc(label) + "</label> <input type=\"" + type +
           "\" id=\"" + id + "\" data-field=\"" + path + "\" value=\"" + esc(value) + "\"></div>\n";
  };
  std::string s = "<h2>Patient and request</h2>\n<div class=\"grid\"><div>\n";
  s += field("p-name", "patient.name", "Patient name (as on the request)", json_text(p, "name"));
  s += field("p-id", "patient.id", "Patient ID / MRN", json_text(p, "id"));
  s += field("p-birth", "patient.birth_date", "Birth date", json_text(p, "birth_date"), "date");
  s += field("p-sex", "patient.sex", "Sex (M, F, O)", json_text(p, "sex"));
  s += "</div><div>\n";
  s += field("req-date", "request_date", "Request date", json_text(c, "request_date"), "date");
  s += "<div class=\"field\"><label for=\"ord-name\">Ordering physician</label> <input id=\"ord-name\" "
       "value=\"" +
       esc(ordering ? json_text(*ordering, "name") : "") + "\"></div>\n";
  s += "<div class=\"field\"><label for=\"ord-npi\">Ordering physician NPI</label> <input id=\"ord-npi\" "
       "inputmode=\"numeric\" value=\"" +
       esc(ordering ? json_text(*ordering, "npi") : "") + "\"></div>\n";
  s += "<div class=\"field\"><label for=\"clin-name\">Answers asserted by</label> <input id=\"clin-name\" "
       "value=\"" +
       esc(clinician ? json_text(*clinician, "by") : "") + "\"></div>\n";
  s += "<div class=\"field\"><label for=\"clin-role\">Their role</label> <input id=\"clin-role\" value=\"" +
       esc(clinician && !json_text(*clinician, "role").empty() ? json_text(*clinician, "role")
                                                               : "radiation oncologist") +
       "\"></div>\n";
  return s + "</div></div>\n";
}

std::string codes_section(const json& c, const json& schema) {
  std::string s =
      "<h2>Diagnoses and requested codes</h2>\n<fieldset><legend>Diagnoses (ICD-10-CM)</legend>\n";
  std::vector<std::string> dx;
  for (const auto& d : json_array(c, "diagnoses"))
    if (d.is_string()) dx.push_back(d.get<std::string>());
  dx.resize(std::max<std::size_t>(dx.size() + 1, 3));
  for (std::size_t i = 0; i < dx.size(); ++i) {
    std::string id = "dx" + std::to_string(i);
    s += "<div class=\"field\"><label for=\"" + id + "\">Diagnosis " + std::to_string(i + 1) +
         "</label> <input id=\"" + id + "\" class=\"dx\" value=\"" + esc(dx[i]) +
         "\" size=\"9\" aria-describedby=\"" + id + "s\"> <span id=\"" + id +
         "s\" class=\"dx-status\" aria-live=\"polite\"></span></div>\n";
  }
  s += "</fieldset>\n<fieldset><legend>Requested procedure codes (CPT / HCPCS) and "
       "modifiers</legend>\n<datalist id=\"cpt\">";
  std::set<std::string> listed;
  for (const auto& p : json_array(schema, "policies"))
    for (const auto& code : json_array(p, "procedure_codes"))
      if (listed.insert(json_text(code, "code")).second)
        s += "<option value=\"" + esc(json_text(code, "code")) + "\">" + esc(json_text(code, "description")) +
             "</option>";
  s += "</datalist>\n";
  s += "<div class=\"field\"><label for=\"dos\">Date of service</label> <input type=\"date\" id=\"dos\" "
       "data-field=\"date_of_service\" value=\"" +
       esc(json_text(c, "date_of_service")) +
       "\" required> <span class=\"muted\">codes are checked for this date; the questions are those "
       "of the policies in effect on the date chosen in step 2</span></div>\n";
  json procs = json_array(c, "procedures");
  while (procs.size() < 6) procs.push_back(json::object());
  for (std::size_t i = 0; i < procs.size(); ++i) {
    std::string id = "cpt" + std::to_string(i), mods;
    for (const auto& m : json_array(procs[i], "modifiers"))
      mods += (mods.empty() ? "" : " ") + m.get<std::string>();
    s += "<div class=\"field proc row\"><label for=\"" + id + "\">Code " + std::to_string(i + 1) +
         "</label> <input id=\"" + id + "\" class=\"code\" list=\"cpt\" size=\"7\" aria-describedby=\"" + id +
         "s\" value=\"" + esc(json_text(procs[i], "code")) + "\"> <label for=\"" + id +
         "m\">modifiers</label> <input id=\"" + id + "m\" class=\"mods\" size=\"6\" value=\"" + esc(mods) +
         "\"> <span id=\"" + id + "s\" class=\"code-status\" aria-live=\"polite\"></span></div>\n";
  }
  std::set<std::string> notes;
  for (const auto& p : json_array(schema, "policies"))
    for (const auto& n : json_array(p, "code_notes")) notes.insert(n.get<std::string>());
  if (!notes.empty()) {
    s += "<ul class=\"compact code-notes\">";
    for (const auto& n : notes) s += "<li>" + esc(n) + "</li>";
    s += "</ul>\n";
  }
  return s + "</fieldset>\n";
}

// The fact names the rulesets' trees test, each with where ("POLICY outline-id").
void collect_facts(const json& n, const std::string& policy,
                   std::map<std::string, std::vector<std::string>>& out) {
  if (!json_text(n, "fact").empty())
    out[json_text(n, "fact")].push_back(policy + " " + json_text(n, "outline_id"));
  for (const auto& c : json_array(n, "children")) collect_facts(c, policy, out);
}

std::string tri_state(const std::string& id, const std::string& attrs, const json& value) {
  std::string v = value.is_boolean()  ? (value.get<bool>() ? "true" : "false")
                  : value.is_string() ? value.get<std::string>()
                                      : "";
  std::string s = "<select id=\"" + id + "\" " + attrs + ">";
  for (const auto& [option, label] :
       {std::pair<std::string, std::string>{"", "not stated"}, {"true", "yes"}, {"false", "no"}})
    s += "<option value=\"" + option + "\"" + (v == option ? " selected" : "") + ">" + label + "</option>";
  return s + "</select>";
}

// Prior radiation (<prior-radiation>), post-operative treatment and the case facts the
// applicable rulesets test; each names the criteria that read it.
std::string history_section(const json& c, const json& schema) {
  std::map<std::string, std::vector<std::string>> facts;
  for (const auto& p : json_array(schema, "policies")) {
    collect_facts(p["criteria"], json_text(p["policy"], "id"), facts);
    if (p["exclusions"].is_object()) collect_facts(p["exclusions"], json_text(p["policy"], "id"), facts);
  }
  auto used_by = [&](const std::string& fact) {
    std::string s;
    for (const auto& where : facts[fact]) s += (s.empty() ? "read by " : ", ") + where;
    return s.empty() ? s : " <span class=\"muted\">" + esc(s) + "</span>";
  };
  std::string s = "<h2>Clinical history</h2>\n<fieldset><legend>Prior radiation (region, dose, date)" +
                  used_by("prior_irradiation") + "</legend>\n";
  json prior = json_array(c, "prior_radiation");
  prior.push_back(json::object());
  for (std::size_t i = 0; i < prior.size(); ++i) {
    std::string id = "prior" + std::to_string(i);
    const json& dose = prior[i].contains("dose_gy") ? prior[i]["dose_gy"] : json();
    s += "<div class=\"row prior\"><label for=\"" + id + "r\">region</label> <input id=\"" + id +
         "r\" class=\"region\" value=\"" + esc(json_text(prior[i], "region")) + "\"> <label for=\"" + id +
         "g\">dose (Gy)</label> <input id=\"" + id +
         "g\" class=\"dose\" type=\"number\" min=\"0\" "
         "step=\"any\" size=\"6\" value=\"" +
         esc(dose.is_number() ? format_significant(dose.get<double>(), 9) : "") + "\"> <label for=\"" + id +
         "d\">date</label> <input id=\"" + id + "d\" class=\"date\" type=\"date\" value=\"" +
         esc(json_text(prior[i], "date")) + "\"></div>\n";
  }
  s += "</fieldset>\n<div class=\"field\"><label for=\"post-op\">Post-operative (tumour-bed) "
       "treatment</label> " +
       tri_state("post-op", "", c.contains("post_operative") ? c["post_operative"] : json()) +
       used_by("post_operative") + "</div>\n";
  for (const auto& [fact, where] : facts) {
    if (fact == "prior_irradiation" || fact == "post_operative" || fact == "rationale") continue;
    json value;
    for (const auto& f : json_array(c, "facts"))
      if (json_text(f, "name") == fact) value = json_text(f, "value");
    s += "<div class=\"field\"><label for=\"fact-" + esc(fact) + "\">Fact <code>" + esc(fact) +
         "</code></label> " +
         tri_state("fact-" + fact, "class=\"fact\" data-fact=\"" + esc(fact) + "\"", value) + used_by(fact) +
         "</div>\n";
  }
  return s;
}

// One row per required document kind (the first kind a requirement accepts), with its signers.
std::string documents_section(const json& c, const json& schema) {
  std::map<std::string, std::set<std::string>> kinds;  // kind → signer roles
  std::map<std::string, std::string> texts;
  for (const auto& p : json_array(schema, "policies"))
    for (const auto& d : json_array(p, "documentation"))
      for (const auto& t : json_array(d, "documents")) {
        if (json_array(t, "kinds").empty()) continue;
        std::string k = json_array(t, "kinds")[0].get<std::string>();
        for (const auto& r : json_array(t, "signer_roles")) kinds[k].insert(r.get<std::string>());
        if (!texts.count(k))
          texts[k] =
              json_text(p["policy"], "id") + " " + json_text(d, "outline_id") + ": " + json_text(d, "text");
      }
  std::string s = "<h2>Documents</h2>\n";
  int i = 0;
  for (const auto& [kind, roles] : kinds) {
    const json* have = nullptr;
    for (const auto& d : json_array(c, "documents"))
      if (json_text(d, "kind") == kind || json_text(d, "loinc") == kind) have = &d;
    std::string id = "doc" + std::to_string(i++);
    s += "<fieldset class=\"doc\" data-kind=\"" + esc(kind) + "\"><legend><code>" + esc(kind) +
         "</code></legend><p class=\"muted\">" + esc(texts[kind]) + "</p><div class=\"row\">\n";
    s += "<label><input type=\"checkbox\" class=\"supplied\"" + std::string(have ? " checked" : "") +
         "> supplied</label>\n";
    s += "<label for=\"" + id + "d\">date</label> <input type=\"date\" id=\"" + id +
         "d\" class=\"date\" value=\"" + esc(have ? json_text(*have, "date") : "") + "\">\n";
    s += "<label for=\"" + id + "t\">title</label> <input id=\"" + id + "t\" class=\"title\" value=\"" +
         esc(have ? json_text(*have, "title") : "") + "\">\n<input type=\"hidden\" class=\"loinc\" value=\"" +
         esc(have ? json_text(*have, "loinc") : "") + "\"></div>\n";
    std::set<std::string> all_roles = roles;
    if (have)
      for (const auto& sg : json_array(*have, "signed_by")) all_roles.insert(json_text(sg, "role"));
    int r = 0;
    for (const auto& role : all_roles) {
      const json* signer = nullptr;
      if (have)
        for (const auto& sg : json_array(*have, "signed_by"))
          if (json_text(sg, "role") == role) signer = &sg;
      std::string sid = id + "s" + std::to_string(r++);
      s += "<div class=\"row signer\" data-role=\"" + esc(role) + "\"><label for=\"" + sid +
           "\">signed by (" + esc(role) + ")</label> <input id=\"" + sid + "\" class=\"name\" value=\"" +
           esc(signer ? json_text(*signer, "name") : "") + "\"> <label for=\"" + sid +
           "d\">on</label> <input type=\"date\" id=\"" + sid + "d\" class=\"date\" value=\"" +
           esc(signer ? json_text(*signer, "date") : "") + "\"></div>\n";
    }
    s += "</fieldset>\n";
  }
  return s;
}

std::string policy_section(const json& p, FormState& st) {
  std::string id = json_text(p["policy"], "id");
  std::string s = "<section class=\"policy\" aria-labelledby=\"h-" + esc(id) + "\"><h2 id=\"h-" + esc(id) +
                  "\">" + esc(id) + " — " + esc(json_text(p["policy"], "title")) +
                  "</h2>\n<p class=\"muted\">" + esc(json_text(p["policy"], "payer")) + ", revision " +
                  esc(json_text(p["policy"], "revision_date")) + ". " + esc(json_text(p, "applies")) +
                  "</p>\n";
  if (!p.value("delivery_applies", true))
    s += "<p class=\"error\">" + esc(json_text(p, "delivery_reason")) + "</p>\n";
  s += "<h3>Criteria</h3>\n<ul class=\"tree\">" + node_html(p["criteria"], "indication", st, "") + "</ul>\n";
  if (p["exclusions"].is_object())
    s += "<h3>Exclusions</h3>\n<ul class=\"tree\">" + node_html(p["exclusions"], "exclusion", st, "") +
         "</ul>\n";
  return s + "</section>\n";
}

}  // namespace

std::string page_form(const std::string& upload_id, const json& request, const json& schema) {
  const json& c = request.at("case");
  const json& ps = schema.at("plan_set");
  std::string data = request.dump();
  for (std::size_t at = data.find("</"); at != std::string::npos; at = data.find("</", at))
    data.replace(at, 2, "<\\/");
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Case form — "
      "rtreview</title>\n"
      "<link rel=\"stylesheet\" href=\"/static/style.css\">\n<script src=\"/static/app.js\" "
      "defer></script>\n</head>\n"
      "<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><p class=\"muted\">rtreview · "
      "step 3 of 3</p>"
      "<h1>Case form: " +
      esc(json_text(ps, "label")) + "</h1>\n<p>" + esc(json_text(ps["patient"], "name")) + " · " +
      esc(json_text(ps["plan"], "technique")) + " · " + esc(json_text(c, "line_of_business")) + " " +
      esc(json_text(c, "medicare_plan")) + " · payer " +
      esc(json_text(c, "payer").empty() ? "any" : json_text(c, "payer")) + " · date of service " +
      esc(json_text(c, "date_of_service")) + " · <a href=\"/uploads/" + esc(upload_id) +
      "\">change</a></p></header>\n";
  s += "<script type=\"application/json\" id=\"request-data\" data-upload=\"" + esc(upload_id) + "\">" +
       data + "</script>\n";
  s += "<section id=\"live\" aria-labelledby=\"live-h\"><h2 id=\"live-h\">Determination</h2><div "
       "id=\"determination\" "
       "role=\"status\" aria-live=\"polite\">Not evaluated yet.</div></section>\n<main id=\"main\">\n<form "
       "id=\"case-form\">\n";
  for (const auto& w : json_array(schema, "warnings"))
    s += "<p class=\"error\">" + esc(w.get<std::string>()) + "</p>\n";
  if (json_array(schema, "policies").empty())
    s += "<p class=\"error\" role=\"alert\">No policy applies to this case.</p>\n";
  s += patient_section(c) + codes_section(c, schema) + history_section(c, schema);
  FormState st{c, 0, {}};
  for (const auto& p : json_array(schema, "policies")) s += policy_section(p, st);
  const json er = c.contains("exclusions_reviewed") && c.at("exclusions_reviewed").is_object()
                      ? c.at("exclusions_reviewed")
                      : json();
  s += "<h2>Exclusions reviewed</h2>\n<div class=\"row\"><label><input type=\"checkbox\" "
       "id=\"excl-reviewed\"" +
       std::string(er.is_object() ? " checked" : "") +
       "> none of the exclusions apply (attested by the clinician above)</label> "
       "<label for=\"excl-date\">on</label> <input type=\"date\" id=\"excl-date\" value=\"" +
       esc(json_text(er, "date")) + "\"></div>\n";
  s += documents_section(c, schema);
  s += "<h2>Rationale</h2>\n<label for=\"rationale\">Why this technique (free text)</label><br><textarea "
       "id=\"rationale\" rows=\"4\" cols=\"90\">" +
       esc(json_text(c, "rationale")) + "</textarea>\n</form>\n";
  s += "<h2>Downloads</h2>\n<form id=\"downloads\" method=\"post\" action=\"/api/uploads/" + esc(upload_id) +
       "/packet.html\"><input type=\"hidden\" name=\"request\" id=\"download-request\">\n<div class=\"row\">"
       "<button type=\"submit\" formaction=\"/api/uploads/" +
       esc(upload_id) +
       "/packet.html\">Packet (HTML)</button>"
       "<button type=\"submit\" formaction=\"/api/uploads/" +
       esc(upload_id) +
       "/packet.pdf\">Packet (PDF)</button>"
       "<button type=\"submit\" formaction=\"/api/uploads/" +
       esc(upload_id) +
       "/packet.json\">Packet (JSON)</button>"
       "<button type=\"submit\" class=\"secondary\" formaction=\"/api/uploads/" +
       esc(upload_id) +
       "/case.xml\" id=\"download-case\">Case file (XML)</button>"
       "</div></form>\n</main>\n</body>\n</html>\n";
  return s;
}

}  // namespace rtreview::serve
