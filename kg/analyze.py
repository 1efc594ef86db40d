"""Analysis of the actor interaction network: degrees, betweenness, brokers, timeline, a plot.

Everything works on the actor view (:func:`kg.export.nx.actor_view`): the actors and the
interaction edges derived from events. The sides of a conflict come from the graph itself: each
belligerent of a conflict, plus the actors affiliated to it (a person holding a position in it, a
ministry or armed force that is part of it, and so on down the chain). The affiliation types are
found in the ontology, not named here: the relationship types read from facts whose both ends are
actors. A *broker* of a conflict is an actor on none of its sides whose interactions reach at
least two sides, through actors that are on no side themselves.

>>> from kg.facts import load_facts, sample_facts_path
>>> report = analyze(load_facts(sample_facts_path()))
>>> [(b.actor, b.direct) for b in report.brokers][0]
('donald-trump', {'russia': ['vladimir-putin'], 'ukraine': ['volodymyr-zelenskyy']})
>>> [b.actor for b in report.brokers]
['donald-trump', 'nato', 'united-states']
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.errors import KGError
from kg.export.nx import actor_view
from kg.model import Graph
from kg.ontology import Ontology, load_ontology

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "STATUS_STYLES",
    "AnalysisReport",
    "Broker",
    "DegreeRow",
    "TimelineRow",
    "affiliation_types",
    "analyze",
    "betweenness",
    "brokers",
    "degree_table",
    "draw_actor_network",
    "layout",
    "plot_actor_network",
    "sides",
    "timeline",
]


# ------------------------------------------------------------------------------------------ degrees


@dataclass(frozen=True)
class DegreeRow:
    """How connected one actor is: its interactions by direction, in all, and distinct partners.

    ``out_degree`` counts the interactions a source names it the initiator of, ``in_degree`` those
    another actor initiated, ``undirected_degree`` those whose initiator no source names (an edge
    with ``directed`` False, which credits neither end).
    """

    actor: str
    name: str
    label: str
    in_degree: int
    out_degree: int
    undirected_degree: int
    degree: int
    partners: int


def degree_table(view: nx.MultiDiGraph) -> list[DegreeRow]:
    """One row per actor of the view, the most connected first (then by partners, then id).

    Parallel interactions (two events between the same actors) count once each in the degrees and
    once in ``partners``. An edge without a ``directed`` attribute counts as directed.
    """
    rows = []
    for actor, data in view.nodes(data=True):
        partners = (set(view.predecessors(actor)) | set(view.successors(actor))) - {actor}
        outgoing = [d for *_, d in view.out_edges(actor, data="directed", default=True)]
        incoming = [d for *_, d in view.in_edges(actor, data="directed", default=True)]
        outdeg = sum(1 for d in outgoing if d is not False)
        indeg = sum(1 for d in incoming if d is not False)
        undirected = len(outgoing) + len(incoming) - outdeg - indeg
        rows.append(
            DegreeRow(
                actor=actor,
                name=str(data.get("name", actor)),
                label=str(data.get("label", "")),
                in_degree=indeg,
                out_degree=outdeg,
                undirected_degree=undirected,
                degree=indeg + outdeg + undirected,
                partners=len(partners),
            )
        )
    return sorted(rows, key=lambda r: (-r.degree, -r.partners, r.actor))


# ------------------------------------------------------------------------------- betweenness


def _simple(view: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph of the view: one edge per pair of actors that interact."""
    simple = nx.Graph()
    simple.add_nodes_from(view)
    simple.add_edges_from((u, v) for u, v in view.edges() if u != v)
    return simple


def betweenness(
    view: nx.MultiDiGraph, *, sample: int | None = None, seed: int = 0
) -> dict[str, float]:
    """Normalized betweenness centrality of each actor on the undirected simple projection.

    Sorted from the highest value down, then by id. Normalized as networkx does: the share of the
    pairs of other actors whose shortest paths run through the actor. Exact betweenness costs
    time in actors times interactions; for large networks give ``sample``, the number of source
    actors to estimate it from (networkx's ``k``, drawn with ``seed``).
    """
    simple = _simple(view)
    k = min(sample, simple.number_of_nodes()) if sample is not None else None
    if k is not None and k < 1:
        raise KGError(f"the betweenness sample must be at least 1 actor, not {sample}")
    scores = nx.betweenness_centrality(simple, k=k, normalized=True, seed=seed)
    return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))


# ------------------------------------------------------------------------- sides and brokers


