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
  spec.sparing = {{.roi_name = "SpinalCord", .strength = 0.40},
                  {.roi_name = "Brainstem", .strength = 0.35},
                  {.roi_name = "Parotid_L", .strength = 0.20},
                  {.roi_name = "Parotid_R", .strength = 0.15}};
  return spec;
}

GridSpec hn_grid(const StructureSet& ss) { return grid_covering(roi_named(ss, "BODY"), 3.0, hn_slice_mm); }

ObjectInfo dose_info(const SetIds& ids, const std::string& frame_of_reference_uid) {
  ObjectInfo info =
      object_info(ids, "RTDOSE", sop_class::rt_dose, ids.dose_series_uid(), ids.dose_uid(), "Sample RT Dose");
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
  spec.constraints = {{.roi_name = "SpinalCord", .maximum_gy = 45.0, .description = "SpinalCord max < 45 Gy"},
                      {.roi_name = "Brainstem", .maximum_gy = 54.0, .description = "Brainstem max < 54 Gy"},
                      {.roi_name = "Parotid_L", .limit_gy = 26.0, .description = "Parotid_L mean < 26 Gy"},
                      {.roi_name = "Parotid_R", .limit_gy = 26.0, .description = "Parotid_R mean < 26 Gy"}};
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

// ---------------------------------------------------------------- issue 11 sets
// Delivery systems, fraction groups, character sets and assembly across patients. Their
// doses are the phantom dose on a 6 mm grid (small files; 6 mm passes the 10 mm limit).

SampleSet delivery_set(int index, const std::string& name, Technique technique, const GridSpec& grid,
                       const std::vector<double>& dose_gy) {
  SampleSet set;
  set.name = name;
  set.structure_set = make_hn_structure_set(index);
  set.plan = make_hn_plan(technique, set.structure_set, index);
  const GridSpec coarse = grid_covering(roi_named(set.structure_set, "BODY"), 6.0, 6.0);
  const SetIds ids{index};
  set.dose = make_dose_grid(coarse, resample(grid, dose_gy, coarse), 16, hn_dose_scaling_gy,
                            dose_info(ids, ids.frame_of_reference_uid()), ids.plan_uid(), dose_comment);
  return set;
}

void replace_arcs(SampleSet& set, ArcKind kind, const std::vector<ArcShape>& shapes,
                  const std::string& machine) {
  const auto target = roi_points(set.structure_set, "PTV_7000");
  const Point3 iso = set.plan.beams.front().control_points.front().isocenter_mm.value_or(Point3{});
  set.plan.beams.clear();
  for (std::size_t i = 0; i < shapes.size(); ++i)
    set.plan.beams.push_back(sample_arc(static_cast<int>(i) + 1, "Arc" + std::to_string(i + 1), shapes[i],
                                        kind, target, iso, machine));
}

SampleSet ring_vmat_set(const GridSpec& grid, const std::vector<double>& dose_gy) {
  SampleSet set = delivery_set(10, "ring_vmat_dual_layer", Technique::vmat, grid, dose_gy);
  set.summary =
      "Halcyon-like VMAT: 2 arcs of 358 deg, stacked MLCX1 (28 x 10 mm) + MLCX2 (29 x 10 mm, offset 5 mm)";
  set.expected = "plan kind ring_linac (dual-layer MLC); technique VMAT; passes";
  set.plan.label = "HN_RING_VMAT";
  set.plan.description = "2-arc VMAT on a ring-gantry linac with a dual-layer MLC, 70 Gy in 35 fractions";
  replace_arcs(set, ArcKind::dual_layer_vmat,
               {{.start_deg = 181.0, .span_deg = 358.0, .direction = "CW", .count = 90},
                {.start_deg = 179.0, .span_deg = 358.0, .direction = "CC", .count = 90}},
               "RING_LINAC_1");
  return set;
}

SampleSet dca_set(const GridSpec& grid, const std::vector<double>& dose_gy) {
  SampleSet set = delivery_set(11, "hn_dca_2arc", Technique::vmat, grid, dose_gy);
  set.summary =
      "dynamic conformal arcs: 2 partial arcs, leaves follow PTV + 3 mm every 10 deg, constant MU per degree";
  set.expected = "technique dynamic conformal arc: TECHNIQUE_IMRT fails (not intensity-modulated)";
  set.plan.label = "HN_DCA2";
  set.plan.name = "HN dynamic conformal arcs";
  set.plan.description = "2 dynamic conformal arcs, 70 Gy in 35 fractions to PTV_7000";
  replace_arcs(set, ArcKind::dynamic_conformal,
               {{.start_deg = 200.0, .span_deg = 140.0, .direction = "CW", .coll_deg = 10.0, .count = 15},
                {.start_deg = 160.0, .span_deg = 140.0, .direction = "CC", .coll_deg = 350.0, .count = 15}},
               "SAMPLE_LINAC1");
  return set;
}

// 42.4 Gy / 16 fx to PTV_7000 then a 10 Gy / 4 fx boost on 3 of the beams (issue 11's case).
SampleSet two_phase_set(const GridSpec& grid, const std::vector<double>& dose_gy) {
  SampleSet set = delivery_set(12, "hn_two_phase_boost", Technique::imrt_step_and_shoot, grid, dose_gy);
  set.summary =
      "two fraction groups: 42.4 Gy / 16 fx step-and-shoot (7 beams), boost 10 Gy / 4 fx (3 beams) on the "
      "GTV";
  set.expected =
      "PRESCRIPTION per group (2.65 and 2.5 Gy/fx), course 52.4 Gy / 20 fx; no per-fraction sum across "
      "groups";
  Plan& plan = set.plan;
  plan.label = "HN_2PHASE";
  plan.description = "IMRT 42.4 Gy in 16 fractions, boost 10 Gy in 4 fractions";
  DoseReference& primary = plan.dose_references.front();
  primary.target_prescription_dose_gy = 42.4;
  primary.target_minimum_dose_gy = 40.28;
  primary.target_maximum_dose_gy = 45.37;
  primary.delivery_maximum_dose_gy = 45.37;
  DoseReference boost = primary;
  boost.number = static_cast<int>(plan.dose_references.size()) + 1;
  boost.uid = SetIds{12}.dose_reference_uid(boost.number);
  boost.description = "GTV boost prescription";
  boost.referenced_roi_number = roi_named(set.structure_set, "GTV").number;
  boost.target_prescription_dose_gy = 10.0;
  boost.target_minimum_dose_gy = 9.5;
  boost.target_maximum_dose_gy = 10.7;
  boost.delivery_maximum_dose_gy = 10.7;
  plan.dose_references.push_back(boost);
  FractionGroup& first = plan.fraction_groups.front();
  first.fractions_planned = 16;
  first.dose_references = {{primary.number, std::nullopt, std::nullopt, std::nullopt}};
  for (auto& rb : first.beams)
    rb.beam_dose_gy = std::round(*rb.beam_dose_gy * 35.0 / 16.0 * 42.4 / 70.0 * 1e4) / 1e4;
  FractionGroup second;
  second.number = 2;
  second.description = "Boost";
  second.fractions_planned = 4;
  second.dose_references = {{boost.number, std::nullopt, std::nullopt, std::nullopt}};
  for (int k : {0, 2, 4}) {
    Beam b = plan.beams[static_cast<std::size_t>(k)];
    b.number = 8 + k / 2;
    b.name = "BOOST_" + b.name;
    plan.beams.push_back(b);
    ReferencedBeam rb = first.beams[static_cast<std::size_t>(k)];
    rb.beam_number = b.number;
    rb.meterset = std::round(*rb.meterset * 0.9 * 10.0) / 10.0;
    rb.beam_dose_gy = std::round(2.5 / 3.0 * 1e4) / 1e4;
    second.beams.push_back(rb);
  }
  plan.fraction_groups.push_back(second);
  return set;
}

SampleSet latin1_set(const GridSpec& grid, const std::vector<double>& dose_gy) {
  SampleSet set = delivery_set(13, "hn_latin1_name", Technique::imrt_step_and_shoot, grid, dose_gy);
  set.summary =
      "hn_imrt_7field with the patient name M\xC3\xBCller^J\xC3\xBCrgen stored in ISO_IR 100 (Latin-1)";
  set.expected = "the name reads back as UTF-8; every --json output parses; passes";
  for (ObjectInfo* info : {&set.plan.info, &set.structure_set.info, &set.dose.info}) {
    info->patient.name = "M\xC3\xBCller^J\xC3\xBCrgen";  // UTF-8 in the model, Latin-1 bytes in the file
    info->specific_character_set = "ISO_IR 100";
  }
  return set;
}

// Leksell GammaPlan-like: one placeholder beam 'bogus', energy 0, no MU, fraction group 0,
// no prescription in DICOM, "(R)" in the Latin-1 model name, dose with a negative GFOV.
SampleSet gamma_set(const GridSpec& grid, const std::vector<double>& dose_gy) {
  SampleSet set = delivery_set(14, "gamma_knife_like", Technique::imrt_step_and_shoot, grid, dose_gy);
  set.summary =
      "Leksell GammaPlan-like export: placeholder beam 'bogus' (0 MeV, no MU), model name with (R) in "
      "Latin-1";
  set.expected =
      "plan kind gamma_knife: IMRT technique, beam and compensator checks not applicable; no failures";
  for (ObjectInfo* info : {&set.plan.info, &set.structure_set.info, &set.dose.info}) {
    info->manufacturer = "Elekta Instrument AB";
    info->manufacturer_model_name = "Leksell GammaPlan\xC2\xAE";
    info->specific_character_set = "ISO_IR 100";
  }
  Plan& plan = set.plan;
  plan.label = "GK_PLAN";
  plan.name = "Skull base";
  plan.description = "Gamma Knife radiosurgery";
  plan.dose_references.clear();
  Beam bogus = plan.beams.front();
  bogus.name = "bogus";
  bogus.description = "";
  bogus.treatment_machine_name = "";
  bogus.limiting_devices.clear();
  bogus.control_points.resize(2);
  for (auto& cp : bogus.control_points) cp.nominal_energy_mev = 0.0, cp.device_positions.clear();
  plan.beams = {bogus};
  FractionGroup& g = plan.fraction_groups.front();
  g.number = 0;
  g.fractions_planned = 1;
  g.beams.resize(1);
  g.beams[0].meterset.reset();
  g.beams[0].beam_dose_gy.reset();
  // GammaPlan doses run top-down: negative GridFrameOffsetVector from the top slice.
  DoseGrid& d = set.dose;
  const std::size_t plane = static_cast<std::size_t>(d.rows) * d.columns;
  std::vector<float> flipped;
  for (int f = d.frames - 1; f >= 0; --f)
    flipped.insert(flipped.end(), d.dose.begin() + f * plane, d.dose.begin() + (f + 1) * plane);
  d.dose = std::move(flipped);
  d.origin_mm[2] += d.frame_offsets_mm.back();
  for (auto& z : d.frame_offsets_mm) z = -z;
  return set;
}

// Two patients whose exports reuse one FrameOfReferenceUID; the plans do not reference their
// structure sets, so only the frame (and the PatientID) can join them.
std::vector<SampleSet> two_patient_sets(const GridSpec& grid, const std::vector<double>& dose_gy) {
  std::vector<SampleSet> out;
  const std::string shared_frame = SetIds{15}.frame_of_reference_uid();
  for (int index : {15, 16}) {
    const std::string who = index == 15 ? "patient_a" : "patient_b";
    SampleSet set =
        delivery_set(index, "two_patients_shared_for/" + who, Technique::imrt_step_and_shoot, grid, dose_gy);
    set.summary =
        "one of two patients (RTR-S15, RTR-S16) sharing FrameOfReferenceUID <root>.15.2; plan without "
        "ReferencedStructureSetSequence";
    set.expected =
        "read from the parent folder: each plan joins only its own patient's structure set and dose";
    for (ObjectInfo* info : {&set.plan.info, &set.structure_set.info, &set.dose.info})
      info->frame_of_reference_uid = shared_frame;
    for (auto& roi : set.structure_set.rois) roi.frame_of_reference_uid = shared_frame;
    set.structure_set.referenced_frame_of_reference_uids = {shared_frame};
    set.plan.referenced_structure_set_uids.clear();
    set.plan.label = index == 15 ? "HN_PAT_A" : "HN_PAT_B";
    out.push_back(std::move(set));
  }
  return out;
}

void add_delivery_sets(std::vector<SampleSet>& sets, const GridSpec& grid,
                       const std::vector<double>& dose_gy) {
  sets.push_back(ring_vmat_set(grid, dose_gy));
  sets.push_back(dca_set(grid, dose_gy));
  sets.push_back(two_phase_set(grid, dose_gy));
  sets.push_back(latin1_set(grid, dose_gy));
  sets.push_back(gamma_set(grid, dose_gy));
  for (auto& s : two_patient_sets(grid, dose_gy)) sets.push_back(std::move(s));
}

}  // namespace

