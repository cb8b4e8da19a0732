#include "serve/case_json.h"

#include <stdexcept>

namespace rtreview::serve {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

ojson signature_json(const Signature& s) {
  return ojson{{"name", s.name}, {"role", s.role}, {"date", s.date}};
}

ojson assertion_json(const Assertion& a) {
  return ojson{
      {"criterion", a.criterion}, {"present", a.present}, {"by", a.by}, {"role", a.role}, {"note", a.note}};
}

// Readers of optional keys: absent or null = default; a wrong type throws with the key's name.
std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return "";
  if (!j.at(key).is_string()) throw std::invalid_argument(std::string("\"") + key + "\" must be a string");
  return j.at(key).get<std::string>();
}

const json& array_at(const json& j, const char* key) {
  static const json empty = json::array();
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return empty;
  if (!j.at(key).is_array()) throw std::invalid_argument(std::string("\"") + key + "\" must be an array");
  return j.at(key);
}

std::optional<bool> opt_bool(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return std::nullopt;
  if (!j.at(key).is_boolean())
    throw std::invalid_argument(std::string("\"") + key + "\" must be true or false");
  return j.at(key).get<bool>();
}

std::optional<double> opt_number(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return std::nullopt;
  if (!j.at(key).is_number()) throw std::invalid_argument(std::string("\"") + key + "\" must be a number");
  return j.at(key).get<double>();
}

Signature signature_from(const json& j) { return Signature{str(j, "name"), str(j, "role"), str(j, "date")}; }

Assertion assertion_from(const json& j) {
  Assertion a;
  a.criterion = str(j, "criterion");
  a.present = opt_bool(j, "present").value_or(true);
  a.by = str(j, "by");
  a.role = str(j, "role");
  a.note = str(j, "note");
  return a;
}

void read_patient(const json& j, CaseFile& c) {
  if (!j.contains("patient") || j.at("patient").is_null()) return;
  const json& p = j.at("patient");
  if (!p.is_object()) throw std::invalid_argument("\"patient\" must be an object");
  c.patient_name = str(p, "name");
  c.patient_id = str(p, "id");
  c.member_id = str(p, "member_id");
  c.birth_date = str(p, "birth_date");
  c.sex = str(p, "sex");
  c.patient_age_years = opt_number(p, "age_years");
}

void read_lists(const json& j, CaseFile& c) {
  for (const auto& p : array_at(j, "physicians"))
    c.physicians.push_back({str(p, "role"), str(p, "name"), str(p, "npi"), 0});
  for (const auto& d : array_at(j, "diagnoses")) {
    if (!d.is_string()) throw std::invalid_argument("\"diagnoses\" must hold strings");
    if (!d.get<std::string>().empty()) c.diagnoses.push_back(d.get<std::string>());
  }
  for (const auto& p : array_at(j, "procedures")) {
    RequestedProcedure r;
    r.code = str(p, "code");
    for (const auto& m : array_at(p, "modifiers")) {
      if (!m.is_string()) throw std::invalid_argument("\"modifiers\" must hold strings");
      r.modifiers.push_back(m.get<std::string>());
    }
    // Checked before the int conversion: fuzzing sent 1e300.
    const double units = opt_number(p, "units").value_or(1);
    if (!RequestedProcedure::units_allowed(units))
      throw std::invalid_argument("\"units\" must be a whole number from " +
                                  std::to_string(RequestedProcedure::min_units) + " to " +
                                  std::to_string(RequestedProcedure::max_units));
    r.units = static_cast<int>(units);
    if (!r.code.empty()) c.procedures.push_back(r);
  }
  for (const auto& p : array_at(j, "prior_radiation"))
    c.prior_radiation.push_back({str(p, "region"), opt_number(p, "dose_gy"), str(p, "date"), 0});
  for (const auto& a : array_at(j, "indications")) c.indications.push_back(assertion_from(a));
  for (const auto& a : array_at(j, "exclusions")) c.exclusions.push_back(assertion_from(a));
  for (const auto& f : array_at(j, "facts")) c.facts.push_back({str(f, "name"), str(f, "value"), 0});
  for (const auto& d : array_at(j, "documents")) {
    SuppliedDocument doc;
    doc.kind = str(d, "kind");
    doc.loinc = str(d, "loinc");
    doc.date = str(d, "date");
    doc.title = str(d, "title");
    for (const auto& s : array_at(d, "signed_by")) doc.signed_by.push_back(signature_from(s));
    c.documents.push_back(doc);
  }
}

}  // namespace

