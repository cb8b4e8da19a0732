// Reading rulesets and the shared value-set table (format: rulesets/README.md).
#include <algorithm>
#include <cstdlib>
#include <set>

#include "policy/xml_support.h"
#include "rtreview/check_registry.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

std::string LoadWarning::message() const {
  if (line > 0) return file + ":" + std::to_string(line) + ": warning: " + description;
  return file + ": warning: " + description;
}

const char* to_string(DeliveryClass kind) {
  switch (kind) {
    case DeliveryClass::photon:
      return "photon";
    case DeliveryClass::electron:
      return "electron";
    case DeliveryClass::ion:
      return "ion";
    case DeliveryClass::brachy:
      return "brachy";
    case DeliveryClass::gamma_knife:
      return "gamma-knife";
    case DeliveryClass::unknown:
      return "unknown";
  }
  return "unknown";
}

const std::vector<std::string>& known_document_kinds() {
  static const std::vector<std::string> kinds = {"clinical-note",
                                                 "compensator-design",
                                                 "dosimetric-verification",
                                                 "dvh-review",
                                                 "history-and-physical",
                                                 "imrt-commissioning",
                                                 "imrt-need-statement",
                                                 "imrt-rationale",
                                                 "isodose-review",
                                                 "plan-of-treatment",
                                                 "portal-description",
                                                 "prescription",
                                                 "progress-note",
                                                 "18741-9",
                                                 "18776-5",
                                                 "28626-0"};
  return kinds;
}

namespace {
// A prefix with '?' wildcards matches the start of `code`.
bool prefix_matches(const std::string& code, const std::string& prefix) {
  if (code.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (prefix[i] != '?' && prefix[i] != code[i]) return false;
  return true;
}
}  // namespace

bool ValueSet::contains(std::string_view code) const {
  std::string c = normalize_code(code);
  if (c.empty()) return false;
  for (const auto& r : ranges) {
    if (r.to.empty()) {
      if (prefix_matches(c, r.from)) return true;
    } else if (c.size() >= r.from.size()) {
      std::string head = c.substr(0, r.from.size());
      if (head >= r.from && head <= r.to) return true;
    }
  }
  return false;
}

namespace {

// A ruleset's check reference, validated against the check registry: "" when valid, else
// why not. <support> names supporting evidence; <check> names anything else that judges.
std::string check_reference_problem(const std::string& id, bool as_support) {
  const CheckSpec* spec = find_check(id);
  if (!spec) return "unknown check id '" + id + "'" + (as_support ? " in <support>" : "");
  const bool evidence = spec->kind == CheckKind::supporting_evidence;
  if (as_support && !evidence)
    return "check '" + id + "' is " + to_string(spec->kind) + ", not supporting evidence, in <support>";
  if (!as_support && evidence)
    return "check '" + id + "' is supporting evidence: cite it with <support check=\"" + id + "\"/>";
  return "";
}

bool is_code_token(const std::string& s, bool wildcards = false) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || (wildcards && c == '?');
  });
}

// Parses "C00-C14 C410 D05" into ranges; "" on success, else the problem.
std::string parse_codes(const std::string& text, std::vector<CodeRange>& out) {
  for (const auto& token : split_list(text, ' ')) {
    auto dash = token.find('-');
    if (dash == std::string::npos) {
      std::string code = normalize_code(token);
      if (!is_code_token(code, true)) return "bad code '" + token + "'";
      out.push_back({code, ""});
      continue;
    }
    std::string from = normalize_code(token.substr(0, dash)), to = normalize_code(token.substr(dash + 1));
    if (!is_code_token(from) || !is_code_token(to) || from.size() != to.size() || from > to)
      return "bad range '" + token + "' (expected FROM-TO, same length, FROM <= TO)";
    out.push_back({from, to});
  }
  if (out.empty()) return "value set has no codes";
  return {};
}

