// The committed sample sets and the large benchmark case, as model objects.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dose_synth.h"
#include "phantom.h"
#include "plan_build.h"
#include "rtreview/samples.h"

namespace rtreview::samples {
namespace {

using namespace detail;

constexpr const char* rt_plan_class = "1.2.840.10008.5.1.4.1.1.481.5";
constexpr const char* rt_dose_class = "1.2.840.10008.5.1.4.1.1.481.2";
constexpr const char* rt_struct_class = "1.2.840.10008.5.1.4.1.1.481.3";
constexpr const char* dose_comment =
    "synthetic dose (rtreview make-samples), not a calculation";  // LO: <= 64 chars

// H&N dose: 16-bit, 1.25 mGy steps (65535 × 0.00125 = 81.9 Gy > 107 % of 70 Gy).
constexpr double hn_dose_scaling_gy = 0.00125;

const Roi& roi_named(const StructureSet& ss, const std::string& name) {
  for (const auto& roi : ss.rois)
    if (roi.name == name) return roi;
  throw std::logic_error("samples: no ROI named " + name);
}

DoseSpec hn_dose_spec() {
  DoseSpec spec;
  spec.target_roi = "PTV_7000";
  spec.prescription_gy = 70.0;
  spec.hotspot_mm = {-12.0, -3.0, -2.0};
  spec.bath_near = 0.35;
  spec.bath_length_mm = 45.0;
  spec.sparing = {{"SpinalCord", 0.40}, {"Brainstem", 0.35}, {"Parotid_L", 0.20}, {"Parotid_R", 0.15}};
  return spec;
}

GridSpec hn_grid(const StructureSet& ss) { return grid_covering(roi_named(ss, "BODY"), 3.0, hn_slice_mm); }

ObjectInfo dose_info(const SetIds& ids, const std::string& frame_of_reference_uid) {
  ObjectInfo info =
      object_info(ids, "RTDOSE", rt_dose_class, ids.dose_series_uid(), ids.dose_uid(), "Sample RT Dose");
  info.frame_of_reference_uid = frame_of_reference_uid;
  return info;
}

PlanSpec hn_plan_spec(Technique technique) {
  PlanSpec spec;
  spec.technique = technique;
  spec.target_roi = "PTV_7000";
  spec.prescription_gy = 70.0;
  spec.fractions = 35;
  spec.isocenter_mm = {-15.0, -5.0, -5.0};
  spec.constraints = {{"SpinalCord", 45.0, std::nullopt, "SpinalCord max < 45 Gy"},
                      {"Brainstem", 54.0, std::nullopt, "Brainstem max < 54 Gy"},
                      {"Parotid_L", std::nullopt, 26.0, "Parotid_L mean < 26 Gy"},
                      {"Parotid_R", std::nullopt, 26.0, "Parotid_R mean < 26 Gy"}};
  const std::vector<double> seven = {0.0, 51.0, 103.0, 154.0, 206.0, 257.0, 309.0};
  switch (technique) {
    case Technique::imrt_step_and_shoot:
      spec.label = "HN_IMRT7";
      spec.name = "HN IMRT 7 field";
      spec.description = "7-field step-and-shoot IMRT, 70 Gy in 35 fractions to PTV_7000";
      spec.gantry_angles_deg = seven;
      spec.total_mu = 980.0;
      break;
    case Technique::vmat:
      spec.label = "HN_VMAT2";
      spec.name = "HN VMAT 2 arc";
      spec.description = "2-arc VMAT (CW 181-179, CC 179-181), 70 Gy in 35 fractions to PTV_7000";
      spec.total_mu = 560.0;
      break;
    case Technique::field_in_field:
      spec.label = "HN_3DFIF";
      spec.name = "HN 3D field-in-field";
      spec.description = "3D conformal, 3 fields with forward-planned subfields, 70 Gy in 35 fractions";
      spec.gantry_angles_deg = {270.0, 90.0, 0.0};
      spec.total_mu = 260.0;
      break;
    case Technique::compensator_imrt:
      spec.label = "HN_COMP7";
      spec.name = "HN compensator IMRT";
      spec.description = "7-field compensator-based IMRT (brass), 70 Gy in 35 fractions to PTV_7000";
      spec.gantry_angles_deg = seven;
      spec.total_mu = 1050.0;
      break;
  }
  return spec;
}

// The phantom, its plan and a dose (values shared: the dose depends only on the anatomy).
SampleSet hn_set(int index, const std::string& name, Technique technique, const std::vector<double>& dose_gy,
                 const GridSpec& grid) {
  SampleSet set;
  set.name = name;
  set.structure_set = make_hn_structure_set(index);
  set.plan = make_hn_plan(technique, set.structure_set, index);
  const SetIds ids{index};
  set.dose = make_dose_grid(grid, dose_gy, 16, hn_dose_scaling_gy,
                            dose_info(ids, ids.frame_of_reference_uid()), ids.plan_uid(), dose_comment);
  return set;
}

}  // namespace

StructureSet make_hn_structure_set(int set_index) {
  const SetIds ids{set_index};
  const ObjectInfo info = object_info(ids, "RTSTRUCT", rt_struct_class, ids.structure_series_uid(),
                                      ids.structure_set_uid(), "Sample RT Structure Set");
  return build_structure_set(hn_anatomy(), hn_z_min_mm, hn_z_max_mm, hn_slice_mm, info, "HN_PHANTOM",
                             "Head and neck phantom");
}

DoseGrid make_hn_dose(const StructureSet& structure_set, int set_index, const std::string& plan_uid) {
  const SetIds ids{set_index};
  const GridSpec grid = hn_grid(structure_set);
  return make_dose_grid(grid, synthesize_dose_gy(structure_set, grid, hn_dose_spec()), 16, hn_dose_scaling_gy,
                        dose_info(ids, structure_set.info.frame_of_reference_uid), plan_uid, dose_comment);
}

Plan make_hn_plan(Technique technique, const StructureSet& structure_set, int set_index) {
  const SetIds ids{set_index};
  const ObjectInfo info =
      object_info(ids, "RTPLAN", rt_plan_class, ids.plan_series_uid(), ids.plan_uid(), "Sample RT Plan");
  return build_plan(hn_plan_spec(technique), structure_set, ids, info);
}

std::vector<SampleSet> make_sample_sets() {
  // Anatomy (and so the dose) is identical in every set; compute the 3 mm dose once.
  const StructureSet anatomy = make_hn_structure_set(0);
  const GridSpec grid = hn_grid(anatomy);
  const std::vector<double> dose_gy = synthesize_dose_gy(anatomy, grid, hn_dose_spec());

  std::vector<SampleSet> sets;
  auto add = [&](int index, const std::string& name, Technique technique, const std::string& summary,
                 const std::string& expected) -> SampleSet& {
    sets.push_back(hn_set(index, name, technique, dose_gy, grid));
    sets.back().summary = summary;
    sets.back().expected = expected;
    return sets.back();
  };
  add(1, "hn_imrt_7field", Technique::imrt_step_and_shoot,
      "7-field step-and-shoot IMRT (10 segments per beam), 70 Gy / 35 fx",
      "passes the technical checks; classified IMRT");
  add(2, "hn_vmat_2arc", Technique::vmat, "2-arc VMAT (CW 181-179, CC 179-181, 90 control points each)",
      "passes the technical checks; classified IMRT (VMAT)");
  add(3, "hn_3d_fif", Technique::field_in_field,
      "3D conformal, 3 static fields with 3 forward-planned segments each",
      "passes the documentation checks but is NOT IMRT (field-in-field)");
  add(4, "hn_compensator_imrt", Technique::compensator_imrt,
      "7-field compensator-based IMRT, one brass compensator per beam (jaws only)",
      "passes; classified IMRT (compensator), compensator design present per portal");

  {  // 5: the dose resampled onto a 12 mm in-plane grid.
    SampleSet& set = add(5, "broken_grid_12mm", Technique::imrt_step_and_shoot,
                         "copy of hn_imrt_7field with the dose on a 12 mm in-plane grid (3 mm slices)",
                         "fails DOSE_GRID_SPACING (12 mm > 10 mm)");
    const GridSpec coarse = grid_covering(roi_named(set.structure_set, "BODY"), 12.0, hn_slice_mm);
    const SetIds ids{5};
    set.dose = make_dose_grid(coarse, resample(grid, dose_gy, coarse), 16, hn_dose_scaling_gy,
                              dose_info(ids, ids.frame_of_reference_uid()), ids.plan_uid(), dose_comment);
  }
  {  // 6: PTV deleted; the prescription points at the CTV instead.
    SampleSet& set =
        add(6, "broken_no_ptv", Technique::imrt_step_and_shoot,
            "copy of hn_imrt_7field whose structure set has no PTV (prescription references the CTV)",
            "fails PTV_CONTOURED");
    auto& rois = set.structure_set.rois;
    rois.erase(
        std::remove_if(rois.begin(), rois.end(), [](const Roi& r) { return r.interpreted_type == "PTV"; }),
        rois.end());
    DoseReference& rx = set.plan.dose_references.front();
    rx.referenced_roi_number = roi_named(set.structure_set, "CTV").number;
    rx.description = "CTV prescription";
  }
  {  // 7: the dose in another frame of reference.
    SampleSet& set = add(7, "broken_frame_of_reference", Technique::imrt_step_and_shoot,
                         "copy of hn_imrt_7field whose dose has a different FrameOfReferenceUID",
                         "fails FRAME_OF_REFERENCE_MISMATCH / DOSE_OBJECT_FIT; DVHs not computable");
    set.dose.info.frame_of_reference_uid = SetIds{7}.other_frame_of_reference_uid();
  }
  {  // 8: the dose grid cropped superiorly at z = +12 mm.
    SampleSet& set = add(8, "broken_roi_outside_grid", Technique::imrt_step_and_shoot,
                         "copy of hn_imrt_7field with the dose grid cut at z = +12 mm (PTV_7000 and parotids "
                         "partly, Brainstem wholly outside)",
                         "fails DVH_COMPUTABLE (ROI volume outside the dose grid)");
    GridSpec cropped = grid;
    cropped.frames = static_cast<int>(std::lround((12.0 - grid.origin_mm[2]) / grid.dz_mm)) + 1;
    const std::vector<double> values(dose_gy.begin(), dose_gy.begin() + cropped.size());
    const SetIds ids{8};
    set.dose = make_dose_grid(cropped, values, 16, hn_dose_scaling_gy,
                              dose_info(ids, ids.frame_of_reference_uid()), ids.plan_uid(), dose_comment);
  }
  add(9, "broken_truncated", Technique::imrt_step_and_shoot,
      "copy of hn_imrt_7field whose RP.dcm is cut at two thirds of its length (inside the BeamSequence)",
      "RP.dcm reported FILE_UNREADABLE; RS.dcm and RD.dcm read")
      .truncate_plan = true;
  return sets;
}

SampleSet make_large_case() {
  const SetIds ids{100};
  SampleSet set;
  set.name = "large_breast_imrt";
  set.summary = "benchmark: breast/thorax phantom, 17 ROIs, 200x160x130 dose at 2.5 mm, 6-field IMRT";
  set.expected = "passes; used for DVH timing";

  ObjectInfo ss_info = object_info(ids, "RTSTRUCT", rt_struct_class, ids.structure_series_uid(),
                                   ids.structure_set_uid(), "Sample RT Structure Set (large)");
  ss_info.patient = thorax_patient();
  set.structure_set = build_structure_set(thorax_anatomy(), -160.0, 162.5, 2.5, ss_info, "THORAX_PHANTOM",
                                          "Breast/thorax phantom");

  PlanSpec spec;
  spec.technique = Technique::imrt_step_and_shoot;
  spec.label = "BR_IMRT6";
  spec.name = "Left breast IMRT";
  spec.description = "6-field step-and-shoot IMRT, 40.05 Gy in 15 fractions to PTV_4005";
  spec.target_roi = "PTV_4005";
  spec.prescription_gy = 40.05;
  spec.fractions = 15;
  spec.isocenter_mm = {80.0, -80.0, 15.0};
  spec.gantry_angles_deg = {300.0, 320.0, 345.0, 105.0, 125.0, 140.0};
  spec.total_mu = 620.0;
  spec.constraints = {{"Heart", std::nullopt, 4.0, "Heart mean < 4 Gy"},
                      {"LAD", 20.0, std::nullopt, "LAD max < 20 Gy"},
                      {"Lung_L", std::nullopt, 15.0, "Lung_L mean < 15 Gy"},
                      {"SpinalCord", 30.0, std::nullopt, "SpinalCord max < 30 Gy"},
                      {"Breast_R", 6.0, std::nullopt, "Breast_R max < 6 Gy"}};
  ObjectInfo plan_info = object_info(ids, "RTPLAN", rt_plan_class, ids.plan_series_uid(), ids.plan_uid(),
                                     "Sample RT Plan (large)");
  plan_info.patient = thorax_patient();
  set.plan = build_plan(spec, set.structure_set, ids, plan_info);

  GridSpec grid;
  grid.origin_mm = {-248.75, -198.75, -160.0};
  grid.columns = 200;
  grid.rows = 160;
  grid.frames = 130;
  grid.dx_mm = grid.dy_mm = grid.dz_mm = 2.5;
  DoseSpec dose_spec;
  dose_spec.target_roi = "PTV_4005";
  dose_spec.prescription_gy = 40.05;
  dose_spec.falloff_d50_mm = 8.0;
  dose_spec.bath_near = 0.25;
  dose_spec.hotspot_mm = {90.0, -100.0, 20.0};
  dose_spec.sparing = {
      {"Heart", 0.5}, {"LAD", 0.4}, {"Lung_L", 0.35}, {"Breast_R", 0.5}, {"SpinalCord", 0.3}};
  ObjectInfo info = dose_info(ids, ids.frame_of_reference_uid());
  info.series_description = "Sample RT Dose (large)";
  info.patient = thorax_patient();
  // 32-bit storage with 1 µGy steps (the committed sets use 16-bit).
  set.dose = make_dose_grid(grid, synthesize_dose_gy(set.structure_set, grid, dose_spec), 32, 1e-6, info,
                            ids.plan_uid(), dose_comment);
  return set;
}

}  // namespace rtreview::samples
