// libFuzzer harness: ruleset XML → parse_ruleset (which validates check ids, facts and value
// sets against the registry) → the policy header's applicability to a fixed case.
#include <string_view>

#include "fuzz_support.h"
#include "rtreview/policy.h"

namespace {

const std::vector<rtreview::ValueSet>& shared_value_sets() {
  static const auto load =
      rtreview::load_value_sets(rtreview::fuzz::source_dir() / "rulesets" / "disease-sites.xml");
  return load.value_sets;
}

const rtreview::CaseFile& fixed_case() {
  static const auto load = rtreview::load_case_file(rtreview::fuzz::source_dir() / "dicom_samples" /
                                                    "hn_imrt_7field" / "case.xml");
  return load.case_file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  RulesetLoad load = parse_ruleset(xml, "fuzz.xml", shared_value_sets());
  (void)load.result.message();
  if (!load.result.ok) return 0;
  (void)applicability(load.ruleset.header, fixed_case());
  (void)procedure_code_notes(load.ruleset, fixed_case());
  (void)validate_case_against(fixed_case(), {load.ruleset});
  return 0;
}
