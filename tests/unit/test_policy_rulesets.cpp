// The shipped rulesets load, and every criterion and documentation item of every seed
// policy is present with its outline id (the expected ids are written from the seeds).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using rtreview::RuleNode;

void collect_ids(const RuleNode& n, std::set<std::string>& out) {
  if (!n.outline_id.empty()) out.insert(n.outline_id);
  for (const auto& c : n.children) collect_ids(c, out);
}

std::map<std::string, rtreview::Ruleset> load_all() {
  std::map<std::string, rtreview::Ruleset> out;
  for (auto& l : rtreview::load_ruleset_dir(rtreview::test::source_dir() / "rulesets")) {
    EXPECT_TRUE(l.result.ok) << l.result.message();
    if (l.result.ok) out[l.ruleset.header.id] = l.ruleset;
  }
  return out;
}

std::set<std::string> ids_of(const rtreview::Ruleset& rs) {
  std::set<std::string> ids;
  collect_ids(rs.criteria, ids);
  if (rs.exclusions) collect_ids(*rs.exclusions, ids);
  for (const auto& d : rs.documentation) ids.insert(d.node.outline_id);
  return ids;
}

std::vector<std::string> letters(const std::string& prefix, char last) {
  std::vector<std::string> v;
  for (char c = 'a'; c <= last; ++c) v.push_back(prefix + "." + c);
  return v;
}

std::vector<std::string> numbers(const std::string& prefix, int last) {
  std::vector<std::string> v;
  for (int i = 1; i <= last; ++i) v.push_back(prefix + "." + std::to_string(i));
  return v;
}

void expect_ids(const rtreview::Ruleset& rs, const std::vector<std::string>& expected) {
  auto ids = ids_of(rs);
  for (const auto& id : expected) EXPECT_TRUE(ids.count(id)) << rs.header.id << ": missing outline id " << id;
}

TEST(policy_rulesets, all_five_seed_policies_load) {
  auto all = load_all();
  for (const char* id : {"MC.CP.MP.69", "CP.MP.69", "KPWA-IMRT", "LCD-IMRT-FL", "04-77260-19"})
    EXPECT_TRUE(all.count(id)) << "ruleset " << id << " missing from rulesets/";
}

// Seed 000: I (A.1-5, B.1-7, C), II (A-E), Background (GTV, PTV, normal tissues, grid <= 1 cm).
TEST(policy_rulesets, mc_cp_mp_69_complete) {
  auto all = load_all();
  ASSERT_TRUE(all.count("MC.CP.MP.69"));
  const auto& rs = all["MC.CP.MP.69"];
  std::vector<std::string> ids = {"I",
                                  "I.A",
                                  "I.B",
                                  "I.C",
                                  "II",
                                  "II.A",
                                  "II.B",
                                  "II.C",
                                  "II.D",
                                  "II.E",
                                  "Background.GTV",
                                  "Background.PTV",
                                  "Background.OAR",
                                  "Background.Grid",
                                  "Background.IMRT"};
  for (auto& s : numbers("I.A", 5)) ids.push_back(s);
  for (auto& s : numbers("I.B", 7)) ids.push_back(s);
  expect_ids(rs, ids);
  EXPECT_EQ(rs.criteria.kind, rtreview::RuleKind::all);
  ASSERT_TRUE(rs.exclusions);
  EXPECT_EQ(rs.exclusions->kind, rtreview::RuleKind::any);
  EXPECT_EQ(rs.header.lines_of_business, std::vector<std::string>{"medicare"});
  std::set<std::string> codes;
  for (const auto& c : rs.procedure_codes) codes.insert(c.code);
  EXPECT_EQ(codes, (std::set<std::string>{"77385", "77386", "G6015", "G6016"}));
}

