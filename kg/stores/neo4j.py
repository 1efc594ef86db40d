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
from collections.abc import Iterable, Mapping
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
        """Merge the graph into the database in one managed write transaction."""
        from neo4j import exceptions as nex

        started = time.monotonic()
        self.ensure_schema()
        node_groups = [(label, nodes) for label, nodes in graph.nodes_by_label().items()]
        edge_groups = self._edge_groups(graph)
        total = len(graph.nodes) + len(graph.edges)
        report = LoadReport()

        def work(tx: Any) -> LoadReport:
            counts = LoadReport()
            done = 0
            clash = _label_clash(tx, node_groups, self.ont)
            if clash is not None:
                node_id, held, given = clash
                raise StoreError(
                    f"node {node_id!r} is a {held} in the database but a {given} in the graph"
                )
            for label, nodes in node_groups:
                statement = _NODE_MERGE.format(label=_ident(label, self.ont))
                for batch in _batches(nodes, self.batch_size):
                    rows = [{"id": n.id, "props": {"id": n.id, **n.properties}} for n in batch]
                    created, updated = tx.run(statement, rows=rows).single(strict=True)
                    counts.nodes_created += created
                    counts.nodes_updated += updated
                    counts.unchanged += len(rows) - created - updated
                    done += len(rows)
                    if progress:
                        progress(f"nodes {label}", done, total)
            for (rtype, src, dst), edges in edge_groups:
                statement = _EDGE_MERGE.format(
                    type=_ident(rtype, self.ont),
                    src=_ident(src, self.ont),
                    dst=_ident(dst, self.ont),
                )
                for batch in _batches(edges, self.batch_size):
                    rows = [
                        {
                            "id": e.id,
                            "source": e.source,
                            "target": e.target,
                            "props": {"id": e.id, **e.properties},
                        }
                        for e in batch
                    ]
                    matched, created, updated = tx.run(statement, rows=rows).single(strict=True)
                    if matched != len(rows):
                        missing = _missing_endpoints(tx, batch, src, dst, self.ont)
                        raise StoreError(
                            f"cannot load {rtype} relationships: no node with id {missing!r} in the graph or the database"
                        )
                    counts.edges_created += created
                    counts.edges_updated += updated
                    counts.unchanged += len(rows) - created - updated
                    done += len(rows)
                    if progress:
                        progress(f"relationships {rtype}", done, total)
            return counts

        try:
            with self.driver.session(database=self.config.database) as session:
                report = session.execute_write(work)
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

    def _edge_groups(self, graph: Graph) -> list[tuple[tuple[str, str, str], list[Edge]]]:
        """Edges grouped by (type, start label, end label) so every MATCH can use a label's index."""
        unknown = {e.source for e in graph.edges.values() if e.source not in graph.nodes}
        unknown |= {e.target for e in graph.edges.values() if e.target not in graph.nodes}
        labels = {n.id: n.label for n in graph.nodes.values()}
        if unknown:
            for node_id, node_labels in self._run(
                "MATCH (n) WHERE n.id IN $ids RETURN n.id, labels(n)", {"ids": sorted(unknown)}
            ):
                known = [x for x in node_labels if x in self.ont.classes]
                if known:
                    labels[node_id] = known[0]
        groups: dict[tuple[str, str, str], list[Edge]] = {}
        for edge in graph.edges.values():
            if edge.source not in labels or edge.target not in labels:
                missing = edge.source if edge.source not in labels else edge.target
                raise StoreError(
                    f"cannot load relationship {edge.id!r}: no node with id {missing!r} in the graph or the database"
                )
            key = (edge.type, labels[edge.source], labels[edge.target])
            if not self.ont.allows(*key):
                raise StoreError(
                    f"relationship {edge.id!r}: {key[0]} cannot go from {key[1]} to {key[2]}"
                )
            groups.setdefault(key, []).append(edge)
        return list(groups.items())

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


# Rows: {id, props}. Counts what is new and what changes before writing, and writes only those.
_NODE_MERGE = """
UNWIND $rows AS row
OPTIONAL MATCH (old:{label} {{id: row.id}})
WITH row, old IS NULL AS created, old IS NOT NULL AND properties(old) <> row.props AS changed
WITH collect(CASE WHEN created OR changed THEN row END) AS todo,
     sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
     sum(CASE WHEN changed THEN 1 ELSE 0 END) AS updated
CALL (todo) {{
  UNWIND todo AS row
  MERGE (n:{label} {{id: row.id}})
  SET n = row.props
}}
RETURN created, updated
"""

# Rows: {id, source, target, props}. matched counts rows whose two endpoints exist.
_EDGE_MERGE = """
UNWIND $rows AS row
MATCH (a:{src} {{id: row.source}})
MATCH (b:{dst} {{id: row.target}})
OPTIONAL MATCH (a)-[old:{type} {{id: row.id}}]->(b)
WITH row, a, b, old IS NULL AS created, old IS NOT NULL AND properties(old) <> row.props AS changed
WITH collect(CASE WHEN created OR changed THEN {{a: a, b: b, row: row}} END) AS todo,
     count(row) AS matched,
     sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
     sum(CASE WHEN changed THEN 1 ELSE 0 END) AS updated
CALL (todo) {{
  UNWIND todo AS item
  WITH item.a AS a, item.b AS b, item.row AS row
  MERGE (a)-[r:{type} {{id: row.id}}]->(b)
  SET r = row.props
}}
RETURN matched, created, updated
"""


_HELD_AS = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id LIMIT 1"


def _label_clash(
    tx: Any, node_groups: list[tuple[str, list[Node]]], ont: Ontology
) -> tuple[str, str, str] | None:
    """An id the database holds under another label than the graph gives it: (id, held, given).

    Constraints make an id unique per label only, so without this check MERGE would add a second
    node with the same id under the other label.
    """
    present = {record[0] for record in tx.run("CALL db.labels() YIELD label RETURN label")}
    for held in ont.node_labels:
        if held not in present:
            continue
        for given, nodes in node_groups:
            if given == held:
                continue
            for batch in _batches([n.id for n in nodes], BATCH_SIZE):
                record = tx.run(_HELD_AS.format(label=_ident(held, ont)), ids=batch).single()
                if record is not None:
                    return record[0], held, given
    return None


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
