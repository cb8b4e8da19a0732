// Synthetic but realistic DICOM RT plan sets: a head-and-neck phantom planned four
// ways (step-and-shoot IMRT, VMAT, 3D field-in-field, compensator IMRT), five broken
// variants of the IMRT set, and a large breast/thorax case for the DVH benchmark.
//
// Everything is a pure function of fixed constants: same build → byte-identical files.
// UIDs are `<uid_root>.<set index>.<object number>` (see dicom_samples/README.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rtreview/model.h"
#include "rtreview/result.h"

namespace rtreview::samples {

// A UUID-derived OID root (ITU-T X.667, arc 2.25): needs no registration.
inline constexpr const char* uid_root = "2.25.114073011530937294225735177055740903828";

enum class Technique {
  imrt_step_and_shoot,  // 7 static beams, 10 MLC segments each
  vmat,                 // 2 full arcs, 90 control points each, MLC moving
  field_in_field,       // 3 static beams, 3 forward-planned segments each (not IMRT)
  compensator_imrt      // 7 static beams, jaws only, one compensator per beam
};

// One plan set as written to `<dir>/<name>/{RP,RS,RD}.dcm`.
struct SampleSet {
  std::string name;      // folder name, e.g. "hn_imrt_7field"
  std::string summary;   // one line: what the set is
  std::string expected;  // one line: what a review should find (pass, or the defect)
  Plan plan;
  StructureSet structure_set;
  DoseGrid dose;
  bool truncate_plan = false;  // RP.dcm is cut mid-element after writing (broken_truncated)
};

// The head-and-neck phantom's structure set (BODY, GTV, CTV, PTV_7000, parotids,
// SpinalCord, Brainstem, Mandible), contours every 3 mm, UIDs of set `set_index`.
StructureSet make_hn_structure_set(int set_index);

// A PLAN-summation dose in Gy (70 Gy prescription) over `structure_set`'s BODY on a
// grid of `spacing_mm` in every direction, frames on the 3 mm contour planes when
// spacing_mm is 3; UIDs of set `set_index`, referencing `plan_uid`.
DoseGrid make_hn_dose(const StructureSet& structure_set, int set_index, const std::string& plan_uid);

// The 70 Gy / 35 fx plan for the phantom with `technique`, referencing `structure_set`.
Plan make_hn_plan(Technique technique, const StructureSet& structure_set, int set_index);

// The committed sets, README order: four good plans, five broken variants, then the delivery
// systems / fraction groups / character sets / two-patient sets of issue 11 (16 in all).
std::vector<SampleSet> make_sample_sets();

// The large benchmark case: breast/thorax phantom, 17 ROIs, BODY of 130 contours × 360
// points, 200×160×130 dose at 2.5 mm (4.16 M voxels, 32-bit), 40.05 Gy / 15 fx IMRT.
SampleSet make_large_case();

// Writes `set` into `dir / set.name` (created if missing): RS.dcm, RP.dcm, RD.dcm, in
// that order, appending each written path to `written`. Touches nothing else.
// A failure (cannot_write) names the path and the reason.
Result write_sample_set(const SampleSet& set, const std::filesystem::path& dir,
                        std::vector<std::filesystem::path>& written);

}  // namespace rtreview::samples