bool parse_value_set(const XmlSource& src, pugi::xml_node el, ValueSet& vs, Result& r) {
  vs.id = trim(el.attribute("id").value());
  vs.label = trim(el.attribute("label").value());
  vs.phrase = trim(el.attribute("phrase").value());
  vs.line = src.line_of(el);
  if (vs.id.empty()) {
    r = fail(src, el, "<value-set> without id", ErrorCode::missing);
    return false;
  }
  std::string codes = std::string(el.attribute("codes").value()) + " " + el.child_value();
  if (std::string problem = parse_codes(codes, vs.ranges); !problem.empty()) {
    r = fail(src, el, "value set '" + vs.id + "': " + problem);
    return false;
  }
  return true;
}

// Reads a ruleset's elements; stops at the first problem (its line is in `r`).
class RulesetReader {
 public:
  RulesetReader(const XmlSource& src, Ruleset& rs, const std::vector<ValueSet>& shared)
      : src_(src), rs_(rs), shared_(shared) {}

  Result read(pugi::xml_node root) {
    Result r;
    if (std::string(root.name()) != "ruleset")
      return fail(src_, root, "root element must be <ruleset>, found <" + std::string(root.name()) + ">");
    rs_.header.ruleset_version = root.attribute("version").value();
    rs_.header.file = src_.label();
    bool have_policy = false, have_criteria = false;
    for (auto el : root.children()) {
      if (el.type() != pugi::node_element) continue;
      std::string name = el.name();
      if (name == "policy") {
        if (have_policy) return fail(src_, el, "second <policy> header");
        if (!read_header(el, r)) return r;
        have_policy = true;
      } else if (name == "value-set") {
        ValueSet vs;
        if (!parse_value_set(src_, el, vs, r)) return r;
        rs_.value_sets.push_back(std::move(vs));
      } else if (name == "criteria" || name == "exclusions") {
        if ((name == "criteria" && have_criteria) || (name == "exclusions" && rs_.exclusions))
          return fail(src_, el, "second <" + name + ">");
        RuleNode node;
        reading_exclusions_ = name == "exclusions";
        const bool read = read_group(el, node, name == "criteria" ? "all" : "any", r);
        reading_exclusions_ = false;
        if (!read) return r;
        if (name == "criteria") {
          rs_.criteria = std::move(node);
          have_criteria = true;
        } else
          rs_.exclusions = std::move(node);
      } else if (name == "documentation") {
        for (auto item : el.children()) {
          if (item.type() != pugi::node_element) continue;
          if (std::string(item.name()) != "item")
            return fail(
                src_, item,
                "unknown element <" + std::string(item.name()) + "> in <documentation> (expected <item>)");
          DocumentationRequirement req;
          if (!read_criterion(item, req.node, r)) return r;
          std::string required = item.attribute("required").as_string("true");
          if (required != "true" && required != "false")
            return fail(src_, item, "required must be true or false");
          req.required = required == "true";
          req.only_lines = split_list(lower(item.attribute("lines").value()), ' ');
          req.except_lines = split_list(lower(item.attribute("except-lines").value()), ' ');
          rs_.documentation.push_back(std::move(req));
        }
      } else if (name == "procedure-codes") {
        for (auto code : el.children()) {
          if (code.type() != pugi::node_element) continue;
          if (std::string(code.name()) != "code")
            return fail(
                src_, code,
                "unknown element <" + std::string(code.name()) + "> in <procedure-codes> (expected <code>)");
          std::string value = normalize_code(code.attribute("value").value());
          if (!is_code_token(value)) return fail(src_, code, "<code> without a valid value");
          rs_.procedure_codes.push_back({value, trim(code.child_value())});
        }
      } else if (name == "note") {
        rs_.notes.push_back(trim(el.child_value()));
      } else {
        return fail(src_, el, "unknown element <" + name + "> in <ruleset>");
      }
    }
    if (!have_policy) return fail(src_, root, "missing <policy> header", ErrorCode::missing);
    if (!have_criteria) return fail(src_, root, "missing <criteria>", ErrorCode::missing);
    // A value set the ruleset defines but never tests is a mistake (a typo in an id, a site
    // dropped from the tree): refuse it rather than ship a silent gap.
    for (const auto& vs : rs_.value_sets) {
      bool used = std::any_of(value_set_refs_.begin(), value_set_refs_.end(),
                              [&](const auto& ref) { return ref.first == vs.id; });
      if (!used)
        return {false, src_.label(), vs.line, "value set '" + vs.id + "' is defined but no criterion uses it",
                ErrorCode::unused_definition};
    }
    // Shared value sets fill in what the ruleset does not define itself.
    for (const auto& vs : shared_)
      if (!has_value_set(vs.id)) rs_.value_sets.push_back(vs);
    for (const auto& [id, line] : value_set_refs_)
      if (!has_value_set(id))
        return {false, src_.label(), line, "unknown value set '" + id + "'", ErrorCode::unknown_reference};
    return r;
  }

