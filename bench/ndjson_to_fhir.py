#!/usr/bin/env python3
"""Converts Warrant NDJSON claims (the benchmark workload, ../shared/bench/gen.py) to Bulk FHIR:
one R4 Claim resource per line, the patient contained, codes in the systems the FHIR reader knows
(docs/formats.md, "FHIR R4"). What a FHIR Claim has no place for (history, observations, facts)
is left out. Used by fhir_bench (docs/performance.md, "FHIR input").

usage: ndjson_to_fhir.py CLAIMS.ndjson OUT.fhir.ndjson
"""
import json
import sys

HCPCS = "https://bluebutton.cms.gov/resources/codesystem/hcpcs"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
GENDER = {"M": "male", "F": "female"}


def claim_resource(c):
    patient = c.get("patient") or {}
    p = {"resourceType": "Patient", "id": "p"}
    if patient.get("id"):
        p["identifier"] = [{"system": "http://hl7.org/fhir/sid/us-mbi", "value": patient["id"]}]
    if patient.get("sex"):
        p["gender"] = GENDER.get(patient["sex"], "unknown")
    if patient.get("birth_date"):
        p["birthDate"] = patient["birth_date"]
    date = c.get("service_date")
    r = {"resourceType": "Claim", "id": c["id"], "contained": [p], "status": "active",
         "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type",
                              "code": c.get("claim_type", "professional")}]},
         "use": "claim", "patient": {"reference": "#p"}}
    if date:
        r["billablePeriod"] = {"start": date, "end": date}
        r["created"] = date
    r["provider"] = {"display": "benchmark"}
    r["priority"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority",
                                 "code": "normal"}]}
    if c.get("diagnoses"):
        r["diagnosis"] = [{"sequence": i + 1, "diagnosisCodeableConcept": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": d}]}}
            for i, d in enumerate(c["diagnoses"])]
    r["insurance"] = [{"sequence": 1, "focal": True, "coverage": {"display": "Medicare Part B"}}]
    items = []
    for k, line in enumerate(c["lines"]):
        item = {"sequence": k + 1,
                "productOrService": {"coding": [{"system": HCPCS, "code": line["code"]}]}}
        if line.get("modifiers"):
            item["modifier"] = [{"coding": [{"system": HCPCS, "code": m}]}
                                for m in line["modifiers"]]
        if line.get("dx_pointers"):
            item["diagnosisSequence"] = line["dx_pointers"]
        item["servicedDate"] = line.get("date", date)
        pos = line.get("place_of_service", c.get("place_of_service"))
        if pos:
            item["locationCodeableConcept"] = {"coding": [{"system": POS, "code": pos}]}
        item["quantity"] = {"value": line.get("units", 1)}
        if line.get("charge") is not None:
            item["net"] = {"value": float(line["charge"]), "currency": "USD"}
        items.append(item)
    r["item"] = items
    return r


def main():
    src, dst = sys.argv[1:3]
    with open(src) as f, open(dst, "w") as out:
        for line in f:
            if line.strip():
                out.write(json.dumps(claim_resource(json.loads(line)), separators=(",", ":")))
                out.write("\n")


if __name__ == "__main__":
    main()
