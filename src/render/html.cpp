// HTML rendering: one self-contained file (inline CSS + SVG, no scripts, no network),
// for screen and print. Every piece of input text goes through html_escape.
#include <string>

#include "render/text_util.h"
#include "rtreview/render.h"

namespace rtreview {

namespace {

using render_detail::display_person_name;
using render_detail::join;

std::string esc(const std::string& s) { return html_escape(s); }
std::string or_dash(const std::string& s) { return s.empty() ? "-" : esc(s); }

const char* css() {
  return R"CSS(
:root { --meets:#1b7f3b; --dnm:#b3261e; --insuff:#a15c00; --muted:#5f6368; --line:#d0d4d9; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 13px; color: #1d1d1f;
       margin: 0 auto; max-width: 1120px; padding: 16px 20px 40px; line-height: 1.4; background: #fff; }
h1 { font-size: 21px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 26px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #1d1d1f; break-after: avoid; }
h3 { font-size: 14px; margin: 16px 0 6px; break-after: avoid; }
p { margin: 4px 0; }
.muted { color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 8px 18px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.card h3 { margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 12px; }
th, td { border: 1px solid var(--line); padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f3f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-weight: bold; font-size: 11px;
         color: #fff; white-space: nowrap; }
.b-pass, .b-met, .b-MEETS { background: var(--meets); }
.b-fail, .b-not-met, .b-DOES-NOT-MEET, .b-NO-POLICY { background: var(--dnm); }
.b-not_evaluable, .b-unknown, .b-INSUFFICIENT-DOCUMENTATION { background: var(--insuff); }
.b-info { background: #5f6368; }
.determination { border: 2px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; break-inside: avoid; }
.determination.o-MEETS { border-color: var(--meets); }
.determination.o-DOES-NOT-MEET { border-color: var(--dnm); }
.determination.o-INSUFFICIENT-DOCUMENTATION { border-color: var(--insuff); }
.outcome { font-size: 17px; font-weight: bold; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
ul.tree { padding-left: 0; }
ul.tree li { margin: 3px 0; padding-left: 6px; border-left: 2px solid var(--line); break-inside: avoid; }
.node-text { font-weight: 600; }
.node-meta { color: var(--muted); font-size: 11.5px; }
.support { margin: 2px 0 2px 10px; padding: 2px 6px; background: #f5f7fa; border-left: 3px solid #7baaf7; font-size: 11.5px; }
.plot { overflow-x: auto; }
.plot svg { display: block; max-width: 100%; height: auto; }
ul.compact { margin: 2px 0; padding-left: 18px; }
code, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 11px; overflow-wrap: anywhere; }
footer { margin-top: 30px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  h2 { break-before: auto; }
  .page-break { break-before: page; }
  .plot { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
)CSS";
}

// CSS-class-safe form of an outcome/status text: "DOES NOT MEET" → "DOES-NOT-MEET".
std::string cls(std::string s) {
  for (char& c : s)
    if (c == ' ') c = '-';
  return s;
}

std::string badge(const std::string& text) {
  return "<span class=\"badge b-" + cls(text) + "\">" + esc(text) + "</span>";
}

std::string evidence_list(const std::vector<Evidence>& evidence) {
  if (evidence.empty()) return "";
  std::string s = "<ul class=\"compact\">";
  for (const auto& e : evidence) s += "<li>" + esc(e.label) + ": <b>" + esc(e.value) + "</b></li>";
  return s + "</ul>";
}

std::string list(const std::vector<std::string>& items) {
  std::string s = "<ul class=\"compact\">";
  for (const auto& i : items) s += "<li>" + esc(i) + "</li>";
  return s + "</ul>";
}

void node_html(std::string& s, const EvaluatedNode& n) {
  s += "<li>" + badge(to_string(n.result)) + " ";
  if (!n.outline_id.empty()) s += "<b>" + esc(n.outline_id) + "</b> ";
  const std::string kind = rule_kind_label(n.kind, n.at_least);
  if (!n.children.empty()) s += "<span class=\"node-meta\">[" + esc(kind) + "]</span> ";
  s += "<span class=\"node-text\">" + esc(n.text) + "</span>";
  std::string meta;
  if (!n.evidence.empty()) meta += "evidence: " + esc(n.evidence);
  if (n.origin != Origin::none)
    meta += std::string(meta.empty() ? "" : " · ") + "origin: " + esc(to_string(n.origin));
  if (!n.citation.empty()) meta += std::string(meta.empty() ? "" : " · ") + "cite: " + esc(n.citation);
  if (!meta.empty()) s += "<div class=\"node-meta\">" + meta + "</div>";
  for (const auto& sup : n.supporting) {
    s += "<div class=\"support\">supporting evidence (does not decide) · " + esc(sup.check_id) + " " +
         badge(to_string(sup.status)) + " " + esc(sup.message) + evidence_list(sup.evidence) + "</div>";
  }
  if (!n.children.empty()) {
    s += "<ul>";
    for (const auto& c : n.children) node_html(s, c);
    s += "</ul>";
  }
  s += "</li>";
}

void header_html(std::string& s, const ReviewPacket& p) {
  s += "<header><h1>" + esc(p.title) + "</h1>";
  s += "<p class=\"muted\">rtreview " + esc(p.tool_version) + " · packet schema " +
       std::to_string(p.schema_version) + " · plan set <span class=\"mono\">" + esc(p.plan_set_id) +
       "</span></p></header>\n";
  s += "<div class=\"grid\">";
  s += "<div class=\"card\"><h3>Patient</h3><dl>";
  s += "<dt>Name</dt><dd>" + or_dash(display_person_name(p.patient.name)) + "</dd>";
  s += "<dt>ID</dt><dd>" + or_dash(p.patient.id) + "</dd>";
  std::string age =
      p.patient.age_years ? format_number(*p.patient.age_years, 0) + " y (" + p.patient.age_source + ")" : "";
  s += "<dt>Birth date</dt><dd>" + or_dash(p.patient.birth_date) + "</dd>";
  s += "<dt>Age</dt><dd>" + or_dash(age) + "</dd>";
  s += "<dt>Sex</dt><dd>" + or_dash(p.patient.sex) + "</dd></dl></div>";
  s += "<div class=\"card\"><h3>Plan</h3><dl>";
  s += "<dt>Label</dt><dd>" + or_dash(p.plan.label) +
       (p.plan.name.empty() ? "" : " (" + esc(p.plan.name) + ")") + "</dd>";
  s += "<dt>Date</dt><dd>" + or_dash(p.plan.date) + "</dd>";
  std::string approval = p.plan.approval_status;
  if (!p.plan.reviewer_name.empty()) approval += " by " + display_person_name(p.plan.reviewer_name);
  if (!p.plan.review_date.empty()) approval += " on " + p.plan.review_date;
  s += "<dt>Approval</dt><dd>" + or_dash(approval) + "</dd>";
  s += "<dt>Technique</dt><dd>" + or_dash(p.plan.technique) +
       (p.plan.technique_is_imrt ? " (IMRT)" : " (not IMRT)") + "</dd>";
  s += "<dt>Intent</dt><dd>" + or_dash(p.plan.intent) + "</dd></dl></div>";
  s += "<div class=\"card\"><h3>Request</h3><dl>";
  s += "<dt>Date of service</dt><dd>" + or_dash(p.case_info.date_of_service) + "</dd>";
  s += "<dt>Line of business</dt><dd>" + or_dash(p.case_info.line_of_business) + "</dd>";
  if (!p.case_info.payer.empty()) s += "<dt>Payer</dt><dd>" + esc(p.case_info.payer) + "</dd>";
  s += "<dt>Procedure codes</dt><dd>" + or_dash(join(p.case_info.procedure_codes)) + "</dd>";
  s += "<dt>Diagnoses</dt><dd>" + or_dash(join(p.case_info.diagnoses)) + "</dd>";
  s += "<dt>Case file</dt><dd>" + or_dash(p.case_info.file) + "</dd>";
  s += "</dl></div>";
  s += "<div class=\"card\"><h3>Policies</h3>";
  if (p.policies.empty())
    s += "<p>none applies</p>";
  else {
    s += "<dl>";
    for (const auto& r : p.policies)
      s += "<dt>" + esc(r.id) + "</dt><dd>rev. " + or_dash(r.revision_date) + " · ruleset " +
           or_dash(r.ruleset_version) + "<br><span class=\"muted\">" + esc(r.payer) + "</span></dd>";
    s += "</dl>";
  }
  s += "</div></div>\n";
  if (!p.case_info.rationale.empty())
    s += "<p><span class=\"muted\">Rationale (case file):</span> " + esc(p.case_info.rationale) + "</p>\n";
}

void determinations_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"determinations\"><h2>Determination</h2>";
  s += "<p class=\"outcome\">Overall: " + badge(p.overall) + "</p>";
  if (p.determinations.empty())
    s += "<p>No policy applies to this case's line of business and date of service; nothing was "
         "determined.</p>";
  else {
    s += "<table class=\"summary\"><thead><tr><th>Policy</th><th>Outcome</th><th>Reason</th><th>What is "
         "missing</th></tr>"
         "</thead><tbody>";
    for (const auto& d : p.determinations)
      s += "<tr><td><b>" + esc(d.policy.id) + "</b></td><td>" + badge(to_string(d.outcome)) + "</td><td>" +
           or_dash(d.summary) + "</td><td>" + (d.missing.empty() ? "-" : list(d.missing)) + "</td></tr>";
    s += "</tbody></table>";
  }
  for (const auto& d : p.determinations) {
    std::string outcome = to_string(d.outcome);
    s += "<div class=\"determination o-" + cls(outcome) + "\">";
    s += "<p class=\"outcome\">" + esc(d.policy.id) + " " + badge(outcome) + "</p>";
    s += "<p>" + esc(d.policy.title) + " <span class=\"muted\">(" + esc(d.policy.payer) + ", rev. " +
         or_dash(d.policy.revision_date) + ")</span></p>";
    s += "<p><b>Reason:</b> " + or_dash(d.summary) + "</p>";
    if (d.manual_review)
      s += "<p><b>Manual review required:</b> the policy's criteria are not public; this packet lists what "
           "was supplied.</p>";
    s += "<p class=\"muted\">Applies because: " + or_dash(d.applicability) + "</p>";
    if (!d.missing.empty()) s += "<h3>What is missing</h3>" + list(d.missing);
    if (!d.deciding.empty()) {
      s += "<h3>Deciding criteria</h3><ul class=\"tree\">";
      for (const auto& n : d.deciding) {
        EvaluatedNode leaf = n;
        leaf.children.clear();
        node_html(s, leaf);
      }
      s += "</ul>";
    }
    if (!d.code_notes.empty()) s += "<h3>Procedure codes</h3>" + list(d.code_notes);
    if (!d.notes.empty()) s += "<h3>Notes</h3>" + list(d.notes);
    s += "</div>";
  }
  s += "</section>\n";
}

void findings_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"checks\"><h2>Technical checks</h2>";
  s += "<table><thead><tr><th>Status</th><th>Check</th><th>Subject</th><th>Result and measured "
       "values</th><th>Rule</th>"
       "<th>Citation</th></tr></thead><tbody>";
  for (const auto& f : p.findings) {
    s += "<tr><td>" + badge(to_string(f.status)) + "<br><span class=\"muted\">" + esc(to_string(f.severity)) +
         "</span></td><td><code>" + esc(f.id) + "</code></td><td>" + esc(f.subject) + "</td><td>" +
         esc(f.message) + evidence_list(f.evidence) + "</td><td>" + esc(f.rule) + "</td><td>" +
         esc(f.citation) + "</td></tr>";
  }
  if (p.findings.empty()) s += "<tr><td colspan=\"6\">no checks were run</td></tr>";
  s += "</tbody></table></section>\n";
}

void criteria_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"criteria\" class=\"page-break\"><h2>Criteria</h2>";
  if (p.determinations.empty()) s += "<p>No policy: no criteria were evaluated.</p>";
  for (const auto& d : p.determinations) {
    s += "<h3>" + esc(d.policy.id) + ": medical necessity</h3><ul class=\"tree\">";
    node_html(s, d.criteria);
    s += "</ul>";
    if (d.exclusions) {
      s += "<h3>" + esc(d.policy.id) +
           ": exclusions (met means not medically necessary)</h3><ul class=\"tree\">";
      node_html(s, *d.exclusions);
      s += "</ul>";
    }
  }
  s += "</section>\n";
}

void checklist_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"documentation\"><h2>Documentation checklist</h2>";
  for (const auto& d : p.determinations) {
    s += "<h3>" + esc(d.policy.id) + "</h3>";
    if (d.documentation.empty()) {
      s += "<p>The policy lists no documentation requirement.</p>";
      continue;
    }
    s += "<table><thead><tr><th>Item</th><th>Requirement</th><th>Result</th><th>Supplied</th><th>Date</"
         "th><th>Window</th>"
         "<th>Signers required</th><th>Signed by</th><th>Missing signers</th></tr></thead><tbody>";
    for (const auto& item : d.documentation) {
      s += "<tr><td>" + or_dash(item.outline_id) + "</td><td>" + esc(item.text);
      if (!item.node.evidence.empty()) s += "<div class=\"node-meta\">" + esc(item.node.evidence) + "</div>";
      s += "</td><td>" + badge(to_string(item.result)) +
           (item.required ? std::string()
                          : "<div class=\"node-meta\">" + esc(item.not_required_reason) + "</div>") +
           "</td><td>" + (item.supplied ? "yes" : "<b>no</b>") + "</td><td>" + or_dash(item.document_date) +
           "</td><td>" + or_dash(item.window) + "</td><td>" + or_dash(join(item.required_signers)) +
           "</td><td>" + or_dash(join(item.signed_by)) + "</td><td>" +
           (item.missing_signers.empty() ? "-" : "<b>" + esc(join(item.missing_signers)) + "</b>") +
           "</td></tr>";
    }
    s += "</tbody></table>";
  }
  if (p.determinations.empty()) s += "<p>No policy: no checklist.</p>";
  s += "</section>\n";
}

void dvh_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"dvh\" class=\"page-break\"><h2>Dose-volume histograms</h2>";
  if (!p.dvh.dose_uid.empty())
    s += "<p class=\"muted\">Computed by rtreview on dose <span class=\"mono\">" + esc(p.dvh.dose_uid) +
         "</span>; targets solid, organs at risk dashed, prescription dashed black.</p>";
  s += "<div class=\"plot\">" + render_dvh_svg(p.dvh) + "</div>";
  if (!p.dvh.note.empty()) s += "<p>" + esc(p.dvh.note) + "</p>";
  s += "<table><thead><tr><th>ROI</th><th>Type</th><th class=\"num\">Volume (cc)</th><th class=\"num\">In "
       "grid (%)</th>"
       "<th class=\"num\">Dmin</th><th class=\"num\">Dmean</th><th class=\"num\">Dmax</th><th "
       "class=\"num\">D98%</th>"
       "<th class=\"num\">D95%</th><th class=\"num\">D50%</th><th class=\"num\">D2%</th><th "
       "class=\"num\">D0.03cc</th>"
       "<th class=\"num\">HI</th><th class=\"num\">CI (Paddick)</th></tr></thead><tbody>";
  for (const auto& r : p.dvh.rows) {
    s += "<tr><td>" + esc(r.roi_name) + "</td><td>" + esc(r.category) + "</td>";
    if (!r.computed) {
      s += "<td colspan=\"12\">not computed: " + esc(r.not_computed_reason) + "</td></tr>";
      continue;
    }
    for (const auto* v : {&r.volume_cc, &r.in_grid_percent})
      s += "<td class=\"num\">" + format_number(*v, 1) + "</td>";
    for (const auto* v :
         {&r.min_gy, &r.mean_gy, &r.max_gy, &r.d98_gy, &r.d95_gy, &r.d50_gy, &r.d2_gy, &r.d0_03cc_gy})
      s += "<td class=\"num\">" + format_number(*v, 2) + "</td>";
    s += "<td class=\"num\">" + format_number(r.homogeneity_index, 3) + "</td><td class=\"num\">" +
         format_number(r.paddick_ci, 3) + "</td></tr>";
  }
  if (p.dvh.rows.empty()) s += "<tr><td colspan=\"14\">no target or OAR</td></tr>";
  s += "</tbody></table><p class=\"muted\">Doses in " +
       esc(p.dvh.dose_units.empty() ? "Gy" : p.dvh.dose_units) +
       ". HI = (D2% − D98%) / D50% (ICRU 83); CI (Paddick) = (TV∩PIV)² / (TV × PIV) at the prescription "
       "dose.</p>";
  s += "</section>\n";
}

void beams_html(std::string& s, const ReviewPacket& p) {
  const auto& ps = p.plan_summary;
  s += "<section id=\"beams\"><h2>Beams and portals</h2>";
  s += "<p>" + esc(render_detail::plan_course_text(ps)) + "</p>";
  if (!p.plan.technique_rule.empty())
    s += "<p class=\"muted\">Technique " + esc(p.plan.technique) + ": " + esc(p.plan.technique_rule) + "</p>";
  s += "<table><thead><tr><th class=\"num\">#</th><th>Name</th><th>Use</th><th>Type</th><th>Energy</th>"
       "<th>Gantry (°)</th><th class=\"num\">Coll. (°)</th><th class=\"num\">Couch (°)</th><th>Isocentre "
       "(mm)</th>"
       "<th class=\"num\">CPs</th><th class=\"num\">Segs</th><th "
       "class=\"num\">MU</th><th>Modifiers</th></tr></thead><tbody>";
  for (const auto& b : p.beams) {
    const std::string gantry = render_detail::beam_gantry_text(b);
    const std::string iso = render_detail::beam_isocenter_text(b);
    const std::vector<std::string> mods = render_detail::beam_modifiers(b);
    s += "<tr><td class=\"num\">" + std::to_string(b.number) + "</td><td>" + esc(b.name) +
         (b.description.empty() ? "" : "<br><span class=\"muted\">" + esc(b.description) + "</span>") +
         "</td><td>" +
         (b.is_treatment ? "treatment" : esc(b.delivery_type.empty() ? "setup" : b.delivery_type)) +
         "</td><td>" + esc(b.radiation_type) + " " + esc(b.beam_type) + "</td><td>" +
         or_dash(b.energy_mev || b.lowest_energy_mev ? beam_energy_text(b) : "") + "</td><td>" + esc(gantry) +
         "</td><td class=\"num\">" + format_number(b.collimator_deg, 1) + "</td><td class=\"num\">" +
         format_number(b.couch_deg, 1) + "</td><td>" + esc(iso) + "</td><td class=\"num\">" +
         std::to_string(b.control_point_count) + "</td><td class=\"num\">" + std::to_string(b.segment_count) +
         "</td><td class=\"num\">" + format_number(b.meterset_mu, 1) + "</td><td>" + or_dash(join(mods)) +
         "</td></tr>";
    const std::size_t i = static_cast<std::size_t>(&b - p.beams.data());
    if (i < p.beam_modulation.size() && b.is_treatment)
      s += "<tr class=\"muted\"><td></td><td colspan=\"12\">Modulation: " + esc(p.beam_modulation[i]) +
           "</td></tr>";
  }
  if (p.beams.empty()) s += "<tr><td colspan=\"13\">no beams (no plan, or a brachytherapy plan)</td></tr>";
  s += "</tbody></table></section>\n";
}

void structures_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"structures\"><h2>Structures</h2><table><thead><tr><th class=\"num\">#</th><th>Name</th>"
       "<th>Classification</th><th>TG-263</th><th>How</th><th class=\"num\">Closed contours</th>"
       "<th class=\"num\">Open</th><th class=\"num\">Points</th></tr></thead><tbody>";
  for (const auto& r : p.structures)
    s += "<tr><td class=\"num\">" + std::to_string(r.roi_number) + "</td><td>" + esc(r.roi_name) +
         "</td><td>" + esc(to_string(r.category)) + "</td><td>" + or_dash(r.canonical_name) + "</td><td>" +
         esc(r.rule) + "</td><td class=\"num\">" + std::to_string(r.closed_contour_count) +
         "</td><td class=\"num\">" + std::to_string(r.open_contour_count) + "</td><td class=\"num\">" +
         std::to_string(r.point_contour_count) + "</td></tr>";
  if (p.structures.empty()) s += "<tr><td colspan=\"8\">no structure set</td></tr>";
  s += "</tbody></table></section>\n";
}

void appendix_html(std::string& s, const ReviewPacket& p) {
  s += "<section id=\"appendix\" class=\"page-break\"><h2>Appendix: inputs</h2>";
  s += "<table><thead><tr><th>Role</th><th>File</th><th>SOP Instance UID</th><th>SHA-256</th><th "
       "class=\"num\">Bytes</th>"
       "</tr></thead><tbody>";
  for (const auto& f : p.inputs)
    s += "<tr><td>" + esc(f.role) + "</td><td class=\"mono\">" + esc(f.path) + "</td><td class=\"mono\">" +
         esc(f.sop_instance_uid) + "</td><td class=\"mono\">" + esc(f.sha256) + "</td><td class=\"num\">" +
         std::to_string(f.size_bytes) + "</td></tr>";
  s += "</tbody></table>";
  s += "<h3>Unreadable or ignored files</h3>";
  if (p.unreadable.empty())
    s += "<p>none</p>";
  else {
    s += "<table><thead><tr><th>File</th><th>Reason</th></tr></thead><tbody>";
    for (const auto& u : p.unreadable)
      s += "<tr><td class=\"mono\">" + esc(u.path) + "</td><td>" + esc(u.reason) + "</td></tr>";
    s += "</tbody></table>";
  }
  s += "<h3>Rulesets</h3>";
  if (p.policies.empty())
    s += "<p>none</p>";
  else {
    s += "<table><thead><tr><th>Policy</th><th>Title</th><th>Revision</th><th>Ruleset "
         "version</th><th>File</th></tr></thead><tbody>";
    for (const auto& r : p.policies)
      s += "<tr><td>" + esc(r.id) + "</td><td>" + esc(r.title) + "</td><td>" + or_dash(r.revision_date) +
           "</td><td>" + or_dash(r.ruleset_version) + "</td><td class=\"mono\">" + esc(r.file) + "</td></tr>";
    s += "</tbody></table>";
  }
  if (!p.notes.empty()) s += "<h3>Reader notes</h3>" + list(p.notes);
  s += "</section>\n";
}

std::string page_start(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
         "'unsafe-inline'; img-src data:\">\n"
         "<title>" +
         esc(title) + "</title>\n<style>" + css() + "</style>\n</head>\n<body>\n";
}

}  // namespace

std::string render_html(const ReviewPacket& p) {
  std::string s = page_start(p.title);
  header_html(s, p);
  determinations_html(s, p);
  findings_html(s, p);
  criteria_html(s, p);
  checklist_html(s, p);
  dvh_html(s, p);
  beams_html(s, p);
  structures_html(s, p);
  appendix_html(s, p);
  s += "<footer>rtreview " + esc(p.tool_version) +
       ". Technical checks are verified from the DICOM files listed in the appendix; clinical criteria rest "
       "on the case "
       "file and are marked by origin. \"unknown\" means the inputs could not show "
       "it.</footer>\n</body>\n</html>\n";
  return s;
}

std::string render_index_html(const BatchSummary& summary) {
  std::string s = page_start("rtreview: review packets");
  s += "<header><h1>Review packets</h1><p class=\"muted\">rtreview " + esc(summary.tool_version) +
       " · case file " + or_dash(summary.case_file) + " · fail on " + esc(to_string(summary.fail_on)) +
       " · " + std::to_string(summary.packets.size()) + " plan set(s) · exit code " +
       std::to_string(summary.exit_code) + "</p></header>\n";
  s += "<table><thead><tr><th>Plan</th><th>Patient</th><th>Technique</th><th>Overall</th><th>Policies</th>"
       "<th>Failing checks</th><th>Files</th></tr></thead><tbody>";
  for (const auto& e : summary.packets) {
    std::string base = e.folder.empty() ? "" : e.folder + "/";
    std::string links;
    for (const auto& f : summary.formats)
      links += "<a href=\"" + esc(base + "packet." + f) + "\">" + esc(f) + "</a> ";
    std::string outcomes;
    for (const auto& [id, o] : e.outcomes) outcomes += esc(id) + " " + badge(o) + "<br>";
    s += "<tr><td>" + or_dash(e.plan_label) + "<br><span class=\"mono muted\">" + esc(e.plan_set_id) +
         "</span></td><td>" + or_dash(display_person_name(e.patient_name)) + "<br>" + or_dash(e.patient_id) +
         "</td><td>" + esc(e.technique) + "</td><td>" + badge(e.overall) + "</td><td>" +
         (outcomes.empty() ? "-" : outcomes) + "</td><td>" + or_dash(join(e.failing_checks)) + "</td><td>" +
         links + "</td></tr>";
  }
  if (summary.packets.empty()) s += "<tr><td colspan=\"7\">no plan set could be assembled</td></tr>";
  s += "</tbody></table>";
  s += "<h2>Unreadable or ignored files</h2>";
  if (summary.unreadable.empty())
    s += "<p>none</p>";
  else {
    s += "<table><thead><tr><th>File</th><th>Reason</th></tr></thead><tbody>";
    for (const auto& u : summary.unreadable)
      s += "<tr><td class=\"mono\">" + esc(u.path) + "</td><td>" + esc(u.reason) + "</td></tr>";
    s += "</tbody></table>";
  }
  s += "</body>\n</html>\n";
  return s;
}

const char* packet_css() { return css(); }

}  // namespace rtreview
