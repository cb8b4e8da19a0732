// Small text helpers shared by the renderers (private to src/render).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rtreview/packet.h"
#include "rtreview/text.h"

namespace rtreview::render_detail {

using rtreview::join;

// Fixed-point text of `v` with `decimals` digits ("-" when not finite); never "-0".
std::string format_number(double v, int decimals);
// Same for an optional value ("-" when absent).
std::string format_number(const std::optional<double>& v, int decimals);
// At most `max_chars` code points of UTF-8 `text`, "…" appended when cut.
std::string truncate_utf8(const std::string& text, std::size_t max_chars);
// "a, b, c" ("" for none).
// DICOM PN "Doe^Jane^^Dr" → "Doe, Jane Dr" for display ("" stays "").
std::string display_person_name(const std::string& pn);

// Beam/portal table cells, identical in the HTML and the PDF:
// "0.0" for a static portal, "181.0→179.0 CW (358.0°)" for an arc.
std::string beam_gantry_text(const BeamSummary& beam);
// "x, y, z" in mm with one decimal, "-" when the beam has no isocentre.
std::string beam_isocenter_text(const BeamSummary& beam);
// Wedges, compensators (with or without thickness data), blocks and the MLC.
std::vector<std::string> beam_modifiers(const BeamSummary& beam);

// The plan's counts and course in one sentence, identical in the HTML and the PDF: portals,
// arcs, isocentres, then the prescription per fraction group (a boost is its own group:
// doses and MU per fraction are never summed across groups) and the course's MU.
std::string plan_course_text(const PlanSummary& summary);

}  // namespace rtreview::render_detail

namespace rtreview {
using render_detail::format_number;
}
