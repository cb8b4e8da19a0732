// CaseFile → case-file XML (rulesets/README.md "Case file"): what the web form downloads.
// parse_case_file(case_file_xml(c)) reads back the same facts, and writing that again gives
// the same bytes, so a downloaded case file evaluates in the CLI exactly as on the page.
#include <sstream>

#include "policy/xml_support.h"
#include "rtreview/policy.h"

namespace rtreview {
namespace {

using namespace policy_detail;

void attr(pugi::xml_node el, const char* name, const std::string& value) {
  if (!value.empty()) el.append_attribute(name) = value.c_str();
}

void text_element(pugi::xml_node parent, const char* name, const std::string& value) {
  if (!value.empty()) parent.append_child(name).text() = value.c_str();
}

// Shortest decimal that reads back as the same double (ages and doses are short numbers).
std::string number_text(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

void signature(pugi::xml_node el, const Signature& s) {
  attr(el, "name", s.name);
  attr(el, "role", s.role);
  attr(el, "date", s.date);
}

void assertion(pugi::xml_node root, const char* name, const Assertion& a) {
  auto el = root.append_child(name);
  attr(el, "criterion", a.criterion);
  if (!a.present) el.append_attribute("present") = "false";
  attr(el, "by", a.by);
  attr(el, "role", a.role);
  if (!a.note.empty()) el.text() = a.note.c_str();
}

void patient(pugi::xml_node root, const CaseFile& c) {
  if (c.patient_name.empty() && c.patient_id.empty() && c.member_id.empty() && c.birth_date.empty() &&
      c.sex.empty() && !c.patient_age_years)
    return;
  auto el = root.append_child("patient");
  attr(el, "name", c.patient_name);
  attr(el, "id", c.patient_id);
  attr(el, "member-id", c.member_id);
  if (c.patient_age_years) attr(el, "age", number_text(*c.patient_age_years));
  attr(el, "birth-date", c.birth_date);
  attr(el, "sex", c.sex);
}

void codes(pugi::xml_node root, const CaseFile& c) {
  for (const auto& d : c.diagnoses) attr(root.append_child("diagnosis"), "code", d);
  for (const auto& p : c.procedures) {
    auto el = root.append_child("procedure");
    attr(el, "code", p.code);
    attr(el, "modifiers", join(p.modifiers, " "));
    if (p.units != 1) attr(el, "units", std::to_string(p.units));
  }
}

void documents(pugi::xml_node root, const CaseFile& c) {
  for (const auto& d : c.documents) {
    auto el = root.append_child("document");
    attr(el, "kind", d.kind);
    attr(el, "loinc", d.loinc);
    attr(el, "date", d.date);
    attr(el, "title", d.title);
    for (const auto& s : d.signed_by) signature(el.append_child("signed-by"), s);
  }
}

}  // namespace

std::string case_file_xml(const CaseFile& c) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("case");
  root.append_attribute("version") = "1";
  text_element(root, "date-of-service", c.date_of_service);
  text_element(root, "request-date", c.request_date);
  text_element(root, "line-of-business", c.line_of_business);
  if (c.medicare_plan != MedicarePlan::unknown)
    text_element(root, "medicare-plan",
                 c.medicare_plan == MedicarePlan::advantage ? "advantage" : "original");
  text_element(root, "payer", c.payer);
  if (!c.jurisdiction_state.empty() || !c.jurisdiction_mac.empty()) {
    auto el = root.append_child("jurisdiction");
    attr(el, "state", c.jurisdiction_state);
    attr(el, "mac", c.jurisdiction_mac);
  }
  patient(root, c);
  for (const auto& p : c.physicians) {
    auto el = root.append_child("physician");
    attr(el, "role", p.role);
    attr(el, "name", p.name);
    attr(el, "npi", p.npi);
  }
  codes(root, c);
  if (c.post_operative) text_element(root, "post-operative", *c.post_operative ? "true" : "false");
  for (const auto& p : c.prior_radiation) {
    auto el = root.append_child("prior-radiation");
    attr(el, "region", p.region);
    if (p.dose_gy) attr(el, "dose-gy", number_text(*p.dose_gy));
    attr(el, "date", p.date);
  }
  if (c.unedited_template) root.append_child("unedited-template");
  for (const auto& a : c.indications) assertion(root, "indication", a);
  for (const auto& a : c.exclusions) assertion(root, "exclusion", a);
  if (c.exclusions_reviewed) signature(root.append_child("exclusions-reviewed"), *c.exclusions_reviewed);
  // The reader derives rationale / post_operative / prior_irradiation facts from their
  // elements: writing them too would duplicate them on the next read.
  for (const auto& f : c.facts) {
    if (f.name == "rationale" || (f.name == "post_operative" && c.post_operative) ||
        (f.name == "prior_irradiation" && !c.prior_radiation.empty()))
      continue;
    auto el = root.append_child("fact");
    attr(el, "name", f.name);
    attr(el, "value", f.value);
  }
  documents(root, c);
  text_element(root, "rationale", c.rationale);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace rtreview
