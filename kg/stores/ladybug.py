"""The embedded store: a LadybugDB database in one file, with its schema derived from the ontology.

Schema. Each concrete ontology class is a node table (``id STRING PRIMARY KEY`` and the class's
properties); each relationship type is one rel table holding every allowed (start, end) label pair,
with an ``id`` column and the type's properties. Property types follow the ontology: string ->
STRING, integer -> INT64, boolean -> BOOL, double -> DOUBLE, and a multi-valued property is a
list (``STRING[]``). :meth:`LadybugStore.ensure_schema` creates missing tables and adds missing
columns and label pairs when the ontology grew; it never drops anything.

Loading. A load is one transaction (``BEGIN TRANSACTION`` ... ``COMMIT``; any failure rolls it
back), so the store holds all of a graph or none of it. Before it starts, the load reads the ids
the store already holds: nodes and edges that are new are written to Parquet files in a temporary
folder and bulk-copied (``COPY ... FROM``), the fastest path the engine has and the only one that
fails cleanly on a bad row; an id the store holds already is compared with the graph and, if its
properties differ, updated in place (``SET``), so loading the same graph twice changes nothing.
The graph is checked against the ontology and the store first: an unknown label, a property the
ontology does not give the label, an edge whose end node is neither in the graph nor in the store,
or an id the store holds under another label all stop the load before anything is written.

Concurrency. One process at a time may open the store for writing; another gets
:class:`~kg.errors.StoreInUse`. A read-only store (``read_only=True``) opens beside a writer and
sees what it has committed. A read-only store never changes the schema: tables the store lacks
are left out of :meth:`~LadybugStore.read_graph` and :meth:`~LadybugStore.stats`, and a query that
names one fails with :class:`~kg.errors.QueryError`.

Query results. Values come back as plain Python: dates and times as ISO 8601 strings, a duration
as an ISO 8601 duration, decimals as int or float, UUIDs as strings, blobs as hex strings. A node
or relationship returned whole becomes the dict of its set properties (``id`` included, like
``dict(node)`` with the Neo4j driver), and a path the list of its nodes' ids.

>>> import tempfile
>>> from kg.facts import load_facts, sample_facts_path
>>> graph = load_facts(sample_facts_path())
>>> with tempfile.TemporaryDirectory() as folder:
...     with LadybugStore(Path(folder) / "kg.lbug") as store:
...         first, again = store.load(graph), store.load(graph)
...         same = store.read_graph() == graph
...         names = store.query(
...             "MATCH (p:Person) WHERE p.id = $id RETURN p.name AS name", {"id": "marco-rubio"}
...         )
>>> first.nodes_created == len(graph.nodes), again.changed, same, names.rows
(True, 0, True, [['Marco Rubio']])
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import ladybug
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kg.errors import KGError, QueryError, StoreError, StoreInUse
from kg.model import Edge, Graph, Node, clean_properties
from kg.ontology import Ontology, PropertyDef, load_ontology
from kg.stores.base import LoadReport, Progress, QueryResult

__all__ = ["LadybugStore", "column_type", "schema_statements"]

_ENGINE_TYPES = {"string": "STRING", "integer": "INT64", "boolean": "BOOL", "double": "DOUBLE"}
_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "double": pa.float64(),
}
_LOCK_HELD = re.compile(r"Could not set lock on file.*?Lock is held by PID (\d+)", re.DOTALL)


def column_type(prop: PropertyDef) -> str:
    """The engine's column type for an ontology property.

    >>> ont = load_ontology()
    >>> column_type(ont.properties["quote_start"]), column_type(ont.properties["alias"])
    ('INT64', 'STRING[]')
    """
    base = _ENGINE_TYPES[prop.datatype]
    return f"{base}[]" if prop.many else base


def _arrow_type(prop: PropertyDef) -> pa.DataType:
    # Explicit types: a column whose values are all None would otherwise be inferred as null/int
    # and the engine refuses to cast it to a list or string column.
    base = _ARROW_TYPES[prop.datatype]
    return pa.list_(base) if prop.many else base


@dataclass(frozen=True)
class _Table:
    """A node or rel table as the ontology defines it."""

    name: str
    rel: bool
    columns: tuple[PropertyDef, ...]
    pairs: tuple[tuple[str, str], ...] = ()

    def ddl(self) -> str:
        cols = ", ".join(f"`{c.name}` {column_type(c)}" for c in self.columns)
        if not self.rel:
            return f"CREATE NODE TABLE `{self.name}`(`id` STRING PRIMARY KEY, {cols})"
        pairs = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in self.pairs)
        return f"CREATE REL TABLE `{self.name}`({pairs}, `id` STRING, {cols})"


def _tables(ont: Ontology) -> list[_Table]:
    nodes = [_Table(label, False, tuple(ont.node_properties(label))) for label in ont.node_labels]
    rels = [
        _Table(t, True, tuple(ont.relationship_properties(t)), tuple(r.endpoints))
        for t, r in ont.relationships.items()
    ]
    return nodes + rels


def schema_statements(ont: Ontology | None = None) -> list[str]:
    """The DDL of the whole store: node tables first, then rel tables, in ontology order.

    >>> ddl = schema_statements()
    >>> ddl[0].startswith("CREATE NODE TABLE `Person`(`id` STRING PRIMARY KEY, `name` STRING")
    True
    >>> [s for s in ddl if "`LOCATED_IN`" in s]
    ['CREATE REL TABLE `LOCATED_IN`(FROM `Place` TO `Country`, `id` STRING, `quote` STRING, \
`quote_start` INT64, `quote_end` INT64, `document` STRING, `note` STRING)']
    """
    return [t.ddl() for t in _tables(ont or load_ontology())]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _literal(text: str) -> str:
    """A Cypher string literal (used for file paths only; values always go as parameters)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _iso_duration(value: dt.timedelta) -> str:
    seconds = value.seconds + value.microseconds / 1_000_000
    return f"P{value.days}DT{seconds:g}S"


