"""Shared fixtures: the `warrant` CLI and the examples' pack, whose output the tests compare the
Python package's with. ctest sets WARRANT_CLI, WARRANT_ROOT and PYTHONPATH (python/CMakeLists)."""
import os
import subprocess

import pytest

CLI = os.environ.get("WARRANT_CLI", "warrant")
ROOT = os.environ.get("WARRANT_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
CLAIMS = os.path.join(ROOT, "examples", "claims.ndjson")


def cli(*args, check=True, **kw):
    return subprocess.run([CLI, *args], check=check, capture_output=True, **kw)


@pytest.fixture(scope="session")
def examples_pack(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "examples.wpk"
    cli("build", os.path.join(ROOT, "examples"), "-o", str(path))
    return str(path)


@pytest.fixture(scope="session")
def cli_decisions(examples_pack):
    """`warrant run` of examples/claims.ndjson: its stdout bytes."""
    return cli("run", examples_pack, CLAIMS, check=False).stdout
