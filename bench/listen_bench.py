#!/usr/bin/python3
"""Receiving throughput of `rtreview listen`, measured with DCMTK's storescu on loopback.

usage: /usr/bin/python3 bench/listen_bench.py [--rtreview PATH] [--ct N] [--flood N]

1. A study of N CT slices (512 x 512, 16 bit, written with pydicom; default 300) plus the
   dicom_samples/hn_imrt_7field plan, structure set and dose (same patient and study) is sent
   by one storescu association: instances/s and MB/s of the transfer (storescu's wall time),
   and the time from the end of the transfer to the review's line in reviews.jsonl
   (--quiet-seconds 1, reported with the quiet time subtracted too).
2. --flood N (default 0 = skipped): N small CT images (64 x 64) into one study; peak RSS of the
   listener (VmHWM) is reported, to show that receiving does not accumulate memory.
Generated files stay in bench/work/listen (git-ignored); the listener's data in a temp folder.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "dicom_samples", "hn_imrt_7field")


def write_ct_series(folder, count, size, patient_id, study_uid):
    os.makedirs(folder, exist_ok=True)
    series_uid = generate_uid()
    pixels = (np.arange(size * size, dtype=np.int16).reshape(size, size) % 2000).tobytes()
    for i in range(count):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "CT"
        ds.PatientID = patient_id
        ds.PatientName = "Bench^CT"
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.InstanceNumber = i + 1
        ds.ImagePositionPatient = [0, 0, float(i) * 2.0]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [1.0, 1.0]
        ds.SliceThickness = 2.0
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.PixelData = pixels
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(folder, "CT%05d.dcm" % i), write_like_original=False)


def start_listen(rtreview, data, cases, quiet):
    log = open(os.path.join(data + ".log"), "w")
    proc = subprocess.Popen([rtreview, "listen", "--port", "0", "--data", data, "--case-dir", cases,
                             "--format", "json", "--quiet-seconds", str(quiet), "--log-json"],
                            stderr=log)
    for _ in range(200):
        time.sleep(0.05)
        for line in open(data + ".log"):
            j = json.loads(line)
            if j.get("event") == "listening":
                return proc, j["port"]
    proc.kill()
    sys.exit("listen did not start: " + open(data + ".log").read())


def peak_rss_mb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def storescu(port, files):
    args = ["storescu", "-aec", "RTREVIEW", "127.0.0.1", str(port)]
    # storescu takes folders with +sd; pass folders to keep the command line short.
    t0 = time.monotonic()
    subprocess.run(args + ["+sd"] + files, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def total_bytes(paths):
    n = 0
    for p in paths:
        for d, _, fs in os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p), None, [os.path.basename(p)])]:
            n += sum(os.path.getsize(os.path.join(d, f)) for f in fs)
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtreview", default=os.path.join(ROOT, "build", "rtreview"))
    ap.add_argument("--ct", type=int, default=300)
    ap.add_argument("--flood", type=int, default=0)
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    work = os.path.join(ROOT, "bench", "work", "listen")
    plan = pydicom.dcmread(os.path.join(SAMPLE, "RP.dcm"), stop_before_pixels=True)
    ct_dir = os.path.join(work, "ct%d" % a.ct)
    if not os.path.isdir(ct_dir):
        write_ct_series(ct_dir, a.ct, 512, plan.PatientID, plan.StudyInstanceUID)
    rt_dir = os.path.join(work, "rt")
    os.makedirs(rt_dir, exist_ok=True)
    for f in ("RP.dcm", "RS.dcm", "RD.dcm"):
        shutil.copy(os.path.join(SAMPLE, f), rt_dir)
    tmp = tempfile.mkdtemp(prefix="rtreview-listen-bench")
    cases = os.path.join(tmp, "cases")
    os.makedirs(cases)
    shutil.copy(os.path.join(SAMPLE, "case.xml"), os.path.join(cases, plan.PatientID + ".xml"))
    data = os.path.join(tmp, "data")
    proc, port = start_listen(a.rtreview, data, cases, 1)
    try:
        count = a.ct + 3
        size = total_bytes([ct_dir, rt_dir])
        seconds = storescu(port, [ct_dir, rt_dir])
        end = time.monotonic()
        jsonl = os.path.join(data, "reviews.jsonl")
        while not (os.path.exists(jsonl) and open(jsonl).read().strip()):
            time.sleep(0.02)
            if time.monotonic() - end > 120:
                sys.exit("no review after 120 s")
        to_packet = time.monotonic() - end
        review = json.loads(open(jsonl).readline())
        print("study: %d instances (%d CT 512x512 + plan, structure set, dose), %.1f MB" % (count, a.ct, size / 1e6))
        print("storescu -> rtreview listen (loopback, one association): %.2f s, %.0f instances/s, %.1f MB/s"
              % (seconds, count / seconds, size / 1e6 / seconds))
        print("last instance -> packet: %.2f s (of which --quiet-seconds 1 s; review %s, overall %s)"
              % (to_packet, review["packet"], review["overall"]))
        print("listener peak RSS: %.1f MB" % peak_rss_mb(proc.pid))
        if a.flood:
            flood_dir = os.path.join(work, "flood%d" % a.flood)
            if not os.path.isdir(flood_dir):
                write_ct_series(flood_dir, a.flood, 64, "FLOOD", generate_uid())
            seconds = storescu(port, [flood_dir])
            print("flood: %d CT images (64x64) into one study in %.2f s (%.0f instances/s); listener peak RSS %.1f MB"
                  % (a.flood, seconds, a.flood / seconds, peak_rss_mb(proc.pid)))
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
        print("SIGTERM -> exit code %d" % rc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
