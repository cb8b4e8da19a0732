// libFuzzer harness (structured): a plan + structure set + dose triple. The input is a
// container "RTFZ" + 3 × (u32 little-endian length, bytes) in the order RP, RS, RD; the custom
// mutator mutates one member at a time, so references between the three stay intact while one
// object is damaged. An input that is not a container starts from a small built-in triple
// (the sample phantom, coarsened), so the fuzzer needs no seed files.
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_support.h"
#include "rtreview/samples.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

using Triple = std::array<std::vector<std::uint8_t>, 3>;
constexpr char kMagic[4] = {'R', 'T', 'F', 'Z'};
const char* const kNames[3] = {"RP.dcm", "RS.dcm", "RD.dcm"};

bool parse(const std::uint8_t* data, std::size_t size, Triple& out) {
  if (size < 4 || std::memcmp(data, kMagic, 4) != 0) return false;
  std::size_t at = 4;
  for (auto& member : out) {
    if (size - at < 4) return false;
    const std::uint32_t length = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) |
                                 (static_cast<std::uint32_t>(data[at + 3]) << 24);
    at += 4;
    if (length > size - at) return false;
    member.assign(data + at, data + at + length);
    at += length;
  }
  return true;
}

std::vector<std::uint8_t> serialize(const Triple& triple) {
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  for (const auto& member : triple) {
    const auto n = static_cast<std::uint32_t>(member.size());
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
    out.insert(out.end(), member.begin(), member.end());
  }
  return out;
}

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Keeps every `step`-th element (at least `keep_min`).
template <typename T>
void thin(std::vector<T>& items, std::size_t step, std::size_t keep_min) {
  if (items.size() <= keep_min) return;
  std::vector<T> kept;
  for (std::size_t i = 0; i < items.size(); i += step) kept.push_back(items[i]);
  items = std::move(kept);
}

// The IMRT sample set, made small so one input costs milliseconds: six ROIs (targets first),
// few contours and points, two beams with every fourth control point, an 8x coarser dose grid.
Triple built_in_triple() {
  using namespace rtreview;
  constexpr int kStep = 8;
  StructureSet ss = samples::make_hn_structure_set(1);
  Plan plan = samples::make_hn_plan(samples::Technique::imrt_step_and_shoot, ss, 1);
  DoseGrid dose = samples::make_hn_dose(ss, 1, plan.info.sop_instance_uid);  // needs every ROI
  std::stable_partition(ss.rois.begin(), ss.rois.end(), [](const Roi& roi) {
    return roi.interpreted_type == "PTV" || roi.interpreted_type == "EXTERNAL";
  });
  if (ss.rois.size() > 6) ss.rois.resize(6);
  for (Roi& roi : ss.rois) {
    thin(roi.contours, 8, 2);
    for (Contour& c : roi.contours) thin(c.points_mm, 8, 6);
  }
  thin(plan.beams, 4, 1);
  for (Beam& beam : plan.beams) {
    const ControlPoint last = beam.control_points.back();
    thin(beam.control_points, 4, 2);
    if (beam.control_points.back().index != last.index) beam.control_points.push_back(last);
    for (std::size_t i = 0; i < beam.control_points.size(); ++i)
      beam.control_points[i].index = static_cast<int>(i);
  }
  DoseGrid coarse = dose;
  coarse.columns = (dose.columns + kStep - 1) / kStep;
  coarse.rows = (dose.rows + kStep - 1) / kStep;
  coarse.frames = (dose.frames + kStep - 1) / kStep;
  coarse.column_spacing_mm *= kStep;
  coarse.row_spacing_mm *= kStep;
  coarse.frame_offsets_mm.clear();
  coarse.dose.clear();
  coarse.dvhs.clear();
  for (int f = 0; f < coarse.frames; ++f) {
    coarse.frame_offsets_mm.push_back(dose.frame_offsets_mm[static_cast<std::size_t>(f) * kStep]);
    for (int r = 0; r < coarse.rows; ++r)
      for (int c = 0; c < coarse.columns; ++c)
        coarse.dose.push_back(dose.at(c * kStep, r * kStep, f * kStep));
  }
  // The writer takes paths: a private folder for the three files, removed once they are read.
  std::string pattern = (std::filesystem::temp_directory_path() / "rtreview-fuzz-XXXXXX").string();
  const char* made = ::mkdtemp(pattern.data());
  if (!made) std::abort();  // no temp folder: the harness cannot start
  const std::filesystem::path dir = made;
  write_plan(plan, dir / kNames[0]);
  write_structure_set(ss, dir / kNames[1]);
  write_dose(coarse, dir / kNames[2]);
  Triple out{file_bytes(dir / kNames[0]), file_bytes(dir / kNames[1]), file_bytes(dir / kNames[2])};
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return out;
}

const Triple& base_triple() {
  static const Triple triple = built_in_triple();
  return triple;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  rtreview::fuzz::prepare();
  (void)base_triple();
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  Triple triple;
  if (!parse(data, size, triple)) triple = base_triple();
  auto& member = triple[seed % 3];
  const std::size_t others = serialize(triple).size() - member.size();
  if (others >= max_size) return size;  // too large to grow: leave it (libFuzzer tries other inputs)
  const std::size_t room = max_size - others;
  const std::size_t keep = std::min(member.size(), room);
  member.resize(room);
  member.resize(LLVMFuzzerMutate(member.data(), keep, room));
  const std::vector<std::uint8_t> out = serialize(triple);
  if (out.size() > max_size) return size;
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  Triple triple;
  if (!parse(data, size, triple)) triple = base_triple();
  Inventory inventory;
  for (int i = 0; i < 3; ++i) read_bytes(kNames[i], triple[i].data(), triple[i].size(), inventory);
  fuzz::assemble_and_check(inventory);
  return 0;
}
