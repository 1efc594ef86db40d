"""Analysis of the article's actor network: degrees, betweenness, sides, brokers, timeline, plot.

The expected values are worked out by hand from kg/data/article.facts.yaml. Interactions (from
the initiator to every other actor of an event; ``--`` when no source names an initiator, the
edge then starting at the first participant with ``directed`` False):
russia -> ukraine (demand), russia -- ukraine (talks, hoped ceasefire), russian-armed-forces ->
ukraine (attacks), united-states -> russia and -> ukraine (mediation offer), marco-rubio ->
sergey-lavrov (call), donald-trump -> vladimir-putin, -> volodymyr-zelenskyy, -> nato (calls to
come), vladimir-putin -- donald-trump (the call of 18 March).
Sides of the war: Russia with Putin and Lavrov (offices), its foreign ministry and armed forces
(parts); Ukraine with Zelenskyy and the senior official (offices).
"""

from __future__ import annotations

import json

import networkx as nx
import pytest
from matplotlib.patches import ArrowStyle, FancyArrowPatch
from matplotlib.text import Annotation

from kg.analyze import (
    STATUS_STYLES,
    AnalysisReport,
    affiliation_types,
    analyze,
    betweenness,
    brokers,
    degree_table,
    draw_actor_network,
    layout,
    plot_actor_network,
    sides,
    timeline,
)
from kg.errors import KGError
from kg.export.nx import actor_view
from kg.model import Edge, Graph, Node
from kg.ontology import load_ontology

PAIRS = 16 * 15 / 2  # pairs of the other 16 actors, for normalized betweenness


@pytest.fixture(scope="module")
def report(sample_graph) -> AnalysisReport:
    return analyze(sample_graph)


def test_degree_table(sample_graph):
    rows = [
        (r.actor, r.label, r.in_degree, r.out_degree, r.undirected_degree, r.degree, r.partners)
        for r in degree_table(actor_view(sample_graph))
    ]
    # An interaction nobody names the initiator of counts as undirected for both its ends, never
    # as initiated by the first participant (Putin on 18 March, Russia at the talks).
    assert rows == [
        ("ukraine", "Country", 3, 0, 2, 5, 3),
        ("donald-trump", "Person", 0, 3, 1, 4, 3),
        ("russia", "Country", 1, 1, 2, 4, 2),
        ("united-states", "Country", 0, 2, 0, 2, 2),
        ("vladimir-putin", "Person", 1, 0, 1, 2, 1),
        ("marco-rubio", "Person", 0, 1, 0, 1, 1),
        ("nato", "Organisation", 1, 0, 0, 1, 1),
        ("russian-armed-forces", "Organisation", 0, 1, 0, 1, 1),
        ("sergey-lavrov", "Person", 1, 0, 0, 1, 1),
        ("volodymyr-zelenskyy", "Person", 1, 0, 0, 1, 1),
        ("reuters", "Organisation", 0, 0, 0, 0, 0),
        ("russian-foreign-ministry", "Organisation", 0, 0, 0, 0, 0),
        ("senior-ukrainian-official", "Person", 0, 0, 0, 0, 0),
        ("truth-social", "Organisation", 0, 0, 0, 0, 0),
        ("turkey", "Country", 0, 0, 0, 0, 0),
        ("us-department-of-state", "Organisation", 0, 0, 0, 0, 0),
        ("x-platform", "Organisation", 0, 0, 0, 0, 0),
    ]


def test_betweenness(sample_graph):
    scores = betweenness(actor_view(sample_graph))
    # Trump is on the paths between Putin, Zelenskyy and NATO (3 pairs); Ukraine on those from
    # the Russian armed forces to Russia and to the United States (2 pairs); nobody else.
    assert list(scores)[:2] == ["donald-trump", "ukraine"]
    assert scores["donald-trump"] == pytest.approx(3 / PAIRS)
    assert scores["ukraine"] == pytest.approx(2 / PAIRS)
    assert sum(scores.values()) == pytest.approx(5 / PAIRS)
    assert len(scores) == 17
    zeros = list(scores)[2:]
    assert zeros == sorted(zeros)
    assert all(scores[a] == 0 for a in zeros)


def test_betweenness_estimated_from_every_actor_is_exact(sample_graph):
    view = actor_view(sample_graph)
    assert betweenness(view, sample=100) == pytest.approx(betweenness(view))
    with pytest.raises(KGError, match="at least 1 actor"):
        betweenness(view, sample=0)


