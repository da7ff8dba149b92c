#!/usr/bin/env python3
"""`warrant schema --json-schema` against the decoder, with the jsonschema package (Debian's
python3-jsonschema, installed by .ci/setup).

1. The schema generated for examples/ is a valid draft 2020-12 schema, and every claim of
   examples/claims.ndjson that `warrant run` decodes validates against it; the examples' pack
   gives the same schema (listing and JSON) as their sources.
2. For each golden case of tests/cases/schema that runs a `claims.ndjson` split: every claim the
   case's pack decodes validates against the schema generated for that case (with its extensions and
   facts).
3. Claims the decoder refuses for what the schema can say (a date not written YYYY-MM-DD, a
   negative amount, units 0, a value outside a `one of`, an invalid code shape, no lines, an
   undeclared fact) are refused by both; a few valid variants (amounts as strings, nulls, the
   dx_ptr alias, an unknown key) are accepted by both.

Usage: test_json_schema.py WARRANT ROOT. Prints "SKIPPED: ..." and exits 0 when the module is
missing (ctest reports the test as skipped).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("SKIPPED: the Python module jsonschema is missing "
          "(apt-get install python3-jsonschema; .ci/setup installs it)")
    sys.exit(0)

WARRANT, ROOT = sys.argv[1], sys.argv[2]
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def warrant(*args, stdin=None):
    return subprocess.run([WARRANT, *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True)


def json_schema(target):
    r = warrant("schema", "--json-schema", target)
    if r.returncode != 0:
        raise SystemExit(f"warrant schema --json-schema {target} failed:\n{r.stderr}")
    schema = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def decoded(pack, claims_text):
    """The 1-based input lines `warrant run` decoded, and the error code of each it refused."""
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
        f.write(claims_text)
        path = f.name
    try:
        r = warrant("run", "-j", "1", "--no-progress", pack, path)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        raise SystemExit(f"warrant run {pack} failed:\n{r.stderr}")
    refused = {}
    for out in r.stdout.splitlines():
        record = json.loads(out)
        if "error" in record:
            refused[record["input_line"]] = record["error"]["code"]
    lines = [n for n, text in enumerate(claims_text.splitlines(), 1) if text.strip()]
    return [n for n in lines if n not in refused], refused


def errors(validator, claim):
    return sorted(e.message for e in validator.iter_errors(claim))


def check_decoded_validate(name, validator, pack, claims_text):
    accepted, refused = decoded(pack, claims_text)
    lines = claims_text.splitlines()
    for n in accepted:
        problems = errors(validator, json.loads(lines[n - 1]))
        if problems:
            fail(f"{name}:{n}: decoded by warrant run but refused by the schema: {problems}")
    return len(accepted), refused


# ---- 1. the examples ----------------------------------------------------------------------
examples = json_schema("examples")
with open(os.path.join(ROOT, "examples", "claims.ndjson")) as f:
    claims_text = f.read()
count, refused = check_decoded_validate("examples/claims.ndjson", examples, "examples", claims_text)
if count < 40:
    fail(f"examples/claims.ndjson: only {count} claims decoded")
print(f"examples/claims.ndjson: {count} decoded claims validate; {len(refused)} refused by the "
      "decoder")

# The schema stored in a pack is the one its sources give.
with tempfile.TemporaryDirectory() as tmp:
    pack = os.path.join(tmp, "examples.wpk")
    r = warrant("build", "--no-progress", "examples", "-o", pack)
    if r.returncode != 0:
        raise SystemExit(f"warrant build examples failed:\n{r.stderr}")
    for flags in ([], ["--json-schema"]):
        from_pack = warrant("schema", *flags, pack)
        from_sources = warrant("schema", *flags, "examples")
        if from_pack.returncode != 0 or from_pack.stdout != from_sources.stdout:
            fail(f"warrant schema {' '.join(flags)} of the examples' pack differs from its sources")

# ---- 2. the golden cases' claims ----------------------------------------------------------
cases_dir = os.path.join(ROOT, "tests", "cases", "schema")
cases = 0
for name in sorted(os.listdir(cases_dir)):
    if not name.endswith(".warrant"):
        continue
    split, inside, runs = [], False, False
    with open(os.path.join(cases_dir, name)) as f:
        for line in f:
            runs = runs or line.startswith("// ARGS: run ")
            line = line.rstrip("\n")
            if line.startswith("// --- "):
                inside = line == "// --- claims.ndjson"
                continue
            if inside and line.startswith("// ") and not line.startswith("// CHECK"):
                split.append(line[3:])
            else:
                inside = False
    if not split or not runs:
        continue
    case = os.path.join("tests", "cases", "schema", name)
    validator = json_schema(case)
    n, _ = check_decoded_validate(case, validator, case, "\n".join(split) + "\n")
    cases += 1
    print(f"{case}: {n} decoded claims validate")
if cases < 3:
    fail(f"only {cases} golden cases with claims were found under {cases_dir}")

# ---- 3. invalid and valid variants of one claim -------------------------------------------
base = {"id": "V", "service_date": "2025-03-10",
        "patient": {"id": "P", "birth_date": "1950-01-01"},
        "diagnoses": ["Z12.11"],
        "lines": [{"code": "G0328", "units": 1, "dx_pointers": [1], "charge": 25}],
        "facts": {"pack_years": 30}}


def variant(edit):
    claim = copy.deepcopy(base)
    edit(claim)
    return claim


invalid = {
    "a date written with slashes": lambda c: c.update(service_date="2025/03/10"),
    "a negative amount": lambda c: c["lines"][0].update(charge=-5),
    "a negative amount as a string": lambda c: c["lines"][0].update(allowed="-5.00"),
    "an amount string with three places": lambda c: c["lines"][0].update(charge="1.005"),
    "units 0": lambda c: c["lines"][0].update(units=0),
    "units as a string": lambda c: c["lines"][0].update(units="1"),
    "a value outside a one of": lambda c: c.update(frequency="final"),
    "a drug unit outside its list": lambda c: c["lines"][0].update(drug_unit="XX"),
    "a procedure code of no HCPCS shape": lambda c: c["lines"][0].update(code="G03"),
    "a place of service 00": lambda c: c.update(place_of_service="00"),
    "a line without a code": lambda c: c["lines"][0].pop("code"),
    "no lines": lambda c: c.pop("lines"),
    "an empty list of lines": lambda c: c.update(lines=[]),
    "a null line": lambda c: c["lines"].append(None),
    "dx_ptr and dx_pointers both": lambda c: c["lines"][0].update(dx_ptr=[1]),
    "an undeclared fact": lambda c: c["facts"].update(smoker=True),
    "a fact of the wrong type": lambda c: c["facts"].update(pack_years="thirty"),
    "a patient that is a string": lambda c: c.update(patient="P"),
}
valid = {
    "the claim as it is": lambda c: None,
    "an amount as a string": lambda c: c["lines"][0].update(charge="125.50"),
    "an amount with trailing zeros": lambda c: c["lines"][0].update(charge="12.500"),
    "nulls for absent fields": lambda c: (c.update(patient=None, history=None, place_of_service=None),
                                          c["lines"][0].update(units=None, date=None)),
    "a null fact": lambda c: c["facts"].update(pack_years=None, smoker=None),
    "the dx_ptr alias": lambda c: c["lines"][0].update(dx_ptr=c["lines"][0].pop("dx_pointers")),
    "a key the schema does not declare": lambda c: c.update(payer="MCR"),
    "a LOINC code with its system": lambda c: c.update(observations=[
        {"code": "LOINC|4548-4", "value": 6.1, "date": "2025-03-01"}]),
    "lower-case codes": lambda c: c.update(diagnoses=["z12.11"]),
    "a 10-digit NDC with hyphens": lambda c: c["lines"][0].update(ndc="0009-0047-01"),
}
variants = [(name, True, variant(edit)) for name, edit in invalid.items()]
variants += [(name, False, variant(edit)) for name, edit in valid.items()]
text = "".join(json.dumps(claim) + "\n" for _, _, claim in variants)
_, refused = decoded("examples", text)
for n, (name, bad, claim) in enumerate(variants, 1):
    schema_refuses = bool(errors(examples, claim))
    decoder_refuses = n in refused
    if bad and not (schema_refuses and decoder_refuses):
        fail(f"{name}: should be refused; the schema {'refuses' if schema_refuses else 'accepts'} "
             f"it, the decoder {'refuses (' + refused[n] + ')' if decoder_refuses else 'accepts'} it")
    if not bad and (schema_refuses or decoder_refuses):
        fail(f"{name}: should be accepted; schema errors {errors(examples, claim)}, decoder "
             f"{refused.get(n, 'accepts')}")
print(f"{len(invalid)} invalid and {len(valid)} valid variants checked")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
