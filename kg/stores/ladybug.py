"""The embedded store: a LadybugDB database in one file, with its schema derived from the ontology.

Schema. Each concrete ontology class is a node table (``id STRING PRIMARY KEY`` and the class's
properties); each relationship type is one rel table holding every allowed (start, end) label pair,
with an ``id`` column and the type's properties. Property types follow the ontology: string ->
STRING, integer -> INT64, boolean -> BOOL, double -> DOUBLE, and a multi-valued property is a
list (``STRING[]``). :meth:`LadybugStore.ensure_schema` creates missing tables and adds missing
columns and label pairs when the ontology grew; it never drops anything.

Loading. A load lands whole or not at all, and loading the same graph twice changes nothing.
Before it starts, the load reads the ids the store already holds: nodes and edges that are new
are written to Parquet files in a temporary folder and bulk-copied (``COPY ... FROM``), the
fastest path the engine has and the only one that fails cleanly on a bad row; an id the store
holds already is compared with the graph and, if its properties differ, updated in place
(``SET``). The graph is checked against the ontology and the store first: an unknown label, a
property the ontology does not give the label, an edge whose end node is neither in the graph nor
in the store, or an id the store holds under another label all stop the load before anything is
written. How the copies are committed depends on the size:

- a load of fewer than :data:`LARGE_LOAD` new rows is one transaction (``BEGIN TRANSACTION``
  ... ``COMMIT``; any failure rolls it back);
- a larger load fills a copy of the store file, committing each COPY on its own with a bounded
  buffer pool (:data:`SHADOW_BUFFER_POOL`, doubled for a COPY that does not fit), and the copy
  replaces the store by one atomic rename. (The engine holds a transaction's pages in memory
  until it commits: one transaction of millions of rows needs many gigabytes.) A failed or
  killed load leaves the store as it was; the next writer removes the copy it left.

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
import ctypes
import datetime as dt
import glob
import os
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
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
_ID, _SOURCE, _TARGET = attrgetter("id"), attrgetter("source"), attrgetter("target")
_PROPERTIES = attrgetter("properties")
_RECOVERY_PENDING = "while checkpoint recovery is pending"
_SHADOW = ".kg-load-"  # a store's name, this, and a random part: the copy a large load fills
LARGE_LOAD = 1_000_000  # rows to copy from which a load fills a copy of the store
SMALL_LOAD = 50_000  # elements up to which a load looks up what the store holds by id
SHADOW_BUFFER_POOL = 3 << 28  # the copy's first buffer pool (768 MiB; a COPY of 7.4M rows fits)
SHADOW_BUFFER_POOL_MAX = 1 << 36  # doubled up to this while a COPY does not fit
_POOL_FULL = "The buffer pool is full"
STREAM_BUFFER_POOL = 1 << 30  # enough for iter_graph's windows; the engine's default is most of RAM
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


class _Parts:
    """Parquet files being written, one per key, each chunk appended as a row group.

    The files are written by one background thread (Parquet encoding releases the GIL), so the
    next chunk is parsed and converted while the last one is written. Uncompressed, without
    dictionaries or statistics: the files live for one load and are read once.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[Any, Path] = {}
        self.rows: dict[Any, int] = {}
        self._writers: dict[Any, pq.ParquetWriter] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-stage")
        self._pending: list[Future[None]] = []

    def append(self, key: Any, table: pa.Table) -> None:
        if key not in self.files:
            self.files[key] = self.folder / f"{len(self.files)}.parquet"
            self.rows[key] = 0
        self.rows[key] += table.num_rows
        self._pending.append(self._pool.submit(self._write, key, table))
        if len(self._pending) > 8:
            self._pending.pop(0).result()

    def _write(self, key: Any, table: pa.Table) -> None:
        writer = self._writers.get(key)
        if writer is None:
            writer = pq.ParquetWriter(
                self.files[key],
                table.schema,
                compression="none",
                use_dictionary=False,
                write_statistics=False,
            )
            self._writers[key] = writer
        writer.write_table(table)

    def close(self) -> None:
        """Wait for the writes and close the files (raising the first write error)."""
        try:
            for future in self._pending:
                future.result()
        finally:
            self._pending.clear()
            self._pool.shutdown(wait=True)
            for writer in self._writers.values():
                writer.close()
            self._writers.clear()


def _same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.Array:
    """Row by row: do two columns hold the same value (nulls equal, an empty list a null)?"""
    a, b = a.combine_chunks(), b.combine_chunks()
    if pa.types.is_list(a.type) or pa.types.is_large_list(a.type):
        return _same_lists(a, b)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    equal = pc.fill_null(pc.equal(a, b), False)
    return pc.or_(both_null, equal)


def _same_lists(a: pa.Array, b: pa.Array) -> pa.Array:
    length_a = pc.fill_null(pc.list_value_length(a), 0)
    length_b = pc.fill_null(pc.list_value_length(b), 0)
    same = pc.equal(length_a, length_b)
    candidates = pc.and_(same, pc.greater(length_a, 0))
    if not pc.any(candidates).as_py():
        return same
    rows = pc.indices_nonzero(candidates)
    flat_a = pc.list_flatten(a.take(rows))
    flat_b = pc.list_flatten(b.take(rows))
    parents = pc.list_parent_indices(a.take(rows))
    differ = pc.invert(_same(pa.chunked_array([flat_a]), pa.chunked_array([flat_b])))
    bad = pc.unique(rows.take(pc.filter(parents, differ)))
    mask = pc.is_in(pa.array(range(len(a)), pa.int64()), value_set=bad.cast(pa.int64()))
    return pc.and_(same, pc.invert(mask))


def _copies(
    node_files: Mapping[str, Path],
    node_rows: Mapping[str, int],
    rel_files: Mapping[tuple[str, str, str], Path],
    rel_rows: Mapping[tuple[str, str, str], int],
    report: LoadReport,
) -> list[tuple[str, list[str]]]:
    """The COPY statements of staged files, by table: node tables first; counted in ``report``."""
    copies: list[tuple[str, list[str]]] = []
    for label, file in node_files.items():
        report.nodes_created += node_rows[label]
        copies.append((label, [f"COPY `{label}` FROM {_literal(str(file))}"]))
    by_type: dict[str, list[str]] = {}
    for (rtype, source, target), file in rel_files.items():
        if not rel_rows[rtype, source, target]:
            continue
        report.edges_created += rel_rows[rtype, source, target]
        by_type.setdefault(rtype, []).append(
            f"COPY `{rtype}` FROM {_literal(str(file))} (from='{source}', to='{target}')"
        )
    copies.extend(by_type.items())
    return copies