 private:
  bool has_value_set(const std::string& id) const {
    return std::any_of(rs_.value_sets.begin(), rs_.value_sets.end(),
                       [&](const ValueSet& v) { return v.id == id; });
  }

  bool read_header(pugi::xml_node el, Result& r) {
    auto& h = rs_.header;
    h.id = trim(el.attribute("id").value());
    if (h.id.empty()) {
      r = fail(src_, el, "<policy> without id");
      return false;
    }
    h.payer = trim(el.attribute("payer").value());
    h.payer_key = lower(trim(el.attribute("payer-key").value()));
    h.title = trim(el.attribute("title").value());
    h.revision_date = trim(el.attribute("revision").value());
    h.effective_from = trim(el.attribute("effective-from").value());
    h.effective_to = trim(el.attribute("effective-to").value());
    for (const auto* d : {&h.effective_from, &h.effective_to})
      if (!d->empty() && !is_iso_date(*d)) {
        r = fail(src_, el, "bad date '" + *d + "' (expected YYYY-MM-DD)");
        return false;
      }
    h.lines_of_business = split_list(lower(el.attribute("lines-of-business").value()), ' ');
    if (h.lines_of_business.empty()) {
      r = fail(src_, el, "<policy> without lines-of-business");
      return false;
    }
    h.excluded_lines = split_list(lower(el.attribute("excluded-lines").value()), ' ');
    if (!read_applicability(el, h, r)) return false;
    std::string manual = el.attribute("manual-review").as_string("false");
    if (manual != "true" && manual != "false") {
      r = fail(src_, el, "manual-review must be true or false");
      return false;
    }
    h.manual_review = manual == "true";
    for (auto s : el.children()) {
      if (s.type() != pugi::node_element) continue;
      if (std::string(s.name()) != "source") {
        r = fail(src_, s, "unknown element <" + std::string(s.name()) + "> in <policy> (expected <source>)");
        return false;
      }
      h.sources.push_back({trim(s.attribute("label").value()), trim(s.attribute("url").value())});
    }
    return true;
  }

  // medicare-plans, jurisdiction, delivery, requires-procedure (rulesets/README.md "Header").
  bool read_applicability(pugi::xml_node el, PolicyHeader& h, Result& r) {
    for (const auto& p : split_list(lower(el.attribute("medicare-plans").value()), ' ')) {
      if (p == "advantage")
        h.medicare_plans.push_back(MedicarePlan::advantage);
      else if (p == "original")
        h.medicare_plans.push_back(MedicarePlan::original);
      else {
        r = fail(src_, el, "unknown medicare plan '" + p + "' (expected advantage, original)");
        return false;
      }
    }
    for (const auto& st : split_list(el.attribute("jurisdiction").value(), ' ')) {
      if (st.size() != 2 || !std::isupper(static_cast<unsigned char>(st[0])) ||
          !std::isupper(static_cast<unsigned char>(st[1]))) {
        r = fail(src_, el, "bad jurisdiction '" + st + "' (expected two-letter state codes, e.g. FL)");
        return false;
      }
      h.jurisdictions.push_back(st);
    }
    for (const auto& d : split_list(lower(el.attribute("delivery").value()), ' ')) {
      auto k = delivery_from(d);
      if (!k) {
        r = fail(src_, el,
                 "unknown delivery '" + d + "' (expected photon, electron, ion, brachy, gamma-knife)");
        return false;
      }
      h.deliveries.push_back(*k);
    }
    for (const auto& c : split_list(el.attribute("requires-procedure").value(), ' ')) {
      std::string code = normalize_code(c);
      if (code.size() != 5 || !is_code_token(code)) {
        r = fail(src_, el, "bad procedure code '" + c + "' in requires-procedure");
        return false;
      }
      h.required_procedures.push_back(code);
    }
    return true;
  }

