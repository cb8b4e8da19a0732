// Reading Debian python3-pydicom's RT test files (skipped when pydicom is absent).
#include <gtest/gtest.h>

#include <filesystem>

#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

fs::path pydicom_file(const char* name) {
  auto dir = rtreview::test::pydicom_test_files();
  return dir ? *dir / name : fs::path();
}

#define REQUIRE_PYDICOM()                    \
  if (!rtreview::test::pydicom_test_files()) \
  GTEST_SKIP() << "python3-pydicom test files not installed: skipped"

Inventory read_one(const char* name) {
  Inventory inventory;
  read_file(pydicom_file(name), inventory);
  return inventory;
}

std::shared_ptr<const DoseGrid> read_dose_file(const char* name) {
  Inventory inventory = read_one(name);
  EXPECT_TRUE(inventory.unreadable.empty())
      << name << ": " << (inventory.unreadable.empty() ? "" : inventory.unreadable[0].reason);
  EXPECT_EQ(inventory.doses.size(), 1u) << name;
  return inventory.doses.empty() ? nullptr : inventory.doses.front();
}

}  // namespace

TEST(dicom_read_pydicom, plan_one_beam_two_control_points_30_fractions_116_mu) {
  REQUIRE_PYDICOM();
  Inventory inventory = read_one("rtplan.dcm");
  ASSERT_EQ(inventory.plans.size(), 1u);
  const Plan& plan = *inventory.plans[0];
  EXPECT_EQ(plan.kind, PlanKind::photon_electron);
  ASSERT_EQ(plan.beams.size(), 1u);
  EXPECT_EQ(plan.beams[0].control_points.size(), 2u);
  ASSERT_EQ(plan.fraction_groups.size(), 1u);
  EXPECT_EQ(plan.fraction_groups[0].fractions_planned, 30);
  ASSERT_EQ(plan.fraction_groups[0].beams.size(), 1u);
  ASSERT_TRUE(plan.fraction_groups[0].beams[0].meterset);
  EXPECT_NEAR(*plan.fraction_groups[0].beams[0].meterset, 116.0, 0.5);
  EXPECT_EQ(plan.info.source.sha256.size(), 64u);
  EXPECT_TRUE(plan.info.source.has_file_meta);
  // Control point 1 states no gantry angle: carried forward from control point 0.
  EXPECT_TRUE(plan.beams[0].control_points[0].gantry_explicit);
  EXPECT_EQ(plan.beams[0].control_points[1].gantry_angle_deg,
            plan.beams[0].control_points[0].gantry_angle_deg);
}

TEST(dicom_read_pydicom, struct_without_file_meta_three_rois) {
  REQUIRE_PYDICOM();
  Inventory inventory = read_one("rtstruct.dcm");
  ASSERT_EQ(inventory.structure_sets.size(), 1u);
  const StructureSet& ss = *inventory.structure_sets[0];
  EXPECT_FALSE(ss.info.source.has_file_meta);
  ASSERT_EQ(ss.rois.size(), 3u);
  int external = 0, point = 0;  // the 2 point ROIs are typed ISOCENTER, contoured as POINT
  for (const auto& roi : ss.rois) {
    if (roi.interpreted_type == "EXTERNAL") ++external;
    if (!roi.contours.empty() && roi.contours[0].geometric_type == "POINT") ++point;
  }
  EXPECT_EQ(external, 1);
  EXPECT_EQ(point, 2);
}

TEST(dicom_read_pydicom, dose_encodings_give_identical_voxels) {
  REQUIRE_PYDICOM();
  auto implicit = read_dose_file("rtdose.dcm");
  auto big_endian = read_dose_file("rtdose_expb.dcm");
  auto rle = read_dose_file("rtdose_rle.dcm");
  ASSERT_TRUE(implicit && big_endian && rle);
  for (const auto* d : {implicit.get(), big_endian.get(), rle.get()}) {
    EXPECT_EQ(d->columns, 10);
    EXPECT_EQ(d->rows, 10);
    EXPECT_EQ(d->frames, 15);
    EXPECT_DOUBLE_EQ(d->row_spacing_mm, 10.0);
    EXPECT_DOUBLE_EQ(d->column_spacing_mm, 10.0);
    ASSERT_EQ(d->frame_offsets_mm.size(), 15u);
    EXPECT_DOUBLE_EQ(d->frame_offsets_mm[0], 0.0);
    EXPECT_DOUBLE_EQ(d->frame_offsets_mm[14], 70.0);  // GFOV 0, 5, ..., 70
    EXPECT_EQ(d->units, "RELATIVE");
    EXPECT_EQ(d->summation_type, "BEAM");
    EXPECT_EQ(d->dose.size(), 1500u);
  }
  EXPECT_EQ(implicit->dose, big_endian->dose);
  EXPECT_EQ(implicit->dose, rle->dose);
  // First stored value 1249000 (pydicom's pixel_array) × DoseGridScaling 1e-6.
  EXPECT_NEAR(implicit->at(0, 0, 0), 1.249, 1e-6);
}

TEST(dicom_read_pydicom, one_frame_variants_trust_pixel_data) {
  REQUIRE_PYDICOM();
  auto full = read_dose_file("rtdose.dcm");
  for (const char* name : {"rtdose_1frame.dcm", "rtdose_expb_1frame.dcm", "rtdose_rle_1frame.dcm"}) {
    auto d = read_dose_file(name);
    ASSERT_TRUE(d && full) << name;
    EXPECT_EQ(d->frames, 1) << name;
    ASSERT_EQ(d->frame_offsets_mm.size(), 1u) << name;
    ASSERT_EQ(d->dose.size(), 100u) << name;
    EXPECT_EQ(std::vector<float>(full->dose.begin(), full->dose.begin() + 100), d->dose) << name;
    bool noted = false;
    for (const auto& n : d->notes) noted = noted || n.find("NumberOfFrames absent") != std::string::npos;
    EXPECT_TRUE(noted) << name;
  }
}

TEST(dicom_read_pydicom, truncated_plan_is_one_clear_error_and_others_still_read) {
  REQUIRE_PYDICOM();
  Inventory inventory = read_paths(
      {pydicom_file("rtplan_truncated.dcm"), pydicom_file("rtplan.dcm"), pydicom_file("rtstruct.dcm")});
  ASSERT_EQ(inventory.unreadable.size(), 1u);
  EXPECT_NE(inventory.unreadable[0].path.find("rtplan_truncated.dcm"), std::string::npos);
  EXPECT_NE(inventory.unreadable[0].reason.find("truncated"), std::string::npos)
      << inventory.unreadable[0].reason;
  EXPECT_EQ(inventory.plans.size(), 1u);
  EXPECT_EQ(inventory.structure_sets.size(), 1u);
  auto findings = inventory_findings(inventory);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "FILE_UNREADABLE");
  EXPECT_NE(findings[0].message.find("rtplan_truncated.dcm"), std::string::npos);
}

TEST(dicom_read_pydicom, non_dicom_and_missing_files_are_unreadable_with_reason) {
  REQUIRE_PYDICOM();
  Inventory inventory = read_paths({pydicom_file("rtplan.dump"), pydicom_file("no_such_file.dcm")});
  ASSERT_EQ(inventory.unreadable.size(), 2u);
  EXPECT_NE(inventory.unreadable[0].reason.find("not a DICOM file"), std::string::npos);
  EXPECT_NE(inventory.unreadable[1].reason.find("no such file"), std::string::npos);
}
