// The DVH engine: per ROI, scan-fill each contour plane on a lattice, cut its slab into
// sub-slabs, and histogram the trilinear dose at every sample. Work is split into
// (ROI, plane range) items fixed by the geometry alone, each accumulated on its own and
// merged in item order, so results are identical for any thread count.
#include "rtreview/dvh.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dvh/dose_sampler.h"
#include "dvh/work_budget.h"
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

// The chunk passes are built three times, for AVX-512, AVX2 and the baseline ISA, and chosen
// at start-up (ifunc). No clone may fuse a multiply and an add (AVX-512F has FMA: the file is
// compiled with -ffp-contract=off), so all give the same bits; the wider vectors only process
// more samples per instruction.
#if defined(__x86_64__) && defined(__GNUC__)
#define RTREVIEW_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RTREVIEW_SIMD_CLONES
#endif

// ⌈x⌉ for 0 <= x < 2⁶³ without a libm call (std::ceil is not inlined without SSE4.1).
inline long ceil_nonnegative(double x) {
  const long k = static_cast<long>(x);
  return k + (static_cast<double>(k) < x);
}

// The dose distribution of a region, as F(e) = volume with dose < e at the bin edges
// e_k = k · bin. Each sample stands for its lattice cell, whose dose (for a locally linear
// dose) is spread uniformly over [d − δ/2, d + δ/2]; its F is then a ramp, stored exactly
// at the edges as a slope change and a value jump at the first edge past each kink. This
// removes the staircase that point samples leave in the cumulative DVH.
struct Accumulator {
  long first_edge = 0;
  // Per edge, side by side so that a sample's update of an edge is one two-lane operation:
  // edge first_edge + i has its slope change (mm³ per bin) at 2i and its value jump at 2i + 1.
  std::vector<double> sj;
  double in_mm3 = 0, out_mm3 = 0, dose_volume_sum = 0;
  double min_gy = std::numeric_limits<double>::infinity(), max_gy = -std::numeric_limits<double>::infinity();
  long samples = 0;

  // Makes edges lo..hi addressable; grows geometrically (amortised O(1)).
  long edges() const { return static_cast<long>(sj.size() / 2); }
  void ensure(long lo, long hi) {
    const long size = edges();
    if (size == 0) {
      first_edge = lo;
      sj.assign(2 * static_cast<std::size_t>(hi - lo + 1), 0.0);
      return;
    }
    if (lo < first_edge) {
      const long new_first = std::max(0L, std::min(lo, first_edge - size));
      sj.insert(sj.begin(), 2 * static_cast<std::size_t>(first_edge - new_first), 0.0);
      first_edge = new_first;
    }
    if (hi >= first_edge + edges())
      sj.resize(2 * static_cast<std::size_t>(std::max(hi - first_edge + 1, 2 * edges())), 0.0);
  }
  bool covers(long lo, long hi) const { return lo >= first_edge && hi < first_edge + edges(); }
  // Edge k's slope change and jump += (s, j) or −= (s, j): the two sums a two-lane SSE2 add
  // or subtract makes (each lane one IEEE operation, as the scalar code).
  [[gnu::always_inline]] static inline void add_at(double* e, double s, double j) {
#if defined(__SSE2__)
    _mm_storeu_pd(e, _mm_add_pd(_mm_loadu_pd(e), _mm_set_pd(j, s)));
#else
    e[0] += s, e[1] += j;
#endif
  }
  [[gnu::always_inline]] static inline void sub_at(double* e, double s, double j) {
#if defined(__SSE2__)
    _mm_storeu_pd(e, _mm_sub_pd(_mm_loadu_pd(e), _mm_set_pd(j, s)));
#else
    e[0] -= s, e[1] -= j;
#endif
  }
  // Volume w (mm³) at dose db (bins, ≥ 0) spread uniformly over db ± hb (bins).
  // Inlined: it is the innermost loop's body.
  [[gnu::always_inline]] inline void add(double db, double hb, double w) {
    double a = db - hb;
    const double b = db + hb;
    if (a < 0) a = 0;
    if (!(b - a > 1e-6)) [[unlikely]] {  // a point mass: counted from the edge past db
      const long k = static_cast<long>(db) + 1;
      if (!covers(k, k)) [[unlikely]]
        ensure(k, k);
      sj[2 * static_cast<std::size_t>(k - first_edge) + 1] += w;
      return;
    }
    const double s = w / (b - a);
    const long ka = ceil_nonnegative(a), kb = ceil_nonnegative(b);
    if (!covers(ka, kb)) [[unlikely]]
      ensure(ka, kb);
    const std::size_t ia = static_cast<std::size_t>(ka - first_edge),
                      ib = static_cast<std::size_t>(kb - first_edge);
    add_at(&sj[2 * ia], s, s * (static_cast<double>(ka) - a));
    sub_at(&sj[2 * ib], s, s * (static_cast<double>(kb) - b));
  }
  void merge(const Accumulator& o) {
    if (!o.sj.empty()) {
      ensure(o.first_edge, o.first_edge + o.edges() - 1);
      const std::size_t off = 2 * static_cast<std::size_t>(o.first_edge - first_edge);
      for (std::size_t i = 0; i < o.sj.size(); ++i) sj[off + i] += o.sj[i];
    }
    in_mm3 += o.in_mm3;
    out_mm3 += o.out_mm3;
    dose_volume_sum += o.dose_volume_sum;
    min_gy = std::min(min_gy, o.min_gy);
    max_gy = std::max(max_gy, o.max_gy);
    samples += o.samples;
  }
};

// A piece of an ROI's volume: one plane's prism slab (no interpolation), the gap between
// two adjacent planes (interpolated), or an end cap beyond one plane (dir +1 above, −1 below).
struct Segment {
  enum class Kind { prism, gap, cap } kind = Kind::prism;
  std::size_t plane = 0;  // gap: the lower plane; cap: the end plane
  int dir = 1;
  double cost = 0;
};

struct RoiJob {
  std::size_t result_index = 0;
  RoiSlabs slabs;
  std::vector<Segment> segments;
  std::vector<geometry::PlaneDistance> distance;  // per plane, when interpolating
  double h_mm = 1.0;
  int fixed_subslabs = 0;  // 0: per plane from thickness / h
  double x0_mm = 0, y0_mm = 0;
};

struct WorkItem {
  std::size_t job = 0;
  std::size_t segment_begin = 0, segment_end = 0;
  double cost = 0;
  Accumulator acc;
};

// A run of lattice samples on one scanline: x = x_first + q·h, q < count.
struct Span {
  double y_mm, x_first_mm;
  long count;
};

// A lattice point inside only part of a segment: inside for heights beyond (or below) a
// crossing, as a fraction t of the gap or a distance from the end plane.
struct ColumnPoint {
  double x_mm, y_mm;
  double from, to;  // inside for from < t < to
};

constexpr double area_rescale_limit = 0.1;  // beyond this the contours cross: trust the lattice

// Lattice rows of a plane: for each row j in [j_lo, j_hi], the half-open index ranges of
// the samples inside. Calls f(j, y, q0, q1) per range.
template <class F>
void for_each_range(const RoiJob& job, const RoiPlane& plane, long j_lo, long j_hi, std::vector<double>& xs,
                    F&& f) {
  const double h = job.h_mm;
  std::vector<std::size_t> start;
  geometry::scanline_rows(plane, job.y0_mm, h, j_lo, j_hi, xs, start);
  for (long j = j_lo; j <= j_hi; ++j) {
    const double y = job.y0_mm + (static_cast<double>(j) + 0.5) * h;
    const std::size_t b = start[static_cast<std::size_t>(j - j_lo)],
                      e = start[static_cast<std::size_t>(j - j_lo + 1)];
    for (std::size_t k = b; k + 1 < e; k += 2) {
      const long q0 = static_cast<long>(std::ceil((xs[k] - job.x0_mm) / h - 0.5));
      const long q1 = static_cast<long>(std::ceil((xs[k + 1] - job.x0_mm) / h - 0.5));
      if (q1 > q0) f(j, y, q0, q1);
    }
  }
}

long row_lo(const RoiJob& job, const RoiPlane& p) {
  return static_cast<long>(std::floor((p.y_min_mm - job.y0_mm) / job.h_mm)) - 1;
}
long row_hi(const RoiJob& job, const RoiPlane& p) {
  return static_cast<long>(std::ceil((p.y_max_mm - job.y0_mm) / job.h_mm)) + 1;
}
double lattice_x(const RoiJob& job, long q) { return job.x0_mm + (static_cast<double>(q) + 0.5) * job.h_mm; }

// Scale from the lattice count to the exact area (1 when unreliable: few samples or crossing contours).
double area_scale(double area_mm2, long count, double h) {
  if (count < 50) return 1.0;
  const double f = area_mm2 / (static_cast<double>(count) * h * h);
  return std::abs(f - 1) > area_rescale_limit ? 1.0 : f;
}

