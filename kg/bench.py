"""Benchmarks of kg on generated corpora of growing size: ``scripts/bench``.

``scripts/bench --sizes 10000,100000,1000000 --json bench.json`` generates (or reuses) a corpus of
each size with :func:`kg.generate.generate_corpus` (seed 1, in ``--cache``, reused while its
manifest matches), then measures, each step in a fresh Python process so that its peak resident
memory (``ru_maxrss``) is its own:

- ``parse``: reading and validating the facts (:func:`kg.facts.iter_facts`, streamed);
- ``load ladybug``: ``kg load`` into a new embedded store (facts streamed into
  :meth:`~kg.stores.ladybug.LadybugStore.load_chunks`); the time spent in the store (total less
  the time spent reading facts) against ``raw COPY``: the same tables, exported from kg's store to
  one Parquet file per table (and per end-label pair), copied into a new database with the same
  schema in one transaction (``COPY ... FROM``, then ``COMMIT``);
- ``reload ladybug`` (sizes up to ``--reload-max``): the same facts again, which must change
  nothing;
- with ``NEO4J_URI`` set (else a "skipped: no Neo4j" row): ``merge loop`` (a subset of
  ``--merge-sample`` elements, each ``MERGE``\\ d in its own transaction, the naive way), ``raw
  CREATE`` (every element of the store, ``UNWIND $rows CREATE`` in batches of 10,000 each
  committed, relationships matched to their end nodes by the constraint's index; only the time
  in the server counts) and kg's ``load neo4j`` (one transaction) and ``reload neo4j``;
- ``export turtle`` and ``export ntriples`` from kg's store (read back in chunks) to a file, and
  the serializer's rate against rdflib's ``Graph.serialize`` of the same triples, both on a
  sample of ``--rdf-sample`` elements taken from every table, where kg's output is also checked
  isomorphic to rdflib's graph (``rdflib.compare``); the whole Turtle file is parsed again by
  pyoxigraph (when installed) to check it is valid and holds every triple;
- ``networkx actors`` and ``networkx full``: :func:`kg.export.nx.actor_view` and
  :func:`kg.export.nx.to_networkx` built from the store's chunks, timed, and their memory per
  edge measured with ``tracemalloc`` in a second run (the full graph on at most
  ``--nx-full-max`` elements, as the bytes per edge do not depend on the size);
- at the largest size, every query of ``cypher/`` on both engines, each in a process of its own
  stopped after ``--query-timeout`` seconds: the median of ``--repeat`` runs after one warm-up
  run; on Neo4j the slowest one's ``PROFILE``.

With ``--import-sizes`` (``--only import`` leaves out the facts corpora, ``--only facts`` the
imports), a GDELT 1.0 daily file of each size is generated from real rows (:func:`ensure_gdelt`,
cached like the corpora) and imported:

- ``import ladybug``: ``kg import gdelt FILE --db NEW`` end to end in a process of its own (the
  interpreter's start and the file's reading included), held to a raw COPY of the same tables
  (exported from kg's store to Parquet, untimed) committed as kg committed them: in one
  transaction below :data:`~kg.stores.ladybug.LARGE_LOAD` new rows, each COPY on its own from
  there (both baselines are measured at every size);
- with Neo4j, ``import neo4j`` (``kg import gdelt FILE --uri``) into a wiped database, against
  ``raw CREATE`` of the elements kg's embedded import made.

:func:`import_comparison` gives the ratios and whether the targets are met (at most 2x the raw
COPY, peak RSS under 2 GiB, at least 0.5x the raw CREATE's rate). A step that measures what a
failed step made is reported FAILED, never measured.

``--only sparql`` loads each corpus into LadybugDB, times every ``cypher/`` query there, then
loads it into a SPARQL endpoint's store and times every ``sparql/`` twin over HTTP, with the same
parameters (:mod:`kg.sparql.bench`).

The queries' parameters default to the article's ids; on a corpus they are taken from the store
(:func:`corpus_parameters`): the smallest Person id (``actor_timeline``), the two largest
(``shortest_path``, see :func:`corpus_parameters` why), the smallest Negotiation, Conflict, Demand and Call
ids (``negotiation``, ``mediators``, ``fact_sources``, ``call_topics``), the smallest Country id
(``offices``), status ``planned`` where a query filters by status (``null``, every fact, lists
the whole corpus: a listing, not a question), and the article's other defaults.

Every figure is printed with its baseline from the same run and their ratio: the machine is
noisy, ratios are what compare across runs. Progress goes to stderr, the table to stdout, and
``--json FILE`` writes every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.model import Graph

__all__ = [
    "BENCH_MARKER",
    "Step",
    "Timed",
    "corpus_parameters",
    "ensure_corpus",
    "main",
    "render_table",
    "run_bench",
]

BENCH_MARKER = "KgBenchMarker"  # the node the bench leaves in a Neo4j database it may wipe
SEED = 1
QUERY_STATUS = "planned"

STEPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _step(name: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    def register(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        STEPS[name] = func
        return func

    return register


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _peak_mb() -> float:
    """The peak resident memory of this process, or of the largest process it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


class Timed:
    """An iterable of chunks that counts the time spent producing them.

    Wrapping a chunk source (facts being parsed, a store being read) in it splits a streamed
    step's time into the source's share and the consumer's (the store's or the writer's).

    >>> timed = Timed(iter([Graph(), Graph()]))
    >>> len(list(timed)), timed.chunks, timed.seconds >= 0
    (2, 2, True)
    """

    def __init__(self, chunks: Iterable[Graph]) -> None:
        self._chunks = chunks
        self.seconds = 0.0
        self.chunks = 0
        self.nodes = 0
        self.edges = 0

    def __iter__(self) -> Iterator[Graph]:
        iterator = iter(self._chunks)
        while True:
            started = time.perf_counter()
            try:
                chunk = next(iterator)
            except StopIteration:
                self.seconds += time.perf_counter() - started
                return
            self.seconds += time.perf_counter() - started
            self.chunks += 1
            self.nodes += len(chunk.nodes)
            self.edges += len(chunk.edges)
            yield chunk


# ------------------------------------------------------------------------------------------ corpus


def ensure_corpus(cache: Path, events: int, seed: int = SEED) -> Path:
    """The folder of a generated corpus of ``events`` events, generated unless cached.

    The cached one is reused when its manifest names the same events and seed and every file
    it lists is there.
    """
    from kg.generate import MANIFEST, generate_corpus

    folder = cache / f"corpus-{events}-seed{seed}"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = [*manifest["files"], *manifest["texts"]]
        if (
            manifest["events"] == events
            and manifest["seed"] == seed
            and all((folder / name).is_file() for name in files)
        ):
            return folder
    _say(f"generating a corpus of {events} events in {folder}")
    generate_corpus(events, seed, folder)
    return folder


def _corpus_paths(corpus: str) -> list[Path]:
    from kg.generate import corpus_paths

    return corpus_paths(Path(corpus))


# ------------------------------------------------------------------------------------ GDELT file

GDELT_SAMPLE = "gdelt1-events-sample.tsv"  # in kg/data/events/: 300 real GDELT 1.0 daily rows
GDELT_FALLBACK = Path("tests") / "data" / "import" / "gdelt-58.tsv"  # 26 rows, in a checkout
GDELT_YEAR = 2025  # the events' dates: every day of this (non-leap) year
GDELT_FIRST_ID = 900_000_000  # fresh GLOBALEVENTIDs from here, above the sample's
EVENTS_PER_SOURCE = 3  # events a generated source (SOURCEURL) carries, about GDELT's own mean
GDELT_GENERATOR = 1  # bumped when the generator's output changes, so caches are rebuilt
_GDELT_CHUNK = 200_000  # rows generated and written at a time (bounds the generator's memory)
# The columns the generator writes afresh, by position in the 58-column 1.0 daily layout.
_ID, _SQLDATE, _MONTHYEAR, _YEAR, _FRACTIONDATE, _DATEADDED, _SOURCEURL = 0, 1, 2, 3, 4, 56, 57


def gdelt_sample() -> tuple[Path, str]:
    """The real GDELT rows the generated files resample, and how to name them in the output.

    The package's sample (``kg/data/events/``) when it is there, else the tests' 26 rows.
    """
    from kg.resources import data_dir

    packaged = data_dir() / "events" / GDELT_SAMPLE
    if packaged.is_file():
        return packaged, f"kg/data/events/{GDELT_SAMPLE}"
    fallback = Path(__file__).resolve().parent.parent / GDELT_FALLBACK
    if fallback.is_file():
        return fallback, str(GDELT_FALLBACK)
    raise KGError(f"no GDELT sample: neither {packaged} nor {fallback} exists")


