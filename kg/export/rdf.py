"""RDF exports of a :class:`~kg.model.Graph`: Turtle, N-Triples, JSON-LD, TriG and N-Quads.

The mapping is read from the ontology, never spelled here:

- a node is ``<https://w3id.org/kg-diplo/id/{id}> a kg:{Label}``, its id percent-encoded where it
  holds anything but ``A-Z a-z 0-9 - . _ ~``;
- a property is written under its ``rdf_predicate`` (its own IRI unless the ontology says
  otherwise): with its language tag when it has one (``rdfs:label "Poutine"@fr``), as an IRI
  under its ``iri_prefix`` when it has one (``owl:sameAs <http://www.wikidata.org/entity/Q7747>``),
  as ``xsd:integer`` / ``xsd:boolean`` / ``xsd:double`` by its range, one triple per value for a
  list (``kg:documents``, ``kg:conflicts``); date-valued properties (:func:`date_properties`) are
  typed by the shape of their value, ``xsd:date`` (2025-05-19), ``xsd:gYearMonth`` (2025-03) or
  ``xsd:gYear`` (2025), see :func:`date_datatype`; a property the ontology relates to OWL-Time's
  ``time:inXSDDateTimeStamp`` (the UTC instant ``utc_time``) is an ``xsd:dateTime``; any other
  text is a plain ``xsd:string`` literal;
- an edge is ``<source> kg:{objectProperty} <target>``; an edge that carries properties (the quote
  and its offsets, an office, the event of an interaction ...) is also described by an
  ``rdf:Statement`` named ``<https://w3id.org/kg-diplo/id/rel/{edge id, percent-encoded}>``, with
  ``rdf:subject`` / ``rdf:predicate`` / ``rdf:object`` and those properties, so each fact's
  provenance stays traceable in RDF;
- a node of a class the ontology gives a ``kg:wktPoint`` (a place), when it has both coordinates,
  also has a GeoSPARQL geometry: ``geo:hasGeometry <{node IRI}/geometry>``, a ``geo:Geometry``
  whose ``geo:asWKT`` is ``"POINT(longitude latitude)"^^geo:wktLiteral`` (:func:`wkt_point`,
  :func:`geometry_iri`).

Turtle, N-Triples and JSON-LD hold the *current view*: every node and edge except the claims
(``Claim`` nodes and their ``HAS_CLAIM`` edges, see :mod:`kg.claims`), which only TriG and N-Quads
carry. Those two write an RDF dataset (:func:`generate_nquads`):

- the default graph is the current view, exactly the triples of the Turtle export, plus PROV-O
  read from the ontology (:class:`ProvMapping`): each node typed with the PROV classes above its
  class (a source is a ``prov:Entity``), each edge also written under the PROV properties above
  its relationship (``kg:cites`` is a ``prov:wasDerivedFrom``, ``kg:authoredBy`` a
  ``prov:wasAttributedTo``, ``kg:accordingTo`` a ``prov:hadPrimarySource``), a source's
  ``prov:generatedAtTime`` from its publication date, and ``prov:wasDerivedFrom`` from every other
  node to each document that describes it (``documents``, or ``document`` for a node one document
  describes);
- one named graph per source document, named by the document's IRI, holds what that document
  says: for a fact with claims, the triples of the fact as its claim's ``record`` gives them
  (under the fact's own IRI), for a fact only that document describes, the fact's triples and its
  links. Derived relationships (the actor interactions) stay in the default graph.

Turtle and N-Triples are written by hand, node by node, after a fixed prefix header: memory stays
flat and the output is many times faster than rdflib's serializers. JSON-LD, TriG and N-Quads are
written by pyoxigraph from the same hand-made lines, which its parser checks on the way, so every
format says exactly the same triples. :func:`to_rdflib` builds the current view with rdflib.

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
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO
from urllib.parse import quote as _percent_encode

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg.claims import Statement
from kg.errors import KGError, OntologyError
from kg.model import Edge, Node
from kg.model import Graph as KGGraph
from kg.ontology import DATA, KG, Ontology, PropertyDef, load_ontology

__all__ = [
    "DATA",
    "GEO",
    "KG",
    "PROV",
    "REL",
    "ClaimedChunks",
    "PropertyTerm",
    "ProvMapping",
    "RdfMapping",
    "claimed_facts",
    "dataset_prefixes",
    "dataset_quads",
    "date_datatype",
    "date_properties",
    "edge_iri",
    "generate_nquads",
    "generate_ntriples",
    "generate_turtle",
    "geometry_iri",
    "mapping",
    "node_iri",
    "required_properties",
    "stream_nquads",
    "to_rdflib",
    "wkt_point",
    "write_jsonld",
    "write_nquads",
    "write_ntriples",
    "write_trig",
    "write_turtle",
]

REL = Namespace(str(DATA) + "rel/")
"""Where the ``rdf:Statement`` of an edge with properties is named: ``rel:`` + its edge id."""

PROV = Namespace("http://www.w3.org/ns/prov#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
"""GeoSPARQL: the geometry of a place with coordinates (``geo:hasGeometry``, ``geo:asWKT``)."""
_TIME = Namespace("http://www.w3.org/2006/time#")

# The properties the PROV-O of a dataset export reads. kg.claims writes them: ``document`` names
# the document a node one document describes comes from, ``documents`` every document of a node
# several describe; a source's ``published`` date is when it was generated.
_DOCUMENT, _DOCUMENTS, _PUBLISHED = "document", "documents", "published"
# On a claim: the fact it is about, and the document's whole statement as JSON.
_FACT, _RECORD = "fact", "record"
# The UTC instant kg.claims computes from a claim's local time and zone: on the claim, not in its
# record (which holds what the document gave).
_UTC_TIME = "utc_time"

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
# An xsd:dateTime with its zone, as kg.claims.utc_instant writes it (2025-05-19T14:00:00Z).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


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
    kind: str  # string | lang | iri | integer | boolean | double | date | datetime
    many: bool
    language: str | None = None
    iri_prefix: str | None = None


@dataclass(frozen=True)
class ProvMapping:
    """The PROV-O a dataset export adds to its default graph, read from the ontology.

    The ontology places kg's classes and relationships below PROV-O's (``rdfs:subClassOf``,
    ``rdfs:subPropertyOf``); the export writes those PROV terms beside kg's own, so a SPARQL user
    follows the attribution chain with no reasoner.

    >>> prov = mapping().prov
    >>> [str(c) for c in prov.classes["Article"]], [str(p) for p in prov.relationships["CITES"]]
    (['http://www.w3.org/ns/prov#Entity'], ['http://www.w3.org/ns/prov#wasDerivedFrom'])
    >>> sorted(str(p).rsplit("#")[1] for p in prov.links["Call"])
    ['hadPrimarySource', 'wasDerivedFrom']
    """

    classes: dict[str, tuple[URIRef, ...]]  # label -> the PROV classes above it
    relationships: dict[
        str, tuple[URIRef, ...]
    ]  # relationship type -> the PROV properties above it
    sources: frozenset[str]  # labels of documents: prov:generatedAtTime, no prov:wasDerivedFrom
    # label -> PROV property -> the labels its targets may have (for the SHACL shapes)
    links: dict[str, dict[URIRef, frozenset[str]]]
    derived_from: URIRef = PROV.wasDerivedFrom
    generated_at: URIRef = PROV.generatedAtTime


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
    prov: ProvMapping
    claim_label: str  # claims: only in the named graphs of a dataset export
    claim_type: str
    derived_types: frozenset[str]  # relationships kg computes: in the default graph only
    # label -> its x and y properties (longitude, latitude): a geometry for its nodes with both
    points: dict[str, tuple[str, str]]

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


def _kind(prop: PropertyDef, dates: frozenset[str], ontology: Ontology) -> str:
    if prop.iri_prefix is not None:
        return "iri"
    if prop.language is not None:
        return "lang"
    if prop.name in dates:
        return "date"
    if (prop.iri, RDFS.seeAlso, _TIME.inXSDDateTimeStamp) in ontology.graph:
        return "datetime"
    return prop.datatype


def _prov_above(ontology: Ontology, term: URIRef, link: URIRef) -> tuple[URIRef, ...]:
    """The PROV-O terms above ``term`` along ``link`` (rdfs:subClassOf or rdfs:subPropertyOf)."""
    above = ontology.graph.transitive_objects(term, link)
    return tuple(sorted(t for t in above if isinstance(t, URIRef) and t.startswith(PROV)))


def _build_prov(ontology: Ontology, labels: Iterable[str]) -> ProvMapping:
    sources = frozenset(ontology.source_labels)
    classes = {
        label: _prov_above(ontology, ontology.classes[label].iri, RDFS.subClassOf)
        for label in labels
    }
    rels = {
        t: _prov_above(ontology, r.iri, RDFS.subPropertyOf)
        for t, r in ontology.relationships.items()
        if not r.derived
    }
    links: dict[str, dict[URIRef, frozenset[str]]] = {}
    for label in classes:
        out: dict[URIRef, frozenset[str]] = {}
        if label not in sources:
            out[PROV.wasDerivedFrom] = sources
        for t, props in rels.items():
            if label in ontology.relationships[t].sources:
                for p in props:
                    out[p] = out.get(p, frozenset()) | ontology.relationships[t].targets
        links[label] = out
    return ProvMapping(
        classes={label: c for label, c in classes.items() if c},
        relationships={t: p for t, p in rels.items() if p},
        sources=sources,
        links=links,
    )


def _wkt_points(ontology: Ontology) -> dict[str, tuple[str, str]]:
    """The classes annotated ``kg:wktPoint ( x y )``, with the names of their x and y properties."""
    names = {p.iri: p.name for p in ontology.properties.values()}
    points: dict[str, tuple[str, str]] = {}
    for label in ontology.node_labels:
        cls = ontology.classes[label]
        head = ontology.graph.value(cls.iri, KG.wktPoint)
        if head is None:
            continue
        terms = list(Collection(ontology.graph, head))
        found = [names[t] for t in terms if isinstance(t, URIRef) and t in names]
        if len(terms) != 2 or len(found) != 2 or not set(found) <= set(cls.properties):
            raise OntologyError(
                f"kg:wktPoint of {label} must list two datatype properties of the class, x then y"
            )
        points[label] = (found[0], found[1])
    return points


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
            kind=_kind(p, dates, ontology),
            many=p.many,
            language=p.language,
            iri_prefix=p.iri_prefix,
        )
    classes = {label: ontology.classes[label].iri for label in ontology.node_labels}
    rels = {t: r.iri for t, r in ontology.relationships.items()}
    for iri in (*classes.values(), *rels.values()):
        _check_iri(str(iri), "term")
    points = _wkt_points(ontology)
    geometry_terms = (GEO.hasGeometry, GEO.Geometry, GEO.asWKT, GEO.wktLiteral) if points else ()
    # Header: kg's own namespaces, rdf and xsd (statements, datatypes), then the ontology's
    # prefixes that some predicate of the mapping lives in, sorted by name.
    bound = {str(ns): name for name, ns in ontology.graph.namespaces() if name not in _OWN_PREFIXES}
    prefixes = {name: str(ns) for name, ns in _OWN_PREFIXES.items()}
    used = {str(RDF): "rdf", str(XSD): "xsd"}
    for term in (
        *(t.predicate for t in props.values()),
        *classes.values(),
        *rels.values(),
        *geometry_terms,
    ):
        for ns, name in bound.items():
            if str(term).startswith(ns) and _VOCAB_LOCAL.fullmatch(str(term)[len(ns) :]):
                used.setdefault(ns, name)
    for ns, name in sorted(used.items(), key=lambda item: item[1]):
        if ns not in prefixes.values():
            prefixes[name] = ns
    claims = ontology.claim_label
    return RdfMapping(
        ontology=ontology,
        classes=classes,
        relationships=rels,
        properties=props,
        node_properties={label: ontology.classes[label].properties for label in classes},
        edge_properties={t: r.properties for t, r in ontology.relationships.items()},
        prefixes=prefixes,
        prov=_build_prov(ontology, [label for label in classes if label != claims]),
        claim_label=claims,
        claim_type=ontology.claim_type,
        derived_types=frozenset(t for t, r in ontology.relationships.items() if r.derived),
        points=points,
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


def geometry_iri(node_id: str) -> URIRef:
    """The IRI of a node's GeoSPARQL geometry: the node's IRI and ``/geometry``.

    An encoded id never holds a ``/``, so no node IRI is ever a geometry's.

    >>> str(geometry_iri("istanbul"))
    'https://w3id.org/kg-diplo/id/istanbul/geometry'
    """
    return URIRef(f"{DATA}{_encode(node_id)}/geometry")


def _wkt_number(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise KGError(f"{name} must be a finite number to be a coordinate, not {value!r}")
    # The shortest digits that read back as the same double, never in exponent notation.
    return format(Decimal(repr(float(value))), "f")


def wkt_point(x: Any, y: Any, names: tuple[str, str] = ("x", "y")) -> str:
    """The WKT text of a point: ``POINT(x y)``, x the longitude and y the latitude.

    >>> wkt_point(28.9784, 41.0082), wkt_point(-0.00001, 51)
    ('POINT(28.9784 41.0082)', 'POINT(-0.00001 51.0)')

    Raises:
        KGError: a coordinate is not a finite number; ``names`` name them in the message.
    """
    return f"POINT({_wkt_number(x, names[0])} {_wkt_number(y, names[1])})"


def _point(m: RdfMapping, node: Node) -> str | None:
    """The WKT point of a node whose class has one and that has both coordinates, else None."""
    coordinates = m.points.get(node.label)
    if coordinates is None:
        return None
    x, y = (node.properties.get(name) for name in coordinates)
    if x is None or y is None:
        return None
    try:
        return wkt_point(x, y, coordinates)
    except KGError as exc:
        raise KGError(f"node {node.id!r}: {exc}") from None


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
    """Formats terms for one syntax (Turtle or N-Triples) from a mapping.

    In N-Triples every line ends with ``end``; a dataset writer sets it to `` <graph> .\n`` to
    write the lines of a named graph as N-Quads.
    """

    def __init__(self, m: RdfMapping, turtle: bool) -> None:
        self.m = m
        self.turtle = turtle
        self.end = " .\n"
        self.xsd = {
            dt: self.iri(str(dt))
            for dt in (
                XSD.integer,
                XSD.boolean,
                XSD.double,
                XSD.date,
                XSD.gYearMonth,
                XSD.gYear,
                XSD.dateTime,
            )
        }
        self.a = "a" if turtle else self.iri(str(RDF.type))
        self.statement = self.iri(str(RDF.Statement))
        self.subject, self.predicate, self.object = (
            self.iri(str(t)) for t in (RDF.subject, RDF.predicate, RDF.object)
        )
        self.has_geometry, self.geometry, self.as_wkt, self.wkt_literal = (
            self.iri(str(t)) for t in (GEO.hasGeometry, GEO.Geometry, GEO.asWKT, GEO.wktLiteral)
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
        if t.kind == "datetime":

            def datetime(v: str) -> str:
                _expect(v, str, name)
                return self.typed(v, XSD.dateTime) if _DATETIME.fullmatch(v) else _string(v)

            return datetime
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
        point = _point(self.m, node)
        geometry = ""
        if point is not None:
            geometry = f"<{geometry_iri(node.id)}>"
            objects.append(f"{self.has_geometry} {geometry}")
        if self.turtle:
            lines = [f"{subject} a {cls}", *objects]
            block = " ;\n    ".join(lines) + " .\n\n"
            if point is not None:
                block += (
                    f"{geometry} a {self.geometry} ;\n"
                    f"    {self.as_wkt} {_string(point)}^^{self.wkt_literal} .\n\n"
                )
            return block
        end = self.end
        lines = [f"{subject} {self.a} {cls}{end}", *(f"{subject} {po}{end}" for po in objects)]
        if point is not None:
            lines.append(f"{geometry} {self.a} {self.geometry}{end}")
            lines.append(f"{geometry} {self.as_wkt} {_string(point)}^^{self.wkt_literal}{end}")
        return "".join(lines)

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
        end = self.end
        return "".join(f"{subject} {po}{end}" for po in head)

    def edge_lines(self, edge: Edge) -> str:
        """N-Triples of an edge: its triple, and its ``rdf:Statement`` when it has properties."""
        rel = self.rel(edge)
        triple = f"{self.node(edge.source)} {rel} {self.node(edge.target)}{self.end}"
        return triple + self.statement_block(edge, rel) if edge.properties else triple


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
    Claims and their ``HAS_CLAIM`` edges are left out: Turtle holds the current view.
    """
    m = mapping(ontology)
    w = _Writer(m, turtle=True)
    claim_label, claim_type = m.claim_label, m.claim_type
    yield _turtle_header(m)
    for chunk in _chunks(graph):
        for node in chunk.nodes.values():
            if node.label != claim_label:
                yield w.node_block(node)
        source: str | None = None
        lines: list[str] = []
        statements: list[str] = []
        for edge in chunk.edges.values():
            if edge.type == claim_type:
                continue
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
    """Yield the N-Triples of ``graph`` (or of a stream of graphs), one piece per node and edge.

    The same triples as :func:`generate_turtle`: the current view, claims left out.
    """
    m = mapping(ontology)
    w = _Writer(m, turtle=False)
    claim_label, claim_type = m.claim_label, m.claim_type
    for chunk in _chunks(graph):
        for node in chunk.nodes.values():
            if node.label != claim_label:
                yield w.node_block(node)
        for edge in chunk.edges.values():
            if edge.type != claim_type:
                yield w.edge_lines(edge)


