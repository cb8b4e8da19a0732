#include "dvh/work_budget.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rtreview::dvh {
namespace {

using geometry::RoiPlane;

// Lattice points of a box w × d (mm) at step h: the rows and columns the scanlines visit
// (one row and column of margin each side, plus rounding).
double box_points(double w_mm, double d_mm, double h) { return (w_mm / h + 4) * (d_mm / h + 4); }

double lattice_points(const RoiPlane& p, double h) {
  return box_points(p.x_max_mm - p.x_min_mm, p.y_max_mm - p.y_min_mm, h);
}

// Dose lookups along a plane's contours (vertices and edge points h apart).
double boundary_points(const RoiPlane& p, double h) {
  double n = 0;
  for (const auto& poly : p.polygons) {
    const std::size_t k = poly.x_mm.size();
    for (std::size_t i = 0, j = k - 1; i < k; j = i++)
      n += boundary_pieces(poly.x_mm[i] - poly.x_mm[j], poly.y_mm[i] - poly.y_mm[j], h);
  }
  return n;
}

struct Counter {
  double h;
  int fixed_subslabs;
  double subslabs(double thickness_mm) const {
    return fixed_subslabs > 0 ? fixed_subslabs : std::max(1.0, std::ceil(thickness_mm / h - 1e-9));
  }
};

bool joined(const RoiPlane& lower, const RoiPlane& upper) {
  return std::abs(lower.z_hi_mm - upper.z_lo_mm) < 1e-6;
}

// The end cap beyond plane `ie` (dir +1 above, −1 below): its columns per sub-slab, the
// end points' depths, and, for a flat end larger than its neighbour, the growth box.
double cap_points(const std::vector<RoiPlane>& planes, std::size_t ie, int dir, const Counter& c) {
  const RoiPlane& e = planes[ie];
  const double half = dir > 0 ? e.z_hi_mm - e.z_mm : e.z_mm - e.z_lo_mm;
  double n = 2 * boundary_points(e, c.h);
  if (!(half > 0)) return n;
  const double sub = c.subslabs(half);
  n += lattice_points(e, c.h) * (sub + 1);
  const bool has_inner =
      dir > 0 ? ie > 0 && joined(planes[ie - 1], e) : ie + 1 < planes.size() && joined(e, planes[ie + 1]);
  if (!has_inner) return n;
  const RoiPlane& m = planes[dir > 0 ? ie - 1 : ie + 1];
  if (!(e.area_mm2 > m.area_mm2)) return n;
  // How far e's contour lies outside m's, carried over the cap as the engine does; its box
  // is e's grown by that margin on every side.
  const geometry::PlaneDistance to_m(m);
  double growth = 0;
  for (const auto& poly : e.polygons)
    for (std::size_t k = 0; k < poly.x_mm.size(); ++k)
      growth = std::max(growth, to_m.unsigned_mm(poly.x_mm[k], poly.y_mm[k]));
  const double s1 = std::abs(e.z_mm - m.z_mm);
  const double margin = s1 > 0 ? std::min(growth, growth * half / s1) : growth;
  n +=
      box_points(e.x_max_mm - e.x_min_mm + 2 * margin, e.y_max_mm - e.y_min_mm + 2 * margin, c.h) * (sub + 2);
  return n;
}

}  // namespace

std::uint64_t planned_points(const geometry::RoiSlabs& slabs, double h_mm, int fixed_subslabs,
                             bool interpolate_between_planes) {
  const Counter c{h_mm, fixed_subslabs};
  const auto& planes = slabs.planes;
  double n = 0;
  for (std::size_t p = 0; p < planes.size(); ++p) {
    const RoiPlane& plane = planes[p];
    if (!interpolate_between_planes) {
      n += lattice_points(plane, h_mm) * c.subslabs(plane.thickness_mm()) + 2 * boundary_points(plane, h_mm);
      continue;
    }
    if (!(p > 0 && joined(planes[p - 1], plane))) n += cap_points(planes, p, -1, c);
    if (p + 1 < planes.size() && joined(plane, planes[p + 1])) {
      // A gap: the lattice points of both planes (their joint box) per sub-slab, and once
      // more for the distance queries of the points inside only one of them.
      const RoiPlane& b = planes[p + 1];
      const double both =
          box_points(std::max(plane.x_max_mm, b.x_max_mm) - std::min(plane.x_min_mm, b.x_min_mm),
                     std::max(plane.y_max_mm, b.y_max_mm) - std::min(plane.y_min_mm, b.y_min_mm), h_mm);
      n += both * (c.subslabs(b.z_mm - plane.z_mm) + 1) + boundary_points(plane, h_mm);
    } else {
      n += cap_points(planes, p, 1, c);
    }
  }
  constexpr double most = static_cast<double>(std::numeric_limits<std::uint64_t>::max());
  return !(n < most) ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(n);
}

}  // namespace rtreview::dvh