class _Staging:
    """One load in progress: the chunks checked and written to Parquet, nothing in the store yet.

    Nodes the store lacks go to one file per label, nodes it holds to another (to be compared
    at the end), relationships to one file per (type, start label, end label). What stays in
    memory is the label of every node id of the load and of the store (to group relationships by
    their end labels) and the relationships whose end nodes have not been seen yet.
    """

    def __init__(self, store: LadybugStore, folder: Path, ids: Iterable[str] | None = None) -> None:
        self.store = store
        # A load that names its ids up front (a small one) looks them up by primary key instead
        # of reading whole tables, so its cost does not grow with the store.
        self.lookup = ids is not None
        self.tables = store._tables
        self.index = {
            name: {c.name: i for i, c in enumerate(t.columns)} for name, t in self.tables.items()
        }
        self.pairs = {t: frozenset(r.endpoints) for t, r in store._ont.relationships.items()}
        self.held: dict[str, str] = {}  # node id -> label, for every node the store holds
        self.held_rels: set[str] = set()  # rel tables holding rows
        for name, spec in self.tables.items():
            if spec.rel:
                if store._rows(f"MATCH ()-[r:`{name}`]->() RETURN count(r) > 0")[0][0]:
                    self.held_rels.add(name)
            elif ids is None:
                (held,) = store._columns(f"MATCH (n:`{name}`) RETURN n.id")
                self.held.update(dict.fromkeys(held, name))
        if ids is not None:
            self.held.update(store.labels_of(ids))
        self.loaded: dict[str, str] = {}  # node id -> label, for the nodes this load adds
        self.pending: list[Edge] = []  # relationships with an end node not seen yet
        self.new_nodes = _Parts(folder / "new")
        self.held_nodes = _Parts(folder / "held")
        self.rels = _Parts(folder / "rels")
        for sub in ("new", "held", "rels"):
            (folder / sub).mkdir()
        self.fallback: dict[str, list[Node]] = {}  # held nodes whose values Arrow refused
        self.chunks = 0

    # -- chunks ------------------------------------------------------------------------------------

    def add(self, graph: Graph) -> None:
        """Check one chunk against the ontology and the store, and write it out."""
        self.chunks += 1
        new: dict[str, list[Node]] = {}
        same: dict[str, list[Node]] = {}
        for node in graph.nodes.values():
            table = self.tables.get(node.label)
            if table is None or table.rel:
                raise StoreError(f"node {node.id!r}: the ontology has no label {node.label!r}")
            held = self.held.get(node.id)
            if held is None:
                if node.id in self.loaded:
                    raise StoreError(f"node {node.id!r} is given twice in one load")
                self.loaded[node.id] = table.name
                new.setdefault(table.name, []).append(node)
            elif held != node.label:
                raise StoreError(
                    f"node {node.id!r} is a {held} in the store but a {node.label} in the graph"
                )
            else:
                same.setdefault(table.name, []).append(node)
        for label, nodes in new.items():
            self.new_nodes.append(label, self._nodes(label, nodes))
        for label, nodes in same.items():
            try:
                arrow = self._nodes(label, nodes)
            except StoreError:
                # Compared in Python instead: the engine says what is wrong when it updates.
                self.fallback.setdefault(label, []).extend(nodes)
                continue
            self.held_nodes.append(label, arrow)
        loaded, stored = self.loaded, self.held
        groups: dict[tuple[str, str, str], list[Edge]] = {}
        for edge in graph.edges.values():
            source = loaded.get(edge.source) or stored.get(edge.source)
            target = loaded.get(edge.target) or stored.get(edge.target)
            if source is None or target is None:
                self.pending.append(edge)
                continue
            key = (edge.type, source, target)
            group = groups.get(key)
            if group is None:
                group = groups[key] = []
            group.append(edge)
        for key, edges in groups.items():
            self._check_pair(edges[0], *key)
            self.rels.append(key, self._edges(key[0], edges))

    def add_tables(
        self, nodes: dict[str, list[pa.Table]], edges: dict[str, list[pa.Table]]
    ) -> None:
        """Check node and relationship tables against the ontology and the store, write them out.

        A node table holds ``id`` and properties; a relationship table ``from``, ``to``, ``id``,
        ``from_label``, ``to_label`` and properties. Nodes are split into new and held with
        Arrow, without a Python object per row. Each table is taken out of its mapping once
        written, so that the engine's turn does not share the memory with them.
        """
        held_ids = pa.array(list(self.held), pa.string())
        held_labels = pa.array(list(self.held.values()), pa.string())
        new_ids: list[pa.Array] = []
        for label in list(nodes):
            parts = nodes.pop(label)
            spec = self.tables.get(label)
            if spec is None or spec.rel:
                raise StoreError(f"node table {label!r}: the ontology has no label {label!r}")
            for part in parts:
                arrow = self._conform(spec, part, "node", ("id",))
                at = pc.index_in(arrow.column("id"), value_set=held_ids)
                held = pc.is_valid(at)
                if pc.any(held).as_py():
                    other = pc.not_equal(held_labels.take(at.filter(held)), label)
                    if pc.any(other).as_py():
                        row = pc.index(other, True).as_py()
                        node_id = arrow.filter(held).column("id")[row].as_py()
                        raise StoreError(
                            f"node {node_id!r} is a {self.held[node_id]} in the store but a "
                            f"{label} in the graph"
                        )
                    self.held_nodes.append(label, arrow.filter(held))
                new = arrow.filter(pc.invert(held))
                if new.num_rows:
                    self.new_nodes.append(label, new)
                    new_ids.append(new.column("id").combine_chunks())
            del parts
        if new_ids:
            ids = pa.chunked_array(new_ids)
            if pc.count_distinct(ids).as_py() < len(ids):
                counts = pc.value_counts(ids)
                twice = counts.filter(pc.greater(counts.field("counts"), 1))
                raise StoreError(
                    f"node {twice.field('values')[0].as_py()!r} is given twice in one load"
                )
        for rtype in list(edges):
            parts = edges.pop(rtype)
            spec = self.tables.get(rtype)
            if spec is None or not spec.rel:
                raise StoreError(f"relationship table {rtype!r}: the ontology has no {rtype!r}")
            while parts:
                self._add_edge_table(rtype, spec, parts.pop(0))

    def _add_edge_table(self, rtype: str, spec: _Table, part: pa.Table) -> None:
        """One relationship table, split by its end labels (plain or dictionary-encoded text)."""
        for column in ("from_label", "to_label"):
            at = part.schema.get_field_index(column)
            if pa.types.is_dictionary(part.schema.field(at).type):
                part = part.set_column(at, column, part.column(column).cast(pa.string()))
        for column in ("from_label", "to_label"):
            missing = pc.is_null(part.column(column))
            if pc.any(missing).as_py():
                row = pc.index(missing, True).as_py()
                end = part.column("from" if column == "from_label" else "to")[row].as_py()
                edge_id = part.column("id")[row].as_py()
                raise StoreError(f"edge {edge_id!r}: no node {end!r} in the graph or in the store")
        pairs = (
            part.select(["from_label", "to_label"])
            .group_by(["from_label", "to_label"], use_threads=False)
            .aggregate([])
        )
        for source, target in zip(
            pairs.column("from_label").to_pylist(),
            pairs.column("to_label").to_pylist(),
            strict=True,
        ):
            mask = pc.and_(
                pc.equal(part.column("from_label"), source),
                pc.equal(part.column("to_label"), target),
            )
            group = part.filter(mask).drop(["from_label", "to_label"])
            if (source, target) not in self.pairs[rtype]:
                edge_id = group.column("id")[0].as_py()
                raise StoreError(f"edge {edge_id!r}: {rtype} may not go from {source} to {target}")
            self.rels.append(
                (rtype, source, target), self._conform(spec, group, "edge", ("from", "to", "id"))
            )

    def _conform(self, spec: _Table, part: pa.Table, kind: str, heads: Sequence[str]) -> pa.Table:
        """A table with the head columns, then the table's columns typed as the store types them."""
        unknown = set(part.column_names).difference(heads, self.index[spec.name])
        if unknown:
            name = sorted(unknown)[0]
            raise StoreError(f"{kind} table {spec.name}: no property {name!r} in the ontology")
        fields = [pa.field(h, pa.string()) for h in heads] + [
            pa.field(c.name, _arrow_type(c)) for c in spec.columns
        ]
        arrays = []
        for fld in fields:
            if fld.name not in part.column_names:
                arrays.append(pa.nulls(part.num_rows, fld.type))
                continue
            column = part.column(fld.name)
            if column.type != fld.type:
                try:
                    column = column.cast(fld.type)
                except (pa.ArrowException, TypeError, ValueError) as exc:
                    raise StoreError(
                        f"cannot load {spec.name}.{fld.name}: {_first_line(exc)}"
                    ) from None
            arrays.append(column)
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def _check_pair(self, edge: Edge, rtype: str, source: str, target: str) -> None:
        if rtype not in self.pairs:
            raise StoreError(f"edge {edge.id!r}: the ontology has no relationship {rtype!r}")
        if (source, target) not in self.pairs[rtype]:
            raise StoreError(f"edge {edge.id!r}: {rtype} may not go from {source} to {target}")

    def _key(self, edge: Edge) -> tuple[str, str, str] | None:
        """(type, start label, end label) of an edge; None while an end node is unknown."""
        if edge.type not in self.pairs:
            raise StoreError(f"edge {edge.id!r}: the ontology has no relationship {edge.type!r}")
        source = self.loaded.get(edge.source) or self.held.get(edge.source)
        target = self.loaded.get(edge.target) or self.held.get(edge.target)
        if source is None or target is None:
            return None
        if (source, target) not in self.pairs[edge.type]:
            raise StoreError(f"edge {edge.id!r}: {edge.type} may not go from {source} to {target}")
        return edge.type, source, target

    def _arrow(
        self, table: _Table, elements: list[Any], kind: str, heads: list[tuple[str, list[Any]]]
    ) -> pa.Table:
        """One Arrow table: the head columns, then the table's properties."""
        props = list(map(_PROPERTIES, elements))
        given = set().union(*props)
        unknown = given.difference(self.index[table.name])
        if unknown:
            element = next(e for e in elements if not unknown.isdisjoint(e.properties))
            key = sorted(unknown.intersection(element.properties))[0]
            raise StoreError(
                f"{kind} {element.id!r}: {table.name} has no property {key!r} in the ontology"
            )
        fields = [pa.field(name, pa.string()) for name, _ in heads]
        columns = [pa.field(c.name, _arrow_type(c)) for c in table.columns]
        # Only the columns some element sets are converted; the others are all null.
        present = [c for c in columns if c.name in given]
        try:
            arrays = [pa.array(values, type=pa.string()) for _, values in heads]
            body = pa.Table.from_pylist(props, schema=pa.schema(present))
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            return self._arrow_by_column(table, props, fields + columns, heads)
        arrays += [
            body.column(c.name) if c.name in given else pa.nulls(len(props), c.type)
            for c in columns
        ]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields + columns))

    def _arrow_by_column(
        self,
        table: _Table,
        props: list[dict[str, Any]],
        fields: list[pa.Field],
        heads: list[tuple[str, list[Any]]],
    ) -> pa.Table:
        """Column by column, to name the column whose values Arrow refuses."""
        data = [values for _, values in heads] + [
            [p.get(c.name) for p in props] for c in table.columns
        ]
        arrays = []
        for fld, values in zip(fields, data, strict=True):
            try:
                arrays.append(pa.array(values, type=fld.type))
            except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
                raise StoreError(
                    f"cannot load {table.name}.{fld.name}: {_first_line(exc)}"
                ) from None
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def _nodes(self, label: str, nodes: list[Node]) -> pa.Table:
        return self._arrow(self.tables[label], nodes, "node", [("id", list(map(_ID, nodes)))])

    def _edges(self, rtype: str, edges: list[Edge]) -> pa.Table:
        heads = [
            ("from", list(map(_SOURCE, edges))),
            ("to", list(map(_TARGET, edges))),
            ("id", list(map(_ID, edges))),
        ]
        return self._arrow(self.tables[rtype], edges, "edge", heads)

    # -- the end -----------------------------------------------------------------------------------

    def finish(self, report: LoadReport) -> tuple[list[tuple[str, list[str]]], list[Any]]:
        """Resolve the last references, compare what the store holds; the copies and updates."""
        groups: dict[tuple[str, str, str], list[Edge]] = {}
        for edge in self.pending:
            key = self._key(edge)
            if key is None:
                end = edge.source if self._key_end(edge.source) is None else edge.target
                raise StoreError(f"edge {edge.id!r}: no node {end!r} in the graph or in the store")
            groups.setdefault(key, []).append(edge)
        for key, edges in groups.items():
            self.rels.append(key, self._edges(key[0], edges))
        self.pending = []
        for parts in (self.new_nodes, self.held_nodes, self.rels):
            parts.close()
        updates: list[tuple[str, dict[str, Any]]] = []
        for label, file in self.held_nodes.files.items():
            self._compare_nodes(label, pq.read_table(file), report, updates)
        for label, nodes in self.fallback.items():
            self.store._compare_nodes_py(self.tables[label], nodes, report, updates)
        rel_files = dict(self.rels.files)
        rel_rows = dict(self.rels.rows)
        for rtype in self.held_rels:
            keys = [k for k in rel_files if k[0] == rtype]
            if keys:
                self._compare_edges(rtype, keys, rel_files, rel_rows, report, updates)
        new = self.new_nodes
        return _copies(new.files, new.rows, rel_files, rel_rows, report), updates

    def _key_end(self, node_id: str) -> str | None:
        return self.loaded.get(node_id) or self.held.get(node_id)

    def _stored(self, cypher: str, names: list[str], staged: pa.Table) -> pa.Table:
        """The rows of a whole-table query, in the order of the staged rows' ids."""
        if self.lookup:  # the staged ids only, by primary key
            match, rest = cypher.split(" RETURN ", 1)
            cypher = f"UNWIND $ids AS i {match} WHERE n.id = i RETURN {rest}"
            ids = staged.column("id").to_pylist()
            stored = self.store._run(cypher, {"ids": ids}).get_as_arrow(-1)
            stored = stored.rename_columns(["id", *names])
            at = pc.index_in(staged.column("id"), value_set=stored.column("id"))
            return stored.take(at)
        stored = self.store._run(cypher).get_as_arrow(-1)
        stored = stored.rename_columns(["id", *names])
        at = pc.index_in(staged.column("id"), value_set=stored.column("id"))
        return stored.take(at)

    def _differs(self, staged: pa.Table, stored: pa.Table, names: list[str]) -> pa.Array:
        same = pa.array([True] * staged.num_rows, pa.bool_())
        for name in names:
            column = stored.column(name)
            if column.type != staged.schema.field(name).type:
                column = column.cast(staged.schema.field(name).type)
            same = pc.and_(same, _same(staged.column(name), column))
        return pc.invert(same)

    def _compare_nodes(
        self, label: str, staged: pa.Table, report: LoadReport, updates: list[Any]
    ) -> None:
        table = self.tables[label]
        names = [c.name for c in table.columns]
        returns = "".join(f", n.`{name}`" for name in names)
        stored = self._stored(f"MATCH (n:`{label}`) RETURN n.id{returns}", names, staged)
        differs = self._differs(staged, stored, names)
        changed = staged.filter(differs)
        report.unchanged += staged.num_rows - changed.num_rows
        for row in changed.to_pylist():
            node_id = row.pop("id")
            clause, params = self.store._setters(table, f"node {node_id!r}", clean_properties(row))
            params["id"] = node_id
            updates.append((f"MATCH (x:`{label}`) WHERE x.id = $id SET {clause}", params))
            report.nodes_updated += 1

    def _compare_edges(
        self,
        rtype: str,
        keys: list[tuple[str, str, str]],
        files: dict[tuple[str, str, str], Path],
        rows: dict[tuple[str, str, str], int],
        report: LoadReport,
        updates: list[Any],
    ) -> None:
        """Split the staged rows of a type the store holds into new, unchanged and changed."""
        table = self.tables[rtype]
        names = [c.name for c in table.columns]
        returns = "".join(f", r.`{name}`" for name in names)
        if not self.lookup:
            stored_all = self.store._run(
                f"MATCH (a)-[r:`{rtype}`]->(b) RETURN r.id, a.id, b.id{returns}"
            ).get_as_arrow(-1)
            stored_all = stored_all.rename_columns(["id", "from", "to", *names])
        for key in keys:
            staged = pq.read_table(files[key])
            if self.lookup:
                # Found from their end nodes' primary keys (kg's edge ids name their ends).
                _, source_label, target_label = key
                wanted = [
                    {"s": s, "t": d, "i": i}
                    for s, d, i in zip(
                        staged.column("from").to_pylist(),
                        staged.column("to").to_pylist(),
                        staged.column("id").to_pylist(),
                        strict=True,
                    )
                ]
                stored_all = self.store._run(
                    f"UNWIND $rows AS x MATCH (a:`{source_label}`)-[r:`{rtype}`]->"
                    f"(b:`{target_label}`) WHERE a.id = x.s AND b.id = x.t AND r.id = x.i "
                    f"RETURN r.id, a.id, b.id{returns}",
                    {"rows": wanted},
                ).get_as_arrow(-1)
                stored_all = stored_all.rename_columns(["id", "from", "to", *names])
            held = pc.is_in(staged.column("id"), value_set=stored_all.column("id"))
            if not pc.any(held).as_py():
                continue
            fresh = staged.filter(pc.invert(held))
            again = staged.filter(held)
            stored = stored_all.take(
                pc.index_in(again.column("id"), value_set=stored_all.column("id"))
            )
            ends = pc.and_(
                _same(again.column("from"), stored.column("from")),
                _same(again.column("to"), stored.column("to")),
            )
            if not pc.all(ends).as_py():
                bad = pc.index(ends, False).as_py()
                raise StoreError(
                    f"edge {again.column('id')[bad].as_py()!r} goes from "
                    f"{stored.column('from')[bad].as_py()!r} to {stored.column('to')[bad].as_py()!r} "
                    f"in the store but from {again.column('from')[bad].as_py()!r} to "
                    f"{again.column('to')[bad].as_py()!r} in the graph"
                )
            differs = self._differs(again, stored, names)
            changed = again.filter(differs)
            report.unchanged += again.num_rows - changed.num_rows
            _, source_label, target_label = key
            for row in changed.to_pylist():
                edge_id, source, target = row.pop("id"), row.pop("from"), row.pop("to")
                clause, params = self.store._setters(
                    table, f"edge {edge_id!r}", clean_properties(row)
                )
                params.update(id=edge_id, source=source, target=target)
                # Found from its end nodes' primary keys: rel tables have no index on their ids.
                match = (
                    f"MATCH (:`{source_label}` {{id: $source}})-[x:`{rtype}`]->"
                    f"(:`{target_label}` {{id: $target}}) WHERE x.id = $id"
                )
                updates.append((f"{match} SET {clause}", params))
                report.edges_updated += 1
            pq.write_table(fresh, files[key], compression="none")
            rows[key] = fresh.num_rows


