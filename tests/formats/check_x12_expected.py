#!/usr/bin/env python3
"""Checks `warrant convert` on X12 837 files against the facts of their `.expected.json`.

Usage: check_x12_expected.py WARRANT DIR_OR_FILES...

Each `NAME.txt` with a `NAME.expected.json` beside it (format: ../shared/data/claims/README.md)
is converted; every fact of the expected file is compared with the Warrant record of its claim.
Facts the claim schema has no field for are named in NOT_IN_SCHEMA and checked only where the
record implies them (a total charge is the sum of the line charges). An expected key this script
does not know fails the check, so a new fact cannot be skipped silently.
"""
import json
import pathlib
import subprocess
import sys
from decimal import Decimal

FREQUENCY = {"1": "original", "7": "replacement", "8": "void"}
# Expected facts the Warrant claim record has no field for (docs/formats.md, "Not read").
NOT_IN_SCHEMA = {"patient_is_subscriber", "claim_filing_indicator", "attending_npi",
                 "original_reference"}
CLAIM_KEYS = {"claim_id", "claim_type", "frequency", "place_of_service", "type_of_bill",
              "statement_period", "total_charge", "patient", "billing_npi", "rendering_npi",
              "diagnoses", "lines"} | NOT_IN_SCHEMA
LINE_KEYS = {"number", "code", "modifiers", "charge", "units", "unit_basis", "dx_pointers",
             "service_date", "service_period", "revenue_code", "ndc", "ndc_quantity", "ndc_unit"}


def number(value):
    return None if value is None else Decimal(str(value))


def check_claim(where, want, got, failures):
    def expect(what, expected, actual):
        if expected != actual:
            failures.append(f"{where}: {what}: expected {expected!r}, got {actual!r}")

    unknown = set(want) - CLAIM_KEYS
    if unknown:
        failures.append(f"{where}: expected facts this check does not know: {sorted(unknown)}")
    expect("claim_id", want["claim_id"], got.get("id"))
    expect("claim_type", want["claim_type"], got.get("claim_type"))
    expect("frequency", FREQUENCY.get(want["frequency"]), got.get("frequency"))
    if "place_of_service" in want:
        expect("place_of_service", want["place_of_service"], got.get("place_of_service"))
    if "type_of_bill" in want:
        expect("type_of_bill", want["type_of_bill"], got.get("bill_type"))
    if "statement_period" in want:
        # The claim's date of service is the statement period's first day.
        expect("statement_period.start", want["statement_period"]["start"],
               got.get("service_date"))
    patient = got.get("patient", {})
    for key in ("birth_date", "sex"):
        expect(f"patient.{key}", want["patient"][key], patient.get(key))
    expect("billing_npi", want["billing_npi"], got.get("billing_provider", {}).get("npi"))
    if "rendering_npi" in want:
        expect("rendering_npi", want["rendering_npi"],
               got.get("rendering_provider", {}).get("npi"))
    expect("diagnoses", want["diagnoses"], got.get("diagnoses"))
    lines = got.get("lines", [])
    expect("number of lines", len(want["lines"]), len(lines))
    expect("total_charge", number(want["total_charge"]),
           sum((number(line.get("charge", 0)) for line in lines), Decimal(0)))
    for i, (wl, gl) in enumerate(zip(want["lines"], lines)):
        at = f"line {i + 1}"
        unknown = set(wl) - LINE_KEYS
        if unknown:
            failures.append(f"{where}: {at}: expected facts this check does not know: "
                            f"{sorted(unknown)}")
        # Decisions name a line by its position; the reader refuses LX numbers not 1..n.
        expect(f"{at} number (LX01)", wl["number"], i + 1)
        expect(f"{at} code", wl["code"], gl.get("code"))
        expect(f"{at} modifiers", wl["modifiers"], gl.get("modifiers", []))
        expect(f"{at} charge", number(wl["charge"]), number(gl.get("charge")))
        expect(f"{at} units", wl["units"], gl.get("units", 1))
        expect(f"{at} unit_basis", "UN", wl["unit_basis"])  # the units are read as given
        expect(f"{at} dx_pointers", wl["dx_pointers"], gl.get("dx_pointers", []))
        date = wl["service_date"] or (wl["service_period"] or {}).get("start")
        expect(f"{at} date", date, gl.get("date", got.get("service_date")))
        expect(f"{at} revenue_code", wl["revenue_code"], gl.get("revenue_code"))
        expect(f"{at} ndc", wl["ndc"], gl.get("ndc"))
        expect(f"{at} ndc_quantity", number(wl["ndc_quantity"]), number(gl.get("drug_quantity")))
        expect(f"{at} ndc_unit", wl["ndc_unit"], gl.get("drug_unit"))


def main():
    warrant = sys.argv[1]
    files = []
    for arg in sys.argv[2:]:
        path = pathlib.Path(arg)
        if not path.exists():
            # ctest's SKIP_REGULAR_EXPRESSION reports this as skipped, never passed.
            print(f"SKIPPED: {path} is absent (the shared sample claims beside the repository)")
            return 0
        files += sorted(path.glob("*.expected.json")) if path.is_dir() else [path]
    if not files:
        print("no .expected.json files found", file=sys.stderr)
        return 1
    failures = []
    claims = 0
    for expected_path in files:
        source = expected_path.with_name(expected_path.name.replace(".expected.json", ".txt"))
        run = subprocess.run([warrant, "convert", str(source)], capture_output=True, text=True)
        if run.returncode != 0 or run.stderr:
            failures.append(f"{source}: warrant convert exited {run.returncode}: {run.stderr}")
            continue
        got = [json.loads(line) for line in run.stdout.splitlines()]
        want = json.loads(expected_path.read_text())
        if len(got) != len(want):
            failures.append(f"{source}: expected {len(want)} claims, got {len(got)}")
        for w, g in zip(want, got):
            check_claim(f"{source.name} {w['claim_id']}", w, g, failures)
            claims += 1
    for failure in failures:
        print(failure)
    print(f"{len(files)} files, {claims} claims checked; {len(failures)} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
