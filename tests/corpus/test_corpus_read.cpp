// The reader and plan-set assembly over ../shared/corpus (real exported files).
// Skipped when the corpus is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

bool has_finding(const PlanSet& set, std::string_view id) {
  return std::any_of(set.findings.begin(), set.findings.end(), [&](const Finding& f) { return f.id == id; });
}

bool has_note(const std::vector<std::string>& notes, const std::string& text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

std::size_t count_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

TEST(corpus_read, every_file_is_modelled_or_listed_with_a_reason) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const auto start = std::chrono::steady_clock::now();
  Inventory inventory = read_paths({corpus});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t accounted = inventory.plans.size() + inventory.doses.size() +
                                inventory.structure_sets.size() + inventory.others.size() +
                                inventory.unreadable.size();
  EXPECT_EQ(accounted, count_files(corpus));
  for (const auto& u : inventory.unreadable) EXPECT_FALSE(u.reason.empty()) << u.path;
  for (const auto& o : inventory.others) EXPECT_FALSE(o.reason.empty()) << o.info.source.path;
  for (const auto& p : inventory.plans) EXPECT_EQ(p->info.source.sha256.size(), 64u) << p->info.source.path;
  EXPECT_LT(seconds, 30.0);
  // Assembly over everything at once terminates and is deterministic.
  auto a = assemble_plan_sets(inventory);
  auto b = assemble_plan_sets(inventory);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
}

TEST(corpus_read, brain_srs_raystation_set_is_complete) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "pps_hist" / "BrainSRSRaystationIMRT"});
  ASSERT_TRUE(inventory.unreadable.empty());
  auto sets = assemble_plan_sets(inventory);
  ASSERT_EQ(sets.size(), 1u);
  const PlanSet& set = sets[0];
  ASSERT_TRUE(set.complete());
  EXPECT_EQ(set.plan->beams.size(), 22u);
  EXPECT_EQ(set.structure_set->rois.size(), 28u);
  EXPECT_TRUE(set.structure_set->info.frame_of_reference_uid.empty());  // the quirk
  const DoseGrid& dose = *set.doses[0];
  EXPECT_EQ(dose.rows, 78);  // "78×63×79" is rows × columns × frames
  EXPECT_EQ(dose.columns, 63);
  EXPECT_EQ(dose.frames, 79);
  EXPECT_NEAR(dose.row_spacing_mm, 3.0, 1e-6);
  EXPECT_NEAR(dose.column_spacing_mm, 3.0, 1e-6);
  EXPECT_NEAR(dose.frame_offsets_mm[1] - dose.frame_offsets_mm[0], 3.0, 1e-6);
  EXPECT_FALSE(has_finding(set, check_id::frame_of_reference_mismatch));
}

// The plan's PatientID ('test_LET_ramp') differs from its doses' and structure set's
// ('WTR303030'). Issue 11: objects of different PatientIDs are never joined (formerly one
// complete set with a PATIENT_ID_MISMATCH warning); the doses and structures form their own set.
TEST(corpus_read, proton_set_ion_plan_with_plan_and_beam_doses) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "dcpt_let" / "plan03_ramp_full"});
  auto sets = assemble_plan_sets(inventory);
  ASSERT_EQ(sets.size(), 2u);
  const PlanSet& set = sets[0];
  ASSERT_TRUE(set.plan);
  EXPECT_FALSE(set.structure_set);
  EXPECT_TRUE(set.doses.empty());
  EXPECT_EQ(set.plan->kind, PlanKind::ion);
  EXPECT_EQ(set.plan->delivery_kind, DeliveryKind::ion_scanned);
  ASSERT_EQ(set.plan->beams.size(), 2u);
  for (const auto& beam : set.plan->beams) {
    EXPECT_TRUE(beam.is_ion);
    EXPECT_EQ(beam.control_points.size(), 44u);
  }
  const PlanSet& rest = sets[1];
  EXPECT_FALSE(rest.plan);
  EXPECT_TRUE(rest.structure_set);
  ASSERT_EQ(rest.doses.size(), 3u);
  EXPECT_EQ(rest.doses[0]->summation_type, "PLAN");  // PLAN dose first
  EXPECT_EQ(rest.doses[1]->summation_type, "BEAM");
  EXPECT_EQ(rest.doses[2]->summation_type, "BEAM");
  EXPECT_EQ(rest.doses[0]->dose_type, "EFFECTIVE");
  EXPECT_TRUE(has_finding(rest, check_id::patient_id_mismatch));
}

TEST(corpus_read, brachy_set_roi_zero_negative_gfov_dvh_bins) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "brachy_robustbrachy"});
  auto sets = assemble_plan_sets(inventory);
  ASSERT_EQ(sets.size(), 1u);
  const PlanSet& set = sets[0];
  ASSERT_TRUE(set.complete());
  EXPECT_EQ(set.plan->kind, PlanKind::brachy);
  EXPECT_TRUE(set.plan->beams.empty());
  ASSERT_FALSE(set.plan->application_setups.empty());
  std::size_t channels = 0;
  for (const auto& s : set.plan->application_setups) channels += s.channels.size();
  EXPECT_EQ(channels, 14u);
  EXPECT_NE(set.structure_set->find_roi(0), nullptr);
  const DoseGrid& dose = *set.doses[0];
  ASSERT_GE(dose.frame_offsets_mm.size(), 2u);
  EXPECT_LT(dose.frame_offsets_mm[1], dose.frame_offsets_mm[0]);  // negative GFOV
  ASSERT_FALSE(dose.dvhs.empty());
  EXPECT_EQ(dose.dvhs[0].declared_bin_count, 65);
  EXPECT_EQ(dose.dvhs[0].volumes.size(), 1000u);  // 2000 values = 1000 (width, volume) pairs
  EXPECT_TRUE(has_note(dose.notes, "DVHNumberOfBins 65"));
}

