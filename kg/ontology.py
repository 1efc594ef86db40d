"""The ontology, read from ``ontology/kg.ttl``, and everything derived from it.

Node labels are the OWL classes, relationship types the object properties (UPPER_SNAKE_CASE of the
local name), property names the datatype properties (snake_case of the local name). Stores, exporters
and the facts loader ask this module which labels, types, endpoints and property types exist; none
of them spells a label or a relationship type itself.

>>> ont = load_ontology()
>>> ont.classes["Call"].cameo
'041'
>>> ont.allows("HAS_PARTICIPANT", "Call", "Person")
True
>>> ont.allows("HAS_PARTICIPANT", "Person", "Call")
False
>>> ont.properties["quote_start"].datatype
'integer'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg.errors import OntologyError
from kg.resources import ontology_dir

__all__ = [
    "KG",
    "ClassDef",
    "Ontology",
    "PropertyDef",
    "RelationshipDef",
    "load_ontology",
    "property_name",
    "relationship_type_name",
]

KG = Namespace("https://w3id.org/kg-diplo/ontology#")
DATA = Namespace("https://w3id.org/kg-diplo/id/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")

# The upper terms kg's code reasons with. They are looked up here, once, by IRI; code elsewhere asks
# for ``actor_labels``, ``event_labels`` ... and never names a label.
_ACTOR = KG.Actor
_EVENT = KG.Event
_SOURCE = KG.Source
_INITIATOR = KG.hasInitiator
_BELLIGERENT = KG.hasBelligerent
_ACCORDING_TO = KG.accordingTo
_REALISES = KG.realises
_HAS_CLAIM = KG.hasClaim
_CLAIM = KG.Claim
_MERGE_RULES = ("same", "first", "union", "when", "evidence", "latest")

_XSD_TYPES = {
    XSD.string: "string",
    XSD.integer: "integer",
    XSD.boolean: "boolean",
    XSD.double: "double",
}


def relationship_type_name(local: str) -> str:
    """``hasParticipant`` -> ``HAS_PARTICIPANT``.

    >>> relationship_type_name("subEventOf")
    'SUB_EVENT_OF'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local).upper()