// Accumulates the samples of one sub-slab at height z: whole spans and single points.
class SubSlab {
 public:
  struct Scratch;
  SubSlab(const DoseSampler& sampler, Accumulator& acc, double h, double dz, double inv_bin,
          Scratch& scratch);
  bool at(double z) {
    inside_z_ = sampler_.locate(2, z, hz_);
    return inside_z_;
  }
  void span(double y, double x_first, long count, double w) {
    AxisHit hy;
    if (!inside_z_ || !sampler_.locate(1, y, hy)) {
      acc_.out_mm3 += w * static_cast<double>(count);
      return;
    }
    // Half the cell's dose spread per axis, in bins: ½ · gradient · cell size / bin width.
    const float kx = static_cast<float>(0.5 * h_ * inv_bin_);
    const DoseSampler::Row row = sampler_.row(hy, hz_, kx, static_cast<float>(0.5 * dz_ * inv_bin_));
    // Short spans: the passes' setup costs more than it saves.
    if (count < min_uniform_span || !ux_ || !span_uniform(row, kx, x_first, count, w))
      span_located(row, kx, x_first, count, w);
  }
  // A fixed list of spans (a plane's or a gap's) sampled at several heights: the y lookups
  // and each span's run (its samples' voxels and weights along x) are made once here, as
  // span() makes them, and spans() replays them at each z. Skipped for lists too long to
  // keep (spans() then calls span()).
  void plan(const std::vector<Span>& list) {
    planned_list_ = nullptr;
    plans_.clear();
    long samples = 0;
    for (const Span& sp : list) samples += sp.count;
    if (samples > max_planned_samples) return;
    pool_t_.resize(static_cast<std::size_t>(samples));
    pool_v_.resize(static_cast<std::size_t>(samples));
    std::size_t at = 0;
    for (const Span& sp : list) {
      SpanPlan p;
      p.in_y = sampler_.locate(1, sp.y_mm, p.hy);
      p.uniform = p.in_y && sp.count >= min_uniform_span && ux_ && plan_run(sp.x_first_mm, sp.count, p.run);
      p.at = at;
      if (p.uniform)
        for (long q0 = p.run.qb; q0 < p.run.qe; q0 += chunk) {
          const long m = std::min(chunk, p.run.qe - q0);
          locate_chunk(*ux_, sp.x_first_mm, q0, m, p.run.first_voxel, pool_t_.data() + at,
                       pool_v_.data() + at);
          at += static_cast<std::size_t>(m);
        }
      plans_.push_back(p);
    }
    planned_list_ = &list;
  }
  // Every span of `list` at the current z (the same sums, in the same order, as span()).
  void spans(const std::vector<Span>& list, double w) {
    if (planned_list_ != &list) {
      for (const Span& sp : list) span(sp.y_mm, sp.x_first_mm, sp.count, w);
      return;
    }
    const float kx = static_cast<float>(0.5 * h_ * inv_bin_), kz = static_cast<float>(0.5 * dz_ * inv_bin_);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Span& sp = list[i];
      const SpanPlan& p = plans_[i];
      if (!inside_z_ || !p.in_y) {
        acc_.out_mm3 += w * static_cast<double>(sp.count);
        continue;
      }
      const DoseSampler::Row row = sampler_.row(p.hy, hz_, kx, kz);
      if (p.uniform)
        run_uniform(row, kx, sp.x_first_mm, sp.count, w, p.run, pool_t_.data() + p.at, pool_v_.data() + p.at);
      else
        span_located(row, kx, sp.x_first_mm, sp.count, w);
    }
  }
  // The column points inside at height v (from < v < to), as runs of lattice neighbours on
  // one row (the points come row by row, x ascending within each run).
  void columns(const std::vector<ColumnPoint>& points, double v, double w) {
    double y = 0, x_first = 0;
    long count = 0;
    for (const ColumnPoint& c : points) {
      if (!(c.from < v && v < c.to)) continue;
      if (count > 0 && c.y_mm == y &&
          std::abs(c.x_mm - (x_first + static_cast<double>(count) * h_)) < 1e-6 * h_) {
        ++count;
        continue;
      }
      if (count > 0) span(y, x_first, count, w);
      y = c.y_mm, x_first = c.x_mm, count = 1;
    }
    if (count > 0) span(y, x_first, count, w);
  }

 private:
  static constexpr double max_finite = std::numeric_limits<double>::max();
  static constexpr long chunk = 128;                // samples per pass of span_uniform
  static constexpr long min_uniform_span = 12;      // measured: shorter spans are faster located
  static constexpr double int_safe_bins = 1 << 30;  // ramp edges below this convert to int

  // A scanline on a uniform x axis, with locate()'s arithmetic but in passes over chunks of
  // samples that the compiler can keep branch-free (and vectorise where the ISA allows):
  // locate every sample, its dose and spread from the voxel interval it falls in, the ramp's
  // edges and weights, then the histogram updates in sample order (so every sum is
  // bit-identical to span_located's). False (nothing done) when the lattice is much coarser
  // than the grid.
  bool span_uniform(const DoseSampler::Row& row, float kx, double x_first, long count, double w) {
    Run run;
    if (!plan_run(x_first, count, run)) return false;
    run_uniform(row, kx, x_first, count, w, run, nullptr, nullptr);
    return true;
  }
  // The samples of a scanline inside the grid's x footprint (one run: the continuous index
  // is monotonic in q) and the voxel intervals they fall in. False when the lattice is much
  // coarser than the grid (span_located is then cheaper).
  struct Run {
    long qb = 0, qe = 0;
    int first_voxel = 0;
    long intervals = 0;
  };
  bool plan_run(double x_first, long count, Run& run) const {
    const DoseSampler::Uniform& u = *ux_;
    const double n_last = u.n - 1;
    auto index_at = [&](long q) { return (x_first + static_cast<double>(q) * h_ - u.first_mm) * u.inv_step; };
    auto inside = [&](long q) {
      const double c = index_at(q);
      return c >= u.lo && c <= u.hi;
    };
    run = Run{0, count, 0, 0};
    while (run.qb < run.qe && !inside(run.qb)) ++run.qb;
    while (run.qe > run.qb && !inside(run.qe - 1)) --run.qe;
    auto voxel = [&](double c) {
      const double cc = c < 0 ? 0 : (c > n_last ? n_last : c);
      const int i0 = static_cast<int>(cc);
      return i0 > u.n - 2 ? u.n - 2 : i0;
    };
    if (run.qe > run.qb) {
      const int v0 = voxel(index_at(run.qb)), v1 = voxel(index_at(run.qe - 1));
      run.first_voxel = std::min(v0, v1);
      run.intervals = std::abs(v1 - v0) + 1;
      if (run.intervals > 4 * (run.qe - run.qb) + 7) return false;
    }
    return true;
  }
  // The samples of a planned run at the current z. Their voxels and weights t come from
  // `t`, `v` (located once for all sub-slabs) or, when null, are located chunk by chunk.
  void run_uniform(const DoseSampler::Row& row, float kx, double x_first, long count, double w,
                   const Run& run, const float* t, const int* v) {
    const DoseSampler::Uniform& u = *ux_;
    if (run.qe > run.qb) build_intervals(row, u, kx, run.first_voxel, run.intervals);
    double sum = 0;
    for (long q0 = run.qb; q0 < run.qe; q0 += chunk) {
      const long m = std::min(chunk, run.qe - q0);
      if (t) {
        dose_chunk(m, t + (q0 - run.qb), v + (q0 - run.qb));
      } else {
        locate_chunk(u, x_first, q0, m, run.first_voxel, t_, v_);
        dose_chunk(m, t_, v_);
      }
      ramp_chunk(m, w, acc_.first_edge);
      if (lo_edge_ >= 0 && acc_.covers(lo_edge_, hi_edge_))
        scatter_fast(m, sum);
      else
        scatter_checked(m, w, sum);
    }
    const long in = run.qe - run.qb;
    acc_.samples += in;
    acc_.in_mm3 += w * static_cast<double>(in);
    acc_.out_mm3 += w * static_cast<double>(count - in);
    acc_.dose_volume_sum += w * sum;
  }
  // What the samples between voxel planes first_voxel + i and + i + 1 share: the dose and
  // its y, z spreads at the first plane (its node) and their change to the second, and the x
  // spread² (DoseSampler::node's arithmetic and the per-sample code's once, so the bits are
  // the same), in two passes the compiler can vectorise.
  void build_intervals(const DoseSampler::Row& row, const DoseSampler::Uniform& u, float kx, int first_voxel,
                       long intervals) {
    const std::size_t nodes = static_cast<std::size_t>(intervals) + 1;
    if (node_d_.size() < nodes) {
      for (auto* a : {&node_d_, &node_gy_, &node_gz_, &iv_dx_, &iv_dgy_, &iv_dgz_, &iv_exx_})
        a->resize(nodes);
    }
    const float* d = sampler_.dose_data() + first_voxel * u.stride;
    if (u.stride == 1)  // the usual x axis: four contiguous rows of voxels
      node_pass(row, d + row.b00, d + row.b10, d + row.b01, d + row.b11, intervals + 1, node_d_.data(),
                node_gy_.data(), node_gz_.data());
    else
      node_pass_strided(row, d, u.stride, intervals + 1, node_d_.data(), node_gy_.data(), node_gz_.data());
    interval_pass(intervals, u.per_mm, kx, node_d_.data(), node_gy_.data(), node_gz_.data(), iv_dx_.data(),
                  iv_dgy_.data(), iv_dgz_.data(), iv_exx_.data());
  }
  // DoseSampler::node at n voxel planes, from the four rows of voxels around them (restrict
  // parameters: the vectoriser needs to know that no store changes a row).
  RTREVIEW_SIMD_CLONES static void node_pass(DoseSampler::Row r, const float* __restrict p00,
                                             const float* __restrict p10, const float* __restrict p01,
                                             const float* __restrict p11, long n, float* __restrict nd,
                                             float* __restrict gy, float* __restrict gz) {
    for (long i = 0; i < n; ++i) {
      const DoseSampler::Node x = DoseSampler::node_of(r, p00[i], p10[i], p01[i], p11[i]);
      nd[i] = x.d, gy[i] = x.gy, gz[i] = x.gz;
    }
  }
  static void node_pass_strided(DoseSampler::Row r, const float* d, std::ptrdiff_t stride, long n,
                                float* __restrict nd, float* __restrict gy, float* __restrict gz) {
    for (long i = 0; i < n; ++i) {
      const float* p = d + i * stride;
      const DoseSampler::Node x = DoseSampler::node_of(r, p[r.b00], p[r.b10], p[r.b01], p[r.b11]);
      nd[i] = x.d, gy[i] = x.gy, gz[i] = x.gz;
    }
  }
  // The change from each node to the next, and the x spread² (½ · ∂d/∂x · h in bins, squared).
  RTREVIEW_SIMD_CLONES static void interval_pass(long m, float per_mm, float kx, const float* __restrict nd,
                                                 const float* __restrict gy, const float* __restrict gz,
                                                 float* __restrict dx, float* __restrict dgy,
                                                 float* __restrict dgz, float* __restrict exx) {
    for (long i = 0; i < m; ++i) {
      const float x = nd[i + 1] - nd[i], ex = x * per_mm * kx;
      dx[i] = x, dgy[i] = gy[i + 1] - gy[i], dgz[i] = gz[i + 1] - gz[i], exx[i] = ex * ex;
    }
  }
  // Each sample's voxel (relative to the first node) and weight t, as DoseSampler::locate.
  RTREVIEW_SIMD_CLONES void locate_chunk(const DoseSampler::Uniform& u, double x_first, long q0, long m,
                                         int first_voxel, float* __restrict t, int* __restrict v) const {
    const double n_last = u.n - 1, h = h_, first_mm = u.first_mm, inv_step = u.inv_step;
    const int n_max = u.n - 2;
    const double q0_d = static_cast<double>(q0);
    // k as int: int → double converts packed (long → double does not before AVX-512);
    // q0 + k is exact in double either way.
    for (int k = 0; k < static_cast<int>(m); ++k) {
      const double c = (x_first + (q0_d + static_cast<double>(k)) * h - first_mm) * inv_step;
      const double cc = c < 0 ? 0 : (c > n_last ? n_last : c);
      int i0 = static_cast<int>(cc);
      i0 = i0 > n_max ? n_max : i0;
      t[k] = static_cast<float>(cc - i0);
      v[k] = i0 - first_voxel;
    }
  }
  // Dose and squared spread (bins²) per sample, from its voxel interval.
  RTREVIEW_SIMD_CLONES void dose_chunk(long m, const float* __restrict tt, const int* __restrict v) {
    const float* nd = node_d_.data();
    const float* gy = node_gy_.data();
    const float* gz = node_gz_.data();
    const float* dx = iv_dx_.data();
    const float* dgy = iv_dgy_.data();
    const float* dgz = iv_dgz_.data();
    const float* exx = iv_exx_.data();
    double* __restrict dd = d_;
    float* __restrict e2 = e2_;
    for (long k = 0; k < m; ++k) {
      const int i = v[k];
      const float t = tt[k], ey = gy[i] + t * dgy[i], ez = gz[i] + t * dgz[i];
      dd[k] = nd[i] + t * dx[i];
      e2[k] = exx[i] + ey * ey + ez * ez;
    }
  }
  // The ramp of each sample: its edges ka, kb (bins) and slope s and jumps (the add()
  // arithmetic), in doubles and selects so that the loop vectorises. A negative dose counts
  // as 0, a non-finite one as 0 without spread (as span_located). Also the edges as indexes
  // into the histogram (first_edge at the start of the chunk) and their range.
  RTREVIEW_SIMD_CLONES void ramp_chunk(long m, double w, long first_edge) {
    constexpr double two52 = 4503599627370496.0;  // x + 2⁵² − 2⁵²: x rounded to an integer
    const double inv_bin = inv_bin_;
    const int first = static_cast<int>(std::clamp(first_edge, 0L, static_cast<long>(int_safe_bins)));
    double* __restrict dd = d_;
    double* __restrict hbv = hb_;
    const float* __restrict e2 = e2_;
    double* __restrict sv = s_;
    double* __restrict jav = ja_;
    double* __restrict jbv = jb_;
    double* __restrict kav = ka_;
    double* __restrict kbv = kb_;
    int* __restrict iav = ia_;
    int* __restrict ibv = ib_;
    int lo = static_cast<int>(int_safe_bins), hi = 0;
    for (long k = 0; k < m; ++k) {
      const double d0 = dd[k];
      // The per-axis spreads combined by variance (exact for one axis).
      double hb = std::sqrt(static_cast<double>(e2[k]));
      hb = d0 - d0 == 0 ? hb : 0.0;  // d0 not finite: no spread
      hb = hb <= max_finite ? hb : 0.0;
      const double d = ((d0 >= 0) & (d0 <= max_finite)) ? d0 : 0.0;  // & not &&: no branch
      dd[k] = d;
      hbv[k] = hb;
      const double db = d * inv_bin, a = std::max(db - hb, 0.0), b = db + hb;
      // ⌈a⌉ and ⌈b⌉ (as ceil_nonnegative) below int_safe_bins.
      const double ac = std::min(a, int_safe_bins), bc = std::min(b, int_safe_bins);
      double ka = (ac + two52) - two52, kb = (bc + two52) - two52;
      ka = ka < ac ? ka + 1.0 : ka;
      kb = kb < bc ? kb + 1.0 : kb;
      const double s = w / std::max(b - a, 1e-6);
      sv[k] = s;
      jav[k] = s * (ka - a);
      jbv[k] = s * (kb - b);
      // A point mass takes the lowest edge to −1, so that its chunk fails the range check
      // and goes through add() (as does an edge past int_safe_bins: no histogram is that long).
      kav[k] = b - a > 1e-6 ? ka : -1.0;
      kbv[k] = kb;
    }
    // The edges as indexes (a separate loop: it vectorises on its own, not mixed with the above).
    for (long k = 0; k < m; ++k) {
      const int ika = static_cast<int>(kav[k]), ikb = static_cast<int>(kbv[k]);
      iav[k] = ika - first;
      ibv[k] = ikb - first;
      lo = std::min(lo, ika);
      hi = std::max(hi, ikb);
    }
    lo_edge_ = lo, hi_edge_ = hi;
  }
  // The histogram updates of a chunk whose ramps all fall inside the histogram, in sample order.
  RTREVIEW_SIMD_CLONES void scatter_fast(long m, double& sum) {
    double* sj = acc_.sj.data();
    double total = sum;
#if defined(__SSE2__)
    // minsd(d, lo) is d < lo ? d : lo and maxsd(d, hi) is d > hi ? d : hi, exactly.
    __m128d lo = _mm_set_sd(acc_.min_gy), hi = _mm_set_sd(acc_.max_gy);
#else
    double lo = acc_.min_gy, hi = acc_.max_gy;
#endif
    for (long k = 0; k < m; ++k) {
#if defined(__SSE2__)
      const __m128d dv = _mm_load_sd(d_ + k);
      total += _mm_cvtsd_f64(dv);
      lo = _mm_min_sd(dv, lo);
      hi = _mm_max_sd(dv, hi);
#else
      const double d = d_[k];
      total += d;
      lo = d < lo ? d : lo;
      hi = d > hi ? d : hi;
#endif
      const double s = s_[k];
      Accumulator::add_at(sj + 2 * static_cast<std::ptrdiff_t>(ia_[k]), s, ja_[k]);
      Accumulator::sub_at(sj + 2 * static_cast<std::ptrdiff_t>(ib_[k]), s, jb_[k]);
    }
    sum = total;
#if defined(__SSE2__)
    acc_.min_gy = _mm_cvtsd_f64(lo), acc_.max_gy = _mm_cvtsd_f64(hi);
#else
    acc_.min_gy = lo, acc_.max_gy = hi;
#endif
  }
  // The same, sample by sample: a ramp outside the histogram grows it, a point mass (or an
  // edge past int_safe_bins) goes through add().
  void scatter_checked(long m, double w, double& sum) {
    double lo = acc_.min_gy, hi = acc_.max_gy;
    for (long k = 0; k < m; ++k) {
      const double d = d_[k];
      sum += d;
      lo = d < lo ? d : lo;
      hi = d > hi ? d : hi;
      acc_.add(d * inv_bin_, hb_[k], w);  // the same arithmetic as ramp_chunk's
    }
    acc_.min_gy = lo, acc_.max_gy = hi;
  }
  // Any axis: each sample located on its own, nodes shared with the previous sample's.
  void span_located(const DoseSampler::Row& row, float kx, double x_first, long count, double w) {
    AxisHit hx;
    DoseSampler::Node n0, n1;  // at the voxel planes at0, at1 around the last sample
    std::ptrdiff_t at0 = -1, at1 = -1;
    double* sj = acc_.sj.data();
    long first = acc_.first_edge;
    std::size_t size = static_cast<std::size_t>(acc_.edges());
    long inside = 0;
    double sum = 0, lo = acc_.min_gy, hi = acc_.max_gy;
    for (long q = 0; q < count; ++q) {
      if (!sampler_.locate(0, x_first + static_cast<double>(q) * h_, hx)) continue;
      if (hx.off0 != at0 || hx.off1 != at1) {  // reuse a plane shared with the last sample's
        const DoseSampler::Node a = hx.off0 == at1 ? n1 : hx.off0 == at0 ? n0 : sampler_.node(row, hx.off0);
        const DoseSampler::Node b = hx.off1 == at0 ? n0 : hx.off1 == at1 ? n1 : sampler_.node(row, hx.off1);
        n0 = a, n1 = b, at0 = hx.off0, at1 = hx.off1;
      }
      const float t = hx.t, dx = n1.d - n0.d;
      const float ex = dx * hx.per_mm * kx, ey = n0.gy + t * (n1.gy - n0.gy),
                  ez = n0.gz + t * (n1.gz - n0.gz);
      double d = n0.d + t * dx;
      double hb = std::sqrt(static_cast<double>(ex * ex + ey * ey + ez * ez));
      if (!(d >= 0 && d <= max_finite)) [[unlikely]] {
        if (!std::isfinite(d)) hb = 0;
        d = 0;
      }
      if (!(hb <= max_finite)) [[unlikely]]
        hb = 0;
      ++inside;
      sum += d;
      lo = d < lo ? d : lo;
      hi = d > hi ? d : hi;
      // The ramp's two edges straight into the histogram when they fall inside it (else
      // add() grows it, or counts a point mass).
      const double db = d * inv_bin_, a = std::max(db - hb, 0.0), b = db + hb;
      const long ka = ceil_nonnegative(a), kb = ceil_nonnegative(b);
      const auto ia = static_cast<std::size_t>(ka - first), ib = static_cast<std::size_t>(kb - first);
      if (b - a > 1e-6 && ia < size && ib < size) [[likely]] {
        const double s = w / (b - a);
        Accumulator::add_at(sj + 2 * ia, s, s * (static_cast<double>(ka) - a));
        Accumulator::sub_at(sj + 2 * ib, s, s * (static_cast<double>(kb) - b));
      } else {
        acc_.add(db, hb, w);
        sj = acc_.sj.data(), first = acc_.first_edge, size = static_cast<std::size_t>(acc_.edges());
      }
    }
    acc_.min_gy = lo, acc_.max_gy = hi;
    acc_.samples += inside;
    acc_.in_mm3 += w * static_cast<double>(inside);
    acc_.out_mm3 += w * static_cast<double>(count - inside);
    acc_.dose_volume_sum += w * sum;
  }

  const DoseSampler& sampler_;
  Accumulator& acc_;
  double h_, dz_, inv_bin_;
  AxisHit hz_;
  bool inside_z_ = false;
  std::optional<DoseSampler::Uniform> ux_;
  // A planned span: its y lookup, and its run on the uniform path with its samples'
  // voxels and weights at pool_t_, pool_v_[at...].
  struct SpanPlan {
    AxisHit hy;
    bool in_y = false, uniform = false;
    Run run;
    std::size_t at = 0;
  };

 public:
  // The buffers of a worker's sub-slabs, kept from one segment to the next (no allocation,
  // zeroing or page faults per segment): the nodes of the voxel planes a run passes and per
  // interval between two of them the changes and the x spread² (build_intervals); the plans.
  struct Scratch {
    std::vector<float> node_d, node_gy, node_gz, iv_dx, iv_dgy, iv_dgz, iv_exx;
    std::vector<SpanPlan> plans;
    std::vector<float> pool_t;
    std::vector<int> pool_v;
  };

 private:
  std::vector<float>&node_d_, &node_gy_, &node_gz_, &iv_dx_, &iv_dgy_, &iv_dgz_, &iv_exx_;
  static constexpr long max_planned_samples = 1L << 20;  // 8 MB of plans per worker at most
  const std::vector<Span>* planned_list_ = nullptr;
  std::vector<SpanPlan>& plans_;
  std::vector<float>& pool_t_;
  std::vector<int>& pool_v_;
  // Per-sample state of one chunk (span_uniform's passes).
  int v_[chunk], ia_[chunk], ib_[chunk];
  int lo_edge_ = 0, hi_edge_ = 0;  // the chunk's lowest and highest ramp edge
  float t_[chunk], e2_[chunk];
  double d_[chunk], hb_[chunk], s_[chunk], ja_[chunk], jb_[chunk], ka_[chunk], kb_[chunk];
};

