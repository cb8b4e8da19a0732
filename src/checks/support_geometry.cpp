// Geometric supporting evidence (status info, never a decision):
// SUPPORT_PTV_OAR_PROXIMITY and SUPPORT_TARGET_CONCAVITY.
#include <cmath>

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
  for (const Roi* ptv : ptvs) {
    Finding f = make_finding(check_id::support_ptv_oar_proximity, Status::info, Severity::info,
                             "ROI '" + ptv->name + "'", "", rule);
    double closest_mm = INFINITY;
    std::string closest_name;
    for (const Roi* oar : oars) {
      const RoiPairMetrics m = roi_pair_metrics(*ptv, *oar);
      if (!std::isfinite(m.min_distance_mm)) continue;
      f.evidence.push_back({"to '" + oar->name + "'", "min distance " + num_unit(m.min_distance_mm, "mm", 1) +
                                                          ", overlap " + num_unit(m.overlap_cc, "cc", 2)});
      if (m.min_distance_mm < closest_mm) {
        closest_mm = m.min_distance_mm;
        closest_name = oar->name;
      }
    }
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
  for (const Roi* ptv : ptvs) {
    const double volume_cc = roi_volume_cc(*ptv);
    const double hull_cc = convex_hull_volume_cc(*ptv);
    Finding f = make_finding(check_id::support_target_concavity, Status::info, Severity::info,
                             "ROI '" + ptv->name + "'", "", rule);
    f.evidence.push_back({"volume", num_unit(volume_cc, "cc", 2)});
    f.evidence.push_back({"convex hull volume", num_unit(hull_cc, "cc", 2)});
    if (hull_cc > 0) {
      const double ratio = volume_cc / hull_cc;
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
