"""Warrant from Python: load a rule pack, decide claims, explain decisions, build packs.

    import warrant
    engine = warrant.Engine("rules.wpk")
    engine.decide({"id": "c1", ...})            # -> [ {decision record}, ... ] one per claim line
    engine.decide_ndjson(data, jobs=4)          # NDJSON in -> NDJSON out (same type, str or bytes)
    engine.explain(claim)                       # the text of `warrant explain`; format="json": dict
    warrant.build("criteria/", output="rules.wpk")

The decision records are those `warrant run` writes (docs/language.md §10). Errors raise
WarrantError subclasses carrying ``.code``. Scale-out over Dask: warrant.dask (docs/scale-out.md).
"""
from __future__ import annotations

import os as _os

# Importing `json` and `typing` costs more than loading the engine: json is imported where a
# call needs it, and the annotations stay strings (their types are in __init__.pyi).
from ._errors import BuildError, PackError, RecordError, WarrantError
from . import _warrant

__all__ = ["Engine", "build", "WarrantError", "RecordError", "PackError", "BuildError",
           "__version__"]
__version__ = _warrant.__version__

def _claim_text(claim):
    if isinstance(claim, (str, bytes)):
        return claim
    if isinstance(claim, dict):
        import json

        return json.dumps(claim, separators=(",", ":"))
    raise TypeError(f"a claim is a dict or its JSON text (str or bytes), not {type(claim).__name__}")


class Engine:
    """A loaded, verified rule pack. Safe to share between threads."""

    def __init__(self, pack: str | _os.PathLike[str] | bytes) -> None:
        """``pack``: the path of a .wpk file, or a pack's bytes (from ``warrant.build``).
        Raises PackError (E0001 unreadable, E0005 not a usable pack)."""
        if isinstance(pack, _os.PathLike):
            pack = _os.fspath(pack)
        if not isinstance(pack, (str, bytes)):
            raise TypeError(f"a pack is a path or bytes, not {type(pack).__name__}")
        self._engine = _warrant.Engine(pack)

    @property
    def pack_hash(self) -> str:
        """The pack's hash, as each decision record carries it."""
        return self._engine.pack_hash

    def decide(self, claim: str | bytes | dict, *, strict: bool = False) -> list[dict]:
        """Decides one claim (a dict, or its JSON text): one decision record per claim line.
        Raises RecordError (R07xx) if the record is malformed. With ``strict``, a field the
        schema does not declare is an error (R0717) rather than ignored."""
        import json

        out = self._engine.decide(_claim_text(claim), strict)
        return [json.loads(line) for line in out.splitlines()]

    def decide_ndjson(self, data: str | bytes | bytearray | memoryview | mmap.mmap,
                      jobs: int = 1) -> str | bytes:
        """Decides an NDJSON batch (one claim per line) on ``jobs`` threads, the GIL released,
        and returns the NDJSON `warrant run` writes for it: str for a str, bytes for anything
        else (bytes, bytearray, memoryview, an mmap of a file: read in place, not copied).
        Decision records in input order, and for a malformed line its error record in place
        ({"claim":...,"input_line":N,"error":{"code":"R07xx",...}}) rather than an exception."""
        out, _ = self._engine.decide_ndjson(data, jobs)
        return out

    def explain(self, claim: str | bytes | dict, format: str = "text") -> str | dict:
        """Why each line of ``claim`` was decided as it was: the text report of `warrant explain`
        (format="text"), or its JSON object as a dict (format="json", docs/explain.md)."""
        if format not in ("text", "json"):
            raise ValueError(f'format is "text" or "json", not {format!r}')
        out = self._engine.explain(_claim_text(claim), format == "json")
        if format == "json":
            import json

            return json.loads(out)
        return out


def build(src: str | _os.PathLike[str] | list[str | _os.PathLike[str]],
          terminology: list[str | _os.PathLike[str]] | None = None,
          output: str | _os.PathLike[str] | None = None) -> bytes | None:
    """Compiles criteria (a folder or .warrant file, or a list of them) into a pack, as
    `warrant build` does; ``terminology`` names --terminology files. Returns the pack's bytes,
    or writes them to ``output`` and returns None. Raises BuildError with the first error's code
    and every diagnostic as text."""
    inputs = [src] if isinstance(src, (str, _os.PathLike)) else list(src)
    try:
        pack = _warrant.build([_os.fspath(p) for p in inputs],
                              [_os.fspath(p) for p in terminology or []])
    except BuildError:
        raise
    except WarrantError as e:
        raise BuildError(e.code, e.message) from None
    if output is None:
        return pack
    with open(output, "wb") as f:
        f.write(pack)
    return None
