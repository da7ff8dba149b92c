#!/usr/bin/env python3
"""The X12 837P and FHIR paths of `warrant run` against the NDJSON path, in one run.

  bench/x12_vs_ndjson.py WARRANT PACK encounters.ndjson WORKDIR [--runs 5] [--jobs 1]

Writes the workload as 837P (bench/ndjson_to_837p.py) and as FHIR R4 Claims, one a line
(bench/ndjson_to_fhir.py), and reads each back with `warrant convert` (the NDJSON of exactly the
claims that path decides: neither format carries the workload's history or observations). Then
times, in alternating passes after a warm-up, `warrant run PACK` on: the workload's NDJSON (the
full records), the 837P, its claims as NDJSON, the FHIR, and its claims as NDJSON. Prints one JSON
object: every pass's seconds, and for each format the median of the per-pass ratios of its rate
to the full workload's NDJSON rate (`x12_ratio`, `fhir_ratio`: the target's measure) and to the
same claims as NDJSON (`x12_same_ratio`, `fhir_same_ratio`). bench/run adds them as its "X12
837P" and "FHIR" rows.
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
    fhir = os.path.join(a.work, "claims.fhir.ndjson")
    same_x12 = os.path.join(a.work, "claims_from_837p.ndjson")
    same_fhir = os.path.join(a.work, "claims_from_fhir.ndjson")
    out = os.path.join(a.work, "decisions.ndjson")
    subprocess.run([sys.executable, os.path.join(HERE, "ndjson_to_837p.py"), a.ndjson, x12],
                   check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "ndjson_to_fhir.py"), a.ndjson, fhir],
                   check=True)
    for source, same in ((x12, same_x12), (fhir, same_fhir)):
        with open(same, "w") as f:
            subprocess.run([a.warrant, "convert", source], check=True, stdout=f)
    claims = sum(1 for _ in open(same_x12))
    inputs = {"ndjson": a.ndjson, "x12": x12, "x12_same": same_x12, "fhir": fhir,
              "fhir_same": same_fhir}
    cmds = {k: [a.warrant, "run", a.pack, v, "-o", out, "-j", str(a.jobs), "--no-progress"]
            for k, v in inputs.items()}
    for cmd in cmds.values():
        timed(cmd)
    runs = {k: [] for k in cmds}
    for _ in range(a.runs):
        for k, cmd in cmds.items():
            runs[k].append(timed(cmd))

    def ratio(fmt, against):
        return statistics.median(n / x for x, n in zip(runs[fmt], runs[against]))

    print(json.dumps({
        "claims": claims, "jobs": a.jobs,
        "x12_runs": runs["x12"], "x12_same_runs": runs["x12_same"],
        "fhir_runs": runs["fhir"], "fhir_same_runs": runs["fhir_same"],
        "ndjson_runs": runs["ndjson"],
        "bytes": {k: os.path.getsize(v) for k, v in inputs.items()},
        "x12_ratio": ratio("x12", "ndjson"), "x12_same_ratio": ratio("x12", "x12_same"),
        "fhir_ratio": ratio("fhir", "ndjson"), "fhir_same_ratio": ratio("fhir", "fhir_same"),
    }))


if __name__ == "__main__":
    main()
