// A folder of inputs holds more than DICOM: case files and READMEs are listed as
// info and ignored, while a file that claims to be DICOM but is not stays an error.
#include <gtest/gtest.h>

#include <fstream>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace rtreview {
namespace {

const Finding* finding_for(const std::vector<Finding>& findings, const std::string& file_name) {
  for (const Finding& f : findings)
    if (f.subject.size() >= file_name.size() &&
        f.subject.compare(f.subject.size() - file_name.size(), file_name.size(), file_name) == 0)
      return &f;
  return nullptr;
}

TEST(Inputs, NonDicomFilesAreInfoButDamagedDicomIsAnError) {
  const auto dir = test::make_temp_dir("rtreview-inputs");
  std::ofstream(dir / "case.xml") << "<case/>\n";
  std::ofstream(dir / "README.txt") << "notes about this export\n";
  std::ofstream(dir / "RP_broken.dcm") << "this is not DICOM at all, despite its name\n";
  std::ofstream(dir / "empty.xml");

  const Inventory inventory = read_paths({dir});
  ASSERT_EQ(inventory.unreadable.size(), 4u);
  const std::vector<Finding> findings = inventory_findings(inventory);

  for (const char* name : {"case.xml", "README.txt"}) {
    const Finding* f = finding_for(findings, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->id, check_id::file_not_rt) << name;
    EXPECT_EQ(f->severity, Severity::info) << name;
    EXPECT_EQ(fail_level(*f), FailLevel::none) << name;
  }
  for (const char* name : {"RP_broken.dcm", "empty.xml"}) {
    const Finding* f = finding_for(findings, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->id, check_id::file_unreadable) << name;
    EXPECT_EQ(f->severity, Severity::error) << name;
    EXPECT_NE(f->message.find(name), std::string::npos) << f->message;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rtreview
