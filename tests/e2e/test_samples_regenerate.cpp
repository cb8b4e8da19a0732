// `rtreview make-samples` regenerates dicom_samples/ byte for byte, so the committed
// samples can never drift from the generator (or the writer).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "rtreview/samples.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(samples_regenerate, byte_identical_to_committed_samples) {
  const fs::path committed = rtreview::test::source_dir() / "dicom_samples";
  const fs::path out = rtreview::test::make_temp_dir("rtreview-samples");
  const auto result = rtreview::test::run_rtreview("make-samples '" + out.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;

  std::set<std::string> written;  // every file the command created, relative to `out`
  for (const auto& entry : fs::recursive_directory_iterator(out))
    if (entry.is_regular_file()) written.insert(fs::relative(entry.path(), out).generic_string());

  std::set<std::string> expected;
  for (const auto& set : rtreview::samples::make_sample_sets())
    for (const char* file : {"RS.dcm", "RP.dcm", "RD.dcm"}) expected.insert(set.name + "/" + file);
  EXPECT_EQ(written, expected) << "make-samples writes exactly the three files of each set";

  for (const auto& name : expected) {
    EXPECT_NE(result.stdout_text.find(name.substr(0, name.find('/'))), std::string::npos) << name;
    ASSERT_TRUE(fs::exists(committed / name))
        << "missing committed sample " << name << " (run: rtreview make-samples dicom_samples)";
    EXPECT_TRUE(slurp(committed / name) == slurp(out / name))
        << name
        << " differs from the generator's output: regenerate with `rtreview make-samples dicom_samples`";
  }
  fs::remove_all(out);
}

TEST(samples_regenerate, committed_samples_stay_small) {
  std::uintmax_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(rtreview::test::source_dir() / "dicom_samples"))
    if (entry.is_regular_file()) total += entry.file_size();
  EXPECT_LT(total, 10u * 1024 * 1024);
}

TEST(samples_regenerate, missing_directory_argument_is_a_usage_error) {
  const auto result = rtreview::test::run_rtreview("make-samples");
  EXPECT_EQ(result.exit_code, 2);
}

}  // namespace
