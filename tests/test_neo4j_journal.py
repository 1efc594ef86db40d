"""Journaled Neo4j loads (``commit_every``): batches committed one by one, undone when the load fails.

Against the real server that ./scripts/test starts. The article is loaded with a tiny
``commit_every`` and one row per statement, so a load of it is a dozen commits: failures happen
after some of them, and a real ``kill -9`` finds the journal half written.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Neo4jConfig
from kg.errors import FactsError, StoreError
from kg.model import Edge, Graph, Node
from kg.ontology import load_ontology
from kg.stores.neo4j import JOURNAL_LABEL, JOURNAL_RECORD_LABEL, JOURNAL_TIMEOUT, Neo4jStore
from tests.conftest import wipe_neo4j

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
EVERY = 20  # elements per commit: the article's 155 make about eight


def journal_nodes(store: Neo4jStore) -> int:
    query = f"MATCH (j:{JOURNAL_LABEL}|{JOURNAL_RECORD_LABEL}) RETURN count(j)"
    return int(store.query(query).rows[0][0])


def split(graph: Graph) -> list[Graph]:
    """The graph as two chunks: half the nodes; the other half and every relationship."""
    ids = sorted(graph.nodes)
    half = len(ids) // 2
    first = Graph({i: graph.nodes[i] for i in ids[:half]})
    second = Graph({i: graph.nodes[i] for i in ids[half:]}, dict(graph.edges))
    return [first, second]


def older(graph: Graph) -> Graph:
    """A different graph the database may hold before the article is loaded.

    Two of the article's nodes and one of its relationships with other properties (the load
    changes them), part of the rest, and a node and a relationship of its own (left alone).
    """
    nodes = {k: n for i, (k, n) in enumerate(sorted(graph.nodes.items())) if i % 2 == 0}
    for node_id in ("marco-rubio", "russia"):
        node = graph.nodes[node_id]
        nodes[node_id] = Node(node.id, node.label, {**node.properties, "name": f"old {node.name}"})
    nodes["someone-else"] = Node("someone-else", "Person", {"name": "Someone Else"})
    edges = {
        k: e
        for k, e in graph.edges.items()
        if e.source in nodes and e.target in nodes and len(e.properties) > 0
    }
    changed = sorted(edges)[0]
    edge = edges[changed]
    edges[changed] = Edge(
        edge.id, edge.type, edge.source, edge.target, {**edge.properties, "note": "older"}
    )
    extra = Edge.between("someone-else", "HOLDS_POSITION", "russia", {"position": "Envoy"})
    edges[extra.id] = extra
    return Graph(nodes, edges)


@pytest.fixture
def store(neo4j_config) -> Iterator[Neo4jStore]:
    """A store that writes one row per statement, on an empty database."""
    wipe_neo4j(neo4j_config)
    with Neo4jStore(neo4j_config, batch_size=1) as store:
        yield store


def test_the_journal_labels_are_not_the_ontologys():
    ont = load_ontology()
    for label in (JOURNAL_LABEL, JOURNAL_RECORD_LABEL):
        assert label not in ont.classes and label not in ont.node_labels


def test_a_journaled_load_lands_whole_and_leaves_no_journal(store, sample_graph):
    first = store.load_chunks(split(sample_graph), commit_every=EVERY)
    assert (first.nodes_created, first.edges_created) == (44, 111)
    assert (first.nodes_updated, first.edges_updated, first.unchanged) == (0, 0, 0)
    assert (first.commit_every, first.recovered) == (EVERY, [])
    assert first.commits >= len(sample_graph) // EVERY
    assert store.read_graph() == sample_graph
    assert store.stats() == sample_graph.counts()
    assert journal_nodes(store) == 0
    again = store.load_chunks(iter(split(sample_graph)), commit_every=EVERY)
    assert (again.changed, again.unchanged) == (0, len(sample_graph))
    assert store.read_graph() == sample_graph
    assert journal_nodes(store) == 0


def test_a_journaled_load_updates_in_place(store, sample_graph):
    old = older(sample_graph)
    store.load(old)
    report = store.load_chunks(split(sample_graph), commit_every=EVERY)
    assert (report.nodes_updated, report.edges_updated) == (2, 1)
    expected = Graph(dict(sample_graph.nodes), dict(sample_graph.edges))
    expected.nodes["someone-else"] = old.nodes["someone-else"]
    extra = "someone-else|HOLDS_POSITION|russia"
    expected.edges[extra] = old.edges[extra]
    assert store.read_graph() == expected


class Boom(Exception):
    pass


FAILURES = {
    "invalid facts in a later file": (
        FactsError("bad date", path="later.facts.yaml", line=3),
        "later.facts.yaml:3: bad date",
    ),
    "a bug in the reader": (
        Boom("reader broke"),
        "the load failed and was undone, nothing was written: Boom: reader broke",
    ),
    "Ctrl-C": (KeyboardInterrupt(), "the load was interrupted and undone: nothing was written"),
}


@pytest.mark.parametrize("failure", [*FAILURES, "a value Neo4j refuses"])
def test_a_failure_after_commits_undoes_them(store, sample_graph, failure):
    store.load(older(sample_graph))
    before, counts = store.read_graph(), store.stats()
    seen = {}

    def chunks() -> Iterator[Graph]:
        yield from split(sample_graph)
        # Part of the load is committed, the old properties already replaced.
        seen["records"] = store.query(f"MATCH (b:{JOURNAL_RECORD_LABEL}) RETURN count(b)").rows[0][
            0
        ]
        seen["name"] = store.query("MATCH (p:Person {id: 'marco-rubio'}) RETURN p.name").rows[0][0]
        if failure in FAILURES:
            raise FAILURES[failure][0]
        yield Graph({"weird": Node("weird", "Person", {"name": "W", "alias": [{"a": "map"}]})})

    expected = FAILURES[failure][1] if failure in FAILURES else "Neo4j rejected the load"
    kind = FactsError if failure == "invalid facts in a later file" else StoreError
    with pytest.raises(kind) as raised:
        store.load_chunks(chunks(), commit_every=EVERY)
    assert str(raised.value).startswith(expected)
    assert seen["records"] > 2
    assert seen["name"] == sample_graph.nodes["marco-rubio"].name
    assert store.read_graph() == before
    assert store.stats() == counts
    assert journal_nodes(store) == 0


def test_a_live_journaled_load_makes_other_loads_wait(neo4j_config, store, sample_graph):
    refused = []

    def chunks() -> Iterator[Graph]:
        first, second = split(sample_graph)
        yield first
        with Neo4jStore(neo4j_config) as other:
            for commit_every in (None, 5):
                with pytest.raises(StoreError) as raised:
                    other.load_chunks([sample_graph], commit_every=commit_every)
                refused.append(str(raised.value))
        yield second

    report = store.load_chunks(chunks(), commit_every=EVERY)
    assert report.changed == len(sample_graph)
    assert store.read_graph() == sample_graph
    host = socket.gethostname()
    assert len(refused) == 2
    for message in refused:
        assert message.startswith(
            f"a load by process {os.getpid()} on host {host} is in progress (started "
        )
        assert message.endswith(
            "wait for it to end; if that process is gone, the first load after 10 minutes "
            "without a sign of life undoes it"
        )


# ------------------------------------------------------------------------------------------ kill -9

# A journaled load that stops between its chunks, once part of it is committed, until a signal.
HALTED_LOAD = textwrap.dedent(
    """
    import sys
    from kg.config import Neo4jConfig
    from kg.facts import load_facts, sample_facts_path
    from kg.stores.neo4j import Neo4jStore
    from tests.test_neo4j_journal import EVERY, split

    def chunks():
        yield from split(load_facts(sample_facts_path()))
        print("committed part of the load", flush=True)
        sys.stdin.read()  # until a signal comes

    with Neo4jStore(Neo4jConfig.resolve(), batch_size=1) as store:
        store.load_chunks(chunks(), commit_every=EVERY)
    """
)


def signal_a_journaled_load(config: Neo4jConfig, signum: int) -> tuple[int, int, str]:
    """Start a journaled load in another process, send it a signal half way; its pid, exit
    status and stderr.

    The process finds the server where ``neo4j_config`` found it: in the environment.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", HALTED_LOAD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "committed part of the load\n", proc.communicate(timeout=60)[1][-2000:]
        with Neo4jStore(config) as store:
            records = f"MATCH (b:{JOURNAL_RECORD_LABEL}) RETURN count(b)"
            assert store.query(records).rows[0][0] > 2
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    return proc.pid, proc.returncode, err


