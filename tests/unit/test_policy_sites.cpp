// Disease-site value sets (rulesets/disease-sites.xml) read against each seed's own phrase:
// the codes that must be in and out come from the phrase and ICD-10-CM chapter 2, not from
// the table.
#include <gtest/gtest.h>

#include <map>

#include "rtreview/policy.h"
#include "test_support.h"

namespace {

using namespace rtreview;

const std::map<std::string, ValueSet>& sites() {
  static const std::map<std::string, ValueSet> by_id = [] {
    auto l = load_value_sets(test::source_dir() / "rulesets" / "disease-sites.xml");
    EXPECT_TRUE(l.result) << l.result.message();
    std::map<std::string, ValueSet> m;
    for (const auto& v : l.value_sets) m[v.id] = v;
    return m;
  }();
  return by_id;
}

struct PhraseCase {
  const char* set;
  const char* phrase;  // the seed wording
  std::vector<const char*> in, out;
};

const PhraseCase kCases[] = {
    {"cns",
     "Primary, metastatic or benign tumors of the central nervous system including the brain, the brain "
     "stem, and spinal cord (000 I.B.1, 003)",
     {"C71.7", "C72.0", "C70.0", "C79.31", "C79.49", "D32.0", "D33.1", "D35.2", "D43.0"},
     {"C79.51", "C50.9", "D16.6", "C41.2"}},
    {"spine",
     "Primary, or metastatic tumors of the spine (000 I.B.2)",
     {"C41.2", "C79.51", "C72.0"},
     {"C79.31", "D16.6", "C40.0"}},
    {"head-neck",
     "Primary metastatic, benign or recurrent head and neck malignancies, including: orbits, sinuses, skull "
     "base, aero-digestive tract, and salivary glands (000 I.B.3, 003)",
     {"C01", "C07", "C08.0", "C09.0", "C11.9", "C13.9", "C30.0", "C31.0", "C32.0", "C41.0", "C69.61", "C73",
      "C77.0", "D11.0", "D10.6", "D14.1", "D31.60", "D16.4"},
     {"C15.3", "C34.11", "C77.1", "D12.6", "C50.9"}},
    {"thoracic",
     "Thoracic malignancies (000 I.B.4; 003 'thoracic')",
     {"C34.11", "C33", "C37", "C38.3", "C45.0", "C15.5", "C78.01", "C77.1", "C83.32", "C81.12", "C85.20"},
     {"C50.9", "C83.33", "C16.9", "D15.0"}},
    {"abdominal",
     "Abdominal malignancies (000 I.B.5; 001 I.E.5.c 'including primary pancreatic, gastric and adrenal "
     "cancers')",
     {"C16.9", "C17.1", "C18.7", "C22.0", "C25.0", "C74.00", "C78.7", "C79.71", "C48.0", "C77.2"},
     {"C20", "C21.0", "C61", "C34.11"}},
    {"pelvic",
     "Pelvic malignancies including: prostatic, gynecological and anal carcinoma (000 I.B.6)",
     {"C61", "C53.9", "C54.1", "C56.1", "C21.1", "C20", "C19", "C67.9", "C77.5", "C51.9"},
     {"C18.7", "C64.1", "C50.9", "C62.10"}},
    {"retroperitoneal",
     "Other pelvic or retroperitoneal malignancies (000 I.B.7)",
     {"C48.0", "C64.1", "C65.9", "C74.00", "C79.71", "C25.0", "C77.2"},
     {"C61", "C16.9", "C34.11"}},
    {"head-neck-cancer",
     "primary/secondary head and neck cancers or draining lymphatics of the neck including (but not limited "
     "to) ... thyroid, or salivary glands (001 I.E.2.a)",
     {"C11.9", "C30.0", "C31.1", "C10.9", "C06.9", "C13.9", "C32.0", "C73", "C07", "C77.0"},
     {"C44.319", "C15.3", "D11.0"}},
    {"mediastinum",
     "Primary or secondary tumors of the mediastinum, including thymic tumors, mediastinal tumors, "
     "mediastinal lymphomas and thoracic sarcomas (001 I.E.4.a)",
     {"C37", "C38.1", "C78.1", "D15.0", "C81.12", "C85.22", "C49.3"},
     {"C34.11", "C81.13"}},
    {"abdominal",
     "Abdominal malignancies, including primary pancreatic, gastric and adrenal cancers (001 I.E.5.c)",
     {"C25.1", "C16.0", "C74.10"},
     {"C61"}},
    {"liver-primary-secondary",
     "Primary and secondary liver cancers (001 I.E.5.d)",
     {"C22.0", "C78.7"},
     {"C23", "C78.6"}},
    {"anal-colorectal",
     "Anal and colorectal cancers (001 I.E.5.e)",
     {"C18.0", "C19", "C20", "C21.1"},
     {"C17.0", "C78.5"}},
    {"esophagus-gej",
     "Primary cancers of the esophagus and gastroesophageal (GE) junction (001 I.E.5.b)",
     {"C15.5", "C16.0"},
     {"C16.3", "C78.89"}},
    {"primary-bone",
     "Primary malignant or benign bone tumors (001 I.C)",
     {"C40.22", "C41.2", "D16.22"},
     {"C79.51", "C90.3"}},
    {"extremity-sarcoma",
     "Extremity sarcomas (001 I.E.6.c)",
     {"C49.21", "C49.11", "C40.21"},
     {"C49.4", "C48.0"}},
    {"ocular",
     "Ocular tumors, including intraocular melanomas (001 I.E.1.a)",
     {"C69.31", "C69.21", "D31.30"},
     {"C43.10", "C71.0"}},
    {"breast",
     "Breast (001 I.E.3; 003 'breast tumors')",
     {"C50.411", "C50.912", "D05.12"},
     {"C44.501", "C79.81"}},
    {"renal", "Renal cancer (001 I.E.8.b)", {"C64.1", "C65.2"}, {"C66.1", "C74.00"}},
    {"malignant-solid",
     "solid tumor (001 I.A), derived from codes outside C81-C96",
     {"C49.4", "C71.6", "C7A.010", "C80.1"},
     {"C91.00", "C83.32", "D32.0", "Z51.0"}},
};

TEST(policy_sites, each_seed_phrase_has_its_codes) {
  for (const auto& c : kCases) {
    auto it = sites().find(c.set);
    ASSERT_NE(it, sites().end()) << "value set " << c.set << " missing";
    for (const char* code : c.in)
      EXPECT_TRUE(it->second.contains(code)) << code << " must be in '" << c.set << "': " << c.phrase;
    for (const char* code : c.out)
      EXPECT_FALSE(it->second.contains(code)) << code << " must not be in '" << c.set << "': " << c.phrase;
  }
}

TEST(policy_sites, every_site_set_names_its_seed_phrase) {
  for (const auto& [id, vs] : sites())
    EXPECT_FALSE(vs.phrase.empty()) << "value set " << id << " has no phrase";
}

TEST(policy_sites, lymphoma_site_digit_wildcard) {
  const auto& thoracic = sites().at("thoracic");
  EXPECT_TRUE(thoracic.contains("C84.A2"));  // '?' matches a letter too
  EXPECT_FALSE(thoracic.contains("C84.A3"));
}

TEST(policy_sites, codes_are_validated_for_shape) {
  const std::string head =
      "<case version=\"1\">\n<date-of-service>2026-03-02</date-of-service>\n"
      "<line-of-business>medicare</line-of-business>\n";
  for (const char* bad : {"C3", "CC1", "C34.11111", "C34-11", "34.1", "C34..1"}) {
    auto l = parse_case_file(head + "<diagnosis code=\"" + bad + "\"/>\n</case>\n", "case.xml");
    EXPECT_FALSE(l.result) << bad;
    EXPECT_EQ(l.result.message().rfind("case.xml:4: error: bad ICD-10-CM code '" + std::string(bad) + "'", 0),
              0u)
        << l.result.message();
  }
  for (const char* good : {"C34.11", "C3411", "C7A.010", "D49.6", "Z51.0"}) {
    auto l = parse_case_file(head + "<diagnosis code=\"" + good + "\"/>\n</case>\n", "case.xml");
    EXPECT_TRUE(l.result) << good << ": " << l.result.message();
    EXPECT_TRUE(l.warnings.empty()) << good;
  }
  // Well formed but no such chapter-2 category: a warning naming file and line, never silence.
  auto l = parse_case_file(head + "<diagnosis code=\"C99.1\"/>\n</case>\n", "case.xml");
  ASSERT_TRUE(l.result) << l.result.message();
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_EQ(l.warnings[0].message().rfind("case.xml:4: warning: diagnosis code 'C99.1' is well formed", 0),
            0u)
      << l.warnings[0].message();
}

}  // namespace
