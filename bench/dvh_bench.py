#!/usr/bin/python3
"""DVH benchmark: rtreview vs dicompyler-core 0.5.5 vs plastimatch 1.9.4 on the same inputs.

usage: /usr/bin/python3 bench/dvh_bench.py [--rtreview PATH] [--baseline PATH] [--repeat N]
                                          [--skip-dicompyler] [CASE_DIR ...]

Default inputs: the large generated case (written by `rtreview make-samples --large
bench/work` when missing) and the corpus's BrainSRSRaystationIMRT when present. For each
input every tool computes all ROIs' DVHs in its own process; the script prints wall time
(to the millisecond), peak memory (max RSS), the ratios to rtreview, CPU time and page faults,
and the largest metric differences between the tools (per metric, over the ROIs all tools
computed). It starts with what a page fault costs on the machine: with the faults it explains
most of why the same build's times differ between machines.
--baseline runs a second rtreview build (e.g. before a change) in the same run; --repeat N
takes the best of N runs of each rtreview build (the peers run once: they take seconds).
With BrainSRSRaystationIMRT present it also times `rtreview review` of that set to all three
packet formats (JSON, HTML, PDF), with dicom_samples/hn_imrt_7field/case.xml as the case file
(the timing does not depend on the case's facts).
Generated files stay in bench/work/ (git-ignored).
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
METRICS = ["mean_gy", "d98_gy", "d95_gy", "d50_gy", "d2_gy", "max_gy"]


Run = collections.namedtuple("Run", "wall rss_mb code cpu_s faults")


def timed(cmd, log):
    """Runs cmd; returns a Run: wall s, max RSS MB, exit code, CPU s (user + system) and page
    faults (minor; a tool's fresh memory). The wall time is perf_counter's from just before the
    fork to the exit (/usr/bin/time's own figure is rounded to 10 ms, 8 % of rtreview's time;
    its start-up, ~1 ms, is in every tool's time alike). Peak memory, CPU and faults are
    /usr/bin/time's: a child's rusage as this script would get it from wait4 also counts the
    memory the child shared with this Python process until its exec."""
    stats_file = log + ".time"
    with open(log, "w") as f:
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S %R", "-o", stats_file] + cmd, stdout=f,
                           stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    with open(stats_file) as f:
        rss_kb, user_s, system_s, faults = f.read().split()[-4:]
    return Run(wall, int(rss_kb) / 1024.0, p.returncode, float(user_s) + float(system_s), int(faults))


def find_files(case):
    rs = rd = None
    for name in sorted(os.listdir(case)):
        path = os.path.join(case, name)
        if name.startswith("RS"):
            rs = path
        elif name.startswith("RD"):
            rd = path
    return rs, rd


def curve_metrics(doses, fractions):
    """Metrics from a cumulative curve in fractions (plastimatch's CSV)."""
    def dose_at(v):
        for i in range(1, len(doses)):
            if fractions[i] < v:
                f0, f1 = fractions[i - 1], fractions[i]
                return doses[i - 1] + (f0 - v) / (f0 - f1) * (doses[i] - doses[i - 1]) if f0 > f1 else doses[i - 1]
        return doses[-1]
    mean = sum(0.5 * (fractions[i] + fractions[i + 1]) * (doses[i + 1] - doses[i]) for i in range(len(doses) - 1))
    maxd = next((doses[i + 1] for i in range(len(doses) - 2, -1, -1) if fractions[i] > 0), 0.0)
    return {"mean_gy": mean, "d98_gy": dose_at(0.98), "d95_gy": dose_at(0.95), "d50_gy": dose_at(0.50),
            "d2_gy": dose_at(0.02), "max_gy": maxd}


def best_of(cmd, log, repeat):
    runs = [timed(cmd, log) for _ in range(max(repeat, 1))]
    return min(runs, key=lambda r: r.wall)


def run_case(case, rtreview, skip_dicompyler, baseline=None, repeat=1):
    name = os.path.basename(os.path.normpath(case))
    rs, rd = find_files(case)
    out = os.path.join(WORK, "out_" + name)
    os.makedirs(out, exist_ok=True)
    results, metrics = {}, {}

    j = os.path.join(out, "rtreview.json")
    results["rtreview"] = best_of([rtreview, "dvh", case, "--json"], j, repeat)
    if baseline:
        results["rtreview baseline"] = best_of([baseline, "dvh", case, "--json"],
                                               os.path.join(out, "baseline.json"), repeat)
    doc = json.load(open(j))[0]
    metrics["rtreview"] = {r["roi_name"]: r for r in doc["rois"] if r["computed"]}
    max_dose = max(r["max_gy"] for r in metrics["rtreview"].values())

    c = os.path.join(out, "plastimatch.csv")
    results["plastimatch"] = timed(["plastimatch", "dvh", "--input", case, "--output-csv", c, "--bin-width", "0.01",
                                    "--num-bins", str(int(max_dose / 0.01) + 50)], os.path.join(out, "plastimatch.log"))
    rows = list(csv.reader(open(c)))
    doses = [float(r[0]) for r in rows[1:]]
    metrics["plastimatch"] = {}
    for k, roi in enumerate(rows[0][1:], start=1):
        fr = [float(r[k]) for r in rows[1:]]
        if fr[0] > 0:
            metrics["plastimatch"][roi] = curve_metrics(doses, fr)

    if not skip_dicompyler:
        jd = os.path.join(out, "dicompyler.json")
        results["dicompyler-core"] = timed(["/usr/bin/python3", os.path.join(HERE, "dicompyler_dvh.py"), rs, rd, jd],
                                           os.path.join(out, "dicompyler.log"))
        metrics["dicompyler-core"] = {k: v for k, v in json.load(open(jd)).items() if "error" not in v}

    print(f"\n== {name}: {len(metrics['rtreview'])} ROIs computed by rtreview")
    base = results["rtreview"]
    print(f"{'tool':<18} {'wall s':>8} {'peak MB':>9} {'wall ×':>8} {'mem ×':>7} {'CPU s':>7} {'faults':>8}  exit")
    for tool, r in results.items():
        print(f"{tool:<18} {r.wall:8.3f} {r.rss_mb:9.1f} {r.wall / base.wall:8.1f} {r.rss_mb / base.rss_mb:7.2f} "
              f"{r.cpu_s:7.2f} {r.faults:8d}  {r.code}")
    if baseline:
        for tool in ("plastimatch", "dicompyler-core"):
            if tool in results:
                print(f"{tool} / rtreview: {results[tool].wall / base.wall:.1f}x now, "
                      f"{results[tool].wall / results['rtreview baseline'].wall:.1f}x with the baseline")
    for tool in metrics:
        if tool == "rtreview":
            continue
        common = sorted(set(metrics[tool]) & set(metrics["rtreview"]))
        print(f"largest |difference| rtreview vs {tool} over {len(common)} ROIs (Gy, and % of rtreview's value):")
        for m in METRICS + (["volume_cc"] if tool == "dicompyler-core" else []):
            worst = None
            for roi in common:
                a, b = metrics["rtreview"][roi].get(m), metrics[tool][roi].get(m)
                if a is None or b is None:
                    continue
                d = abs(a - b)
                if worst is None or d > worst[0]:
                    worst = (d, roi, a, b)
            if worst:
                d, roi, a, b = worst
                pct = 100.0 * d / abs(a) if a else float("nan")
                print(f"  {m:<10} {d:9.3f} ({pct:6.1f} %)  ROI {roi}: rtreview {a:.3f}, {tool} {b:.3f}")


def page_fault_us():
    """Microseconds a first write to a fresh page (4 KiB here) costs on this machine (the page
    fault and the zeroing), as the median of 5 trials of 16 MiB of private anonymous memory,
    the kind malloc gets, on small pages: the first write to every page less a second write.
    rtreview's runs take thousands of them (`perf stat -e page-faults`: ~5,800 for the large
    `dvh`), and what one costs differs between machines by more than any other cost: about
    3 us on an earlier session's virtual machine, 11-15 us on session 10's."""
    import mmap
    page, pages = mmap.PAGESIZE, (16 << 20) // mmap.PAGESIZE
    trials = []
    for _ in range(5):
        with mmap.mmap(-1, pages * page, flags=mmap.MAP_PRIVATE) as m:
            m.madvise(mmap.MADV_NOHUGEPAGE)  # one fault per page even where THP is "always"
            passes = []
            for _ in range(2):
                start = time.perf_counter()
                for i in range(0, pages * page, page):
                    m[i] = 1
                passes.append(time.perf_counter() - start)
            trials.append((passes[0] - passes[1]) / pages * 1e6)
    return sorted(trials)[len(trials) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rtreview", default=os.path.join(ROOT, "build", "rtreview"))
    ap.add_argument("--baseline", help="a second rtreview build to time in the same run")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs of each rtreview build")
    ap.add_argument("--skip-dicompyler", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    if not os.path.exists(a.rtreview):
        sys.exit(f"error: {a.rtreview} not found; build it or pass --rtreview")
    os.makedirs(WORK, exist_ok=True)
    cases = a.cases
    if not cases:
        large = os.path.join(WORK, "large_breast_imrt")
        if not os.path.isdir(large):
            subprocess.run([a.rtreview, "make-samples", "--large", WORK], check=True)
        cases = [large]
        corpus = os.environ.get("RTREVIEW_CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
        srs = os.path.join(corpus, "pps_hist", "BrainSRSRaystationIMRT")
        if os.path.isdir(srs):
            cases.append(srs)
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f} (timings are wall clock); "
          f"a page fault costs {page_fault_us():.1f} us here")
    for case in cases:
        run_case(case, a.rtreview, a.skip_dicompyler, a.baseline, a.repeat)
    srs = [c for c in cases if os.path.basename(os.path.normpath(c)) == "BrainSRSRaystationIMRT"]
    if srs:
        time_review(srs[0], a.rtreview, a.baseline, a.repeat)


def time_review(case, rtreview, baseline, repeat):
    """Wall time of `rtreview review` to JSON, HTML and PDF (exit 1 = failing checks, expected)."""
    case_file = os.path.join(ROOT, "dicom_samples", "hn_imrt_7field", "case.xml")
    print(f"\n== review {os.path.basename(os.path.normpath(case))} -> json, html, pdf")
    builds = [("rtreview", rtreview)] + ([("rtreview baseline", baseline)] if baseline else [])
    for name, exe in builds:
        out = os.path.join(WORK, "review_" + name.replace(" ", "_"))
        r = best_of([exe, "review", case, "--case", case_file, "--out", out, "--format", "json,html,pdf"],
                    os.path.join(WORK, "review.log"), repeat)
        print(f"{name:<18} {r.wall:8.3f} s {r.rss_mb:9.1f} MB {r.cpu_s:7.2f} s CPU {r.faults:8d} faults  exit {r.code}")


if __name__ == "__main__":
    main()
