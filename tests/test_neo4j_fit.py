"""Loads that fit the Neo4j server they talk to: one transaction, or journaled batches by themselves.

Against a server of their own, started by scripts/neo4j with a transaction memory limit of
10 MiB (KG_NEO4J_TX_MEMORY), since Neo4j Community cannot change the limit at runtime. The suite's
server (conftest) must be configured too: without it these tests skip, and under CI they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Neo4jConfig
from kg.model import Edge, Graph, Node
from kg.stores.neo4j import JOURNAL_LABEL, Neo4jStore, transaction_bytes

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 10 * 2**20


@pytest.fixture(scope="module")
def small_server(neo4j_config, tmp_path_factory) -> Iterator[dict[str, str]]:
    """The NEO4J_* variables of a server whose transactions may use 10 MiB in all."""
    data = tmp_path_factory.mktemp("neo4j-small")
    env = {**os.environ, "KG_NEO4J_TX_MEMORY": "10m"}
    script = str(ROOT / "scripts" / "neo4j")
    started = subprocess.run(
        [script, "start", "--data", str(data)], env=env, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr[-2000:]
    lines = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    try:
        yield lines
    finally:
        subprocess.run([script, "stop", "--data", str(data)], env=env, capture_output=True)


@pytest.fixture
def store(small_server) -> Iterator[Neo4jStore]:
    config = Neo4jConfig.resolve(
        uri=small_server["NEO4J_URI"],
        username=small_server["NEO4J_USERNAME"],
        password=small_server["NEO4J_PASSWORD"],
    )
    with Neo4jStore(config) as store:
        with store.driver.session() as session:
            # The module's own server: everything in it is the tests'. Relationships go
            # first, in small batches: detaching a country with thousands of them in one
            # batch needs more than the 10 MiB this server allows a transaction.
            session.run(
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 500 ROWS"
            ).consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 500 ROWS").consume()
        yield store


def calls(n: int) -> Graph:
    """``n`` calls, each with its caller: 3n elements."""
    graph = Graph()
    for i in range(n):
        graph.nodes[f"p{i}"] = Node(f"p{i}", "Person", {"name": f"Person number {i}"})
        graph.nodes[f"c{i}"] = Node(f"c{i}", "Call", {"name": f"Call {i}"})
        edge = Edge.between(f"c{i}", "HAS_INITIATOR", f"p{i}", {"note": "n" * 50})
        graph.edges[edge.id] = edge
    return graph


def test_the_limit_is_read_from_the_server(store):
    assert store.transaction_memory() == LIMIT


def test_a_load_that_fits_goes_in_one_transaction(store, sample_graph):
    assert transaction_bytes(sample_graph) < LIMIT * 0.8
    report = store.load(sample_graph)
    assert (report.commits, report.commit_every, report.note) == (1, None, None)
    assert store.read_graph() == sample_graph


def test_a_load_too_big_lands_whole_in_journaled_batches(store):
    graph = calls(3000)
    assert transaction_bytes(graph) > LIMIT
    report = store.load(graph)
    assert report.note is not None and "\n" not in report.note
    assert report.note.startswith("the load needs about 17 MiB of transaction memory, the server")
    assert report.note.endswith(f"journaled batches of about {report.commit_every:,} elements")
    assert report.commits > 1 and (report.nodes_created, report.edges_created) == (6000, 3000)
    assert store.read_graph() == graph
    assert store.query(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j)").rows == [[0]]
    again = store.load(graph)
    assert (again.changed, again.unchanged) == (0, len(graph))
    assert store.read_graph() == graph


def test_a_stream_too_big_is_read_again_in_journaled_batches(store):
    graph = calls(3000)
    chunks = [Graph(dict(list(graph.nodes.items())[i : i + 1000])) for i in range(0, 6000, 1000)]
    chunks.append(Graph({}, dict(graph.edges)))
    report = store.load_chunks(iter(chunks))
    assert report.note is not None and report.note.startswith("the load needs more than")
    assert store.read_graph() == graph


def test_a_refusal_for_memory_falls_back_to_journaled_batches(store, small_server):
    graph = calls(3000)
    config = store.config
    # A store told the server allows 1 GiB tries one transaction; Neo4j refuses it.
    with Neo4jStore(config, tx_memory=2**30) as trusting:
        report = trusting.load(graph)
    assert report.note == (
        "Neo4j refused the load in one transaction (limit 10.0 MiB): loaded in journaled "
        f"batches of about {report.commit_every:,} elements"
    )
    assert store.read_graph() == graph


def test_the_user_can_still_ask_for_one_transaction(store):
    from kg.errors import StoreError

    with pytest.raises(StoreError, match=r"threshold reached.*commit it in journaled batches"):
        store.load_chunks([calls(3000)], commit_every=0)
    assert store.stats() == {}


def test_kg_load_says_so_on_stderr_and_in_json(store, small_server, tmp_path):
    corpus = tmp_path / "corpus"
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "--events", "700", "-o", str(corpus)]).exit_code == 0
    env = dict(small_server)
    args = ["load", str(corpus), "--uri", env["NEO4J_URI"], "--quiet"]
    text = runner.invoke(main, args, env=env)
    assert text.exit_code == 0, text.output
    assert text.stderr.startswith("Note: the load needs about ")
    assert text.stderr.count("\n") == 1 and "journaled batches of about" in text.stderr
    again = runner.invoke(main, [*args, "--format", "json"], env=env)
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["note"].startswith("the load needs about ")
    assert (
        summary["commit_every"] > 0
        and summary["unchanged"] == summary["nodes"] + summary["relationships"]
    )
    assert again.stderr == ""


def test_kg_import_too_big_for_one_transaction_lands_whole_in_batches(store, small_server):
    from kg.resources import events_dir

    runner = CliRunner()
    env = dict(small_server)
    args = ["import", "icews", str(events_dir() / "icews-events-2018-06-01.tab")]
    args += ["--uri", env["NEO4J_URI"], "--format", "json"]
    done = runner.invoke(main, args, env=env)
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["events"] == 2359
    assert "the server allows 10 MiB: loaded in journaled batches" in summary["note"]
    created = summary["nodes_created"] + summary["relationships_created"]
    assert created > 20_000
    assert sum(store.stats().values()) == created
    again = runner.invoke(main, args, env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["nodes_created"] == 0
    assert sum(store.stats().values()) == created
