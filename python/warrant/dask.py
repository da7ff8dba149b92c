"""Deciding claims on a Dask cluster: warrant.dask.decide(collection, pack).

    import dask.bag as db, warrant.dask
    bag = db.read_text("claims-*.ndjson").map(str.strip).filter(bool)   # one claim per element
    records = warrant.dask.decide(bag, "/shared/rules.wpk").compute()  # NDJSON decision records

``collection`` is a dask Bag of claim JSON strings (one claim per element, on one line), or a
dask DataFrame with the claims' JSON text in ``column`` (default "claim"). Each partition is
decided as one NDJSON batch (Engine.decide_ndjson, ``jobs`` threads); a Bag gives a Bag of
decision record strings (the lines `warrant run` writes), a DataFrame gives a DataFrame with one
row per decision record: ``record`` (its JSON text), ``claim`` and ``line``.

``pack`` is a path every worker can read (a shared filesystem, or the same file copied to each
machine), or the pack's bytes, which Dask then ships to each worker once. The client hashes the
pack; each worker process loads its Engine once and caches it keyed by (path, SHA-256), so a
worker that sees another file under the same path refuses it rather than deciding with it.
A malformed claim gives its error record in place ({"claim":..., "input_line": N, "error":...},
N counted within its partition), as in `warrant run`. docs/scale-out.md has the cluster setup.
"""
import hashlib
import json
import threading
from typing import Any, Dict, Tuple, Union

from . import Engine, PackError

_engines: Dict[Tuple[str, str], Engine] = {}
_lock = threading.Lock()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def engine_for(pack: Union[str, bytes], digest: str) -> Engine:
    """This process's Engine for ``pack`` (a path or the pack's bytes) whose SHA-256 is
    ``digest``: loaded on first use, then reused by every task in the process."""
    key = ("<bytes>" if isinstance(pack, bytes) else pack, digest)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if isinstance(pack, bytes):
                data = pack
            else:
                with open(pack, "rb") as f:
                    data = f.read()
            if _digest(data) != digest:
                raise PackError("E0005", f"the pack at `{pack}` on this worker is not the one the "
                                "client hashed (sha256 " + digest + "); ship the same file to every worker")
            engine = Engine(data)
            _engines[key] = engine
        return engine


def _decide_lines(lines, pack, digest, jobs):
    text = "\n".join(lines)
    if not text:
        return []
    return engine_for(pack, digest).decide_ndjson(text, jobs).splitlines()


def _decide_frame(frame, column, pack, digest, jobs):
    import pandas as pd

    records = _decide_lines(list(frame[column]), pack, digest, jobs)
    parsed = [json.loads(r) for r in records]
    return pd.DataFrame({
        "record": pd.Series(records, dtype=object),
        "claim": pd.Series([p.get("claim") for p in parsed], dtype=object),
        "line": pd.Series([p.get("line", 0) for p in parsed], dtype="int64"),
    })


def decide(collection: Any, pack: Union[str, bytes], *, column: str = "claim", jobs: int = 1) -> Any:
    """Decides every claim of a dask Bag or DataFrame (see the module's text)."""
    import dask
    import dask.bag as db

    if isinstance(pack, bytes):
        digest = _digest(pack)
        shipped: Any = dask.delayed(pack, pure=True)  # one copy in the graph, not one per task
    else:
        with open(pack, "rb") as f:
            digest = _digest(f.read())
        shipped = str(pack)
    if isinstance(collection, db.Bag):
        return collection.map_partitions(_decide_lines, shipped, digest, jobs)
    try:  # dask.dataframe needs pandas (Debian python3-pandas)
        import dask.dataframe as dd
    except ImportError:
        dd = None
    if dd is not None and isinstance(collection, dd.DataFrame):
        import pandas as pd

        meta = pd.DataFrame({"record": pd.Series([], dtype=object),
                             "claim": pd.Series([], dtype=object),
                             "line": pd.Series([], dtype="int64")})
        return collection.map_partitions(_decide_frame, column, shipped, digest, jobs, meta=meta)
    raise TypeError("warrant.dask.decide takes a dask Bag of claim JSON strings or a dask "
                    f"DataFrame with a JSON column, not {type(collection).__name__}")
