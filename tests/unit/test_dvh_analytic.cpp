// Analytical DVH benchmark: sphere, cylinder and cone (R 12 mm, length 24 mm), axis along
// z and rotated into the axial plane (along x), contoured every 0.2, 1, 2, 3 mm, centred on
// or shifted half a voxel from the grid, in a linear 1 Gy/mm dose along y (AP) or z (SI),
// on 1, 2 and 3 mm dose grids. The dose is 30 Gy at the shape's centre.
//
// Truth is for the *contoured* shape: each contour plane's polygon extruded over its slab
// (±½ spacing, the engine's end-cap convention). For a linear dose the volume above a dose
// is the shape on one side of a plane: along y, each polygon clipped by a half-plane
// (exact); along z, each slab cut at a height (exact). Dx comes from bisection on that.
// The contoured shape differs from the ideal one (the table prints that difference too).
// This is the regression test of the rasteriser alone (prism slabs, no interpolation);
// test_dvh_solid.cpp tests the default engine against the continuous solid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "linear_dose.h"
#include "rtreview/dvh.h"

namespace rtreview {
namespace {

constexpr double radius_mm = 12.0, length_mm = 24.0, centre_dose_gy = 30.0;
constexpr int circle_points = 256;

enum class Shape { sphere, cylinder, cone };
enum class Axis { z, x };
enum class Gradient { y, z };

struct Poly {
  std::vector<double> x, y;
};

double area(const Poly& p) {
  double a = 0;
  for (std::size_t i = 0, j = p.x.size() - 1; i < p.x.size(); j = i++) a += p.x[j] * p.y[i] - p.x[i] * p.y[j];
  return 0.5 * std::abs(a);
}

double centroid_y(const Poly& p) {
  double a = 0, cy = 0;
  for (std::size_t i = 0, j = p.x.size() - 1; i < p.x.size(); j = i++) {
    const double c = p.x[j] * p.y[i] - p.x[i] * p.y[j];
    a += c;
    cy += (p.y[j] + p.y[i]) * c;
  }
  return cy / (3.0 * a);
}

// Area of the part of a polygon with y >= t (Sutherland–Hodgman against one half-plane).
double area_above(const Poly& p, double t) {
  Poly out;
  const std::size_t n = p.x.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = (i + 1) % n;
    const bool in_i = p.y[i] >= t, in_j = p.y[j] >= t;
    if (in_i) out.x.push_back(p.x[i]), out.y.push_back(p.y[i]);
    if (in_i != in_j) {
      const double u = (t - p.y[i]) / (p.y[j] - p.y[i]);
      out.x.push_back(p.x[i] + u * (p.x[j] - p.x[i]));
      out.y.push_back(t);
    }
  }
  return out.x.size() >= 3 ? area(out) : 0.0;
}

struct Plane {
  double z, z_lo, z_hi;
  Poly poly;
};

struct Case {
  Shape shape;
  Axis axis;
  double contour_spacing_mm;
  bool shifted;
  Gradient gradient;
  double grid_mm;
  std::string name() const {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s-%s s%.1f %s %s g%.0f",
                  shape == Shape::sphere     ? "sphere"
                  : shape == Shape::cylinder ? "cylinder"
                                             : "cone",
                  axis == Axis::z ? "z" : "x", contour_spacing_mm, shifted ? "shift" : "centr",
                  gradient == Gradient::y ? "AP" : "SI", grid_mm);
    return buf;
  }
};

Poly circle(double cx, double cy, double r) {
  Poly p;
  for (int i = 0; i < circle_points; ++i) {
    const double a = 2 * std::numbers::pi * i / circle_points;
    p.x.push_back(cx + r * std::cos(a));
    p.y.push_back(cy + r * std::sin(a));
  }
  return p;
}