ojson case_to_json(const CaseFile& c) {
  ojson physicians = ojson::array(), procedures = ojson::array(), prior = ojson::array(),
        ind = ojson::array(), exc = ojson::array(), facts = ojson::array(), docs = ojson::array();
  for (const auto& p : c.physicians)
    physicians.push_back({{"role", p.role}, {"name", p.name}, {"npi", p.npi}});
  for (const auto& p : c.procedures)
    procedures.push_back({{"code", p.code}, {"modifiers", p.modifiers}, {"units", p.units}});
  for (const auto& p : c.prior_radiation)
    prior.push_back(
        {{"region", p.region}, {"dose_gy", p.dose_gy ? ojson(*p.dose_gy) : ojson()}, {"date", p.date}});
  for (const auto& a : c.indications) ind.push_back(assertion_json(a));
  for (const auto& a : c.exclusions) exc.push_back(assertion_json(a));
  // Facts the reader derives from their own elements are not facts of the form (as the writer).
  for (const auto& f : c.facts)
    if (f.name != "rationale" && !(f.name == "post_operative" && c.post_operative) &&
        !(f.name == "prior_irradiation" && !c.prior_radiation.empty()))
      facts.push_back({{"name", f.name}, {"value", f.value}});
  for (const auto& d : c.documents) {
    ojson signers = ojson::array();
    for (const auto& s : d.signed_by) signers.push_back(signature_json(s));
    docs.push_back(
        {{"kind", d.kind}, {"loinc", d.loinc}, {"date", d.date}, {"title", d.title}, {"signed_by", signers}});
  }
  const char* mp = c.medicare_plan == MedicarePlan::advantage  ? "advantage"
                   : c.medicare_plan == MedicarePlan::original ? "original"
                                                               : "";
  return ojson{
      {"date_of_service", c.date_of_service},
      {"request_date", c.request_date},
      {"line_of_business", c.line_of_business},
      {"medicare_plan", mp},
      {"payer", c.payer},
      {"jurisdiction_state", c.jurisdiction_state},
      {"jurisdiction_mac", c.jurisdiction_mac},
      {"patient",
       {{"name", c.patient_name},
        {"id", c.patient_id},
        {"member_id", c.member_id},
        {"birth_date", c.birth_date},
        {"sex", c.sex},
        {"age_years", c.patient_age_years ? ojson(*c.patient_age_years) : ojson()}}},
      {"physicians", physicians},
      {"diagnoses", c.diagnoses},
      {"procedures", procedures},
      {"post_operative", c.post_operative ? ojson(*c.post_operative) : ojson()},
      {"prior_radiation", prior},
      {"indications", ind},
      {"exclusions", exc},
      {"exclusions_reviewed", c.exclusions_reviewed ? signature_json(*c.exclusions_reviewed) : ojson()},
      {"facts", facts},
      {"documents", docs},
      {"rationale", c.rationale}};
}

CaseFromJson case_from_json(const json& j) {
  CaseFromJson out;
  if (!j.is_object()) {
    out.error = "the case must be a JSON object";
    return out;
  }
  try {
    CaseFile& c = out.case_file;
    c.date_of_service = str(j, "date_of_service");
    c.request_date = str(j, "request_date");
    c.line_of_business = str(j, "line_of_business");
    std::string mp = str(j, "medicare_plan");
    c.medicare_plan = mp == "advantage"  ? MedicarePlan::advantage
                      : mp == "original" ? MedicarePlan::original
                                         : MedicarePlan::unknown;
    if (!mp.empty() && c.medicare_plan == MedicarePlan::unknown)
      throw std::invalid_argument("\"medicare_plan\" must be advantage, original or empty");
    c.payer = str(j, "payer");
    c.jurisdiction_state = str(j, "jurisdiction_state");
    c.jurisdiction_mac = str(j, "jurisdiction_mac");
    read_patient(j, c);
    read_lists(j, c);
    c.post_operative = opt_bool(j, "post_operative");
    if (j.contains("exclusions_reviewed") && j.at("exclusions_reviewed").is_object())
      c.exclusions_reviewed = signature_from(j.at("exclusions_reviewed"));
    c.rationale = str(j, "rationale");
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace rtreview::serve
