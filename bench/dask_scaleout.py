#!/usr/bin/env python3
"""Throughput of warrant.dask.decide on a LocalCluster of 1 and of 2 worker processes
(docs/scale-out.md). Not part of the test suite.

  PYTHONPATH=build/release/python /usr/bin/python3 bench/dask_scaleout.py PACK CLAIMS.ndjson \
      [--runs 5] [--partitions 16] [--repeat 5]

Each worker process has one thread (and decides with jobs=1), so 2 workers use 2 cores. The
claims are read on the client and scattered to the workers before timing; each pass decides the
whole bag and counts the records on the workers (no transfer of the results to the client), after
a warm-up pass that loads the pack on every worker. The claims are repeated --repeat times (500,000
from the 100,000-claim workload) so a pass lasts over a second: the scheduler and the client share
the two cores with the workers, and their fixed cost per pass would otherwise weigh on the ratio.
Prints each pass and the medians.
"""
import argparse
import statistics
import time

import dask.bag as db
import distributed

import warrant.dask


def _same(partition, _salt):
    return partition


def measure(pack, lines, workers, runs, partitions):
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        bag = db.from_sequence(lines, npartitions=partitions).persist()
        distributed.wait(bag)
        times = []
        for run in range(runs + 1):
            # A new key for every pass (an identity step salted with the pass number), so no
            # pass is answered from a result the cluster still holds.
            fresh = bag.map_partitions(_same, run)
            counted = warrant.dask.decide(fresh, pack).count()
            t0 = time.perf_counter()
            records = counted.compute()
            if run > 0:  # pass 0 is the warm-up: every worker loads the pack once
                times.append(time.perf_counter() - t0)
        del client
        return times, records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pack")
    ap.add_argument("claims")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    with open(a.claims, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()] * max(1, a.repeat)
    medians = {}
    for workers in (1, 2):
        times, records = measure(a.pack, lines, workers, a.runs, a.partitions)
        medians[workers] = statistics.median(times)
        print(f"{workers} worker(s): {len(lines)} claims -> {records} records; passes "
              + ", ".join(f"{t:.3f}s" for t in times)
              + f"; median {medians[workers]:.3f}s = {len(lines) / medians[workers]:,.0f} claims/s",
              flush=True)
    print(f"2 workers / 1 worker: {medians[1] / medians[2]:.2f}x")


if __name__ == "__main__":
    main()