// The contour planes of a shape centred at c: planes at z_lo + (k + ½)s across its z extent.
std::vector<Plane> contour_planes(const Case& k, const std::array<double, 3>& c) {
  std::vector<Plane> planes;
  const double s = k.contour_spacing_mm;
  const double half_z = k.axis == Axis::z && k.shape != Shape::sphere ? 0.5 * length_mm : radius_mm;
  const int count = static_cast<int>(std::lround(2 * half_z / s));
  for (int i = 0; i < count; ++i) {
    const double z = c[2] - half_z + (i + 0.5) * s;
    const double dz = z - c[2];
    Poly p;
    if (k.shape == Shape::sphere) {
      p = circle(c[0], c[1], std::sqrt(radius_mm * radius_mm - dz * dz));
    } else if (k.axis == Axis::z) {
      const double r =
          k.shape == Shape::cylinder ? radius_mm : radius_mm * (1 - (z - (c[2] - half_z)) / length_mm);
      p = circle(c[0], c[1], r);
    } else if (k.shape == Shape::cylinder) {  // axis along x: a rectangle
      const double w = std::sqrt(radius_mm * radius_mm - dz * dz);
      p.x = {c[0] - 0.5 * length_mm, c[0] + 0.5 * length_mm, c[0] + 0.5 * length_mm, c[0] - 0.5 * length_mm};
      p.y = {c[1] - w, c[1] - w, c[1] + w, c[1] + w};
    } else {  // cone along x, base at x0: half-width sqrt((R(1-u))² - dz²), bounded by a hyperbola
      const double x0 = c[0] - 0.5 * length_mm, w0 = std::sqrt(radius_mm * radius_mm - dz * dz);
      const int m = 128;
      auto x_at = [&](double w) { return x0 + length_mm * (1 - std::sqrt(w * w + dz * dz) / radius_mm); };
      for (int j = 0; j <= m; ++j) {  // upper boundary from base to tip
        const double w = w0 * (1 - static_cast<double>(j) / m);
        p.x.push_back(x_at(w));
        p.y.push_back(c[1] + w);
      }
      for (int j = m - 1; j >= 0; --j) {  // lower boundary back to the base
        const double w = w0 * (1 - static_cast<double>(j) / m);
        p.x.push_back(x_at(w));
        p.y.push_back(c[1] - w);
      }
    }
    planes.push_back({z, z - 0.5 * s, z + 0.5 * s, std::move(p)});
  }
  return planes;
}

double ideal_volume_mm3(Shape s) {
  const double r3 = radius_mm * radius_mm * radius_mm, r2l = radius_mm * radius_mm * length_mm;
  return s == Shape::sphere     ? 4.0 / 3.0 * std::numbers::pi * r3
         : s == Shape::cylinder ? std::numbers::pi * r2l
                                : std::numbers::pi * r2l / 3.0;
}

