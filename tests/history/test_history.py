#!/usr/bin/env python3
"""`warrant run --history` and `warrant history` end to end, on the real binary.

  test_history.py WARRANT WORKDIR

- a later run sees an earlier run's claims (the second FOBT is denied);
- import, show, export: export of an imported store imports to the same export;
- -j 1, 2 and 8 give byte-identical decisions and stores;
- crash safety: a run killed with SIGKILL at random points, then run again, gives the decisions
  and the store of an uninterrupted run (five kills, a fixed seed);
- running a file again leaves the store as one run left it (upsert);
- files that are not a store of this version are refused, naming the file, and left untouched;
  a store another writer holds is waited for, then refused, and left as it was.
"""
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

WARRANT, WORK = sys.argv[1], sys.argv[2]
FAILURES = []

PACK = """policy "NCD 210.3" version 2 "Screening FOBT" effective 2023-01-01
codeset fobt: hcpcs = [82270, G0328]
rule frequency "Once every 12 months" applies to line where line.code in fobt {
  let last = latest h in history where h.code in fobt and h.status == "paid" and h.date <= service_date
  require last is none or service_date >= month_start(last.date) + 12 months
    else deny frequency "one screening FOBT per 12 months"
}
rule visits "At most three paid visits on file" applies to line where line.code == "99213" {
  require (count h in history where h.code == "99213" and h.status == "paid" and h.date < service_date) < 3
    else deny frequency "more than three visits"
}
"""


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)


def path(name):
    return os.path.join(WORK, name)


def run(args, env=None, expect=0):
    p = subprocess.run([WARRANT, *args], capture_output=True, text=True, env=env)
    if expect is not None and p.returncode != expect:
        FAILURES.append(f"warrant {' '.join(args)} exited {p.returncode}: {p.stderr[-1500:]}")
        print("FAIL:", FAILURES[-1], flush=True)
    return p


