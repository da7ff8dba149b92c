#!/usr/bin/env python3
"""`warrant run -j 1` against `-j 2`, for one build or two (before and after a change).

  bench/jobs_scaling.py PACK CLAIMS.ndjson WARRANT [WARRANT ...] [--rounds 15] [--out FILE]

Runs `WARRANT run PACK CLAIMS -j J -o FILE --no-progress` for every build and J in 1, 2: one
warm-up pass each, then --rounds rounds in which every combination runs once, the order rotated
from round to round so that a change in the machine's load falls on all of them alike. Records
each pass's wall time and CPU time (user + system, from wait4) and prints, per build, the
medians, the `-j 2` ÷ `-j 1` speed-up (the ratio of the medians and the median of the per-round
ratios) and the CPU-time ratio, then each later build's `-j 1` against the first build's, and the
load averages seen. On a machine where other work holds the cores the wall-clock speed-up does not
measure Warrant's scaling; the CPU ratio (the extra work `-j 2` does) still does.
"""
import argparse
import os
import statistics
import subprocess
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pack")
    ap.add_argument("claims")
    ap.add_argument("warrant", nargs="+")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--out", default="/tmp/jobs_scaling.ndjson")
    a = ap.parse_args()

    combos = [(b, j) for b in range(len(a.warrant)) for j in (1, 2)]
    wall = {c: [] for c in combos}
    cpu = {c: [] for c in combos}
    loads = [os.getloadavg()]

    def one(build, jobs):
        t0 = time.perf_counter()
        p = subprocess.Popen([a.warrant[build], "run", a.pack, a.claims, "-j", str(jobs), "-o",
                              a.out, "--no-progress"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{a.warrant[build]} -j {jobs} failed")
        return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime

    for c in combos:
        one(*c)
    for r in range(a.rounds):
        shift = r % len(combos)
        for c in combos[shift:] + combos[:shift]:
            w, t = one(*c)
            wall[c].append(w)
            cpu[c].append(t)
        loads.append(os.getloadavg())
    os.remove(a.out)

    med = statistics.median
    for b, path in enumerate(a.warrant):
        print(f"{path}")
        for j in (1, 2):
            print(f"  -j {j}: wall {med(wall[(b, j)]) * 1e3:.1f} ms, CPU {med(cpu[(b, j)]) * 1e3:.1f} ms")
        paired = [x / y for x, y in zip(wall[(b, 1)], wall[(b, 2)])]
        print(f"  -j 2 / -j 1 speed-up: {med(wall[(b, 1)]) / med(wall[(b, 2)]):.2f}x "
              f"(median of rounds {med(paired):.2f}x); CPU -j 2 / -j 1: "
              f"{med(cpu[(b, 2)]) / med(cpu[(b, 1)]):.2f}")
    for b in range(1, len(a.warrant)):
        paired = [x / y for x, y in zip(wall[(0, 1)], wall[(b, 1)])]
        print(f"-j 1, build {b} against build 0: {med(wall[(0, 1)]) / med(wall[(b, 1)]):.3f}x "
              f"faster (median of rounds {med(paired):.3f}x); CPU "
              f"{med(cpu[(0, 1)]) / med(cpu[(b, 1)]):.3f}x")
    print("load average (1, 5, 15 min): first", loads[0], "last", loads[-1],
          "highest 1-min", max(x[0] for x in loads))


if __name__ == "__main__":
    main()
