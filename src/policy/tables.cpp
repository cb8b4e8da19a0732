// Payer-independent tables kept as data in the ruleset folder (format: rulesets/README.md):
// signer-role aliases (signer-roles.xml) and procedure-code changes (procedure-code-changes.xml).
#include <algorithm>

#include "policy/xml_support.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

namespace policy_detail {
bool is_shared_table_file(const std::filesystem::path& file) {
  const auto name = file.filename().string();
  return name == "disease-sites.xml" || name == "signer-roles.xml" || name == "procedure-code-changes.xml";
}
}  // namespace policy_detail

namespace {

bool read_codes(const XmlSource& src, pugi::xml_node el, const std::string& id, ValueSet& out, Result& r) {
  out.id = id;
  out.line = src.line_of(el);
  for (const auto& token : split_list(el.attribute("codes").value(), ' ')) {
    auto dash = token.find('-');
    std::string from = normalize_code(token.substr(0, dash));
    std::string to = dash == std::string::npos ? "" : normalize_code(token.substr(dash + 1));
    if (from.size() != 5 || (!to.empty() && (to.size() != 5 || to < from))) {
      r = fail(src, el, "bad procedure code or range '" + token + "'");
      return false;
    }
    out.ranges.push_back({from, to});
  }
  if (out.ranges.empty()) {
    r = fail(src, el, "<" + std::string(el.name()) + "> without codes", ErrorCode::missing);
    return false;
  }
  return true;
}

Result read_roles(const XmlSource& src, pugi::xml_node root, std::vector<RoleAlias>& roles) {
  if (std::string(root.name()) != "signer-roles")
    return fail(src, root, "root element must be <signer-roles>", ErrorCode::unknown_element);
  for (auto el : root.children()) {
    if (el.type() != pugi::node_element) continue;
    if (std::string(el.name()) != "role")
      return fail(src, el, "unknown element <" + std::string(el.name()) + "> in <signer-roles>",
                  ErrorCode::unknown_element);
    RoleAlias a{lower(trim(el.attribute("name").value())),
                split_list(lower(el.attribute("satisfied-by").value()), ';')};
    if (a.role.empty()) return fail(src, el, "<role> without name", ErrorCode::missing);
    roles.push_back(std::move(a));
  }
  // Every alias must itself be a declared role: a typo would silently never match.
  for (const auto& a : roles)
    for (const auto& s : a.satisfied_by)
      if (std::none_of(roles.begin(), roles.end(), [&](const RoleAlias& b) { return b.role == s; }))
        return {false, src.label(), 0, "role '" + s + "' (satisfies '" + a.role + "') is not declared",
                ErrorCode::unknown_reference};
  return {};
}

Result read_changes(const XmlSource& src, pugi::xml_node root, std::vector<CodeChange>& changes) {
  if (std::string(root.name()) != "procedure-code-changes")
    return fail(src, root, "root element must be <procedure-code-changes>", ErrorCode::unknown_element);
  Result r;
  for (auto el : root.children()) {
    if (el.type() != pugi::node_element) continue;
    if (std::string(el.name()) != "change")
      return fail(src, el, "unknown element <" + std::string(el.name()) + "> in <procedure-code-changes>",
                  ErrorCode::unknown_element);
    CodeChange c;
    c.effective = trim(el.attribute("effective").value());
    c.source = trim(el.attribute("source").value());
    if (!is_iso_date(c.effective))
      return fail(src, el, "bad effective date '" + c.effective + "' (expected YYYY-MM-DD)",
                  ErrorCode::bad_date);
    for (auto item : el.children()) {
      if (item.type() != pugi::node_element) continue;
      std::string name = item.name();
      if (name == "deleted") {
        CodeChange::Deleted d;
        if (!read_codes(src, item, "deleted", d.codes, r)) return r;
        d.replacement = trim(item.attribute("replacement").value());
        c.deleted.push_back(std::move(d));
      } else if (name == "professional-only") {
        if (!read_codes(src, item, "professional-only", c.professional_only, r)) return r;
      } else if (name == "replacements") {
        if (!read_codes(src, item, "replacements", c.replacements, r)) return r;
      } else {
        return fail(src, item, "unknown element <" + name + "> in <change>", ErrorCode::unknown_element);
      }
    }
    changes.push_back(std::move(c));
  }
  return r;
}

template <typename Reader>
Result read_table(const std::filesystem::path& file, Reader reader) {
  Result r;
  std::string text;
  if (!read_text_file(file, text, r)) return r;
  XmlSource src(text, file.string());
  pugi::xml_document doc;
  if (!src.parse(doc, r)) return r;
  return reader(src, doc.document_element());
}

}  // namespace

SharedTablesLoad load_shared_tables(const std::filesystem::path& dir) {
  SharedTablesLoad out;
  std::error_code ec;
  if (auto f = dir / "signer-roles.xml"; std::filesystem::exists(f, ec)) {
    out.result = read_table(
        f, [&](const XmlSource& s, pugi::xml_node n) { return read_roles(s, n, out.tables.roles); });
    if (!out.result) return out;
  }
  if (auto f = dir / "procedure-code-changes.xml"; std::filesystem::exists(f, ec))
    out.result = read_table(
        f, [&](const XmlSource& s, pugi::xml_node n) { return read_changes(s, n, out.tables.code_changes); });
  return out;
}

std::string_view to_string(CodeStatusKind kind) {
  switch (kind) {
    case CodeStatusKind::deleted:
      return "deleted";
    case CodeStatusKind::professional_only:
      return "professional-only";
    case CodeStatusKind::current:
      break;
  }
  return "current";
}

// The latest change in effect on the date of service that names the code decides.
CodeStatus procedure_code_status(const SharedTables& tables, const std::string& code,
                                 const std::string& date_of_service) {
  CodeStatus out;
  const std::string n = normalize_code(code);
  for (const auto& ch : tables.code_changes) {
    if (date_of_service < ch.effective || ch.effective < out.effective) continue;
    for (const auto& d : ch.deleted)
      if (d.codes.contains(n)) out = {CodeStatusKind::deleted, ch.effective, d.replacement, ch.source};
    if (out.effective != ch.effective && ch.professional_only.contains(n))
      out = {CodeStatusKind::professional_only, ch.effective, "", ch.source};
  }
  return out;
}

}  // namespace rtreview
