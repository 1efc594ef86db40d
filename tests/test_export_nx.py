"""NetworkX views, and GraphML, GEXF and node-link JSON files that read back to the same graph."""

from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import KGError
from kg.export import export
from kg.export.nx import (
    actor_subgraph,
    actor_view,
    generate_graphml,
    read_gexf,
    read_graphml,
    read_node_link,
    symmetric_view,
    to_networkx,
    write_gexf,
    write_graphml,
    write_node_link,
)
from kg.model import Edge, Graph, Node

FORMATS = {
    "graphml": (write_graphml, read_graphml),
    "gexf": (write_gexf, read_gexf),
    "json": (write_node_link, read_node_link),
}


def canonical(g: nx.MultiDiGraph):
    """Nodes and edges with their attributes, comparable, with the type of every value kept."""

    def typed(attrs):
        return sorted((k, type(v).__name__, json.dumps(v)) for k, v in attrs.items())

    nodes = sorted((n, typed(d)) for n, d in g.nodes(data=True))
    edges = sorted((u, v, k, typed(d)) for u, v, k, d in g.edges(keys=True, data=True))
    return nodes, edges


def roundtrip(graph, fmt, view):
    write, read = FORMATS[fmt]
    buffer = io.BytesIO()
    write(graph, buffer, view=view)
    buffer.seek(0)
    return read(buffer)


# ------------------------------------------------------------------------------------------ views


def test_full_view_holds_every_node_edge_and_property(sample_graph):
    g = to_networkx(sample_graph)
    assert g.number_of_nodes() == len(sample_graph.nodes) == 44
    assert g.number_of_edges() == len(sample_graph.edges)
    assert g.nodes["donald-trump"] == {
        "label": "Person",
        "name": "Donald Trump",
        "label_fr": "Donald Trump",
        "label_en": "Donald Trump",
        "alias": ["Trump", "le président américain"],
        "wikidata": "Q22686",
        "quote": "Le président américain Donald Trump",
        "quote_start": 206,
        "quote_end": 241,
        "document": "article-2025-05-17",
    }
    edge = g.edges["marco-rubio", "united-states", "marco-rubio|HOLDS_POSITION|united-states"]
    assert edge == {
        "type": "HOLDS_POSITION",
        "position": "Secretary of State",
        "position_fr": "secrétaire d'État américain",
        "quote": "le secrétaire d'État américain, Marco Rubio",
        "quote_start": 1094,
        "quote_end": 1137,
        "document": "article-2025-05-17",
    }
    for node in sample_graph.nodes.values():
        assert g.nodes[node.id] == {"label": node.label, **node.properties}
    for e in sample_graph.edges.values():
        assert g.edges[e.source, e.target, e.id] == {"type": e.type, **e.properties}


def test_actor_view_has_the_actors_and_their_interactions(sample_graph):
    view = actor_view(sample_graph)
    assert sorted(view) == [
        "donald-trump",
        "marco-rubio",
        "nato",
        "reuters",
        "russia",
        "russian-armed-forces",
        "russian-foreign-ministry",
        "senior-ukrainian-official",
        "sergey-lavrov",
        "truth-social",
        "turkey",
        "ukraine",
        "united-states",
        "us-department-of-state",
        "vladimir-putin",
        "volodymyr-zelenskyy",
        "x-platform",
    ]
    assert view.nodes["donald-trump"] == {
        "label": "Person",
        "name": "Donald Trump",
        "wikidata": "Q22686",
    }
    assert view.nodes["nato"] == {
        "label": "Organisation",
        "name": "NATO",
        "wikidata": "Q7184",
        "category": "alliance",
    }
    assert sorted((u, v, d["event"], d["status"]) for u, v, d in view.edges(data=True)) == [
        ("donald-trump", "nato", "call-trump-nato-members-after-2025-05-19", "planned"),
        ("donald-trump", "vladimir-putin", "call-trump-putin-2025-05-19", "announced"),
        ("donald-trump", "volodymyr-zelenskyy", "call-trump-zelenskyy-after-2025-05-19", "planned"),
        ("marco-rubio", "sergey-lavrov", "call-rubio-lavrov-2025-05-17", "occurred"),
        ("russia", "ukraine", "ceasefire-hoped-2025-05-19", "hoped"),
        ("russia", "ukraine", "demand-withdrawal-2025-05-16", "occurred"),
        ("russia", "ukraine", "negotiation-istanbul-2025-05-16", "occurred"),
        ("russian-armed-forces", "ukraine", "attacks-russia-ukraine-2025-05-16-night", "occurred"),
        ("united-states", "russia", "mediation-offer-us-2025-05-17", "occurred"),
        ("united-states", "ukraine", "mediation-offer-us-2025-05-17", "occurred"),
        ("vladimir-putin", "donald-trump", "call-trump-putin-2025-03-18", "occurred"),
    ]
    key = "donald-trump|INTERACTS_WITH|vladimir-putin|call-trump-putin-2025-05-19"
    assert view.edges["donald-trump", "vladimir-putin", key] == {
        "event": "call-trump-putin-2025-05-19",
        "event_type": "Call",
        "date": "2025-05-19",
        "status": "announced",
        "directed": True,
    }


