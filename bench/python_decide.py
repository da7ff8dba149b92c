#!/usr/bin/env python3
"""The Python package's end-to-end path, as bench/run times it against `warrant run`:

  python_decide.py PACK CLAIMS.ndjson OUT.ndjson JOBS

Maps the claims file (read in place, as `warrant run` streams it), decides it with
warrant.Engine(PACK).decide_ndjson(data, jobs=JOBS) and writes the decision records, like
`warrant run PACK CLAIMS -o OUT -j JOBS`. Prints {"in_process_s": ...}: the time from loading the
pack to the records written, which leaves out the interpreter's start and imports. Needs the
built package on PYTHONPATH (build/release/python).
"""
import mmap
import sys
import time

import warrant


def main():
    pack, claims, out, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    started = time.perf_counter()
    engine = warrant.Engine(pack)
    with open(claims, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        decided = engine.decide_ndjson(data, jobs=jobs)
    with open(out, "wb") as f:
        f.write(decided)
    # Written by hand: importing json would add its own time to the process's.
    print('{"in_process_s": %.6f}' % (time.perf_counter() - started))


if __name__ == "__main__":
    main()
