// Packet building and rendering on a small packet made in code: overall outcome and
// exit rules, JSON determinism and number formatting, HTML escaping, the DVH SVG, the
// PDF (cairo) and the batch index.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "rtreview/packet.h"
#include "rtreview/publish.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

Determination determination(const std::string& id, Outcome outcome) {
  Determination d;
  d.policy.id = id;
  d.policy.title = "IMRT";
  d.outcome = outcome;
  d.summary = "because";
  d.criteria.outline_id = "I";
  d.criteria.kind = RuleKind::all;
  d.criteria.result = outcome == Outcome::meets ? Truth::met : Truth::unknown;
  EvaluatedNode leaf;
  leaf.outline_id = "I.A";
  leaf.text = "target <near> cord & brainstem";
  leaf.result = Truth::met;
  leaf.origin = Origin::case_file;
  d.criteria.children.push_back(leaf);
  return d;
}

// How many times `what` occurs in `text` (overlaps counted).
std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

ReviewPacket sample_packet() {
  ReviewPacket p;
  p.tool_version = "test";
  p.plan_set_id = "1.2.3";
  p.title = "Review packet: plan <b>&";
  p.patient.name = "O'Brien^<script>alert(1)</script>";
  p.patient.id = "P&1";
  p.plan.label = "HN";
  p.determinations = {determination("A", Outcome::meets)};
  p.overall = overall_outcome(p.determinations);
  Finding f;
  f.id = "DOSE_GRID_SPACING";
  f.status = Status::pass;
  f.message = "largest step 3 mm <= 10 mm";
  f.evidence = {{"row spacing", "3 mm"}};
  p.findings.push_back(f);
  PacketDvhCurve c;
  c.roi_name = "PTV<70>";
  c.is_target = true;
  c.color = "#ff0000";
  c.dose_gy = {0, 35, 70, 75};
  c.volume_percent = {100, 100, 95.123456, 0};
  p.dvh.curves.push_back(c);
  p.dvh.prescription_gy = {70};
  PacketDvhRow row;
  row.roi_name = "PTV<70>";
  row.is_target = true;
  row.computed = true;
  row.mean_gy = 70.123456789;
  row.min_gy = std::nan("");
  p.dvh.rows.push_back(row);
  return p;
}

TEST(packet, overall_outcome_orders_by_badness) {
  EXPECT_EQ(overall_outcome({}), "NO POLICY");
  EXPECT_EQ(overall_outcome({determination("A", Outcome::meets)}), "MEETS");
  EXPECT_EQ(overall_outcome({determination("A", Outcome::meets),
                             determination("B", Outcome::insufficient_documentation)}),
            "INSUFFICIENT DOCUMENTATION");
  EXPECT_EQ(overall_outcome({determination("A", Outcome::does_not_meet),
                             determination("B", Outcome::insufficient_documentation)}),
            "DOES NOT MEET");
}

TEST(packet, fail_on_levels) {
  Finding warning;
  warning.status = Status::not_evaluable;
  warning.severity = Severity::warning;
  Finding failure;
  failure.status = Status::fail;
  failure.severity = Severity::error;
  Finding unusable_input;  // could not be verified because an input is unusable: counts as fail
  unusable_input.status = Status::not_evaluable;
  unusable_input.severity = Severity::error;
  EXPECT_FALSE(any_counts_against({warning}, FailLevel::fail));
  EXPECT_TRUE(any_counts_against({warning}, FailLevel::warning));
  EXPECT_TRUE(any_counts_against({failure}, FailLevel::fail));
  EXPECT_TRUE(any_counts_against({unusable_input}, FailLevel::fail));

  ReviewPacket p = sample_packet();
  EXPECT_EQ(batch_entry(p, "", FailLevel::fail).exit_code, 0);
  p.findings.push_back(warning);
  p.findings.back().id = "X";
  EXPECT_EQ(batch_entry(p, "", FailLevel::fail).exit_code, 0);
  BatchEntry strict = batch_entry(p, "", FailLevel::warning);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(strict.failing_checks, std::vector<std::string>{"X"});
}

TEST(packet, build_packet_without_plan_set_objects_does_not_throw) {
  PlanSetReview empty;
  empty.plan_set.id = "nothing";
  ReviewPacket p = build_packet(empty, PacketContext{});
  EXPECT_EQ(p.overall, "NO POLICY");
  EXPECT_FALSE(p.dvh.note.empty());
  EXPECT_NO_THROW(render_html(p));
  EXPECT_NO_THROW(render_json(p));
}

