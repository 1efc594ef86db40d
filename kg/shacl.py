"""SHACL shapes derived from the ontology, which every RDF export of kg must pass.

One closed ``sh:NodeShape`` per node label (``sh:targetClass kg:{Label}``):

- a property shape per datatype property the class may carry, on the predicate the export writes
  it under, with its datatype (``rdf:langString`` and ``sh:languageIn`` for language-tagged ones,
  ``sh:nodeKind sh:IRI`` for identifiers written as IRIs, ``xsd:date`` / ``xsd:gYearMonth`` /
  ``xsd:gYear`` for dates), ``sh:maxCount 1`` for functional properties, ``sh:in`` for a closed
  list of values and ``sh:minCount 1`` for the properties a node must have
  (:func:`kg.export.rdf.required_properties`: its name; the status of an event or agreement);
  properties that share a predicate (the labels in each language) share one shape;
- a property shape per relationship type that may start at the class, whose targets must be of
  the allowed classes: ``sh:class`` of the one class whose subclasses they are (``kg:Actor``), or
  ``sh:or`` of the few classes that cover them exactly.

Plus one shape for the ``rdf:Statement`` that carries an edge's properties. The ``sh:class``
constraints need the ontology's ``rdfs:subClassOf`` hierarchy (a ``kg:Person`` is a ``kg:Actor``),
so an export is validated together with the ontology: :func:`validate` passes it to pyshacl as
``ont_graph``, and the command line equivalent is ``pyshacl -s shapes.ttl -e kg.ttl export.ttl``.
No RDFS inference is run: it would add the super-properties' triples (``schema:name`` ...), which
the closed shapes rightly reject.

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

from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node as RdfTerm

from kg.errors import KGError, OntologyError
from kg.export.rdf import REL, PropertyTerm, mapping, required_properties
from kg.ontology import DATA, Ontology, RelationshipDef, load_ontology
from kg.resources import ontology_dir

__all__ = [
    "KGSH",
    "ValidationResult",
    "shapes_graph",
    "shapes_path",
    "shapes_turtle",
    "validate",
    "write_shapes",
]

KGSH = Namespace("https://w3id.org/kg-diplo/shapes#")

_HEADER = """\
# SHACL shapes of kg. GENERATED from ontology/kg.ttl by kg.shacl.shapes_graph(): do not edit.
# Regenerate with:  kg schema --shacl > ontology/shapes.ttl
# A test checks that this file matches the ontology.
#
# Validate an export together with the ontology, whose rdfs:subClassOf hierarchy the sh:class
# constraints need (a kg:Person is a kg:Actor), and without RDFS inference:
#   pyshacl -s ontology/shapes.ttl -e ontology/kg.ttl export.ttl
"""

_XSD_OF = {
    "string": XSD.string,
    "integer": XSD.integer,
    "boolean": XSD.boolean,
    "double": XSD.double,
}
_DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)


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
            options = []
            for datatype in _DATE_TYPES:
                option = BNode()
                g.add((option, SH.datatype, datatype))
                options.append(option)
            g.add((shape, SH["or"], _list(g, options)))
        else:
            g.add((shape, SH.datatype, _XSD_OF[first.kind]))
        allowed = self.ont.properties[first.name].allowed
        if allowed and len(terms) == 1:
            typed = None if first.kind == "string" else _XSD_OF.get(first.kind)
            g.add((shape, SH["in"], _list(g, (Literal(v, datatype=typed) for v in allowed))))

    def datatype_shape(self, terms: list[PropertyTerm], node: bool) -> URIRef:
        g = self.g
        names = "-".join(t.name for t in terms)
        shape, new = self.shape_iri(
            names if node else f"Statement-{names}", ("property", names, node)
        )
        if not new:
            return shape
        g.add((shape, RDF.type, SH.PropertyShape))
        g.add((shape, SH.path, terms[0].predicate))
        g.add((shape, SH.name, Literal(" / ".join(t.name for t in terms))))
        self.value_constraints(shape, terms)
        if not any(t.many for t in terms):
            g.add((shape, SH.maxCount, Literal(len(terms))))
        if node and len(terms) == 1 and terms[0].name in self.required:
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
        for terms in self.grouped(cls.properties):
            g.add((shape, SH.property, self.datatype_shape(terms, node=True)))
        for rel in self.ont.relationships.values():
            if label in rel.sources:
                g.add((shape, SH.property, self.relationship_shape(rel)))

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
            classes = [self.ont.classes[c].iri for c in _class_cover(self.ont, rel.targets)]
            if len(classes) == 1:
                g.add((prop, SH["class"], classes[0]))
            else:
                options = []
                for c in classes:
                    option = BNode()
                    g.add((option, SH["class"], c))
                    options.append(option)
                g.add((prop, SH["or"], _list(g, options)))
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
    builder = _Builder(ont, g)
    for label in ont.node_labels:
        builder.node_shape(label)
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
