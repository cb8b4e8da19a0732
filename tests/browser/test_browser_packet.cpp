// The HTML packet in headless Chromium: it loads with no console error and every SVG
// has a non-zero rendered size. The packet itself has no scripts (its CSP forbids
// them), so the test copies it and appends a probe script that writes its results
// into the DOM; `--dump-dom` then prints them. Skips when chromium is absent.
#include <gtest/gtest.h>

#include <regex>

#include "../e2e/test_review_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using rtreview::test::read_file_text;

namespace {

const char* chromium = "/usr/bin/chromium";

std::string quote(const fs::path& p) {
  std::string q = "'";
  q += p.string();
  q += "'";
  return q;
}

std::string chromium_command(const fs::path& profile, const std::string& mode, const fs::path& page) {
  return std::string("timeout 90 ") + chromium +
         " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
         " --disable-sync --no-first-run --user-data-dir=" +
         quote(profile) + " " + mode + " 'file://" + page.string() + "'";
}

// The packet with its CSP relaxed for one inline probe script (the packet's own content unchanged).
std::string with_probe(std::string html) {
  const std::string csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  auto at = html.find(csp);
  if (at != std::string::npos) html.replace(at, csp.size(), csp + "; script-src 'unsafe-inline'");
  const std::string probe = R"(<script>
window.addEventListener('load', function () {
  var svgs = document.querySelectorAll('svg'), bad = 0;
  for (var i = 0; i < svgs.length; i++) {
    var r = svgs[i].getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) bad++;
  }
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = 'PROBE svgs=' + svgs.length + ' zero=' + bad + ' tables=' + document.querySelectorAll('table').length + ' END';
  document.body.appendChild(out);
});
</script>
)";
  at = html.rfind("</body>");
  html.insert(at == std::string::npos ? html.size() : at, probe);
  return html;
}

TEST(browser, html_packet_loads_without_console_errors_and_svgs_have_size) {
  if (!fs::exists(chromium)) GTEST_SKIP() << chromium << " not installed: skipped";
  fs::path dir = rtreview::test::make_temp_dir("rtreview-browser");
  fs::path set = rtreview::test::source_dir() / "dicom_samples" / "hn_vmat_2arc";
  auto r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(set / "case.xml") +
                                        " --out " + quote(dir / "out") + " --format html");
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  fs::path page = dir / "out" / "packet.html";
  std::string html = read_file_text(page);
  ASSERT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "the packet must not contain scripts";
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no external resource";

  // 1. The packet as written: no console message at all at error level.
  auto logged = rtreview::test::run_command(
      chromium_command(dir / "profile1", "--enable-logging=stderr --v=0 --dump-dom", page));
  ASSERT_EQ(logged.exit_code, 0) << logged.stderr_text;
  EXPECT_NE(logged.stdout_text.find("Determination"), std::string::npos);
  std::regex console_error(R"(CONSOLE[:(]|Uncaught|Refused to)");
  std::smatch m;
  EXPECT_FALSE(std::regex_search(logged.stderr_text, m, console_error))
      << "console message: " << m.str() << "\n"
      << logged.stderr_text.substr(0, 2000);

  // 2. A probed copy: every SVG has a non-zero box.
  fs::path probed = dir / "probed.html";
  std::ofstream(probed, std::ios::binary) << with_probe(html);
  auto dumped = rtreview::test::run_command(chromium_command(dir / "profile2", "--dump-dom", probed));
  ASSERT_EQ(dumped.exit_code, 0) << dumped.stderr_text;
  std::regex result(R"(PROBE svgs=([0-9]+) zero=([0-9]+) tables=([0-9]+) END)");
  ASSERT_TRUE(std::regex_search(dumped.stdout_text, m, result)) << dumped.stdout_text.substr(0, 500);
  EXPECT_GE(std::stoi(m[1]), 1);
  EXPECT_EQ(std::stoi(m[2]), 0) << "SVGs with zero size";
  EXPECT_GE(std::stoi(m[3]), 5);
  fs::remove_all(dir);
}

TEST(browser, hostile_text_is_escaped_not_executed) {
  if (!fs::exists(chromium)) GTEST_SKIP() << chromium << " not installed: skipped";
  // A case file whose free text looks like markup: it must come out as text.
  fs::path dir = rtreview::test::make_temp_dir("rtreview-browser-esc");
  fs::path set = rtreview::test::source_dir() / "dicom_samples" / "hn_imrt_7field";
  std::string text = read_file_text(set / "case.xml");
  auto at = text.find("<rationale>");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 11, "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/table&gt; ");
  std::ofstream(dir / "case.xml") << text;
  auto r = rtreview::test::run_rtreview("review " + quote(set) + " --case " + quote(dir / "case.xml") +
                                        " --out " + quote(dir / "out") + " --format html");
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  std::string html = read_file_text(dir / "out" / "packet.html");
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/table&gt;"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
