#!/usr/bin/env python3
"""bench/schema_cost.py: what the claim schema as data costs, against a build from before it.

  bench/schema_cost.py WARRANT PACK_SRC DATA OUT [--baseline REV] [--runs 11] [--callgrind N]

Builds `warrant` at REV (default c30517f, the commit before the schema became data) from `git
archive` into OUT/baseline-REV (Release, ccache when installed), builds the pack from PACK_SRC with
each binary, writes a copy of DATA with three extension fields on every line (`copay` money,
`lot` string, `visit_number` int) and a pack that declares them (`extend line`), then times
`warrant run -j 1` in alternating passes, each process pinned to one core when `taskset` exists:

  before        the baseline build over DATA
  now           this build over DATA
  now+ext       this build, the extended pack, over the extended copy
  before+ext    the baseline over the extended copy (it skips the three fields as unknown)

and checks that the decisions of each pair are identical apart from the pack hash. With
--callgrind N (and valgrind installed) it also counts instructions over the first N claims, which
the load of a shared machine does not move. Prints one JSON object (medians of user+system CPU
seconds and the ratios) as its last line. bench/run calls it with --baseline.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EXTEND = """extend line {
  copay: money "the patient's copay"
  lot: string "the drug lot"
  visit_number: int "the visit's number in the episode"
}
"""


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def build_baseline(rev, out):
    where = os.path.join(out, f"baseline-{rev}")
    binary = os.path.join(where, "build", "compiler", "warrant")
    if os.path.isfile(binary):
        return binary
    src = os.path.join(where, "src")
    os.makedirs(src, exist_ok=True)
    log(f"== building warrant at {rev} (git archive) in {where}")
    archive = subprocess.run(["git", "-C", REPO, "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    cmd = ["cmake", "-S", src, "-B", os.path.join(where, "build"), "-DCMAKE_BUILD_TYPE=Release"]
    if shutil.which("ccache"):
        cmd.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", os.path.join(where, "build"), "-j2", "--target", "warrant"],
                   check=True, stdout=subprocess.DEVNULL)
    return binary


def extended_copy(data, path):
    if os.path.isfile(path):
        return
    with open(data) as src, open(path + ".tmp", "w") as dst:
        n = 0
        for line in src:
            claim = json.loads(line)
            for item in claim.get("lines", []):
                n += 1
                item["copay"] = f"{n % 40}.{n % 100:02d}"
                item["lot"] = f"L{n % 100000:05d}"
                item["visit_number"] = 1 + n % 12
            dst.write(json.dumps(claim, separators=(",", ":")) + "\n")
    os.replace(path + ".tmp", path)


def cpu_seconds(cmd):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return usage.ru_utime + usage.ru_stime


def without_pack(path):
    with open(path) as f:
        return [re.sub(r',"pack":"sha256:[0-9a-f]+"', "", line) for line in f]


def instructions(cmd):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                         capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)|refs:\s+([\d,]+)", out.stderr)
    if not m:
        return None
    return int((m.group(1) or m.group(2)).replace(",", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warrant")
    ap.add_argument("pack_src")
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--baseline", default="c30517f")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--callgrind", type=int, default=0)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    before = build_baseline(a.baseline, out)
    now = os.path.abspath(a.warrant)

    packs = {}
    for name, binary in (("before", before), ("now", now)):
        packs[name] = os.path.join(out, f"{name}.wpk")
        subprocess.run([binary, "build", a.pack_src, "-o", packs[name]], check=True,
                       stdout=subprocess.DEVNULL)
    ext_src = os.path.join(out, "pack_ext")
    shutil.rmtree(ext_src, ignore_errors=True)
    shutil.copytree(a.pack_src, ext_src)
    with open(os.path.join(ext_src, "extend.warrant"), "w") as f:
        f.write(EXTEND)
    packs["now+ext"] = os.path.join(out, "now_ext.wpk")
    subprocess.run([now, "build", ext_src, "-o", packs["now+ext"]], check=True,
                   stdout=subprocess.DEVNULL)
    ext_data = os.path.join(out, "encounters_ext.ndjson")
    extended_copy(a.data, ext_data)

    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    cases = {
        "before": (before, packs["before"], a.data),
        "now": (now, packs["now"], a.data),
        "now+ext": (now, packs["now+ext"], ext_data),
        "before+ext": (before, packs["before"], ext_data),
    }
    outputs = {}
    for name, (binary, pack, data) in cases.items():
        outputs[name] = os.path.join(out, f"decisions_{name.replace('+', '_')}.ndjson")
        subprocess.run([binary, "run", pack, data, "-o", outputs[name], "-j", "1"], check=True,
                       stderr=subprocess.DEVNULL)
    same = {
        "now = before": without_pack(outputs["now"]) == without_pack(outputs["before"]),
        "now+ext = now": without_pack(outputs["now+ext"]) == without_pack(outputs["now"]),
        "before+ext = before":
            without_pack(outputs["before+ext"]) == without_pack(outputs["before"]),
    }
    cpu = {name: [] for name in cases}
    order = list(cases)
    for r in range(a.runs):
        for name in (order if r % 2 == 0 else reversed(order)):
            binary, pack, data = cases[name]
            cpu[name].append(cpu_seconds([*pin, binary, "run", pack, data, "-o", os.devnull,
                                          "-j", "1"]))
    med = {name: statistics.median(v) for name, v in cpu.items()}
    result = {
        "baseline": a.baseline, "runs": a.runs, "pinned": bool(pin), "identical": same,
        "cpu_s": med,
        "now/before": med["now"] / med["before"],
        "now+ext/now": med["now+ext"] / med["now"],
        "now+ext/before+ext": med["now+ext"] / med["before+ext"],
    }
    if a.callgrind and shutil.which("valgrind"):
        counts = {}
        for name, (binary, pack, data) in cases.items():
            head = os.path.join(out, f"head_{a.callgrind}_{os.path.basename(data)}")
            if not os.path.isfile(head):
                with open(data) as src, open(head, "w") as dst:
                    for i, line in enumerate(src):
                        if i == a.callgrind:
                            break
                        dst.write(line)
            counts[name] = instructions([binary, "run", pack, head, "-o", os.devnull, "-j", "1"])
        result["instructions"] = counts
        if all(counts.values()):
            result["instructions now/before"] = counts["now"] / counts["before"]
            result["instructions now+ext/now"] = counts["now+ext"] / counts["now"]
            result["instructions now+ext/before+ext"] = counts["now+ext"] / counts["before+ext"]
    print(json.dumps(result))
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
