// Writer tests: every object and transfer syntax writes a file that DCMTK's
// dcmdump parses and that carries the model's values. (Round trips through the
// reader live in test_dicom_roundtrip.cpp.)
#include <gtest/gtest.h>

#include <filesystem>

#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace rtreview {
namespace {

ObjectInfo make_info(const std::string& uid) {
  ObjectInfo info;
  info.sop_instance_uid = uid;
  info.study_instance_uid = "1.2.826.0.1.3680043.10.999.1";
  info.series_instance_uid = uid + ".1";
  info.frame_of_reference_uid = "1.2.826.0.1.3680043.10.999.2";
  info.instance_creation_date = "20260105";
  info.manufacturer = "rtreview tests";
  info.patient = {"Test^Patient", "TP001", "19600101", "F"};
  return info;
}

Plan make_plan() {
  Plan plan;
  plan.info = make_info("1.2.826.0.1.3680043.10.999.3");
  plan.kind = PlanKind::photon_electron;
  plan.label = "TEST";
  plan.date = "20260105";
  plan.time = "101500";
  plan.approval_status = "APPROVED";
  plan.reviewer_name = "Physicist^Pat";
  plan.review_date = "20260106";
  plan.patient_positions = {"HFS"};
  plan.referenced_structure_set_uids = {"1.2.826.0.1.3680043.10.999.4"};
  FractionGroup group;
  group.number = 1;
  group.fractions_planned = 30;
  group.beams.push_back({1, 116.0, 2.0, std::nullopt});
  plan.fraction_groups.push_back(group);
  Beam beam;
  beam.number = 1;
  beam.name = "AP";
  beam.beam_type = "STATIC";
  beam.radiation_type = "PHOTON";
  beam.treatment_delivery_type = "TREATMENT";
  beam.treatment_machine_name = "LINAC1";
  beam.final_cumulative_meterset_weight = 1.0;
  for (int i = 0; i < 2; ++i) {
    ControlPoint cp;
    cp.index = i;
    cp.cumulative_meterset_weight = i;
    cp.nominal_energy_mev = 6.0;
    cp.gantry_angle_deg = 0.0;
    cp.gantry_rotation_direction = "NONE";
    cp.isocenter_mm = Point3{0, 0, 0};
    cp.device_positions = {{"ASYMX", {-50, 50}}, {"ASYMY", {-60, 60}}};
    beam.control_points.push_back(cp);
  }
  plan.beams.push_back(beam);
  return plan;
}

DoseGrid make_dose(int bits) {
  DoseGrid dose;
  dose.info = make_info("1.2.826.0.1.3680043.10.999.5");
  dose.columns = 4;
  dose.rows = 3;
  dose.frames = 2;
  dose.origin_mm = {-10, -5, 0};
  dose.row_spacing_mm = 2.5;
  dose.column_spacing_mm = 2.0;
  dose.frame_offsets_mm = {0, -3};
  dose.bits_allocated = bits;
  dose.units = "GY";
  dose.summation_type = "PLAN";
  dose.referenced_plan_uid = "1.2.826.0.1.3680043.10.999.3";
  for (int i = 0; i < 24; ++i) dose.dose.push_back(0.5f * i);
  return dose;
}

StructureSet make_structure_set() {
  StructureSet ss;
  ss.info = make_info("1.2.826.0.1.3680043.10.999.4");
  ss.label = "RS";
  ss.date = "20260105";
  Roi body;
  body.number = 0;  // ROI number 0 is legal
  body.name = "BODY";
  body.interpreted_type = "EXTERNAL";
  body.generation_algorithm = "AUTOMATIC";
  body.in_roi_contour_sequence = true;
  body.contours.push_back({"CLOSED_PLANAR", {{-5, -5, 0}, {5, -5, 0}, {5, 5, 0}, {-5, 5, 0}}, std::nullopt});
  Roi empty;
  empty.number = 7;
  empty.name = "Empty";
  ss.rois = {body, empty};
  return ss;
}

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
