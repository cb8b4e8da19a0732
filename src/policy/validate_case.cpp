// A case file's indications and exclusions must name criteria the rulesets have, in the
// right section: a typo or an exclusion asserted as an indication would otherwise be
// ignored silently and the case could come out MEETS.
#include <algorithm>
#include <functional>

#include "policy/xml_support.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

namespace {

struct PolicyIds {
  std::string policy;
  std::vector<std::string> indications;  // every outline id under <criteria>
  std::vector<std::string> exclusions;   // every outline id under <exclusions>
};

void collect(const RuleNode& n, std::vector<std::string>& out) {
  if (!n.outline_id.empty()) out.push_back(n.outline_id);
  for (const auto& c : n.children) collect(c, out);
}

PolicyIds ids_of(const Ruleset& rs) {
  PolicyIds p{rs.header.id, {}, {}};
  collect(rs.criteria, p.indications);
  if (rs.exclusions) collect(*rs.exclusions, p.exclusions);
  return p;
}

Result error_at(const CaseFile& c, const Assertion& a, std::string text, ErrorCode code) {
  return {false, c.file, a.line, std::move(text), code};
}

// One assertion against the ids of the policies it may target.
std::optional<Result> check_assertion(const CaseFile& c, const Assertion& a, bool is_exclusion,
                                      const std::vector<PolicyIds>& policies) {
  const std::string element = is_exclusion ? "<exclusion>" : "<indication>";
  std::string policy, id = a.criterion;
  if (auto colon = a.criterion.find(':'); colon != std::string::npos) {
    policy = a.criterion.substr(0, colon);
    id = a.criterion.substr(colon + 1);
  }
  std::vector<const PolicyIds*> targets;
  for (const auto& p : policies)
    if (policy.empty() || p.policy == policy) targets.push_back(&p);
  if (targets.empty()) {
    std::vector<std::string> known;
    for (const auto& p : policies) known.push_back(p.policy);
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    return error_at(c, a,
                    "unknown policy prefix '" + policy + "' in " + element + " criterion=\"" + a.criterion +
                        "\" (nearest: " + join_nonempty(nearest(policy, known), ", ") +
                        "; known: " + join_nonempty(known, ", ") + ")",
                    ErrorCode::unknown_policy);
  }
  std::vector<std::string> same_kind, other_kind;
  std::string other_policy;
  for (const PolicyIds* p : targets) {
    const auto& mine = is_exclusion ? p->exclusions : p->indications;
    const auto& theirs = is_exclusion ? p->indications : p->exclusions;
    if (std::find(mine.begin(), mine.end(), id) != mine.end()) return std::nullopt;
    if (std::find(theirs.begin(), theirs.end(), id) != theirs.end() && other_policy.empty())
      other_policy = p->policy;
    for (const auto& x : mine) same_kind.push_back(policy.empty() ? p->policy + ":" + x : x);
  }
  if (!other_policy.empty()) {
    const std::string right = is_exclusion ? "<indication>" : "<exclusion>";
    return error_at(c, a,
                    std::string(is_exclusion ? "an indication" : "an exclusion") + " asserted through " +
                        element + ": '" + id + "' is " + (is_exclusion ? "a criterion" : "an exclusion") +
                        " of " + other_policy + "; write " + right + " criterion=\"" + a.criterion + "\"",
                    ErrorCode::wrong_assertion_kind);
  }
  std::vector<std::string> candidates;
  for (const PolicyIds* p : targets)
    for (const auto& x : is_exclusion ? p->exclusions : p->indications) candidates.push_back(x);
  std::string where = policy.empty() ? "any ruleset" : policy;
  return error_at(c, a,
                  "unknown criterion id '" + id + "' in " + element + " (not " +
                      (is_exclusion ? "an exclusion" : "a criterion") + " of " + where +
                      "; nearest valid ids: " + join_nonempty(nearest(id, candidates), ", ") + ")",
                  ErrorCode::unknown_criterion);
}

}  // namespace

std::vector<Result> validate_case_against(const CaseFile& c, const std::vector<Ruleset>& rulesets) {
  std::vector<PolicyIds> policies;
  for (const auto& rs : rulesets) policies.push_back(ids_of(rs));
  std::vector<Result> out;
  if (policies.empty()) return out;
  for (const auto& a : c.indications)
    if (auto e = check_assertion(c, a, false, policies)) out.push_back(*e);
  for (const auto& a : c.exclusions)
    if (auto e = check_assertion(c, a, true, policies)) out.push_back(*e);
  return out;
}

}  // namespace rtreview
