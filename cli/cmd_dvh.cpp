// rtreview dvh PATH... [--json|--csv] [--roi NAME]... [--no-end-caps] [--threads N]
// DVHs of every plan set that has a structure set and a dose: a metrics table (text),
// JSON (metrics, and curves with --curves), or CSV of the cumulative curves.
// Output is deterministic: same inputs → same bytes, whatever the thread count.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "console.h"
#include "rtreview/dvh.h"
#include "rtreview/review.h"
#include "rtreview/text.h"

namespace rtreview::cli {
namespace {

struct DvhArgs {
  std::vector<std::string> paths;
  std::vector<std::string> rois;
  bool json = false, csv = false, curves = false, no_end_caps = false;
  int threads = 0;
};

// Fixed decimals: byte-stable text whatever the platform's shortest round-trip printing.
std::string fmt(double v, int decimals = 3) { return std::isfinite(v) ? format_fixed(v, decimals) : "-"; }

nlohmann::json num(double v, int decimals = json_measurement_decimals) {
  if (!std::isfinite(v)) return nullptr;
  return round_decimals(v, decimals);
}

struct DoseResult {
  std::string plan_set_id;
  const DoseGrid* dose = nullptr;
  std::vector<RoiDvh> dvhs;
  std::vector<FileDvhComparison> file_comparisons;
};

void print_text(const std::vector<DoseResult>& results) {
  for (const auto& r : results) {
    std::printf("plan set %s\ndose %s (%s, %dx%dx%d)\n", r.plan_set_id.c_str(),
                r.dose->info.source.path.c_str(), r.dose->units.c_str(), r.dose->columns, r.dose->rows,
                r.dose->frames);
    std::printf("%-4s %-24s %10s %7s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s %6s\n", "#", "ROI", "vol cc",
                "in grid", "Dmin", "Dmean", "Dmax", "D99%", "D98%", "D95%", "D50%", "D5%", "D2%", "D1%",
                "D0.03cc", "HI");
    for (const auto& d : r.dvhs) {
      if (!d.computed) {
        std::printf("%-4d %-24s %10s   not computed: %s\n", d.roi_number, d.roi_name.c_str(),
                    fmt(d.volume_cc).c_str(), d.not_computed_reason.c_str());
        continue;
      }
      const DvhMetrics m = standard_metrics(d);
      const double in_pct = d.volume_cc > 0 ? 100.0 * d.volume_in_grid_cc / d.volume_cc : NAN;
      std::printf("%-4d %-24s %10s %6s%% %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s %6s\n", d.roi_number,
                  d.roi_name.c_str(), fmt(d.volume_cc).c_str(), fmt(in_pct, 1).c_str(), fmt(m.min_gy).c_str(),
                  fmt(m.mean_gy).c_str(), fmt(m.max_gy).c_str(), fmt(m.d99_gy).c_str(), fmt(m.d98_gy).c_str(),
                  fmt(m.d95_gy).c_str(), fmt(m.d50_gy).c_str(), fmt(m.d5_gy).c_str(), fmt(m.d2_gy).c_str(),
                  fmt(m.d1_gy).c_str(), fmt(m.d0_03cc_gy).c_str(), fmt(m.homogeneity_index).c_str());
    }
    if (!r.file_comparisons.empty()) {
      std::printf("\nDVHs stored in the RT Dose vs ours (ours / file):\n");
      for (const auto& c : r.file_comparisons) {
        std::printf("  ROI %d %s:", c.roi_number, c.roi_name.c_str());
        for (const auto& m : c.metrics)
          std::printf(" %s %s/%s", m.name.c_str(), fmt(m.ours).c_str(), fmt(m.theirs).c_str());
        if (c.comparable)
          std::printf("; max curve diff %s %% at %s Gy; %s (%s %% of the file's points within 3 %%/3 %%)",
                      fmt(c.max_curve_difference_percent, 2).c_str(),
                      fmt(c.max_curve_difference_at_gy, 2).c_str(), c.within_tolerance ? "PASS" : "FAIL",
                      fmt(c.points_passing_percent, 1).c_str());
        if (!c.note.empty()) std::printf(" [%s]", c.note.c_str());
        std::printf("\n");
      }
    }
    std::printf("\n");
  }
}

void print_csv(const std::vector<DoseResult>& results) {
  std::printf("plan_set,dose_file,roi_number,roi_name,dose_gy,volume_cc,volume_percent\n");
  for (const auto& r : results)
    for (const auto& d : r.dvhs) {
      if (!d.computed) continue;
      const auto& c = d.cumulative;
      const double total = c.volume_cc.empty() ? 0.0 : c.volume_cc.front();
      std::string name = d.roi_name;
      for (auto& ch : name)
        if (ch == '"') ch = '\'';
      for (std::size_t i = 0; i < c.dose_gy.size(); ++i)
        std::printf("%s,\"%s\",%d,\"%s\",%.4f,%.6f,%.4f\n", r.plan_set_id.c_str(),
                    r.dose->info.source.path.c_str(), d.roi_number, name.c_str(), c.dose_gy[i],
                    c.volume_cc[i], total > 0 ? 100.0 * c.volume_cc[i] / total : 0.0);
    }
}

void print_json(const std::vector<DoseResult>& results, bool curves) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json doc;
    doc["plan_set"] = r.plan_set_id;
    doc["dose_file"] = r.dose->info.source.path;
    doc["dose_units"] = r.dose->units;
    nlohmann::json rois = nlohmann::json::array();
    for (const auto& d : r.dvhs) {
      nlohmann::json j;
      j["roi_number"] = d.roi_number;
      j["roi_name"] = d.roi_name;
      j["computed"] = d.computed;
      if (!d.computed) j["not_computed_reason"] = d.not_computed_reason;
      j["volume_cc"] = num(d.volume_cc);
      j["volume_in_grid_cc"] = num(d.volume_in_grid_cc);
      j["volume_outside_grid_cc"] = num(d.volume_outside_grid_cc);
      if (d.computed) {
        const DvhMetrics m = standard_metrics(d);
        j["min_gy"] = num(m.min_gy);
        j["mean_gy"] = num(m.mean_gy);
        j["max_gy"] = num(m.max_gy);
        j["d99_gy"] = num(m.d99_gy);
        j["d98_gy"] = num(m.d98_gy);
        j["d95_gy"] = num(m.d95_gy);
        j["d50_gy"] = num(m.d50_gy);
        j["d5_gy"] = num(m.d5_gy);
        j["d2_gy"] = num(m.d2_gy);
        j["d1_gy"] = num(m.d1_gy);
        j["d0_03cc_gy"] = num(m.d0_03cc_gy);
        j["d35mm3_gy"] = num(m.d35mm3_gy);
        j["homogeneity_index"] = num(m.homogeneity_index);
        j["sample_count"] = d.sample_count;
        j["sample_spacing_mm"] = num(d.sample_spacing_mm);
        if (curves) {
          nlohmann::json dose = nlohmann::json::array(), vol = nlohmann::json::array();
          for (std::size_t i = 0; i < d.cumulative.dose_gy.size(); ++i) {
            dose.push_back(num(d.cumulative.dose_gy[i]));
            vol.push_back(num(d.cumulative.volume_cc[i]));
          }
          j["cumulative"] = {{"dose_gy", dose}, {"volume_cc", vol}};
        }
      }
      rois.push_back(std::move(j));
    }
    doc["rois"] = std::move(rois);
    nlohmann::json comparisons = nlohmann::json::array();
    for (const auto& c : r.file_comparisons) {
      nlohmann::json j;
      j["roi_number"] = c.roi_number;
      j["roi_name"] = c.roi_name;
      j["comparable"] = c.comparable;
      j["note"] = c.note;
      j["volume_in_percent"] = c.volume_in_percent;
      for (const auto& m : c.metrics) j["metrics"][m.name] = {{"ours", num(m.ours)}, {"file", num(m.theirs)}};
      j["max_curve_difference_percent"] = num(c.max_curve_difference_percent);
      j["max_curve_difference_at_gy"] = num(c.max_curve_difference_at_gy);
      j["within_tolerance"] = c.within_tolerance;
      j["points_passing_percent"] = num(c.points_passing_percent);
      j["worst_point_dose_gy"] = num(c.worst_point_dose_gy);
      j["worst_point_score"] = num(c.worst_point_score);
      comparisons.push_back(std::move(j));
    }
    doc["file_dvh_comparisons"] = std::move(comparisons);
    out.push_back(std::move(doc));
  }
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Requested ROI names that match no ROI of any structure set read (compared as the
// DVH engine compares them: exact name).
std::vector<std::string> unmatched_roi_names(const DvhArgs& args, const std::vector<DoseResult>& results) {
  std::vector<std::string> unmatched;
  for (const auto& name : args.rois) {
    bool found = false;
    for (const auto& r : results)
      for (const auto& d : r.dvhs) found = found || d.roi_name == name;
    if (!found) unmatched.push_back(name);
  }
  return unmatched;
}

int run_dvh(const DvhArgs& args) {
  ReviewRequest request;
  request.paths.assign(args.paths.begin(), args.paths.end());
  request.depth = ReviewDepth::assemble;
  request.hash_inputs = false;  // no DVH output shows a file's hash
  const ReviewRun run = review_inputs(request);
  print_input_problems(std::cerr, "rtreview dvh", run);
  DvhOptions options;
  options.end_caps = args.no_end_caps ? EndCaps::none : EndCaps::half_slab;
  options.roi_names = args.rois;
  options.threads = args.threads;
  std::vector<DoseResult> results;
  for (const auto& review : run.reviews) {
    const PlanSet& set = review.plan_set;
    if (!set.structure_set || set.doses.empty()) continue;
    for (const auto& dose : set.doses) {
      DoseResult r;
      r.plan_set_id = set.id;
      r.dose = dose.get();
      r.dvhs = compute_dvhs(*set.structure_set, *dose, options);
      if (!dose->dvhs.empty()) r.file_comparisons = compare_with_file_dvhs(r.dvhs, *dose);
      results.push_back(std::move(r));
    }
  }
  const std::vector<std::string> unmatched = unmatched_roi_names(args, results);
  for (const auto& name : unmatched)
    std::cerr << "rtreview dvh: no ROI named '" << name << "' in the inputs\n";
  if (args.json) print_json(results, args.curves);  // valid JSON on every path: [] when nothing
  if (results.empty()) {
    std::cerr << "rtreview dvh: no plan set with both a structure set and a dose in the inputs\n";
    return exit_no_input;
  }
  if (!args.rois.empty() && unmatched.size() == args.rois.size()) return exit_no_input;
  if (args.csv)
    print_csv(results);
  else if (!args.json)
    print_text(results);
  std::fflush(stdout);
  return exit_ok;
}

}  // namespace

void add_dvh_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<DvhArgs>();
  auto* sub = app.add_subcommand(
      "dvh", "Compute DVHs and metrics for every plan set with a structure set and a dose");
  sub->add_option("paths", args->paths, "DICOM files or folders")->required();
  auto* json = sub->add_flag("--json", args->json, "JSON: metrics per ROI (and file-DVH comparisons)");
  sub->add_flag("--csv", args->csv, "CSV of the cumulative curves")->excludes(json);
  sub->add_flag("--curves", args->curves, "with --json: include the cumulative curves");
  sub->add_option("--roi", args->rois, "only this ROI (by name; repeatable)");
  sub->add_flag("--no-end-caps", args->no_end_caps, "clip each ROI to its first and last contour planes");
  sub->add_option("--threads", args->threads, "worker threads (0: all cores); output does not depend on it");
  sub->callback([&action, args] { action = reading_dicom([args] { return run_dvh(*args); }); });
}

}  // namespace rtreview::cli
