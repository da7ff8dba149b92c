#!/usr/bin/env python3
"""`warrant run` reads plain NDJSON in chunks the workers split themselves
(compiler/driver/run_chunks.h): ranges of the mapped file, or chunks read from standard input (and
from a file with WARRANT_RUN_READER=stream). X12, FHIR and --history input go through line batches
(compiler/driver/run_command.cpp); WARRANT_RUN_READER=lines sends NDJSON through the line batches
too. Every reader must write what the batches write, byte for byte, whatever -j is.

Usage: run_readers.py <warrant binary> <repository> <scratch dir> [CLAIMS.ndjson PACK_SOURCE]

Each input below is run through the line batches at -j 1 (the reference), through the chunks at
-j 1, 2, 3 and 8 (WARRANT_RUN_READERS_JOBS: others), and a file through the chunks read instead of
mapped (WARRANT_RUN_READER=stream) at the last of those; stdout, stderr (the claims/s figure
aside), the exit code and the -o file must be identical:
1. every golden case under tests/cases whose ARGS run `warrant run` (but not --history, which the
   batches keep, nor X12 or FHIR input), with its split files and STDIN;
2. generated inputs on the chunks' edges: an empty file, blank lines only, no final newline, CRLF,
   a byte order mark, bytes that are not UTF-8, NUL bytes, a JSON array, lines straddling the
   256 KiB chunks (2 MB of claims of varying length, malformed ones among them), a line longer
   than a chunk, lines over the 8 MiB record limit (blank or not, starting with `[`, over 16 MiB,
   within a CR and a BOM of it), more than 20 malformed lines, standard input; with --strict,
   --explain and --output-format fhir; claims whose records outgrow a chunk's output (written
   part way in their turn) among malformed lines;
3. with CLAIMS and PACK_SOURCE (e.g. bench/run's 100,000-claim workload), that file too.
"""
import os
import random
import re
import shlex
import subprocess
import sys

warrant, repo, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
extra = sys.argv[4:6]
os.makedirs(work, exist_ok=True)
failures = []
# The sanitizer builds set WARRANT_RUN_READERS_JOBS to fewer values (tests/CMakeLists.txt): each run
# there costs ten times as much, and one count of several threads still crosses every chunk edge.
JOBS = tuple(int(j) for j in os.environ.get("WARRANT_RUN_READERS_JOBS", "1,2,3,8").split(","))
# They also leave out the golden cases (WARRANT_RUN_READERS_CASES=0): small inputs through the same
# code as the edge inputs below, compared in full by the plain build.
CASES = os.environ.get("WARRANT_RUN_READERS_CASES", "1") != "0"
RATE = re.compile(rb"; [0-9]+ claims/s\n")


def run(args, stdin=b"", reader=None, out_file=None):
    env = dict(os.environ)
    env.pop("WARRANT_RUN_READER", None)
    env["SOURCE_DATE_EPOCH"] = "1700000000"  # FHIR output's `created`, the same in both runs
    if reader:
        env["WARRANT_RUN_READER"] = reader
    if out_file and os.path.exists(out_file):
        os.remove(out_file)
    p = subprocess.run([warrant] + args, input=stdin, capture_output=True, env=env, cwd=repo)
    written = None
    if out_file and os.path.exists(out_file):
        with open(out_file, "rb") as f:
            written = f.read()
    return p.returncode, p.stdout, RATE.sub(b"; N claims/s\n", p.stderr), written


def compare(name, args, stdin=b"", out_file=None):
    """Runs `args` through both readers; records every difference."""
    want = run(args, stdin, reader="lines", out_file=out_file)
    runs = [(jobs, None) for jobs in JOBS]
    if "-" not in args:  # standard input is read in chunks whatever the setting
        runs.append((JOBS[-1], "stream"))
    for jobs, reader in runs:
        got = run(args + ["-j", str(jobs)], stdin, reader=reader, out_file=out_file)
        for what, a, b in zip(("exit code", "stdout", "stderr", "-o file"), want, got):
            if a != b:
                shown = lambda v: v if isinstance(v, int) or v is None else v[-600:]
                failures.append(f"{name} -j {jobs} {reader or ''}: {what} differs from the line "
                                f"batches\n  batches: {shown(a)!r}\n  chunks:  {shown(b)!r}")
    return want


# 1. The golden cases that run claims.
def read_case(path):
    args, splits, current = None, {}, None
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line.startswith("//"):
                current = None
                continue
            body = line[2:]
            if body.startswith(" ARGS:"):
                args, current = body[len(" ARGS:"):].strip(), None
            elif body.startswith(" ---"):
                name = body[len(" ---"):].strip()
                current = None if not name or name.startswith("-") else name
                if current:
                    splits[current] = ""
            elif body.startswith(" CHECK:"):
                current = None
            elif current is not None:
                splits[current] += (body[1:] if body.startswith(" ") else body) + "\n"
    return args, splits


