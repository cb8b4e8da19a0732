// Reading case files: the clinical facts DICOM cannot hold (format: rulesets/README.md).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "policy/xml_support.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

const std::vector<std::string>& known_case_facts() {
  static const std::vector<std::string> facts = {
      "solid_tumor",           // the cancer is a solid tumour (else derived from the diagnoses)
      "medically_inoperable",  // documented as medically inoperable
      "prior_irradiation",     // the region (or an adjacent one) was irradiated before (<prior-radiation>)
      "post_operative",        // post-operative (tumour-bed) treatment: no GTV by nature (<post-operative>)
      "compensator_based",     // IMRT delivered with compensators (else taken from DICOM)
      "rationale",             // a rationale is given (set automatically from <rationale>)
  };
  return facts;
}

namespace {

// ICD-10-CM chapter 2 categories that exist (C00-D49); a well-formed code outside them is
// warned about, never silently treated as "no site". C27-C29, C35-C36, C42, C59, C87, C89
// and C97-C99 do not exist.
bool known_neoplasm_category(const std::string& code) {
  if (code.size() < 3) return false;
  std::string cat = code.substr(0, 3);
  if (cat[0] == 'D') return cat >= "D00" && cat <= "D49";
  if (cat[0] != 'C') return true;  // other chapters: not ours to judge
  static const char* missing[] = {"C27", "C28", "C29", "C35", "C36", "C42",
                                  "C59", "C87", "C89", "C97", "C98", "C99"};
  if (cat == "C7A" || cat == "C7B" || cat == "C4A") return true;
  if (!std::isdigit(static_cast<unsigned char>(cat[2]))) return false;
  return std::none_of(std::begin(missing), std::end(missing), [&](const char* m) { return cat == m; });
}

// NPI: 10 digits, Luhn check digit over "80840" + the first nine digits.
bool is_valid_npi(const std::string& npi) {
  if (npi.size() != 10 || !std::all_of(npi.begin(), npi.end(),
                                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  std::string digits = "80840" + npi.substr(0, 9);
  int sum = 0;
  bool twice = true;  // from the right, starting with the digit left of the check digit
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return (10 - sum % 10) % 10 == npi[9] - '0';
}

const std::vector<std::string>& known_roles_fallback() {
  static const std::vector<std::string> roles = {
      "attending physician",  "dosimetrist",         "medical oncologist", "medical physicist",
      "nurse practitioner",   "oncologist",          "physician",          "physician assistant",
      "radiation oncologist", "radiation therapist", "registered nurse",   "surgeon",
      "treating physician"};
  return roles;
}

// The roles a signature may carry: those of rulesets/signer-roles.xml (default folder).
const std::vector<std::string>& known_roles() {
  static const std::vector<std::string> roles = [] {
    auto loaded = load_shared_tables(default_ruleset_dir());
    std::vector<std::string> out;
    for (const auto& r : loaded.tables.roles) out.push_back(r.role);
    std::sort(out.begin(), out.end());
    return out.empty() ? known_roles_fallback() : out;
  }();
  return roles;
}

bool read_signature(const XmlSource& src, pugi::xml_node el, Signature& s, Result& r) {
  s.name = trim(el.attribute("name").value());
  if (s.name.empty()) s.name = trim(el.attribute("by").value());
  s.role = lower(trim(el.attribute("role").value()));
  s.date = trim(el.attribute("date").value());
  if (s.role.empty()) {
    r = fail(src, el, "<" + std::string(el.name()) + "> without role", ErrorCode::missing);
    return false;
  }
  const auto& roles = known_roles();
  if (std::find(roles.begin(), roles.end(), s.role) == roles.end()) {
    r = fail(src, el, "unknown role '" + s.role + "' (known: " + join_nonempty(roles, ", ") + ")",
             ErrorCode::unknown_reference);
    return false;
  }
  if (!s.date.empty() && !is_iso_date(s.date)) {
    r = fail(src, el, "bad date '" + s.date + "' (expected YYYY-MM-DD, a real calendar day)",
             ErrorCode::bad_date);
    return false;
  }
  return true;
}

bool read_assertion(const XmlSource& src, pugi::xml_node el, Assertion& a, Result& r) {
  a.criterion = trim(el.attribute("criterion").value());
  if (a.criterion.empty()) {
    r = fail(src, el, "<" + std::string(el.name()) + "> without criterion id", ErrorCode::missing);
    return false;
  }
  std::string present = lower(el.attribute("present").as_string("true"));
  if (present != "true" && present != "false") {
    r = fail(src, el, "present must be true or false");
    return false;
  }
  a.present = present == "true";
  a.by = trim(el.attribute("by").value());
  a.role = lower(trim(el.attribute("role").value()));
  a.note = trim(el.child_value());
  a.line = src.line_of(el);
  return true;
}

// A date element or attribute: "" allowed when optional; else a real YYYY-MM-DD day.
bool read_date(const XmlSource& src, pugi::xml_node el, const std::string& what, const std::string& value,
               bool required, Result& r) {
  if (value.empty() && !required) return true;
  if (is_iso_date(value)) return true;
  r = fail(src, el, "bad " + what + " '" + value + "' (expected YYYY-MM-DD, a real calendar day)",
           ErrorCode::bad_date);
  return false;
}

bool read_patient(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  if (auto a = el.attribute("age")) {
    std::string text = trim(a.value());
    char* end = nullptr;
    double age = text.empty() ? -1 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || age < 0 || age > 130) {
      r = fail(src, el, "bad age '" + std::string(a.value()) + "'");
      return false;
    }
    c.patient_age_years = age;
  }
  c.birth_date = trim(el.attribute("birth-date").value());
  if (!read_date(src, el, "birth-date", c.birth_date, false, r)) return false;
  c.sex = trim(el.attribute("sex").value());
  c.patient_name = trim(el.attribute("name").value());
  c.patient_id = trim(el.attribute("id").value());
  c.member_id = trim(el.attribute("member-id").value());
  return true;
}

bool read_procedure(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  RequestedProcedure p;
  p.line = src.line_of(el);
  std::string written = trim(el.attribute("code").value());
  auto parts = split_list(written, '-');  // "77301-26" = code and modifier
  std::string code = parts.empty() ? "" : normalize_code(parts[0]);
  if (code.size() != 5 || !std::all_of(code.begin(), code.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch));
      })) {
    r = fail(src, el, "bad procedure code '" + written + "' (expected 5 characters, e.g. 77301 or 77301-26)");
    return false;
  }
  p.code = code;
  std::vector<std::string> mods(parts.begin() + 1, parts.end());
  for (const auto& m : split_list(el.attribute("modifiers").value(), ' ')) mods.push_back(m);
  for (auto& m : mods) {
    m = normalize_code(m);
    if (m.size() != 2) {
      r = fail(src, el, "bad modifier '" + m + "' (expected two characters, e.g. 26, 59, XU)");
      return false;
    }
    p.modifiers.push_back(m);
  }
  if (auto u = el.attribute("units")) {
    std::string text = trim(u.value());
    // Digits only (no sign, point or exponent); more than 9 could not be allowed anyway.
    const bool digits = !text.empty() && text.size() <= 9 &&
                        std::all_of(text.begin(), text.end(),
                                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    const int units = digits ? std::stoi(text) : 0;
    if (!digits || !RequestedProcedure::units_allowed(units)) {
      r = fail(src, el,
               "bad units '" + text + "' (expected a whole number from " +
                   std::to_string(RequestedProcedure::min_units) + " to " +
                   std::to_string(RequestedProcedure::max_units) + ")");
      return false;
    }
    p.units = units;
  }
  c.procedure_codes.push_back(p.code);
  c.procedures.push_back(std::move(p));
  return true;
}

