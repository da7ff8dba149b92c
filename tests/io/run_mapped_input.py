#!/usr/bin/env python3
"""`warrant run` maps a named NDJSON file that is a regular file (compiler/driver/run_command.cpp,
MappedFile), and reads anything else.

1. A file another program truncates while it is mapped must not end the run with SIGBUS: the lost
   bytes read as zeros, the run reports the file as unreadable (E0001, exit 3), and what was
   decided before is written. The decisions go to a FIFO, so the run is held in its first write
   while the test truncates the input under it: the first byte read from the FIFO means the file
   is mapped (it is, before any decision is written) and the run has not yet read past its first
   chunk (whose records overflow the FIFO). Then the rest is drained.
2. A named pipe as the input, its writer gone before the run looks at it again: read to its end,
   never opened a second time (which would wait for a writer forever).

Usage: run_mapped_input.py <warrant binary> <scratch dir>
"""
import os
import subprocess
import sys
import threading

warrant, work = sys.argv[1], os.path.abspath(sys.argv[2])
os.makedirs(work, exist_ok=True)

policy = os.path.join(work, "deny.warrant")
with open(policy, "w") as f:
    # 40 rules deny every FOBT line: a few KB of records per claim, so the first chunk's records
    # (256 KiB of claims) fill the FIFO many times over.
    f.write('policy "S" version 1 "shrinking input" effective 2024-01-01\nreason r = CO-50 "no"\n'
            'codeset fobt: hcpcs = [82270]\n')
    for i in range(40):
        f.write(f'rule r{i} applies to line where line.code in fobt {{\n'
                f'  require age >= 200 else deny r "no"\n}}\n')
pack = os.path.join(work, "deny.wpk")
subprocess.run([warrant, "build", policy, "-o", pack], check=True, stdout=subprocess.DEVNULL)

claims = os.path.join(work, "claims.ndjson")
with open(claims, "w") as f:
    for i in range(40000):  # about 4 MB: many chunks after the first
        f.write('{"id":"C%d","patient":{"birth_date":"1950-01-01"},"service_date":"2025-03-10",'
                '"lines":[{"code":"82270"}]}\n' % i)
size = os.path.getsize(claims)

fifo = os.path.join(work, "out.fifo")
if os.path.exists(fifo):
    os.remove(fifo)
os.mkfifo(fifo)
proc = subprocess.Popen([warrant, "run", pack, claims, "-o", fifo, "-j", "1", "--no-progress"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
stderr = []
reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()))
reader.start()
out = bytearray()
with open(fifo, "rb", buffering=0) as f:
    out += f.read(1)  # the run has mapped the file and is writing its first chunk's records
    os.truncate(claims, 1000)
    while True:
        piece = f.read(1 << 16)
        if not piece:
            break
        out += piece
code = proc.wait(timeout=120)
reader.join()
err = stderr[0].decode("utf-8", "replace")

failures = []
if code != 3:
    failures.append(f"exit code {code}, expected 3 (an I/O error){' (killed by a signal)' if code < 0 else ''}")
if "E0001" not in err or "shrank while it was read" not in err:
    failures.append("stderr does not say the file shrank: " + err[-800:])
lines = out.decode("utf-8", "replace").splitlines()
decided = sum(1 for line in lines if '"claim":"C' in line)
if decided < 100:
    failures.append(f"only {decided} decision records written before the failure")
if decided >= 40000:
    failures.append("every claim decided: the truncation was not seen")
# 2. A named pipe whose writer has written everything and closed it.
in_fifo = os.path.join(work, "in.fifo")
if os.path.exists(in_fifo):
    os.remove(in_fifo)
os.mkfifo(in_fifo)
small = b"".join(b'{"id":"P%d","patient":{"birth_date":"1950-01-01"},"service_date":"2025-03-10",'
                 b'"lines":[{"code":"99213"}]}\n' % i for i in range(50))
proc = subprocess.Popen([warrant, "run", pack, in_fifo, "--no-progress"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
with open(in_fifo, "wb") as f:
    f.write(small)
try:
    piped_out, piped_err = proc.communicate(timeout=60)
    piped = piped_out.count(b'"claim":"P')
    if proc.returncode != 0 or piped != 50:
        failures.append(f"a named pipe as input: exit {proc.returncode}, {piped} of 50 claims "
                        "decided; " + piped_err.decode("utf-8", "replace")[-400:])
except subprocess.TimeoutExpired:
    proc.kill()
    failures.append("a named pipe as input: the run did not finish (opened again, waiting for a "
                    "writer?)")

for failure in failures:
    print("FAIL " + failure)
if not failures:
    print(f"input truncated from {size} to 1000 bytes under the run: exit 3, "
          f"{decided} claims' records written, E0001 reported; a named pipe read to its end")
sys.exit(1 if failures else 0)