  static std::optional<DeliveryClass> delivery_from(const std::string& s) {
    for (DeliveryClass k : {DeliveryClass::photon, DeliveryClass::electron, DeliveryClass::ion,
                            DeliveryClass::brachy, DeliveryClass::gamma_knife})
      if (s == to_string(k)) return k;
    return std::nullopt;
  }

  bool register_id(pugi::xml_node el, const std::string& id, Result& r) {
    if (id.empty()) {
      r = fail(
          src_, el,
          "<" + std::string(el.name()) + "> without id (every criterion carries the policy's outline id)",
          ErrorCode::missing);
      return false;
    }
    if (!ids_.insert(id).second) {
      r = fail(src_, el, "duplicate outline id '" + id + "'", ErrorCode::duplicate);
      return false;
    }
    return true;
  }

  bool read_group_type(pugi::xml_node el, RuleNode& node, const std::string& def, Result& r) {
    std::string type = el.attribute("type").as_string(def.c_str());
    if (type == "at-least") {
      node.kind = RuleKind::at_least;
      node.at_least = el.attribute("n").as_int(0);
      if (node.at_least < 1) {
        r = fail(src_, el, "at-least needs n >= 1");
        return false;
      }
    } else if (type == "all" || type == "any" || type == "none") {
      node.kind = type == "all" ? RuleKind::all : type == "any" ? RuleKind::any : RuleKind::none;
    } else {
      r = fail(src_, el, "unknown group type '" + type + "' (expected all, any, none or at-least)");
      return false;
    }
    std::string list = el.attribute("list").as_string("closed");
    if (list != "closed" && node.kind != RuleKind::any) {
      r = fail(src_, el, "list=\"" + list + "\" needs type=\"any\" (a list of alternatives)");
      return false;
    }
    if (list == "closed")
      node.list = ListKind::closed;
    else if (list == "open")
      node.list = ListKind::open;
    else if (list == "examples")
      node.list = ListKind::examples;
    else {
      r = fail(src_, el, "unknown list '" + list + "' (expected closed, open or examples)");
      return false;
    }
    return true;
  }

  void common(pugi::xml_node el, RuleNode& node) {
    node.outline_id = trim(el.attribute("id").value());
    node.text = trim(el.attribute("text").value());
    node.citation = trim(el.attribute("cite").value());
    if (node.citation.empty() && !node.outline_id.empty())
      node.citation = rs_.header.id + " " + node.outline_id;
    node.line = src_.line_of(el);
  }

  // <criteria>, <exclusions>, <group>: children are groups and criteria.
  bool read_group(pugi::xml_node el, RuleNode& node, const std::string& def, Result& r) {
    common(el, node);
    if (!register_id(el, node.outline_id, r)) return false;
    if (!read_group_type(el, node, def, r)) return false;
    for (auto c : el.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      RuleNode child;
      if (name == "group") {
        if (!read_group(c, child, "all", r)) return false;
      } else if (name == "criterion") {
        if (!read_criterion(c, child, r)) return false;
      } else if (name == "support") {
        if (!read_support(c, node, r)) return false;
        continue;
      } else {
        r = fail(src_, c,
                 "unknown element <" + name + "> in <" + std::string(el.name()) +
                     "> (expected <group>, <criterion> or <support>)");
        return false;
      }
      node.children.push_back(std::move(child));
    }
    if (node.children.empty()) {
      r = fail(src_, el, "group '" + node.outline_id + "' has no criteria");
      return false;
    }
    if (node.kind == RuleKind::at_least && node.at_least > static_cast<int>(node.children.size())) {
      r = fail(src_, el,
               "at-least n=" + std::to_string(node.at_least) + " but only " +
                   std::to_string(node.children.size()) + " children");
      return false;
    }
    return true;
  }

