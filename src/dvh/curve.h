// Internal: reading a cumulative curve (dose ascending, volume non-increasing) by
// linear interpolation, for our DVHs and the files' alike.
#pragma once

#include "rtreview/dvh.h"

namespace rtreview::dvh {

// Volume receiving ≥ dose_gy: the curve's first volume below its first dose, 0 past its end.
double curve_volume_at(const DvhCurve& curve, double dose_gy);

// The highest dose whose volume is still ≥ volume (linear within the segment where the
// curve falls below it); NaN when volume exceeds the curve's total or the curve is empty.
double curve_dose_at(const DvhCurve& curve, double volume);

// Highest dose with a non-zero volume (the end of the last falling segment); NaN if none.
double curve_max_dose(const DvhCurve& curve);

// Mean dose of a cumulative curve (area under it / total volume); NaN if empty.
double curve_mean_dose(const DvhCurve& curve);

}  // namespace rtreview::dvh
