#!/usr/bin/env python3
"""bench/history_split.py: the benchmark workload with its inline history moved to a store.

  history_split.py encounters.ndjson CLAIMS_OUT RECORDS_OUT

Writes the claims without `history` (CLAIMS_OUT) and, for each claim with history, one history
record holding it (RECORDS_OUT, for `warrant history import`; status "paid", which the workload's
rules do not read). The workload's histories are per encounter, not per patient (gen.py draws each
encounter's on its own), so each claim's patient id becomes its claim id: every claim then loads
exactly the lines it carried inline, and `run --history` must decide as the inline run does.
"""
import json
import sys


def main():
    src, claims_out, records_out = sys.argv[1:4]
    with open(src) as f, open(claims_out, "w") as claims, open(records_out, "w") as records:
        for text in f:
            if not text.strip():
                continue
            c = json.loads(text)
            history = c.pop("history", [])
            c["patient"]["id"] = c["id"]
            claims.write(json.dumps(c, separators=(",", ":")) + "\n")
            if history:
                lines = [dict(h, line=i + 1, status="paid") for i, h in enumerate(history)]
                rec = {"id": "H-" + c["id"], "patient": {"id": c["id"]}, "lines": lines}
                records.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
