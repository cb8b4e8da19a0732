// Private to src/dicom: one reader per RT object type. Each fills the object's
// type-specific fields from a loaded dataset (ObjectInfo is filled by read.cpp).
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

#include "rtreview/conformance.h"
#include "rtreview/limits.h"
#include "rtreview/model.h"

namespace rtreview::dicom {

// RT Plan, RT Ion Plan or brachy plan; sets `plan.kind`. Never fails: quirks go to notes.
void read_plan(DcmDataset& dataset, Plan& plan);

// RT Dose header, DVHs and voxels (dataset must already be in an uncompressed
// representation). `big_endian_source` marks files read from Explicit VR Big Endian,
// whose 32-bit pixels DCMTK leaves word-swapped. Returns "" or why the dose is unusable.
std::string read_dose(DcmDataset& dataset, bool big_endian_source, const InputLimits& limits, DoseGrid& dose);

// RT Structure Set: ROIs joined from the three ROI sequences. Never fails.
void read_structure_set(DcmDataset& dataset, StructureSet& structure_set);

// The maxima of rtreview/limits.h (InputLimits), checked before the object's reader allocates: "" or the
// reason (the count, the limit). The plan counts control point items, the structure set
// ContourData points, the dose its declared grid (Columns x Rows x NumberOfFrames).
std::string plan_limit_problem(DcmItem& dataset, const InputLimits& limits);
std::string structure_set_limit_problem(DcmItem& dataset, const InputLimits& limits);
std::string dose_limit_problem(DcmItem& dataset, const InputLimits& limits);
// The same voxel limit for a grid of the given size; `frames_from` names where the frame
// count came from ("NumberOfFrames", "frames in PixelData").
std::string dose_voxel_limit_problem(double columns, double rows, double frames, const char* frames_from,
                                     const InputLimits& limits);

// What the dataset lacks against the conformance table of `iod` (rtreview/conformance.h).
// Call after the object's reader: it re-reads values and discards their UTF-8 repair count.
ConformanceRecord capture_conformance(DcmItem& dataset, Iod iod);

}  // namespace rtreview::dicom
