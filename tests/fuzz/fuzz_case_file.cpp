// libFuzzer harness: case-file XML → parse_case_file → validated against the committed
// rulesets → every policy evaluated against a fixed plan set (the IMRT sample, read and
// checked once at start-up).
#include <string_view>

#include "fuzz_support.h"
#include "rtreview/policy.h"
#include "rtreview/review.h"

namespace {

struct Fixture {
  std::vector<rtreview::Ruleset> rulesets;
  std::vector<rtreview::Finding> findings;
  rtreview::DerivedFacts facts;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    using namespace rtreview;
    Fixture out;
    for (auto& load : load_ruleset_dir(fuzz::source_dir() / "rulesets"))
      if (load.result.ok) out.rulesets.push_back(std::move(load.ruleset));
    ReviewRequest request;
    request.paths = {fuzz::source_dir() / "dicom_samples" / "hn_imrt_7field"};
    request.ruleset_dir = fuzz::source_dir() / "rulesets";
    request.depth = ReviewDepth::checks;
    ReviewRun run = review_inputs(request);
    if (!run.reviews.empty()) {
      out.findings = run.reviews.front().findings;
      out.facts = run.reviews.front().facts;
    }
    return out;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  const Fixture& f = fixture();
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  CaseFileLoad load = parse_case_file(xml, "case.xml");
  (void)load.result.message();
  if (!load.result.ok) return 0;
  const CaseFile& case_file = load.case_file;
  (void)validate_case_against(case_file, f.rulesets);
  (void)patient_age(case_file, f.facts.dicom.patient_birth_date);
  (void)compare_identity(case_file, f.facts.dicom.patient_name, f.facts.dicom.patient_id,
                         f.facts.dicom.patient_birth_date);
  for (const Ruleset& ruleset : f.rulesets) {
    (void)evaluate_policy(ruleset, case_file, f.findings, f.facts.dicom,
                          patient_age(case_file, f.facts.dicom.patient_birth_date));
    (void)procedure_code_notes(ruleset, case_file);
  }
  return 0;
}
