#!/usr/bin/env python3
"""`warrant report` keeps its memory flat however many decisions it reads (docs/report.md).

Usage: report_memory.py <warrant binary>

Generated decision records (many distinct codes, rules, messages and RARCs, so every table
reaches its cap of distinct keys) are piped to `warrant report -` twice: 100,000 and 1,000,000
of them. The child's peak RSS (wait4) for 1,000,000 must stay within a small margin of the
100,000 run's (16 MB more at most; keeping the records would take some 250 MB more): the tables
are counters, not the records. Not a timing test.
"""
import os
import subprocess
import sys

warrant = sys.argv[1]
DECISIONS = ["covered", "denied", "pended", "rejected", "bundled", "not_applicable"]


def record(i):
    d = DECISIONS[i % 6]
    finding = ""
    if d != "covered":
        finding = ('{"outcome":"%s","reason":"r%d","carc":"CO-%d","rarc":["N%d"],'
                   '"message":"missing document %d","policy":"P%d","version":1,'
                   '"rule":"rule%d","at":"p.warrant:1:1"}'
                   % ({"denied": "deny", "pended": "pend", "rejected": "reject",
                       "bundled": "bundle", "not_applicable": "flag"}[d],
                      i % 50, i % 300, i % 2000, i % 5000, i % 40, i % 3000))
    return ('{"claim":"C%d","line":%d,"code":"%05d","decision":"%s","findings":[%s],'
            '"service_date":"20%02d-%02d-01","pack":"sha256:00"}\n'
            % (i // 2, i % 2 + 1, i % 7000, d, finding, 10 + i % 15, 1 + i % 12))


def peak_rss(count):
    p = subprocess.Popen([warrant, "report", "-", "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunk = []
    for i in range(count):
        chunk.append(record(i))
        if len(chunk) == 5000:
            p.stdin.write("".join(chunk).encode())
            chunk = []
    p.stdin.write("".join(chunk).encode())
    p.stdin.close()
    out = p.stdout.read()
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"{count} decisions: exit {code}\n{err}")
        sys.exit(1)
    if f'"lines":{count},'.encode() not in out:
        print(f"{count} decisions: the report does not count {count} lines")
        sys.exit(1)
    if b'"key":"(other)"' not in out:
        print(f"{count} decisions: no table reached its cap of distinct keys")
        sys.exit(1)
    return usage.ru_maxrss / 1024.0


small = peak_rss(100_000)
large = peak_rss(1_000_000)
print(f"peak RSS: 100,000 decisions {small:.1f} MB, 1,000,000 decisions {large:.1f} MB")
if large > small + 16:
    print("FAILED: memory grows with the number of decisions")
    sys.exit(1)
print("report memory is flat")
