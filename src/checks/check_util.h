// Private helpers shared by the check implementations: deterministic number
// formatting, finding construction, citations and small string utilities.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/finding.h"
#include "rtreview/model.h"

// GCC 12 reports a false -Wrestrict on `"literal" + std::string` once inlined (GCC bug
// 105329); the checks build their messages that way, so the warning is off in this module.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace rtreview::checks_detail {

// Policy citations (seed ids and sections).
inline constexpr const char* cite_mc_background = "MC.CP.MP.69 Background";
inline constexpr const char* cite_lcd_doc_1 =
    "LCD (FL) Documentation Requirements 1";  // Rx with dose constraints
inline constexpr const char* cite_lcd_doc_3 = "LCD (FL) Documentation Requirements 3";  // signed/dated review
inline constexpr const char* cite_lcd_doc_4 =
    "LCD (FL) Documentation Requirements 4";  // DVHs for all targets/OARs
inline constexpr const char* cite_lcd_doc_5 =
    "LCD (FL) Documentation Requirements 5";  // number/location of portals
inline constexpr const char* cite_lcd_doc_7 = "LCD (FL) Documentation Requirements 7";  // compensator design
inline constexpr const char* cite_mc_criteria_i = "MC.CP.MP.69 I.A";                    // clinical conditions
inline constexpr const char* cite_cp_reirradiation = "CP.MP.69 I.D";                    // re-irradiation

// `value` with at most `decimals` decimals, trailing zeros removed ("10", "2.5", "-0" -> "0").
std::string num(double value, int decimals = 2);
// num(value) + " " + unit.
std::string num_unit(double value, const std::string& unit, int decimals = 2);
// "x, y, z mm".
std::string point_text(const Point3& p);

Finding make_finding(std::string_view id, Status status, Severity severity, std::string subject,
                     std::string message, std::string rule, std::string citation);

// Upper-cased copy (ASCII).
std::string upper(std::string_view s);
// Lower-cased copy with every character that is not a letter or digit removed.
std::string squash(std::string_view s);
// "a, b, c".
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

// "plan <label>" / "plan set <id>" for subjects.
std::string plan_subject(const PlanSet& plan_set);
// "RTSTRUCT <label>" (or the file name / UID when the label is empty).
std::string structure_set_subject(const StructureSet& structure_set);
// "RTDOSE <file name>" (or UID when no file).
std::string dose_subject(const DoseGrid& dose);

}  // namespace rtreview::checks_detail
