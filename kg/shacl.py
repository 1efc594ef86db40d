"""SHACL shapes derived from the ontology, which every RDF export of kg must pass.

One closed ``sh:NodeShape`` per node label (``sh:targetClass kg:{Label}``):

- a property shape per datatype property the class may carry, on the predicate the export writes
  it under, with its datatype (``rdf:langString`` and ``sh:languageIn`` for language-tagged ones,
  ``sh:nodeKind sh:IRI`` for identifiers written as IRIs, ``xsd:date`` / ``xsd:gYearMonth`` /
  ``xsd:gYear`` for dates, ``xsd:dateTime`` for the UTC instant), ``sh:maxCount 1`` for
  functional properties, ``sh:in`` for a closed list of values and ``sh:minCount 1`` for the
  properties a node must have; properties that share a predicate (the labels in each language)
  share one shape;
- a property shape per relationship type that may start at the class, whose targets must be of
  the allowed classes: ``sh:class`` of the one class whose subclasses they are (``kg:Actor``), or
  ``sh:or`` of the few classes that cover them exactly;
- a property shape per PROV-O link a dataset export (TriG, N-Quads) writes from nodes of the class
  (:class:`kg.export.rdf.ProvMapping`): ``prov:wasDerivedFrom`` to a source,
  ``prov:wasAttributedTo`` to an actor, ``prov:hadPrimarySource``, and a source's
  ``prov:generatedAtTime``. The Turtle export has none of them; the shapes allow them.

What a node must have depends on who writes it. A class facts files give (a label of
:attr:`kg.ontology.Ontology.fact_labels`) requires the properties the ontology marks
``kg:required`` (:func:`kg.export.rdf.required_properties`: its name; the status of an event or an
agreement). A class kg computes (``kg:computed``: the claims) requires what kg writes on each of
its nodes (:data:`COMPUTED_REQUIRED`), not the fact's required properties: a claim about a person
has no status. A property shape is shared by every class that requires it alike; a class that
requires it otherwise gets its own (``kgsh:status-optional``, ``kgsh:fact-required``).

A class with a point geometry (``kg:wktPoint``: a place) may have one ``geo:hasGeometry`` to a
``geo:Geometry``, and must have it when it has both coordinates; ``kgsh:Geometry`` checks that a
geometry has exactly one ``geo:asWKT``, a ``geo:wktLiteral`` of the form ``POINT(x y)``.

Plus one shape for the ``rdf:Statement`` that carries an edge's properties. The ``sh:class``
constraints need the ontology's ``rdfs:subClassOf`` hierarchy (a ``kg:Person`` is a ``kg:Actor``),
so an export is validated together with the ontology: :func:`validate` passes it to pyshacl as
``ont_graph``, and the command line equivalent is ``pyshacl -s shapes.ttl -e kg.ttl export.ttl``.
No RDFS inference is run: it would add the super-properties' triples (``schema:name`` ...), which
the closed shapes rightly reject. :func:`validate_dataset` validates every graph of a TriG or
N-Quads export.

>>> from kg.ontology import KG
>>> g = shapes_graph()
>>> (KGSH.Call, SH.targetClass, KG.Call) in g
True
>>> g.value(KGSH.hasParticipant, SH["class"]) == KG.Actor
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SH, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node as RdfTerm

from kg.errors import KGError, OntologyError
from kg.export.rdf import GEO, PROV, REL, PropertyTerm, mapping, required_properties
from kg.ontology import DATA, Ontology, RelationshipDef, load_ontology
from kg.resources import ontology_dir

__all__ = [
    "COMPUTED_REQUIRED",
    "KGSH",
    "ValidationResult",
    "shapes_graph",
    "shapes_path",
    "shapes_turtle",
    "validate",
    "validate_dataset",
    "write_shapes",
]

KGSH = Namespace("https://w3id.org/kg-diplo/shapes#")

COMPUTED_REQUIRED = ("name", "fact", "document", "record")
"""What kg.claims writes on every node of a computed class (a claim): its name, the fact it is
about, its document and the document's whole statement. The rest of a claim (status, date ...) is
what the document said, which may be nothing."""

_HEADER = """\
# SHACL shapes of kg. GENERATED from ontology/kg.ttl by kg.shacl.shapes_graph(): do not edit.
# Regenerate with:  kg schema --shacl > ontology/shapes.ttl
# A test checks that this file matches the ontology.
#
# Validate an export together with the ontology, whose rdfs:subClassOf hierarchy the sh:class
# constraints need (a kg:Person is a kg:Actor), and without RDFS inference:
#   pyshacl -s ontology/shapes.ttl -e ontology/kg.ttl export.ttl
# A TriG or N-Quads export: kg.shacl.validate_dataset checks its default and named graphs.
"""

_XSD_OF = {
    "string": XSD.string,
    "integer": XSD.integer,
    "boolean": XSD.boolean,
    "double": XSD.double,
}
_DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)
# prov:generatedAtTime of a source: its publication date, with a time when it has one.
_GENERATED_TYPES = (*_DATE_TYPES, XSD.dateTime)
# The WKT that kg.export.rdf.wkt_point writes: two decimal numbers, never an exponent.
_WKT_POINT = r"^POINT\(-?[0-9]+(\.[0-9]+)? -?[0-9]+(\.[0-9]+)?\)$"


def shapes_path() -> Path:
    """Where the generated shapes are kept: ``ontology/shapes.ttl``."""
    return ontology_dir() / "shapes.ttl"


def _list(g: Graph, items: Iterable[RdfTerm]) -> BNode:
    head = BNode()
    Collection(g, head, list(items))
    return head


def _class_cover(ont: Ontology, targets: frozenset[str]) -> list[str]:
    """The fewest, most general classes whose concrete subclasses are exactly ``targets``.

    >>> _class_cover(load_ontology(), frozenset(load_ontology().actor_labels))
    ['Actor']
    """
    below = {c: frozenset(ont.subclasses(c)) for c in ont.classes}
    candidates = [c for c, subs in below.items() if subs and subs <= targets]
    cover = []
    for c in candidates:
        wider = [d for d in candidates if d != c and below[c] <= below[d]]
        # Drop c when another candidate covers more, or the same and is c's ancestor.
        if any(below[c] < below[d] or ont.is_a(c, d) for d in wider):
            continue
        cover.append(c)
    if frozenset().union(*(below[c] for c in cover)) != targets:
        raise OntologyError(f"cannot express the classes {sorted(targets)} as SHACL classes")
    return cover


@dataclass
class _Builder:
    ont: Ontology
    g: Graph

    def __post_init__(self) -> None:
        self.m = mapping(self.ont)
        self.required = required_properties(self.ont)
        self.made: dict[URIRef, object] = {}  # shape -> what it was made for

    def required_on(self, label: str) -> frozenset[str]:
        """The properties every node of the class must have (see the module)."""
        if self.ont.classes[label].computed:
            return frozenset(COMPUTED_REQUIRED)
        return self.required

    def shape_iri(self, local: str, key: object) -> tuple[URIRef, bool]:
        """The IRI of a shape and whether it is new; one IRI never names two different shapes."""
        iri = KGSH[local]
        made = self.made.get(iri)
        if made is not None and made != key:
            raise OntologyError(f"two different SHACL shapes would be named {local!r}")
        self.made[iri] = key
        return iri, made is None

    def value_constraints(self, shape: URIRef | BNode, terms: list[PropertyTerm]) -> None:
        """Datatype, node kind, languages and allowed values of one predicate's values."""
        g = self.g
        first = terms[0]
        if len(terms) > 1 and any(t.kind != "lang" for t in terms):
            names = ", ".join(t.name for t in terms)
            raise OntologyError(
                f"properties {names} share the RDF predicate {first.predicate} "
                "but are not all language-tagged"
            )
        if first.kind == "lang":
            g.add((shape, SH.datatype, RDF.langString))
            languages = sorted({t.language for t in terms if t.language})
            g.add((shape, SH.languageIn, _list(g, (Literal(lang) for lang in languages))))
            if len(terms) > 1 and not any(t.many for t in terms):
                g.add((shape, SH.uniqueLang, Literal(True)))
        elif first.kind == "iri":
            g.add((shape, SH.nodeKind, SH.IRI))
            g.add((shape, SH.pattern, Literal("^" + re.escape(first.iri_prefix or ""))))
        elif first.kind == "date":
            self.datatype_options(shape, _DATE_TYPES)
        elif first.kind == "datetime":
            g.add((shape, SH.datatype, XSD.dateTime))
        else:
            g.add((shape, SH.datatype, _XSD_OF[first.kind]))
        allowed = self.ont.properties[first.name].allowed
        if allowed and len(terms) == 1:
            typed = None if first.kind == "string" else _XSD_OF.get(first.kind)
            g.add((shape, SH["in"], _list(g, (Literal(v, datatype=typed) for v in allowed))))

    def datatype_options(self, shape: URIRef | BNode, datatypes: Iterable[URIRef]) -> None:
        """``sh:or`` of one ``sh:datatype`` per datatype."""
        options = []
        for datatype in datatypes:
            option = BNode()
            self.g.add((option, SH.datatype, datatype))
            options.append(option)
        self.g.add((shape, SH["or"], _list(self.g, options)))

    def datatype_shape(
        self, terms: list[PropertyTerm], node: bool, required: frozenset[str] = frozenset()
    ) -> URIRef:
        """The shape of one predicate's values; ``required``: the names the class requires."""
        g = self.g
        names = "-".join(t.name for t in terms)
        must = node and len(terms) == 1 and terms[0].name in required
        local = names if node else f"Statement-{names}"
        if node and len(terms) == 1 and must != (terms[0].name in self.required):
            local += "-required" if must else "-optional"
        shape, new = self.shape_iri(local, ("property", names, node, must))
        if not new:
            return shape
        g.add((shape, RDF.type, SH.PropertyShape))
        g.add((shape, SH.path, terms[0].predicate))
        g.add((shape, SH.name, Literal(" / ".join(t.name for t in terms))))
        self.value_constraints(shape, terms)
        if not any(t.many for t in terms):
            g.add((shape, SH.maxCount, Literal(len(terms))))
        if must:
            g.add((shape, SH.minCount, Literal(1)))
        return shape

    def grouped(self, names: Iterable[str]) -> list[list[PropertyTerm]]:
        """Properties grouped by the predicate they are written under, in ontology order."""
        groups: dict[URIRef, list[PropertyTerm]] = {}
        for name in names:
            term = self.m.properties[name]
            groups.setdefault(term.predicate, []).append(term)
        return list(groups.values())

    def node_shape(self, label: str) -> None:
        g = self.g
        cls = self.ont.classes[label]
        shape, _ = self.shape_iri(label, ("class", label))
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, cls.iri))
        g.add((shape, SH.closed, Literal(True)))
        g.add((shape, SH.ignoredProperties, _list(g, [RDF.type])))
        required = self.required_on(label)
        for terms in self.grouped(cls.properties):
            g.add((shape, SH.property, self.datatype_shape(terms, node=True, required=required)))
        for rel in self.ont.relationships.values():
            if label in rel.sources:
                g.add((shape, SH.property, self.relationship_shape(rel)))
        prov = self.m.prov
        for predicate in sorted(prov.links.get(label, {})):
            g.add((shape, SH.property, self.prov_link_shape(predicate)))
        if label in prov.sources:
            g.add((shape, SH.property, self.generated_shape()))
        if label in self.m.points:
            self.point_constraints(shape, self.m.points[label])

    def targets_constraint(self, prop: URIRef, targets: frozenset[str]) -> None:
        """``sh:class`` (or ``sh:or`` of ``sh:class``) that the targets of ``prop`` must have."""
        g = self.g
        classes = [self.ont.classes[c].iri for c in _class_cover(self.ont, targets)]
        if len(classes) == 1:
            g.add((prop, SH["class"], classes[0]))
            return
        options = []
        for c in classes:
            option = BNode()
            g.add((option, SH["class"], c))
            options.append(option)
        g.add((prop, SH["or"], _list(g, options)))

    def prov_link_shape(self, predicate: URIRef) -> URIRef:
        """Where a PROV-O link of a dataset export may go, over every class that writes it."""
        g = self.g
        local = f"prov-{predicate.removeprefix(str(PROV))}"
        prop, new = self.shape_iri(local, ("prov", predicate))
        if new:
            targets = frozenset().union(
                *(links[predicate] for links in self.m.prov.links.values() if predicate in links)
            )
            g.add((prop, RDF.type, SH.PropertyShape))
            g.add((prop, SH.path, predicate))
            g.add((prop, SH.nodeKind, SH.IRI))
            self.targets_constraint(prop, targets)
        return prop

    def generated_shape(self) -> URIRef:
        """A source's ``prov:generatedAtTime``: its publication date (and time)."""
        generated = self.m.prov.generated_at
        prop, new = self.shape_iri("prov-generatedAtTime", ("prov", generated))
        if new:
            self.g.add((prop, RDF.type, SH.PropertyShape))
            self.g.add((prop, SH.path, generated))
            self.g.add((prop, SH.maxCount, Literal(1)))
            self.datatype_options(prop, _GENERATED_TYPES)
        return prop

    def point_constraints(self, shape: URIRef, coordinates: tuple[str, str]) -> None:
        """At most one geometry; exactly one when the node has both coordinates."""
        g = self.g
        link, new = self.shape_iri("hasGeometry", ("geometry",))
        if new:
            g.add((link, RDF.type, SH.PropertyShape))
            g.add((link, SH.path, GEO.hasGeometry))
            g.add((link, SH.nodeKind, SH.IRI))
            g.add((link, SH.maxCount, Literal(1)))
            g.add((link, SH["class"], GEO.Geometry))
        g.add((shape, SH.property, link))
        options = []
        for name in coordinates:
            lacking = BNode()
            g.add((lacking, SH.path, self.m.properties[name].predicate))
            g.add((lacking, SH.maxCount, Literal(0)))
            options.append(lacking)
        located = BNode()
        g.add((located, SH.path, GEO.hasGeometry))
        g.add((located, SH.minCount, Literal(1)))
        g.add((shape, SH["or"], _list(g, [*options, located])))

    def geometry_shape(self) -> None:
        """A point geometry: one WKT literal, ``POINT(x y)``."""
        g = self.g
        shape, _ = self.shape_iri("Geometry", ("class", "geo:Geometry"))
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, GEO.Geometry))
        g.add((shape, SH.closed, Literal(True)))
        g.add((shape, SH.ignoredProperties, _list(g, [RDF.type])))
        wkt, _ = self.shape_iri("asWKT", ("property", "asWKT"))
        g.add((shape, SH.property, wkt))
        g.add((wkt, RDF.type, SH.PropertyShape))
        g.add((wkt, SH.path, GEO.asWKT))
        g.add((wkt, SH.datatype, GEO.wktLiteral))
        g.add((wkt, SH.pattern, Literal(_WKT_POINT)))
        g.add((wkt, SH.minCount, Literal(1)))
        g.add((wkt, SH.maxCount, Literal(1)))

    def relationship_shape(self, rel: RelationshipDef) -> URIRef:
        """Where a relationship type may go: the classes its targets must have."""
        g = self.g
        local = str(rel.iri).rsplit("#", 1)[-1]
        prop, new = self.shape_iri(local, ("relationship", rel.type))
        if new:
            g.add((prop, RDF.type, SH.PropertyShape))
            g.add((prop, SH.path, rel.iri))
            g.add((prop, SH.name, Literal(rel.type)))
            g.add((prop, SH.nodeKind, SH.IRI))
            self.targets_constraint(prop, rel.targets)
        return prop

    def statement_shape(self) -> None:
        """The ``rdf:Statement`` of an edge: one subject, predicate and object, and its properties."""
        g = self.g
        shape, _ = self.shape_iri("Statement", ("statement",))
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, RDF.Statement))
        g.add((shape, SH.closed, Literal(True)))
        g.add((shape, SH.ignoredProperties, _list(g, [RDF.type])))
        for part in (RDF.subject, RDF.predicate, RDF.object):
            local = part.rsplit("#", 1)[-1]
            prop, _ = self.shape_iri(f"Statement-{local}", ("statement", local))
            g.add((shape, SH.property, prop))
            g.add((prop, RDF.type, SH.PropertyShape))
            g.add((prop, SH.path, part))
            g.add((prop, SH.nodeKind, SH.IRI))
            g.add((prop, SH.minCount, Literal(1)))
            g.add((prop, SH.maxCount, Literal(1)))
            if part == RDF.predicate:
                rels = [r.iri for r in self.ont.relationships.values()]
                g.add((prop, SH["in"], _list(g, rels)))
        names: list[str] = []
        for rel in self.ont.relationships.values():
            names.extend(n for n in rel.properties if n not in names)
        ordered = [n for n in self.ont.properties if n in names]
        for terms in self.grouped(ordered):
            g.add((shape, SH.property, self.datatype_shape(terms, node=False)))


