// review_inputs: read once → assemble → checks → derived facts → determinations.
// The vocabulary, case file and rulesets are loaded once per run, never per plan set.
#include "rtreview/review.h"

#include <algorithm>
#include <system_error>

#include "rtreview/text.h"

namespace rtreview {

namespace {

// The case file, when given, is an input beside the DICOM, not an unreadable DICOM file.
void drop_case_file(Inventory& inventory, const std::filesystem::path& case_file,
                    const std::filesystem::path& display_root) {
  if (case_file.empty()) return;
  std::error_code ec;
  std::erase_if(inventory.unreadable, [&](const UnreadableFile& u) {
    std::filesystem::path shown = u.path;
    return std::filesystem::equivalent(shown.is_relative() ? display_root / shown : shown, case_file, ec);
  });
}

// Loads the case file (when given, or required by the depth) and, for determinations,
// selects the policies; false (with errors) when either fails.
bool load_policy_inputs(const ReviewRequest& request, ReviewRun& run) {
  const bool determinations = request.depth == ReviewDepth::determinations;
  if (request.case_file.empty() && !determinations) return true;
  CaseFileLoad loaded = load_case_file(request.case_file);
  if (!loaded.result) {
    run.errors.push_back(loaded.result);
    return false;
  }
  run.case_file = std::move(loaded.case_file);
  for (const auto& w : loaded.warnings) run.warnings.push_back(w.message());
  if (!determinations) return true;
  run.selection = select_policies(request.policies, *run.case_file, run.ruleset_dir);
  run.errors.insert(run.errors.end(), run.selection.errors.begin(), run.selection.errors.end());
  return run.errors.empty();
}

// Appends the findings of `more` not already present (same id, subject and message).
void append_distinct(std::vector<Finding>& findings, const std::vector<Finding>& more) {
  for (const auto& f : more)
    if (std::none_of(findings.begin(), findings.end(), [&](const Finding& g) {
          return g.id == f.id && g.subject == f.subject && g.message == f.message;
        }))
      findings.push_back(f);
}

// Each finding cites the sentences of the policies that were applied to the plan set and
// rely on its check: a policy judged NOT APPLICABLE judged no finding, so it is not cited.
void cite_policies(std::vector<Finding>& findings, const std::vector<Ruleset>& rulesets,
                   const std::vector<Determination>& determinations) {
  for (auto& f : findings) {
    std::vector<std::string> citations;
    for (std::size_t k = 0; k < rulesets.size() && k < determinations.size(); ++k) {
      if (determinations[k].outcome == Outcome::not_applicable) continue;
      for (auto& c : check_citations(rulesets[k], f.id))
        if (std::find(citations.begin(), citations.end(), c) == citations.end())
          citations.push_back(std::move(c));
    }
    if (!citations.empty()) f.citation = join(citations, "; ");
  }
}

PlanSetReview review_one(PlanSet plan_set, const ReviewRun& run, const CheckOptions& options,
                         const StructureVocabulary& vocabulary, ReviewDepth depth) {
  PlanSetReview review;
  review.plan_set = std::move(plan_set);
  const PlanSet& set = review.plan_set;
  if (depth != ReviewDepth::assemble) review.report = run_checks(set, options, vocabulary);
  review.facts = derive_facts(set, review.report, run.case_file ? &*run.case_file : nullptr);
  // The case's patient against the DICOM's first: a mismatch is the first thing a reviewer reads.
  if (run.case_file) {
    const DicomFacts& d = review.facts.dicom;
    review.findings = compare_identity(*run.case_file, d.patient_name, d.patient_id, d.patient_birth_date);
  }
  append_distinct(review.findings, review.report.findings);
  append_distinct(review.findings, set.findings);
  if (depth != ReviewDepth::determinations) return review;
  const auto& rulesets = run.selection.rulesets;
  for (std::size_t k = 0; k < rulesets.size(); ++k) {
    Determination d =
        evaluate_policy(rulesets[k], *run.case_file, review.findings, review.facts.dicom, review.facts.age);
    if (k < run.selection.reasons.size()) d.applicability = run.selection.reasons[k];
    review.determinations.push_back(std::move(d));
  }
  cite_policies(review.findings, rulesets, review.determinations);
  return review;
}

}  // namespace

ReviewRun review_inputs(const ReviewRequest& request) {
  ReviewRun run;
  run.ruleset_dir = ruleset_dir_or_default(request.ruleset_dir);
  if (!load_policy_inputs(request, run)) return run;

  CheckOptions options = request.check_options;
  if (options.default_structure_vocabulary.empty())
    options.default_structure_vocabulary = run.ruleset_dir / structure_vocabulary_file;
  if (!options.structure_vocabulary.empty() &&
      !std::filesystem::is_regular_file(options.structure_vocabulary)) {
    run.errors.push_back(Result::failure(ErrorCode::cannot_read, options.structure_vocabulary.string(),
                                         "structure vocabulary not found"));
    return run;
  }
  StructureVocabulary vocabulary;
  if (request.depth != ReviewDepth::assemble) {
    vocabulary = load_structure_vocabulary(options);
    run.vocabulary_problems = vocabulary.problems;
  }

  if (request.progress) request.progress(0, 0, "reading inputs");
  run.inventory =
      read_paths(request.paths, ReadOptions{.hash_files = request.hash_inputs,
                                            .capture_conformance = request.depth != ReviewDepth::assemble,
                                            .display_root = request.display_root});
  drop_case_file(run.inventory, request.case_file, request.display_root);
  run.input_findings = inventory_findings(run.inventory);
  std::vector<PlanSet> sets = assemble_plan_sets(run.inventory, request.assembly);
  run.reviews.reserve(sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (request.progress) request.progress(i + 1, sets.size(), plan_set_label(sets[i]));
    run.reviews.push_back(review_one(std::move(sets[i]), run, options, vocabulary, request.depth));
  }
  return run;
}

}  // namespace rtreview
