"""Streaming: facts read file by file, stores loaded and read back in chunks, exports of chunks.

Every streamed path must give exactly what the whole-graph path gives.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph as RdfGraph
from rdflib.compare import isomorphic

from kg.errors import FactsError, StoreError
from kg.export import export
from kg.export.nx import actor_chunks, actor_subgraph, actor_view, to_networkx
from kg.export.rdf import generate_ntriples, write_turtle
from kg.facts import iter_facts, load_facts
from kg.generate import generate_corpus
from kg.model import Edge, Graph, Node
from kg.stores.ladybug import LadybugStore


def merged(chunks) -> Graph:
    graph = Graph()
    for chunk in chunks:
        graph.update(chunk)
    return graph


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return generate_corpus(60, 5, tmp_path_factory.mktemp("corpus"), events_per_file=20)


def write_facts(folder: Path, name: str, records: str, edges: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("text\n", encoding="utf-8")
    body = textwrap.dedent(
        f"""\
        kg: 1
        document: {{id: doc-{name}, type: Article, name: Doc {name}, text: {name}.txt}}
        nodes:
        """
    )
    body += textwrap.indent(textwrap.dedent(records), "  ")
    if edges:
        body += "edges:\n" + textwrap.indent(textwrap.dedent(edges), "  ")
    path = folder / f"{name}.facts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _without_claims(graph: Graph) -> Graph:
    out = Graph()
    for node in graph.nodes.values():
        if node.label != "Claim":
            out.add_node(node)
    for edge in graph.edges.values():
        if edge.type != "HAS_CLAIM":
            out.add_edge(edge)
    return out


# -- facts -------------------------------------------------------------------------------------------


def test_the_chunks_are_the_whole_graph(corpus: list[Path]) -> None:
    chunks = list(iter_facts(*corpus))
    assert len(chunks) == len(corpus)
    assert merged(chunks) == load_facts(*corpus)
    ids = [set(c.nodes) | set(c.edges) for c in chunks]
    assert sum(map(len, ids)) == len(set().union(*ids))  # no element in two chunks


def test_forward_references_resolve_at_the_end(corpus: list[Path]) -> None:
    backwards = list(reversed(corpus))  # events first, the actors they name last
    assert merged(iter_facts(*backwards)) == load_facts(*backwards)


def test_a_file_given_twice_adds_nothing_the_second_time(corpus: list[Path]) -> None:
    chunks = list(iter_facts(*corpus, corpus[1]))
    assert len(chunks[-1]) == 0
    assert merged(chunks) == load_facts(*corpus)


def test_a_conflict_with_an_earlier_file_names_the_later_one(tmp_path: Path) -> None:
    a = write_facts(tmp_path / "a", "a", "- {id: ada, type: Person, name: Ada}\n")
    b = write_facts(tmp_path / "b", "b", "- {id: ada, type: Person, name: Ada L.}\n")
    with pytest.raises(FactsError) as info:
        list(iter_facts(a, b))
    assert str(info.value) == (
        f"{b}:4: node 'ada' is defined twice with different content "
        "(a file given before it says otherwise)"
    )


def test_an_unresolved_reference_fails_after_the_last_chunk(tmp_path: Path) -> None:
    a = write_facts(tmp_path, "a", "- {id: ada, type: Person, name: Ada}\n")
    b = write_facts(
        tmp_path,
        "b",
        "- {id: c1, type: Call, name: A call, status: occurred, links: {HAS_TARGET: nobody}}\n",
    )
    stream = iter_facts(a, b)
    assert [len(next(stream).nodes), len(next(stream).nodes)] == [2, 2]
    with pytest.raises(
        FactsError, match=r"b\.facts\.yaml:4: edge c1 HAS_TARGET nobody: refers to 'nobody'"
    ):
        next(stream)


def test_a_role_given_by_a_later_file_adds_its_interactions(tmp_path: Path) -> None:
    a = write_facts(
        tmp_path,
        "a",
        """\
        - {id: ada, type: Person, name: Ada}
        - {id: bob, type: Person, name: Bob}
        - {id: cy, type: Person, name: Cy}
        - {id: c1, type: Call, name: A call, status: occurred, links: {HAS_INITIATOR: ada, HAS_PARTICIPANT: bob}}
        """,
    )
    later = "- {type: HAS_PARTICIPANT, from: c1, to: cy}\n"
    b = write_facts(tmp_path, "b", "- {id: dee, type: Person, name: Dee}\n", later)
    chunks = list(iter_facts(a, b))
    # b only draws a link from a's call: in memory that is b's claim about c1; a stream (the
    # path of a corpus too big for memory) keeps no claims, and the current views agree.
    whole = load_facts(a, b)
    assert whole.nodes["claim/doc-b/c1"].label == "Claim"
    assert merged(chunks) == _without_claims(whole)
    assert list(chunks[-1].edges) == ["ada|INTERACTS_WITH|cy|c1"]  # the tail: what cy adds
    # c2 has no initiator in its file: its first participant stands in, until a later file
    # names one, which would take back an interaction already written.
    c2 = "- {id: c2, type: Call, name: Another, status: planned, links: {HAS_PARTICIPANT: [bob, cy]}}\n"
    d = write_facts(tmp_path / "d", "d", c2)
    e = write_facts(
        tmp_path / "e",
        "e",
        "- {id: eve, type: Person, name: Eve}\n",
        "- {type: HAS_INITIATOR, from: c2, to: ada}\n",
    )
    with pytest.raises(FactsError, match="event 'c2' gets an actor from a later file"):
        list(iter_facts(a, d, e))


# -- stores ------------------------------------------------------------------------------------------


def test_ladybug_loads_chunks_as_one_load_and_reads_them_back(
    tmp_path: Path, corpus: list[Path]
) -> None:
    whole = load_facts(*corpus)
    with LadybugStore(tmp_path / "kg.lbug") as store:
        report = store.load_chunks(iter_facts(*corpus))
        assert (report.nodes_created, report.edges_created) == (len(whole.nodes), len(whole.edges))
        assert store.read_graph() == whole
        chunks = list(store.iter_graph(chunk_size=100))
        assert len(chunks) >= 5 and all(len(c) < 200 for c in chunks)
        assert merged(chunks) == whole
        again = store.load_chunks(iter_facts(*reversed(corpus)))
        assert (again.changed, again.unchanged) == (0, len(whole))


def test_ladybug_writes_nothing_when_the_stream_fails(tmp_path: Path, corpus: list[Path]) -> None:
    bad = write_facts(
        tmp_path / "bad",
        "bad",
        "- {id: c1, type: Call, name: A call, status: occurred, links: {HAS_TARGET: nobody}}\n",
    )
    shutil.copy(corpus[0].with_name(corpus[0].name.replace(".facts.yaml", ".txt")), tmp_path)
    with LadybugStore(tmp_path / "kg.lbug") as store:
        with pytest.raises(FactsError, match="refers to 'nobody'"):
            store.load_chunks(iter_facts(*corpus, bad))
        assert store.stats() == {}


def test_ladybug_refuses_a_node_given_by_two_chunks(tmp_path: Path) -> None:
    ada = Graph({"ada": Node("ada", "Person", {"name": "Ada"})})
    with LadybugStore(tmp_path / "kg.lbug") as store:
        with pytest.raises(StoreError, match="node 'ada' is given twice in one load"):
            store.load_chunks([ada, ada])
        assert store.stats() == {}


def test_ladybug_updates_a_changed_element_found_in_a_later_chunk(
    tmp_path: Path, sample_graph: Graph
) -> None:
    with LadybugStore(tmp_path / "kg.lbug") as store:
        store.load(sample_graph)
        rubio = sample_graph.nodes["marco-rubio"]
        office = next(e for e in sample_graph.edges.values() if e.type == "HOLDS_POSITION")
        first = Graph({"marco-rubio": Node(rubio.id, rubio.label, {"name": "Marco A. Rubio"})})
        note = {**office.properties, "note": "n"}
        second = Graph(
            edges={office.id: Edge(office.id, office.type, office.source, office.target, note)}
        )
        report = store.load_chunks(iter([first, second]))
        assert (report.nodes_updated, report.edges_updated, report.unchanged) == (1, 1, 0)
        back = store.read_graph()
        assert back.nodes["marco-rubio"].properties == {"name": "Marco A. Rubio"}
        assert back.edges[office.id].properties == note


@pytest.mark.neo4j
def test_neo4j_loads_a_one_pass_stream_and_reads_it_back(neo4j_store, corpus: list[Path]) -> None:
    whole = load_facts(*corpus)
    steps: list[tuple[str, int, int]] = []
    report = neo4j_store.load_chunks(iter_facts(*corpus), progress=lambda *s: steps.append(s))
    assert (report.nodes_created, report.edges_created) == (len(whole.nodes), len(whole.edges))
    assert {total for _, _, total in steps} == {0}  # a one-pass stream: the total is unknown
    assert steps[-1][1] == len(whole)
    chunks = list(neo4j_store.iter_graph(chunk_size=50))
    assert all(len(c) <= 50 for c in chunks)
    assert merged(chunks) == whole
    again = neo4j_store.load_chunks(iter_facts(*corpus))
    assert (again.changed, again.unchanged) == (0, len(whole))


@pytest.mark.neo4j
def test_neo4j_writes_nothing_when_the_stream_fails(neo4j_store, sample_graph: Graph) -> None:
    def chunks():
        yield sample_graph
        raise FactsError("found late")

    with pytest.raises(FactsError, match="found late"):
        neo4j_store.load_chunks(chunks())
    assert neo4j_store.stats() == {}


# -- exports -----------------------------------------------------------------------------------------


def test_turtle_of_chunks_is_the_turtle_of_the_graph(corpus: list[Path]) -> None:
    whole = load_facts(*corpus)
    streamed, plain = io.BytesIO(), io.BytesIO()
    write_turtle(iter_facts(*corpus), streamed)
    write_turtle(whole, plain)
    a = RdfGraph().parse(data=streamed.getvalue(), format="turtle")
    b = RdfGraph().parse(data=plain.getvalue(), format="turtle")
    assert len(a) > 1000 and isomorphic(a, b)
    lines = "".join(generate_ntriples(iter_facts(*corpus))).splitlines()
    assert sorted(lines) == sorted("".join(generate_ntriples(whole)).splitlines())


def test_a_format_that_needs_the_whole_graph_merges_the_chunks(
    tmp_path: Path, corpus: list[Path]
) -> None:
    export(iter_facts(*corpus), "json", tmp_path / "streamed.json")
    export(load_facts(*corpus), "json", tmp_path / "whole.json")
    from kg.export.nx import read_node_link

    assert nx.utils.graphs_equal(
        read_node_link(tmp_path / "streamed.json"), read_node_link(tmp_path / "whole.json")
    )


def test_networkx_views_of_chunks(corpus: list[Path]) -> None:
    whole = load_facts(*corpus)
    for build in (to_networkx, actor_view):
        streamed, plain = build(iter_facts(*corpus)), build(whole)
        assert dict(streamed.nodes(data=True)) == dict(plain.nodes(data=True))
        assert sorted(streamed.edges(keys=True, data=True), key=str) == sorted(
            plain.edges(keys=True, data=True), key=str
        )
    assert merged(actor_chunks(iter_facts(*corpus))) == actor_subgraph(whole)
