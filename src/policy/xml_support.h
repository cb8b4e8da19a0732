// Private helpers shared by the ruleset and case-file readers: pugixml stays here.
#pragma once

// GCC 12 reports a false -Wrestrict on "literal" + std::string at -O2 (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <filesystem>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/policy.h"
#include "rtreview/text.h"

namespace rtreview::policy_detail {

using rtreview::join_nonempty;

// A loaded XML text with the means to turn pugixml offsets into 1-based line numbers.
class XmlSource {
 public:
  XmlSource(std::string text, std::string label);
  const std::string& label() const { return label_; }
  // Parses; on failure fills `result` (file, line, description) and returns false.
  bool parse(pugi::xml_document& doc, Result& result) const;
  int line_of(pugi::xml_node node) const { return line_at(node.offset_debug()); }
  int line_at(std::ptrdiff_t offset) const;

 private:
  std::string text_;
  std::string label_;
  std::vector<std::size_t> newlines_;  // offsets of every '\n': line_at is a binary search
};

// Reads a whole file; false and a message (no line) if it cannot be read.
bool read_text_file(const std::filesystem::path& file, std::string& text, Result& result);

Result fail(const XmlSource& src, pugi::xml_node node, std::string description,
            ErrorCode code = ErrorCode::bad_value);

// Walks every element under `root`; the first attribute not allowed for its element
// (elements absent from `allowed` are left to the reader) fails with file and line.
bool check_attributes(const XmlSource& src, pugi::xml_node root,
                      const std::vector<std::pair<std::string, std::vector<std::string>>>& allowed,
                      Result& result);

// disease-sites.xml, signer-roles.xml, procedure-code-changes.xml: tables, not rulesets.
bool is_shared_table_file(const std::filesystem::path& file);

std::string trim(std::string_view s);
std::string lower(std::string_view s);
std::vector<std::string> split_list(std::string_view s, char sep);  // trimmed, empty items dropped
bool is_iso_date(std::string_view s);                               // YYYY-MM-DD, a real calendar day
int days_in_month(int year, int month);
// ICD-10-CM shape: a letter, two characters (digit, digit or letter: C7A), then optionally a
// dot and up to 4 characters. Accepts the code with or without the dot.
bool is_icd10cm_shape(std::string_view code);
// The ids in `candidates` closest to `wanted` (edit distance, then shared prefix), at most `n`.
std::vector<std::string> nearest(const std::string& wanted, const std::vector<std::string>& candidates,
                                 std::size_t n = 3);
std::string normalize_code(std::string_view code);  // upper case, dots and spaces removed

}  // namespace rtreview::policy_detail