  // <criterion> / <item>: an outline id, text, and tests (all by default).
  bool read_criterion(pugi::xml_node el, RuleNode& node, Result& r) {
    common(el, node);
    if (!register_id(el, node.outline_id, r)) return false;
    criterion_id_ = node.outline_id;  // criteria do not nest: the one being read
    node.kind = RuleKind::criterion;
    RuleNode combo;
    if (!read_group_type(el, combo, "all", r)) return false;
    node.at_least = combo.kind == RuleKind::at_least ? combo.at_least : 0;
    RuleKind type = combo.kind;
    if (!read_tests(el, node, r)) return false;
    if (node.children.empty()) {
      r = fail(src_, el, "criterion '" + node.outline_id + "' has no test");
      return false;
    }
    // A criterion keeps kind "criterion"; how its tests combine is stored in a wrapper
    // only when it is not the default.
    if (type != RuleKind::all) {
      RuleNode wrapper;
      wrapper.kind = type;
      wrapper.list = combo.list;
      wrapper.at_least = combo.at_least;
      wrapper.line = node.line;
      wrapper.children = std::move(node.children);
      node.children.clear();
      node.children.push_back(std::move(wrapper));
    }
    return true;
  }

  // <support check="SUPPORT_..."/> or <support diagnosis="value-set-id"/>: shown, never deciding.
  bool read_support(pugi::xml_node c, RuleNode& node, Result& r) {
    if (c.attribute("diagnosis")) {
      std::string vs = trim(c.attribute("diagnosis").value());
      value_set_refs_.emplace_back(vs, src_.line_of(c));
      node.support_value_sets.push_back(vs);
      return true;
    }
    std::string id = trim(c.attribute("check").value());
    if (std::string problem = check_reference_problem(id, true); !problem.empty()) {
      r = fail(src_, c, problem, ErrorCode::unknown_reference);
      return false;
    }
    node.support_check_ids.push_back(id);
    return true;
  }

  bool read_tests(pugi::xml_node el, RuleNode& node, Result& r) {
    for (auto c : el.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      if (name == "support") {
        if (!read_support(c, node, r)) return false;
        continue;
      }
      RuleNode t;
      auto kind = test_kind(name);
      if (!kind) {
        r = fail(src_, c, "unknown element <" + name + "> in <" + std::string(el.name()) + ">",
                 ErrorCode::unknown_element);
        return false;
      }
      t.kind = *kind;
      t.line = src_.line_of(c);
      t.text = trim(c.attribute("text").value());
      if (!read_test(c, t, r)) return false;
      node.children.push_back(std::move(t));
    }
    return true;
  }

  // The attributes (and children) of one test element `c`, by its kind.
  bool read_test(pugi::xml_node c, RuleNode& t, Result& r) {
    switch (t.kind) {
      case RuleKind::all:
      case RuleKind::any:
      case RuleKind::none:
      case RuleKind::at_least:
        return read_combination_test(c, t, r);
      case RuleKind::check:
        return read_check_test(c, t, r);
      case RuleKind::fact:
        return read_fact_test(c, t, r);
      case RuleKind::diagnosis:
        t.value_set = trim(c.attribute("in").value());
        if (t.value_set.empty()) {
          r = fail(src_, c, "<diagnosis> without in=\"value-set-id\"");
          return false;
        }
        value_set_refs_.emplace_back(t.value_set, t.line);
        return true;
      case RuleKind::age:
        return read_age_test(c, t, r);
      case RuleKind::document:
        return read_document_test(c, t, r);
      case RuleKind::asserted:
        t.asserted_id = trim(c.attribute("criterion").value());
        // Without criterion="...": the enclosing criterion's id, also from inside an <any> or <all>.
        if (t.asserted_id.empty()) t.asserted_id = criterion_id_;
        // if-absent="unknown": an indication the clinician must either assert or deny (its
        // absence is missing documentation, not a denial).
        if (c.attribute("if-absent")) {
          if (reading_exclusions_) {  // an unaddressed exclusion has its own rule (exclusions-reviewed)
            r = fail(src_, c, "<asserted if-absent> is for indications, not inside <exclusions>");
            return false;
          }
          const std::string_view if_absent = c.attribute("if-absent").value();
          if (if_absent != "unknown" && if_absent != "not-met") {
            r = fail(src_, c, "<asserted> if-absent must be unknown or not-met");
            return false;
          }
          t.if_absent = if_absent == "unknown" ? Truth::unknown : Truth::not_met;
        }
        return true;
      case RuleKind::line_of_business:
        t.negate = c.attribute("not-in");
        t.lines = split_list(lower(c.attribute(t.negate ? "not-in" : "in").value()), ' ');
        if (t.lines.empty()) {
          r = fail(src_, c, "<line-of-business> needs in=\"...\" or not-in=\"...\"");
          return false;
        }
        return true;
      case RuleKind::manual:
        if (t.text.empty()) t.text = trim(c.child_value());
        return true;
      case RuleKind::criterion:  // an <item>, never a test element (test_kind does not give it)
        break;
    }
    return true;
  }

