// The DVH work budget (rtreview/limits.h, DvhOptions::max_points_*): the work counted before
// sampling bounds the samples the engine then takes, an ROI past the per-ROI limit is refused
// (not computed, the reason naming the structure set file and the limit) before any sampling,
// the per-structure-set limit is spent in ROI order, and within the budget the DVHs are
// exactly those computed without one.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "rtreview/dvh.h"
#include "rtreview/limits.h"

namespace rtreview {
namespace {

Contour polygon(std::vector<std::array<double, 2>> xy, double z) {
  Contour c;
  c.geometric_type = "CLOSED_PLANAR";
  for (const auto& p : xy) c.points_mm.push_back({p[0], p[1], z});
  return c;
}

Contour circle(double cx, double cy, double r, double z, int n = 48) {
  std::vector<std::array<double, 2>> xy;
  for (int k = 0; k < n; ++k)
    xy.push_back({cx + r * std::cos(2 * M_PI * k / n), cy + r * std::sin(2 * M_PI * k / n)});
  return polygon(xy, z);
}

Roi roi_of(int number, const std::string& name, std::vector<Contour> contours) {
  Roi roi;
  roi.number = number;
  roi.name = name;
  roi.contours = std::move(contours);
  return roi;
}

Roi box(int number, double x0, double x1, double y0, double y1, double z0, double z1, double dz) {
  std::vector<Contour> cs;
  for (double z = z0; z <= z1 + 1e-9; z += dz)
    cs.push_back(polygon({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, z));
  return roi_of(number, "Box" + std::to_string(number), cs);
}

// Radius r(z) on planes z0, z0 + dz, ..., z1.
template <class R>
Roi solid(int number, const std::string& name, double z0, double z1, double dz, R r) {
  std::vector<Contour> cs;
  for (double z = z0; z <= z1 + 1e-9; z += dz) cs.push_back(circle(50, 50, r(z), z));
  return roi_of(number, name, cs);
}

// The regression input's shape (tests/fuzz/regressions/fuzz_plan_triple/): two small
// planes, then an end plane one of whose vertices lies 8 km out, so the flat end's growth
// box spans kilometres at a millimetre lattice.
Roi far_vertex_roi(int number) {
  return roi_of(number, "PTV_forged",
                {polygon({{35, 35}, {55, 35}, {55, 55}, {35, 55}}, 16),
                 polygon({{35, 35}, {55, 35}, {55, 55}, {35, 55}}, 23),
                 polygon({{35, 35}, {55, 35}, {8000, 45}, {55, 55}, {35, 55}}, 30)});
}

DoseGrid dose_grid() {
  DoseGrid d;
  d.info.sop_instance_uid = "1.2.3.300";
  d.columns = 20, d.rows = 20, d.frames = 10;
  d.row_spacing_mm = d.column_spacing_mm = 5.0;
  for (int f = 0; f < d.frames; ++f) d.frame_offsets_mm.push_back(5.0 * f);
  for (int f = 0; f < d.frames; ++f)  // dose rising along x and z: every sample differs
    for (int r = 0; r < d.rows; ++r)
      for (int c = 0; c < d.columns; ++c)
        d.dose.push_back(static_cast<float>(1.0 + 0.3 * c + 0.1 * f + 0.01 * r));
  d.units = "GY";
  return d;
}

StructureSet structure_set(std::vector<Roi> rois) {
  StructureSet ss;
  ss.info.sop_instance_uid = "1.2.3.400";
  ss.info.source.path = "/cases/patient7/RS_forged.dcm";
  ss.rois = std::move(rois);
  return ss;
}

// Shapes that take every path of the engine: a prism stack, a sphere (rounded ends), a cone
// standing on its base (a flat end larger than its neighbour: the growth box), planes packed
// 0.2 mm apart, one plane.
StructureSet real_shapes() {
  return structure_set({box(1, 10, 40, 10, 30, 5, 35, 3.0),
                        solid(2, "Sphere", 22, 38, 2.0,
                              [](double z) { return std::sqrt(std::max(64.0 - (z - 30) * (z - 30), 1.0)); }),
                        solid(3, "Cone", 6, 30, 3.0, [](double z) { return 2 + (30 - z) * 0.6; }),
                        box(4, 60, 80, 60, 90, 20, 22, 0.2), box(5, 20, 25, 70, 85, 12, 12, 1.0)});
}

TEST(dvh_budget, planned_points_bound_the_samples) {
  const StructureSet ss = real_shapes();
  const DoseGrid dose = dose_grid();
  for (bool interpolate : {true, false})
    for (std::optional<double> h : {std::optional<double>{}, std::optional<double>{0.7}}) {
      DvhOptions options;
      options.interpolate_between_planes = interpolate;
      options.sample_spacing_mm = h;
      const auto planned = planned_dvh_points(ss, dose, options);
      const auto dvhs = compute_dvhs(ss, dose, options);
      ASSERT_EQ(planned.size(), dvhs.size());
      for (std::size_t i = 0; i < dvhs.size(); ++i) {
        ASSERT_TRUE(dvhs[i].computed) << dvhs[i].roi_name << ": " << dvhs[i].not_computed_reason;
        EXPECT_GE(planned[i], static_cast<std::uint64_t>(dvhs[i].sample_count))
            << dvhs[i].roi_name << " interpolate " << interpolate;
        EXPECT_LT(planned[i], InputLimits{}.max_dvh_points_per_roi / 8) << dvhs[i].roi_name;
      }
    }
}

TEST(dvh_budget, far_vertex_refused_before_sampling_naming_file_and_limit) {
  const StructureSet ss = structure_set({box(1, 10, 40, 10, 30, 5, 35, 3.0), far_vertex_roi(2)});
  const DoseGrid dose = dose_grid();
  const InputLimits limits;
  const auto planned = planned_dvh_points(ss, dose);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_GT(planned[1], limits.max_dvh_points_per_roi);
  const auto start = std::chrono::steady_clock::now();
  const auto dvhs = compute_dvhs(ss, dose);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(dvhs[0].computed) << "the other ROI is not affected";
  ASSERT_FALSE(dvhs[1].computed);
  const std::string& why = dvhs[1].not_computed_reason;
  EXPECT_NE(why.find("RS_forged.dcm"), std::string::npos) << why;
  EXPECT_NE(why.find("InputLimits::max_dvh_points_per_roi"), std::string::npos) << why;
  EXPECT_NE(why.find(std::to_string(limits.max_dvh_points_per_roi)), std::string::npos) << why;
  EXPECT_NE(why.find(std::to_string(planned[1])), std::string::npos) << why;
  EXPECT_EQ(dvhs[1].sample_count, 0);
  EXPECT_TRUE(dvhs[1].cumulative.dose_gy.empty()) << "no partial curve";
  EXPECT_LT(seconds, 2.0) << "refused before any sampling";
}

TEST(dvh_budget, structure_set_budget_spent_in_roi_order) {
  const StructureSet ss =
      structure_set({box(1, 10, 40, 10, 30, 5, 35, 3.0), box(2, 10, 40, 10, 30, 5, 35, 3.0),
                     box(3, 10, 40, 10, 30, 5, 35, 3.0)});
  const DoseGrid dose = dose_grid();
  const auto planned = planned_dvh_points(ss, dose);
  ASSERT_EQ(planned[0], planned[2]);
  DvhOptions options;
  options.max_points_per_structure_set = planned[0] * 5 / 2;
  const auto dvhs = compute_dvhs(ss, dose, options);
  EXPECT_TRUE(dvhs[0].computed);
  EXPECT_TRUE(dvhs[1].computed);
  ASSERT_FALSE(dvhs[2].computed);
  EXPECT_NE(dvhs[2].not_computed_reason.find("InputLimits::max_dvh_points_per_structure_set"),
            std::string::npos)
      << dvhs[2].not_computed_reason;
  EXPECT_NE(dvhs[2].not_computed_reason.find("RS_forged.dcm"), std::string::npos);
  options.max_points_per_roi = planned[0] - 1;  // now each is past the per-ROI limit
  for (const auto& d : compute_dvhs(ss, dose, options)) {
    EXPECT_FALSE(d.computed);
    EXPECT_NE(d.not_computed_reason.find("InputLimits::max_dvh_points_per_roi"), std::string::npos);
  }
}

TEST(dvh_budget, within_budget_identical_to_unlimited) {
  const StructureSet ss = real_shapes();
  const DoseGrid dose = dose_grid();
  DvhOptions unlimited;
  unlimited.max_points_per_roi = unlimited.max_points_per_structure_set =
      std::numeric_limits<std::uint64_t>::max();
  const auto a = compute_dvhs(ss, dose), b = compute_dvhs(ss, dose, unlimited);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].computed, b[i].computed);
    EXPECT_EQ(a[i].sample_count, b[i].sample_count);
    EXPECT_EQ(a[i].volume_cc, b[i].volume_cc);
    EXPECT_EQ(a[i].mean_gy, b[i].mean_gy);
    EXPECT_EQ(a[i].cumulative.dose_gy, b[i].cumulative.dose_gy);
    EXPECT_EQ(a[i].cumulative.volume_cc, b[i].cumulative.volume_cc);
  }
}

}  // namespace
}  // namespace rtreview
