#!/usr/bin/env python3
"""`warrant run --output-format fhir` against the FHIR R4 ClaimResponse structure.

A compact structural checker written from the R4 specification (hl7.org/fhir/R4/claimresponse.html;
no FHIR validator is packaged in Debian): the elements ClaimResponse and the data types it uses
may hold, their cardinalities and JSON types, the required value sets (status, use, outcome,
processNote.type), the primitive formats (id, dateTime, positiveInt, uri), ele-1 (no empty
object, array or string) and that every item.noteNumber names a processNote. Then the content:
one resource per input claim in input order, the outcome and each line's decision agreeing with
the NDJSON run of the same claims, the CARC/RARC codes of the findings, the pack hash, and the
same bytes at -j 1 and -j 2.

usage: check_claim_response.py WARRANT POLICY_DIR CLAIMS
"""
import json
import os
import re
import subprocess
import sys

ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
DATETIME = re.compile(
    r"^([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$")
URI = re.compile(r"^\S+$")

# element: (min, max ('*' or 1), type) ; type is a primitive name or a complex type name
COMPLEX = {
    "ClaimResponse": {
        "resourceType": (1, 1, "string"), "id": (0, 1, "id"), "extension": (0, "*", "Extension"),
        "identifier": (0, "*", "Identifier"),
        "status": (1, 1, ("active", "cancelled", "draft", "entered-in-error")),
        "type": (1, 1, "CodeableConcept"), "subType": (0, 1, "CodeableConcept"),
        "use": (1, 1, ("claim", "preauthorization", "predetermination")),
        "patient": (1, 1, "Reference"), "created": (1, 1, "dateTime"),
        "insurer": (1, 1, "Reference"), "requestor": (0, 1, "Reference"),
        "request": (0, 1, "Reference"),
        "outcome": (1, 1, ("queued", "complete", "error", "partial")),
        "disposition": (0, 1, "string"), "item": (0, "*", "Item"),
        "adjudication": (0, "*", "Adjudication"), "processNote": (0, "*", "ProcessNote"),
        "error": (0, "*", "Error"),
    },
    "Item": {"extension": (0, "*", "Extension"), "itemSequence": (1, 1, "positiveInt"),
             "noteNumber": (0, "*", "positiveInt"), "adjudication": (1, "*", "Adjudication")},
    "Adjudication": {"extension": (0, "*", "Extension"), "category": (1, 1, "CodeableConcept"),
                     "reason": (0, 1, "CodeableConcept"), "amount": (0, 1, "Money"),
                     "value": (0, 1, "decimal")},
    "ProcessNote": {"number": (0, 1, "positiveInt"),
                    "type": (0, 1, ("display", "print", "printoper")),
                    "text": (1, 1, "string"), "language": (0, 1, "CodeableConcept")},
    "Error": {"itemSequence": (0, 1, "positiveInt"), "detailSequence": (0, 1, "positiveInt"),
              "code": (1, 1, "CodeableConcept")},
    "CodeableConcept": {"coding": (0, "*", "Coding"), "text": (0, 1, "string")},
    "Coding": {"system": (0, 1, "uri"), "version": (0, 1, "string"), "code": (0, 1, "code"),
               "display": (0, 1, "string"), "userSelected": (0, 1, "boolean")},
    "Reference": {"reference": (0, 1, "string"), "type": (0, 1, "uri"),
                  "identifier": (0, 1, "Identifier"), "display": (0, 1, "string")},
    "Identifier": {"system": (0, 1, "uri"), "value": (0, 1, "string"),
                   "type": (0, 1, "CodeableConcept")},
    "Extension": {"url": (1, 1, "uri"), "valueString": (0, 1, "string"),
                  "valueCode": (0, 1, "code")},
    "Money": {"value": (0, 1, "decimal"), "currency": (0, 1, "code")},
}


def check(value, kind, path, problems):
    if isinstance(kind, tuple):
        if value not in kind:
            problems.append(f"{path}: `{value}` is not one of {'|'.join(kind)}")
        return
    if kind in COMPLEX:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object ({kind})")
            return
        if not value:
            problems.append(f"{path}: empty object (ele-1)")
        spec = COMPLEX[kind]
        for key in value:
            if key not in spec:
                problems.append(f"{path}.{key}: not an element of {kind}")
        for key, (lo, hi, sub) in spec.items():
            if key not in value:
                if lo:
                    problems.append(f"{path}.{key}: required ({kind}.{key} {lo}..{hi})")
                continue
            v = value[key]
            if hi == "*":
                if not isinstance(v, list):
                    problems.append(f"{path}.{key}: expected an array (0..*)")
                    continue
                if not v:
                    problems.append(f"{path}.{key}: empty array (ele-1)")
                if len(v) < lo:
                    problems.append(f"{path}.{key}: at least {lo} needed")
                for i, e in enumerate(v):
                    check(e, sub, f"{path}.{key}[{i}]", problems)
            else:
                if isinstance(v, list):
                    problems.append(f"{path}.{key}: an array where at most one is allowed")
                    continue
                check(v, sub, f"{path}.{key}", problems)
        if kind == "Extension" and sum(k.startswith("value") for k in value) != 1:
            problems.append(f"{path}: an extension needs exactly one value[x]")
        if kind == "Reference" and not ({"reference", "identifier", "display"} & value.keys()):
            problems.append(f"{path}: a Reference needs a reference, identifier or display")
        return
    ok = {
        "string": lambda v: isinstance(v, str) and v != "",
        "code": lambda v: isinstance(v, str) and re.match(r"^[^\s]+( [^\s]+)*$", v),
        "uri": lambda v: isinstance(v, str) and URI.match(v),
        "id": lambda v: isinstance(v, str) and ID.match(v),
        "dateTime": lambda v: isinstance(v, str) and DATETIME.match(v),
        "positiveInt": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "decimal": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }[kind]
    if not ok(value):
        problems.append(f"{path}: `{value!r}` is not a valid {kind}")