_CHUNK = 1 << 16


def _batches(chunks: Iterable[str]) -> Iterator[bytes]:
    """Text pieces joined into UTF-8 batches of about 64 KiB."""
    buffer: list[str] = []
    size = 0
    try:
        for chunk in chunks:
            buffer.append(chunk)
            size += len(chunk)
            if size >= _CHUNK:
                yield "".join(buffer).encode("utf-8")
                buffer.clear()
                size = 0
        if buffer:
            yield "".join(buffer).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise KGError(
            f"cannot write {bad!r} as UTF-8: a text value holds a lone surrogate"
        ) from None


def _write(chunks: Iterable[str], stream: BinaryIO) -> None:
    for batch in _batches(chunks):
        stream.write(batch)


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


# ---------------------------------------------------------------------------------- datasets


def _generated_datatype(published: str) -> URIRef | None:
    """The datatype of a publication date as ``prov:generatedAtTime``: a date, or a date and time."""
    if _DATETIME.fullmatch(published):
        return XSD.dateTime
    return date_datatype(published)


class _Dataset:
    """The N-Quads of one node or edge: its lines in the default graph and in its document's graph.

    The default graph is the current view with its PROV-O; a document's named graph holds what
    that document says (see the module). Where a node's or an edge's statement goes depends on
    two things the caller knows: whether the node is a fact with claims (``claimed``: its claims
    speak for each document), and, for an edge, the document of the node it starts from.
    """

    def __init__(self, ontology: Ontology | None) -> None:
        m = mapping(ontology)
        self.m = m
        self.w = _Writer(m, turtle=False)
        prov = m.prov
        self.prov = prov
        self.end = self.w.end
        w = self.w
        self.derived_from = w.iri(str(prov.derived_from))
        self.generated_at = w.iri(str(prov.generated_at))
        self.prov_classes = {
            label: [w.iri(str(c)) for c in cs] for label, cs in prov.classes.items()
        }
        self.prov_rels = {t: [w.iri(str(p)) for p in ps] for t, ps in prov.relationships.items()}

    def node_default(self, node: Node) -> str:
        """The node in the default graph ("" for a claim, which lives in named graphs only)."""
        if node.label == self.m.claim_label:
            return ""
        w, end = self.w, self.end
        subject = w.node(node.id)
        lines = [w.node_block(node)]
        lines.extend(f"{subject} {w.a} {c}{end}" for c in self.prov_classes.get(node.label, ()))
        props = node.properties
        if node.label in self.prov.sources:
            # A source comes from its own attribution chain (kg:cites), not from the document
            # that mentions it: the article that quotes a post is derived from the post.
            published = str(props.get(_PUBLISHED, ""))
            datatype = _generated_datatype(published)
            if datatype is not None:
                lines.append(f"{subject} {self.generated_at} {w.typed(published, datatype)}{end}")
        else:
            for doc in _as_list(props.get(_DOCUMENTS) or props.get(_DOCUMENT) or ()):
                if isinstance(doc, str) and doc != node.id:
                    lines.append(f"{subject} {self.derived_from} {w.node(doc)}{end}")
        return "".join(lines)

    def edge_default(self, edge: Edge) -> str:
        """The edge in the default graph ("" for a claim's link)."""
        if edge.type == self.m.claim_type:
            return ""
        w = self.w
        text = w.edge_lines(edge)
        supers = self.prov_rels.get(edge.type)
        if supers:
            s, o = w.node(edge.source), w.node(edge.target)
            text += "".join(f"{s} {p} {o}{self.end}" for p in supers)
        return text

    def said_by(self, node: Node, claimed: Container[str]) -> str | None:
        """The document whose named graph holds ``node``, if any: its one describing document,
        unless the node is a fact with claims (then its claims are said in its documents' graphs).
        """
        doc = node.properties.get(_DOCUMENT)
        return doc if isinstance(doc, str) and node.id not in claimed else None

    def node_named(self, node: Node, doc: str) -> str:
        """What ``doc`` says of ``node``: a claim's record of its fact, or the node itself."""
        w = self.w
        w.end = f" {w.node(doc)} .\n"
        try:
            if node.label == self.m.claim_label:
                return _claim_lines(w, node)
            return w.node_block(node)
        finally:
            w.end = self.end

    def edges_named(self, edges: Iterable[Edge], doc: str) -> str:
        """The links a document's node starts, in that document's graph (derived ones stay out)."""
        w = self.w
        w.end = f" {w.node(doc)} .\n"
        try:
            derived = self.m.derived_types
            return "".join(w.edge_lines(e) for e in edges if e.type not in derived)
        finally:
            w.end = self.end

    def starts_links(self, node: Node) -> bool:
        """Whether the named graph of ``node``'s document carries the links ``node`` starts
        (a claim's links are its record's, not the claim node's own)."""
        return node.label != self.m.claim_label


