#include "render/text_util.h"

#include <cmath>
#include <cstdio>

#include "rtreview/render.h"

namespace rtreview {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        break;  // never valid in HTML text
      default:
        out += c;
    }
  }
  return out;
}

namespace render_detail {

std::string format_number(double v, int decimals) { return format_fixed(v, decimals); }

std::string format_number(const std::optional<double>& v, int decimals) {
  return v ? format_number(*v, decimals) : "-";
}

std::string truncate_utf8(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return text.substr(0, i) + "…";
      ++chars;
    }
  }
  return text;
}

std::string display_person_name(const std::string& pn) {
  // Only the alphabetic group (before '='): family^given^middle^prefix^suffix.
  std::string alpha = pn.substr(0, pn.find('='));
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t caret = alpha.find('^', start);
    parts.push_back(alpha.substr(start, caret == std::string::npos ? std::string::npos : caret - start));
    if (caret == std::string::npos) break;
    start = caret + 1;
  }
  if (parts.size() == 1) return parts[0];
  std::string rest;
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (!parts[i].empty()) rest += (rest.empty() ? "" : " ") + parts[i];
  if (parts[0].empty()) return rest;
  return rest.empty() ? parts[0] : parts[0] + ", " + rest;
}

}  // namespace render_detail
namespace render_detail {

std::string beam_gantry_text(const BeamSummary& b) {
  if (!b.is_arc) return format_number(b.gantry_start_deg, 1);
  return format_number(b.gantry_start_deg, 1) + "→" + format_number(b.gantry_stop_deg, 1) + " " +
         b.rotation_direction + " (" + format_number(b.arc_length_deg, 1) + "°)";
}

std::string beam_isocenter_text(const BeamSummary& b) {
  if (!b.isocenter_mm) return "-";
  const Point3& p = *b.isocenter_mm;
  return format_number(p[0], 1) + ", " + format_number(p[1], 1) + ", " + format_number(p[2], 1);
}

std::vector<std::string> beam_modifiers(const BeamSummary& b) {
  std::vector<std::string> mods = b.wedges;
  if (b.compensator_count)
    mods.push_back(std::to_string(b.compensator_count) + " compensator(s)" +
                   (b.compensator_has_thickness_data ? " with thickness data" : " without thickness data"));
  if (b.block_count) mods.push_back(std::to_string(b.block_count) + " block(s)");
  if (b.has_mlc) mods.push_back(b.mlc_moves_while_beam_on ? "MLC (moving)" : "MLC");
  return mods;
}

namespace {

std::string group_text(const FractionGroupSummary& g) {
  std::string fx = g.fractions_planned ? std::to_string(*g.fractions_planned) : std::string("-");
  std::string t =
      "group " + std::to_string(g.number) + (g.description.empty() ? "" : " (" + g.description + ")") + ": " +
      format_number(g.prescription_dose_gy, 2) + " Gy in " + fx + " fx (" +
      format_number(g.dose_per_fraction_gy, 2) + " Gy/fx), " + format_number(g.mu_per_fraction, 1) + " MU/fx";
  if (!g.prescription_dose_gy && g.derived_beam_dose_per_fraction_gy)
    t += "; beam doses sum to " + format_number(g.derived_beam_dose_per_fraction_gy, 2) +
         " Gy/fx (derived, not a prescription)";
  return t;
}

}  // namespace

std::string plan_course_text(const PlanSummary& ps) {
  std::string t = std::to_string(ps.treatment_portal_count) +
                  " treatment portal(s): " + std::to_string(ps.static_portal_count) + " static, " +
                  std::to_string(ps.arc_count) + " arc(s); " + std::to_string(ps.setup_beam_count) +
                  " setup beam(s); " + std::to_string(ps.isocenter_count) + " isocentre(s). ";
  std::string fx = ps.fractions_planned ? std::to_string(*ps.fractions_planned) : std::string("-");
  if (ps.fraction_groups.size() > 1) {
    t += "Course " + format_number(ps.prescription_dose_gy, 2) + " Gy in " + fx + " fractions over " +
         std::to_string(ps.fraction_groups.size()) + " fraction groups: ";
    for (std::size_t i = 0; i < ps.fraction_groups.size(); ++i)
      t += (i ? "; " : "") + group_text(ps.fraction_groups[i]);
    return t + ". Course total " + format_number(ps.total_mu_course, 0) + " MU.";
  }
  t += "Prescription " + format_number(ps.prescription_dose_gy, 2) + " Gy in " + fx + " fractions (" +
       format_number(ps.dose_per_fraction_gy, 2) + " Gy/fx" +
       (ps.prescription_source.empty() ? "" : ", from " + ps.prescription_source) + "); " +
       format_number(ps.total_mu_per_fraction, 1) + " MU per fraction.";
  if (!ps.prescription_dose_gy && ps.derived_beam_dose_total_gy)
    t += " Beam doses sum to " + format_number(ps.derived_beam_dose_total_gy, 2) +
         " Gy over the course (derived, not a prescription).";
  return t;
}

}  // namespace render_detail

}  // namespace rtreview
