// Three-valued (Kleene) evaluation of one policy against a case file, the technical
// findings and the DICOM-derived facts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "policy/xml_support.h"
#include "rtreview/check_ids.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

const char* to_string(Truth truth) {
  switch (truth) {
    case Truth::met:
      return "met";
    case Truth::not_met:
      return "not met";
    case Truth::unknown:
      return "unknown";
  }
  return "unknown";
}

const char* to_string(Origin origin) {
  switch (origin) {
    case Origin::dicom_check:
      return "dicom_check";
    case Origin::case_file:
      return "case_file";
    case Origin::derived:
      return "derived";
    case Origin::none:
      return "none";
  }
  return "none";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::meets:
      return "MEETS";
    case Outcome::does_not_meet:
      return "DOES NOT MEET";
    case Outcome::insufficient_documentation:
      return "INSUFFICIENT DOCUMENTATION";
  }
  return "INSUFFICIENT DOCUMENTATION";
}

namespace {

// ---------------------------------------------------------------- dates

struct Ymd {
  int y = 0, m = 0, d = 0;
};

std::optional<Ymd> parse_date(std::string_view s) {
  std::string digits;
  for (char c : s)
    if (c != '-') digits += c;
  if (digits.size() != 8 || !std::all_of(digits.begin(), digits.end(),
                                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  Ymd v{std::stoi(digits.substr(0, 4)), std::stoi(digits.substr(4, 2)), std::stoi(digits.substr(6, 2))};
  if (v.m < 1 || v.m > 12 || v.d < 1 || v.d > 31) return std::nullopt;
  return v;
}

std::string format_date(const Ymd& v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.y, v.m, v.d);
  return buf;
}

// The same day `months` earlier (clamped to the month's last day).
Ymd months_before(Ymd v, int months) {
  int total = v.y * 12 + (v.m - 1) - months;
  v.y = total / 12;
  v.m = total % 12 + 1;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = days[v.m - 1] + ((v.m == 2 && ((v.y % 4 == 0 && v.y % 100 != 0) || v.y % 400 == 0)) ? 1 : 0);
  v.d = std::min(v.d, last);
  return v;
}

int full_years(const Ymd& birth, const Ymd& at) {
  int years = at.y - birth.y;
  if (at.m < birth.m || (at.m == birth.m && at.d < birth.d)) --years;
  return years;
}

std::string fmt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) {
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A signer role satisfies a required role if equal, or if it is one of its aliases.
bool role_satisfies(const std::string& have, const std::string& need) {
  if (have == need) return true;
  static const std::map<std::string, std::vector<std::string>> aliases = {
      {"treating physician",
       {"radiation oncologist", "oncologist", "medical oncologist", "attending physician", "physician"}},
      {"physician",
       {"radiation oncologist", "oncologist", "medical oncologist", "attending physician",
        "treating physician"}},
      {"oncologist", {"medical oncologist"}},
      {"attending physician",
       {"radiation oncologist", "oncologist", "medical oncologist", "treating physician"}},
  };
  auto it = aliases.find(need);
  return it != aliases.end() && contains(it->second, have);
}

// ---------------------------------------------------------------- evaluator

Truth all_of(const std::vector<Truth>& v) {
  bool unknown = false;
  for (Truth t : v) {
    if (t == Truth::not_met) return Truth::not_met;
    if (t == Truth::unknown) unknown = true;
  }
  return unknown ? Truth::unknown : Truth::met;
}

Truth any_of(const std::vector<Truth>& v) {
  bool unknown = false;
  for (Truth t : v) {
    if (t == Truth::met) return Truth::met;
    if (t == Truth::unknown) unknown = true;
  }
  return unknown ? Truth::unknown : Truth::not_met;
}

Truth negate(Truth t) {
  return t == Truth::met ? Truth::not_met : t == Truth::not_met ? Truth::met : Truth::unknown;
}

struct DocumentJudgement {
  bool supplied = false;
  std::string date, window;
  std::vector<std::string> signed_by, missing_signers;
};

class Evaluator {
 public:
  Evaluator(const Ruleset& rs, const CaseFile& c, const std::vector<Finding>& findings,
            const DicomFacts& dicom)
      : rs_(rs), case_(c), dicom_(dicom) {
    for (const auto& f : findings) findings_[f.id].push_back(&f);
  }

  bool in_exclusions = false;
  std::vector<DocumentJudgement> last_documents;  // document tests seen in the last item

  EvaluatedNode eval(const RuleNode& n) {
    EvaluatedNode e;
    e.outline_id = n.outline_id;
    e.text = n.text;
    e.kind = n.kind;
    e.at_least = n.at_least;
    e.citation = n.citation;
    for (const auto& id : n.support_check_ids) e.supporting.push_back(support(id));
    if (n.kind == "all" || n.kind == "any" || n.kind == "none" || n.kind == "at-least" ||
        n.kind == "criterion") {
      std::vector<Truth> results;
      for (const auto& c : n.children) {
        e.children.push_back(eval(c));
        results.push_back(e.children.back().result);
      }
      combine(e, results);
      return e;
    }
    leaf(n, e);
    return e;
  }

 private:
  void combine(EvaluatedNode& e, const std::vector<Truth>& r) {
    if (e.kind == "all" || e.kind == "criterion")
      e.result = all_of(r);
    else if (e.kind == "any")
      e.result = any_of(r);
    else if (e.kind == "none")
      e.result = negate(any_of(r));
    else {  // at-least n
      int met = static_cast<int>(std::count(r.begin(), r.end(), Truth::met));
      int unknown = static_cast<int>(std::count(r.begin(), r.end(), Truth::unknown));
      e.result = met >= e.at_least            ? Truth::met
                 : met + unknown < e.at_least ? Truth::not_met
                                              : Truth::unknown;
    }
    if (e.kind == "criterion") {
      // A criterion's evidence is its tests' evidence; its origin theirs if they agree.
      std::vector<std::string> ev;
      std::set<Origin> origins;
      for (const auto& c : e.children) {
        ev.push_back(c.evidence);
        origins.insert(c.origin);
      }
      e.evidence = join(ev, "; ");
      e.origin = origins.size() == 1 ? *origins.begin() : Origin::derived;
    } else if (e.outline_id.empty()) {
      // An anonymous combination inside a criterion: the evidence of the children that decided.
      std::vector<std::string> ev;
      for (const auto& c : e.children)
        if (c.result == e.result) ev.push_back(c.evidence);
      if (ev.empty())
        for (const auto& c : e.children) ev.push_back(c.evidence);
      e.evidence = join(ev, "; ");
      std::set<Origin> origins;
      for (const auto& c : e.children) origins.insert(c.origin);
      e.origin = origins.size() == 1 ? *origins.begin() : Origin::derived;
    } else {
      int met = 0, not_met = 0, unknown = 0;
      for (Truth t : r) (t == Truth::met ? met : t == Truth::not_met ? not_met : unknown)++;
      e.evidence = std::to_string(met) + " met, " + std::to_string(not_met) + " not met, " +
                   std::to_string(unknown) + " unknown";
      e.origin = Origin::derived;
    }
  }

  SupportingEvidence support(const std::string& id) {
    SupportingEvidence s;
    s.check_id = id;
    auto it = findings_.find(id);
    if (it == findings_.end()) {
      s.status = Status::not_evaluable;
      s.message = "no " + id + " finding (check not run on these inputs)";
      return s;
    }
    const Finding& f = *it->second.front();
    s.status = f.status;
    s.message = f.message;
    s.evidence = f.evidence;
    return s;
  }

  void leaf(const RuleNode& n, EvaluatedNode& e) {
    if (n.kind == "check")
      check(n, e);
    else if (n.kind == "fact")
      fact(n, e);
    else if (n.kind == "diagnosis")
      diagnosis(n, e);
    else if (n.kind == "age")
      age(n, e);
    else if (n.kind == "document")
      document(n, e);
    else if (n.kind == "asserted")
      asserted(n, e);
    else if (n.kind == "line-of-business")
      line_of_business(n, e);
    else {  // manual
      e.result = Truth::unknown;
      e.origin = Origin::none;
      e.evidence = n.text.empty() ? "manual review required" : "manual review required: " + n.text;
    }
    if (e.text.empty()) e.text = describe(n);
  }

  static std::string describe(const RuleNode& n) {
    if (n.kind == "check") return "technical check " + n.check_id + " is " + n.check_status;
    if (n.kind == "fact") return "case fact " + n.fact + " = " + n.fact_value;
    if (n.kind == "diagnosis") return "a diagnosis in value set '" + n.value_set + "'";
    if (n.kind == "age") return "age " + n.age_op + " " + fmt_number(n.age_years) + " years";
    if (n.kind == "document") {
      std::string s = "document " + join(n.document_kinds, " or ");
      if (n.window_months > 0)
        s += " within " + std::to_string(n.window_months) + " months before the date of service";
      if (!n.signer_roles.empty()) s += ", signed by " + join(n.signer_roles, " and ");
      return s;
    }
    if (n.kind == "asserted") return "asserted in the case file: " + n.asserted_id;
    if (n.kind == "line-of-business")
      return std::string("line of business ") + (n.negate ? "not in " : "in ") + join(n.lines, ", ");
    return n.kind;
  }

  void check(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::dicom_check;
    auto it = findings_.find(n.check_id);
    if (it == findings_.end()) {
      e.result = Truth::unknown;
      e.evidence = "no " + n.check_id + " finding: the check was not run or could not run on these inputs";
      return;
    }
    auto accepted = split_list(n.check_status, ' ');
    bool all_accepted = true, any_fail = false;
    std::vector<std::string> messages;
    for (const Finding* f : it->second) {
      std::string st = to_string(f->status);
      if (!contains(accepted, st)) all_accepted = false;
      if (f->status == Status::fail && !contains(accepted, "fail")) any_fail = true;
      messages.push_back(n.check_id + " " + st + (f->message.empty() ? "" : ": " + f->message));
    }
    e.result = all_accepted ? Truth::met : any_fail ? Truth::not_met : Truth::unknown;
    e.evidence = join(messages, "; ");
  }

  std::optional<std::string> fact_value(const std::string& name, Origin& origin) const {
    for (auto it = case_.facts.rbegin(); it != case_.facts.rend(); ++it)
      if (it->name == name) {
        origin = Origin::case_file;
        return it->value;
      }
    if (name == "compensator_based" && dicom_.compensator_based) {
      origin = Origin::derived;
      return *dicom_.compensator_based ? "true" : "false";
    }
    return std::nullopt;
  }

  void fact(const RuleNode& n, EvaluatedNode& e) {
    Origin origin = Origin::none;
    auto v = fact_value(n.fact, origin);
    e.origin = origin;
    if (!v) {
      e.result = Truth::unknown;
      e.evidence = "fact '" + n.fact + "' not given in the case file";
      return;
    }
    e.result = *v == n.fact_value ? Truth::met : Truth::not_met;
    e.evidence =
        n.fact + " = " + *v + (origin == Origin::derived ? " (from the DICOM plan)" : " (case file)");
  }

  void diagnosis(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::case_file;
    const ValueSet* vs = nullptr;
    for (const auto& v : rs_.value_sets)
      if (v.id == n.value_set) vs = &v;
    if (!vs) {
      e.result = Truth::unknown;
      e.evidence = "value set '" + n.value_set + "' not defined";
      return;
    }
    if (case_.diagnoses.empty()) {
      e.result = Truth::unknown;
      e.evidence = "no diagnosis in the case file";
      return;
    }
    std::vector<std::string> hits;
    for (const auto& d : case_.diagnoses)
      if (vs->contains(d)) hits.push_back(d);
    std::string label = vs->label.empty() ? vs->id : vs->label;
    if (hits.empty()) {
      e.result = Truth::not_met;
      e.evidence = "none of " + join(case_.diagnoses, ", ") + " is in " + label;
    } else {
      e.result = Truth::met;
      e.evidence = join(hits, ", ") + " in " + label;
    }
  }

  void age(const RuleNode& n, EvaluatedNode& e) {
    const PatientAge patient = patient_age(case_, dicom_.patient_birth_date);
    e.origin = patient.origin;
    if (!patient.years) {
      e.result = Truth::unknown;
      e.evidence = "patient age unknown: no age or birth date in the case file or DICOM";
      return;
    }
    const std::string source = to_string(patient.source);
    const std::optional<double>& years = patient.years;
    double a = *years, limit = n.age_years;
    bool ok = n.age_op == "lt"   ? a < limit
              : n.age_op == "le" ? a <= limit
              : n.age_op == "gt" ? a > limit
                                 : a >= limit;
    e.result = ok ? Truth::met : Truth::not_met;
    e.evidence = "age " + fmt_number(a) + " years (" + source + ")";
  }

  void document(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::case_file;
    DocumentJudgement j;
    auto dos = parse_date(case_.date_of_service);
    std::string from;
    if (n.window_months > 0 && dos) {
      from = format_date(months_before(*dos, n.window_months));
      j.window = from + " .. " + case_.date_of_service + " (" + std::to_string(n.window_months) + " months)";
    }
    const SuppliedDocument* best = nullptr;
    int best_score = 0;
    std::string best_problem = "not supplied";
    for (const auto& d : case_.documents) {
      if (!contains(n.document_kinds, d.kind) && !contains(n.document_kinds, lower(d.loinc))) continue;
      j.supplied = true;
      std::vector<std::string> problems;
      if (!from.empty() && (d.date < from || d.date > case_.date_of_service))
        problems.push_back("dated " + d.date + ", outside " + j.window);
      else if (d.date > case_.date_of_service && n.window_months > 0)
        problems.push_back("dated after the date of service");
      std::vector<std::string> missing;
      for (const auto& role : n.signer_roles) {
        bool signed_ok = std::any_of(d.signed_by.begin(), d.signed_by.end(),
                                     [&](const Signature& s) { return role_satisfies(s.role, role); });
        if (!signed_ok) missing.push_back(role);
      }
      if (!missing.empty()) problems.push_back("not signed by " + join(missing, " and "));
      // Report the closest candidate: a missing signer weighs more than a stale date.
      int score = 2 * static_cast<int>(missing.size()) + (problems.size() > missing.size() ? 1 : 0);
      if (!best || score < best_score) {
        best = &d;
        best_score = score;
        best_problem = join(problems, "; ");
        j.missing_signers = missing;
      }
      if (problems.empty()) break;
    }
    if (best) {
      j.date = best->date;
      for (const auto& s : best->signed_by)
        j.signed_by.push_back(s.name.empty() ? s.role : s.name + " (" + s.role + ")");
    }
    std::string what = best
                           ? (best->title.empty() ? (best->kind.empty() ? "LOINC " + best->loinc : best->kind)
                                                  : best->title) +
                                 " dated " + best->date
                           : join(n.document_kinds, " / ");
    if (best && best_problem.empty()) {
      e.result = Truth::met;
      e.evidence = what + (j.signed_by.empty() ? "" : ", signed by " + join(j.signed_by, ", "));
    } else {
      e.result = Truth::unknown;  // a missing or inadequate document is a documentation gap
      e.evidence = best ? what + ": " + best_problem : what + ": not supplied";
    }
    last_documents.push_back(std::move(j));
  }

  const Assertion* find_assertion(const std::vector<Assertion>& list, const std::string& id) const {
    const Assertion* plain = nullptr;
    for (const auto& a : list) {
      if (a.criterion == rs_.header.id + ":" + id) return &a;
      if (a.criterion == id && !plain) plain = &a;
    }
    return plain;
  }

  void asserted(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::case_file;
    const auto& list = in_exclusions ? case_.exclusions : case_.indications;
    const Assertion* a = find_assertion(list, n.asserted_id);
    if (a) {
      e.result = a->present ? Truth::met : Truth::not_met;
      std::string who = a->by.empty() ? a->role : a->by + (a->role.empty() ? "" : " (" + a->role + ")");
      e.evidence = std::string(a->present ? "asserted" : "denied") + (who.empty() ? "" : " by " + who) +
                   (a->note.empty() ? "" : ": " + a->note) + " [" +
                   std::filesystem::path(case_.file).filename().string() + ":" + std::to_string(a->line) +
                   "]";
      return;
    }
    if (!in_exclusions) {
      // An indication the submission does not claim is not met (payers need it documented).
      e.result = Truth::not_met;
      e.evidence = "not asserted in the case file";
    } else if (case_.exclusions_reviewed) {
      const auto& s = *case_.exclusions_reviewed;
      e.result = Truth::not_met;
      e.evidence = "no exclusion applies, attested by " +
                   (s.name.empty() ? s.role : s.name + " (" + s.role + ")") +
                   (s.date.empty() ? "" : " on " + s.date);
    } else {
      e.result = Truth::unknown;
      e.evidence = "not addressed in the case file (assert, deny, or attest <exclusions-reviewed>)";
    }
  }

  void line_of_business(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::case_file;
    bool in = contains(n.lines, case_.line_of_business);
    e.result = (in != n.negate) ? Truth::met : Truth::not_met;
    e.evidence = "line of business " + case_.line_of_business;
  }

  const Ruleset& rs_;
  const CaseFile& case_;
  const DicomFacts& dicom_;
  std::map<std::string, std::vector<const Finding*>> findings_;
};

bool is_group(const EvaluatedNode& n) {
  return n.kind == "all" || n.kind == "any" || n.kind == "none" || n.kind == "at-least";
}

// The criterion-level nodes that produced `target` at `n` (see README "Deciding criteria").
void collect_deciding(const EvaluatedNode& n, Truth target, std::vector<EvaluatedNode>& out) {
  if (n.result != target) return;
  if (!is_group(n)) {
    out.push_back(n);
    return;
  }
  Truth child_target = n.kind == "none" ? negate(target) : target;
  for (const auto& c : n.children) collect_deciding(c, child_target, out);
}

// Unknown criterion-level nodes under an unknown node: what is missing to decide.
void collect_unknown(const EvaluatedNode& n, std::vector<std::string>& out, const std::string& prefix) {
  if (n.result != Truth::unknown) return;
  if (!is_group(n)) {
    std::string label = n.outline_id.empty() ? n.text : n.outline_id + " (" + n.text + ")";
    out.push_back(prefix + label + ": " + n.evidence);
    return;
  }
  for (const auto& c : n.children) collect_unknown(c, out, prefix);
}

bool has_manual(const EvaluatedNode& n) {
  if (n.kind == "manual") return true;
  for (const auto& c : n.children)
    if (c.result == Truth::unknown && has_manual(c)) return true;
  return false;
}

}  // namespace

const char* to_string(AgeSource source) {
  switch (source) {
    case AgeSource::case_file_age:
      return "case file";
    case AgeSource::case_file_birth_date:
      return "case-file birth date at the date of service";
    case AgeSource::dicom_birth_date:
      return "DICOM PatientBirthDate at the date of service";
    case AgeSource::none:
      break;
  }
  return "unknown";
}

PatientAge patient_age(const CaseFile& case_file, const std::string& dicom_birth_date_yyyymmdd) {
  PatientAge age;
  if (case_file.patient_age_years) {
    age.years = *case_file.patient_age_years;
    age.source = AgeSource::case_file_age;
    age.origin = Origin::case_file;
    return age;
  }
  std::optional<Ymd> birth;
  if (!case_file.birth_date.empty()) {
    birth = parse_date(case_file.birth_date);
    age.source = AgeSource::case_file_birth_date;
    age.origin = Origin::case_file;
  } else if (!dicom_birth_date_yyyymmdd.empty()) {
    birth = parse_date(dicom_birth_date_yyyymmdd);
    age.source = AgeSource::dicom_birth_date;
    age.origin = Origin::derived;
  }
  const auto at = parse_date(case_file.date_of_service);
  if (birth && at && full_years(*birth, *at) >= 0) age.years = full_years(*birth, *at);
  if (!age.years) age.source = AgeSource::none;
  return age;
}

Applicability applicability(const PolicyHeader& p, const CaseFile& c) {
  const std::string& lob = c.line_of_business;
  if (contains(p.excluded_lines, lob))
    return {false, "line of business '" + lob + "' is excluded by " + p.id};
  if (!contains(p.lines_of_business, "any") && !contains(p.lines_of_business, lob))
    return {false, p.id + " applies to " + join(p.lines_of_business, ", ") + ", not '" + lob + "'"};
  if (!c.payer.empty() && !p.payer_key.empty() && c.payer != p.payer_key)
    return {false, "payer '" + c.payer + "' is not " + p.payer_key};
  if (!p.effective_from.empty() && c.date_of_service < p.effective_from)
    return {false, "date of service " + c.date_of_service + " is before " + p.id + " took effect (" +
                       p.effective_from + ")"};
  if (!p.effective_to.empty() && c.date_of_service >= p.effective_to)
    return {false,
            "date of service " + c.date_of_service + " is after " + p.id + " ended (" + p.effective_to + ")"};
  std::string why = "line of business " + lob;
  if (!c.payer.empty()) why += ", payer " + c.payer;
  why += ", date of service " + c.date_of_service + " within the policy's dates";
  return {true, why};
}

std::vector<std::string> procedure_code_notes(const Ruleset& rs, const CaseFile& c) {
  // Codes deleted for dates of service from 2026-01-01 (CPT/HCPCS 2026 update; secondary
  // sources, and Florida Blue 04-77260-19 update 01/01/26 for 77014, G6001, G6002, G6017).
  std::set<std::string> deleted = {"77385", "77386", "77014"};
  for (int i = 1; i <= 17; ++i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "G60%02d", i);
    deleted.insert(buf);
  }
  const std::string cutoff = "2026-01-01";
  const bool after = c.date_of_service >= cutoff;
  std::vector<std::string> notes;
  auto replacement = [](const std::string& code) -> std::string {
    if (code == "77385" || code == "77386" || code == "G6015" || code == "G6016")
      return "IMRT delivery is now reported with 77402 / 77407 / 77412 by complexity";
    if (code == "77014" || code == "G6001" || code == "G6002" || code == "G6017")
      return "image guidance is bundled into delivery; 77387 is professional-component only";
    return "radiation treatment delivery is now reported with 77402 / 77407 / 77412";
  };
  std::set<std::string> listed;
  for (const auto& p : rs.procedure_codes) listed.insert(p.code);
  for (const auto& code : c.procedure_codes) {
    std::string n = normalize_code(code);
    if (after && deleted.count(n))
      notes.push_back("requested code " + n + " was deleted for dates of service from " + cutoff +
                      " (date of service " + c.date_of_service + "): " + replacement(n));
    else if (after && n == "77387")
      notes.push_back("requested code 77387 is professional-component only for dates of service from " +
                      cutoff);
    else if (after && (n == "77402" || n == "77407" || n == "77412") &&
             std::any_of(listed.begin(), listed.end(),
                         [&](const std::string& l) { return deleted.count(l) > 0; }))
      continue;  // the 2026 replacement of a delivery code the policy still lists
    else if (!listed.empty() && !listed.count(n))
      notes.push_back("requested code " + n + " is not among the codes " + rs.header.id + " lists (" +
                      join(std::vector<std::string>(listed.begin(), listed.end()), ", ") + ")");
  }
  if (after) {
    std::vector<std::string> stale;
    for (const auto& code : listed)
      if (deleted.count(code)) stale.push_back(code);
    if (!stale.empty())
      notes.push_back(rs.header.id + " still lists " + join(stale, ", ") +
                      ", deleted for dates of service from " + cutoff +
                      "; delivery is now 77402 / 77407 / 77412 and 77387 is professional-component only");
  }
  std::sort(notes.begin(), notes.end());
  return notes;
}

