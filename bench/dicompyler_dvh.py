#!/usr/bin/python3
"""DVHs of every ROI with dicompyler-core (run and timed by dvh_bench.py).

usage: dicompyler_dvh.py RS.dcm RD.dcm OUT.json
Writes {roi name: {volume_cc, mean_gy, min_gy, max_gy, d98_gy, d95_gy, d50_gy, d2_gy}}.
Defaults as a user would call it (no interpolation: its interpolation shifts doses).
"""
import json
import sys

from dicompylercore import dicomparser, dvhcalc


def main():
    rs, rd, out = sys.argv[1:4]
    structures = dicomparser.DicomParser(rs).GetStructures()
    result = {}
    for number in sorted(structures):
        s = structures[number]
        try:
            dvh = dvhcalc.get_dvh(rs, rd, number)
        except Exception as e:  # POINT ROIs and the like
            result[s["name"]] = {"error": str(e)}
            continue
        if dvh is None or dvh.volume == 0:
            continue
        result[s["name"]] = {
            "volume_cc": float(dvh.volume),
            "mean_gy": float(dvh.mean),
            "min_gy": float(dvh.min),
            "max_gy": float(dvh.max),
            "d98_gy": float(dvh.D98.value),
            "d95_gy": float(dvh.D95.value),
            "d50_gy": float(dvh.D50.value),
            "d2_gy": float(dvh.D2.value),
        }
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
