// The one-way flow of the architecture (shared notes, architecture.md), enforced:
//   model → dicom, dvh → checks → policy → review → packet → render → publish → cli
// Every #include "rtreview/..." in src/<module>/ and in the public headers must name a
// header of the same module or of a module below it. CMake links each module only to
// what is below it too; this test also catches header-only upward includes, which the
// linker cannot see.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "test_support.h"

namespace fs = std::filesystem;

namespace {

// Public header → the module that owns it. Finding ids (check_ids.h) and the rulesets
// folder are model vocabulary: every producer of findings (reader, checks) uses them.
const std::map<std::string, std::string>& header_module() {
  static const std::map<std::string, std::string> m = {
      {"model.h", "model"},           {"limits.h", "model"},      {"finding.h", "model"},
      {"check_ids.h", "model"},       {"text.h", "model"},        {"result.h", "model"},
      {"check_registry.h", "checks"}, {"conformance.h", "model"}, {"ruleset_dir.h", "model"},
      {"dicom_io.h", "dicom"},        {"geometry.h", "dvh"},      {"dvh.h", "dvh"},
      {"checks.h", "checks"},         {"policy.h", "policy"},     {"review.h", "review"},
      {"packet.h", "packet"},         {"render.h", "render"},     {"model_json.h", "render"},
      {"publish.h", "publish"},       {"samples.h", "samples"},   {"dicom_net.h", "dicom"},
      {"listen.h", "listen"},         {"serve.h", "serve"},       {"pdf_module.h", "render"}};
  return m;
}

// Module → the modules whose headers it may include (itself included).
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"model", {"model"}},
      {"dicom", {"model", "dicom"}},
      {"dvh", {"model", "dvh"}},
      {"geometry", {"model", "dvh"}},
      {"checks", {"model", "dvh", "checks"}},
      {"policy", {"model", "dvh", "checks", "policy"}},
      {"review", {"model", "dicom", "dvh", "checks", "policy", "review"}},
      {"packet", {"model", "dicom", "dvh", "checks", "policy", "review", "packet"}},
      // Renderers see a ReviewPacket and the model only.
      {"render", {"model", "packet", "render"}},
      // The PDF renderer module (src/pdf, dlopen()ed by render's loader): what renderers see.
      {"pdf", {"model", "packet", "render", "pdf"}},
      {"publish", {"model", "dicom", "dvh", "checks", "policy", "review", "packet", "render", "publish"}},
      {"samples", {"model", "dicom", "dvh", "samples"}},
      // Front doors beside cli: everything below them, nothing beside them.
      {"listen",
       {"model", "dicom", "dvh", "checks", "policy", "review", "packet", "render", "publish", "listen"}},
      {"serve",
       {"model", "dicom", "dvh", "checks", "policy", "review", "packet", "render", "publish", "serve"}}};
  return m;
}

std::vector<std::string> rtreview_includes(const fs::path& file) {
  static const std::regex include_re(R"re(^\s*#\s*include\s*"rtreview/([A-Za-z0-9_]+\.h)")re");
  std::ifstream in(file);
  std::vector<std::string> out;
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, include_re)) out.push_back(m[1]);
  return out;
}

// "" when every include of `file` (owned by `module`) is allowed, else the first problem.
std::string check_file(const fs::path& file, const std::string& module) {
  for (const auto& header : rtreview_includes(file)) {
    auto owner = header_module().find(header);
    if (owner == header_module().end())
      return file.string() + ": rtreview/" + header + " has no module in this test";
    if (!allowed().at(module).count(owner->second))
      return file.string() + " (module " + module + ") includes rtreview/" + header + " of module " +
             owner->second + ", which is above it";
  }
  return "";
}

TEST(layering, every_public_header_has_a_module) {
  const fs::path include = rtreview::test::source_dir() / "include" / "rtreview";
  for (const auto& entry : fs::directory_iterator(include))
    EXPECT_TRUE(header_module().count(entry.path().filename().string())) << entry.path();
}

TEST(layering, public_headers_include_nothing_above_their_module) {
  const fs::path include = rtreview::test::source_dir() / "include" / "rtreview";
  for (const auto& entry : fs::directory_iterator(include)) {
    auto module = header_module().find(entry.path().filename().string());
    if (module == header_module().end()) continue;
    EXPECT_EQ(check_file(entry.path(), module->second), "");
  }
}

TEST(layering, sources_include_nothing_above_their_module) {
  const fs::path src = rtreview::test::source_dir() / "src";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".h") continue;
    const std::string module = fs::relative(entry.path(), src).begin()->string();
    ASSERT_TRUE(allowed().count(module)) << "src/" << module << " is not a module this test knows";
    EXPECT_EQ(check_file(entry.path(), module), "");
    ++files;
  }
  EXPECT_GT(files, 20);
}

// The test itself must be able to fail: an upward include is reported.
TEST(layering, an_upward_include_is_reported) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-layering");
  std::ofstream(dir / "bad.cpp") << "#include \"rtreview/render.h\"\n";
  EXPECT_NE(check_file(dir / "bad.cpp", "packet").find("above it"), std::string::npos);
  std::ofstream(dir / "good.cpp") << "#include \"rtreview/packet.h\"\n#include \"rtreview/model.h\"\n";
  EXPECT_EQ(check_file(dir / "good.cpp", "render"), "");
  fs::remove_all(dir);
}

}  // namespace