def generate_gdelt(rows: int, seed: int, sample: Path, out: Path) -> dict[str, Any]:
    """Write a GDELT 1.0 daily file (58 tab-separated columns, no header) of ``rows`` rows.

    Each row is a real row of ``sample`` drawn at random (with replacement), given a fresh
    GLOBALEVENTID, a day of :data:`GDELT_YEAR` (SQLDATE, MonthYear, Year, FractionDate and
    DATEADDED all of that day; the file in date order, as daily files end to end) and a
    SOURCEURL of its own: the URL of the first row of each run of :data:`EVENTS_PER_SOURCE`
    rows of a day, with a suffix naming the day and the run, so that sources are as many, and
    carry as many events, at every size. The same rows, seed and sample give the same bytes.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "events.tsv"
    ...     made = generate_gdelt(7, 1, gdelt_sample()[0], path)
    ...     lines = path.read_text(encoding="utf-8").splitlines()
    >>> made["rows"], len(lines), {line.count("\\t") for line in lines}
    (7, 7, {57})
    >>> lines[0].split("\\t")[0]
    '900000000'
    """
    import datetime as dt

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = [line.split("\t") for line in sample.read_text(encoding="utf-8").splitlines()]
    fields = [f for f in fields if len(f) == 58]
    if not fields:
        raise KGError(f"{sample}: no row of the GDELT 1.0 daily layout (58 columns)")
    columns = [pa.array(column, pa.string()) for column in zip(*fields, strict=True)]
    first = dt.date(GDELT_YEAR, 1, 1)
    days = [
        first + dt.timedelta(days=k) for k in range((dt.date(GDELT_YEAR + 1, 1, 1) - first).days)
    ]
    # GDELT's FractionDate: the year plus ((month - 1) * 30 + day) / 365, to four places.
    by_day = {
        _SQLDATE: [d.strftime("%Y%m%d") for d in days],
        _MONTHYEAR: [d.strftime("%Y%m") for d in days],
        _YEAR: [str(d.year) for d in days],
        _FRACTIONDATE: [f"{d.year + ((d.month - 1) * 30 + d.day) / 365:.4f}" for d in days],
    }
    by_day[_DATEADDED] = by_day[_SQLDATE]
    day_columns = {i: pa.array(values, pa.string()) for i, values in by_day.items()}

    rng = np.random.default_rng(seed)
    picked = rng.integers(0, len(fields), rows)
    day = np.sort(rng.integers(0, len(days), rows))
    # A source is a run of EVENTS_PER_SOURCE rows of one day; its URL is its first row's.
    day_start = np.searchsorted(day, day, side="left")
    run = (np.arange(rows) - day_start) // EVENTS_PER_SOURCE
    leader = day_start + run * EVENTS_PER_SOURCE
    written = 0
    with out.open("wb") as stream:
        for start in range(0, rows, _GDELT_CHUNK):
            stop = min(rows, start + _GDELT_CHUNK)
            take = pa.array(picked[start:stop])
            cells = [column.take(take) for column in columns]
            when = pa.array(day[start:stop])
            for i, values in day_columns.items():
                cells[i] = values.take(when)
            ids = np.arange(start, stop, dtype=np.int64) + GDELT_FIRST_ID
            cells[_ID] = pc.cast(pa.array(ids), pa.string())
            url = columns[_SOURCEURL].take(pa.array(picked[leader[start:stop]]))
            joiner = pc.if_else(pc.match_substring(url, "?"), "&", "?")
            cells[_SOURCEURL] = pc.binary_join_element_wise(
                url,
                joiner,
                "kg-bench-source=",
                day_columns[_SQLDATE].take(when),
                "-",
                pc.cast(pa.array(run[start:stop]), pa.string()),
                "",
            )
            lines = pc.binary_join_element_wise(*cells, "\t")
            lines = pc.binary_join_element_wise(lines, "\n", "")
            # The lines end to end are the string array's data buffer, between its offsets.
            offsets = np.frombuffer(lines.buffers()[1], np.int32, len(lines) + 1, lines.offset * 4)
            chunk = memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]
            stream.write(chunk)
            written += len(chunk)
    sources = int(np.count_nonzero(leader == np.arange(rows)))
    return {"rows": rows, "bytes": written, "sources": sources, "sample_rows": len(fields)}