def affiliation_types(ontology: Ontology | None = None) -> list[str]:
    """Relationship types that tie an actor to another one it belongs to (offices, parts ...).

    Those read from facts (not derived) whose allowed sources and targets are all actors.

    >>> sorted(affiliation_types())
    ['HOLDS_POSITION', 'MEMBER_OF', 'PART_OF']
    """
    ont = ontology or load_ontology()
    actors = set(ont.actor_labels)
    return [
        rel.type
        for rel in ont.relationships.values()
        if not rel.derived
        and not rel.actor_role
        and rel.sources <= actors
        and rel.targets <= actors
    ]


def sides(graph: Graph, ontology: Ontology | None = None) -> dict[str, dict[str, list[str]]]:
    """For each conflict, its sides: belligerent id -> the actors on that side, sorted.

    A side holds the belligerent and every actor with a chain of affiliations leading to it.
    """
    ont = ontology or load_ontology()
    affiliations = set(affiliation_types(ont))
    members_of: dict[str, list[str]] = defaultdict(list)  # target -> actors affiliated to it
    belligerents: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges.values():
        if edge.type in affiliations:
            members_of[edge.target].append(edge.source)
        elif edge.type == ont.belligerent_type:
            belligerents[edge.source].append(edge.target)
    result: dict[str, dict[str, list[str]]] = {}
    for conflict in sorted(belligerents):
        result[conflict] = {}
        for side in belligerents[conflict]:
            seen = {side}
            todo = [side]
            while todo:
                for member in members_of.get(todo.pop(), ()):
                    if member not in seen:
                        seen.add(member)
                        todo.append(member)
            result[conflict][side] = sorted(seen)
    return result


@dataclass(frozen=True)
class Broker:
    """An actor on no side of a conflict whose interactions reach two sides or more."""

    actor: str
    name: str
    conflict: str
    betweenness: float
    direct: dict[str, list[str]]  # side -> the side's actors it interacts with itself
    reaches: dict[str, list[str]]  # side -> the side's actors reached through non-side actors


def brokers(
    graph: Graph,
    *,
    view: nx.MultiDiGraph | None = None,
    centrality: Mapping[str, float] | None = None,
    ontology: Ontology | None = None,
) -> list[Broker]:
    """The brokers of every conflict of the graph, by conflict, then highest betweenness, then id.

    ``view`` and ``centrality`` default to :func:`~kg.export.nx.actor_view` and
    :func:`betweenness` of the graph; pass them when already computed.
    """
    ont = ontology or load_ontology()
    view = view if view is not None else actor_view(graph, ont)
    centrality = centrality if centrality is not None else betweenness(view)
    simple = _simple(view)
    found: list[Broker] = []
    for conflict, conflict_sides in sides(graph, ont).items():
        side_of: dict[str, set[str]] = defaultdict(set)
        for side, members in conflict_sides.items():
            for member in members:
                side_of[member].add(side)
        neutral = simple.subgraph(a for a in simple if a not in side_of)
        # Every actor of a component of the neutral actors reaches the same side actors.
        for component in nx.connected_components(neutral):
            reached: dict[str, set[str]] = defaultdict(set)
            for actor in component:
                for other in simple[actor]:
                    for side in side_of.get(other, ()):
                        reached[side].add(other)
            if len(reached) < 2:
                continue
            for actor in component:
                direct: dict[str, set[str]] = defaultdict(set)
                for other in simple[actor]:
                    for side in side_of.get(other, ()):
                        direct[side].add(other)
                found.append(
                    Broker(
                        actor=actor,
                        name=str(view.nodes[actor].get("name", actor)),
                        conflict=conflict,
                        betweenness=centrality.get(actor, 0.0),
                        direct={s: sorted(direct[s]) for s in conflict_sides if s in direct},
                        reaches={s: sorted(reached[s]) for s in conflict_sides if s in reached},
                    )
                )
    return sorted(found, key=lambda b: (b.conflict, -b.betweenness, b.actor))


# ---------------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineRow:
    """One event, with its time as the source gives it and its actors, initiator first."""

    event: str
    date: str | None
    date_end: str | None
    local_time: str | None
    time_zone: str | None
    date_qualifier: str | None
    label: str
    name: str
    status: str | None
    actors: list[str]


