// Filing received instances (names, atomic commit, duplicates) and case-file matching.
// Part 10 files are built byte by byte here, so the File Meta / data set split is known.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rtreview/listen.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Preamble, "DICM", (0002,0000) UL group length, `meta` bytes, then `dataset` bytes.
void write_part10(const fs::path& path, const std::string& meta, const std::string& dataset) {
  std::string bytes(128, '\0');
  bytes += "DICM";
  bytes += std::string("\x02\x00\x00\x00UL\x04\x00", 8);
  const auto n = static_cast<std::uint32_t>(meta.size());
  for (int i = 0; i < 4; ++i) bytes += char((n >> (8 * i)) & 0xff);
  std::ofstream(path, std::ios::binary) << bytes << meta << dataset;
}

ReceivedInstance instance(const fs::path& file) {
  ReceivedInstance in;
  in.file = file;
  in.patient_id = "Doe^Jane/01";
  in.study_uid = "1.2.3";
  in.modality = "RTPLAN";
  in.sop_instance_uid = "1.2.3.4";
  return in;
}

TEST(listen_store, names_are_sanitised) {
  EXPECT_EQ(sanitize_path_component("RTR-S01"), "RTR-S01");
  EXPECT_EQ(sanitize_path_component("Doe^Jane/01"), "Doe_Jane_01");
  EXPECT_EQ(sanitize_path_component("../etc"), "_._etc");
  EXPECT_EQ(sanitize_path_component(".."), "_.");
  EXPECT_EQ(sanitize_path_component(""), "UNKNOWN");
  EXPECT_EQ(sanitize_path_component("\xc3\xa9t\xc3\xa9"), "__t__");
  EXPECT_EQ(sanitize_path_component(std::string(100, 'a')).size(), 64u);
  EXPECT_EQ(incoming_path("/d", instance("x")), fs::path("/d/incoming/Doe_Jane_01/1.2.3/RTPLAN_1.2.3.4.dcm"));
}

TEST(listen_store, duplicates_are_acknowledged_or_kept_beside_never_overwritten) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-listen-store");
  const fs::path data = dir / "data";
  write_part10(dir / "a.part", "SENDER-A", "DATASET-1");
  StoreResult r = commit_instance(data, instance(dir / "a.part"));
  ASSERT_EQ(r.outcome, StoreOutcome::stored) << r.message;
  EXPECT_FALSE(fs::exists(dir / "a.part"));  // moved, not copied
  const fs::path first = incoming_path(data, instance(""));
  EXPECT_EQ(r.path, first);
  const std::string first_bytes = read_bytes(first);

  // Same data set from another sender (File Meta differs): acknowledged, not stored again.
  write_part10(dir / "b.part", "SENDER-BB", "DATASET-1");
  r = commit_instance(data, instance(dir / "b.part"));
  EXPECT_EQ(r.outcome, StoreOutcome::duplicate_identical);
  EXPECT_EQ(r.path, first);

  // Different data set under the same UID: kept beside the first.
  write_part10(dir / "c.part", "SENDER-A", "DATASET-2");
  r = commit_instance(data, instance(dir / "c.part"));
  EXPECT_EQ(r.outcome, StoreOutcome::duplicate_different);
  EXPECT_EQ(r.path.filename(), "RTPLAN_1.2.3.4.dup2.dcm");
  write_part10(dir / "d.part", "SENDER-A", "DATASET-3, longer");
  EXPECT_EQ(commit_instance(data, instance(dir / "d.part")).path.filename(), "RTPLAN_1.2.3.4.dup3.dcm");
  write_part10(dir / "e.part", "X", "DATASET-2");  // the second version again
  r = commit_instance(data, instance(dir / "e.part"));
  EXPECT_EQ(r.outcome, StoreOutcome::duplicate_identical);
  EXPECT_EQ(r.path.filename(), "RTPLAN_1.2.3.4.dup2.dcm");

  EXPECT_EQ(read_bytes(first), first_bytes);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(first.parent_path())) files += e.is_regular_file();
  EXPECT_EQ(files, 3u);
  fs::remove_all(dir);
}

TEST(listen_store, a_missing_temporary_file_is_a_failure_not_a_crash) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-listen-store");
  const StoreResult r = commit_instance(dir / "data", instance(dir / "absent.part"));
  EXPECT_EQ(r.outcome, StoreOutcome::failed);
  EXPECT_NE(r.message.find("absent.part"), std::string::npos);
  fs::remove_all(dir);
}

TEST(listen_store, case_files_match_by_patient_and_plan_label_in_the_documented_order) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-listen-cases");
  EXPECT_FALSE(find_case_file(dir, "P1", "PLAN_A"));
  EXPECT_FALSE(find_case_file("", "P1", "PLAN_A"));
  // By content: the <patient id="RTR-S01"> of a sample's case file, whatever its name.
  fs::copy_file(rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "case.xml",
                dir / "zz-any.xml");
  EXPECT_EQ(find_case_file(dir, "RTR-S01", "PLAN_A"), dir / "zz-any.xml");
  EXPECT_FALSE(find_case_file(dir, "P2", "PLAN_A"));
  std::ofstream(dir / "PLAN_A.xml") << "<case/>";
  EXPECT_EQ(find_case_file(dir, "P2", "PLAN_A"), dir / "PLAN_A.xml");
  std::ofstream(dir / "RTR-S01.xml") << "<case/>";
  EXPECT_EQ(find_case_file(dir, "RTR-S01", "PLAN_A"), dir / "RTR-S01.xml");
  std::ofstream(dir / "RTR-S01__PLAN_A.xml") << "<case/>";
  EXPECT_EQ(find_case_file(dir, "RTR-S01", "PLAN_A"), dir / "RTR-S01__PLAN_A.xml");
  EXPECT_EQ(find_case_file(dir, "RTR-S01", "PLAN_B"), dir / "RTR-S01.xml");
  // Names are sanitised as the incoming folders are.
  std::ofstream(dir / "Doe_Jane__H_N_1.xml") << "<case/>";
  EXPECT_EQ(find_case_file(dir, "Doe^Jane", "H&N 1"), dir / "Doe_Jane__H_N_1.xml");
  fs::remove_all(dir);
}

}  // namespace

namespace {

TEST(listen_store, allow_list_entries_parse_as_aet_or_aet_at_host) {
  EXPECT_EQ(parse_allowed_peer("ORTHANC").ae_title, "ORTHANC");
  EXPECT_EQ(parse_allowed_peer("ORTHANC").host, "");
  EXPECT_EQ(parse_allowed_peer("TPS@10.0.0.5").host, "10.0.0.5");
  EXPECT_EQ(parse_allowed_peer("@10.0.0.5").ae_title, "");          // no AE title
  EXPECT_EQ(parse_allowed_peer("TPS@").ae_title, "");               // no host after @
  EXPECT_EQ(parse_allowed_peer("SEVENTEEN_CHARS_X").ae_title, "");  // longer than an AE title
}

}  // namespace