def ensure_gdelt(cache: Path, rows: int, seed: int = SEED) -> tuple[Path, dict[str, Any]]:
    """A generated GDELT file of ``rows`` rows (:func:`generate_gdelt`), generated unless cached.

    The cached one is reused while its manifest names the same rows, seed, generator and
    sample (by its SHA-256) and the file has the size it lists.
    """
    import hashlib

    sample, shown = gdelt_sample()
    wanted = {
        "rows": rows,
        "seed": seed,
        "generator": GDELT_GENERATOR,
        "sample": shown,
        "sample_sha256": hashlib.sha256(sample.read_bytes()).hexdigest(),
    }
    folder = cache / f"gdelt-{rows}-seed{seed}"
    path, manifest = folder / "events.tsv", folder / "manifest.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        held = json.loads(manifest.read_text(encoding="utf-8"))
        if {k: held[k] for k in wanted} == wanted and path.stat().st_size == held["bytes"]:
            return path, held
    _say(f"generating a GDELT file of {rows} rows from {shown} in {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    manifest.unlink(missing_ok=True)
    started = time.perf_counter()
    made = generate_gdelt(rows, seed, sample, path)
    held = {**wanted, **made, "seconds": round(time.perf_counter() - started, 3)}
    manifest.write_text(json.dumps(held, indent=2), encoding="utf-8")
    _say(f"generated {rows} rows ({made['bytes'] / 2**20:.0f} MB) in {held['seconds']:.1f}s")
    return path, held


# ------------------------------------------------------------------------------------------ steps


@_step("parse")
def _parse(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.facts import iter_facts

    started = time.perf_counter()
    timed = Timed(iter_facts(*_corpus_paths(ctx["corpus"])))
    for _ in timed:
        pass
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "elements": timed.nodes + timed.edges, "nodes": timed.nodes}


@_step("load_ladybug")
def _load_ladybug(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.facts import iter_facts
    from kg.stores.ladybug import LadybugStore

    started = time.perf_counter()
    timed = Timed(iter_facts(*_corpus_paths(ctx["corpus"])))
    with LadybugStore(ctx["db"]) as store:
        report = store.load_chunks(timed)
    return _load_figures(started, timed, report)


def _load_figures(started: float, timed: Timed, report: Any) -> dict[str, Any]:
    """A load's figures: its store share (the whole less the facts' time), the whole, the parse."""
    total = time.perf_counter() - started
    return {
        "seconds": total - timed.seconds,
        "total_seconds": total,
        "parse_seconds": timed.seconds,
        "elements": timed.nodes + timed.edges,
        "created": report.nodes_created + report.edges_created,
        "changed": report.changed,
        "unchanged": report.unchanged,
    }


def followup_paths() -> list[Path]:
    """The article and its three follow-up reports, in publication order."""
    from kg.facts import sample_facts_path
    from kg.resources import data_dir

    return [sample_facts_path(), *sorted((data_dir() / "followups").glob("*.facts.yaml"))]


@_step("incremental")
def _incremental(ctx: dict[str, Any]) -> dict[str, Any]:
    """The article, then each follow-up report, loaded one at a time into a store (the store
    that holds the corpus, or an empty one for the baseline), then the last one again."""
    from kg.config import Neo4jConfig
    from kg.grow import load_documents
    from kg.stores.ladybug import LadybugStore
    from kg.stores.neo4j import Neo4jStore

    if ctx.get("copy_of"):
        shutil.copyfile(ctx["copy_of"], ctx["db"])
    if ctx.get("wipe"):
        _wipe_neo4j()
    store: Any = (
        LadybugStore(Path(ctx["db"]))
        if ctx["engine"] == "ladybug"
        else Neo4jStore(Neo4jConfig.resolve())
    )
    seconds: list[float] = []
    with store:
        paths = followup_paths()
        for path in paths:
            started = time.perf_counter()
            load_documents(store, [path])
            seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        again, _ = load_documents(store, [paths[-1]])
        seconds_again = time.perf_counter() - started
    return {
        "seconds": sum(seconds),
        "per_file": seconds,
        "files": len(seconds),
        "again_seconds": seconds_again,
        "changed_again": again.changed,
    }


@_step("raw_ladybug_files")
def _raw_ladybug_files(ctx: dict[str, Any]) -> dict[str, Any]:
    """Export every table of kg's store to Parquet, one file per table and end-label pair."""
    import ladybug

    from kg.stores.ladybug import LadybugStore

    folder = Path(ctx["folder"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with LadybugStore(ctx["db"], read_only=True) as store:
        tables = store._tables  # the schema kg derived, so the raw copy has the same tables
    db = ladybug.Database(ctx["db"], read_only=True)
    conn = ladybug.Connection(db)
    copies: list[str] = []
    rows = 0
    for table in tables.values():
        columns = ", ".join(f"x.`{c.name}` AS `{c.name}`" for c in table.columns)
        if not table.rel:
            file = folder / f"{table.name}.parquet"
            query = f"MATCH (x:`{table.name}`) RETURN x.id AS id, {columns}"
            pairs = [(query, file, f"COPY `{table.name}` FROM '{file}'")]
        else:
            pairs = []
            for source, target in table.pairs:
                file = folder / f"{table.name}-{source}-{target}.parquet"
                query = (
                    f"MATCH (a:`{source}`)-[x:`{table.name}`]->(b:`{target}`) "
                    f"RETURN a.id AS `from`, b.id AS `to`, x.id AS id, {columns}"
                )
                copy = f"COPY `{table.name}` FROM '{file}' (from='{source}', to='{target}')"
                pairs.append((query, file, copy))
        for query, file, copy in pairs:
            counted: Any = conn.execute(f"{query.split(' RETURN ')[0]} RETURN count(*)")
            count = counted.get_all()[0][0]
            if count:
                conn.execute(f"COPY ({query}) TO '{file}'")
                copies.append(copy)
                rows += count
    conn.close()
    db.close()
    (folder / "copy.json").write_text(json.dumps(copies), encoding="utf-8")
    return {"statements": len(copies), "elements": rows}


@_step("raw_ladybug")
def _raw_ladybug(ctx: dict[str, Any]) -> dict[str, Any]:
    """COPY the exported files into a new database with kg's schema, in one transaction, or
    (``commit: each``) each COPY committed on its own with the buffer pool kg's large loads
    start with; then a CHECKPOINT, timed apart (kg's own times include theirs)."""
    import ladybug

    from kg.stores.ladybug import SHADOW_BUFFER_POOL, schema_statements

    each = ctx.get("commit") == "each"
    copies = json.loads((Path(ctx["folder"]) / "copy.json").read_text(encoding="utf-8"))
    db = ladybug.Database(ctx["db"], buffer_pool_size=SHADOW_BUFFER_POOL if each else 0)
    conn = ladybug.Connection(db)
    for statement in schema_statements():
        conn.execute(statement)
    started = time.perf_counter()
    if not each:
        conn.execute("BEGIN TRANSACTION")
    for statement in copies:
        conn.execute(statement)
    if not each:
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute("CHECKPOINT")
    checkpoint = time.perf_counter() - started
    conn.close()
    db.close()
    return {
        "seconds": seconds,
        "checkpoint_seconds": checkpoint,
        "statements": len(copies),
        "commit": "each" if each else "one",
    }


def _neo4j_driver() -> Any:
    import neo4j

    from kg.config import Neo4jConfig

    config = Neo4jConfig.resolve()
    return neo4j.GraphDatabase.driver(config.uri, auth=(config.username, config.password or "")), (
        config.database
    )


def _wipe_neo4j() -> None:
    """Empty the database, which must hold nothing but what the bench put there."""
    from kg.stores.neo4j import Neo4jStore

    driver, database = _neo4j_driver()
    with driver:
        records, _, _ = driver.execute_query(
            f"OPTIONAL MATCH (m:{BENCH_MARKER}) WITH count(m) AS marked "
            "MATCH (n) RETURN marked, count(n)",
            database_=database,
        )
        marked, nodes = records[0] if records else (0, 0)
        if nodes and not marked:
            raise KGError(
                f"refusing to empty Neo4j database {database!r}: it holds {nodes} nodes the "
                "bench did not create (point NEO4J_URI at a database of its own)"
            )
        with driver.session(database=database) as session:
            # Relationships first: a node of an actor may have thousands, and DETACH DELETE of
            # a batch of such nodes would hold them all in one transaction.
            session.run(
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS"
            ).consume()
            session.run(
                f"MATCH (n) WHERE NOT n:{BENCH_MARKER} "
                "CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS"
            ).consume()
            if not marked:
                session.run(f"CREATE (:{BENCH_MARKER} {{created_by: 'kg bench'}})").consume()
    from kg.config import Neo4jConfig

    with Neo4jStore(Neo4jConfig.resolve()) as store:
        store.ensure_schema()


@_step("load_neo4j")
def _load_neo4j(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.cli import auto_commit_every, facts_size
    from kg.config import Neo4jConfig
    from kg.facts import iter_facts
    from kg.stores.neo4j import Neo4jStore

    if ctx.get("wipe"):
        _wipe_neo4j()
    paths = _corpus_paths(ctx["corpus"])
    every = auto_commit_every(facts_size(paths))  # as kg load decides
    started = time.perf_counter()
    timed = Timed(iter_facts(*paths))
    with Neo4jStore(Neo4jConfig.resolve(), batch_size=ctx["batch"]) as store:
        report = store.load_chunks(timed, commit_every=every)
    return {"commit_every": every, **_load_figures(started, timed, report)}


@_step("import")
def _import(ctx: dict[str, Any]) -> dict[str, Any]:
    """``kg import gdelt FILE --format json`` end to end (the interpreter's start included), in
    a process of its own (its peak memory becomes the step's), into a new embedded store or a
    wiped Neo4j database. A failed import is a result: ``failed`` and kg's own message."""
    from kg.stores.ladybug import LARGE_LOAD

    if ctx["engine"] == "neo4j":
        from kg.config import Neo4jConfig

        _wipe_neo4j()
        target = ["--uri", Neo4jConfig.resolve().uri]  # the password stays in the environment
    else:
        target = ["--db", ctx["db"]]
    command = [sys.executable, "-m", "kg", "import", "gdelt", ctx["file"], *target]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--format", "json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        sys.stderr.write(done.stderr)
        return {"failed": f"kg import: {lines[-1][:200]}", "seconds": seconds}
    report = json.loads(done.stdout)
    elements = report["nodes_created"] + report["relationships_created"]
    result = {
        "seconds": seconds,
        "import_seconds": report["seconds"],
        "rows": report["rows"],
        "events": report["events"],
        "documents": report["documents"],
        "nodes": report["nodes_created"],
        "elements": elements,
    }
    if ctx["engine"] == "ladybug":
        # How kg's embedded store committed a load of this many new rows (kg.stores.ladybug).
        result["commit"] = "each" if elements >= LARGE_LOAD else "one"
    return result


def _sample(db: str, per_table: int, ends: bool = False) -> Graph:
    """Up to ``per_table`` nodes of every label and relationships of every type of a store.

    With ``ends``, the end nodes of the sampled relationships are added too.
    """
    from kg.model import Edge, Node
    from kg.stores.ladybug import LadybugStore

    sample = Graph()
    with LadybugStore(db, read_only=True) as store:
        present = store._present
        for name, table in store._tables.items():
            cols = present.get(name)
            if cols is None:
                continue
            if table.rel:
                returns = "".join(f", r.`{c}`" for c in cols)
                ids, sources, targets, *values = store._columns(
                    f"MATCH (a)-[r:`{name}`]->(b) RETURN r.id, a.id, b.id{returns} "
                    f"LIMIT {per_table}"
                )
                for edge_id, a, b, *row in zip(ids, sources, targets, *values, strict=True):
                    props = dict(zip(cols, row, strict=True))
                    sample.edges[edge_id] = Edge(edge_id, name, a, b, props)
            else:
                returns = "".join(f", n.`{c}`" for c in cols)
                ids, *values = store._columns(
                    f"MATCH (n:`{name}`) RETURN n.id{returns} LIMIT {per_table}"
                )
                for node_id, *row in zip(ids, *values, strict=True):
                    sample.nodes[node_id] = Node(node_id, name, dict(zip(cols, row, strict=True)))
        if ends:
            missing = sorted(
                {e.source for e in sample.edges.values()}
                | {e.target for e in sample.edges.values()}
            )
            missing = [i for i in missing if i not in sample.nodes]
            for name, table in store._tables.items():
                cols = present.get(name)
                if table.rel or cols is None or not missing:
                    continue
                returns = "".join(f", n.`{c}`" for c in cols)
                ids, *values = store._columns_for(
                    f"MATCH (n:`{name}`) RETURN n.id{returns}", missing
                )
                for node_id, *row in zip(ids, *values, strict=True):
                    sample.nodes[node_id] = Node(node_id, name, dict(zip(cols, row, strict=True)))
    return sample


@_step("merge_loop_neo4j")
def _merge_loop_neo4j(ctx: dict[str, Any]) -> dict[str, Any]:
    """The naive way: each element MERGEd with its properties in a transaction of its own."""
    _wipe_neo4j()
    sample = _sample(ctx["db"], max(1, ctx["sample"] // 90), ends=True)
    driver, database = _neo4j_driver()
    started = time.perf_counter()
    with driver, driver.session(database=database) as session:
        for node in sample.nodes.values():
            session.execute_write(
                lambda tx, n=node: tx.run(
                    f"MERGE (n:`{n.label}` {{id: $id}}) SET n = $props",
                    id=n.id,
                    props={"id": n.id, **n.properties},
                ).consume()
            )
        for edge in sample.edges.values():
            source, target = sample.nodes[edge.source].label, sample.nodes[edge.target].label
            session.execute_write(
                lambda tx, e=edge, a=source, b=target: tx.run(
                    f"MATCH (a:`{a}` {{id: $source}}) MATCH (b:`{b}` {{id: $target}}) "
                    f"MERGE (a)-[r:`{e.type}` {{id: $id}}]->(b) SET r = $props",
                    source=e.source,
                    target=e.target,
                    id=e.id,
                    props={"id": e.id, **e.properties},
                ).consume()
            )
    return {"seconds": time.perf_counter() - started, "elements": len(sample)}


@_step("raw_neo4j")
def _raw_neo4j(ctx: dict[str, Any]) -> dict[str, Any]:
    """Every element of kg's store, ``UNWIND $rows CREATE`` in committed batches."""
    from kg.stores.ladybug import LadybugStore

    _wipe_neo4j()
    driver, database = _neo4j_driver()
    batch = ctx["batch"]
    labels: dict[str, str] = {}
    server = 0.0
    elements = 0

    def run(query: str, rows: list[dict[str, Any]]) -> None:
        nonlocal server, elements
        started = time.perf_counter()
        session.execute_write(lambda tx: tx.run(query, rows=rows).consume())
        server += time.perf_counter() - started
        elements += len(rows)

    with (
        driver,
        driver.session(database=database) as session,
        LadybugStore(ctx["db"], read_only=True) as store,
    ):
        for chunk in store.iter_graph(batch):
            by_label: dict[str, list[dict[str, Any]]] = {}
            for node in chunk.nodes.values():
                labels[node.id] = node.label
                by_label.setdefault(node.label, []).append({"id": node.id, **node.properties})
            for label, rows in by_label.items():
                run(f"UNWIND $rows AS row CREATE (n:`{label}`) SET n = row", rows)
            by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
            for edge in chunk.edges.values():
                key = (edge.type, labels[edge.source], labels[edge.target])
                by_key.setdefault(key, []).append(
                    {"s": edge.source, "t": edge.target, "p": {"id": edge.id, **edge.properties}}
                )
            for (rtype, source, target), rows in by_key.items():
                run(
                    f"UNWIND $rows AS row MATCH (a:`{source}` {{id: row.s}}) "
                    f"MATCH (b:`{target}` {{id: row.t}}) CREATE (a)-[r:`{rtype}`]->(b) "
                    "SET r = row.p",
                    rows,
                )
    return {"seconds": server, "elements": elements}


@_step("export")
def _export(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.export import export
    from kg.stores.ladybug import STREAM_BUFFER_POOL, LadybugStore

    out = Path(ctx["out"])
    started = time.perf_counter()
    with LadybugStore(ctx["db"], read_only=True, buffer_pool_size=STREAM_BUFFER_POOL) as store:
        timed = Timed(store.iter_graph())
        export(timed, ctx["format"], out)
    total = time.perf_counter() - started
    result: dict[str, Any] = {
        "seconds": total - timed.seconds,
        "total_seconds": total,
        "read_seconds": timed.seconds,
        "elements": timed.nodes + timed.edges,
        "bytes": out.stat().st_size,
    }
    if ctx["format"] == "ntriples":
        with out.open("rb") as stream:
            result["triples"] = sum(
                chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b"")
            )
    return result


@_step("rdflib")
def _rdflib(ctx: dict[str, Any]) -> dict[str, Any]:
    """kg's serializers against rdflib's on one sample; kg's output isomorphic to rdflib's."""
    import io

    from rdflib import Graph as RdfGraph
    from rdflib.compare import isomorphic

    from kg.export.rdf import generate_ntriples, generate_turtle, to_rdflib

    sample = _sample(ctx["db"], ctx["per_table"])
    result: dict[str, Any] = {"elements": len(sample)}
    rdf = to_rdflib(sample)
    result["triples"] = len(rdf)
    for fmt, generate, rdflib_name in (
        ("turtle", generate_turtle, "turtle"),
        ("ntriples", generate_ntriples, "nt"),
    ):
        started = time.perf_counter()
        text = "".join(generate(sample)).encode("utf-8")
        kg_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rdf.serialize(destination=io.BytesIO(), format=rdflib_name)
        rdflib_seconds = time.perf_counter() - started
        parsed = RdfGraph().parse(data=text, format=rdflib_name)
        result[fmt] = {
            "kg_seconds": kg_seconds,
            "rdflib_seconds": rdflib_seconds,
            "isomorphic": isomorphic(parsed, rdf),
        }
    return result


@_step("validate_turtle")
def _validate_turtle(ctx: dict[str, Any]) -> dict[str, Any]:
    try:
        import pyoxigraph
    except ImportError:
        return {"skipped": "pyoxigraph is not installed"}
    started = time.perf_counter()
    with open(ctx["out"], "rb") as stream:
        triples = sum(1 for _ in pyoxigraph.parse(stream, format=pyoxigraph.RdfFormat.TURTLE))
    return {"seconds": time.perf_counter() - started, "triples": triples}


@_step("networkx")
def _networkx(ctx: dict[str, Any]) -> dict[str, Any]:
    import tracemalloc

    from kg.export.nx import actor_view, to_networkx
    from kg.stores.ladybug import STREAM_BUFFER_POOL, LadybugStore

    build = actor_view if ctx["view"] == "actors" else to_networkx
    limit = ctx.get("limit") or 0

    def chunks(store: Any) -> Iterator[Graph]:
        taken = 0
        for chunk in store.iter_graph():
            if ctx["view"] == "actors":
                from kg.export.nx import actor_chunks

                chunk = next(actor_chunks([chunk]))
            yield chunk
            taken += len(chunk)
            if limit and taken >= limit:
                return

    with LadybugStore(ctx["db"], read_only=True, buffer_pool_size=STREAM_BUFFER_POOL) as store:
        started = time.perf_counter()
        timed = Timed(chunks(store))
        graph = build(timed)
        seconds = time.perf_counter() - started - timed.seconds
        edges = graph.number_of_edges()
        nodes = graph.number_of_nodes()
        del graph
        # The view's own structure, its values shared with the graphs it is built from ...
        held = list(chunks(store))
        tracemalloc.start()
        graph = build(held)
        view = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del graph, held
        # ... and with the values too, as when it is built from a stream.
        tracemalloc.start()
        graph = build(chunks(store))
        streamed = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del graph
    return {
        "seconds": seconds,
        "edges": edges,
        "nodes": nodes,
        "bytes": view,
        "bytes_per_edge": view / max(edges, 1),
        "streamed_bytes_per_edge": streamed / max(edges, 1),
        "limited": bool(limit),
    }


def corpus_parameters(store: Any) -> dict[str, dict[str, Any]]:
    """Parameters of the cypher/ queries that refer to ids and values a corpus holds.

    Ids are the smallest of their label in the store (the same on both engines); the
    generator gives low ids the most events, so ``shortest_path`` goes between the two busiest
    Persons, ``dyad_events`` asks about the same two and ``actor_root_codes`` about the first.
    A status filter is ``planned``. Queries not named keep their defaults.
    """

    def first(label: str, skip: int = 0, order: str = "") -> str | None:
        rows = store.query(
            f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id {order} SKIP {skip} LIMIT 1"
        ).rows
        return rows[0][0] if rows else None

    person = first("Person")
    return {
        "actor_timeline": {"actor": person},
        "shortest_path": {"from": person, "to": first("Person", 1)},
        "dyad_events": {"a": person, "b": first("Person", 1)},
        "actor_root_codes": {"actor": person},
        "negotiation": {"negotiation": first("Negotiation")},
        "mediators": {"conflict": first("Conflict")},
        "fact_sources": {"fact": first("Demand")},
        "call_topics": {"call": first("Call")},
        "offices": {"institution": first("Country")},
        "calls": {"status": QUERY_STATUS},
        "facts_by_status": {"status": QUERY_STATUS},
        "interactions": {"status": QUERY_STATUS},
    }


@_step("query")
def _query(ctx: dict[str, Any]) -> dict[str, Any]:
    """One query of the library: a warm-up run, then the median of ``repeat`` runs."""
    from kg.queries import get_query, query_text, resolve_parameters

    with _open_engine(ctx) as store:
        query = get_query(ctx["name"])
        values = resolve_parameters(query, corpus_parameters(store).get(query.name, {}))
        text = query_text(query, store.engine)
        rows = len(store.query(text, values).rows)
        times = []
        for _ in range(ctx["repeat"]):
            started = time.perf_counter()
            store.query(text, values)
            times.append(time.perf_counter() - started)
    result: dict[str, Any] = {
        "median": statistics.median(times),
        "rows": rows,
        "parameters": values,
    }
    if ctx.get("plan"):
        result["plan"] = _neo4j_plan(text, values)
    return result


def _neo4j_plan(text: str, parameters: dict[str, Any]) -> str:
    """The PROFILE of a query: its operators with their rows and database hits."""
    driver, database = _neo4j_driver()
    with driver, driver.session(database=database) as session:
        result = session.run("PROFILE " + text, parameters)
        for _ in result:  # the profile of some plans is there only once every row was read
            pass
        summary = result.consume()
    lines: list[str] = []

    def walk(plan: Any, depth: int) -> None:
        args = plan.arguments if hasattr(plan, "arguments") else plan.get("args", {})
        operator = plan.operator_type if hasattr(plan, "operator_type") else plan["operatorType"]
        children = plan.children if hasattr(plan, "children") else plan.get("children", [])
        details = args.get("Details", "")
        rows = getattr(plan, "rows", None) if hasattr(plan, "rows") else plan.get("rows")
        hits = getattr(plan, "db_hits", None) if hasattr(plan, "db_hits") else plan.get("dbHits")
        lines.append(f"{'  ' * depth}{operator} {details} rows={rows} db_hits={hits}".rstrip())
        for child in children:
            walk(child, depth + 1)

    if summary.profile:
        walk(summary.profile, 0)
    return "\n".join(lines)


@contextlib.contextmanager
def _open_engine(ctx: dict[str, Any]) -> Iterator[Any]:
    if ctx["engine"] == "neo4j":
        from kg.config import Neo4jConfig
        from kg.stores.neo4j import Neo4jStore

        with Neo4jStore(Neo4jConfig.resolve()) as neo:
            yield neo
    else:
        from kg.stores.ladybug import LadybugStore

        with LadybugStore(ctx["db"], read_only=True) as lbug:
            yield lbug


# ------------------------------------------------------------------------------------------ driver


@dataclass
class Step:
    """One measured step of a run: its figures and the peak memory of its process."""

    size: int
    name: str
    result: dict[str, Any] = field(default_factory=dict)
    rss_mb: float = 0.0
    wall: float = 0.0


def _run_step(
    name: str, ctx: dict[str, Any], size: int, steps: list[Step], timeout: float | None = None
) -> Step:
    """Run one step in a fresh Python process; its JSON result and peak RSS become a Step."""
    _say(f"{size:>9} {name} ...")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg.bench", "--step", name, "--context", json.dumps(ctx)],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        _say(f"{size:>9} {name}: stopped after {timeout:.0f}s")
        step = Step(size, name, {"failed": f"stopped after {timeout:.0f} s"}, 0.0, timeout or 0)
        steps.append(step)
        return step
    wall = time.perf_counter() - started
    if done.returncode != 0:  # recorded, and the run goes on (the table says it failed)
        _say(f"{size:>9} {name}: failed with exit code {done.returncode}")
        step = Step(size, name, {"failed": f"exit code {done.returncode}"}, 0.0, wall)
        steps.append(step)
        return step
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    step = Step(size, name, payload["result"], payload["rss_mb"], wall)
    steps.append(step)
    if "failed" in step.result:
        _say(f"{size:>9} {name}: failed: {step.result['failed']}")
    else:
        _say(f"{size:>9} {name}: {wall:.1f}s, peak {step.rss_mb:.0f} MB")
    return step


def run_bench(
    sizes: list[int],
    cache: Path,
    work: Path,
    *,
    repeat: int = 5,
    reload_max: int = 100_000,
    merge_sample: int = 2_000,
    rdf_sample: int = 20_000,
    nx_full_max: int = 2_000_000,
    batch: int = 10_000,
    neo4j: bool | None = None,
    query_timeout: float = 600,
    import_sizes: list[int] | None = None,
    only: str | None = None,
    extract_words: list[int] | None = None,
) -> dict[str, Any]:
    """Measure every step at every size; the figures as a JSON-ready dict.

    ``sizes`` are the generated facts corpora's events, ``import_sizes`` the rows of the
    generated GDELT files; ``only`` (``facts`` or ``import``) runs one of the two parts.
    """
    from kg.config import Neo4jConfig

    if neo4j is None:
        neo4j = Neo4jConfig.configured()
    sizes = [] if only == "import" else sizes
    import_sizes = [] if only in ("facts", "sparql") else (import_sizes or [])
    steps: list[Step] = []
    if only == "extract":
        from kg.extract.bench import extract_part

        extract_part(steps, work / "extract", extract_words or [1000], repeat)
        return _summary(steps, [], False)
    if only == "sparql":
        from kg.sparql.bench import sparql_part

        for size in sizes:
            corpus = str(ensure_corpus(cache, size))
            base = work / str(size)
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            db = str(base / "kg.lbug")
            loaded = _run_step("load_ladybug", {"corpus": corpus, "db": db}, size, steps)
            _queries(steps, size, db, repeat, "failed" not in loaded.result, False, query_timeout)
            sparql_part(steps, size, db, base, loaded, repeat, query_timeout)
        return _summary(steps, sizes, False)
    for size in sizes:
        corpus = str(ensure_corpus(cache, size))
        base = work / str(size)
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        db = str(base / "kg.lbug")
        neo_loaded = Step(size, "load_neo4j")
        _run_step("parse", {"corpus": corpus}, size, steps)
        loaded = _run_step("load_ladybug", {"corpus": corpus, "db": db}, size, steps)
        if size <= reload_max:
            _measure(
                loaded, "reload_ladybug", "load_ladybug", {"corpus": corpus, "db": db}, size, steps
            )
        inc = {"engine": "ladybug", "db": str(base / "incremental.lbug")}
        step = _run_step("incremental", {**inc, "db": str(base / "empty.lbug")}, size, steps)
        step.name = "incremental_ladybug_empty"
        if "failed" in loaded.result:  # never a figure on a store whose load failed
            steps.append(Step(size, "incremental_ladybug", {"failed": "the corpus load failed"}, 0))
        else:
            step = _run_step("incremental", {**inc, "copy_of": db}, size, steps)
            step.name = "incremental_ladybug"
        for name in ("incremental.lbug", "empty.lbug"):
            (base / name).unlink(missing_ok=True)
        raw = str(base / "raw")
        files = _measure(
            loaded, "raw_ladybug_files", "raw_ladybug_files", {"db": db, "folder": raw}, size, steps
        )
        raw_db = {"db": str(base / "raw.lbug"), "folder": raw}
        _measure(files, "raw_ladybug", "raw_ladybug", raw_db, size, steps)
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(base / "raw.lbug", ignore_errors=True)
        (base / "raw.lbug").unlink(missing_ok=True)
        if neo4j:
            _measure(
                loaded,
                "merge_loop_neo4j",
                "merge_loop_neo4j",
                {"db": db, "sample": merge_sample},
                size,
                steps,
            )
            _measure(loaded, "raw_neo4j", "raw_neo4j", {"db": db, "batch": batch}, size, steps)
            ctx = {"corpus": corpus, "batch": batch, "wipe": True}
            neo_loaded = _run_step("load_neo4j", ctx, size, steps)
            if size <= reload_max:
                step = _run_step("load_neo4j", {**ctx, "wipe": False}, size, steps)
                step.name = "reload_neo4j"
        for fmt, suffix in (("ntriples", "nt"), ("turtle", "ttl")):
            out = str(base / f"kg.{suffix}")
            turtle = _measure(
                loaded,
                f"export_{fmt}",
                "export",
                {"db": db, "format": fmt, "out": out},
                size,
                steps,
            )
        _measure(
            turtle, "validate_turtle", "validate_turtle", {"out": str(base / "kg.ttl")}, size, steps
        )
        for suffix in ("nt", "ttl"):
            (base / f"kg.{suffix}").unlink(missing_ok=True)
        per_table = max(1, rdf_sample // 43)
        _measure(loaded, "rdflib", "rdflib", {"db": db, "per_table": per_table}, size, steps)
        _measure(loaded, "networkx_actors", "networkx", {"db": db, "view": "actors"}, size, steps)
        _measure(
            loaded,
            "networkx_full",
            "networkx",
            {"db": db, "view": "full", "limit": nx_full_max},
            size,
            steps,
        )
        if size == max(sizes):
            why = {"failed": "the corpus load failed"}
            lbug_ok = "failed" not in loaded.result
            neo4j_ok = neo4j and "failed" not in neo_loaded.result
            # No query times on a store whose load failed.
            if not lbug_ok:
                steps.append(Step(size, "queries_ladybug", why, 0))
            if neo4j and not neo4j_ok:
                steps.append(Step(size, "queries_neo4j", why, 0))
            _queries(steps, size, db, repeat, lbug_ok, neo4j_ok, query_timeout)
        if neo4j:  # last: it adds the article to the database the corpus is in
            if "failed" in neo_loaded.result:
                why = {"failed": "the corpus load failed"}
                steps.append(Step(size, "incremental_neo4j", why, 0))
            else:
                step = _run_step("incremental", {"engine": "neo4j"}, size, steps)
                step.name = "incremental_neo4j"
    gdelt: dict[str, Any] = {}
    for size in import_sizes:
        gdelt = _import_part(steps, size, cache, work, neo4j, batch)
    return _summary(steps, sizes, neo4j, import_sizes, gdelt)


def _measure(
    prior: Step, name: str, step: str, ctx: dict[str, Any], size: int, steps: list[Step]
) -> Step:
    """Run ``step`` (recorded as ``name``) on what ``prior`` made, or record it FAILED."""
    return _after(prior, name, size, steps, lambda: _run_step(step, ctx, size, steps))


def _after(prior: Step, name: str, size: int, steps: list[Step], run: Callable[[], Step]) -> Step:
    """Run a step that measures what ``prior`` made, or record it failed without a figure."""
    if "failed" in prior.result:
        step = Step(size, name, {"failed": f"{prior.name} failed"})
        steps.append(step)
        return step
    step = run()
    step.name = name
    return step


def _import_part(
    steps: list[Step], size: int, cache: Path, work: Path, neo4j: bool, batch: int
) -> dict[str, Any]:
    """The import rows of one size: ``kg import gdelt`` on each engine and their baselines.

    The baselines are measured on what kg's embedded import made (its tables exported to
    Parquet, untimed), so they hold the same elements; the GDELT file's manifest is returned.
    """
    path, manifest = ensure_gdelt(cache, size)
    base = work / f"import-{size}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    db, raw = str(base / "kg.lbug"), str(base / "raw")
    imported = _run_step("import", {"engine": "ladybug", "file": str(path), "db": db}, size, steps)
    imported.name = "import_ladybug"
    exported = _after(
        imported,
        "import_raw_files",
        size,
        steps,
        lambda: _run_step("raw_ladybug_files", {"db": db, "folder": raw}, size, steps),
    )
    for commit in ("one", "each"):
        copy = str(base / f"raw-{commit}.lbug")
        ctx = {"db": copy, "folder": raw, "commit": commit}
        _after(
            exported,
            f"import_raw_copy_{commit}",
            size,
            steps,
            functools.partial(_run_step, "raw_ladybug", ctx, size, steps),
        )
        for leftover in base.glob(f"raw-{commit}.lbug*"):  # the store and its log
            leftover.unlink()
    shutil.rmtree(raw, ignore_errors=True)
    if neo4j:
        step = _run_step("import", {"engine": "neo4j", "file": str(path)}, size, steps)
        step.name = "import_neo4j"
        _after(
            imported,
            "import_raw_neo4j",
            size,
            steps,
            lambda: _run_step("raw_neo4j", {"db": db, "batch": batch}, size, steps),
        )
    return manifest


def _queries(
    steps: list[Step], size: int, db: str, repeat: int, ladybug: bool, neo4j: bool, timeout: float
) -> None:
    """Every query on each engine whose load went through, one process per query (a query may
    exhaust the engine)."""
    from kg.queries import list_queries

    names = [q.name for q in list_queries()]
    engines = [e for e, ok in (("ladybug", ladybug), ("neo4j", neo4j)) if ok]
    for engine in engines:
        results: dict[str, Any] = {}
        peak = 0.0
        for name in names:
            ctx = {"engine": engine, "db": db, "repeat": repeat, "name": name}
            step = _run_step("query", ctx, size, [], timeout=timeout)
            results[name] = step.result
            peak = max(peak, step.rss_mb)
        timed = [n for n in names if "median" in results[n]]
        failed = [n for n in names if "median" not in results[n]]
        slowest = failed[0] if failed else max(timed, key=lambda n: results[n]["median"])
        plan = None
        if engine == "neo4j" and slowest in timed:
            ctx = {"engine": engine, "db": db, "repeat": 1, "name": slowest, "plan": True}
            plan = _run_step("query", ctx, size, [], timeout=timeout).result.get("plan")
        steps.append(
            Step(
                size,
                f"queries_{engine}",
                {"queries": results, "slowest": slowest, "plan": plan},
                peak,
            )
        )


def _summary(
    steps: list[Step],
    sizes: list[int],
    neo4j: bool,
    import_sizes: list[int] | None = None,
    gdelt: dict[str, Any] | None = None,
) -> dict[str, Any]:
    import platform

    from kg import __version__

    versions = {"python": platform.python_version(), "kg": __version__}
    for package in ("ladybug", "neo4j", "rdflib", "networkx", "pyarrow"):
        with contextlib.suppress(ImportError, AttributeError):
            versions[package] = __import__(package).__version__
    summary: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "platform": platform.platform(),
        },
        "versions": versions,
        "commit": _git_commit(),
        "sizes": sizes,
        "import_sizes": import_sizes or [],
        "neo4j": neo4j,
        "steps": [
            {"size": s.size, "step": s.name, "rss_mb": round(s.rss_mb), "wall": s.wall, **s.result}
            for s in steps
        ],
    }
    if import_sizes:
        summary["gdelt"] = {
            "sample": (gdelt or {}).get("sample"),
            "sample_rows": (gdelt or {}).get("sample_rows"),
            "seed": SEED,
            "year": GDELT_YEAR,
            "events_per_source": EVENTS_PER_SOURCE,
        }
        summary["imports"] = [import_comparison(summary, size) for size in import_sizes]
    return summary


def _git_commit() -> str | None:
    """The commit the bench ran at (with ``+`` when the work tree had changes), if in a checkout."""
    where = Path(__file__).resolve().parent.parent
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                *("git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"),
                *("--", "kg", ":!kg/bench.py"),  # the bench's own edits measure nothing
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + ("+" if dirty else "")
    return None


IMPORT_RATIO_LADYBUG = 2.0  # kg import end to end within this of the raw COPY (time ratio)
IMPORT_RATIO_NEO4J = 0.5  # kg import into Neo4j at least this of raw CREATE (rate ratio)
IMPORT_RSS_MB = 2048  # kg import's peak resident memory under this (2 GiB)


def import_comparison(summary: dict[str, Any], size: int) -> dict[str, Any]:
    """kg's imports of one size against their baselines and targets, from a run's steps.

    The embedded import is held to the raw COPY committed as kg committed it (one transaction
    below :data:`~kg.stores.ladybug.LARGE_LOAD` new rows, each COPY on its own from there),
    its CHECKPOINT included as kg's time includes its own; the Neo4j import's rate to the raw
    ``UNWIND CREATE``'s. A figure is left out when a step it needs failed.
    """
    by = {s["step"]: s for s in summary["steps"] if s["size"] == size and "failed" not in s}
    figures: dict[str, Any] = {"rows": size}
    kg, files = by.get("import_ladybug"), by.get("import_raw_files")
    if kg:
        lbug: dict[str, Any] = {
            "seconds": kg["seconds"],
            "rows_per_minute": kg["rows"] * 60 / kg["seconds"],
            "elements": kg["elements"],
            "commit": kg["commit"],
            "rss_mb": kg["rss_mb"],
            "rss_target_mb": IMPORT_RSS_MB,
            "rss_met": kg["rss_mb"] < IMPORT_RSS_MB,
            "target": IMPORT_RATIO_LADYBUG,
        }
        raw = by.get(f"import_raw_copy_{kg['commit']}")
        if raw and files:
            baseline = raw["seconds"] + raw["checkpoint_seconds"]
            lbug.update(
                baseline=f"import_raw_copy_{kg['commit']}",
                baseline_seconds=baseline,
                ratio=kg["seconds"] / baseline,
                met=kg["seconds"] / baseline <= IMPORT_RATIO_LADYBUG,
            )
        figures["ladybug"] = lbug
    neo, create = by.get("import_neo4j"), by.get("import_raw_neo4j")
    if neo:
        kg_rate = neo["elements"] / neo["seconds"]
        figures["neo4j"] = {
            "seconds": neo["seconds"],
            "rows_per_minute": neo["rows"] * 60 / neo["seconds"],
            "elements": neo["elements"],
            "rss_mb": neo["rss_mb"],
            "target": IMPORT_RATIO_NEO4J,
        }
        if create:
            create_rate = create["elements"] / create["seconds"]
            figures["neo4j"].update(
                baseline="import_raw_neo4j",
                baseline_rate=create_rate,
                ratio=kg_rate / create_rate,
                met=kg_rate / create_rate >= IMPORT_RATIO_NEO4J,
            )
    return figures


# ------------------------------------------------------------------------------------------ table


def _rate(count: float, seconds: float) -> str:
    if not seconds:
        return "-"
    rate = count / seconds
    return f"{rate / 1e6:.2f}M/s" if rate >= 1e6 else f"{rate / 1e3:.1f}k/s"


def _table_rows(summary: dict[str, Any]) -> list[list[str]]:
    facts = [s for s in summary["steps"] if not s["step"].startswith("import_")]
    by = {(s["size"], s["step"]): s for s in facts if "failed" not in s}
    failed = [s for s in facts if "failed" in s]
    rows: list[list[str]] = []

    def add(
        size: int, what: str, seconds: float | None, rate: str, base: str, ratio: str, rss: Any
    ) -> None:
        rows.append(
            [
                f"{size:,}",
                what,
                "-" if seconds is None else f"{seconds:.2f}",
                rate,
                base,
                ratio,
                "-" if rss is None else f"{rss:,}",
            ]
        )

    for size in summary["sizes"]:
        parse = by.get((size, "parse"))
        if parse:
            add(
                size,
                "parse + validate",
                parse["seconds"],
                _rate(parse["elements"], parse["seconds"]) + " el",
                "",
                "",
                parse["rss_mb"],
            )
        load, raw = by.get((size, "load_ladybug")), by.get((size, "raw_ladybug"))
        if load and raw:
            add(
                size,
                "load ladybug (store share)",
                load["seconds"],
                _rate(load["elements"], load["seconds"]) + " el",
                f"raw COPY {raw['seconds']:.2f}s",
                f"{load['seconds'] / raw['seconds']:.2f}x",
                load["rss_mb"],
            )
            add(
                size,
                "  end to end (kg load)",
                load["total_seconds"],
                _rate(load["elements"], load["total_seconds"]) + " el",
                "",
                "",
                None,
            )
            add(
                size,
                "  raw COPY FROM",
                raw["seconds"],
                _rate(load["elements"], raw["seconds"]) + " el",
                "",
                "",
                raw["rss_mb"],
            )
        reload = by.get((size, "reload_ladybug"))
        if reload:
            add(
                size,
                "reload ladybug (store share)",
                reload["seconds"],
                f"changed {reload['changed']}",
                "",
                "",
                reload["rss_mb"],
            )
        inc, empty = (
            by.get((size, "incremental_ladybug")),
            by.get((size, "incremental_ladybug_empty")),
        )
        if inc and empty:
            add(
                size,
                f"incremental ladybug ({inc['files']} reports)",
                inc["seconds"],
                f"again {inc['again_seconds']:.2f}s, changed {inc['changed_again']}",
                f"empty store {empty['seconds']:.2f}s",
                f"{inc['seconds'] / empty['seconds']:.2f}x",
                inc["rss_mb"],
            )
        if not summary["neo4j"]:
            add(size, "skipped: no Neo4j", None, "", "", "", None)
        else:
            neo, loop, create = (
                by.get((size, k)) for k in ("load_neo4j", "merge_loop_neo4j", "raw_neo4j")
            )
            if neo and loop and create:
                kg_rate = neo["elements"] / neo["seconds"]
                loop_rate = loop["elements"] / loop["seconds"]
                create_rate = create["elements"] / create["seconds"]
                add(
                    size,
                    "load neo4j (store share)",
                    neo["seconds"],
                    _rate(neo["elements"], neo["seconds"]) + " el",
                    f"merge loop {_rate(loop['elements'], loop['seconds'])}",
                    f"{kg_rate / loop_rate:.0f}x",
                    neo["rss_mb"],
                )
                add(
                    size,
                    "",
                    None,
                    "",
                    f"raw CREATE {_rate(create['elements'], create['seconds'])}",
                    f"{kg_rate / create_rate:.2f}x",
                    None,
                )
                add(
                    size,
                    "  end to end (kg load --uri)",
                    neo["total_seconds"],
                    _rate(neo["elements"], neo["total_seconds"]) + " el",
                    "",
                    "",
                    None,
                )
            inc_neo = by.get((size, "incremental_neo4j"))
            if inc_neo:
                add(
                    size,
                    f"incremental neo4j ({inc_neo['files']} reports)",
                    inc_neo["seconds"],
                    f"again {inc_neo['again_seconds']:.2f}s, changed {inc_neo['changed_again']}",
                    "",
                    "",
                    inc_neo["rss_mb"],
                )
            reneo = by.get((size, "reload_neo4j"))
            if reneo:
                add(
                    size,
                    "reload neo4j (store share)",
                    reneo["seconds"],
                    f"changed {reneo['changed']}",
                    "",
                    "",
                    reneo["rss_mb"],
                )
        nt, ttl, rdf = (by.get((size, k)) for k in ("export_ntriples", "export_turtle", "rdflib"))
        if nt and ttl and rdf:
            triples = nt["triples"]
            for name, step in (("turtle", ttl), ("ntriples", nt)):
                sample = rdf[name]
                kg_rate = rdf["triples"] / sample["kg_seconds"]
                rdflib_rate = rdf["triples"] / sample["rdflib_seconds"]
                iso = "isomorphic" if sample["isomorphic"] else "NOT ISOMORPHIC"
                add(
                    size,
                    f"export {name} (writer share)",
                    step["seconds"],
                    _rate(triples, step["seconds"]) + " tr",
                    f"rdflib {_rate(rdf['triples'], sample['rdflib_seconds'])} tr (sample)",
                    f"{kg_rate / rdflib_rate:.0f}x",
                    step["rss_mb"],
                )
                add(
                    size,
                    f"  end to end, {iso} on sample",
                    step["total_seconds"],
                    _rate(triples, step["total_seconds"]) + " tr",
                    f"{step['bytes'] / 2**20:,.0f} MB",
                    "",
                    None,
                )
            valid = by.get((size, "validate_turtle"))
            if valid and "triples" in valid:
                ok = (
                    "valid"
                    if valid["triples"] == triples
                    else f"{valid['triples']} triples != {triples}"
                )
                add(
                    size, f"  turtle parsed by pyoxigraph: {ok}", valid["seconds"], "", "", "", None
                )
        for view in ("actors", "full"):
            step = by.get((size, f"networkx_{view}"))
            if step:
                scope = " (first elements)" if step["limited"] and view == "full" else ""
                add(
                    size,
                    f"networkx {view}{scope}",
                    step["seconds"],
                    _rate(step["edges"], step["seconds"]) + " edges",
                    f"{step['bytes_per_edge']:.0f} B/edge",
                    f"{step.get('streamed_bytes_per_edge', 0):.0f} with its strings",
                    step["rss_mb"],
                )
        for step in failed:
            if step["size"] == size:
                add(size, f"{step['step']}: FAILED ({step['failed']})", None, "", "", "", None)
        sparql = by.get((size, "sparql_load"))
        if sparql:
            raw = by.get((size, "sparql_baseline"))
            add(
                size,
                "load sparql endpoint (kg store streamed into Oxigraph)",
                sparql["seconds"],
                _rate(sparql["quads"], sparql["seconds"]) + " quads",
                f"oxigraph load of a ready file {raw['seconds']:.2f}s" if raw else "",
                f"{sparql['seconds'] / raw['seconds']:.2f}x" if raw else "",
                sparql["rss_mb"],
            )
        for engine in ("ladybug", "neo4j", "sparql"):
            step = by.get((size, f"queries_{engine}"))
            if step:
                queries = step["queries"]
                worst = step["slowest"]
                under = sum(1 for q in queries.values() if q.get("median", 1e9) < 1)
                add(
                    size,
                    f"queries {engine}: {under}/{len(queries)} under 1 s",
                    queries[worst].get("median"),
                    f"slowest {worst}",
                    "",
                    "",
                    step["rss_mb"],
                )
    return rows


def _per_minute(rows: float, seconds: float) -> str:
    rate = rows * 60 / seconds
    return f"{rate / 1e6:.2f}M rows/min" if rate >= 1e6 else f"{rate / 1e3:.0f}k rows/min"


def _met(met: bool) -> str:
    return "met" if met else "missed"


def _import_rows(summary: dict[str, Any]) -> list[list[str]]:
    """The import table: kg's imports, their baselines and targets, and the failed steps."""
    rows: list[list[str]] = []
    by = {(s["size"], s["step"]): s for s in summary["steps"] if "failed" not in s}

    def add(size: int, what: str, seconds: float | None, *rest: Any) -> None:
        rss = rest[-1]
        rows.append(
            [
                f"{size:,}",
                what,
                "-" if seconds is None else f"{seconds:.2f}",
                *rest[:-1],
                rss if isinstance(rss, str) else ("-" if rss is None else f"{rss:,}"),
            ]
        )

    copies = {"one": "raw COPY (one tx)", "each": "raw COPY (commit per COPY)"}
    for figures in summary.get("imports", []):
        size = figures["rows"]
        lbug = figures.get("ladybug")
        if lbug:
            base, ratio = "", ""
            if "ratio" in lbug:
                base = f"{copies[lbug['commit']]} {lbug['baseline_seconds']:.2f}s"
                ratio = f"{lbug['ratio']:.2f}x (<= {lbug['target']:g}x: {_met(lbug['met'])})"
            add(
                size,
                "import ladybug (kg import gdelt --db)",
                lbug["seconds"],
                f"{_per_minute(size, lbug['seconds'])}, {_rate(lbug['elements'], lbug['seconds'])} el",
                base,
                ratio,
                f"{lbug['rss_mb']:,} (< 2 GB: {_met(lbug['rss_met'])})",
            )
        for commit, what in copies.items():
            raw = by.get((size, f"import_raw_copy_{commit}"))
            if raw and lbug:
                seconds = raw["seconds"] + raw["checkpoint_seconds"]
                add(
                    size,
                    f"  {what}",
                    seconds,
                    _rate(lbug["elements"], seconds) + " el",
                    f"checkpoint {raw['checkpoint_seconds']:.2f}s",
                    "",
                    raw["rss_mb"],
                )
        neo = figures.get("neo4j")
        if not summary["neo4j"]:
            add(size, "skipped: no Neo4j", None, "", "", "", None)
        elif neo:
            base, ratio = "", ""
            if "ratio" in neo:
                base = f"raw CREATE {_rate(1, 1 / neo['baseline_rate'])} el"
                ratio = f"{neo['ratio']:.2f}x (>= {neo['target']:g}x: {_met(neo['met'])})"
            add(
                size,
                "import neo4j (kg import gdelt --uri)",
                neo["seconds"],
                f"{_per_minute(size, neo['seconds'])}, {_rate(neo['elements'], neo['seconds'])} el",
                base,
                ratio,
                neo["rss_mb"],
            )
        create = by.get((size, "import_raw_neo4j"))
        if create:
            add(
                size,
                "  raw CREATE (server time)",
                create["seconds"],
                _rate(create["elements"], create["seconds"]) + " el",
                "",
                "",
                create["rss_mb"],
            )
        for step in summary["steps"]:
            if step["size"] == size and step["step"].startswith("import_") and "failed" in step:
                add(size, f"{step['step']}: FAILED ({step['failed']})", None, "", "", "", None)
    return rows


def _markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render_table(summary: dict[str, Any]) -> str:
    """The figures as Markdown tables: the facts corpora's, the imports' (and the queries'
    medians below them)."""
    header = ["events", "step", "seconds", "throughput", "baseline", "ratio", "peak RSS MB"]
    lines: list[str] = []
    if summary["sizes"]:
        lines += _markdown(header, _table_rows(summary))
    if any(step["step"].startswith("extract_") for step in summary["steps"]):
        from kg.extract.bench import extract_rows

        lines += _markdown(
            ["kg extract", "seconds", "throughput", "target", "peak RSS MB"], extract_rows(summary)
        )
    if summary.get("imports"):
        if lines:
            lines.append("")
        lines += _markdown(["rows", *header[1:]], _import_rows(summary))
        gdelt = summary["gdelt"]
        lines.append("")
        lines.append(
            f"GDELT 1.0 daily files: real rows of {gdelt['sample']} ({gdelt['sample_rows']} rows)"
            f" drawn at random (seed {gdelt['seed']}), fresh ids, dates over {gdelt['year']},"
            f" {gdelt['events_per_source']} events per source; kg at {summary.get('commit')}."
        )
    for step in summary["steps"]:
        if step["step"].startswith("queries_") and "queries" in step:
            lines.append("")
            lines.append(
                f"{step['step']} at {step['size']:,} events (median of the runs, seconds, rows):"
            )
            for name, q in sorted(
                step["queries"].items(), key=lambda item: -item[1].get("median", 1e9)
            ):
                if "median" in q:
                    lines.append(f"  {name:<20} {q['median']:8.3f}  {q['rows']:>9}")
                else:
                    lines.append(f"  {name:<20} {q['failed']}")
            if step.get("plan"):
                lines.append(f"  PROFILE of {step['slowest']}:")
                lines += [f"    {line}" for line in step["plan"].splitlines()]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ main


def _child(name: str, context: str) -> int:
    if name.startswith(("sparql_", "extract_")):
        # kg.sparql.bench and kg.extract.bench register their steps in the module kg.bench,
        # which is not this one when the step runs as `python -m kg.bench` (then this is __main__).
        import kg.bench
        import kg.extract.bench
        import kg.sparql.bench

        STEPS.update(kg.bench.STEPS)
    ctx = json.loads(context)
    try:
        result = STEPS[name](ctx)
    except KGError as exc:  # kg's own one-line error: the table says why the step failed
        result = {"failed": str(exc)}
    payload = {"result": result, "rss_mb": _peak_mb()}
    # Each step also leaves its figures beside the store it measured, so a run stopped early
    # still has them.
    where = ctx.get("db") or ctx.get("out")
    if where:
        with contextlib.suppress(OSError), open(Path(where).parent / "steps.jsonl", "a") as log:
            log.write(json.dumps({"step": name, "context": ctx, **payload}) + "\n")
    print(json.dumps(payload))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``scripts/bench``: parse the options, run the steps, print the table, write the JSON."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="events per corpus, comma-separated"
    )
    parser.add_argument(
        "--import-sizes",
        default="10000,100000,1000000",
        help="rows per generated GDELT file imported, comma-separated",
    )
    parser.add_argument(
        "--only",
        choices=("facts", "import", "sparql", "extract"),
        help="run one part: the facts corpora, the imports, the SPARQL endpoint (its load and"
        " every sparql/ query beside its cypher/ twin on LadybugDB), or kg extract (the model's"
        " load, texts of --extract-words words, a folder of reports)",
    )
    parser.add_argument(
        "--extract-words",
        default="1000,5000",
        help="words of the French texts --only extract drafts, comma-separated",
    )
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this file")
    parser.add_argument("--cache", type=Path, default=None, help="corpus cache [~/.cache/kg/bench]")
    parser.add_argument(
        "--work", type=Path, default=None, help="stores and exports [a temporary folder]"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (the median is kept)")
    parser.add_argument(
        "--query-timeout", type=float, default=600, help="seconds a query's runs may take"
    )
    parser.add_argument("--reload-max", type=int, default=100_000, help="largest size reloaded")
    parser.add_argument(
        "--merge-sample", type=int, default=2_000, help="elements of the MERGE loop"
    )
    parser.add_argument(
        "--rdf-sample", type=int, default=20_000, help="elements of the rdflib sample"
    )
    parser.add_argument(
        "--nx-full-max", type=int, default=2_000_000, help="elements of the full NetworkX view"
    )
    parser.add_argument(
        "--no-neo4j", action="store_true", help="skip Neo4j even if NEO4J_URI is set"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--context", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        return _child(args.step, args.context)
    sizes: list[int] = []
    import_sizes: list[int] = []
    extract_words: list[int] = []
    for option, value, into in (
        ("--sizes", args.sizes, sizes),
        ("--import-sizes", args.import_sizes, import_sizes),
        ("--extract-words", args.extract_words, extract_words),
    ):
        try:
            into += [int(s.replace("_", "")) for s in value.split(",") if s.strip()]
        except ValueError:
            parser.error(f"{option} must be whole numbers separated by commas, not {value!r}")
    cache = (
        args.cache
        or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kg" / "bench"
    )
    with contextlib.ExitStack() as stack:
        work = args.work or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-bench-"))
        )
        try:
            summary = run_bench(
                sizes,
                cache,
                work,
                repeat=args.repeat,
                reload_max=args.reload_max,
                merge_sample=args.merge_sample,
                rdf_sample=args.rdf_sample,
                nx_full_max=args.nx_full_max,
                neo4j=False if args.no_neo4j else None,
                query_timeout=args.query_timeout,
                import_sizes=import_sizes,
                only=args.only,
                extract_words=extract_words,
            )
        except KGError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
    print(render_table(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        _say(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
