// run_review: the `rtreview review` pipeline, kept out of cli/ so tests can call it.
// read_paths → assemble_plan_sets → run_checks → DicomFacts → evaluate_policy per
// policy → build_packet → render. Inputs, case file, rulesets and the structure
// vocabulary are read once per run.
#include <algorithm>
#include <fstream>
#include <set>

#include "rtreview/dicom_io.h"
#include "rtreview/packet.h"
#include "rtreview/render.h"

namespace rtreview {

namespace {

std::string write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return path.string() + ": cannot open for writing";
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return path.string() + ": write failed";
  return "";
}

PacketPolicyRef policy_ref(const PolicyHeader& h) {
  return PacketPolicyRef{h.id,
                         h.title,
                         h.payer,
                         h.revision_date,
                         h.ruleset_version,
                         std::filesystem::path(h.file).filename().string()};
}

std::vector<PacketUnreadable> unreadable_of(const Inventory& inventory) {
  std::vector<PacketUnreadable> out;
  for (const auto& u : inventory.unreadable) out.push_back({u.path, u.reason});
  for (const auto& o : inventory.others) out.push_back({o.info.source.path, "ignored: " + o.reason});
  return out;
}

}  // namespace

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

ReviewResult run_review(const ReviewOptions& options) {
  ReviewResult result;
  auto fail = [&](int code, const std::string& message) {
    result.exit_code = code;
    result.errors.push_back("rtreview review: " + message);
    return result;
  };

  for (const auto& f : options.formats)
    if (f != "html" && f != "pdf" && f != "json")
      return fail(2, "unknown format '" + f + "' (expected html, pdf, json)");
  if (options.fail_on != "fail" && options.fail_on != "warning")
    return fail(2, "--fail-on must be 'fail' or 'warning', not '" + options.fail_on + "'");

  CaseFileLoad loaded = load_case_file(options.case_file);
  if (!loaded.result) return fail(2, loaded.result.message());
  const CaseFile& case_file = loaded.case_file;
  std::filesystem::path dir = options.ruleset_dir.empty() ? default_ruleset_dir() : options.ruleset_dir;
  PolicySelection selection = select_policies(options.policies, case_file, dir);
  if (!selection.errors.empty()) {
    for (const auto& e : selection.errors) result.errors.push_back("rtreview review: " + e.message());
    result.exit_code = 2;
    return result;
  }

  if (options.progress) options.progress(0, 0, "reading inputs");
  Inventory inventory = read_paths(options.paths);
  // The case file often sits in the plan-set folder: it is an input, not an unreadable DICOM file.
  std::error_code same_ec;
  std::erase_if(inventory.unreadable, [&](const UnreadableFile& u) {
    return std::filesystem::equivalent(u.path, options.case_file, same_ec);
  });
  std::vector<PlanSet> sets = assemble_plan_sets(inventory);
  std::vector<Finding> input_findings = inventory_findings(inventory);
  std::vector<PacketUnreadable> unreadable = unreadable_of(inventory);

  BatchSummary& summary = result.summary;
  summary.tool_version = RTREVIEW_VERSION;
  summary.case_file = std::filesystem::path(case_file.file).filename().string();
  summary.fail_on = options.fail_on;
  summary.formats = options.formats;
  summary.unreadable = unreadable;

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return fail(2, options.out_dir.string() + ": cannot create output folder: " + ec.message());

  CheckOptions check_options;
  StructureVocabulary vocabulary = load_structure_vocabulary(check_options);
  std::vector<PacketPolicyRef> refs;
  for (const auto& r : selection.rulesets) refs.push_back(policy_ref(r.header));

  bool all_ok = !sets.empty();
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const PlanSet& set = sets[i];
    std::string label = set.plan && !set.plan->label.empty() ? set.plan->label : set.id;
    if (options.progress) options.progress(i + 1, sets.size(), label);
    CheckReport report = run_checks(set, check_options, vocabulary);

    std::vector<Finding> findings = report.findings;
    findings.insert(findings.end(), set.findings.begin(), set.findings.end());
    DicomFacts facts = dicom_facts_from(set);
    PacketInputs inputs;
    inputs.case_file = &case_file;
    inputs.policies = refs;
    for (std::size_t k = 0; k < selection.rulesets.size(); ++k) {
      Determination d = evaluate_policy(selection.rulesets[k], case_file, findings, facts);
      if (k < selection.reasons.size()) d.applicability = selection.reasons[k];
      inputs.determinations.push_back(std::move(d));
    }
    // Input problems belong to the run: a lone packet carries them, a batch lists them
    // once in the index and summary.json.
    if (sets.size() == 1) {
      inputs.input_findings = input_findings;
      inputs.unreadable = unreadable;
    }
    ReviewPacket packet = build_packet(set, report, inputs);
    if (sets.size() > 1 && !unreadable.empty())
      packet.notes.push_back(std::to_string(unreadable.size()) +
                             " unreadable or ignored input file(s): listed in ../index.html");

    std::string folder = packet_folder_name(i + 1, sets.size(), label);
    std::filesystem::path target = folder.empty() ? options.out_dir : options.out_dir / folder;
    std::filesystem::create_directories(target, ec);
    if (ec) return fail(2, target.string() + ": cannot create output folder: " + ec.message());
    for (const auto& format : options.formats) {
      std::filesystem::path file = target / ("packet." + format);
      std::string error = format == "html" ? write_text(file, render_html(packet))
                          : format == "json"
                              ? write_text(file, render_json(packet))
                              : render_pdf(packet, file, options.letter ? PaperSize::letter : PaperSize::a4);
      if (!error.empty()) return fail(2, error);
      result.written.push_back(file);
    }
    BatchEntry entry = batch_entry(packet, folder, options.fail_on);
    if (entry.exit_code != 0) all_ok = false;
    std::string line = label + ": " + entry.overall;
    for (const auto& [id, outcome] : entry.outcomes)
      line += (&id == &entry.outcomes.front().first ? " (" : ", ") + id + " " + outcome;
    if (!entry.outcomes.empty()) line += ")";
    if (!entry.failing_checks.empty()) {
      line += "; failing checks:";
      for (const auto& c : entry.failing_checks) line += " " + c;
    }
    line += " -> " + target.string();
    result.lines.push_back(line);
    summary.packets.push_back(std::move(entry));
  }
  // Unreadable inputs count against --fail-on in a batch too (a lone packet has them already).
  if (sets.size() > 1 && has_finding_at_or_above(input_findings, options.fail_on)) all_ok = false;

  result.exit_code = sets.empty() ? 3 : all_ok ? 0 : 1;
  summary.exit_code = result.exit_code;
  std::string error = write_text(options.out_dir / "summary.json", render_summary_json(summary));
  if (!error.empty()) return fail(2, error);
  result.written.push_back(options.out_dir / "summary.json");
  if (sets.size() != 1 &&
      std::find(options.formats.begin(), options.formats.end(), "html") != options.formats.end()) {
    error = write_text(options.out_dir / "index.html", render_index_html(summary));
    if (!error.empty()) return fail(2, error);
    result.written.push_back(options.out_dir / "index.html");
  }
  if (sets.empty()) result.errors.push_back("rtreview review: no readable RT plan set in the given paths");
  return result;
}

}  // namespace rtreview
