"""RDF exports: Turtle, N-Triples and JSON-LD parse with rdflib and pyoxigraph and round-trip.

TriG and N-Quads (datasets with claims and PROV-O) are tested in test_export_trig.py.
"""

from __future__ import annotations

import io
import json
import re
from textwrap import dedent

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import DCTERMS, OWL, RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib import Graph as RdfGraph
from rdflib.compare import isomorphic

from kg.errors import KGError
from kg.export import FORMATS as EXPORT_FORMATS
from kg.export import export
from kg.export.rdf import (
    DATA,
    GEO,
    KG,
    dataset_quads,
    date_properties,
    edge_iri,
    generate_ntriples,
    generate_turtle,
    geometry_iri,
    node_iri,
    required_properties,
    to_rdflib,
    wkt_point,
    write_ntriples,
    write_turtle,
)
from kg.model import Edge, Graph, Node
from kg.ontology import load_ontology
from kg.resources import ontology_dir
from kg.shacl import validate

FORMATS = {
    # kg format name: (rdflib parser, pyoxigraph format)
    "turtle": ("turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}


def _bytes(graph: Graph, fmt: str) -> bytes:
    out = io.BytesIO()
    export(graph, fmt, out)
    return out.getvalue()


def _oxigraph(data: bytes, fmt: ox.RdfFormat) -> RdfGraph:
    """Parse with pyoxigraph (an independent parser) and convert the triples to rdflib terms."""

    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == str(XSD.string):
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    g = RdfGraph()
    for quad in ox.parse(input=data, format=fmt):
        g.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return g


@pytest.fixture(scope="module")
def sample_rdf(sample_graph):
    return to_rdflib(sample_graph)


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_parses_with_rdflib_and_round_trips(sample_graph, sample_rdf, fmt):
    parsed = RdfGraph().parse(data=_bytes(sample_graph, fmt), format=FORMATS[fmt][0])
    assert len(parsed) == len(sample_rdf) > 800
    assert isomorphic(parsed, sample_rdf)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_parses_with_pyoxigraph_and_round_trips(sample_graph, sample_rdf, fmt):
    parsed = _oxigraph(_bytes(sample_graph, fmt), FORMATS[fmt][1])
    assert len(parsed) == len(sample_rdf)
    assert isomorphic(parsed, sample_rdf)


def test_export_to_a_path_guesses_nothing_and_writes_turtle(sample_graph, sample_rdf, tmp_path):
    target = tmp_path / "out" / "kg.ttl"
    export(sample_graph, "turtle", target)
    assert isomorphic(RdfGraph().parse(target, format="turtle"), sample_rdf)
    assert [p.name for p in target.parent.iterdir()] == ["kg.ttl"]  # no temporary file left


# ------------------------------------------------------------------------------ the mapping


def test_every_node_has_exactly_its_class(sample_graph, sample_rdf):
    for node in sample_graph.nodes.values():
        assert set(sample_rdf.objects(node_iri(node.id), RDF.type)) == {KG[node.label]}


def test_same_as_wikidata_exactly_for_nodes_with_a_wikidata_id(sample_graph, sample_rdf):
    expected = {
        (node_iri(n.id), URIRef(f"http://www.wikidata.org/entity/{n.properties['wikidata']}"))
        for n in sample_graph.nodes.values()
        if "wikidata" in n.properties
    }
    assert set(sample_rdf.subject_objects(OWL.sameAs)) == expected
    assert len(expected) == 14
    assert (DATA["vladimir-putin"], URIRef("http://www.wikidata.org/entity/Q7747")) in expected
    assert not any(s == DATA["sergey-lavrov"] for s, _ in expected)  # not verified, left out


def test_labels_are_language_tagged_and_aliases_one_triple_each(sample_rdf):
    putin = DATA["vladimir-putin"]
    assert set(sample_rdf.objects(putin, RDFS.label)) == {
        Literal("Vladimir Poutine", lang="fr"),
        Literal("Vladimir Putin", lang="en"),
    }
    assert set(sample_rdf.objects(putin, KG.alias)) == {
        Literal(a) for a in ("Poutine", "Putin", "le chef du Kremlin", "son homologue russe")
    }
    assert sample_rdf.value(putin, KG.name) == Literal("Vladimir Putin")


def test_dates_are_typed_by_their_precision_and_integers_are_integers(sample_rdf):
    g = sample_rdf
    assert g.value(DATA["call-trump-putin-2025-05-19"], KG.date) == Literal(
        "2025-05-19", datatype=XSD.date
    )
    assert g.value(DATA["russian-invasion-of-ukraine"], KG.date) == Literal(
        "2022-02", datatype=XSD.gYearMonth
    )
    assert g.value(DATA["negotiation-istanbul-2025-05-16"], KG.firstSince) == Literal(
        "2022-03", datatype=XSD.gYearMonth
    )
    assert g.value(DATA["attacks-russia-ukraine-2025-05-16-night"], KG.dateEnd) == Literal(
        "2025-05-17", datatype=XSD.date
    )
    assert g.value(DATA["article-2025-05-17"], KG.published) == Literal(
        "2025-05-17", datatype=XSD.date
    )
    # Local time and time zone stay what the source says: text, never an instant.
    assert g.value(DATA["call-trump-putin-2025-05-19"], KG.localTime) == Literal("10:00")
    assert g.value(DATA["call-trump-putin-2025-05-19"], KG.timeZone) == Literal("unknown")
    assert g.value(DATA["vladimir-putin"], KG.quoteStart) == Literal(316, datatype=XSD.integer)


def test_date_properties_come_from_the_ontology():
    assert date_properties() == {"date", "date_end", "first_since", "published"}
    assert required_properties() == {"name", "status"}


def _without(text: str, prop: str, annotation: str) -> str:
    """The ontology text with ``annotation`` taken off the declaration line of ``prop``."""
    line = re.compile(
        rf"^({re.escape(prop)} a owl:DatatypeProperty\b.*?) {re.escape(annotation)} ;", re.M
    )
    text, found = line.subn(r"\1", text)
    assert found == 1, (prop, annotation)
    return text


def test_annotations_in_the_ontology_decide_dates_and_required_properties(tmp_path):
    text = (ontology_dir() / "kg.ttl").read_text(encoding="utf-8")
    for prop in ("kg:date", "kg:dateEnd", "kg:firstSince"):
        text = _without(text, prop, "kg:dateValued true")
    text = _without(text, "kg:status", "kg:required true")
    path = tmp_path / "kg.ttl"
    path.write_text(text, encoding="utf-8")
    ont = load_ontology(path)
    assert date_properties(ont) == {"published"}
    assert required_properties(ont) == {"name"}
    g = Graph()
    g.add_node(Node("c", "Call", {"name": "c", "status": "planned", "date": "2025-05-19"}))
    g.add_node(Node("a", "Article", {"name": "a", "published": "2025-05-19"}))
    rdf = to_rdflib(g, ont)
    assert rdf.value(DATA["c"], KG.date) == Literal("2025-05-19")
    assert rdf.value(DATA["a"], KG.published) == Literal("2025-05-19", datatype=XSD.date)
    parsed = RdfGraph().parse(data="".join(generate_turtle(g, ont)), format="turtle")
    assert isomorphic(parsed, rdf)


def test_edges_with_properties_are_reified_with_their_provenance(sample_graph, sample_rdf):
    g = sample_rdf
    with_props = [e for e in sample_graph.edges.values() if e.properties]
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert statements == {edge_iri(e.id) for e in with_props}
    assert len(statements) == 31
    edge = sample_graph.edges["call-rubio-lavrov-2025-05-17|ABOUT|negotiation-istanbul-2025-05-16"]
    st_iri = edge_iri(edge.id)
    assert str(st_iri) == (
        "https://w3id.org/kg-diplo/id/rel/"
        "call-rubio-lavrov-2025-05-17%7CABOUT%7Cnegotiation-istanbul-2025-05-16"
    )
    assert g.value(st_iri, RDF.subject) == DATA["call-rubio-lavrov-2025-05-17"]
    assert g.value(st_iri, RDF.predicate) == KG.about
    assert g.value(st_iri, RDF.object) == DATA["negotiation-istanbul-2025-05-16"]
    assert g.value(st_iri, KG.quote) == Literal(
        "Rubio appelle Lavrov pour discuter des résultats des négociations russo-ukrainiennes"
    )
    assert g.value(st_iri, KG.quoteStart) == Literal(2318, datatype=XSD.integer)
    assert g.value(st_iri, DCTERMS.source) == DATA["article-2025-05-17"]
    # The plain triple is there too, and an edge without properties has no statement.
    assert (
        DATA["call-rubio-lavrov-2025-05-17"],
        KG.about,
        DATA["negotiation-istanbul-2025-05-16"],
    ) in g
    bare = sample_graph.edges["call-rubio-lavrov-2025-05-17|HAS_INITIATOR|marco-rubio"]
    assert not bare.properties
    assert (None, RDF.subject, None) in g
    assert not list(g.predicate_objects(edge_iri(bare.id)))


def test_interactions_carry_their_event_date_and_status(sample_rdf):
    st_iri = edge_iri("donald-trump|INTERACTS_WITH|vladimir-putin|call-trump-putin-2025-05-19")
    assert dict(sample_rdf.predicate_objects(st_iri)) == {
        RDF.type: RDF.Statement,
        RDF.subject: DATA["donald-trump"],
        RDF.predicate: KG.interactsWith,
        RDF.object: DATA["vladimir-putin"],
        KG.event: Literal("call-trump-putin-2025-05-19"),
        KG.eventType: Literal("Call"),
        KG.date: Literal("2025-05-19", datatype=XSD.date),
        KG.status: Literal("announced"),
        KG.directed: Literal(True),
    }


def test_ids_outside_the_iri_safe_characters_are_percent_encoded():
    g = Graph()
    g.add_node(Node("a b/ü~.", "Place", {"name": "odd"}))
    g.add_node(Node("x%41", "Country", {"name": "X"}))
    g.add_edge(Edge.between("a b/ü~.", "LOCATED_IN", "x%41", {"note": "n"}))
    iri = URIRef("https://w3id.org/kg-diplo/id/a%20b%2F%C3%BC~.")
    assert node_iri("a b/ü~.") == iri
    assert node_iri("x%41") == DATA["x%2541"]  # a '%' of the id is encoded too: no clash
    expected = to_rdflib(g)
    assert (iri, KG.locatedIn, DATA["x%2541"]) in expected
    assert (edge_iri("a b/ü~.|LOCATED_IN|x%41"), RDF.object, DATA["x%2541"]) in expected
    for fmt, (rdflib_format, ox_format) in FORMATS.items():
        data = _bytes(g, fmt)
        assert isomorphic(RdfGraph().parse(data=data, format=rdflib_format), expected), fmt
        assert isomorphic(_oxigraph(data, ox_format), expected), fmt


# ------------------------------------------------------------------------------ exact text


def _tiny() -> Graph:
    g = Graph()
    g.add_node(
        Node(
            "vladimir-putin",
            "Person",
            {
                "name": "Vladimir Putin",
                "wikidata": "Q7747",
                "alias": ["Poutine", "le chef du Kremlin"],
                "label_en": "Vladimir Putin",
                "label_fr": "Vladimir Poutine",
            },
        )
    )
    g.add_node(Node("russia", "Country", {"name": "Russia", "wikidata": "Q159"}))
    g.add_node(
        Node(
            "call-2025-05",
            "Call",
            {"name": 'A "call"', "date": "2025-05", "status": "planned", "first_since": "2022"},
        )
    )
    g.add_edge(
        Edge.between(
            "vladimir-putin",
            "HOLDS_POSITION",
            "russia",
            {
                "quote": "le président russe Vladimir Poutine",
                "quote_start": 316,
                "quote_end": 351,
                "document": "article",
                "position": "President",
            },
        )
    )
    g.add_edge(Edge.between("call-2025-05", "HAS_PARTICIPANT", "vladimir-putin"))
    return g


TINY_TURTLE = dedent(
    """\
    # kg knowledge graph as RDF Turtle; the kg: terms are defined in ontology/kg.ttl.
    @prefix kg: <https://w3id.org/kg-diplo/ontology#> .
    @prefix id: <https://w3id.org/kg-diplo/id/> .
    @prefix rel: <https://w3id.org/kg-diplo/id/rel/> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix geo: <http://www.opengis.net/ont/geosparql#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

    id:vladimir-putin a kg:Person ;
        kg:name "Vladimir Putin" ;
        rdfs:label "Vladimir Poutine"@fr, "Vladimir Putin"@en ;
        kg:alias "Poutine", "le chef du Kremlin" ;
        owl:sameAs <http://www.wikidata.org/entity/Q7747> .

    id:russia a kg:Country ;
        kg:name "Russia" ;
        owl:sameAs <http://www.wikidata.org/entity/Q159> .

    id:call-2025-05 a kg:Call ;
        kg:name "A \\"call\\"" ;
        kg:status "planned" ;
        kg:date "2025-05"^^xsd:gYearMonth ;
        kg:firstSince "2022"^^xsd:gYear .

    id:vladimir-putin kg:holdsPosition id:russia .

    rel:vladimir-putin%7CHOLDS_POSITION%7Crussia a rdf:Statement ;
        rdf:subject id:vladimir-putin ;
        rdf:predicate kg:holdsPosition ;
        rdf:object id:russia ;
        kg:position "President" ;
        kg:quote "le président russe Vladimir Poutine" ;
        kg:quoteStart 316 ;
        kg:quoteEnd 351 ;
        dcterms:source <https://w3id.org/kg-diplo/id/article> .

    id:call-2025-05 kg:hasParticipant id:vladimir-putin .

    """
)


def test_tiny_graph_gives_exactly_this_turtle():
    assert "".join(generate_turtle(_tiny())) == TINY_TURTLE
    out = io.BytesIO()
    write_turtle(_tiny(), out)
    assert out.getvalue() == TINY_TURTLE.encode("utf-8")


def test_tiny_graph_n_triples_are_one_line_per_triple_and_match_turtle():
    text = "".join(generate_ntriples(_tiny()))
    lines = text.splitlines()
    assert len(lines) == 26 == len(set(lines))
    assert lines[0] == (
        "<https://w3id.org/kg-diplo/id/vladimir-putin> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/kg-diplo/ontology#Person> ."
    )
    assert (
        "<https://w3id.org/kg-diplo/id/rel/vladimir-putin%7CHOLDS_POSITION%7Crussia> "
        "<https://w3id.org/kg-diplo/ontology#quoteStart> "
        '"316"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    ) in lines
    assert isomorphic(
        RdfGraph().parse(data=text, format="nt"),
        RdfGraph().parse(data=TINY_TURTLE, format="turtle"),
    )


# ------------------------------------------------------------------------------ GeoSPARQL

# An imported action place with GDELT's coordinates, and a place of the article with none.
ISTANBUL = Node(
    "istanbul-turkey",
    "Place",
    {"name": "Istanbul, Istanbul, Turkey", "latitude": 41.0186, "longitude": 28.9647},
)
KYIV = Node("kyiv", "Place", {"name": "Kyiv"})

ISTANBUL_TURTLE = dedent(
    """\
    id:istanbul-turkey a kg:Place ;
        kg:name "Istanbul, Istanbul, Turkey" ;
        kg:latitude "41.0186"^^xsd:double ;
        kg:longitude "28.9647"^^xsd:double ;
        geo:hasGeometry <https://w3id.org/kg-diplo/id/istanbul-turkey/geometry> .

    <https://w3id.org/kg-diplo/id/istanbul-turkey/geometry> a geo:Geometry ;
        geo:asWKT "POINT(28.9647 41.0186)"^^geo:wktLiteral .

    id:kyiv a kg:Place ;
        kg:name "Kyiv" .

    """
)
_WKT = re.compile(r"POINT\((\S+) (\S+)\)")


def _places() -> Graph:
    g = Graph()
    g.add_node(ISTANBUL)
    g.add_node(KYIV)
    return g


def test_a_place_with_coordinates_gives_exactly_this_turtle():
    text = "".join(generate_turtle(_places()))
    assert text.split("\n\n", 1)[1] == ISTANBUL_TURTLE


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_place_with_coordinates_has_a_wkt_point_both_parsers_read(fmt):
    expected = to_rdflib(_places())
    data = _bytes(_places(), fmt)
    place, geometry = node_iri(ISTANBUL.id), geometry_iri(ISTANBUL.id)
    for parsed in (
        RdfGraph().parse(data=data, format=FORMATS[fmt][0]),
        _oxigraph(data, FORMATS[fmt][1]),
    ):
        assert isomorphic(parsed, expected)
        assert list(parsed.objects(place, GEO.hasGeometry)) == [geometry]
        assert set(parsed.objects(geometry, RDF.type)) == {GEO.Geometry}
        (wkt,) = parsed.objects(geometry, GEO.asWKT)
        assert wkt.datatype == GEO.wktLiteral
        # WKT puts the longitude first.
        x, y = map(float, _WKT.fullmatch(str(wkt)).groups())
        assert (x, y) == (ISTANBUL.properties["longitude"], ISTANBUL.properties["latitude"])
        assert (node_iri(KYIV.id), GEO.hasGeometry, None) not in parsed
    assert validate(expected).conforms


def test_a_place_with_one_coordinate_has_no_geometry():
    g = Graph()
    g.add_node(Node("somewhere", "Place", {"name": "Somewhere", "latitude": 41.0}))
    rdf = to_rdflib(g)
    assert (None, GEO.hasGeometry, None) not in rdf and (None, GEO.asWKT, None) not in rdf
    assert isomorphic(RdfGraph().parse(data="".join(generate_ntriples(g)), format="nt"), rdf)
    assert validate(rdf).conforms


def test_geosparql_finds_the_point_in_every_export():
    """A GeoSPARQL user's query over pyoxigraph, on Turtle and on the dataset (TriG, N-Quads)."""
    query = (
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
        "SELECT ?place ?wkt WHERE { ?place geo:hasGeometry/geo:asWKT ?wkt }"
    )
    turtle = ox.Store()
    turtle.load(_bytes(_places(), "turtle"), format=ox.RdfFormat.TURTLE)
    dataset = ox.Store()
    dataset.extend(dataset_quads(_places()))
    for store in (turtle, dataset):
        rows = [(s["place"].value, s["wkt"].value) for s in store.query(query)]
        assert rows == [(str(node_iri(ISTANBUL.id)), "POINT(28.9647 41.0186)")]


@pytest.mark.parametrize(
    ("x", "y", "wkt"),
    [
        (28.9647, 41.0186, "POINT(28.9647 41.0186)"),
        (-77, 38.9, "POINT(-77.0 38.9)"),
        (1e-7, -0.0, "POINT(0.0000001 -0.0)"),
        (-179.99999999999997, 89.5, "POINT(-179.99999999999997 89.5)"),
    ],
)
def test_wkt_numbers_are_decimals_that_read_back_as_the_same_double(x, y, wkt):
    assert wkt_point(x, y) == wkt
    assert tuple(map(float, _WKT.fullmatch(wkt).groups())) == (x, y)


def test_turtle_is_streamed_node_by_node(sample_graph):
    chunks = generate_turtle(sample_graph)
    header = next(chunks)
    assert header.startswith("# kg knowledge graph") and header.endswith(" .\n\n")
    assert "@prefix" in header and "a kg:" not in header
    first = next(chunks)
    assert first.startswith("id:article-2025-05-17 a kg:Article ;")
    rest = list(chunks)
    assert len(rest) >= len(sample_graph.nodes) - 1  # one chunk per node, then per source


def test_jsonld_is_expanded_one_object_per_subject_block(sample_graph):
    doc = json.loads(_bytes(sample_graph, "jsonld"))
    assert isinstance(doc, list)  # expanded JSON-LD: no @context, full IRIs
    putin = next(n for n in doc if n["@id"] == str(DATA["vladimir-putin"]))
    assert putin[str(RDF.type)] == [{"@id": str(KG.Person)}]
    assert putin[str(KG.name)] == [{"@value": "Vladimir Putin"}]
    assert putin[str(OWL.sameAs)] == [{"@id": "http://www.wikidata.org/entity/Q7747"}]
    assert {"@language": "fr", "@value": "Vladimir Poutine"} in putin[str(RDFS.label)]


def test_jsonld_streams_a_stream_of_graphs(sample_graph, sample_rdf):
    assert EXPORT_FORMATS["jsonld"].streams
    half = Graph()
    for node in list(sample_graph.nodes.values())[:10]:
        half.add_node(node)
    rest = Graph()
    rest.update(sample_graph)
    for node_id in half.nodes:
        del rest.nodes[node_id]
    out = io.BytesIO()
    export(iter([half, rest]), "jsonld", out)
    assert isomorphic(RdfGraph().parse(data=out.getvalue(), format="json-ld"), sample_rdf)


def test_jsonld_keeps_a_falsy_first_value():
    # rdflib 7.6's JSON-LD serializer lost an empty first alias; pyoxigraph writes it.
    g = Graph()
    g.add_node(Node("p", "Person", {"name": "P", "alias": ["", "Pootie"]}))
    data = _bytes(g, "jsonld")
    for parsed in (
        RdfGraph().parse(data=data, format="json-ld"),
        _oxigraph(data, FORMATS["jsonld"][1]),
    ):
        assert set(parsed.objects(DATA.p, KG.alias)) == {Literal(""), Literal("Pootie")}
        assert isomorphic(parsed, RdfGraph().parse(data=_bytes(g, "turtle"), format="turtle"))


# ------------------------------------------------------------------------------ claims and the current view


def _claimed_graph() -> Graph:
    """A call two documents describe: the current view, its claims and their HAS_CLAIM edges."""
    from kg.claims import Statement, encode

    ont = load_ontology()
    published = {"a": "2025-05-17", "b": "2025-05-19"}
    g = Graph()
    for doc, day in published.items():
        g.add_node(Node(doc, "Article", {"name": doc, "published": day, "document": doc}))
    link = (Edge.between("call", "HAS_PARTICIPANT", "putin"),)
    call = {"name": "a call", "date": "2025-05-19", "date_precision": "minute"}
    said = [
        Statement(
            "a",
            "Call",
            {
                **call,
                "status": "announced",
                "local_time": "10:00",
                "time_zone": "unknown",
                "document": "a",
            },
            link,
        ),
        Statement(
            "b",
            "Call",
            {
                **call,
                "status": "occurred",
                "local_time": "17:00",
                "time_zone": "Europe/Moscow",
                "document": "b",
            },
            link,
        ),
    ]
    g.update(encode("call", said, published, ont))
    people = [Statement(d, "Person", {"name": "Putin", "document": d}, ()) for d in published]
    g.update(encode("putin", people, published, ont))
    return g


@pytest.mark.parametrize("fmt", FORMATS)
def test_claims_are_left_out_and_the_current_view_stays(fmt):
    graph = _claimed_graph()
    assert graph.counts()["Claim"] == 4 and graph.counts()["HAS_CLAIM"] == 4
    parsed = RdfGraph().parse(data=_bytes(graph, fmt), format=FORMATS[fmt][0])
    assert not list(parsed.subjects(RDF.type, KG.Claim))
    assert not list(parsed.triples((None, KG.hasClaim, None)))
    assert not any("claim/" in str(s) for s in parsed.subjects())
    call = DATA.call
    assert parsed.value(call, KG.status) == Literal("occurred")
    assert parsed.value(call, KG.utcTime) == Literal("2025-05-19T14:00:00Z", datatype=XSD.dateTime)
    assert set(parsed.objects(call, KG.documents)) == {Literal("a"), Literal("b")}
    assert isomorphic(parsed, to_rdflib(graph))


def test_conflicts_are_plain_strings_one_triple_each():
    g = Graph()
    g.add_node(_conflicted_call())
    rdf = RdfGraph().parse(data=_bytes(g, "turtle"), format="turtle")
    assert set(rdf.objects(DATA.c, KG.conflicts)) == {Literal("status"), Literal("date")}


def _conflicted_call() -> Node:
    return Node(
        "c",
        "Call",
        {
            "name": "c",
            "status": "planned",
            "conflicts": ["status", "date"],
            "documents": ["a", "b"],
        },
    )


def test_a_utc_time_that_is_no_instant_stays_a_string():
    g = Graph()
    g.add_node(Node("c", "Call", {"name": "c", "status": "planned", "utc_time": "soon"}))
    for fmt, (rdflib_format, _) in FORMATS.items():
        parsed = RdfGraph().parse(data=_bytes(g, fmt), format=rdflib_format)
        assert parsed.value(DATA.c, KG.utcTime) == Literal("soon"), fmt


# ------------------------------------------------------------------------------ hostile text

HOSTILE = [
    'quote " and backslash \\ and """ triple',
    "new\nline and \r carriage return and \t tab",
    "\x00 NUL, \x07 bell, \x1f unit separator, \x7f DEL, \x0b vertical tab",
    "RTL \u200f mark, \u202e override, \u2028 line separator, \ufeff BOM",
    "emoji 😀, astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𠜎",
    "> < & ' { } | ^ ` \\u0041 not an escape",
    "ends with a backslash \\",
    "",
]


def _hostile_graph(name: str, quote: str) -> Graph:
    g = Graph()
    g.add_node(Node("n1", "Person", {"name": name, "alias": [quote, name]}))
    g.add_node(Node("n2", "Country", {"name": "c"}))
    g.add_edge(Edge.between("n1", "HOLDS_POSITION", "n2", {"quote": quote, "position": name}))
    return g


def _check_hostile(name: str, quote: str) -> None:
    g = _hostile_graph(name, quote)
    expected = to_rdflib(g)
    st_iri = edge_iri("n1|HOLDS_POSITION|n2")
    for fmt in ("turtle", "ntriples"):
        rdflib_format, ox_format = FORMATS[fmt]
        data = _bytes(g, fmt)
        for parsed in (
            RdfGraph().parse(data=data, format=rdflib_format),
            _oxigraph(data, ox_format),
        ):
            assert str(parsed.value(DATA.n1, KG.name)) == name
            assert str(parsed.value(st_iri, KG.quote)) == quote
            assert {str(a) for a in parsed.objects(DATA.n1, KG.alias)} == {name, quote}
            assert isomorphic(parsed, expected)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_round_trip_exactly(text):
    _check_hostile(text, text[::-1])


@settings(max_examples=60, deadline=None)
@given(name=st.text(), quote=st.text())
@example(name='"""', quote="\\")
@example(name="\x00", quote="\r\n")
def test_any_text_round_trips_through_turtle_and_n_triples(name, quote):
    _check_hostile(name, quote)


# ------------------------------------------------------------------------------ bad input


def test_a_lone_surrogate_is_a_clear_error():
    g = Graph()
    g.add_node(Node("n", "Person", {"name": "bad \ud800 text"}))
    with pytest.raises(KGError, match="lone surrogate"):
        write_turtle(g, io.BytesIO())
    with pytest.raises(KGError, match="lone surrogate"):
        write_ntriples(g, io.BytesIO())
    for fmt in ("jsonld", "trig", "nquads"):
        with pytest.raises(KGError, match="lone surrogate"):
            export(g, fmt, io.BytesIO())


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (Node("n", "Unicorn", {"name": "x"}), "label 'Unicorn' is not a class"),
        (Node("n", "Person", {"name": "x", "status": "planned"}), "property 'status' is not one"),
        (Node("n", "Person", {"name": "x", "quote_start": "12"}), "quote_start must be int"),
        (Node("n", "Person", {"name": "x", "quote_start": True}), "quote_start must be int"),
        (Node("n", "Person", {"name": 5}), "property 'name' has a value of the wrong type"),
        (
            Node("n", "Place", {"name": "x", "latitude": float("nan"), "longitude": 2.0}),
            "node 'n': latitude must be a finite number to be a coordinate, not nan",
        ),
    ],
)
def test_graphs_that_break_the_ontology_are_refused(node, message):
    g = Graph()
    g.add_node(node)
    for write in (write_turtle, write_ntriples):
        with pytest.raises(KGError, match=message):
            write(g, io.BytesIO())
    with pytest.raises(KGError):
        to_rdflib(g)


def test_an_unknown_relationship_type_is_refused():
    g = Graph()
    g.add_node(Node("a", "Person", {"name": "a"}))
    g.add_edge(Edge.between("a", "LOVES", "a"))
    with pytest.raises(KGError, match="type 'LOVES' is not a relationship"):
        write_turtle(g, io.BytesIO())
    with pytest.raises(KGError, match="type 'LOVES' is not a relationship"):
        to_rdflib(g)
