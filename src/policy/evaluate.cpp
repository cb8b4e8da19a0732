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
#include "rtreview/check_registry.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

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

std::string fmt_number(double v) { return format_significant(v, 6); }

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The ruleset's shared tables, or those of the default ruleset folder when the ruleset was
// parsed on its own (tests, a ruleset file given by path without its folder's tables).
const SharedTables& tables_of(const Ruleset& rs) {
  static const SharedTables fallback = load_shared_tables(default_ruleset_dir()).tables;
  return rs.tables.roles.empty() && rs.tables.code_changes.empty() ? fallback : rs.tables;
}

// A signer role satisfies a required role if equal, or if it is one of its aliases
// (rulesets/signer-roles.xml).
bool role_satisfies(const SharedTables& t, const std::string& have, const std::string& need) {
  if (have == need) return true;
  for (const auto& a : t.roles)
    if (a.role == need) return contains(a.satisfied_by, have);
  return false;
}

bool is_combination(RuleKind k) {
  return k == RuleKind::all || k == RuleKind::any || k == RuleKind::none || k == RuleKind::at_least ||
         k == RuleKind::criterion;
}

// True when a diagnosis test somewhere under `n` was met: the case's site is on the list.
bool site_listed(const EvaluatedNode& n) {
  if (n.kind == RuleKind::diagnosis && n.result == Truth::met) return true;
  return std::any_of(n.children.begin(), n.children.end(), site_listed);
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
            const DicomFacts& dicom, const PatientAge& age)
      : rs_(rs), case_(c), dicom_(dicom), age_(age), tables_(tables_of(rs)) {
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
    for (const auto& vs : n.support_value_sets) e.supporting.push_back(hint(vs));
    if (is_combination(n.kind)) {
      std::vector<Truth> results;
      for (const auto& c : n.children) {
        e.children.push_back(eval(c));
        results.push_back(e.children.back().result);
      }
      combine(e, results);
      if (n.kind == RuleKind::any) apply_list_kind(n.list, e);
      return e;
    }
    leaf(n, e);
    return e;
  }

 private:
  void combine(EvaluatedNode& e, const std::vector<Truth>& r) const {
    if (e.kind == RuleKind::all || e.kind == RuleKind::criterion)
      e.result = all_of(r);
    else if (e.kind == RuleKind::any)
      e.result = any_of(r);
    else if (e.kind == RuleKind::none)
      e.result = negate(any_of(r));
    else {  // at-least n
      int met = static_cast<int>(std::count(r.begin(), r.end(), Truth::met));
      int unknown = static_cast<int>(std::count(r.begin(), r.end(), Truth::unknown));
      e.result = met >= e.at_least            ? Truth::met
                 : met + unknown < e.at_least ? Truth::not_met
                                              : Truth::unknown;
    }
    if (e.kind == RuleKind::criterion) {
      // A criterion's evidence is its tests' evidence; its origin theirs if they agree.
      std::vector<std::string> ev;
      std::set<Origin> origins;
      for (const auto& c : e.children) {
        ev.push_back(c.evidence);
        origins.insert(c.origin);
      }
      e.evidence = join_nonempty(ev, "; ");
      e.origin = origins.size() == 1 ? *origins.begin() : Origin::derived;
    } else if (e.outline_id.empty()) {
      // An anonymous combination inside a criterion: the evidence of the children that decided.
      std::vector<std::string> ev;
      for (const auto& c : e.children)
        if (c.result == e.result) ev.push_back(c.evidence);
      if (ev.empty())
        for (const auto& c : e.children) ev.push_back(c.evidence);
      e.evidence = join_nonempty(ev, "; ");
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

  // How an `any` list reads (rulesets/README.md "Lists"): an open list does not deny a site it
  // does not name; an example list never denies.
  void apply_list_kind(ListKind list, EvaluatedNode& e) const {
    if (list == ListKind::closed || e.result == Truth::met) return;
    if (list == ListKind::examples) {
      e.result = Truth::met;
      e.origin = Origin::derived;
      e.evidence = "no listed example applies; the list gives examples (\"include\") and does not decide";
      return;
    }
    if (e.result == Truth::not_met && !case_.diagnoses.empty() && !site_listed(e)) {
      e.result = Truth::unknown;
      e.origin = Origin::derived;
      e.evidence = "diagnosis " + join_nonempty(case_.diagnoses, ", ") +
                   " is outside the listed sites; the list is not all-inclusive: manual review";
    }
  }

  SupportingEvidence hint(const std::string& value_set) const {
    SupportingEvidence s;
    s.check_id = "DIAGNOSIS_HINT";
    s.status = Status::info;
    const ValueSet* vs = find_value_set(value_set);
    std::vector<std::string> hits;
    if (vs)
      for (const auto& d : case_.diagnoses)
        if (vs->contains(d)) hits.push_back(d);
    std::string label = vs ? (vs->label.empty() ? vs->id : vs->label) : value_set;
    s.message = hits.empty()
                    ? "no diagnosis in " + label
                    : "diagnosis " + join_nonempty(hits, ", ") + " in " + label + " (a hint, not deciding)";
    return s;
  }

  const ValueSet* find_value_set(const std::string& id) const {
    for (const auto& v : rs_.value_sets)
      if (v.id == id) return &v;
    return nullptr;
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
    switch (n.kind) {
      case RuleKind::check:
        check(n, e);
        break;
      case RuleKind::fact:
        fact(n, e);
        break;
      case RuleKind::diagnosis:
        diagnosis(n, e);
        break;
      case RuleKind::age:
        age(n, e);
        break;
      case RuleKind::document:
        document(n, e);
        break;
      case RuleKind::asserted:
        asserted(n, e);
        break;
      case RuleKind::line_of_business:
        line_of_business(n, e);
        break;
      default:  // manual
        e.result = Truth::unknown;
        e.origin = Origin::none;
        e.evidence = n.text.empty() ? "manual review required" : "manual review required: " + n.text;
    }
    if (e.text.empty()) e.text = describe(n);
  }

  static std::string describe(const RuleNode& n) {
    if (n.kind == RuleKind::check) return "technical check " + n.check_id + " is " + n.check_status;
    if (n.kind == RuleKind::fact) return "case fact " + n.fact + " = " + n.fact_value;
    if (n.kind == RuleKind::diagnosis) return "a diagnosis in value set '" + n.value_set + "'";
    if (n.kind == RuleKind::age) return "age " + n.age_op + " " + fmt_number(n.age_years) + " years";
    if (n.kind == RuleKind::document) {
      std::string s = "document " + join_nonempty(n.document_kinds, " or ");
      if (n.window_months > 0)
        s += " within " + std::to_string(n.window_months) + " months before the date of service";
      if (!n.signer_roles.empty()) s += ", signed by " + join_nonempty(n.signer_roles, " and ");
      return s;
    }
    if (n.kind == RuleKind::asserted) return "asserted in the case file: " + n.asserted_id;
    if (n.kind == RuleKind::line_of_business)
      return std::string("line of business ") + (n.negate ? "not in " : "in ") + join_nonempty(n.lines, ", ");
    return to_string(n.kind);
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
    e.evidence = join_nonempty(messages, "; ");
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
    if (name == "solid_tumor") return solid_tumor_from_diagnoses(origin);
    return std::nullopt;
  }

  // A malignant neoplasm outside C81-C96 is a solid tumour; only haematological
  // malignancies (C81-C96) and no solid one: not a solid tumour; otherwise unknown.
  std::optional<std::string> solid_tumor_from_diagnoses(Origin& origin) const {
    const ValueSet* solid = find_value_set("malignant-solid");
    const ValueSet* haem = find_value_set("haematological");
    if (!solid || !haem) return std::nullopt;
    bool any_solid = false, any_haem = false;
    for (const auto& d : case_.diagnoses) {
      any_solid |= solid->contains(d);
      any_haem |= haem->contains(d);
    }
    if (!any_solid && !any_haem) return std::nullopt;
    origin = Origin::derived;
    return any_solid ? "true" : "false";
  }

  void fact(const RuleNode& n, EvaluatedNode& e) {
    Origin origin = Origin::none;
    auto v = fact_value(n.fact, origin);
    e.origin = origin;
    if (!v) {
      e.result = n.if_absent.value_or(Truth::unknown);
      e.evidence = "fact '" + n.fact + "' not given in the case file";
      return;
    }
    e.result = *v == n.fact_value ? Truth::met : Truth::not_met;
    const char* from = origin == Origin::case_file ? " (case file)"
                       : n.fact == "solid_tumor"   ? " (derived from the diagnosis codes)"
                                                   : " (from the DICOM plan)";
    e.evidence = n.fact + " = " + *v + from;
  }

  void diagnosis(const RuleNode& n, EvaluatedNode& e) {
    e.origin = Origin::case_file;
    const ValueSet* vs = find_value_set(n.value_set);
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
      e.evidence = "none of " + join_nonempty(case_.diagnoses, ", ") + " is in " + label;
    } else {
      e.result = Truth::met;
      e.evidence = join_nonempty(hits, ", ") + " in " + label;
    }
  }

  void age(const RuleNode& n, EvaluatedNode& e) {
    const PatientAge& patient = age_;
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
    // The window counts back from the date of service, or from the request where the policy
    // says "if requesting ... last 6 months" (falls back to the date of service).
    const bool from_request = n.window_from == WindowFrom::request_date && !case_.request_date.empty();
    const std::string& anchor = from_request ? case_.request_date : case_.date_of_service;
    auto end = parse_date(anchor);
    std::string from;
    if (n.window_months > 0 && end) {
      from = format_date(months_before(*end, n.window_months));
      j.window = from + " .. " + anchor + " (" + std::to_string(n.window_months) + " months before the " +
                 (from_request ? "request" : "date of service") + ")";
    }
    const SuppliedDocument* best = nullptr;
    int best_score = 0;
    std::string best_problem = "not supplied";
    for (const auto& d : case_.documents) {
      if (!contains(n.document_kinds, d.kind) && !contains(n.document_kinds, lower(d.loinc))) continue;
      j.supplied = true;
      std::vector<std::string> problems;
      if (!from.empty() && (d.date < from || d.date > anchor))
        problems.push_back("dated " + d.date + ", outside " + j.window);
      std::vector<std::string> missing, undated;
      for (const auto& role : n.signer_roles) {
        auto sig = std::find_if(d.signed_by.begin(), d.signed_by.end(),
                                [&](const Signature& s) { return role_satisfies(tables_, s.role, role); });
        if (sig == d.signed_by.end())
          missing.push_back(role);
        else if (n.signature_dated && sig->date.empty())
          undated.push_back(role);
      }
      if (!missing.empty()) problems.push_back("not signed by " + join_nonempty(missing, " and "));
      if (!undated.empty())
        problems.push_back("the " + join_nonempty(undated, " and ") +
                           " signature is not dated (\"signed and dated\")");
      // Report the closest candidate: a missing signer weighs more than a stale date.
      int score = 2 * static_cast<int>(missing.size()) + (problems.size() > missing.size() ? 1 : 0);
      if (!best || score < best_score) {
        best = &d;
        best_score = score;
        best_problem = join_nonempty(problems, "; ");
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
                           : join_nonempty(n.document_kinds, " / ");
    if (best && best_problem.empty()) {
      e.result = Truth::met;
      e.evidence = what + (j.signed_by.empty() ? "" : ", signed by " + join_nonempty(j.signed_by, ", "));
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
      // An indication the submission does not claim is not met (payers need it documented),
      // unless the ruleset asks the clinician to say either way (if-absent="unknown").
      e.result = n.if_absent.value_or(Truth::not_met);
      e.evidence = e.result == Truth::unknown ? "neither asserted nor denied in the case file"
                                              : "not asserted in the case file";
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
  const PatientAge& age_;  // derived once per plan set (review/facts), never here
  const SharedTables& tables_;
  std::map<std::string, std::vector<const Finding*>> findings_;
};

bool is_group(const EvaluatedNode& n) {
  return n.kind == RuleKind::all || n.kind == RuleKind::any || n.kind == RuleKind::none ||
         n.kind == RuleKind::at_least;
}

// The criterion-level nodes that produced `target` at `n` (see README "Deciding criteria").
void collect_deciding(const EvaluatedNode& n, Truth target, std::vector<EvaluatedNode>& out) {
  if (n.result != target) return;
  if (!is_group(n)) {
    out.push_back(n);
    return;
  }
  Truth child_target = n.kind == RuleKind::none ? negate(target) : target;
  for (const auto& c : n.children) collect_deciding(c, child_target, out);
}

// Unknown criterion-level nodes under an unknown node: what is missing to decide.
void collect_unknown(const EvaluatedNode& n, std::vector<std::string>& out, const std::string& prefix) {
  if (n.result != Truth::unknown) return;
  // A list read as open is unknown while every item is not met: the list itself is missing.
  bool any_unknown_child = std::any_of(n.children.begin(), n.children.end(),
                                       [](const EvaluatedNode& c) { return c.result == Truth::unknown; });
  if (!is_group(n) || !any_unknown_child) {
    std::string label = n.outline_id.empty() ? n.text : n.outline_id + " (" + n.text + ")";
    out.push_back(prefix + label + ": " + n.evidence);
    return;
  }
  for (const auto& c : n.children) collect_unknown(c, out, prefix);
}

bool has_manual(const EvaluatedNode& n) {
  if (n.kind == RuleKind::manual) return true;
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

namespace {

const char* to_string(MedicarePlan p) {
  return p == MedicarePlan::advantage  ? "Medicare Advantage"
         : p == MedicarePlan::original ? "original Medicare"
                                       : "Medicare";
}

// Medicare Advantage vs original Medicare, for a Medicare case (empty list: both).
std::optional<std::string> medicare_plan_mismatch(const PolicyHeader& p, const CaseFile& c) {
  if (c.line_of_business != "medicare" || p.medicare_plans.empty() ||
      c.medicare_plan == MedicarePlan::unknown)
    return std::nullopt;
  if (std::find(p.medicare_plans.begin(), p.medicare_plans.end(), c.medicare_plan) != p.medicare_plans.end())
    return std::nullopt;
  std::vector<std::string> names;
  for (auto m : p.medicare_plans) names.push_back(to_string(m));
  return p.id + " governs " + join_nonempty(names, " and ") + " members, not " + to_string(c.medicare_plan);
}

// A case that requests no code at all is evaluated (like an unstated jurisdiction, with a
// note); one that requests codes, none of them the policy's, is not its business.
std::optional<std::string> procedure_mismatch(const PolicyHeader& p, const CaseFile& c) {
  if (p.required_procedures.empty() || c.procedure_codes.empty()) return std::nullopt;
  for (const auto& code : c.procedure_codes)
    if (contains(p.required_procedures, normalize_code(code))) return std::nullopt;
  return p.id + " applies only when one of " + join_nonempty(p.required_procedures, ", ") +
         " is requested (requested: " + join_nonempty(c.procedure_codes, ", ") + ")";
}

// Problems that do not decide but a reviewer must see: a neoplasm code in none of the
// policy's site sets (never silently "no site"), a date of service before the plan's approval.
std::vector<std::string> case_warnings(const Ruleset& rs, const CaseFile& c, const DicomFacts& dicom) {
  std::vector<std::string> out;
  std::set<std::string> used;
  std::function<void(const RuleNode&)> scan = [&](const RuleNode& n) {
    if (n.kind == RuleKind::diagnosis) used.insert(n.value_set);
    for (const auto& ch : n.children) scan(ch);
  };
  scan(rs.criteria);
  if (!used.empty())
    for (const auto& code : c.diagnoses) {
      std::string n = normalize_code(code);
      bool neoplasm = n.size() >= 3 && (n[0] == 'C' || (n[0] == 'D' && n.substr(0, 3) <= "D49"));
      if (!neoplasm) continue;
      bool in_any = std::any_of(rs.value_sets.begin(), rs.value_sets.end(),
                                [&](const ValueSet& v) { return used.count(v.id) && v.contains(n); });
      if (!in_any)
        out.push_back("diagnosis " + code + " is in none of the disease-site value sets " + rs.header.id +
                      " uses: no listed site matches it; check the code");
    }
  std::string approved = dicom.review_date.empty() ? "" : dicom.review_date;
  if (approved.size() == 8 && c.date_of_service.size() == 10) {
    std::string iso = approved.substr(0, 4) + "-" + approved.substr(4, 2) + "-" + approved.substr(6, 2);
    if (c.date_of_service < iso)
      out.push_back("date of service " + c.date_of_service + " is before the plan's approval (ReviewDate " +
                    iso + ")");
  }
  return out;
}

}  // namespace

Applicability applicability(const PolicyHeader& p, const CaseFile& c) {
  const std::string& lob = c.line_of_business;
  if (contains(p.excluded_lines, lob))
    return {false, "line of business '" + lob + "' is excluded by " + p.id};
  if (!contains(p.lines_of_business, "any") && !contains(p.lines_of_business, lob))
    return {false, p.id + " applies to " + join_nonempty(p.lines_of_business, ", ") + ", not '" + lob + "'"};
  if (!c.payer.empty() && !p.payer_key.empty() && c.payer != p.payer_key)
    return {false, "payer '" + c.payer + "' is not " + p.payer_key};
  if (auto why = medicare_plan_mismatch(p, c)) return {false, *why};
  if (!p.jurisdictions.empty() && !c.jurisdiction_state.empty() &&
      !contains(p.jurisdictions, c.jurisdiction_state))
    return {false, p.id + " applies only in " + join_nonempty(p.jurisdictions, ", ") +
                       " (the jurisdiction of the local coverage determination it applies); the case's "
                       "jurisdiction is " +
                       c.jurisdiction_state};
  if (auto why = procedure_mismatch(p, c)) return {false, *why};
  if (!p.effective_from.empty() && c.date_of_service < p.effective_from)
    return {false, "date of service " + c.date_of_service + " is before " + p.id + " took effect (" +
                       p.effective_from + ")"};
  if (!p.effective_to.empty() && c.date_of_service >= p.effective_to)
    return {false,
            "date of service " + c.date_of_service + " is after " + p.id + " ended (" + p.effective_to + ")"};
  std::string why = "line of business " + lob;
  if (lob == "medicare" && c.medicare_plan != MedicarePlan::unknown)
    why += std::string(" (") + to_string(c.medicare_plan) + ")";
  if (!c.payer.empty()) why += ", payer " + c.payer;
  if (!p.jurisdictions.empty())
    why += c.jurisdiction_state.empty() ? ", jurisdiction not stated in the case file (" + p.id + " is " +
                                              join_nonempty(p.jurisdictions, ", ") + " only)"
                                        : ", jurisdiction " + c.jurisdiction_state;
  if (lob == "medicare" && !p.medicare_plans.empty() && c.medicare_plan == MedicarePlan::unknown)
    why += ", Medicare Advantage or original Medicare not stated";
  if (!p.required_procedures.empty() && c.procedure_codes.empty())
    why += ", no procedure code requested (" + p.id + " applies only when one of " +
           join_nonempty(p.required_procedures, ", ") + " is requested)";
  why += ", date of service " + c.date_of_service +
         (p.effective_from.empty() && p.effective_to.empty() ? " (effective date not stated)"
                                                             : " within the policy's dates");
  return {true, why};
}

Applicability delivery_applicability(const PolicyHeader& p, const DicomFacts& dicom) {
  if (p.deliveries.empty() || dicom.delivery == DeliveryClass::unknown)
    return {true, "treatment kind " + std::string(to_string(dicom.delivery))};
  // "an ion plan", "an electron plan", "a photon plan"
  const std::string kind = to_string(dicom.delivery);
  const std::string a_kind = (kind.find_first_of("aeiou") == 0 ? "an " : "a ") + kind + " plan";
  if (std::find(p.deliveries.begin(), p.deliveries.end(), dicom.delivery) != p.deliveries.end())
    return {true, a_kind};
  std::vector<std::string> kinds;
  for (auto k : p.deliveries) kinds.push_back(to_string(k));
  // Without a plan the kind is what the set's doses say of it (facts.cpp).
  const std::string subject = !dicom.source.empty() ? dicom.source : "the plan set (by its doses)";
  return {false, p.id + " covers " + join_nonempty(kinds, ", ") + " plans; " + subject + " is " + a_kind +
                     " (another policy covers it)"};
}

std::vector<std::string> procedure_code_notes(const Ruleset& rs, const CaseFile& c) {
  std::vector<std::string> notes;
  std::set<std::string> listed;
  for (const auto& p : rs.procedure_codes) listed.insert(p.code);
  auto deleted_entry = [&](const CodeChange& ch, const std::string& code) -> const CodeChange::Deleted* {
    for (const auto& d : ch.deleted)
      if (d.codes.contains(code)) return &d;
    return nullptr;
  };
  std::set<std::string> noted;
  for (const auto& code : c.procedure_codes) {
    std::string n = normalize_code(code);
    bool handled = false;
    for (const auto& ch : tables_of(rs).code_changes) {
      if (c.date_of_service < ch.effective) continue;
      if (const auto* d = deleted_entry(ch, n)) {
        notes.push_back("requested code " + n + " was deleted for dates of service from " + ch.effective +
                        " (date of service " + c.date_of_service + "): " + d->replacement);
        handled = true;
      } else if (ch.professional_only.contains(n)) {
        notes.push_back("requested code " + n + " is professional-component only for dates of service from " +
                        ch.effective);
        handled = true;
      } else if (ch.replacements.contains(n) &&
                 std::any_of(listed.begin(), listed.end(),
                             [&](const std::string& l) { return deleted_entry(ch, l); })) {
        handled = true;  // the replacement of a delivery code the policy still lists
      }
    }
    if (!handled && !listed.empty() && !listed.count(n) && noted.insert(n).second)
      notes.push_back("requested code " + n + " is not among the codes " + rs.header.id + " lists (" +
                      join_nonempty(std::vector<std::string>(listed.begin(), listed.end()), ", ") + ")");
  }
  for (const auto& ch : tables_of(rs).code_changes) {
    if (c.date_of_service < ch.effective) continue;
    std::vector<std::string> stale, instead;
    for (const auto& code : listed)
      if (const auto* d = deleted_entry(ch, code)) {
        stale.push_back(code);
        if (!contains(instead, d->replacement)) instead.push_back(d->replacement);
      }
    if (!stale.empty())
      notes.push_back(rs.header.id + " still lists " + join_nonempty(stale, ", ") +
                      ", deleted for dates of service from " + ch.effective + ": " +
                      join_nonempty(instead, "; "));
  }
  std::sort(notes.begin(), notes.end());
  return notes;
}

DeliveryClass delivery_class_of(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::c_arm_linac_photon:
    case DeliveryKind::ring_linac:
    case DeliveryKind::tomotherapy_helical:
    case DeliveryKind::tomotherapy_direct:
    case DeliveryKind::cyberknife:
    case DeliveryKind::mr_linac:
      return DeliveryClass::photon;
    case DeliveryKind::c_arm_linac_electron:
      return DeliveryClass::electron;
    case DeliveryKind::ion_scanned:
    case DeliveryKind::ion_scattered:
    case DeliveryKind::ion_unspecified:
      return DeliveryClass::ion;
    case DeliveryKind::brachy_hdr:
    case DeliveryKind::brachy_pdr:
    case DeliveryKind::brachy_ldr:
    case DeliveryKind::brachy_unspecified:
      return DeliveryClass::brachy;
    case DeliveryKind::gamma_knife:
      return DeliveryClass::gamma_knife;
    case DeliveryKind::unknown:
      break;
  }
  return DeliveryClass::unknown;
}

// A failed plan-property check means the plan was verified not to meet the requirement
// (DOES NOT MEET); a failed documentation check means the documentation is insufficient,
// which more documents can cure (the registry's CheckKind).
static bool is_plan_property_check(const std::string& id) {
  const CheckSpec* spec = find_check(id);
  return spec && spec->kind == CheckKind::plan_property;
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

namespace {

bool required_for_line(const DocumentationRequirement& req, const CaseFile& c) {
  return (req.only_lines.empty() || contains(req.only_lines, c.line_of_business)) &&
         !contains(req.except_lines, c.line_of_business);
}

// What the documentation checklist adds up to.
struct DocumentationResult {
  bool complete = true;
  std::vector<std::string> missing;  // "<id> (<text>): <evidence>" per required item not met
  // Required items whose plan property a DICOM check measured as failing (a 12 mm grid,
  // a field-in-field plan, no PTV): a decision, not missing documentation.
  std::vector<const EvaluatedNode*> failed_technical;
};

// One checklist line: the item's tests, the documents it matched and its signers.
DocumentationItem evaluate_item(const DocumentationRequirement& req, const CaseFile& c, Evaluator& ev) {
  DocumentationItem item;
  item.outline_id = req.node.outline_id;
  item.text = req.node.text;
  ev.last_documents.clear();
  item.node = ev.eval(req.node);
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
  if (!required_for_line(req, c)) {
    item.required = false;
    item.not_required_reason = "not required for line of business '" + c.line_of_business + "'";
    item.node.evidence =
        "not required for line of business '" + c.line_of_business + "'; " + item.node.evidence;
  }
  return item;
}

DocumentationResult evaluate_documentation(const Ruleset& rs, const CaseFile& c, Evaluator& ev,
                                           Determination& d) {
  DocumentationResult out;
  for (const auto& req : rs.documentation) {
    DocumentationItem item = evaluate_item(req, c, ev);
    if (required_for_line(req, c) && req.required && item.result != Truth::met) {
      out.complete = false;
      out.missing.push_back(item.outline_id + " (" + item.text + "): " + item.node.evidence);
    }
    d.documentation.push_back(std::move(item));
  }
  // After the loop: d.documentation no longer reallocates, so the pointers stay valid.
  for (std::size_t i = 0; i < rs.documentation.size(); ++i) {
    const auto& req = rs.documentation[i];
    if (required_for_line(req, c) && req.required && d.documentation[i].result == Truth::not_met &&
        fails_plan_property(req.node, d.documentation[i].node))
      out.failed_technical.push_back(&d.documentation[i].node);
  }
  return out;
}

// The outline ids of the deciding nodes, at most `limit` (then "...").
std::string deciding_ids(const std::vector<EvaluatedNode>& deciding, std::size_t limit = 0) {
  std::vector<std::string> ids;
  for (const auto& n : deciding) ids.push_back(n.outline_id);
  if (limit && ids.size() > limit) {
    ids.resize(limit);
    ids.push_back("...");
  }
  return join_nonempty(ids, ", ");
}

// Neither met nor refuted: what is missing to decide, and whether a person must judge.
void decide_insufficient(const Ruleset& rs, const CaseFile& c, const DocumentationResult& docs,
                         Determination& d) {
  const std::string& id = rs.header.id;
  d.outcome = Outcome::insufficient_documentation;
  collect_unknown(d.criteria, d.missing, "");
  if (d.exclusions) collect_unknown(*d.exclusions, d.missing, "exclusion ");
  for (const auto& m : docs.missing) d.missing.push_back("documentation " + m);
  if (c.unedited_template)
    d.missing.insert(
        d.missing.begin(),
        "the case file is the unedited case-template (<unedited-template/>): replace its example "
        "facts with the patient's and remove that element");
  d.manual_review = rs.header.manual_review || has_manual(d.criteria);
  for (const auto& item : d.documentation)
    d.manual_review |= item.required && item.result == Truth::unknown && has_manual(item.node);
  if (rs.header.manual_review)
    d.summary = "manual review required under " + id +
                ": its criteria are not public, so rtreview never decides MEETS; the supplied "
                "documentation is listed";
  else if (d.manual_review)
    d.summary = "manual review required under " + id + ": " + std::to_string(d.missing.size()) +
                " item(s) need a reviewer's judgement or documentation";
  else
    d.summary = std::to_string(d.missing.size()) + " item(s) missing to decide " + id;
  if (d.criteria.result == Truth::met) collect_deciding(d.criteria, Truth::met, d.deciding);
}

// The outcome, in order: an exclusion, criteria not met, a failed plan property, all met;
// else insufficient documentation.
void decide(const Ruleset& rs, const CaseFile& c, Truth exclusions, const DocumentationResult& docs,
            Determination& d) {
  const std::string& id = rs.header.id;
  if (exclusions == Truth::met) {
    d.outcome = Outcome::does_not_meet;
    collect_deciding(*d.exclusions, Truth::met, d.deciding);
    d.summary =
        "not medically necessary under " + id + ": exclusion " + deciding_ids(d.deciding) + " applies";
  } else if (d.criteria.result == Truth::not_met) {
    d.outcome = Outcome::does_not_meet;
    collect_deciding(d.criteria, Truth::not_met, d.deciding);
    d.summary = "criteria " + d.criteria.outline_id + " of " + id +
                " not met: " + deciding_ids(d.deciding, 8) + " not met";
  } else if (!docs.failed_technical.empty()) {
    d.outcome = Outcome::does_not_meet;
    for (const EvaluatedNode* n : docs.failed_technical) d.deciding.push_back(*n);
    d.summary = "the plan fails " + id + " technical requirement(s) " + deciding_ids(d.deciding) +
                " as measured from the DICOM";
    for (const auto& m : docs.missing) d.missing.push_back("documentation " + m);
  } else if (d.criteria.result == Truth::met && exclusions == Truth::not_met && docs.complete &&
             !rs.header.manual_review && !c.unedited_template) {
    d.outcome = Outcome::meets;
    collect_deciding(d.criteria, Truth::met, d.deciding);
    d.summary = "criteria " + d.criteria.outline_id + " of " + id +
                " met, no exclusion applies, required documentation present";
  } else {
    decide_insufficient(rs, c, docs, d);
  }
}

}  // namespace

Determination evaluate_policy(const Ruleset& rs, const CaseFile& c, const std::vector<Finding>& findings,
                              const DicomFacts& dicom, const PatientAge& age) {
  Determination d;
  d.policy = rs.header;
  d.date_of_service = c.date_of_service;
  // A policy first decides whether it applies at all; if not, nothing else is judged.
  for (const Applicability& a : {applicability(rs.header, c), delivery_applicability(rs.header, dicom)}) {
    if (a.applies) continue;
    d.outcome = Outcome::not_applicable;
    d.applicability = a.reason;
    d.summary = "not applicable: " + a.reason;
    return d;
  }
  d.applicability = applicability(rs.header, c).reason;
  d.notes = rs.notes;
  d.code_notes = procedure_code_notes(rs, c);
  d.warnings = case_warnings(rs, c, dicom);
  // Shown with the notes too, so renderers that predate `warnings` still print them.
  for (const auto& w : d.warnings) d.notes.push_back("warning: " + w);
  if (rs.header.effective_from.empty() && rs.header.effective_to.empty())
    d.notes.push_back("effective date not stated: " + rs.header.id + " is applied without one");

  Evaluator ev(rs, c, findings, dicom, age);
  d.criteria = ev.eval(rs.criteria);
  Truth exclusions = Truth::not_met;
  if (rs.exclusions) {
    ev.in_exclusions = true;
    d.exclusions = ev.eval(*rs.exclusions);
    ev.in_exclusions = false;
    exclusions = d.exclusions->result;
  }
  const DocumentationResult docs = evaluate_documentation(rs, c, ev, d);
  decide(rs, c, exclusions, docs, d);
  if (rs.header.manual_review) d.manual_review = true;
  return d;
}

}  // namespace rtreview