def digest(name):
    with open(name, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fresh(name):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(name + suffix):
            os.remove(name + suffix)
    return name


def export(store):
    return run(["history", "export", "--history", store]).stdout


def workload(n, seed, ordered=False):
    """n claims of n/8 patients with FOBTs and visits. Shuffled dates, replacements, voids and
    claims sent again; `ordered`: none of those, dates rising through the file (so a second run,
    which sees every claim of the first, decides the same)."""
    import datetime
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        patient = f"P{rng.randrange(n // 8 + 1)}"
        month = rng.randrange(36)
        date = f"{2023 + month // 12}-{month % 12 + 1:02d}-{rng.randrange(1, 29):02d}"
        if ordered:
            date = (datetime.date(2023, 1, 1) + datetime.timedelta(days=i // 3)).isoformat()
        codes = [rng.choice(["G0328", "82270", "99213", "99213", "80061"])
                 for _ in range(rng.randrange(1, 4))]
        claim = {"id": f"C{i}", "patient": {"id": patient}, "service_date": date,
                 "lines": [{"code": c} for c in codes]}
        if ordered:
            pass
        elif i > 10 and rng.random() < 0.05:
            claim["frequency"] = "replacement"
            claim["original_id"] = f"C{rng.randrange(i)}"
        elif i > 10 and rng.random() < 0.03:
            claim["frequency"] = "void"
            claim["original_id"] = f"C{rng.randrange(i)}"
        elif rng.random() < 0.02:
            claim["id"] = f"C{rng.randrange(max(i, 1))}"  # sent again
        lines.append(claim)
    import json
    return "".join(json.dumps(c) + "\n" for c in lines)


def main():
    os.makedirs(WORK, exist_ok=True)
    with open(path("fobt.warrant"), "w") as f:
        f.write(PACK)
    run(["build", path("fobt.warrant"), "-o", path("fobt.wpk")])
    pack = path("fobt.wpk")

    # A later run sees an earlier run's claims.
    with open(path("jan.ndjson"), "w") as f:
        f.write('{"id": "C1", "patient": {"id": "P1"}, "service_date": "2025-01-15", '
                '"lines": [{"code": "G0328"}]}\n')
    with open(path("jul.ndjson"), "w") as f:
        f.write('{"id": "C2", "patient": {"id": "P1"}, "service_date": "2025-07-15", '
                '"lines": [{"code": "82270"}]}\n')
    store = fresh(path("runs.db"))
    first = run(["run", pack, path("jan.ndjson"), "--history", store]).stdout
    check('"decision":"covered"' in first, "the first FOBT is covered")
    second = run(["run", pack, path("jul.ndjson"), "--history", store]).stdout
    check('"decision":"denied"' in second and '"reason":"frequency"' in second,
          "a later run denies the second FOBT for frequency: " + second)
    again = run(["run", pack, path("jul.ndjson"), "--history", store]).stdout
    check(again == second, "running a claim again decides it as before (it is not its own history)")
    shown = run(["history", "show", "P1", "--history", store]).stdout
    check("C1" in shown and "C2" in shown and "denied" in shown, "history show lists both: " + shown)
    # Neither a run nor a reader leaves the log or its index beside the store.
    export(store)
    left = [s for s in ("-wal", "-shm") if os.path.exists(store + s)]
    check(not left, f"after runs, show and export no {left} files are left beside the store")

    # Import and export round trip.
    records = export(store)
    with open(path("records.ndjson"), "w") as f:
        f.write(records)
    copy = fresh(path("copy.db"))
    run(["history", "import", path("records.ndjson"), "--history", copy])
    check(export(copy) == records, "export of an imported export is the same")
    from_import = run(["run", pack, path("jul.ndjson"), "--history", copy]).stdout
    check(from_import == second, "an imported store decides as the one it was exported from")

    # -j N: byte-identical decisions and stores.
    text = workload(3000, 7)
    with open(path("work.ndjson"), "w") as f:
        f.write(text)
    outputs, exports = {}, {}
    for jobs in (1, 2, 8):
        s = fresh(path(f"j{jobs}.db"))
        run(["run", pack, path("work.ndjson"), "--history", s, "-j", str(jobs), "-o",
             path(f"j{jobs}.out")])
        outputs[jobs] = digest(path(f"j{jobs}.out"))
        exports[jobs] = export(s)
    check(outputs[1] == outputs[2] == outputs[8], "-j 1/2/8 give the same decisions")
    check(exports[1] == exports[2] == exports[8], "-j 1/2/8 give the same store")
    with open(path("j1.out")) as f:
        decided = f.read()
    check('"decision":"denied"' in decided and '"decision":"covered"' in decided,
          "the workload has both covered and denied lines")
    # A file run again leaves the store as one run did (upsert) and decides the same; dates rise
    # through the file, so what the second run sees of later claims its rules leave out.
    with open(path("ordered.ndjson"), "w") as f:
        f.write(workload(3000, 5, ordered=True))
    twice = fresh(path("twice.db"))
    run(["run", pack, path("ordered.ndjson"), "--history", twice, "-o", path("once.out")])
    once = export(twice)
    run(["run", pack, path("ordered.ndjson"), "--history", twice, "-o", path("twice.out")])
    check(export(twice) == once, "running the file again leaves the same store")
    check(digest(path("once.out")) == digest(path("twice.out")),
          "running the file again decides the same")

    # Crash safety: SIGKILL at random points, then run again to the end.
    big = workload(30000, 11)
    with open(path("big.ndjson"), "w") as f:
        f.write(big)
    reference = fresh(path("reference.db"))
    t0 = time.monotonic()
    run(["run", pack, path("big.ndjson"), "--history", reference, "-o", path("reference.out")])
    full = time.monotonic() - t0
    reference_export = export(reference)
    reference_out = digest(path("reference.out"))
    rng = random.Random(3)
    crashed = fresh(path("crashed.db"))
    kills = runs = 0
    # Five kills at random points of a run's length; then, should a loaded machine have made
    # the reference run slow and these fast so that none landed before a commit, more with a
    # window halved each time, until one does.
    for attempt in range(16):
        if attempt >= 5 and kills >= 1:
            break
        window = full if attempt < 5 else full / 2 ** (attempt - 4)
        runs += 1
        p = subprocess.Popen([WARRANT, "run", pack, path("big.ndjson"), "--history", crashed,
                              "-o", path("crashed.out")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, window))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        # A run is one transaction: killed, it left the store empty, or (killed after its
        # commit, or not killed) it left all of it. Never anything in between.
        r = run(["history", "export", "--history", crashed], expect=None)
        if r.returncode != 0:
            check("no such file" in r.stderr, f"after kill {attempt} the store opens: {r.stderr}")
            kills += 1
        elif r.stdout == "":
            kills += 1
        else:
            check(r.stdout == reference_export,
                  f"after kill {attempt} the store is empty or whole, never part of a run")
            fresh(crashed)  # a whole run: the next attempt starts over
    run(["run", pack, path("big.ndjson"), "--history", crashed, "-o", path("crashed.out")])
    check(digest(path("crashed.out")) == reference_out,
          "after the kills, a full run decides as an uninterrupted one")
    check(export(crashed) == reference_export, "after the kills, the store is an uninterrupted one's")
    print(f"crash test: {kills} of {runs} runs killed before their commit (a full run takes "
          f"{full:.2f} s)")
    check(kills >= 1, "at least one run was killed before its commit")

    # Files that are not a store of this version are refused and left untouched.
    def refused(name, needle):
        before = digest(name)
        r = run(["run", pack, path("jan.ndjson"), "--history", name], expect=3)
        check(name in r.stderr and needle in r.stderr, f"{name} refused with `{needle}`: {r.stderr}")
        check(digest(name) == before, f"{name} is left untouched")

    with open(path("notes.db"), "w") as f:
        f.write("a shopping list\n")
    refused(path("notes.db"), "not an SQLite database")
    other = fresh(path("other.db"))
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    refused(other, "not a Warrant history store")
    newer = fresh(path("newer.db"))
    run(["history", "import", path("records.ndjson"), "--history", newer])
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 7")
    db.commit()
    db.close()
    refused(newer, "version 7")

    # A writer holding the store: waited for, then refused; the store stays as it was.
    held = fresh(path("held.db"))
    run(["history", "import", path("records.ndjson"), "--history", held])
    before = export(held)
    db = sqlite3.connect(held, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    env = dict(os.environ, WARRANT_HISTORY_BUSY_MS="300")
    t0 = time.monotonic()
    r = run(["run", pack, path("jul.ndjson"), "--history", held], env=env, expect=3)
    waited = time.monotonic() - t0
    check("another writer" in r.stderr and held in r.stderr, "a held store is refused: " + r.stderr)
    check(waited >= 0.3, f"warrant waited for the writer ({waited:.2f} s)")
    db.execute("ROLLBACK")
    db.close()
    check(export(held) == before, "the held store is as it was")

    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("history: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
