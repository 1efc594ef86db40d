"""The Neo4j store: a Neo4j server (single instance, cluster or Aura) through the official driver.

Constraints and indexes come from the ontology and are created idempotently. A load writes nodes
first, then relationships, in batched ``UNWIND $rows ... MERGE`` statements; because every
statement merges on the stable id, a retry or a second load changes nothing. Labels and
relationship types come from the ontology and are checked against it before they reach a
statement; values always travel as parameters. A load runs in one of two modes.

**One transaction**: every statement runs in one write transaction, so the load lands whole or
not at all, and nobody sees any of it before the commit. Neo4j keeps a transaction's changes in
memory, up to a limit (``dbms.memory.transaction.total.max``, 70 % of the heap by default): a
load of millions of elements does not fit.

**Journaled batches** (``load_chunks(..., commit_every=N)``, ``kg load --commit-every N``): about
every N elements commit in their own managed transaction (``execute_write``, retried by the driver
on transient errors; a retry is harmless since the statements merge on ids). Each of those
transactions also writes one journal record, a ``KgLoadBatch`` node, with the ids of the elements
it created and the old properties (JSON) of those it changed, under a ``KgLoad`` node for the
whole load (owner host and pid, state, heartbeat). Neither label is in the ontology, so
:meth:`Neo4jStore.read_graph`, :meth:`Neo4jStore.iter_graph` and :meth:`Neo4jStore.stats` never see
them. When the load succeeds, its journal is deleted. When it fails (facts found invalid in a
later file, a statement Neo4j refuses, Ctrl-C), kg undoes the records newest first, deleting what
was created and putting back what was changed, then deletes the journal: the database is as it
was. When the process is killed, the next load of either mode finds the journal and undoes it
before it starts: at once when its owner was a process of the same host that is gone, otherwise
once the journal has shown no sign of life for :data:`JOURNAL_TIMEOUT` seconds. A journal whose
owner looks alive makes other loads refuse to start.

**Chosen by kg** (``commit_every=None``, the default): one transaction when the load fits the
server's limit, read from its settings (:meth:`Neo4jStore.transaction_memory`) and compared with
an estimate of the load's transaction memory (:func:`transaction_bytes`); journaled batches when
it does not, or when the server refuses the one transaction for memory after all (that attempt
is rolled back, so it wrote nothing). ``report.note`` then says so in one line. A load that also
deletes elements always runs in one transaction.

The trade-off: while a journaled load runs, and until a failed or killed one is undone, other
readers see part of it. A one-transaction load already running when a journaled load starts is
not noticed (only journaled loads leave a mark in the database).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from kg.config import Neo4jConfig
from kg.errors import ConnectionFailed, KGError, QueryError, StoreError
from kg.model import Edge, Graph, Node
from kg.ontology import Ontology, load_ontology
from kg.stores.base import LoadReport, Progress, QueryResult

__all__ = [
    "JOURNAL_LABEL",
    "JOURNAL_RECORD_LABEL",
    "JOURNAL_TIMEOUT",
    "Neo4jLoadReport",
    "Neo4jStore",
    "Recovery",
    "constraint_statements",
    "transaction_bytes",
]

BATCH_SIZE = 10_000
# The undo journal of a journaled load: one node per load, one record node per committed batch.
JOURNAL_LABEL = "KgLoad"
JOURNAL_RECORD_LABEL = "KgLoadBatch"
# Seconds without a sign of life after which a journaled load is taken for dead and undone.
# Its owner refreshes the journal at every commit and at least every HEARTBEAT seconds.
JOURNAL_TIMEOUT = 600
HEARTBEAT = 60
# Only one journaled load at a time: the constraint makes a second journal fail to be created.
_JOURNAL_SCHEMA = (
    f"CREATE CONSTRAINT kgload_slot IF NOT EXISTS FOR (j:{JOURNAL_LABEL}) REQUIRE j.slot IS UNIQUE"
)
# The transaction memory of a one-transaction load, measured on Neo4j 5.26 Community with
# SHOW TRANSACTIONS YIELD estimatedUsedHeapMemory from a second session just before the commit
# (loads rolled back afterwards): 1,893 and 1,850 bytes per element on generated corpora of 5,000
# and 20,000 events (79 and 306 MiB; 152 bytes of text per element); 1,957 per element for
# 60,000 elements with 8-character strings; 26 MiB for 6,000 elements with 2,000-character
# strings. Fitted: 1,918 bytes per element and 1.3 per character. kg counts 1,900 per element
# and 2 per character (Java keeps text beyond Latin-1 in UTF-16), 12 to 16 % above the corpora's
# figures, and plans a one-transaction load only within 80 % of the limit: a statement's rows are
# held beside the changes while it runs, and other transactions share a total limit.
ELEMENT_BYTES = 1_900
CHAR_BYTES = 2
TX_MEMORY_SHARE = 0.8
# Journaled batches chosen by kg: at most this many elements, and a quarter of the planned share
# each, since a commit holds up to twice its batch (it commits once a statement's rows reach
# the batch) and also writes its undo record.
AUTO_COMMIT_EVERY = 100_000
# Settings that limit a transaction's memory; the smallest one set (not 0) applies.
_TX_MEMORY_SETTINGS = (
    "db.memory.transaction.max",
    "db.memory.transaction.total.max",
    "dbms.memory.transaction.total.max",
)
_UNITS = {"": 1, "B": 1, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
_UNITS |= {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "KB": 2**10, "MB": 2**20, "GB": 2**30}
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs connection trouble as warnings; kg reports it once, as its own one-line error.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _driver(config: Neo4jConfig) -> Any:
    import neo4j

    return neo4j.GraphDatabase.driver(
        config.uri, auth=(config.username, config.password or ""), connection_timeout=10.0
    )


def _ident(name: str, ont: Ontology) -> str:
    """A label or type, after checking it is one of the ontology's (nothing else reaches Cypher)."""
    if not _NAME.fullmatch(name) or (name not in ont.classes and name not in ont.relationships):
        raise KGError(f"{name!r} is not a label or relationship type of the ontology")
    return f"`{name}`"


def constraint_statements(ont: Ontology | None = None) -> list[str]:
    """Uniqueness constraints on every label's id and indexes on every relationship type's id.

    >>> constraint_statements()[0]
    'CREATE CONSTRAINT kg_Person_id IF NOT EXISTS FOR (n:`Person`) REQUIRE n.id IS UNIQUE'
    """
    ont = ont or load_ontology()
    statements = [
        f"CREATE CONSTRAINT kg_{label}_id IF NOT EXISTS FOR (n:{_ident(label, ont)}) REQUIRE n.id IS UNIQUE"
        for label in ont.node_labels
    ]
    statements += [
        f"CREATE INDEX kg_{rtype}_id IF NOT EXISTS FOR ()-[r:{_ident(rtype, ont)}]-() ON (r.id)"
        for rtype in ont.relationships
    ]
    return statements


def transaction_bytes(graph: Graph) -> int:
    """kg's estimate of the memory Neo4j needs to hold a graph's load in one transaction.

    >>> transaction_bytes(Graph({"x": Node("x", "Person", {"name": "Ann"})}))
    1916
    """
    chars = 0
    for node in graph.nodes.values():
        chars += len(node.id) + _chars(node.properties)
    for edge in graph.edges.values():
        chars += len(edge.id) + len(edge.source) + len(edge.target) + _chars(edge.properties)
    return ELEMENT_BYTES * len(graph) + CHAR_BYTES * chars


def _chars(properties: Mapping[str, Any]) -> int:
    chars = 0
    for key, value in properties.items():
        chars += len(key)
        for item in value if isinstance(value, list) else (value,):
            chars += len(item) if isinstance(item, str) else 4  # a number: 8 bytes
    return chars


