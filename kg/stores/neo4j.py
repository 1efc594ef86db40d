"""The Neo4j store: a Neo4j server (single instance, cluster or Aura) through the official driver.

Constraints and indexes come from the ontology and are created idempotently. A load writes nodes
first, then relationships, in batched ``UNWIND $rows ... MERGE`` statements that all run in one
managed write transaction (``execute_write``): the load lands whole or not at all, the driver
retries it as a whole on transient errors, and because every statement merges on the stable id a
retry or a second load changes nothing. Labels and relationship types come from the ontology and
are checked against it before they reach a statement; values always travel as parameters.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from kg.config import Neo4jConfig
from kg.errors import ConnectionFailed, KGError, QueryError, StoreError
from kg.model import Edge, Graph, Node
from kg.ontology import Ontology, load_ontology
from kg.stores.base import LoadReport, Progress, QueryResult

__all__ = ["Neo4jStore", "constraint_statements"]

BATCH_SIZE = 10_000
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs connection trouble as warnings; kg reports it once, as its own one-line error.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


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


class Neo4jStore:
    """A kg store in a Neo4j database.

    Args:
        config: server, credentials and database (see :class:`~kg.config.Neo4jConfig`).
        batch_size: rows per ``UNWIND`` statement.
    """

    engine = "neo4j"

    def __init__(
        self, config: Neo4jConfig, batch_size: int = BATCH_SIZE, ontology: Ontology | None = None
    ) -> None:
        import neo4j
        from neo4j import exceptions as nex

        self.config = config
        self.batch_size = batch_size
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
            self.driver = neo4j.GraphDatabase.driver(
                config.uri, auth=(config.username, config.password or ""), connection_timeout=10.0
            )
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
        missing = [s for s in constraint_statements(self.ont) if s.split()[2] not in existing]
        for statement in missing:
            self._run(statement)
        if missing:
            self._run("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    # -- loading -----------------------------------------------------------------------------------

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        """Merge the graph into the database in one managed write transaction.

        The driver retries the transaction as a whole on transient errors.
        """
        return self.load_chunks([graph], progress)

    def load_chunks(self, chunks: Iterable[Graph], progress: Progress | None = None) -> LoadReport:
        """Merge a stream of graphs into the database, all of them in one transaction.

        Each chunk is written as it comes (batched statements inside the open transaction) and
        dropped; the transaction commits once the chunks are exhausted, so an exception from
        the iterator (facts found invalid in their last file) writes nothing. A sequence (a
        list of graphs) runs as a managed transaction that the driver may retry; a one-pass
        iterator runs in an explicit transaction, not retried. Progress is reported per batch
        as (step, elements done, elements in all the chunks, or 0 when that is unknown).

        Raises:
            StoreError: the graph does not fit the ontology or the database, or Neo4j refused
                it; nothing was written.
        """
        from neo4j import exceptions as nex

        started = time.monotonic()
        self.ensure_schema()
        try:
            with self.driver.session(database=self.config.database) as session:
                if isinstance(chunks, Sequence):
                    total = sum(len(chunk) for chunk in chunks)
                    report = session.execute_write(
                        lambda tx: _Load(self, tx, progress, total).run(chunks)
                    )
                else:
                    with session.begin_transaction() as tx:
                        report = _Load(self, tx, progress, 0).run(chunks)
                        tx.commit()
        except KGError:
            raise
        except nex.ClientError as exc:
            raise StoreError(
                f"Neo4j rejected the load (nothing was written): {_first_line(exc)}"
            ) from None
        except (nex.Neo4jError, nex.DriverError, OSError) as exc:
            raise StoreError(
                f"load into Neo4j at {self.config.uri} failed (nothing was written): {_first_line(exc)}"
            ) from None
        report.seconds = time.monotonic() - started
        return report

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


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).strip().splitlines()[0]


class _Load:
    """One load inside one transaction: chunks written as they come, references resolved.

    Kept across chunks: the label of every node id the load wrote (to pick the index each
    relationship's end nodes are matched by), the labels and types the database held when the
    load started (only those need an existence check), and relationships whose end node has not
    come yet.
    """

    def __init__(self, store: Neo4jStore, tx: Any, progress: Progress | None, total: int) -> None:
        self.store = store
        self.ont = store.ont
        self.tx = tx
        self.progress = progress
        self.total = total
        self.done = 0
        self.batch = store.batch_size
        self.report = LoadReport()
        self.labels: dict[str, str] = {}  # node id -> label, for nodes of this load or looked up
        self.pending: list[Edge] = []  # relationships with an end node not seen yet
        self.waiting: dict[tuple[str, str, str], list[Edge]] = {}  # to be written, by group
        self.queued = 0  # relationships waiting
        self.queue_max = 20 * self.batch
        # Counts come from the count store: cheap whatever the size. (db.labels() would also
        # list labels whose nodes were all deleted.)
        self.held_labels = [
            label
            for label in self.ont.node_labels
            if tx.run(f"MATCH (n:{_ident(label, self.ont)}) RETURN count(n)").single(strict=True)[0]
        ]
        self.held_types = frozenset(
            rtype
            for rtype in self.ont.relationships
            if tx.run(f"MATCH ()-[r:{_ident(rtype, self.ont)}]->() RETURN count(r)").single(
                strict=True
            )[0]
        )

    def run(self, chunks: Iterable[Graph]) -> LoadReport:
        for chunk in chunks:
            self.nodes(chunk)
            self.resolve(chunk.edges.values(), final=False)
            self.flush(self.batch)
        pending, self.pending = self.pending, []
        self.resolve(pending, final=True)
        self.flush(1)
        return self.report

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
                ids = [n.id for n in batch]
                self.clash(label, ids)
                stored: dict[str, dict[str, Any]] = {}
                if label in self.held_labels:
                    query = _NODES_HELD.format(label=name)
                    stored = {r[0]: r[1] for r in self.tx.run(query, ids=ids)}
                fresh = [{"id": n.id, **n.properties} for n in batch if n.id not in stored]
                if fresh:
                    self.tx.run(_NODES_MERGE.format(label=name), rows=fresh).consume()
                    self.report.nodes_created += len(fresh)
                changed = [
                    {"id": n.id, **n.properties}
                    for n in batch
                    if n.id in stored and stored[n.id] != {"id": n.id, **n.properties}
                ]
                if changed:
                    self.tx.run(_NODES_SET.format(label=name), rows=changed).consume()
                    self.report.nodes_updated += len(changed)
                self.report.unchanged += len(stored) - len(changed)
                self.step(f"nodes {label}", len(batch))

    def clash(self, label: str, ids: list[str]) -> None:
        """Refuse an id the database holds under another label (constraints are per label)."""
        for held in self.held_labels:
            if held == label:
                continue
            record = self.tx.run(_HELD_AS.format(label=_ident(held, self.ont)), ids=ids).single()
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
            self.look_up(sorted(unknown))
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

    def look_up(self, ids: list[str]) -> None:
        """Learn the labels of nodes the database held before this load (one index per label)."""
        for label in self.held_labels:
            query = _NODES_FOUND.format(label=_ident(label, self.ont))
            for batch in _batches(ids, self.batch):
                for record in self.tx.run(query, ids=batch):
                    self.labels.setdefault(record[0], label)

    def edges(self, key: tuple[str, str, str], edges: list[Edge]) -> None:
        rtype, src, dst = key
        names = {
            "type": _ident(rtype, self.ont),
            "src": _ident(src, self.ont),
            "dst": _ident(dst, self.ont),
        }
        for batch in _batches(edges, self.batch):
            stored: dict[str, tuple[str, str, dict[str, Any]]] = {}
            if rtype in self.held_types:
                query = _EDGES_HELD.format(**names)
                stored = {
                    r[0]: (r[1], r[2], r[3]) for r in self.tx.run(query, ids=[e.id for e in batch])
                }
            fresh, changed = [], []
            for e in batch:
                row = {
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
                matched = self.tx.run(query, rows=fresh).single(strict=True)[0]
                if matched != len(fresh):
                    missing = _missing_endpoints(self.tx, batch, src, dst, self.ont)
                    raise StoreError(
                        f"cannot load {rtype} relationships: no node with id {missing!r} in the graph or the database"
                    )
                self.report.edges_created += len(fresh)
            if changed:
                self.tx.run(_EDGES_SET.format(**names), rows=changed).consume()
                self.report.edges_updated += len(changed)
            self.report.unchanged += len(stored) - len(changed)
            self.step(f"relationships {rtype}", len(batch))


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
