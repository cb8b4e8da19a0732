// Helpers for the review-packet tests (e2e, browser, corpus): file reading and a
// validator for the subset of JSON Schema (draft 2020-12) that
// src/render/packet.schema.json uses: type, const, enum, properties, required,
// additionalProperties: false, items, minItems, maxItems, pattern, anyOf, $ref "#/$defs/...".
// Any other keyword in the schema is reported as unsupported, so the validator
// never silently accepts what it cannot check.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rtreview::test {

inline std::string read_file_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SchemaValidator {
 public:
  explicit SchemaValidator(nlohmann::json schema) : root_(std::move(schema)) {}

  // Problems found, "path: message" each; empty when `doc` is valid.
  std::vector<std::string> validate(const nlohmann::json& doc) {
    errors_.clear();
    check(doc, root_, "$");
    return errors_;
  }

 private:
  static bool has_type(const nlohmann::json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    if (t == "integer")
      return v.is_number_integer() ||
             (v.is_number_float() && v.get<double>() == static_cast<long long>(v.get<double>()));
    if (t == "number") return v.is_number();
    return false;
  }

  void check(const nlohmann::json& v, const nlohmann::json& s, const std::string& path) {
    static const std::set<std::string> known = {
        "$schema", "$id",      "title",      "description", "type",
        "const",   "enum",     "properties", "required",    "additionalProperties",
        "items",   "minItems", "maxItems",   "pattern",     "anyOf",
        "$ref",    "$defs"};
    for (auto it = s.begin(); it != s.end(); ++it)
      if (!known.count(it.key()))
        errors_.push_back(path + ": schema keyword '" + it.key() + "' not supported by the test validator");
    if (s.contains("$ref")) {
      std::string ref = s["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0 || !root_["$defs"].contains(ref.substr(prefix.size()))) {
        errors_.push_back(path + ": unresolvable $ref " + ref);
        return;
      }
      check(v, root_["$defs"][ref.substr(prefix.size())], path);
    }
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_string())
        ok = has_type(v, s["type"]);
      else
        for (const auto& t : s["type"]) ok = ok || has_type(v, t);
      if (!ok) {
        errors_.push_back(path + ": expected type " + s["type"].dump() + ", found " + v.type_name());
        return;
      }
    }
    if (s.contains("const") && v != s["const"]) errors_.push_back(path + ": expected " + s["const"].dump());
    if (s.contains("enum")) {
      bool found = false;
      for (const auto& e : s["enum"]) found = found || e == v;
      if (!found) errors_.push_back(path + ": " + v.dump() + " not in " + s["enum"].dump());
    }
    if (s.contains("pattern") && v.is_string() &&
        !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>())))
      errors_.push_back(path + ": '" + v.get<std::string>() + "' does not match " +
                        s["pattern"].get<std::string>());
    if (s.contains("anyOf")) {
      bool any = false;
      for (const auto& alt : s["anyOf"]) {
        SchemaValidator sub(root_);
        if (sub.validate_at(v, alt).empty()) any = true;
      }
      if (!any) errors_.push_back(path + ": matches none of anyOf");
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (const auto& r : s["required"])
          if (!v.contains(r.get<std::string>()))
            errors_.push_back(path + ": missing required key '" + r.get<std::string>() + "'");
      const nlohmann::json* props = s.contains("properties") ? &s["properties"] : nullptr;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (props && props->contains(it.key()))
          check(it.value(), (*props)[it.key()], path + "." + it.key());
        else if (s.contains("additionalProperties") && s["additionalProperties"] == false)
          errors_.push_back(path + ": unexpected key '" + it.key() + "'");
      }
    }
    if (v.is_array()) {
      if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
        errors_.push_back(path + ": too few items");
      if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>())
        errors_.push_back(path + ": too many items");
      if (s.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i)
          check(v[i], s["items"], path + "[" + std::to_string(i) + "]");
    }
  }

  std::vector<std::string> validate_at(const nlohmann::json& v, const nlohmann::json& s) {
    errors_.clear();
    check(v, s, "$");
    return errors_;
  }

  nlohmann::json root_;
  std::vector<std::string> errors_;
};

// The schema shipped with the packet renderer.
inline std::filesystem::path packet_schema_path(const std::filesystem::path& source_dir) {
  return source_dir / "src" / "render" / "packet.schema.json";
}

}  // namespace rtreview::test
