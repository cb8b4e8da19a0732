// The sample generator's model objects: anatomy, dose geometry, plan structure,
// the broken variants and the large benchmark case (no files written here).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "rtreview/samples.h"

namespace rtreview::samples {
namespace {

const std::vector<SampleSet>& sets() {
  static const std::vector<SampleSet> all = make_sample_sets();
  return all;
}

const SampleSet& set_named(const std::string& name) {
  for (const auto& s : sets())
    if (s.name == name) return s;
  throw std::runtime_error("no sample set " + name);
}

const Roi* roi_named(const StructureSet& ss, const std::string& name) {
  for (const auto& r : ss.rois)
    if (r.name == name) return &r;
  return nullptr;
}

// Even-odd point-in-polygon on the x/y of a planar contour.
bool inside(const Contour& c, double x, double y) {
  bool in = false;
  const auto& p = c.points_mm;
  for (std::size_t a = 0, b = p.size() - 1; a < p.size(); b = a++)
    if ((p[a][1] > y) != (p[b][1] > y) &&
        x < p[a][0] + (y - p[a][1]) * (p[b][0] - p[a][0]) / (p[b][1] - p[a][1]))
      in = !in;
  return in;
}

bool inside_roi_at(const Roi& roi, double x, double y, double z) {
  bool in = false;
  for (const auto& c : roi.contours)
    if (std::abs(c.points_mm[0][2] - z) < 1e-6 && inside(c, x, y)) in = !in;
  return in;
}

bool segments_cross(const Point3& a, const Point3& b, const Point3& c, const Point3& d) {
  auto orient = [](const Point3& p, const Point3& q, const Point3& r) {
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  };
  const double o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return ((o1 > 0) != (o2 > 0)) && ((o3 > 0) != (o4 > 0)) && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0;
}

float dose_at(const DoseGrid& d, double x, double y, double z) {
  const int i = static_cast<int>(std::lround((x - d.origin_mm[0]) / d.column_spacing_mm));
  const int j = static_cast<int>(std::lround((y - d.origin_mm[1]) / d.row_spacing_mm));
  const int k =
      static_cast<int>(std::lround((z - d.origin_mm[2]) / (d.frame_offsets_mm[1] - d.frame_offsets_mm[0])));
  return d.at(i, j, k);
}

std::vector<double> mlc(const ControlPoint& cp) {
  for (const auto& d : cp.device_positions)
    if (d.device_type == "MLCX") return d.positions_mm;
  return {};
}

// ------------------------------------------------------------------ structures

TEST(samples_structures, hn_rois_names_and_types) {
  const StructureSet ss = make_hn_structure_set(1);
  const std::map<std::string, std::string> expected = {
      {"BODY", "EXTERNAL"},    {"GTV", "GTV"},         {"CTV", "CTV"},
      {"PTV_7000", "PTV"},     {"Parotid_L", "ORGAN"}, {"Parotid_R", "ORGAN"},
      {"SpinalCord", "ORGAN"}, {"Brainstem", "ORGAN"}, {"Mandible", "ORGAN"}};
  ASSERT_EQ(ss.rois.size(), expected.size());
  std::set<int> numbers;
  for (const auto& roi : ss.rois) {
    ASSERT_TRUE(expected.count(roi.name)) << roi.name;
    EXPECT_EQ(roi.interpreted_type, expected.at(roi.name)) << roi.name;
    EXPECT_EQ(roi.frame_of_reference_uid, ss.info.frame_of_reference_uid);
    EXPECT_TRUE(roi.has_closed_contours()) << roi.name;
    EXPECT_TRUE(roi.display_color.has_value());
    numbers.insert(roi.number);
  }
  EXPECT_EQ(numbers.size(), ss.rois.size());
  EXPECT_EQ(ss.referenced_frame_of_reference_uids, std::vector<std::string>{ss.info.frame_of_reference_uid});
  EXPECT_EQ(ss.info.modality, "RTSTRUCT");
}

TEST(samples_structures, contours_closed_planar_smooth_on_3mm_planes) {
  const StructureSet ss = make_hn_structure_set(1);
  for (const auto& roi : ss.rois) {
    std::set<long> planes;
    for (const auto& c : roi.contours) {
      ASSERT_EQ(c.geometric_type, "CLOSED_PLANAR") << roi.name;
      ASSERT_GE(c.points_mm.size(), 16u) << roi.name;
      const double z = c.points_mm[0][2];
      for (const auto& p : c.points_mm) ASSERT_EQ(p[2], z) << roi.name << ": not planar";
      // Closure is implicit: the first point is not repeated at the end.
      EXPECT_NE(c.points_mm.front(), c.points_mm.back()) << roi.name;
      EXPECT_NEAR(std::remainder(z, 3.0), 0.0, 1e-9) << roi.name << " z " << z;
      planes.insert(std::lround(z * 100));
      // Smooth: no neighbouring points more than 5 mm apart (BODY 2.5 mm nominal, superellipse).
      for (std::size_t a = 0, b = c.points_mm.size() - 1; a < c.points_mm.size(); b = a++)
        ASSERT_LT(std::hypot(c.points_mm[a][0] - c.points_mm[b][0], c.points_mm[a][1] - c.points_mm[b][1]),
                  5.0)
            << roi.name;
    }
    // Consecutive planes are 3 mm apart (no gaps inside an ROI).
    long previous = 0;
    for (long key : planes) {
      if (key != *planes.begin()) {
        EXPECT_EQ(key - previous, 300) << roi.name;
      }
      previous = key;
    }
  }
}

TEST(samples_structures, contours_do_not_self_intersect) {
  const StructureSet ss = make_hn_structure_set(1);
  for (const auto& roi : ss.rois)
    for (const auto& c : roi.contours) {
      const auto& p = c.points_mm;
      const std::size_t n = p.size();
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 2; j < n; ++j) {
          if (i == 0 && j == n - 1) continue;  // adjacent through the closing edge
          ASSERT_FALSE(segments_cross(p[i], p[(i + 1) % n], p[j], p[(j + 1) % n]))
              << roi.name << " z " << p[0][2] << " edges " << i << ", " << j;
        }
    }
}

TEST(samples_structures, targets_nested_and_everything_inside_body) {
  const StructureSet ss = make_hn_structure_set(1);
  const Roi& body = *roi_named(ss, "BODY");
  auto all_inside = [](const Roi& inner, const Roi& outer) {
    for (const auto& c : inner.contours)
      for (const auto& p : c.points_mm)
        if (!inside_roi_at(outer, p[0], p[1], p[2])) return false;
    return true;
  };
  EXPECT_TRUE(all_inside(*roi_named(ss, "GTV"), *roi_named(ss, "CTV")));
  EXPECT_TRUE(all_inside(*roi_named(ss, "CTV"), *roi_named(ss, "PTV_7000")));
  for (const auto& roi : ss.rois)
    if (roi.name != "BODY") {
      EXPECT_TRUE(all_inside(roi, body)) << roi.name;
    }
  // Mandible rami: two islands on one plane.
  std::map<double, int> per_plane;
  for (const auto& c : roi_named(ss, "Mandible")->contours) ++per_plane[c.points_mm[0][2]];
  EXPECT_TRUE(std::any_of(per_plane.begin(), per_plane.end(), [](const auto& kv) { return kv.second == 2; }));
}

TEST(samples_structures, deterministic) {
  const StructureSet a = make_hn_structure_set(3), b = make_hn_structure_set(3);
  ASSERT_EQ(a.rois.size(), b.rois.size());
  for (std::size_t i = 0; i < a.rois.size(); ++i) {
    ASSERT_EQ(a.rois[i].contours.size(), b.rois[i].contours.size());
    for (std::size_t c = 0; c < a.rois[i].contours.size(); ++c)
      EXPECT_EQ(a.rois[i].contours[c].points_mm, b.rois[i].contours[c].points_mm);
  }
}

// ------------------------------------------------------------------ identity

TEST(samples_identity, uids_valid_and_unique_across_sets) {
  std::set<std::string> sop_uids;
  auto valid = [](const std::string& uid) {
    return !uid.empty() && uid.size() <= 64 && uid.rfind(uid_root, 0) == 0 &&
           uid.find_first_not_of("0123456789.") == std::string::npos && uid.find("..") == std::string::npos;
  };
  for (const auto& s : sets()) {
    for (const ObjectInfo* info : {&s.plan.info, &s.structure_set.info, &s.dose.info}) {
      EXPECT_TRUE(valid(info->sop_instance_uid)) << info->sop_instance_uid;
      EXPECT_TRUE(valid(info->study_instance_uid));
      EXPECT_TRUE(valid(info->series_instance_uid));
      EXPECT_TRUE(valid(info->frame_of_reference_uid));
      EXPECT_TRUE(sop_uids.insert(info->sop_instance_uid).second) << "duplicate " << info->sop_instance_uid;
      EXPECT_EQ(info->study_instance_uid, s.plan.info.study_instance_uid);
      EXPECT_EQ(info->patient.id, s.plan.info.patient.id);
      EXPECT_FALSE(info->patient.name.empty());
      EXPECT_EQ(info->patient.birth_date.size(), 8u);
    }
    for (const auto& ref : s.plan.dose_references) EXPECT_TRUE(valid(ref.uid));
  }
}

// The nine original sets, then the seven of issue 11 (dicom_samples/README.md order).
TEST(samples_identity, sixteen_sets_in_readme_order) {
  const std::vector<std::string> names = {"hn_imrt_7field",
                                          "hn_vmat_2arc",
                                          "hn_3d_fif",
                                          "hn_compensator_imrt",
                                          "broken_grid_12mm",
                                          "broken_no_ptv",
                                          "broken_frame_of_reference",
                                          "broken_roi_outside_grid",
                                          "broken_truncated",
                                          "ring_vmat_dual_layer",
                                          "hn_dca_2arc",
                                          "hn_two_phase_boost",
                                          "hn_latin1_name",
                                          "gamma_knife_like",
                                          "two_patients_shared_for/patient_a",
                                          "two_patients_shared_for/patient_b"};
  ASSERT_EQ(sets().size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(sets()[i].name, names[i]);
    EXPECT_FALSE(sets()[i].summary.empty());
    EXPECT_FALSE(sets()[i].expected.empty());
    EXPECT_EQ(sets()[i].truncate_plan, names[i] == "broken_truncated");
  }
}

// ------------------------------------------------------------------ dose

TEST(samples_dose, geometry_covers_body_and_references_plan) {
  const SampleSet& s = set_named("hn_imrt_7field");
  const DoseGrid& d = s.dose;
  EXPECT_EQ(d.column_spacing_mm, 3.0);
  EXPECT_EQ(d.row_spacing_mm, 3.0);
  ASSERT_EQ(d.frame_offsets_mm.size(), static_cast<std::size_t>(d.frames));
  for (int k = 0; k < d.frames; ++k) EXPECT_DOUBLE_EQ(d.frame_offsets_mm[k], 3.0 * k);
  EXPECT_EQ(d.dose.size(), static_cast<std::size_t>(d.columns) * d.rows * d.frames);
  EXPECT_EQ(d.units, "GY");
  EXPECT_EQ(d.summation_type, "PLAN");
  EXPECT_EQ(d.bits_allocated, 16);
  EXPECT_EQ(d.referenced_plan_uid, s.plan.info.sop_instance_uid);
  EXPECT_EQ(d.info.frame_of_reference_uid, s.structure_set.info.frame_of_reference_uid);
  const double x1 = d.origin_mm[0] + (d.columns - 1) * d.column_spacing_mm;
  const double y1 = d.origin_mm[1] + (d.rows - 1) * d.row_spacing_mm;
  const double z1 = d.origin_mm[2] + d.frame_offsets_mm.back();
  for (const auto& c : roi_named(s.structure_set, "BODY")->contours)
    for (const auto& p : c.points_mm) {
      ASSERT_GE(p[0], d.origin_mm[0]);
      ASSERT_LE(p[0], x1);
      ASSERT_GE(p[1], d.origin_mm[1]);
      ASSERT_LE(p[1], y1);
      ASSERT_GE(p[2], d.origin_mm[2] - 1e-9);
      ASSERT_LE(p[2], z1 + 1e-9);
    }
  EXPECT_LT(d.dose.size() * 2, 500'000u);  // keeps dicom_samples/ small
}

TEST(samples_dose, values_plausible) {
  const DoseGrid& d = set_named("hn_imrt_7field").dose;
  const float max = *std::max_element(d.dose.begin(), d.dose.end());
  EXPECT_GT(max, 70.0f * 1.03f);
  EXPECT_LT(max, 70.0f * 1.08f);
  EXPECT_GT(dose_at(d, -15, -5, -5), 70.0f);                   // target centre
  EXPECT_LT(dose_at(d, 0.0, 36.0 - 0.08 * 75.0, 0.0), 45.0f);  // spinal cord
  EXPECT_LT(dose_at(d, 46.0, 5.0, 6.0), 26.0f);                // left parotid centre
  EXPECT_GT(dose_at(d, 46.0, 5.0, 6.0), 1.0f);                 // low-dose bath, not zero
  EXPECT_EQ(d.at(0, 0, 0), 0.0f);                              // outside BODY
  // Stored values are whole multiples of DoseGridScaling.
  for (std::size_t i = 0; i < d.dose.size(); i += 97) {
    const double steps = d.dose[i] / d.dose_grid_scaling;
    ASSERT_NEAR(steps, std::round(steps), 1e-2);  // float precision
  }
}

TEST(samples_dose, same_anatomy_same_dose_in_good_sets) {
  EXPECT_EQ(set_named("hn_imrt_7field").dose.dose, set_named("hn_vmat_2arc").dose.dose);
  EXPECT_EQ(set_named("hn_imrt_7field").dose.dose, make_hn_dose(make_hn_structure_set(1), 1, "1.2.3").dose);
}

// ------------------------------------------------------------------ plans

void expect_common_plan(const Plan& plan, const StructureSet& ss) {
  EXPECT_EQ(plan.approval_status, "APPROVED");
  EXPECT_FALSE(plan.reviewer_name.empty());
  EXPECT_EQ(plan.review_date.size(), 8u);
  EXPECT_EQ(plan.referenced_structure_set_uids, std::vector<std::string>{ss.info.sop_instance_uid});
  EXPECT_EQ(plan.patient_positions, std::vector<std::string>{"HFS"});
  ASSERT_EQ(plan.fraction_groups.size(), 1u);
  const FractionGroup& fg = plan.fraction_groups[0];
  EXPECT_EQ(fg.fractions_planned, 35);
  ASSERT_EQ(fg.beams.size(), plan.beams.size());
  double dose_sum = 0;
  for (const auto& rb : fg.beams) {
    ASSERT_TRUE(rb.meterset && rb.beam_dose_gy);
    EXPECT_GT(*rb.meterset, 20.0);
    dose_sum += *rb.beam_dose_gy;
  }
  EXPECT_NEAR(dose_sum, 2.0, 0.002);
  ASSERT_GE(plan.dose_references.size(), 5u);
  const DoseReference& rx = plan.dose_references[0];
  EXPECT_EQ(rx.type, "TARGET");
  EXPECT_EQ(rx.target_prescription_dose_gy, 70.0);
  for (const auto& ref : plan.dose_references) {
    ASSERT_TRUE(ref.referenced_roi_number) << ref.description;
    const Roi* roi = ss.find_roi(*ref.referenced_roi_number);
    ASSERT_NE(roi, nullptr) << ref.description;
    if (roi->name == "SpinalCord") {
      EXPECT_EQ(ref.organ_at_risk_maximum_dose_gy, 45.0);
    } else if (roi->name == "Brainstem") {
      EXPECT_EQ(ref.organ_at_risk_maximum_dose_gy, 54.0);
    } else if (roi->name.rfind("Parotid", 0) == 0) {
      EXPECT_EQ(ref.organ_at_risk_limit_dose_gy, 26.0);
    }
  }
  for (const auto& beam : plan.beams) {
    EXPECT_EQ(beam.radiation_type, "PHOTON");
    EXPECT_FALSE(beam.treatment_machine_name.empty());
    EXPECT_EQ(beam.declared_control_point_count, static_cast<int>(beam.control_points.size()));
    ASSERT_FALSE(beam.control_points.empty());
    EXPECT_EQ(beam.control_points.front().cumulative_meterset_weight, 0.0);
    EXPECT_EQ(beam.control_points.back().cumulative_meterset_weight, 1.0);
    for (std::size_t i = 1; i < beam.control_points.size(); ++i)
      EXPECT_GE(*beam.control_points[i].cumulative_meterset_weight,
                *beam.control_points[i - 1].cumulative_meterset_weight);
    for (const auto& cp : beam.control_points) {
      ASSERT_TRUE(cp.isocenter_mm);
      const auto leaves = mlc(cp);
      if (leaves.empty()) continue;
      ASSERT_EQ(leaves.size(), 120u);
      for (int i = 0; i < 60; ++i) {
        EXPECT_LE(leaves[i], leaves[60 + i]);
        EXPECT_LE(std::abs(leaves[i]), 200.0);
      }
    }
  }
}

TEST(samples_plans, imrt_step_and_shoot) {
  const SampleSet& s = set_named("hn_imrt_7field");
  expect_common_plan(s.plan, s.structure_set);
  const std::vector<double> angles = {0, 51, 103, 154, 206, 257, 309};
  ASSERT_EQ(s.plan.beams.size(), 7u);
  for (std::size_t b = 0; b < 7; ++b) {
    const Beam& beam = s.plan.beams[b];
    EXPECT_EQ(beam.beam_type, "STATIC");
    ASSERT_EQ(beam.control_points.size(), 20u);  // 10 segments
    const auto& mlc_device = beam.limiting_devices.back();
    EXPECT_EQ(mlc_device.device_type, "MLCX");
    EXPECT_EQ(mlc_device.leaf_pair_count, 60);
    EXPECT_EQ(mlc_device.leaf_boundaries_mm.size(), 61u);
    for (const auto& cp : beam.control_points) EXPECT_EQ(cp.gantry_angle_deg, angles[b]);
    for (int k = 0; k < 10; ++k) {
      const auto& on = beam.control_points[2 * k];
      const auto& off = beam.control_points[2 * k + 1];
      EXPECT_EQ(mlc(on), mlc(off)) << "segment " << k;  // beam on: leaves still
      EXPECT_GT(*off.cumulative_meterset_weight, *on.cumulative_meterset_weight);
      if (k + 1 < 10) {  // beam off: equal weight, leaves move
        const auto& next = beam.control_points[2 * k + 2];
        EXPECT_EQ(next.cumulative_meterset_weight, off.cumulative_meterset_weight);
        EXPECT_NE(mlc(next), mlc(off));
      }
    }
  }
}

TEST(samples_plans, vmat_two_arcs) {
  const SampleSet& s = set_named("hn_vmat_2arc");
  expect_common_plan(s.plan, s.structure_set);
  ASSERT_EQ(s.plan.beams.size(), 2u);
  const Beam& cw = s.plan.beams[0];
  const Beam& cc = s.plan.beams[1];
  for (const Beam* arc : {&cw, &cc}) {
    EXPECT_EQ(arc->beam_type, "DYNAMIC");
    ASSERT_EQ(arc->control_points.size(), 90u);
    int moving = 0;
    for (std::size_t i = 1; i < 90; ++i) {
      EXPECT_GT(*arc->control_points[i].cumulative_meterset_weight,
                *arc->control_points[i - 1].cumulative_meterset_weight);
      moving += mlc(arc->control_points[i]) != mlc(arc->control_points[i - 1]);
    }
    EXPECT_GE(moving, 85);
  }
  EXPECT_EQ(cw.control_points.front().gantry_rotation_direction, "CW");
  EXPECT_EQ(cw.control_points.front().gantry_angle_deg, 181.0);
  EXPECT_EQ(cw.control_points.back().gantry_angle_deg, 179.0);
  EXPECT_EQ(cc.control_points.front().gantry_rotation_direction, "CC");
  EXPECT_EQ(cc.control_points.front().gantry_angle_deg, 179.0);
  EXPECT_EQ(cc.control_points.back().gantry_angle_deg, 181.0);
  EXPECT_NE(cw.control_points[0].collimator_angle_deg, 0.0);
}

TEST(samples_plans, field_in_field_is_few_static_segments) {
  const SampleSet& s = set_named("hn_3d_fif");
  expect_common_plan(s.plan, s.structure_set);
  ASSERT_EQ(s.plan.beams.size(), 3u);
  for (const auto& beam : s.plan.beams) {
    EXPECT_EQ(beam.beam_type, "STATIC");
    EXPECT_EQ(beam.control_points.size(), 6u);
    EXPECT_GE(*beam.control_points[1].cumulative_meterset_weight, 0.7);  // open field dominates
  }
}

TEST(samples_plans, compensator_per_beam) {
  const SampleSet& s = set_named("hn_compensator_imrt");
  expect_common_plan(s.plan, s.structure_set);
  ASSERT_EQ(s.plan.beams.size(), 7u);
  for (const auto& beam : s.plan.beams) {
    ASSERT_EQ(beam.compensators.size(), 1u);
    const Compensator& c = beam.compensators[0];
    EXPECT_EQ(c.material_id, "BRASS");
    EXPECT_GT(c.rows, 10);
    EXPECT_GT(c.columns, 10);
    EXPECT_EQ(c.thickness_data_mm.size(), static_cast<std::size_t>(c.rows) * c.columns);
    EXPECT_EQ(c.thickness_value_count, c.thickness_data_mm.size());
    ASSERT_TRUE(c.max_thickness_mm && c.source_to_compensator_distance_mm && c.pixel_spacing_row_mm);
    EXPECT_EQ(*c.max_thickness_mm, *std::max_element(c.thickness_data_mm.begin(), c.thickness_data_mm.end()));
    EXPECT_GE(*std::min_element(c.thickness_data_mm.begin(), c.thickness_data_mm.end()), 0.0);
    EXPECT_EQ(beam.control_points.size(), 2u);
    for (const auto& device : beam.limiting_devices) EXPECT_NE(device.device_type, "MLCX");
  }
}

// ------------------------------------------------------------------ broken variants

TEST(samples_broken, each_has_its_defect) {
  EXPECT_EQ(set_named("broken_grid_12mm").dose.column_spacing_mm, 12.0);
  EXPECT_EQ(set_named("broken_grid_12mm").dose.row_spacing_mm, 12.0);

  const SampleSet& no_ptv = set_named("broken_no_ptv");
  for (const auto& roi : no_ptv.structure_set.rois) {
    EXPECT_NE(roi.interpreted_type, "PTV");
    EXPECT_NE(roi.name.rfind("PTV", 0), 0u) << roi.name;
  }
  EXPECT_EQ(no_ptv.structure_set.find_roi(*no_ptv.plan.dose_references[0].referenced_roi_number)->name,
            "CTV");

  const SampleSet& frame = set_named("broken_frame_of_reference");
  EXPECT_NE(frame.dose.info.frame_of_reference_uid, frame.structure_set.info.frame_of_reference_uid);

  const SampleSet& outside = set_named("broken_roi_outside_grid");
  const double dose_top = outside.dose.origin_mm[2] + outside.dose.frame_offsets_mm.back();
  double ptv_top = -1e9;
  for (const auto& c : roi_named(outside.structure_set, "PTV_7000")->contours)
    ptv_top = std::max(ptv_top, c.points_mm[0][2]);
  EXPECT_LT(dose_top, ptv_top);
  EXPECT_GT(dose_top, outside.dose.origin_mm[2]);

  EXPECT_TRUE(set_named("broken_truncated").truncate_plan);
}

// ------------------------------------------------------------------ large case

TEST(samples_large, benchmark_size) {
  const SampleSet large = make_large_case();
  EXPECT_GE(large.structure_set.rois.size(), 14u);
  const Roi& body = large.structure_set.rois[0];
  EXPECT_EQ(body.interpreted_type, "EXTERNAL");
  EXPECT_GE(body.contours.size(), 100u);
  for (const auto& c : body.contours) EXPECT_GE(c.points_mm.size(), 300u);
  EXPECT_GE(large.dose.dose.size(), 4'000'000u);
  EXPECT_EQ(large.dose.column_spacing_mm, 2.5);
  EXPECT_EQ(large.dose.info.frame_of_reference_uid, large.structure_set.info.frame_of_reference_uid);
  EXPECT_EQ(large.dose.referenced_plan_uid, large.plan.info.sop_instance_uid);
  const float max = *std::max_element(large.dose.dose.begin(), large.dose.dose.end());
  EXPECT_GT(max, 40.05f);
  EXPECT_LT(max, 40.05f * 1.08f);
  for (const auto& roi : large.structure_set.rois) EXPECT_TRUE(roi.has_closed_contours()) << roi.name;
}

}  // namespace
}  // namespace rtreview::samples
