#!/usr/bin/env python3
"""bench/pad_records.py: a padded copy of an NDJSON claim workload (docs/performance.md).

  bench/pad_records.py IN.ndjson OUT.ndjson [--seed 7]

Each record gains 40 members no rule reads, about 1.9 KB of what real feeds carry beside the
fields a pack decides on: the patient's name, contact details and address (8 members inside
`patient`), and at claim level the subscriber, payer, billing, submitter and receiver blocks,
identifiers, notes and attachments (32 members, some of them objects and arrays). None is a
field of the claim schema, so `warrant run` checks them to be JSON, counts them per path in its
summary (`ignored fields: payer ×100000`) and decides exactly as on the unpadded record; that is
what the bench/run row checks before it times the two. The values vary from record to record
(seeded), so no cache sees the same text twice.
"""
import argparse
import json
import random

FIRST = ["MARY", "JOHN", "PATRICIA", "ROBERT", "LINDA", "MICHAEL", "BARBARA", "WILLIAM", "ELIZABETH",
         "DAVID", "JENNIFER", "RICHARD", "MARIA", "CHARLES", "SUSAN", "JOSEPH", "MARGARET", "THOMAS"]
LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
        "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR"]
STREETS = ["MAIN ST", "OAK AVE", "MAPLE DR", "CEDAR LN", "PINE ST", "ELM ST", "WASHINGTON BLVD",
           "LAKE RD", "HILL ST", "PARK AVE", "SUNSET BLVD", "RIVER RD"]
CITIES = [("SPRINGFIELD", "IL", "62701"), ("COLUMBUS", "OH", "43215"), ("AUSTIN", "TX", "78701"),
          ("PORTLAND", "OR", "97201"), ("DENVER", "CO", "80202"), ("RALEIGH", "NC", "27601"),
          ("MADISON", "WI", "53703"), ("ALBANY", "NY", "12207"), ("TUCSON", "AZ", "85701")]
PAYERS = [("MEDICARE PART B", "00882", "CMS"), ("ACME HEALTH PLAN", "60054", "ACME"),
          ("BLUE SHIELD OF THE WEST", "94036", "BSW"), ("UNITED MUTUAL", "87726", "UMI")]
NOTES = ["PATIENT SEEN FOR FOLLOW UP OF CHRONIC CONDITIONS", "ROUTINE VISIT, NO COMPLAINTS",
         "REFERRED BY PRIMARY CARE FOR EVALUATION", "LABS ORDERED PER PROTOCOL",
         "PATIENT REPORTS IMPROVEMENT SINCE LAST VISIT"]


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def address(rng):
    city, state, zip5 = rng.choice(CITIES)
    return {"line1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            "line2": rng.choice(["", f"APT {rng.randint(1, 400)}", f"SUITE {rng.randint(100, 900)}"]),
            "city": city, "state": state, "postal_code": zip5 + digits(rng, 4), "country": "US"}


def person(rng):
    return {"last_name": rng.choice(LAST), "first_name": rng.choice(FIRST),
            "middle_initial": rng.choice("ABCDEFGHJKLMNPRSTW")}


def pad(record, rng):
    patient = record.get("patient")
    if isinstance(patient, dict):  # 8 members
        patient.update({
            "last_name": rng.choice(LAST), "first_name": rng.choice(FIRST),
            "middle_name": rng.choice(FIRST), "name_suffix": rng.choice(["", "JR", "SR", "III"]),
            "address": address(rng), "phone": "555" + digits(rng, 7),
            "email": f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}{rng.randint(1, 99)}@example.org",
            "marital_status": rng.choice(["S", "M", "W", "D"]),
        })
    payer_name, payer_id, payer_code = rng.choice(PAYERS)
    extra = {  # 32 members
        "interchange_control_number": digits(rng, 9),
        "group_control_number": digits(rng, 6),
        "transaction_set_id": "837" + digits(rng, 6),
        "batch_id": "B" + digits(rng, 10),
        "received_at": f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:00Z",
        "source_system": rng.choice(["CLEARINGHOUSE-A", "CLEARINGHOUSE-B", "DIRECT-SUBMIT"]),
        "submitter": {"name": "NORTHWIND BILLING SERVICES", "id": digits(rng, 9),
                      "contact": person(rng), "phone": "555" + digits(rng, 7)},
        "receiver": {"name": payer_name, "id": payer_id},
        "payer": {"name": payer_name, "id": payer_id, "code": payer_code,
                  "address": address(rng), "claim_office": "PO BOX " + digits(rng, 5)},
        "subscriber": {**person(rng), "member_id": payer_code + digits(rng, 9),
                       "group_number": "G" + digits(rng, 7),
                       "relationship": rng.choice(["self", "spouse", "child"])},
        "billing_name": rng.choice(LAST) + " MEDICAL GROUP",
        "billing_tax_id": digits(rng, 9),
        "billing_address": address(rng),
        "pay_to_postal_code": digits(rng, 9),
        "rendering_name": person(rng),
        "facility_name": rng.choice(CITIES)[0] + " COMMUNITY CLINIC",
        "facility_postal_code": digits(rng, 9),
        "patient_account_number": "ACCT" + digits(rng, 10),
        "medical_record_number": "MRN" + digits(rng, 8),
        "prior_authorization": rng.choice(["", "PA" + digits(rng, 9)]),
        "referral_number": rng.choice(["", "RF" + digits(rng, 8)]),
        "total_charge": f"{rng.randint(50, 4000)}.{digits(rng, 2)}",
        "patient_paid": rng.choice([0, 10, 20, 35.5]),
        "assignment_accepted": rng.choice([True, False]),
        "signature_on_file": True,
        "release_of_information": rng.choice(["Y", "I"]),
        "accident_related": False,
        "notes": [rng.choice(NOTES)],
        "attachments": [{"type": "09", "transmission": "EL", "control": digits(rng, 8)}],
        "clearinghouse_trace": digits(rng, 16),
        "edit_flags": [],
        "version": "005010X222A1",
    }
    record.update(extra)
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.input) as src, open(a.output + ".tmp", "w") as dst:
        for line in src:
            if not line.strip():
                continue
            dst.write(json.dumps(pad(json.loads(line), rng), separators=(",", ":")) + "\n")
    import os
    os.replace(a.output + ".tmp", a.output)


if __name__ == "__main__":
    main()