SubSlab::SubSlab(const DoseSampler& sampler, Accumulator& acc, double h, double dz, double inv_bin,
                 Scratch& scratch)
    : sampler_(sampler),
      acc_(acc),
      h_(h),
      dz_(dz),
      inv_bin_(inv_bin),
      ux_(sampler.uniform(0)),
      node_d_(scratch.node_d),
      node_gy_(scratch.node_gy),
      node_gz_(scratch.node_gz),
      iv_dx_(scratch.iv_dx),
      iv_dgy_(scratch.iv_dgy),
      iv_dgz_(scratch.iv_dgz),
      iv_exx_(scratch.iv_exx),
      plans_(scratch.plans),
      pool_t_(scratch.pool_t),
      pool_v_(scratch.pool_v) {}

// The dose at a boundary point (z already located) joins Dmin/Dmax (extremes of a trilinear
// dose over a region lie on its boundary; interior samples sit a fraction of a step inside).
void boundary_point_at(const DoseSampler& sampler, double x, double y, const AxisHit& hz, Accumulator& acc) {
  AxisHit hx, hy;
  if (!sampler.locate(0, x, hx) || !sampler.locate(1, y, hy)) return;
  double d = sampler.sample(hx, hy, hz);
  if (!std::isfinite(d)) return;
  if (d < 0) d = 0;
  acc.min_gy = std::min(acc.min_gy, d);
  acc.max_gy = std::max(acc.max_gy, d);
}