// Checks that measure a property of the plan itself. When one of them fails, the plan
// was verified not to meet the requirement (DOES NOT MEET). Every other technical
// check (DVHs, beam description, prescription, approval, compensator data) measures
// whether documentation is present in the DICOM: its failure means the documentation
// is insufficient, which more documents can cure.
static bool is_plan_property_check(const std::string& id) {
  static const std::string ids[] = {
      std::string(check_id::dose_grid_spacing), std::string(check_id::technique_imrt),
      std::string(check_id::gtv_contoured), std::string(check_id::ptv_contoured),
      std::string(check_id::oar_contoured)};
  return std::find(std::begin(ids), std::end(ids), id) != std::end(ids);
}

// True when the item's tests include a plan-property check and the evaluation has a
// check leaf measured not met (as opposed to not evaluable or a missing document).
static bool fails_plan_property(const RuleNode& rule, const EvaluatedNode& evaluated) {
  bool property_check = false;
  std::function<void(const RuleNode&)> scan = [&](const RuleNode& n) {
    if (!n.check_id.empty() && is_plan_property_check(n.check_id)) property_check = true;
    for (const auto& child : n.children) scan(child);
  };
  scan(rule);
  if (!property_check) return false;
  std::function<bool(const EvaluatedNode&)> failed = [&](const EvaluatedNode& n) {
    if (n.origin == Origin::dicom_check && n.result == Truth::not_met && n.children.empty()) return true;
    return std::any_of(n.children.begin(), n.children.end(), failed);
  };
  return failed(evaluated);
}

