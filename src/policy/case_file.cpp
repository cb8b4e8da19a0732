// Reading case files: the clinical facts DICOM cannot hold (format: rulesets/README.md).
#include <algorithm>
#include <cstdlib>

#include "policy/xml_support.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

const std::vector<std::string>& known_case_facts() {
  static const std::vector<std::string> facts = {
      "solid_tumor",           // the cancer is a solid tumour
      "medically_inoperable",  // documented as medically inoperable
      "prior_irradiation",     // the region (or an adjacent one) was irradiated before
      "compensator_based",     // IMRT delivered with compensators (else taken from DICOM)
      "palliative",            // palliative intent
      "rationale",             // a rationale is given (set automatically from <rationale>)
  };
  return facts;
}

namespace {

bool read_signature(const XmlSource& src, pugi::xml_node el, Signature& s, LoadResult& r) {
  s.name = trim(el.attribute("name").value());
  if (s.name.empty()) s.name = trim(el.attribute("by").value());
  s.role = lower(trim(el.attribute("role").value()));
  s.date = trim(el.attribute("date").value());
  if (s.role.empty()) {
    r = fail(src, el, "<" + std::string(el.name()) + "> without role");
    return false;
  }
  if (!s.date.empty() && !is_iso_date(s.date)) {
    r = fail(src, el, "bad date '" + s.date + "' (expected YYYY-MM-DD)");
    return false;
  }
  return true;
}

bool read_assertion(const XmlSource& src, pugi::xml_node el, Assertion& a, LoadResult& r) {
  a.criterion = trim(el.attribute("criterion").value());
  if (a.criterion.empty()) {
    r = fail(src, el, "<" + std::string(el.name()) + "> without criterion id");
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

LoadResult read_case(const XmlSource& src, pugi::xml_node root, CaseFile& c) {
  LoadResult r;
  if (std::string(root.name()) != "case")
    return fail(src, root, "root element must be <case>, found <" + std::string(root.name()) + ">");
  c.file = src.label();
  bool have_dos = false;
  for (auto el : root.children()) {
    if (el.type() != pugi::node_element) continue;
    std::string name = el.name();
    if (name == "date-of-service") {
      c.date_of_service = trim(el.child_value());
      if (!is_iso_date(c.date_of_service))
        return fail(src, el, "bad date of service '" + c.date_of_service + "' (expected YYYY-MM-DD)");
      have_dos = true;
    } else if (name == "line-of-business") {
      c.line_of_business = lower(trim(el.child_value()));
      if (c.line_of_business.empty()) return fail(src, el, "empty <line-of-business>");
    } else if (name == "payer") {
      c.payer = lower(trim(el.child_value()));
    } else if (name == "patient") {
      if (auto a = el.attribute("age")) {
        std::string text = trim(a.value());
        char* end = nullptr;
        double age = text.empty() ? -1 : std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || age < 0 || age > 130)
          return fail(src, el, "bad age '" + std::string(a.value()) + "'");
        c.patient_age_years = age;
      }
      c.birth_date = trim(el.attribute("birth-date").value());
      if (!c.birth_date.empty() && !is_iso_date(c.birth_date))
        return fail(src, el, "bad birth-date '" + c.birth_date + "' (expected YYYY-MM-DD)");
      c.sex = trim(el.attribute("sex").value());
    } else if (name == "diagnosis") {
      std::string code = trim(el.attribute("code").value());
      std::string n = normalize_code(code);
      if (n.size() < 3 || !std::isalpha(static_cast<unsigned char>(n[0])) ||
          !std::all_of(n.begin(), n.end(),
                       [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); }))
        return fail(src, el, "bad ICD-10-CM code '" + code + "'");
      c.diagnoses.push_back(code);
    } else if (name == "procedure") {
      std::string code = normalize_code(el.attribute("code").value());
      if (code.size() != 5)
        return fail(src, el,
                    "bad procedure code '" + std::string(el.attribute("code").value()) +
                        "' (expected 5 characters, e.g. 77301)");
      c.procedure_codes.push_back(code);
    } else if (name == "indication" || name == "exclusion") {
      Assertion a;
      if (!read_assertion(src, el, a, r)) return r;
      (name == "indication" ? c.indications : c.exclusions).push_back(std::move(a));
    } else if (name == "exclusions-reviewed") {
      Signature s;
      if (!read_signature(src, el, s, r)) return r;
      c.exclusions_reviewed = s;
    } else if (name == "fact") {
      CaseFact f{trim(el.attribute("name").value()), lower(trim(el.attribute("value").as_string("true"))),
                 src.line_of(el)};
      const auto& known = known_case_facts();
      if (std::find(known.begin(), known.end(), f.name) == known.end())
        return fail(src, el, "unknown fact '" + f.name + "'");
      c.facts.push_back(std::move(f));
    } else if (name == "document") {
      SuppliedDocument d;
      d.kind = lower(trim(el.attribute("kind").value()));
      d.loinc = trim(el.attribute("loinc").value());
      d.date = trim(el.attribute("date").value());
      d.title = trim(el.attribute("title").value());
      d.line = src.line_of(el);
      if (d.kind.empty() && d.loinc.empty()) return fail(src, el, "<document> needs kind or loinc");
      if (!is_iso_date(d.date))
        return fail(src, el, "document date '" + d.date + "' missing or bad (expected YYYY-MM-DD)");
      for (auto s : el.children()) {
        if (s.type() != pugi::node_element) continue;
        if (std::string(s.name()) != "signed-by")
          return fail(src, s,
                      "unknown element <" + std::string(s.name()) + "> in <document> (expected <signed-by>)");
        Signature sig;
        if (!read_signature(src, s, sig, r)) return r;
        d.signed_by.push_back(std::move(sig));
      }
      c.documents.push_back(std::move(d));
    } else if (name == "rationale") {
      c.rationale = trim(el.child_value());
    } else {
      return fail(src, el, "unknown element <" + name + "> in <case>");
    }
  }
  if (!have_dos) return fail(src, root, "missing <date-of-service>");
  if (c.line_of_business.empty()) return fail(src, root, "missing <line-of-business>");
  if (!c.rationale.empty()) c.facts.push_back({"rationale", "true", 0});
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
      {"patient", {"age", "birth-date", "sex"}},
      {"diagnosis", {"code"}},
      {"procedure", {"code"}},
      {"indication", {"criterion", "present", "by", "role"}},
      {"exclusion", {"criterion", "present", "by", "role"}},
      {"exclusions-reviewed", {"by", "name", "role", "date"}},
      {"fact", {"name", "value"}},
      {"document", {"kind", "loinc", "date", "title"}},
      {"signed-by", {"name", "role", "date"}},
  };
  if (!check_attributes(src, doc.document_element(), allowed, out.result)) return out;
  out.result = read_case(src, doc.document_element(), out.case_file);
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
<!-- rtreview case file: the clinical facts a DICOM plan cannot hold.
     Format: rulesets/README.md, section "Case file". Dates are YYYY-MM-DD.
     Delete what does not apply; unknown elements are an error (with file and line). -->
<case version="1">
  <!-- required: the (first) date of service; documents' time windows count back from it -->
  <date-of-service>2026-03-02</date-of-service>
  <!-- required: medicare | commercial | medicaid | marketplace | fep | sao ... (chooses policies) -->
  <line-of-business>medicare</line-of-business>
  <!-- optional payer key (centene, kaiser-wa, florida-blue, medicare-fl): restricts automatic policy choice -->
  <payer>centene</payer>
  <!-- age in years and/or birth date; when absent, the age comes from the DICOM PatientBirthDate -->
  <patient age="67" birth-date="1958-06-14" sex="M"/>
  <!-- ICD-10-CM codes, dots optional; every one is scanned (Z51.0 first is fine) -->
  <diagnosis code="Z51.0"/>
  <diagnosis code="C61"/>
  <!-- CPT / HCPCS codes requested (checked against the date of service) -->
  <procedure code="77301"/>
  <procedure code="77412"/>
  <!-- indications asserted by criterion outline id (see the policy's ruleset); present="false" denies one.
       Prefix with the policy id to target one policy only: criterion="MC.CP.MP.69:I.A.4" -->
  <indication criterion="I.A.4" by="Dr. A. Example" role="radiation oncologist">rectum and bladder abut the PTV</indication>
  <!-- exclusions: assert one that applies (present="true"), deny one (present="false"),
       or attest that none applies with <exclusions-reviewed> -->
  <exclusion criterion="II.B" present="false" by="Dr. A. Example" role="radiation oncologist"/>
  <exclusions-reviewed by="Dr. A. Example" role="radiation oncologist" date="2026-02-20"/>
  <!-- facts: solid_tumor, medically_inoperable, prior_irradiation, compensator_based, palliative -->
  <fact name="solid_tumor" value="true"/>
  <!-- documents supplied: kind and/or LOINC code, date, signatures with roles -->
  <document kind="imrt-need-statement" date="2026-02-20" title="Statement of need for IMRT">
    <signed-by name="Dr. A. Example" role="radiation oncologist" date="2026-02-20"/>
  </document>
  <document kind="dosimetric-verification" date="2026-02-27">
    <signed-by name="Dr. A. Example" role="radiation oncologist" date="2026-02-27"/>
    <signed-by name="B. Physicist" role="medical physicist" date="2026-02-27"/>
  </document>
  <document kind="history-and-physical" loinc="28626-0" date="2026-01-15">
    <signed-by name="Dr. C. Example" role="attending physician"/>
  </document>
  <!-- free text: why IMRT rather than 3D-CRT (supports "documented rationale" criteria) -->
  <rationale>3D-CRT cannot meet rectal V70 &lt; 20% with the PTV abutting the anterior rectal wall.</rationale>
</case>
)";
}

}  // namespace rtreview