cases = 0
for root, _, files in os.walk(os.path.join(repo, "tests", "cases")) if CASES else ():
    for file in sorted(files):
        if not file.endswith(".warrant"):
            continue
        path = os.path.join(root, file)
        args, splits = read_case(path)
        if not args or not args.startswith("run ") or "--history" in args or "-j" in args.split():
            continue
        if "x12" in args or "837" in args or any("fhir" in n or n.endswith(".837p") for n in splits):
            continue
        tmp = os.path.join(work, "cases", os.path.relpath(path, repo).replace("/", "_"))
        os.makedirs(tmp, exist_ok=True)
        stdin = b""
        for name, content in splits.items():
            if name == "STDIN":
                stdin = content.encode()
                continue
            os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(content)
        rel = os.path.relpath(path, repo)
        text = args.replace("%%", "\0").replace("%s", rel).replace("%{tmp}", tmp)
        text = re.sub(r"%\{([^}]*)\}", lambda m: os.path.join(tmp, m.group(1)), text)
        words = [w.replace("\0", "%") for w in shlex.split(text)]
        out_file = words[words.index("-o") + 1] if "-o" in words else None
        if out_file and not os.path.abspath(os.path.join(repo, out_file)).startswith(work):
            out_file = None  # not one of ours (a case whose -o names its input): never removed
        compare(rel, words, stdin, out_file)
        cases += 1
print(f"{cases} golden cases compared at -j {', '.join(map(str, JOBS))}"
      + ("" if CASES else " (left out: WARRANT_RUN_READERS_CASES=0)"))
if CASES and cases < 20:
    failures.append(f"only {cases} golden `run` cases found: the case parser is broken")

# 2. Inputs on the chunks' edges.
gen = os.path.join(work, "edges")
os.makedirs(gen, exist_ok=True)
policy = os.path.join(gen, "policy.warrant")
with open(policy, "w") as f:
    f.write('policy "NCD 210.3" version 2 "FOBT" effective 2023-01-01\n'
            'codeset fobt: hcpcs = [82270, G0328]\nfact high_risk: bool\n'
            'rule attained_age applies to line where line.code in fobt {\n'
            '  require age >= 45 else deny age "screening FOBT requires age 45 or older"\n}\n')
pack = os.path.join(gen, "policy.wpk")
subprocess.run([warrant, "build", policy, "-o", pack], check=True, stdout=subprocess.DEVNULL)

rng = random.Random(21)
LIMIT = 8 << 20  # the record limit (kMaxRecordBytes)


def claim(i, pad=0):
    year = 1950 if i % 3 else 1999
    extra_field = ',"note":"%s"' % ("x" * pad) if pad else ""
    return ('{"id":"C%d","patient":{"birth_date":"%d-01-01"},"service_date":"2024-03-01",'
            '"lines":[{"code":"%s"}%s]%s}' % (i, year, "82270" if i % 2 else "G0328",
                                                ',{"code":"99213"}' if i % 5 == 0 else "",
                                                extra_field)).encode()


MALFORMED = [b'{"id":"T1","lines":[{"code":"82270"}', b'[{"id":"A1"}]', b'not json',
             b'{"id":"W1","service_date":"2024-03-01","lines":[{"code":"82270","units":"two"}]}',
             b'{"id":"D1","service_date":"2024-02-30","lines":[{"code":"82270"}]}',
             b'{"id":"F1","service_date":"2024-03-01","lines":[{"code":"82270"}],"facts":{"x":1}}',
             b'{"id":"U\xff\xfe","service_date":"2024-03-01","lines":[{"code":"82270"}]}',
             b'{"id":"N\x00L","lines":[]}', b'\xef\xbb\xbf{"id":"B2","lines":[]}']


def mixed(count, seed):
    r = random.Random(seed)
    out = []
    for i in range(count):
        k = r.random()
        if k < 0.05:
            out.append(r.choice(MALFORMED))
        elif k < 0.08:
            out.append(r.choice([b"", b"  ", b"\t \r", b"\r"]))
        else:
            out.append(claim(i, pad=r.choice([0, 0, 0, 40, 700, 3000])))
    return out


def joined(lines, eol=b"\n", final=True):
    text = eol.join(lines)
    return text + eol if final and lines else text