StructureSet make_hn_structure_set(int set_index) {
  const SetIds ids{set_index};
  const ObjectInfo info =
      object_info(ids, "RTSTRUCT", sop_class::rt_structure_set, ids.structure_series_uid(),
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
      object_info(ids, "RTPLAN", sop_class::rt_plan, ids.plan_series_uid(), ids.plan_uid(), "Sample RT Plan");
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
  add_delivery_sets(sets, grid, dose_gy);
  return sets;
}

SampleSet make_large_case() {
  const SetIds ids{100};
  SampleSet set;
  set.name = "large_breast_imrt";
  set.summary = "benchmark: breast/thorax phantom, 17 ROIs, 200x160x130 dose at 2.5 mm, 6-field IMRT";
  set.expected = "passes; used for DVH timing";

  ObjectInfo ss_info = object_info(ids, "RTSTRUCT", sop_class::rt_structure_set, ids.structure_series_uid(),
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
  spec.constraints = {{.roi_name = "Heart", .limit_gy = 4.0, .description = "Heart mean < 4 Gy"},
                      {.roi_name = "LAD", .maximum_gy = 20.0, .description = "LAD max < 20 Gy"},
                      {.roi_name = "Lung_L", .limit_gy = 15.0, .description = "Lung_L mean < 15 Gy"},
                      {.roi_name = "SpinalCord", .maximum_gy = 30.0, .description = "SpinalCord max < 30 Gy"},
                      {.roi_name = "Breast_R", .maximum_gy = 6.0, .description = "Breast_R max < 6 Gy"}};
  ObjectInfo plan_info = object_info(ids, "RTPLAN", sop_class::rt_plan, ids.plan_series_uid(), ids.plan_uid(),
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
  dose_spec.sparing = {{.roi_name = "Heart", .strength = 0.5},
                       {.roi_name = "LAD", .strength = 0.4},
                       {.roi_name = "Lung_L", .strength = 0.35},
                       {.roi_name = "Breast_R", .strength = 0.5},
                       {.roi_name = "SpinalCord", .strength = 0.3}};
  ObjectInfo info = dose_info(ids, ids.frame_of_reference_uid());
  info.series_description = "Sample RT Dose (large)";
  info.patient = thorax_patient();
  // 32-bit storage with 1 µGy steps (the committed sets use 16-bit).
  set.dose = make_dose_grid(grid, synthesize_dose_gy(set.structure_set, grid, dose_spec), 32, 1e-6, info,
                            ids.plan_uid(), dose_comment);
  return set;
}

}  // namespace rtreview::samples
