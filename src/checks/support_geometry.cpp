// Geometric supporting evidence (status info, never a decision):
// SUPPORT_PTV_OAR_PROXIMITY and SUPPORT_TARGET_CONCAVITY.
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/geometry.h"

namespace rtreview {

using namespace checks_detail;

namespace {

std::vector<const Roi*> rois_of(const StructureSet& ss, const std::vector<RoiClassification>& structures,
                                bool (*wanted)(StructureCategory)) {
  std::vector<const Roi*> out;
  for (const auto& c : structures)
    if (wanted(c.category) && c.has_volume())
      if (const Roi* roi = ss.find_roi(c.roi_number)) out.push_back(roi);
  return out;
}

bool is_ptv(StructureCategory c) { return c == StructureCategory::ptv; }
bool is_oar(StructureCategory c) { return c == StructureCategory::oar; }

// Why a measurement is missing once the check's geometry budget is spent.
std::string over_budget(const StructureSet& ss, const GeometryBudget& budget) {
  const std::string file = ss.info.source.path.empty()
                               ? structure_set_subject(ss)
                               : std::filesystem::path(ss.info.source.path).filename().string();
  return "not computed: the geometry of " + file + " exceeds this check's work budget of " +
         std::to_string(budget.limit()) +
         " operations per structure set (InputLimits::max_geometry_operations_per_structure_set)";
}

}  // namespace

std::vector<Finding> support_ptv_oar_proximity(const PlanSet& plan_set,
                                               const std::vector<RoiClassification>& structures,
                                               const CheckOptions& options) {
  const std::string rule =
      "supporting evidence only: closest approach (mm) and overlap (cc) of each PTV with each OAR";
  if (!plan_set.structure_set || !options.compute_geometry) {
    return {make_finding(check_id::support_ptv_oar_proximity, Status::info, Severity::info,
                         plan_subject(plan_set),
                         !plan_set.structure_set ? "supporting evidence: no structure set"
                                                 : "supporting evidence: geometry turned off",
                         rule)};
  }
  const StructureSet& ss = *plan_set.structure_set;
  const auto ptvs = rois_of(ss, structures, is_ptv);
  const auto oars = rois_of(ss, structures, is_oar);
  if (ptvs.empty() || oars.empty())
    return {make_finding(check_id::support_ptv_oar_proximity, Status::info, Severity::info,
                         plan_subject(plan_set),
                         "supporting evidence: needs at least one contoured PTV and OAR", rule)};
  std::vector<Finding> out;
  GeometryBudget budget(options.max_geometry_operations);
  const std::vector<std::optional<RoiPairMetrics>> table = roi_pair_metrics_table(ptvs, oars, budget);
  for (std::size_t i = 0; i < ptvs.size(); ++i) {
    const Roi* ptv = ptvs[i];
    Finding f = make_finding(check_id::support_ptv_oar_proximity, Status::info, Severity::info,
                             "ROI '" + ptv->name + "'", "", rule);
    double closest_mm = INFINITY;
    std::string closest_name;
    bool out_of_budget = false;  // this PTV's pairs ran out (a later PTV's may not concern it)
    for (std::size_t j = 0; j < oars.size(); ++j) {
      const Roi* oar = oars[j];
      const std::size_t k = i * oars.size() + j;
      if (k >= table.size() || !table[k]) {
        f.evidence.push_back({"to '" + oar->name + "' and every later OAR", over_budget(ss, budget)});
        out_of_budget = true;
        break;
      }
      const RoiPairMetrics& m = *table[k];
      if (!std::isfinite(m.min_distance_mm)) continue;
      f.evidence.push_back({"to '" + oar->name + "'", "min distance " + num_unit(m.min_distance_mm, "mm", 1) +
                                                          ", overlap " + num_unit(m.overlap_cc, "cc", 2)});
      if (m.min_distance_mm < closest_mm) {
        closest_mm = m.min_distance_mm;
        closest_name = oar->name;
      }
    }
    if (out_of_budget)
      f.message = "supporting evidence: " + over_budget(ss, budget);
    else
      f.message = closest_name.empty() ? "supporting evidence: no OAR distance computable"
                                       : "supporting evidence: nearest OAR '" + closest_name + "' at " +
                                             num_unit(closest_mm, "mm", 1);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> support_target_concavity(const PlanSet& plan_set,
                                              const std::vector<RoiClassification>& structures,
                                              const CheckOptions& options) {
  const std::string rule =
      "supporting evidence only: PTV volume / volume of its 3D convex hull (1 = convex; lower = "
      "more concave)";
  if (!plan_set.structure_set || !options.compute_geometry)
    return {make_finding(check_id::support_target_concavity, Status::info, Severity::info,
                         plan_subject(plan_set),
                         !plan_set.structure_set ? "supporting evidence: no structure set"
                                                 : "supporting evidence: geometry turned off",
                         rule)};
  const auto ptvs = rois_of(*plan_set.structure_set, structures, is_ptv);
  if (ptvs.empty())
    return {make_finding(check_id::support_target_concavity, Status::info, Severity::info,
                         plan_subject(plan_set), "supporting evidence: no contoured PTV", rule)};
  std::vector<Finding> out;
  GeometryBudget budget(options.max_geometry_operations);
  for (const Roi* ptv : ptvs) {
    Finding f = make_finding(check_id::support_target_concavity, Status::info, Severity::info,
                             "ROI '" + ptv->name + "'", "", rule);
    const std::optional<double> hull_cc = convex_hull_volume_cc(*ptv, budget);
    if (!hull_cc) {
      f.message = "supporting evidence: convex hull " + over_budget(*plan_set.structure_set, budget);
      out.push_back(std::move(f));
      continue;
    }
    const double volume_cc = roi_volume_cc(*ptv);
    f.evidence.push_back({"volume", num_unit(volume_cc, "cc", 2)});
    f.evidence.push_back({"convex hull volume", num_unit(*hull_cc, "cc", 2)});
    if (*hull_cc > 0) {
      const double ratio = volume_cc / *hull_cc;
      f.evidence.push_back({"volume / hull", num(ratio, 3)});
      f.message = "supporting evidence: volume is " + num(ratio * 100, 1) + " % of its convex hull";
    } else {
      f.message = "supporting evidence: convex hull not computable";
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace rtreview