TEST(packet, json_is_stable_rounded_and_nan_free) {
  ReviewPacket p = sample_packet();
  std::string a = render_json(p), b = render_json(p);
  EXPECT_EQ(a, b);
  auto j = nlohmann::json::parse(a);
  EXPECT_EQ(j["schema_version"], packet_schema_version);
  EXPECT_DOUBLE_EQ(j["dvh"]["rows"][0]["mean_gy"].get<double>(), 70.123457);
  EXPECT_TRUE(j["dvh"]["rows"][0]["min_gy"].is_null());
  EXPECT_DOUBLE_EQ(j["dvh"]["curves"][0]["volume_percent"][2].get<double>(), 95.123456);
  EXPECT_EQ(a.find("NaN"), std::string::npos);
  EXPECT_EQ(a.back(), '\n');
  // Keys come in a fixed order: schema_version first.
  EXPECT_EQ(a.rfind("{\n  \"schema_version\"", 0), 0u);
}

TEST(packet, html_escapes_every_text) {
  std::string html = render_html(sample_packet());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("O&#39;Brien"), std::string::npos);
  EXPECT_NE(html.find("P&amp;1"), std::string::npos);
  EXPECT_NE(html.find("target &lt;near&gt; cord &amp; brainstem"), std::string::npos);
  EXPECT_NE(html.find("PTV&lt;70&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST(packet, dvh_svg_has_axes_curve_legend_and_prescription) {
  ReviewPacket p = sample_packet();
  std::string svg = render_dvh_svg(p.dvh);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("width=\"760\""), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("Rx 70.00 Gy"), std::string::npos);
  EXPECT_NE(svg.find("Dose (Gy)"), std::string::npos);
  EXPECT_NE(svg.find("Volume (%)"), std::string::npos);
  EXPECT_NE(svg.find("PTV&lt;70&gt;"), std::string::npos);
  PacketDvh none;
  none.note = "no dose";
  std::string empty = render_dvh_svg(none);
  EXPECT_NE(empty.find("no dose"), std::string::npos);
  EXPECT_EQ(empty.find("<polyline"), std::string::npos);
}