// Seed 001: I (A-D, E.1 a-e, E.2 a-d, E.3 a-h, E.4 a-d, E.5 a-e, E.6 a-c, E.7 a-c, E.8 a-e).
TEST(policy_rulesets, cp_mp_69_complete) {
  auto all = load_all();
  ASSERT_TRUE(all.count("CP.MP.69"));
  std::vector<std::string> ids = {
      "I", "I.A", "I.B", "I.C", "I.D", "I.E", "Description.IMRT", "Description.Contouring"};
  for (auto& s : numbers("I.E", 8)) ids.push_back(s);
  const std::map<std::string, char> last = {{"I.E.1", 'e'}, {"I.E.2", 'd'}, {"I.E.3", 'h'}, {"I.E.4", 'd'},
                                            {"I.E.5", 'e'}, {"I.E.6", 'c'}, {"I.E.7", 'c'}, {"I.E.8", 'e'}};
  for (const auto& [p, l] : last)
    for (auto& s : letters(p, l)) ids.push_back(s);
  expect_ids(all["CP.MP.69"], ids);
  EXPECT_EQ(all["CP.MP.69"].criteria.kind, rtreview::RuleKind::any);
  std::set<std::string> codes;
  for (const auto& c : all["CP.MP.69"].procedure_codes) codes.insert(c.code);
  EXPECT_EQ(codes, (std::set<std::string>{"77301", "77338", "77385", "77386", "G6015", "G6016"}));
}

// Seed 002: Medicare path per LCD L34080, non-Medicare path via MCG (manual), 6 months of notes.
TEST(policy_rulesets, kaiser_wa_complete) {
  auto all = load_all();
  ASSERT_TRUE(all.count("KPWA-IMRT"));
  std::vector<std::string> ids = {
      "Medicare",     "Medicare.LOB",     "Medicare.L34080.Conditions", "Medicare.L34080.Sites",
      "Non-Medicare", "Non-Medicare.LOB", "Non-Medicare.MCG",           "Non-Medicare.Documentation.1"};
  for (auto& s : numbers("Medicare.L34080.Conditions", 5)) ids.push_back(s);
  for (auto& s : numbers("Medicare.L34080.Sites", 8)) ids.push_back(s);
  expect_ids(all["KPWA-IMRT"], ids);
  std::set<std::string> codes;
  for (const auto& c : all["KPWA-IMRT"].procedure_codes) codes.insert(c.code);
  EXPECT_EQ(codes,
            (std::set<std::string>{"77301", "77338", "77385", "77386", "77387", "G6015", "G6016", "G6017"}));
}

// Seed 003: five conditions, eight site bullets, seven documentation bullets, verification.
TEST(policy_rulesets, lcd_fl_complete) {
  auto all = load_all();
  ASSERT_TRUE(all.count("LCD-IMRT-FL"));
  std::vector<std::string> ids = {"Coverage", "Conditions", "Sites", "Verification.1", "Coverage.IMRT"};
  for (auto& s : numbers("Conditions", 5)) ids.push_back(s);
  for (auto& s : numbers("Sites", 8)) ids.push_back(s);
  for (auto& s : numbers("Documentation", 7)) ids.push_back(s);
  expect_ids(all["LCD-IMRT-FL"], ids);
  // The documentation items map onto the technical checks named in the brief.
  std::map<std::string, std::set<std::string>> checks;
  std::function<void(const std::string&, const RuleNode&)> walk = [&](const std::string& item,
                                                                      const RuleNode& n) {
    if (n.kind == rtreview::RuleKind::check) checks[item].insert(n.check_id);
    for (const auto& c : n.children) walk(item, c);
  };
  for (const auto& d : all["LCD-IMRT-FL"].documentation) walk(d.node.outline_id, d.node);
  EXPECT_EQ(checks["Documentation.1"], (std::set<std::string>{"PRESCRIPTION", "DOSE_CONSTRAINTS"}));
  EXPECT_EQ(checks["Documentation.4"], (std::set<std::string>{"DVH_COMPUTABLE"}));
  EXPECT_EQ(checks["Documentation.5"], (std::set<std::string>{"BEAM_DESCRIPTION"}));
  EXPECT_EQ(checks["Documentation.7"], (std::set<std::string>{"COMPENSATOR_DESIGN"}));
}

