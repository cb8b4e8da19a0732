// Probe cases (tests/policy_cases/): each row of expected.tsv names a case file, a policy, a
// synthetic plan variant and the determination the seed text gives, with the deciding seed
// sentence. The truth comes from the seed wording (see make_cases.py), not from this code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "rtreview/check_ids.h"
#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using namespace rtreview;

struct Probe {
  std::string case_file, policy, plan, expected, sentence;
};

std::vector<Probe> probes() {
  std::vector<Probe> out;
  std::ifstream in(test::source_dir() / "tests/policy_cases/expected.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (cols.size() == 5) out.push_back({cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return out;
}

Finding finding(std::string_view id, Status status) {
  Finding f;
  f.id = std::string(id);
  f.status = status;
  f.message = status == Status::pass ? "ok" : "synthetic failure";
  return f;
}

// The synthetic plan set of a variant: its technical findings and DICOM facts.
std::pair<std::vector<Finding>, DicomFacts> plan_variant(const std::string& plan) {
  namespace c = check_id;
  std::map<std::string, Status> status;
  for (auto id :
       {c::dose_grid_spacing, c::gtv_contoured, c::ptv_contoured, c::oar_contoured, c::dvh_computable,
        c::beam_description, c::technique_imrt, c::prescription, c::dose_constraints, c::plan_approval})
    status[std::string(id)] = Status::pass;
  status[std::string(c::compensator_design)] = Status::info;
  DicomFacts facts;
  facts.delivery = DeliveryClass::photon;
  facts.compensator_based = false;
  facts.source = "plan PROBE";
  if (plan == "3d") status[std::string(c::technique_imrt)] = Status::fail;
  if (plan == "grid12") status[std::string(c::dose_grid_spacing)] = Status::fail;
  if (plan == "no-gtv") status[std::string(c::gtv_contoured)] = Status::fail;
  if (plan == "no-ptv") status[std::string(c::ptv_contoured)] = Status::fail;
  if (plan == "no-dvh") status[std::string(c::dvh_computable)] = Status::fail;
  if (plan == "no-rx") {
    status[std::string(c::prescription)] = Status::fail;
    status[std::string(c::dose_constraints)] = Status::fail;
  }
  if (plan == "compensator") {
    facts.compensator_based = true;
    status[std::string(c::compensator_design)] = Status::fail;
  }
  if (plan == "brachy") facts.delivery = DeliveryClass::brachy;
  if (plan == "electron") facts.delivery = DeliveryClass::electron;
  if (plan == "proton") facts.delivery = DeliveryClass::ion;
  if (plan == "gamma-knife") facts.delivery = DeliveryClass::gamma_knife;
  std::vector<Finding> findings;
  for (const auto& [id, st] : status) findings.push_back(finding(id, st));
  return {findings, facts};
}

const std::vector<Ruleset>& shipped() {
  static const std::vector<Ruleset> all = [] {
    std::vector<Ruleset> v;
    for (auto& l : load_ruleset_dir(test::source_dir() / "rulesets")) {
      EXPECT_TRUE(l.result) << l.result.message();
      if (l.result) v.push_back(l.ruleset);
    }
    return v;
  }();
  return all;
}

// The outcome as a string, "ERROR" when the case file is rejected.
std::string run(const Probe& p, std::string& detail) {
  auto loaded = load_case_file(test::source_dir() / "tests/policy_cases" / p.case_file);
  if (!loaded.result) {
    detail = loaded.result.message();
    return "ERROR";
  }
  auto errors = validate_case_against(loaded.case_file, shipped());
  if (!errors.empty()) {
    detail = errors.front().message();
    return "ERROR";
  }
  for (const auto& rs : shipped())
    if (rs.header.id == p.policy) {
      auto [findings, facts] = plan_variant(p.plan);
      Determination d = evaluate_policy(rs, loaded.case_file, findings, facts,
                                        patient_age(loaded.case_file, facts.patient_birth_date));
      detail = d.summary;
      for (const auto& m : d.missing) detail += "\n  missing: " + m;
      return to_string(d.outcome);
    }
  detail = "no ruleset " + p.policy;
  return "NO RULESET";
}

TEST(policy_cases, at_least_eighty_probes) { EXPECT_GE(probes().size(), 80u); }

TEST(policy_cases, every_probe_matches_the_seed) {
  int passed = 0;
  for (const auto& p : probes()) {
    std::string detail;
    std::string got = run(p, detail);
    EXPECT_EQ(got, p.expected) << p.case_file << " under " << p.policy << " (plan " << p.plan
                               << "): the seed says \"" << p.sentence << "\"\n  " << detail;
    if (got == p.expected) ++passed;
    if (std::getenv("PROBE_VERBOSE"))
      std::cout << p.case_file << " " << p.policy << ": " << got << " -- " << detail << "\n";
  }
  std::cout << passed << " / " << probes().size() << " probes match the seed\n";
}

}  // namespace
