// Character sets: every string the reader hands out is UTF-8, converted with DCMTK from the
// file's SpecificCharacterSet; undecodable bytes become U+FFFD with a note, never an error.
// Files are written by our writer in the declared character set and the raw bytes on disk
// are checked against the code tables (Latin-1 0xFC = u-umlaut, Cyrillic ISO_IR 144 0xB8 = И,
// GB18030 CDF5 = 王).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

Plan plan_named(const std::string& patient_name, const std::string& charset) {
  Plan plan;
  plan.info.sop_instance_uid = "1.2.826.0.1.3680043.10.999.33";
  plan.info.study_instance_uid = "1.2.826.0.1.3680043.10.999.1";
  plan.info.series_instance_uid = "1.2.826.0.1.3680043.10.999.34";
  plan.info.frame_of_reference_uid = "1.2.826.0.1.3680043.10.999.2";
  plan.info.manufacturer = "rtreview tests";
  plan.info.patient = {patient_name, "CS001", "19600101", "F"};
  plan.info.specific_character_set = charset;
  plan.kind = PlanKind::photon_electron;
  plan.label = "CHARSET";
  return plan;
}

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `plan`, checks `raw` is in the file, reads it back.
std::shared_ptr<const Plan> round_trip(const Plan& plan, const std::string& raw) {
  const fs::path dir = test::make_temp_dir("rtreview-charset");
  const fs::path path = dir / "RP.dcm";
  EXPECT_EQ(write_plan(plan, path).message(), "");
  EXPECT_NE(bytes_of(path).find(raw), std::string::npos) << "encoded bytes on disk";
  Inventory in;
  read_file(path, in);
  fs::remove_all(dir);
  if (in.plans.size() != 1u) return nullptr;
  return in.plans[0];
}

}  // namespace

TEST(dicom_charset, latin1_cyrillic_and_gb18030_read_back_as_utf8) {
  struct Case {
    const char* charset;
    const char* utf8;
    const char* on_disk;
  };
  for (const Case& c :
       {Case{"ISO_IR 100", "M\xC3\xBCller^J\xC3\xBCrgen", "M\xFCller^J\xFCrgen"},
        Case{"ISO_IR 144", "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2^\xD0\x98",
             "\xB8\xD2\xD0\xDD\xDE\xD2^\xB8"},
        Case{"GB18030", "\xE7\x8E\x8B^\xE5\xB0\x8F\xE6\x98\x8E", "\xCD\xF5^\xD0\xA1\xC3\xF7"}}) {
    auto plan = round_trip(plan_named(c.utf8, c.charset), c.on_disk);
    ASSERT_TRUE(plan) << c.charset;
    EXPECT_EQ(plan->info.patient.name, c.utf8) << c.charset;
    EXPECT_EQ(plan->info.specific_character_set, c.charset);
    EXPECT_TRUE(plan->info.character_set_note.empty()) << c.charset << ": " << plan->info.character_set_note;
  }
}

// Bytes that are not UTF-8 in a file declaring ISO_IR 192: replaced, noted, never fatal.
TEST(dicom_charset, undecodable_bytes_are_replaced_and_noted) {
  auto plan = round_trip(plan_named("Bad\xFF^Name", "ISO_IR 192"), "Bad\xFF^Name");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->info.patient.name, "Bad\xEF\xBF\xBD^Name");
  EXPECT_NE(plan->info.character_set_note.find("U+FFFD"), std::string::npos);
  bool noted = false;
  for (const auto& n : plan->notes) noted |= n.find("character set") != std::string::npos;
  EXPECT_TRUE(noted);
}

// No SpecificCharacterSet at all but 8-bit text: read as Latin-1 and said so.
TEST(dicom_charset, undeclared_8_bit_text_is_read_as_latin1) {
  const fs::path dir = test::make_temp_dir("rtreview-charset");
  const fs::path path = dir / "RP.dcm";
  ASSERT_EQ(write_plan(plan_named("M\xC3\xBCller", "ISO_IR 100"), path).message(), "");
  std::string bytes = bytes_of(path);
  // Blank the declared term in place (same length): "ISO_IR 100" -> spaces (empty value).
  const auto at = bytes.find("ISO_IR 100");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 10, std::string(10, ' '));
  std::ofstream(path, std::ios::binary) << bytes;
  Inventory in;
  read_file(path, in);
  fs::remove_all(dir);
  ASSERT_EQ(in.plans.size(), 1u);
  EXPECT_EQ(in.plans[0]->info.patient.name, "M\xC3\xBCller");
  EXPECT_NE(in.plans[0]->info.character_set_note.find("Latin-1"), std::string::npos);
}

}  // namespace rtreview