struct Truth {
  double volume_mm3 = 0, mean_gy = 0;
  std::vector<Plane> planes;
  Gradient gradient = Gradient::y;
  std::array<double, 3> c{};
  // Volume (mm³) receiving at least `d` Gy.
  double volume_above(double d) const {
    double v = 0;
    for (const auto& p : planes) {
      if (gradient == Gradient::y) {
        v += (p.z_hi - p.z_lo) * area_above(p.poly, c[1] + (d - centre_dose_gy));
      } else {
        const double zt = c[2] + (d - centre_dose_gy);
        v += area(p.poly) * std::clamp(p.z_hi - std::max(zt, p.z_lo), 0.0, p.z_hi - p.z_lo);
      }
    }
    return v;
  }
  double dose_at_volume_mm3(double v) const {
    double lo = centre_dose_gy - 2 * radius_mm, hi = centre_dose_gy + 2 * radius_mm;
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      (volume_above(mid) >= v ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }
};

Truth make_truth(const Case& k, const std::array<double, 3>& c) {
  Truth t;
  t.planes = contour_planes(k, c);
  t.gradient = k.gradient;
  t.c = c;
  double dose_volume = 0;
  for (const auto& p : t.planes) {
    const double v = area(p.poly) * (p.z_hi - p.z_lo);
    t.volume_mm3 += v;
    const double mean = k.gradient == Gradient::y ? centre_dose_gy + (centroid_y(p.poly) - c[1])
                                                  : centre_dose_gy + (p.z - c[2]);
    dose_volume += v * mean;
  }
  t.mean_gy = dose_volume / t.volume_mm3;
  return t;
}

DoseGrid make_dose(const Case& k, const std::array<double, 3>& c) {
  using rtreview::test::DoseAxis;
  return rtreview::test::linear_dose_cube(k.grid_mm, k.gradient == Gradient::y ? DoseAxis::y : DoseAxis::z, c,
                                          centre_dose_gy);
}

StructureSet make_structures(const std::vector<Plane>& planes) {
  StructureSet ss;
  Roi roi;
  roi.number = 1;
  roi.name = "shape";
  for (const auto& p : planes) {
    Contour ct;
    ct.geometric_type = "CLOSED_PLANAR";
    for (std::size_t i = 0; i < p.poly.x.size(); ++i) ct.points_mm.push_back({p.poly.x[i], p.poly.y[i], p.z});
    roi.contours.push_back(std::move(ct));
  }
  ss.rois.push_back(std::move(roi));
  return ss;
}

TEST(dvh_analytic, shapes_in_linear_gradients) {
  const char* metric_names[] = {"volume", "Dmean", "D99", "D95", "D5", "D1", "D0.03cc"};
  constexpr int metric_count = 7;
  std::vector<Case> cases;
  for (Shape shape : {Shape::sphere, Shape::cylinder, Shape::cone})
    for (Axis axis : {Axis::z, Axis::x})
      for (double s : {0.2, 1.0, 2.0, 3.0})
        for (bool shifted : {false, true})
          for (Gradient gradient : {Gradient::y, Gradient::z})
            for (double grid : {1.0, 2.0, 3.0}) cases.push_back({shape, axis, s, shifted, gradient, grid});

  int pairs = 0, within3 = 0, within5 = 0;
  double worst[metric_count] = {};
  double ideal_min = 1e9, ideal_max = -1e9;
  std::printf("%-34s %8s %8s | %7s %7s %7s %7s %7s %7s %7s  (error %%)\n", "case", "V cc", "ideal%", "volume",
              "Dmean", "D99", "D95", "D5", "D1", "D.03cc");
  for (const Case& k : cases) {
    const double shift = k.shifted ? 0.5 * k.grid_mm : 0.0;
    const std::array<double, 3> c{shift, shift, shift};
    const Truth truth = make_truth(k, c);
    const DoseGrid dose = make_dose(k, c);
    const StructureSet ss = make_structures(truth.planes);
    DvhOptions prisms;
    prisms.interpolate_between_planes = false;
    const auto dvhs = compute_dvhs(ss, dose, prisms);
    ASSERT_EQ(dvhs.size(), 1u);
    const RoiDvh& r = dvhs[0];
    ASSERT_TRUE(r.computed) << k.name() << ": " << r.not_computed_reason;
    EXPECT_NEAR(r.volume_outside_grid_cc, 0.0, 1e-12);
    const double v = truth.volume_mm3;
    const double expected[metric_count] = {v / 1000,
                                           truth.mean_gy,
                                           truth.dose_at_volume_mm3(0.99 * v),
                                           truth.dose_at_volume_mm3(0.95 * v),
                                           truth.dose_at_volume_mm3(0.05 * v),
                                           truth.dose_at_volume_mm3(0.01 * v),
                                           truth.dose_at_volume_mm3(30.0)};
    const double got[metric_count] = {r.volume_cc,
                                      r.mean_gy,
                                      dose_at_volume_percent(r, 99),
                                      dose_at_volume_percent(r, 95),
                                      dose_at_volume_percent(r, 5),
                                      dose_at_volume_percent(r, 1),
                                      dose_at_volume_cc(r, 0.03)};
    const double ideal_pct = 100.0 * (v - ideal_volume_mm3(k.shape)) / ideal_volume_mm3(k.shape);
    ideal_min = std::min(ideal_min, ideal_pct);
    ideal_max = std::max(ideal_max, ideal_pct);
    std::printf("%-34s %8.3f %+8.2f |", k.name().c_str(), v / 1000, ideal_pct);
    for (int m = 0; m < metric_count; ++m) {
      const double err = 100.0 * (got[m] - expected[m]) / expected[m];
      std::printf(" %+7.3f", err);
      ++pairs;
      within3 += std::abs(err) <= 3.0;
      within5 += std::abs(err) <= 5.0;
      worst[m] = std::max(worst[m], std::abs(err));
      EXPECT_LE(std::abs(err), 5.0) << k.name() << " " << metric_names[m] << ": got " << got[m] << ", truth "
                                    << expected[m];
    }
    std::printf("\n");
  }
  std::printf(
      "\nSUMMARY %zu cases, %d (case, metric) pairs: %d within 3 %% (%.1f %%), %d within 5 %% (%.1f %%)\n",
      cases.size(), pairs, within3, 100.0 * within3 / pairs, within5, 100.0 * within5 / pairs);
  std::printf("worst |error| %%:");
  for (int m = 0; m < metric_count; ++m) std::printf(" %s %.3f;", metric_names[m], worst[m]);
  std::printf("\ncontoured vs ideal shape volume: %+.2f %% to %+.2f %%\n", ideal_min, ideal_max);
  EXPECT_GE(within3, static_cast<int>(std::ceil(0.95 * pairs)));
}

}  // namespace
}  // namespace rtreview