  bool read_combination_test(pugi::xml_node c, RuleNode& t, Result& r) {
    if (t.kind == RuleKind::at_least) {
      t.at_least = c.attribute("n").as_int(0);
      if (t.at_least < 1) {
        r = fail(src_, c, "at-least needs n >= 1");
        return false;
      }
    }
    if (!read_tests(c, t, r)) return false;
    if (t.children.empty()) {
      r = fail(src_, c, "<" + std::string(c.name()) + "> has no test");
      return false;
    }
    return true;
  }

  bool read_check_test(pugi::xml_node c, RuleNode& t, Result& r) {
    t.check_id = trim(c.attribute("id").value());
    if (std::string problem = check_reference_problem(t.check_id, false); !problem.empty()) {
      r = fail(src_, c, problem, ErrorCode::unknown_reference);
      return false;
    }
    t.check_status = lower(c.attribute("status").as_string("pass"));
    for (const auto& s : split_list(t.check_status, ' '))
      if (s != "pass" && s != "fail" && s != "not_evaluable" && s != "info") {
        r = fail(src_, c, "unknown check status '" + s + "'");
        return false;
      }
    return true;
  }

  bool read_fact_test(pugi::xml_node c, RuleNode& t, Result& r) {
    t.fact = trim(c.attribute("name").value());
    const auto& facts = known_case_facts();
    if (std::find(facts.begin(), facts.end(), t.fact) == facts.end() && !check_providing_fact(t.fact)) {
      r = fail(src_, c, "unknown fact '" + t.fact + "' (known: " + join_nonempty(facts, ", ") + ")",
               ErrorCode::unknown_reference);
      return false;
    }
    t.fact_value = lower(c.attribute("value").as_string("true"));
    if (!c.attribute("if-absent")) return true;
    const std::string if_absent = c.attribute("if-absent").value();
    if (if_absent != "met" && if_absent != "not-met") {
      r = fail(src_, c, "if-absent must be met or not-met");
      return false;
    }
    t.if_absent = if_absent == "met" ? Truth::met : Truth::not_met;
    return true;
  }

  bool read_age_test(pugi::xml_node c, RuleNode& t, Result& r) {
    for (const char* op : {"lt", "le", "gt", "ge"})
      if (c.attribute(op)) {
        t.age_op = op;
        t.age_years = c.attribute(op).as_double(-1);
      }
    if (t.age_op.empty() || t.age_years < 0) {
      r = fail(src_, c, "<age> needs one of lt, le, gt, ge with a number of years");
      return false;
    }
    return true;
  }

