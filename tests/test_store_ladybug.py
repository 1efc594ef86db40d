"""The embedded LadybugDB store, against a real database in a temporary folder."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ladybug
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.errors import QueryError, StoreError
from kg.facts import load_facts, sample_facts_path
from kg.model import Edge, Graph, Node
from kg.ontology import load_ontology
from kg.stores import open_store
from kg.stores.ladybug import LadybugStore, schema_statements

HOSTILE = "x'}) DETACH DELETE n //"
REPO = Path(kg.__file__).resolve().parent.parent

# Written independently of the module under test: the engine's name for each ontology datatype.
ENGINE_TYPE = {"string": "STRING", "integer": "INT64", "boolean": "BOOL", "double": "DOUBLE"}


@pytest.fixture(scope="module")
def sample() -> Graph:
    return load_facts(sample_facts_path())


@pytest.fixture
def graph(sample: Graph) -> Graph:
    """A copy of the sample that a test may change."""
    return copy.deepcopy(sample)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "kg.lbug"


@pytest.fixture
def store(path: Path) -> Iterator[LadybugStore]:
    with LadybugStore(path) as s:
        yield s


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, sample: Graph) -> Path:
    """A store holding the sample, loaded once; tests get a copy of its file."""
    path = tmp_path_factory.mktemp("pristine") / "kg.lbug"
    with LadybugStore(path) as store:
        store.load(sample)
    return path


@pytest.fixture
def loaded(pristine: Path, path: Path) -> Iterator[LadybugStore]:
    for file in pristine.parent.iterdir():
        shutil.copy(file, path.parent / file.name)
    with LadybugStore(path) as store:
        yield store


def pairs(rows: list[list[object]]) -> set[tuple[object, object]]:
    return {(row[0], row[1]) for row in rows}


# -- schema ------------------------------------------------------------------------------------------


def test_every_label_and_type_has_its_table(store: LadybugStore) -> None:
    ont = load_ontology()
    tables = store.query("CALL show_tables() RETURN name, type").rows
    assert {name for name, kind in tables if kind == "NODE"} == set(ont.node_labels)
    assert {name for name, kind in tables if kind == "REL"} == set(ont.relationships)


def test_node_tables_have_the_ontology_columns(store: LadybugStore) -> None:
    ont = load_ontology()
    for label in ont.node_labels:
        columns = store.query(f"CALL table_info('{label}') RETURN name, type, `primary key`").rows
        expected = [["id", "STRING", True]] + [
            [p.name, ENGINE_TYPE[p.datatype] + ("[]" if p.many else ""), False]
            for p in ont.node_properties(label)
        ]
        assert columns == expected, label
    person = dict(pairs(store.query("CALL table_info('Person') RETURN name, type").rows))
    assert person["alias"] == "STRING[]"
    assert person["quote_start"] == "INT64"


def test_rel_tables_have_the_exact_endpoint_pairs_and_columns(store: LadybugStore) -> None:
    ont = load_ontology()
    for rtype, rel in ont.relationships.items():
        connections = store.query(f"CALL show_connection('{rtype}') RETURN *").rows
        assert pairs(connections) == set(rel.endpoints), rtype
        columns = store.query(f"CALL table_info('{rtype}') RETURN name, type").rows
        expected = [["id", "STRING"]] + [
            [p.name, ENGINE_TYPE[p.datatype] + ("[]" if p.many else "")]
            for p in ont.relationship_properties(rtype)
        ]
        assert columns == expected, rtype
    located = store.query("CALL show_connection('LOCATED_IN') RETURN *").rows
    assert pairs(located) == {("Place", "Country")}


def test_schema_statements_and_idempotent_ensure_schema(store: LadybugStore, path: Path) -> None:
    ont = load_ontology()
    statements = store.schema_statements()
    assert statements == schema_statements(ont)
    assert len(statements) == len(ont.node_labels) + len(ont.relationships)
    assert statements[0].startswith("CREATE NODE TABLE `Person`(`id` STRING PRIMARY KEY")
    assert store.ensure_schema() == []
    store.close()
    with LadybugStore(path) as again:
        assert again.ensure_schema() == []


def test_an_older_store_is_completed_and_read_only_reads_what_it_has(path: Path) -> None:
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Person(id STRING PRIMARY KEY, name STRING)")
    conn.execute("CREATE (:Person {id: 'ada', name: 'Ada'})")
    conn.close()
    db.close()

    with LadybugStore(path, read_only=True) as reader:
        assert reader.ensure_schema() == []
        assert reader.query("CALL show_tables() RETURN name").rows == [["Person"]]
        assert reader.stats() == {"Person": 1}
        assert reader.read_graph() == Graph({"ada": Node("ada", "Person", {"name": "Ada"})})
        with pytest.raises(QueryError, match="Country does not exist"):
            reader.query("MATCH (c:Country) RETURN c.id")

    ont = load_ontology()
    with LadybugStore(path) as writer:
        # Person gained its columns; every other table was created.
        assert sorted(writer.query("CALL show_tables() RETURN name").rows) == sorted(
            [[name] for name in [*ont.node_labels, *ont.relationships]]
        )
        writer.load(Graph({"ada": Node("ada", "Person", {"name": "Ada", "alias": ["A"]})}))
        assert writer.read_graph().nodes["ada"].properties == {"name": "Ada", "alias": ["A"]}


def test_a_column_of_another_type_is_refused(path: Path) -> None:
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Person(id STRING PRIMARY KEY, quote_start STRING)")
    conn.close()
    db.close()
    with pytest.raises(StoreError, match=r"Person\.quote_start is STRING in the store but INT64"):
        LadybugStore(path)


# -- loading -----------------------------------------------------------------------------------------


def test_load_then_stats_and_read_back(store: LadybugStore, sample: Graph) -> None:
    report = store.load(sample)
    assert (report.nodes_created, report.edges_created) == (len(sample.nodes), len(sample.edges))
    assert (report.nodes_updated, report.edges_updated, report.unchanged) == (0, 0, 0)
    assert store.stats() == sample.counts()
    assert list(store.stats()) == list(sample.counts())
    assert store.read_graph() == sample


def test_loading_again_changes_nothing(loaded: LadybugStore, sample: Graph, path: Path) -> None:
    report = loaded.load(sample)
    assert report.changed == 0
    assert report.unchanged == len(sample)
    assert loaded.read_graph() == sample
    loaded.close()
    with LadybugStore(path) as reopened:
        assert reopened.load(sample).changed == 0
        assert reopened.stats() == sample.counts()


def test_a_changed_property_is_updated(loaded: LadybugStore, graph: Graph) -> None:
    rubio = graph.nodes["marco-rubio"]
    graph.nodes[rubio.id] = Node(rubio.id, rubio.label, {"name": "Marco A. Rubio"})  # rest unset
    office = next(e for e in graph.edges.values() if e.type == "HOLDS_POSITION")
    graph.edges[office.id] = Edge(
        office.id, office.type, office.source, office.target, {**office.properties, "note": "n"}
    )
    report = loaded.load(graph)
    assert (report.nodes_updated, report.edges_updated) == (1, 1)
    assert (report.nodes_created, report.edges_created) == (0, 0)
    assert report.unchanged == len(graph) - 2
    assert loaded.read_graph() == graph
    assert loaded.load(graph).changed == 0


def test_only_new_elements_are_copied(store: LadybugStore, sample: Graph) -> None:
    first = Graph()
    for node in sample.nodes.values():
        first.add_node(node)
    store.load(first)
    # The edges alone: every end node is already in the store, none in this graph.
    edges = Graph(edges=dict(sample.edges))
    report = store.load(edges)
    assert (report.nodes_created, report.edges_created) == (0, len(sample.edges))
    assert store.read_graph() == sample


def test_progress_is_reported_per_table(store: LadybugStore, sample: Graph) -> None:
    calls: list[tuple[str, int, int]] = []
    store.load(sample, progress=lambda step, done, total: calls.append((step, done, total)))
    tables = len(sample.counts())
    assert [(done, total) for _, done, total in calls] == [
        (i, tables) for i in range(1, tables + 1)
    ]
    assert {step for step, _, _ in calls} == {f"copy {name}" for name in sample.counts()}


def test_an_edge_to_an_unknown_node_is_refused_before_writing(
    loaded: LadybugStore, sample: Graph
) -> None:
    bad = Graph()
    bad.add_node(Node("new-person", "Person", {"name": "New"}))
    bad.add_edge(Edge.between("new-person", "HOLDS_POSITION", "nowhere"))
    with pytest.raises(StoreError, match="no node 'nowhere' in the graph or in the store"):
        loaded.load(bad)
    assert loaded.read_graph() == sample


def test_an_id_held_under_another_label_is_refused(loaded: LadybugStore, sample: Graph) -> None:
    with pytest.raises(StoreError, match="'marco-rubio' is a Person in the store but a Country"):
        loaded.load(Graph({"marco-rubio": Node("marco-rubio", "Country", {"name": "Rubio"})}))
    assert loaded.read_graph() == sample


def test_a_property_the_label_lacks_is_refused(store: LadybugStore) -> None:
    with pytest.raises(StoreError, match="Person has no property 'colour'"):
        store.load(Graph({"ada": Node("ada", "Person", {"colour": "blue"})}))
    assert store.stats() == {}


def _growth(sample: Graph) -> Graph:
    """New nodes in several tables and new edges between new and stored nodes."""
    more = Graph()
    more.add_node(Node("new-person", "Person", {"name": "New Person", "alias": ["NP"]}))
    more.add_node(Node("new-country", "Country", {"name": "New Country"}))
    more.add_node(Node("new-call", "Call", {"name": "A new call", "status": "occurred"}))
    more.add_edge(Edge.between("new-person", "HOLDS_POSITION", "new-country", {"position": "x"}))
    more.add_edge(Edge.between("new-call", "HAS_PARTICIPANT", "new-person"))
    more.add_edge(Edge.between("new-call", "HAS_PARTICIPANT", "marco-rubio"))
    return more


def test_a_failure_at_copy_leaves_the_store_as_it_was(loaded: LadybugStore, sample: Graph) -> None:
    bad = _growth(sample)
    # The engine refuses a null primary key when it copies the last node table.
    bad.add_node(Node(None, "Topic", {"name": "no id"}))  # type: ignore[arg-type]
    calls: list[str] = []
    with pytest.raises(StoreError, match=r"Copy exception.*primary key"):
        loaded.load(bad, progress=lambda step, done, total: calls.append(step))
    assert calls == ["copy Person", "copy Country", "copy Call"]  # copied, then rolled back
    assert loaded.read_graph() == sample
    assert loaded.stats() == sample.counts()
    assert loaded.load(_growth(sample)).changed == 6  # and the store still takes a good load


def test_a_failure_after_every_copy_leaves_the_store_as_it_was(
    loaded: LadybugStore, sample: Graph
) -> None:
    bad = _growth(sample)
    rubio = sample.nodes["marco-rubio"]
    # An update the engine rejects (a string for an INT64 column) runs after all the copies.
    bad.add_node(Node(rubio.id, rubio.label, {**rubio.properties, "quote_start": "abc"}))
    calls: list[str] = []
    with pytest.raises(StoreError, match="Binder exception"):
        loaded.load(bad, progress=lambda step, done, total: calls.append(step))
    assert calls == [
        "copy Person",
        "copy Country",
        "copy Call",
        "copy HOLDS_POSITION",
        "copy HAS_PARTICIPANT",
    ]
    assert loaded.read_graph() == sample


def test_an_interruption_between_copies_rolls_back(loaded: LadybugStore, sample: Graph) -> None:
    def stop(step: str, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        loaded.load(_growth(sample), progress=stop)
    assert loaded.read_graph() == sample
    assert loaded.load(_growth(sample)).changed == 6  # no transaction was left open


def test_a_value_of_the_wrong_type_is_refused_before_writing(store: LadybugStore) -> None:
    node = Node("ada", "Person", {"name": "Ada", "quote_start": "abc"})
    with pytest.raises(StoreError, match=r"cannot load Person\.quote_start"):
        store.load(Graph({"ada": node}))
    assert store.stats() == {}


# -- large loads: filled in a copy of the store, renamed over it ------------------------------------


def _chunks(graph: Graph, size: int) -> list[Graph]:
    """The graph as chunks of about ``size`` elements, nodes first (each node in one chunk)."""
    elements: list[Node | Edge] = [*graph.nodes.values(), *graph.edges.values()]
    chunks = []
    for start in range(0, len(elements), size):
        chunk = Graph()
        for element in elements[start : start + size]:
            if isinstance(element, Node):
                chunk.add_node(element)
            else:
                chunk.add_edge(element)
        chunks.append(chunk)
    return chunks


def _leftovers(path: Path) -> list[str]:
    """Files beside the store that a load made and should have removed."""
    return sorted(p.name for p in path.parent.iterdir() if ".kg-load-" in p.name)


def test_a_large_load_into_an_empty_store_goes_through_a_copy(path: Path, sample: Graph) -> None:
    with LadybugStore(path, large_load=1) as store:
        report = store.load_chunks(_chunks(sample, 15))
        assert report.nodes_created + report.edges_created == len(sample)
        assert store.read_graph() == sample
        assert store.load_chunks(_chunks(sample, 15)).changed == 0
    assert _leftovers(path) == []
    with LadybugStore(path, read_only=True) as reader:  # the file in place is a whole store
        assert reader.stats() == sample.counts()


def test_a_failed_large_load_leaves_an_empty_store_empty(path: Path, sample: Graph) -> None:
    def chunks() -> Iterator[Graph]:
        yield from _chunks(sample, 15)[:-1]
        raise StoreError("the last facts file is bad")

    with LadybugStore(path, large_load=1) as store:
        with pytest.raises(StoreError, match="the last facts file is bad"):
            store.load_chunks(chunks())
        assert store.stats() == {}
        assert _leftovers(path) == []
        assert store.load(sample).changed == len(sample)  # the store still takes a load
        assert store.read_graph() == sample


def test_a_large_load_into_a_store_holding_data_goes_through_a_copy(
    loaded: LadybugStore, sample: Graph, path: Path
) -> None:
    loaded.close()
    with LadybugStore(path, large_load=1) as store:
        steps: list[str] = []

        # the copy is filled while the store stays locked against other writers
        def check_lock(step: str, done: int, total: int) -> None:
            if not steps:
                steps.append(_second_process(path).splitlines()[0])
            steps.append(step)

        assert store.load(_growth(sample), progress=check_lock).changed == 6
        assert steps[0] == f"{path}: store is in use by process {os.getpid()}"
        merged = copy.deepcopy(sample)
        merged.update(_growth(sample))
        assert store.read_graph() == merged
        assert store.load(_growth(sample)).changed == 0
    assert _leftovers(path) == []


def test_a_failed_large_load_leaves_the_store_as_it_was(
    loaded: LadybugStore, sample: Graph, path: Path
) -> None:
    loaded.close()
    bad = _growth(sample)
    bad.add_node(Node(None, "Topic", {"name": "no id"}))  # type: ignore[arg-type]
    with LadybugStore(path, large_load=1) as store:
        with pytest.raises(StoreError, match=r"Copy exception.*primary key"):
            store.load(bad)
        assert store.read_graph() == sample
        assert _leftovers(path) == []
        assert store.load(_growth(sample)).changed == 6


def test_the_copy_grows_its_buffer_pool_until_a_copy_fits(
    path: Path, sample: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.stores.ladybug as module

    monkeypatch.setattr(module, "SHADOW_BUFFER_POOL", 1 << 20)  # too small to open, let alone copy
    pools: list[int] = []
    real = module._Shadow._open

    def recorded(shadow: module._Shadow) -> None:
        real(shadow)
        pools.append(shadow.pool)

    monkeypatch.setattr(module._Shadow, "_open", recorded)
    with LadybugStore(path, large_load=1) as store:
        assert store.load(sample).changed == len(sample)
        assert store.read_graph() == sample
    assert len(pools) >= 2 and pools[0] > 1 << 20 and pools == sorted(pools)


def test_the_copy_of_a_killed_load_is_removed_by_the_next_writer(
    loaded: LadybugStore, sample: Graph, path: Path
) -> None:
    loaded.close()
    stale = path.with_name(path.name + ".kg-load-0123456789ab")
    stale.write_bytes(b"half a store")
    other = path.with_name("other.lbug.kg-load-0123456789ab")  # another store's: kept
    other.write_bytes(b"not ours")
    with LadybugStore(path, read_only=True) as reader:  # a reader leaves it alone
        assert reader.stats() == sample.counts()
    assert stale.exists()
    with LadybugStore(path) as store:
        assert store.read_graph() == sample
    assert not stale.exists() and other.exists()


# -- concurrency and opening -------------------------------------------------------------------------

SECOND_PROCESS = """
import json, sys
from kg.errors import StoreInUse
from kg.stores.ladybug import LadybugStore
try:
    LadybugStore(sys.argv[1])
