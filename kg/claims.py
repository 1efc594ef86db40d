"""Claims: what each source document says about a fact, and the current view derived from them.

A facts file is one document (an article, a report). Its record of a node is that document's
*statement* about the node: the node's label, the properties it gives and the links it draws from
the node. A node one document describes is stored as that statement, unchanged (the common case,
and the whole of a generated corpus). Once a second document describes the node, kg keeps one
``Claim`` node per document (``claim/DOCUMENT/FACT``, linked from the fact by ``HAS_CLAIM``, the
statement in full as JSON under ``record``) and writes on the fact its *current view*, derived
here and nowhere else from the statements and the documents' publication dates:

- each property follows its ``kg:mergeRule`` in the ontology: ``same`` (the Wikidata id: every
  source must agree), ``first`` (names, labels, description: the earliest publication's; other
  names and labels become aliases), ``union`` (aliases), ``evidence`` (quote, offsets, document,
  note: from the latest claim that quotes one), ``when`` (date, precision, qualifier, end, local
  time, time zone and UTC instant, as one group) and ``latest`` (everything else, the status
  first of all);
- ``latest``: the latest publication that gives the property wins; claims of the same day that
  disagree are a conflict: the property keeps what the days before said and its name goes into
  the fact's ``conflicts``. For the status, a settled claim (occurred, not reached) is later
  news than an open one (planned, announced, demanded, hoped) of the same day, so those two do
  not disagree;
- ``when``: a claim compatible with the current value (the same day at a finer precision, the
  same instant in another zone, a known zone for an unknown one) makes it more precise; an
  incompatible claim of a later day replaces it; incompatible claims of one day are a conflict;
- links from the node (actors, place, topics, sources) are the union of the claims' links, each
  with the properties of the latest claim that gives it.

The same derivation, restricted to documents published by a day, gives the view "as of" that
day (:func:`as_of`).

>>> from kg.ontology import load_ontology
>>> ont = load_ontology()
>>> old = Statement("a", "Call", {"name": "Call", "status": "announced", "date": "2025-05-19",
...     "date_precision": "minute", "local_time": "10:00", "time_zone": "unknown"}, ())
>>> new = Statement("b", "Call", {"name": "Call", "status": "occurred", "date": "2025-05-19",
...     "date_precision": "day"}, ())
>>> moscow = Statement("c", "Call", {"name": "Call", "status": "announced", "date": "2025-05-19",
...     "date_precision": "minute", "local_time": "17:00", "time_zone": "Europe/Moscow"}, ())
>>> published = {"a": "2025-05-17", "b": "2025-05-19", "c": "2025-05-19"}
>>> view = current_view("call-1", [old, new, moscow], published, ont)
>>> view.properties["status"], view.properties["utc_time"], view.conflicts
('occurred', '2025-05-19T14:00:00Z', ())
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kg.errors import KGError
from kg.model import Edge, Graph, Node
from kg.ontology import Ontology

__all__ = [
    "COMPUTED_PROPERTIES",
    "UNKNOWN_ZONE",
    "ClaimConflict",
    "Statement",
    "View",
    "as_of",
    "claim_id",
    "current_view",
    "decode",
    "encode",
    "is_time_zone",
    "keep_starts",
    "utc_instant",
]

UNKNOWN_ZONE = "unknown"
# Properties kg computes: a facts file never gives them.
COMPUTED_PROPERTIES = frozenset({"utc_time", "documents", "conflicts", "fact", "record"})
_SETTLED = frozenset({"occurred", "not_reached"})
_PRECISION = {"year": 0, "month": 1, "day": 2, "minute": 3}
_WHEN_KEYS = (
    "date",
    "date_end",
    "date_precision",
    "date_qualifier",
    "local_time",
    "time_zone",
    "utc_time",
    "date_resolution",
)
_EVIDENCE_KEYS = ("quote", "quote_start", "quote_end", "document", "note")
_NAME_KEYS = ("name", "label_fr", "label_en")


class ClaimConflict(KGError):
    """Two documents say things about one node that cannot both hold (its label, its identity).

    ``values`` holds what each of the two documents says (the label, or the property's value).
    """

    def __init__(
        self, node_id: str, what: str, values: Mapping[str | None, Any], message: str = ""
    ) -> None:
        self.node_id = node_id
        self.what = what  # "label" or a property name
        self.values = dict(values)
        self.documents = tuple(self.values)
        if not message:
            (a, va), (b, vb) = list(self.values.items())[:2]
            message = f"{node_id!r} {self.says(va)} in {a} but {self.value(vb)} in {b}"
        super().__init__(message)

    def value(self, value: Any) -> str:
        """The other side, after "but": "a Person", "'Q1'"."""
        return f"a {value}" if self.what == "label" else repr(value)

    def says(self, value: Any) -> str:
        """What a document says, as words: "is a Person", "has wikidata 'Q1'"."""
        if self.what == "label":
            return f"is a {value}"
        return f"has {self.what} {value!r}"


# ------------------------------------------------------------------------------------ time zones


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone name or ``unknown``.

    >>> is_time_zone("Europe/Moscow"), is_time_zone("unknown"), is_time_zone("Moscow")
    (True, True, False)
    """
    return name == UNKNOWN_ZONE or name in _zones()


def utc_instant(date: str | None, local_time: str | None, zone: str | None) -> str | None:
    """The UTC instant of a local time on a day in a known zone; None when any part is missing.

    An unknown zone gives no instant: kg never invents one.

    >>> utc_instant("2025-05-19", "10:00", "America/New_York")
    '2025-05-19T14:00:00Z'
    >>> utc_instant("2025-05-19", "17:00", "Europe/Moscow")
    '2025-05-19T14:00:00Z'
    >>> utc_instant("2025-05-19", "10:00", "unknown") is None
    True
    """
    if not date or not local_time or not zone or zone == UNKNOWN_ZONE or len(date) != 10:
        return None
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    hour, minute = (int(part) for part in local_time.split(":"))
    local = dt.datetime.fromisoformat(date).replace(hour=hour, minute=minute, tzinfo=tz)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------ statements


@dataclass(frozen=True)
class Statement:
    """What one document says about one node: its label, its properties, its links from it.

    ``described`` is False when the document only draws links from a node it gives no record of
    (an office of a person another document describes); such a statement never keeps a node.
    """

    document: str | None
    label: str
    properties: Mapping[str, Any]
    links: tuple[Edge, ...]
    described: bool = True

    def record(self) -> str:
        """The statement as canonical JSON (the ``record`` of its claim).

        Canonical whatever the statement was read from: a facts file (links in the file's
        order, the UTC instant the reader computed) or a store (links in the engine's order,
        computed properties left out), so that the order of loads never changes a record.
        """
        links = sorted(self.links, key=lambda e: (e.type, e.target, e.id))
        return json.dumps(
            {
                "label": self.label,
                "described": self.described,
                "properties": {
                    k: v for k, v in self.properties.items() if k not in COMPUTED_PROPERTIES
                },
                "links": [[e.type, e.target, e.properties] for e in links],
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_record(cls, node_id: str, document: str | None, record: str) -> Statement:
        data = json.loads(record)
        links = tuple(
            Edge.between(node_id, rtype, target, props) for rtype, target, props in data["links"]
        )
        return cls(document, data["label"], data["properties"], links, data["described"])


def claim_id(document: str | None, fact: str) -> str:
    """The id of a document's claim about a fact; '/' never occurs in ids of facts files."""
    return f"claim/{document or '-'}/{fact}"


@dataclass(frozen=True)
class View:
    """The current view of a node: its properties, its links, and the properties in conflict."""

    node: Node
    links: tuple[Edge, ...]
    conflicts: tuple[str, ...] = ()
    documents: tuple[str, ...] = field(default_factory=tuple)
    # document -> the properties on which its claim is one side of a conflict
    disputed: Mapping[str | None, tuple[str, ...]] = field(default_factory=dict)

    @property
    def properties(self) -> dict[str, Any]:
        return self.node.properties


def _order(statement: Statement, published: Mapping[str, str]) -> tuple[str, str]:
    doc = statement.document or ""
    return (published.get(doc, ""), doc)


def _day(statement: Statement, published: Mapping[str, str]) -> str:
    return published.get(statement.document or "", "")


def _by_day(statements: Sequence[Statement], published: Mapping[str, str]) -> list[list[Statement]]:
    days: dict[str, list[Statement]] = {}
    for st in statements:
        days.setdefault(_day(st, published), []).append(st)
    return [days[d] for d in sorted(days)]


def _latest(
    name: str, statements: Sequence[Statement], published: Mapping[str, str]
) -> tuple[Any, list[Statement]]:
    """The value of a property under the rule 'latest publication wins', and the claims of the
    day that disagree on it (none when the latest day giving it agrees)."""
    value: Any = None
    conflict: list[Statement] = []
    for day in _by_day(statements, published):
        values = [st.properties[name] for st in day if name in st.properties]
        if not values:
            continue
        distinct = _distinct(values)
        if name == "status" and len(distinct) > 1:
            settled = [v for v in distinct if v in _SETTLED]
            distinct = settled if settled else distinct
        if len(distinct) == 1:
            value, conflict = distinct[0], []
        else:
            conflict = [st for st in day if name in st.properties]
            if value is None:  # nothing earlier to keep: the first by document, flagged
                value = next(
                    st.properties[name]
                    for st in sorted(day, key=lambda s: s.document or "")
                    if name in st.properties and st.properties[name] in distinct
                )
    return value, conflict


def _distinct(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _when_of(props: Mapping[str, Any]) -> dict[str, Any]:
    when = {k: props[k] for k in _WHEN_KEYS if k in props}
    if "utc_time" not in when:
        instant = utc_instant(when.get("date"), when.get("local_time"), when.get("time_zone"))
        if instant is not None:
            when["utc_time"] = instant
    return when


def _rank(when: Mapping[str, Any]) -> tuple[int, int]:
    precision = _PRECISION.get(when.get("date_precision", ""), -1)
    if precision < 0 and when.get("date"):
        precision = len(str(when["date"]).split("-")) - 1
    known = 1 if when.get("time_zone") not in (None, UNKNOWN_ZONE) else 0
    return precision, known


def _compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two dates-and-times can both be true (one may be finer than the other)."""
    da, db = a.get("date"), b.get("date")
    if da and db and not (str(da).startswith(str(db)) or str(db).startswith(str(da))):
        return False
    for key in ("date_qualifier", "date_end"):
        if key in a and key in b and a[key] != b[key]:
            return False
    if "local_time" in a and "local_time" in b:
        if "utc_time" in a and "utc_time" in b:
            return bool(a["utc_time"] == b["utc_time"])
        if a["local_time"] != b["local_time"]:
            return False
        za, zb = a.get("time_zone", UNKNOWN_ZONE), b.get("time_zone", UNKNOWN_ZONE)
        return za == zb or UNKNOWN_ZONE in (za, zb)
    return True


def _when(
    statements: Sequence[Statement], published: Mapping[str, str]
) -> tuple[dict[str, Any], list[Statement]]:
    current: dict[str, Any] = {}
    conflict: list[Statement] = []
    for day in _by_day(statements, published):
        giving = [st for st in day if _when_of(st.properties)]
        whens = [_when_of(st.properties) for st in giving]
        if not whens:
            continue
        if any(not _compatible(a, b) for i, a in enumerate(whens) for b in whens[i + 1 :]):
            conflict = giving
            if not current:
                current = whens[0]
            continue
        conflict = []
        finest = max(whens, key=_rank)
        if not current or not _compatible(current, finest) or _rank(finest) > _rank(current):
            current = finest
    return current, conflict


def current_view(
    node_id: str,
    statements: Sequence[Statement],
    published: Mapping[str, str],
    ont: Ontology,
) -> View:
    """The current view of a node from the statements of its documents (see the module).

    Raises:
        ClaimConflict: the documents give the node different labels or different values of a
            property every source must agree on (its Wikidata id).
    """
    statements = sorted(statements, key=lambda st: _order(st, published))
    described = [st for st in statements if st.described]
    if not described:
        raise ClaimConflict(
            node_id,
            "record",
            {st.document: None for st in statements},
            f"no document gives a record of {node_id!r}",
        )
    labels = _distinct(st.label for st in described)
    if len(labels) > 1:
        docs = [next(st.document for st in described if st.label == lb) for lb in labels[:2]]
        raise ClaimConflict(node_id, "label", dict(zip(docs, labels, strict=False)))
    label = labels[0]
    names = {name for st in described for name in st.properties}
    props: dict[str, Any] = {}
    conflicts: list[str] = []
    disputed: dict[str | None, list[str]] = {}
    extra_names: list[str] = []
    when_done = evidence_done = False
    order = {name: i for i, name in enumerate(ont.properties)}
    for name in sorted(names, key=order.__getitem__):
        rule = ont.properties[name].merge_rule
        if rule == "same":
            givers = [st for st in described if name in st.properties]
            values = _distinct(st.properties[name] for st in givers)
            if len(values) > 1:
                docs = [
                    next(st.document for st in givers if st.properties[name] == v)
                    for v in values[:2]
                ]
                raise ClaimConflict(node_id, name, dict(zip(docs, values, strict=False)))
            props[name] = values[0]
        elif rule == "first":
            values = [st.properties[name] for st in described if name in st.properties]
            props[name] = values[0]
            if name in _NAME_KEYS:
                extra_names.extend(values[1:])
        elif rule == "union":
            merged: list[Any] = []
            for st in described:
                merged.extend(st.properties.get(name) or [])
            props[name] = _distinct(merged)
        elif rule == "when":
            if not when_done:
                when_done = True
                when, conflict = _when(described, published)
                props.update(when)
                if conflict:
                    conflicts.append("date")
                    for st in conflict:
                        disputed.setdefault(st.document, []).append("date")
        elif rule == "evidence":
            if not evidence_done:
                evidence_done = True
                quoting = [st for st in described if "quote" in st.properties] or described
                chosen = quoting[-1].properties
                props.update({k: chosen[k] for k in _EVIDENCE_KEYS if k in chosen})
        else:
            value, conflict = _latest(name, described, published)
            props[name] = value
            if conflict:
                conflicts.append(name)
                for st in conflict:
                    disputed.setdefault(st.document, []).append(name)
    if extra_names:
        aliases = list(props.get("alias") or [])
        own = {props.get(k) for k in _NAME_KEYS}
        props["alias"] = _distinct([*aliases, *(n for n in extra_names if n not in own)])
    links: dict[str, Edge] = {}
    for st in statements:  # in publication order: the latest claim's properties win
        for edge in st.links:
            links[edge.id] = edge
    documents = tuple(sorted({st.document for st in described if st.document is not None}))
    return View(
        Node(node_id, label, props),
        tuple(links.values()),
        tuple(conflicts),
        documents,
        {doc: tuple(names) for doc, names in disputed.items()},
    )


# ------------------------------------------------------------------------------------ encoding


def encode(
    node_id: str,
    statements: Sequence[Statement],
    published: Mapping[str, str],
    ont: Ontology,
) -> Graph:
    """How a node and its statements are stored: the node, its links and, past one document,
    its claims (see the module). Interactions are not included (:func:`kg.facts.interaction_edges`).
    """
    graph = Graph()
    by_doc: dict[str | None, Statement] = {}
    for st in statements:
        by_doc[st.document] = st
    statements = list(by_doc.values())
    if len(statements) == 1 and statements[0].described:
        (st,) = statements
        props = dict(st.properties)
        props.update(_when_of(props))
        graph.add_node(Node(node_id, st.label, props))
        for edge in st.links:
            graph.add_edge(edge)
        return graph
    view = current_view(node_id, statements, published, ont)
    props = dict(view.properties)
    if view.conflicts:
        props["conflicts"] = list(view.conflicts)
    if len(view.documents) > 1:
        props["documents"] = list(view.documents)
    graph.add_node(Node(node_id, view.node.label, props))
    for edge in view.links:
        graph.add_edge(edge)
    allowed = set(ont.classes[ont.claim_label].properties)
    for st in statements:
        cid = claim_id(st.document, node_id)
        claim = {k: v for k, v in st.properties.items() if k in allowed and k not in _NAME_KEYS}
        claim.update(_when_of(st.properties))
        claim.update(
            name=f"{node_id} according to {st.document or 'an unknown document'}",
            fact=node_id,
            document=st.document,
            published=published.get(st.document or ""),
            record=st.record(),
            conflicts=list(view.disputed.get(st.document, ())),
        )
        graph.add_node(Node(cid, ont.claim_label, claim))
        graph.add_edge(Edge.between(node_id, ont.claim_type, cid))
    return graph


def decode(
    node: Node, out_edges: Iterable[Edge], claims: Iterable[Node], ont: Ontology
) -> list[Statement]:
    """The statements a stored node stands for: its claims, or itself when it has none."""
    claims = list(claims)
    if claims:
        return [
            Statement.from_record(node.id, c.properties.get("document"), c.properties["record"])
            for c in claims
        ]
    derived = {ont.interaction_type, ont.claim_type}
    props = {k: v for k, v in node.properties.items() if k not in COMPUTED_PROPERTIES}
    links = tuple(e for e in out_edges if e.type not in derived)
    return [Statement(node.properties.get("document"), node.label, props, links)]


# ------------------------------------------------------------------------------------ as of a day


def published_dates(graph: Graph, ont: Ontology) -> dict[str, str]:
    """The publication date of every source node of a graph, by id."""
    sources = set(ont.source_labels)
    return {
        n.id: str(n.properties["published"])
        for n in graph.nodes.values()
        if n.label in sources and "published" in n.properties
    }


def statements_of(graph: Graph, ont: Ontology) -> dict[str, list[Statement]]:
    """Every node's statements, decoded from a stored graph (the whole of it)."""
    claim_label = ont.claim_label
    out: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        out.setdefault(edge.source, []).append(edge)
    result: dict[str, list[Statement]] = {}
    for node in graph.nodes.values():
        if node.label == claim_label:
            continue
        edges = out.get(node.id, [])
        claims = [graph.nodes[e.target] for e in edges if e.type == ont.claim_type]
        result[node.id] = decode(node, edges, claims, ont)
    return result


def as_of(graph: Graph, day: str, ont: Ontology) -> Graph:
    """The graph as the documents published by ``day`` (ISO date, inclusive) describe it.

    A node only documents published later describe is left out, with the links to it; a
    document whose publication date is unknown is left out too, except for nodes no document is
    known for (stores written before kg kept claims).
    """
    from kg.facts import derive_interactions

    published = published_dates(graph, ont)
    kept: dict[str, list[Statement]] = {}
    for node_id, statements in statements_of(graph, ont).items():
        visible = [
            st
            for st in statements
            if st.document is None or published.get(st.document, "9999") <= day
        ]
        if any(st.described for st in visible):
            kept[node_id] = visible
    result = Graph()
    for node_id, statements in kept.items():
        result.update(encode(node_id, statements, published, ont))
    for edge_id in [e.id for e in result.edges.values() if e.target not in result.nodes]:
        del result.edges[edge_id]
    derive_interactions(result, ont)
    keep_starts(result, graph.edges.values(), ont)
    return result


def keep_starts(graph: Graph, stored: Iterable[Edge], ont: Ontology) -> None:
    """Start the undirected interactions of ``graph``'s events where the stored ones start.

    Nobody named who initiated an undirected event, so its interactions start at its first
    participant (:func:`kg.facts.interaction_edges`). Which participant is first depends on the
    order its roles were read in, and a store gives them back in an order of its own (Neo4j's
    is arbitrary): keeping the start the store holds makes a load, an unload and the view as of
    a day name the same edges whatever that order.
    """
    from kg.facts import interaction_edges

    starts: dict[str, str] = {}
    for edge in stored:
        if edge.type == ont.interaction_type and edge.properties.get("directed") is False:
            starts.setdefault(str(edge.properties.get("event")), edge.source)
    if not starts:
        return
    roles = frozenset(ont.actor_role_types)
    derived: dict[str, list[Edge]] = {}
    given: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        if edge.type == ont.interaction_type:
            event = str(edge.properties.get("event"))
            if event in starts:
                derived.setdefault(event, []).append(edge)
        elif edge.type in roles and edge.source in starts:
            given.setdefault(edge.source, []).append(edge)
    for event_id, edges in derived.items():
        start = starts[event_id]
        if any(e.properties.get("directed") is not False for e in edges):
            continue  # a source names an initiator now: the edges start there
        if all(e.source == start for e in edges):
            continue
        roles_given = given.get(event_id, [])
        if start not in {e.target for e in roles_given}:
            continue  # the stored start is no longer an actor of the event
        for edge in edges:
            del graph.edges[edge.id]
        ordered = sorted(roles_given, key=lambda e: e.target != start)
        for edge in interaction_edges(graph.nodes[event_id], ordered, ont):
            graph.add_edge(edge)
