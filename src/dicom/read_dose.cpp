// RT Dose → DoseGrid: geometry, voxels (stored × DoseGridScaling) and the file's DVHs.
//
// Decisions (documented for the next engineer):
// - Zero-length or absent PixelData: the dose is still modelled (header, geometry, DVHs)
//   with no voxels and a note; consumers test DoseGrid::has_pixels().
// - Oblique ImageOrientationPatient: modelled as given (the grid model carries direction
//   vectors) with a note, since every consumer must use the direction vectors anyway.
// - Unusable (returned as a reason → `unreadable`): Rows/Columns missing, BitsAllocated not
//   16/32, pixel data shorter than one frame, multi-frame without usable frame offsets.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcfcache.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <sstream>

#include "dicom/dcmtk_access.h"
#include "dicom/read_internal.h"

namespace rtreview::dicom {
namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

double dot(const Point3& a, const Point3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Point3 cross(const Point3& a, const Point3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

bool axis_aligned(const Point3& v) {
  int ones = 0;
  for (double c : v) {
    if (std::fabs(std::fabs(c) - 1.0) < 1e-4)
      ++ones;
    else if (std::fabs(c) > 1e-4)
      return false;
  }
  return ones == 1;
}

void read_orientation(DcmItem& ds, DoseGrid& dose) {
  std::vector<double> iop = get_numbers(ds, DCM_ImageOrientationPatient);
  if (iop.size() != 6) {
    dose.notes.push_back("ImageOrientationPatient absent or malformed: assumed 1\\0\\0\\0\\1\\0");
    return;
  }
  Point3 row{iop[0], iop[1], iop[2]}, col{iop[3], iop[4], iop[5]};
  const double row_norm = std::sqrt(dot(row, row)), col_norm = std::sqrt(dot(col, col));
  if (row_norm < 1e-6 || col_norm < 1e-6 || std::fabs(dot(row, col)) > 1e-3 * row_norm * col_norm) {
    dose.notes.push_back("ImageOrientationPatient is not two orthogonal vectors: assumed 1\\0\\0\\0\\1\\0");
    return;
  }
  for (double& c : row) c /= row_norm;
  for (double& c : col) c /= col_norm;
  dose.row_direction = row;
  dose.column_direction = col;
  if (!axis_aligned(row) || !axis_aligned(col))
    dose.notes.push_back("oblique ImageOrientationPatient (not axis-aligned): modelled as given");
}

void read_references(DcmItem& ds, DoseGrid& dose) {
  const auto plans = get_items(ds, DCM_ReferencedRTPlanSequence);
  if (plans.empty()) return;
  dose.referenced_plan_uid = get_string(*plans.front(), DCM_ReferencedSOPInstanceUID);
  dose.referenced_plan_sop_class_uid = get_string(*plans.front(), DCM_ReferencedSOPClassUID);
  if (plans.size() > 1)
    dose.notes.push_back("ReferencedRTPlanSequence has " + std::to_string(plans.size()) +
                         " items: using the first");
  const auto groups = get_items(*plans.front(), DCM_ReferencedFractionGroupSequence);
  if (groups.empty()) return;
  dose.referenced_fraction_group_number = get_int(*groups.front(), DCM_ReferencedFractionGroupNumber);
  for (DcmItem* beam : get_items(*groups.front(), DCM_ReferencedBeamSequence))
    if (auto n = get_int(*beam, DCM_ReferencedBeamNumber)) dose.referenced_beam_numbers.push_back(*n);
}

void read_dvhs(DcmItem& ds, DoseGrid& dose) {
  int index = 0;
  for (DcmItem* item : get_items(ds, DCM_DVHSequence)) {
    ++index;
    FileDvh d;
    const auto rois = get_items(*item, DCM_DVHReferencedROISequence);
    if (!rois.empty()) d.referenced_roi_number = get_int(*rois.front(), DCM_ReferencedROINumber);
    bool excluded = false;
    std::vector<std::string> region;
    for (DcmItem* roi : rois) {
      const auto number = get_int(*roi, DCM_ReferencedROINumber);
      std::string contribution = get_string(*roi, DCM_DVHROIContributionType);
      std::transform(contribution.begin(), contribution.end(), contribution.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      excluded = excluded || contribution == "EXCLUDED";
      region.push_back("ROI " + (number ? std::to_string(*number) : std::string("?")) + " " +
                       (contribution.empty() ? std::string("(contribution absent)") : contribution));
    }
    if (rois.size() > 1 || excluded) d.composite_region = std::move(region);
    d.type = get_string(*item, DCM_DVHType);
    d.dose_units = get_string(*item, DCM_DoseUnits);
    d.dose_type = get_string(*item, DCM_DoseType);
    d.volume_units = get_string(*item, DCM_DVHVolumeUnits);
    d.dose_scaling = get_number(*item, DCM_DVHDoseScaling).value_or(1.0);
    d.declared_bin_count = get_int(*item, DCM_DVHNumberOfBins);
    d.minimum_dose = get_number(*item, DCM_DVHMinimumDose);
    d.maximum_dose = get_number(*item, DCM_DVHMaximumDose);
    d.mean_dose = get_number(*item, DCM_DVHMeanDose);
    std::vector<double> data = get_numbers(*item, DCM_DVHData);
    const std::string who = "DVH item " + std::to_string(index);
    if (data.size() % 2 != 0) {
      dose.notes.push_back(who + ": DVHData has an odd number of values (" + std::to_string(data.size()) +
                           "): last value ignored");
      data.pop_back();
    }
    d.bin_widths.reserve(data.size() / 2);
    d.volumes.reserve(data.size() / 2);
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
      d.bin_widths.push_back(data[i]);
      d.volumes.push_back(data[i + 1]);
    }
    const int bins = static_cast<int>(d.volumes.size());
    if (d.declared_bin_count && *d.declared_bin_count != bins)
      dose.notes.push_back(who + ": DVHNumberOfBins " + std::to_string(*d.declared_bin_count) +
                           " but DVHData holds " + std::to_string(data.size()) + " values (" +
                           std::to_string(bins) + " bins): using the data");
    dose.dvhs.push_back(std::move(d));
  }
}

// The PixelData value, little-endian (DCMTK holds OW in host order, we run on LE hosts): in
// memory (`bytes`, as DCMTK's getUint16Array / getUint8Array give it) or, when the reader
// left a large value in its source (read.cpp), `deferred`: read in chunks by decode_voxels.
struct PixelValue {
  bool present = false;
  std::size_t length = 0;
  const Uint8* bytes = nullptr;
  DcmElement* deferred = nullptr;
};

bool pixel_value(DcmItem& ds, PixelValue& value) {
  DcmElement* element = nullptr;
  value = PixelValue{};
  value.present = ds.findAndGetElement(DCM_PixelData, element, OFFalse).good() && element;
  if (!value.present) return true;
  value.length = element->getLength();
  if (value.length == 0) return true;
  // An odd length is loaded whole below, as before: DCMTK pads a loaded value to even length,
  // which can make one more whole frame, and the frame count must not depend on file size.
  if (!element->valueLoaded() && value.length % 2 == 0) {
    value.deferred = element;
    return true;
  }
  auto loaded = [&](const Uint8* bytes) {
    value.bytes = bytes;
    value.length = element->getLength();  // after DCMTK's load (padded to even)
    return true;
  };
  if (element->getVR() == EVR_OW || element->ident() == EVR_OW) {
    Uint16* words = nullptr;
    if (element->getUint16Array(words).good() && words) return loaded(reinterpret_cast<const Uint8*>(words));
  }
  Uint8* raw = nullptr;
  if (element->getUint8Array(raw).good() && raw) return loaded(raw);
  Uint16* words = nullptr;
  if (element->getUint16Array(words).good() && words) return loaded(reinterpret_cast<const Uint8*>(words));
  return false;
}

// Geometry, units, references and DVHs: everything but the voxels.
void read_header(DcmItem& ds, DoseGrid& dose) {
  dose.rows = get_int(ds, DCM_Rows).value_or(0);
  dose.columns = get_int(ds, DCM_Columns).value_or(0);
  if (auto ipp = get_point(ds, DCM_ImagePositionPatient))
    dose.origin_mm = *ipp;
  else
    dose.notes.push_back("ImagePositionPatient absent or malformed: origin assumed (0, 0, 0)");
  read_orientation(ds, dose);
  std::vector<double> spacing = get_numbers(ds, DCM_PixelSpacing);
  if (spacing.size() == 2 && spacing[0] > 0 && spacing[1] > 0) {
    dose.row_spacing_mm = spacing[0];
    dose.column_spacing_mm = spacing[1];
  } else {
    dose.notes.push_back("PixelSpacing absent or not two positive values");
  }
  dose.slice_thickness_mm = get_number(ds, DCM_SliceThickness);
  dose.units = get_string(ds, DCM_DoseUnits);
  dose.dose_type = get_string(ds, DCM_DoseType);
  dose.summation_type = get_string(ds, DCM_DoseSummationType);
  dose.comment = get_string(ds, DCM_DoseComment);
  dose.bits_allocated = get_int(ds, DCM_BitsAllocated).value_or(0);
  dose.pixel_signed = get_int(ds, DCM_PixelRepresentation).value_or(0) == 1;
  read_references(ds, dose);
  read_dvhs(ds, dose);
}

// GridFrameOffsetVector as offsets relative to the origin along the slice direction.
std::vector<double> frame_offsets(DcmItem& ds, DoseGrid& dose) {
  std::vector<double> offsets = get_numbers(ds, DCM_GridFrameOffsetVector);
  for (double& o : offsets) o += 0.0;  // "-0" (brachy export) → +0, so output never shows -0
  const Point3 slice_direction = cross(dose.row_direction, dose.column_direction);
  // GFOV type b (PS3.3 C.8.8.3.2): absolute slice positions, first == origin along the slice axis.
  if (!offsets.empty() && offsets.front() != 0.0) {
    const double origin_along_slice = dot(dose.origin_mm, slice_direction);
    if (std::fabs(offsets.front() - origin_along_slice) < 1e-3) {
      for (double& o : offsets) o -= origin_along_slice;
      dose.notes.push_back(
          "GridFrameOffsetVector holds absolute positions (first = " + fmt(origin_along_slice) +
          " mm): converted to offsets relative to ImagePositionPatient");
    } else {
      dose.notes.push_back("GridFrameOffsetVector starts at " + fmt(offsets.front()) +
                           " mm, neither 0 nor the origin's position: used as relative offsets");
    }
  }
  return offsets;
}

// The frames to use given NumberOfFrames and the frames the pixel data holds (>= 1).
std::size_t resolve_frames(std::optional<int> declared, std::size_t available, DoseGrid& dose) {
  if (!declared) {
    dose.notes.push_back("NumberOfFrames absent: " + std::to_string(available) +
                         " frame(s) from pixel data length");
    return available;
  }
  if (*declared <= 0 || static_cast<std::size_t>(*declared) > available) {
    dose.notes.push_back("NumberOfFrames " + std::to_string(*declared) + " but pixel data holds " +
                         std::to_string(available) + " frame(s): using the pixel data");
    return available;
  }
  const auto frames = static_cast<std::size_t>(*declared);
  if (frames < available)
    dose.notes.push_back("pixel data holds " + std::to_string(available) + " frames, NumberOfFrames " +
                         std::to_string(frames) + ": extra frames ignored");
  return frames;
}

// One offset per frame, or why the slice positions are unknown.
std::string fit_offsets(std::vector<double>& offsets, std::size_t frames, DoseGrid& dose) {
  if (offsets.size() > frames) {
    dose.notes.push_back("GridFrameOffsetVector has " + std::to_string(offsets.size()) + " values for " +
                         std::to_string(frames) + " frame(s): using the first " + std::to_string(frames));
    offsets.resize(frames);
  } else if (offsets.size() < frames) {
    if (frames == 1) {
      offsets = {0.0};
    } else if (offsets.empty() && dose.slice_thickness_mm && *dose.slice_thickness_mm > 0) {
      for (std::size_t i = 0; i < frames; ++i)
        offsets.push_back(static_cast<double>(i) * *dose.slice_thickness_mm);
      dose.notes.push_back("GridFrameOffsetVector absent: frame offsets from SliceThickness " +
                           fmt(*dose.slice_thickness_mm) + " mm");
    } else {
      return "GridFrameOffsetVector (3004,000C) has " + std::to_string(offsets.size()) + " values for " +
             std::to_string(frames) + " frames: slice positions unknown";
    }
  }
  return {};
}

// Stored values × DoseGridScaling of voxels [first, first + count) into dose.dose.
void decode_range(const Uint8* bytes, std::size_t first, std::size_t count, std::size_t bytes_per_voxel,
                  bool big_endian_source, DoseGrid& dose) {
  const double scaling = dose.dose_grid_scaling;
  float* out = dose.dose.data() + first;
  if (bytes_per_voxel == 2) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint16_t u = static_cast<std::uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
      const double stored = dose.pixel_signed ? static_cast<double>(static_cast<std::int16_t>(u)) : u;
      out[i] = static_cast<float>(stored * scaling);
    }
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const Uint8* b = bytes + 4 * i;
    std::uint32_t u = static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
                      (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
    // Big endian files: DCMTK swaps OW per 16-bit word, leaving the two halves of a
    // 32-bit value in file (high-first) order.
    if (big_endian_source) u = (u >> 16) | (u << 16);
    const double stored = dose.pixel_signed ? static_cast<double>(static_cast<std::int32_t>(u)) : u;
    out[i] = static_cast<float>(stored * scaling);
  }
}

// All voxels (rows, columns, frames already set) into dose.dose; a deferred value is read
// in chunks that stay in cache (getPartialValue swaps 16-bit words as getUint16Array does),
// instead of DCMTK allocating, faulting in and filling the whole value first.
std::string decode_voxels(const PixelValue& value, std::size_t bytes_per_voxel, bool big_endian_source,
                          DoseGrid& dose) {
  const std::size_t voxels = static_cast<std::size_t>(dose.rows) * dose.columns * dose.frames;
  dose.dose.resize(voxels);
  if (!value.deferred) {
    decode_range(value.bytes, 0, voxels, bytes_per_voxel, big_endian_source, dose);
    return {};
  }
  constexpr std::size_t chunk_bytes = 256 << 10;  // a multiple of 2 and 4
  std::vector<Uint8> chunk(chunk_bytes);
  DcmFileCache cache;
  const std::size_t total = voxels * bytes_per_voxel;
  for (std::size_t at = 0; at < total; at += chunk_bytes) {
    const std::size_t n = std::min(chunk_bytes, total - at);
    const OFCondition cond = value.deferred->getPartialValue(chunk.data(), static_cast<Uint32>(at),
                                                             static_cast<Uint32>(n), &cache);
    if (cond.bad()) {
      dose.dose.clear();
      return std::string("PixelData (7FE0,0010) cannot be read at byte ") + std::to_string(at) + ": " +
             cond.text();
    }
    decode_range(chunk.data(), at / bytes_per_voxel, n / bytes_per_voxel, bytes_per_voxel, big_endian_source,
                 dose);
  }
  return {};
}

}  // namespace

std::string read_dose(DcmDataset& ds, bool big_endian_source, const InputLimits& limits, DoseGrid& dose) {
  if (std::string problem = dose_limit_problem(ds, limits); !problem.empty()) return problem;
  const auto declared_frames = get_int(ds, DCM_NumberOfFrames);
  read_header(ds, dose);
  std::vector<double> offsets = frame_offsets(ds, dose);

  PixelValue pixels;
  if (!pixel_value(ds, pixels)) return "PixelData (7FE0,0010) cannot be accessed";
  const std::size_t length = pixels.length;
  if (!pixels.present || length == 0) {
    dose.notes.push_back(pixels.present ? "PixelData (7FE0,0010) is zero-length: no dose values"
                                        : "PixelData (7FE0,0010) absent: no dose values");
    dose.frames = declared_frames.value_or(static_cast<int>(offsets.size()));
    dose.frame_offsets_mm = offsets;
    if (auto scaling = get_number(ds, DCM_DoseGridScaling)) dose.dose_grid_scaling = *scaling;
    return {};
  }

  if (dose.rows <= 0 || dose.columns <= 0)
    return "Rows (0028,0010) / Columns (0028,0011) absent or zero while PixelData holds " +
           std::to_string(length) + " bytes";
  if (dose.bits_allocated != 16 && dose.bits_allocated != 32)
    return "BitsAllocated (0028,0100) is " + std::to_string(dose.bits_allocated) + "; RT Dose needs 16 or 32";
  const std::size_t bytes_per_voxel = static_cast<std::size_t>(dose.bits_allocated) / 8;
  const std::size_t frame_bytes = static_cast<std::size_t>(dose.rows) * dose.columns * bytes_per_voxel;
  const std::size_t available = length / frame_bytes;
  if (available == 0)
    return "PixelData holds " + std::to_string(length) + " bytes, less than one " +
           std::to_string(dose.columns) + "x" + std::to_string(dose.rows) + " frame of " +
           std::to_string(frame_bytes) + " bytes";
  const std::size_t frames = resolve_frames(declared_frames, available, dose);
  if (std::string problem = dose_voxel_limit_problem(dose.columns, dose.rows, static_cast<double>(frames),
                                                     "frames in PixelData", limits);
      !problem.empty())
    return problem;
  dose.frames = static_cast<int>(frames);
  if (std::string problem = fit_offsets(offsets, frames, dose); !problem.empty()) return problem;
  dose.frame_offsets_mm = std::move(offsets);

  if (auto scaling = get_number(ds, DCM_DoseGridScaling)) {
    dose.dose_grid_scaling = *scaling;
  } else {
    dose.notes.push_back("DoseGridScaling (3004,000E) absent: stored values used as doses (scaling 1)");
  }
  return decode_voxels(pixels, bytes_per_voxel, big_endian_source, dose);
}

}  // namespace rtreview::dicom
