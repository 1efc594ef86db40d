"""The benchmark runs end to end on a small corpus (a smoke test: no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.bench import Timed, corpus_parameters, ensure_corpus, render_table
from kg.config import Neo4jConfig
from kg.generate import MANIFEST
from kg.model import Graph
from kg.queries import list_queries

REPO = Path(__file__).resolve().parent.parent
LADYBUG_STEPS = {
    "parse",
    "load_ladybug",
    "reload_ladybug",
    "incremental_ladybug_empty",
    "incremental_ladybug",
    "raw_ladybug_files",
    "raw_ladybug",
    "export_ntriples",
    "export_turtle",
    "validate_turtle",
    "rdflib",
    "networkx_actors",
    "networkx_full",
    "queries_ladybug",
}
NEO4J_STEPS = {
    "merge_loop_neo4j",
    "raw_neo4j",
    "load_neo4j",
    "reload_neo4j",
    "queries_neo4j",
    "incremental_neo4j",
}


def test_the_corpus_is_generated_once_and_reused(tmp_path: Path) -> None:
    folder = ensure_corpus(tmp_path, 30)
    manifest = folder / MANIFEST
    stamp = manifest.stat().st_mtime_ns
    assert ensure_corpus(tmp_path, 30) == folder
    assert manifest.stat().st_mtime_ns == stamp
    (folder / json.loads(manifest.read_text(encoding="utf-8"))["files"][-1]).unlink()
    assert ensure_corpus(tmp_path, 30) == folder  # a file gone: generated again
    assert manifest.stat().st_mtime_ns != stamp


def test_timed_counts_the_source_s_time_and_elements(sample_graph: Graph) -> None:
    timed = Timed([sample_graph, Graph()])
    assert [len(g) for g in timed] == [len(sample_graph), 0]
    assert (timed.chunks, timed.nodes, timed.edges) == (
        2,
        len(sample_graph.nodes),
        len(sample_graph.edges),
    )


def test_corpus_parameters_name_ids_the_store_holds(lbug_store, sample_graph: Graph) -> None:
    lbug_store.load(sample_graph)
    params = corpus_parameters(lbug_store)
    persons = sorted(n.id for n in sample_graph.nodes.values() if n.label == "Person")
    assert params["actor_timeline"] == {"actor": persons[0]}
    assert params["shortest_path"] == {"from": persons[0], "to": persons[1]}
    assert params["negotiation"] == {"negotiation": "negotiation-istanbul-2025-05-16"}
    assert params["mediators"] == {"conflict": "russian-invasion-of-ukraine"}
    assert params["calls"] == {"status": "planned"}


@pytest.fixture
def neo4j_lent_to_the_bench(request):
    """Lend the tests' own Neo4j database to the bench, and take it back afterwards.

    The bench empties only a database that carries its marker; the tests' database carries
    theirs. Both markers are swapped around the bench run, so neither tool ever wipes data it
    does not own.
    """
    if not Neo4jConfig.configured():
        yield
        return
    import neo4j

    from kg.bench import BENCH_MARKER
    from tests.conftest import MARKER, wipe_neo4j

    config = request.getfixturevalue("neo4j_config")
    wipe_neo4j(config)
    auth = (config.username, config.password or "")
    with neo4j.GraphDatabase.driver(config.uri, auth=auth) as driver:
        driver.execute_query(f"CREATE (:{BENCH_MARKER})", database_=config.database)
    yield
    with neo4j.GraphDatabase.driver(config.uri, auth=auth) as driver:
        driver.execute_query(f"MATCH (n:{BENCH_MARKER}) DELETE n", database_=config.database)
        driver.execute_query(
            f"MERGE (:{MARKER} {{created_by: 'kg tests'}})", database_=config.database
        )
    wipe_neo4j(config)


@pytest.mark.slow
@pytest.mark.usefixtures("neo4j_lent_to_the_bench")
def test_scripts_bench_runs_every_step(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if not Neo4jConfig.configured():
        env.pop("NEO4J_URI", None)
    done = subprocess.run(
        [
            str(REPO / "scripts" / "bench"),
            "--sizes",
            "10000",
            "--repeat",
            "1",
            "--merge-sample",
            "200",
            "--rdf-sample",
            "2000",
            "--cache",
            str(tmp_path / "cache"),
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**env, "VIRTUAL_ENV": str(Path(sys.executable).parent.parent)},
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(out.read_text(encoding="utf-8"))
    steps = {s["step"]: s for s in summary["steps"]}
    assert [s for s in summary["steps"] if "failed" in s] == []
    neo4j = Neo4jConfig.configured()
    assert set(steps) == LADYBUG_STEPS | (NEO4J_STEPS if neo4j else set())
    assert steps["load_ladybug"]["created"] == steps["parse"]["elements"]
    assert steps["reload_ladybug"]["changed"] == 0
    assert steps["reload_ladybug"]["unchanged"] == steps["parse"]["elements"]
    assert steps["validate_turtle"]["triples"] == steps["export_ntriples"]["triples"]
    # The article and its three follow-ups, one load each, then the last again: no change.
    for name in ("incremental_ladybug", "incremental_ladybug_empty"):
        assert steps[name]["files"] == 4 and steps[name]["changed_again"] == 0
    assert steps["rdflib"]["turtle"]["isomorphic"] and steps["rdflib"]["ntriples"]["isomorphic"]
    assert all(s["rss_mb"] > 0 for s in summary["steps"])
    queries = steps["queries_ladybug"]["queries"]
    assert len(queries) == len(list_queries()) and all("median" in q for q in queries.values())
    if neo4j:
        assert steps["reload_neo4j"]["changed"] == 0
        assert steps["queries_neo4j"]["plan"]
        assert steps["incremental_neo4j"]["changed_again"] == 0
    else:
        assert "skipped: no Neo4j" in done.stdout
    assert done.stdout.strip() == render_table(summary).strip()
    assert "bench:" in done.stderr  # progress goes to stderr, the table to stdout
