// JSON summaries of the model (nlohmann-json) for `inspect --json` and the packet JSON.
// Summaries, not dumps: counts, ranges and key attributes; never voxel arrays or
// contour points. Keys are sorted (nlohmann::json's std::map) and every double goes
// through json_number(), so the same model always gives byte-identical JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "rtreview/finding.h"
#include "rtreview/model.h"

namespace rtreview {

// `value` rounded to 9 significant digits (stable text, no float noise like 0.30000001192).
double json_number(double value);

nlohmann::json to_json(const SourceFile& source);
nlohmann::json to_json(const ObjectInfo& info);

// Plan: header, prescription, fraction groups, beams (control point count, MU, energy,
// gantry/collimator/couch at start and end, devices, accessories), brachy setups, notes.
nlohmann::json to_json(const Plan& plan);

// Dose: dimensions, spacing (row, column, slice steps incl. the largest), geometry,
// dose min / max / mean in `units`, references, DVH summaries, notes.
nlohmann::json to_json(const DoseGrid& dose);

// Structure set: ROIs with type, contour / point counts, geometric types and bounds (mm).
nlohmann::json to_json(const StructureSet& structure_set);

// A plan set with its plan, structure set, doses and assembly findings.
nlohmann::json to_json(const PlanSet& plan_set);

// The whole `inspect` document: plan sets, other objects, unreadable files, input findings.
nlohmann::json inspect_json(const Inventory& inventory, const std::vector<PlanSet>& plan_sets,
                            const std::vector<Finding>& input_findings);

}  // namespace rtreview