def timeline(graph: Graph, ontology: Ontology | None = None) -> list[TimelineRow]:
    """Every event, sorted by date (ISO text, so coarser dates come first) then id; undated last."""
    ont = ontology or load_ontology()
    events = set(ont.event_labels)
    rank = {role: i for i, role in enumerate(ont.actor_role_types)}
    actors: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for edge in graph.edges.values():
        if edge.type in rank:
            actors[edge.source].append((rank[edge.type], edge.target))
    rows = []
    for node in graph.nodes.values():
        if node.label not in events:
            continue
        p = node.properties
        ordered = [actor for _, actor in sorted(actors.get(node.id, []), key=lambda ra: ra[0])]
        rows.append(
            TimelineRow(
                event=node.id,
                date=p.get("date"),
                date_end=p.get("date_end"),
                local_time=p.get("local_time"),
                time_zone=p.get("time_zone"),
                date_qualifier=p.get("date_qualifier"),
                label=node.label,
                name=node.name,
                status=p.get("status"),
                actors=list(dict.fromkeys(ordered)),
            )
        )
    return sorted(rows, key=lambda r: (r.date is None, r.date or "", r.event))


# ------------------------------------------------------------------------------------------ report


@dataclass
class AnalysisReport:
    """Everything :func:`analyze` finds, ready for JSON (:meth:`to_dict`) or a terminal."""

    actors: int
    interactions: int
    events: int
    degrees: list[DegreeRow]
    betweenness: dict[str, float]
    sides: dict[str, dict[str, list[str]]]
    brokers: list[Broker]
    timeline: list[TimelineRow]
    names: dict[str, str] = field(default_factory=dict)  # node id -> display name

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, strings and numbers: ``json.dumps`` takes it as it is."""
        return {
            "actors": self.actors,
            "interactions": self.interactions,
            "events": self.events,
            "degrees": [asdict(r) for r in self.degrees],
            "betweenness": dict(self.betweenness),
            "sides": self.sides,
            "brokers": [asdict(b) for b in self.brokers],
            "timeline": [asdict(r) for r in self.timeline],
        }

    def _name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)

    def _names(self, ids: Iterable[str]) -> str:
        return ", ".join(self._name(i) for i in ids)

    def to_text(self) -> str:
        """Fixed-width tables for a terminal."""
        parts = [
            f"Actor network: {self.actors} actors, {self.interactions} interactions, "
            f"{self.events} events",
            "",
            "Degrees (interactions in, out, without a named initiator, total; distinct partners)",
            _table(
                ["actor", "class", "in", "out", "undirected", "total", "partners", "betweenness"],
                [
                    [
                        r.name,
                        r.label,
                        r.in_degree,
                        r.out_degree,
                        r.undirected_degree,
                        r.degree,
                        r.partners,
                        f"{self.betweenness.get(r.actor, 0.0):.4f}",
                    ]
                    for r in self.degrees
                ],
                numeric={2, 3, 4, 5, 6, 7},
            ),
        ]
        for conflict, conflict_sides in self.sides.items():
            parts += ["", f"Sides of {self._name(conflict)}"]
            parts.append(
                _table(
                    ["side", "actors"],
                    [[self._name(s), self._names(m)] for s, m in conflict_sides.items()],
                )
            )
        parts += ["", "Brokers (on no side, interactions reaching two sides or more)"]
        if self.brokers:
            rows = []
            for b in self.brokers:
                for side, reached in b.reaches.items():
                    rows.append(
                        [
                            b.name,
                            self._name(b.conflict),
                            f"{b.betweenness:.4f}",
                            self._name(side),
                            self._names(b.direct.get(side, [])) or "-",
                            self._names(reached),
                        ]
                    )
            headers = ["broker", "conflict", "betweenness", "side", "direct", "reaches"]
            parts.append(_table(headers, rows, numeric={2}))
        else:
            parts.append("(none)")
        parts += ["", "Timeline"]
        parts.append(
            _table(
                ["date", "time", "zone", "when", "class", "status", "event", "actors"],
                [
                    [
                        r.date if r.date_end is None else f"{r.date}/{r.date_end}",
                        r.local_time,
                        r.time_zone,
                        r.date_qualifier,
                        r.label,
                        r.status,
                        _clip(r.name, 48),
                        self._names(r.actors),
                    ]
                    for r in self.timeline
                ],
            )
        )
        return "\n".join(parts)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    """Columns padded to their widest cell; numbers right-aligned; missing values as ``-``."""
    numeric = numeric or set()
    cells = [[("-" if v is None or v == "" else str(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        padded = [
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return "\n".join(
        [line(headers), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    )


def analyze(
    graph: Graph, ontology: Ontology | None = None, *, betweenness_sample: int | None = None
) -> AnalysisReport:
    """Degrees, betweenness, sides, brokers and timeline of a graph's actor network.

    ``betweenness_sample`` estimates betweenness from that many actors (see :func:`betweenness`).

    >>> from kg.facts import load_facts, sample_facts_path
    >>> report = analyze(load_facts(sample_facts_path()))
    >>> report.actors, report.interactions, report.events
    (17, 11, 15)
    """
    ont = ontology or load_ontology()
    view = actor_view(graph, ont)
    centrality = betweenness(view, sample=betweenness_sample)
    found_brokers = brokers(graph, view=view, centrality=centrality, ontology=ont)
    events = timeline(graph, ont)
    return AnalysisReport(
        actors=view.number_of_nodes(),
        interactions=view.number_of_edges(),
        events=len(events),
        degrees=degree_table(view),
        betweenness=centrality,
        sides=sides(graph, ont),
        brokers=found_brokers,
        timeline=events,
        names={node.id: node.name for node in graph.nodes.values()},
    )


# -------------------------------------------------------------------------------------- plot

# Line style and colour of an interaction by the status of its event: each status its own
# pattern, so the picture reads in grey too (matplotlib dash tuples are (offset, (on, off, ...))).
STATUS_STYLES: dict[str, tuple[Any, str]] = {
    "occurred": ("solid", "#333333"),
    "planned": ("dashed", "#333333"),
    "announced": ("dashdot", "#333333"),
    "hoped": ("dotted", "#333333"),
    "demanded": ((0, (5, 1.5, 1, 1.5, 1, 1.5)), "#333333"),  # dash dot dot
    "not_reached": ((0, (9, 3)), "#d62728"),  # long dashes, red
}
_OTHER_STATUS: tuple[Any, str] = ((0, (1, 4)), "#999999")  # sparse dots, grey
# From the initiator a source names; a line without a head when no source names one.
_ARROW, _NO_ARROW = "-|>", "-"
_NODE_GAP = 15.0  # points between a node's centre and the ends of its edges
_NAME_OFFSET, _NAME_SIZE, _NAME_PAD = 15.0, 10.0, 2.0  # points: a name sits above its node


def _name_box(name: str) -> tuple[float, float, float]:
    """Half width, bottom and top of a node's name box, in points from the node's centre."""
    from matplotlib.textpath import TextPath

    width = TextPath((0, 0), name, size=_NAME_SIZE).get_extents().width
    bottom = _NAME_OFFSET - _NAME_PAD
    return width / 2 + _NAME_PAD, bottom, bottom + 1.2 * _NAME_SIZE + 2 * _NAME_PAD


def _end_gap(dx: float, dy: float, box: tuple[float, float, float]) -> float:
    """How far from a node an edge arriving from direction (dx, dy) must stop to clear its name.

    The name's box would hide an arrow head that ends under it; the gap is where a ray from the
    node's centre towards (dx, dy) leaves the box, or the usual gap when it misses the box.
    """
    length = (dx * dx + dy * dy) ** 0.5
    half_width, bottom, top = box
    if length == 0 or dy <= 0:
        return _NODE_GAP
    ux, uy = dx / length, dy / length
    enter, leave = bottom / uy, top / uy
    if ux != 0:
        enter = max(enter, min(-half_width / ux, half_width / ux))
        leave = min(leave, max(-half_width / ux, half_width / ux))
    return max(_NODE_GAP, leave + 3.0) if enter <= leave else _NODE_GAP


_CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _spread_layout(simple: nx.Graph, nodes: list[str], seed: int) -> dict[str, tuple[float, float]]:
    """A seeded spring layout of one component, independent of set and hash order.

    A small component is laid out with a few seeds and the layout whose closest two actors are
    furthest apart (against its widest distance) wins, so names and labels do not pile up.
    """
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    # A subgraph view iterates a set, whose order changes from one process to the next: build
    # the component in sorted order so the layout depends on the graph only.
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in simple.subgraph(nodes).edges()))
    scale = 1.3 * len(nodes) ** 0.5
    best: dict[str, tuple[float, float]] = {}
    best_spread = -1.0
    for attempt in range(8 if len(nodes) <= 12 else 1):
        raw = nx.spring_layout(sub, seed=seed + attempt, iterations=300, scale=scale)
        pos = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}
        gaps = [
            ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5
            for i, a in enumerate(nodes)
            for b in nodes[i + 1 :]
        ]
        spread = min(gaps) / max(max(gaps), 1e-9) if len(nodes) <= 12 else 0.0
        if spread > best_spread:
            best, best_spread = pos, spread
    return best


def layout(simple: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for a drawing: each connected component laid out on its own, side by side.

    A spring layout of a whole disconnected graph squeezes every component into a dot; here the
    components are drawn with a seeded spring layout each, scaled by their size, and placed in
    rows from the largest. The same graph always gives the same positions.

    >>> pos = layout(nx.Graph([("a", "b"), ("c", "d")]))
    >>> sorted(pos) == ["a", "b", "c", "d"]
    True
    """
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    placed: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for component in components:
        nodes = sorted(component)
        local = _spread_layout(simple, nodes, seed)
        x0 = min(p[0] for p in local.values())
        y1 = max(p[1] for p in local.values())
        local = {n: (px - x0, py - y1) for n, (px, py) in local.items()}  # top left at (0, 0)
        width = max(p[0] for p in local.values()) + 2.0
        height = -min(p[1] for p in local.values()) + 1.6
        placed.append((local, width, height))
    # Rows about twice as wide as the drawing is high (screens are wider than high).
    total = sum(w * h for _, w, h in placed)
    row_width = max(max((w for _, w, _ in placed), default=0.0), (2.5 * total) ** 0.5)
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for local, width, height in placed:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        pos.update({n: (x + px, y + py) for n, (px, py) in local.items()})
        x += width
        row_height = max(row_height, height)
    return pos


