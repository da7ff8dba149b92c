#!/usr/bin/env python3
"""The X12 837P path of `warrant run` against the NDJSON path, on the same claims.

  bench/x12_vs_ndjson.py WARRANT PACK encounters.ndjson WORKDIR [--runs 5] [--jobs 1]

Writes the workload as 837P (bench/ndjson_to_837p.py), reads it back with `warrant convert` (the
NDJSON of exactly the claims the X12 path decides: an 837 carries no history or observations),
then times `warrant run PACK claims.837p.txt` and `warrant run PACK same.ndjson` in alternating
passes after a warm-up, and prints one JSON object: the median seconds of each and the median of
the per-pass ratios (X12 rate / NDJSON rate). bench/run adds it as its "X12 837P" rows.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warrant")
    ap.add_argument("pack")
    ap.add_argument("ndjson")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    x12 = os.path.join(a.work, "claims.837p.txt")
    same = os.path.join(a.work, "claims_from_837p.ndjson")
    out = os.path.join(a.work, "x12_decisions.ndjson")
    subprocess.run([sys.executable, os.path.join(HERE, "ndjson_to_837p.py"), a.ndjson, x12],
                   check=True)
    with open(same, "w") as f:
        subprocess.run([a.warrant, "convert", x12], check=True, stdout=f)
    claims = sum(1 for _ in open(same))
    run_x12 = [a.warrant, "run", a.pack, x12, "-o", out, "-j", str(a.jobs), "--no-progress"]
    run_nd = [a.warrant, "run", a.pack, same, "-o", out, "-j", str(a.jobs), "--no-progress"]
    timed(run_x12)
    timed(run_nd)
    x12_runs, nd_runs = [], []
    for _ in range(a.runs):
        x12_runs.append(timed(run_x12))
        nd_runs.append(timed(run_nd))
    ratios = [n / x for x, n in zip(x12_runs, nd_runs)]
    print(json.dumps({"claims": claims, "jobs": a.jobs, "x12_runs": x12_runs,
                      "ndjson_runs": nd_runs, "x12_bytes": os.path.getsize(x12),
                      "ndjson_bytes": os.path.getsize(same),
                      "median_ratio": statistics.median(ratios)}))


if __name__ == "__main__":
    main()
