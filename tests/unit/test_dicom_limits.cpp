// Resource limits (rtreview/limits.h): forged headers and oversized objects are refused with
// a FILE_UNREADABLE naming the file and the limit, before anything is allocated for them, and
// claims the data does not back (NumberOfContourPoints) never size anything. The forgeries
// are made by DCMTK's own dcmodify on files the writer produced, so what the reader meets is
// what another tool wrote, not what the reader's author imagined.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"
#include "small_rt_objects.h"
#include "test_support.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

using test::make_dose;
using test::make_plan;
using test::make_structure_set;

class Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::run_command("dcmodify --version").exit_code != 0)
      GTEST_SKIP() << "dcmodify (dcmtk) not installed";
    dir_ = test::make_temp_dir("rtreview-limits");
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  // dcmodify `edits` (its own options) on `file`, without a backup copy.
  void modify(const fs::path& file, const std::string& edits) {
    auto r = test::run_command("dcmodify -nb " + edits + " '" + file.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  }
  fs::path dir_;
};

// The one FILE_UNREADABLE of `inventory`, checked to name `file`; its reason.
std::string refusal(const Inventory& inventory, const fs::path& file) {
  EXPECT_EQ(inventory.unreadable.size(), 1u);
  if (inventory.unreadable.empty()) return {};
  const std::vector<Finding> findings = inventory_findings(inventory);
  EXPECT_EQ(findings.size(), 1u);
  if (findings.empty()) return {};
  EXPECT_EQ(findings[0].id, check_id::file_unreadable);
  EXPECT_NE(findings[0].message.find(file.filename().string()), std::string::npos) << findings[0].message;
  return inventory.unreadable[0].reason;
}

