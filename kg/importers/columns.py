"""Imported events as columns: the node and relationship tables of an import, built with Arrow.

A source module (:mod:`kg.importers.gdelt`, :mod:`kg.importers.icews`) turns a file's checked
rows into a :class:`Frame`: one row per event (its id, class, document, actors, place and
properties), its documents and the places new to the store. Actors, places and documents are
resolved once per distinct value, never once per row. :func:`assemble` makes from the frames the
tables every import shares: the events and the planned events their intent codes announce, their
links (source, initiator, target, place, announcement, participants), the places in their
countries, the actors kg made, and the interactions between each event's actors, as
:func:`kg.facts.interaction_edges` derives them.

The tables reach a store in one of two ways (see :func:`kg.importers.core.import_files`):

- events the store does not hold yet, each given once: straight to the store's bulk path
  (:meth:`~kg.stores.ladybug.LadybugStore.load_tables` on the embedded store, chunks of the
  tables on Neo4j);
- otherwise (an event the store holds, or one two rows give): each document's share of the
  tables becomes its statements (:func:`as_documents`) and the claims machinery merges them with
  what the store holds, as it merges facts files.

Every table carries ``document`` (the source that states the element), a node table also
``line`` (where in its file); :func:`node_tables` and :func:`edge_tables` give them as the stores
take them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kg.importers.cameo import INTENDED, Codebook
from kg.model import Edge, Graph, Node, clean_properties
from kg.ontology import Ontology

__all__ = [
    "Frame",
    "Tables",
    "as_documents",
    "as_graphs",
    "assemble",
    "day",
    "edge_tables",
    "either",
    "empty_to_null",
    "first_rows",
    "lookup",
    "named",
    "node_tables",
]

# Columns of a frame's events that are not properties of the event node.
STRUCTURE = ("id", "label", "document", "line", "initiator", "target", "place", "names")
_STRING = pa.string()


@dataclass
class Frame:
    """What a source makes of one file's rows.

    ``events``: one row per event: ``STRUCTURE``, then the event's properties (``cameo_code``
    among them). ``documents``: id, label, line and properties of each document the rows name.
    ``places``: id, document, line, name, latitude, longitude, country of the places new to the
    store. ``links``: other relationships the documents state (type, from, to, document).
    """

    events: pa.Table
    documents: pa.Table
    places: pa.Table
    links: list[pa.Table] = field(default_factory=list)
    left_out: int = 0  # actors of the rows neither resolved nor made


@dataclass
class Tables:
    """The node tables of an import by label and its relationship tables by type.

    A node table: ``id``, ``document``, ``line``, then properties. A relationship table:
    ``from``, ``to``, ``id``, ``from_label``, ``to_label``, ``document``, then properties.
    """

    nodes: dict[str, list[pa.Table]] = field(default_factory=dict)
    edges: dict[str, list[pa.Table]] = field(default_factory=dict)

    def add_nodes(self, label: str, table: pa.Table) -> None:
        if table.num_rows:
            self.nodes.setdefault(label, []).append(table)

    def add_edges(self, rtype: str, table: pa.Table) -> None:
        if table.num_rows:
            self.edges.setdefault(rtype, []).append(table)

    def node_count(self) -> int:
        return sum(t.num_rows for tables in self.nodes.values() for t in tables)

    def edge_count(self) -> int:
        return sum(t.num_rows for tables in self.edges.values() for t in tables)

    def ids(self, labels: Iterable[str]) -> dict[str, pa.Array]:
        """The node ids of these labels, by label."""
        return {
            label: pa.concat_arrays([t.column("id").combine_chunks() for t in self.nodes[label]])
            for label in labels
            if label in self.nodes
        }


# -- column helpers ---------------------------------------------------------------------------------


def empty_to_null(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A text column with its empty values as nulls."""
    column = _array(column)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)


def _array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def day(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """``YYYYMMDD...`` as ``YYYY-MM-DD``."""
    column = _array(column)
    return pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(column, 0, 4),
        pc.utf8_slice_codeunits(column, 4, 6),
        pc.utf8_slice_codeunits(column, 6, 8),
        "-",
    )


def either(first: pa.Array, second: pa.Array, separator: str) -> pa.Array:
    """Two text columns joined by a separator, or the one given, or "" (nulls are absent)."""
    both = pc.and_(pc.is_valid(first), pc.is_valid(second))
    joined = _join(pc.fill_null(first, ""), pa.scalar(separator), pc.fill_null(second, ""))
    return pc.if_else(both, joined, pc.coalesce(first, second, pa.scalar("")))