def test_affiliation_types_come_from_the_ontology():
    assert affiliation_types(load_ontology()) == ["HOLDS_POSITION", "MEMBER_OF", "PART_OF"]


def test_sides(sample_graph):
    assert sides(sample_graph) == {
        "russian-invasion-of-ukraine": {
            "russia": [
                "russia",
                "russian-armed-forces",
                "russian-foreign-ministry",
                "sergey-lavrov",
                "vladimir-putin",
            ],
            "ukraine": ["senior-ukrainian-official", "ukraine", "volodymyr-zelenskyy"],
        }
    }


def test_brokers(sample_graph):
    found = brokers(sample_graph)
    # Trump calls Putin and (planned) Zelenskyy; the United States offer mediation to both
    # countries; NATO reaches both sides only through Trump. Rubio reaches the Russian side only.
    assert [(b.actor, b.conflict, b.direct, b.reaches) for b in found] == [
        (
            "donald-trump",
            "russian-invasion-of-ukraine",
            {"russia": ["vladimir-putin"], "ukraine": ["volodymyr-zelenskyy"]},
            {"russia": ["vladimir-putin"], "ukraine": ["volodymyr-zelenskyy"]},
        ),
        (
            "nato",
            "russian-invasion-of-ukraine",
            {},
            {"russia": ["vladimir-putin"], "ukraine": ["volodymyr-zelenskyy"]},
        ),
        (
            "united-states",
            "russian-invasion-of-ukraine",
            {"russia": ["russia"], "ukraine": ["ukraine"]},
            {"russia": ["russia"], "ukraine": ["ukraine"]},
        ),
    ]
    assert [b.betweenness for b in found] == pytest.approx([3 / PAIRS, 0.0, 0.0])
    assert found[0].name == "Donald Trump"


def test_brokers_follow_chains_of_affiliation_and_neutral_paths():
    ont = load_ontology()
    g = Graph()
    for node_id, label in [
        ("war", "Conflict"),
        ("a", "Country"),
        ("b", "Country"),
        ("ministry", "Organisation"),
        ("minister", "Person"),
        ("x", "Person"),
        ("y", "Person"),
        ("z", "Person"),
    ]:
        g.add_node(Node(node_id, label, {"name": node_id.upper()}))
    g.add_edge(Edge.between("war", ont.belligerent_type, "a"))
    g.add_edge(Edge.between("war", ont.belligerent_type, "b"))
    g.add_edge(Edge.between("ministry", "PART_OF", "a"))
    g.add_edge(Edge.between("minister", "HOLDS_POSITION", "ministry"))
    for source, target in [("x", "minister"), ("x", "y"), ("b", "y"), ("z", "a")]:
        g.add_edge(
            Edge.between(source, ont.interaction_type, target, {"event": f"e-{source}-{target}"})
        )
    assert sides(g)["war"] == {"a": ["a", "minister", "ministry"], "b": ["b"]}
    found = {b.actor: (b.direct, b.reaches) for b in brokers(g)}
    assert found == {
        "x": ({"a": ["minister"]}, {"a": ["minister"], "b": ["b"]}),
        "y": ({"b": ["b"]}, {"a": ["minister"], "b": ["b"]}),
    }