void boundary_point(const DoseSampler& sampler, double x, double y, double z, Accumulator& acc) {
  AxisHit hz;
  if (sampler.locate(2, z, hz)) boundary_point_at(sampler, x, y, hz, acc);
}

// Vertices and edges (points no further apart than step) of a plane's contours at height z.
void boundary_contours(const DoseSampler& sampler, const RoiPlane& plane, double z, double step,
                       Accumulator& acc) {
  AxisHit hz;
  if (!sampler.locate(2, z, hz)) return;  // located once: every point shares it
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double dx = p.x_mm[i] - p.x_mm[j], dy = p.y_mm[i] - p.y_mm[j];
      const long pieces = static_cast<long>(dvh::boundary_pieces(dx, dy, step));
      for (long k = 0; k < pieces; ++k) {
        const double u = static_cast<double>(k) / static_cast<double>(pieces);
        boundary_point_at(sampler, p.x_mm[j] + u * dx, p.y_mm[j] + u * dy, hz, acc);
      }
    }
  }
}

// Lattice spans of a plane and their count.
long plane_spans(const RoiJob& job, const RoiPlane& plane, std::vector<double>& xs,
                 std::vector<Span>& spans) {
  spans.clear();
  long n = 0;
  for_each_range(job, plane, row_lo(job, plane), row_hi(job, plane), xs,
                 [&](long, double y, long q0, long q1) {
                   spans.push_back({y, lattice_x(job, q0), q1 - q0});
                   n += q1 - q0;
                 });
  return n;
}

// A plane smaller than the lattice: one sample at the vertex mean of its first contour.
Span centre_span(const RoiPlane& plane) {
  const auto& p = plane.polygons.front();
  double cx = 0, cy = 0;
  for (std::size_t k = 0; k < p.x_mm.size(); ++k) cx += p.x_mm[k], cy += p.y_mm[k];
  const double m = static_cast<double>(p.x_mm.size());
  return {cy / m, cx / m, 1};
}

int subslab_count(const RoiJob& job, double thickness) {
  return job.fixed_subslabs > 0 ? job.fixed_subslabs
                                : std::max(1, static_cast<int>(std::ceil(thickness / job.h_mm - 1e-9)));
}

// One plane's prism slab (no interpolation).
void run_prism(const RoiJob& job, std::size_t pi, const DoseSampler& sampler, double inv_bin,
               Accumulator& acc, std::vector<double>& xs, std::vector<Span>& spans,
               SubSlab::Scratch& scratch) {
  const RoiPlane& plane = job.slabs.planes[pi];
  const double h = job.h_mm;
  long n = plane_spans(job, plane, xs, spans);
  // The exact area unless the contours cross each other (then the nesting-depth area is
  // wrong and the sampled parity area is the better estimate).
  double area = plane.area_mm2;
  const double sampled_area = static_cast<double>(n) * h * h;
  if (n >= 50 && std::abs(sampled_area - area) > area_rescale_limit * area) area = sampled_area;
  if (n == 0) {
    if (!(area > 0)) return;
    spans.push_back(centre_span(plane));
    n = 1;
  }
  const int subslabs = subslab_count(job, plane.thickness_mm());
  const double dz = plane.thickness_mm() / subslabs;
  const double w = area * dz / static_cast<double>(n);
  SubSlab slab(sampler, acc, h, dz, inv_bin, scratch);
  if (subslabs > 1) slab.plan(spans);
  for (int s = 0; s < subslabs; ++s) {
    slab.at(plane.z_lo_mm + (s + 0.5) * dz);
    slab.spans(spans, w);
  }
  boundary_contours(sampler, plane, plane.z_lo_mm, h, acc);
  boundary_contours(sampler, plane, plane.z_hi_mm, h, acc);
}

// Splits two ascending lists of disjoint half-open ranges into their intersection and the
// parts in only one, by merging their endpoint sequences (linear in the ranges).
using Range = std::pair<long, long>;
void split_ranges(const Range* a, const Range* a_end, const Range* b, const Range* b_end,
                  std::vector<Range>& both, std::vector<Range>& only_a, std::vector<Range>& only_b) {
  both.clear(), only_a.clear(), only_b.clear();
  const std::size_t na = 2 * static_cast<std::size_t>(a_end - a),
                    nb = 2 * static_cast<std::size_t>(b_end - b);
  auto pos = [](const Range* r, std::size_t i) { return i % 2 == 0 ? r[i / 2].first : r[i / 2].second; };
  std::size_t ia = 0, ib = 0;  // endpoints passed; odd: inside
  long prev = std::numeric_limits<long>::min();
  while (ia < na || ib < nb) {
    const long p = std::min(ia < na ? pos(a, ia) : std::numeric_limits<long>::max(),
                            ib < nb ? pos(b, ib) : std::numeric_limits<long>::max());
    if (p > prev && (ia % 2 == 1 || ib % 2 == 1)) {
      if (ia % 2 == 1 && ib % 2 == 1)
        both.push_back({prev, p});
      else if (ia % 2 == 1)
        only_a.push_back({prev, p});
      else
        only_b.push_back({prev, p});
    }
    while (ia < na && pos(a, ia) == p) ++ia;
    while (ib < nb && pos(b, ib) == p) ++ib;
    prev = p;
  }
}

// One plane's lattice ranges row by row, and a small cache of them: consecutive gaps share
// planes (b of one gap is a of the next; the tangent planes too), so each plane is
// scan-filled once per work item instead of up to four times.
struct PlaneRows {
  std::size_t plane = std::numeric_limits<std::size_t>::max();
  long j_lo = 0, j_hi = -1, count = 0;
  std::vector<std::size_t> start;  // ranges of row j: [start[j − j_lo], start[j − j_lo + 1])
  std::vector<std::pair<long, long>> ranges;
  unsigned long used = 0;

  std::pair<const std::pair<long, long>*, const std::pair<long, long>*> row(long j) const {
    if (j < j_lo || j > j_hi) return {nullptr, nullptr};
    const auto* base = ranges.data();
    return {base + start[static_cast<std::size_t>(j - j_lo)],
            base + start[static_cast<std::size_t>(j - j_lo + 1)]};
  }
  bool contains(long j, long q) const {
    const auto [b, e] = row(j);
    for (auto* r = b; r != e; ++r)
      if (q >= r->first && q < r->second) return true;
    return false;
  }
};

class RowCache {
 public:
  const PlaneRows& get(const RoiJob& job, std::size_t plane, std::vector<double>& xs) {
    ++clock_;
    PlaneRows* victim = &slots_[0];
    for (auto& s : slots_) {
      if (s.plane == plane) {
        s.used = clock_;
        return s;
      }
      if (s.used < victim->used) victim = &s;
    }
    PlaneRows& r = *victim;
    const RoiPlane& p = job.slabs.planes[plane];
    r.plane = plane, r.used = clock_, r.count = 0;
    r.j_lo = row_lo(job, p), r.j_hi = row_hi(job, p);
    r.ranges.clear();
    r.start.assign(static_cast<std::size_t>(r.j_hi - r.j_lo + 2), 0);
    for_each_range(job, p, r.j_lo, r.j_hi, xs, [&](long j, double, long q0, long q1) {
      r.ranges.push_back({q0, q1});
      r.start[static_cast<std::size_t>(j - r.j_lo + 1)] = r.ranges.size();
      r.count += q1 - q0;
    });
    // Rows without ranges start where the previous row ended.
    for (std::size_t k = 1; k < r.start.size(); ++k) r.start[k] = std::max(r.start[k], r.start[k - 1]);
    return r;
  }

 private:
  std::array<PlaneRows, 4> slots_;
  unsigned long clock_ = 0;
};

