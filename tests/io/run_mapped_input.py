#!/usr/bin/env python3
"""`warrant run` maps a named NDJSON file that is a regular file (compiler/driver/run_command.cpp,
MappedFile), and reads anything else.

1. A file another program truncates while it is mapped must not end the run with SIGBUS: the lost
   bytes read as zeros, the run reports the file as unreadable (E0001, exit 3), and what was
   decided before is written.
2. A file that grows while it is mapped: the run decides the file as it was, says on stderr that
   the lines added were not decided, and succeeds.
3. A named pipe as the input, its writer gone before the run reads it: read to its end.

In 1 and 2 the decisions go to a FIFO, so the run is held in its first write while the test changes
the input under it: the first byte read from the FIFO means the file is mapped (it is, before any
decision is written) and the run has not yet read past its first chunk (whose records overflow the
FIFO). Then the rest is drained. Every step is bounded by an alarm: a run that hangs fails the
test rather than blocking it.

Usage: run_mapped_input.py <warrant binary> <scratch dir>
"""
import os
import signal
import subprocess
import sys
import threading

warrant, work = sys.argv[1], os.path.abspath(sys.argv[2])
os.makedirs(work, exist_ok=True)
failures = []
running = []  # the warrant processes, killed when the alarm fires


class Hung(Exception):
    pass


def on_alarm(signum, frame):
    for proc in running:
        proc.kill()
    raise Hung()


signal.signal(signal.SIGALRM, on_alarm)

policy = os.path.join(work, "deny.warrant")
with open(policy, "w") as f:
    # 40 rules deny every FOBT line: a few KB of records per claim, so the first chunk's records
    # (256 KiB of claims) fill the FIFO many times over.
    f.write('policy "S" version 1 "mapped input" effective 2024-01-01\nreason r = CO-50 "no"\n'
            'codeset fobt: hcpcs = [82270]\n')
    for i in range(40):
        f.write(f'rule r{i} applies to line where line.code in fobt {{\n'
                f'  require age >= 200 else deny r "no"\n}}\n')
pack = os.path.join(work, "deny.wpk")
subprocess.run([warrant, "build", policy, "-o", pack], check=True, stdout=subprocess.DEVNULL)

CLAIMS = 40000  # about 4 MB: many chunks after the first
claim = ('{"id":"C%d","patient":{"birth_date":"1950-01-01"},"service_date":"2025-03-10",'
         '"lines":[{"code":"82270"}]}\n')


def held_run(name, change):
    """Runs warrant over a fresh claims file, held in its first write while `change(path)` runs;
    returns (exit code, stderr, number of claims decided)."""
    claims = os.path.join(work, name + ".ndjson")
    with open(claims, "w") as f:
        for i in range(CLAIMS):
            f.write(claim % i)
    fifo = os.path.join(work, name + ".fifo")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    proc = subprocess.Popen([warrant, "run", pack, claims, "-o", fifo, "-j", "1", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    running.append(proc)
    stderr = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)
    reader.start()
    out = bytearray()
    with open(fifo, "rb", buffering=0) as f:
        out += f.read(1)  # the run has mapped the file and is writing its first chunk's records
        change(claims)
        while True:
            piece = f.read(1 << 16)
            if not piece:
                break
            out += piece
    code = proc.wait()
    reader.join()
    decided = out.decode("utf-8", "replace").count('"claim":"C')
    return code, stderr[0].decode("utf-8", "replace"), decided


def expect(name, ok, what):
    if not ok:
        failures.append(f"{name}: {what}")


try:
    # 1. Truncated under the run.
    signal.alarm(120)
    code, err, decided = held_run("shrinks", lambda path: os.truncate(path, 1000))
    expect("truncated", code == 3,
           f"exit code {code}, expected 3{' (killed by a signal)' if code < 0 else ''}")
    expect("truncated", "E0001" in err and "shrank while it was read" in err,
           "stderr does not say the file shrank: " + err[-800:])
    expect("truncated", 100 <= decided < CLAIMS, f"{decided} claims decided")

    # 2. Grown under the run.
    def grow(path):
        with open(path, "a") as f:
            for i in range(100):
                f.write(claim % (CLAIMS + i))

    code, err, decided = held_run("grows", grow)
    expect("grown", code == 0, f"exit code {code}: {err[-400:]}")
    expect("grown", "grew while it was read" in err, "stderr does not say the file grew: " + err[-400:])
    expect("grown", decided == CLAIMS, f"{decided} claims decided, expected the {CLAIMS} mapped")

    # 3. A named pipe whose writer has written everything and closed it.
    in_fifo = os.path.join(work, "in.fifo")
    if os.path.exists(in_fifo):
        os.remove(in_fifo)
    os.mkfifo(in_fifo)
    small = "".join(claim % i for i in range(50)).encode()
    proc = subprocess.Popen([warrant, "run", pack, in_fifo, "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    running.append(proc)
    with open(in_fifo, "wb") as f:
        f.write(small)
    piped_out, piped_err = proc.communicate()
    piped = piped_out.count(b'"claim":"C')
    expect("named pipe", proc.returncode == 0 and piped == 50,
           f"exit {proc.returncode}, {piped} of 50 claims decided; "
           + piped_err.decode("utf-8", "replace")[-400:])
    signal.alarm(0)
except Hung:
    failures.append("a run did not finish within 120 s (hung on its input or output?)")

for failure in failures:
    print("FAIL " + failure)
if not failures:
    print("truncated under the run: exit 3, E0001; grown: the mapped claims decided, noted; "
          "a named pipe read to its end")
sys.exit(1 if failures else 0)
