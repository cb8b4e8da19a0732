// RT Structure Set → StructureSet: ROIs joined by ROI number across
// StructureSetROISequence, ROIContourSequence and RTROIObservationsSequence.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>

#include <map>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"

namespace rtreview::dicom {
namespace {

Contour read_contour(DcmItem& item, const std::string& who, std::vector<std::string>& notes) {
  Contour c;
  c.geometric_type = get_string(item, DCM_ContourGeometricType);
  c.slab_thickness_mm = get_number(item, DCM_RETIRED_ContourSlabThickness);
  std::vector<double> data = get_numbers(item, DCM_ContourData);
  if (data.size() % 3 != 0)
    notes.push_back(who + ": ContourData has " + std::to_string(data.size()) +
                    " values, not a multiple of 3");
  c.points_mm.reserve(data.size() / 3);
  for (std::size_t i = 0; i + 2 < data.size(); i += 3)
    c.points_mm.push_back({data[i], data[i + 1], data[i + 2]});
  if (auto declared = get_int(item, DCM_NumberOfContourPoints);
      declared && *declared != static_cast<int>(c.points_mm.size()))
    notes.push_back(who + ": NumberOfContourPoints " + std::to_string(*declared) + " but " +
                    std::to_string(c.points_mm.size()) + " points in ContourData");
  return c;
}

}  // namespace

void read_structure_set(DcmDataset& ds, StructureSet& ss) {
  ss.label = get_string(ds, DCM_StructureSetLabel);
  ss.name = get_string(ds, DCM_StructureSetName);
  ss.date = get_string(ds, DCM_StructureSetDate);
  ss.time = get_string(ds, DCM_StructureSetTime);
  ss.approval_status = get_string(ds, DCM_ApprovalStatus);
  ss.reviewer_name = get_string(ds, DCM_ReviewerName);
  ss.review_date = get_string(ds, DCM_ReviewDate);
  for (DcmItem* item : get_items(ds, DCM_ReferencedFrameOfReferenceSequence))
    if (std::string uid = get_string(*item, DCM_FrameOfReferenceUID); !uid.empty())
      ss.referenced_frame_of_reference_uids.push_back(uid);

  std::map<int, std::size_t> by_number;  // ROI number → index in ss.rois
  for (DcmItem* item : get_items(ds, DCM_StructureSetROISequence)) {
    Roi roi;
    const auto number = get_int(*item, DCM_ROINumber);
    if (!number) ss.notes.push_back("StructureSetROISequence item without ROINumber: skipped");
    if (!number) continue;
    roi.number = *number;
    roi.name = get_string(*item, DCM_ROIName);
    roi.description = get_string(*item, DCM_ROIDescription);
    roi.frame_of_reference_uid = get_string(*item, DCM_ReferencedFrameOfReferenceUID);
    roi.generation_algorithm = get_string(*item, DCM_ROIGenerationAlgorithm);
    if (by_number.count(roi.number)) {
      ss.notes.push_back("ROI number " + std::to_string(roi.number) +
                         " appears twice in StructureSetROISequence: " + "second (" + roi.name + ") skipped");
      continue;
    }
    by_number[roi.number] = ss.rois.size();
    ss.rois.push_back(std::move(roi));
  }

  for (DcmItem* item : get_items(ds, DCM_ROIContourSequence)) {
    const auto number = get_int(*item, DCM_ReferencedROINumber);
    auto it = number ? by_number.find(*number) : by_number.end();
    if (it == by_number.end()) {
      ss.notes.push_back("ROIContourSequence item for ROI " +
                         (number ? std::to_string(*number) : std::string("?")) +
                         " has no StructureSetROISequence entry: skipped");
      continue;
    }
    Roi& roi = ss.rois[it->second];
    roi.in_roi_contour_sequence = true;
    std::vector<double> color = get_numbers(*item, DCM_ROIDisplayColor);
    if (color.size() == 3)
      roi.display_color = std::array<int, 3>{static_cast<int>(color[0]), static_cast<int>(color[1]),
                                             static_cast<int>(color[2])};
    const std::string who = "ROI " + std::to_string(roi.number) + " (" + roi.name + ")";
    for (DcmItem* contour : get_items(*item, DCM_ContourSequence))
      roi.contours.push_back(read_contour(*contour, who, ss.notes));
  }

  for (DcmItem* item : get_items(ds, DCM_RTROIObservationsSequence)) {
    const auto number = get_int(*item, DCM_ReferencedROINumber);
    auto it = number ? by_number.find(*number) : by_number.end();
    if (it == by_number.end()) continue;
    Roi& roi = ss.rois[it->second];
    if (roi.interpreted_type.empty()) roi.interpreted_type = get_string(*item, DCM_RTROIInterpretedType);
    if (roi.observation_label.empty()) roi.observation_label = get_string(*item, DCM_ROIObservationLabel);
  }
}

}  // namespace rtreview::dicom
