"""The columnar path of the importers: the tables it builds give exactly the graph the claims
machinery gives, on both engines; LadybugDB's ``load_tables`` keeps the rules of ``load`` (all or
nothing, idempotent, refusals that name the element), in one transaction and on a copy of the
store."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from kg.errors import StoreError
from kg.facts import sample_facts_path
from kg.grow import load_documents
from kg.importers import core
from kg.importers.core import import_files
from kg.stores.ladybug import LadybugStore

DATA = Path(__file__).parent / "data" / "import"
FILES = {
    "gdelt-57": ("gdelt", DATA / "gdelt-57.tsv"),
    "gdelt-58": ("gdelt", DATA / "gdelt-58.tsv"),
    "gdelt-61": ("gdelt", DATA / "gdelt-61.tsv"),
    "icews": ("icews", DATA / "icews.tab"),
}


def _store(engine: str, path: Path, request: pytest.FixtureRequest):
    if engine == "ladybug":
        return LadybugStore(path)
    from kg.stores.neo4j import Neo4jStore
    from tests.conftest import wipe_neo4j

    config = request.getfixturevalue("neo4j_config")
    wipe_neo4j(config)
    return Neo4jStore(config)


def _import_by_claims(monkeypatch, store, source, path):
    """The same import, forced through the claims machinery (as an event the store held)."""
    with monkeypatch.context() as patch:
        patch.setattr(core, "_events_are_new", lambda *args: False)
        return import_files(store, source, [path])


@pytest.mark.parametrize("engine", ["ladybug", "neo4j"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_the_columnar_path_gives_the_graph_of_the_claims_path(
    engine, name, tmp_path, request, monkeypatch
):
    source, path = FILES[name]
    graphs = []
    for way in ("columns", "claims"):
        store = _store(engine, tmp_path / f"{way}.lbug", request)
        try:
            load_documents(store, [sample_facts_path()])
            if way == "columns":
                report = import_files(store, source, [path])
            else:
                report = _import_by_claims(monkeypatch, store, source, path)
            assert report.events > 20
            assert report.load.nodes_created > report.events
            graphs.append(store.read_graph())
        finally:
            store.close()
    columns, claims = graphs
    assert set(columns.nodes) == set(claims.nodes)
    assert set(columns.edges) == set(claims.edges)
    for node_id, node in claims.nodes.items():
        assert columns.nodes[node_id] == node
    for edge_id, edge in claims.edges.items():
        assert columns.edges[edge_id] == edge


def test_an_import_of_new_events_takes_the_columnar_path(tmp_path, monkeypatch):
    calls = []
    store = LadybugStore(tmp_path / "kg.lbug")
    original = store.load_tables

    def spy(nodes, edges, progress=None):
        calls.append(sum(t.num_rows for parts in nodes.values() for t in parts))
        return original(nodes, edges, progress)

    monkeypatch.setattr(store, "load_tables", spy)
    first = import_files(store, "gdelt", [DATA / "gdelt-58.tsv"])
    assert calls == [first.load.nodes_created]
    # Again: the store holds the events now, so the claims machinery compares them: no change.
    again = import_files(store, "gdelt", [DATA / "gdelt-58.tsv"])
    assert calls == [first.load.nodes_created]
    assert again.load.nodes_created == again.load.edges_created == 0
    assert again.load.nodes_updated == again.load.edges_updated == 0
    store.close()


def _tables():
    nodes = {
        "Country": [pa.table({"id": ["x-land", "y-land"], "name": ["X", "Y"]})],
        "Call": [
            pa.table(
                {"id": ["call-1"], "name": ["A call"], "status": ["occurred"], "quad_class": [1]}
            )
        ],
    }
    edges = {
        "HAS_INITIATOR": [
            pa.table(
                {
                    "from": ["call-1"],
                    "to": ["x-land"],
                    "id": ["call-1|HAS_INITIATOR|x-land"],
                    "from_label": ["Call"],
                    "to_label": ["Country"],
                }
            )
        ]
    }
    return nodes, edges


@pytest.mark.parametrize("large", [False, True], ids=["one transaction", "copy of the store"])
def test_load_tables_is_idempotent(tmp_path, large):
    store = LadybugStore(tmp_path / "kg.lbug")
    if large:
        store.large_load = 1  # every load fills a copy of the store, one COPY per commit
    nodes, edges = _tables()
    first = store.load_tables(nodes, edges)
    assert (first.nodes_created, first.edges_created) == (3, 1)
    assert nodes == edges == {}  # taken out as staged
    again = store.load_tables(*_tables())
    assert (again.nodes_created, again.edges_created, again.unchanged) == (0, 0, 4)
    graph = store.read_graph()
    assert graph.nodes["call-1"].properties == {
        "name": "A call",
        "status": "occurred",
        "quad_class": 1,
    }
    assert graph.edges["call-1|HAS_INITIATOR|x-land"].target == "x-land"
    store.close()


def _bad(kind: str):
    nodes, edges = _tables()
    if kind == "label":
        nodes["Planet"] = [pa.table({"id": ["mars"]})]
    elif kind == "property":
        nodes["Country"] = [pa.table({"id": ["z-land"], "colour": ["red"]})]
    elif kind == "twice":
        nodes["Country"].append(pa.table({"id": ["x-land"], "name": ["X again"]}))
    elif kind == "end":
        edges["HAS_INITIATOR"][0] = edges["HAS_INITIATOR"][0].set_column(
            4, "to_label", pa.array([None], pa.string())
        )
    elif kind == "pair":
        edges["HAS_INITIATOR"][0] = edges["HAS_INITIATOR"][0].set_column(
            3, "from_label", pa.array(["Country"])
        )
    elif kind == "type":
        nodes["Call"] = [pa.table({"id": ["call-1"], "quad_class": ["one"]})]
    return nodes, edges


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("label", "the ontology has no label 'Planet'"),
        ("property", "no property 'colour' in the ontology"),
        ("twice", "node 'x-land' is given twice in one load"),
        ("end", "no node 'x-land' in the graph or in the store"),
        ("pair", "HAS_INITIATOR may not go from Country to Country"),
        ("type", "cannot load Call.quad_class"),
    ],
)
def test_load_tables_refuses_bad_tables_and_writes_nothing(tmp_path, kind, message):
    store = LadybugStore(tmp_path / "kg.lbug")
    load_documents(store, [sample_facts_path()])
    before = store.read_graph()
    nodes, edges = _bad(kind)
    with pytest.raises(StoreError, match=message):
        store.load_tables(nodes, edges)
    assert store.read_graph() == before
    store.close()


def test_a_node_held_under_another_label_is_refused(tmp_path):
    store = LadybugStore(tmp_path / "kg.lbug")
    load_documents(store, [sample_facts_path()])
    nodes = {"Person": [pa.table({"id": ["russia"], "name": ["Russia"]})]}
    with pytest.raises(StoreError, match="node 'russia' is a Country in the store but a Person"):
        store.load_tables(nodes, {})
    store.close()


def test_the_actors_an_import_makes_are_there_as_of_its_first_day(tmp_path):
    from kg.grow import as_of_graph

    store = LadybugStore(tmp_path / "kg.lbug")
    import_files(store, "icews", [DATA / "icews.tab"])
    import_files(store, "gdelt", [DATA / "gdelt-57.tsv"])  # the backfile: rows name no source
    whole = store.read_graph()
    store.close()
    made = {
        n.id for n in whole.nodes.values() if n.properties.get("document", "").find("-file-") > 0
    }
    assert len(made) > 10
    for day, source in (("2018-06-01", "icews"), ("2016-07-28", "gdelt")):
        graph = as_of_graph(whole, day)
        actors = {
            e.target
            for e in graph.edges.values()
            if e.type in ("HAS_INITIATOR", "HAS_TARGET") and e.source.startswith(f"{source}-")
        }
        assert actors & made, source
        assert actors <= set(graph.nodes), source
    assert not set(as_of_graph(whole, "2016-01-01").nodes) & made


@pytest.mark.parametrize(
    ("name", "expected"),
    [("VLADIMIR PUTIN", "vladimir-putin"), ("PUTIN", "russia-gov"), ("IVAN PUTIN", "russia-gov")],
)
def test_a_gdelt_actor_named_as_a_person_the_store_knows_is_that_person(tmp_path, name, expected):
    row = (DATA / "gdelt-58.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    row[5:8] = ["RUSGOV", name, "RUS"]  # Actor1Code, Actor1Name, Actor1CountryCode
    row[12] = "GOV"  # Actor1Type1Code
    path = tmp_path / "putin.tsv"
    path.write_text("\t".join(row) + "\n", encoding="utf-8")
    store = LadybugStore(tmp_path / "kg.lbug")
    load_documents(store, [sample_facts_path()])
    import_files(store, "gdelt", [path])
    rows = store.query(
        "MATCH (e)-[:HAS_INITIATOR]->(a) WHERE e.id = $id RETURN a.id", {"id": f"gdelt-{row[0]}"}
    ).rows
    store.close()
    assert rows == [[expected]]
