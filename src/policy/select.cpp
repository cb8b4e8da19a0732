// Choosing the policies to evaluate for a case (explicit ids / files, or by applicability).
#include <algorithm>

#include "rtreview/policy.h"

namespace rtreview {

PolicySelection select_policies(const std::vector<std::string>& requested, const CaseFile& case_file,
                                const std::filesystem::path& dir) {
  PolicySelection out;
  std::vector<RulesetLoad> shipped;
  bool shipped_loaded = false;
  auto ensure_shipped = [&] {
    if (!shipped_loaded) shipped = load_ruleset_dir(dir);
    shipped_loaded = true;
  };
  auto explain = [&](const Ruleset& rs, bool explicit_choice) {
    Applicability a = applicability(rs.header, case_file);
    if (!explicit_choice) return a.reason;
    return std::string("selected explicitly") + (a.applies ? "; " : "; does NOT apply by its header: ") +
           a.reason;
  };

  // The case's criterion ids are checked against every ruleset it may target: the shipped
  // ones and any given by path (an id of a policy that does not apply is still a valid id).
  auto validate = [&](std::vector<Ruleset> extra) {
    ensure_shipped();
    for (const auto& l : shipped)
      if (l.result) extra.push_back(l.ruleset);
    for (auto& e : validate_case_against(case_file, extra)) out.errors.push_back(std::move(e));
  };

  if (requested.empty()) {
    ensure_shipped();
    validate({});
    for (auto& l : shipped) {
      if (!l.result) {
        out.errors.push_back(l.result);
        continue;
      }
      Applicability a = applicability(l.ruleset.header, case_file);
      if (!a.applies) {
        out.skipped.push_back(l.ruleset.header.id + ": " + a.reason);
        continue;
      }
      out.reasons.push_back(a.reason);
      out.rulesets.push_back(std::move(l.ruleset));
    }
    return out;
  }

  for (const auto& want : requested) {
    std::error_code ec;
    std::filesystem::path file(want);
    bool is_file = std::filesystem::is_regular_file(file, ec) ||
                   (file.extension() == ".xml" && want.find('/') != std::string::npos);
    if (is_file) {
      // The shared disease-site table: next to the file, else the shipped one.
      std::vector<ValueSet> shared;
      for (const auto& candidate : {file.parent_path() / "disease-sites.xml", dir / "disease-sites.xml"}) {
        if (!std::filesystem::exists(candidate, ec)) continue;
        auto vs = load_value_sets(candidate);
        if (!vs.result) {
          out.errors.push_back(vs.result);
          break;
        }
        shared = std::move(vs.value_sets);
        break;
      }
      auto l = load_ruleset(file, shared);
      if (!l.result) {
        out.errors.push_back(l.result);
        continue;
      }
      for (const auto& tables_dir : {file.parent_path(), dir}) {
        auto t = load_shared_tables(tables_dir);
        if (t.result && (!t.tables.roles.empty() || !t.tables.code_changes.empty())) {
          l.ruleset.tables = t.tables;
          break;
        }
      }
      out.reasons.push_back(explain(l.ruleset, true));
      out.rulesets.push_back(std::move(l.ruleset));
      continue;
    }
    ensure_shipped();
    auto it = std::find_if(shipped.begin(), shipped.end(),
                           [&](const RulesetLoad& l) { return l.result && l.ruleset.header.id == want; });
    if (it == shipped.end()) {
      std::vector<std::string> ids;
      for (const auto& l : shipped)
        if (l.result) ids.push_back(l.ruleset.header.id);
      std::string known;
      for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
      out.errors.push_back(
          {false, want, 0,
           "no ruleset with policy id '" + want + "' in " + dir.string() + " (known: " + known + ")"});
      continue;
    }
    out.reasons.push_back(explain(it->ruleset, true));
    out.rulesets.push_back(it->ruleset);
  }
  if (out.errors.empty()) validate(out.rulesets);
  return out;
}

}  // namespace rtreview
