"""warrant.Engine and warrant.build against the `warrant` CLI on the same inputs."""
import json
import mmap
import os
import re
import shutil
import threading
import time

import pytest

import warrant
from conftest import CLAIMS, ROOT, cli


def claim_lines():
    with open(CLAIMS, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def test_decide_gives_the_cli_records(examples_pack, cli_decisions):
    engine = warrant.Engine(examples_pack)
    expected = [json.loads(line) for line in cli_decisions.decode().splitlines()]
    got = []
    for text in claim_lines():
        try:
            from_text = engine.decide(text)
        except warrant.RecordError as e:
            got.append({"error": e.code})
            continue
        assert engine.decide(json.loads(text)) == from_text  # a dict decides as its JSON
        got.extend(from_text)
    assert len(expected) > 0
    assert got == [{"error": r["error"]["code"]} if "error" in r else r for r in expected]


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_decide_ndjson_is_the_cli_output(examples_pack, cli_decisions, jobs):
    engine = warrant.Engine(examples_pack)
    with open(CLAIMS, "rb") as f:
        data = f.read()
    out = engine.decide_ndjson(data, jobs=jobs)
    assert isinstance(out, bytes) and out == cli_decisions
    text = engine.decide_ndjson(data.decode(), jobs=jobs)
    assert isinstance(text, str) and text == cli_decisions.decode()


MALFORMED = [
    "this is not json",
    '{"id": "X1"',
    '["an", "array"]',
    '{"id": "X2", "lines": "not a list"}',
    '{"id": "X3", "service_date": "2025-13-45", "lines": []}',
]


def test_malformed_records_raise_the_cli_codes(examples_pack, tmp_path):
    claims = tmp_path / "bad.ndjson"
    claims.write_text("\n".join(MALFORMED) + "\n")
    records = [json.loads(line) for line in
               cli("run", examples_pack, str(claims), check=False).stdout.decode().splitlines()]
    assert len(records) == len(MALFORMED)
    engine = warrant.Engine(examples_pack)
    for text, record in zip(MALFORMED, records):
        with pytest.raises(warrant.RecordError) as raised:
            engine.decide(text)
        assert raised.value.code == record["error"]["code"]
        assert re.fullmatch(r"R07\d\d", raised.value.code)
        assert raised.value.message == record["error"]["message"]
        assert isinstance(raised.value, warrant.WarrantError)
    # The batch form reports them in place, as the CLI does, rather than raising.
    assert engine.decide_ndjson(claims.read_bytes(), jobs=2) == \
        cli("run", examples_pack, str(claims), check=False).stdout


def test_unusable_packs(tmp_path):
    with pytest.raises(warrant.PackError) as missing:
        warrant.Engine(str(tmp_path / "absent.wpk"))
    assert missing.value.code == "E0001" and "absent.wpk" in missing.value.message
    with pytest.raises(warrant.PackError) as folder:
        warrant.Engine(str(tmp_path))
    assert folder.value.code == "E0001"
    with pytest.raises(warrant.PackError) as corrupt:
        warrant.Engine(b"not a pack at all")
    assert corrupt.value.code == "E0005"


def test_explain_is_the_cli_explain(examples_pack, tmp_path):
    claim = claim_lines()[0]
    path = tmp_path / "claim.json"
    path.write_text(claim)
    engine = warrant.Engine(examples_pack)
    text = engine.explain(claim)
    assert text == cli("explain", examples_pack, str(path)).stdout.decode()
    assert "covered" in text or "denied" in text or "pended" in text
    as_json = engine.explain(json.loads(claim), format="json")
    assert as_json == json.loads(cli("explain", "--json", examples_pack, str(path)).stdout)
    with pytest.raises(warrant.RecordError):
        engine.explain("{")


def test_build_matches_the_cli(tmp_path):
    src = tmp_path / "criteria"
    src.mkdir()
    shutil.copy(os.path.join(ROOT, "examples", "medicare", "ncd_210_3_fobt_v2.warrant"), src)
    cli("build", str(src), "-o", str(tmp_path / "cli.wpk"))
    pack = warrant.build(str(src))
    assert pack == (tmp_path / "cli.wpk").read_bytes()
    assert warrant.build(src, output=tmp_path / "py.wpk") is None
    assert (tmp_path / "py.wpk").read_bytes() == pack
    # The bytes load: a claim decides the same with either pack.
    claim = claim_lines()[0]
    assert warrant.Engine(pack).decide(claim) == warrant.Engine(str(tmp_path / "cli.wpk")).decide(claim)


def test_build_errors_carry_the_cli_code(tmp_path):
    src = tmp_path / "broken"
    src.mkdir()
    text = open(os.path.join(ROOT, "examples", "medicare", "ncd_210_3_fobt_v2.warrant")).read()
    # An undeclared name where the criteria name a field.
    (src / "broken.warrant").write_text(text.replace("age >= 45", "agee >= 45"))
    result = cli("check", str(src), check=False)
    codes = re.findall(r"error\[(E\d{4})\]", result.stderr.decode())
    assert result.returncode != 0 and codes
    with pytest.raises(warrant.BuildError) as raised:
        warrant.build(src)
    assert raised.value.code == codes[0]
    assert "agee" in raised.value.message


def test_decide_ndjson_releases_the_gil(examples_pack):
    engine = warrant.Engine(examples_pack)
    with open(CLAIMS, "rb") as f:
        data = f.read() * 100
    while True:  # a batch that takes a while to decide alone
        started = time.perf_counter()
        engine.decide_ndjson(data, jobs=1)
        if time.perf_counter() - started > 0.6 or len(data) > 1 << 30:
            break
        data *= 4

    in_call = threading.Event()
    done = threading.Event()

    def decide():
        in_call.set()
        engine.decide_ndjson(data, jobs=1)
        done.set()

    worker = threading.Thread(target=decide)
    ticks = set()
    worker.start()
    in_call.wait()
    begin = time.perf_counter()
    while not done.is_set():
        ticks.add(int((time.perf_counter() - begin) / 0.05))  # 50 ms slots this thread ran in
    elapsed = time.perf_counter() - begin
    worker.join()
    # Holding the GIL, the call would let this loop run only before and after it.
    # (A shared machine may leave it off a core for a while, hence a third rather than all.)
    assert elapsed > 0.4 and len(ticks) >= elapsed / 0.05 / 3, (len(ticks), elapsed)


def test_decide_ndjson_splits_lines_as_the_cli(examples_pack, tmp_path):
    """A byte order mark, CRLF line ends, blank and whitespace-only lines, a malformed line and a
    last line without a newline: the same records and input line numbers as `warrant run`."""
    claims = claim_lines()[:6]
    data = ("\ufeff" + claims[0] + "\r\n\r\n" + claims[1] + "\n   \t\n" + claims[2] + "\r\n"
            + "{not json\n\n" + claims[3] + "\n" + claims[4] + "\n" + claims[5]).encode()
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(data)
    expected = cli("run", examples_pack, str(path), check=False).stdout
    assert b'"input_line":6' in expected  # the malformed line, blank lines counted
    engine = warrant.Engine(examples_pack)
    for jobs in (1, 2):
        assert engine.decide_ndjson(data, jobs=jobs) == expected
        assert engine.decide_ndjson(bytearray(data), jobs=jobs) == expected
        assert engine.decide_ndjson(memoryview(data), jobs=jobs) == expected
    assert engine.decide_ndjson(b"") == b""
    assert engine.decide_ndjson("\n \n") == ""


@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_many_batches_on_threads_keep_the_cli_order(examples_pack, tmp_path, jobs):
    """Enough lines for several batches per thread (a batch is 512 lines), malformed ones among
    them: the threads' output is joined in input order, as `warrant run -j 1` writes it."""
    lines = claim_lines() * 60
    lines[700] = "{broken"
    lines[1500] = '{"id": "Z", "lines": 3}'
    path = tmp_path / "many.ndjson"
    path.write_text("\n".join(lines) + "\n")
    expected = cli("run", examples_pack, str(path), "-j", "1", check=False).stdout
    assert expected.count(b"\n") > len(lines) and b'"input_line":701' in expected
    engine = warrant.Engine(examples_pack)
    assert engine.decide_ndjson(path.read_bytes(), jobs=jobs) == expected


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_lines_straddling_the_threads_chunks_are_the_cli_output(examples_pack, tmp_path, jobs):
    """Over 1 MiB, so the threads' 256 KiB chunks end inside lines: a byte order mark, CRLF and
    LF, blank and whitespace-only lines, malformed lines, a line longer than a chunk (JSON
    whitespace), and a last line without a newline. Every byte and input line number as the
    CLI's."""
    claims = claim_lines()
    parts = ["\ufeff"]
    for i in range(2600):
        parts.append(claims[i % len(claims)])
        parts.append("\r\n" if i % 3 == 0 else "\n")
        if i % 17 == 0:
            parts.append("  \t\n\n")
        if i % 401 == 0:
            parts.append('{"id": "bad%d", "lines": 3}\n' % i)
        if i == 1300:
            first = claims[0]
            parts.append(first[:1] + " " * 600_000 + first[1:] + "\n")
    parts.append(claims[1])  # no newline
    data = "".join(parts).encode()
    assert len(data) > 4 * (256 << 10)
    path = tmp_path / "straddling.ndjson"
    path.write_bytes(data)
    expected = cli("run", examples_pack, str(path), "-j", "1", check=False).stdout
    assert b'"input_line":' in expected and expected.endswith(b"\n")
    engine = warrant.Engine(examples_pack)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert engine.decide_ndjson(mapped, jobs=jobs) == expected
    assert engine.decide_ndjson(data.decode(), jobs=jobs) == expected.decode()


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_output_larger_than_its_input(examples_pack, tmp_path, jobs):
    """Two-byte lines, each refused with an error record of a hundred bytes: the result grows
    well past the input's size, from whichever thread writes."""
    data = b"".join(b"%d\n" % (i % 10) for i in range(200_000))
    path = tmp_path / "tiny.ndjson"
    path.write_bytes(data)
    expected = cli("run", examples_pack, str(path), check=False).stdout
    out = warrant.Engine(examples_pack).decide_ndjson(data, jobs=jobs)
    assert len(out) > 20 * len(data)
    assert out == expected


def test_empty_and_blank_inputs(examples_pack):
    engine = warrant.Engine(examples_pack)
    for jobs in (1, 2):
        assert engine.decide_ndjson(b"", jobs=jobs) == b""
        assert engine.decide_ndjson(bytearray(), jobs=jobs) == b""
        assert engine.decide_ndjson("", jobs=jobs) == ""
        assert engine.decide_ndjson(b"\n\r\n \t\n", jobs=jobs) == b""
    with pytest.raises(ValueError):
        engine.decide_ndjson(b"", jobs=0)
