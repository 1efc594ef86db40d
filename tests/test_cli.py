"""The kg command, through click's CliRunner, asserting exact output."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg import __version__
from kg.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke kg in a fresh folder with no Neo4j in the environment."""
    monkeypatch.chdir(tmp_path)
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"kg {__version__}\n"


def test_load_then_reload(run, tmp_path):
    first = run("load", "--quiet")
    assert first.exit_code == 0
    assert (
        first.output
        == "Loaded 44 nodes and 111 relationships into kg.lbug: 155 created, 0 updated, 0 unchanged.\n"
    )
    again = run("load", "--quiet", "--format", "json")
    report = json.loads(again.output)
    assert (report["nodes_created"], report["relationships_created"], report["unchanged"]) == (
        0,
        0,
        155,
    )
    assert (tmp_path / "kg.lbug").exists()


def test_stats_after_load(run):
    run("load", "--quiet")
    result = run("stats", "--format", "json")
    counts = json.loads(result.output)
    assert counts["Call"] == 5 and counts["Person"] == 6 and counts["INTERACTS_WITH"] == 11
    table = run("stats").output.splitlines()
    assert table[:3] == [
        "label or type      count",
        "-----------------  -----",
        "Agreement          2",
    ]


def test_query_calls_table(run):
    run("load", "--quiet")
    result = run("query", "calls", "-p", "status=planned")
    assert result.exit_code == 0
    assert result.output == (
        "call_id                                   callers       participants         date        local_time  time_zone  utc_time  status   sources\n"
        "----------------------------------------  ------------  -------------------  ----------  ----------  ---------  --------  -------  ----------------------------------\n"
        "call-trump-nato-members-after-2025-05-19  Donald Trump  NATO                 2025-05-19                                   planned  post-trump-truth-social-2025-05-17\n"
        "call-trump-zelenskyy-after-2025-05-19     Donald Trump  Volodymyr Zelenskyy  2025-05-19                                   planned  post-trump-truth-social-2025-05-17\n"
    )


def test_query_json_csv_and_inline_cypher(run):
    run("load", "--quiet")
    rows = json.loads(
        run("query", "upcoming_calls", "-p", "after=2025-05-18", "--format", "json").output
    )
    assert [r["call_id"] for r in rows] == [
        "call-trump-putin-2025-05-19",
        "call-trump-nato-members-after-2025-05-19",
        "call-trump-zelenskyy-after-2025-05-19",
    ]
    assert rows[0]["local_time"] == "10:00" and rows[0]["time_zone"] == "unknown"
    csv_out = run(
        "query",
        "-e",
        "MATCH (c:Call) WHERE c.status = $s RETURN c.id AS id ORDER BY id",
        "-p",
        "s=announced",
        "--format",
        "csv",
    )
    assert csv_out.output == "id\ncall-trump-putin-2025-05-19\n"


def test_query_list_names_every_library_query(run):
    from kg.queries import list_queries

    result = run("query", "--list", "--format", "json")
    listed = [row["name"] for row in json.loads(result.output)]
    assert listed == [q.name for q in list_queries()]
    assert len(listed) >= 10


def test_export_every_format(run, tmp_path):
    for suffix in ("ttl", "nt", "jsonld", "graphml", "gexf", "json"):
        result = run("export", "-o", f"out/kg.{suffix}")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "out" / f"kg.{suffix}").stat().st_size > 10_000
    result = run("export", "--format", "csv", "-o", "out/csv")
    assert result.exit_code == 0
    assert (
        (tmp_path / "out" / "csv" / "nodes_Person.csv")
        .read_text(encoding="utf-8")
        .startswith("id:ID,name:string,")
    )


def test_export_from_the_store_equals_export_from_facts(run, tmp_path):
    run("load", "--quiet")
    from_facts = run("export", "--format", "ntriples").stdout_bytes
    from_store = run("export", "--format", "ntriples", "--db", "kg.lbug").stdout_bytes
    assert sorted(from_facts.splitlines()) == sorted(from_store.splitlines())


def test_validate(run, tmp_path):
    assert run("validate").output == "1 file(s) valid: 44 nodes, 111 relationships.\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text("kg: 1\nnodes: [\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}:3: YAML error: did not find expected node content\n"


def test_schema_outputs(run):
    from kg.browser import grass
    from kg.resources import ontology_dir

    table = run("schema").output
    assert "Call               Event        041" in table
    assert re.search(r"^HAS_PARTICIPANT +any Event +any Actor$", table, re.M)
    assert run("schema", "--shacl").output == (ontology_dir() / "shapes.ttl").read_text(
        encoding="utf-8"
    )
    assert run("schema", "--grass").output == grass()
    assert (ontology_dir() / "kg.grass").read_text(encoding="utf-8") == grass()
    neo4j = run("schema", "--neo4j").output.splitlines()
    assert (
        neo4j[0]
        == "CREATE CONSTRAINT kg_Person_id IF NOT EXISTS FOR (n:`Person`) REQUIRE n.id IS UNIQUE;"
    )
    ddl = run("schema", "--ladybug").output
    assert ddl.startswith("CREATE NODE TABLE `Person`(`id` STRING PRIMARY KEY, `name` STRING,")
    labels = json.loads(run("schema", "--format", "json").output)["labels"]
    assert [entry["label"] for entry in labels][:3] == ["Person", "Country", "Organisation"]