def shapes_graph(ontology: Ontology | None = None) -> Graph:
    """The SHACL shapes of the ontology (the bundled one by default) as an rdflib Graph."""
    ont = ontology or load_ontology()
    g = Graph(bind_namespaces="none")
    for prefix, vocabulary in (
        ("sh", SH),
        ("kgsh", KGSH),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("xsd", XSD),
    ):
        g.bind(prefix, vocabulary)
    for prefix, ns in mapping(ont).prefixes.items():
        if ns not in (str(DATA), str(REL)):  # vocabularies only; shapes name no data
            g.bind(prefix, ns)
    g.bind("prov", PROV)
    builder = _Builder(ont, g)
    for label in ont.node_labels:
        builder.node_shape(label)
    if builder.m.points:
        builder.geometry_shape()
    builder.statement_shape()
    return g


def shapes_turtle(ontology: Ontology | None = None) -> str:
    """The shapes as Turtle, with the header that says they are generated and how to use them."""
    body = shapes_graph(ontology).serialize(format="turtle")
    return _HEADER + "\n" + body


def write_shapes(
    path: str | os.PathLike[str] | None = None, ontology: Ontology | None = None
) -> Path:
    """Write the shapes as Turtle (to ``ontology/shapes.ttl`` by default); return the path."""
    target = Path(path) if path is not None else shapes_path()
    try:
        target.write_text(shapes_turtle(ontology), encoding="utf-8")
    except OSError as exc:
        raise KGError(f"cannot write the SHACL shapes to {target}: {exc.strerror or exc}") from None
    return target


