#!/usr/bin/env python3
"""`warrant report` over the decisions of examples/claims.ndjson, made by `warrant run` at test
time (so the goldens follow the examples).

Usage: test_report.py <warrant binary> <repo root> <scratch dir>
  WARRANT_UPDATE_GOLDEN=1 rewrites the goldens in tests/views/golden instead of comparing.

1. The text (default, --top 3 --pack examples) and the JSON match their goldens.
2. The JSON's numbers match an independent count of the decisions file with the json module,
   and with --claims the service months match a join of the decisions with the claims.
3. Malformed lines are counted and named by input line, and do not stop the report; a file of
   nothing but malformed lines exits 1; a missing file exits 3; --json with --html exits 2.
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness  # noqa: E402

h = Harness(sys.argv)
warrant, root, work = h.warrant, h.root, h.work
failures, run, golden = h.failures, h.run, h.golden


decisions = os.path.join(work, "decisions.ndjson")
run(["run", "examples", "examples/claims.ndjson", "-j", "1", "--no-progress", "-o", decisions],
    cwd=root)

# 1. Goldens (the input named relative to the scratch dir, so the text does not hold its path).
golden("report.txt", run(["report", "decisions.ndjson"]).stdout)
golden("report_top3_pack.txt",
       run(["report", "decisions.ndjson", "--top", "3", "--pack", os.path.join(root, "examples")])
       .stdout)
report_json = run(["report", "decisions.ndjson", "--json"]).stdout
golden("report.json", report_json)

# 2. An independent count.
report = json.loads(report_json)
tables = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
lines = claims = 0
with open(decisions) as f:
    for text in f:
        r = json.loads(text)
        if "error" in r:
            continue
        lines += 1
        claims += r["line"] == 1
        d = r["decision"]
        keys = collections.defaultdict(set)
        keys["decision"].add(d)
        keys["code"].add(r["code"] if r["code"] is not None else "(none)")
        for finding in r["findings"]:
            if finding.get("policy"):
                keys["policy"].add(finding["policy"])
            if finding.get("rule"):
                keys["rule"].add(f'{finding.get("policy", "")}: {finding["rule"]}')
            if finding.get("reason"):
                keys["reason"].add(finding["reason"])
            if finding.get("carc"):
                keys["carc"].add(finding["carc"])
            for rarc in finding.get("rarc", []):
                keys["rarc"].add(rarc)
            if d == "pended" and finding["outcome"] == "pend" and finding.get("message"):
                keys["missing_documentation"].add(finding["message"])
        for table, ks in keys.items():
            for k in ks:
                tables[table][k][d] += 1

if report["lines"] != lines or report["claims"] != claims:
    failures.append(f"totals: report says {report['lines']} lines of {report['claims']} claims, "
                    f"the count {lines} of {claims}")
for table in ["decision", "policy", "rule", "reason", "carc", "rarc", "code",
              "missing_documentation"]:
    got = {row["key"]: dict(row["decisions"]) for row in report["tables"][table]}
    want = {k: dict(v) for k, v in tables[table].items()}
    if got != want:
        failures.append(f"table {table}: report {got}\n  count  {want}")
    for row in report["tables"][table]:
        if row["lines"] != sum(row["decisions"].values()):
            failures.append(f"table {table} row {row['key']}: lines != sum of decisions")
    if not want and table != "missing_documentation":
        failures.append(f"table {table}: the examples should give it rows")
print(f"independent count: {lines} lines of {claims} claims, "
      f"{sum(len(t) for t in tables.values())} keys: "
      f"{'ok' if not failures else 'FAILED'}")

# The service month, from the claims read in step with the decisions, against a join in Python.
claims_path = os.path.join(root, "examples", "claims.ndjson")
with_dates = json.loads(run(["report", "decisions.ndjson", "--json", "--claims", claims_path])
                        .stdout)
months = collections.defaultdict(collections.Counter)
with open(claims_path) as f:
    claims_by_line = [json.loads(t) for t in f if t.strip()]
claim_index = -1
with open(decisions) as f:
    for text in f:
        r = json.loads(text)
        if "error" in r or r["line"] == 1:
            claim_index += 1
        if "error" in r:
            continue
        claim = claims_by_line[claim_index]
        line = claim["lines"][r["line"] - 1]
        months[(line.get("date") or claim["service_date"])[:7]][r["decision"]] += 1
got = {row["key"]: row["decisions"] for row in with_dates["tables"]["service_month"]}
if got != {k: dict(v) for k, v in months.items()} or with_dates["claims_problem"]:
    failures.append(f"service_month: report {got} ({with_dates['claims_problem']})\n"
                    f"  count {dict(months)}")
golden("report_claims_top5.txt",
       run(["report", "decisions.ndjson", "--top", "5", "--claims", claims_path]).stdout)
# Claims that are not the decisions' stop the dates, named, and nothing else.
with open(os.path.join(work, "other_claims.ndjson"), "w") as f:
    f.write('{"id": "ELSEWHERE", "service_date": "2020-01-01", "lines": []}\n')
p = run(["report", "decisions.ndjson", "--claims", "other_claims.ndjson"])
if "input line 1 decides claim `CLM-FOBT-01` where the claims have `ELSEWHERE`" not in p.stdout:
    failures.append(f"other_claims.ndjson: {p.stdout}")
run(["report", "decisions.ndjson", "--claims", "missing_claims.ndjson"], expect=3)

# 3. Malformed lines.
with open(decisions) as f:
    good = f.read().splitlines()
mixed = [good[0], "not json at all", good[1], "[1, 2]", '{"claim":"X","line":1}', good[2],
         '{"claim":"C9","input_line":7,"error":{"code":"R0701","message":"bad"}}', good[3]]
with open(os.path.join(work, "mixed.ndjson"), "w") as f:
    f.write("\n".join(mixed) + "\n")
p = run(["report", "mixed.ndjson"])
golden("report_malformed.txt", p.stdout)
for expected in ["3 malformed lines", "input line 2: not JSON", "input line 4: not a JSON object",
                 "input line 5: no `decision`", "1 error record (claims refused): R0701 1",
                 "4 lines of 4 claims"]:
    if expected not in p.stdout:
        failures.append(f"mixed.ndjson: `{expected}` missing from\n{p.stdout}")
m = json.loads(run(["report", "mixed.ndjson", "--json"]).stdout)
if m["malformed"]["count"] != 3 or [x["input_line"] for x in m["malformed"]["first"]] != [2, 4, 5]:
    failures.append(f"mixed.ndjson --json: malformed {m['malformed']}")
with open(os.path.join(work, "garbage.ndjson"), "w") as f:
    f.write("hello\nworld\n")
p = run(["report", "garbage.ndjson"], expect=1)
if "no line of `garbage.ndjson` is a decision record" not in p.stderr:
    failures.append(f"garbage.ndjson: stderr {p.stderr}")
p = run(["report", "missing.ndjson"], expect=3)
if "error[E0001]: cannot read `missing.ndjson`" not in p.stderr:
    failures.append(f"missing.ndjson: stderr {p.stderr}")
run(["report", "decisions.ndjson", "--json", "--html", "x.html"], expect=2)
run(["report", "decisions.ndjson", "--top", "0"], expect=2)
# Standard input reads as a file does.
with open(decisions) as f:
    p = run(["report", "-", "--json"], stdin=f.read())
if json.loads(p.stdout)["tables"] != report["tables"]:
    failures.append("report - (stdin) differs from the file's report")

h.finish("report: goldens, independent count, malformed lines, exit codes: all passed")