std::vector<std::uint8_t> bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(Limits, ForgedDoseHeaderIsRefusedBeforeAnyVoxelIsDecoded) {
  const fs::path file = dir_ / "RD_forged.dcm";
  ASSERT_EQ(write_dose(make_dose(), file).message(), "");
  // 65535 x 65535 x (2^31 - 1) voxels = 2^63 claimed, 48 bytes of pixel data held.
  modify(file, "-i '(0028,0010)=65535' -i '(0028,0011)=65535' -i '(0028,0008)=2147483647'");
  const auto start = std::chrono::steady_clock::now();
  Inventory inventory;
  read_file(file, inventory);
  const std::string reason = refusal(inventory, file);
  EXPECT_TRUE(inventory.doses.empty());
  EXPECT_NE(reason.find("65535 x 65535 x 2147483647"), std::string::npos) << reason;
  EXPECT_NE(reason.find("limit of 134217728 voxels"), std::string::npos) << reason;
  // The same bytes from memory: the same refusal.
  const std::vector<std::uint8_t> bytes = bytes_of(file);
  Inventory from_memory;
  read_bytes(file, bytes.data(), bytes.size(), from_memory);
  EXPECT_EQ(refusal(from_memory, file), reason);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(Limits, HugeRowsAndColumnsWithoutFramesIsRefusedForShortPixelData) {
  const fs::path file = dir_ / "RD_wide.dcm";
  ASSERT_EQ(write_dose(make_dose(), file).message(), "");
  modify(file, "-i '(0028,0010)=65535' -i '(0028,0011)=65535' -e '(0028,0008)'");
  Inventory inventory;
  read_file(file, inventory);
  const std::string reason = refusal(inventory, file);
  EXPECT_NE(reason.find("less than one 65535x65535 frame"), std::string::npos) << reason;
}

TEST_F(Limits, DoseVoxelLimitCountsDeclaredAndDecodedFrames) {
  const fs::path file = dir_ / "RD.dcm";
  ASSERT_EQ(write_dose(make_dose(), file).message(), "");
  InputLimits limits;
  Inventory fits;
  read_file(file, fits, {}, limits);
  ASSERT_EQ(fits.doses.size(), 1u);
  EXPECT_EQ(fits.doses[0]->dose.size(), 24u);

  limits.max_dose_voxels = 23;
  Inventory declared;
  read_file(file, declared, {}, limits);
  EXPECT_NE(refusal(declared, file).find("NumberOfFrames = 4 x 3 x 2"), std::string::npos);

  modify(file, "-e '(0028,0008)'");  // frames now come from the pixel data length
  Inventory decoded;
  read_file(file, decoded, {}, limits);
  const std::string reason = refusal(decoded, file);
  EXPECT_NE(reason.find("frames in PixelData = 4 x 3 x 2"), std::string::npos) << reason;
  EXPECT_NE(reason.find("limit of 23 voxels"), std::string::npos) << reason;
}

TEST_F(Limits, ClaimedContourPointsNeverSizeAnything) {
  const fs::path file = dir_ / "RS_claim.dcm";
  ASSERT_EQ(write_structure_set(make_structure_set(), file).message(), "");
  modify(file, "-i '(3006,0039)[0].(3006,0040)[0].(3006,0046)=1999999999'");
  Inventory inventory;
  read_file(file, inventory);
  ASSERT_EQ(inventory.structure_sets.size(), 1u);
  const StructureSet& ss = *inventory.structure_sets[0];
  ASSERT_EQ(ss.rois.size(), 2u);  // BODY and an ROI without contours
  ASSERT_EQ(ss.rois[0].name, "BODY");
  ASSERT_EQ(ss.rois[0].contours.size(), 1u);
  EXPECT_EQ(ss.rois[0].contours[0].points_mm.size(), 4u);
  bool noted = false;
  for (const std::string& note : ss.notes)
    noted = noted || note.find("NumberOfContourPoints 1999999999 but 4 points") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST_F(Limits, ContourPointLimitRefusesTheStructureSet) {
  const fs::path file = dir_ / "RS.dcm";
  ASSERT_EQ(write_structure_set(make_structure_set(), file).message(), "");
  InputLimits limits;
  limits.max_contour_points = 3;
  Inventory inventory;
  read_file(file, inventory, {}, limits);
  EXPECT_TRUE(inventory.structure_sets.empty());
  const std::string reason = refusal(inventory, file);
  EXPECT_NE(reason.find("ContourData points (all ROIs) = 4 points, over rtreview's limit of 3 points"),
            std::string::npos)
      << reason;
}

TEST_F(Limits, ControlPointLimitRefusesThePlan) {
  const fs::path file = dir_ / "RP.dcm";
  ASSERT_EQ(write_plan(make_plan(), file).message(), "");
  InputLimits limits;
  Inventory fits;
  read_file(file, fits, {}, limits);
  EXPECT_EQ(fits.plans.size(), 1u);
  limits.max_control_points = 1;
  Inventory inventory;
  read_file(file, inventory, {}, limits);
  EXPECT_TRUE(inventory.plans.empty());
  const std::string reason = refusal(inventory, file);
  EXPECT_NE(reason.find("control points (all beams and channels) = 2 control points"), std::string::npos)
      << reason;
}

// A value length field claiming ~4 GiB in a small file: DCMTK stops at the end of the data,
// the reader reports where, and nothing near 4 GiB is allocated (ASan in CI would flag it).
TEST_F(Limits, ForgedValueLengthIsATruncationNotAnAllocation) {
  const fs::path file = dir_ / "RD_length.dcm";
  ASSERT_EQ(write_dose(make_dose(), file).message(), "");
  std::vector<std::uint8_t> bytes = bytes_of(file);
  const std::uint8_t pixel_data_ow[] = {0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0x00, 0x00};
  auto at = std::search(bytes.begin(), bytes.end(), std::begin(pixel_data_ow), std::end(pixel_data_ow));
  ASSERT_NE(at, bytes.end()) << "no explicit-VR PixelData header in the written file";
  const auto length_at = static_cast<std::size_t>(at - bytes.begin()) + 8;
  for (std::size_t i = 0; i < 4; ++i) bytes[length_at + i] = i == 0 ? 0xF0 : 0xFF;  // 0xFFFFFFF0
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  Inventory inventory;
  read_file(file, inventory);
  EXPECT_TRUE(inventory.doses.empty());
  EXPECT_FALSE(refusal(inventory, file).empty());
}

}  // namespace
}  // namespace rtreview