// Seed 004: ten position-statement indications, three LOINC documents within six months.
TEST(policy_rulesets, florida_blue_igrt_complete) {
  auto all = load_all();
  ASSERT_TRUE(all.count("04-77260-19"));
  std::vector<std::string> ids = {"Position", "LOINC.28626-0", "LOINC.18741-9", "LOINC.18776-5"};
  for (auto& s : numbers("Position", 10)) ids.push_back(s);
  expect_ids(all["04-77260-19"], ids);
  for (const auto& d : all["04-77260-19"].documentation) {
    ASSERT_FALSE(d.node.children.empty());
    EXPECT_EQ(d.node.children[0].window_months, 6) << d.node.outline_id;
  }
}

TEST(policy_rulesets, disease_site_table) {
  auto vs = rtreview::load_value_sets(rtreview::test::source_dir() / "rulesets" / "disease-sites.xml");
  ASSERT_TRUE(vs.result) << vs.result.message();
  std::map<std::string, rtreview::ValueSet> by_id;
  for (const auto& v : vs.value_sets) by_id[v.id] = v;
  EXPECT_TRUE(by_id["head-neck"].contains("C10.9"));
  EXPECT_TRUE(by_id["head-neck"].contains("c14.8"));
  EXPECT_FALSE(by_id["head-neck"].contains("C15.3"));
  EXPECT_TRUE(by_id["cns"].contains("C79.31"));
  EXPECT_FALSE(by_id["cns"].contains("C79.51"));
  EXPECT_TRUE(by_id["spine"].contains("C79.51"));
  EXPECT_TRUE(by_id["breast"].contains("C50.912"));
  EXPECT_TRUE(by_id["pelvic"].contains("C53.9"));
  EXPECT_FALSE(by_id["pelvic"].contains("C50.9"));
  EXPECT_FALSE(by_id["prostate"].contains("Z51.0"));
}

// Every case fact is tested by some shipped ruleset: a fact nothing reads would let a case
// file assert something that silently changes nothing.
TEST(policy_rulesets, every_case_fact_is_used) {
  std::set<std::string> used;
  std::function<void(const RuleNode&)> scan = [&](const RuleNode& n) {
    if (!n.fact.empty()) used.insert(n.fact);
    for (const auto& c : n.children) scan(c);
  };
  for (const auto& [id, rs] : load_all()) {
    scan(rs.criteria);
    for (const auto& d : rs.documentation) scan(d.node);
  }
  for (const auto& f : rtreview::known_case_facts())
    EXPECT_TRUE(used.count(f)) << "no ruleset uses fact " << f;
}

TEST(policy_rulesets, unused_shared_value_set_is_a_load_error) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "rtreview_unused_vs";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(rtreview::test::source_dir() / "rulesets", dir, fs::copy_options::recursive);
  { std::ofstream out(dir / "disease-sites.xml", std::ios::app); }
  std::string text;
  {
    std::ifstream in(dir / "disease-sites.xml");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto at = text.find("</value-sets>");
  text.insert(at, "  <value-set id=\"nobody\" phrase=\"x\" codes=\"C99\"/>\n");
  {
    std::ofstream out(dir / "disease-sites.xml");
    out << text;
  }
  int line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  bool found = false;
  for (const auto& l : rtreview::load_ruleset_dir(dir))
    if (!l.result.ok) {
      found = true;
      EXPECT_EQ(l.result.message(), (dir / "disease-sites.xml").string() + ":" + std::to_string(line) +
                                        ": error: value set 'nobody' is defined but no ruleset uses it");
    }
  EXPECT_TRUE(found);
  fs::remove_all(dir);
}

}  // namespace
