// The DVH engine: per ROI, scan-fill each contour plane on a lattice, cut its slab into
// sub-slabs, and histogram the trilinear dose at every sample. Work is split into
// (ROI, plane range) items fixed by the geometry alone, each accumulated on its own and
// merged in item order, so results are identical for any thread count.
#include "rtreview/dvh.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "dvh/dose_sampler.h"
#include "geometry/slabs.h"

namespace rtreview {
namespace {

using dvh::AxisHit;
using dvh::DoseSampler;
using geometry::RoiPlane;
using geometry::RoiSlabs;

// Sampling density: about target_samples per ROI (plenty for < 1 % on Dx, see the analytic
// test), never coarser than the dose voxels or 1/16 of the ROI's thinnest extent, and
// never more than max_samples_per_roi (big ROIs need less relative resolution).
constexpr double target_samples_per_roi = 2.5e5;
constexpr double max_samples_per_roi = 2.0e6;
constexpr double min_lattice_per_extent = 16.0;
constexpr double samples_per_item = 2.5e5;  // work-item size for load balancing
constexpr std::size_t max_bins = 1'000'000;
constexpr long dense_histogram_bins = 1L << 18;  // preallocate 0..max dose when it is at most this many bins

// The dose distribution of a region, as F(e) = volume with dose < e at the bin edges
// e_k = k · bin. Each sample stands for its lattice cell, whose dose (for a locally linear
// dose) is spread uniformly over [d − δ/2, d + δ/2]; its F is then a ramp, stored exactly
// at the edges as a slope change and a value jump at the first edge past each kink. This
// removes the staircase that point samples leave in the cumulative DVH.
struct Accumulator {
  long first_edge = 0;
  std::vector<double> slope, jump;  // slot i is edge first_edge + i; slope in mm³ per bin
  double in_mm3 = 0, out_mm3 = 0, dose_volume_sum = 0;
  double min_gy = std::numeric_limits<double>::infinity(), max_gy = -std::numeric_limits<double>::infinity();
  long samples = 0;

