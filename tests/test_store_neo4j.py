"""The Neo4j store against the real server that ./scripts/test starts."""

from __future__ import annotations

import pytest

from kg.errors import StoreError
from kg.model import Edge, Graph, Node
from kg.stores.neo4j import Neo4jStore, constraint_statements

pytestmark = pytest.mark.neo4j


def test_constraints_exist_after_load(neo4j_store, sample_graph):
    neo4j_store.load(sample_graph)
    names = set(neo4j_store.constraints())
    expected = {
        f"kg_{label}_id"
        for label in ("Person", "Country", "Organisation", "Call", "Negotiation", "Article")
    }
    assert expected <= names
    assert len([n for n in names if n.startswith("kg_")]) == len(neo4j_store.ont.node_labels)


def test_constraint_statements_are_derived_from_the_ontology():
    statements = constraint_statements()
    assert (
        "CREATE CONSTRAINT kg_Call_id IF NOT EXISTS FOR (n:`Call`) REQUIRE n.id IS UNIQUE"
        in statements
    )
    assert (
        "CREATE INDEX kg_INTERACTS_WITH_id IF NOT EXISTS FOR ()-[r:`INTERACTS_WITH`]-() ON (r.id)"
        in statements
    )


def test_load_reload_and_read_back(neo4j_store, sample_graph):
    first = neo4j_store.load(sample_graph)
    assert first.nodes_created == len(sample_graph.nodes)
    assert first.edges_created == len(sample_graph.edges)
    assert neo4j_store.stats() == sample_graph.counts()
    assert neo4j_store.read_graph() == sample_graph
    again = neo4j_store.load(sample_graph)
    assert (again.changed, again.unchanged) == (0, len(sample_graph))
    assert neo4j_store.stats() == sample_graph.counts()
    assert neo4j_store.read_graph() == sample_graph


def test_a_changed_fact_is_updated_in_place(neo4j_store, sample_graph):
    neo4j_store.load(sample_graph)
    changed = Graph(dict(sample_graph.nodes), dict(sample_graph.edges))
    old = changed.nodes["marco-rubio"]
    changed.nodes["marco-rubio"] = Node(
        old.id, old.label, {**old.properties, "description": "US Secretary of State"}
    )
    report = neo4j_store.load(changed)
    assert (report.nodes_updated, report.nodes_created, report.edges_created) == (1, 0, 0)
    assert neo4j_store.read_graph() == changed


def test_a_load_failing_in_its_last_batch_writes_nothing(neo4j_config, sample_graph):
    from tests.conftest import wipe_neo4j

    wipe_neo4j(neo4j_config)
    with Neo4jStore(neo4j_config, batch_size=3) as store:
        store.load(sample_graph)
        before = store.read_graph()
        bad = Graph(dict(sample_graph.nodes), dict(sample_graph.edges))
        bad.add_node(Node("new-person", "Person", {"name": "New person"}))
        # The last relationship group's last batch points at a node that exists nowhere.
        bad.add_edge(Edge.between("new-person", "HOLDS_POSITION", "russia"))
        bad.add_edge(Edge.between("ghost", "HOLDS_POSITION", "russia"))
        with pytest.raises(StoreError, match="'ghost'"):
            store.load(bad)
        assert store.read_graph() == before


def test_a_value_neo4j_rejects_rolls_back_everything(neo4j_store, sample_graph):
    neo4j_store.load(sample_graph)
    before = neo4j_store.read_graph()
    bad = Graph()
    bad.add_node(Node("fresh", "Person", {"name": "Fresh"}))
    bad.add_node(Node("weird", "Person", {"name": "Weird", "alias": [{"nested": "map"}]}))
    with pytest.raises(StoreError):
        neo4j_store.load(bad)
    assert neo4j_store.read_graph() == before


def test_hostile_values_are_parameters(neo4j_store, sample_graph):
    neo4j_store.load(sample_graph)
    hostile = "x'}) DETACH DELETE n //`"
    result = neo4j_store.query(
        "MATCH (p:Person) WHERE p.name = $name RETURN count(p) AS n", {"name": hostile}
    )
    assert result.rows == [[0]]
    assert neo4j_store.stats() == sample_graph.counts()


def test_routing_scheme_reaches_the_same_server(neo4j_config, neo4j_store, sample_graph):
    from kg.config import Neo4jConfig

    neo4j_store.load(sample_graph)
    routed = Neo4jConfig.resolve(
        environ={},
        uri=neo4j_config.uri.replace("bolt://", "neo4j://"),
        username=neo4j_config.username,
        password=neo4j_config.password,
        database=neo4j_config.database,
    )
    with Neo4jStore(routed) as store:
        assert store.stats() == sample_graph.counts()
