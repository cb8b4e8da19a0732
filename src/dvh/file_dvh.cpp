// Ours vs the DVHs a TPS stored in the RT Dose (DVHSequence).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "dvh/curve.h"
#include "rtreview/dvh.h"
#include "rtreview/text.h"

namespace rtreview {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

DvhCurve file_dvh_cumulative(const FileDvh& f) {
  DvhCurve c;
  const std::size_t n = std::min(f.bin_widths.size(), f.volumes.size());
  if (n == 0) return c;
  double dose_scale = f.dose_scaling > 0 && std::isfinite(f.dose_scaling) ? f.dose_scaling : 1.0;
  if (upper(f.dose_units) == "CGY") dose_scale /= 100.0;  // not DICOM, but seen in the wild
  const double volume_scale = f.volume_scaling && *f.volume_scaling > 0 ? *f.volume_scaling : 1.0;
  std::vector<double> edges(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) edges[i + 1] = edges[i] + std::max(f.bin_widths[i], 0.0) * dose_scale;
  std::vector<double> vol(n);
  for (std::size_t i = 0; i < n; ++i)
    vol[i] = std::isfinite(f.volumes[i]) ? f.volumes[i] * volume_scale : 0.0;
  if (upper(f.type) == "DIFFERENTIAL") {
    double tail = 0;
    for (std::size_t i = n; i-- > 0;) tail += vol[i], vol[i] = tail;
  } else {
    // Cumulative: force non-increasing (rounding in files can wobble by a unit).
    for (std::size_t i = 1; i < n; ++i) vol[i] = std::min(vol[i], vol[i - 1]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    c.dose_gy.push_back(edges[i]);
    c.volume_cc.push_back(vol[i]);
  }
  c.dose_gy.push_back(edges[n]);
  c.volume_cc.push_back(0.0);
  return c;
}

namespace {

// Which of our DVHs the file's item is for, and whether the two can be compared; the
// quirks met go to `notes`.
const RoiDvh* match_and_vet(const FileDvh& f, const std::vector<RoiDvh>& ours, const DoseGrid& dose,
                            FileDvhComparison& cmp, std::vector<std::string>& notes) {
  const RoiDvh* mine = nullptr;
  if (f.referenced_roi_number) {
    cmp.roi_number = *f.referenced_roi_number;
    for (const auto& r : ours)
      if (r.roi_number == cmp.roi_number) mine = &r;
  } else {
    notes.push_back("no ReferencedROINumber");
  }
  if (mine) cmp.roi_name = mine->roi_name;
  const std::size_t n = std::min(f.bin_widths.size(), f.volumes.size());
  if (f.declared_bin_count && static_cast<std::size_t>(*f.declared_bin_count) != f.volumes.size())
    notes.push_back("DVHNumberOfBins " + std::to_string(*f.declared_bin_count) + " but " +
                    std::to_string(f.volumes.size()) + " bins of data (data used)");
  if (f.bin_widths.size() != f.volumes.size())
    notes.push_back("bin widths and volumes differ in count; " + std::to_string(n) + " used");
  const std::string type = upper(f.type), vunits = upper(f.volume_units), dunits = upper(f.dose_units);
  if (type == "DIFFERENTIAL") notes.push_back("differential DVH summed to cumulative");
  if (type != "CUMULATIVE" && type != "DIFFERENTIAL")
    notes.push_back("DVHType " + f.type + " treated as cumulative");
  cmp.volume_in_percent = vunits == "PERCENT";
  if (cmp.volume_in_percent) notes.push_back("file volumes in PERCENT: volumes compared in %");
  const bool relative_file = dunits == "RELATIVE", relative_ours = upper(dose.units) == "RELATIVE";
  if (!f.composite_region.empty()) {
    std::string region;
    for (const auto& part : f.composite_region) region += (region.empty() ? "" : ", ") + part;
    notes.push_back("the file's DVH is of a composite region (" + region + "), not of one ROI");
  } else if (!mine || !mine->computed) {
    notes.push_back(mine ? "our DVH not computed: " + mine->not_computed_reason : "ROI not in our DVHs");
  } else if (n == 0) {
    notes.push_back("file DVH has no data");
  } else if (relative_file != relative_ours) {
    notes.push_back("dose units differ (file " + f.dose_units + ", grid " + dose.units + ")");
  } else {
    cmp.comparable = true;
  }
  if (cmp.comparable && mine->volume_outside_grid_cc > 1e-3 * mine->volume_cc) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "%.3f cc (%.1f %%) of the ROI is outside the dose grid: our DVH covers the rest",
                  mine->volume_outside_grid_cc, 100.0 * mine->volume_outside_grid_cc / mine->volume_cc);
    notes.push_back(buf);
  }
  return mine;
}

// Dose and volume metrics of both curves, and the largest volume difference over dose.
void compare_metrics(const FileDvh& f, const RoiDvh& mine, const DvhCurve& mine_curve, const DvhCurve& theirs,
                     FileDvhComparison& cmp) {
  const double their_total = theirs.volume_cc.front(), my_total = mine_curve.volume_cc.front();
  auto dx = [](const DvhCurve& c, double total, double pct) {
    return dvh::curve_dose_at(c, pct / 100.0 * total);
  };
  auto add = [&](std::string name, double o, double t) { cmp.metrics.push_back({std::move(name), o, t}); };
  add(cmp.volume_in_percent ? "volume_percent" : "volume_in_grid_cc", my_total, their_total);
  if (!cmp.volume_in_percent) add("volume_cc", mine.volume_cc, their_total);
  add("mean_gy", mine.mean_gy, f.mean_dose ? *f.mean_dose : dvh::curve_mean_dose(theirs));
  add("max_gy", mine.max_gy, f.maximum_dose ? *f.maximum_dose : dvh::curve_max_dose(theirs));
  add("min_gy", mine.min_gy, f.minimum_dose ? *f.minimum_dose : dx(theirs, their_total, 100));
  for (const auto& [name, pct] : {std::pair<const char*, double>{"d98_gy", 98.0},
                                  {"d95_gy", 95.0},
                                  {"d90_gy", 90.0},
                                  {"d50_gy", 50.0},
                                  {"d2_gy", 2.0}})
    add(name, dx(mine_curve, my_total, pct), dx(theirs, their_total, pct));
  // Max curve difference over the union of both curves' doses.
  std::vector<double> doses = theirs.dose_gy;
  doses.insert(doses.end(), mine_curve.dose_gy.begin(), mine_curve.dose_gy.end());
  std::sort(doses.begin(), doses.end());
  doses.erase(std::unique(doses.begin(), doses.end()), doses.end());
  for (double d : doses) {
    const double diff = std::abs(dvh::curve_volume_at(mine_curve, d) - dvh::curve_volume_at(theirs, d));
    const double pct = their_total > 0 ? 100.0 * diff / their_total : nan;
    if (pct > cmp.max_curve_difference_percent) {
      cmp.max_curve_difference_percent = pct;
      cmp.max_curve_difference_at_gy = d;
    }
  }
}

// Every point of the file's curve (dose d, volume v): ours at d, and ours at v.
void score_points(const DvhCurve& mine_curve, const DvhCurve& theirs, const FileDvhTolerance& tolerance,
                  FileDvhComparison& cmp) {
  const double tol_v = tolerance.volume_percent / 100.0 * theirs.volume_cc.front();
  const double tol_d = tolerance.dose_percent / 100.0 * dvh::curve_max_dose(theirs);
  std::size_t points = 0, passing = 0;
  cmp.worst_point_score = 0;
  for (std::size_t i = 0; i < theirs.dose_gy.size(); ++i) {
    const double d = theirs.dose_gy[i], v = theirs.volume_cc[i];
    if (!(v > 0)) continue;
    const double dv = std::abs(dvh::curve_volume_at(mine_curve, d) - v);
    const double my_d = dvh::curve_dose_at(mine_curve, v);
    const double dd = std::isnan(my_d) ? std::numeric_limits<double>::infinity() : std::abs(my_d - d);
    const double score = std::min(tol_v > 0 ? dv / tol_v : (dv > 0 ? 1e9 : 0.0),
                                  tol_d > 0 ? dd / tol_d : (dd > 0 ? 1e9 : 0.0));
    ++points;
    if (score <= 1.0) ++passing;
    if (score > cmp.worst_point_score || points == 1) {
      cmp.worst_point_score = score;
      cmp.worst_point_dose_gy = d;
    }
  }
  cmp.points_passing_percent =
      points ? 100.0 * static_cast<double>(passing) / static_cast<double>(points) : 0;
  cmp.within_tolerance = points > 0 && passing == points;
}

}  // namespace

std::vector<FileDvhComparison> compare_with_file_dvhs(const std::vector<RoiDvh>& ours, const DoseGrid& dose,
                                                      const FileDvhTolerance& tolerance) {
  std::vector<FileDvhComparison> out;
  for (const auto& f : dose.dvhs) {
    FileDvhComparison cmp;
    std::vector<std::string> notes;
    const RoiDvh* mine = match_and_vet(f, ours, dose, cmp, notes);
    if (cmp.comparable) {
      const DvhCurve theirs = file_dvh_cumulative(f);
      DvhCurve mine_curve = mine->cumulative;  // in the file's volume units
      if (cmp.volume_in_percent) {
        const double total = mine_curve.volume_cc.front();
        for (auto& v : mine_curve.volume_cc) v = 100.0 * v / total;
      }
      compare_metrics(f, *mine, mine_curve, theirs, cmp);
      score_points(mine_curve, theirs, tolerance, cmp);
    }
    cmp.note = join(notes, "; ");
    out.push_back(std::move(cmp));
  }
  return out;
}

}  // namespace rtreview
