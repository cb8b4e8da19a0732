// The PDF renderer module (pdf_module.h): the module built beside this test loads and renders
// a PDF that poppler's pdfinfo reads; a missing file, a file that is not a shared object and
// a shared object without the entry points each fail with the file and the loader's reason.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "rtreview/pdf_module.h"
#include "rtreview/ruleset_dir.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// A packet long enough for several pages (a finding per row of the checks table).
ReviewPacket long_packet() {
  ReviewPacket p;
  p.title = "Review packet: module test";
  p.patient.id = "P1";
  p.plan.label = "HN";
  p.overall = "MEETS";
  for (int i = 0; i < 300; ++i) {
    Finding f;
    f.id = "DOSE_GRID_SPACING";
    f.status = Status::pass;
    f.message = "finding " + std::to_string(i);
    p.findings.push_back(f);
  }
  return p;
}

// The page count pdfinfo reads from `pdf` (-1 when it cannot).
int pdfinfo_pages(const fs::path& pdf) {
  auto info = rtreview::test::run_command("pdfinfo " + quoted(pdf));
  std::smatch m;
  static const std::regex pages_re(R"(Pages:\s+(\d+))");
  if (info.exit_code != 0 || !std::regex_search(info.stdout_text, m, pages_re)) return -1;
  return std::stoi(m[1]);
}

}  // namespace

// The module is looked for beside the executable first (the build folder, where this test
// runs from), then in ../lib/rtreview/ (an installed prefix).
TEST(pdf_module, candidates_are_beside_the_executable_then_the_installed_lib_folder) {
  const auto candidates = pdf_module_candidates();
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0], executable_dir() / "rtreview-pdf.so");
  EXPECT_EQ(candidates[1], (executable_dir().parent_path() / "lib" / "rtreview" / "rtreview-pdf.so"));
}

TEST(pdf_module, the_built_module_renders_a_pdf_poppler_reads) {
  const fs::path file = pdf_module_candidates().front();
  ASSERT_TRUE(fs::is_regular_file(file)) << file << " is built with the test (CMakeLists.txt)";
  const PdfModule module = load_pdf_module(file);
  ASSERT_TRUE(module.result) << module.result.message();
  ASSERT_NE(module.render, nullptr);
  const ReviewPacket packet = long_packet();
  RenderedPdf pdf;
  module.render(&packet, static_cast<int>(PaperSize::a4), &pdf);
  ASSERT_TRUE(pdf.result) << pdf.result.message();
  EXPECT_EQ(pdf.bytes.rfind("%PDF-", 0), 0u);
  // The process-wide path (render.h) gives the same bytes through the same module.
  EXPECT_EQ(render_pdf_bytes(packet, PaperSize::a4).bytes, pdf.bytes);
  if (!rtreview::test::run_command("command -v pdfinfo").stdout_text.empty()) {
    const fs::path dir = rtreview::test::make_temp_dir("rtreview-pdf-module");
    std::ofstream(dir / "packet.pdf", std::ios::binary) << pdf.bytes;
    EXPECT_GT(pdfinfo_pages(dir / "packet.pdf"), 1) << "300 findings need more than one page";
    fs::remove_all(dir);
  }
}

TEST(pdf_module, a_missing_file_names_the_file_and_the_reason) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-pdf-module");
  const PdfModule module = load_pdf_module(dir / "rtreview-pdf.so");
  EXPECT_EQ(module.render, nullptr);
  EXPECT_FALSE(module.result);
  EXPECT_EQ(module.result.code, ErrorCode::render_failed);
  EXPECT_EQ(module.result.message(), (dir / "rtreview-pdf.so").string() +
                                         ": error: cannot load the PDF renderer " +
                                         (dir / "rtreview-pdf.so").string() +
                                         ": cannot open shared object file: No such file or directory");
  fs::remove_all(dir);
}

TEST(pdf_module, a_file_that_is_not_a_shared_object_is_refused) {
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-pdf-module");
  const fs::path file = dir / "rtreview-pdf.so";
  std::ofstream(file) << "not a shared object, but long enough to have an ELF header's size....\n";
  const PdfModule module = load_pdf_module(file);
  EXPECT_EQ(module.render, nullptr);
  EXPECT_NE(module.result.description.find("cannot load the PDF renderer " + file.string() +
                                           ": invalid ELF header"),
            std::string::npos)
      << module.result.message();
  fs::remove_all(dir);
}

// A real shared object (the C math library this test links) lacks the entry points.
TEST(pdf_module, a_shared_object_without_the_entry_points_is_refused) {
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<void*>(static_cast<double (*)(double)>(&::cos)), &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  const PdfModule module = load_pdf_module(info.dli_fname);
  EXPECT_EQ(module.render, nullptr);
  EXPECT_NE(module.result.description.find(std::string("undefined symbol: ") + pdf_module_abi_symbol),
            std::string::npos)
      << module.result.message();
}