MARCH_CALL = "vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"
RUBIO_CALL = "marco-rubio|INTERACTS_WITH|sergey-lavrov|call-rubio-lavrov-2025-05-17"


@pytest.mark.parametrize("make_view", [actor_view, to_networkx], ids=["actors", "full"])
def test_an_interaction_without_a_named_initiator_is_undirected(sample_graph, make_view):
    view = make_view(sample_graph)
    # Nobody says who called on 18 March: the edge starts at the first participant only because
    # an edge needs a start.
    assert view.edges["vladimir-putin", "donald-trump", MARCH_CALL]["directed"] is False
    # Rubio called Lavrov (HAS_INITIATOR).
    assert view.edges["marco-rubio", "sergey-lavrov", RUBIO_CALL]["directed"] is True
    undirected = sorted(d["event"] for *_, d in view.edges(data=True) if d.get("directed") is False)
    assert undirected == [
        "call-trump-putin-2025-03-18",
        "ceasefire-hoped-2025-05-19",
        "negotiation-istanbul-2025-05-16",
    ]


def test_symmetric_view_runs_undirected_interactions_both_ways(sample_graph):
    view = actor_view(sample_graph)
    both = symmetric_view(view)
    assert (
        both.edges["donald-trump", "vladimir-putin", MARCH_CALL]
        == (view.edges["vladimir-putin", "donald-trump", MARCH_CALL])
    )
    assert not both.has_edge("sergey-lavrov", "marco-rubio")
    assert both.number_of_edges() == view.number_of_edges() + 3
    # Neither end of the call of 18 March initiated it: each has it in and out.
    assert [both.out_degree("vladimir-putin"), both.in_degree("vladimir-putin")] == [1, 2]
    assert not view.has_edge("donald-trump", "vladimir-putin", MARCH_CALL)  # a copy
    assert both.to_undirected().number_of_edges() == view.number_of_edges()


def test_actor_subgraph_is_a_graph_of_the_same_network(sample_graph):
    sub = actor_subgraph(sample_graph)
    assert sub.nodes["donald-trump"] is sample_graph.nodes["donald-trump"]
    view = actor_view(sample_graph)
    assert sorted(sub.nodes) == sorted(view)
    assert sorted(sub.edges) == sorted(k for _, _, k in view.edges(keys=True))
    assert {e.type for e in sub.edges.values()} == {"INTERACTS_WITH"}


def test_unknown_view_is_refused(sample_graph):
    with pytest.raises(KGError, match="unknown view 'people'"):
        write_graphml(sample_graph, io.BytesIO(), view="people")


def test_a_property_named_like_a_view_attribute_is_refused():
    g = Graph()
    g.add_node(Node("a", "Person", {"label": "oops"}))
    with pytest.raises(KGError, match="node 'a' has a property named label"):
        to_networkx(g)


# ------------------------------------------------------------------------------------------ files


