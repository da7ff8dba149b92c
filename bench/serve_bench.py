#!/usr/bin/env python3
"""The `warrant serve` measurement of bench/run (docs/serve.md, docs/performance.md).

  serve_bench.py WARRANT SERVE_LOAD PACK CLAIMS [--runs 5] [--seconds 5] [--connections 8]

Starts `warrant serve PACK` on an ephemeral loopback port (no access log), then runs the load
generator (bench/serve_load.cpp: N keep-alive connections, one claim per POST /v1/decide) --runs
times after a warm-up run, reading the server's RSS (VmRSS) before the first run and after each.
Prints one JSON line: each run's requests/s and p50/p99, their medians, and the RSS series.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("warrant")
    ap.add_argument("serve_load")
    ap.add_argument("pack")
    ap.add_argument("claims")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--connections", type=int, default=8)
    a = ap.parse_args()

    proc = subprocess.Popen([a.warrant, "serve", a.pack, "--listen", "127.0.0.1:0",
                             "--no-access-log"], stderr=subprocess.PIPE, text=True)
    port = None
    lines = []
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        proc.kill()
        sys.exit("serve_bench: the server did not start: " + "".join(lines))
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()

    def load(seconds):
        out = subprocess.run([a.serve_load, "--port", str(port), "--claims", a.claims,
                              "--connections", str(a.connections), "--seconds", str(seconds),
                              "--warmup", "0.5"], capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    try:
        rss = [rss_mb(proc.pid)]
        load(min(a.seconds, 2))  # warm-up: sessions, caches, the page cache
        rss.append(rss_mb(proc.pid))
        runs = []
        for _ in range(a.runs):
            runs.append(load(a.seconds))
            rss.append(rss_mb(proc.pid))
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    result = {
        "connections": a.connections, "seconds": a.seconds, "runs": runs,
        "requests_per_s": statistics.median(r["requests_per_s"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "failed": sum(r["failed"] for r in runs),
        "rss_mb": rss, "exit": code,
    }
    print(json.dumps(result))
    return 0 if result["failed"] == 0 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
