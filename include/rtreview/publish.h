// Writing a run's review packets to disk: the `rtreview review` job, shared by the CLI
// and (later) the web and DICOM front doors. It sits above render/: review_inputs()
// computes, build_packet() maps, the renderers format, this writes (atomically).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/packet.h"
#include "rtreview/render.h"
#include "rtreview/review.h"

namespace rtreview {

enum class OutputFormat { html, pdf, json };
const char* to_string(OutputFormat format);  // "html", "pdf", "json"
std::optional<OutputFormat> parse_output_format(std::string_view text);

struct ReviewOptions {
  ReviewRequest request;  // what to review (inputs, case, policies, rulesets, assembly, progress)
  std::filesystem::path out_dir = "rtreview-out";
  std::vector<OutputFormat> formats = {OutputFormat::html, OutputFormat::pdf, OutputFormat::json};
  FailLevel fail_on = FailLevel::fail;
  PaperSize paper = PaperSize::a4;
};

struct ReviewResult {
  // 0 all determinations MEETS and no finding at or above fail_on; 1 otherwise;
  // 2 usage / ruleset / case-file / output error; 3 no readable plan set.
  int exit_code = 0;
  std::vector<std::string> errors;    // "rtreview review: ..." lines for stderr
  std::vector<std::string> warnings;  // case-file warnings, same form
  std::vector<std::string> lines;     // one summary line per packet for stdout
  BatchSummary summary;
  std::vector<std::filesystem::path> written;  // every file written, in order
};

// Runs the whole review. Writes packet.{html,pdf,json} into out_dir (one plan set) or
// into out_dir/<NN>-<label>/ (several), plus summary.json always and index.html for
// several (a stale index.html of an earlier batch is removed when the run has one set).
// Every file is written to a temporary name and renamed. Never throws on bad input;
// I/O failures are errors with exit code 2. A format that cannot be rendered (a missing or
// broken PDF module, pdf_module.h) is an error with exit code 2 too, but the other formats,
// the other plan sets and summary.json are still written. With PDF among the formats, the
// PDF module starts loading on a background thread at once.
ReviewResult run_review(const ReviewOptions& options);

// The packet of plan set `index` (0-based) of a run, exactly as run_review builds it
// (the web front door serves it without writing a batch folder).
ReviewPacket run_packet(const ReviewRun& run, std::size_t index);

// The packet's bytes in one format into `bytes`; fails (render_failed) when the PDF
// could not be rendered.
Result render_packet(const ReviewPacket& packet, OutputFormat format, PaperSize paper, std::string& bytes);

// Folder name of the packet of plan set `index` (1-based) of `count`: "" when count is
// 1, else "<NN>-<label made file-safe>".
std::string packet_folder_name(std::size_t index, std::size_t count, const std::string& label);

// Writes `text` to `path` atomically (temporary file in the same folder, then rename);
// fails with cannot_write, naming the path and the reason.
Result write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace rtreview
