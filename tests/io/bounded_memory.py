#!/usr/bin/env python3
"""`warrant run` keeps its memory bounded in bytes, whatever the lines hold (docs/limits.md).

Usage: bounded_memory.py <warrant binary> <scratch dir>

1. Lines far over the record limit (12 MB each) at -j 2: the reader skips them unkept and they
   are refused. Before batches were bounded in bytes, 160 such lines reached 3 GB at -j 2.
2. Claims whose decision records are large (1,000 lines, 90,000 findings, 17 MB of output each):
   a chunk (or batch) spills its output once every earlier one is written, so -j 2 never holds a
   chunk's output whole; -j 1, -j 2 and -j 8 write byte-identical output.
Peak RSS of the child (wait4) must stay under LIMIT_MB; the outputs are compared by SHA-256.
"""
import hashlib
import json
import os
import subprocess
import sys

LIMIT_MB = 150

warrant, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
os.chdir(work)
failures = []


def run(args, expect_errors):
    """Runs warrant, hashing its stdout; returns (sha256, peak RSS in MB, stderr)."""
    p = subprocess.Popen([warrant] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024.0
    name = " ".join(args)
    if code != (1 if expect_errors else 0):
        failures.append(f"{name}: exit {code}\n{err[-2000:]}")
    if rss > LIMIT_MB:
        failures.append(f"{name}: peak RSS {rss:.0f} MB, over {LIMIT_MB} MB")
    print(f"{name}: exit {code}, {size} bytes out, peak RSS {rss:.0f} MB")
    return digest.hexdigest(), rss, err


with open("policy.warrant", "w") as f:
    f.write('policy "P" version 1 "t" effective 2024-01-01\nreason r = CO-50 "not covered"\n'
            'codeset fobt: hcpcs = [82270, G0328]\n')
    for i in range(1000):
        condition = "age >= 200" if i % 11 == 0 else "age >= 10"
        f.write(f'rule r{i} applies to line where line.code in fobt {{\n'
                f'  require {condition} else deny r "rule {i} says no to this line"\n}}\n')
subprocess.run([warrant, "build", "policy.warrant", "-o", "rules.wpk"], check=True,
               stdout=subprocess.DEVNULL)

# 1. Lines over the record limit.
pad = "a" * (12 * 1000 * 1000)
with open("huge.ndjson", "w") as f:
    for i in range(16):
        f.write('{"id":"H%d","service_date":"2024-03-01","lines":[{"code":"82270"}],"x":"%s"}\n'
                % (i, pad))
_, _, err = run(["run", "-j", "2", "rules.wpk", "huge.ndjson"], expect_errors=True)
if err.count("error[R0708]") != 16:
    failures.append("huge.ndjson: expected 16 R0708 errors\n" + err[-2000:])
os.remove("huge.ndjson")

# 2. Large decision records: 91 failing rules x 1,000 lines per claim, 12 claims.
lines = [{"code": "82270"} for _ in range(1000)]
with open("findings.ndjson", "w") as f:
    for i in range(12):
        f.write(json.dumps({"id": f"F{i}", "patient": {"birth_date": "1950-05-01"},
                            "service_date": "2025-03-10", "lines": lines}) + "\n")
digests = {run(["run", "-j", str(j), "rules.wpk", "findings.ndjson"], False)[0] for j in (1, 2, 8)}
if len(digests) != 1:
    failures.append("findings.ndjson: -j 1, -j 2 and -j 8 wrote different output")

for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