def generate_nquads(graph: KGGraph, ontology: Ontology | None = None) -> Iterator[str]:
    """Yield the RDF dataset of ``graph`` as N-Quads: the default graph, then the named graphs.

    The default graph (lines with no graph term) is :func:`generate_ntriples`'s current view
    plus its PROV-O; then comes one named graph per document, in the order the documents first
    appear, with what that document says (see the module). Where a document's statement lives
    depends on the whole graph (a fact's claims, the node an edge starts from), so this takes one
    Graph, not a stream of chunks; besides it, memory holds one list of references per document.

    >>> from kg.model import Edge, Graph, Node
    >>> g = Graph()
    >>> g.add_node(Node("doc", "Article", {"name": "D", "published": "2025-05-19", "document": "doc"}))
    >>> g.add_node(Node("p", "Person", {"name": "P", "document": "doc"}))
    >>> for line in "".join(generate_nquads(g)).splitlines():
    ...     print(line.replace("https://w3id.org/kg-diplo/", "").replace("http://www.w3.org/", ""))
    <id/doc> <1999/02/22-rdf-syntax-ns#type> <ontology#Article> .
    <id/doc> <ontology#name> "D" .
    <id/doc> <ontology#published> "2025-05-19"^^<2001/XMLSchema#date> .
    <id/doc> <http://purl.org/dc/terms/source> <id/doc> .
    <id/doc> <1999/02/22-rdf-syntax-ns#type> <ns/prov#Entity> .
    <id/doc> <ns/prov#generatedAtTime> "2025-05-19"^^<2001/XMLSchema#date> .
    <id/p> <1999/02/22-rdf-syntax-ns#type> <ontology#Person> .
    <id/p> <ontology#name> "P" .
    <id/p> <http://purl.org/dc/terms/source> <id/doc> .
    <id/p> <1999/02/22-rdf-syntax-ns#type> <ns/prov#Agent> .
    <id/p> <1999/02/22-rdf-syntax-ns#type> <ns/prov#Person> .
    <id/p> <ns/prov#wasDerivedFrom> <id/doc> .
    <id/doc> <1999/02/22-rdf-syntax-ns#type> <ontology#Article> <id/doc> .
    <id/doc> <ontology#name> "D" <id/doc> .
    <id/doc> <ontology#published> "2025-05-19"^^<2001/XMLSchema#date> <id/doc> .
    <id/doc> <http://purl.org/dc/terms/source> <id/doc> <id/doc> .
    <id/p> <1999/02/22-rdf-syntax-ns#type> <ontology#Person> <id/doc> .
    <id/p> <ontology#name> "P" <id/doc> .
    <id/p> <http://purl.org/dc/terms/source> <id/doc> <id/doc> .
    """
    d = _Dataset(ontology)
    # The default graph: the current view, and where it comes from.
    for node in graph.nodes.values():
        yield d.node_default(node)
    for edge in graph.edges.values():
        yield d.edge_default(edge)

    # The named graphs, one document after the other: what each document says, as its claims
    # record it or, for the facts only it describes, as the facts are.
    claimed = {e.source for e in graph.edges.values() if e.type == d.m.claim_type}
    said: dict[str, list[Node]] = {}
    for node in graph.nodes.values():
        doc = d.said_by(node, claimed)
        if doc is not None:
            said.setdefault(doc, []).append(node)
    links: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        links.setdefault(edge.source, []).append(edge)
    for doc, nodes in said.items():
        for node in nodes:
            yield d.node_named(node, doc)
            if d.starts_links(node):
                yield d.edges_named(links.get(node.id, ()), doc)


