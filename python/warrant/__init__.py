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
import json as _json
import os as _os
from typing import Any, Dict, List, Optional, Sequence, Union

from ._errors import BuildError, PackError, RecordError, WarrantError
from . import _warrant

__all__ = ["Engine", "build", "WarrantError", "RecordError", "PackError", "BuildError",
           "__version__"]
__version__ = _warrant.__version__

Claim = Union[str, bytes, Dict[str, Any]]


def _claim_text(claim: Claim) -> Union[str, bytes]:
    if isinstance(claim, (str, bytes)):
        return claim
    if isinstance(claim, dict):
        return _json.dumps(claim, separators=(",", ":"))
    raise TypeError(f"a claim is a dict or its JSON text (str or bytes), not {type(claim).__name__}")


class Engine:
    """A loaded, verified rule pack. Safe to share between threads."""

    def __init__(self, pack: Union[str, "_os.PathLike[str]", bytes]) -> None:
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

    def decide(self, claim: Claim, *, strict: bool = False) -> List[Dict[str, Any]]:
        """Decides one claim (a dict, or its JSON text): one decision record per claim line.
        Raises RecordError (R07xx) if the record is malformed. With ``strict``, a field the
        schema does not declare is an error (R0717) rather than ignored."""
        out = self._engine.decide(_claim_text(claim), strict)
        return [_json.loads(line) for line in out.splitlines()]

    def decide_ndjson(self, data: Union[str, bytes], jobs: int = 1) -> Union[str, bytes]:
        """Decides an NDJSON batch (one claim per line) on ``jobs`` threads, the GIL released,
        and returns the NDJSON `warrant run` writes for it, as the same type as ``data``:
        decision records in input order, and for a malformed line its error record in place
        ({"claim":...,"input_line":N,"error":{"code":"R07xx",...}}) rather than an exception."""
        out, _ = self._engine.decide_ndjson(data, jobs)
        return out

    def explain(self, claim: Claim, format: str = "text") -> Union[str, Dict[str, Any]]:
        """Why each line of ``claim`` was decided as it was: the text report of `warrant explain`
        (format="text"), or its JSON object as a dict (format="json", docs/explain.md)."""
        if format not in ("text", "json"):
            raise ValueError(f'format is "text" or "json", not {format!r}')
        out = self._engine.explain(_claim_text(claim), format == "json")
        return _json.loads(out) if format == "json" else out


def build(src: Union[str, "_os.PathLike[str]", Sequence[Union[str, "_os.PathLike[str]"]]],
          terminology: Optional[Sequence[Union[str, "_os.PathLike[str]"]]] = None,
          output: Optional[Union[str, "_os.PathLike[str]"]] = None) -> Optional[bytes]:
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
