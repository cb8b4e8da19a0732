// Which sentences of a ruleset rely on a check: the citation a finding carries in a review.
#include <algorithm>

#include "rtreview/policy.h"

namespace rtreview {

namespace {

void collect(const RuleNode& node, std::string_view check_id, const std::string& inherited,
             std::vector<std::string>& out) {
  const std::string& cite = node.citation.empty() ? inherited : node.citation;
  const bool cites = node.check_id == check_id ||
                     std::find(node.support_check_ids.begin(), node.support_check_ids.end(), check_id) !=
                         node.support_check_ids.end();
  if (cites && !cite.empty() && std::find(out.begin(), out.end(), cite) == out.end()) out.push_back(cite);
  for (const auto& child : node.children) collect(child, check_id, cite, out);
}

}  // namespace

std::vector<std::string> check_citations(const Ruleset& ruleset, std::string_view check_id) {
  std::vector<std::string> out;
  const std::string& policy = ruleset.header.id;
  collect(ruleset.criteria, check_id, policy, out);
  if (ruleset.exclusions) collect(*ruleset.exclusions, check_id, policy, out);
  for (const auto& item : ruleset.documentation) collect(item.node, check_id, policy, out);
  return out;
}

}  // namespace rtreview