// A curve point or prescription that is not a number is left out of the plot: every
// coordinate the SVG writes is a number (a browser drops a shape with "n/a" in it), and the
// PDF still renders and poppler reads it.
TEST(packet, dvh_plot_leaves_out_values_that_are_not_numbers) {
  ReviewPacket p = sample_packet();
  PacketDvhCurve& c = p.dvh.curves.front();
  c.dose_gy = {0, 35, std::nan(""), 70, std::numeric_limits<double>::infinity(), 75};
  c.volume_percent = {100, 100, 50, 95, 10, 0};
  p.dvh.prescription_gy = {70, std::numeric_limits<double>::infinity()};
  const std::string svg = render_dvh_svg(p.dvh);
  for (const char* bad : {"n/a", "nan", "inf"})
    EXPECT_EQ(svg.find(bad), std::string::npos) << bad << "\n" << svg;
  const std::regex number_attribute(R"re( (?:x|y|x1|y1|x2|y2|width|height)="([^"]*)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), number_attribute), end; it != end; ++it)
    EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex(R"(-?[0-9]+(\.[0-9]+)?)"))) << (*it)[0];
  const std::smatch points = [&] {
    std::smatch m;
    std::regex_search(svg, m, std::regex(R"re(points="([^"]*)")re"));
    return m;
  }();
  ASSERT_FALSE(points.empty());
  EXPECT_TRUE(std::regex_match(points[1].str(), std::regex(R"(-?[0-9.]+,-?[0-9.]+( -?[0-9.]+,-?[0-9.]+)*)")))
      << points[1];
  EXPECT_EQ(occurrences(svg, "stroke-dasharray=\"6 3\""), 1u) << "the finite prescription's line only";
  std::string bytes;
  ASSERT_EQ(render_packet(p, OutputFormat::pdf, PaperSize::a4, bytes).message(), "");
  if (rtreview::test::run_command("command -v pdftotext").exit_code != 0) return;
  const fs::path dir = rtreview::test::make_temp_dir("rtreview-packet-pdf-nan");
  ASSERT_EQ(write_file_atomically(dir / "p.pdf", bytes).message(), "");
  const auto text = rtreview::test::run_command("pdftotext -enc UTF-8 " + (dir / "p.pdf").string() + " -");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.stdout_text.find("Rx 70.00 Gy"), std::string::npos) << text.stdout_text;
  fs::remove_all(dir);
}

TEST(packet, pdf_is_written_paginated_and_stable) {
  fs::path dir = rtreview::test::make_temp_dir("rtreview-packet-pdf");
  ReviewPacket p = sample_packet();
  for (int i = 0; i < 200; ++i) p.findings.push_back(p.findings.front());  // forces several pages
  for (auto [name, paper] :
       {std::pair{"a.pdf", PaperSize::a4}, {"b.pdf", PaperSize::a4}, {"letter.pdf", PaperSize::letter}}) {
    std::string bytes;
    ASSERT_EQ(render_packet(p, OutputFormat::pdf, paper, bytes).message(), "");
    ASSERT_EQ(write_file_atomically(dir / name, bytes).message(), "");
  }
  auto slurp = [](const fs::path& f) {
    std::ifstream in(f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string a = slurp(dir / "a.pdf");
  EXPECT_EQ(a.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(a, slurp(dir / "b.pdf"));
  EXPECT_NE(a, slurp(dir / "letter.pdf"));
  EXPECT_NE(a.find("/Count "), std::string::npos);
  EXPECT_EQ(a.find("/Count 1\n"), std::string::npos) << "200 findings need more than one page";
  // A folder that does not exist: the one error convention names the file and the reason.
  const Result missing = write_file_atomically(dir / "missing-dir" / "x.pdf", a);
  EXPECT_FALSE(missing);
  EXPECT_EQ(missing.code, ErrorCode::cannot_write);
  EXPECT_NE(missing.message().find("missing-dir/x.pdf: error: cannot open for writing"), std::string::npos)
      << missing.message();
  fs::remove_all(dir);
}

// The text a reader copies out of the PDF is the packet's text (poppler's pdftotext is the
// peer reader), whether cairo gets it in batches of runs (Latin, accents, symbols DejaVu
// has) or through pango's own renderer (right-to-left runs, a character no font has).
TEST(packet, pdf_text_reads_back_with_pdftotext) {
  if (rtreview::test::run_command("command -v pdftotext").exit_code != 0)
    GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
  fs::path dir = rtreview::test::make_temp_dir("rtreview-packet-pdf-text");
  ReviewPacket p = sample_packet();
  p.findings.front().message = "Résumé Ünïcode ☃ · largest step 3 mm";
  Finding rtl = p.findings.front();
  rtl.id = "RTL_NAME";
  rtl.message = "patient שלום עולם plan";
  Finding unknown = p.findings.front();
  unknown.id = "PRIVATE_USE";
  unknown.message = std::string("before \uE000 after");
  p.findings.push_back(rtl);
  p.findings.push_back(unknown);
  std::string bytes;
  ASSERT_EQ(render_packet(p, OutputFormat::pdf, PaperSize::a4, bytes).message(), "");
  ASSERT_EQ(write_file_atomically(dir / "p.pdf", bytes).message(), "");
  auto text = rtreview::test::run_command("pdftotext -enc UTF-8 " + (dir / "p.pdf").string() + " -");
  ASSERT_EQ(text.exit_code, 0);
  // pdftotext gives the Hebrew in reading order but splits a word before a final letter
  // ("שלו ם"), so its stems are looked for; the private-use character is pango's hex box.
  for (const char* expected :
       {"Résumé Ünïcode ☃ · largest step 3 mm", "DOSE_GRID_SPACING", "RTL_NAME", "patient", "שלו", "עול",
        "plan", "PRIVATE_USE", "before", "after", "Technical checks"})
    EXPECT_NE(text.stdout_text.find(expected), std::string::npos) << expected << "\n" << text.stdout_text;
  fs::remove_all(dir);
}

// The PDF draws the DVH plot itself (cairo, from the shapes the SVG is written from): poppler
// (the peer reader) reads its labels back, the y-axis title turned to read upwards, a
// right-to-left ROI name in the legend on the page, and its raster shows the curve in the
// ROI's colour; a packet without curves shows its note in the plot's frame and no curve.
TEST(packet, pdf_dvh_plot_reads_back_with_poppler) {
  if (rtreview::test::run_command("command -v pdftotext && command -v pdftoppm").exit_code != 0)
    GTEST_SKIP() << "pdftotext / pdftoppm (poppler-utils) are not installed";
  fs::path dir = rtreview::test::make_temp_dir("rtreview-packet-pdf-plot");
  struct Read {
    std::string text, words;  // pdftotext's text and its words with their boxes (-bbox)
    int red = 0;              // pixels of the curve's #ff0000 (nothing else in the packet is red)
  };
  auto read = [&](const ReviewPacket& p, const std::string& name) {
    Read out;
    std::string bytes;
    EXPECT_EQ(render_packet(p, OutputFormat::pdf, PaperSize::a4, bytes).message(), "");
    const fs::path pdf = dir / (name + ".pdf");
    EXPECT_EQ(write_file_atomically(pdf, bytes).message(), "");
    const auto text = rtreview::test::run_command("pdftotext -enc UTF-8 " + pdf.string() + " -");
    const auto words = rtreview::test::run_command("pdftotext -bbox -enc UTF-8 " + pdf.string() + " -");
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_EQ(words.exit_code, 0);
    out.text = text.stdout_text;
    out.words = words.stdout_text;
    const auto pages = std::count(out.text.begin(), out.text.end(), '\f');  // one per page
    EXPECT_GE(pages, 1);
    for (long page = 1; page <= pages; ++page) {
      // Without anti-aliasing every pixel of a line has the line's colour exactly.
      const fs::path image = dir / (name + "-" + std::to_string(page));
      EXPECT_EQ(rtreview::test::run_command("pdftoppm -r 72 -aa no -aaVector no -f " + std::to_string(page) +
                                            " -l " + std::to_string(page) + " -singlefile " + pdf.string() +
                                            " " + image.string())
                    .exit_code,
                0);
      std::ifstream in(image.string() + ".ppm", std::ios::binary);
      std::string magic;
      int width = 0, height = 0, max = 0;
      in >> magic >> width >> height >> max;
      in.get();
      std::string rgb(static_cast<std::size_t>(width) * height * 3, '\0');
      in.read(rgb.data(), static_cast<std::streamsize>(rgb.size()));
      EXPECT_EQ(magic, "P6");
      for (std::size_t i = 0; i + 2 < rgb.size(); i += 3)
        if (rgb[i] == '\xff' && rgb[i + 1] == 0 && rgb[i + 2] == 0) ++out.red;
    }
    return out;
  };
  // The box of the first word `word` whose box is taller than wide (turned text), if any.
  auto turned = [](const std::string& words,
                   const std::string& word) -> std::optional<std::array<double, 4>> {
    const std::regex box(R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">)re" +
                         word + "</word>");
    for (std::sregex_iterator it(words.begin(), words.end(), box), end; it != end; ++it) {
      const std::array<double, 4> b{std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]),
                                    std::stod((*it)[4])};
      if (b[3] - b[1] > b[2] - b[0]) return b;
    }
    return std::nullopt;
  };

  ReviewPacket p = sample_packet();
  PacketDvhCurve lung = p.dvh.curves.front();
  lung.roi_name = "ריאה";  // lung, a right-to-left name: pango aligns such a line to the right
  lung.is_target = false;
  lung.color = "#0000ff";
  lung.dose_gy = {0, 20, 40};
  lung.volume_percent = {100, 30, 0};
  p.dvh.curves.push_back(lung);
  const Read plot = read(p, "plot");
  for (const char* expected : {"Rx 70.00 Gy", "Dose (Gy)", "100", "80", "ריאה"})
    EXPECT_NE(plot.text.find(expected), std::string::npos) << expected << "\n" << plot.text;
  EXPECT_EQ(occurrences(plot.text, "PTV<70>"), 2u) << "the legend and the DVH table";
  const auto volume = turned(plot.words, "Volume"), percent = turned(plot.words, R"(\(%\))");
  ASSERT_TRUE(volume && percent) << "the y-axis title is drawn turned\n" << plot.words;
  EXPECT_LT((*percent)[1], (*volume)[1]) << "it reads upwards: \"(%)\" above \"Volume\"";
  EXPECT_GT(plot.red, 150) << "the curve (2.2 px wide, most of the plot's width) is drawn in its colour";

  ReviewPacket none = sample_packet();
  none.dvh.curves.clear();
  none.dvh.note = "no dose grid in this plan set";
  const Read empty = read(none, "none");
  EXPECT_EQ(empty.red, 0);
  EXPECT_EQ(occurrences(empty.text, "no dose grid in this plan set"), 2u)
      << "in the plot's frame and below it";
  EXPECT_EQ(empty.text.find("Dose (Gy)"), std::string::npos);
  fs::remove_all(dir);
}

TEST(packet, index_lists_packets_and_unreadable_files) {
  BatchSummary s;
  s.tool_version = "test";
  s.formats = {"html", "json"};
  s.packets.push_back(batch_entry(sample_packet(), "01-HN", FailLevel::fail));
  s.unreadable.push_back({"bad<1>.dcm", "not DICOM"});
  std::string html = render_index_html(s);
  EXPECT_NE(html.find("href=\"01-HN/packet.html\""), std::string::npos);
  EXPECT_NE(html.find("bad&lt;1&gt;.dcm"), std::string::npos);
  auto j = nlohmann::json::parse(render_summary_json(s));
  EXPECT_EQ(j["packets"][0]["folder"], "01-HN");
  EXPECT_EQ(packet_folder_name(3, 12, "../HN plan/1"), "03-_HN_plan_1");  // no hidden or parent folder
  EXPECT_EQ(packet_folder_name(1, 1, "x"), "");
  EXPECT_EQ(packet_folder_name(1, 2, ""), "1-plan");
}

}  // namespace