class _Shadow:
    """A copy of the store that a large load fills; renamed over the store once it is whole.

    The engine keeps a transaction's pages in its buffer pool until the commit (a pool too small
    for them fails with "buffer pool is full"), so a load of millions of rows in one transaction
    needs many gigabytes. The copy instead commits each COPY statement on its own, with a pool of
    :data:`SHADOW_BUFFER_POOL` at first, and becomes the store by one atomic rename: a failed or killed
    load leaves the store as it was (and a file that the next writer removes).
    """

    def __init__(self, store: LadybugStore) -> None:
        self.store = store
        self.path = store.path.with_name(f"{store.path.name}{_SHADOW}{uuid.uuid4().hex[:12]}")
        store._run("CHECKPOINT")  # the store is now one file, its log written into it
        # Copied by another process: closing a file this process opened would release the
        # engine's lock on the store (POSIX record locks belong to the process, not the file).
        copied = subprocess.run(
            ["cp", "--", str(store.path), str(self.path)], capture_output=True, text=True
        )
        if copied.returncode:
            self.discard()
            raise StoreError(f"{store.path}: cannot stage the load: {copied.stderr.strip()}")
        self.pool = SHADOW_BUFFER_POOL
        self._open()

    def _open(self) -> None:
        while True:
            try:
                self._db = ladybug.Database(str(self.path), buffer_pool_size=self.pool)
                self._conn = ladybug.Connection(self._db)
                return
            except RuntimeError as exc:
                if _POOL_FULL not in str(exc) or self.pool >= SHADOW_BUFFER_POOL_MAX:
                    self.discard()
                    message = f"{self.store.path}: cannot stage the load: {_first_line(exc)}"
                    raise StoreError(message) from None
            self.pool *= 2

    def _run(self, statement: str, parameters: dict[str, Any] | None = None) -> None:
        """Run one statement; if the pool is too small for it, double the pool and run it again.

        A failed statement is rolled back whole, and the ones before it are committed, so the
        copy reopened with a larger pool goes on where it stopped: the pool grows only as far as
        the largest single COPY needs.
        """
        while True:
            try:
                self._conn.execute(statement, parameters or {})
                return
            except RuntimeError as exc:
                if _POOL_FULL not in str(exc) or self.pool >= SHADOW_BUFFER_POOL_MAX:
                    raise StoreError(f"{self.store.path}: {_first_line(exc)}") from None
            self._conn.close()
            self._db.close()
            self.pool *= 2
            self._open()

    def fill(
        self,
        copies: list[tuple[str, list[str]]],
        updates: list[tuple[str, dict[str, Any]]],
        progress: Progress | None,
    ) -> None:
        """Run the copies and the updates, and write the copy out whole."""
        _apply(self._run, copies, updates, progress)
        self._run("CHECKPOINT")
        self._conn.close()
        self._db.close()
        with self.path.open("rb") as file:
            os.fsync(file.fileno())

    def discard(self) -> None:
        """Remove the copy and the files the engine made beside it (the store is untouched)."""
        with contextlib.suppress(AttributeError, RuntimeError):
            self._conn.close()
            self._db.close()
        for file in self.path.parent.glob(f"{glob.escape(self.path.name)}*"):
            file.unlink(missing_ok=True)


