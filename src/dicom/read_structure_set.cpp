// RT Structure Set → StructureSet: ROIs joined by ROI number across
// StructureSetROISequence, ROIContourSequence and RTROIObservationsSequence.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include <cstdint>
#include <map>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"

namespace rtreview::dicom {
namespace {

// A contour's numbers (the text is read by the caller, on its thread: get_string counts
// invalid UTF-8 per thread). Touches only `item`, so contours can be read in parallel;
// `data` is the thread's buffer for the values, reused from contour to contour.
void read_contour_numbers(DcmItem& item, const std::string& who, Contour& c, std::vector<std::string>& notes,
                          std::vector<double>& data) {
  c.slab_thickness_mm = get_number(item, DCM_RETIRED_ContourSlabThickness);
  get_numbers(item, DCM_ContourData, data);
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
}

constexpr std::size_t kNoRoi = static_cast<std::size_t>(-1);

// One contour to read: its item, its ROI's name for notes, where its points go (or, with
// no item, a note that keeps its place).
struct ContourTask {
  DcmItem* item;
  const std::string* who;
  Contour* contour;
  std::vector<std::string> notes;
  std::uint64_t value_bytes = 0;  // ContourData's length: what reading the numbers costs
};

// The ContourData length of a contour item (0 when it has none).
std::uint64_t contour_data_bytes(DcmItem& item) {
  DcmElement* element = nullptr;
  return item.findAndGetElement(DCM_ContourData, element, OFFalse).good() && element ? element->getLength()
                                                                                     : 0;
}

// Where the tasks split into two halves of about equal bytes of numbers (a split by count
// left one thread twice the other's work: a body's contours are long, a target's short).
std::size_t balanced_split(const std::vector<ContourTask>& tasks) {
  std::uint64_t total = 0;
  for (const auto& task : tasks) total += task.value_bytes;
  std::uint64_t first_half = 0;
  std::size_t k = 0;
  while (k < tasks.size() && 2 * first_half < total) first_half += tasks[k++].value_bytes;
  return k;
}

// ContourData is most of a structure set's values (a 2.2 MB file: ~370 k numbers, 60 M
// instructions) and was parsed on the one thread that reads the file while the other
// reader (the dose) had finished: large sets are split between two threads. Each task
// writes only its own contour and notes; the notes are then added in file order.
void read_contours(std::vector<ContourTask>& tasks, std::vector<std::string>& notes) {
  constexpr std::size_t kParallelFrom = 256;  // contours (~0.2 MB of values); a thread costs ~0.1 ms
  const std::size_t half = tasks.size() >= kParallelFrom ? balanced_split(tasks) : tasks.size();
  auto read_range = [&tasks](std::size_t begin, std::size_t end) {
    std::vector<double> data;
    for (std::size_t k = begin; k < end; ++k)
      if (tasks[k].item)
        read_contour_numbers(*tasks[k].item, *tasks[k].who, *tasks[k].contour, tasks[k].notes, data);
  };
  std::thread second;
  if (half < tasks.size()) {
    try {
      second = std::thread(read_range, half, tasks.size());
    } catch (const std::system_error&) {  // no thread to spare: this one reads them all
      read_range(half, tasks.size());
    }
  }
  read_range(0, half);
  if (second.joinable()) second.join();
  for (auto& task : tasks) notes.insert(notes.end(), task.notes.begin(), task.notes.end());
}

// ROIContourSequence: each ROI's colour and contours, the contours' numbers read by read_contours.
void read_roi_contours(DcmDataset& ds, const std::map<int, std::size_t>& by_number, StructureSet& ss) {
  // Per ROIContourSequence item: the ROI's index (kNoRoi: skipped) and its contour items,
  // and the ROI's name for notes (or the skipped item's note).
  std::vector<std::pair<std::size_t, std::vector<DcmItem*>>> contour_items;
  std::vector<std::string> whos;
  for (DcmItem* item : get_items(ds, DCM_ROIContourSequence)) {
    const auto number = get_int(*item, DCM_ReferencedROINumber);
    auto it = number ? by_number.find(*number) : by_number.end();
    if (it == by_number.end()) {  // a note in its place among the contours' notes
      whos.push_back("ROIContourSequence item for ROI " +
                     (number ? std::to_string(*number) : std::string("?")) +
                     " has no StructureSetROISequence entry: skipped");
      contour_items.emplace_back(kNoRoi, std::vector<DcmItem*>{});
      continue;
    }
    Roi& roi = ss.rois[it->second];
    roi.in_roi_contour_sequence = true;
    std::vector<double> color = get_numbers(*item, DCM_ROIDisplayColor);
    if (color.size() == 3)
      roi.display_color = std::array<int, 3>{static_cast<int>(color[0]), static_cast<int>(color[1]),
                                             static_cast<int>(color[2])};
    whos.push_back("ROI " + std::to_string(roi.number) + " (" + roi.name + ")");
    contour_items.emplace_back(it->second, get_items(*item, DCM_ContourSequence));
  }
  // Every contour slot exists before any is filled (no reallocation under the threads).
  for (const auto& [roi_index, items] : contour_items)
    if (roi_index != kNoRoi)
      ss.rois[roi_index].contours.resize(ss.rois[roi_index].contours.size() + items.size());
  std::vector<std::size_t> filled(ss.rois.size(), 0);
  std::vector<ContourTask> tasks;
  for (std::size_t e = 0; e < contour_items.size(); ++e) {
    if (contour_items[e].first == kNoRoi) tasks.push_back({nullptr, nullptr, nullptr, {whos[e]}});
    for (DcmItem* contour_item : contour_items[e].second) {
      const std::size_t roi_index = contour_items[e].first;
      Contour& contour = ss.rois[roi_index].contours[filled[roi_index]++];
      contour.geometric_type = get_string(*contour_item, DCM_ContourGeometricType);
      tasks.push_back({contour_item, &whos[e], &contour, {}, contour_data_bytes(*contour_item)});
    }
  }
  read_contours(tasks, ss.notes);
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

  read_roi_contours(ds, by_number, ss);

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
