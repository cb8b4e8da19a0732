// Every command's --json prints valid JSON on every exit path: each sample alone, all samples
// in one batch (the Latin-1 sample included), nothing readable, and the corpus (each folder
// alone and all in one batch) when ../shared/corpus is present.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace fs = std::filesystem;
using rtreview::test::run_rtreview;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

fs::path sample_case() {
  return rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field" / "case.xml";
}

// The JSON-printing commands, each with `paths` appended.
std::vector<std::string> json_commands(const std::string& paths) {
  return {"inspect --json " + paths, "check --json --no-dvh " + paths, "dvh --json " + paths,
          "evaluate --json --case " + quoted(sample_case()) + " " + paths};
}

void expect_json_from_every_command(const std::string& paths) {
  for (const auto& command : json_commands(paths)) {
    auto r = run_rtreview(command);
    EXPECT_LT(r.exit_code, 4) << command;
    EXPECT_TRUE(nlohmann::json::accept(r.stdout_text)) << command << " (exit " << r.exit_code << ")\n"
                                                       << r.stdout_text.substr(0, 400) << "\n"
                                                       << r.stderr_text.substr(0, 400);
  }
}

TEST(json_outputs, every_sample_alone_and_in_one_batch) {
  const fs::path samples = rtreview::test::source_dir() / "dicom_samples";
  int sets = 0;
  for (const auto& entry : fs::directory_iterator(samples))
    if (entry.is_directory()) {
      expect_json_from_every_command(quoted(entry.path()));
      ++sets;
    }
  EXPECT_GE(sets, 9);
  expect_json_from_every_command(quoted(samples));
}

TEST(json_outputs, nothing_readable_still_prints_json) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-json-empty");
  std::ofstream(dir / "notes.txt") << "not dicom\n";
  expect_json_from_every_command(quoted(dir));
  fs::remove_all(dir);
}

TEST(json_outputs, corpus_folders_alone_and_in_one_batch) {
  auto corpus = rtreview::test::corpus_dir();
  if (!corpus) GTEST_SKIP() << "../shared/corpus not found: skipped";
  for (const auto& entry : fs::directory_iterator(*corpus))
    if (entry.is_directory()) expect_json_from_every_command(quoted(entry.path()));
  expect_json_from_every_command(quoted(*corpus));
}

}  // namespace