except StoreInUse as exc:
    print(exc)
with LadybugStore(sys.argv[1], read_only=True) as reader:
    print(json.dumps(reader.stats()))
    print(len(reader.read_graph()))
"""


def _second_process(path: Path) -> str:
    """What SECOND_PROCESS prints about the store at ``path``."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_a_second_writer_is_refused_while_a_reader_works(
    loaded: LadybugStore, sample: Graph, path: Path
) -> None:
    in_use, stats, size = _second_process(path).splitlines()
    assert in_use == f"{path}: store is in use by process {os.getpid()}"
    assert json.loads(stats) == sample.counts()
    assert int(size) == len(sample)


def test_a_read_only_store_beside_the_writer(
    loaded: LadybugStore, sample: Graph, path: Path
) -> None:
    with LadybugStore(path, read_only=True) as reader:
        assert reader.read_graph() == sample
        assert reader.stats() == sample.counts()
        with pytest.raises(StoreError, match="read-only"):
            reader.load(sample)
        with pytest.raises(QueryError, match="read-only"):
            reader.query("MATCH (n:Person) DETACH DELETE n")
    assert loaded.stats() == sample.counts()


def test_read_only_on_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.lbug"
    with pytest.raises(StoreError) as info:
        LadybugStore(missing, read_only=True)
    assert str(info.value) == f"no store at {missing}; run kg load first"
    assert not missing.exists()


