// The application layer: inputs + case + options → one PlanSetReview per plan set.
// Every front door (inspect, check, dvh, evaluate, review, and later the web and DICOM
// listeners) calls review_inputs(); nothing above this layer reads DICOM, runs checks or
// evaluates policies, so every output shows the same computed facts.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "rtreview/finding.h"
#include "rtreview/model.h"
#include "rtreview/policy.h"
#include "rtreview/result.h"

namespace rtreview {

// How far a review goes: `inspect` needs the assembled sets only, `check` and `dvh` the
// technical checks, `evaluate` and `review` the determinations too.
enum class ReviewDepth { assemble, checks, determinations };

struct ReviewRequest {
  std::vector<std::filesystem::path> paths;  // DICOM files or folders
  std::filesystem::path case_file;           // required for determinations; else optional (age)
  std::vector<std::string> policies;         // ids or ruleset files; empty = those that apply
  std::filesystem::path ruleset_dir;         // "" = default_ruleset_dir(); also the vocabulary's
  CheckOptions check_options;                // its default vocabulary is set from ruleset_dir
  AssemblyOptions assembly;                  // --plan / --structure-set / --dose: choose among candidates
  ReviewDepth depth = ReviewDepth::determinations;
  bool hash_inputs = true;             // SHA-256 per file (packets show it); off when no output reports it
  std::filesystem::path display_root;  // "" = input paths shown as given; else relative to it
  // Called before each plan set (1-based index, count, label) and once with index 0
  // while reading; may be empty.
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
};

// One fraction group's part of the course, as the check report's PlanSummary read it.
struct FractionGroupFacts {
  int number = 0;  // FractionGroupNumber
  std::optional<int> fractions;
  std::optional<double> prescription_dose_gy;  // the group's total over its fractions
  std::optional<double> dose_per_fraction_gy;
};

// Facts derived from the plan set (and case) once, read by the policies and shown by
// every output. The prescription and fractions come from the check report's
// PlanSummary (checks/prescription), never from a second reading of the plan.
struct DerivedFacts {
  PatientAge age;    // case-file age / birth date, else the DICOM birth date
  DicomFacts dicom;  // what rulesets test against the DICOM; its prescription is the composite
  std::vector<FractionGroupFacts> fraction_groups;  // per group, plan order
  PlanKind plan_kind = PlanKind::unknown;
  Technique technique = Technique::unknown;  // the check report's classification
  std::string label;                         // how every output names the set: plan label, else file, else id
  std::string source_file;  // the plan's file (else the first object's): console lines name it
};

struct PlanSetReview {
  PlanSet plan_set;
  CheckReport report;             // empty at ReviewDepth::assemble
  std::vector<Finding> findings;  // technical checks, then assembly findings (what policies judge)
  DerivedFacts facts;
  std::vector<Determination> determinations;  // in policy order; empty below determinations
};

struct ReviewRun {
  Inventory inventory;                  // every input file, read or not
  std::vector<Finding> input_findings;  // unreadable inputs (ignored non-DICOM files excluded)
  std::optional<CaseFile> case_file;    // when a case file was given
  PolicySelection selection;            // idem
  std::filesystem::path ruleset_dir;    // the folder actually used
  std::vector<std::string> vocabulary_problems;
  std::vector<std::string> warnings;   // case-file warnings ("file:line: warning: ...")
  std::vector<PlanSetReview> reviews;  // one per assembled plan set, assembly order
  std::vector<Result> errors;          // why the run did not start (case file, ruleset, option): exit 2
  bool ok() const { return errors.empty(); }
};

// Reads the inputs once, assembles plan sets, and reviews each to `request.depth`.
// Never throws on bad input; configuration problems are `errors`, input problems findings.
ReviewRun review_inputs(const ReviewRequest& request);

// The facts of one plan set (the one derivation; review_inputs calls it).
DerivedFacts derive_facts(const PlanSet& plan_set, const CheckReport& report, const CaseFile* case_file);

// How outputs name a plan set: the plan label, else the plan file's name, else the set id.
std::string plan_set_label(const PlanSet& plan_set);

}  // namespace rtreview