  bool read_document_test(pugi::xml_node c, RuleNode& t, Result& r) {
    t.document_kinds = split_list(lower(c.attribute("kinds").value()), ' ');
    if (t.document_kinds.empty()) {
      r = fail(src_, c, "<document> without kinds");
      return false;
    }
    t.window_months = c.attribute("within-months").as_int(0);
    if (t.window_months < 0) {
      r = fail(src_, c, "within-months must be >= 0");
      return false;
    }
    const auto& known = known_document_kinds();
    for (const auto& k : t.document_kinds)
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        r = fail(src_, c, "unknown document kind '" + k + "' (known: " + join_nonempty(known, ", ") + ")",
                 ErrorCode::unknown_reference);
        return false;
      }
    t.signer_roles = split_list(lower(c.attribute("signers").value()), ';');
    const std::string from = c.attribute("window-from").as_string("service");
    if (from != "service" && from != "request") {
      r = fail(src_, c, "window-from must be service or request");
      return false;
    }
    t.window_from = from == "request" ? WindowFrom::request_date : WindowFrom::date_of_service;
    const std::string dated = c.attribute("signature-dated").as_string("false");
    if (dated != "true" && dated != "false") {
      r = fail(src_, c, "signature-dated must be true or false");
      return false;
    }
    t.signature_dated = dated == "true";
    return true;
  }

  static std::optional<RuleKind> test_kind(const std::string& name) {
    static const std::pair<const char*, RuleKind> kinds[] = {{"all", RuleKind::all},
                                                             {"any", RuleKind::any},
                                                             {"none", RuleKind::none},
                                                             {"at-least", RuleKind::at_least},
                                                             {"check", RuleKind::check},
                                                             {"fact", RuleKind::fact},
                                                             {"diagnosis", RuleKind::diagnosis},
                                                             {"age", RuleKind::age},
                                                             {"document", RuleKind::document},
                                                             {"asserted", RuleKind::asserted},
                                                             {"line-of-business", RuleKind::line_of_business},
                                                             {"manual", RuleKind::manual}};
    for (const auto& [n, k] : kinds)
      if (name == n) return k;
    return std::nullopt;
  }

  const XmlSource& src_;
  Ruleset& rs_;
  const std::vector<ValueSet>& shared_;
  std::set<std::string> ids_;
  std::vector<std::pair<std::string, int>> value_set_refs_;
  std::string criterion_id_;  // the outline id of the <criterion> or <item> being read
  bool reading_exclusions_ = false;
};

}  // namespace

ValueSetsLoad parse_value_sets(std::string_view xml, const std::string& file_label) {
  ValueSetsLoad out;
  XmlSource src(std::string(xml), file_label);
  pugi::xml_document doc;
  if (!src.parse(doc, out.result)) return out;
  auto root = doc.document_element();
  if (std::string(root.name()) != "value-sets") {
    out.result = fail(src, root, "root element must be <value-sets>");
    return out;
  }
  for (auto el : root.children()) {
    if (el.type() != pugi::node_element) continue;
    if (std::string(el.name()) != "value-set") {
      out.result = fail(src, el, "unknown element <" + std::string(el.name()) + "> in <value-sets>");
      out.value_sets.clear();
      return out;
    }
    ValueSet vs;
    if (!parse_value_set(src, el, vs, out.result)) {
      out.value_sets.clear();
      return out;
    }
    out.value_sets.push_back(std::move(vs));
  }
  return out;
}

ValueSetsLoad load_value_sets(const std::filesystem::path& file) {
  ValueSetsLoad out;
  std::string text;
  if (!read_text_file(file, text, out.result)) return out;
  return parse_value_sets(text, file.string());
}

RulesetLoad parse_ruleset(std::string_view xml, const std::string& file_label,
                          const std::vector<ValueSet>& shared) {
  RulesetLoad out;
  XmlSource src(std::string(xml), file_label);
  pugi::xml_document doc;
  if (!src.parse(doc, out.result)) return out;
  static const std::vector<std::pair<std::string, std::vector<std::string>>> allowed = {
      {"ruleset", {"version"}},
      {"policy",
       {"id", "payer", "payer-key", "title", "revision", "effective-from", "effective-to",
        "lines-of-business", "excluded-lines", "manual-review", "medicare-plans", "jurisdiction", "delivery",
        "requires-procedure"}},
      {"source", {"label", "url"}},
      {"value-set", {"id", "label", "codes", "phrase"}},
      {"criteria", {"id", "type", "n", "text", "cite", "list"}},
      {"exclusions", {"id", "type", "n", "text", "cite", "list"}},
      {"group", {"id", "type", "n", "text", "cite", "list"}},
      {"criterion", {"id", "type", "n", "text", "cite", "list"}},
      {"item", {"id", "type", "n", "text", "cite", "required", "lines", "except-lines"}},
      {"support", {"check", "diagnosis"}},
      {"all", {"text"}},
      {"any", {"text"}},
      {"none", {"text"}},
      {"at-least", {"n", "text"}},
      {"check", {"id", "status", "text"}},
      {"fact", {"name", "value", "text", "if-absent"}},
      {"diagnosis", {"in", "text"}},
      {"age", {"lt", "le", "gt", "ge", "text"}},
      {"document", {"kinds", "within-months", "signers", "text", "window-from", "signature-dated"}},
      {"asserted", {"criterion", "text", "if-absent"}},
      {"line-of-business", {"in", "not-in", "text"}},
      {"manual", {"text"}},
      {"documentation", {}},
      {"procedure-codes", {}},
      {"code", {"value"}},
      {"note", {}},
  };
  if (!check_attributes(src, doc.document_element(), allowed, out.result)) return out;
  RulesetReader reader(src, out.ruleset, shared);
  out.result = reader.read(doc.document_element());
  if (!out.result) out.ruleset = Ruleset{};
  return out;
}