  // Makes edges lo..hi addressable; grows geometrically (amortised O(1)).
  void ensure(long lo, long hi) {
    const long size = static_cast<long>(slope.size());
    if (size == 0) {
      first_edge = lo;
      slope.assign(static_cast<std::size_t>(hi - lo + 1), 0.0);
      jump.assign(slope.size(), 0.0);
      return;
    }
    if (lo < first_edge) {
      const long new_first = std::max(0L, std::min(lo, first_edge - size));
      slope.insert(slope.begin(), static_cast<std::size_t>(first_edge - new_first), 0.0);
      jump.insert(jump.begin(), static_cast<std::size_t>(first_edge - new_first), 0.0);
      first_edge = new_first;
    }
    if (hi >= first_edge + static_cast<long>(slope.size())) {
      const auto n =
          static_cast<std::size_t>(std::max(hi - first_edge + 1, 2 * static_cast<long>(slope.size())));
      slope.resize(n, 0.0);
      jump.resize(n, 0.0);
    }
  }
  bool covers(long lo, long hi) const {
    return lo >= first_edge && hi < first_edge + static_cast<long>(slope.size());
  }
  // Volume w (mm³) at dose d (≥ 0) spread over width δ (Gy); inv_bin = 1 / bin width.
  void add(double d, double delta, double w, double inv_bin) {
    double a = (d - 0.5 * delta) * inv_bin, b = (d + 0.5 * delta) * inv_bin;  // in bins
    if (a < 0) a = 0;
    if (!(b - a > 1e-6)) {  // a point mass: counted from the edge past d
      const long k = static_cast<long>(d * inv_bin) + 1;
      if (!covers(k, k)) [[unlikely]]
        ensure(k, k);
      jump[static_cast<std::size_t>(k - first_edge)] += w;
      return;
    }
    const double s = w / (b - a);
    const long ka = static_cast<long>(std::ceil(a)), kb = static_cast<long>(std::ceil(b));
    if (!covers(ka, kb)) [[unlikely]]
      ensure(ka, kb);
    const std::size_t ia = static_cast<std::size_t>(ka - first_edge),
                      ib = static_cast<std::size_t>(kb - first_edge);
    slope[ia] += s;
    jump[ia] += s * (static_cast<double>(ka) - a);
    slope[ib] -= s;
    jump[ib] -= s * (static_cast<double>(kb) - b);
  }
  void merge(const Accumulator& o) {
    if (!o.slope.empty()) {
      ensure(o.first_edge, o.first_edge + static_cast<long>(o.slope.size()) - 1);
      const std::size_t off = static_cast<std::size_t>(o.first_edge - first_edge);
      for (std::size_t i = 0; i < o.slope.size(); ++i) {
        slope[off + i] += o.slope[i];
        jump[off + i] += o.jump[i];
      }
    }
    in_mm3 += o.in_mm3;
    out_mm3 += o.out_mm3;
    dose_volume_sum += o.dose_volume_sum;
    min_gy = std::min(min_gy, o.min_gy);
    max_gy = std::max(max_gy, o.max_gy);
    samples += o.samples;
  }
};

struct RoiJob {
  std::size_t result_index = 0;
  RoiSlabs slabs;
  double h_mm = 1.0;
  int fixed_subslabs = 0;  // 0: per plane from thickness / h
  double x0_mm = 0, y0_mm = 0;
};

struct WorkItem {
  std::size_t job = 0;
  std::size_t plane_begin = 0, plane_end = 0;
  double cost = 0;
  Accumulator acc;
};

// A run of lattice samples on one scanline: x = x_first + q·h, q < count.
struct Span {
  double y_mm, x_first_mm;
  long count;
};

void run_item(const RoiJob& job, const DoseSampler& sampler, double bin_width_gy, WorkItem& item) {
  Accumulator& acc = item.acc;
  const long max_edge = static_cast<long>(sampler.max_dose() / bin_width_gy) + 2;
  if (max_edge <= dense_histogram_bins) acc.ensure(0, max_edge);
  const double h = job.h_mm;
  const double inv_bin = 1.0 / bin_width_gy;
  std::vector<double> xs;
  std::vector<Span> spans;
  for (std::size_t pi = item.plane_begin; pi < item.plane_end; ++pi) {
    const RoiPlane& plane = job.slabs.planes[pi];
    spans.clear();
    long n = 0;
    const long j_lo = static_cast<long>(std::floor((plane.y_min_mm - job.y0_mm) / h)) - 1;
    const long j_hi = static_cast<long>(std::ceil((plane.y_max_mm - job.y0_mm) / h)) + 1;
    for (long j = j_lo; j <= j_hi; ++j) {
      const double y = job.y0_mm + (static_cast<double>(j) + 0.5) * h;
      geometry::scanline_crossings(plane, y, xs);
      for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
        // Samples x_q = x0 + (q + ½)h with xa <= x_q < xb.
        const long q0 = static_cast<long>(std::ceil((xs[k] - job.x0_mm) / h - 0.5));
        const long q1 = static_cast<long>(std::ceil((xs[k + 1] - job.x0_mm) / h - 0.5));
        if (q1 > q0) {
          spans.push_back({y, job.x0_mm + (static_cast<double>(q0) + 0.5) * h, q1 - q0});
          n += q1 - q0;
        }
      }
    }
    // The exact area unless the contours cross each other (then the nesting-depth area is
    // wrong and the sampled parity area is the better estimate).
    double area = plane.area_mm2;
    const double sampled_area = static_cast<double>(n) * h * h;
    if (n >= 50 && std::abs(sampled_area - area) > 0.1 * area) area = sampled_area;
    if (n == 0) {
      if (!(area > 0)) continue;
      // Smaller than the lattice: one sample at the vertex mean of its first contour.
      const auto& p = plane.polygons.front();
      double cx = 0, cy = 0;
      for (std::size_t k = 0; k < p.x_mm.size(); ++k) cx += p.x_mm[k], cy += p.y_mm[k];
      const double m = static_cast<double>(p.x_mm.size());
      spans.push_back({cy / m, cx / m, 1});
      n = 1;
    }
    const int subslabs = job.fixed_subslabs > 0
                             ? job.fixed_subslabs
                             : std::max(1, static_cast<int>(std::ceil(plane.thickness_mm() / h - 1e-9)));
    const double dz = plane.thickness_mm() / subslabs;
    const double w = area * dz / static_cast<double>(n);
    for (int s = 0; s < subslabs; ++s) {
      const double z = plane.z_lo_mm + (s + 0.5) * dz;
      AxisHit hz, hy, hx;
      if (!sampler.locate(2, z, hz)) {
        acc.out_mm3 += w * static_cast<double>(n);
        continue;
      }
      for (const Span& sp : spans) {
        if (!sampler.locate(1, sp.y_mm, hy)) {
          acc.out_mm3 += w * static_cast<double>(sp.count);
          continue;
        }
        long inside = 0;
        double sum = 0;
        for (long q = 0; q < sp.count; ++q) {
          if (!sampler.locate(0, sp.x_first_mm + static_cast<double>(q) * h, hx)) continue;
          float gx, gy, gz;
          const float d = sampler.sample_with_gradient(hx, hy, hz, gx, gy, gz);
          double dd = d, delta = 0;
          if (std::isfinite(dd)) {
            // Dose spread over the cell: per-axis ranges combined by variance (exact for one axis).
            const double ex = gx * h, ey = gy * h, ez = gz * dz;
            delta = std::sqrt(ex * ex + ey * ey + ez * ez);
            if (!std::isfinite(delta)) delta = 0;
          } else {
            dd = 0;
          }
          if (dd < 0) dd = 0;
          ++inside;
          sum += dd;
          if (dd < acc.min_gy) acc.min_gy = dd;
          if (dd > acc.max_gy) acc.max_gy = dd;
          acc.add(dd, delta, w, inv_bin);
        }
        acc.samples += inside;
        acc.in_mm3 += w * static_cast<double>(inside);
        acc.out_mm3 += w * static_cast<double>(sp.count - inside);
        acc.dose_volume_sum += w * sum;
      }
    }
  }
}

double median_spacing_mm(const std::vector<RoiSlabs>& all) {
  std::vector<double> s;
  for (const auto& x : all)
    if (x.planes.size() >= 2) s.push_back(x.typical_spacing_mm);
  if (s.empty()) return 0.0;
  std::nth_element(s.begin(), s.begin() + s.size() / 2, s.end());
  return s[s.size() / 2];
}

void finalize(const Accumulator& acc, double bin_width_gy, RoiDvh& out) {
  out.volume_in_grid_cc = acc.in_mm3 / 1000.0;
  out.volume_outside_grid_cc = acc.out_mm3 / 1000.0;
  out.sample_count = acc.samples;
  out.bin_width_gy = bin_width_gy;
  if (acc.samples == 0 || !(acc.in_mm3 > 0)) {
    out.computed = false;
    out.not_computed_reason = "outside dose grid";
    return;
  }
  out.computed = true;
  out.min_gy = acc.min_gy;
  out.max_gy = acc.max_gy;
  out.mean_gy = acc.dose_volume_sum / acc.in_mm3;
  // F at each edge (volume below it), then V = total − F, kept within [0, total] and non-increasing.
  const std::size_t n = acc.slope.size();
  std::vector<double> f(n + 1, 0.0);
  double running_slope = 0, value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    value += acc.jump[i];
    f[i] = value;
    running_slope += acc.slope[i];
    value += running_slope;
  }
  f[n] = value;
  const double total = acc.in_mm3;
  std::size_t lo = 0, hi = n;  // first edge with F > 0, last edge with F < total
  while (lo < n && f[lo] <= total * 1e-14) ++lo;
  while (hi > lo && f[hi] >= total * (1 - 1e-14)) --hi;
  const std::size_t begin = lo > 0 ? lo - 1 : 0, end = std::min(hi + 1, n);
  auto& cd = out.cumulative.dose_gy;
  auto& cv = out.cumulative.volume_cc;
  cd.clear(), cv.clear();
  out.differential.dose_gy.clear();
  out.differential.volume_cc.clear();
  const long first_edge = acc.first_edge + static_cast<long>(begin);
  if (first_edge > 0) {
    cd.push_back(0.0);
    cv.push_back(total / 1000.0);
  }
  double previous = total;
  for (std::size_t i = begin; i <= end; ++i) {
    double v = i == end ? 0.0 : std::clamp(total - f[i], 0.0, previous);
    if (i == begin && first_edge <= 0) v = total;
    cd.push_back(static_cast<double>(acc.first_edge + static_cast<long>(i)) * bin_width_gy);
    cv.push_back(v / 1000.0);
    if (i > begin) {
      out.differential.dose_gy.push_back(cd[cd.size() - 2]);
      out.differential.volume_cc.push_back((previous - v) / 1000.0);
    }
    previous = v;
  }
}

}  // namespace

