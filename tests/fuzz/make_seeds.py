#!/usr/bin/env python3
"""Regenerates the generated seed corpora under tests/fuzz/corpus from the examples, the golden
cases and the bench generator. Deterministic: same inputs, same files.

    python3 tests/fuzz/make_seeds.py build/release/compiler/warrant

corpus/pack    packs built from examples/medicare (with examples/payer) and from every golden case under
               tests/cases/run that compiles on its own
corpus/record  each claim of examples/claims.ndjson, and encounters from
               ../shared/bench/gen.py (when present) and the golden cases' claims splits
corpus/run     u32 little-endian pack length, a small pack, then claims (fuzz_run's input)
corpus/x12     the synthetic X12 samples (../shared/data/claims/x12, when present) and each golden
               case's X12 split (`// --- *.837p`)
corpus/fhir    the CMS Blue Button FHIR samples of ../shared/data/claims/fhir (CC0, when
               present) and the small ones as two Bulk FHIR lines; fuzz_fhir also reads
               tests/unit/data/fhir directly
corpus/source  left alone: fuzz_source also reads examples/ and tests/cases/ directly
"""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
warrant = os.path.abspath(sys.argv[1])
corpus = os.path.join(root, "tests", "fuzz", "corpus")
# The shared data (../shared beside the repository, or WARRANT_SHARED): part of the corpus comes
# from it, so without it the script stops rather than rewrite the corpus without those seeds.
shared = os.path.abspath(os.environ.get("WARRANT_SHARED", os.path.join(root, "..", "shared")))
if not os.path.isdir(os.path.join(shared, "data", "claims")):
    sys.exit("make_seeds.py: no shared data at %s (set WARRANT_SHARED); the corpus is left as it is"
             % shared)
tmp = tempfile.mkdtemp()


def reset(name):
    path = os.path.join(corpus, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def build(inputs, out):
    r = subprocess.run([warrant, "build", *inputs, "-o", out], cwd=root, capture_output=True)
    return r.returncode == 0


packs = {}
# The examples' criteria without examples/warrant.toml, whose terminology would make a 5 MB seed:
# the fuzzer mutates the program, and the terminology records are as well covered by the
# golden cases' small packs.
medicare = os.path.join(tmp, "criteria", "medicare")
shutil.copytree(os.path.join(root, "examples", "medicare"), medicare)
payer = os.path.join(tmp, "criteria", "payer")  # declares a code system (observations)
shutil.copytree(os.path.join(root, "examples", "payer"), payer)
if build([medicare, payer], os.path.join(tmp, "medicare.wpk")):
    packs["medicare"] = os.path.join(tmp, "medicare.wpk")
for case in sorted(glob.glob(os.path.join(root, "tests/cases/run/*.warrant"))):
    name = os.path.splitext(os.path.basename(case))[0]
    out = os.path.join(tmp, name + ".wpk")
    if build([os.path.relpath(case, root)], out):
        packs[name] = out

pack_dir = reset("pack")
for name, path in packs.items():
    shutil.copy(path, os.path.join(pack_dir, name + ".wpk"))

claims = [l for l in open(os.path.join(root, "examples/claims.ndjson"), encoding="utf-8")
          if l.strip()]
# Claims written as `// --- claims.ndjson` splits in golden cases.
for case in sorted(glob.glob(os.path.join(root, "tests/cases/**/*.warrant"), recursive=True)):
    in_claims = False
    for line in open(case, encoding="utf-8", errors="replace"):
        if line.startswith("// --- "):
            in_claims = line.strip().endswith(".ndjson") or line.strip() == "// --- STDIN"
            continue
        if not line.startswith("//"):
            in_claims = False
            continue
        if in_claims and line.startswith("// {"):
            claims.append(line[3:])
gen = os.path.join(shared, "bench", "gen.py")
if os.path.exists(gen):
    subprocess.run([sys.executable, gen, "--n", "30", "--out", tmp], check=True,
                   capture_output=True)
    claims += [l for l in open(os.path.join(tmp, "encounters.ndjson")) if l.strip()]

record_dir = reset("record")
for k, claim in enumerate(claims):
    with open(os.path.join(record_dir, "claim_%03d.json" % k), "w", encoding="utf-8") as f:
        f.write(claim.rstrip("\n") + "\n")

run_dir = reset("run")
small = sorted((os.path.getsize(p), n, p) for n, p in packs.items())
for size, name, path in small:
    pack = open(path, "rb").read()
    if len(pack) > 60000:
        continue
    body = "".join(claims[:8]).encode()
    with open(os.path.join(run_dir, name + ".bin"), "wb") as f:
        f.write(struct.pack("<I", len(pack)) + pack + body)

x12_dir = reset("x12")
x12_seeds = {}
for path in sorted(glob.glob(os.path.join(shared, "data", "claims", "x12", "synthetic_*.txt"))):
    text = open(path, "rb").read()
    if len(text) <= 65536:
        x12_seeds[os.path.basename(path)] = text
for case in sorted(glob.glob(os.path.join(root, "tests/cases/**/*.warrant"), recursive=True)):
    lines, in_x12 = [], False
    for line in open(case, encoding="utf-8", errors="replace"):
        if line.startswith("// --- "):
            in_x12 = line.strip().endswith(".837p")
            continue
        if in_x12 and line.startswith("// "):
            lines.append(line[3:])
        else:
            in_x12 = False
    if lines:
        x12_seeds[os.path.basename(case) + ".837p"] = "".join(lines).encode()
for name, text in x12_seeds.items():
    with open(os.path.join(x12_dir, name), "wb") as f:
        f.write(text)
fhir_dir = reset("fhir")
samples = os.path.join(shared, "data", "claims", "fhir")
if os.path.isdir(samples):
    for name in sorted(n for n in os.listdir(samples) if n.endswith(".json")):
        text = open(os.path.join(samples, name), encoding="utf-8").read()
        shutil.copy(os.path.join(samples, name), os.path.join(fhir_dir, name))
        if len(text) > 10000:
            continue  # the large ones once, as documents
        compact = json.dumps(json.loads(text), separators=(",", ":"))
        with open(os.path.join(fhir_dir, name.replace(".json", ".ndjson")), "w") as f:
            f.write(compact + "\n" + compact + "\n")

shutil.rmtree(tmp)
print("packs %d, records %d, runs %d, x12 %d" % (len(os.listdir(pack_dir)),
                                                 len(os.listdir(record_dir)),
                                                 len(os.listdir(run_dir)), len(os.listdir(x12_dir))))