bool joined(const RoiPlane& lower, const RoiPlane& upper) {
  return std::abs(lower.z_hi_mm - upper.z_lo_mm) < 1e-6;
}

// Four doubles in one vector (GCC/clang vector extension): each operation is the IEEE
// operation on every lane, so a lane computes the bits the scalar code would.
using Double4 = double __attribute__((vector_size(32)));
using Mask4 = decltype(Double4{} > 0);  // lanes of all ones (true) or zeros

// Bisections for where the signed distance between two planes crosses zero, one per lane:
// a cubic Hermite in t ∈ [0, 1] from d(0) = da, d(1) = db (of opposite signs) and tangents
// ta, tb, a Catmull-Rom interpolation of the shape, which follows a sphere's curved profile
// where a linear one cuts a chord. Each step of a vector waits on that vector's previous step
// (about 30 cycles of latency), so a group is four independent vectors whose steps interleave.
constexpr std::size_t double4_lanes = sizeof(Double4) / sizeof(double);
constexpr std::size_t bisect_vectors = 4;
constexpr std::size_t bisect_lanes = double4_lanes * bisect_vectors;
RTREVIEW_SIMD_CLONES void bisect_group(const double* da_in, const double* db_in, const double* ta_in,
                                       const double* tb_in, double* t) {
  Double4 da[bisect_vectors], db[bisect_vectors], ta[bisect_vectors], tb[bisect_vectors];
  Double4 lo[bisect_vectors], hi[bisect_vectors];
  Mask4 positive[bisect_vectors];
  for (std::size_t v = 0; v < bisect_vectors; ++v) {
    std::memcpy(&da[v], da_in + double4_lanes * v, sizeof da[v]);
    std::memcpy(&db[v], db_in + double4_lanes * v, sizeof db[v]);
    std::memcpy(&ta[v], ta_in + double4_lanes * v, sizeof ta[v]);
    std::memcpy(&tb[v], tb_in + double4_lanes * v, sizeof tb[v]);
    lo[v] = Double4{0, 0, 0, 0};
    hi[v] = Double4{1, 1, 1, 1};
    positive[v] = da[v] > 0;
  }
  for (int it = 0; it < 24; ++it)
    for (std::size_t v = 0; v < bisect_vectors; ++v) {
      const Double4 mid = 0.5 * (lo[v] + hi[v]), t2 = mid * mid, t3 = t2 * mid;
      const Double4 d = (2.0 * t3 - 3.0 * t2 + 1.0) * da[v] + (t3 - 2.0 * t2 + mid) * ta[v] +
                        (-2.0 * t3 + 3.0 * t2) * db[v] + (t3 - t2) * tb[v];
      const Mask4 same = (d > 0) == positive[v];  // mid becomes lo, else hi
      lo[v] = reinterpret_cast<Double4>((reinterpret_cast<Mask4>(mid) & same) |
                                        (reinterpret_cast<Mask4>(lo[v]) & ~same));
      hi[v] = reinterpret_cast<Double4>((reinterpret_cast<Mask4>(hi[v]) & same) |
                                        (reinterpret_cast<Mask4>(mid) & ~same));
    }
  for (std::size_t v = 0; v < bisect_vectors; ++v) {
    const Double4 out = 0.5 * (lo[v] + hi[v]);
    std::memcpy(t + double4_lanes * v, &out, sizeof out);
  }
}

// Where the signed distance crosses zero, for n points (t[i] from da[i], db[i], ta[i], tb[i]):
// by bisection where da and db have opposite signs, else where the chord does.
void crossings(std::size_t n, const double* da, const double* db, const double* ta, const double* tb,
               double* t) {
  std::vector<std::size_t> bracketed;
  for (std::size_t i = 0; i < n; ++i) {
    if (da[i] * db[i] < 0)
      bracketed.push_back(i);
    else
      t[i] = da[i] - db[i] != 0 ? std::clamp(da[i] / (da[i] - db[i]), 0.0, 1.0) : 0.5;
  }
  for (std::size_t k = 0; k < bracketed.size(); k += bisect_lanes) {
    double a[bisect_lanes], b[bisect_lanes], pa[bisect_lanes], pb[bisect_lanes], out[bisect_lanes];
    for (std::size_t l = 0; l < bisect_lanes; ++l) {  // a short last group repeats its last point
      const std::size_t i = bracketed[std::min(k + l, bracketed.size() - 1)];
      a[l] = da[i], b[l] = db[i], pa[l] = ta[i], pb[l] = tb[i];
    }
    bisect_group(a, b, pa, pb, out);
    for (std::size_t l = 0; l < bisect_lanes && k + l < bracketed.size(); ++l) t[bracketed[k + l]] = out[l];
  }
}

// The gap between adjacent planes a and a + 1, interpolated by signed distance.
void run_gap(const RoiJob& job, std::size_t ia, const DoseSampler& sampler, double inv_bin, Accumulator& acc,
             std::vector<double>& xs, RowCache& cache, SubSlab::Scratch& scratch) {
  const RoiPlane& a = job.slabs.planes[ia];
  const RoiPlane& b = job.slabs.planes[ia + 1];
  const double h = job.h_mm, s = b.z_mm - a.z_mm;
  const auto& planes = job.slabs.planes;
  const bool has_below = ia > 0 && joined(planes[ia - 1], a);
  const bool has_above = ia + 2 < planes.size() && joined(b, planes[ia + 2]);
  const PlaneRows& rows_a = cache.get(job, ia, xs);
  const PlaneRows& rows_b = cache.get(job, ia + 1, xs);
  const PlaneRows* rows_below = has_below ? &cache.get(job, ia - 1, xs) : nullptr;
  const PlaneRows* rows_above = has_above ? &cache.get(job, ia + 2, xs) : nullptr;
  std::vector<Span> spans;
  std::vector<ColumnPoint> columns;
  std::vector<double> cross_da, cross_db, cross_ta, cross_tb;  // per column point
  std::vector<Range> both, only_a, only_b;
  const long na = rows_a.count, nb = rows_b.count;
  const long j_lo = std::min(rows_a.j_lo, rows_b.j_lo), j_hi = std::max(rows_a.j_hi, rows_b.j_hi);
  for (long j = j_lo; j <= j_hi; ++j) {
    const auto [a0, a1] = rows_a.row(j);
    const auto [b0, b1] = rows_b.row(j);
    if (a0 == a1 && b0 == b1) continue;
    split_ranges(a0, a1, b0, b1, both, only_a, only_b);
    const double y = job.y0_mm + (static_cast<double>(j) + 0.5) * h;
    for (const auto& r : both) spans.push_back({y, lattice_x(job, r.first), r.second - r.first});
    // Inside one plane only: inside up to (from a) or beyond (to b) t* where the
    // interpolated signed distance crosses zero.
    auto signed_at = [&](std::size_t plane, const PlaneRows& rows, long q, double x) {
      const double d = job.distance[plane].unsigned_mm(x, y);
      return rows.contains(j, q) ? d : -d;
    };
    for (int side = 0; side < 2; ++side)
      for (const auto& r : side == 0 ? only_a : only_b)
        for (long q = r.first; q < r.second; ++q) {
          const double x = lattice_x(job, q);
          const double ua = job.distance[ia].unsigned_mm(x, y), ub = job.distance[ia + 1].unsigned_mm(x, y);
          const double da = side == 0 ? ua : -ua, db = side == 0 ? -ub : ub;
          // Tangents (per gap) from the outer neighbours where the stack continues, else the
          // chord. Where the boundary moves less than a lattice step the curve's correction is
          // below the lattice's resolution: the chord (linear) is kept and two queries saved.
          double ta = db - da, tb = db - da;
          const bool curved = std::abs(da - db) > h;
          if (curved && rows_below)
            ta = s * (db - signed_at(ia - 1, *rows_below, q, x)) / (b.z_mm - planes[ia - 1].z_mm);
          if (curved && rows_above)
            tb = s * (signed_at(ia + 2, *rows_above, q, x) - da) / (planes[ia + 2].z_mm - a.z_mm);
          // The crossing t is filled in below, for all points at once (the -1).
          columns.push_back(side == 0 ? ColumnPoint{x, y, 0.0, -1.0} : ColumnPoint{x, y, -1.0, 1.0});
          cross_da.push_back(da), cross_db.push_back(db), cross_ta.push_back(ta), cross_tb.push_back(tb);
        }
  }
  std::vector<double> ts(columns.size());
  crossings(columns.size(), cross_da.data(), cross_db.data(), cross_ta.data(), cross_tb.data(), ts.data());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    ColumnPoint& c = columns[i];
    (c.from < 0 ? c.from : c.to) = ts[i];
    boundary_point(sampler, c.x_mm, c.y_mm, a.z_mm + ts[i] * s, acc);
  }
  const double fa = area_scale(a.area_mm2, na, h), fb = area_scale(b.area_mm2, nb, h);
  boundary_contours(sampler, a, a.z_mm, h, acc);
  const int subslabs = subslab_count(job, s);
  const double dz = s / subslabs;
  SubSlab slab(sampler, acc, h, dz, inv_bin, scratch);
  if (na + nb == 0) {  // both planes smaller than the lattice: their mean area at a's centre
    const Span c = centre_span(a);
    for (int k = 0; k < subslabs; ++k) {
      slab.at(a.z_mm + (k + 0.5) * dz);
      slab.span(c.y_mm, c.x_first_mm, 1, 0.5 * (a.area_mm2 + b.area_mm2) * dz);
    }
    return;
  }
  if (subslabs > 1) slab.plan(spans);
  for (int k = 0; k < subslabs; ++k) {
    const double t = (k + 0.5) / subslabs;
    const double w = h * h * dz * ((1 - t) * fa + t * fb);
    slab.at(a.z_mm + t * s);
    slab.spans(spans, w);
    slab.columns(columns, t, w);
  }
}

// Depth of a point inside a plane for closing a rounded end: the distance to the plane's
// moving edges only, those that do not lie on the reference plane's contours. An edge that
// stays put from plane to plane (the base of a cone lying across the planes, the ends of a
// lying cylinder) is a flat face of the solid and is not eroded.
struct EndDepth {
  const RoiPlane* plane = nullptr;
  std::vector<char> moving;  // per edge, in polygon order (edge i joins vertex i − 1 and i)
  geometry::PlaneDistance moving_distance;

