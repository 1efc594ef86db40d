"""SHACL shapes: derived from the ontology, committed in step with it, and enforced on exports."""

from __future__ import annotations

import io

import pyshacl
import pytest
from rdflib import DCTERMS, OWL, RDF, SH, XSD, Literal, Namespace, URIRef
from rdflib import Graph as RdfGraph
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from kg.export.rdf import DATA, GEO, KG, edge_iri, geometry_iri, write_turtle
from kg.facts import load_facts, sample_facts_path
from kg.model import Edge, Graph, Node
from kg.ontology import load_ontology
from kg.resources import data_dir
from kg.shacl import (
    COMPUTED_REQUIRED,
    KGSH,
    shapes_graph,
    shapes_path,
    shapes_turtle,
    validate,
    write_shapes,
)

SCHEMA = Namespace("https://schema.org/")


@pytest.fixture(scope="module")
def shapes():
    return shapes_graph()


def _turtle(graph: Graph) -> RdfGraph:
    out = io.BytesIO()
    write_turtle(graph, out)
    return RdfGraph().parse(data=out.getvalue(), format="turtle")


def _violations(report: RdfGraph) -> set[tuple]:
    return {
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            report.value(r, SH.sourceConstraintComponent),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


# ------------------------------------------------------------------------------ the shapes file


def test_committed_shapes_match_the_ontology(shapes):
    committed = RdfGraph().parse(shapes_path(), format="turtle")
    assert isomorphic(committed, shapes), "regenerate: kg schema --shacl > ontology/shapes.ttl"


def test_committed_shapes_say_they_are_generated_and_how_to_regenerate():
    head = shapes_path().read_text(encoding="utf-8").splitlines()[:3]
    assert "GENERATED from ontology/kg.ttl" in head[0]
    assert head[1] == "# Regenerate with:  kg schema --shacl > ontology/shapes.ttl"


def test_shapes_turtle_and_write_shapes_give_the_same_graph(shapes, tmp_path):
    text = shapes_turtle()
    assert isomorphic(RdfGraph().parse(data=text, format="turtle"), shapes)
    target = write_shapes(tmp_path / "shapes.ttl")
    assert target.read_text(encoding="utf-8") == text


# ------------------------------------------------------------------------------ what they say


def test_one_closed_node_shape_per_label(shapes):
    ont = load_ontology()
    targets = {shapes.value(s, SH.targetClass) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert targets == {KG[label] for label in ont.node_labels} | {RDF.Statement, GEO.Geometry}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.closed) == Literal(True)
        assert list(Collection(shapes, shapes.value(shape, SH.ignoredProperties))) == [RDF.type]
    # Abstract classes get no shape of their own.
    assert (None, SH.targetClass, KG.Actor) not in shapes


def test_relationship_targets_are_constrained_by_class(shapes):
    assert shapes.value(KGSH.hasParticipant, SH["class"]) == KG.Actor
    assert shapes.value(KGSH.hasParticipant, SH.path) == KG.hasParticipant
    assert shapes.value(KGSH.hasPlace, SH["class"]) == KG.Place
    about = Collection(shapes, shapes.value(KGSH.about, SH["or"]))
    assert [shapes.value(o, SH["class"]) for o in about] == [
        KG.Place,
        KG.Topic,
        KG.Event,
        KG.Agreement,
    ]
    assert (KGSH.Call, SH.property, KGSH.hasParticipant) in shapes
    assert (KGSH.Place, SH.property, KGSH.hasParticipant) not in shapes
    assert (KGSH.Place, SH.property, KGSH.locatedIn) in shapes


def test_datatype_property_shapes(shapes):
    g = shapes
    status = KGSH.status
    assert {str(v) for v in Collection(g, g.value(status, SH["in"]))} == set(
        load_ontology().status_values()
    )
    assert (g.value(status, SH.minCount), g.value(status, SH.maxCount)) == (Literal(1), Literal(1))
    assert (KGSH.Call, SH.property, status) in g and (KGSH.Agreement, SH.property, status) in g
    assert (KGSH.Person, SH.property, status) not in g
    assert g.value(KGSH.name, SH.minCount) == Literal(1)
    labels = KGSH["label_fr-label_en"]
    assert g.value(labels, SH.datatype) == RDF.langString
    assert [str(v) for v in Collection(g, g.value(labels, SH.languageIn))] == ["en", "fr"]
    assert g.value(labels, SH.uniqueLang) == Literal(True)
    assert g.value(KGSH.wikidata, SH.path) == OWL.sameAs
    assert g.value(KGSH.wikidata, SH.nodeKind) == SH.IRI
    assert g.value(KGSH.alias, SH.maxCount) is None  # a list
    assert g.value(KGSH.quote_start, SH.datatype) == XSD.integer
    dates = Collection(g, g.value(KGSH.first_since, SH["or"]))
    assert [g.value(o, SH.datatype) for o in dates] == [XSD.date, XSD.gYearMonth, XSD.gYear]
    assert g.value(KGSH["Statement-status"], SH.minCount) is None
    assert g.value(KGSH.utc_time, SH.datatype) == XSD.dateTime
    assert g.value(KGSH.documents, SH.maxCount) is None  # a list of plain strings
    assert g.value(KGSH.documents, SH.datatype) == XSD.string


def _required(g: RdfGraph, label: str) -> set[str]:
    return {
        str(g.value(p, SH.name))
        for p in g.objects(KGSH[label], SH.property)
        if g.value(p, SH.minCount) == Literal(1)
    }


def test_required_properties_depend_on_who_writes_the_class(shapes):
    ont = load_ontology()
    assert ont.classes["Claim"].computed
    # A class facts files give requires what the ontology marks kg:required ...
    assert _required(shapes, "Call") == {"name", "status"}
    assert _required(shapes, "Person") == {"name"}
    # ... a claim what kg.claims writes on every claim: a claim about a person has no status.
    assert (
        _required(shapes, "Claim")
        == set(COMPUTED_REQUIRED)
        == {
            "name",
            "fact",
            "document",
            "record",
        }
    )
    assert (KGSH.Claim, SH.property, KGSH["status-optional"]) in shapes
    assert (KGSH.Claim, SH.property, KGSH.status) not in shapes
    assert shapes.value(KGSH["status-optional"], SH["in"]) is not None
    assert (KGSH.Call, SH.property, KGSH["fact-required"]) not in shapes


def test_prov_links_of_dataset_exports_have_shapes(shapes):
    g = shapes
    for label in ("Call", "Person", "Agreement"):
        assert (KGSH[label], SH.property, KGSH["prov-wasDerivedFrom"]) in g
    assert g.value(KGSH["prov-wasDerivedFrom"], SH["class"]) == KG.Source
    assert (KGSH.Call, SH.property, KGSH["prov-hadPrimarySource"]) in g
    assert (KGSH.Person, SH.property, KGSH["prov-hadPrimarySource"]) not in g
    assert (KGSH.Post, SH.property, KGSH["prov-wasAttributedTo"]) in g
    assert g.value(KGSH["prov-wasAttributedTo"], SH["class"]) == KG.Actor
    assert (KGSH.Article, SH.property, KGSH["prov-generatedAtTime"]) in g
    assert (KGSH.Call, SH.property, KGSH["prov-generatedAtTime"]) not in g
    dates = Collection(g, g.value(KGSH["prov-generatedAtTime"], SH["or"]))
    assert [g.value(o, SH.datatype) for o in dates] == [
        XSD.date,
        XSD.gYearMonth,
        XSD.gYear,
        XSD.dateTime,
    ]


# ------------------------------------------------------------------------------ validation


def test_the_sample_export_conforms(sample_graph):
    result = validate(_turtle(sample_graph))
    assert result.conforms, result.text


def test_the_export_of_the_article_and_its_follow_ups_conforms():
    graph = load_facts(
        sample_facts_path(), *sorted((data_dir() / "followups").glob("*.facts.yaml"))
    )
    assert graph.counts()["Claim"] > 0
    data = _turtle(graph)
    assert (
        DATA["call-trump-putin-2025-05-19"],
        KG.documents,
        Literal("followup-2025-05-20"),
    ) in data
    result = validate(data)
    assert result.conforms, result.text


def _claim(**props) -> RdfGraph:
    """A claim written by hand: no export writes claims as kg:Claim nodes."""
    claim = DATA["claim/article/p"]
    g = _turtle(_graph(PERSON, Node("article", "Article", {"name": "A"})))
    g.add((claim, RDF.type, KG.Claim))
    values = {
        KG.name: Literal("p according to article"),
        KG.fact: Literal("p"),
        DCTERMS.source: DATA.article,
        KG.record: Literal('{"label": "Person"}'),
        **props,
    }
    for predicate, value in values.items():
        if value is not None:
            g.add((claim, predicate, value))
    return g


def test_a_claim_needs_no_status_but_its_fact_document_and_record():
    result = validate(_claim())
    assert result.conforms, result.text
    assert validate(_claim(**{KG.status: Literal("announced")})).conforms
    for missing in (KG.fact, DCTERMS.source, KG.record, KG.name):
        result = validate(_claim(**{missing: None}))
        assert _violations(result.report) == {
            (DATA["claim/article/p"], missing, SH.MinCountConstraintComponent)
        }, missing
    bad = validate(_claim(**{KG.status: Literal("rumoured")}))
    assert _violations(bad.report) == {
        (DATA["claim/article/p"], KG.status, SH.InConstraintComponent)
    }


def test_class_constraints_need_the_ontology_hierarchy(sample_graph, shapes):
    conforms, report, _ = pyshacl.validate(
        _turtle(sample_graph), shacl_graph=shapes, inference="none"
    )
    assert not conforms
    # Only the constraints on classes fail: sh:class kg:Actor, and sh:or with sh:class kg:Event.
    components = {c for _, _, c in _violations(report)}
    assert components == {SH.ClassConstraintComponent, SH.OrConstraintComponent}


def _call(**props) -> Node:
    return Node("call", "Call", {"name": "a call", "status": "planned", **props})


def _graph(*nodes: Node, edges: tuple[Edge, ...] = ()) -> Graph:
    g = Graph()
    for n in nodes:
        g.add_node(n)
    for e in edges:
        g.add_edge(e)
    return g


PERSON = Node("p", "Person", {"name": "P"})
PLACE = Node("istanbul", "Place", {"name": "Istanbul"})


@pytest.mark.parametrize(
    ("graph", "focus", "path", "component"),
    [
        pytest.param(
            _graph(_call(status="rumoured")),
            "call",
            KG.status,
            SH.InConstraintComponent,
            id="status-outside-allowed-values",
        ),
        pytest.param(
            _graph(_call(), PLACE, edges=(Edge.between("call", "HAS_PARTICIPANT", "istanbul"),)),
            "call",
            KG.hasParticipant,
            SH.ClassConstraintComponent,
            id="participant-is-a-place",
        ),
        pytest.param(
            _graph(Node("call", "Call", {"name": "a call"})),
            "call",
            KG.status,
            SH.MinCountConstraintComponent,
            id="event-without-status",
        ),
        pytest.param(
            _graph(Node("p", "Person", {"label_en": "P"})),
            "p",
            KG.name,
            SH.MinCountConstraintComponent,
            id="node-without-name",
        ),
        pytest.param(
            _graph(_call(date="2025-02-30")),
            "call",
            KG.date,
            SH.OrConstraintComponent,
            id="impossible-date",
        ),
        pytest.param(
            _graph(_call(date="19 mai")),
            "call",
            KG.date,
            SH.OrConstraintComponent,
            id="date-that-is-no-date",
        ),
        pytest.param(
            _graph(_call(utc_time="2025-05-19T14:00:00")),
            "call",
            KG.utcTime,
            SH.DatatypeConstraintComponent,
            id="utc-time-without-its-zone",
        ),
        pytest.param(
            _graph(Node("nato", "Organisation", {"name": "NATO", "category": "club"})),
            "nato",
            KG.category,
            SH.InConstraintComponent,
            id="category-outside-allowed-values",
        ),
        pytest.param(
            _graph(
                PERSON,
                PLACE,
                edges=(Edge.between("p", "INTERACTS_WITH", "istanbul", {"status": "maybe"}),),
            ),
            "p",
            KG.interactsWith,
            SH.ClassConstraintComponent,
            id="interaction-with-a-place",
        ),
    ],
)
def test_broken_graphs_do_not_conform(graph, focus, path, component):
    result = validate(_turtle(graph))
    assert not result.conforms
    assert (DATA[focus], path, component) in _violations(result.report)


def test_a_broken_interaction_status_is_caught_on_its_statement():
    graph = _graph(
        PERSON,
        Node("q", "Person", {"name": "Q"}),
        edges=(Edge.between("p", "INTERACTS_WITH", "q", {"status": "maybe"}),),
    )
    result = validate(_turtle(graph))
    assert _violations(result.report) == {
        (edge_iri("p|INTERACTS_WITH|q"), KG.status, SH.InConstraintComponent)
    }


@pytest.mark.parametrize(
    ("triple", "path", "component"),
    [
        ((DATA.p, SCHEMA.name, Literal("x")), SCHEMA.name, SH.ClosedConstraintComponent),
        ((DATA.p, OWL.sameAs, Literal("Q1")), OWL.sameAs, SH.NodeKindConstraintComponent),
        ((DATA.p, KG.name, Literal("again")), KG.name, SH.MaxCountConstraintComponent),
        ((DATA.p, KG.quoteStart, Literal("3")), KG.quoteStart, SH.DatatypeConstraintComponent),
        (
            (DATA.p, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("P", lang="de")),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            SH.LanguageInConstraintComponent,
        ),
    ],
)
def test_hand_broken_rdf_does_not_conform(triple, path, component):
    data = _turtle(_graph(PERSON))
    assert validate(data).conforms
    data.add(triple)
    result = validate(data)
    assert not result.conforms
    assert (DATA.p, path, component) in _violations(result.report)


# ------------------------------------------------------------------------------ GeoSPARQL

LOCATED = Node(
    "istanbul-turkey",
    "Place",
    {"name": "Istanbul, Istanbul, Turkey", "latitude": 41.0186, "longitude": 28.9647},
)
GEOMETRY = geometry_iri(LOCATED.id)


def test_places_with_and_without_coordinates_conform(shapes):
    assert validate(_turtle(_graph(LOCATED, PLACE))).conforms
    assert shapes.value(KGSH.asWKT, SH.datatype) == GEO.wktLiteral
    assert shapes.value(KGSH.hasGeometry, SH["class"]) == GEO.Geometry


@pytest.mark.parametrize(
    ("change", "focus", "path", "component"),
    [
        pytest.param(
            lambda g: g.remove((DATA[LOCATED.id], GEO.hasGeometry, None)),
            DATA[LOCATED.id],
            None,
            SH.OrConstraintComponent,
            id="coordinates-without-geometry",
        ),
        pytest.param(
            lambda g: g.add((DATA[LOCATED.id], GEO.hasGeometry, DATA["elsewhere/geometry"])),
            DATA[LOCATED.id],
            GEO.hasGeometry,
            SH.MaxCountConstraintComponent,
            id="two-geometries",
        ),
        pytest.param(
            lambda g: g.set(
                (GEOMETRY, GEO.asWKT, Literal("POINT(28.9647)", datatype=GEO.wktLiteral))
            ),
            GEOMETRY,
            GEO.asWKT,
            SH.PatternConstraintComponent,
            id="wkt-with-one-coordinate",
        ),
        pytest.param(
            lambda g: g.set((GEOMETRY, GEO.asWKT, Literal("POINT(28.9647 41.0186)"))),
            GEOMETRY,
            GEO.asWKT,
            SH.DatatypeConstraintComponent,
            id="wkt-as-a-plain-string",
        ),
        pytest.param(
            lambda g: g.remove((GEOMETRY, GEO.asWKT, None)),
            GEOMETRY,
            GEO.asWKT,
            SH.MinCountConstraintComponent,
            id="geometry-without-wkt",
        ),
        pytest.param(
            lambda g: g.add((GEOMETRY, KG.latitude, Literal(41.0186))),
            GEOMETRY,
            KG.latitude,
            SH.ClosedConstraintComponent,
            id="coordinates-on-the-geometry",
        ),
    ],
)
def test_broken_geometries_do_not_conform(change, focus, path, component):
    data = _turtle(_graph(LOCATED))
    change(data)
    result = validate(data)
    assert not result.conforms
    assert (focus, path, component) in _violations(result.report)