def test_the_lock_is_released_on_close(path: Path) -> None:
    LadybugStore(path).close()
    with LadybugStore(path) as store:
        assert store.stats() == {}


def test_a_closed_store_says_so(store: LadybugStore) -> None:
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.stats()
    with pytest.raises(StoreError, match="closed"):
        store.query("RETURN 1")


def test_a_store_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        LadybugStore(tmp_path / "no" / "kg.lbug")


def test_the_registry_opens_it(path: Path) -> None:
    store = open_store("ladybug", path=path)
    try:
        assert isinstance(store, LadybugStore)
        assert store.engine == "ladybug"
    finally:
        store.close()


# -- queries -----------------------------------------------------------------------------------------


def test_parameters_never_become_text(loaded: LadybugStore, sample: Graph) -> None:
    found = loaded.query("MATCH (n:Person) WHERE n.name = $name RETURN n.id", {"name": HOSTILE})
    assert found.columns == ["n.id"]
    assert found.rows == []
    echoed = loaded.query("RETURN $value AS value", {"value": HOSTILE})
    assert echoed.records() == [{"value": HOSTILE}]
    written = loaded.query(
        "MATCH (n:Person) WHERE n.id = $id SET n.note = $note RETURN n.note",
        {"id": "marco-rubio", "note": HOSTILE},
    )
    assert written.rows == [[HOSTILE]]
    assert loaded.stats() == sample.counts()


