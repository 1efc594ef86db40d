"""Facts files: parse, validate against the ontology, and build a :class:`~kg.model.Graph`.

A facts file is YAML with three parts: the ``document`` whose text the quotes come from, the
``nodes`` (one record per actor, event, agreement, source ...), each with its ``links`` to other
nodes, and ``edges`` between nodes that are not events (offices, memberships). Every key is a
property or relationship type of the ontology, so the file reads like the graph it becomes.
Quotes carry their offsets in the document text and are checked on load. The actor-to-actor
interaction edges are derived here from the events' actor roles.

>>> graph = load_facts(sample_facts_path())
>>> call = graph.nodes["call-trump-putin-2025-05-19"]
>>> call.properties["status"], call.properties["date"], call.properties["local_time"]
('announced', '2025-05-19', '10:00')
>>> call.properties["time_zone"]
'unknown'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kg.errors import FactsError
from kg.model import Edge, Graph, GraphConflict, Node
from kg.ontology import Ontology, load_ontology
from kg.resources import data_dir

__all__ = [
    "FORMAT_VERSION",
    "MAX_FACTS_BYTES",
    "derive_interactions",
    "load_facts",
    "parse_facts",
    "sample_facts_path",
]

FORMAT_VERSION = 1
MAX_FACTS_BYTES = 512 * 1024 * 1024
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}")
_DATE_SHAPES = {
    "year": re.compile(r"\d{4}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "minute": re.compile(r"\d{4}-\d{2}-\d{2}"),
}
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_TOP_KEYS = {"kg", "document", "nodes", "edges"}
_RECORD_KEYS = {"id", "type", "links"}
_EDGE_KEYS = {"type", "from", "to"}
_QUOTE_KEYS = ("quote", "quote_start", "quote_end")


def sample_facts_path() -> Path:
    """The facts file of the bundled article of 17 May 2025."""
    return data_dir() / "article.facts.yaml"


# ------------------------------------------------------------------------------------------ YAML


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Seq(list[Any]):
    line: int = 0


def _make_loader() -> type[yaml.SafeLoader]:
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        """Safe loader: plain data only, dates stay strings, duplicate keys are errors."""

    # Dates stay the strings the analyst wrote: the ontology types them, not YAML.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Map:
        result = _Map()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise FactsError(f"keys must be text, not {key!r}", line=line)
            if key in result:
                raise FactsError(f"key {key!r} appears twice in one record", line=line)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> _Seq:
        result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        return result

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return Loader


_Loader = _make_loader()


def _read_yaml(path: Path) -> Any:
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FACTS_BYTES:
            raise FactsError(
                f"file is {size} bytes, over the limit of {MAX_FACTS_BYTES}", path=shown
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactsError(f"not valid UTF-8 (byte {exc.start})", path=shown, line=line) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except FactsError as exc:
        raise FactsError(exc.reason, path=shown, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        mark_line = mark.line + 1 if mark is not None else None
        raise FactsError(
            f"YAML error: {exc.problem or exc.context}", path=shown, line=mark_line
        ) from None
    except yaml.YAMLError as exc:
        raise FactsError(f"YAML error: {exc}", path=shown) from None


# ------------------------------------------------------------------------------------------ parsing


class _Builder:
    """Turns the records of one facts file into a Graph, checking each against the ontology."""

    def __init__(self, ont: Ontology, path: Path) -> None:
        self.ont = ont
        self.path = path
        self.shown = str(path)
        self.graph = Graph()
        self.lines: dict[str, int] = {}  # node id -> line of its record
        self.pending: list[tuple[Edge, int]] = []  # edges to check once every node is known
        self.document_id: str | None = None
        self.text: str | None = None

    def fail(self, message: str, line: int | None = None, record: str | None = None) -> FactsError:
        return FactsError(message, path=self.shown, line=line, record=record)

    # -- values ------------------------------------------------------------------------------------

    def value(self, name: str, raw: Any, line: int, record: str, allowed: Iterable[str]) -> Any:
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            raise self.fail(
                f"unknown property {name!r}; this record may have: {known}", line, record
            )
        prop = self.ont.properties[name]
        if raw is None:
            return None
        if prop.many:
            items = raw if isinstance(raw, list) else [raw]
            out = []
            for item in items:
                if not isinstance(item, str):
                    raise self.fail(
                        f"{name} must be text or a list of text, not {item!r}", line, record
                    )
                out.append(item)
            return out
        if prop.datatype == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise self.fail(f"{name} must be a whole number, not {raw!r}", line, record)
            return raw
        if prop.datatype == "boolean":
            if not isinstance(raw, bool):
                raise self.fail(f"{name} must be true or false, not {raw!r}", line, record)
            return raw
        if prop.datatype == "double":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise self.fail(f"{name} must be a number, not {raw!r}", line, record)
            return float(raw)
        if not isinstance(raw, str):
            raise self.fail(f"{name} must be text, not {raw!r} (quote it)", line, record)
        if prop.allowed and raw not in prop.allowed:
            raise self.fail(
                f"{name} {raw!r} is not one of: {', '.join(prop.allowed)}", line, record
            )
        return raw

    def properties(
        self, rec: _Map, skip: set[str], allowed: Iterable[str], record: str
    ) -> dict[str, Any]:
        allowed = set(allowed)
        props: dict[str, Any] = {}
        for key, raw in rec.items():
            if key in skip:
                continue
            value = self.value(key, raw, rec.key_lines.get(key, rec.line), record, allowed)
            if value is not None:
                props[key] = value
        self.check_quote(props, rec, record)
        self.check_dates(props, rec, record)
        return props

    def check_quote(self, props: dict[str, Any], rec: _Map, record: str) -> None:
        present = [k for k in _QUOTE_KEYS if k in props]
        if not present:
            return
        line = rec.key_lines.get("quote", rec.line)
        if len(present) != len(_QUOTE_KEYS):
            missing = ", ".join(k for k in _QUOTE_KEYS if k not in props)
            raise self.fail(
                f"a quote needs quote, quote_start and quote_end; missing {missing}", line, record
            )
        if self.text is None or self.document_id is None:
            raise self.fail("a quote needs the document's text", line, record)
        start, end, quote = props["quote_start"], props["quote_end"], props["quote"]
        if not 0 <= start <= end <= len(self.text):
            raise self.fail(
                f"quote offsets {start}-{end} are outside the document (length {len(self.text)})",
                line,
                record,
            )
        found = self.text[start:end]
        if found != quote:
            hint = self.text.find(quote)
            where = (
                f"; it is at {hint}-{hint + len(quote)}"
                if hint >= 0
                else "; it is nowhere in the document"
            )
            raise self.fail(
                f"quote is not at its offsets {start}-{end}: the text there is {found!r}{where}",
                line,
                record,
            )
        props.setdefault("document", self.document_id)

    def check_dates(self, props: dict[str, Any], rec: _Map, record: str) -> None:
        precision = props.get("date_precision")
        for name in self.ont.date_properties:
            if name not in props:
                continue
            line = rec.key_lines.get(name, rec.line)
            value = props[name]
            shape = next(
                (p for p, rx in _DATE_SHAPES.items() if p != "minute" and rx.fullmatch(value)), None
            )
            if shape is None:
                raise self.fail(
                    f"{name} {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
                    line,
                    record,
                )
            parts = [int(p) for p in value.split("-")] + [1, 1]
            try:
                dt.date(parts[0], parts[1], parts[2])
            except ValueError as exc:
                raise self.fail(
                    f"{name} {value!r} is not a real date: {exc}", line, record
                ) from None
            if (
                name == "date"
                and precision is not None
                and not _DATE_SHAPES[precision].fullmatch(value)
            ):
                raise self.fail(
                    f"date {value!r} does not have the precision {precision!r}", line, record
                )
        if "date_end" in props and "date" in props and props["date_end"] < props["date"]:
            raise self.fail(
                f"date_end {props['date_end']} is before date {props['date']}", rec.line, record
            )
        if "local_time" in props:
            line = rec.key_lines.get("local_time", rec.line)
            if not _TIME.fullmatch(props["local_time"]):
                raise self.fail(f"local_time {props['local_time']!r} is not HH:MM", line, record)
            if precision != "minute":
                raise self.fail("a local_time needs date_precision: minute", line, record)

    # -- records -----------------------------------------------------------------------------------

    def node_id(self, rec: _Map, record: str) -> str:
        node_id = rec.get("id")
        if not isinstance(node_id, str) or not ID_PATTERN.fullmatch(node_id):
            raise self.fail(
                f"id {node_id!r} must be 1-200 letters, digits, '.', '_', '~' or '-', starting with a letter or digit",
                rec.key_lines.get("id", rec.line),
                record,
            )
        return node_id

    def label(self, rec: _Map, record: str, within: list[str] | None = None) -> str:
        label = rec.get("type")
        choices = within if within is not None else self.ont.node_labels
        if label not in choices:
            raise self.fail(
                f"type {label!r} is not one of: {', '.join(choices)}",
                rec.key_lines.get("type", rec.line),
                record,
            )
        return str(label)

    def add_node(self, rec: Any, where: str, within: list[str] | None = None) -> str:
        if not isinstance(rec, _Map):
            raise self.fail(
                f"{where} must be a mapping with id and type", getattr(rec, "line", None)
            )
        record = where
        node_id = self.node_id(rec, record)
        record = f"node {node_id}"
        label = self.label(rec, record, within)
        allowed = self.ont.classes[label].properties
        props = self.properties(
            rec, _RECORD_KEYS | ({"text"} if within is not None else set()), allowed, record
        )
        if "name" not in props:
            raise self.fail("every node needs a name", rec.line, record)
        if label in self.ont.event_labels or "status" in allowed:
            if "status" not in props:
                raise self.fail(
                    f"a {label} needs a status ({', '.join(self.ont.status_values())})",
                    rec.line,
                    record,
                )
            cameo = self.ont.classes[label].cameo
            if cameo is not None:
                props.setdefault("cameo_code", cameo)
        if node_id in self.graph.nodes:
            raise self.fail(
                f"id {node_id!r} is already used by the record on line {self.lines[node_id]}",
                rec.line,
                record,
            )
        self.graph.add_node(Node(node_id, label, props))
        self.lines[node_id] = rec.line
        links = rec.get("links")
        if links is not None:
            self.add_links(node_id, links, rec.key_lines.get("links", rec.line), record)
        return node_id

    def add_links(self, source: str, links: Any, line: int, record: str) -> None:
        if not isinstance(links, _Map):
            raise self.fail("links must map relationship types to targets", line, record)
        for rel_type, targets in links.items():
            tline = links.key_lines[rel_type]
            items = targets if isinstance(targets, list) else [targets]
            for item in items:
                if isinstance(item, str):
                    self.add_edge(_Map(type=rel_type, to=item), source, tline, record)
                elif isinstance(item, _Map):
                    spec = _Map(item)
                    spec.line, spec.key_lines = item.line, item.key_lines
                    spec["type"] = rel_type
                    self.add_edge(spec, source, item.line, record)
                else:
                    raise self.fail(
                        f"{rel_type} target must be an id or a mapping with 'to', not {item!r}",
                        tline,
                        record,
                    )

    def add_edge(self, rec: _Map, source: str | None, line: int, record: str) -> None:
        rel_type = rec.get("type")
        rel = self.ont.relationships.get(rel_type) if isinstance(rel_type, str) else None
        if rel is None or rel.derived:
            usable = ", ".join(t for t, r in self.ont.relationships.items() if not r.derived)
            raise self.fail(f"relationship type {rel_type!r} is not one of: {usable}", line, record)
        start = source if source is not None else rec.get("from")
        end = rec.get("to")
        for end_name, value in (("from", start), ("to", end)):
            if not isinstance(value, str):
                raise self.fail(
                    f"{rel_type} needs '{end_name}': a node id, not {value!r}", line, record
                )
        assert isinstance(start, str) and isinstance(end, str)
        rec_name = record if source is not None else f"edge {start} {rel_type} {end}"
        skip = _EDGE_KEYS if source is None else {"type", "to"}
        props = self.properties(rec, skip, rel.properties, rec_name)
        edge = Edge.between(start, rel.type, end, props)
        if edge.id in self.graph.edges:
            raise self.fail(f"relationship {start} {rel_type} {end} is given twice", line, rec_name)
        self.graph.add_edge(edge)
        self.pending.append((edge, line))

    def check_endpoints(self, nodes: Mapping[str, Node]) -> None:
        """Every edge's ends exist among ``nodes`` (this file's, or all files' of one load)."""
        for edge, line in self.pending:
            record = f"edge {edge.source} {edge.type} {edge.target}"
            for end in (edge.source, edge.target):
                if end not in nodes:
                    raise self.fail(f"refers to {end!r}, which no record defines", line, record)
            src, dst = nodes[edge.source].label, nodes[edge.target].label
            if not self.ont.allows(edge.type, src, dst):
                pairs = self.ont.relationships[edge.type]
                raise self.fail(
                    f"{edge.type} cannot go from a {src} to a {dst}; it goes from "
                    f"{'/'.join(sorted(pairs.sources))} to {'/'.join(sorted(pairs.targets))}",
                    line,
                    record,
                )

    def document(self, rec: Any) -> None:
        if not isinstance(rec, _Map):
            raise self.fail(
                "'document' must be a mapping with id, type and text", getattr(rec, "line", 1)
            )
        text_file = rec.get("text")
        if not isinstance(text_file, str):
            raise self.fail(
                "the document needs 'text': the path of its text file", rec.line, "document"
            )
        text_path = (self.path.parent / text_file).resolve()
        try:
            raw = text_path.read_bytes()
            self.text = raw.decode("utf-8")
        except OSError as exc:
            raise self.fail(
                f"cannot read the document text {text_path}: {exc.strerror or exc}",
                rec.line,
                "document",
            ) from None
        except UnicodeDecodeError:
            raise self.fail(
                f"the document text {text_path} is not valid UTF-8", rec.line, "document"
            ) from None
        self.document_id = self.node_id(rec, "document")
        node_id = self.add_node(rec, "document", within=self.ont.source_labels)
        node = self.graph.nodes[node_id]
        props = dict(node.properties, text_sha256=hashlib.sha256(raw).hexdigest())
        self.graph.nodes[node_id] = Node(node.id, node.label, props)

    def build(self, data: Any) -> Graph:
        if data is None:
            raise self.fail("the file is empty", 1)
        if not isinstance(data, _Map):
            raise self.fail(
                "a facts file is a mapping with kg, document, nodes and edges",
                getattr(data, "line", 1),
            )
        unknown = set(data) - _TOP_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(
                f"unknown top-level key {key!r}; expected: {', '.join(sorted(_TOP_KEYS))}",
                data.key_lines[key],
            )
        if data.get("kg") != FORMAT_VERSION:
            raise self.fail(
                f"'kg: {FORMAT_VERSION}' (the format version) is missing or different",
                data.key_lines.get("kg", data.line),
            )
        self.document(data.get("document"))
        nodes = data.get("nodes")
        if not isinstance(nodes, list):
            raise self.fail(
                "'nodes' must be a list of records", data.key_lines.get("nodes", data.line)
            )
        for i, rec in enumerate(nodes, 1):
            self.add_node(rec, f"node #{i}")
        edges = data.get("edges") or []
        if not isinstance(edges, list):
            raise self.fail(
                "'edges' must be a list of records", data.key_lines.get("edges", data.line)
            )
        for i, rec in enumerate(edges, 1):
            if not isinstance(rec, _Map):
                raise self.fail(
                    "an edge must be a mapping with type, from and to",
                    getattr(rec, "line", None),
                    f"edge #{i}",
                )
            self.add_edge(rec, None, rec.line, f"edge #{i}")
        return self.graph