bool read_physician(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  Physician p{lower(trim(el.attribute("role").value())), trim(el.attribute("name").value()),
              trim(el.attribute("npi").value()), src.line_of(el)};
  static const std::vector<std::string> roles = {"ordering", "rendering", "supervising", "referring",
                                                 "attending"};
  if (std::find(roles.begin(), roles.end(), p.role) == roles.end()) {
    r = fail(src, el, "unknown physician role '" + p.role + "' (known: " + join_nonempty(roles, ", ") + ")");
    return false;
  }
  if (!p.npi.empty() && !is_valid_npi(p.npi)) {
    r = fail(src, el, "bad NPI '" + p.npi + "' (10 digits with a valid check digit)");
    return false;
  }
  c.physicians.push_back(std::move(p));
  return true;
}

bool read_prior_radiation(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  PriorRadiation p;
  p.line = src.line_of(el);
  p.region = trim(el.attribute("region").value());
  p.date = trim(el.attribute("date").value());
  if (!read_date(src, el, "prior radiation date", p.date, false, r)) return false;
  if (auto d = el.attribute("dose-gy")) {
    std::string text = trim(d.value());
    char* end = nullptr;
    double gy = text.empty() ? -1 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || gy <= 0 || gy > 200) {
      r = fail(src, el, "bad dose-gy '" + text + "'");
      return false;
    }
    p.dose_gy = gy;
  }
  c.prior_radiation.push_back(std::move(p));
  return true;
}