def test_analyze_and_plot(run, tmp_path):
    result = run("analyze", "--plot", "actors.png", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert {b["actor"] for b in report["brokers"]} >= {"donald-trump", "united-states"}
    assert (tmp_path / "actors.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = run("analyze").output
    assert text.startswith("Actor network: 17 actors, 11 interactions, 15 events\n")


def test_usage_errors_exit_2_and_user_errors_exit_1(run):
    assert run("query").exit_code == 2
    assert run("export", "--format", "nope").exit_code == 2
    assert run("export", "--format", "csv").exit_code == 2
    unknown = run("query", "no_such_query")
    assert unknown.exit_code == 1
    assert unknown.output.startswith("Error: unknown query 'no_such_query'")
    missing = run("stats", "--db", "missing.lbug")
    assert (missing.exit_code, missing.output) == (
        1,
        "Error: no store at missing.lbug; run kg load first\n",
    )
    bad_param = run("query", "calls", "-p", "nope=1", "--db", "missing.lbug")
    assert (
        bad_param.output == "Error: query 'calls' has no parameter 'nope'; its parameters: status\n"
    )


def test_every_command_ends_its_help_with_an_example(run):
    for name in main.commands:
        assert "Example: kg " in run(name, "--help").output, name


def test_python_dash_m_kg_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kg", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"kg {__version__}\n")


# ------------------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_load_query_and_stats_on_neo4j_through_the_environment(neo4j_config, monkeypatch, tmp_path):
    from tests.conftest import wipe_neo4j

    wipe_neo4j(neo4j_config)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    loaded = runner.invoke(main, ["load", "--quiet"], catch_exceptions=False)
    assert loaded.exit_code == 0
    assert (
        loaded.output
        == f"Loaded 44 nodes and 111 relationships into Neo4j {neo4j_config.uri}: 155 created, 0 updated, 0 unchanged.\n"
    )
    assert json.loads(runner.invoke(main, ["stats", "--format", "json"]).output)["Call"] == 5
    rows = json.loads(runner.invoke(main, ["query", "calls", "--format", "json"]).output)
    assert len(rows) == 5
    assert neo4j_config.password not in loaded.output
    assert not (tmp_path / "kg.lbug").exists()


def _kg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"NEO4J_PASSWORD": "wrong-password"},
            "Error: Neo4j at {uri} refused the credentials of user 'neo4j'\n",
        ),
        (
            {"NEO4J_URI": "bolt://127.0.0.1:1"},
            "Error: cannot reach Neo4j at bolt://127.0.0.1:1: Couldn't connect to 127.0.0.1:1",
        ),
        (
            {"NEO4J_URI": "http://127.0.0.1:7474"},
            "Error: bad Neo4j URI 'http://127.0.0.1:7474': the scheme must be one of",
        ),
        ({"NEO4J_DATABASE": "nosuchdb"}, "Error: Neo4j at {uri} has no database 'nosuchdb'\n"),
        ({"NEO4J_URI": "{tls}"}, "Error: cannot reach Neo4j at {tls}: "),
    ],
    ids=["wrong-password", "nothing-listening", "bad-uri", "wrong-database", "tls-against-plain"],
)
def test_connection_errors_are_one_clear_line(neo4j_config, change, message):
    import os

    tls = neo4j_config.uri.replace("bolt://", "bolt+s://")
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_config.uri,
        "NEO4J_PASSWORD": neo4j_config.password or "",
    }
    env.update({k: v.format(tls=tls) for k, v in change.items()})
    result = _kg("stats", env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message.format(uri=neo4j_config.uri, tls=tls))
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert (neo4j_config.password or "") not in result.stderr


@pytest.mark.neo4j
def test_password_never_appears_in_output(neo4j_config, tmp_path):
    import os

    env = {
        **os.environ,
        "NEO4J_URI": neo4j_config.uri,
        "NEO4J_PASSWORD": neo4j_config.password or "",
    }
    outputs = []
    for args in (
        ["load"],
        ["stats", "--format", "json"],
        ["query", "calls"],
        ["export", "--format", "turtle"],
        ["load", "--format", "json"],
    ):
        result = _kg(*args, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
    assert neo4j_config.password
    assert all(neo4j_config.password not in out for out in outputs)
