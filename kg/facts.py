"""Facts files: parse, validate against the ontology, and build a :class:`~kg.model.Graph`.

A facts file is YAML with three parts: the ``document`` whose text the quotes come from, the
``nodes`` (one record per actor, event, agreement, source ...), each with its ``links`` to other
nodes, and ``edges`` between nodes that are not events (offices, memberships). Every key is a
property or relationship type of the ontology, so the file reads like the graph it becomes.
Quotes carry their offsets in the document text and are checked on load. The actor-to-actor
interaction edges are derived here from the events' actor roles.

The YAML is read as plain data only, from the parser's events and without recursion: anchors,
aliases, merge keys and tags other than the core ones are refused, and so are values over
:data:`MAX_STRING_CHARS` characters, nesting over :data:`MAX_NESTING` levels and characters XML
1.0 cannot carry. Every refusal is a :class:`~kg.errors.FactsError` naming the file and the line.

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
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.claims import (
    COMPUTED_PROPERTIES,
    ClaimConflict,
    Statement,
    encode,
    is_time_zone,
    utc_instant,
)
from kg.errors import FactsError
from kg.model import Edge, Graph, Node
from kg.ontology import Ontology, RelationshipDef, load_ontology
from kg.resources import data_dir

__all__ = [
    "FORMAT_VERSION",
    "MAX_FACTS_BYTES",
    "MAX_NESTING",
    "MAX_STRING_CHARS",
    "MAX_TEXT_BYTES",
    "FactsFile",
    "combine",
    "derive_interactions",
    "interaction_edges",
    "iter_facts",
    "load_facts",
    "parse_facts",
    "read_files",
    "sample_facts_path",
]

FORMAT_VERSION = 1
MAX_FACTS_BYTES = 512 * 1024 * 1024  # one facts file
MAX_TEXT_BYTES = 64 * 1024 * 1024  # one document text
MAX_STRING_CHARS = 1_000_000  # one value or key
MAX_NESTING = 20  # mappings and lists inside each other (a facts file needs 7)
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}")
# ASCII digits only: \d would also take "٢٠٢٥" or "２０２５", which int() reads as 2025.
_DATE_SHAPES = {
    "year": re.compile(r"[0-9]{4}"),
    "month": re.compile(r"[0-9]{4}-[0-9]{2}"),
    "day": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "minute": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # what both stores hold in an integer property
_TOP_KEYS = {"kg", "document", "nodes", "edges"}
_RECORD_KEYS = {"id", "type", "links"}
_EDGE_KEYS = {"type", "from", "to"}
_QUOTE_KEYS = ("quote", "quote_start", "quote_end")


def sample_facts_path() -> Path:
    """The facts file of the bundled article of 17 May 2025."""
    return data_dir() / "article.facts.yaml"


# ------------------------------------------------------------------------------------------ YAML

# The YAML that facts files need is plain data: mappings, lists, text, numbers, booleans. Anything
# else is refused before it is built, so hostile input cannot make the reader expand aliases,
# build objects, recurse or allocate without bound: no anchors or aliases, no tags but the core
# ones, no merge keys, at most MAX_NESTING levels, at most MAX_STRING_CHARS characters per value,
# and only characters that XML 1.0 can carry (the GraphML and GEXF exports are XML).

_YAML_TAG = "tag:yaml.org,2002:"
_STR_TAG = _YAML_TAG + "str"
_SCALAR_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool", "null"))
_COLLECTION_TAGS = frozenset((_YAML_TAG + "seq", _YAML_TAG + "map"))
# The characters a YAML stream may hold (YAML 1.1 "printable"); found before parsing, so the message
# can name the character and its line.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Characters XML 1.0 cannot carry; in a value they can only come from escapes ("\x01", "\0").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NO_KEY = object()  # a mapping waiting for its next key
_NOT_A_MAPPING = "a facts file is a mapping with kg, document, nodes and edges"


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class _Seq(list[Any]):
    """A YAML list that remembers the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