bool read_document(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  SuppliedDocument d;
  d.kind = lower(trim(el.attribute("kind").value()));
  d.loinc = trim(el.attribute("loinc").value());
  d.date = trim(el.attribute("date").value());
  d.title = trim(el.attribute("title").value());
  d.line = src.line_of(el);
  const auto& kinds = known_document_kinds();
  if (d.kind.empty() && d.loinc.empty()) {
    r = fail(src, el, "<document> needs kind or loinc (known kinds: " + join_nonempty(kinds, ", ") + ")",
             ErrorCode::missing);
    return false;
  }
  for (const auto& k : {d.kind, d.loinc})
    if (!k.empty() && std::find(kinds.begin(), kinds.end(), lower(k)) == kinds.end()) {
      r = fail(src, el, "unknown document kind '" + k + "' (known: " + join_nonempty(kinds, ", ") + ")",
               ErrorCode::unknown_reference);
      return false;
    }
  if (!read_date(src, el, "document date", d.date, true, r)) return false;
  for (auto s : el.children()) {
    if (s.type() != pugi::node_element) continue;
    if (std::string(s.name()) != "signed-by") {
      r = fail(src, s, "unknown element <" + std::string(s.name()) + "> in <document> (expected <signed-by>)",
               ErrorCode::unknown_element);
      return false;
    }
    Signature sig;
    if (!read_signature(src, s, sig, r)) return false;
    d.signed_by.push_back(std::move(sig));
  }
  c.documents.push_back(std::move(d));
  return true;
}

bool read_bool(const XmlSource& src, pugi::xml_node el, std::optional<bool>& out, Result& r) {
  std::string v = lower(trim(el.child_value()));
  if (v.empty()) v = "true";
  if (v != "true" && v != "false") {
    r = fail(src, el, "<" + std::string(el.name()) + "> must be true or false");
    return false;
  }
  out = v == "true";
  return true;
}

// <line-of-business> medicare | commercial | ...; "medicare-advantage" and "original-medicare"
// set the Medicare plan too.
bool read_line_of_business(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  c.line_of_business = lower(trim(el.child_value()));
  if (c.line_of_business == "medicare-advantage") {
    c.line_of_business = "medicare";
    c.medicare_plan = MedicarePlan::advantage;
  } else if (c.line_of_business == "original-medicare") {
    c.line_of_business = "medicare";
    c.medicare_plan = MedicarePlan::original;
  }
  if (c.line_of_business.empty()) {
    r = fail(src, el, "empty <line-of-business>", ErrorCode::missing);
    return false;
  }
  return true;
}

bool read_medicare_plan(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  std::string v = lower(trim(el.child_value()));
  if (v == "advantage" || v == "medicare-advantage")
    c.medicare_plan = MedicarePlan::advantage;
  else if (v == "original" || v == "original-medicare" || v == "fee-for-service")
    c.medicare_plan = MedicarePlan::original;
  else {
    r = fail(src, el, "bad <medicare-plan> '" + v + "' (expected advantage or original)");
    return false;
  }
  return true;
}