@pytest.mark.parametrize("view", ["full", "actors"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_files_read_back_to_the_view(sample_graph, fmt, view):
    expected = to_networkx(sample_graph) if view == "full" else actor_view(sample_graph)
    got = roundtrip(sample_graph, fmt, view)
    assert isinstance(got, nx.MultiDiGraph)
    assert got.graph == {}
    assert canonical(got) == canonical(expected)


@pytest.mark.parametrize("view", ["full", "actors"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_files_keep_the_direction_as_a_boolean(sample_graph, fmt, view):
    got = roundtrip(sample_graph, fmt, view)
    assert got.edges["vladimir-putin", "donald-trump", MARCH_CALL]["directed"] is False
    assert got.edges["marco-rubio", "sergey-lavrov", RUBIO_CALL]["directed"] is True


def test_graphml_and_gexf_declare_the_direction_boolean(sample_graph):
    buffer = io.BytesIO()
    write_graphml(sample_graph, buffer, view="actors")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = ET.fromstring(buffer.getvalue()).findall("g:key", ns)
    assert [k.get("attr.type") for k in keys if k.get("attr.name") == "directed"] == ["boolean"]
    buffer = io.BytesIO()
    write_gexf(sample_graph, buffer, view="actors")
    attributes = ET.fromstring(buffer.getvalue()).iter("{http://www.gexf.net/1.2draft}attribute")
    assert [a.get("type") for a in attributes if a.get("title") == "directed"] == ["boolean"]


def test_node_link_is_what_networkx_writes(sample_graph):
    buffer = io.BytesIO()
    write_node_link(sample_graph, buffer)
    ours = json.loads(buffer.getvalue())
    theirs = nx.node_link_data(to_networkx(sample_graph), edges="edges")
    assert set(ours) == set(theirs) == {"directed", "multigraph", "graph", "nodes", "edges"}
    assert (ours["directed"], ours["multigraph"], ours["graph"]) == (True, True, {})

    def rows(items):
        return sorted(json.dumps(i, sort_keys=True) for i in items)

    assert rows(ours["nodes"]) == rows(theirs["nodes"])
    assert rows(ours["edges"]) == rows(theirs["edges"])


def test_graphml_encodes_lists_as_json_under_a_marked_name(sample_graph):
    buffer = io.BytesIO()
    write_graphml(sample_graph, buffer)
    root = ET.fromstring(buffer.getvalue())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {
        k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type"))
        for k in root.findall("g:key", ns)
    }
    assert ("node", "alias:json", "string") in keys.values()
    assert ("node", "quote_start", "long") in keys.values()
    assert ("edge", "type", "string") in keys.values()
    # What a plain GraphML reader sees: the JSON text.
    raw = nx.read_graphml(io.BytesIO(buffer.getvalue()), force_multigraph=True)
    assert raw.nodes["vladimir-putin"]["alias:json"] == (
        '["Poutine", "Putin", "le chef du Kremlin", "son homologue russe"]'
    )


def test_gexf_labels_are_names_and_relationship_types(sample_graph):
    buffer = io.BytesIO()
    write_gexf(sample_graph, buffer)
    raw = nx.read_gexf(io.BytesIO(buffer.getvalue()))
    assert raw.nodes["donald-trump"]["label"] == "Donald Trump"
    assert raw.nodes["donald-trump"]["class"] == "Person"
    key = "marco-rubio|HOLDS_POSITION|united-states"
    assert raw.edges["marco-rubio", "united-states", key]["label"] == "HOLDS_POSITION"
    assert "type" not in raw.edges["marco-rubio", "united-states", key]


def test_graphml_is_generated_piece_by_piece(sample_graph):
    pieces = generate_graphml(sample_graph)
    first = next(pieces)
    assert first.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert sum(1 for _ in pieces) > len(sample_graph)


def test_export_registry_writes_a_file_that_reads_back(sample_graph, tmp_path):
    path = tmp_path / "out" / "kg.graphml"
    export(sample_graph, "graphml", path)
    assert canonical(read_graphml(path)) == canonical(to_networkx(sample_graph))
    assert [p.name for p in path.parent.iterdir()] == ["kg.graphml"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_reading_a_broken_file_is_a_clear_error(tmp_path, fmt):
    path = tmp_path / "broken"
    path.write_bytes(b"<graphml><node")
    with pytest.raises(KGError, match=r"broken: not a .* file kg can read"):
        FORMATS[fmt][1](path)


def test_reading_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(KGError, match=r"cannot read .*missing\.graphml: No such file"):
        read_graphml(tmp_path / "missing.graphml")


# ---------------------------------------------------------------------------------- hostile values

_value = st.one_of(
    st.text(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.text(), min_size=1, max_size=4),
)
_names = st.sampled_from(["name", "note", "alias", "score", "flag", "quote"])


def _graph(node_props, edge_props):
    g = Graph()
    g.add_node(Node("a", "Person", node_props))
    g.add_node(Node("b", "Country", {"name": "B"}))
    g.add_edge(Edge.between("a", "HOLDS_POSITION", "b", edge_props))
    g.add_edge(Edge.between("a", "HOLDS_POSITION", "b", {"note": "second"}, qualifier="2"))
    return g


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    node_props=st.dictionaries(_names, _value, max_size=4),
    edge_props=st.dictionaries(_names, _value, max_size=3),
    fmt=st.sampled_from(sorted(FORMATS)),
)
def test_any_value_survives_the_round_trip(node_props, edge_props, fmt):
    graph = _graph(node_props, edge_props)
    assert canonical(roundtrip(graph, fmt, "full")) == canonical(to_networkx(graph))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_characters_xml_cannot_carry_survive(fmt):
    hostile = "nul\x00 bell\x07 cr\r lf\n tab\t lone\ud800 bom\ufeff nonchar\uffff <&>\"' ]]>"
    graph = _graph({"name": hostile, "alias": [hostile, ""], "note": ""}, {"note": "  padded  "})
    got = roundtrip(graph, fmt, "full")
    assert got.nodes["a"]["name"] == hostile
    assert got.nodes["a"]["alias"] == [hostile, ""]
    assert got.nodes["a"]["note"] == ""
    assert canonical(got) == canonical(to_networkx(graph))


def test_infinite_floats_survive():
    graph = _graph({"score": math.inf, "flag": -math.inf}, {})
    for fmt in FORMATS:
        got = roundtrip(graph, fmt, "full")
        assert (got.nodes["a"]["score"], got.nodes["a"]["flag"]) == (math.inf, -math.inf)