  EndDepth(const RoiPlane& p, const geometry::PlaneDistance& reference, double tolerance_mm) : plane(&p) {
    std::vector<double> edges;
    for (const auto& poly : p.polygons) {
      const std::size_t n = poly.x_mm.size();
      for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double mx = 0.5 * (poly.x_mm[i] + poly.x_mm[j]), my = 0.5 * (poly.y_mm[i] + poly.y_mm[j]);
        moving.push_back(reference.unsigned_mm(mx, my) > tolerance_mm);
      }
    }
    if (std::find(moving.begin(), moving.end(), 1) == moving.end()) moving.assign(moving.size(), 1);
    std::size_t k = 0;
    for (const auto& poly : p.polygons) {
      const std::size_t n = poly.x_mm.size();
      for (std::size_t i = 0, j = n - 1; i < n; j = i++, ++k)
        if (moving[k]) edges.insert(edges.end(), {poly.x_mm[j], poly.y_mm[j], poly.x_mm[i], poly.y_mm[i]});
    }
    moving_distance = geometry::PlaneDistance(std::move(edges));
  }
  double operator()(double x, double y) const { return moving_distance.unsigned_mm(x, y); }
  // Distance to the nearest moving edge and that edge's nearest point.
  double nearest(double x, double y, double& nx, double& ny) const {
    double best = std::numeric_limits<double>::infinity();
    nx = x, ny = y;
    std::size_t k = 0;
    for (const auto& p : plane->polygons) {
      const std::size_t n = p.x_mm.size();
      for (std::size_t i = 0, j = n - 1; i < n; j = i++, ++k) {
        if (!moving[k]) continue;
        const double dx = p.x_mm[i] - p.x_mm[j], dy = p.y_mm[i] - p.y_mm[j];
        const double px = x - p.x_mm[j], py = y - p.y_mm[j], len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
        const double d2 = (px - t * dx) * (px - t * dx) + (py - t * dy) * (py - t * dy);
        if (d2 < best) best = d2, nx = p.x_mm[j] + t * dx, ny = p.y_mm[j] + t * dy;
      }
    }
    return std::sqrt(best);
  }
  // The deepest point inside the plane, by pattern search from (x, y).
  double deepest(double& x, double& y, double step) const {
    auto value = [&](double px, double py) {
      return geometry::plane_contains(*plane, px, py) ? (*this)(px, py) : -1.0;
    };
    double best = value(x, y);
    for (; step > 1e-3; step *= 0.5)
      for (bool moved = true; moved;) {
        moved = false;
        for (const auto& [dx, dy] :
             {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}}) {
          const double d = value(x + dx * step, y + dy * step);
          if (d > best + 1e-12) best = d, x += dx * step, y += dy * step, moved = true;
        }
      }
    return std::max(best, 0.0);
  }
};

// Distance from (x, y) along the unit direction (ux, uy) to the first edge of a plane's
// contours; NaN when the ray meets none.
double ray_depth_mm(const RoiPlane& plane, double x, double y, double ux, double uy) {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& p : plane.polygons) {
    const std::size_t n = p.x_mm.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double ex = p.x_mm[i] - p.x_mm[j], ey = p.y_mm[i] - p.y_mm[j];
      const double wx = p.x_mm[j] - x, wy = p.y_mm[j] - y;
      const double den = ux * ey - uy * ex;
      if (den == 0) continue;
      const double t = (wx * ey - wy * ex) / den, v = (wx * uy - wy * ux) / den;
      if (t > 0 && v >= 0 && v <= 1) best = std::min(best, t);
    }
  }
  return std::isfinite(best) ? best : std::numeric_limits<double>::quiet_NaN();
}

// Distance beyond the end plane where the extrapolated size reaches zero: r² at outward
// offsets u (0 at the end plane, negative inwards) fitted by a quadratic through three
// planes (exact for a sphere's pole and a cone's tip), else a line through two; limited to
// one spacing (a contour would have been drawn further out). NaN when the trend does not close.
double closure_distance_mm(const std::vector<double>& u, const std::vector<double>& r2, double max_mm) {
  auto clampd = [max_mm](double l) {
    return l > 0 ? std::min(l, max_mm) : std::numeric_limits<double>::quiet_NaN();
  };
  const double linear =
      r2[1] > r2[0] ? r2[0] * (u[0] - u[1]) / (r2[1] - r2[0]) : std::numeric_limits<double>::quiet_NaN();
  if (u.size() < 3) return clampd(linear);
  // Newton form through (u0, r0), (u1, r1), (u2, r2).
  const double c1 = (r2[1] - r2[0]) / (u[1] - u[0]), c12 = (r2[2] - r2[1]) / (u[2] - u[1]);
  const double c2 = (c12 - c1) / (u[2] - u[0]);
  // Q(v) = r0 + c1 v + c2 v (v − u1), v ≥ 0 outward from the end plane (u0 = 0).
  const double A = c2, B = c1 - c2 * u[1], C = r2[0];
  if (std::abs(A) < 1e-12) return clampd(B < 0 ? -C / B : linear);
  const double disc = B * B - 4 * A * C;
  if (disc < 0) {  // a double root blurred by the contours (a cone's tip): the vertex
    const double v = -B / (2 * A);
    return v > 0 && A * v * v + B * v + C < 0.05 * C ? clampd(v) : clampd(linear);
  }
  const double q = std::sqrt(disc);
  double best = std::numeric_limits<double>::infinity();
  for (double v : {(-B - q) / (2 * A), (-B + q) / (2 * A)})
    if (v > 0) best = std::min(best, v);
  return std::isfinite(best) ? clampd(best) : clampd(linear);
}

// What every end-cap step needs: the ROI, the end plane, its side and the sampling state.
struct CapContext {
  const RoiJob& job;
  std::size_t ie;  // the end plane
  int dir;         // +1: the cap above it, −1: below
  const DoseSampler& sampler;
  double inv_bin;
  Accumulator& acc;
  SubSlab::Scratch& scratch;
  const RoiPlane& end() const { return job.slabs.planes[ie]; }
};

// The (at most two) planes inward from the end plane, adjacent slabs only (no gap).
std::vector<std::size_t> inward_planes(const std::vector<RoiPlane>& planes, std::size_t ie, int dir) {
  std::vector<std::size_t> inward;
  for (std::size_t k = ie; inward.size() < 2;) {
    const std::size_t next = dir > 0 ? k - 1 : k + 1;
    if ((dir > 0 && k == 0) || next >= planes.size()) break;
    const bool adjacent = dir > 0 ? std::abs(planes[next].z_hi_mm - planes[k].z_lo_mm) < 1e-6
                                  : std::abs(planes[k].z_hi_mm - planes[next].z_lo_mm) < 1e-6;
    if (!adjacent) break;
    inward.push_back(next);
    k = next;
  }
  return inward;
}

// The end plane's lattice points with their depth inside the end contour, and the deepest
// point (x, y); the plane's centre when no lattice point falls inside.
struct EndPoints {
  std::vector<std::pair<double, double>> points;
  std::vector<double> depth;
  double x = 0, y = 0;
};

EndPoints end_points(const CapContext& cx, const EndDepth& end_depth, const std::vector<Span>& spans) {
  EndPoints out;
  double best = -std::numeric_limits<double>::infinity();
  for (const Span& sp : spans)
    for (long q = 0; q < sp.count; ++q) {
      const double px = sp.x_first_mm + static_cast<double>(q) * cx.job.h_mm;
      const double d = end_depth(px, sp.y_mm);
      out.points.push_back({px, sp.y_mm});
      out.depth.push_back(d);
      if (d > best) best = d, out.x = px, out.y = sp.y_mm;
    }
  if (out.points.empty()) {
    const Span c = centre_span(cx.end());
    out.x = c.x_first_mm, out.y = c.y_mm;
  }
  return out;
}

// A rounded end (its contours shrink towards a point): the inradius² trend of the end and
// inward planes along one ray, and each lattice point's column as far as the trend keeps it
// inside. Returns the cap length, NaN when the trend does not close (the end is then flat and
// `columns` stays empty). An end smaller than the lattice is sampled here as one column at its
// centre, and `sampled` is set.
double rounded_cap(const CapContext& cx, const std::vector<std::size_t>& inward, std::vector<Span>& spans,
                   std::vector<ColumnPoint>& columns, bool& sampled) {
  const auto& planes = cx.job.slabs.planes;
  const RoiPlane& e = cx.end();
  const double h = cx.job.h_mm;
  // Size of each plane: its deepest point's depth, by pattern search from the end plane's.
  const double tolerance = 0.1 * h;
  const EndDepth end_depth(e, cx.job.distance[inward[0]], tolerance);
  const EndPoints ends = end_points(cx, end_depth, spans);
  double x = ends.x, y = ends.y;  // moved to the deepest point by the search
  std::vector<double> u{0.0}, r2;
  const double rho = end_depth.deepest(x, y, 0.5 * h);
  r2.push_back(rho * rho);
  // Each inward plane's size along the same ray: from the end's deepest point towards its
  // nearest moving edge (a cone lying across the planes narrows along its axis, not evenly).
  double nx, ny;
  end_depth.nearest(x, y, nx, ny);
  const double ray_len = std::hypot(nx - x, ny - y);
  for (std::size_t k : inward) {
    double r = ray_len > 0 && geometry::plane_contains(planes[k], x, y)
                   ? ray_depth_mm(planes[k], x, y, (nx - x) / ray_len, (ny - y) / ray_len)
                   : std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(r)) {
      double kx = x, ky = y;
      r = EndDepth(planes[k], cx.job.distance[cx.ie], tolerance).deepest(kx, ky, 0.5 * h);
    }
    u.push_back(-std::abs(planes[k].z_mm - e.z_mm));
    r2.push_back(r * r);
  }
  const double L = closure_distance_mm(u, r2, std::abs(e.z_mm - planes[inward[0]].z_mm));
  if (std::isnan(L) || !(rho > 0)) return std::numeric_limits<double>::quiet_NaN();  // no closing trend
  // Q(v) = inradius² at v beyond the plane; a point at depth d stays inside while
  // inradius(v) > rho − d. Q falls on [0, L]: bisection.
  const double c1 = (r2[1] - r2[0]) / (u[1] - u[0]);
  const double c2 = u.size() >= 3 ? ((r2[2] - r2[1]) / (u[2] - u[1]) - c1) / (u[2] - u[0]) : 0.0;
  auto Q = [&](double v) { return v >= L ? 0.0 : std::max(r2[0] + c1 * v + c2 * v * (v - u[1]), 0.0); };
  for (std::size_t i = 0; i < ends.points.size(); ++i) {
    const double need = std::max(rho - ends.depth[i], 0.0);
    double lo = 0, hi = L;
    for (int it = 0; it < 30; ++it) {
      const double mid = 0.5 * (lo + hi);
      (Q(mid) > need * need ? lo : hi) = mid;
    }
    columns.push_back({ends.points[i].first, ends.points[i].second, 0.0, lo});
    boundary_point(cx.sampler, ends.points[i].first, ends.points[i].second, e.z_mm + cx.dir * lo, cx.acc);
  }
  boundary_point(cx.sampler, x, y, e.z_mm + cx.dir * L, cx.acc);  // the tip
  spans.clear();
  if (columns.empty()) {  // smaller than the lattice: one column at its centre
    columns.push_back({x, y, 0.0, 0.5 * L});
    const double w_total = e.area_mm2 * 0.5 * L;  // a paraboloid-like tip: ½ base × height
    const int subslabs = subslab_count(cx.job, 0.5 * L);
    const double dz = 0.5 * L / subslabs;
    SubSlab slab(cx.sampler, cx.acc, h, dz, cx.inv_bin, cx.scratch);
    for (int k = 0; k < subslabs; ++k) {
      slab.at(e.z_mm + cx.dir * (k + 0.5) * dz);
      slab.span(y, x, 1, w_total / subslabs);
    }
    sampled = true;
  }
  return L;
}

