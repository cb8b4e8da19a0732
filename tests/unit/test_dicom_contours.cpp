// Large structure sets have their contours' numbers read on two threads: what comes out
// (points, the notes and their order) is what one thread reading the file in order gives.
// The truth is the file: written from a model with three ROIs of 200 contours each, then
// forged by DCMTK's dcmodify (a contour's NumberOfContourPoints in the first and in the
// last ROI, the middle ROI's reference to an ROI number that does not exist), so the notes
// come from both threads' halves with a skipped ROI's note between them.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "rtreview/dicom_io.h"
#include "small_rt_objects.h"
#include "test_support.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

Roi roi_with_contours(int number, const std::string& name, int contours) {
  Roi roi;
  roi.number = number;
  roi.name = name;
  roi.interpreted_type = "ORGAN";
  roi.in_roi_contour_sequence = true;
  for (int k = 0; k < contours; ++k) {
    const double z = 0.5 * k, r = 10.0 + number + 0.25 * k;  // each contour its own numbers
    roi.contours.push_back({"CLOSED_PLANAR", {{-r, -r, z}, {r, -r, z}, {r, r, z}, {-r, r, z}}, std::nullopt});
  }
  return roi;
}

TEST(DicomContours, read_on_two_threads_gives_the_files_points_and_notes_in_file_order) {
  if (test::run_command("dcmodify --version").exit_code != 0)
    GTEST_SKIP() << "dcmodify (dcmtk) not installed";
  const fs::path dir = test::make_temp_dir("rtreview-contours");
  StructureSet model = test::make_structure_set();
  model.rois = {roi_with_contours(1, "First", 200), roi_with_contours(2, "Middle", 200),
                roi_with_contours(3, "Last", 200)};
  const fs::path file = dir / "RS.dcm";
  ASSERT_EQ(write_structure_set(model, file).message(), "");
  const auto forged = test::run_command(
      "dcmodify -nb -i '(3006,0039)[0].(3006,0040)[5].(3006,0046)=99' -i "
      "'(3006,0039)[2].(3006,0040)[150].(3006,0046)=98' -i "
      "'(3006,0039)[1].(3006,0084)=42' '" +
      file.string() + "'");
  ASSERT_EQ(forged.exit_code, 0) << forged.stderr_text;

  Inventory inventory;
  read_file(file, inventory);
  ASSERT_EQ(inventory.structure_sets.size(), 1u);
  const StructureSet& ss = *inventory.structure_sets[0];
  ASSERT_EQ(ss.rois.size(), 3u);
  for (std::size_t i : {0u, 2u}) {
    ASSERT_EQ(ss.rois[i].contours.size(), 200u) << ss.rois[i].name;
    for (std::size_t k = 0; k < 200; ++k) {
      EXPECT_EQ(ss.rois[i].contours[k].geometric_type, "CLOSED_PLANAR");
      EXPECT_EQ(ss.rois[i].contours[k].points_mm, model.rois[i].contours[k].points_mm) << k;
    }
  }
  EXPECT_TRUE(ss.rois[1].contours.empty()) << "its ROIContourSequence item names ROI 42";
  std::vector<std::string> expected = {
      "ROI 1 (First): NumberOfContourPoints 99 but 4 points in ContourData",
      "ROIContourSequence item for ROI 42 has no StructureSetROISequence entry: skipped",
      "ROI 3 (Last): NumberOfContourPoints 98 but 4 points in ContourData"};
  EXPECT_EQ(ss.notes, expected);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace rtreview
