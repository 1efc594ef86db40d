"""RDF exports of a :class:`~kg.model.Graph`: Turtle and N-Triples streamed, JSON-LD through rdflib.

The mapping is read from the ontology, never spelled here:

- a node is ``<https://w3id.org/kg-diplo/id/{id}> a kg:{Label}``, its id percent-encoded where it
  holds anything but ``A-Z a-z 0-9 - . _ ~``;
- a property is written under its ``rdf_predicate`` (its own IRI unless the ontology says
  otherwise): with its language tag when it has one (``rdfs:label "Poutine"@fr``), as an IRI
  under its ``iri_prefix`` when it has one (``owl:sameAs <http://www.wikidata.org/entity/Q7747>``),
  as ``xsd:integer`` / ``xsd:boolean`` / ``xsd:double`` by its range, one triple per value for a
  list; date-valued properties (:func:`date_properties`) are typed by the shape of their value,
  ``xsd:date`` (2025-05-19), ``xsd:gYearMonth`` (2025-03) or ``xsd:gYear`` (2025), see
  :func:`date_datatype`; any other text is a plain ``xsd:string`` literal;
- an edge is ``<source> kg:{objectProperty} <target>``; an edge that carries properties (the quote
  and its offsets, an office, the event of an interaction ...) is also described by an
  ``rdf:Statement`` named ``<https://w3id.org/kg-diplo/id/rel/{edge id, percent-encoded}>``, with
  ``rdf:subject`` / ``rdf:predicate`` / ``rdf:object`` and those properties, so each fact's
  provenance stays traceable in RDF.

Turtle and N-Triples are written by hand, node by node, after a fixed prefix header: memory stays
flat and the output is many times faster than rdflib's serializers. :func:`to_rdflib` builds the
same triples with rdflib; JSON-LD is rdflib's serialization of it with a context of the prefixes.

>>> from kg.model import Edge, Graph, Node
>>> g = Graph()
>>> g.add_node(Node("putin", "Person", {"name": "Vladimir Putin", "wikidata": "Q7747"}))
>>> g.add_node(Node("russia", "Country", {"name": "Russia"}))
>>> g.add_edge(Edge.between("putin", "HOLDS_POSITION", "russia", {"position": "President"}))
>>> print("".join(generate_ntriples(g)).splitlines()[1])
<https://w3id.org/kg-diplo/id/putin> <https://w3id.org/kg-diplo/ontology#name> "Vladimir Putin" .
>>> len(to_rdflib(g))  # 3 + 2 node triples, the edge, its rdf:Statement's 5
11
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote as _percent_encode

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from kg.errors import KGError, OntologyError
from kg.model import Edge, Node
from kg.model import Graph as KGGraph
from kg.ontology import DATA, KG, Ontology, PropertyDef, load_ontology

__all__ = [
    "DATA",
    "KG",
    "REL",
    "PropertyTerm",
    "RdfMapping",
    "date_datatype",
    "date_properties",
    "edge_iri",
    "generate_ntriples",
    "generate_turtle",
    "jsonld_context",
    "mapping",
    "node_iri",
    "required_properties",
    "to_rdflib",
    "write_jsonld",
    "write_ntriples",
    "write_turtle",
]

REL = Namespace(str(DATA) + "rel/")
"""Where the ``rdf:Statement`` of an edge with properties is named: ``rel:`` + its edge id."""

# Prefix names kg gives its own data namespaces; the ontology's own bindings name the rest.
_OWN_PREFIXES = {"kg": KG, "id": DATA, "rel": REL}

# Characters an IRI segment keeps as they are; anything else is percent-encoded (UTF-8).
_IRI_SAFE = re.compile(r"[A-Za-z0-9._~-]+")
# A Turtle prefixed name's local part that needs no escaping (PN_LOCAL without '~', ':' or a
# final '.', percent escapes allowed).
_PN_LOCAL = re.compile(
    r"(?:[A-Za-z0-9_]|%[0-9A-F]{2})(?:(?:[A-Za-z0-9_.-]|%[0-9A-F]{2})*(?:[A-Za-z0-9_-]|%[0-9A-F]{2}))?"
)
# Simple local names of vocabulary terms, for prefixed names in the header namespaces.
_VOCAB_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Characters an IRIREF may not hold (Turtle and N-Triples).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')

# The three shapes of an ISO 8601 calendar date, to their precision.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")
_YEAR = re.compile(r"\d{4}")
# Looked up once: attribute access on an rdflib Namespace is slow in the hot path.
_XSD_DATE, _XSD_GYEARMONTH, _XSD_GYEAR = XSD.date, XSD.gYearMonth, XSD.gYear


# ---------------------------------------------------------------------------------- the mapping


def date_datatype(value: str) -> URIRef | None:
    """The XSD datatype a date value is written with, by its shape; None when it is no date.

    >>> date_datatype("2025-05-19"), date_datatype("2025-03"), date_datatype("2025")
    (rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'), \
rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYearMonth'), \
rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    >>> date_datatype("lundi") is None
    True
    """
    n = len(value)
    if n == 10 and _DATE.fullmatch(value):
        return _XSD_DATE
    if n == 7 and _YEAR_MONTH.fullmatch(value):
        return _XSD_GYEARMONTH
    if n == 4 and _YEAR.fullmatch(value):
        return _XSD_GYEAR
    return None


def date_properties(ontology: Ontology | None = None) -> frozenset[str]:
    """The string properties whose values are ISO 8601 calendar dates.

    They are the properties the ontology annotates ``kg:dateValued true``.

    >>> sorted(date_properties())
    ['date', 'date_end', 'first_since', 'published']
    """
    return frozenset((ontology or load_ontology()).date_properties)


def required_properties(ontology: Ontology | None = None) -> frozenset[str]:
    """Properties every node of a class that may carry them must have (SHACL ``sh:minCount 1``).

    They are the properties the ontology annotates ``kg:required true``.

    >>> sorted(required_properties())
    ['name', 'status']
    """
    return frozenset((ontology or load_ontology()).required_properties)


@dataclass(frozen=True)
class PropertyTerm:
    """How one property is written in RDF."""

    name: str
    predicate: URIRef
    kind: str  # string | lang | iri | integer | boolean | double | date
    many: bool
    language: str | None = None
    iri_prefix: str | None = None


@dataclass(frozen=True)
class RdfMapping:
    """The ontology's RDF mapping: class, relationship and property terms, and the prefixes."""

    ontology: Ontology
    classes: dict[str, URIRef]
    relationships: dict[str, URIRef]
    properties: dict[str, PropertyTerm]
    node_properties: dict[str, tuple[str, ...]]  # label -> property names in ontology order
    edge_properties: dict[str, tuple[str, ...]]  # relationship type -> property names
    prefixes: dict[str, str]  # prefix name -> namespace, in header order

    def term(self, iri: str) -> str:
        """``iri`` as a Turtle prefixed name when a header prefix covers it, else ``<iri>``.

        >>> rdfs_label = "http://www.w3.org/2000/01/rdf-schema#label"
        >>> mapping().term(rdfs_label), mapping().term("http://example.org/x y")
        ('rdfs:label', '<http://example.org/x y>')
        """
        best = ""
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(ns) > len(self.prefixes.get(best, "")):
                local = iri[len(ns) :]
                if _VOCAB_LOCAL.fullmatch(local):
                    best = name
        if best:
            return f"{best}:{iri[len(self.prefixes[best]) :]}"
        return f"<{iri}>"


