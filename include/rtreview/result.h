// The one error convention for infrastructure, after pugixml's xml_parse_result: a Result
// is true on success; otherwise it names the file, the 1-based line (0 when the problem is
// not tied to a line), the problem in lower case, and a code a caller can branch on.
// Rulesets, case files, the structure vocabulary, option checks, output writing and PDF
// rendering all report through it. Problems in the DICOM being reviewed are not errors:
// they are findings (finding.h), so one bad file never stops a run.
#pragma once

#include <string>
#include <utility>

namespace rtreview {

enum class ErrorCode {
  none,
  // reading a file
  cannot_read,    // missing or unreadable
  malformed_xml,  // pugixml could not parse it
  // rulesets, shared tables, case files
  unknown_element,       // element not in the format
  unknown_attribute,     // attribute not allowed on its element
  bad_value,             // a value of the wrong shape (number, enum, code, NPI ...)
  bad_date,              // not YYYY-MM-DD or not a calendar day (2026-02-30)
  missing,               // a required element or attribute is absent
  duplicate,             // an id defined twice
  unknown_reference,     // a value set, fact, check id, document kind or role that does not exist
  unused_definition,     // a ruleset defines a value set nothing uses
  unknown_criterion,     // a case file names a criterion no ruleset has
  unknown_policy,        // a policy id or "POLICY:" prefix that names no ruleset
  wrong_assertion_kind,  // an exclusion asserted through <indication>, or the reverse
  // producing output
  bad_option,     // an option or request that cannot be honoured (e.g. determinations without a case)
  cannot_write,   // an output file or folder could not be written
  render_failed,  // cairo could not render the PDF
  network,        // a listening socket or the DICOM network could not be opened
};

struct Result {
  bool ok = true;
  std::string file;  // the file concerned ("" when none)
  int line = 0;
  std::string description;  // lower case, e.g. "unknown element <critrion>"
  ErrorCode code = ErrorCode::none;

  explicit operator bool() const { return ok; }
  // "file:line: error: description" ("file: error: ...", or "error: ..." without a file);
  // "" when ok.
  std::string message() const;

  static Result failure(ErrorCode code, std::string file, std::string description, int line = 0) {
    return Result{false, std::move(file), line, std::move(description), code};
  }
};

}  // namespace rtreview
