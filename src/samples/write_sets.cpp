// Writing a sample set with the dicom module's writer (no DCMTK here).
#include <system_error>

#include "rtreview/dicom_io.h"
#include "rtreview/samples.h"

namespace rtreview::samples {

Result write_sample_set(const SampleSet& set, const std::filesystem::path& dir,
                        std::vector<std::filesystem::path>& written) {
  namespace fs = std::filesystem;
  const fs::path folder = dir / set.name;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec)
    return Result::failure(ErrorCode::cannot_write, folder.string(), "cannot create folder: " + ec.message());

  const fs::path rs = folder / "RS.dcm", rp = folder / "RP.dcm", rd = folder / "RD.dcm";
  if (Result r = write_structure_set(set.structure_set, rs); !r) return r;
  written.push_back(rs);
  if (Result r = write_plan(set.plan, rp); !r) return r;
  if (set.truncate_plan) {
    // Two thirds in is deep inside the BeamSequence (most of the file): a cut mid-element.
    const auto size = fs::file_size(rp, ec);
    if (!ec) fs::resize_file(rp, size * 2 / 3, ec);
    if (ec) return Result::failure(ErrorCode::cannot_write, rp.string(), "cannot truncate: " + ec.message());
  }
  written.push_back(rp);
  if (Result r = write_dose(set.dose, rd); !r) return r;
  written.push_back(rd);
  return {};
}

}  // namespace rtreview::samples
