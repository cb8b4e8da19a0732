// The review packet: a plain view model of everything one review found about one
// plan set (header, determinations, checks, criteria, checklist, DVHs, beams,
// structures, input files). Renderers (render.h) see only this struct, so HTML,
// PDF and JSON show the same content. No wall-clock time anywhere: same inputs →
// same packet.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rtreview/checks.h"
#include "rtreview/finding.h"
#include "rtreview/model.h"
#include "rtreview/policy.h"

namespace rtreview {

// Version of the packet JSON layout (src/render/packet.schema.json); bump on any
// change a consumer could notice (renamed/removed key, changed meaning).
inline constexpr int packet_schema_version = 1;

struct PacketPatient {
  std::string name;  // DICOM PN as stored ("Doe^Jane"); may contain any text
  std::string id;
  std::string birth_date;           // YYYY-MM-DD, "" if unknown (DICOM first, else the case file)
  std::optional<double> age_years;  // at the date of service (case file age wins)
  std::string age_source;           // "case file", "birth date and date of service", ""
  std::string sex;                  // DICOM first, else the case file
};

struct PacketPlan {
  std::string label;
  std::string name;
  std::string date;  // YYYY-MM-DD or ""
  std::string intent;
  std::string approval_status;  // APPROVED, UNAPPROVED, ... or ""
  std::string reviewer_name;
  std::string review_date;  // YYYY-MM-DD or ""
  std::string sop_instance_uid;
  std::string kind;       // to_string(PlanKind)
  std::string technique;  // to_string(Technique)
  std::string technique_rule;
  bool technique_is_imrt = false;
};

struct PacketCase {
  std::string file;
  std::string date_of_service;
  std::string line_of_business;
  std::string payer;
  std::vector<std::string> diagnoses;
  std::vector<std::string> procedure_codes;
  std::string rationale;
};

// One ruleset the review used (header shows id/revision, appendix its file/version).
struct PacketPolicyRef {
  std::string id;
  std::string title;
  std::string payer;
  std::string revision_date;
  std::string ruleset_version;
  std::string file;  // file name only (no folder: output must not depend on install path)
};

// DVH metrics of one ROI; nullopt where undefined (not computed, no volume in grid).
struct PacketDvhRow {
  int roi_number = 0;
  std::string roi_name;
  std::string category;  // to_string(StructureCategory)
  bool is_target = false;
  bool computed = false;
  std::string not_computed_reason;
  std::optional<double> volume_cc, in_grid_percent;
  std::optional<double> min_gy, mean_gy, max_gy;
  std::optional<double> d98_gy, d95_gy, d50_gy, d2_gy, d0_03cc_gy;
  std::optional<double> homogeneity_index;  // targets only (ICRU 83)
  std::optional<double> paddick_ci;         // targets only, at the prescription dose
  std::optional<double> rtog_ci;            // targets only
  std::string ci_region;                    // PIV region of the CIs
};

// One curve of the DVH plot: cumulative, volume in % of the in-grid volume,
// resampled to a fixed dose step (at most ~240 points).
struct PacketDvhCurve {
  int roi_number = 0;
  std::string roi_name;
  std::string category;
  bool is_target = false;
  std::string color;  // "#rrggbb": the ROI display colour, else a palette colour
  std::vector<double> dose_gy;
  std::vector<double> volume_percent;
};

struct PacketDvh {
  std::string dose_uid;                 // the dose the DVHs were computed on ("" if none)
  std::string dose_units;               // GY or RELATIVE
  std::vector<double> prescription_gy;  // prescription line(s), ascending, distinct
  std::vector<PacketDvhCurve> curves;   // targets first, then OARs, each in ROI order
  std::vector<PacketDvhRow> rows;       // same order as curves, plus ROIs not computed
  std::string note;                     // why there is no plot, or ""
};

struct PacketInputFile {
  std::string path;  // as found from the command-line paths
  std::string role;  // RTPLAN, RTDOSE, RTSTRUCT
  std::string sop_instance_uid;
  std::string sha256;
  std::uint64_t size_bytes = 0;
};

struct PacketUnreadable {
  std::string path;
  std::string reason;
};

struct ReviewPacket {
  int schema_version = packet_schema_version;
  std::string tool_version;  // RTREVIEW_VERSION
  std::string plan_set_id;
  std::string title;  // e.g. "Review packet — plan HN_IMRT (RTPLAN)"
  PacketPatient patient;
  PacketPlan plan;
  PacketCase case_info;
  std::vector<PacketPolicyRef> policies;  // in determination order
  std::vector<Determination> determinations;
  std::string overall;  // "MEETS", "DOES NOT MEET", "INSUFFICIENT DOCUMENTATION", "NO POLICY"
  std::vector<std::string> overall_reasons;
  std::vector<Finding> findings;  // technical checks, then assembly and input findings
  PlanSummary plan_summary;
  std::vector<BeamSummary> beams;
  std::vector<RoiClassification> structures;
  PacketDvh dvh;
  std::vector<PacketInputFile> inputs;       // the plan set's files, plan / structure set / doses
  std::vector<PacketUnreadable> unreadable;  // every unreadable or ignored input file of the run
  std::vector<std::string> notes;            // reader remarks, vocabulary problems
};

// What build_packet needs besides the plan set and its check report.
struct PacketInputs {
  const CaseFile* case_file = nullptr;        // may be null (no case: header only)
  std::vector<Determination> determinations;  // in policy order
  std::vector<PacketPolicyRef> policies;      // same order as determinations
  std::vector<Finding> input_findings;        // inventory_findings(...) of the run
  std::vector<PacketUnreadable> unreadable;   // unreadable + ignored files of the run
};

// Builds the packet of one plan set. Pure: no I/O, no clock; never throws on bad input.
ReviewPacket build_packet(const PlanSet& plan_set, const CheckReport& report, const PacketInputs& inputs);

// "MEETS" when every determination meets, else the worst outcome's text; "NO POLICY"
// when there is none. Order of badness: DOES NOT MEET > INSUFFICIENT DOCUMENTATION.
std::string overall_outcome(const std::vector<Determination>& determinations);

// True when some finding is at or above `fail_on` ("fail" or "warning"; see fail_level()).
bool has_finding_at_or_above(const std::vector<Finding>& findings, const std::string& fail_on);

// ------------------------------------------------------------------ batch summary

// One packet of a run, as the index page and summary.json list it.
struct BatchEntry {
  std::string folder;  // packet folder relative to the output dir ("" = the dir itself)
  std::string plan_set_id;
  std::string plan_label;
  std::string patient_id;
  std::string patient_name;
  std::string technique;
  std::string overall;
  std::vector<std::pair<std::string, std::string>> outcomes;  // policy id → outcome text
  std::vector<std::string> failing_checks;                    // ids at or above --fail-on, sorted, distinct
  int exit_code = 0;                                          // 0 or 1 for this packet alone
};

struct BatchSummary {
  int schema_version = packet_schema_version;
  std::string tool_version;
  std::string case_file;
  std::string fail_on;
  std::vector<std::string> formats;
  std::vector<BatchEntry> packets;
  std::vector<PacketUnreadable> unreadable;
  int exit_code = 0;
};

// The index entry of a packet (exit_code from overall outcome and `fail_on`).
BatchEntry batch_entry(const ReviewPacket& packet, const std::string& folder, const std::string& fail_on);

// ------------------------------------------------------------------ the review run

// One `rtreview review` run: inputs read once, every plan set checked, evaluated
// against the selected policies and rendered into `out_dir`.
struct ReviewOptions {
  std::vector<std::filesystem::path> paths;
  std::filesystem::path case_file;
  std::vector<std::string> policies;  // ids or ruleset files; empty = those that apply
  std::filesystem::path ruleset_dir;  // "" = default_ruleset_dir()
  std::filesystem::path out_dir = "rtreview-out";
  std::vector<std::string> formats = {"html", "pdf", "json"};
  std::string fail_on = "fail";  // "fail" or "warning"
  bool letter = false;           // PDF paper: Letter instead of A4
  // Called before each plan set (1-based index, count, label) and once with index 0
  // while reading; may be empty. Never called with output that goes into a file.
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
};

struct ReviewResult {
  // 0 all determinations MEETS and no finding at or above fail_on; 1 otherwise;
  // 2 usage / ruleset / case-file / output error; 3 no readable plan set.
  int exit_code = 0;
  std::vector<std::string> errors;  // "rtreview review: ..." lines for stderr
  std::vector<std::string> lines;   // one summary line per packet for stdout
  BatchSummary summary;
  std::vector<std::filesystem::path> written;  // every file written, in order
};

// Runs the whole review. Writes packet.{html,pdf,json} into out_dir (one plan set) or
// into out_dir/<NN>-<label>/ (several), plus summary.json always and index.html for
// several. Never throws on bad input; I/O failures are errors with exit code 2.
ReviewResult run_review(const ReviewOptions& options);

// Folder name of the packet of plan set `index` (1-based) of `count`: "" when count is
// 1, else "<NN>-<label made file-safe>".
std::string packet_folder_name(std::size_t index, std::size_t count, const std::string& label);

}  // namespace rtreview