def stream_nquads(
    chunks: Iterable[KGGraph], claimed: Container[str], ontology: Ontology | None = None
) -> Iterator[str]:
    """The quads of :func:`generate_nquads` from a stream of graphs, in the order they come.

    Only one chunk is in memory at a time (a store's :meth:`~kg.stores.base.Store.iter_graph`),
    plus the document of each node a document describes, so that its links, which may come in a
    later chunk, go to that document's graph. ``claimed`` names the facts that have claims
    (:func:`claimed_facts`): it must be known before their nodes come. The quads are the same
    as :func:`generate_nquads`'s; only their order differs (N-Quads has none to keep).

    >>> from kg.model import Edge, Graph, Node
    >>> a, b = Graph(), Graph()
    >>> a.add_node(Node("p", "Person", {"name": "P", "document": "doc"}))
    >>> b.add_node(Node("q", "Person", {"name": "Q"}))
    >>> b.add_edge(Edge.between("p", "MEMBER_OF", "q"))
    >>> chunked = sorted("".join(stream_nquads([a, b], claimed=set())).splitlines())
    >>> g = Graph()
    >>> for n in [*a.nodes.values(), *b.nodes.values()]: g.add_node(n)
    >>> for e in b.edges.values(): g.add_edge(e)
    >>> chunked == sorted("".join(generate_nquads(g)).splitlines())
    True
    """
    d = _Dataset(ontology)
    document_of: dict[str, str] = {}  # node id -> the document whose graph holds its links
    documents: dict[str, str] = {}  # one string per document, shared by its nodes
    elsewhere: set[str] = set()  # nodes seen whose links stay out of the named graphs
    waiting: dict[str, list[Edge]] = {}  # links that came before the node they start from
    for chunk in chunks:
        for node in chunk.nodes.values():
            yield d.node_default(node)
            doc = d.said_by(node, claimed)
            if doc is None or not d.starts_links(node):
                elsewhere.add(node.id)
                waiting.pop(node.id, None)
            if doc is None:
                continue
            yield d.node_named(node, doc)
            if d.starts_links(node):
                doc = documents.setdefault(doc, doc)
                document_of[node.id] = doc
                early = waiting.pop(node.id, None)
                if early:
                    yield d.edges_named(early, doc)
        for edge in chunk.edges.values():
            yield d.edge_default(edge)
            doc = document_of.get(edge.source)
            if doc is not None:
                yield d.edges_named((edge,), doc)
            elif edge.source not in elsewhere:
                waiting.setdefault(edge.source, []).append(edge)