def test_timeline(sample_graph):
    rows = [
        (
            r.date,
            r.date_end,
            r.local_time,
            r.time_zone,
            r.date_qualifier,
            r.label,
            r.status,
            r.event,
            r.actors,
        )
        for r in timeline(sample_graph)
    ]
    assert rows == [
        (
            "2022-02", None, None, None, None, "Conflict", "occurred",
            "russian-invasion-of-ukraine", [],
        ),
        (
            "2025-03-18", None, None, None, None, "Call", "occurred", "call-trump-putin-2025-03-18",
            ["vladimir-putin", "donald-trump"],
        ),
        (
            "2025-05-16", "2025-05-17", None, None, None, "MilitaryAction", "occurred",
            "attacks-russia-ukraine-2025-05-16-night", ["russian-armed-forces", "ukraine"],
        ),
        (
            "2025-05-16", None, None, None, None, "Demand", "occurred",
            "demand-withdrawal-2025-05-16", ["russia", "ukraine"],
        ),
        (
            "2025-05-16", None, None, None, None, "Negotiation", "occurred",
            "negotiation-istanbul-2025-05-16", ["russia", "ukraine"],
        ),
        (
            "2025-05-17", None, None, None, None, "Announcement", "occurred",
            "announcement-trump-truth-social-2025-05-17", ["donald-trump"],
        ),
        (
            "2025-05-17", None, None, None, None, "Call", "occurred",
            "call-rubio-lavrov-2025-05-17", ["marco-rubio", "sergey-lavrov"],
        ),
        (
            "2025-05-17", None, None, None, None, "Endorsement", "occurred",
            "endorsement-rubio-istanbul-agreements", ["marco-rubio"],
        ),
        (
            "2025-05-17", None, None, None, None, "MediationOffer", "occurred",
            "mediation-offer-us-2025-05-17", ["united-states", "russia", "ukraine"],
        ),
        (
            "2025-05-17", None, None, None, "before", "Proposal", "occurred",
            "proposal-us-peace-plan", ["united-states"],
        ),
        (
            "2025-05-19", None, None, None, "after", "Call", "planned",
            "call-trump-nato-members-after-2025-05-19", ["donald-trump", "nato"],
        ),
        (
            "2025-05-19", None, "10:00", "unknown", None, "Call", "announced",
            "call-trump-putin-2025-05-19", ["donald-trump", "vladimir-putin"],
        ),
        (
            "2025-05-19", None, None, None, "after", "Call", "planned",
            "call-trump-zelenskyy-after-2025-05-19", ["donald-trump", "volodymyr-zelenskyy"],
        ),
        (
            "2025-05-19", None, None, None, None, "Ceasefire", "hoped",
            "ceasefire-hoped-2025-05-19", ["russia", "ukraine"],
        ),
        (
            None, None, None, None, None, "Withdrawal", "demanded",
            "withdrawal-from-claimed-regions", ["ukraine"],
        ),
    ]  # fmt: skip


def test_report_to_dict_is_json(report):
    data = json.loads(json.dumps(report.to_dict()))
    assert (data["actors"], data["interactions"], data["events"]) == (17, 11, 15)
    assert data["degrees"][0] == {
        "actor": "ukraine",
        "name": "Ukraine",
        "label": "Country",
        "in_degree": 3,
        "out_degree": 0,
        "undirected_degree": 2,
        "degree": 5,
        "partners": 3,
    }
    assert [b["actor"] for b in data["brokers"]] == ["donald-trump", "nato", "united-states"]
    assert data["timeline"][-1]["event"] == "withdrawal-from-claimed-regions"
    assert data["sides"]["russian-invasion-of-ukraine"]["ukraine"] == [
        "senior-ukrainian-official",
        "ukraine",
        "volodymyr-zelenskyy",
    ]
    assert data["betweenness"]["donald-trump"] == pytest.approx(3 / PAIRS)


def test_report_to_text_has_fixed_width_tables(report):
    lines = report.to_text().splitlines()
    assert lines[0] == "Actor network: 17 actors, 11 interactions, 15 events"
    assert lines[2] == (
        "Degrees (interactions in, out, without a named initiator, total; distinct partners)"
    )
    header, rule, first = lines[3:6]
    assert header.split() == [
        "actor", "class", "in", "out", "undirected", "total", "partners", "betweenness"
    ]  # fmt: skip
    assert first.split("  ")[0] == "Ukraine"
    assert first.split()[-6:] == ["3", "0", "2", "5", "3", "0.0167"]
    assert len(rule) == len(first)  # right-aligned numbers end under the rule
    broker_lines = [line for line in lines if line.startswith("Donald Trump ")]
    assert any("Russia" in line and "Vladimir Putin" in line for line in broker_lines)
    assert any(line.split()[:4] == ["2025-05-19", "10:00", "unknown", "-"] for line in lines)


