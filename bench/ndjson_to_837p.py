#!/usr/bin/env python3
"""Writes Warrant NDJSON claims (the benchmark workload) as one X12 837P file.

  bench/ndjson_to_837p.py encounters.ndjson claims.837p.txt [--per-st 5000]

Each claim becomes a subscriber level (HL 22) with its CLM, HI (up to 12 diagnoses, ABK then
ABF), and one LX/SV1/DTP*472 per line, under one billing provider per transaction set; a new
ISA/GS/ST starts every --per-st claims. What an 837 cannot carry (history, observations, facts)
is dropped, so the benchmark compares the X12 path with the NDJSON of the same claims as
`warrant convert` reads them back (bench/run, "X12 837P"). Python standard library only.
"""
import argparse
import json


def d8(date):
    return date.replace("-", "")


def claim_segments(c):
    p = c.get("patient", {})
    seg = [f"HL*{{hl}}*1*22*0", "SBR*P*18*******MB",
           f"NM1*IL*1*DOE*PAT****MI*{p.get('id', 'UNKNOWN')}"]
    if p.get("birth_date"):
        seg.append(f"DMG*D8*{d8(p['birth_date'])}*{p.get('sex', 'U')}")
    seg.append("NM1*PR*2*BENCH PAYER*****PI*BENCH01")
    lines = c["lines"]
    total = 100 * len(lines)
    seg.append(f"CLM*{c['id']}*{total}***{c.get('place_of_service', '11')}:B:1*Y*A*Y*Y")
    dx = [d.replace(".", "") for d in c.get("diagnoses", [])[:12]]
    if dx:
        seg.append("HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + d for i, d in enumerate(dx)))
    for n, line in enumerate(lines, 1):
        code = ":".join(["HC", line["code"], *line.get("modifiers", [])[:4]])
        pointers = ":".join(str(x) for x in line.get("dx_pointers", [])[:4]) or ("1" if dx else "")
        seg.append(f"LX*{n}")
        seg.append(f"SV1*{code}*100*UN*{line.get('units', 1)}*{line.get('place_of_service', '')}"
                   f"**{pointers}")
        date = line.get("date", c.get("service_date"))
        if date:
            seg.append(f"DTP*472*D8*{d8(date)}")
    return seg


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ndjson")
    ap.add_argument("out")
    ap.add_argument("--per-st", type=int, default=5000)
    a = ap.parse_args()
    with open(a.ndjson) as f:
        claims = [json.loads(line) for line in f if line.strip()]
    out = []
    for chunk_no, start in enumerate(range(0, len(claims), a.per_st), 1):
        control = f"{chunk_no:09d}"
        out.append("ISA*00*          *00*          *ZZ*BENCHSUBMIT    *ZZ*BENCHRECV      "
                   f"*250101*1200*^*00501*{control}*0*T*:~")
        out.append(f"GS*HC*BENCHSUBMIT*BENCHRECV*20250101*1200*{chunk_no}*X*005010X222A1~")
        st = ["ST*837*0001*005010X222A1", "BHT*0019*00*BENCH*20250101*1200*CH",
              "NM1*41*2*BENCH SUBMITTER*****46*BENCH", "NM1*40*2*BENCH RECEIVER*****46*BENCH",
              "HL*1**20*1", "NM1*85*2*BENCH BILLING*****XX*1234567893"]
        hl = 1
        for c in claims[start:start + a.per_st]:
            hl += 1
            st += [s.replace("{hl}", str(hl)) for s in claim_segments(c)]
        st.append(f"SE*{len(st) + 1}*0001")
        out += [s + "~" for s in st]
        out.append(f"GE*1*{chunk_no}~")
        out.append(f"IEA*1*{control}~")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