@dataclass(frozen=True)
class ClaimedChunks:
    """A stream of graphs that a dataset export (TriG, N-Quads) can write as it comes.

    ``chunks`` give each node before the links that start from it, or soon after (a store's
    :meth:`~kg.stores.base.Store.iter_graph`); ``claimed`` names the facts that have claims,
    known beforehand (:func:`claimed_facts`), which is what lets :func:`stream_nquads` place each
    statement without the whole graph.
    """

    chunks: Iterable[KGGraph]
    claimed: frozenset[str]

    @classmethod
    def of_store(cls, store: Any, chunk_size: int = 100_000) -> ClaimedChunks:
        """Everything a store holds, chunk by chunk, with the facts of it that have claims."""
        return cls(store.iter_graph(chunk_size), claimed_facts(store))

    def __iter__(self) -> Iterator[KGGraph]:
        return iter(self.chunks)


def claimed_facts(store: Any, ontology: Ontology | None = None) -> frozenset[str]:
    """The facts of a store that have claims: what its claim nodes are claims of."""
    label = mapping(ontology).claim_label
    if not store.stats().get(label):
        return frozenset()
    rows = store.query(f"MATCH (c:`{label}`) RETURN c.fact AS fact").rows
    return frozenset(fact for (fact,) in rows if isinstance(fact, str))