std::vector<RoiDvh> compute_dvhs(const StructureSet& ss, const DoseGrid& dose, const DvhOptions& options) {
  std::vector<const Roi*> rois;
  for (const auto& roi : ss.rois) {
    if (!options.roi_names.empty() &&
        std::find(options.roi_names.begin(), options.roi_names.end(), roi.name) == options.roi_names.end())
      continue;
    rois.push_back(&roi);
  }
  std::vector<RoiDvh> results(rois.size());
  std::vector<RoiSlabs> slabs(rois.size());
  for (std::size_t i = 0; i < rois.size(); ++i) {
    results[i].roi_number = rois[i]->number;
    results[i].roi_name = rois[i]->name;
    results[i].dose_units = dose.units;
    slabs[i] = geometry::build_slabs(*rois[i], options.end_caps);
  }
  // Single-plane ROIs borrow the structure set's typical spacing for their slab.
  const double fallback = median_spacing_mm(slabs);
  for (std::size_t i = 0; i < rois.size(); ++i)
    if (slabs[i].empty() && rois[i]->has_closed_contours())
      slabs[i] = geometry::build_slabs(*rois[i], options.end_caps, fallback);

  std::string why;
  const auto sampler = DoseSampler::make(dose, why);
  double bin_width =
      options.bin_width_gy > 0 && std::isfinite(options.bin_width_gy) ? options.bin_width_gy : 0.01;
  if (sampler && sampler->max_dose() / bin_width > static_cast<double>(max_bins))
    bin_width = sampler->max_dose() / static_cast<double>(max_bins);

  std::vector<RoiJob> jobs;
  std::vector<WorkItem> items;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    RoiDvh& r = results[i];
    const RoiSlabs& s = slabs[i];
    r.volume_cc = s.volume_mm3() / 1000.0;
    if (!rois[i]->has_closed_contours()) {
      r.not_computed_reason = "no closed planar contours";
      continue;
    }
    if (s.empty()) {
      r.not_computed_reason = "no usable closed planar contours (" + std::to_string(s.ignored_contours) +
                              " not on an axial plane or malformed, or one plane without a known thickness)";
      continue;
    }
    if (!sampler) {
      r.not_computed_reason = why;
      continue;
    }
    RoiJob job;
    job.result_index = i;
    const Bounds3 b = s.bounds();
    const double extent = std::max(
        std::min({b.max_mm[0] - b.min_mm[0], b.max_mm[1] - b.min_mm[1], b.max_mm[2] - b.min_mm[2]}), 1e-3);
    const double volume_mm3 = std::max(s.volume_mm3(), 1e-9);
    double h = std::min({sampler->min_spacing_mm(), extent / min_lattice_per_extent,
                         std::cbrt(volume_mm3 / target_samples_per_roi)});
    if (volume_mm3 / (h * h * h) > max_samples_per_roi) h = std::cbrt(volume_mm3 / max_samples_per_roi);
    if (options.inplane_supersampling && *options.inplane_supersampling > 0)
      h = sampler->min_spacing_mm() / *options.inplane_supersampling;
    if (options.sample_spacing_mm && *options.sample_spacing_mm > 0) h = *options.sample_spacing_mm;
    h = std::max(h, 1e-3);
    job.h_mm = h;
    job.fixed_subslabs =
        options.slab_supersampling && *options.slab_supersampling > 0 ? *options.slab_supersampling : 0;
    // Lattice centred on the ROI's box: symmetric shapes get symmetric samples.
    auto centred_start = [h](double lo, double hi) {
      const double n = std::ceil((hi - lo) / h);
      return lo - 0.5 * (n * h - (hi - lo));
    };
    job.x0_mm = centred_start(b.min_mm[0], b.max_mm[0]);
    job.y0_mm = centred_start(b.min_mm[1], b.max_mm[1]);
    r.sample_spacing_mm = h;
    job.slabs = s;
    // Items of consecutive planes holding about samples_per_item samples each.
    WorkItem item;
    item.job = jobs.size();
    for (std::size_t p = 0; p < s.planes.size(); ++p) {
      const double sub =
          job.fixed_subslabs > 0 ? job.fixed_subslabs : std::ceil(s.planes[p].thickness_mm() / h);
      item.cost += s.planes[p].area_mm2 / (h * h) * std::max(sub, 1.0) + 1.0;
      item.plane_end = p + 1;
      if (item.cost >= samples_per_item || p + 1 == s.planes.size()) {
        items.push_back(item);
        item.plane_begin = p + 1;
        item.cost = 0;
      }
    }
    jobs.push_back(std::move(job));
  }

  // Largest items first; each item writes only its own accumulator.
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return items[a].cost > items[b].cost; });
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      WorkItem& it = items[order[k]];
      run_item(jobs[it.job], *sampler, bin_width, it);
    }
  };
  unsigned threads =
      options.threads > 0 ? static_cast<unsigned>(options.threads) : std::thread::hardware_concurrency();
  threads = std::clamp<unsigned>(threads, 1, static_cast<unsigned>(std::max<std::size_t>(items.size(), 1)));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }

  // Merge in item order (deterministic).
  std::vector<Accumulator> merged(jobs.size());
  for (const auto& it : items) merged[it.job].merge(it.acc);
  for (std::size_t j = 0; j < jobs.size(); ++j) finalize(merged[j], bin_width, results[jobs[j].result_index]);
  return results;
}

}  // namespace rtreview
