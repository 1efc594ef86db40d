"""The benchmark runs end to end on a small corpus (a smoke test: no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.bench import (
    EVENTS_PER_SOURCE,
    GDELT_FIRST_ID,
    Timed,
    corpus_parameters,
    ensure_corpus,
    ensure_gdelt,
    gdelt_sample,
    generate_gdelt,
    import_comparison,
    render_table,
    run_bench,
)
from kg.cli import main
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
IMPORT_STEPS = {"import_ladybug", "import_raw_files", "import_raw_copy_one", "import_raw_copy_each"}
IMPORT_NEO4J_STEPS = {"import_neo4j", "import_raw_neo4j"}
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


def _scripts_bench(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``scripts/bench`` with these options, its cache, work and ``bench.json`` in ``tmp_path``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
    }
    if not Neo4jConfig.configured():
        env.pop("NEO4J_URI", None)
    return subprocess.run(
        [
            str(REPO / "scripts" / "bench"),
            *options,
            *("--cache", str(tmp_path / "cache"), "--work", str(tmp_path / "work")),
            *("--json", str(tmp_path / "bench.json")),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.usefixtures("neo4j_lent_to_the_bench")
def test_scripts_bench_runs_every_step(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = _scripts_bench(
        tmp_path,
        *("--sizes", "10000", "--repeat", "1", "--merge-sample", "200", "--rdf-sample", "2000"),
        *("--only", "facts"),  # the imports have a test of their own, at small sizes
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


def test_the_gdelt_file_is_deterministic_and_consistent(tmp_path: Path) -> None:
    sample, _ = gdelt_sample()
    first, again, other = (tmp_path / name for name in ("a.tsv", "b.tsv", "c.tsv"))
    made = generate_gdelt(2000, 1, sample, first)
    generate_gdelt(2000, 1, sample, again)
    generate_gdelt(2000, 2, sample, other)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    real = {tuple(line.split("\t")[5:56]) for line in sample.read_text().splitlines()}
    rows = [line.split("\t") for line in first.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == made["rows"] == 2000 and {len(row) for row in rows} == {58}
    assert [int(row[0]) for row in rows] == list(range(GDELT_FIRST_ID, GDELT_FIRST_ID + 2000))
    assert all(tuple(row[5:56]) in real for row in rows)  # actors, event, places: a real row's
    dates = [row[1] for row in rows]
    assert dates == sorted(dates) and dates[0] >= "20250101" and dates[-1] <= "20251231"
    assert len(set(dates)) > 300  # spread over the year
    for row in rows:
        day = row[1]
        month, date = int(day[4:6]), int(day[6:])
        assert (row[2], row[3], row[56]) == (day[:6], day[:4], day)
        assert row[4] == f"{2025 + ((month - 1) * 30 + date) / 365:.4f}"
    sources = {row[57] for row in rows}
    assert len(sources) == made["sources"]
    assert len(sources) >= 2000 / EVENTS_PER_SOURCE  # a source carries a few events, of a day
    assert all(len({row[1] for row in rows if row[57] == url}) == 1 for url in list(sources)[:50])


def test_the_gdelt_file_is_cached_and_imports(tmp_path: Path) -> None:
    path, manifest = ensure_gdelt(tmp_path, 1000)
    stamp = path.stat().st_mtime_ns
    assert ensure_gdelt(tmp_path, 1000)[0] == path and path.stat().st_mtime_ns == stamp
    result = CliRunner().invoke(
        main, ["import", "gdelt", str(path), "--db", str(tmp_path / "kg.lbug"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["rows"], report["events"], report["rejected"]) == (1000, 1000, 0)
    assert report["documents"] >= manifest["sources"]  # a source per URL (and the file's own)


def _import_summary(steps: list[dict]) -> dict:
    return {"steps": [{"size": 10, "rss_mb": 900, **s} for s in steps], "neo4j": True}


def test_the_import_is_held_to_the_copy_committed_as_kg_committed() -> None:
    steps = [
        {"step": "import_ladybug", "seconds": 6.0, "rows": 10, "elements": 50, "commit": "each"},
        {"step": "import_raw_files", "elements": 50},
        {"step": "import_raw_copy_one", "seconds": 1.0, "checkpoint_seconds": 0.0},
        {"step": "import_raw_copy_each", "seconds": 2.5, "checkpoint_seconds": 0.5},
        {"step": "import_neo4j", "seconds": 10.0, "rows": 10, "elements": 50},
        {"step": "import_raw_neo4j", "seconds": 4.0, "elements": 50},
    ]
    figures = import_comparison(_import_summary(steps), 10)
    lbug, neo = figures["ladybug"], figures["neo4j"]
    assert (lbug["baseline"], lbug["baseline_seconds"], lbug["ratio"]) == (
        "import_raw_copy_each",
        3.0,
        2.0,
    )
    assert lbug["met"] and lbug["rss_met"]
    assert (neo["ratio"], neo["met"]) == (0.4, False)
    steps[0]["commit"] = "one"
    assert import_comparison(_import_summary(steps), 10)["ladybug"]["ratio"] == 6.0


@pytest.mark.usefixtures("neo4j_lent_to_the_bench")
def test_a_failed_import_is_reported_and_gives_no_figures(tmp_path: Path) -> None:
    path, _ = ensure_gdelt(tmp_path / "cache", 300)
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"x" + lines[2][1:]  # an event id that is not digits, the file's size kept
    path.write_bytes(b"\n".join(lines))
    neo4j = Neo4jConfig.configured()
    summary = run_bench([], tmp_path / "cache", tmp_path / "work", import_sizes=[300], neo4j=neo4j)
    steps = {s["step"]: s for s in summary["steps"]}
    assert set(steps) == IMPORT_STEPS | (IMPORT_NEO4J_STEPS if neo4j else set())
    assert ":3: column GLOBALEVENTID" in steps["import_ladybug"]["failed"]  # kg's own message
    for name in ("import_raw_files", "import_raw_copy_one", "import_raw_copy_each"):
        assert steps[name] == {"size": 300, "step": name, "rss_mb": 0, "wall": 0.0} | {
            "failed": "import_ladybug failed"
            if name == "import_raw_files"
            else "import_raw_files failed"
        }
    assert summary["imports"] == [{"rows": 300}]  # no figure at all
    table = render_table(summary)
    assert "import_ladybug: FAILED (kg import: " in table
    assert "| 300 | import_raw_copy_one: FAILED (import_raw_files failed) |" in table
    assert "raw COPY" not in table and "x (" not in table
    if neo4j:
        assert steps["import_raw_neo4j"]["failed"] == "import_ladybug failed"
        assert "failed" in steps["import_neo4j"]


@pytest.mark.slow
@pytest.mark.usefixtures("neo4j_lent_to_the_bench")
def test_scripts_bench_measures_the_imports_against_their_baselines(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = _scripts_bench(tmp_path, "--only", "import", "--import-sizes", "1000")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(out.read_text(encoding="utf-8"))
    neo4j = Neo4jConfig.configured()
    steps = {s["step"]: s for s in summary["steps"]}
    assert set(steps) == IMPORT_STEPS | (IMPORT_NEO4J_STEPS if neo4j else set())
    assert [s for s in summary["steps"] if "failed" in s] == []
    assert summary["sizes"] == [] and summary["import_sizes"] == [1000]
    assert steps["import_ladybug"]["rows"] == 1000
    assert steps["import_ladybug"]["elements"] == steps["import_raw_files"]["elements"]
    [figures] = summary["imports"]
    lbug = figures["ladybug"]
    assert (lbug["commit"], lbug["baseline"]) == ("one", "import_raw_copy_one")
    assert lbug["ratio"] == steps["import_ladybug"]["seconds"] / lbug["baseline_seconds"]
    assert "| 1,000 | import ladybug (kg import gdelt --db) |" in done.stdout
    assert "| 1,000 |   raw COPY (one tx) |" in done.stdout
    assert "| 1,000 |   raw COPY (commit per COPY) |" in done.stdout
    assert "(<= 2x: " in done.stdout and "(< 2 GB: " in done.stdout
    if neo4j:
        assert figures["neo4j"]["baseline"] == "import_raw_neo4j"
        assert steps["import_neo4j"]["elements"] == steps["import_ladybug"]["elements"]
        assert "(>= 0.5x: " in done.stdout and "|   raw CREATE (server time) |" in done.stdout
    else:
        assert "skipped: no Neo4j" in done.stdout
    assert f"real rows of {gdelt_sample()[1]}" in done.stdout
    assert done.stdout.strip() == render_table(summary).strip()


def test_no_figure_is_taken_on_a_store_whose_load_failed(tmp_path: Path) -> None:
    folder = ensure_corpus(tmp_path / "cache", 200)
    facts = sorted(folder.glob("*.facts.yaml"))[-1]
    facts.write_text(facts.read_text(encoding="utf-8") + "\n  - oops: [\n", encoding="utf-8")
    summary = run_bench([200], tmp_path / "cache", tmp_path / "work", repeat=1, neo4j=False)
    steps = {s["step"]: s for s in summary["steps"]}
    assert set(steps) == LADYBUG_STEPS
    assert "failed" in steps["load_ladybug"]
    # Every step that reads the store load_ladybug made is FAILED, without a figure.
    measured = {"parse", "load_ladybug", "incremental_ladybug_empty"}
    for name in LADYBUG_STEPS - measured:
        assert "failed" in steps[name], name
        assert set(steps[name]) == {"size", "step", "rss_mb", "wall", "failed"}, name
    assert "queries" not in steps["queries_ladybug"]
    table = render_table(summary)
    assert "queries ladybug" not in table
    assert "queries_ladybug: FAILED (the corpus load failed)" in table