def structural_problems(resource):
    problems = []
    if resource.get("resourceType") != "ClaimResponse":
        problems.append("resourceType: not ClaimResponse")
    check(resource, "ClaimResponse", "ClaimResponse", problems)
    notes = {n.get("number") for n in resource.get("processNote", [])}
    for i, item in enumerate(resource.get("item", [])):
        for n in item.get("noteNumber", []):
            if n not in notes:
                problems.append(f"item[{i}].noteNumber: {n} names no processNote")
    return problems


def run(warrant, policy, claims, *extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")  # 2026-01-01T00:00:00Z
    p = subprocess.run([warrant, "run", policy, claims, "--no-progress", *extra],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"warrant run {' '.join(extra)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def main():
    warrant, policy, claims = sys.argv[1:4]
    fhir_text = run(warrant, policy, claims, "--output-format", "fhir", "-j", "1")
    if run(warrant, policy, claims, "--output-format=fhir", "-j", "2") != fhir_text:
        sys.exit("the ClaimResponses differ between -j 1 and -j 2")
    native = [json.loads(line) for line in run(warrant, policy, claims, "-j", "1").splitlines()]
    responses = [json.loads(line) for line in fhir_text.splitlines()]
    failures = []
    for n, r in enumerate(responses):
        failures += [f"response {n + 1}: {p}" for p in structural_problems(r)]
    # The NDJSON records grouped by claim in input order: a claim's lines, or one error record.
    groups = []
    for rec in native:
        if "error" in rec or not groups or "error" in groups[-1][0] or \
                groups[-1][0]["claim"] != rec["claim"] or rec["line"] == 1:
            groups.append([rec])
        else:
            groups[-1].append(rec)
    if len(groups) != len(responses):
        failures.append(f"{len(responses)} ClaimResponses for {len(groups)} claims")
    for n, (group, r) in enumerate(zip(groups, responses)):
        where = f"response {n + 1}"
        if r.get("created") != "2026-01-01T00:00:00Z":
            failures.append(f"{where}: created {r.get('created')} is not SOURCE_DATE_EPOCH's")
        if "error" in group[0]:
            err = group[0]["error"]
            if r["outcome"] != "error" or r["error"][0]["code"]["coding"][0]["code"] != err["code"]:
                failures.append(f"{where}: expected outcome error with {err['code']}")
            continue
        claim = group[0]["claim"]
        if r["identifier"][0]["value"] != claim:
            failures.append(f"{where}: identifier is not the claim id {claim}")
        pack = group[0]["pack"]
        if r["extension"][0]["valueString"] != pack:
            failures.append(f"{where}: pack {r['extension'][0]['valueString']} is not {pack}")
        decisions = [rec["decision"] for rec in group]
        outcome = ("partial" if "rejected" in decisions else
                   "queued" if "pended" in decisions else "complete")
        if r["outcome"] != outcome:
            failures.append(f"{where}: outcome {r['outcome']}, expected {outcome}")
        if len(r["item"]) != len(group):
            failures.append(f"{where}: {len(r['item'])} items for {len(group)} lines")
            continue
        for rec, item in zip(group, r["item"]):
            adj = item["adjudication"]
            if item["itemSequence"] != rec["line"]:
                failures.append(f"{where}: itemSequence {item['itemSequence']} for line {rec['line']}")
            if adj[0]["category"]["coding"][0]["code"] != rec["decision"]:
                failures.append(f"{where} line {rec['line']}: decision differs")
            carcs = [a["reason"]["coding"][0]["code"] for a in adj
                     if "reason" in a and a["reason"]["coding"][0]["system"].endswith("reason-codes")]
            rarcs = [a["reason"]["coding"][0]["code"] for a in adj
                     if "reason" in a and a["reason"]["coding"][0]["system"].endswith("remark-codes")]
            want_carcs = [f["carc"].split("-", 1)[1] for f in rec["findings"] if f.get("carc")]
            want_rarcs = [r_ for f in rec["findings"] for r_ in f.get("rarc", [])]
            if carcs != want_carcs or rarcs != want_rarcs:
                failures.append(f"{where} line {rec['line']}: CARC {carcs} RARC {rarcs}, "
                                f"expected {want_carcs} {want_rarcs}")
            notes = {p["number"]: p["text"] for p in r.get("processNote", [])}
            texts = [notes[k] for k in item.get("noteNumber", [])]
            want = [f["message"] for f in rec["findings"]]
            if len(texts) != len(want) or any(not t.startswith(w) for t, w in zip(texts, want)):
                failures.append(f"{where} line {rec['line']}: notes {texts}, expected {want}")
    outcomes = sorted({r["outcome"] for r in responses})
    if outcomes != ["complete", "error", "queued"]:
        failures.append(f"the claims should give complete, error and queued; got {outcomes}")
    # The checker itself must be able to fail.
    broken = dict(responses[0], status="done", item=[{"itemSequence": 0}])
    del broken["created"]
    if len(structural_problems(broken)) < 4:
        failures.append("the structural checker missed a broken resource's problems")
    if failures:
        sys.exit("\n".join(failures))
    print(f"{len(responses)} ClaimResponses: structure and content agree")


if __name__ == "__main__":
    main()
