// libFuzzer harness (structured): a plan + structure set + dose triple. The input is a
// container "RTFZ" + 3 × (u32 little-endian length, bytes) in the order RP, RS, RD; the custom
// mutator mutates one member at a time, so references between the three stay intact while one
// object is damaged. An input that is not a container starts from a small built-in triple
// (the sample phantom cut down to a few kilobytes in all, below), so the fuzzer needs
// no seed files.
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

// Keeps about `keep` elements spread evenly, the first and the last among them.
template <typename T>
void keep_spread(std::vector<T>& items, std::size_t keep) {
  if (items.size() <= keep || keep < 2) return;
  std::vector<T> kept;
  for (std::size_t i = 0; i < keep; ++i) kept.push_back(items[i * (items.size() - 1) / (keep - 1)]);
  items = std::move(kept);
}

// An MLC with every `step`-th leaf pair: boundaries and both banks' positions.
void thin_leaves(rtreview::Beam& beam, std::size_t step) {
  for (auto& device : beam.limiting_devices) {
    if (device.leaf_boundaries_mm.size() < 2) continue;
    const std::size_t pairs = device.leaf_boundaries_mm.size() - 1;
    std::vector<double> bounds;
    for (std::size_t i = 0; i <= pairs; i += step) bounds.push_back(device.leaf_boundaries_mm[i]);
    if (pairs % step != 0) bounds.push_back(device.leaf_boundaries_mm.back());
    const std::size_t kept = bounds.size() - 1;
    for (auto& cp : beam.control_points)
      for (auto& pos : cp.device_positions) {
        if (pos.device_type != device.device_type || pos.positions_mm.size() != 2 * pairs) continue;
        std::vector<double> thinned(2 * kept);
        for (std::size_t k = 0; k < kept; ++k) {
          thinned[k] = pos.positions_mm[std::min(k * step, pairs - 1)];
          thinned[kept + k] = pos.positions_mm[pairs + std::min(k * step, pairs - 1)];
        }
        pos.positions_mm = std::move(thinned);
      }
    device.leaf_boundaries_mm = std::move(bounds);
    device.leaf_pair_count = static_cast<int>(kept);
  }
}

// The IMRT sample set cut down so that one input costs well under a millisecond yet every
// stage has something to work on: three ROIs (BODY, the PTV, a parotid: an external, a
// target and an OAR for the geometry checks) of three planes of six points, one beam of
// three control points and eight leaf pairs, a dose grid of a few voxels per axis.
Triple built_in_triple() {
  using namespace rtreview;
  constexpr int kStep = 16;  // dose voxels merged per axis
  StructureSet ss = samples::make_hn_structure_set(1);
  Plan plan = samples::make_hn_plan(samples::Technique::imrt_step_and_shoot, ss, 1);
  DoseGrid dose = samples::make_hn_dose(ss, 1, plan.info.sop_instance_uid);  // needs every ROI
  std::erase_if(ss.rois, [](const Roi& roi) {
    return roi.name != "BODY" && roi.name != "PTV_7000" && roi.name != "Parotid_L";
  });
  for (Roi& roi : ss.rois) {
    keep_spread(roi.contours, 3);
    for (Contour& c : roi.contours) keep_spread(c.points_mm, 6);
  }
  plan.beams.resize(1);
  for (auto& group : plan.fraction_groups)
    std::erase_if(group.beams,
                  [&](const ReferencedBeam& b) { return b.beam_number != plan.beams[0].number; });
  Beam& beam = plan.beams[0];
  keep_spread(beam.control_points, 3);
  for (std::size_t i = 0; i < beam.control_points.size(); ++i)
    beam.control_points[i].index = static_cast<int>(i);
  beam.declared_control_point_count = static_cast<int>(beam.control_points.size());
  thin_leaves(beam, 8);
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