edges = {
    "empty": b"",
    "blank_only": b"\n\n  \n\t\r\n\r\n",
    "one_line_no_newline": claim(1),
    "no_final_newline": joined([claim(i) for i in range(5)], final=False),
    "crlf": joined([claim(i) for i in range(6)] + [b"", MALFORMED[0]], b"\r\n"),
    "bom_crlf": b"\xef\xbb\xbf" + joined([claim(i) for i in range(4)], b"\r\n"),
    "bom_blank_first": b"\xef\xbb\xbf\n" + joined([claim(i) for i in range(3)]),
    "not_utf8": joined([claim(1), b'{"id":"\xc3\x28","lines":[{"code":"82270"}]}', b"\xff\xfe",
                        claim(2)]),
    "nul_bytes": joined([claim(1), b"\x00\x00", b'{"id":"Z\x00"}', claim(3)]),
    "json_array": b"\n  \n" + b"[\n" + b",\n".join(claim(i) for i in range(3)) + b"\n]\n",
    "json_array_one_line": b"[" + b",".join(claim(i) for i in range(3)) + b"]\n",
    "many_malformed": joined([MALFORMED[i % 6] if i % 2 else claim(i) for i in range(90)]),
    "straddling": joined(mixed(6000, 1)),
    "straddling_crlf_no_final": joined(mixed(3000, 2), b"\r\n", final=False),
    "line_longer_than_chunk": joined([claim(1), claim(2, pad=300_000), claim(3),
                                      claim(4, pad=700_000)], final=False),
    "over_limit": joined([claim(1), b'{"x":"' + b"a" * (LIMIT + 10) + b'"}', claim(2)]),
    "over_limit_first_array": b"[" + b" " * (LIMIT + 100) + b"]\n" + claim(1) + b"\n",
    "over_limit_bom_array": b"\xef\xbb\xbf  [" + b"1," * (LIMIT // 2 + 10) + b"1]\n",
    "over_limit_blank": joined([claim(1), b" \t" * (LIMIT // 2 + 10), claim(2)]),
    "over_16mib": joined([claim(1), b"[" + b"b" * (17 << 20), claim(2)]),
    "over_16mib_blank": joined([claim(1), b" " * (17 << 20), claim(2)], final=False),
    "at_limit_cr": joined([b'{"id":"L1","x":"' + b"a" * (LIMIT - 18) + b'"}', claim(2)], b"\r\n"),
    "just_over_limit": joined([b'{"id":"L2","x":"' + b"a" * (LIMIT - 17) + b'"}', claim(3)]),
    "at_limit_bom": b"\xef\xbb\xbf" + joined([b'{"id":"L3","x":"' + b"a" * (LIMIT - 18) + b'"}',
                                                claim(4)]),
    "last_line_over_limit_no_newline": claim(1) + b"\n" + b"{" + b"c" * (LIMIT + 50),
}
for name, data in edges.items():
    path = os.path.join(gen, name + ".ndjson")
    with open(path, "wb") as f:
        f.write(data)
    compare(name, ["run", pack, path, "--no-progress"])
    if len(data) < (1 << 21):
        compare(name + " (stdin)", ["run", pack, "-", "--no-progress"], stdin=data)
for flags in (["--strict"], ["--explain"], ["--output-format", "fhir"]):
    for name in ("straddling", "crlf", "not_utf8", "json_array", "many_malformed",
                 "over_limit", "line_longer_than_chunk"):
        compare(f"{name} {' '.join(flags)}",
                ["run", pack, os.path.join(gen, name + ".ndjson"), "--no-progress"] + flags)
# Claims whose records outgrow a chunk's 1 MiB of output (60 rules deny each of 400 lines: ~5 MB
# a claim), malformed lines among them: written part way in their turn, numbered all the same.
spill_policy = os.path.join(gen, "spill.warrant")
with open(spill_policy, "w") as f:
    f.write('policy "S" version 1 "spill" effective 2024-01-01\nreason r = CO-50 "no"\n'
            'codeset fobt: hcpcs = [82270]\n')
    for i in range(60):
        f.write(f'rule r{i} applies to line where line.code in fobt {{\n'
                f'  require age >= 200 else deny r "no"\n}}\n')
spill_pack = os.path.join(gen, "spill.wpk")
subprocess.run([warrant, "build", spill_policy, "-o", spill_pack], check=True,
               stdout=subprocess.DEVNULL)
big_claim = ('{"id":"S%d","patient":{"birth_date":"1950-01-01"},"service_date":"2025-03-10",'
             '"lines":[' + ",".join(['{"code":"82270"}'] * 400) + ']}')
spill_lines = []
for i in range(6):
    # 2,500 small claims between big ones: the big ones fall in different chunks.
    spill_lines += [(big_claim % i).encode(), MALFORMED[i % 4], b""]
    spill_lines += [claim(k) for k in range(2500 * i, 2500 * (i + 1))]
spill_input = os.path.join(gen, "spill.ndjson")
with open(spill_input, "wb") as f:
    f.write(joined(spill_lines))
compare("spill", ["run", spill_pack, spill_input, "--no-progress"])
out = os.path.join(gen, "out.ndjson")
compare("straddling -o", ["run", pack, os.path.join(gen, "straddling.ndjson"), "-o", out], b"", out)
print(f"{len(edges)} edge inputs compared (files and stdin; --strict, --explain, fhir)")

# 3. A workload given on the command line.
if len(extra) == 2:
    claims, source = extra
    big = os.path.join(work, "workload.wpk")
    subprocess.run([warrant, "build", source, "-o", big], check=True, stdout=subprocess.DEVNULL)
    want = compare(os.path.basename(claims), ["run", big, claims, "--no-progress"])
    print(f"{claims}: {len(want[1])} bytes of decisions compared")

for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