def _kind(prop: PropertyDef, dates: frozenset[str]) -> str:
    if prop.iri_prefix is not None:
        return "iri"
    if prop.language is not None:
        return "lang"
    if prop.name in dates:
        return "date"
    return prop.datatype


def _check_iri(iri: str, what: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        raise OntologyError(f"{what} {iri!r} is not a valid IRI for RDF output")
    return iri


_MAPPINGS: dict[int, RdfMapping] = {}


def _mapping_of(ontology: Ontology) -> RdfMapping:
    # Keyed by identity: an Ontology is mutable, so unhashable; the mapping holds it alive.
    cached = _MAPPINGS.get(id(ontology))
    if cached is not None and cached.ontology is ontology:
        return cached
    cached = _MAPPINGS[id(ontology)] = _build_mapping(ontology)
    return cached


def _build_mapping(ontology: Ontology) -> RdfMapping:
    dates = date_properties(ontology)
    props: dict[str, PropertyTerm] = {}
    for p in ontology.properties.values():
        _check_iri(str(p.rdf_predicate), f"predicate of {p.name}")
        if p.iri_prefix is not None:
            _check_iri(p.iri_prefix, f"IRI prefix of {p.name}")
        props[p.name] = PropertyTerm(
            name=p.name,
            predicate=p.rdf_predicate,
            kind=_kind(p, dates),
            many=p.many,
            language=p.language,
            iri_prefix=p.iri_prefix,
        )
    classes = {label: ontology.classes[label].iri for label in ontology.node_labels}
    rels = {t: r.iri for t, r in ontology.relationships.items()}
    for iri in (*classes.values(), *rels.values()):
        _check_iri(str(iri), "term")
    # Header: kg's own namespaces, rdf and xsd (statements, datatypes), then the ontology's
    # prefixes that some predicate of the mapping lives in, sorted by name.
    bound = {str(ns): name for name, ns in ontology.graph.namespaces() if name not in _OWN_PREFIXES}
    prefixes = {name: str(ns) for name, ns in _OWN_PREFIXES.items()}
    used = {str(RDF): "rdf", str(XSD): "xsd"}
    for term in (*(t.predicate for t in props.values()), *classes.values(), *rels.values()):
        for ns, name in bound.items():
            if str(term).startswith(ns) and _VOCAB_LOCAL.fullmatch(str(term)[len(ns) :]):
                used.setdefault(ns, name)
    for ns, name in sorted(used.items(), key=lambda item: item[1]):
        if ns not in prefixes.values():
            prefixes[name] = ns
    return RdfMapping(
        ontology=ontology,
        classes=classes,
        relationships=rels,
        properties=props,
        node_properties={label: ontology.classes[label].properties for label in classes},
        edge_properties={t: r.properties for t, r in ontology.relationships.items()},
        prefixes=prefixes,
    )


def mapping(ontology: Ontology | None = None) -> RdfMapping:
    """The RDF mapping of an ontology (the bundled one by default); cached.

    >>> list(mapping().prefixes)[:4]
    ['kg', 'id', 'rel', 'dcterms']
    """
    return _mapping_of(ontology or load_ontology())


def _encode(segment: str) -> str:
    if _IRI_SAFE.fullmatch(segment):
        return segment
    # Fast path for edge ids, whose only unsafe character is usually the separator.
    if _IRI_SAFE.fullmatch(segment.replace("|", "")):
        return segment.replace("|", "%7C")
    return _percent_encode(segment, safe="")


def node_iri(node_id: str) -> URIRef:
    """The IRI of a node.

    >>> str(node_iri("marco-rubio")), str(node_iri("a b/c"))
    ('https://w3id.org/kg-diplo/id/marco-rubio', 'https://w3id.org/kg-diplo/id/a%20b%2Fc')
    """
    return URIRef(str(DATA) + _encode(node_id))


def edge_iri(edge_id: str) -> URIRef:
    """The IRI of the ``rdf:Statement`` that carries an edge's properties.

    >>> str(edge_iri("putin|HOLDS_POSITION|russia"))
    'https://w3id.org/kg-diplo/id/rel/putin%7CHOLDS_POSITION%7Crussia'
    """
    return URIRef(str(REL) + _encode(edge_id))


# ---------------------------------------------------------------------------------- literals

# Escapes of the canonical N-Triples form, also valid in Turtle: the ECHARs for the seven
# characters that have one, \uXXXX for the other C0 controls and DEL; everything else verbatim.
_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)}
_ESCAPES.update(
    {
        ord(c): e
        for c, e in zip(
            '\b\t\n\f\r"\\', ("\\b", "\\t", "\\n", "\\f", "\\r", '\\"', "\\\\"), strict=True
        )
    }
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')


def _string(value: str) -> str:
    """A quoted, escaped literal.

    >>> print(_string('a "b"\\\\ \\n\\x00'))
    "a \\"b\\"\\\\ \\n\\u0000"
    """
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return f'"{value.translate(_ESCAPES)}"'


def _double_lexical(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _as_list(value: Any) -> list[Any] | tuple[Any, ...]:
    return value if isinstance(value, list | tuple) else [value]


def _expect(value: Any, kind: type, name: str) -> None:
    if type(value) is not kind:
        raise KGError(f"{name} must be {kind.__name__}, not {value!r}")


_TOKEN_CACHE = 1 << 16
_Plan = dict[str, tuple[int, str, Callable[[Any], str], bool]]


class _Writer:
    """Formats terms for one syntax (Turtle or N-Triples) from a mapping."""

    def __init__(self, m: RdfMapping, turtle: bool) -> None:
        self.m = m
        self.turtle = turtle
        self.xsd = {
            dt: self.iri(str(dt))
            for dt in (XSD.integer, XSD.boolean, XSD.double, XSD.date, XSD.gYearMonth, XSD.gYear)
        }
        self.a = "a" if turtle else self.iri(str(RDF.type))
        self.statement = self.iri(str(RDF.Statement))
        self.subject, self.predicate, self.object = (
            self.iri(str(t)) for t in (RDF.subject, RDF.predicate, RDF.object)
        )
        self.classes = {label: self.iri(str(iri)) for label, iri in m.classes.items()}
        self.rels = {t: self.iri(str(iri)) for t, iri in m.relationships.items()}
        self.formatters = {name: self._formatter(t) for name, t in m.properties.items()}
        self.preds = {name: self.iri(str(t.predicate)) for name, t in m.properties.items()}
        self.node_tokens: dict[str, str] = {}
        # name -> (rank, predicate token, formatter, is a list), per label and relationship type.
        self.node_plan = {label: self._plan(names) for label, names in m.node_properties.items()}
        self.edge_plan = {t: self._plan(names) for t, names in m.edge_properties.items()}

    def _plan(self, names: Iterable[str]) -> _Plan:
        return {
            n: (rank, self.preds[n], self.formatters[n], self.m.properties[n].many)
            for rank, n in enumerate(names)
        }

    def iri(self, iri: str) -> str:
        return self.m.term(iri) if self.turtle else f"<{iri}>"

    def node(self, node_id: str) -> str:
        token = self.node_tokens.get(node_id)
        if token is None:
            encoded = _encode(node_id)
            if self.turtle and _PN_LOCAL.fullmatch(encoded):
                token = "id:" + encoded
            else:
                token = f"<{DATA}{encoded}>"
            if len(self.node_tokens) >= _TOKEN_CACHE:
                self.node_tokens.clear()  # bounded, so memory stays flat on any graph
            self.node_tokens[node_id] = token
        return token

    def edge(self, edge_id: str) -> str:
        encoded = _encode(edge_id)
        if self.turtle and _PN_LOCAL.fullmatch(encoded):
            return "rel:" + encoded
        return f"<{REL}{encoded}>"

    def typed(self, lexical: str, datatype: URIRef) -> str:
        return f'"{lexical}"^^{self.xsd[datatype]}'

    def _formatter(self, t: PropertyTerm) -> Callable[[Any], str]:
        name = t.name
        if t.kind == "lang":
            tag = f"@{t.language}"
            return lambda v: _string(v) + tag
        if t.kind == "iri":
            prefix = t.iri_prefix or ""

            def iri(v: str) -> str:
                _expect(v, str, name)
                return f"<{prefix}{_encode(v)}>"

            return iri
        if t.kind == "integer":
            integer = self.xsd[XSD.integer]

            def integer_literal(v: int) -> str:
                _expect(v, int, name)
                return str(v) if self.turtle else f'"{v}"^^{integer}'

            return integer_literal
        if t.kind == "boolean":

            def boolean(v: bool) -> str:
                _expect(v, bool, name)
                lexical = "true" if v else "false"
                return lexical if self.turtle else self.typed(lexical, XSD.boolean)

            return boolean
        if t.kind == "double":

            def double(v: float) -> str:
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise KGError(f"{name} must be a number, not {v!r}")
                return self.typed(_double_lexical(v), XSD.double)

            return double
        if t.kind == "date":

            def date(v: str) -> str:
                datatype = date_datatype(v)
                return _string(v) if datatype is None else self.typed(v, datatype)

            return date
        return _string

    def objects(self, plan: _Plan, props: dict[str, Any], where: str) -> list[str]:
        """``predicate object`` texts of the properties, in ontology order.

        In Turtle the values of a list, and consecutive properties with one predicate (the
        labels in each language), share the predicate: ``rdfs:label "a"@fr, "b"@en``.
        """
        pairs: list[tuple[int, str, str]] = []
        for name, value in props.items():
            try:
                rank, pred, fmt, many = plan[name]
            except KeyError:
                raise KGError(
                    f"{where}: property {name!r} is not one the ontology allows there"
                ) from None
            try:
                if not many:
                    pairs.append((rank, pred, fmt(value)))
                elif self.turtle:
                    pairs.append((rank, pred, ", ".join(map(fmt, _as_list(value)))))
                else:
                    pairs.extend((rank, pred, fmt(v)) for v in _as_list(value))
            except KGError as exc:
                raise KGError(f"{where}: {exc}") from None
            except (TypeError, AttributeError):
                raise KGError(
                    f"{where}: property {name!r} has a value of the wrong type: {value!r}"
                ) from None
        pairs.sort()
        if not self.turtle:
            return [f"{pred} {obj}" for _, pred, obj in pairs]
        out: list[str] = []
        previous = ""
        for _, pred, obj in pairs:
            if pred == previous:
                out[-1] += f", {obj}"
            else:
                out.append(f"{pred} {obj}")
                previous = pred
        return out

    def node_block(self, node: Node) -> str:
        try:
            cls = self.classes[node.label]
        except KeyError:
            raise KGError(
                f"node {node.id!r}: label {node.label!r} is not a class of the ontology"
            ) from None
        subject = self.node(node.id)
        objects = self.objects(self.node_plan[node.label], node.properties, f"node {node.id!r}")
        if self.turtle:
            lines = [f"{subject} a {cls}", *objects]
            return " ;\n    ".join(lines) + " .\n\n"
        return "".join(
            [f"{subject} {self.a} {cls} .\n", *(f"{subject} {po} .\n" for po in objects)]
        )

    def rel(self, edge: Edge) -> str:
        try:
            return self.rels[edge.type]
        except KeyError:
            raise KGError(
                f"edge {edge.id!r}: type {edge.type!r} is not a relationship of the ontology"
            ) from None

    def statement_block(self, edge: Edge, rel: str) -> str:
        subject = self.edge(edge.id)
        objects = self.objects(self.edge_plan[edge.type], edge.properties, f"edge {edge.id!r}")
        head = [
            f"{self.a} {self.statement}",
            f"{self.subject} {self.node(edge.source)}",
            f"{self.predicate} {rel}",
            f"{self.object} {self.node(edge.target)}",
            *objects,
        ]
        if self.turtle:
            return f"{subject} " + " ;\n    ".join(head) + " .\n\n"
        return "".join(f"{subject} {po} .\n" for po in head)


def _turtle_header(m: RdfMapping) -> str:
    lines = ["# kg knowledge graph as RDF Turtle; the kg: terms are defined in ontology/kg.ttl."]
    lines += [f"@prefix {name}: <{ns}> ." for name, ns in m.prefixes.items()]
    return "\n".join(lines) + "\n\n"


def _chunks(graph: KGGraph | Iterable[KGGraph]) -> Iterable[KGGraph]:
    """A graph as the one chunk of a stream; a stream of graphs as it is."""
    return (graph,) if isinstance(graph, KGGraph) else graph


def generate_turtle(
    graph: KGGraph | Iterable[KGGraph], ontology: Ontology | None = None
) -> Iterator[str]:
    """Yield the Turtle text of ``graph``: the prefix header, one block per node, then the edges.

    ``graph`` may be a stream of graphs (:func:`kg.facts.iter_facts`,
    :meth:`kg.stores.base.Store.iter_graph`): each chunk is written as it comes and dropped, so
    memory holds one chunk whatever the size of the whole. Consecutive edges from the same node
    share one subject block; each edge with properties is followed by its ``rdf:Statement``.
    """
    m = mapping(ontology)
    w = _Writer(m, turtle=True)
    yield _turtle_header(m)
    for chunk in _chunks(graph):
        for node in chunk.nodes.values():
            yield w.node_block(node)
        source: str | None = None
        lines: list[str] = []
        statements: list[str] = []
        for edge in chunk.edges.values():
            rel = w.rel(edge)
            if edge.source != source:
                if lines:
                    yield " ;\n    ".join(lines) + " .\n\n" + "".join(statements)
                source, lines, statements = edge.source, [], []
                lines.append(f"{w.node(edge.source)} {rel} {w.node(edge.target)}")
            else:
                lines.append(f"{rel} {w.node(edge.target)}")
            if edge.properties:
                statements.append(w.statement_block(edge, rel))
        if lines:
            yield " ;\n    ".join(lines) + " .\n\n" + "".join(statements)


def generate_ntriples(
    graph: KGGraph | Iterable[KGGraph], ontology: Ontology | None = None
) -> Iterator[str]:
    """Yield the N-Triples of ``graph`` (or of a stream of graphs), one piece per node and edge."""
    w = _Writer(mapping(ontology), turtle=False)
    for chunk in _chunks(graph):
        for node in chunk.nodes.values():
            yield w.node_block(node)
        for edge in chunk.edges.values():
            rel = w.rel(edge)
            triple = f"{w.node(edge.source)} {rel} {w.node(edge.target)} .\n"
            yield triple + w.statement_block(edge, rel) if edge.properties else triple


_CHUNK = 1 << 16


def _write(chunks: Iterable[str], stream: BinaryIO) -> None:
    buffer: list[str] = []
    size = 0
    try:
        for chunk in chunks:
            buffer.append(chunk)
            size += len(chunk)
            if size >= _CHUNK:
                stream.write("".join(buffer).encode("utf-8"))
                buffer.clear()
                size = 0
        if buffer:
            stream.write("".join(buffer).encode("utf-8"))
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise KGError(
            f"cannot write {bad!r} as UTF-8: a text value holds a lone surrogate"
        ) from None


def write_turtle(
    graph: KGGraph | Iterable[KGGraph], stream: BinaryIO, ontology: Ontology | None = None
) -> None:
    """Stream ``graph`` (or a stream of graphs) as Turtle (UTF-8) to an open binary stream."""
    _write(generate_turtle(graph, ontology), stream)


def write_ntriples(
    graph: KGGraph | Iterable[KGGraph], stream: BinaryIO, ontology: Ontology | None = None
) -> None:
    """Stream ``graph`` (or a stream of graphs) as N-Triples (UTF-8) to an open binary stream."""
    _write(generate_ntriples(graph, ontology), stream)


# ---------------------------------------------------------------------------------- rdflib


_TEXT_KINDS = frozenset({"string", "lang", "iri", "date"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _rdflib_value(t: PropertyTerm, value: Any) -> URIRef | Literal:
    if t.kind in _TEXT_KINDS:
        _expect(value, str, t.name)
        # rdflib's serializers would silently write a lone surrogate as "?".
        if _SURROGATE.search(value):
            raise KGError(f"{t.name} {value!r}: a text value holds a lone surrogate")
    if t.kind == "lang":
        return Literal(value, lang=t.language)
    if t.kind == "iri":
        return URIRef(f"{t.iri_prefix}{_encode(value)}")
    if t.kind == "integer":
        _expect(value, int, t.name)
        return Literal(value, datatype=XSD.integer)
    if t.kind == "boolean":
        _expect(value, bool, t.name)
        return Literal(value, datatype=XSD.boolean)
    if t.kind == "double":
        return Literal(_double_lexical(value), datatype=XSD.double)
    if t.kind == "date":
        datatype = date_datatype(value)
        return Literal(value) if datatype is None else Literal(value, datatype=datatype)
    return Literal(value)


def _rdflib_properties(
    g: Graph,
    m: RdfMapping,
    subject: URIRef,
    names: tuple[str, ...],
    props: dict[str, Any],
    where: str,
) -> None:
    for name, value in props.items():
        if name not in names:
            raise KGError(f"{where}: property {name!r} is not one the ontology allows there")
        t = m.properties[name]
        try:
            for v in value if t.many and isinstance(value, list | tuple) else [value]:
                g.add((subject, t.predicate, _rdflib_value(t, v)))
        except KGError as exc:
            raise KGError(f"{where}: {exc}") from None


def to_rdflib(graph: KGGraph, ontology: Ontology | None = None) -> Graph:
    """The triples of ``graph`` as an rdflib Graph, with the export's prefixes bound."""
    m = mapping(ontology)
    g = Graph(bind_namespaces="none")
    for name, ns in m.prefixes.items():
        g.bind(name, ns)
    for node in graph.nodes.values():
        if node.label not in m.classes:
            raise KGError(f"node {node.id!r}: label {node.label!r} is not a class of the ontology")
        s = node_iri(node.id)
        g.add((s, RDF.type, m.classes[node.label]))
        _rdflib_properties(
            g, m, s, m.node_properties[node.label], node.properties, f"node {node.id!r}"
        )
    for edge in graph.edges.values():
        if edge.type not in m.relationships:
            raise KGError(
                f"edge {edge.id!r}: type {edge.type!r} is not a relationship of the ontology"
            )
        p, s, o = m.relationships[edge.type], node_iri(edge.source), node_iri(edge.target)
        g.add((s, p, o))
        if edge.properties:
            st = edge_iri(edge.id)
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
            _rdflib_properties(
                g, m, st, m.edge_properties[edge.type], edge.properties, f"edge {edge.id!r}"
            )
    return g


def jsonld_context(ontology: Ontology | None = None) -> dict[str, str]:
    """The JSON-LD ``@context`` of the export: the prefixes of the Turtle header.

    >>> jsonld_context()["kg"]
    'https://w3id.org/kg-diplo/ontology#'
    """
    return dict(mapping(ontology).prefixes)


def write_jsonld(graph: KGGraph, stream: BinaryIO, ontology: Ontology | None = None) -> None:
    """Write ``graph`` as compact JSON-LD (UTF-8) with the export's prefixes as its context."""
    g = to_rdflib(graph, ontology)
    g.serialize(
        destination=stream,
        format="json-ld",
        context=jsonld_context(ontology),
        indent=2,
        auto_compact=True,
    )
