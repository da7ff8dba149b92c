#!/usr/bin/env python3
"""`warrant run` reads X12 and FHIR NDJSON as streams: its memory is flat in the input's size, as
it is for NDJSON (docs/formats.md, "Reading large inputs").

Usage: reader_memory.py <warrant binary> <repository> <scratch dir>

Generated claims (several lines and diagnoses each) are written as Warrant NDJSON, as one X12
837P (bench/ndjson_to_837p.py, a transaction set every 5,000 claims) and as FHIR R4 Claims one a
line (bench/ndjson_to_fhir.py), 10,000 and 100,000 claims of each. The child's peak RSS (wait4)
running the 100,000 must stay within MARGIN_MB of the 10,000: readers that held their input whole
grew by the input's size or more (X12 30 -> 126 MB, FHIR 38 -> 286 MB). Every claim must be
decided. Not a timing test.
"""
import json
import os
import subprocess
import sys

MARGIN_MB = 8

warrant, repo, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
os.chdir(work)
failures = []

CODES = ["99213", "99214", "82270", "80053", "85025", "93000", "71046", "36415"]
DX = ["I10", "E11.9", "Z12.11", "E78.5", "M17.11", "J44.9", "N39.0", "K21.9"]


def claim(i):
    lines = [{"code": CODES[(i + k) % len(CODES)], "modifiers": ["25"] if k == 0 and i % 3 else [],
              "units": 1 + k % 2, "dx_pointers": [1 + k % 2]} for k in range(1 + i % 4)]
    return {"id": f"C{i:07d}",
            "patient": {"id": f"P{i % 9973:06d}", "birth_date": f"19{40 + i % 50}-0{1 + i % 9}-15",
                        "sex": "MF"[i % 2]},
            "service_date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "place_of_service": "11",
            "diagnoses": [DX[(i + k) % len(DX)] for k in range(2 + i % 3)], "lines": lines}


with open("policy.warrant", "w") as f:
    f.write('policy "P" version 1 "t" effective 2024-01-01\nreason r = CO-50 "not covered"\n'
            'codeset labs: hcpcs = [82270, 80053, 85025, 36415]\n'
            'rule adults applies to line where line.code in labs {\n'
            '  require age >= 65 else deny r "labs are covered from 65"\n}\n')
subprocess.run([warrant, "build", "policy.warrant", "-o", "rules.wpk"], check=True,
               stdout=subprocess.DEVNULL)


def peak_rss(path, claims):
    p = subprocess.Popen([warrant, "run", "rules.wpk", path, "-o", "decisions.ndjson",
                          "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or f"warrant run: {claims} claims," not in err:
        failures.append(f"{path}: exit {code}, expected {claims} claims decided\n{err[-2000:]}")
    return usage.ru_maxrss / 1024.0


for count in (10_000, 100_000):
    with open(f"claims{count}.ndjson", "w") as f:
        for i in range(count):
            f.write(json.dumps(claim(i), separators=(",", ":")) + "\n")
    subprocess.run([sys.executable, os.path.join(repo, "bench", "ndjson_to_837p.py"),
                    f"claims{count}.ndjson", f"claims{count}.837p.txt"], check=True)
    subprocess.run([sys.executable, os.path.join(repo, "bench", "ndjson_to_fhir.py"),
                    f"claims{count}.ndjson", f"claims{count}.fhir.ndjson"], check=True)

for name, suffix in (("NDJSON", "ndjson"), ("X12 837P", "837p.txt"), ("FHIR NDJSON", "fhir.ndjson")):
    small_path, large_path = f"claims10000.{suffix}", f"claims100000.{suffix}"
    small, large = peak_rss(small_path, 10_000), peak_rss(large_path, 100_000)
    grown = os.path.getsize(large_path) / 2**20 - os.path.getsize(small_path) / 2**20
    print(f"{name}: peak RSS {small:.1f} MB at 10,000 claims, {large:.1f} MB at 100,000 "
          f"(the input {grown:.0f} MB larger)")
    if large > small + MARGIN_MB:
        failures.append(f"{name}: peak RSS grows with the input ({small:.1f} MB -> {large:.1f} MB)")

for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