def named(base: pa.Array, names: pa.Array) -> pa.Array:
    """``base (names)``, or ``base`` where there are no names."""
    given = pc.not_equal(names, "")
    return pc.if_else(given, _join(base, pa.scalar(" ("), names, pa.scalar(")")), base)


def lookup(
    column: pa.ChunkedArray | pa.Array,
    decide: Callable[[Any], Any],
    type_: pa.DataType = _STRING,
) -> pa.Array:
    """``decide`` applied to each distinct value of a column, spread back over its rows."""
    column = _array(column)
    distinct = pc.unique(column)
    decided = pa.array([decide(v) for v in distinct.to_pylist()], type_)
    return decided.take(pc.index_in(column, value_set=distinct))


def first_rows(keys: pa.Array) -> pa.Array:
    """The index of the first row of each distinct key, in the order they first appear."""
    keys = _array(keys)
    return pc.index_in(pc.unique(keys), value_set=keys)


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _constant(value: Any, rows: int, type_: pa.DataType = _STRING) -> pa.Array:
    return pa.array([value] * rows, type_) if value is not None else pa.nulls(rows, type_)


# -- the tables -------------------------------------------------------------------------------------


@dataclass
class _Types:
    """The relationship types imports write, named by the ontology."""

    according_to: str
    initiator: str
    target: str
    participant: str
    place: str
    located_in: str
    announces: str
    part_of: str
    interaction: str

    @classmethod
    def of(cls, ont: Ontology) -> _Types:
        return cls(
            according_to=ont.attribution_type,
            initiator=ont.initiator_type,
            target=ont.relationship_named("hasTarget"),
            participant=ont.relationship_named("hasParticipant"),
            place=ont.relationship_named("hasPlace"),
            located_in=ont.relationship_named("locatedIn"),
            announces=ont.relationship_named("announces"),
            part_of=ont.relationship_named("partOf"),
            interaction=ont.interaction_type,
        )


def _edges(
    rtype: str,
    start: pa.Array,
    end: pa.Array,
    start_label: pa.Array,
    end_label: pa.Array,
    document: pa.Array,
    properties: Mapping[str, pa.Array] | None = None,
    qualifier: pa.Array | None = None,
) -> pa.Table:
    """Relationships from ``start`` to ``end`` where both are given, with kg's edge ids.

    End labels and documents repeat from row to row: they are dictionary-encoded (a million
    rows' labels take 2 MB instead of 16).
    """
    keep = pc.and_(pc.is_valid(start), pc.is_valid(end))
    sep = pa.scalar("|")
    ident = _join(start, sep, pa.scalar(rtype), sep, end)
    if qualifier is not None:
        ident = _join(ident, sep, qualifier)
    columns = {
        "from": start,
        "to": end,
        "id": ident,
        "from_label": _repeated(start_label),
        "to_label": _repeated(end_label),
        "document": _repeated(document),
        **(properties or {}),
    }
    return pa.table(columns).filter(keep)