def property_name(local: str) -> str:
    """``quoteStart`` -> ``quote_start``.

    >>> property_name("textSha256")
    'text_sha256'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local).lower()


@dataclass(frozen=True)
class PropertyDef:
    """A datatype property: its name in stores and facts, its type and how RDF writes it."""

    name: str
    iri: URIRef
    datatype: str  # string | integer | boolean | double
    many: bool  # a list of values rather than one
    provenance: bool  # every node and relationship may carry it
    allowed: tuple[str, ...]  # empty: any value of the datatype
    rdf_predicate: URIRef
    language: str | None
    iri_prefix: str | None
    date_valued: bool  # ISO 8601 dates to their precision (YYYY, YYYY-MM, YYYY-MM-DD)
    required: bool  # every node whose class may carry it must have it
    labels: dict[str, str]
    comment: str
    merge_rule: str = "latest"  # how the current view takes it from several claims (kg.claims)


@dataclass(frozen=True)
class ClassDef:
    """An OWL class: a node label when it is not abstract."""

    name: str
    iri: URIRef
    abstract: bool
    parents: tuple[str, ...]
    ancestors: frozenset[str]
    cameo: str | None
    properties: tuple[str, ...]  # property names its nodes may carry, in ontology order
    labels: dict[str, str]
    comment: str
    computed: bool = False  # kg writes its nodes (claims); facts files never give one


@dataclass(frozen=True)
class RelationshipDef:
    """An object property: a relationship type with its allowed endpoints and properties."""

    type: str
    iri: URIRef
    sources: frozenset[str]  # concrete labels allowed at the start
    targets: frozenset[str]  # concrete labels allowed at the end
    properties: tuple[str, ...]
    actor_role: bool  # a sub-property of sem:hasActor: links an event to one of its actors
    derived: bool  # computed by kg (the actor interaction view, claims), never read from facts
    labels: dict[str, str]
    comment: str

    @property
    def endpoints(self) -> list[tuple[str, str]]:
        """Every allowed (start label, end label) pair, sorted."""
        return sorted((s, t) for s in self.sources for t in self.targets)


@dataclass
class Ontology:
    """Classes, relationship types and properties of kg, as read from the Turtle files."""

    graph: Graph
    classes: dict[str, ClassDef] = field(default_factory=dict)
    relationships: dict[str, RelationshipDef] = field(default_factory=dict)
    properties: dict[str, PropertyDef] = field(default_factory=dict)

    # -- labels ------------------------------------------------------------------------------------

    @cached_property
    def node_labels(self) -> list[str]:
        """Concrete classes, in ontology order: the labels a node may have."""
        return [c.name for c in self.classes.values() if not c.abstract]

    def subclasses(self, name: str) -> list[str]:
        """Concrete labels that are ``name`` or below it."""
        return [
            c.name
            for c in self.classes.values()
            if not c.abstract and (c.name == name or name in c.ancestors)
        ]

    def is_a(self, label: str, name: str) -> bool:
        """Whether nodes labelled ``label`` are instances of class ``name``.

        >>> load_ontology().is_a("Person", "Actor")
        True
        """
        cls = self.classes.get(label)
        return cls is not None and (label == name or name in cls.ancestors)

    def _local(self, iri: URIRef) -> str:
        return str(iri)[len(str(KG)) :]

    @cached_property
    def actor_labels(self) -> list[str]:
        """Labels of actors (persons, countries, organisations)."""
        return self.subclasses(self._local(_ACTOR))

    @cached_property
    def event_labels(self) -> list[str]:
        """Labels of events (calls, negotiations ...)."""
        return self.subclasses(self._local(_EVENT))

    @cached_property
    def source_labels(self) -> list[str]:
        """Labels of sources (articles, posts, reports, statements)."""
        return self.subclasses(self._local(_SOURCE))

    # -- relationship types ------------------------------------------------------------------------

    def _type_of(self, iri: URIRef) -> str:
        return relationship_type_name(self._local(iri))

    def relationship_named(self, local: str) -> str:
        """The type of the ontology's relationship ``kg:LOCAL`` (an OntologyError if it has none).

        >>> load_ontology().relationship_named("hasTarget")
        'HAS_TARGET'
        """
        name = relationship_type_name(local)
        if name not in self.relationships:
            raise OntologyError(f"the ontology has no relationship kg:{local}")
        return name

    @cached_property
    def initiator_type(self) -> str:
        """The event role whose actor starts the event (the caller)."""
        return self._type_of(_INITIATOR)

    @property
    def belligerent_type(self) -> str:
        """The relationship from a conflict to each of its sides."""
        return self._type_of(_BELLIGERENT)

    @property
    def attribution_type(self) -> str:
        """The relationship from a fact to the source that states it."""
        return self._type_of(_ACCORDING_TO)

    @cached_property
    def actor_role_types(self) -> list[str]:
        """Relationship types from an event to its actors, initiator first."""
        roles = [r.type for r in self.relationships.values() if r.actor_role]
        return sorted(roles, key=lambda t: t != self.initiator_type)

    @cached_property
    def realisation_type(self) -> str:
        """The relationship from an event to the earlier plans it carries out."""
        return self._type_of(_REALISES)

    @cached_property
    def claim_type(self) -> str:
        """The derived relationship from a fact to the claims of its sources."""
        return self._type_of(_HAS_CLAIM)

    @cached_property
    def claim_label(self) -> str:
        """The label of claims: what one source says about one fact."""
        return self._local(_CLAIM)

    @cached_property
    def fact_labels(self) -> list[str]:
        """Labels a facts file may give a node: every concrete class kg does not compute."""
        return [c.name for c in self.classes.values() if not c.abstract and not c.computed]

    @cached_property
    def interaction_type(self) -> str:
        """The derived actor-to-actor relationship type."""
        derived = [
            r.type
            for r in self.relationships.values()
            if r.derived and self.graph.value(r.iri, KG.derivedFrom) == SEM.hasActor
        ]
        if len(derived) != 1:
            raise OntologyError(
                f"expected one derived actor-to-actor relationship type, found {derived}"
            )
        return derived[0]

    def allows(self, rel_type: str, source_label: str, target_label: str) -> bool:
        """Whether a relationship of this type may go from ``source_label`` to ``target_label``."""
        rel = self.relationships.get(rel_type)
        return rel is not None and source_label in rel.sources and target_label in rel.targets

    def node_properties(self, label: str) -> list[PropertyDef]:
        """The properties a node of this label may carry (besides its id)."""
        return [self.properties[p] for p in self.classes[label].properties]

    def relationship_properties(self, rel_type: str) -> list[PropertyDef]:
        """The properties a relationship of this type may carry (besides its id)."""
        return [self.properties[p] for p in self.relationships[rel_type].properties]

    @property
    def date_properties(self) -> list[str]:
        """Properties whose values are ISO 8601 dates to their precision."""
        return [p.name for p in self.properties.values() if p.date_valued]

    @property
    def required_properties(self) -> list[str]:
        """Properties every node whose class may carry them must have."""
        return [p.name for p in self.properties.values() if p.required]

    def status_values(self) -> tuple[str, ...]:
        """The statuses a fact may have."""
        return self.properties["status"].allowed


# ---------------------------------------------------------------------------------------------- reading


def _labels(g: Graph, term: URIRef) -> dict[str, str]:
    return {
        str(o.language): str(o)
        for o in g.objects(term, RDFS.label)
        if isinstance(o, Literal) and o.language
    }


def _comment(g: Graph, term: URIRef) -> str:
    comments = [str(o) for o in g.objects(term, RDFS.comment)]
    return comments[0] if comments else ""


def _class_list(g: Graph, node: object) -> list[URIRef]:
    """A class, or the members of an ``owl:unionOf`` class expression."""
    if isinstance(node, URIRef):
        return [node]
    if isinstance(node, BNode):
        union = g.value(node, OWL.unionOf)
        if union is not None:
            return [m for m in Collection(g, union) if isinstance(m, URIRef)]
    raise OntologyError(f"unsupported class expression {node!r}")


def _in_order(g: Graph, kind: URIRef, text: str) -> list[URIRef]:
    """Terms of a kind, in the order they appear in the file, so derived schemas read naturally."""
    terms = [
        t
        for t in g.subjects(RDF.type, kind)
        if isinstance(t, URIRef) and str(t).startswith(str(KG))
    ]
    return sorted(terms, key=lambda t: (text.find(f"kg:{str(t)[len(str(KG)) :]} a "), str(t)))


def _read(path: Path) -> Ontology:
    text = path.read_text(encoding="utf-8")
    g = Graph()
    try:
        g.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for syntax errors
        raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from exc
    ont = Ontology(graph=g)
    local = ont._local

    # Classes and their ancestors within kg's namespace.
    class_iris = _in_order(g, OWL.Class, text)
    parents: dict[URIRef, list[URIRef]] = {
        c: [p for p in g.objects(c, RDFS.subClassOf) if isinstance(p, URIRef) and p in class_iris]
        for c in class_iris
    }

    def ancestors(c: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = list(parents[c])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(parents[p])
        return seen

    # Datatype properties.
    edge_only: set[URIRef] = set()
    for op in g.subjects(RDF.type, OWL.ObjectProperty):
        edge_only.update(o for o in g.objects(op, KG.edgeProperty) if isinstance(o, URIRef))
    edge_only = {p for p in edge_only if not g.value(p, KG.provenance)}
    props_by_class: dict[URIRef, list[str]] = {c: [] for c in class_iris}
    provenance_props: list[str] = []
    for p in _in_order(g, OWL.DatatypeProperty, text):
        name = property_name(local(p))
        rng = g.value(p, RDFS.range)
        if rng not in _XSD_TYPES:
            raise OntologyError(f"{path}: property {local(p)} has no supported xsd range")
        predicate = g.value(p, KG.rdfPredicate)
        language = g.value(p, KG.languageTag)
        prefix = g.value(p, KG.iriPrefix)
        prop = PropertyDef(
            name=name,
            iri=p,
            datatype=_XSD_TYPES[rng],  # type: ignore[index]
            many=(p, RDF.type, OWL.FunctionalProperty) not in g,
            provenance=bool(g.value(p, KG.provenance)),
            allowed=tuple(sorted(str(v) for v in g.objects(p, KG.allowedValue))),
            rdf_predicate=predicate if isinstance(predicate, URIRef) else p,
            language=str(language) if language is not None else None,
            iri_prefix=str(prefix) if prefix is not None else None,
            date_valued=bool(g.value(p, KG.dateValued)),
            required=bool(g.value(p, KG.required)),
            labels=_labels(g, p),
            comment=_comment(g, p),
            merge_rule=str(g.value(p, KG.mergeRule) or "latest"),
        )
        if prop.merge_rule not in _MERGE_RULES:
            raise OntologyError(
                f"{path}: property {local(p)} has merge rule {prop.merge_rule!r}, not one of "
                f"{', '.join(_MERGE_RULES)}"
            )
        ont.properties[name] = prop
        if prop.provenance:
            provenance_props.append(name)
        domain = g.value(p, RDFS.domain)
        if domain is None:
            if p not in edge_only:
                for c in class_iris:
                    props_by_class[c].append(name)
            continue
        for d in _class_list(g, domain):
            for c in class_iris:
                if c == d or d in ancestors(c):
                    props_by_class[c].append(name)

    for c in class_iris:
        cameo = g.value(c, KG.classCameoCode)
        ont.classes[local(c)] = ClassDef(
            name=local(c),
            iri=c,
            abstract=bool(g.value(c, KG.abstract)),
            parents=tuple(local(p) for p in parents[c]),
            ancestors=frozenset(local(a) for a in ancestors(c)),
            cameo=str(cameo) if cameo is not None else None,
            properties=tuple(props_by_class[c]),
            labels=_labels(g, c),
            comment=_comment(g, c),
            computed=bool(g.value(c, KG.computed)),
        )

    # Object properties: relationship types.
    for op in _in_order(g, OWL.ObjectProperty, text):
        rtype = relationship_type_name(local(op))
        ends = []
        for which in (RDFS.domain, RDFS.range):
            node = g.value(op, which)
            if node is None:
                raise OntologyError(
                    f"{path}: relationship {local(op)} needs an rdfs:domain and an rdfs:range"
                )
            labels: set[str] = set()
            for cls in _class_list(g, node):
                labels.update(ont.subclasses(local(cls)))
            ends.append(frozenset(labels))
        extra = [
            property_name(local(p)) for p in g.objects(op, KG.edgeProperty) if isinstance(p, URIRef)
        ]
        ordered_extra = [n for n in ont.properties if n in extra]
        ont.relationships[rtype] = RelationshipDef(
            type=rtype,
            iri=op,
            sources=ends[0],
            targets=ends[1],
            properties=tuple(
                ordered_extra + [n for n in provenance_props if n not in ordered_extra]
            ),
            actor_role=(op, RDFS.subPropertyOf, SEM.hasActor) in g,
            derived=g.value(op, KG.derivedFrom) is not None,
            labels=_labels(g, op),
            comment=_comment(g, op),
        )
    return ont


@cache
def _load_cached(path: Path) -> Ontology:
    return _read(path)


def load_ontology(path: Path | str | None = None) -> Ontology:
    """Read the ontology (the bundled ``ontology/kg.ttl`` unless a path is given); cached."""
    return _load_cached(Path(path) if path is not None else ontology_dir() / "kg.ttl")
