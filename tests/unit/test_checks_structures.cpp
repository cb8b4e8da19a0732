// Structure classification (type, then TG-263 name), the vocabulary file, and
// GTV_CONTOURED / PTV_CONTOURED / OAR_CONTOURED / ROI_WITHOUT_VOLUME.
#include <gtest/gtest.h>

#include <fstream>

#include "rtreview/check_ids.h"
#include "test_checks_fixtures.h"
#include "test_support.h"

using namespace rtreview;
using namespace rtreview::test;

namespace {

// The project's own vocabulary file: the tests check the shipped vocabulary.
const StructureVocabulary& vocabulary() {
  static const StructureVocabulary v = [] {
    CheckOptions options;
    options.default_structure_vocabulary = source_dir() / "rulesets" / "structure-names.tsv";
    return load_structure_vocabulary(options);
  }();
  return v;
}

RoiClassification by_name(const std::string& name, const std::string& type = "") {
  return classify_roi(make_box_roi(1, name, type, 0, 10, 0, 10, 0, 4), vocabulary());
}

}  // namespace

TEST(structure_vocabulary, shipped_file_parses_cleanly) {
  EXPECT_TRUE(vocabulary().problems.empty()) << vocabulary().problems.front();
  EXPECT_GT(vocabulary().entries.size(), 50u);
}

TEST(structure_vocabulary, bad_lines_reported_with_line_numbers) {
  auto v = parse_structure_vocabulary("# comment\nHeart\toar\tCor\nNoTab\nLiver\tbogus\t\n", "clinic.tsv");
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].aliases, std::vector<std::string>{"Cor"});
  ASSERT_EQ(v.problems.size(), 2u);
  EXPECT_EQ(v.problems[0].rfind("clinic.tsv:3:", 0), 0u);
  EXPECT_EQ(v.problems[1].rfind("clinic.tsv:4:", 0), 0u);
}

TEST(structure_vocabulary, clinic_file_extends_default) {
  auto dir = make_temp_dir("vocab");
  std::ofstream(dir / "clinic.tsv") << "Parotid\toar\tPG\n";
  CheckOptions options;
  options.default_structure_vocabulary = source_dir() / "rulesets" / "structure-names.tsv";
  options.structure_vocabulary = dir / "clinic.tsv";
  auto v = load_structure_vocabulary(options);
  EXPECT_TRUE(v.problems.empty());
  auto c = classify_roi(make_box_roi(1, "PG_L", "", 0, 1, 0, 1, 0, 1), v);
  EXPECT_EQ(c.category, StructureCategory::oar);
  EXPECT_EQ(c.canonical_name, "Parotid_L");
  options.structure_vocabulary = dir / "missing.tsv";
  EXPECT_EQ(load_structure_vocabulary(options).problems.size(), 1u);
}

TEST(classify_roi, interpreted_type_decides_when_specific) {
  auto c = by_name("Tumor Bed", "CTV");
  EXPECT_EQ(c.category, StructureCategory::ctv);
  EXPECT_TRUE(c.by_type);
  EXPECT_EQ(c.rule, "RTROIInterpretedType CTV");
  EXPECT_EQ(by_name("Heart", "ORGAN").category, StructureCategory::oar);
  EXPECT_EQ(by_name("BODY", "EXTERNAL").category, StructureCategory::external);
  EXPECT_EQ(by_name("isocenter all", "ISOCENTER").category, StructureCategory::isocenter);
  EXPECT_EQ(by_name("Couch", "SUPPORT").category, StructureCategory::support);
}

TEST(classify_roi, avoidance_is_oar_only_when_named_like_an_organ) {
  EXPECT_EQ(by_name("Lt Lung", "AVOIDANCE").category, StructureCategory::oar);
  EXPECT_EQ(by_name("Lt Lung", "AVOIDANCE").canonical_name, "Lung_L");
  EXPECT_EQ(by_name("Borders", "AVOIDANCE").category, StructureCategory::avoidance);
}

TEST(classify_roi, targets_by_tg263_prefix_when_type_empty) {
  for (const char* name : {"PTV_7000", "PTV_High", "PTV1", "ptv4", "PTV 1 AND 2"})
    EXPECT_EQ(by_name(name).category, StructureCategory::ptv) << name;
  EXPECT_EQ(by_name("GTVp").category, StructureCategory::gtv);
  EXPECT_EQ(by_name("CTVn").category, StructureCategory::ctv);
  EXPECT_EQ(by_name("ITV").category, StructureCategory::itv);
  auto c = by_name("PTV_7000");
  EXPECT_FALSE(c.by_type);
  EXPECT_NE(c.rule.find("RTROIInterpretedType empty; name prefix PTV"), std::string::npos);
}

TEST(classify_roi, helpers_are_control_structures) {
  for (const char* name : {"zPTV_opt", "z_Ring", "_avoid", "PTV_opt", "PTV1_WALL", "PTV_Ring2"})
    EXPECT_EQ(by_name(name).category, StructureCategory::control) << name;
  EXPECT_EQ(by_name("Low Dose Region", "CONTROL").category, StructureCategory::control);
}

