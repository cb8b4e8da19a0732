// ROI geometry from RT Structure Set contours: volume, bounds, convex hull,
// distance and overlap between two ROIs. Patient coordinates (LPS), mm; volumes in cc.
//
// An ROI's volume is the stack of its closed planar contours (axial planes), each
// plane a slab: the region on a plane is the parity (XOR) of its contours, so a
// contour inside another is a hole and a contour inside a hole an island.
// EndCaps::half_slab: a plane's slab reaches halfway to each neighbouring plane; the
//   first and last planes extend by half the ROI's typical (median) contour spacing, and
//   so do planes next to a gap wider than 1.5 typical spacings.
// EndCaps::none: the same, clipped to [first plane, last plane] (a 1-plane ROI has no volume).
// Contours whose points are not on one axial plane (spread > 0.1 mm in z) are ignored.
// These prism slabs are the geometry of the functions below. The DVH engine (dvh.h)
// interpolates the shape between planes and closes ends by trend by default, so its
// RoiDvh::volume_cc can differ from roi_volume_cc by a few per cent where contours change
// size fast between planes.
#pragma once

#include <optional>

#include "rtreview/model.h"

namespace rtreview {

enum class EndCaps { half_slab, none };

// Volume in cc of the ROI's closed planar contours under the end-cap convention; 0 if none.
double roi_volume_cc(const Roi& roi, EndCaps end_caps = EndCaps::half_slab);

struct Bounds3 {
  Point3 min_mm{};
  Point3 max_mm{};
};

// Axis-aligned extent of all contour points (any geometric type, no end caps);
// nullopt when the ROI has no finite points.
std::optional<Bounds3> roi_bounds(const Roi& roi);

struct RoiPairMetrics {
  double min_distance_mm = 0.0;  // closest approach of the contours (planes and in-plane regions, end caps
                                 // not included); 0 when overlapping
  double overlap_cc = 0.0;       // volume inside both (half-slab end caps)
};

// Distance and overlap of two volumetric ROIs; NaN distance if either has no closed contours.
RoiPairMetrics roi_pair_metrics(const Roi& a, const Roi& b);

// Volume in cc of the 3D convex hull of the ROI's slab stack (contour points at each
// slab's top and bottom), so roi_volume_cc / convex_hull_volume_cc is in (0, 1]; 0 if none.
double convex_hull_volume_cc(const Roi& roi);

}  // namespace rtreview