def _dataset_quads_text(
    graph: KGGraph | Iterable[KGGraph], ontology: Ontology | None
) -> Iterator[str]:
    """N-Quads of a graph, of a :class:`ClaimedChunks` stream, or of other chunks merged first."""
    if isinstance(graph, ClaimedChunks):
        return stream_nquads(graph.chunks, graph.claimed, ontology)
    if not isinstance(graph, KGGraph):
        from kg.export import merge_chunks

        graph = merge_chunks(graph)
    return generate_nquads(graph, ontology)


def _claim_lines(w: _Writer, claim: Node) -> str:
    """The triples of a fact as one claim's record gives them, under the fact's own IRI."""
    fact, record = claim.properties.get(_FACT), claim.properties.get(_RECORD)
    if not isinstance(fact, str) or not isinstance(record, str):
        raise KGError(f"claim {claim.id!r} has no fact or no record")
    try:
        st = Statement.from_record(fact, claim.properties.get(_DOCUMENT), record)
    except (ValueError, KeyError, TypeError) as exc:
        raise KGError(f"claim {claim.id!r}: its record is not one kg wrote ({exc})") from None
    if not st.described:
        return "".join(map(w.edge_lines, st.links))
    props = dict(st.properties)
    if _UTC_TIME in claim.properties:
        props.setdefault(_UTC_TIME, claim.properties[_UTC_TIME])
    return w.node_block(Node(fact, st.label, props)) + "".join(map(w.edge_lines, st.links))