def _brief(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters for one-line messages.

    >>> _brief("x" * 100, 12)
    "'xxxxxxxx..."
    >>> _brief([1, 2])
    '[1, 2]'
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _yaml_error(message: str, line: int | None) -> FactsError:
    return FactsError(message, line=line)


def _implicit_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    # Dates stay the strings the analyst wrote: the ontology types them, not YAML.
    return {
        first: [(tag, rx) for tag, rx in resolvers if tag != _YAML_TAG + "timestamp"]
        for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    }


_RESOLVERS = _implicit_resolvers()
_ANY_FIRST = _RESOLVERS.get(None, [])
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only its parser is used


def _show_tag(tag: str) -> str:
    """A tag as it is written (``!!int`` for the YAML ones), cut to 60 characters."""
    shown = "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _resolve(value: str) -> str:
    """The tag YAML gives a plain (unquoted, untagged) scalar: int, float, bool, null or str."""
    for tag, rx in _RESOLVERS.get(value[:1], []) + _ANY_FIRST:
        if rx.match(value):
            return tag
    return _STR_TAG


def _scalar(event: yaml.ScalarEvent, line: int) -> Any:
    """A scalar's value: text, or for a plain scalar the number, boolean or null YAML reads."""
    value: str = event.value
    if len(value) > MAX_STRING_CHARS:
        raise _yaml_error(
            f"a value of {len(value)} characters is over the limit of {MAX_STRING_CHARS}", line
        )
    bad = _NOT_XML.search(value)
    if bad is not None:
        raise _yaml_error(
            f"character U+{ord(bad.group()):04X} is not allowed in a value (XML 1.0 cannot "
            "carry it)",
            line,
        )
    tag = event.tag
    if tag is None:
        if not event.implicit[0]:  # quoted
            return value
        tag = _resolve(value)
        if tag == _YAML_TAG + "merge":
            raise _yaml_error(
                "YAML error: merge keys (<<) are not allowed: write the keys out", line
            )
        if tag not in _SCALAR_TAGS:
            raise _yaml_error(f"YAML error: {_brief(value)} is not plain data (quote it)", line)
    elif tag not in _SCALAR_TAGS:
        raise _yaml_error(
            f"YAML error: tag {_show_tag(tag)} is not allowed: a facts file holds plain data", line
        )
    if tag == _STR_TAG:
        return value
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    except (ValueError, KeyError, OverflowError) as exc:
        if "digits" in str(exc):  # Python's limit on converting long digit strings
            raise _yaml_error(
                f"YAML error: a number of {len(value)} digits is too long", line
            ) from None
        raise _yaml_error(
            f"YAML error: {_brief(value)} is not a valid {_show_tag(tag)}", line
        ) from None


def _build(parser: Any) -> Any:
    """Plain data (:class:`_Map`, :class:`_Seq`, scalars) from a parser's events, without recursion."""
    containers: list[Any] = []  # the open mappings and lists, innermost last
    keys: list[Any] = []  # for each open container: the pending key of a mapping, or _NO_KEY
    root: Any = None
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event)
        line = event.start_mark.line + 1
        if (
            kind is yaml.ScalarEvent
            or kind is yaml.MappingStartEvent
            or kind is yaml.SequenceStartEvent
        ):
            if event.anchor is not None:
                raise _yaml_error(
                    f"YAML error: anchor &{event.anchor[:40]}: anchors and "
                    "aliases are not allowed in a facts file",
                    line,
                )
            if kind is yaml.ScalarEvent:
                value = _scalar(event, line)
            else:
                if event.tag is not None and event.tag not in _COLLECTION_TAGS:
                    raise _yaml_error(
                        f"YAML error: tag {_show_tag(event.tag)} is not allowed: a facts file "
                        "holds plain data",
                        line,
                    )
                value = _Map() if kind is yaml.MappingStartEvent else _Seq()
                value.line = line
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            containers.pop()
            keys.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise _yaml_error(
                f"YAML error: alias *{event.anchor[:40]}: anchors and aliases are "
                "not allowed in a facts file",
                line,
            )
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _yaml_error(
                    "YAML error: a second document ('---'): a facts file holds one", line
                )
            continue
        elif kind is yaml.StreamEndEvent:
            return root
        else:  # stream start, document end
            continue
        if not containers:
            if type(value) is not _Map and type(value) is not _Seq and value is not None:
                raise _yaml_error(_NOT_A_MAPPING, line)
            root = value
        else:
            parent = containers[-1]
            if type(parent) is _Seq:
                parent.append(value)
                parent.item_lines.append(line)
            elif keys[-1] is _NO_KEY:
                if type(value) is not str:
                    kinds: dict[type, str] = {_Map: "a mapping", _Seq: "a list"}
                    shown = kinds.get(type(value)) or _brief(value)
                    raise _yaml_error(f"keys must be text, not {shown}", line)
                if value in parent:
                    raise _yaml_error(f"key {_brief(value)} appears twice in one record", line)
                keys[-1] = value
                parent.key_lines[value] = line
            else:
                parent[keys[-1]] = value
                keys[-1] = _NO_KEY
        if type(value) is _Map or type(value) is _Seq:
            containers.append(value)
            keys.append(_NO_KEY)
            if len(containers) > MAX_NESTING:
                raise _yaml_error(
                    f"YAML error: mappings and lists nested more than {MAX_NESTING} deep", line
                )


