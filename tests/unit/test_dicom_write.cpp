// Writer tests: every object and transfer syntax writes a file that DCMTK's
// dcmdump parses and that carries the model's values. (Round trips through the
// reader live in test_dicom_roundtrip.cpp.)
#include <gtest/gtest.h>

#include <filesystem>

#include "rtreview/dicom_io.h"
#include "small_rt_objects.h"
#include "test_support.h"

namespace rtreview {
namespace {

using test::make_dose;
using test::make_plan;
using test::make_structure_set;

class WriteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WriteTest, WritesFilesDcmdumpCanParse) {
  const std::string xfer = GetParam();
  const auto dir = test::make_temp_dir("rtreview-write");
  ASSERT_EQ(write_plan(make_plan(), dir / "RP.dcm", xfer == "rle" ? "explicit" : xfer).message(), "");
  ASSERT_EQ(
      write_structure_set(make_structure_set(), dir / "RS.dcm", xfer == "rle" ? "explicit" : xfer).message(),
      "");
  ASSERT_EQ(write_dose(make_dose(16), dir / "RD.dcm", xfer).message(), "");
  for (const char* name : {"RP.dcm", "RS.dcm", "RD.dcm"}) {
    auto result = test::run_command("dcmdump -q '" + (dir / name).string() + "'");
    if (result.exit_code == 127) GTEST_SKIP() << "dcmdump not installed";
    EXPECT_EQ(result.exit_code, 0) << name << ": " << result.stderr_text;
  }
  auto plan_dump = test::run_command("dcmdump -q '" + (dir / "RP.dcm").string() + "'");
  EXPECT_NE(plan_dump.stdout_text.find("[116]"), std::string::npos) << plan_dump.stdout_text;
  EXPECT_NE(plan_dump.stdout_text.find("[Physicist^Pat]"), std::string::npos);
  auto dose_dump = test::run_command("dcmdump -q '" + (dir / "RD.dcm").string() + "'");
  EXPECT_NE(dose_dump.stdout_text.find("[0\\-3]"), std::string::npos) << dose_dump.stdout_text;
  auto ss_dump = test::run_command("dcmdump -q '" + (dir / "RS.dcm").string() + "'");
  EXPECT_NE(ss_dump.stdout_text.find("(3006,0022) IS [0]"), std::string::npos) << ss_dump.stdout_text;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(TransferSyntaxes, WriteTest,
                         ::testing::Values("implicit", "explicit", "big_endian", "rle"));

TEST(Write, SameModelGivesIdenticalBytes) {
  const auto dir = test::make_temp_dir("rtreview-write-det");
  ASSERT_EQ(write_dose(make_dose(32), dir / "a.dcm").message(), "");
  ASSERT_EQ(write_dose(make_dose(32), dir / "b.dcm").message(), "");
  auto cmp = test::run_command("cmp '" + (dir / "a.dcm").string() + "' '" + (dir / "b.dcm").string() + "'");
  EXPECT_EQ(cmp.exit_code, 0) << cmp.stdout_text;
  std::filesystem::remove_all(dir);
}

TEST(Write, RejectsInconsistentDose) {
  DoseGrid dose = make_dose(16);
  dose.frame_offsets_mm = {0};
  const auto dir = test::make_temp_dir("rtreview-write-bad");
  const Result result = write_dose(dose, dir / "bad.dcm");
  EXPECT_FALSE(result);
  EXPECT_EQ(result.code, ErrorCode::cannot_write);
  const std::string error = result.message();
  EXPECT_NE(error.find("GridFrameOffsetVector has 1 values for 2 frames"), std::string::npos) << error;
  EXPECT_NE(error.find("bad.dcm"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.dcm"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rtreview