def test_plot_writes_a_png(sample_graph, tmp_path):
    path = plot_actor_network(sample_graph, tmp_path / "actors.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    # Seeded layout: the same graph gives the same picture.
    again = plot_actor_network(sample_graph, tmp_path / "again.png").read_bytes()
    assert again == data


MARCH_CALL = "vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"
RUBIO_CALL = "marco-rubio|INTERACTS_WITH|sergey-lavrov|call-rubio-lavrov-2025-05-17"


@pytest.fixture(scope="module")
def drawing(sample_graph):
    figure = draw_actor_network(sample_graph)
    figure.canvas.draw()  # lays out the texts, so their boxes can be measured
    return figure


def _edges_drawn(figure) -> dict[str, FancyArrowPatch]:
    return {p.get_gid(): p for p in figure.axes[0].patches if isinstance(p, FancyArrowPatch)}


def test_plot_draws_an_interaction_without_initiator_without_arrow(drawing, sample_graph):
    drawn = _edges_drawn(drawing)
    view = actor_view(sample_graph)
    assert set(drawn) == {key for *_, key in view.edges(keys=True)}
    assert isinstance(drawn[MARCH_CALL].get_arrowstyle(), ArrowStyle.Curve)  # a line, no head
    assert isinstance(drawn[RUBIO_CALL].get_arrowstyle(), ArrowStyle.CurveFilledB)
    for *_, key, directed in view.edges(keys=True, data="directed"):
        has_head = not isinstance(drawn[key].get_arrowstyle(), ArrowStyle.Curve)
        assert has_head is directed, key


def test_plot_gives_each_status_its_own_line_style(drawing):
    drawn = _edges_drawn(drawing)
    planned = "donald-trump|INTERACTS_WITH|nato|call-trump-nato-members-after-2025-05-19"
    announced = "donald-trump|INTERACTS_WITH|vladimir-putin|call-trump-putin-2025-05-19"
    hoped = "russia|INTERACTS_WITH|ukraine|ceasefire-hoped-2025-05-19"
    assert drawn[planned].get_linestyle() == "dashed"
    assert drawn[announced].get_linestyle() == "dashdot"
    assert drawn[hoped].get_linestyle() == "dotted"
    assert drawn[RUBIO_CALL].get_linestyle() == "solid"
    # Every status, not only those of the article, has a line pattern of its own (not only a
    # colour), so the picture reads in grey too.
    styles = [repr(style) for style, _ in STATUS_STYLES.values()]
    assert len(set(styles)) == len(STATUS_STYLES)


def test_plot_legend_names_statuses_and_what_an_arrow_means(drawing):
    legend = drawing.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [
        "Person",
        "Country",
        "Organisation",
        "occurred",
        "planned",
        "announced",
        "hoped",
        "arrow: from the initiator a source names",
        "no arrow: no source names who initiated",
    ]
    styles = dict(zip(texts, legend.legend_handles, strict=True))
    assert styles["planned"].get_linestyle() != styles["announced"].get_linestyle()
    assert isinstance(
        styles["no arrow: no source names who initiated"].get_arrowstyle(), ArrowStyle.Curve
    )


def test_plot_arrow_heads_are_not_hidden_under_names(drawing):
    """A head under a name's box would read as a line without arrow, that is, without initiator."""
    ax = drawing.axes[0]
    renderer = drawing.canvas.get_renderer()
    boxes = [
        text.get_bbox_patch().get_window_extent(renderer)
        for text in ax.texts
        if isinstance(text, Annotation)
    ]
    assert len(boxes) == 10
    for key, patch in _edges_drawn(drawing).items():
        if isinstance(patch.get_arrowstyle(), ArrowStyle.Curve):
            continue
        head = ax.transData.transform(patch.get_path().vertices[3:6])
        for box in boxes:
            assert not any(box.contains(x, y) for x, y in head), key


def test_plot_of_a_graph_without_interactions(tmp_path):
    g = Graph()
    g.add_node(Node("p", "Person", {"name": "Alone"}))
    data = plot_actor_network(g, tmp_path / "empty.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_to_a_missing_folder_is_a_clear_error(sample_graph, tmp_path):
    with pytest.raises(KGError, match=r"cannot write .*nowhere/actors\.png"):
        plot_actor_network(sample_graph, tmp_path / "nowhere" / "actors.png")


def test_layout_keeps_components_apart():
    simple = nx.Graph([("a", "b"), ("b", "c"), ("d", "e"), ("f", "g")])
    simple.add_node("h")
    pos = layout(simple)
    assert layout(simple) == pos
    boxes = []
    for component in ("abc", "de", "fg", "h"):
        xs, ys = [pos[n][0] for n in component], [pos[n][1] for n in component]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, (x0, x1, y0, y1) in enumerate(boxes):
        for u0, u1, v0, v1 in boxes[i + 1 :]:
            assert x1 < u0 or u1 < x0 or y1 < v0 or v1 < y0  # no two components overlap


def test_a_component_of_500_actors_or_more_is_laid_out():
    # NetworkX lays out a component that large with SciPy, a dependency of kg since the imports
    # of event data give stores of a thousand actors and more.
    import networkx as nx

    from kg.analyze import layout

    graph = nx.relabel_nodes(nx.path_graph(600), str)
    pos = layout(graph)
    assert set(pos) == set(graph)
    assert len(set(pos.values())) == 600