def _parse_yaml(text: str) -> Any:
    """The data of one YAML document; every refusal a :class:`FactsError` with its line."""
    if not text.strip():  # YAML would refuse a tab on a blank line; it is just empty
        return None
    bad = _UNPRINTABLE.search(text)
    if bad is not None:
        code = ord(bad.group())
        raise _yaml_error(
            f"character U+{code:04X} is not allowed in a YAML file",
            text.count("\n", 0, bad.start()) + 1,
        )
    parser = _Parser(text)
    try:
        return _build(parser)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(exc.problem or exc.context).split())
        raise _yaml_error(f"YAML error: {reason}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:  # a reader error: the characters were checked above
        raise _yaml_error(f"YAML error: {' '.join(str(exc).split())}", None) from None
    finally:
        parser.dispose()


def _read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes, refusing more than ``limit`` (also from a pipe or a device)."""
    with path.open("rb") as stream:
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise OSError(0, f"over the limit of {limit} bytes")
    return raw


def _read_yaml(path: Path) -> Any:
    shown = str(path)
    try:
        raw = _read_bytes(path, MAX_FACTS_BYTES)
    except OSError as exc:
        raise FactsError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactsError(f"not valid UTF-8 (byte {exc.start})", path=shown, line=line) from None
    # A byte-order mark at the start is allowed (YAML allows it; some editors write it) and dropped.
    text = text.removeprefix("\ufeff")
    try:
        return _parse_yaml(text)
    except FactsError as exc:
        raise FactsError(exc.reason, path=shown, line=exc.line) from None
    except (RecursionError, MemoryError):
        raise FactsError("too large or too deeply nested to read", path=shown) from None


# ------------------------------------------------------------------------------------------ parsing


def _item_line(items: list[Any], number: int) -> int | None:
    """The line of the ``number``-th item (from 1) of a YAML list."""
    lines = getattr(items, "item_lines", None)
    return lines[number - 1] if lines else None


class _Builder:
    """Turns the records of one facts file into a Graph, checking each against the ontology."""

    def __init__(self, ont: Ontology, path: Path) -> None:
        self.ont = ont
        self.path = path
        self.shown = str(path)
        self.graph = Graph()
        self.lines: dict[str, int] = {}  # node id -> line of its record
        self.pending: list[tuple[Edge, int]] = []  # edges to check once every node is known
        self.edge_lines: dict[str, int] = {}  # edge id -> line that gives it
        self.document_id: str | None = None
        self.text: str | None = None

    def fail(self, message: str, line: int | None = None, record: str | None = None) -> FactsError:
        return FactsError(message, path=self.shown, line=line, record=record)

    # -- values ------------------------------------------------------------------------------------

    def value(self, name: str, raw: Any, line: int, record: str, allowed: Iterable[str]) -> Any:
        if name in COMPUTED_PROPERTIES:
            raise self.fail(
                f"{name} is computed by kg; a facts file does not give it", line, record
            )
        if name not in allowed:
            known = ", ".join(sorted(set(allowed) - COMPUTED_PROPERTIES))
            raise self.fail(
                f"unknown property {_brief(name)}; this record may have: {known}", line, record
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
                        f"{name} must be text or a list of text, not {_brief(item)}", line, record
                    )
                out.append(item)
            return out
        if prop.datatype == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise self.fail(f"{name} must be a whole number, not {_brief(raw)}", line, record)
            if not _INT64_MIN <= raw <= _INT64_MAX:
                raise self.fail(
                    f"{name} {_brief(raw)} is out of range (a 64-bit integer)", line, record
                )
            return raw
        if prop.datatype == "boolean":
            if not isinstance(raw, bool):
                raise self.fail(f"{name} must be true or false, not {_brief(raw)}", line, record)
            return raw
        if prop.datatype == "double":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise self.fail(f"{name} must be a number, not {_brief(raw)}", line, record)
            if not math.isfinite(raw):
                raise self.fail(f"{name} must be a finite number, not {raw}", line, record)
            return float(raw)
        if not isinstance(raw, str):
            raise self.fail(f"{name} must be text, not {_brief(raw)} (quote it)", line, record)
        if prop.allowed and raw not in prop.allowed:
            raise self.fail(
                f"{name} {_brief(raw)} is not one of: {', '.join(prop.allowed)}", line, record
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
        if start < 0:
            raise self.fail(f"quote_start {start} is negative", line, record)
        if end < start:
            raise self.fail(f"quote_end {end} is before quote_start {start}", line, record)
        if end > len(self.text):
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
                f"quote is not at its offsets {start}-{end}: the text there is {_brief(found)}{where}",
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
                    f"{name} {_brief(value)} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
                    line,
                    record,
                )
            parts = [int(p) for p in value.split("-")] + [1, 1]
            try:
                dt.date(parts[0], parts[1], parts[2])
            except ValueError as exc:
                raise self.fail(
                    f"{name} {_brief(value)} is not a real date: {exc}", line, record
                ) from None
            if (
                name == "date"
                and precision is not None
                and not _DATE_SHAPES[precision].fullmatch(value)
            ):
                raise self.fail(
                    f"date {_brief(value)} does not have the precision {_brief(precision)}",
                    line,
                    record,
                )
        if "date_end" in props and "date" in props and props["date_end"] < props["date"]:
            raise self.fail(
                f"date_end {props['date_end']} is before date {props['date']}", rec.line, record
            )
        if "local_time" in props:
            line = rec.key_lines.get("local_time", rec.line)
            if not _TIME.fullmatch(props["local_time"]):
                raise self.fail(
                    f"local_time {_brief(props['local_time'])} is not HH:MM", line, record
                )
            if precision != "minute":
                raise self.fail("a local_time needs date_precision: minute", line, record)
        if "time_zone" in props:
            zone = props["time_zone"]
            if not is_time_zone(zone):
                raise self.fail(
                    f"time_zone {_brief(zone)} is not an IANA time zone name "
                    "(Europe/Moscow, America/New_York) or unknown",
                    rec.key_lines.get("time_zone", rec.line),
                    record,
                )
            instant = utc_instant(props.get("date"), props.get("local_time"), zone)
            if instant is not None:
                props["utc_time"] = instant

    # -- records -----------------------------------------------------------------------------------

    def node_id(self, rec: _Map, record: str) -> str:
        node_id = rec.get("id")
        if not isinstance(node_id, str) or not ID_PATTERN.fullmatch(node_id):
            raise self.fail(
                f"id {_brief(node_id)} must be 1-200 letters, digits, '.', '_', '~' or '-', starting with a letter or digit",
                rec.key_lines.get("id", rec.line),
                record,
            )
        return node_id

    def label(self, rec: _Map, record: str, within: list[str] | None = None) -> str:
        label = rec.get("type")
        choices = within if within is not None else self.ont.fact_labels
        if label not in choices:
            raise self.fail(
                f"type {_brief(label)} is not one of: {', '.join(choices)}",
                rec.key_lines.get("type", rec.line),
                record,
            )
        return str(label)

    def add_node(
        self, rec: Any, where: str, within: list[str] | None = None, line: int | None = None
    ) -> str:
        if not isinstance(rec, _Map):
            raise self.fail("a node must be a mapping with id and type", line, where)
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
        # Every record is its document's statement, quoted or not.
        props.setdefault("document", self.document_id or node_id)
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
            self.relationship(rel_type, tline, record)
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
                        f"{rel_type} target must be an id or a mapping with 'to', not {_brief(item)}",
                        tline,
                        record,
                    )

    def relationship(self, rel_type: Any, line: int, record: str) -> RelationshipDef:
        rel = self.ont.relationships.get(rel_type) if isinstance(rel_type, str) else None
        if rel is None or rel.derived:
            usable = ", ".join(t for t, r in self.ont.relationships.items() if not r.derived)
            raise self.fail(
                f"relationship type {_brief(rel_type)} is not one of: {usable}", line, record
            )
        return rel

    def add_edge(self, rec: _Map, source: str | None, line: int, record: str) -> None:
        rel_type = rec.get("type")
        rel = self.relationship(rel_type, line, record)
        start = source if source is not None else rec.get("from")
        end = rec.get("to")
        for end_name, value in (("from", start), ("to", end)):
            if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
                raise self.fail(
                    f"{rel_type} needs '{end_name}': a node id, not {_brief(value)}", line, record
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
        self.edge_lines[edge.id] = line

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

    def document(self, rec: Any, line: int) -> None:
        if not isinstance(rec, _Map):
            raise self.fail("'document' must be a mapping with id, type and text", line)
        text_file = rec.get("text")
        line = rec.key_lines.get("text", rec.line)
        if not isinstance(text_file, str):
            raise self.fail(
                "the document needs 'text': the path of its text file", line, "document"
            )
        # abspath, not resolve(): resolving a symlink loop raises RuntimeError, not OSError.
        text_path = Path(os.path.abspath(self.path.parent / text_file))
        try:
            raw = _read_bytes(text_path, MAX_TEXT_BYTES)
            self.text = raw.decode("utf-8")
        except OSError as exc:
            raise self.fail(
                f"cannot read the document text {text_path}: {exc.strerror or exc}",
                line,
                "document",
            ) from None
        except UnicodeDecodeError:
            raise self.fail(
                f"the document text {text_path} is not valid UTF-8", line, "document"
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
            raise self.fail(_NOT_A_MAPPING, getattr(data, "line", 1))
        unknown = set(data) - _TOP_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(
                f"unknown top-level key {_brief(key)}; expected: {', '.join(sorted(_TOP_KEYS))}",
                data.key_lines[key],
            )
        version = data.get("kg")
        if type(version) is not int or version != FORMAT_VERSION:
            raise self.fail(
                f"'kg: {FORMAT_VERSION}' (the format version) is missing or different",
                data.key_lines.get("kg", data.line),
            )
        self.document(data.get("document"), data.key_lines.get("document", data.line))
        nodes = data.get("nodes")
        if not isinstance(nodes, list):
            raise self.fail(
                "'nodes' must be a list of records", data.key_lines.get("nodes", data.line)
            )
        for i, rec in enumerate(nodes, 1):
            self.add_node(rec, f"node #{i}", line=_item_line(nodes, i))
        edges = data.get("edges") or []
        if not isinstance(edges, list):
            raise self.fail(
                "'edges' must be a list of records", data.key_lines.get("edges", data.line)
            )
        for i, rec in enumerate(edges, 1):
            if not isinstance(rec, _Map):
                raise self.fail(
                    "an edge must be a mapping with type, from and to",
                    _item_line(edges, i),
                    f"edge #{i}",
                )
            self.add_edge(rec, None, rec.line, f"edge #{i}")
        return self.graph


def derive_interactions(graph: Graph, ont: Ontology | None = None) -> None:
    """Add the actor-to-actor interaction edges of every event in ``graph``.

    See :func:`interaction_edges`.
    """
    ont = ont or load_ontology()
    roles = frozenset(ont.actor_role_types)
    by_event: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        if edge.type in roles:
            by_event.setdefault(edge.source, []).append(edge)
    for event_id, given in by_event.items():
        for derived in interaction_edges(graph.nodes[event_id], given, ont):
            graph.add_edge(derived)


def parse_facts(path: str | os.PathLike[str], ontology: Ontology | None = None) -> Graph:
    """Read and validate one facts file on its own; errors name the file and the line."""
    return load_facts(path, ontology=ontology)


@dataclass
class FactsFile:
    """One facts file read and checked on its own: its document and the records it gives."""

    shown: str  # the path as given, for messages
    document: str
    published: str | None
    graph: Graph  # the file's nodes and edges, no interactions
    lines: dict[str, int]  # node id -> line of its record
    edge_lines: dict[str, int]  # edge id -> line that gives it

    def statements(self) -> dict[str, Statement]:
        """The document's statement about every node it gives a record of or draws links from."""
        links: dict[str, list[Edge]] = {}
        for edge in self.graph.edges.values():
            links.setdefault(edge.source, []).append(edge)
        out = {
            node.id: Statement(
                self.document, node.label, node.properties, tuple(links.pop(node.id, ()))
            )
            for node in self.graph.nodes.values()
        }
        for source, edges in links.items():
            out[source] = Statement(self.document, "", {}, tuple(edges), described=False)
        return out


def read_files(
    paths: Iterable[str | os.PathLike[str]],
    ontology: Ontology | None = None,
    known: Callable[[list[str]], Mapping[str, str]] | None = None,
) -> list[FactsFile]:
    """Read facts files, each checked against the ontology; references checked across them all.

    A record may refer to a node another of the files gives, or (with ``known``, which returns
    the labels of the ids a store holds) to a node of the store. One document given by two
    files must be the same in both; a file given twice counts once.
    """
    ont = ontology or load_ontology()
    files: list[FactsFile] = []
    builders: list[_Builder] = []
    documents: dict[str, FactsFile] = {}
    for path in paths:
        builder = _Builder(ont, Path(path))
        graph = builder.build(_read_yaml(builder.path))
        assert builder.document_id is not None
        doc = builder.document_id
        published = graph.nodes[doc].properties.get("published")
        parsed = FactsFile(builder.shown, doc, published, graph, builder.lines, builder.edge_lines)
        builders.append(builder)
        first = documents.get(doc)
        if first is None:
            documents[doc] = parsed
            files.append(parsed)
        else:
            _join(first, parsed)
    nodes: dict[str, Node] = {}
    first_file: dict[str, FactsFile] = {}
    for parsed in files:
        for node in parsed.graph.nodes.values():
            held = nodes.setdefault(node.id, node)
            first_file.setdefault(node.id, parsed)
            if held.label != node.label:
                raise FactsError(
                    f"{node.id!r} is a {node.label} here but a {held.label} in "
                    f"{first_file[node.id].shown}",
                    path=parsed.shown,
                    line=parsed.lines.get(node.id),
                    record=f"node {node.id}",
                )
    missing = sorted(
        {
            end
            for parsed in files
            for edge in parsed.graph.edges.values()
            for end in (edge.source, edge.target)
            if end not in nodes
        }
    )
    if missing and known is not None:
        for node_id, label in known(missing).items():
            nodes.setdefault(node_id, Node(node_id, label, {}))
    for builder in builders:
        builder.check_endpoints(nodes)
    return files


def _join(first: FactsFile, later: FactsFile) -> None:
    """Add to a document's records those another file of the same document gives."""
    for node in later.graph.nodes.values():
        held = first.graph.nodes.get(node.id)
        if held is None:
            first.graph.nodes[node.id] = node
            first.lines.setdefault(node.id, later.lines.get(node.id, 0))
        elif held != node:
            raise _twice("node", node.id, later.shown, later.lines.get(node.id))
    for edge in later.graph.edges.values():
        held_edge = first.graph.edges.get(edge.id)
        if held_edge is None:
            first.graph.edges[edge.id] = edge
        elif held_edge != edge:
            raise _twice("edge", edge.id, later.shown, later.edge_lines.get(edge.id))


def combine(
    files: Iterable[FactsFile],
    held: Mapping[str, Sequence[Statement]] | None = None,
    published: Mapping[str, str] | None = None,
    ontology: Ontology | None = None,
) -> Graph:
    """The graph of facts files (and of statements a store holds already), claims merged.

    Every node is encoded from all the statements made about it (:func:`kg.claims.encode`), and
    the interactions of every event are derived from its links.
    """
    ont = ontology or load_ontology()
    files = list(files)
    statements: dict[str, dict[str | None, Statement]] = {}
    for node_id, given in (held or {}).items():
        for st in given:
            statements.setdefault(node_id, {})[st.document] = st
    dates = dict(published or {})
    where: dict[str | None, FactsFile] = {}
    for parsed in files:
        where[parsed.document] = parsed
        if parsed.published is not None:
            dates[parsed.document] = parsed.published
        for node_id, st in parsed.statements().items():
            statements.setdefault(node_id, {})[parsed.document] = st
    graph = Graph()
    for node_id, by_doc in statements.items():
        try:
            graph.update(encode(node_id, list(by_doc.values()), dates, ont))
        except ClaimConflict as exc:
            raise _claim_error(exc, where) from None
    derive_interactions(graph, ont)
    return graph


def _claim_error(exc: ClaimConflict, where: Mapping[str | None, FactsFile]) -> FactsError:
    """A conflict between documents, said from the file given last (the one that brought it),
    naming the other file (or the store) that says otherwise."""
    order = list(where)
    loaded = [d for d in exc.documents if d in where]
    if not loaded or len(exc.values) < 2:
        return FactsError(str(exc), record=f"node {exc.node_id}")
    here = max(loaded, key=order.index)
    other = next(d for d in exc.documents if d != here)
    shown = where[other].shown if other in where else f"document {other} in the store"
    given = where[here]
    return FactsError(
        f"{exc.node_id!r} {exc.says(exc.values[here])} here but {exc.value(exc.values[other])} "
        f"in {shown}",
        path=given.shown,
        line=given.lines.get(exc.node_id),
        record=f"node {exc.node_id}",
    )


def load_facts(*paths: str | os.PathLike[str], ontology: Ontology | None = None) -> Graph:
    """Read facts files into one Graph, checked against the ontology.

    A record may refer to nodes defined in another of the files (a corpus keeps its actors in one
    file and its events in others). Records of one node in several documents are claims of
    those documents, merged into the node's current view (:mod:`kg.claims`). Without paths, the
    bundled article is read.
    """
    ont = ontology or load_ontology()
    return combine(read_files(paths or (sample_facts_path(),), ont), ontology=ont)


# ------------------------------------------------------------------------------------------ streaming


def interaction_edges(event: Node, roles: Iterable[Edge], ont: Ontology) -> list[Edge]:
    """The actor-to-actor interaction edges of one event, from its role edges.

    From each initiator of the event to each other actor of it. When no source names an
    initiator, the edges go from the first participant (a relationship needs a start) but carry
    ``directed: false``: nobody said who called whom, so no direction may be drawn. Each edge
    carries the event's id, class, date and status.
    """
    by_role: dict[str, list[str]] = {}
    seen: set[str] = set()
    for edge in roles:
        if edge.id not in seen:
            seen.add(edge.id)
            by_role.setdefault(edge.type, []).append(edge.target)
    ordered = [a for role in ont.actor_role_types for a in by_role.get(role, [])]
    named = by_role.get(ont.initiator_type)
    initiators = named or ordered[:1]
    props = {
        "event": event.id,
        "event_type": event.label,
        "date": event.properties.get("date"),
        "status": event.properties.get("status"),
        "directed": bool(named),
    }
    return [
        Edge.between(source, ont.interaction_type, target, props, qualifier=event.id)
        for source in initiators
        for target in dict.fromkeys(ordered)
        if target != source and target not in initiators
    ]


def _twice(kind: str, element_id: str, shown: str, line: int | None) -> FactsError:
    return FactsError(
        f"{kind} {element_id!r} is defined twice with different content "
        "(a file given before it says otherwise)",
        path=shown,
        line=line,
    )


class _Stream:
    """Reads facts files one at a time; each file's new nodes and edges become one chunk.

    Kept from file to file: the label and the file of every node id (to check references and
    repeated definitions), the edges whose start node the file giving them does not define
    (rare: the ``edges`` part, or a node repeated from another file), role edges of events not
    defined yet, and the references not resolved yet. A node or edge an earlier file gave is
    compared with that file's, read again (rare too; the last two files read are kept), and left
    out when it is the same.
    """

    def __init__(self, paths: list[Path], ont: Ontology) -> None:
        self.paths = paths
        self.ont = ont
        self.labels = list(ont.node_labels)
        self.label_index = {label: i for i, label in enumerate(self.labels)}
        self.width = len(self.labels)
        self.seen: dict[str, int] = {}  # node id -> number of its file * width + label index
        self.foreign: dict[str, tuple[Edge, int]] = {}  # edge id -> (edge, number of its file)
        self.unresolved: list[tuple[Edge, str, int | None]] = []  # (edge, file, line)
        self.early_roles: dict[str, list[Edge]] = {}  # event id -> roles given before the event
        self.late_roles: dict[str, list[Edge]] = {}  # event id -> roles given after its file
        self.roles = frozenset(ont.actor_role_types)
        self._cache: dict[int, Graph] = {}

    def label_of(self, node_id: str) -> str | None:
        packed = self.seen.get(node_id)
        return None if packed is None else self.labels[packed % self.width]

    def reread(self, number: int) -> Graph:
        """The graph of an earlier file, read again."""
        graph = self._cache.get(number)
        if graph is None:
            builder = _Builder(self.ont, self.paths[number])
            graph = builder.build(_read_yaml(builder.path))
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[number] = graph
        return graph

    def chunks(self) -> Iterator[Graph]:
        for number, path in enumerate(self.paths):
            builder = _Builder(self.ont, path)
            graph = builder.build(_read_yaml(builder.path))
            yield self.admit(number, builder, graph)
            del graph, builder
        tail = self.finish()
        self._cache.clear()
        if tail.edges:
            yield tail

    def admit(self, number: int, builder: _Builder, graph: Graph) -> Graph:
        """One file's graph less what earlier files gave, with its interactions derived."""
        chunk = Graph()
        own: set[str] = set()  # the nodes this file is the first to define
        for node in graph.nodes.values():
            packed = self.seen.get(node.id)
            if packed is None:
                self.seen[node.id] = number * self.width + self.label_index[node.label]
                chunk.nodes[node.id] = node
                own.add(node.id)
            elif self.reread(packed // self.width).nodes[node.id] != node:
                raise _twice("node", node.id, builder.shown, builder.lines.get(node.id))
        for edge in graph.edges.values():
            line = builder.edge_lines.get(edge.id)
            given = self.foreign.get(edge.id)
            if given is None and edge.source not in own:
                packed = self.seen.get(edge.source)
                if packed is not None:
                    first = self.reread(packed // self.width).edges.get(edge.id)
                    given = None if first is None else (first, packed // self.width)
            if given is not None and given[1] != number:
                if given[0] != edge:
                    raise _twice("edge", edge.id, builder.shown, line)
                continue
            if edge.source not in own:
                self.foreign[edge.id] = (edge, number)
            chunk.edges[edge.id] = edge
            self.check(edge, builder.shown, line)
        self.interactions(chunk, own)
        return chunk

    def check(self, edge: Edge, shown: str, line: int | None) -> None:
        source, target = self.label_of(edge.source), self.label_of(edge.target)
        if source is None or target is None:
            self.unresolved.append((edge, shown, line))
        else:
            self.allowed(edge, source, target, shown, line)

    def allowed(self, edge: Edge, source: str, target: str, shown: str, line: int | None) -> None:
        if not self.ont.allows(edge.type, source, target):
            rel = self.ont.relationships[edge.type]
            raise FactsError(
                f"{edge.type} cannot go from a {source} to a {target}; it goes from "
                f"{'/'.join(sorted(rel.sources))} to {'/'.join(sorted(rel.targets))}",
                path=shown,
                line=line,
                record=f"edge {edge.source} {edge.type} {edge.target}",
            )

    def interactions(self, chunk: Graph, own: set[str]) -> None:
        roles: dict[str, list[Edge]] = {}
        for edge in chunk.edges.values():
            if edge.type not in self.roles:
                continue
            if edge.source in own:
                roles.setdefault(edge.source, []).append(edge)
            elif edge.source in self.seen:
                self.late_roles.setdefault(edge.source, []).append(edge)
            else:
                self.early_roles.setdefault(edge.source, []).append(edge)
        for event_id, given in roles.items():
            early = self.early_roles.pop(event_id, [])
            for derived in interaction_edges(chunk.nodes[event_id], [*early, *given], self.ont):
                chunk.add_edge(derived)
        for event_id in own & self.early_roles.keys():
            early = self.early_roles.pop(event_id)
            for derived in interaction_edges(chunk.nodes[event_id], early, self.ont):
                chunk.add_edge(derived)

    def finish(self) -> Graph:
        """Check the references left; the interactions roles given after their event add."""
        for edge, shown, line in self.unresolved:
            for end in (edge.source, edge.target):
                if end not in self.seen:
                    raise FactsError(
                        f"refers to {end!r}, which no record defines",
                        path=shown,
                        line=line,
                        record=f"edge {edge.source} {edge.type} {edge.target}",
                    )
            source, target = self.label_of(edge.source), self.label_of(edge.target)
            assert source is not None and target is not None
            self.allowed(edge, source, target, shown, line)
        self.unresolved = []
        tail = Graph()
        # An event given more actors by a later file: its first interactions are out already,
        # so the later ones may only add to them.
        for event_id, late in self.late_roles.items():
            number = self.seen[event_id] // self.width
            graph = self.reread(number)
            first = [
                e
                for e, n in self.foreign.values()
                if e.source == event_id and e.type in self.roles and n < number
            ]
            first += [
                e for e in graph.edges.values() if e.source == event_id and e.type in self.roles
            ]
            event = graph.nodes[event_id]
            before = {e.id for e in interaction_edges(event, first, self.ont)}
            after = interaction_edges(event, [*first, *late], self.ont)
            if not before <= {e.id for e in after}:
                raise FactsError(
                    f"event {event_id!r} gets an actor from a later file that changes who "
                    "initiates it; give it in the file that defines the event",
                    path=str(self.paths[number]),
                    line=None,
                )
            for edge in after:
                if edge.id not in before:
                    tail.add_edge(edge)
        return tail


def iter_facts(*paths: str | os.PathLike[str], ontology: Ontology | None = None) -> Iterator[Graph]:
    """Read facts files one at a time, yielding what each file adds as a Graph (a chunk).

    The chunks together hold what :func:`load_facts` gives for the same files, interactions
    included, but only one file's graph is in memory at a time (with the label of every node id
    seen so far), so a corpus of any size streams into a store or an exporter. A node or edge an
    earlier file gave already, with the same content, is left out of the later chunk; the same
    id with other content is a :class:`FactsError`, as are references to nodes no file defines,
    raised after the last file: a consumer that writes only once the iterator is exhausted
    writes nothing from facts that do not validate. One case :func:`load_facts` accepts is
    refused: a later file giving an event an actor that changes who initiates it (its
    interactions went out with its own file).

    >>> chunks = list(iter_facts(sample_facts_path(), sample_facts_path()))
    >>> len(chunks), len(chunks[1])  # the same file twice: the second adds nothing
    (2, 0)
    >>> merged = Graph()
    >>> for chunk in chunks:
    ...     merged.update(chunk)
    >>> merged == load_facts(sample_facts_path())
    True
    """
    ont = ontology or load_ontology()
    return _Stream([Path(p) for p in paths or (sample_facts_path(),)], ont).chunks()


def facts_summary(graph: Graph) -> Mapping[str, int]:
    """Counts by label and type, as :meth:`Graph.counts`."""
    return graph.counts()
