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

}  // namespace rtreview::samples::detail
