// run_review: review_inputs → build_packet → render → write, for every plan set of a run.
#include "rtreview/publish.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <system_error>
#include <utility>
#include <vector>

#include "rtreview/pdf_module.h"

namespace rtreview {

const char* to_string(OutputFormat format) {
  switch (format) {
    case OutputFormat::html:
      return "html";
    case OutputFormat::pdf:
      return "pdf";
    case OutputFormat::json:
      return "json";
  }
  return "json";
}

std::optional<OutputFormat> parse_output_format(std::string_view text) {
  for (OutputFormat f : {OutputFormat::html, OutputFormat::pdf, OutputFormat::json})
    if (text == to_string(f)) return f;
  return std::nullopt;
}

Result write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto failed = [&](const char* why) {
    return Result::failure(ErrorCode::cannot_write, path.string(), why);
  };
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return failed("cannot open for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(temporary);
      return failed("write failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return failed("cannot rename the written file into place");
  }
  return {};
}

std::string packet_folder_name(std::size_t index, std::size_t count, const std::string& label) {
  if (count <= 1) return "";
  std::string safe;
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    safe += ok ? c : '_';
    if (safe.size() >= 40) break;
  }
  while (!safe.empty() && safe.front() == '.') safe.erase(0, 1);  // no hidden folders, no ".."
  if (safe.empty()) safe = "plan";
  std::string number = std::to_string(index);
  std::size_t width = std::to_string(count).size();
  if (number.size() < width) number.insert(0, width - number.size(), '0');
  return number + "-" + safe;
}

namespace {

PacketPolicyRef policy_ref(const PolicyHeader& h) {
  return PacketPolicyRef{h.id,
                         h.title,
                         h.payer,
                         h.revision_date,
                         h.ruleset_version,
                         std::filesystem::path(h.file).filename().string()};
}

}  // namespace

Result render_packet(const ReviewPacket& packet, OutputFormat format, PaperSize paper, std::string& bytes) {
  switch (format) {
    case OutputFormat::html:
      bytes = render_html(packet);
      return {};
    case OutputFormat::json:
      bytes = render_json(packet);
      return {};
    case OutputFormat::pdf: {
      RenderedPdf pdf = render_pdf_bytes(packet, paper);
      bytes = std::move(pdf.bytes);
      return pdf.result;
    }
  }
  return {};
}

ReviewPacket run_packet(const ReviewRun& run, std::size_t index) {
  PacketContext context = packet_context(run, run.reviews.size() == 1);
  for (const auto& r : run.selection.rulesets) context.policies.push_back(policy_ref(r.header));
  return build_packet(run.reviews.at(index), context);
}

namespace {

// "<label>: MEETS (A MEETS, B ...); failing checks: X Y -> folder"
std::string summary_line(const BatchEntry& entry, const std::string& label,
                         const std::filesystem::path& target) {
  std::string line = label + ": " + entry.overall;
  for (const auto& [id, outcome] : entry.outcomes)
    line += (&id == &entry.outcomes.front().first ? " (" : ", ") + id + " " + outcome;
  if (!entry.outcomes.empty()) line += ")";
  if (!entry.failing_checks.empty()) {
    line += "; failing checks:";
    for (const auto& c : entry.failing_checks) line += " " + c;
  }
  return line + " -> " + target.string();
}

// Folder labels made unique: a second "HN" becomes "HN_2" (folders are also numbered).
std::vector<std::string> unique_labels(const std::vector<PlanSetReview>& reviews) {
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (const auto& r : reviews) {
    int n = ++seen[r.facts.label];
    labels.push_back(n == 1 ? r.facts.label : r.facts.label + "_" + std::to_string(n));
  }
  return labels;
}

struct Writer {
  const ReviewOptions& options;
  ReviewResult& result;
  bool render_failed = false;  // a format could not be rendered: the run exits 2 at the end
  bool write(const std::filesystem::path& file, const std::string& text) {
    if (const Result written = write_file_atomically(file, text); !written) {
      result.errors.push_back("rtreview review: " + written.message());
      result.exit_code = 2;
      return false;
    }
    result.written.push_back(file);
    return true;
  }
  bool make_folder(const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (!ec) return true;
    result.errors.push_back("rtreview review: " + folder.string() +
                            ": cannot create output folder: " + ec.message());
    result.exit_code = 2;
    return false;
  }
};

// Writes one plan set's packet files; false on an I/O error (already recorded), which ends
// the run. A format that cannot be rendered (the PDF module missing, cairo failing) is
// recorded and skipped: the other formats are still written and the run goes on.
// The formats are rendered at the same time (the PDF takes longest), written in their order.
bool publish_one(const ReviewPacket& packet, const std::filesystem::path& target, Writer& writer) {
  if (!writer.make_folder(target)) return false;
  std::vector<std::future<std::pair<Result, std::string>>> renders;
  for (OutputFormat format : writer.options.formats)
    renders.push_back(std::async(std::launch::async, [&packet, format, paper = writer.options.paper] {
      std::string bytes;
      Result rendered = render_packet(packet, format, paper, bytes);
      return std::make_pair(std::move(rendered), std::move(bytes));
    }));
  for (std::size_t k = 0; k < renders.size(); ++k) {
    const OutputFormat format = writer.options.formats[k];
    std::filesystem::path file = target / (std::string("packet.") + to_string(format));
    auto [rendered, bytes] = renders[k].get();
    if (!rendered) {
      rendered.file = file.string();
      writer.result.errors.push_back("rtreview review: " + rendered.message());
      writer.render_failed = true;
      continue;
    }
    if (!writer.write(file, bytes)) return false;
  }
  return true;
}

}  // namespace