def test_any_text_round_trips(tmp_path: Path) -> None:
    with LadybugStore(tmp_path / "kg.lbug") as store:

        @settings(max_examples=80, deadline=None)
        @given(value=st.text())
        def round_trip(value: str) -> None:
            assert store.query("RETURN $v AS v", {"v": value}).rows == [[value]]

        round_trip()


def test_values_come_back_as_plain_python(loaded: LadybugStore, sample: Graph) -> None:
    rubio = sample.nodes["marco-rubio"]
    node = loaded.query("MATCH (n:Person) WHERE n.id = $id RETURN n", {"id": rubio.id}).rows
    assert node == [[{"id": rubio.id, **rubio.properties}]]
    office = next(e for e in sample.edges.values() if e.type == "HOLDS_POSITION")
    rel = loaded.query(
        "MATCH ()-[r:HOLDS_POSITION]->() WHERE r.id = $id RETURN r, label(r)", {"id": office.id}
    ).rows
    assert rel == [[{"id": office.id, **office.properties}, "HOLDS_POSITION"]]
    path = loaded.query(
        "MATCH p = (a)-[r:HOLDS_POSITION]->(b) WHERE r.id = $id RETURN p", {"id": office.id}
    ).rows
    assert path == [[[office.source, office.target]]]
    values = loaded.query(
        "RETURN date('2025-05-17') AS d, timestamp('2025-05-19 10:00:00') AS t, "
        "interval('1 day') AS i, CAST('1.50' AS DECIMAL(5, 2)) AS m, [1, 2] AS l, {a: 1} AS s"
    )
    assert values.columns == ["d", "t", "i", "m", "l", "s"]
    assert values.rows == [["2025-05-17", "2025-05-19T10:00:00", "P1DT0S", 1.5, [1, 2], {"a": 1}]]


def test_engine_errors_become_query_errors(loaded: LadybugStore, path: Path) -> None:
    with pytest.raises(QueryError, match=f"^{path}: Parser exception"):
        loaded.query("MATCH (n RETURN n")
    with pytest.raises(QueryError, match="Nowhere does not exist"):
        loaded.query("MATCH (n:Nowhere) RETURN n")
    with pytest.raises(QueryError, match="one statement at a time"):
        loaded.query("RETURN 1; RETURN 2")
    with pytest.raises(QueryError):
        loaded.query("RETURN $v", {"v": 2**70})