bool read_jurisdiction(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r) {
  std::string st = trim(el.attribute("state").value());
  for (char& ch : st) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (st.size() != 2 || !std::isalpha(static_cast<unsigned char>(st[0])) ||
      !std::isalpha(static_cast<unsigned char>(st[1]))) {
    r = fail(src, el, "bad jurisdiction state '" + st + "' (expected a two-letter state code, e.g. FL)");
    return false;
  }
  c.jurisdiction_state = st;
  c.jurisdiction_mac = trim(el.attribute("mac").value());
  return true;
}

bool read_diagnosis(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r,
                    std::vector<LoadWarning>& warnings) {
  std::string code = trim(el.attribute("code").value());
  if (!is_icd10cm_shape(code)) {
    r = fail(
        src, el,
        "bad ICD-10-CM code '" + code +
            "' (expected a letter, two digits, then optionally a dot and up to 4 characters, e.g. C34.11)");
    return false;
  }
  if (!known_neoplasm_category(normalize_code(code)))
    warnings.push_back({src.label(), src.line_of(el),
                        "diagnosis code '" + code + "' is well formed but its category " +
                            normalize_code(code).substr(0, 3) +
                            " is not in ICD-10-CM chapter 2: no disease site can be derived from it"});
  c.diagnoses.push_back(code);
  c.diagnosis_lines.push_back(src.line_of(el));
  return true;
}

// One child element of <case>; false and `r` on an error.
bool read_element(const XmlSource& src, pugi::xml_node el, CaseFile& c, Result& r,
                  std::vector<LoadWarning>& warnings, bool& have_dos) {
  const std::string name = el.name();
  if (name == "date-of-service") {
    c.date_of_service = trim(el.child_value());
    have_dos = true;
    return read_date(src, el, "date of service", c.date_of_service, true, r);
  }
  if (name == "request-date") {
    c.request_date = trim(el.child_value());
    return read_date(src, el, "request date", c.request_date, true, r);
  }
  if (name == "line-of-business") return read_line_of_business(src, el, c, r);
  if (name == "medicare-plan") return read_medicare_plan(src, el, c, r);
  if (name == "jurisdiction") return read_jurisdiction(src, el, c, r);
  if (name == "payer") {
    c.payer = lower(trim(el.child_value()));
    return true;
  }
  if (name == "patient") return read_patient(src, el, c, r);
  if (name == "physician") return read_physician(src, el, c, r);
  if (name == "diagnosis") return read_diagnosis(src, el, c, r, warnings);
  if (name == "procedure") return read_procedure(src, el, c, r);
  if (name == "post-operative") return read_bool(src, el, c.post_operative, r);
  if (name == "prior-radiation") return read_prior_radiation(src, el, c, r);
  if (name == "unedited-template") {
    c.unedited_template = true;
    return true;
  }
  if (name == "indication" || name == "exclusion") {
    Assertion a;
    if (!read_assertion(src, el, a, r)) return false;
    (name == "indication" ? c.indications : c.exclusions).push_back(std::move(a));
    return true;
  }
  if (name == "exclusions-reviewed") {
    Signature s;
    if (!read_signature(src, el, s, r)) return false;
    if (!s.date.empty() && !read_date(src, el, "date", s.date, true, r)) return false;
    c.exclusions_reviewed = s;
    return true;
  }
  if (name == "fact") {
    CaseFact f{trim(el.attribute("name").value()), lower(trim(el.attribute("value").as_string("true"))),
               src.line_of(el)};
    const auto& known = known_case_facts();
    if (std::find(known.begin(), known.end(), f.name) == known.end()) {
      r = fail(src, el, "unknown fact '" + f.name + "' (known: " + join_nonempty(known, ", ") + ")",
               ErrorCode::unknown_reference);
      return false;
    }
    c.facts.push_back(std::move(f));
    return true;
  }
  if (name == "document") return read_document(src, el, c, r);
  if (name == "rationale") {
    c.rationale = trim(el.child_value());
    return true;
  }
  r = fail(src, el, "unknown element <" + name + "> in <case>", ErrorCode::unknown_element);
  return false;
}