TEST(classify_roi, organs_by_name_with_laterality_and_versions) {
  EXPECT_EQ(by_name("Parotid_L").canonical_name, "Parotid_L");
  EXPECT_EQ(by_name("Right Parotid").canonical_name, "Parotid_R");
  EXPECT_EQ(by_name("Lung_R").category, StructureCategory::oar);
  EXPECT_EQ(by_name("Spinal Cord").canonical_name, "SpinalCord");
  EXPECT_EQ(by_name("SPINAL CORD2").canonical_name, "SpinalCord");
  EXPECT_EQ(by_name("Brainstem").category, StructureCategory::oar);
  EXPECT_EQ(by_name("BRAIN STEM").canonical_name, "Brainstem");
  EXPECT_EQ(by_name("Mandible").category, StructureCategory::oar);
  EXPECT_EQ(by_name("SC PRV").category, StructureCategory::avoidance);
  EXPECT_EQ(by_name("BODY").category, StructureCategory::external);
  EXPECT_EQ(by_name("Unknown thing").category, StructureCategory::other);
}

TEST(classify_roi, point_only_roi_without_type_is_a_marker) {
  auto c = classify_roi(make_point_roi(9, "ref pt", ""), vocabulary());
  EXPECT_EQ(c.category, StructureCategory::marker);
  EXPECT_EQ(c.point_contour_count, 1);
  EXPECT_FALSE(c.has_volume());
}

TEST(contoured, good_set_passes_gtv_ptv_oar) {
  PlanSet set = make_good_plan_set();
  auto fs = check_structures(set, classify_structures(*set.structure_set, vocabulary()));
  for (auto id : {check_id::gtv_contoured, check_id::ptv_contoured, check_id::oar_contoured})
    EXPECT_EQ(find(fs, id)->status, Status::pass) << id;
  EXPECT_EQ(find(fs, check_id::empty_rois)->status, Status::pass);  // the ISO point is not counted
}

TEST(contoured, missing_ptv_fails_and_empty_ptv_is_reported) {
  PlanSet set = make_good_plan_set();
  auto ss = std::make_shared<StructureSet>(*set.structure_set);
  ss->rois.erase(ss->rois.begin() + 2);  // PTV_6000
  set.structure_set = ss;
  auto fs = check_structures(set, classify_structures(*ss, vocabulary()));
  EXPECT_EQ(find(fs, check_id::ptv_contoured)->status, Status::fail);
  EXPECT_EQ(find(fs, check_id::ptv_contoured)->message, "no PTV ROI in the structure set");
  ss->rois.push_back(make_empty_roi(7, "PTV_boost", "PTV"));
  fs = check_structures(set, classify_structures(*ss, vocabulary()));
  EXPECT_EQ(find(fs, check_id::ptv_contoured)->message, "no PTV ROI has closed contours");
  const Finding* empty = find(fs, check_id::empty_rois);
  EXPECT_EQ(empty->status, Status::fail);
  EXPECT_EQ(empty->severity, Severity::warning);
  EXPECT_TRUE(evidence_contains(*empty, "PTV_boost"));
  EXPECT_NE(empty->message.find("including a target or OAR"), std::string::npos);
}

TEST(contoured, open_contours_have_no_volume) {
  Roi roi = make_box_roi(3, "Areola", "AVOIDANCE", 0, 1, 0, 1, 0, 0);
  roi.contours[0].geometric_type = "OPEN_PLANAR";
  auto c = classify_roi(roi, vocabulary());
  EXPECT_EQ(c.open_contour_count, 1);
  PlanSet set = make_good_plan_set();
  auto fs = check_structures(set, {c});
  EXPECT_TRUE(evidence_contains(*find(fs, check_id::empty_rois), "1 open, 0 point"));
}

TEST(contoured, no_structure_set_not_evaluable) {
  PlanSet set = make_good_plan_set();
  set.structure_set.reset();
  for (const auto& f : check_structures(set, {})) EXPECT_EQ(f.status, Status::not_evaluable) << f.id;
}

TEST(classify_roi, organ_type_yields_to_helper_and_target_names) {
  EXPECT_EQ(by_name("PTV1_WALL", "ORGAN").category, StructureCategory::control);
  EXPECT_EQ(by_name("z_Ring", "ORGAN").category, StructureCategory::control);
  auto c = by_name("PTV 1 AND 2", "ORGAN");
  EXPECT_EQ(c.category, StructureCategory::ptv);
  EXPECT_NE(c.rule.find("default type"), std::string::npos);
  EXPECT_EQ(by_name("OPTIC STRUCTURES", "ORGAN").category, StructureCategory::oar);
  EXPECT_EQ(by_name("BRAIN - PTV", "ORGAN").category, StructureCategory::oar);
}