def derive_interactions(graph: Graph, ont: Ontology | None = None) -> None:
    """Add the actor-to-actor interaction edges of every event in ``graph``.

    From each initiator of an event (or, when it has none, its first participant) to each other
    actor of the event; the edge carries the event's id, class, date and status.
    """
    ont = ont or load_ontology()
    roles = ont.actor_role_types
    interaction = ont.interaction_type
    actors: dict[str, dict[str, list[str]]] = {}
    for edge in graph.edges.values():
        if edge.type in roles:
            actors.setdefault(edge.source, {}).setdefault(edge.type, []).append(edge.target)
    for event_id, by_role in actors.items():
        event = graph.nodes[event_id]
        ordered = [a for role in roles for a in by_role.get(role, [])]
        initiators = by_role.get(ont.initiator_type) or ordered[:1]
        props = {
            "event": event_id,
            "event_type": event.label,
            "date": event.properties.get("date"),
            "status": event.properties.get("status"),
        }
        for source in initiators:
            for target in ordered:
                if target != source and target not in initiators:
                    graph.add_edge(
                        Edge.between(source, interaction, target, props, qualifier=event_id)
                    )


def parse_facts(path: str | os.PathLike[str], ontology: Ontology | None = None) -> Graph:
    """Read and validate one facts file on its own; errors name the file and the line."""
    return load_facts(path, ontology=ontology)


def load_facts(*paths: str | os.PathLike[str], ontology: Ontology | None = None) -> Graph:
    """Read facts files into one Graph, checked against the ontology.

    A record may refer to nodes defined in another of the files (a corpus keeps its actors in one
    file and its events in others); the same id must mean the same thing in all of them.
    Without paths, the bundled article is read.
    """
    ont = ontology or load_ontology()
    merged = Graph()
    builders = []
    for path in paths or (sample_facts_path(),):
        builder = _Builder(ont, Path(path))
        graph = builder.build(_read_yaml(builder.path))
        try:
            merged.update(graph)
        except GraphConflict as exc:
            raise FactsError(
                f"{exc} (a file given before it says otherwise)", path=builder.shown
            ) from None
        builders.append(builder)
    for builder in builders:
        builder.check_endpoints(merged.nodes)
    derive_interactions(merged, ont)
    return merged


def facts_summary(graph: Graph) -> Mapping[str, int]:
    """Counts by label and type, as :meth:`Graph.counts`."""
    return graph.counts()