TEST(corpus_read, tomo_plan_with_6579_control_points) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "pps_hist" / "tomo_plan_error"});
  ASSERT_EQ(inventory.plans.size(), 1u);
  const Plan& plan = *inventory.plans[0];
  ASSERT_EQ(plan.beams.size(), 1u);
  EXPECT_EQ(plan.beams[0].control_points.size(), 6579u);
  ASSERT_EQ(inventory.structure_sets.size(), 1u);
  EXPECT_EQ(inventory.structure_sets[0]->rois.size(), 15u);
  bool slab = false;
  for (const auto& roi : inventory.structure_sets[0]->rois)
    for (const auto& c : roi.contours) slab = slab || c.slab_thickness_mm.has_value();
  EXPECT_TRUE(slab);
}

TEST(corpus_read, pinnacle_plan_with_three_fraction_groups) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "dvha-mlca" / "rtplan.dcm"});
  ASSERT_EQ(inventory.plans.size(), 1u);
  EXPECT_EQ(inventory.plans[0]->fraction_groups.size(), 3u);
  EXPECT_EQ(inventory.plans[0]->beams.size(), 26u);
}

TEST(corpus_read, zero_length_pixel_doses_keep_orientation) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const fs::path dir = corpus / "pymedphys_hist" / "dicom" / "data" / "dose";
  int empty = 0;
  for (const char* position : {"HFS", "HFP", "FFS", "FFP", "HFDL", "HFDR", "FFDL", "FFDR"}) {
    Inventory inventory;
    read_file(dir / ("RD.DICOMORIENT.Dose_" + std::string(position) + "_empty.dcm"), inventory);
    ASSERT_EQ(inventory.doses.size(), 1u) << position;
    const DoseGrid& dose = *inventory.doses[0];
    EXPECT_FALSE(dose.has_pixels()) << position;
    EXPECT_TRUE(has_note(dose.notes, "zero-length")) << position;
    EXPECT_GT(dose.frames, 0) << position;
    ++empty;
    if (std::string(position) == "HFP") {
      EXPECT_EQ(dose.row_direction, (Point3{-1, 0, 0}));
      EXPECT_EQ(dose.column_direction, (Point3{0, -1, 0}));
    }
  }
  EXPECT_EQ(empty, 8);
}

// The eyeplan dose references the dicompyler plan but belongs to PatientID '1234' (the plan:
// '123456') and another frame of reference. Issue 11: never joined across patients (formerly
// joined with FoR and PatientID mismatch findings).
TEST(corpus_read, eyeplan_dose_with_dicompyler_plan_gives_mismatch_findings) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "dicompyler-core", corpus / "eyeplantodicom"});
  EXPECT_EQ(inventory.others.size(), 1u);  // the CT slice
  auto sets = assemble_plan_sets(inventory);
  ASSERT_EQ(sets.size(), 2u);
  ASSERT_TRUE(sets[0].plan && sets[0].structure_set);
  EXPECT_TRUE(sets[0].doses.empty());
  EXPECT_FALSE(sets[1].plan);
  ASSERT_EQ(sets[1].doses.size(), 1u);
  EXPECT_TRUE(has_finding(sets[1], check_id::patient_id_mismatch));
  auto input = inventory_findings(inventory);
  ASSERT_EQ(input.size(), 1u);
  EXPECT_EQ(input[0].id, check_id::file_not_rt);
}

TEST(corpus_read, monaco_plans_without_file_meta) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  Inventory inventory = read_paths({corpus / "pymedphys"});
  ASSERT_EQ(inventory.plans.size(), 4u);
  for (const auto& p : inventory.plans) {
    EXPECT_FALSE(p->info.source.has_file_meta) << p->info.source.path;
    EXPECT_EQ(p->kind, PlanKind::photon_electron);
    EXPECT_FALSE(p->beams.empty());
  }
}

// Every file cut at several points and with bytes flipped: never a crash or a hang,
// always either a model or an `unreadable` entry with a reason (run under ASan/UBSan too).
TEST(corpus_read, damaged_copies_never_crash) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-damaged");
  std::vector<fs::path> sources;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.is_regular_file() && e.file_size() < 1'000'000 && e.path().extension() == ".dcm")
      sources.push_back(e.path());
  std::sort(sources.begin(), sources.end());
  int cases = 0;
  for (const auto& source : sources) {
    std::ifstream in(source, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int cut = 1; cut <= 4; ++cut) {
      std::string damaged = bytes.substr(0, bytes.size() * cut / 5);
      if (cut == 4 && damaged.size() > 400)  // also flip some bytes in the middle
        for (std::size_t i = 300; i < damaged.size(); i += 997) damaged[i] = static_cast<char>(~damaged[i]);
      const fs::path path = dir / ("case" + std::to_string(cases++) + ".dcm");
      std::ofstream(path, std::ios::binary) << damaged;
      Inventory inventory;
      read_file(path, inventory);
      const std::size_t entries = inventory.plans.size() + inventory.doses.size() +
                                  inventory.structure_sets.size() + inventory.others.size() +
                                  inventory.unreadable.size();
      EXPECT_EQ(entries, 1u) << source << " cut " << cut;
      for (const auto& u : inventory.unreadable) EXPECT_FALSE(u.reason.empty());
      fs::remove(path);
    }
  }
  EXPECT_GT(cases, 100);
  fs::remove_all(dir);
}
