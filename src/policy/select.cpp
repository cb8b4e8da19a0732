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

  if (requested.empty()) {
    ensure_shipped();
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
  return out;
}

}  // namespace rtreview