def draw_actor_network(graph: Graph, *, seed: int = 7, ontology: Ontology | None = None) -> Figure:
    """Draw the actors that interact, and their interactions, on a matplotlib figure.

    Nodes are coloured by class and labelled with names. Each interaction is a curve from the
    initiator of its event with an arrow head, or without a head when no source names an
    initiator (``directed`` False: its ends are then just the event's participants); its line
    shows the status of its event (:data:`STATUS_STYLES`: solid occurred, dashed planned,
    dash-dot announced, dotted hoped, dash-dot-dot demanded, red long dashes not reached) and its
    label the event class and date. Each curve is a
    :class:`~matplotlib.patches.FancyArrowPatch` whose ``gid`` is the edge's id. The legend names
    the classes, the statuses and what an arrow means. The layout is seeded, so the same graph
    gives the same picture.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.legend_handler import HandlerPatch
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    ont = ontology or load_ontology()
    view = actor_view(graph, ont)
    active = [a for a in view if view.degree(a) > 0]
    pos = layout(_simple(view).subgraph(active), seed)

    # About an inch per layout unit, so names and arrows keep their size however many actors.
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    x_range, y_range = (min(xs) - 1.0, max(xs) + 1.0), (min(ys) - 0.6, max(ys) + 0.8)
    width = min(max(x_range[1] - x_range[0], 8.0), 40.0)
    height = min(max(y_range[1] - y_range[0], 5.0), 40.0)
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    hidden = view.number_of_nodes() - len(active)
    ax.set_title(
        f"Actor interactions: {len(active)} actors, {view.number_of_edges()} interactions"
        + (f" ({hidden} actors without interactions not shown)" if hidden else ""),
        fontsize=12,
    )
    if not active:
        ax.text(0.5, 0.5, "no interactions", ha="center", va="center", fontsize=14)

    colours = {
        label: _CLASS_COLOURS[i % len(_CLASS_COLOURS)] for i, label in enumerate(ont.actor_labels)
    }
    # Parallel interactions between one pair bend more and more so each stays visible; an
    # interaction and its reverse bend to opposite sides.
    nth_of_pair: dict[tuple[str, str], int] = defaultdict(int)
    ordered = sorted(
        view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[3].get("event")))
    )
    names = {a: str(view.nodes[a].get("name", a)) for a in active}
    boxes: dict[str, tuple[float, float, float]] = {}
    heads: set[str] = set()
    for u, v, key, data in ordered:
        nth = nth_of_pair[u, v]
        nth_of_pair[u, v] += 1
        rad = 0.15 + 0.3 * nth
        style, colour = STATUS_STYLES.get(str(data.get("status")), _OTHER_STATUS)
        # The control point of the arc3 curve (matplotlib's own formula): the curve leaves u
        # towards it and reaches v from it.
        (x1, y1), (x2, y2) = pos[u], pos[v]
        cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
        head = _NO_ARROW if data.get("directed") is False else _ARROW
        heads.add(head)
        gap = _NODE_GAP
        if head == _ARROW:  # the aspect is equal: directions in data are directions on paper
            box = boxes.get(v) or boxes.setdefault(v, _name_box(names[v]))
            gap = _end_gap(cx - x2, cy - y2, box)
        arrow = FancyArrowPatch(
            pos[u],
            pos[v],
            arrowstyle=head,
            connectionstyle=f"arc3,rad={rad}",
            mutation_scale=16,
            linestyle=style,
            linewidth=1.6,
            color=colour,
            shrinkA=_NODE_GAP,
            shrinkB=gap,
            zorder=1,
        )
        arrow.set_gid(str(key))
        ax.add_patch(arrow)
        # A point of the curve (a quadratic Bezier through the control point), further along or
        # back for parallel edges so their labels do not pile up.
        reverse = u > v and view.has_edge(v, u)  # the labels of u->v and v->u stagger too
        t = (0.5, 0.35, 0.65, 0.3, 0.7)[(nth + reverse) % 5]
        mx = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
        my = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
        date = str(data.get("date", ""))
        ax.text(
            mx,
            my,
            f"{data.get('event_type', '')} {date[5:] if len(date) == 10 else date}".strip(),
            fontsize=7,
            color=colour,
            ha="center",
            va="center",
            zorder=2,
            bbox={
                "boxstyle": "round,pad=0.1",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.7,
            },
        )
    for actor in active:
        label = view.nodes[actor].get("label", "")
        x, y = pos[actor]
        ax.scatter(
            [x], [y], s=600, color=colours.get(label, "#7f7f7f"), edgecolors="white", zorder=3
        )
        ax.annotate(
            names[actor],
            (x, y),
            xytext=(0, _NAME_OFFSET),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=_NAME_SIZE,
            zorder=4,
            bbox={
                "boxstyle": f"round,pad={_NAME_PAD / _NAME_SIZE}",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
        )
    if pos:
        ax.set_xlim(*x_range)
        ax.set_ylim(*y_range)

    present = {view.nodes[a].get("label") for a in active}
    handles: list[Any] = [
        Line2D(
            [], [], marker="o", linestyle="none", markersize=11, color=colours[label], label=label
        )
        for label in ont.actor_labels
        if label in present
    ]
    statuses = {str(d.get("status")) for *_, d in view.edges(data=True)}
    handles += [
        Line2D([], [], linestyle=style, color=colour, linewidth=1.6, label=status.replace("_", " "))
        for status, (style, colour) in STATUS_STYLES.items()
        if status in statuses
    ]
    if statuses - set(STATUS_STYLES):
        style, colour = _OTHER_STATUS
        handles.append(
            Line2D([], [], linestyle=style, color=colour, linewidth=1.6, label="other status")
        )
    meaning = {
        _ARROW: "arrow: from the initiator a source names",
        _NO_ARROW: "no arrow: no source names who initiated",
    }
    handles += [
        FancyArrowPatch(
            (0, 0), (1, 0), arrowstyle=head, color="#333333", linewidth=1.6, label=meaning[head]
        )
        for head in (_ARROW, _NO_ARROW)
        if head in heads
    ]
    if handles:
        ax.legend(
            handles=handles,
            handler_map={FancyArrowPatch: HandlerPatch(patch_func=_legend_arrow)},
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=9,
            title="class / status / direction",
        )
    return fig


def _legend_arrow(
    legend: Any,
    orig_handle: Any,
    xdescent: float,
    ydescent: float,
    width: float,
    height: float,
    fontsize: float,
) -> Any:
    """The legend's sample of an interaction: a straight line with the handle's head, or none."""
    from matplotlib.patches import FancyArrowPatch

    y = height / 2 - ydescent
    return FancyArrowPatch(
        (-xdescent, y),
        (width - xdescent, y),
        arrowstyle=orig_handle.get_arrowstyle(),
        mutation_scale=12,
        shrinkA=0,
        shrinkB=0,
    )


def plot_actor_network(
    graph: Graph,
    path: str | os.PathLike[str],
    *,
    seed: int = 7,
    dpi: int = 150,
    ontology: Ontology | None = None,
) -> Path:
    """Draw the actor network (see :func:`draw_actor_network`) to a PNG file; return its path."""
    fig = draw_actor_network(graph, seed=seed, ontology=ontology)
    target = Path(path)
    try:
        fig.savefig(target, format="png", dpi=dpi, bbox_inches="tight")
    except OSError as exc:
        raise KGError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