def _oxigraph() -> Any:
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - installed with kg
        raise KGError(
            "the JSON-LD, TriG and N-Quads exports need pyoxigraph: pip install pyoxigraph==0.5.13"
        ) from None
    return pyoxigraph


def _parsed(ox: Any, texts: Iterable[str], fmt: Any) -> Iterator[Any]:
    """pyoxigraph's quads of N-Triples or N-Quads text, parsed (and so checked) batch by batch."""
    for batch in _batches(texts):
        try:
            yield from ox.parse(batch, format=fmt)
        except SyntaxError as exc:
            raise KGError(f"pyoxigraph refused the RDF kg wrote (a bug in kg): {exc}") from None


def dataset_quads(
    graph: KGGraph | Iterable[KGGraph], ontology: Ontology | None = None
) -> Iterator[Any]:
    """The quads of :func:`generate_nquads` as pyoxigraph ``Quad`` objects, one at a time.

    >>> import pyoxigraph
    >>> from kg.facts import load_facts, sample_facts_path
    >>> store = pyoxigraph.Store()
    >>> store.extend(dataset_quads(load_facts(sample_facts_path())))
    >>> len(list(store.named_graphs()))
    1
    """
    ox = _oxigraph()
    return _parsed(ox, _dataset_quads_text(graph, ontology), ox.RdfFormat.N_QUADS)