// A flat end grown by the trend where the contours grow outwards (a cone's base), never
// shrunk: columns for the lattice points outside the end contour that the growth reaches
// within the half-spacing cap.
void flat_cap_growth(const CapContext& cx, std::size_t inner, double half, RowCache& cache,
                     std::vector<double>& xs, std::vector<ColumnPoint>& columns) {
  const RoiJob& job = cx.job;
  const RoiPlane& e = cx.end();
  const RoiPlane& m = job.slabs.planes[inner];
  const double h = job.h_mm;
  const double s1 = std::abs(e.z_mm - m.z_mm);
  double growth = 0;  // how far the end contour lies outside its neighbour, at most
  for (const auto& p : e.polygons)
    for (std::size_t k = 0; k < p.x_mm.size(); ++k)
      growth = std::max(growth, job.distance[inner].unsigned_mm(p.x_mm[k], p.y_mm[k]));
  // The trend carried over the cap, but never further than the growth seen between the two
  // planes: with a neighbour much closer than the cap is thick (irregular or forged plane
  // positions) the linear trend would reach absurdly far and scan a huge lattice. With
  // regular spacing (half = s1 / 2) the bound never applies.
  const double margin = std::min(growth, growth * half / s1);
  if (!(margin > 0.05 * h)) return;
  const PlaneRows& rows_e = cache.get(job, cx.ie, xs);
  const PlaneRows& rows_m = cache.get(job, inner, xs);
  const long j_lo = static_cast<long>(std::floor((e.y_min_mm - margin - job.y0_mm) / h)) - 1;
  const long j_hi = static_cast<long>(std::ceil((e.y_max_mm + margin - job.y0_mm) / h)) + 1;
  const long q_lo = static_cast<long>(std::floor((e.x_min_mm - margin - job.x0_mm) / h)) - 1;
  const long q_hi = static_cast<long>(std::ceil((e.x_max_mm + margin - job.x0_mm) / h)) + 1;
  for (long j = j_lo; j <= j_hi; ++j) {
    const double y = job.y0_mm + (static_cast<double>(j) + 0.5) * h;
    for (long q = q_lo; q <= q_hi; ++q) {
      const double x = lattice_x(job, q);
      if (rows_e.contains(j, q)) continue;  // inside the end contour: in the cap anyway
      const double de = -job.distance[cx.ie].unsigned_mm(x, y);
      if (de >= 0 || de < -margin) continue;
      const double um = job.distance[inner].unsigned_mm(x, y);
      const double dm = rows_m.contains(j, q) ? um : -um;
      const double rate = (de - dm) / s1;  // growth per mm outward
      if (!(rate > 0)) continue;
      const double from = -de / rate;
      if (from >= half) continue;
      columns.push_back({x, y, from, half});
      boundary_point(cx.sampler, x, y, e.z_mm + cx.dir * from, cx.acc);
      boundary_point(cx.sampler, x, y, e.z_mm + cx.dir * half, cx.acc);
    }
  }
}

// The end cap beyond plane e (dir +1 above, −1 below), closed by the trend of the end contours.
void run_cap(const RoiJob& job, std::size_t ie, int dir, const DoseSampler& sampler, double inv_bin,
             Accumulator& acc, std::vector<double>& xs, RowCache& cache, SubSlab::Scratch& scratch) {
  const CapContext cx{job, ie, dir, sampler, inv_bin, acc, scratch};
  const auto& planes = job.slabs.planes;
  const RoiPlane& e = planes[ie];
  const double h = job.h_mm;
  const double half = dir > 0 ? e.z_hi_mm - e.z_mm : e.z_mm - e.z_lo_mm;  // 0 with EndCaps::none
  if (dir > 0) boundary_contours(sampler, e, e.z_mm, h, acc);
  if (!(half > 0)) return;
  const std::vector<std::size_t> inward = inward_planes(planes, ie, dir);
  std::vector<Span> spans;
  const long n = plane_spans(job, e, xs, spans);
  const double f = area_scale(e.area_mm2, n, h);
  const bool rounded = !inward.empty() && e.area_mm2 < 0.9 * planes[inward[0]].area_mm2;
  std::vector<ColumnPoint> columns;  // from/to: distance beyond the end plane (mm)
  double length = half;
  if (rounded) {
    bool sampled = false;
    const double closed = rounded_cap(cx, inward, spans, columns, sampled);
    if (sampled) return;
    if (!std::isnan(closed)) length = closed;
  }
  if (!rounded || columns.empty()) {
    // Flat: the end contour, its face half a spacing beyond the plane.
    if (!inward.empty() && e.area_mm2 > planes[inward[0]].area_mm2)
      flat_cap_growth(cx, inward[0], half, cache, xs, columns);
    if (n == 0) {
      if (!(e.area_mm2 > 0)) return;
      spans.push_back(centre_span(e));
    }
    boundary_contours(sampler, e, e.z_mm + dir * half, h, acc);
    length = half;
  }
  const int subslabs = subslab_count(job, length);
  const double dz = length / subslabs;
  SubSlab slab(sampler, acc, h, dz, inv_bin, scratch);
  const double w = n == 0 ? e.area_mm2 * dz : h * h * dz * f;
  if (subslabs > 1) slab.plan(spans);
  for (int k = 0; k < subslabs; ++k) {
    const double v = (k + 0.5) * dz;
    slab.at(e.z_mm + dir * v);
    slab.spans(spans, w);
    slab.columns(columns, v, h * h * dz * f);
  }
}

void run_item(const RoiJob& job, const DoseSampler& sampler, double bin_width_gy, WorkItem& item) {
  Accumulator& acc = item.acc;
  const long max_edge = static_cast<long>(sampler.max_dose() / bin_width_gy) + 2;
  if (max_edge <= dense_histogram_bins) acc.ensure(0, max_edge);
  const double inv_bin = 1.0 / bin_width_gy;
  std::vector<double> xs;
  std::vector<Span> spans;
  RowCache cache;
  SubSlab::Scratch scratch;
  for (std::size_t si = item.segment_begin; si < item.segment_end; ++si) {
    const Segment& seg = job.segments[si];
    switch (seg.kind) {
      case Segment::Kind::prism:
        run_prism(job, seg.plane, sampler, inv_bin, acc, xs, spans, scratch);
        break;
      case Segment::Kind::gap:
        run_gap(job, seg.plane, sampler, inv_bin, acc, xs, cache, scratch);
        break;
      case Segment::Kind::cap:
        run_cap(job, seg.plane, seg.dir, sampler, inv_bin, acc, xs, cache, scratch);
        break;
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
  const std::size_t n = static_cast<std::size_t>(acc.edges());
  std::vector<double> f(n + 1, 0.0);
  double running_slope = 0, value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    value += acc.sj[2 * i + 1];
    f[i] = value;
    running_slope += acc.sj[2 * i];
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

// Sample spacing h of an ROI's lattice (see the constants above), unless the options fix it.
double lattice_step_mm(const RoiSlabs& s, const DoseSampler& sampler, const DvhOptions& options) {
  const Bounds3 b = s.bounds();
  const double extent = std::max(
      std::min({b.max_mm[0] - b.min_mm[0], b.max_mm[1] - b.min_mm[1], b.max_mm[2] - b.min_mm[2]}), 1e-3);
  const double volume_mm3 = std::max(s.volume_mm3(), 1e-9);
  double h = std::min({sampler.min_spacing_mm(), extent / min_lattice_per_extent,
                       std::cbrt(volume_mm3 / target_samples_per_roi)});
  if (volume_mm3 / (h * h * h) > max_samples_per_roi) h = std::cbrt(volume_mm3 / max_samples_per_roi);
  if (options.inplane_supersampling && *options.inplane_supersampling > 0)
    h = sampler.min_spacing_mm() / *options.inplane_supersampling;
  if (options.sample_spacing_mm && *options.sample_spacing_mm > 0) h = *options.sample_spacing_mm;
  return std::max(h, 1e-3);
}

// Segments: one prism per plane, or gaps between adjacent planes and caps at the ends of each run.
void add_segments(RoiJob& job, bool interpolate) {
  const auto& planes = job.slabs.planes;
  const double h = job.h_mm;
  auto plane_cost = [&](std::size_t p, double thickness) {
    const double sub = job.fixed_subslabs > 0 ? job.fixed_subslabs : std::ceil(thickness / h);
    return planes[p].area_mm2 / (h * h) * std::max(sub, 1.0) + 1.0;
  };
  for (std::size_t p = 0; p < planes.size(); ++p) {
    if (!interpolate) {
      job.segments.push_back({Segment::Kind::prism, p, 1, plane_cost(p, planes[p].thickness_mm())});
      continue;
    }
    const bool joined_below = p > 0 && joined(planes[p - 1], planes[p]);
    const bool joined_above = p + 1 < planes.size() && joined(planes[p], planes[p + 1]);
    if (!joined_below)
      job.segments.push_back({Segment::Kind::cap, p, -1, plane_cost(p, planes[p].z_mm - planes[p].z_lo_mm)});
    if (joined_above)
      job.segments.push_back({Segment::Kind::gap, p, 1, plane_cost(p, planes[p + 1].z_mm - planes[p].z_mm)});
    else
      job.segments.push_back({Segment::Kind::cap, p, 1, plane_cost(p, planes[p].z_hi_mm - planes[p].z_mm)});
  }
}

// The job of one ROI: its lattice (centred on the ROI's box: symmetric shapes get symmetric
// samples), distance queries per plane when interpolating, and its segments.
RoiJob make_job(std::size_t result_index, RoiSlabs&& s, const DoseSampler& sampler,
                const DvhOptions& options) {
  RoiJob job;
  job.result_index = result_index;
  const double h = lattice_step_mm(s, sampler, options);
  job.h_mm = h;
  job.fixed_subslabs =
      options.slab_supersampling && *options.slab_supersampling > 0 ? *options.slab_supersampling : 0;
  auto centred_start = [h](double lo, double hi) {
    const double n = std::ceil((hi - lo) / h);
    return lo - 0.5 * (n * h - (hi - lo));
  };
  const Bounds3 b = s.bounds();
  job.x0_mm = centred_start(b.min_mm[0], b.max_mm[0]);
  job.y0_mm = centred_start(b.min_mm[1], b.max_mm[1]);
  job.slabs = std::move(s);
  if (options.interpolate_between_planes)
    for (const auto& plane : job.slabs.planes) job.distance.emplace_back(plane);
  add_segments(job, options.interpolate_between_planes);
  return job;
}

// Splits a job's segments into items of about samples_per_item samples each.
void add_items(const RoiJob& job, std::size_t job_index, std::vector<WorkItem>& items) {
  WorkItem item;
  item.job = job_index;
  for (std::size_t k = 0; k < job.segments.size(); ++k) {
    item.cost += job.segments[k].cost;
    item.segment_end = k + 1;
    if (item.cost >= samples_per_item || k + 1 == job.segments.size()) {
      items.push_back(item);
      item.segment_begin = k + 1;
      item.cost = 0;
    }
  }
}

// Worker threads for `tasks` tasks: DvhOptions::threads, or one per core (0).
unsigned worker_count(int threads_option, std::size_t tasks) {
  const unsigned threads =
      threads_option > 0 ? static_cast<unsigned>(threads_option) : std::thread::hardware_concurrency();
  return std::clamp<unsigned>(threads, 1, static_cast<unsigned>(std::max<std::size_t>(tasks, 1)));
}

// Runs fn(i) for every i < n on up to `threads_option` workers; fn(i) writes only slot i.
template <class Fn>
void parallel_for(std::size_t n, int threads_option, Fn fn) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < n; k = next++) fn(k);
  };
  const unsigned threads = worker_count(threads_option, n);
  if (threads <= 1) return worker();
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// Runs the items, largest first, on `threads` workers; each writes only its own accumulator.
void run_items(const std::vector<RoiJob>& jobs, std::vector<WorkItem>& items, const DoseSampler& sampler,
               double bin_width, int threads_option) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return items[a].cost > items[b].cost; });
  parallel_for(order.size(), threads_option, [&](std::size_t k) {
    WorkItem& it = items[order[k]];
    run_item(jobs[it.job], sampler, bin_width, it);
  });
}

