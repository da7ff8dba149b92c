#!/usr/bin/env python3
"""Compare `warrant run` decisions with shared/bench/reference.py's expected decisions.

  python3 bench/compare.py DECISIONS_NDJSON EXPECTED_NDJSON [--show N]

Every claim line must agree on the decision, and a denied line on the CARC of its first finding
(the reference's `reason`, e.g. "CO-50"). Warrant's decisions map onto the workload's as
denied -> DENY, pended -> NEEDS_DOCUMENTATION, covered -> COVERED, not_applicable -> NO_RULE;
anything else (rejected, bundled, an error record) is a mismatch. Exit 0 iff there are no
mismatches and both sides hold the same lines.
"""
import json
import sys

DECISION = {"denied": "DENY", "pended": "NEEDS_DOCUMENTATION", "covered": "COVERED",
            "not_applicable": "NO_RULE"}


def main():
    args = sys.argv[1:]
    show = 10
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit("usage: compare.py DECISIONS_NDJSON EXPECTED_NDJSON [--show N]")
    actual = {}
    problems = []
    with open(args[0]) as f:
        for n, text in enumerate(f, 1):
            d = json.loads(text)
            if "error" in d:
                problems.append(f"output line {n}: error record {text.strip()}")
                continue
            decision = DECISION.get(d["decision"], d["decision"])
            reason = None
            if decision == "DENY":
                reason = d["findings"][0].get("carc") if d["findings"] else None
            actual[(d["claim"], d["line"] - 1)] = (decision, reason)
    checked = 0
    with open(args[1]) as f:
        for text in f:
            e = json.loads(text)
            key = (e["id"], e["line"])
            want = (e["decision"], e["reason"])
            got = actual.pop(key, None)
            checked += 1
            if got != want:
                problems.append(f"{key[0]} line {key[1] + 1}: expected {want}, warrant {got}")
    for key in actual:
        problems.append(f"{key[0]} line {key[1] + 1}: decided by warrant, not in the reference")
    for p in problems[:show]:
        print(p)
    print(f"compare: {len(problems)} mismatches / {checked} lines checked")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
