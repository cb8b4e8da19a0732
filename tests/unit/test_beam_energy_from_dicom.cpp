// What a beam's energy is called, from the DICOM attributes that say it (reader + beam summary).
#include <gtest/gtest.h>

#include <filesystem>

#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

// A flattening-filter-free beam says so in its PrimaryFluenceModeSequence (PS3.3 C.8.8.14):
// FluenceMode NON_STANDARD with FluenceModeID "FFF". Truth: the attributes DCMTK's dcmodify
// writes into a copy of a sample plan (beam 1 FFF, beam 2 STANDARD, the rest without it).
TEST(beam_energy_from_dicom, flattening_filter_free_beams_are_named_as_such) {
  if (rtreview::test::run_command("dcmodify --version").exit_code != 0)
    GTEST_SKIP() << "dcmodify (dcmtk) not installed";
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-fff");
  const fs::path plan_path = dir / "RP.dcm";
  fs::copy_file(rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "RP.dcm", plan_path);
  ASSERT_EQ(
      rtreview::test::run_command("dcmodify -nb -i '(300a,00b0)[0].(3002,0050)[0].(3002,0051)=NON_STANDARD' "
                                  "-i '(300a,00b0)[0].(3002,0050)[0].(3002,0052)=FFF' "
                                  "-i '(300a,00b0)[1].(3002,0050)[0].(3002,0051)=STANDARD' '" +
                                  plan_path.string() + "'")
          .exit_code,
      0);
  Inventory inventory;
  read_file(plan_path, inventory);
  ASSERT_EQ(inventory.plans.size(), 1u);
  const auto plan = inventory.plans.front();
  ASSERT_GE(plan->beams.size(), 3u);
  EXPECT_EQ(plan->beams[0].fluence_mode_id, "FFF");
  EXPECT_EQ(plan->beams[1].fluence_mode_id, "");
  EXPECT_EQ(plan->beams[2].fluence_mode_id, "");
  const std::vector<BeamSummary> beams = summarize_beams(*plan);
  EXPECT_EQ(beam_energy_text(beams[0]), "6 MV FFF");
  EXPECT_EQ(beams[0].fluence_mode, "FFF");
  EXPECT_EQ(beam_energy_text(beams[1]), "6 MV");
  fs::remove_all(dir);
}
