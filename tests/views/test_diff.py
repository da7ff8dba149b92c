#!/usr/bin/env python3
"""`warrant diff` between the examples and a copy changed at test time.

Usage: test_diff.py <warrant binary> <repo root> <scratch dir>
  WARRANT_UPDATE_GOLDEN=1 rewrites the goldens in tests/views/golden instead of comparing.

The copy (`new`) raises the FOBT version 2 age from 45 to 67, changes the denosumab indications
(M81.0 and Z79.52 out, E55.9 in), one MUE table row and a top-level `let` added to both
trees with different values. Checked:
1. the static diff, text and JSON, against goldens;
2. the impact over examples/claims.ndjson against an independent comparison of `warrant run`
   with each tree (per claim line: the decision and the deciding finding's reason), and that
   `covered -> denied age` names CLM-FOBT-01;
3. exit codes: 1 for a change, 0 for none (with and without claims), 2 for usage, 3 for I/O, 4
   for criteria that do not compile or a pack that cannot be used.
"""
import collections
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness  # noqa: E402

h = Harness(sys.argv, fresh=True)
warrant, root, work = h.warrant, h.root, h.work
failures, run, golden = h.failures, h.run, h.golden


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if old not in text:
        failures.append(f"{path}: `{old}` not found (the examples changed: update this test)")
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


shutil.copytree(os.path.join(root, "examples"), os.path.join(work, "old"))
shutil.copytree(os.path.join(root, "examples"), os.path.join(work, "new"))
shutil.copy(os.path.join(root, "examples", "claims.ndjson"), os.path.join(work, "claims.ndjson"))
edit(os.path.join(work, "new/medicare/ncd_210_3_fobt_v2.warrant"), "require age >= 45",
     "require age >= 67")
edit(os.path.join(work, "new/medicare/drug_j0897_denosumab.warrant"), "[M81.0, M81.6",
     "[M81.6")
edit(os.path.join(work, "new/medicare/drug_j0897_denosumab.warrant"), "Z79.52,", "E55.9,")
# A top-level value rules could share, changed (the examples write their thresholds inline).
for tree, age in (("old", 45), ("new", 67)):
    with open(os.path.join(work, tree, "medicare/ncd_210_3_fobt_v2.warrant"), "a") as f:
        f.write(f"\nlet screening_min_age = {age}\n")
with open(os.path.join(work, "new/edits/mue.csv")) as f:
    mue = f.read().splitlines()
header, first = mue[0], mue[1].split(",")
first[1] = str(int(first[1]) + 1)
mue[1] = ",".join(first)
with open(os.path.join(work, "new/edits/mue.csv"), "w") as f:
    f.write("\n".join(mue) + "\n")

# 1. The static diff.
golden("diff_static.txt", run(["diff", "old", "new"], expect=1).stdout)
static = json.loads(run(["diff", "old", "new", "--json"], expect=1).stdout)
golden("diff_static.json", json.dumps({k: v for k, v in static.items()}, indent=1,
                                      ensure_ascii=False) + "\n")
fobt = [p for p in static["policies"] if p["id"] == "NCD 210.3" and p["version"] == 2]
if not fobt or not any(r["name"] == "attained_age" and r["change"] == "changed"
                       for r in fobt[0]["rules"]):
    failures.append(f"NCD 210.3 v2 attained_age is not reported changed: {static['policies']}")
dmab = [c for c in static["codesets"] if c["name"].endswith("prolia_indications")]
if not dmab or [c["code"] for c in dmab[0]["added"]] != ["E55.9"] or \
        [c["code"] for c in dmab[0]["removed"]] != ["M81.0", "Z79.52"] or \
        not dmab[0]["added"][0]["description"]:
    failures.append(f"prolia_indications: {dmab}")
if static["lets"] != [{"file": "medicare/ncd_210_3_fobt_v2.warrant", "lines": [
        {"change": "removed", "text": "let screening_min_age = 45"},
        {"change": "added", "text": "let screening_min_age = 67"}]}]:
    failures.append(f"lets: {static['lets']}")
if not any(t["name"] == "mue" or t["name"].endswith("mue") for t in static["tables"]):
    failures.append(f"the mue table change is missing: {static['tables']}")

# 2. The impact, against an independent comparison of the two runs.
impact_text = run(["diff", "old", "new", "claims.ndjson", "--examples", "2"], expect=1).stdout
golden("diff_impact.txt", impact_text)
# From here on the trees are compiled once into packs (diff reads a pack as it reads a tree, and
# says so in its heading only): each compile is seconds under the sanitizers.
for tree in ("old", "new"):
    run(["build", tree, "-o", f"{tree}.wpk"])
impact = json.loads(run(["diff", "old.wpk", "new.wpk", "claims.ndjson", "--json", "--examples",
                         "100"], expect=1).stdout)["impact"]