def kill_a_journaled_load(config: Neo4jConfig) -> int:
    """kill -9 a journaled load half way; its pid."""
    pid, status, _ = signal_a_journaled_load(config, signal.SIGKILL)
    assert status == -signal.SIGKILL
    return pid


def test_ctrl_c_undoes_a_journaled_load(neo4j_config, store, sample_graph):
    store.load(older(sample_graph))
    before = store.read_graph()
    _, status, err = signal_a_journaled_load(neo4j_config, signal.SIGINT)
    assert status == 1
    assert err.endswith(
        "kg.errors.StoreError: the load was interrupted and undone: nothing was written\n"
    )
    assert store.read_graph() == before
    assert journal_nodes(store) == 0


def test_a_killed_load_is_undone_by_the_next_load(neo4j_config, store, sample_graph, tmp_path):
    store.load(older(sample_graph))
    before = store.read_graph()
    pid = kill_a_journaled_load(neo4j_config)
    assert store.read_graph() != before  # the killed load left part of itself
    (journal,) = store.query(f"MATCH (j:{JOURNAL_LABEL}) RETURN j.state, j.pid").rows
    assert journal == ["writing", pid]

    # A load of nothing: the recovery alone, which puts back exactly what was there.
    report = store.load_chunks([Graph()])
    (recovery,) = report.recovered
    assert (recovery.pid, recovery.host, recovery.landed) == (pid, socket.gethostname(), False)
    assert recovery.undone > 2 * EVERY
    assert store.read_graph() == before
    assert journal_nodes(store) == 0

    # kg load recovers, says so, and lands whole.
    kill_a_journaled_load(neo4j_config)
    result = subprocess.run(
        [sys.executable, "-m", "kg", "load", "--commit-every", str(EVERY)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"Undid an interrupted load of \d+ elements \(process \d+ on host .+, started .+\)\.\n",
        result.stderr,
    )
    assert result.stdout.startswith("Loaded 44 nodes and 111 relationships into Neo4j ")
    expected = Graph(dict(before.nodes), dict(before.edges))
    expected.nodes.update(sample_graph.nodes)
    expected.edges.update(sample_graph.edges)
    assert store.read_graph() == expected
    assert journal_nodes(store) == 0


def test_a_journal_of_another_host_is_undone_once_it_is_silent(neo4j_config, store, sample_graph):
    store.load(older(sample_graph))
    before = store.read_graph()
    kill_a_journaled_load(neo4j_config)
    # As if the killed load had run on another machine, and had just committed.
    store.query(
        f"MATCH (j:{JOURNAL_LABEL}) SET j.host = 'elsewhere', j.pid = 1, "
        "j.heartbeat = toString(datetime())"
    )
    with pytest.raises(StoreError, match=r"^a load by process 1 on host elsewhere is in progress"):
        store.load(sample_graph)
    assert journal_nodes(store) > 0
    silent = JOURNAL_TIMEOUT + 60
    store.query(
        f"MATCH (j:{JOURNAL_LABEL}) SET j.heartbeat = toString(datetime() - duration({{seconds: $s}}))",
        {"s": silent},
    )
    report = store.load_chunks([Graph()])
    (recovery,) = report.recovered
    assert (recovery.host, recovery.pid, recovery.landed) == ("elsewhere", 1, False)
    assert recovery.describe().startswith(
        f"undid an interrupted load of {recovery.undone} elements"
    )
    assert store.read_graph() == before
    assert journal_nodes(store) == 0


def test_an_interrupted_undo_goes_on_and_a_sealed_journal_is_removed(
    neo4j_config, store, sample_graph
):
    store.load(older(sample_graph))
    before = store.read_graph()
    pid = kill_a_journaled_load(neo4j_config)
    # As if the killed load had been found by a process that was killed in turn as it undid it.
    store.query(f"MATCH (j:{JOURNAL_LABEL}) SET j.state = 'undoing'")
    (recovery,) = store.load_chunks([Graph()]).recovered
    assert (recovery.pid, recovery.landed) == (pid, False)
    assert store.read_graph() == before
    assert journal_nodes(store) == 0

    # A load that committed its last batch (sealing) but died deleting its journal: it landed.
    kill_a_journaled_load(neo4j_config)
    store.query(f"MATCH (j:{JOURNAL_LABEL}) SET j.state = 'sealing' REMOVE j.slot")
    landed = store.read_graph()
    (recovery,) = store.load_chunks([Graph()]).recovered
    assert (recovery.landed, recovery.undone) == (True, 0)
    assert recovery.describe().startswith("removed the journal of a load that had landed")
    assert store.read_graph() == landed
    assert journal_nodes(store) == 0


# ------------------------------------------------------------------------------------------ kg load


@pytest.fixture
def run(neo4j_config, tmp_path, monkeypatch):
    """kg in a fresh folder, on the empty Neo4j database the environment names."""
    wipe_neo4j(neo4j_config)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_kg_load_commit_every(run, neo4j_config):
    result = run("load", "--quiet", "--commit-every", str(EVERY), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["nodes_created"], report["relationships_created"]) == (44, 111)
    assert (report["commit_every"], report["note"], report["recovered"]) == (EVERY, None, [])
    again = run("load", "--quiet", "--commit-every", "0", "--format", "json")
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["commit_every"]) == (155, None)
    text = run("load", "--quiet", "--commit-every", str(EVERY))
    assert text.output == (
        f"Loaded 44 nodes and 111 relationships into Neo4j {neo4j_config.uri}: "
        "0 created, 0 updated, 155 unchanged.\n"
    )


def test_kg_load_commits_large_facts_in_batches_by_itself(run, monkeypatch):
    import kg.cli

    monkeypatch.setattr(kg.cli, "JOURNAL_ABOVE", 1000)
    result = run("load", "--quiet", "--format", "json")
    report = json.loads(result.stdout)
    assert report["commit_every"] == 100_000
    from kg.facts import sample_facts_path

    size = sample_facts_path().stat().st_size
    assert report["note"] == (
        f"{size / 2**20:.0f} MiB of facts: loading in journaled batches of about 100,000 "
        "elements (a failed load is undone; --commit-every 0 for one transaction)"
    )
    assert report["relationships_created"] == 111
    text = run("load", "--quiet")
    assert text.stderr == f"Note: {report['note']}.\n"
    one = run("load", "--quiet", "--commit-every", "0", "--format", "json")
    assert (json.loads(one.stdout)["commit_every"], one.stderr) == (None, "")


def test_commit_every_is_for_neo4j_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["load", "--db", "kg.lbug", "--commit-every", "5"])
    assert result.exit_code == 2
    assert "Error: --commit-every is for Neo4j (--uri or NEO4J_URI)" in result.output