RulesetLoad load_ruleset(const std::filesystem::path& file, const std::vector<ValueSet>& shared) {
  RulesetLoad out;
  std::string text;
  if (!read_text_file(file, text, out.result)) return out;
  return parse_ruleset(text, file.string(), shared);
}

namespace {

void collect_value_set_refs(const RuleNode& n, std::set<std::string>& out) {
  if (!n.value_set.empty()) out.insert(n.value_set);
  out.insert(n.support_value_sets.begin(), n.support_value_sets.end());
  for (const auto& c : n.children) collect_value_set_refs(c, out);
}

// A shared site set no ruleset tests is a mistake (a site dropped from every tree). Judged only
// when every ruleset loaded: a broken one would otherwise make its sets look unused.
std::optional<Result> unused_shared_value_set(const std::string& file, const std::vector<ValueSet>& shared,
                                              const std::vector<RulesetLoad>& loads) {
  std::set<std::string> used = {"malignant-solid", "haematological"};  // read by the evaluator
  for (const auto& l : loads) {
    if (!l.result) return std::nullopt;
    collect_value_set_refs(l.ruleset.criteria, used);
    if (l.ruleset.exclusions) collect_value_set_refs(*l.ruleset.exclusions, used);
    for (const auto& d : l.ruleset.documentation) collect_value_set_refs(d.node, used);
  }
  for (const auto& vs : shared)
    if (!used.count(vs.id))
      return Result{false, file, vs.line, "value set '" + vs.id + "' is defined but no ruleset uses it",
                    ErrorCode::unused_definition};
  return std::nullopt;
}

}  // namespace

std::vector<RulesetLoad> load_ruleset_dir(const std::filesystem::path& dir) {
  std::vector<RulesetLoad> out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".xml") files.push_back(entry.path());
  if (ec) {
    RulesetLoad failed;
    failed.result = {false, dir.string(), 0, "cannot list ruleset folder: " + ec.message()};
    out.push_back(std::move(failed));
    return out;
  }
  std::sort(files.begin(), files.end());
  SharedTablesLoad tables = load_shared_tables(dir);
  if (!tables.result) {
    RulesetLoad failed;
    failed.result = tables.result;
    out.push_back(std::move(failed));
  }
  std::vector<ValueSet> shared;
  const auto shared_file = dir / "disease-sites.xml";
  if (std::filesystem::exists(shared_file)) {
    auto loaded = load_value_sets(shared_file);
    if (!loaded.result) {
      RulesetLoad failed;
      failed.result = loaded.result;
      out.push_back(std::move(failed));
    }
    shared = std::move(loaded.value_sets);
  }
  for (const auto& f : files) {
    if (is_shared_table_file(f)) continue;
    out.push_back(load_ruleset(f, shared));
    if (out.back().result) out.back().ruleset.tables = tables.tables;
  }
  if (auto unused = unused_shared_value_set(shared_file.string(), shared, out)) {
    RulesetLoad failed;
    failed.result = *unused;
    out.push_back(std::move(failed));
  }
  return out;
}

}  // namespace rtreview