// The ROIs the options select, with their slab stacks (single-plane ROIs borrow the
// structure set's typical spacing for their slab). `beside` runs on the workers too.
std::vector<const Roi*> selected_rois(const StructureSet& ss, const DvhOptions& options,
                                      std::vector<RoiSlabs>& slabs,
                                      const std::function<void()>& beside = {}) {
  std::vector<const Roi*> rois;
  for (const auto& roi : ss.rois) {
    if (!options.roi_names.empty() &&
        std::find(options.roi_names.begin(), options.roi_names.end(), roi.name) == options.roi_names.end())
      continue;
    rois.push_back(&roi);
  }
  slabs.assign(rois.size(), {});
  parallel_for(rois.size() + 1, options.threads, [&](std::size_t k) {
    if (k == 0) {
      if (beside) beside();
    } else {
      slabs[k - 1] = geometry::build_slabs(*rois[k - 1], options.end_caps);
    }
  });
  const double fallback = median_spacing_mm(slabs);
  for (std::size_t i = 0; i < rois.size(); ++i)
    if (slabs[i].empty() && rois[i]->has_closed_contours())
      slabs[i] = geometry::build_slabs(*rois[i], options.end_caps, fallback);
  return rois;
}

// Why an ROI cannot be computed, or "" when it can.
std::string not_computable(const Roi& roi, const RoiSlabs& s, const std::optional<DoseSampler>& sampler,
                           const std::string& sampler_why) {
  if (!roi.has_closed_contours()) return "no closed planar contours";
  if (s.empty())
    return "no usable closed planar contours (" + std::to_string(s.ignored_contours) +
           " not on an axial plane or malformed, or one plane without a known thickness)";
  if (!sampler) return sampler_why;
  return "";
}

// The work budget (rtreview/limits.h): the lattice points an ROI's DVH takes, counted
// from its contours before sampling, and why it is not computed when past a limit ("" if not).
std::uint64_t roi_planned_points(const RoiSlabs& s, const DoseSampler& sampler, const DvhOptions& options) {
  const int fixed =
      options.slab_supersampling && *options.slab_supersampling > 0 ? *options.slab_supersampling : 0;
  return dvh::planned_points(s, lattice_step_mm(s, sampler, options), fixed,
                             options.interpolate_between_planes);
}

std::string over_budget(std::uint64_t planned, std::uint64_t left, const StructureSet& ss,
                        const DvhOptions& options) {
  if (planned <= options.max_points_per_roi && planned <= left) return "";
  const std::string file = ss.info.source.path.empty()
                               ? "structure set " + ss.info.sop_instance_uid
                               : std::filesystem::path(ss.info.source.path).filename().string();
  const std::string work = "its sampling work (" + std::to_string(planned) +
                           " lattice points, from the extent of its contours in " + file + ")";
  if (planned > options.max_points_per_roi)
    return work + " exceeds the limit of " + std::to_string(options.max_points_per_roi) +
           " per ROI (InputLimits::max_dvh_points_per_roi)";
  return work + " exceeds what is left (" + std::to_string(left) + ") of the limit of " +
         std::to_string(options.max_points_per_structure_set) +
         " per structure set (InputLimits::max_dvh_points_per_structure_set)";
}

}  // namespace

std::vector<std::uint64_t> planned_dvh_points(const StructureSet& ss, const DoseGrid& dose,
                                              const DvhOptions& options) {
  std::vector<RoiSlabs> slabs;
  const std::vector<const Roi*> rois = selected_rois(ss, options, slabs);
  std::string why;
  const auto sampler = DoseSampler::make(dose, why);
  std::vector<std::uint64_t> out(rois.size(), 0);
  for (std::size_t i = 0; i < rois.size(); ++i)
    if (not_computable(*rois[i], slabs[i], sampler, why).empty())
      out[i] = roi_planned_points(slabs[i], *sampler, options);
  return out;
}

std::vector<RoiDvh> compute_dvhs(const StructureSet& ss, const DoseGrid& dose, const DvhOptions& options) {
  // The dose sampler (one pass over the grid for its maximum) is built beside the slab stacks.
  std::string why;
  std::optional<DoseSampler> sampler;
  std::vector<RoiSlabs> slabs;
  const std::vector<const Roi*> rois =
      selected_rois(ss, options, slabs, [&] { sampler = DoseSampler::make(dose, why); });
  std::vector<RoiDvh> results(rois.size());
  double bin_width =
      options.bin_width_gy > 0 && std::isfinite(options.bin_width_gy) ? options.bin_width_gy : 0.01;
  if (sampler && sampler->max_dose() / bin_width > static_cast<double>(max_bins))
    bin_width = sampler->max_dose() / static_cast<double>(max_bins);

  // Each ROI's planned work on the workers, then the budget in ROI order.
  std::vector<std::uint64_t> planned(rois.size(), 0);
  parallel_for(rois.size(), options.threads, [&](std::size_t i) {
    if (not_computable(*rois[i], slabs[i], sampler, why).empty())
      planned[i] = roi_planned_points(slabs[i], *sampler, options);
  });
  std::vector<std::size_t> computable;
  std::uint64_t budget_left = options.max_points_per_structure_set;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    RoiDvh& r = results[i];
    r.roi_number = rois[i]->number;
    r.roi_name = rois[i]->name;
    r.dose_units = dose.units;
    r.volume_cc = slabs[i].volume_mm3() / 1000.0;
    r.not_computed_reason = not_computable(*rois[i], slabs[i], sampler, why);
    if (!r.not_computed_reason.empty()) continue;
    r.not_computed_reason = over_budget(planned[i], budget_left, ss, options);
    if (!r.not_computed_reason.empty()) continue;
    budget_left -= planned[i];
    computable.push_back(i);
  }
  std::vector<RoiJob> jobs(computable.size());
  parallel_for(jobs.size(), options.threads, [&](std::size_t k) {
    const std::size_t i = computable[k];
    jobs[k] = make_job(i, std::move(slabs[i]), *sampler, options);
  });
  std::vector<WorkItem> items;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    results[jobs[k].result_index].sample_spacing_mm = jobs[k].h_mm;
    add_items(jobs[k], k, items);
  }
  if (!jobs.empty()) run_items(jobs, items, *sampler, bin_width, options.threads);

  // Each job's items merged in item order (deterministic), its curves made and its memory
  // freed on the workers: one job's items are adjacent (add_items), and a job touches only
  // its own items and result.
  std::vector<std::size_t> first_item(jobs.size(), items.size());
  for (std::size_t i = items.size(); i-- > 0;) first_item[items[i].job] = i;
  parallel_for(jobs.size(), options.threads, [&](std::size_t j) {
    Accumulator merged;
    for (std::size_t i = first_item[j]; i < items.size() && items[i].job == j; ++i) {
      merged.merge(items[i].acc);
      items[i].acc = Accumulator{};
    }
    RoiDvh& r = results[jobs[j].result_index];
    finalize(merged, bin_width, r);
    // The interpolated shape's volume is what was sampled (in and outside the grid).
    if (options.interpolate_between_planes) r.volume_cc = (merged.in_mm3 + merged.out_mm3) / 1000.0;
    jobs[j] = RoiJob{};
  });
  return results;
}

}  // namespace rtreview
