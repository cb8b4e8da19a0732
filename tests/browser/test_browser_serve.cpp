// The `rtreview serve` flow in a real browser: Debian's chromium driven by puppeteer-core
// (pinned in tests/browser/serve/package.json, installed with npm into <build>/browser-node,
// which is git-ignored). Upload → plan sets → generated form → live determination →
// case-file download, on three samples; the downloaded case file is then evaluated by the
// CLI. Screenshots are kept in <build>/browser-artifacts/serve/. Skips cleanly when
// chromium, node or npm is missing or the package cannot be installed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../e2e/serve_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using rtreview::test::run_command;

namespace {

const fs::path build_dir = fs::path(RTREVIEW_BINARY).parent_path();

// "" when puppeteer-core is ready in <build>/browser-node, else why not (the test skips).
std::string prepare_node() {
  if (!fs::exists("/usr/bin/chromium")) return "/usr/bin/chromium not installed";
  if (run_command("command -v node && command -v npm").exit_code != 0) return "node or npm not installed";
  fs::path dir = build_dir / "browser-node",
           src = rtreview::test::source_dir() / "tests" / "browser" / "serve";
  fs::create_directories(dir);
  std::string pkg = rtreview::test::read_all(src / "package.json");
  bool fresh = rtreview::test::read_all(dir / "package.json") == pkg &&
               fs::exists(dir / "node_modules" / "puppeteer-core");
  fs::copy_file(src / "flow.mjs", dir / "flow.mjs", fs::copy_options::overwrite_existing);
  if (fresh) return "";
  std::ofstream(dir / "package.json") << pkg;
  auto r = run_command("cd '" + dir.string() + "' && npm install --no-audit --no-fund --loglevel=error");
  return r.exit_code == 0 ? "" : "npm install puppeteer-core failed: " + r.stderr_text.substr(0, 300);
}

json run_flow(const rtreview::test::ServerProcess& s, const std::string& sample, const std::string& mode) {
  fs::path out = build_dir / "browser-artifacts" / "serve" / sample;
  fs::remove_all(out);
  fs::create_directories(out);
  fs::path set = rtreview::test::source_dir() / "dicom_samples" / sample;
  auto r = run_command("timeout 240 node '" + (build_dir / "browser-node" / "flow.mjs").string() +
                       "' http://127.0.0.1:" + std::to_string(s.port()) + " '" + set.string() + "' '" +
                       out.string() + "' " + mode);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  json result = json::parse(r.stdout_text, nullptr, false);
  EXPECT_FALSE(result.is_discarded()) << r.stdout_text << r.stderr_text;
  if (result.is_discarded()) return json::object();
  EXPECT_FALSE(result.contains("error")) << result.value("error", "");
  EXPECT_TRUE(result["console_errors"].empty()) << result["console_errors"].dump();
  return result;
}

// The pages' script is a real file (src/serve/app.js, embedded at build time): node parses it.
TEST(browser_serve, app_js_is_valid_javascript) {
  if (run_command("command -v node").exit_code != 0) GTEST_SKIP() << "node not installed: skipped";
  fs::path script = rtreview::test::source_dir() / "src" / "serve" / "app.js";
  auto r = run_command("node --check '" + script.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
}

TEST(browser_serve, whole_flow_on_three_samples) {
  if (std::string why = prepare_node(); !why.empty()) GTEST_SKIP() << why << ": skipped";
  rtreview::test::ServerProcess s({});
  ASSERT_GT(s.port(), 0) << s.stderr_text();

  json imrt = run_flow(s, "hn_imrt_7field", "answer");
  EXPECT_EQ(imrt.value("outcome", ""), "MEETS");
  EXPECT_EQ(imrt.value("outcome_without_answer", ""),
            "DOES NOT MEET");  // I.A.4 withdrawn: no indication left
  EXPECT_EQ(imrt.value("outcome_answered", ""), "MEETS");
  // MC.CP.MP.69 II (seed text): "IMRT is not medically necessary for any of the following: ...
  // B. Clinical urgency"; an exclusion that applies makes the policy DOES NOT MEET.
  EXPECT_EQ(imrt.value("outcome_excluded", ""), "DOES NOT MEET");
  EXPECT_EQ(imrt.value("outcome_exclusion_denied", ""), "MEETS");
  EXPECT_EQ(imrt.value("outcome_with_prior", ""), "MEETS");
  // Florida Blue 04-77260-19 revision log (seed text): "01/01/26 ... Deleted code 77014".
  EXPECT_NE(imrt.value("code_flag", "").find("77014 was deleted for dates of service from 2026-01-01"),
            std::string::npos)
      << imrt.value("code_flag", "");
  EXPECT_EQ(imrt.value("code_flag_before_deletion", "?"), "");
  EXPECT_NE(imrt.value("icd10_message", "").find("bad ICD-10-CM code"), std::string::npos);
  EXPECT_EQ(imrt["steps"].size(), 5u);
  // The downloaded case file, read by the CLI, gives the same determination.
  std::string case_file = imrt.value("case_file", "");
  ASSERT_FALSE(case_file.empty());
  fs::path set = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field";
  auto cli = rtreview::test::run_rtreview("evaluate '" + set.string() + "' --case '" + case_file +
                                          "' --policy MC.CP.MP.69");
  EXPECT_EQ(cli.exit_code, 0) << cli.stdout_text << cli.stderr_text;
  EXPECT_NE(cli.stdout_text.find("determination: MEETS"), std::string::npos);
  std::string xml = rtreview::test::read_all(case_file);
  EXPECT_NE(xml.find("<prior-radiation region=\"left breast\" dose-gy=\"50\" date=\"2019-05-02\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<exclusion criterion=\"MC.CP.MP.69:II.B\" present=\"false\""), std::string::npos)
      << xml;

  json grid = run_flow(s, "broken_grid_12mm", "");
  EXPECT_EQ(grid.value("outcome", ""), "DOES NOT MEET");
  json fif = run_flow(s, "hn_3d_fif", "");
  EXPECT_NE(fif.value("technique", "").find("(not IMRT)"), std::string::npos) << fif.dump();
  EXPECT_EQ(fif.value("outcome", ""), "DOES NOT MEET");
}

}  // namespace