def _apply(
    run: Callable[..., Any],
    copies: list[tuple[str, list[str]]],
    updates: list[tuple[str, dict[str, Any]]],
    progress: Progress | None,
) -> None:
    """Run a load's copies, table by table (reporting each), then its updates, with ``run``."""
    for done, (table, statements) in enumerate(copies, start=1):
        for statement in statements:
            run(statement)
        if progress is not None:
            progress(f"copy {table}", done, len(copies))
    for statement, params in updates:
        run(statement, params)


def _deletions(
    remove: Graph, held: Mapping[str, str], report: LoadReport
) -> list[tuple[str, dict[str, Any]]]:
    """The statements that delete ``remove``'s relationships, then its nodes (held ones only)."""
    statements: list[tuple[str, dict[str, Any]]] = []
    for edge in remove.edges.values():
        source, target = held.get(edge.source), held.get(edge.target)
        if source is None or target is None:
            continue
        match = (
            f"MATCH (:`{source}` {{id: $source}})-[x:`{edge.type}`]->(:`{target}` {{id: $target}}) "
            "WHERE x.id = $id DELETE x"
        )
        statements.append((match, {"source": edge.source, "target": edge.target, "id": edge.id}))
        report.edges_deleted += 1
    for node in remove.nodes.values():
        label = held.get(node.id)
        if label is None:
            continue
        statements.append(
            (f"MATCH (x:`{label}`) WHERE x.id = $id DETACH DELETE x", {"id": node.id})
        )
        report.nodes_deleted += 1
    return statements


