// The declared maxima (rtreview/limits.h, InputLimits) checked on a parsed dataset, before the object's
// reader copies anything into the model: counts come from the header and the sequence sizes
// DCMTK already holds, never from a value the file merely claims (NumberOfContourPoints,
// NumberOfControlPoints).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"
#include "rtreview/limits.h"

namespace rtreview::dicom {
namespace {

std::string exceeds(const std::string& what, double count, std::uint64_t limit, const std::string& unit) {
  std::ostringstream s;
  s.precision(15);
  s << what << " = " << count << " " << unit << ", over rtreview's limit of " << limit << " " << unit
    << " (rtreview/limits.h): object not read";
  return s.str();
}

// Number of values in an element (VM), 0 when absent. A DS value's backslashes are counted
// here as DCMTK's getVM counts them, but in a loop the compiler vectorises (getVM's byte loop
// was a serial pass over every contour of a structure set before its contours are read).
std::uint64_t value_count(DcmItem& item, const DcmTagKey& tag) {
  DcmElement* element = nullptr;
  if (item.findAndGetElement(tag, element, OFFalse).bad() || !element || element->getLength() == 0) return 0;
  if (element->ident() != EVR_DS) return element->getVM();
  char* raw = nullptr;
  Uint32 length = 0;
  if (element->getString(raw, length).bad() || !raw || length == 0) return 0;
  return static_cast<std::uint64_t>(std::count(raw, raw + length, '\\')) + 1;
}

}  // namespace

std::string dose_voxel_limit_problem(double columns, double rows, double frames, const char* frames_from,
                                     const InputLimits& limits) {
  const double voxels = columns * rows * frames;
  if (!(voxels > static_cast<double>(limits.max_dose_voxels))) return {};
  std::ostringstream what;
  what.precision(15);
  what << "RT Dose grid Columns x Rows x " << frames_from << " = " << columns << " x " << rows << " x "
       << frames;
  return exceeds(what.str(), voxels, limits.max_dose_voxels, "voxels");
}

std::string dose_limit_problem(DcmItem& ds, const InputLimits& limits) {
  // As numbers, not get_int: a forged NumberOfFrames past 2^31 must count, not vanish.
  const double columns = get_number(ds, DCM_Columns).value_or(0);
  const double rows = get_number(ds, DCM_Rows).value_or(0);
  const auto frames = get_number(ds, DCM_NumberOfFrames);
  if (!frames || !(*frames > 1)) return {};  // single frame: bounded by Rows x Columns (< 2^32)
  return dose_voxel_limit_problem(columns, rows, std::floor(*frames), "NumberOfFrames", limits);
}

std::string structure_set_limit_problem(DcmItem& ds, const InputLimits& limits) {
  std::uint64_t values = 0;
  for (DcmItem* roi : get_items(ds, DCM_ROIContourSequence))
    for (DcmItem* contour : get_items(*roi, DCM_ContourSequence))
      values += value_count(*contour, DCM_ContourData);
  const std::uint64_t points = values / 3;
  if (points <= limits.max_contour_points) return {};
  return exceeds("RT Structure Set ContourData points (all ROIs)", static_cast<double>(points),
                 limits.max_contour_points, "points");
}

std::string plan_limit_problem(DcmItem& ds, const InputLimits& limits) {
  std::uint64_t control_points = 0;
  for (DcmItem* beam : get_items(ds, DCM_BeamSequence))
    control_points += get_items(*beam, DCM_ControlPointSequence).size();
  for (DcmItem* beam : get_items(ds, DCM_IonBeamSequence))
    control_points += get_items(*beam, DCM_IonControlPointSequence).size();
  for (DcmItem* setup : get_items(ds, DCM_ApplicationSetupSequence))
    for (DcmItem* channel : get_items(*setup, DCM_ChannelSequence))
      control_points += get_items(*channel, DCM_BrachyControlPointSequence).size();
  if (control_points <= limits.max_control_points) return {};
  return exceeds("RT Plan control points (all beams and channels)", static_cast<double>(control_points),
                 limits.max_control_points, "control points");
}

}  // namespace rtreview::dicom
