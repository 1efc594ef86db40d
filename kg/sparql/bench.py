"""The SPARQL rows of ``scripts/bench``: loading a corpus into the endpoint, and the sparql/ twins.

Beside the Cypher figures of a corpus (:mod:`kg.bench`), three steps, each in a process of its own:

- ``sparql_load``: the corpus's LadybugDB store streamed into the Oxigraph store folder the
  endpoint serves (:func:`kg.sparql.server.load_folder`, as ``kg sparql serve --db`` does): read
  chunk by chunk, written as N-Quads and bulk-loaded at once;
- ``sparql_baseline``: the fastest way Oxigraph itself offers, ``oxigraph load`` of the same
  N-Quads from a file written beforehand (the writing timed apart), to read the load against;
- ``sparql_query``: one query of ``sparql/``, the twin of a ``cypher/`` query, asked over HTTP of
  a real ``oxigraph serve-read-only`` on a free loopback port with the corpus's parameters
  (:func:`kg.bench.corpus_parameters`): a warm-up run, then the median of ``repeat`` runs. The
  server stops any one query after its share of the step's time (``--timeout-s``), so a query too
  slow for a size is reported FAILED with the server's message, and no server outlives its step.

A query step never runs on a store whose load failed: it is reported FAILED.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from kg.bench import Step, _measure, _run_step, _step, corpus_parameters

__all__ = ["sparql_part"]


@_step("sparql_load")
def _load(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.sparql.server import load_folder
    from kg.stores.ladybug import STREAM_BUFFER_POOL, LadybugStore

    started = time.perf_counter()
    with LadybugStore(ctx["db"], read_only=True, buffer_pool_size=STREAM_BUFFER_POOL) as store:
        quads = load_folder(store, Path(ctx["folder"]))
    return {"seconds": time.perf_counter() - started, "quads": quads}


@_step("sparql_baseline")
def _baseline(ctx: dict[str, Any]) -> dict[str, Any]:
    """Oxigraph's own loader (``oxigraph load``) on the same quads, written to a file first."""
    import subprocess

    from kg.export.rdf import ClaimedChunks, write_nquads
    from kg.sparql.server import oxigraph_binary
    from kg.stores.ladybug import STREAM_BUFFER_POOL, LadybugStore

    text = Path(ctx["folder"] + ".nq")
    started = time.perf_counter()
    with (
        LadybugStore(ctx["db"], read_only=True, buffer_pool_size=STREAM_BUFFER_POOL) as store,
        text.open("wb") as out,
    ):
        write_nquads(ClaimedChunks.of_store(store), out)  # kg export --db ... --format nquads
    written = time.perf_counter() - started
    started = time.perf_counter()
    command = [oxigraph_binary(), "load", "--location", ctx["folder"] + ".raw", "--file", str(text)]
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    size = text.stat().st_size
    text.unlink()
    shutil.rmtree(ctx["folder"] + ".raw", ignore_errors=True)
    return {"seconds": seconds, "write_seconds": written, "bytes": size}


@_step("sparql_query")
def _query(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.sparql.library import get_sparql_query, run_sparql
    from kg.sparql.server import SparqlServer
    from kg.stores.ladybug import LadybugStore

    query = get_sparql_query(ctx["name"])
    with LadybugStore(ctx["db"], read_only=True) as store:
        values = corpus_parameters(store).get(query.name, {})
    per_query = max(1, int(ctx["timeout"] / (ctx["repeat"] + 1)))
    with SparqlServer(Path(ctx["folder"]), "127.0.0.1", 0, timeout_s=per_query) as server:
        rows = len(run_sparql(server.url, query, values).rows)
        times = []
        for _ in range(ctx["repeat"]):
            started = time.perf_counter()
            run_sparql(server.url, query, values)
            times.append(time.perf_counter() - started)
    return {"median": statistics.median(times), "rows": rows, "parameters": values}


def sparql_part(
    steps: list[Step], size: int, db: str, base: Path, loaded: Step, repeat: int, timeout: float
) -> None:
    """Load the corpus in ``db`` into an endpoint's store and time every SPARQL twin on it.

    Adds ``sparql_load``, ``sparql_baseline`` and ``queries_sparql`` to ``steps`` (FAILED when a prerequisite failed).
    """
    from kg.queries import list_queries

    folder = str(base / "sparql")
    load = _measure(loaded, "sparql_load", "sparql_load", {"db": db, "folder": folder}, size, steps)
    _measure(
        loaded, "sparql_baseline", "sparql_baseline", {"db": db, "folder": folder}, size, steps
    )
    if "failed" in load.result:
        steps.append(Step(size, "queries_sparql", {"failed": "the SPARQL load failed"}, 0))
        return
    results: dict[str, Any] = {}
    peak = 0.0
    names = [q.name for q in list_queries()]  # the twins of cypher/, to read beside its figures
    for name in names:
        ctx = {"db": db, "folder": folder, "repeat": repeat, "name": name, "timeout": timeout}
        step = _run_step("sparql_query", ctx, size, [], timeout=timeout + 60)
        results[name] = step.result
        peak = max(peak, step.rss_mb)
    failed = [n for n in names if "median" not in results[n]]
    timed = [n for n in names if "median" in results[n]]
    slowest = failed[0] if failed else max(timed, key=lambda n: results[n]["median"])
    steps.append(
        Step(size, "queries_sparql", {"queries": results, "slowest": slowest, "plan": None}, peak)
    )