ReviewResult run_review(const ReviewOptions& options) {
  ReviewResult result;
  // The PDF renderer loads while the inputs are read and reviewed (it is not needed before).
  if (std::find(options.formats.begin(), options.formats.end(), OutputFormat::pdf) != options.formats.end())
    preload_pdf_module();
  ReviewRun run = review_inputs(options.request);
  if (!run.ok()) {
    for (const auto& e : run.errors) result.errors.push_back("rtreview review: " + e.message());
    result.exit_code = 2;
    return result;
  }
  for (const auto& w : run.warnings) result.warnings.push_back("rtreview review: " + w);
  Writer writer{options, result};
  if (!writer.make_folder(options.out_dir)) return result;

  const std::size_t count = run.reviews.size();
  PacketContext context = packet_context(run, count == 1);
  for (const auto& r : run.selection.rulesets) context.policies.push_back(policy_ref(r.header));
  BatchSummary& summary = result.summary;
  summary.tool_version = RTREVIEW_VERSION;
  summary.case_file = std::filesystem::path(options.request.case_file).filename().string();
  summary.fail_on = options.fail_on;
  for (OutputFormat f : options.formats) summary.formats.push_back(to_string(f));
  summary.unreadable = packet_context(run, true).unreadable;

  const std::vector<std::string> labels = unique_labels(run.reviews);
  bool all_ok = count > 0;
  for (std::size_t i = 0; i < count; ++i) {
    ReviewPacket packet = build_packet(run.reviews[i], context);
    if (count > 1 && !summary.unreadable.empty())
      packet.notes.push_back(std::to_string(summary.unreadable.size()) +
                             " unreadable or ignored input file(s): listed in ../index.html");
    std::string folder = packet_folder_name(i + 1, count, labels[i]);
    std::filesystem::path target = folder.empty() ? options.out_dir : options.out_dir / folder;
    if (!publish_one(packet, target, writer)) return result;
    BatchEntry entry = batch_entry(packet, folder, options.fail_on);
    all_ok = all_ok && entry.exit_code == 0;
    const DerivedFacts& facts = run.reviews[i].facts;
    result.lines.push_back(summary_line(entry, facts.label + " [" + facts.source_file + "]", target));
    summary.packets.push_back(std::move(entry));
  }
  // Unreadable inputs count against --fail-on in a batch too (a lone packet has them already).
  if (count > 1 && any_counts_against(run.input_findings, options.fail_on)) all_ok = false;

  result.exit_code = count == 0 ? 3 : writer.render_failed ? 2 : all_ok ? 0 : 1;
  summary.exit_code = result.exit_code;
  if (!writer.write(options.out_dir / "summary.json", render_summary_json(summary))) return result;
  const bool html =
      std::find(options.formats.begin(), options.formats.end(), OutputFormat::html) != options.formats.end();
  std::error_code ec;
  if (count != 1 && html) {
    if (!writer.write(options.out_dir / "index.html", render_index_html(summary))) return result;
  } else {
    std::filesystem::remove(options.out_dir / "index.html", ec);  // never a stale index beside one packet
  }
  if (count == 0) result.errors.push_back("rtreview review: no readable RT plan set in the given paths");
  return result;
}

}  // namespace rtreview