def dataset_prefixes(ontology: Ontology | None = None) -> dict[str, str]:
    """The prefixes of the TriG export: those of the Turtle header, and ``prov``.

    >>> dataset_prefixes()["prov"]
    'http://www.w3.org/ns/prov#'
    """
    prefixes = dict(mapping(ontology).prefixes)
    prefixes.setdefault("prov", str(PROV))
    return prefixes


_TRIG_HEADER = (
    b"# kg knowledge graph as an RDF dataset (TriG); the kg: terms are defined in ontology/kg.ttl.\n"
    b"# Default graph: the current view with its PROV-O. One named graph per source document,\n"
    b"# named by the document's IRI: what that document says about the facts it describes.\n"
)


def write_trig(
    graph: KGGraph | Iterable[KGGraph], stream: BinaryIO, ontology: Ontology | None = None
) -> None:
    """Write the RDF dataset of ``graph`` (:func:`generate_nquads`) as TriG, with pyoxigraph.

    A :class:`ClaimedChunks` stream is written as it comes, its named graphs in as many blocks
    as it takes; other chunks are merged first.
    """
    ox = _oxigraph()
    quads = dataset_quads(graph, ontology)
    stream.write(_TRIG_HEADER)
    ox.serialize(quads, stream, format=ox.RdfFormat.TRIG, prefixes=dataset_prefixes(ontology))


def write_nquads(
    graph: KGGraph | Iterable[KGGraph], stream: BinaryIO, ontology: Ontology | None = None
) -> None:
    """Write the RDF dataset of ``graph`` (:func:`generate_nquads`) as N-Quads, with pyoxigraph
    (a :class:`ClaimedChunks` stream as it comes, other chunks merged first)."""
    ox = _oxigraph()
    ox.serialize(dataset_quads(graph, ontology), stream, format=ox.RdfFormat.N_QUADS)


def write_jsonld(
    graph: KGGraph | Iterable[KGGraph], stream: BinaryIO, ontology: Ontology | None = None
) -> None:
    """Stream ``graph`` (or a stream of graphs) as JSON-LD (UTF-8), written by pyoxigraph.

    The triples are :func:`generate_ntriples`'s, in expanded JSON-LD (full IRIs, no ``@context``),
    which is what pyoxigraph 0.5 writes, one node object per subject block. rdflib's JSON-LD
    serializer is not used: it drops a falsy first value of a predicate (an empty alias).
    """
    ox = _oxigraph()
    triples = _parsed(ox, generate_ntriples(graph, ontology), ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, stream, format=ox.RdfFormat.JSON_LD)


# ---------------------------------------------------------------------------------- rdflib


_TEXT_KINDS = frozenset({"string", "lang", "iri", "date", "datetime"})
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
    if t.kind == "datetime" and _DATETIME.fullmatch(value):
        return Literal(value, datatype=XSD.dateTime)
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
    """The triples of ``graph`` as an rdflib Graph, with the export's prefixes bound.

    The same triples as the Turtle export: the current view, claims left out.
    """
    m = mapping(ontology)
    g = Graph(bind_namespaces="none")
    for name, ns in m.prefixes.items():
        g.bind(name, ns)
    for node in graph.nodes.values():
        if node.label == m.claim_label:
            continue
        if node.label not in m.classes:
            raise KGError(f"node {node.id!r}: label {node.label!r} is not a class of the ontology")
        s = node_iri(node.id)
        g.add((s, RDF.type, m.classes[node.label]))
        _rdflib_properties(
            g, m, s, m.node_properties[node.label], node.properties, f"node {node.id!r}"
        )
        point = _point(m, node)
        if point is not None:
            geometry = geometry_iri(node.id)
            g.add((s, GEO.hasGeometry, geometry))
            g.add((geometry, RDF.type, GEO.Geometry))
            g.add((geometry, GEO.asWKT, Literal(point, datatype=GEO.wktLiteral)))
    for edge in graph.edges.values():
        if edge.type == m.claim_type:
            continue
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