def _plain(value: Any) -> Any:
    """An engine value as plain Python (see the module docstring)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:  # a path
            return [node.get("id") for node in value["_NODES"]]
        if "_LABEL" in value and "_ID" in value:  # a node or relationship
            return clean_properties(
                {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
            )
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _iso_duration(value)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


@dataclass
class _Plan:
    """What a load will do, worked out before anything is written."""

    nodes: dict[str, list[Node]] = field(default_factory=dict)  # new nodes per label
    edges: dict[tuple[str, str, str], list[Edge]] = field(default_factory=dict)  # (type, from, to)
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # statement, parameters
    nodes_updated: int = 0
    edges_updated: int = 0
    unchanged: int = 0


class LadybugStore:
    """A kg store in an embedded LadybugDB database file.

    Args:
        path: the database file; created (with its schema) on first use unless ``read_only``.
        read_only: open for reading only; works while another process writes, and never creates
            the store.

    Raises:
        StoreInUse: another process holds the store for writing.
        StoreError: the store cannot be opened (or, read-only, does not exist).
    """

    engine = "ladybug"

    def __init__(self, path: str | Path = "kg.lbug", read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._ont = load_ontology()
        self._tables = {t.name: t for t in _tables(self._ont)}
        self._present: dict[str, list[str]] = {}  # ontology table -> its columns the store has
        self._closed = True
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; run kg load first")
        if not read_only and not self.path.parent.is_dir():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            self._db = ladybug.Database(str(self.path), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            held = _LOCK_HELD.search(str(exc))
            if held:
                raise StoreInUse(
                    f"{self.path}: store is in use by process {held.group(1)}"
                ) from None
            raise StoreError(f"{self.path}: cannot open the store: {_first_line(exc)}") from None
        self._closed = False
        try:
            self.ensure_schema()
        except KGError:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> LadybugStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the database and its file lock; closing twice is fine."""
        if self._closed:
            return
        self._closed = True
        self._conn.close()
        self._db.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"LadybugStore({str(self.path)!r}, {mode}{', closed' if self._closed else ''})"

    # -- engine access -----------------------------------------------------------------------------

    def _run(self, cypher: str, parameters: dict[str, Any] | None = None) -> Any:
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        try:
            return self._conn.execute(cypher, parameters or {})
        except RuntimeError as exc:
            raise StoreError(f"{self.path}: {_first_line(exc)}") from None

    def _rows(self, cypher: str, parameters: dict[str, Any] | None = None) -> list[list[Any]]:
        rows: list[list[Any]] = self._run(cypher, parameters).get_all()
        return rows

    def _columns(self, cypher: str, parameters: dict[str, Any] | None = None) -> list[list[Any]]:
        """A query's result column by column, through Arrow (fast for whole tables)."""
        table = self._run(cypher, parameters).get_as_arrow(-1)
        return [column.to_pylist() for column in table.columns]

    def _columns_for(self, cypher: str, ids: list[str]) -> list[list[Any]]:
        """A whole-table query's columns, kept for the rows whose first column is one of ``ids``.

        Scanning the table and filtering in Arrow is linear; ``WHERE x.id IN $ids`` in the engine
        tests every row against the whole list, and rel tables have no index on ``id``.
        """
        table = self._run(cypher).get_as_arrow(-1)
        wanted = pa.array(ids, type=table.schema.field(0).type)
        table = table.filter(pc.is_in(table.column(0), value_set=wanted))
        return [column.to_pylist() for column in table.columns]

    def _inspect(self) -> dict[str, str]:
        """Tables the store has, by name: ``NODE`` or ``REL``."""
        return {name: kind for name, kind in self._rows("CALL show_tables() RETURN name, type")}

    # -- schema ------------------------------------------------------------------------------------

    def schema_statements(self) -> list[str]:
        """The DDL derived from the ontology (see :func:`schema_statements`)."""
        return [t.ddl() for t in self._tables.values()]

    def ensure_schema(self) -> list[str]:
        """Create what the ontology defines and the store lacks; return the tables changed.

        Idempotent: missing tables are created, missing columns and label pairs added, nothing is
        dropped. A column whose type differs from the ontology is a :class:`StoreError` (rebuild
        the store). A read-only store is never changed: it only notes which tables and columns it
        has, and reading skips the rest.
        """
        existing = self._inspect()
        changed: list[str] = []
        for table in self._tables.values():
            kind = existing.get(table.name)
            if kind is None:
                if not self.read_only:
                    self._run(table.ddl())
                    changed.append(table.name)
                continue
            if kind != ("REL" if table.rel else "NODE"):
                raise StoreError(
                    f"{self.path}: table {table.name} is a {kind} table in the store; "
                    "the ontology makes it the other kind; load into a new store"
                )
            if not self.read_only and self._complete(table):
                changed.append(table.name)
        self._present = {}
        existing = self._inspect()
        for table in self._tables.values():
            if table.name in existing:
                info = self._rows(f"CALL table_info({_literal(table.name)}) RETURN name")
                have = {row[0] for row in info}
                self._present[table.name] = [c.name for c in table.columns if c.name in have]
        return changed

    def _complete(self, table: _Table) -> bool:
        """Add the columns and label pairs a table lacks; whether anything was added."""
        info = self._rows(f"CALL table_info({_literal(table.name)}) RETURN name, type")
        have = {name: kind for name, kind in info}
        added = False
        for col in table.columns:
            want = column_type(col)
            if col.name not in have:
                self._run(f"ALTER TABLE `{table.name}` ADD `{col.name}` {want}")
                added = True
            elif have[col.name] != want:
                raise StoreError(
                    f"{self.path}: column {table.name}.{col.name} is {have[col.name]} in the store "
                    f"but {want} in the ontology; load into a new store"
                )
        if table.rel:
            rows = self._rows(f"CALL show_connection({_literal(table.name)}) RETURN *")
            pairs = {(row[0], row[1]) for row in rows}
            for a, b in table.pairs:
                if (a, b) not in pairs:
                    self._run(f"ALTER TABLE `{table.name}` ADD FROM `{a}` TO `{b}`")
                    added = True
        return added

    # -- loading -----------------------------------------------------------------------------------

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        """Write a graph all-or-nothing; what the store already holds unchanged is left alone.

        Args:
            graph: the nodes and edges to write.
            progress: called with (step, tables done, tables to copy) after each table copied.

        Raises:
            StoreError: the graph does not fit the ontology or the store (nothing written), or
                the engine refused it (rolled back, nothing written).
        """
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        started = time.perf_counter()
        plan = self._plan(graph)
        report = LoadReport(
            nodes_created=sum(len(v) for v in plan.nodes.values()),
            nodes_updated=plan.nodes_updated,
            edges_created=sum(len(v) for v in plan.edges.values()),
            edges_updated=plan.edges_updated,
            unchanged=plan.unchanged,
        )
        if report.changed:
            with tempfile.TemporaryDirectory(prefix="kg-load-") as folder:
                copies = self._stage(plan, Path(folder))
                self._write(copies, plan.updates, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _plan(self, graph: Graph) -> _Plan:
        """Check the graph against the ontology and the store; sort new, changed and unchanged."""
        held_nodes: dict[str, str] = {}  # id -> label, for every node the store holds
        held_edges: dict[str, str] = {}  # id -> type
        for name, spec in self._tables.items():
            if spec.rel:
                (ids,) = self._columns(f"MATCH ()-[r:`{name}`]->() RETURN r.id")
                held_edges.update(dict.fromkeys(ids, name))
            else:
                (ids,) = self._columns(f"MATCH (n:`{name}`) RETURN n.id")
                held_nodes.update(dict.fromkeys(ids, name))

        plan = _Plan()
        same_nodes: dict[str, list[Node]] = {}
        for node in graph.nodes.values():
            defined = self._tables.get(node.label)
            if defined is None or defined.rel:
                raise StoreError(f"node {node.id!r}: the ontology has no label {node.label!r}")
            held = held_nodes.get(node.id)
            if held is None:
                plan.nodes.setdefault(node.label, []).append(node)
            elif held != node.label:
                raise StoreError(
                    f"node {node.id!r} is a {held} in the store but a {node.label} in the graph"
                )
            else:
                same_nodes.setdefault(node.label, []).append(node)

        pairs = {t: set(r.endpoints) for t, r in self._ont.relationships.items()}
        same_edges: dict[str, list[tuple[Edge, str, str]]] = {}  # with their end labels
        for edge in graph.edges.values():
            if edge.type not in pairs:
                raise StoreError(
                    f"edge {edge.id!r}: the ontology has no relationship {edge.type!r}"
                )
            ends = []
            for end in (edge.source, edge.target):
                known = graph.nodes.get(end)
                label = known.label if known is not None else held_nodes.get(end)
                if label is None:
                    raise StoreError(
                        f"edge {edge.id!r}: no node {end!r} in the graph or in the store"
                    )
                ends.append(label)
            source, target = ends
            if (source, target) not in pairs[edge.type]:
                raise StoreError(
                    f"edge {edge.id!r}: {edge.type} may not go from {source} to {target}"
                )
            held = held_edges.get(edge.id)
            if held is None:
                plan.edges.setdefault((edge.type, source, target), []).append(edge)
            elif held != edge.type:
                raise StoreError(
                    f"edge {edge.id!r} is a {held} in the store but a {edge.type} in the graph"
                )
            else:
                same_edges.setdefault(edge.type, []).append((edge, source, target))

        for label, nodes in same_nodes.items():
            self._compare_nodes(plan, self._tables[label], nodes)
        for rtype, edges in same_edges.items():
            self._compare_edges(plan, self._tables[rtype], edges)
        return plan

    def _setters(
        self, table: _Table, what: str, props: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """The SET clause and parameters that give an element exactly these properties."""
        names = [c.name for c in table.columns]
        unknown = sorted(set(props) - set(names))
        if unknown:
            raise StoreError(f"{what}: {table.name} has no property {unknown[0]!r} in the ontology")
        clause = ", ".join(f"x.`{name}` = $p{i}" for i, name in enumerate(names))
        return clause, {f"p{i}": props.get(name) for i, name in enumerate(names)}

    def _compare_nodes(self, plan: _Plan, table: _Table, nodes: list[Node]) -> None:
        names = [c.name for c in table.columns]
        returns = ", ".join(f"n.`{name}`" for name in names)
        ids, *values = self._columns_for(
            f"MATCH (n:`{table.name}`) RETURN n.id, {returns}", [n.id for n in nodes]
        )
        stored = {
            node_id: clean_properties(dict(zip(names, row, strict=True)))
            for node_id, *row in zip(ids, *values, strict=True)
        }
        for node in nodes:
            if stored.get(node.id) == node.properties:
                plan.unchanged += 1
                continue
            clause, params = self._setters(table, f"node {node.id!r}", node.properties)
            params["id"] = node.id
            plan.updates.append((f"MATCH (x:`{table.name}`) WHERE x.id = $id SET {clause}", params))
            plan.nodes_updated += 1

    def _compare_edges(
        self, plan: _Plan, table: _Table, edges: list[tuple[Edge, str, str]]
    ) -> None:
        names = [c.name for c in table.columns]
        returns = ", ".join(f"r.`{name}`" for name in names)
        ids, sources, targets, *values = self._columns_for(
            f"MATCH (a)-[r:`{table.name}`]->(b) RETURN r.id, a.id, b.id, {returns}",
            [e.id for e, _, _ in edges],
        )
        stored = {
            edge_id: (source, target, clean_properties(dict(zip(names, row, strict=True))))
            for edge_id, source, target, *row in zip(ids, sources, targets, *values, strict=True)
        }
        for edge, source_label, target_label in edges:
            source, target, props = stored[edge.id]
            if (source, target) != (edge.source, edge.target):
                raise StoreError(
                    f"edge {edge.id!r} goes from {source!r} to {target!r} in the store "
                    f"but from {edge.source!r} to {edge.target!r} in the graph"
                )
            if props == edge.properties:
                plan.unchanged += 1
                continue
            clause, params = self._setters(table, f"edge {edge.id!r}", edge.properties)
            params.update(id=edge.id, source=edge.source, target=edge.target)
            # Found from its end nodes' primary keys: rel tables have no index on their ids.
            match = (
                f"MATCH (:`{source_label}` {{id: $source}})-[x:`{table.name}`]->"
                f"(:`{target_label}` {{id: $target}}) WHERE x.id = $id"
            )
            plan.updates.append((f"{match} SET {clause}", params))
            plan.edges_updated += 1

    def _arrow(
        self, table: _Table, what: list[tuple[str, Any]], heads: list[tuple[str, list[Any]]]
    ) -> pa.Table:
        """Build one Arrow table in a single pass: the head columns, then the table's properties.

        ``what`` pairs each element's description (for messages) with its properties.
        """
        index = {c.name: i for i, c in enumerate(table.columns)}
        data: list[list[Any]] = [[None] * len(what) for _ in table.columns]
        for row, (label, props) in enumerate(what):
            for key, value in props.items():
                col = index.get(key)
                if col is None:
                    raise StoreError(
                        f"{label}: {table.name} has no property {key!r} in the ontology"
                    )
                data[col][row] = value
        fields = [pa.field(name, pa.string()) for name, _ in heads]
        fields += [pa.field(c.name, _arrow_type(c)) for c in table.columns]
        arrays = []
        for fld, values in zip(fields, [v for _, v in heads] + data, strict=True):
            try:
                arrays.append(pa.array(values, type=fld.type))
            except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
                raise StoreError(
                    f"cannot load {table.name}.{fld.name}: {_first_line(exc)}"
                ) from None
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def _stage(self, plan: _Plan, folder: Path) -> list[tuple[str, list[str]]]:
        """Write the new rows to Parquet files; return (table, COPY statements) in copy order."""
        copies: list[tuple[str, list[str]]] = []
        for label, nodes in plan.nodes.items():
            table = self._tables[label]
            arrow = self._arrow(
                table,
                [(f"node {n.id!r}", n.properties) for n in nodes],
                [("id", [n.id for n in nodes])],
            )
            file = folder / f"{len(copies)}.parquet"
            pq.write_table(arrow, file)
            copies.append((label, [f"COPY `{label}` FROM {_literal(str(file))}"]))
        by_type: dict[str, list[str]] = {}
        for (rtype, source, target), edges in plan.edges.items():
            table = self._tables[rtype]
            arrow = self._arrow(
                table,
                [(f"edge {e.id!r}", e.properties) for e in edges],
                [
                    ("from", [e.source for e in edges]),
                    ("to", [e.target for e in edges]),
                    ("id", [e.id for e in edges]),
                ],
            )
            file = folder / f"{len(copies) + sum(map(len, by_type.values()))}.parquet"
            pq.write_table(arrow, file)
            statement = (
                f"COPY `{rtype}` FROM {_literal(str(file))} (from='{source}', to='{target}')"
            )
            by_type.setdefault(rtype, []).append(statement)
        copies.extend(by_type.items())
        return copies

    def _write(
        self,
        copies: list[tuple[str, list[str]]],
        updates: list[tuple[str, dict[str, Any]]],
        progress: Progress | None,
    ) -> None:
        """Run the copies and updates in one transaction; roll it back on any failure."""
        self._run("BEGIN TRANSACTION")
        try:
            for done, (table, statements) in enumerate(copies, start=1):
                for statement in statements:
                    self._run(statement)
                if progress is not None:
                    progress(f"copy {table}", done, len(copies))
            for statement, params in updates:
                self._run(statement, params)
            self._run("COMMIT")
        except BaseException:
            # After a failed statement the engine has rolled back already and ROLLBACK fails.
            with contextlib.suppress(RuntimeError):
                self._conn.execute("ROLLBACK")
            raise

    # -- reading -----------------------------------------------------------------------------------

    def read_graph(self) -> Graph:
        """Everything the store holds, as a Graph (absent values left out, as in the model)."""
        graph = Graph()
        for name, cols in self._present.items():
            if self._tables[name].rel:
                continue
            returns = "".join(f", n.`{c}`" for c in cols)
            ids, *values = self._columns(f"MATCH (n:`{name}`) RETURN n.id{returns}")
            for node_id, *row in zip(ids, *values, strict=True):
                graph.add_node(Node(node_id, name, dict(zip(cols, row, strict=True))))
        for name, cols in self._present.items():
            if not self._tables[name].rel:
                continue
            returns = "".join(f", r.`{c}`" for c in cols)
            ids, sources, targets, *values = self._columns(
                f"MATCH (a)-[r:`{name}`]->(b) RETURN r.id, a.id, b.id{returns}"
            )
            for edge_id, source, target, *row in zip(ids, sources, targets, *values, strict=True):
                props = dict(zip(cols, row, strict=True))
                graph.add_edge(Edge(edge_id, name, source, target, props))
        return graph

    def stats(self) -> dict[str, int]:
        """Nodes per label, then relationships per type, each sorted by name; zeros left out."""
        nodes: dict[str, int] = {}
        edges: dict[str, int] = {}
        for name in self._present:
            if self._tables[name].rel:
                edges[name] = self._rows(f"MATCH ()-[r:`{name}`]->() RETURN count(r)")[0][0]
            else:
                nodes[name] = self._rows(f"MATCH (n:`{name}`) RETURN count(n)")[0][0]
        return {
            **{k: v for k, v in sorted(nodes.items()) if v},
            **{k: v for k, v in sorted(edges.items()) if v},
        }

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement; parameters go to the engine, never into the text.

        Raises:
            QueryError: the engine rejected the statement or its parameters, or the text held
                more than one statement.
        """
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        try:
            result = self._conn.execute(cypher, dict(parameters or {}))
            if isinstance(result, list):
                raise QueryError(f"{self.path}: send one statement at a time, not {len(result)}")
            columns = list(result.get_column_names())
            rows = [[_plain(v) for v in row] for row in result.get_all()]
        except (RuntimeError, TypeError, ValueError) as exc:
            raise QueryError(f"{self.path}: {_first_line(exc)}") from None
        return QueryResult(columns, rows)