def _memory_size(text: str) -> int:
    """Bytes of a memory setting as SHOW SETTINGS gives it.

    >>> _memory_size("716.80MiB"), _memory_size("0B"), _memory_size("10m")
    (751619276, 0, 10485760)
    """
    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", text)
    if match is None or match[2].upper() not in _UNITS:
        raise ValueError(f"not a memory size: {text!r}")
    return int(float(match[1]) * _UNITS[match[2].upper()])


def _refusal_limit(exc: BaseException) -> int | None:
    """The limit a refusal for memory names ("... more than the limit 10.0 MiB ...")."""
    match = re.search(r"the limit ([0-9.]+ ?[KMGT]i?B)\b", str(exc))
    return _memory_size(match[1].replace(" ", "")) if match else None


def _fitting_every(limit: int, need: int, elements: int) -> int:
    """Elements per journaled batch, for a load of ``elements`` that needs ``need`` bytes."""
    per_element = max(need / max(elements, 1), ELEMENT_BYTES)
    return max(1, min(AUTO_COMMIT_EVERY, int(limit * TX_MEMORY_SHARE / 4 / per_element)))


def _plain(value: Any) -> Any:
    """Driver values as plain Python: nodes and relationships as property dicts, paths as id lists."""
    from neo4j.graph import Node as DriverNode
    from neo4j.graph import Path, Relationship

    if isinstance(value, DriverNode | Relationship):
        return {k: _plain(v) for k, v in dict(value).items()}
    if isinstance(value, Path):
        return [n.get("id") for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


@dataclass(frozen=True)
class Recovery:
    """A journaled load that a load found interrupted before it started, and what it did about it.

    >>> Recovery("1f0e", "db-host", 4242, "2025-05-18T09:00:00Z", undone=1200).describe()
    'undid an interrupted load of 1200 elements (process 4242 on host db-host, started 2025-05-18T09:00:00Z)'
    """

    load_id: str
    host: str
    pid: int
    started: str
    undone: int = 0  # elements deleted or put back as they were
    landed: bool = False  # the load had committed everything; only its journal was left

    def describe(self) -> str:
        """One line for a person."""
        who = f"process {self.pid} on host {self.host}, started {self.started}"
        if self.landed:
            return f"removed the journal of a load that had landed ({who})"
        return f"undid an interrupted load of {self.undone} elements ({who})"


@dataclass
class Neo4jLoadReport(LoadReport):
    """A :class:`~kg.stores.base.LoadReport` that also tells how the load was committed.

    ``commits`` is 1 for a one-transaction load and the number of batch transactions for a
    journaled one (``commit_every`` None); ``note`` says why kg chose journaled batches by
    itself, when it did; ``recovered`` lists the interrupted loads this load undid before it started.
    """

    commit_every: int | None = None
    commits: int = 0
    recovered: list[Recovery] = field(default_factory=list)
    note: str | None = None  # why kg chose journaled batches by itself, in one line


class Neo4jStore:
    """A kg store in a Neo4j database.

    Args:
        config: server, credentials and database (see :class:`~kg.config.Neo4jConfig`).
        batch_size: rows per ``UNWIND`` statement.
        commit_every: how :meth:`load` commits: None, one transaction or journaled batches as the
            server allows; 0, one transaction; N, journaled batches of about N elements.
        tx_memory: bytes of transaction memory to plan loads for; None reads the server's
            settings (for a server that does not show them, such as a managed one).
    """

    engine = "neo4j"

    def __init__(
        self,
        config: Neo4jConfig,
        batch_size: int = BATCH_SIZE,
        ontology: Ontology | None = None,
        *,
        commit_every: int | None = None,
        tx_memory: int | None = None,
    ) -> None:
        from neo4j import exceptions as nex

        self.config = config
        self.batch_size = batch_size
        self.commit_every = commit_every
        self._tx_memory = tx_memory
        self.ont = ontology or load_ontology()
        self._schema_ready = False
        where = f"Neo4j at {config.uri}"
        scheme = config.uri.partition("://")[0]
        if "://" not in config.uri or scheme not in SCHEMES:
            raise ConnectionFailed(
                f"bad Neo4j URI {config.uri!r}: the scheme must be one of {', '.join(SCHEMES)}"
            )
        tls_hint = " (the URI asks for TLS: does the server offer it?)" if "+s" in scheme else ""
        try:
            self.driver = _driver(config)
        except (nex.ConfigurationError, ValueError) as exc:
            raise ConnectionFailed(f"bad Neo4j URI {config.uri!r}: {_first_line(exc)}") from None
        try:
            self.driver.verify_connectivity()
            with self.driver.session(database=config.database) as session:
                session.run("RETURN 1").consume()
        except nex.AuthError:
            self.driver.close()
            raise ConnectionFailed(
                f"{where} refused the credentials of user {config.username!r}"
            ) from None
        except nex.ServiceUnavailable as exc:
            self.driver.close()
            raise ConnectionFailed(
                f"cannot reach {where}: {_first_line(exc).rstrip(':')}{tls_hint}"
            ) from None
        except nex.ClientError as exc:
            self.driver.close()
            if "DatabaseNotFound" in (exc.code or ""):
                raise ConnectionFailed(f"{where} has no database {config.database!r}") from None
            raise ConnectionFailed(f"{where}: {_first_line(exc)}") from None
        except (nex.Neo4jError, nex.DriverError, OSError) as exc:
            self.driver.close()
            raise ConnectionFailed(f"cannot use {where}: {_first_line(exc)}") from None

    # -- life cycle --------------------------------------------------------------------------------

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self.driver.close()

    def _run(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> list[Any]:
        from neo4j import exceptions as nex

        try:
            records, _, _ = self.driver.execute_query(
                cypher, dict(parameters or {}), database_=self.config.database
            )
        except nex.ClientError as exc:
            raise QueryError(f"Neo4j rejected the query: {_first_line(exc)}") from None
        except (nex.Neo4jError, nex.DriverError) as exc:
            raise StoreError(f"Neo4j at {self.config.uri}: {_first_line(exc)}") from None
        return list(records)

    def ensure_schema(self) -> None:
        """Create the constraints and indexes the ontology implies; existing ones are kept.

        Checked once per store object: the statements are idempotent but each one is a schema
        transaction, and a load should not pay for them every time.
        """
        if self._schema_ready:
            return
        # A uniqueness constraint owns an index of the same name, so SHOW INDEXES lists both kinds.
        existing = {r[0] for r in self._run("SHOW INDEXES YIELD name RETURN name")}
        statements = [*constraint_statements(self.ont), _JOURNAL_SCHEMA]
        missing = [s for s in statements if s.split()[2] not in existing]
        for statement in missing:
            self._run(statement)
        if missing:
            self._run("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    # -- loading -----------------------------------------------------------------------------------

    def load(
        self, graph: Graph, progress: Progress | None = None, remove: Graph | None = None
    ) -> LoadReport:
        """Merge the graph into the database, committed as the store's ``commit_every`` says.

        By default in one managed write transaction, which the driver retries as a whole on
        transient errors, or in journaled batches when it does not fit the server (see
        :meth:`load_chunks`). ``remove`` holds nodes and relationships to delete in the same
        transaction (a node with its relationships); none of them may be in ``graph``.
        """
        return self.load_chunks([graph], progress, commit_every=self.commit_every, remove=remove)

    def transaction_memory(self) -> int | None:
        """Bytes of memory the server lets one transaction use; None when unlimited or unknown.

        The smallest of the limits set (db.memory.transaction.max, db.memory.transaction.total.max,
        dbms.memory.transaction.total.max), read once with SHOW SETTINGS, unless the store was
        given ``tx_memory``.
        """
        if self._tx_memory is None:
            query = "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN value"
            try:
                values = [row[0] for row in self._run(query, {"names": list(_TX_MEMORY_SETTINGS)})]
                limits = [size for size in map(_memory_size, filter(None, values)) if size > 0]
            except (KGError, ValueError):  # not allowed to see the settings, or an unknown unit
                limits = []
            self._tx_memory = min(limits, default=0)
        return self._tx_memory or None

    # -- reading around some nodes (incremental loads, unload) ------------------------------------

    def _nodes_by_id(self, ids: list[str], graph: Graph | None) -> dict[str, str]:
        """The labels of the nodes with these ids; with ``graph``, the nodes are added to it."""
        labels: dict[str, str] = {}
        if not ids:
            return labels
        returns = "properties(n)" if graph is not None else "n.id"  # labels only: ids suffice
        for label in self.ont.node_labels:
            query = (
                f"UNWIND $ids AS i MATCH (n:{_ident(label, self.ont)} {{id: i}}) RETURN {returns}"
            )
            for (value,) in self._run(query, {"ids": ids}):
                if graph is None:
                    labels[value] = label
                    continue
                p = {k: _plain(v) for k, v in dict(value).items()}
                node_id = p.pop("id")
                graph.nodes[node_id] = Node(node_id, label, p)
                labels[node_id] = label
        return labels

    def _edges_at(self, labels: Mapping[str, str], outgoing: bool) -> list[Edge]:
        by_label: dict[str, list[str]] = {}
        for node_id, label in labels.items():
            by_label.setdefault(label, []).append(node_id)
        found: list[Edge] = []
        for label, ids in by_label.items():
            name = _ident(label, self.ont)
            pattern = (
                f"(a:{name} {{id: i}})-[r]->(b)" if outgoing else f"(b)-[r]->(a:{name} {{id: i}})"
            )
            query = f"UNWIND $ids AS i MATCH {pattern} RETURN type(r), a.id, b.id, properties(r)"
            for rtype, here, there, props in self._run(query, {"ids": ids}):
                if rtype not in self.ont.relationships:
                    continue
                p = {k: _plain(v) for k, v in dict(props).items()}
                edge_id = p.pop("id")
                source, target = (here, there) if outgoing else (there, here)
                found.append(Edge(edge_id, rtype, source, target, p))
        return found

    def labels_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The labels of the nodes the database holds among ``ids``, by id."""
        return self._nodes_by_id(sorted(set(ids)), None)

    def nodes(self, ids: Iterable[str]) -> Graph:
        """The nodes the database holds among ``ids``, with their properties (no relationships)."""
        graph = Graph()
        self._nodes_by_id(sorted(set(ids)), graph)
        return graph

    def neighbourhood(self, ids: Iterable[str]) -> Graph:
        """The nodes with these ids, every relationship from them, and the nodes those reach."""
        graph = Graph()
        labels = self._nodes_by_id(sorted(set(ids)), graph)
        ends = set()
        for edge in self._edges_at(labels, outgoing=True):
            graph.edges[edge.id] = edge
            ends.add(edge.target)
        self._nodes_by_id(sorted(ends - graph.nodes.keys()), graph)
        return graph

    def incoming(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship that ends at one of these nodes."""
        labels = self._nodes_by_id(sorted(set(ids)), None)
        return self._edges_at(labels, outgoing=False)

    def documented_by(self, document: str) -> list[str]:
        """Ids of the nodes a document describes: their own document, or one of their claims'."""
        ids: set[str] = set()
        for label in self.ont.node_labels:
            column = "fact" if label == self.ont.claim_label else "id"
            query = f"MATCH (n:{_ident(label, self.ont)}) WHERE n.document = $d RETURN n.{column}"
            ids.update(row[0] for row in self._run(query, {"d": document}))
        return sorted(ids)

    def load_chunks(
        self,
        chunks: Iterable[Graph],
        progress: Progress | None = None,
        *,
        commit_every: int | None = None,
        remove: Graph | None = None,
    ) -> Neo4jLoadReport:
        """Merge a stream of graphs into the database: one transaction, or journaled batches.

        With ``commit_every=0`` everything is written in one transaction that commits once
        the chunks are exhausted, so an exception from the iterator (facts found invalid in
        their last file) writes nothing. A sequence (a list of graphs) runs as a managed
        transaction that the driver may retry; a one-pass iterator runs in an explicit
        transaction, not retried.

        With ``commit_every=None`` (the default) kg chooses: one transaction when the load's
        estimated memory (:func:`transaction_bytes`) fits within 80 % of the server's limit
        (:meth:`transaction_memory`), journaled batches otherwise, and journaled batches as well
        when the server refuses the one transaction for memory (it is rolled back: nothing was
        written). A one-pass iterator is kept in memory while it fits, so that it can be read
        again. ``report.note`` says in one line when kg chose journaled batches. A load that
        deletes elements (``remove``) runs in one transaction.

        With ``commit_every=N`` about every N elements commit in their own transaction, each
        with its undo record (see the module's description): a failure, or an exception from the
        iterator, undoes what was committed before this method raises. Either way, a journaled
        load that a killed process left behind is undone first (``report.recovered``; progress
        step "undoing an interrupted load"), and a journaled load still under way makes this
        one refuse to start.

        Progress is reported per batch as (step, elements done, elements in all the chunks, or
        0 when that is unknown); in journaled mode, once the batch is committed.

        Raises:
            StoreError: the graph does not fit the ontology or the database, Neo4j refused it,
                or another journaled load is under way; nothing was written.
        """
        from neo4j import exceptions as nex

        if commit_every is not None and commit_every < 0:
            raise KGError(f"commit_every must be a positive number of elements, not {commit_every}")
        removing = remove is not None and len(remove) > 0
        if commit_every and removing:
            raise KGError("a load that deletes elements runs in one transaction, not journaled")
        started = time.monotonic()
        self.ensure_schema()
        total = sum(len(chunk) for chunk in chunks) if isinstance(chunks, Sequence) else 0
        note = None
        try:
            recovered = self._recover(progress)
            if commit_every:
                report = _load_journaled(self, chunks, progress, total, commit_every)
            elif commit_every == 0 or removing:
                report = self._load_one(chunks, progress, total, remove)
            else:
                report = self._load_fitting(chunks, progress, total)
                note = report.note
        except KGError:
            raise
        except nex.ClientError as exc:
            raise StoreError(
                f"Neo4j rejected the load (nothing was written): {_first_line(exc)}{_too_big(exc, commit_every)}"
            ) from None
        except (nex.Neo4jError, nex.DriverError, OSError) as exc:
            raise StoreError(
                f"load into Neo4j at {self.config.uri} failed (nothing was written): "
                f"{_first_line(exc)}{_too_big(exc, commit_every)}"
            ) from None
        report.commit_every = report.commit_every or commit_every or None
        report.commits = report.commits or 1
        report.recovered = recovered
        report.note = note
        report.seconds = time.monotonic() - started
        return report

    def _load_one(
        self, chunks: Iterable[Graph], progress: Progress | None, total: int, remove: Graph | None
    ) -> Neo4jLoadReport:
        """The load in one transaction: managed (retried) for a sequence, explicit for a stream."""
        from neo4j import exceptions as nex

        def work(tx: Any) -> Neo4jLoadReport:
            try:
                return _Load(self, tx, progress, total, remove=remove).run(chunks)
            except nex.Neo4jError as exc:
                if _too_big(exc, None):  # transient for the driver, but the same load won't fit
                    raise _Refused(exc) from exc
                raise

        with self.driver.session(database=self.config.database) as session:
            if isinstance(chunks, Sequence):
                try:
                    report: Neo4jLoadReport = session.execute_write(work)
                except _Refused as refused:
                    raise refused.error from None
                return report
            with session.begin_transaction() as tx:
                report = _Load(self, tx, progress, 0, remove=remove).run(chunks)
                tx.commit()
            return report

    def _load_fitting(
        self, chunks: Iterable[Graph], progress: Progress | None, total: int
    ) -> Neo4jLoadReport:
        """One transaction if the load fits the server, else journaled batches; see load_chunks."""
        from neo4j import exceptions as nex

        limit = self.transaction_memory()
        plan = int(limit * TX_MEMORY_SHARE) if limit else _KEEP_UNLIMITED
        if isinstance(chunks, Sequence):
            need = sum(transaction_bytes(chunk) for chunk in chunks) if limit else 0
            replay: _Replay | None = None
        else:
            replay = chunks = _Replay(chunks, plan, stop=limit is not None)
        mib = f"{limit / 2**20:,.0f} MiB" if limit else "its memory"
        if limit and isinstance(chunks, Sequence) and need > plan:
            why = f"the load needs about {need / 2**20:,.0f} MiB of transaction memory, the server allows {mib}"
        else:
            try:
                return self._load_one(chunks, progress, total, None)
            except _Overflow:
                assert replay is not None
                need, chunks = replay.need, replay.again()
                why = f"the load needs more than {need / 2**20:,.0f} MiB of transaction memory, the server allows {mib}"
            except (nex.Neo4jError, nex.DriverError) as exc:
                if not _too_big(exc, None) or (replay is not None and not replay.whole):
                    raise
                if replay is not None:
                    need, chunks = replay.need, replay.again()
                elif not need:
                    need = sum(transaction_bytes(chunk) for chunk in chunks)
                # The limit the server names is the one that applies, whatever kg read.
                limit = _refusal_limit(exc) or limit
                self._tx_memory = limit or self._tx_memory
                mib = f"limit {limit / 2**20:,.1f} MiB" if limit else "memory"
                why = f"Neo4j refused the load in one transaction ({mib})"
        elements = replay.elements if replay is not None else total
        # Without a known limit, a tenth of what was refused per batch.
        every = (
            _fitting_every(limit, need, elements)
            if limit
            else max(1, min(AUTO_COMMIT_EVERY, elements // 10))
        )
        try:
            report = _load_journaled(self, chunks, progress, total, every)
        except (nex.Neo4jError, nex.DriverError) as exc:
            raise StoreError(
                f"{why}, and Neo4j rejected the load in journaled batches of {every:,} elements "
                f"too (nothing was written): {_first_line(exc)}{_too_big(exc, every)}"
            ) from None
        report.commit_every = every
        report.note = f"{why}: loaded in journaled batches of about {every:,} elements"
        return report

    def _recover(self, progress: Progress | None) -> list[Recovery]:
        """Undo the journaled loads that killed processes left behind, before a load starts.

        A journal whose owner was a process of this host that is gone, or that has shown no sign
        of life for :data:`JOURNAL_TIMEOUT` seconds, is undone; if its load had landed, it is
        only deleted. A journal whose owner looks alive makes the load refuse to start.
        """
        recovered = []
        with self.driver.session(database=self.config.database) as session:
            for journal in session.execute_read(_journals):
                if _alive(journal):
                    if journal["state"] == "sealing":
                        continue  # a load that landed; its owner is deleting the journal
                    raise StoreError(_in_progress(journal))
                me = _Owner.here()
                load_id = journal["id"]
                claimed = _claim(session, load_id, journal["owner"], journal["heartbeat"], me)
                if claimed is None:
                    raise StoreError(_in_progress(journal, taken=True))
                landed = claimed["state"] == "sealing"
                undone = 0
                try:
                    if landed:
                        _drop_journal(session, load_id, me.token)
                    else:
                        undone = _undo(
                            self, session, load_id, me.token, claimed["elements"], progress
                        )
                except _Taken:  # this undo was silent too long and another process took it over
                    raise StoreError(_in_progress(journal, taken=True)) from None
                recovered.append(
                    Recovery(
                        journal["id"],
                        journal["host"],
                        journal["pid"],
                        journal["started"],
                        undone=undone,
                        landed=landed,
                    )
                )
        return recovered

    # -- reading -----------------------------------------------------------------------------------

    def read_graph(self) -> Graph:
        """Every node and relationship of the ontology's labels and types, as a Graph."""
        graph = Graph()
        for label in self.ont.node_labels:
            for props in self._run(
                f"MATCH (n:{_ident(label, self.ont)}) RETURN properties(n) AS p ORDER BY n.id"
            ):
                p = dict(props[0])
                node_id = p.pop("id")
                graph.add_node(Node(node_id, label, p))
        for rtype in self.ont.relationships:
            cypher = f"MATCH (a)-[r:{_ident(rtype, self.ont)}]->(b) RETURN a.id, b.id, properties(r) ORDER BY r.id"
            for source, target, props in self._run(cypher):
                p = dict(props)
                edge_id = p.pop("id")
                graph.add_edge(Edge(edge_id, rtype, source, target, p))
        return graph

    def iter_graph(self, chunk_size: int = 100_000) -> Iterator[Graph]:
        """Everything the database holds of the ontology, as Graphs of at most ``chunk_size``.

        Nodes label by label, then relationships type by type, each read in pages ordered by id
        (the constraint's and the relationship index's order), so only one page is in memory.
        """
        for label in self.ont.node_labels:
            query = (
                f"MATCH (n:{_ident(label, self.ont)}) WHERE n.id > $after "
                "RETURN n.id AS id, properties(n) AS p ORDER BY n.id LIMIT $size"
            )
            for page in self._pages(query, chunk_size):
                chunk = Graph()
                for node_id, props in page:
                    p = dict(props)
                    p.pop("id", None)
                    chunk.nodes[node_id] = Node(node_id, label, p)
                yield chunk
        for rtype in self.ont.relationships:
            query = (
                f"MATCH (a)-[r:{_ident(rtype, self.ont)}]->(b) WHERE r.id > $after "
                "RETURN r.id AS id, a.id, b.id, properties(r) ORDER BY r.id LIMIT $size"
            )
            for page in self._pages(query, chunk_size):
                chunk = Graph()
                for edge_id, source, target, props in page:
                    p = dict(props)
                    p.pop("id", None)
                    chunk.edges[edge_id] = Edge(edge_id, rtype, source, target, p)
                yield chunk

    def _pages(self, query: str, size: int) -> Iterator[list[Any]]:
        after = ""
        while True:
            page = self._run(query, {"after": after, "size": size})
            if not page:
                return
            yield page
            if len(page) < size:
                return
            after = page[-1][0]

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one statement with parameters; values come back as plain Python."""
        from neo4j import exceptions as nex

        try:
            with self.driver.session(database=self.config.database) as session:
                result = session.run(cypher, dict(parameters or {}))
                columns = list(result.keys())
                rows = [[_plain(v) for v in record.values()] for record in result]
        except nex.ClientError as exc:
            raise QueryError(f"Neo4j rejected the query: {_first_line(exc)}") from None
        except (nex.Neo4jError, nex.DriverError) as exc:
            raise StoreError(f"Neo4j at {self.config.uri}: {_first_line(exc)}") from None
        return QueryResult(columns, rows)

    def stats(self) -> dict[str, int]:
        """Nodes per label and relationships per type, sorted by name, zeros left out."""
        counts: dict[str, int] = {}
        for label in sorted(self.ont.node_labels):
            n = self._run(f"MATCH (n:{_ident(label, self.ont)}) RETURN count(n)")[0][0]
            if n:
                counts[label] = n
        for rtype in sorted(self.ont.relationships):
            n = self._run(f"MATCH ()-[r:{_ident(rtype, self.ont)}]->() RETURN count(r)")[0][0]
            if n:
                counts[rtype] = n
        return counts

    def constraints(self) -> list[str]:
        """Names of the constraints the database has."""
        return sorted(r[0] for r in self._run("SHOW CONSTRAINTS YIELD name RETURN name"))


_HELD_AS = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id LIMIT 1"


def _missing_endpoints(tx: Any, edges: list[Edge], src: str, dst: str, ont: Ontology) -> str:
    ids = sorted({e.source for e in edges})
    found = {
        r[0]
        for r in tx.run(f"MATCH (n:{_ident(src, ont)}) WHERE n.id IN $ids RETURN n.id", ids=ids)
    }
    missing = [i for i in ids if i not in found]
    if not missing:
        ids = sorted({e.target for e in edges})
        found = {
            r[0]
            for r in tx.run(f"MATCH (n:{_ident(dst, ont)}) WHERE n.id IN $ids RETURN n.id", ids=ids)
        }
        missing = [i for i in ids if i not in found]
    return missing[0] if missing else "?"


# A one-pass stream is kept, to be read again, up to this estimate when the limit is unknown.
_KEEP_UNLIMITED = 1 << 30


class _Refused(Exception):
    """Neo4j refused a transaction for memory: not for the driver to retry."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _Overflow(Exception):
    """A one-pass stream grew beyond the memory the server allows one transaction."""


class _Replay:
    """A one-pass stream of chunks, kept while its estimate stays within ``budget``.

    With ``stop``, a stream that goes beyond raises :class:`_Overflow` (the one transaction it
    was going into would not fit); without, it is no longer kept (``whole`` turns false).
    """

    def __init__(self, chunks: Iterable[Graph], budget: int, stop: bool) -> None:
        self.rest = iter(chunks)
        self.budget = budget
        self.stop = stop
        self.kept: list[Graph] = []
        self.whole = True
        self.need = 0
        self.elements = 0

    def __iter__(self) -> Iterator[Graph]:
        for chunk in self.rest:
            self.elements += len(chunk)
            if self.whole:
                self.need += transaction_bytes(chunk)
                self.kept.append(chunk)
                if self.need > self.budget:
                    if self.stop:
                        raise _Overflow
                    self.whole, self.kept = False, []
            yield chunk

    def again(self) -> Iterator[Graph]:
        """The whole stream from its start: the chunks read so far, then the rest."""
        return chain(self.kept, self.rest)


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).strip().splitlines()[0]


def _too_big(exc: BaseException, commit_every: int | None) -> str:
    """A hint when Neo4j refused a transaction for its memory limit."""
    text = f"{getattr(exc, 'code', '') or ''} {exc}"
    if "OutOfMemory" not in text and "memory.transaction" not in text:
        return ""
    if not commit_every:
        return (
            "; the load does not fit in one transaction of this server: commit it in journaled "
            "batches (kg load --commit-every 100000, or load_chunks(commit_every=...))"
        )
    return f"; a batch of {commit_every} elements does not fit: use a smaller --commit-every"


@dataclass
class _Done:
    """What one batch statement group wrote: its counts, and what undoing it takes."""

    node: bool  # nodes, or relationships
    kind: str  # the label or relationship type
    rows: int
    nodes_created: int = 0
    nodes_updated: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    unchanged: int = 0
    created: list[str] = field(default_factory=list)  # ids of the elements created
    before: list[dict[str, Any]] = field(default_factory=list)  # changed elements, as they were

    @property
    def step(self) -> str:
        """The progress step: "nodes <label>" or "relationships <type>"."""
        return f"{'nodes' if self.node else 'relationships'} {self.kind}"


# One batch's statements, run in a transaction; run again from scratch if the driver retries it.
_Work = Callable[[Any], _Done]


class _Load:
    """One load: chunks written as they come, references resolved.

    In one transaction (``tx``) each batch is written at once; with a journal, batches are handed
    to it and committed together every so many elements, and reads run in transactions of their
    own. Kept across chunks: the label of every node id the load wrote (to pick the index each
    relationship's end nodes are matched by), the labels and types the database held when the
    load started (only those need an existence check), and relationships whose end node has not
    come yet.
    """

    def __init__(
        self,
        store: Neo4jStore,
        tx: Any,
        progress: Progress | None,
        total: int,
        journal: _Journal | None = None,
        remove: Graph | None = None,
    ) -> None:
        self.store = store
        self.remove = remove
        self.ont = store.ont
        self.tx = tx
        self.journal = journal
        self.progress = progress
        self.total = total
        self.done = 0
        # A journaled batch is never bigger than a commit, so that commits are about that size.
        self.batch = store.batch_size if journal is None else min(store.batch_size, journal.every)
        self.report = Neo4jLoadReport()
        self.labels: dict[str, str] = {}  # node id -> label, for nodes of this load or looked up
        self.pending: list[Edge] = []  # relationships with an end node not seen yet
        self.waiting: dict[tuple[str, str, str], list[Edge]] = {}  # to be written, by group
        self.queued = 0  # relationships waiting
        self.queue_max = 20 * self.batch
        self.held_labels, self.held_types = self.read(self.held)
        self.pin = "" if journal is None else _PINNED

    def held(self, tx: Any) -> tuple[list[str], frozenset[str]]:
        # Counts come from the count store: cheap whatever the size. (db.labels() would also
        # list labels whose nodes were all deleted.)
        labels = [
            label
            for label in self.ont.node_labels
            if tx.run(f"MATCH (n:{_ident(label, self.ont)}) RETURN count(n)").single(strict=True)[0]
        ]
        types = frozenset(
            rtype
            for rtype in self.ont.relationships
            if tx.run(f"MATCH ()-[r:{_ident(rtype, self.ont)}]->() RETURN count(r)").single(
                strict=True
            )[0]
        )
        return labels, types

    def run(self, chunks: Iterable[Graph]) -> Neo4jLoadReport:
        for chunk in chunks:
            if self.journal is not None:
                self.journal.beat()
            self.nodes(chunk)
            self.resolve(chunk.edges.values(), final=False)
            self.flush(self.batch)
        pending, self.pending = self.pending, []
        self.resolve(pending, final=True)
        self.flush(1)
        if self.remove is not None:
            self.delete(self.remove)
        if self.journal is not None:
            for done in self.journal.commit(seal=True):
                self.apply(done)
            self.report.commits = self.journal.commits
        return self.report

    def read(self, work: Callable[[Any], Any]) -> Any:
        """Run a read in the load's transaction, or (journaled) in one of its own."""
        if self.journal is None:
            return work(self.tx)
        return self.journal.session.execute_read(work)

    def write(self, work: _Work, rows: int) -> None:
        """Run a batch in the load's transaction, or hand it to the journal to commit."""
        if self.journal is None:
            self.apply(work(self.tx))
            return
        for done in self.journal.add(work, rows):
            self.apply(done)

    def apply(self, done: _Done) -> None:
        """Count a batch that is written (in the one transaction) or committed (journaled)."""
        report = self.report
        report.nodes_created += done.nodes_created
        report.nodes_updated += done.nodes_updated
        report.edges_created += done.edges_created
        report.edges_updated += done.edges_updated
        report.unchanged += done.unchanged
        self.step(done.step, done.rows)

    def flush(self, least: int) -> None:
        """Write the relationship groups holding ``least`` rows or more, in full batches.

        Relationships wait across chunks (a chunk splits into hundreds of small groups by type
        and end labels), so statements carry full batches; when too many wait, the largest
        groups go first.
        """
        for key in list(self.waiting):
            edges = self.waiting[key]
            if len(edges) >= least:
                full = len(edges) - len(edges) % self.batch if least > 1 else len(edges)
                self.edges(key, edges[:full])
                self.waiting[key] = edges[full:]
                self.queued -= full
        while self.queued > self.queue_max:
            key = max(self.waiting, key=lambda k: len(self.waiting[k]))
            edges = self.waiting.pop(key)
            self.edges(key, edges)
            self.queued -= len(edges)

    def step(self, what: str, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(what, self.done, self.total)

    def delete(self, remove: Graph) -> None:
        """Delete relationships, then nodes (with theirs), by id, in the load's transaction."""
        by_type: dict[str, list[str]] = {}
        for edge in remove.edges.values():
            by_type.setdefault(edge.type, []).append(edge.id)
        for rtype, ids in by_type.items():
            query = f"UNWIND $ids AS i MATCH ()-[r:{_ident(rtype, self.ont)} {{id: i}}]->() DELETE r RETURN count(*)"
            self.report.edges_deleted += self.tx.run(query, ids=ids).single(strict=True)[0]
        by_label: dict[str, list[str]] = {}
        for node in remove.nodes.values():
            by_label.setdefault(node.label, []).append(node.id)
        for label, ids in by_label.items():
            query = f"UNWIND $ids AS i MATCH (n:{_ident(label, self.ont)} {{id: i}}) DETACH DELETE n RETURN count(*)"
            self.report.nodes_deleted += self.tx.run(query, ids=ids).single(strict=True)[0]

    # -- nodes -------------------------------------------------------------------------------------

    def nodes(self, chunk: Graph) -> None:
        for label, nodes in chunk.nodes_by_label().items():
            name = _ident(label, self.ont)
            for node in nodes:
                if self.labels.setdefault(node.id, label) != label:
                    raise StoreError(
                        f"node {node.id!r} is given as a {self.labels[node.id]} and as a {label}"
                    )
            for batch in _batches(nodes, self.batch):
                self.write(functools.partial(self.node_batch, label, name, batch), len(batch))

    def node_batch(self, label: str, name: str, batch: list[Node], tx: Any) -> _Done:
        ids = [n.id for n in batch]
        self.clash(tx, label, ids)
        stored: dict[str, dict[str, Any]] = {}
        if label in self.held_labels:
            query = _NODES_HELD.format(label=name)
            stored = {r[0]: r[1] for r in tx.run(self.pin + query, ids=ids)}
        done = _Done(True, label, len(batch))
        fresh = [{"id": n.id, **n.properties} for n in batch if n.id not in stored]
        if fresh:
            tx.run(self.pin + _NODES_MERGE.format(label=name), rows=fresh).consume()
            done.nodes_created = len(fresh)
            done.created = [row["id"] for row in fresh]
        changed = [
            {"id": n.id, **n.properties}
            for n in batch
            if n.id in stored and stored[n.id] != {"id": n.id, **n.properties}
        ]
        if changed:
            tx.run(self.pin + _NODES_SET.format(label=name), rows=changed).consume()
            done.nodes_updated = len(changed)
            done.before = [stored[row["id"]] for row in changed]
        done.unchanged = len(stored) - len(changed)
        return done

    def clash(self, tx: Any, label: str, ids: list[str]) -> None:
        """Refuse an id the database holds under another label (constraints are per label)."""
        for held in self.held_labels:
            if held == label:
                continue
            query = self.pin + _HELD_AS.format(label=_ident(held, self.ont))
            record = tx.run(query, ids=ids).single()
            if record is not None:
                raise StoreError(
                    f"node {record[0]!r} is a {held} in the database but a {label} in the graph"
                )

    # -- relationships -----------------------------------------------------------------------------

    def resolve(self, edges: Iterable[Edge], final: bool) -> None:
        """Queue edges by (type, start label, end label); the ones with unknown ends wait."""
        edges = list(edges)
        unknown = {e.source for e in edges if e.source not in self.labels}
        unknown |= {e.target for e in edges if e.target not in self.labels}
        if unknown:
            self.read(functools.partial(self.look_up, sorted(unknown)))
        labels, waiting = self.labels, self.waiting
        for edge in edges:
            source, target = labels.get(edge.source), labels.get(edge.target)
            if source is None or target is None:
                if not final:
                    self.pending.append(edge)
                    continue
                missing = edge.source if source is None else edge.target
                raise StoreError(
                    f"cannot load relationship {edge.id!r}: no node with id {missing!r} in the graph or the database"
                )
            key = (edge.type, source, target)
            group = waiting.get(key)
            if group is None:
                if edge.type not in self.ont.relationships:
                    raise StoreError(
                        f"relationship {edge.id!r}: the ontology has no relationship {edge.type!r}"
                    )
                if not self.ont.allows(*key):
                    raise StoreError(
                        f"relationship {edge.id!r}: {key[0]} cannot go from {key[1]} to {key[2]}"
                    )
                group = waiting[key] = []
            group.append(edge)
            self.queued += 1

    def look_up(self, ids: list[str], tx: Any) -> None:
        """Learn the labels of nodes the database held before this load (one index per label)."""
        for label in self.held_labels:
            query = _NODES_FOUND.format(label=_ident(label, self.ont))
            for batch in _batches(ids, self.batch):
                for record in tx.run(self.pin + query, ids=batch):
                    self.labels.setdefault(record[0], label)

    def edges(self, key: tuple[str, str, str], edges: list[Edge]) -> None:
        names = {
            "type": _ident(key[0], self.ont),
            "src": _ident(key[1], self.ont),
            "dst": _ident(key[2], self.ont),
        }
        for batch in _batches(edges, self.batch):
            self.write(functools.partial(self.edge_batch, key, names, batch), len(batch))

    def edge_batch(
        self, key: tuple[str, str, str], names: dict[str, str], batch: list[Edge], tx: Any
    ) -> _Done:
        rtype, src, dst = key
        stored: dict[str, tuple[str, str, dict[str, Any]]] = {}
        if rtype in self.held_types:
            query = _EDGES_HELD.format(**names)
            ids = [e.id for e in batch]
            stored = {r[0]: (r[1], r[2], r[3]) for r in tx.run(self.pin + query, ids=ids)}
        done = _Done(False, rtype, len(batch))
        fresh, changed = [], []
        for e in batch:
            row: dict[str, Any] = {
                "source": e.source,
                "target": e.target,
                "props": {"id": e.id, **e.properties},
            }
            held = stored.get(e.id)
            if held is None:
                fresh.append(row)
                continue
            if (held[0], held[1]) != (e.source, e.target):
                raise StoreError(
                    f"relationship {e.id!r} goes from {held[0]!r} to {held[1]!r} in the "
                    f"database but from {e.source!r} to {e.target!r} in the graph"
                )
            if held[2] != row["props"]:
                changed.append(row)
        if fresh:
            query = _EDGES_MERGE.format(**names)
            matched = tx.run(self.pin + query, rows=fresh).single(strict=True)[0]
            if matched != len(fresh):
                missing = _missing_endpoints(tx, batch, src, dst, self.ont)
                raise StoreError(
                    f"cannot load {rtype} relationships: no node with id {missing!r} in the graph or the database"
                )
            done.edges_created = len(fresh)
            done.created = [row["props"]["id"] for row in fresh]
        if changed:
            tx.run(self.pin + _EDGES_SET.format(**names), rows=changed).consume()
            done.edges_updated = len(changed)
            done.before = [stored[row["props"]["id"]][2] for row in changed]
        done.unchanged = len(stored) - len(changed)
        return done


# -- the journal of a journaled load -----------------------------------------------------------


@dataclass(frozen=True)
class _Owner:
    """Who holds a journal: a host, a process, and a token of this one load or undo."""

    host: str
    pid: int
    token: str

    @classmethod
    def here(cls) -> _Owner:
        return cls(socket.gethostname(), os.getpid(), uuid.uuid4().hex)


class _Taken(Exception):
    """The journal is gone or held by another owner (who took this one for dead)."""

    def __init__(self, journal: dict[str, Any] | None) -> None:
        super().__init__("the journal is held by another process")
        self.journal = journal


def _journals(tx: Any) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(_JOURNALS)]


def _alive(journal: Mapping[str, Any]) -> bool:
    """Whether the owner of a journal may still be at work on it."""
    silent = journal["silent"]
    if silent is None or silent >= JOURNAL_TIMEOUT:
        return False
    return journal["host"] != socket.gethostname() or _process_exists(journal["pid"])


def _process_exists(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return True  # not a pid kg wrote: leave it to the heartbeat
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:  # a killed process that its parent has not reaped yet is still listed
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
            stat = file.read()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _in_progress(journal: Mapping[str, Any], taken: bool = False) -> str:
    who = f"process {journal['pid']} on host {journal['host']}"
    if taken:
        return f"another process has just taken over the interrupted load of {who}; try again"
    what = f"a load by {who} is in progress"
    if journal["state"] == "undoing":
        what = f"{who} is undoing an interrupted load"
    return (
        f"{what} (started {journal['started']}, {journal['elements']} elements committed, last "
        f"sign of life {journal['silent']} s ago): wait for it to end; if that process is gone, "
        f"the first load after {JOURNAL_TIMEOUT // 60} minutes without a sign of life undoes it"
    )


def _hold(tx: Any, load_id: str, token: str) -> dict[str, Any]:
    """Lock the journal for this transaction and check that ``token`` still holds it."""
    record = tx.run(_JOURNAL_LOCK, id=load_id).single()
    journal = record.data() if record is not None else None
    if journal is None or journal["owner"] != token:
        raise _Taken(journal)
    return journal


def _claim(
    session: Any, load_id: str, owner: str, heartbeat: str | None, me: _Owner
) -> dict[str, Any] | None:
    """Make ``me`` the owner of a journal, as it was seen; None if another process got there first.

    A journal being written becomes one being undone; one whose load landed stays so.
    """

    def unit(tx: Any) -> dict[str, Any]:
        journal = _hold(tx, load_id, owner)
        if heartbeat is not None and journal["heartbeat"] != heartbeat:
            raise _Taken(journal)  # its owner showed a sign of life after all
        state = "sealing" if journal["state"] == "sealing" else "undoing"
        params = {"state": state, "owner": me.token, "host": me.host, "pid": me.pid}
        tx.run(_JOURNAL_CLAIM, id=load_id, **params).consume()
        return journal

    try:
        result: dict[str, Any] = session.execute_write(unit)
    except _Taken:
        return None
    return result


def _undo(
    store: Neo4jStore,
    session: Any,
    load_id: str,
    token: str,
    elements: int,
    progress: Progress | None,
    step: str = "undoing an interrupted load",
) -> int:
    """Undo a held journal's records, newest first, each in a transaction; then delete it.

    Each record is deleted in the transaction that undoes it, so an undo that is itself
    interrupted goes on where it stopped. Returns the number of elements deleted or put back.
    """
    undone = 0
    while True:
        count = session.execute_write(_undo_record, store, load_id, token)
        if count is None:
            return undone
        undone += count
        if progress is not None:
            progress(step, undone, max(elements, undone))


def _undo_record(tx: Any, store: Neo4jStore, load_id: str, token: str) -> int | None:
    _hold(tx, load_id, token)
    tx.run(_JOURNAL_BEAT, id=load_id).consume()
    record = tx.run(_LAST_RECORD, id=load_id).single()
    if record is None:
        tx.run(_JOURNAL_DROP, id=load_id).consume()
        return None
    undo = json.loads(record["undo"])
    ont, size = store.ont, store.batch_size
    for rtype, ids in undo["relationships"].items():
        query = f"UNWIND $ids AS id MATCH ()-[r:{_ident(rtype, ont)} {{id: id}}]->() DELETE r"
        for batch in _batches(ids, size):
            tx.run(_PINNED + query, ids=batch).consume()
    for label, ids in undo["nodes"].items():
        # Nothing but this load can have tied a relationship to a node this load created.
        query = f"UNWIND $ids AS id MATCH (n:{_ident(label, ont)} {{id: id}}) DETACH DELETE n"
        for batch in _batches(ids, size):
            tx.run(_PINNED + query, ids=batch).consume()
    for label, rows in undo["nodes_before"].items():
        query = f"UNWIND $rows AS row MATCH (n:{_ident(label, ont)} {{id: row.id}}) SET n = row"
        for batch in _batches(rows, size):
            tx.run(_PINNED + query, rows=batch).consume()
    for rtype, rows in undo["relationships_before"].items():
        query = (
            f"UNWIND $rows AS row MATCH ()-[r:{_ident(rtype, ont)} {{id: row.id}}]->() SET r = row"
        )
        for batch in _batches(rows, size):
            tx.run(_PINNED + query, rows=batch).consume()
    tx.run(_RECORD_DROP, id=load_id, seq=record["seq"]).consume()
    count: int = record["elements"]
    return count


def _drop_journal(session: Any, load_id: str, token: str) -> None:
    """Delete the records of a load that landed, a few per transaction, then its journal."""

    def unit(tx: Any) -> int:
        _hold(tx, load_id, token)
        tx.run(_JOURNAL_BEAT, id=load_id).consume()
        dropped: int = tx.run(_RECORDS_DROP, id=load_id, n=_RECORDS_PER_DROP).single(strict=True)[0]
        if not dropped:
            tx.run(_JOURNAL_DROP, id=load_id).consume()
        return dropped

    while session.execute_write(unit):
        pass


def _undo_of(dones: list[_Done]) -> dict[str, dict[str, list[Any]]]:
    """The journal record of a batch: ids created and old property maps, by label or type."""
    undo: dict[str, dict[str, list[Any]]] = {
        "nodes": {},
        "relationships": {},
        "nodes_before": {},
        "relationships_before": {},
    }
    for done in dones:
        kind = "nodes" if done.node else "relationships"
        if done.created:
            undo[kind].setdefault(done.kind, []).extend(done.created)
        if done.before:
            undo[f"{kind}_before"].setdefault(done.kind, []).extend(done.before)
    return undo


def _unjournalable(value: Any) -> Any:
    raise StoreError(
        f"cannot keep a {type(value).__name__} property value in the load's journal (kg writes "
        "strings, numbers, booleans and lists): load without --commit-every"
    )


class _Journal:
    """The journal of a load being written: it commits the batches, each with its undo record."""

    def __init__(self, store: Neo4jStore, session: Any, every: int) -> None:
        self.store = store
        self.session = session
        self.every = every
        self.id = str(uuid.uuid4())
        self.me = _Owner.here()
        self.works: list[_Work] = []
        self.rows = 0  # rows of the works waiting to be committed
        self.commits = 0
        self.beaten = time.monotonic()

    def open(self) -> None:
        from neo4j import exceptions as nex

        me = self.me
        try:
            self.session.execute_write(
                lambda tx: tx.run(
                    _JOURNAL_OPEN, id=self.id, owner=me.token, host=me.host, pid=me.pid
                ).consume()
            )
        except nex.ConstraintError:  # another journaled load began since the recovery looked
            others = [j for j in self.session.execute_read(_journals) if j["state"] != "sealing"]
            if others:
                raise StoreError(_in_progress(others[0])) from None
            raise StoreError("another journaled load began at the same moment; try again") from None

    def add(self, work: _Work, rows: int) -> list[_Done]:
        """Queue a batch; commit the queue once it holds ``every`` rows."""
        self.works.append(work)
        self.rows += rows
        return self.commit() if self.rows >= self.every else []

    def commit(self, seal: bool = False) -> list[_Done]:
        """Commit the queued batches and their record in one transaction; ``seal``: the last one."""
        works, self.works, self.rows = self.works, [], 0
        dones: list[_Done] = self.session.execute_write(self.unit, works, self.commits + 1, seal)
        self.commits += 1
        self.beaten = time.monotonic()
        return dones

    def unit(self, tx: Any, works: list[_Work], seq: int, seal: bool) -> list[_Done]:
        _hold(tx, self.id, self.me.token)
        dones = [work(tx) for work in works]
        elements = sum(len(done.created) + len(done.before) for done in dones)
        if elements:
            undo = json.dumps(_undo_of(dones), default=_unjournalable)
            tx.run(_RECORD_CREATE, id=self.id, seq=seq, elements=elements, undo=undo).consume()
        # Sealing in the last batch's transaction: the load is complete exactly when it commits.
        tx.run(_JOURNAL_SEAL if seal else _JOURNAL_TOUCH, id=self.id, elements=elements).consume()
        return dones

    def beat(self) -> None:
        """Show a sign of life while the facts are read, at most every :data:`HEARTBEAT` seconds."""
        if time.monotonic() - self.beaten < HEARTBEAT:
            return

        def unit(tx: Any) -> None:
            _hold(tx, self.id, self.me.token)
            tx.run(_JOURNAL_BEAT, id=self.id).consume()

        self.session.execute_write(unit)
        self.beaten = time.monotonic()

    def abandon(self, why: BaseException, progress: Progress | None) -> None:
        """Undo what the failed load committed; raise a StoreError when that cannot be done."""
        from neo4j import exceptions as nex

        reason = "interrupted" if isinstance(why, KeyboardInterrupt) else _first_line(why)
        if isinstance(why, _Taken):
            reason = "another process took this load for dead"
        # A new session: the load's may have broken with the error.
        taken = StoreError(
            f"the load failed ({reason}) and another process has taken over its journal: that "
            "process undoes what it had committed"
        )
        with self.store.driver.session(database=self.store.config.database) as session:
            try:
                journal = _claim(session, self.id, self.me.token, None, self.me)
                if journal is None:
                    raise taken
                if journal["state"] == "sealing":
                    _drop_journal(session, self.id, self.me.token)
                    raise StoreError(
                        f"Neo4j reported an error as the load committed its last batch ({reason}), "
                        "but the load had landed whole; loading it again changes nothing"
                    )
                _undo(
                    self.store,
                    session,
                    self.id,
                    self.me.token,
                    journal["elements"],
                    progress,
                    "undoing the load",
                )
            except _Taken:
                raise taken from None
            except (nex.Neo4jError, nex.DriverError, OSError) as exc:
                raise StoreError(
                    f"the load failed ({reason}) and undoing it failed too ({_first_line(exc)}): "
                    "the next load into this database undoes it"
                ) from None


def _load_journaled(
    store: Neo4jStore,
    chunks: Iterable[Graph],
    progress: Progress | None,
    total: int,
    every: int,
) -> Neo4jLoadReport:
    """A load in batches of about ``every`` elements, each committed with its undo record."""
    from neo4j import exceptions as nex

    session = store.driver.session(database=store.config.database)
    try:
        journal = _Journal(store, session, every)
        journal.open()
        try:
            report = _Load(store, None, progress, total, journal).run(chunks)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                _reconnect(store)
            journal.abandon(exc, progress)
            if isinstance(exc, KeyboardInterrupt):
                raise StoreError(
                    "the load was interrupted and undone: nothing was written"
                ) from None
            if isinstance(exc, _Taken):
                raise StoreError(
                    "the load showed no sign of life for too long and another process undid it: "
                    "nothing was written"
                ) from None
            if not isinstance(exc, Exception) or isinstance(
                exc, KGError | nex.Neo4jError | nex.DriverError | OSError
            ):
                raise  # worded as in a one-transaction load, by the caller
            raise StoreError(
                f"the load failed and was undone, nothing was written: {type(exc).__name__}: "
                f"{_first_line(exc)}"
            ) from exc
        try:
            _drop_journal(session, journal.id, journal.me.token)
        except _Taken:
            pass  # another process took the journal for dead; the load had landed, it finishes it
        except (nex.Neo4jError, nex.DriverError, OSError) as exc:
            raise StoreError(
                f"the load landed whole, but deleting its journal failed ({_first_line(exc)}): "
                "the next load deletes it"
            ) from None
        return report
    finally:
        with contextlib.suppress(Exception):
            session.close()


def _reconnect(store: Neo4jStore) -> None:
    """Drop every connection of the store and open new ones.

    An interrupt (Ctrl-C) can stop the driver in the middle of a message, leaving a connection in
    no known state that may still hold a transaction open, with the journal's lock. Once its
    socket is closed the server rolls that transaction back, and the undo can take the lock.
    """
    with contextlib.suppress(Exception):
        store.driver.close()
    store.driver = _driver(store.config)


_RECORDS_PER_DROP = 50
# Each commit changes the statistics the planner used, and Neo4j then plans the load's statements
# again, over and over; some of those plans were a hundred times slower (a 10,000-row MERGE
# taking 50 s instead of 0.4 s, a 100k-event load taking 2 to 4 times as long). The first plan,
# the one a one-transaction load keeps throughout, stays.
_PINNED = "CYPHER replan=skip "
_JOURNALS = f"""
MATCH (j:{JOURNAL_LABEL})
RETURN j.id AS id, j.state AS state, j.owner AS owner, j.host AS host, j.pid AS pid,
       j.started AS started, j.heartbeat AS heartbeat, j.elements AS elements,
       duration.inSeconds(datetime(j.heartbeat), datetime()).seconds AS silent
ORDER BY j.started
"""
_JOURNAL_OPEN = f"""
CREATE (:{JOURNAL_LABEL} {{id: $id, slot: 'load', state: 'writing', owner: $owner, host: $host,
    pid: $pid, started: toString(datetime()), heartbeat: toString(datetime()), elements: 0,
    commits: 0}})
"""
# Setting a property takes the node's write lock, held to the end of the transaction: what the
# statement returns is then the latest committed state, and no other owner can change it.
_JOURNAL_LOCK = f"""
MATCH (j:{JOURNAL_LABEL} {{id: $id}}) SET j.lock = true REMOVE j.lock
RETURN j.owner AS owner, j.state AS state, j.heartbeat AS heartbeat, j.elements AS elements
"""
_JOURNAL_BEAT = f"MATCH (j:{JOURNAL_LABEL} {{id: $id}}) SET j.heartbeat = toString(datetime())"
_JOURNAL_TOUCH = f"""
MATCH (j:{JOURNAL_LABEL} {{id: $id}})
SET j.heartbeat = toString(datetime()), j.elements = j.elements + $elements,
    j.commits = j.commits + 1
"""
_JOURNAL_SEAL = f"""
MATCH (j:{JOURNAL_LABEL} {{id: $id}})
SET j.state = 'sealing', j.heartbeat = toString(datetime()), j.elements = j.elements + $elements,
    j.commits = j.commits + 1
REMOVE j.slot
"""
_JOURNAL_CLAIM = f"""
MATCH (j:{JOURNAL_LABEL} {{id: $id}})
SET j.state = $state, j.owner = $owner, j.host = $host, j.pid = $pid,
    j.heartbeat = toString(datetime())
"""
_JOURNAL_DROP = f"MATCH (j:{JOURNAL_LABEL} {{id: $id}}) DELETE j"
_RECORD_CREATE = f"""
CREATE (:{JOURNAL_RECORD_LABEL} {{load: $id, seq: $seq, elements: $elements, undo: $undo}})
"""
_LAST_RECORD = f"""
MATCH (b:{JOURNAL_RECORD_LABEL} {{load: $id}})
RETURN b.seq AS seq, b.elements AS elements, b.undo AS undo ORDER BY b.seq DESC LIMIT 1
"""
_RECORD_DROP = f"MATCH (b:{JOURNAL_RECORD_LABEL} {{load: $id, seq: $seq}}) DELETE b"
_RECORDS_DROP = f"""
MATCH (b:{JOURNAL_RECORD_LABEL} {{load: $id}}) WITH b LIMIT $n DELETE b RETURN count(*)
"""


# Nodes and relationships the database holds already, with their properties, by id.
_NODES_HELD = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id, properties(n)"
_NODES_FOUND = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id"
_EDGES_HELD = (
    "UNWIND $ids AS id MATCH (a)-[r:{type} {{id: id}}]->(b) RETURN r.id, a.id, b.id, properties(r)"
)
# New rows. MERGE rather than CREATE: a concurrent load of the same facts waits on the lock of
# the id (nodes) or of both end nodes (relationships) and then finds the element, never doubles it.
_NODES_MERGE = "UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) ON CREATE SET n = row"
_EDGES_MERGE = """
UNWIND $rows AS row
MATCH (a:{src} {{id: row.source}})
MATCH (b:{dst} {{id: row.target}})
MERGE (a)-[r:{type} {{id: row.props.id}}]->(b) ON CREATE SET r = row.props
RETURN count(*)
"""
# Changed rows: the properties are replaced as a whole, so a property the facts dropped goes.
_NODES_SET = "UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET n = row"
_EDGES_SET = """
UNWIND $rows AS row
MATCH (a:{src} {{id: row.source}})-[r:{type} {{id: row.props.id}}]->(b:{dst} {{id: row.target}})
SET r = row.props
"""
