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
#include "rtreview/review.h"

namespace rtreview {

// Version of the packet JSON layout (src/render/packet.schema.json); bump on any
// change a consumer could notice (renamed/removed key, changed meaning).
// 2: "facts", FailLevel texts; 3: facts carry the plan kind, technique and fraction groups;
// 4: beams carry "energy" (as shown) and "fluence_mode" (FFF)
inline constexpr int packet_schema_version = 4;

struct PacketPatient {
  std::string name;  // DICOM PN as stored ("Doe^Jane"); may contain any text
  std::string id;
  std::string birth_date;           // YYYY-MM-DD, "" if unknown (DICOM first, else the case file)
  std::optional<double> age_years;  // DerivedFacts::age: the age the determinations used
  std::string age_source;           // to_string(AgeSource), "" when unknown
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
  DerivedFacts facts;  // the facts the determinations used (age, fractions, prescription)
  PacketPlan plan;
  PacketCase case_info;
  std::vector<PacketPolicyRef> policies;  // in determination order
  std::vector<Determination> determinations;
  std::string overall;  // "MEETS", "DOES NOT MEET", "INSUFFICIENT DOCUMENTATION", "NO POLICY"
  std::vector<std::string> overall_reasons;
  std::vector<Finding> findings;  // technical checks, then assembly and input findings
  PlanSummary plan_summary;
  std::vector<BeamSummary> beams;
  std::vector<std::string> beam_modulation;  // parallel to beams: technique and measured modulation
  std::vector<RoiClassification> structures;
  PacketDvh dvh;
  std::vector<PacketInputFile> inputs;       // the plan set's files, plan / structure set / doses
  std::vector<PacketUnreadable> unreadable;  // every unreadable or ignored input file of the run
  std::vector<std::string> notes;            // reader remarks, vocabulary problems
};

// What build_packet needs besides the plan set's review: the run's context.
struct PacketContext {
  const CaseFile* case_file = nullptr;       // may be null (no case: header only)
  std::vector<PacketPolicyRef> policies;     // same order as the review's determinations
  std::vector<Finding> input_findings;       // the run's input findings (a lone packet shows them)
  std::vector<PacketUnreadable> unreadable;  // unreadable + ignored files of the run
};

// The context of a run's packets; `lone` = the run has one plan set, whose packet then
// carries the run's input problems (a batch lists them once in its index).
PacketContext packet_context(const ReviewRun& run, bool lone);

// Maps one plan set's review to its packet. Pure: no I/O, no clock, no computation of
// facts (they come from the review); never throws on bad input.
ReviewPacket build_packet(const PlanSetReview& review, const PacketContext& context);

// "MEETS" when every determination meets, else the worst outcome's text; "NO POLICY"
// when there is none. Order of badness: DOES NOT MEET > INSUFFICIENT DOCUMENTATION.
std::string overall_outcome(const std::vector<Determination>& determinations);

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
  FailLevel fail_on = FailLevel::fail;
  std::vector<std::string> formats;
  std::vector<BatchEntry> packets;
  std::vector<PacketUnreadable> unreadable;
  int exit_code = 0;
};

// The index entry of a packet (exit_code from overall outcome and `fail_on`).
BatchEntry batch_entry(const ReviewPacket& packet, const std::string& folder, FailLevel fail_on);

}  // namespace rtreview
