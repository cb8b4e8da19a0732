// Where the shipped rulesets (policies, ICD-10 site table, structure vocabulary) are.
// One place for the rule, so the policies and the structure vocabulary can never come
// from two different folders.
#pragma once

#include <filesystem>

namespace rtreview {

// The rulesets folder, first that exists of:
//   1. $RTREVIEW_RULESET_DIR (when set and not empty; used as given, even if missing),
//   2. <folder of the executable>/../share/rtreview/rulesets   (an installed binary),
//   3. <folder of the executable>/../rulesets                  (a build folder inside the tree),
//   4. the source tree's rulesets/ as configured at build time.
// An explicit --rulesets DIR replaces all of these (callers pass it instead).
std::filesystem::path default_ruleset_dir();

// `explicit_dir` when not empty, else default_ruleset_dir().
std::filesystem::path ruleset_dir_or_default(const std::filesystem::path& explicit_dir);

// The running executable's folder ("" when the OS does not say): /proc/self/exe on Linux.
// Files installed with the program are found relative to it (the rulesets above, the PDF
// renderer module of pdf_module.h), so an installed prefix can be moved.
std::filesystem::path executable_dir();

// File names inside a rulesets folder.
inline constexpr const char* structure_vocabulary_file = "structure-names.tsv";

}  // namespace rtreview