def _release_memory() -> None:
    """Hand memory freed by Python and Arrow back to the system (glibc keeps it otherwise)."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class LadybugStore:
    """A kg store in an embedded LadybugDB database file.

    Args:
        path: the database file; created (with its schema) on first use unless ``read_only``.
        read_only: open for reading only; works while another process writes, and never creates
            the store.
        buffer_pool_size: bytes of the engine's page cache; 0 leaves the engine's default (most
            of the machine's memory). A pool too small for a query fails it ("buffer pool is
            full"); :data:`STREAM_BUFFER_POOL` suits :meth:`iter_graph`.
        large_load: rows to copy from which a load into a store holding data fills a copy of
            the store rather than running one transaction (see the module docstring).

    Raises:
        StoreInUse: another process holds the store for writing.
        StoreError: the store cannot be opened (or, read-only, does not exist).
    """

    engine = "ladybug"

    def __init__(
        self,
        path: str | Path = "kg.lbug",
        read_only: bool = False,
        *,
        buffer_pool_size: int = 0,
        large_load: int = LARGE_LOAD,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.buffer_pool_size = buffer_pool_size
        self.large_load = large_load
        self._ont = load_ontology()
        self._tables = {t.name: t for t in _tables(self._ont)}
        self._present: dict[str, list[str]] = {}  # ontology table -> its columns the store has
        self._closed = True
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; run kg load first")
        if not read_only and not self.path.parent.is_dir():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        self._open()
        if not read_only:
            # Copies left by loads that were killed: only the writer, which holds the lock, may
            # be filling one, and it is this process.
            for stale in self.path.parent.glob(f"{glob.escape(self.path.name)}{_SHADOW}*"):
                stale.unlink(missing_ok=True)
        try:
            self.ensure_schema()
        except KGError:
            self.close()
            raise

    def _open(self) -> None:
        path, read_only, pool = str(self.path), self.read_only, self.buffer_pool_size
        try:
            try:
                self._db = ladybug.Database(path, read_only=read_only, buffer_pool_size=pool)
            except RuntimeError as exc:
                if not (read_only and _RECOVERY_PENDING in str(exc)):
                    raise
                # A writer was stopped during its checkpoint: opening the store for writing
                # once completes it (and fails with the lock error if a writer is at work).
                ladybug.Database(path).close()
                self._db = ladybug.Database(path, read_only=True, buffer_pool_size=pool)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            held = _LOCK_HELD.search(str(exc))
            if held:
                raise StoreInUse(
                    f"{self.path}: store is in use by process {held.group(1)}"
                ) from None
            raise StoreError(f"{self.path}: cannot open the store: {_first_line(exc)}") from None
        self._closed = False

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

    def load(
        self, graph: Graph, progress: Progress | None = None, remove: Graph | None = None
    ) -> LoadReport:
        """Write a graph all-or-nothing; what the store already holds unchanged is left alone.

        Args:
            graph: the nodes and edges to write.
            progress: called with (step, tables done, tables to copy) after each table copied.
            remove: nodes and relationships to delete in the same transaction (by id; a node
                goes with its relationships); none of them may be in ``graph``.

        Raises:
            StoreError: the graph does not fit the ontology or the store (nothing written), or
                the engine refused it (rolled back, nothing written).
        """
        ids: set[str] | None = None
        if len(graph) + (len(remove) if remove is not None else 0) <= SMALL_LOAD:
            ids = set(graph.nodes)
            for part in (graph, remove or Graph()):
                ids.update(part.nodes)
                for edge in part.edges.values():
                    ids.update((edge.source, edge.target))
        return self.load_chunks([graph], progress, remove=remove, ids=ids)

    def load_chunks(
        self,
        chunks: Iterable[Graph],
        progress: Progress | None = None,
        remove: Graph | None = None,
        ids: Iterable[str] | None = None,
    ) -> LoadReport:
        """Write a stream of graphs as one load: all of them or nothing, idempotent.

        Each chunk is checked and written to Parquet files in a temporary folder beside the
        store as it comes, then dropped, so memory holds one chunk at a time (and the label of
        every node id). Nothing reaches the store until the chunks are exhausted (see the
        module docstring for how the copies are committed). An exception from the iterator (a
        facts error found in the last file) leaves the store untouched. A node may come in one chunk only; an
        edge may refer to nodes of any chunk, or of the store.

        ``ids`` (every node id the chunks and ``remove`` name, when the caller knows them: a
        small load) makes the load look those up by primary key instead of reading the store's
        whole tables, so its cost does not grow with the store.

        Raises:
            StoreError: as :meth:`load`; also when two chunks give the same node.
        """

        def fill(staging: _Staging) -> None:
            for chunk in chunks:
                staging.add(chunk)

        return self._load(fill, progress, remove, ids)

    def load_tables(
        self,
        nodes: dict[str, list[pa.Table]],
        edges: dict[str, list[pa.Table]],
        progress: Progress | None = None,
    ) -> LoadReport:
        """Write node tables (by label) and relationship tables (by type) as one load.

        The columnar twin of :meth:`load` for callers that build their elements with Arrow (the
        importers): a node table holds ``id`` and properties, a relationship table ``from``,
        ``to``, ``id``, ``from_label``, ``to_label`` and properties. The same rules hold: all or
        nothing, and what the store holds unchanged is left alone. ``nodes`` and ``edges`` are
        emptied as their tables are staged (pass copies to keep them): a million-row import
        then leaves the engine the memory its tables held.

        Raises:
            StoreError: as :meth:`load`.
        """
        rows = sum(t.num_rows for parts in (*nodes.values(), *edges.values()) for t in parts)
        ids: set[str] | None = None
        if rows <= SMALL_LOAD:
            ids = set()
            for parts in nodes.values():
                for table in parts:
                    ids.update(table.column("id").to_pylist())
            for parts in edges.values():
                for table in parts:
                    ids.update(table.column("from").to_pylist())
                    ids.update(table.column("to").to_pylist())
        return self._load(lambda staging: staging.add_tables(nodes, edges), progress, None, ids)

    def _load(
        self,
        fill: Callable[[_Staging], None],
        progress: Progress | None,
        remove: Graph | None,
        ids: Iterable[str] | None,
    ) -> LoadReport:
        """Stage what ``fill`` gives, compare it with the store, and write the difference."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        started = time.perf_counter()
        report = LoadReport()
        with tempfile.TemporaryDirectory(prefix=".kg-load-", dir=self.path.parent) as folder:
            staging = _Staging(self, Path(folder), ids)
            try:
                fill(staging)
                copies, updates = staging.finish(report)
                if remove is not None:
                    updates.extend(_deletions(remove, staging.held, report))
            finally:
                for parts in (staging.new_nodes, staging.held_nodes, staging.rels):
                    parts.close()
            del staging
            if report.nodes_created + report.edges_created >= self.large_load:
                _release_memory()  # what parsing and staging held, before the engine's turn
                self._write_copy(copies, updates, progress)
            elif copies or updates:
                self._write(copies, updates, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _write_copy(
        self,
        copies: list[tuple[str, list[str]]],
        updates: list[tuple[str, dict[str, Any]]],
        progress: Progress | None,
    ) -> None:
        """Fill a copy of the store and put it in the store's place (see :class:`_Shadow`)."""
        shadow = _Shadow(self)
        try:
            shadow.fill(copies, updates, progress)
        except BaseException:
            shadow.discard()
            raise
        self._replace(shadow.path)

    def _replace(self, loaded: Path) -> None:
        """Put a filled copy in the store's place (one rename) and open it."""
        self._conn.close()
        self._db.close()
        self._closed = True
        os.replace(loaded, self.path)
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        self._open()
        self.ensure_schema()

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

    def _compare_nodes_py(
        self, table: _Table, nodes: list[Node], report: LoadReport, updates: list[Any]
    ) -> None:
        """Compare held nodes in Python (values Arrow cannot type; the engine will refuse them)."""
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
                report.unchanged += 1
                continue
            clause, params = self._setters(table, f"node {node.id!r}", node.properties)
            params["id"] = node.id
            updates.append((f"MATCH (x:`{table.name}`) WHERE x.id = $id SET {clause}", params))
            report.nodes_updated += 1

    def _write(
        self,
        copies: list[tuple[str, list[str]]],
        updates: list[tuple[str, dict[str, Any]]],
        progress: Progress | None,
    ) -> None:
        """Run the copies and updates in one transaction; roll it back on any failure."""
        self._run("BEGIN TRANSACTION")
        try:
            _apply(self._run, copies, updates, progress)
            self._run("COMMIT")
        except BaseException:
            # After a failed statement the engine has rolled back already and ROLLBACK fails.
            with contextlib.suppress(RuntimeError):
                self._conn.execute("ROLLBACK")
            raise

    # -- reading around some nodes (incremental loads, unload) ------------------------------------

    def _node_tables(self) -> list[tuple[str, list[str]]]:
        return [(n, c) for n, c in self._present.items() if not self._tables[n].rel]

    def _nodes_by_id(self, ids: list[str], graph: Graph | None) -> dict[str, str]:
        """The labels of the nodes with these ids; with ``graph``, the nodes are added to it."""
        labels: dict[str, str] = {}
        if not ids:
            return labels
        for name, cols in self._node_tables():
            (held,) = self._rows(f"MATCH (n:`{name}`) RETURN count(n)")[0]
            if not held:
                continue  # the engine's driver types a long $ids list anew on every statement
            if graph is None and held <= 4 * len(ids):
                # Labels only, of a table not much larger than the list: its ids, in Arrow.
                (found,) = self._columns_for(f"MATCH (n:`{name}`) RETURN n.id", ids)
                held_here = set(found)
                labels.update((i, name) for i in ids if i in held_here)  # in the order asked
                continue
            wanted = cols if graph is not None else []  # labels only: no property read
            returns = "".join(f", n.`{c}`" for c in wanted)
            rows = self._rows(
                f"UNWIND $ids AS i MATCH (n:`{name}`) WHERE n.id = i RETURN n.id{returns}",
                {"ids": ids},
            )
            for node_id, *row in rows:
                if graph is not None:
                    props = dict(zip(wanted, map(_plain, row), strict=True))
                    graph.nodes[node_id] = Node(node_id, name, props)
                labels[node_id] = name
        return labels

    def _edges_at(self, labels: Mapping[str, str], outgoing: bool) -> list[tuple[Edge, str]]:
        """Relationships from (or to) the nodes of ``labels``, each with its other end's label."""
        found: list[tuple[Edge, str]] = []
        by_label: dict[str, list[str]] = {}
        for node_id, label in labels.items():
            by_label.setdefault(label, []).append(node_id)
        for name, cols in self._present.items():
            spec = self._tables[name]
            if not spec.rel:
                continue
            rel = self._ont.relationships[name]
            returns = "".join(f", r.`{c}`" for c in cols)
            for label, ids in by_label.items():
                if label not in (rel.sources if outgoing else rel.targets):
                    continue
                pattern = (
                    f"(a:`{label}`)-[r:`{name}`]->(b)"
                    if outgoing
                    else f"(b)-[r:`{name}`]->(a:`{label}`)"
                )
                rows = self._rows(
                    f"UNWIND $ids AS i MATCH {pattern} WHERE a.id = i "
                    f"RETURN r.id, a.id, b.id, label(b){returns}",
                    {"ids": ids},
                )
                for edge_id, here, there, other, *row in rows:
                    props = dict(zip(cols, map(_plain, row), strict=True))
                    source, target = (here, there) if outgoing else (there, here)
                    found.append((Edge(edge_id, name, source, target, props), other))
        return found

    def labels_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The labels of the nodes the store holds among ``ids``, by id."""
        self._check_open()
        return self._nodes_by_id(sorted({i for i in ids if isinstance(i, str)}), None)

    def nodes(self, ids: Iterable[str]) -> Graph:
        """The nodes the store holds among ``ids``, with their properties (no relationships)."""
        self._check_open()
        graph = Graph()
        self._nodes_by_id(sorted(set(ids)), graph)
        return graph

    def neighbourhood(self, ids: Iterable[str]) -> Graph:
        """The nodes with these ids, every relationship from them, and the nodes those reach."""
        self._check_open()
        graph = Graph()
        labels = self._nodes_by_id(sorted(set(ids)), graph)
        ends = set()
        for edge, _ in self._edges_at(labels, outgoing=True):
            graph.edges[edge.id] = edge
            ends.add(edge.target)
        self._nodes_by_id(sorted(ends - graph.nodes.keys()), graph)
        return graph

    def incoming(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship that ends at one of these nodes."""
        self._check_open()
        labels = self._nodes_by_id(sorted(set(ids)), None)
        return [edge for edge, _ in self._edges_at(labels, outgoing=False)]

    def documented_by(self, document: str) -> list[str]:
        """Ids of the nodes a document describes: their own document, or one of their claims'."""
        self._check_open()
        ids: list[str] = []
        claim = self._ont.claim_label
        for name, cols in self._node_tables():
            if "document" not in cols:
                continue
            column = "fact" if name == claim else "id"
            if column not in cols and column != "id":
                continue
            rows = self._rows(
                f"MATCH (n:`{name}`) WHERE n.document = $d RETURN n.`{column}`", {"d": document}
            )
            ids.extend(row[0] for row in rows)
        return sorted(set(ids))

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")

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

    def iter_graph(self, chunk_size: int = 100_000) -> Iterator[Graph]:
        """Everything the store holds, as Graphs of about ``chunk_size`` elements each.

        Nodes come first, table by table, then relationships; together the chunks equal
        :meth:`read_graph`, but only one chunk is in memory at a time. Tables are read in
        windows of node offsets (the engine's row numbers), relationships by the offsets of
        their start nodes, so each window is a cheap scan whatever the store's size.
        """
        chunk = Graph()
        for name, cols in self._present.items():
            spec = self._tables[name]
            if spec.rel:
                continue
            returns = "".join(f", n.`{c}`" for c in cols)
            query = (
                f"MATCH (n:`{name}`) WHERE offset(id(n)) >= $lo AND offset(id(n)) < $hi "
                f"RETURN n.id{returns}"
            )
            for ids, *values in self._windows(name, query, chunk_size):
                for node_id, *row in zip(ids, *values, strict=True):
                    chunk.nodes[node_id] = Node(node_id, name, dict(zip(cols, row, strict=True)))
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = Graph()
        for name, cols in self._present.items():
            spec = self._tables[name]
            if not spec.rel:
                continue
            returns = "".join(f", r.`{c}`" for c in cols)
            for source in dict.fromkeys(a for a, _ in spec.pairs):
                if source not in self._present:
                    continue
                query = (
                    f"MATCH (a:`{source}`)-[r:`{name}`]->(b) "
                    f"WHERE offset(id(a)) >= $lo AND offset(id(a)) < $hi "
                    f"RETURN r.id, a.id, b.id{returns}"
                )
                count = f"MATCH (a:`{source}`)-[r:`{name}`]->() RETURN count(r)"
                windows = self._windows(source, query, chunk_size, count)
                for ids, sources, targets, *values in windows:
                    for edge_id, a, b, *row in zip(ids, sources, targets, *values, strict=True):
                        props = dict(zip(cols, row, strict=True))
                        chunk.edges[edge_id] = Edge(edge_id, name, a, b, props)
                    if len(chunk) >= chunk_size:
                        yield chunk
                        chunk = Graph()
        if len(chunk):
            yield chunk

    def _windows(
        self, table: str, query: str, rows: int, count: str | None = None
    ) -> Iterator[list[list[Any]]]:
        """A query's columns over windows of ``table``'s node offsets, about ``rows`` rows each.

        The first window's width comes from ``count`` (the rows over all of ``table``'s nodes);
        then the window widens or narrows after each one so that the rows it returns stay near
        ``rows`` (a relationship's start nodes may have any number of relationships). Each
        window runs on a connection of its own: the engine keeps part of a result's memory in
        its buffer pool for as long as the connection lives, and with a bounded pool
        (:data:`STREAM_BUFFER_POOL`) a whole store read through one connection runs out.
        """
        top = self._rows(f"MATCH (n:`{table}`) RETURN max(offset(id(n)))")[0][0]
        if top is None:
            return
        width = rows
        if count is not None:
            total = self._rows(count)[0][0]
            width = max(1, rows * (top + 1) // total) if total else top + 1
        lo = 0
        while lo <= top:
            conn = ladybug.Connection(self._db)
            try:
                result: Any = conn.execute(query, {"lo": lo, "hi": lo + width})
                window = result.get_as_arrow(-1)
                del result
            except RuntimeError as exc:
                raise StoreError(f"{self.path}: {_first_line(exc)}") from None
            finally:
                conn.close()
            columns = [column.to_pylist() for column in window.columns]
            del window
            lo += width
            got = len(columns[0])
            if got:
                yield columns
            width = max(1, min(width * 4, int(width * rows / got))) if got else width * 4

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
            rows = _result_rows(result)
        except (RuntimeError, TypeError, ValueError) as exc:
            raise QueryError(f"{self.path}: {_first_line(exc)}") from None
        return QueryResult(columns, rows)


# Engine types whose values Arrow gives as the very values _plain makes of them (str, int, float,
# bool, None), alone or in lists: ``STRING``, ``INT64[]``, ``DOUBLE[3]``, ``STRING[][]`` ...
_ARROW_PLAIN = frozenset(
    {"STRING", "BOOL", "DOUBLE", "FLOAT", "SERIAL"}
    | {f"{sign}INT{bits}" for sign in ("", "U") for bits in (8, 16, 32, 64)}
)
_LIST_SUFFIXES = re.compile(r"(?:\[\d*\])+$")


def _result_rows(result: ladybug.QueryResult) -> list[list[Any]]:
    """The rows of a query result as plain Python (see the module docstring).

    A result whose columns are all strings, numbers or booleans (or lists of them), the common
    case of a large listing, is read column by column through Arrow: several times faster than
    ``get_all()``, which builds a Python value per cell in the engine's bindings before ``_plain``
    looks at each. Nodes, relationships, paths, dates and the other types take that path.
    """
    types = result.get_column_data_types()
    if types and all(_LIST_SUFFIXES.sub("", t) in _ARROW_PLAIN for t in types):
        table = result.get_as_arrow(-1)
        columns = [column.to_pylist() for column in table.columns]
        return [list(row) for row in zip(*columns, strict=True)]
    return [[_plain(v) for v in row] for row in result.get_all()]