Determination evaluate_policy(const Ruleset& rs, const CaseFile& c, const std::vector<Finding>& findings,
                              const DicomFacts& dicom) {
  Determination d;
  d.policy = rs.header;
  d.date_of_service = c.date_of_service;
  d.applicability = applicability(rs.header, c).reason;
  d.notes = rs.notes;
  d.code_notes = procedure_code_notes(rs, c);

  Evaluator ev(rs, c, findings, dicom);
  d.criteria = ev.eval(rs.criteria);
  Truth exclusions = Truth::not_met;
  if (rs.exclusions) {
    ev.in_exclusions = true;
    d.exclusions = ev.eval(*rs.exclusions);
    ev.in_exclusions = false;
    exclusions = d.exclusions->result;
  }
  bool documentation_complete = true;
  std::vector<std::string> missing_docs;
  // Required items whose plan property a DICOM check measured as failing (a 12 mm grid,
  // a field-in-field plan, no PTV): a decision, not missing documentation.
  std::vector<const EvaluatedNode*> failed_technical;
  for (const auto& req : rs.documentation) {
    DocumentationItem item;
    item.outline_id = req.node.outline_id;
    item.text = req.node.text;
    ev.last_documents.clear();
    item.node = ev.eval(req.node);
    bool applies = (req.only_lines.empty() || contains(req.only_lines, c.line_of_business)) &&
                   !contains(req.except_lines, c.line_of_business);
    item.result = item.node.result;
    for (const auto& j : ev.last_documents) {
      if (j.supplied) item.supplied = true;
      if (item.document_date.empty()) item.document_date = j.date;
      if (item.window.empty()) item.window = j.window;
      item.signed_by.insert(item.signed_by.end(), j.signed_by.begin(), j.signed_by.end());
      item.missing_signers.insert(item.missing_signers.end(), j.missing_signers.begin(),
                                  j.missing_signers.end());
    }
    std::function<void(const RuleNode&)> roles = [&](const RuleNode& n) {
      for (const auto& r : n.signer_roles)
        if (!contains(item.required_signers, r)) item.required_signers.push_back(r);
      for (const auto& ch : n.children) roles(ch);
    };
    roles(req.node);
    if (ev.last_documents.empty() && item.result == Truth::met) item.supplied = true;  // technical evidence
    if (!req.required) {
      item.required = false;
      item.not_required_reason = "optional in the policy: listed, never decides";
    }
    if (!applies) {
      item.required = false;
      item.not_required_reason = "not required for line of business '" + c.line_of_business + "'";
      item.node.evidence =
          "not required for line of business '" + c.line_of_business + "'; " + item.node.evidence;
    } else if (req.required && item.result != Truth::met) {
      documentation_complete = false;
      missing_docs.push_back(item.outline_id + " (" + item.text + "): " + item.node.evidence);
    }
    d.documentation.push_back(std::move(item));
  }
  for (std::size_t i = 0; i < rs.documentation.size(); ++i) {
    const auto& req = rs.documentation[i];
    const bool applies = (req.only_lines.empty() || contains(req.only_lines, c.line_of_business)) &&
                         !contains(req.except_lines, c.line_of_business);
    if (applies && req.required && d.documentation[i].result == Truth::not_met &&
        fails_plan_property(req.node, d.documentation[i].node))
      failed_technical.push_back(&d.documentation[i].node);
  }

  const std::string& id = rs.header.id;
  if (exclusions == Truth::met) {
    d.outcome = Outcome::does_not_meet;
    collect_deciding(*d.exclusions, Truth::met, d.deciding);
    std::vector<std::string> ids;
    for (const auto& n : d.deciding) ids.push_back(n.outline_id);
    d.summary = "not medically necessary under " + id + ": exclusion " + join(ids, ", ") + " applies";
  } else if (d.criteria.result == Truth::not_met) {
    d.outcome = Outcome::does_not_meet;
    collect_deciding(d.criteria, Truth::not_met, d.deciding);
    std::vector<std::string> ids;
    for (const auto& n : d.deciding) ids.push_back(n.outline_id);
    if (ids.size() > 8) {
      ids.resize(8);
      ids.push_back("...");
    }
    d.summary =
        "criteria " + d.criteria.outline_id + " of " + id + " not met: " + join(ids, ", ") + " not met";
  } else if (!failed_technical.empty()) {
    d.outcome = Outcome::does_not_meet;
    std::vector<std::string> ids;
    for (const EvaluatedNode* n : failed_technical) {
      d.deciding.push_back(*n);
      ids.push_back(n->outline_id);
    }
    d.summary = "the plan fails " + id + " technical requirement(s) " + join(ids, ", ") +
                " as measured from the DICOM";
    for (auto& m : missing_docs) d.missing.push_back("documentation " + m);
  } else if (d.criteria.result == Truth::met && exclusions == Truth::not_met && documentation_complete &&
             !rs.header.manual_review) {
    d.outcome = Outcome::meets;
    collect_deciding(d.criteria, Truth::met, d.deciding);
    d.summary = "criteria " + d.criteria.outline_id + " of " + id +
                " met, no exclusion applies, required documentation present";
  } else {
    d.outcome = Outcome::insufficient_documentation;
    collect_unknown(d.criteria, d.missing, "");
    if (d.exclusions) collect_unknown(*d.exclusions, d.missing, "exclusion ");
    for (auto& m : missing_docs) d.missing.push_back("documentation " + m);
    d.manual_review = rs.header.manual_review || has_manual(d.criteria);
    if (d.manual_review)
      d.summary = "manual review required under " + id +
                  ": its criteria are not public, so rtreview never decides MEETS; the supplied "
                  "documentation is listed";
    else
      d.summary = std::to_string(d.missing.size()) + " item(s) missing to decide " + id;
    if (d.criteria.result == Truth::met) collect_deciding(d.criteria, Truth::met, d.deciding);
  }
  if (rs.header.manual_review) d.manual_review = true;
  return d;
}

}  // namespace rtreview
