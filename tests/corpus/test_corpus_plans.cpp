// Plan kinds, techniques and modulation metrics on real exports, and the assembly property
// "a plan's set is the same whether its folder or a parent folder is read" over the corpus
// and the samples (../shared/corpus; skipped when absent).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "rtreview/checks.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

using namespace rtreview;
namespace fs = std::filesystem;

namespace {

struct Checked {
  std::vector<PlanSet> sets;
  std::vector<CheckReport> reports;
};

Checked check(const fs::path& path) {
  Checked c;
  c.sets = assemble_plan_sets(read_paths({path}));
  CheckOptions options;
  options.compute_dvhs = false;
  options.compute_geometry = false;
  options.default_structure_vocabulary = test::source_dir() / "rulesets" / "structure-names.tsv";
  for (const auto& s : c.sets)
    if (s.plan) c.reports.push_back(run_checks(s, options));
  return c;
}

// plan UID -> "ss UID | dose UIDs" for every plan found under `root`.
std::map<std::string, std::string> membership(const std::vector<PlanSet>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    if (!s.plan) continue;
    std::string m = (s.structure_set ? s.structure_set->info.sop_instance_uid : "-") + " |";
    for (const auto& d : s.doses) m += " " + d->info.sop_instance_uid;
    out[s.plan->info.sop_instance_uid] = m;
  }
  return out;
}

// Every folder under `root` that directly holds a file (the leaf exports).
std::set<fs::path> folders_with_files(const fs::path& root) {
  std::set<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(e.path().parent_path());
  return out;
}

void expect_same_sets_from_any_parent(const fs::path& root) {
  std::set<fs::path> folders;  // every leaf folder and each of its parents up to `root`
  for (const auto& folder : folders_with_files(root))
    for (fs::path p = folder; p != root; p = p.parent_path()) folders.insert(p);
  const auto whole = membership(assemble_plan_sets(read_paths({root})));
  for (const auto& folder : folders) {
    const auto part = membership(assemble_plan_sets(read_paths({folder})));
    for (const auto& [plan, members] : part) {
      auto it = whole.find(plan);
      ASSERT_NE(it, whole.end()) << plan;
      EXPECT_EQ(members, it->second) << "plan " << plan << " read from " << folder << " vs " << root;
    }
  }
}

}  // namespace

TEST(corpus_plans, kinds_and_techniques_of_real_exports) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  struct Expect {
    const char* path;
    DeliveryKind kind;
    Technique technique;
  };
  for (const Expect& e :
       {Expect{"dicompyler-core/rtplan.dcm", DeliveryKind::c_arm_linac_photon,
               Technique::imrt_sliding_window},
        Expect{"aperturecomplexity/RP_FiF.dcm", DeliveryKind::c_arm_linac_photon, Technique::field_in_field},
        Expect{"pps_hist/tomo_plan_error", DeliveryKind::tomotherapy_helical, Technique::helical},
        Expect{"dcpt_let/plan03_ramp_full", DeliveryKind::ion_scanned, Technique::proton},
        Expect{"brachy_robustbrachy", DeliveryKind::brachy_hdr, Technique::brachytherapy},
        Expect{"pymedphys/vmat_example.dcm", DeliveryKind::c_arm_linac_photon, Technique::vmat}}) {
    const auto c = check(corpus / e.path);
    ASSERT_EQ(c.reports.size(), 1u) << e.path;
    EXPECT_EQ(c.reports[0].plan_summary.delivery_kind, e.kind)
        << e.path << ": " << to_string(c.reports[0].plan_summary.delivery_kind) << " by "
        << c.reports[0].plan_summary.delivery_kind_rule;
    EXPECT_EQ(c.reports[0].technique.technique, e.technique)
        << e.path << ": " << to_string(c.reports[0].technique.technique) << " by "
        << c.reports[0].technique.rule;
  }
}

// RP_FiF comes from the ApertureComplexity project, whose test expects the edge metric
// (100 MU x 2x100/100^2 + 100 MU x 2x50/50^2) / 200 MU = 0.03 for it: a 100 x 100 mm open
// field then a 50 x 50 mm subfield, 100 MU each. By hand: areas 10000 and 2500 mm2, closed
// perimeters 400 and 200 mm, irregularity 4/pi for both squares; MCS: AAV 1 then 10 x 50 /
// (20 x 100) = 0.25, LSV 1 -> 0.5 x 1 + 0.5 x 0.25 = 0.625.
TEST(corpus_plans, field_in_field_metrics_match_aperture_complexity) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  const auto c = check(corpus / "aperturecomplexity" / "RP_FiF.dcm");
  ASSERT_EQ(c.reports.size(), 1u);
  ASSERT_EQ(c.reports[0].beams.size(), 1u);
  const BeamModulation& m = c.reports[0].beams[0].modulation;
  ASSERT_TRUE(m.edge_metric_per_mm && m.mcs && m.aperture_irregularity);
  EXPECT_NEAR(*m.edge_metric_per_mm, 0.03, 0.01 * 0.03);
  EXPECT_NEAR(*m.mcs, 0.625, 0.01 * 0.625);
  EXPECT_NEAR(*m.aperture_irregularity, 4.0 / 3.14159265358979, 1e-3);
  ASSERT_EQ(m.area_mm2.size(), 4u);
  EXPECT_NEAR(m.area_mm2[0], 10000.0, 1e-6);
  EXPECT_NEAR(m.area_mm2[3], 2500.0, 1e-6);
  EXPECT_NEAR(m.perimeter_mm[0], 400.0, 1e-6);
  EXPECT_NEAR(m.perimeter_mm[3], 200.0, 1e-6);
  EXPECT_EQ(c.reports[0].beams[0].segment_count, 2);
}

TEST(corpus_plans, a_plans_set_is_the_same_from_any_parent_folder) {
  RTREVIEW_REQUIRE_CORPUS(corpus);
  expect_same_sets_from_any_parent(corpus);
}

TEST(corpus_plans, sample_sets_are_the_same_from_any_parent_folder) {
  const fs::path samples = test::source_dir() / "dicom_samples";
  if (!fs::exists(samples / "hn_imrt_7field" / "RP.dcm")) GTEST_SKIP() << "samples not generated";
  expect_same_sets_from_any_parent(samples);
}