@dataclass(frozen=True)
class ValidationResult:
    """What pyshacl said of a data graph: whether it conforms, and its report."""

    conforms: bool
    report: Graph
    text: str


def validate(
    data: Graph, ontology: Ontology | None = None, shapes: Graph | None = None
) -> ValidationResult:
    """Validate an RDF export against the shapes, with the ontology as pyshacl's ``ont_graph``.

    pyshacl is a development dependency; without it this raises :class:`~kg.errors.KGError`.
    """
    try:
        import pyshacl
    except ImportError:  # pragma: no cover - pyshacl is installed with the dev extras
        raise KGError("SHACL validation needs pyshacl: pip install 'kg[dev]'") from None
    ont = ontology or load_ontology()
    conforms, report, text = pyshacl.validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(ont),
        ont_graph=ont.graph,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
    )
    return ValidationResult(bool(conforms), report, str(text))


def validate_dataset(
    dataset: Dataset, ontology: Ontology | None = None, shapes: Graph | None = None
) -> dict[str, ValidationResult]:
    """Validate every graph of a TriG or N-Quads export: graph name ("" for the default) -> result.

    The default graph, the current view with its PROV-O, is validated on its own, as a Turtle
    export is. A named graph holds what one document says about the facts it describes, with
    links to nodes it may not describe (an actor, a place): the closed shapes and the
    ``sh:class`` constraints need the classes and required properties of those nodes, which the
    default graph has. So each named graph is validated together with the default graph's triples
    about every subject the named graph gives no ``rdf:type``; the subjects it types (the facts it
    describes, the ``rdf:Statement`` of their links) are validated as the document gives them and
    never mixed with the current view, whose status or date would otherwise stand beside the
    document's (breaking ``sh:maxCount``) or fill in what the document leaves out.

    The work grows with the number of documents times the default graph: this is for checking an
    export of a few documents, as the tests do.
    """
    shapes = shapes if shapes is not None else shapes_graph(ontology)
    default = Graph()
    default += dataset.default_graph
    results = {"": validate(default, ontology, shapes)}
    named = [g for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
    for graph in sorted(named, key=lambda g: str(g.identifier)):
        data = Graph()
        data += graph
        described = set(graph.subjects(RDF.type, None))
        for triple in default:
            if triple[0] not in described:
                data.add(triple)
        results[str(graph.identifier)] = validate(data, ontology, shapes)
    return results