Result read_case(const XmlSource& src, pugi::xml_node root, CaseFile& c, std::vector<LoadWarning>& warnings) {
  Result r;
  if (std::string(root.name()) != "case")
    return fail(src, root, "root element must be <case>, found <" + std::string(root.name()) + ">",
                ErrorCode::unknown_element);
  c.file = src.label();
  bool have_dos = false;
  for (auto el : root.children()) {
    if (el.type() != pugi::node_element) continue;
    if (!read_element(src, el, c, r, warnings, have_dos)) return r;
  }
  if (!have_dos) return fail(src, root, "missing <date-of-service>", ErrorCode::missing);
  if (c.line_of_business.empty()) return fail(src, root, "missing <line-of-business>", ErrorCode::missing);
  if (c.medicare_plan != MedicarePlan::unknown && c.line_of_business != "medicare")
    return fail(src, root, "<medicare-plan> given but the line of business is '" + c.line_of_business + "'");
  if (!c.request_date.empty() && c.request_date > c.date_of_service)
    warnings.push_back(
        {src.label(), 0,
         "request date " + c.request_date + " is after the date of service " + c.date_of_service});
  if (!c.rationale.empty()) c.facts.push_back({"rationale", "true", 0});
  if (c.post_operative) c.facts.push_back({"post_operative", *c.post_operative ? "true" : "false", 0});
  if (!c.prior_radiation.empty())
    c.facts.push_back({"prior_irradiation", "true", c.prior_radiation.front().line});
  return r;
}

}  // namespace

CaseFileLoad parse_case_file(std::string_view xml, const std::string& file_label) {
  CaseFileLoad out;
  XmlSource src(std::string(xml), file_label);
  pugi::xml_document doc;
  if (!src.parse(doc, out.result)) return out;
  static const std::vector<std::pair<std::string, std::vector<std::string>>> allowed = {
      {"case", {"version"}},
      {"date-of-service", {}},
      {"line-of-business", {}},
      {"payer", {}},
      {"rationale", {}},
      {"patient", {"age", "birth-date", "sex", "name", "id", "member-id"}},
      {"request-date", {}},
      {"medicare-plan", {}},
      {"jurisdiction", {"state", "mac"}},
      {"physician", {"role", "name", "npi"}},
      {"post-operative", {}},
      {"prior-radiation", {"region", "dose-gy", "date"}},
      {"unedited-template", {}},
      {"diagnosis", {"code"}},
      {"procedure", {"code", "modifiers", "units"}},
      {"indication", {"criterion", "present", "by", "role"}},
      {"exclusion", {"criterion", "present", "by", "role"}},
      {"exclusions-reviewed", {"by", "name", "role", "date"}},
      {"fact", {"name", "value"}},
      {"document", {"kind", "loinc", "date", "title"}},
      {"signed-by", {"name", "role", "date"}},
  };
  if (!check_attributes(src, doc.document_element(), allowed, out.result)) return out;
  out.result = read_case(src, doc.document_element(), out.case_file, out.warnings);
  if (!out.result) out.case_file = CaseFile{};
  return out;
}

CaseFileLoad load_case_file(const std::filesystem::path& file) {
  CaseFileLoad out;
  std::string text;
  if (!read_text_file(file, text, out.result)) return out;
  return parse_case_file(text, file.string());
}

std::string case_file_template() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- rtreview case file TEMPLATE: the clinical facts a DICOM plan cannot hold.
     This template is internally consistent: ONE example patient (a Centene Medicare Advantage
     member in Florida with prostate cancer, C61, treated with IMRT in 2026), and every element
     below describes that same patient. It is NOT your patient: it carries <unedited-template/>,
     so any review with it is never MEETS, and its patient name / ID / birth date will not match
     your DICOM. Replace every value, then delete <unedited-template/>.
     Format: rulesets/README.md, section "Case file". Dates are YYYY-MM-DD (real calendar days).
     Unknown elements, attributes, criterion ids, document kinds and roles are errors (file:line). -->
