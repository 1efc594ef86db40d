"""The SPARQL rows of scripts/bench: the endpoint's load and every twin, beside the Cypher figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kg.bench import Step, render_table, run_bench
from kg.queries import list_queries
from kg.sparql.bench import sparql_part


def test_scripts_bench_only_sparql_times_every_twin_beside_cypher(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.bench",
            "--only",
            "sparql",
            "--sizes",
            "200",
            "--repeat",
            "1",
            "--query-timeout",
            "120",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(out.read_text(encoding="utf-8"))
    steps = {s["step"]: s for s in summary["steps"]}
    assert set(steps) == {
        "load_ladybug",
        "queries_ladybug",
        "sparql_load",
        "sparql_baseline",
        "queries_sparql",
    }
    load, raw = steps["sparql_load"], steps["sparql_baseline"]
    assert load["quads"] > 10_000 and load["seconds"] > 0
    # The baseline: Oxigraph's own loader on the same N-Quads, written to a file beforehand.
    assert raw["bytes"] > 100 * load["quads"] and raw["seconds"] > 0 and raw["write_seconds"] > 0
    names = {q.name for q in list_queries()}
    assert (
        set(steps["queries_sparql"]["queries"]) == names == set(steps["queries_ladybug"]["queries"])
    )
    for name, query in steps["queries_sparql"]["queries"].items():
        assert query["median"] >= 0, name
        # The same question with the same parameters: the same number of rows as in Cypher.
        assert query["rows"] == steps["queries_ladybug"]["queries"][name]["rows"], name
    table = done.stdout
    row = next(line for line in table.splitlines() if "| load sparql endpoint" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:2] == ["200", "load sparql endpoint (kg store streamed into Oxigraph)"]
    assert cells[4] == f"oxigraph load of a ready file {raw['seconds']:.2f}s"
    assert cells[5] == f"{load['seconds'] / raw['seconds']:.2f}x"
    assert "queries_sparql at 200 events" in table and "queries_ladybug at 200 events" in table
    assert table.strip() == render_table(summary).strip()
    assert "FAILED" not in table


def test_no_sparql_figure_after_a_failed_load(tmp_path: Path) -> None:
    steps: list[Step] = []
    failed_load = Step(200, "load_ladybug", {"failed": "exit code 1"})
    sparql_part(steps, 200, str(tmp_path / "kg.lbug"), tmp_path, failed_load, 1, 10)
    assert [(s.name, s.result) for s in steps] == [
        ("sparql_load", {"failed": "load_ladybug failed"}),
        ("sparql_baseline", {"failed": "load_ladybug failed"}),
        ("queries_sparql", {"failed": "the SPARQL load failed"}),
    ]
    summary = run_bench([], tmp_path / "cache", tmp_path / "work", only="sparql", neo4j=False)
    summary["sizes"] = [200]
    summary["steps"] = [
        {"size": s.size, "step": s.name, "rss_mb": 0, "wall": 0, **s.result} for s in steps
    ]
    table = render_table(summary)
    assert "sparql_load: FAILED (load_ladybug failed)" in table
    assert "queries_sparql: FAILED (the SPARQL load failed)" in table
    assert "load sparql endpoint" not in table


def test_a_step_that_fails_with_a_kg_error_says_why(tmp_path: Path) -> None:
    from kg.bench import _run_step

    steps: list[Step] = []
    ctx = {"db": str(tmp_path / "none.lbug"), "folder": str(tmp_path / "sparql")}
    step = _run_step(
        "sparql_query", {**ctx, "repeat": 1, "name": "calls", "timeout": 10}, 200, steps
    )
    assert steps == [step]
    assert step.result == {"failed": f"no store at {tmp_path / 'none.lbug'}; run kg load first"}
    summary = run_bench([], tmp_path / "cache", tmp_path / "work", only="sparql", neo4j=False)
    summary["sizes"] = [200]
    summary["steps"] = [{"size": 200, "step": step.name, "rss_mb": 0, "wall": 0, **step.result}]
    assert f"sparql_query: FAILED (no store at {tmp_path / 'none.lbug'}" in render_table(summary)