def _repeated(column: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        return column
    return pc.dictionary_encode(column)


def _labels_of(ids: pa.Array, known: Mapping[str, str]) -> pa.Array:
    return lookup(ids, lambda i: known.get(i) if i is not None else None)


def assemble(
    frames: Sequence[Frame],
    made: Sequence[tuple[str, list[Node], list[Edge]]],
    known: Mapping[str, str],
    book: Codebook,
    ont: Ontology,
) -> Tables:
    """The tables of an import: its frames, and the nodes kg made with the document of each.

    Args:
        frames: one per file, in the order given.
        made: (document id, nodes, their edges) of the actors kg made while reading each file.
        known: the label of every node id the import may link to (store and made nodes).
        book: the CAMEO code book (what an intent code announces).
        ont: the ontology (relationship types).
    """
    types = _Types.of(ont)
    tables = Tables()
    events = pa.concat_tables([f.events for f in frames], promote_options="permissive")
    documents = pa.concat_tables([f.documents for f in frames], promote_options="permissive")
    documents = documents.take(first_rows(documents.column("id")))
    places = pa.concat_tables([f.places for f in frames], promote_options="permissive")
    known = dict(known)
    known.update(
        zip(documents.column("id").to_pylist(), documents.column("label").to_pylist(), strict=True)
    )

    for label in pc.unique(documents.column("label")).to_pylist():
        part = documents.filter(pc.equal(documents.column("label"), label))
        tables.add_nodes(label, part.append_column("document", part.column("id")).drop(["label"]))
    _event_tables(tables, events, documents, known, book, types)
    if places.num_rows:
        tables.add_nodes("Place", places.drop(["country"]))
        country = _array(places.column("country"))
        rows = places.num_rows
        tables.add_edges(
            types.located_in,
            _edges(
                types.located_in,
                _array(places.column("id")),
                country,
                _constant("Place", rows),
                _labels_of(country, known),
                _array(places.column("document")),
            ),
        )
    for frame in frames:
        for link in frame.links:
            ends = {
                "from_label": _labels_of(_array(link.column("from")), known),
                "to_label": _labels_of(_array(link.column("to")), known),
            }
            rtype = link.column("type")[0].as_py()
            sep = pa.scalar("|")
            ident = _join(
                _array(link.column("from")), sep, pa.scalar(rtype), sep, _array(link.column("to"))
            )
            table = pa.table(
                {
                    "from": link.column("from"),
                    "to": link.column("to"),
                    "id": ident,
                    **ends,
                    "document": link.column("document"),
                }
            )
            tables.add_edges(rtype, table)
    _made_tables(tables, made, known)
    return tables


def _event_tables(
    tables: Tables,
    events: pa.Table,
    documents: pa.Table,
    known: dict[str, str],
    book: Codebook,
    types: _Types,
) -> None:
    """The events, their links and interactions, and the planned events intent codes announce."""
    rows = events.num_rows
    ident = _array(events.column("id"))
    label = _array(events.column("label"))
    document = _array(events.column("document"))
    line = _array(events.column("line"))
    initiator = _array(events.column("initiator"))
    target = _array(events.column("target"))
    place = _array(events.column("place"))
    doc_label = _array(documents.column("label")).take(
        pc.index_in(document, value_set=documents.column("id"))
    )
    initiator_label = _labels_of(initiator, known)
    target_label = _labels_of(target, known)
    properties = events.drop([c for c in STRUCTURE if c in events.column_names])
    body = pa.table({"id": ident, "document": document, "line": line})
    for name in properties.column_names:
        body = body.append_column(name, properties.column(name))
    for value in pc.unique(label).to_pylist():
        tables.add_nodes(value, body.filter(pc.equal(label, value)))
    tables.add_edges(
        types.according_to,
        _edges(types.according_to, ident, document, label, doc_label, document),
    )
    tables.add_edges(
        types.initiator,
        _edges(types.initiator, ident, initiator, label, initiator_label, document),
    )
    tables.add_edges(
        types.target, _edges(types.target, ident, target, label, target_label, document)
    )
    tables.add_edges(
        types.place,
        _edges(types.place, ident, place, label, _constant("Place", rows), document),
    )
    tables.add_edges(
        types.interaction,
        _edges(
            types.interaction,
            initiator,
            target,
            initiator_label,
            target_label,
            document,
            {
                "status": _array(events.column("status")),
                "date": _array(events.column("date")),
                "event": ident,
                "directed": _constant(True, rows, pa.bool_()),
                "event_type": label,
            },
            qualifier=ident,
        ),
    )
    _announced(tables, events, doc_label, initiator_label, target_label, book, types)


def _announced(
    tables: Tables,
    events: pa.Table,
    doc_label: pa.Array,
    initiator_label: pa.Array,
    target_label: pa.Array,
    book: Codebook,
    types: _Types,
) -> None:
    """The planned event each intent code (03x) announces, between the row's actors.

    An intent to act is never an event that occurred: the row's event announces a planned event
    of the intended kind, stated by the same source, with the row's actors as participants
    (nobody said who will call whom: its interactions are undirected).
    """
    code = _array(events.column("cameo_code"))
    announces = lookup(code, lambda c: book.mapping(c).announces)
    keep = pc.is_valid(announces)
    if not pc.any(keep).as_py():
        return
    part = events.filter(keep)
    code = code.filter(keep)
    label = announces.filter(keep)
    rows = part.num_rows
    event = _array(part.column("id"))
    ident = _join(event, pa.scalar("-announced"))
    document = _array(part.column("document"))
    line = _array(part.column("line"))
    intended = lookup(code, lambda c: INTENDED.get(c[:3]))
    label_names = lookup(code, lambda c: f"{book.codes[c].name}: the announced event")
    node = pa.table(
        {
            "id": ident,
            "document": document,
            "line": line,
            "name": named(label_names, _array(part.column("names"))),
            "status": _constant("planned", rows),
            "cameo_code": intended,
            "cameo_root_code": pc.utf8_slice_codeunits(intended, 0, 2),
            "cameo_concept": intended,
        }
    )
    for value in pc.unique(label).to_pylist():
        tables.add_nodes(value, node.filter(pc.equal(label, value)))
    initiator = _array(part.column("initiator"))
    target = _array(part.column("target"))
    first_label = initiator_label.filter(keep)
    second_label = target_label.filter(keep)
    event_label = _array(part.column("label"))
    tables.add_edges(
        types.announces,
        _edges(types.announces, event, ident, event_label, label, document),
    )
    tables.add_edges(
        types.according_to,
        _edges(types.according_to, ident, document, label, doc_label.filter(keep), document),
    )
    for actor, actor_label in ((initiator, first_label), (target, second_label)):
        tables.add_edges(
            types.participant,
            _edges(types.participant, ident, actor, label, actor_label, document),
        )
    tables.add_edges(
        types.interaction,
        _edges(
            types.interaction,
            initiator,
            target,
            first_label,
            second_label,
            document,
            {
                "status": _constant("planned", rows),
                "date": pa.nulls(rows, _STRING),
                "event": ident,
                "directed": _constant(False, rows, pa.bool_()),
                "event_type": label,
            },
            qualifier=ident,
        ),
    )


def _made_tables(
    tables: Tables, made: Sequence[tuple[str, list[Node], list[Edge]]], known: Mapping[str, str]
) -> None:
    """The nodes kg made (actors, outlets) and their links, described by their file's document."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    by_type: dict[str, list[dict[str, Any]]] = {}
    for document, nodes, edges in made:
        for node in nodes:
            row = {"id": node.id, "document": document, "line": 0, **node.properties}
            by_label.setdefault(node.label, []).append(row)
        for edge in edges:
            by_type.setdefault(edge.type, []).append(
                {
                    "from": edge.source,
                    "to": edge.target,
                    "id": edge.id,
                    "from_label": known[edge.source],
                    "to_label": known[edge.target],
                    "document": document,
                }
            )
    for label, rows in by_label.items():
        tables.add_nodes(label, _from_rows(rows))
    for rtype, rows in by_type.items():
        tables.add_edges(rtype, _from_rows(rows))


def _from_rows(rows: list[dict[str, Any]]) -> pa.Table:
    """A table of rows that may each give other keys (Arrow would keep the first row's only)."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return pa.table({key: [row.get(key) for row in rows] for key in keys})


# -- what the stores take ---------------------------------------------------------------------------


def node_tables(tables: Tables) -> dict[str, list[pa.Table]]:
    """The node tables as a store takes them: id and properties."""
    return {label: [t.drop(["line"]) for t in parts] for label, parts in tables.nodes.items()}


def edge_tables(tables: Tables) -> dict[str, list[pa.Table]]:
    """The relationship tables as a store takes them: ends, id, end labels and properties."""
    return {rtype: [t.drop(["document"]) for t in parts] for rtype, parts in tables.edges.items()}


def _rows(table: pa.Table, drop: Sequence[str]) -> Iterator[dict[str, Any]]:
    for batch in table.drop(list(drop)).to_batches(max_chunksize=10_000):
        yield from batch.to_pylist()


def as_graphs(tables: Tables, size: int = 50_000) -> Iterator[Graph]:
    """The tables as graphs of about ``size`` elements: nodes first (for a store without a
    columnar path)."""
    graph = Graph()
    for label, parts in tables.nodes.items():
        for table in parts:
            for row in _rows(table, ["line"]):
                node_id = row.pop("id")
                graph.add_node(Node(node_id, label, clean_properties(row)))
                if len(graph) >= size:
                    yield graph
                    graph = Graph()
    for rtype, parts in tables.edges.items():
        for table in parts:
            for row in _rows(table, ["from_label", "to_label", "document"]):
                edge_id, start, end = row.pop("id"), row.pop("from"), row.pop("to")
                graph.add_edge(Edge(edge_id, rtype, start, end, clean_properties(row)))
                if len(graph) >= size:
                    yield graph
                    graph = Graph()
    if len(graph):
        yield graph


def as_documents(tables: Tables, interaction: str) -> dict[str, tuple[Graph, dict[str, int]]]:
    """Each document's share of the tables: its graph and the line of each node it describes.

    Interactions are left out: the claims machinery derives them from the merged events.
    """
    documents: dict[str, tuple[Graph, dict[str, int]]] = {}

    def part(document: str) -> tuple[Graph, dict[str, int]]:
        found = documents.get(document)
        if found is None:
            found = documents[document] = (Graph(), {})
        return found

    for label, parts in tables.nodes.items():
        for table in parts:
            for row in _rows(table, []):
                node_id, line = row.pop("id"), row.pop("line")
                graph, lines = part(row["document"])
                graph.add_node(Node(node_id, label, clean_properties(row)))
                lines.setdefault(node_id, line)
    for rtype, parts in tables.edges.items():
        if rtype == interaction:
            continue
        for table in parts:
            for row in _rows(table, ["from_label", "to_label"]):
                graph, _ = part(row.pop("document"))
                edge_id, start, end = row.pop("id"), row.pop("from"), row.pop("to")
                graph.add_edge(Edge(edge_id, rtype, start, end, clean_properties(row)))
    return documents
