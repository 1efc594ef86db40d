"""Shared fixtures: the sample graph, fresh embedded stores, and the real Neo4j server.

Neo4j tests need NEO4J_URI (and NEO4J_PASSWORD): ./scripts/test starts a server and exports them.
Without them the tests skip with one line saying how to run them, except under CI, where they fail.
They refuse to wipe a database that holds data they did not create.
"""

from __future__ import annotations

import os

import pytest

from kg.config import Neo4jConfig
from kg.facts import load_facts, sample_facts_path

MARKER = "KgTestMarker"  # a node the tests leave in the database they own


@pytest.fixture(scope="session")
def sample_graph():
    return load_facts(sample_facts_path())


@pytest.fixture
def lbug_path(tmp_path):
    return tmp_path / "kg.lbug"


@pytest.fixture
def lbug_store(lbug_path):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(lbug_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_config():
    if not Neo4jConfig.configured():
        message = "Neo4j tests need a server: run ./scripts/test (it starts one), or set NEO4J_URI and NEO4J_PASSWORD"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and NEO4J_URI is not: {message}")
        pytest.skip(message)
    config = Neo4jConfig.resolve()
    import neo4j

    with neo4j.GraphDatabase.driver(
        config.uri, auth=(config.username, config.password or "")
    ) as driver:
        records, _, _ = driver.execute_query(
            f"OPTIONAL MATCH (m:{MARKER}) WITH count(m) AS marked MATCH (n) RETURN marked, count(n)",
            database_=config.database,
        )
        marked, nodes = records[0] if records else (0, 0)
        if nodes and not marked:
            pytest.exit(
                f"refusing to wipe {config.uri} database {config.database!r}: it holds {nodes} nodes the tests did not create",
                3,
            )
        if not marked:
            driver.execute_query(
                f"CREATE (:{MARKER} {{created_by: 'kg tests'}})", database_=config.database
            )
    return config


def wipe_neo4j(config: Neo4jConfig) -> None:
    """Delete everything but the marker from the tests' own database."""
    import neo4j

    with neo4j.GraphDatabase.driver(
        config.uri, auth=(config.username, config.password or "")
    ) as driver:
        driver.execute_query(
            f"MATCH (n) WHERE NOT n:{MARKER} DETACH DELETE n", database_=config.database
        )


@pytest.fixture
def neo4j_store(neo4j_config):
    from kg.stores.neo4j import Neo4jStore

    wipe_neo4j(neo4j_config)
    store = Neo4jStore(neo4j_config)
    yield store
    store.close()
