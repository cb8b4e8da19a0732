// Private helpers shared by the check implementations: deterministic number
// formatting, finding construction and small string utilities. Findings cite no payer
// text: the rulesets that use a check cite their own sentences (review/ fills Finding::citation).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/finding.h"
#include "rtreview/model.h"
#include "rtreview/text.h"

// GCC 12 reports a false -Wrestrict on `"literal" + std::string` once inlined (GCC bug
// 105329); the checks build their messages that way, so the warning is off in this module.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace rtreview::checks_detail {

using rtreview::join;

// `value` with at most `decimals` decimals, trailing zeros removed ("10", "2.5", "-0" -> "0").
std::string num(double value, int decimals = 2);
// num(value) + " " + unit.
std::string num_unit(double value, const std::string& unit, int decimals = 2);
// "x, y, z mm".
std::string point_text(const Point3& p);

// Two gantry (or collimator, couch) angles closer than this are the same angle.
inline constexpr double angle_tolerance_deg = 0.01;
// The rotation from `from_deg` to `to_deg` in `direction` (CW / CC), in [0, 360);
// a full turn within the tolerance counts as none.
double rotation_step_deg(double from_deg, double to_deg, const std::string& direction);

// Whether a beam's TreatmentDeliveryType delivers treatment (TREATMENT, CONTINUATION, or absent).
bool is_treatment_delivery(const std::string& type);

// Upper-cased copy (ASCII).
std::string upper(std::string_view s);
// Lower-cased copy with every character that is not a letter or digit removed.
std::string squash(std::string_view s);
// "a, b, c".

// "plan <label>" / "plan set <id>" for subjects.
std::string plan_subject(const PlanSet& plan_set);
// "RTSTRUCT <label>" (or the file name / UID when the label is empty).
std::string structure_set_subject(const StructureSet& structure_set);
// "RTDOSE <file name>" (or UID when no file).
std::string dose_subject(const DoseGrid& dose);

}  // namespace rtreview::checks_detail
