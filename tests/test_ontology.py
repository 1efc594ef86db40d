"""The ontology parses, documents every term, and derives the schema the stores use."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from kg.ontology import KG, load_ontology


@pytest.fixture(scope="module")
def ont():
    return load_ontology()


def _terms(ont, kind):
    return [
        t
        for t in ont.graph.subjects(RDF.type, kind)
        if isinstance(t, URIRef) and str(t).startswith(str(KG))
    ]


@pytest.mark.parametrize(
    "kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]
)
def test_every_term_has_french_and_english_labels_and_a_comment(ont, kind):
    terms = _terms(ont, kind)
    assert terms
    for term in terms:
        langs = {o.language for o in ont.graph.objects(term, RDFS.label) if isinstance(o, Literal)}
        assert {"fr", "en"} <= langs, term
        assert any(str(c).strip() for c in ont.graph.objects(term, RDFS.comment)), term


def test_required_classes_exist_and_are_concrete(ont):
    for label in [
        "Person",
        "Country",
        "Organisation",
        "Call",
        "Negotiation",
        "Place",
        "Agreement",
        "Post",
        "Article",
    ]:
        assert label in ont.node_labels
    assert not {"Actor", "Event", "Source"} & set(ont.node_labels)


def test_actor_event_and_source_groups(ont):
    assert ont.actor_labels == ["Person", "Country", "Organisation"]
    assert ont.source_labels == ["Article", "Post", "Report", "OfficialStatement"]
    assert {"Call", "Negotiation", "Announcement", "Demand", "Ceasefire", "Conflict"} <= set(
        ont.event_labels
    )
    assert "Agreement" not in ont.event_labels


def test_cameo_codes_on_event_classes(ont):
    assert ont.classes["Call"].cameo == "041"
    assert ont.classes["Negotiation"].cameo == "046"
    assert ont.classes["Announcement"].cameo == "036"
    assert all(ont.classes[label].cameo for label in ont.event_labels)
    assert all(ont.classes[label].cameo is None for label in ont.actor_labels)


def test_alignments_to_external_vocabularies(ont):
    g = ont.graph
    assert (KG.Event, RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")) in g
    assert (KG.Person, RDFS.subClassOf, URIRef("https://schema.org/Person")) in g
    assert (KG.Actor, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Agent")) in g
    assert (KG.cites, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) in g


def test_relationship_endpoints_are_expanded_to_concrete_classes(ont):
    participant = ont.relationships["HAS_PARTICIPANT"]
    assert participant.sources == frozenset(ont.event_labels)
    assert participant.targets == frozenset({"Person", "Country", "Organisation"})
    assert ont.relationships["HOLDS_POSITION"].endpoints == [
        ("Person", "Country"),
        ("Person", "Organisation"),
    ]
    assert ont.allows("LOCATED_IN", "Place", "Country")
    assert not ont.allows("LOCATED_IN", "Country", "Place")


def test_property_types_and_cardinality(ont):
    assert ont.properties["quote_start"].datatype == "integer"
    assert ont.properties["alias"].many
    assert not ont.properties["name"].many
    assert ont.properties["status"].allowed == (
        "announced",
        "demanded",
        "hoped",
        "not_reached",
        "occurred",
        "planned",
    )
    assert ont.properties["label_fr"].language == "fr"
    assert ont.properties["wikidata"].rdf_predicate == OWL.sameAs


def test_node_and_relationship_properties(ont):
    person = [p.name for p in ont.node_properties("Person")]
    assert person[:2] == ["name", "label_fr"]
    assert "status" not in person and "position" not in person
    assert {"status", "date", "local_time", "time_zone", "cameo_code"} <= {
        p.name for p in ont.node_properties("Call")
    }
    assert [p.name for p in ont.relationship_properties("HOLDS_POSITION")][:2] == [
        "position",
        "position_fr",
    ]
    assert {"quote", "quote_start", "quote_end", "document"} <= set(
        ont.relationships["CITES"].properties
    )


def test_roles_and_derived_interaction(ont):
    assert ont.actor_role_types == ["HAS_INITIATOR", "HAS_PARTICIPANT", "HAS_TARGET"]
    assert ont.interaction_type == "INTERACTS_WITH"
    assert ont.relationships["INTERACTS_WITH"].derived
    assert {"event", "event_type", "date", "status"} <= set(
        ont.relationships["INTERACTS_WITH"].properties
    )