<case version="1">
  <unedited-template/>
  <!-- required: the (first) date of service; most documents' time windows count back from it -->
  <date-of-service>2026-03-02</date-of-service>
  <!-- the date of the prior-authorization request (windows that count back from the request) -->
  <request-date>2026-02-25</request-date>
  <!-- required: medicare | commercial | medicaid | marketplace | fep | sao (chooses policies) -->
  <line-of-business>medicare</line-of-business>
  <!-- Medicare only: advantage | original (Centene, Kaiser and Florida Blue Medicare policies are
       for Medicare Advantage members; an LCD applies to both) -->
  <medicare-plan>advantage</medicare-plan>
  <!-- state (and MAC) of the service: an LCD applies only in its jurisdiction (LCD-IMRT-FL: FL) -->
  <jurisdiction state="FL" mac="First Coast Service Options"/>
  <!-- optional payer key (centene, kaiser-wa, florida-blue): restricts automatic policy choice;
       an LCD (LCD-IMRT-FL) binds every Medicare payer in its jurisdiction -->
  <payer>centene</payer>
  <!-- compared with the DICOM PatientName / PatientID / PatientBirthDate: a mismatch is shown first -->
  <patient name="EXAMPLE^PATIENT" id="MRN-EXAMPLE" member-id="U0000000000" birth-date="1958-06-14" sex="M"/>
  <!-- ordering | rendering | supervising | referring | attending; NPI: 10 digits with a valid check digit -->
  <physician role="ordering" name="Dr. A. Example" npi="1234567893"/>
  <!-- ICD-10-CM codes, dots optional; every one is scanned (Z51.0 first is fine) -->
  <diagnosis code="Z51.0"/>
  <diagnosis code="C61"/>
  <!-- CPT / HCPCS codes requested, with modifiers (77301-26 or modifiers="26") and units -->
  <procedure code="77301" units="1"/>
  <procedure code="77412" units="28"/>
  <!-- true for a post-operative (tumour-bed) plan: no GTV by nature -->
  <post-operative>false</post-operative>
  <!-- one element per prior course: sets the prior-irradiation fact (re-irradiation criteria).
       This example patient had none:
  <prior-radiation region="pelvis" dose-gy="45" date="2019-05-01"/> -->
  <!-- indications asserted by criterion outline id (the policy's ruleset); present="false" denies one.
       Prefix the policy id to target one policy: criterion="MC.CP.MP.69:I.A.4" -->
  <indication criterion="MC.CP.MP.69:I.A.4" by="Dr. A. Example" role="radiation oncologist">rectum and bladder abut the PTV</indication>
  <!-- exclusions: assert one that applies, deny one (present="false"), or attest that none applies -->
  <exclusion criterion="MC.CP.MP.69:II.B" present="false" by="Dr. A. Example" role="radiation oncologist"/>
  <exclusions-reviewed by="Dr. A. Example" role="radiation oncologist" date="2026-02-20"/>
  <!-- facts: solid_tumor (else derived from the codes), medically_inoperable, prior_irradiation,
       post_operative, compensator_based (else from the DICOM) -->
  <fact name="medically_inoperable" value="false"/>
  <!-- documents supplied: kind (and/or LOINC code), date, signatures with roles and dates -->
  <document kind="imrt-need-statement" date="2026-02-20" title="Statement of need for IMRT">
    <signed-by name="Dr. A. Example" role="radiation oncologist" date="2026-02-20"/>
  </document>
  <document kind="dosimetric-verification" date="2026-02-27">
    <signed-by name="Dr. A. Example" role="radiation oncologist" date="2026-02-27"/>
    <signed-by name="B. Physicist" role="medical physicist" date="2026-02-27"/>
  </document>
  <document kind="history-and-physical" loinc="28626-0" date="2026-01-15">
    <signed-by name="Dr. C. Example" role="attending physician" date="2026-01-15"/>
  </document>
  <!-- free text: why IMRT rather than 3D-CRT (supports "documented rationale" criteria) -->
  <rationale>3D-CRT cannot meet rectal V70 &lt; 20% with the PTV abutting the anterior rectal wall.</rationale>
</case>
)";
}

}  // namespace rtreview
