"""warrant.dask on a two-process LocalCluster: 20,000 benchmark claims (../shared/bench/gen.py,
seed 42) decided exactly as `warrant run` decides them."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, cli

SHARED_BENCH = os.environ.get("WARRANT_SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))
N = 20000


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    if not os.path.isfile(os.path.join(SHARED_BENCH, "gen.py")):
        pytest.skip(f"SKIPPED: the benchmark workload is not at {SHARED_BENCH}")
    work = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, os.path.join(SHARED_BENCH, "gen.py"), "--n", str(N),
                    "--seed", "42", "--out", str(work / "data")], check=True, capture_output=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "rules_to_warrant.py"),
                    str(work / "data" / "rules.json"), str(work / "pack")], check=True,
                   capture_output=True)
    pack = str(work / "bench.wpk")
    cli("build", str(work / "pack"), "-o", pack)
    claims = str(work / "data" / "encounters.ndjson")
    expected = cli("run", pack, claims).stdout.decode().splitlines()
    with open(claims, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    assert len(lines) == N
    return pack, lines, expected


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def test_bag_decides_as_the_cli(workload, client):
    import dask.bag as db
    import warrant.dask

    pack, lines, expected = workload
    bag = db.from_sequence(lines, npartitions=8)
    got = warrant.dask.decide(bag, pack).compute()
    assert len(got) == len(expected) > N
    assert sorted(got) == sorted(expected)
    # Every worker process loaded the pack once (the cache), not once per partition.
    loaded = client.run(lambda: len(warrant.dask._engines))
    assert len(loaded) == 2 and all(n == 1 for n in loaded.values())


def test_pack_bytes_are_shipped(workload, client):
    import dask.bag as db
    import warrant.dask

    pack, lines, expected = workload
    with open(pack, "rb") as f:
        data = f.read()
    few = lines[:2000]
    got = warrant.dask.decide(db.from_sequence(few, npartitions=4), data).compute()
    import warrant as w
    want = w.Engine(pack).decide_ndjson("\n".join(few)).splitlines()
    assert sorted(got) == sorted(want)


def test_dataframe_column(workload, client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    import json
    import warrant.dask

    pack, lines, expected = workload
    few = lines[:3000]
    frame = dd.from_pandas(pd.DataFrame({"claim": few}), npartitions=3)
    got = warrant.dask.decide(frame, pack).compute()
    import warrant as w
    want = w.Engine(pack).decide_ndjson("\n".join(few)).splitlines()
    assert sorted(got["record"]) == sorted(want)
    assert list(got["claim"]) == [json.loads(r).get("claim") for r in got["record"]]


def test_a_different_pack_under_the_same_path_is_refused(workload, tmp_path):
    import warrant
    import warrant.dask

    pack, _, _ = workload
    with pytest.raises(warrant.PackError):
        warrant.dask.engine_for(pack, "0" * 64)
