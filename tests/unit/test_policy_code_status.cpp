// procedure_code_status(): the per-code flag for a date of service, read from the code-change
// table. Truth for the shipped table: Florida Blue 04-77260-19's revision log (seed text),
// "01/01/26 Annual CPT/HCPCS coding update. Deleted code 77014, G6001, G6002 and G6017.";
// for a table written here: the dates and codes it states.
#include <gtest/gtest.h>

#include <fstream>

#include "rtreview/policy.h"
#include "test_support.h"

namespace fs = std::filesystem;
using rtreview::CodeStatusKind;
using rtreview::procedure_code_status;

namespace {

TEST(policy_code_status, codes_the_seed_deletes_on_2026_01_01) {
  auto loaded = rtreview::load_shared_tables(rtreview::test::source_dir() / "rulesets");
  ASSERT_TRUE(loaded.result) << loaded.result.message();
  for (const char* code : {"77014", "G6001", "G6002", "G6017", "g6001"}) {
    auto on = procedure_code_status(loaded.tables, code, "2026-01-01");
    EXPECT_EQ(on.kind, CodeStatusKind::deleted) << code;
    EXPECT_EQ(on.effective, "2026-01-01") << code;
    EXPECT_FALSE(on.replacement.empty()) << code;
    EXPECT_EQ(procedure_code_status(loaded.tables, code, "2025-12-31").kind, CodeStatusKind::current) << code;
  }
  // 77412 is what the IMRT delivery codes are reported with now: never flagged.
  EXPECT_EQ(procedure_code_status(loaded.tables, "77412", "2026-03-23").kind, CodeStatusKind::current);
  EXPECT_EQ(to_string(CodeStatusKind::professional_only), "professional-only");
}

TEST(policy_code_status, the_latest_change_in_effect_decides) {
  fs::path dir = rtreview::test::make_temp_dir("code-status");
  std::ofstream(dir / "procedure-code-changes.xml") << R"(<procedure-code-changes version="1">
  <change effective="2024-01-01" source="first"><professional-only codes="11111"/></change>
  <change effective="2025-07-01" source="second">
    <deleted codes="11111 22220-22229" replacement="report 33333"/>
  </change>
</procedure-code-changes>)";
  auto loaded = rtreview::load_shared_tables(dir);
  ASSERT_TRUE(loaded.result) << loaded.result.message();
  EXPECT_EQ(procedure_code_status(loaded.tables, "11111", "2023-12-31").kind, CodeStatusKind::current);
  auto early = procedure_code_status(loaded.tables, "11111", "2024-06-01");
  EXPECT_EQ(early.kind, CodeStatusKind::professional_only);
  EXPECT_EQ(early.source, "first");
  auto late = procedure_code_status(loaded.tables, "11111", "2025-07-01");
  EXPECT_EQ(late.kind, CodeStatusKind::deleted);
  EXPECT_EQ(late.replacement, "report 33333");
  EXPECT_EQ(procedure_code_status(loaded.tables, "22225", "2026-01-01").kind, CodeStatusKind::deleted);
  EXPECT_EQ(procedure_code_status(loaded.tables, "22230", "2026-01-01").kind, CodeStatusKind::current);
  fs::remove_all(dir);
}

}  // namespace