def decide(tree):
    p = subprocess.run([warrant, "run", tree, "claims.ndjson", "-j", "1", "--no-progress"],
                       cwd=work, capture_output=True, text=True)
    return [json.loads(line) for line in p.stdout.splitlines()]


def headline(r):
    word = {"denied": "deny", "pended": "pend", "rejected": "reject", "bundled": "bundle"}
    for f in r["findings"]:
        if f["outcome"] == word.get(r["decision"]):
            why = f.get("reason") or f.get("rule")
            return f'{r["decision"]} {why}' if why else r["decision"]
    return r["decision"]


expected = collections.defaultdict(list)
for a, b in zip(decide("old.wpk"), decide("new.wpk")):
    if "error" in a:
        continue
    if headline(a) != headline(b):
        expected[(headline(a), headline(b))].append((a["claim"], a["line"]))
got = {(t["from"], t["to"]): [(e["claim"], e["line"]) for e in t["examples"]]
       for t in impact["transitions"]}
if got != dict(expected):
    failures.append(f"transitions: diff says {got}\n  the runs say {dict(expected)}")
if ("CLM-FOBT-01", 1) not in got.get(("covered", "denied age"), []):
    failures.append(f"covered -> denied age does not name CLM-FOBT-01: {got}")
if impact["changed_lines"] != sum(len(v) for v in expected.values()):
    failures.append(f"changed_lines {impact['changed_lines']}")
print(f"impact: {impact['changed_lines']} lines changed, transitions {sorted(got)}")

# --explain-examples: both explanations of the example line.
p = run(["diff", "old.wpk", "new.wpk", "claims.ndjson", "--examples", "1",
         "--explain-examples"], expect=1)
for needle in ["=== CLM-FOBT-01 line 1: covered → denied age", "--- old", "--- new",
               "age >= 67"]:
    if needle not in p.stdout:
        failures.append(f"--explain-examples: `{needle}` missing")
explained = json.loads(run(["diff", "old.wpk", "new.wpk", "claims.ndjson", "--json",
                            "--examples", "1", "--explain-examples"], expect=1).stdout)
if not all("old_explanation" in e for t in explained["impact"]["transitions"]
           for e in t["examples"]):
    failures.append("--json --explain-examples: an example without its explanation")

# A claim neither side can read is counted as refused by both, and changes nothing.
with open(os.path.join(work, "claims.ndjson")) as f:
    claims_text = f.read()
with open(os.path.join(work, "with_bad.ndjson"), "w") as f:
    f.write(claims_text + "this is not a claim\n")
bad = json.loads(run(["diff", "old.wpk", "new.wpk", "with_bad.ndjson", "--json"],
                     expect=1).stdout)
if bad["impact"]["refused"] != 1 or bad["impact"]["changed_lines"] != impact["changed_lines"]:
    failures.append(f"with_bad.ndjson: refused {bad['impact']['refused']}, changed "
                    f"{bad['impact']['changed_lines']}")

# 3. Exit codes.
p = run(["diff", "old", "old"], expect=0)
if "no change to policies" not in p.stdout:
    failures.append(f"diff old old: {p.stdout}")
run(["diff", "old.wpk", "old.wpk", "claims.ndjson"], expect=0)
# A change that decides no claim differently: impact 0 though the criteria changed.
shutil.copytree(os.path.join(work, "old"), os.path.join(work, "title"))
edit(os.path.join(work, "title/medicare/ncd_210_3_fobt_v2.warrant"),
     "Colorectal cancer screening: screening fecal occult blood test (FOBT)",
     "Colorectal cancer screening: FOBT")
run(["build", "title", "-o", "title.wpk"])
run(["diff", "old.wpk", "title.wpk"], expect=1)
run(["diff", "old.wpk", "title.wpk", "claims.ndjson"], expect=0)
run(["diff", "old"], expect=2)
run(["diff", "old.wpk", "new.wpk", "claims.ndjson", "extra"], expect=2)
run(["diff", "old.wpk", "new.wpk", "missing.ndjson"], expect=3)
run(["diff", "old.wpk", "new.wpk", "--json", "--html", "x.html"], expect=2)
# Criteria that do not compile: 4, not diff's 1 for "changed", on either side.
shutil.copytree(os.path.join(work, "old"), os.path.join(work, "broken"))
with open(os.path.join(work, "broken/medicare/ncd_210_3_fobt_v2.warrant"), "a") as f:
    f.write("\nrule broken applies to line where {\n")
p = run(["diff", "old", "broken"], expect=4)
if "error[E0" not in p.stderr:
    failures.append(f"diff old broken: no diagnostic on stderr: {p.stderr}")
run(["diff", "broken", "old.wpk", "claims.ndjson"], expect=4)
with open(os.path.join(work, "corrupt.wpk"), "wb") as f:
    f.write(b"WPK not really a pack")
run(["diff", "corrupt.wpk", "old.wpk"], expect=4)

h.finish("diff: static goldens, impact against the runs, examples, exit codes: all passed")
