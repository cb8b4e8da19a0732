// Private to src/samples: photon plans (step-and-shoot IMRT, VMAT, field-in-field,
// compensator IMRT) whose apertures follow the target's beam's-eye-view projection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "phantom.h"
#include "rtreview/model.h"
#include "rtreview/samples.h"

namespace rtreview::samples::detail {

struct OarConstraint {
  std::string roi_name;
  std::optional<double> maximum_gy;  // OrganAtRiskMaximumDose
  std::optional<double> limit_gy;    // OrganAtRiskLimitDose (used here for a mean-dose limit)
  std::string description;
};

struct PlanSpec {
  Technique technique = Technique::imrt_step_and_shoot;
  std::string label, name, description;
  std::string target_roi;
  double prescription_gy = 0.0;
  int fractions = 0;
  std::vector<OarConstraint> constraints;
  Point3 isocenter_mm{};
  std::vector<double> gantry_angles_deg;  // static techniques; VMAT uses its two arcs
  double total_mu = 0.0;                  // per fraction, shared between beams
  std::string machine = "SAMPLE_LINAC1";
};

// The 120-leaf MLC's 61 leaf boundaries (mm): 10 × 10 mm, 40 × 5 mm, 10 × 10 mm.
std::vector<double> mlc_leaf_boundaries_mm();

Plan build_plan(const PlanSpec& spec, const StructureSet& structure_set, const SetIds& ids,
                const ObjectInfo& info);

// Every contour point of the ROI named `name` (throws std::logic_error when absent).
std::vector<Point3> roi_points(const StructureSet& structure_set, const std::string& name);

// Arcs of the issue-11 samples.
enum class ArcKind {
  dual_layer_vmat,   // Halcyon-like: MLCX1 + MLCX2 both moving, MU per degree modulated, X/Y fixed
  dynamic_conformal  // leaves follow the target outline + 3 mm, constant MU per degree
};
struct ArcShape {
  double start_deg = 0.0, span_deg = 0.0;
  std::string direction = "CW";
  double coll_deg = 0.0, couch_deg = 0.0;
  int count = 0;  // control points
};
Beam sample_arc(int number, const std::string& name, const ArcShape& shape, ArcKind kind,
                const std::vector<Point3>& target, const Point3& iso, const std::string& machine);

}  // namespace rtreview::samples::detail
