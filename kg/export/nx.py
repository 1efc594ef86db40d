"""NetworkX views of the graph, and GraphML, GEXF and node-link JSON files of them.

Two views, both :class:`networkx.MultiDiGraph`:

- ``full`` (:func:`to_networkx`): every node, keyed by its id, with the attribute ``label`` (its
  class) and every property; every edge, keyed by its id, with the attribute ``type`` and every
  property. Facts carry their current view; where several sources describe one, its ``Claim``
  nodes (what each source said, :mod:`kg.claims`) and ``HAS_CLAIM`` edges are there too:
  ``full.subgraph(n for n, d in full.nodes(data=True) if d["label"] != "Claim")`` leaves them out.
- ``actors`` (:func:`actor_view`): the actors only, with ``label``, ``name``, ``wikidata`` and
  ``category`` where set, and the derived actor-to-actor interaction edges, each carrying the
  ``event`` it comes from, the ``event_type``, ``date``, ``status`` and ``directed``.

Direction. An interaction edge goes from the event's initiator when a source names one, and then
carries ``directed`` True. When no source does (the Trump-Putin call of 18 March has two
participants and no caller), the edge still needs a start and goes from the first participant,
but carries ``directed`` False: it has no direction, and which end is its source means nothing.
Treat such an edge as undirected: :func:`symmetric_view` gives a copy of the view in which it runs
both ways, so in- and out-degrees, successors and directed path searches credit neither end with
initiating it; ``symmetric_view(view).to_undirected()`` is the network with no direction at all,
one edge per interaction; and the interactions whose initiator is known are
``view.edge_subgraph((u, v, k) for u, v, k, d in view.edges(keys=True, data=True) if
d.get("directed"))``. The full view's interaction edges carry ``directed`` too.

The writers stream: each file is generated element by element from the :class:`~kg.model.Graph`,
never through an in-memory copy of the whole document, so memory stays flat however large the
graph. Each has a reader that gives back a MultiDiGraph equal to the view it was written from.

GraphML and GEXF hold only scalar attribute values (strings, integers, doubles, booleans), and
GraphML cannot tell an empty string from a missing one. A value they cannot hold as it is -- a list
(aliases), an empty string, or a string with a character XML 1.0 cannot carry -- is written as JSON
text under the attribute name with the suffix ``:json`` (``alias:json`` =
``["Trump", "le président américain"]``); :func:`read_graphml` and :func:`read_gexf` decode those
and drop the suffix. Property names are snake_case, so the suffix never meets a real name. Absent
values (``None``) are never written: the Graph has already dropped them. Integers are written as
``long``, floats as ``double``, booleans (``directed``) as ``boolean``; each reads back as the
Python type it was. In GEXF the node's ``label`` (what Gephi displays) is its name and its class
goes in the attribute ``class``; the edge's ``label`` is its relationship type. Node-link JSON
holds lists, integers and booleans natively and needs no encoding.

>>> from kg.facts import load_facts, sample_facts_path
>>> graph = load_facts(sample_facts_path())
>>> full = to_networkx(graph)
>>> full.nodes["donald-trump"]["label"], full.nodes["donald-trump"]["alias"]
('Person', ['Trump', 'le président américain'])
>>> view = actor_view(graph)
>>> key = "marco-rubio|INTERACTS_WITH|sergey-lavrov|call-rubio-lavrov-2025-05-17"
>>> view.edges["marco-rubio", "sergey-lavrov", key]["status"]
'occurred'
>>> view.edges["marco-rubio", "sergey-lavrov", key]["directed"]  # Rubio called Lavrov
True
>>> call = "vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"
>>> view.edges["vladimir-putin", "donald-trump", call]["directed"]  # nobody says who called
False
>>> symmetric_view(view).has_edge("donald-trump", "vladimir-putin", call)
True
>>> import io
>>> buffer = io.BytesIO()
>>> write_graphml(graph, buffer, view="actors")
>>> _ = buffer.seek(0)
>>> nodes_equal = dict(read_graphml(buffer).nodes(data=True)) == dict(view.nodes(data=True))
>>> nodes_equal
True
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, BinaryIO
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg.errors import KGError
from kg.model import Graph
from kg.ontology import Ontology, load_ontology

__all__ = [
    "ACTOR_ATTRIBUTES",
    "JSON_SUFFIX",
    "VIEWS",
    "actor_chunks",
    "actor_subgraph",
    "actor_view",
    "generate_gexf",
    "generate_graphml",
    "generate_node_link",
    "read_gexf",
    "read_graphml",
    "read_node_link",
    "symmetric_view",
    "to_networkx",
    "write_gexf",
    "write_graphml",
    "write_node_link",
]

VIEWS = ("full", "actors")
ACTOR_ATTRIBUTES = ("name", "wikidata", "category")  # node properties the actor view keeps
JSON_SUFFIX = ":json"

# Attribute names the views or the file formats use themselves; a property with one of these
# names could not be told apart from them.
_NODE_RESERVED = frozenset({"label", "id", "class"})
_EDGE_RESERVED = frozenset({"type", "id", "key", "source", "target", "label"})
# Characters XML 1.0 cannot carry, lone surrogates (which UTF-8 cannot encode) included.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHUNK = 2000  # pieces joined per write

NodeRow = tuple[str, Mapping[str, Any]]  # id, attributes
EdgeRow = tuple[str, str, str, Mapping[str, Any]]  # key, source, target, attributes
Source = str | os.PathLike[str] | IO[bytes]


# ------------------------------------------------------------------------------------------ views


class _View:
    """The nodes and edges of one view, as fresh iterators (writers walk them twice)."""

    def __init__(
        self, graph: Graph, view: str, ontology: Ontology | None = None, whole: bool = True
    ) -> None:
        if view not in VIEWS:
            raise KGError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
        self.graph = graph
        self.view = view
        self.whole = whole  # the graph holds every node, not one chunk of a stream
        if view == "actors":
            ont = ontology or load_ontology()
            self.actor_labels = frozenset(ont.actor_labels)
            self.interaction = ont.interaction_type

    def nodes(self) -> Iterator[NodeRow]:
        if self.view == "full":
            for node in self.graph.nodes.values():
                props = node.properties
                if not _NODE_RESERVED.isdisjoint(props):
                    raise _reserved("node", node.id, props, _NODE_RESERVED)
                yield node.id, {"label": node.label, **props}
            return
        for node in self.graph.nodes.values():
            if node.label in self.actor_labels:
                props = node.properties
                attrs = {"label": node.label}
                for name in ACTOR_ATTRIBUTES:
                    if name in props:
                        attrs[name] = props[name]
                yield node.id, attrs

    def edges(self) -> Iterator[EdgeRow]:
        if self.view == "full":
            for edge in self.graph.edges.values():
                props = edge.properties
                if not _EDGE_RESERVED.isdisjoint(props):
                    raise _reserved("edge", edge.id, props, _EDGE_RESERVED)
                yield edge.id, edge.source, edge.target, {"type": edge.type, **props}
            return
        nodes = self.graph.nodes
        for edge in self.graph.edges.values():
            if edge.type != self.interaction:
                continue
            if not self.whole or (
                nodes[edge.source].label in self.actor_labels
                and nodes[edge.target].label in self.actor_labels
            ):
                if not _EDGE_RESERVED.isdisjoint(edge.properties):
                    raise _reserved("edge", edge.id, edge.properties, _EDGE_RESERVED)
                # The edge's own dict: networkx copies it, and the writers only read it.
                yield edge.id, edge.source, edge.target, edge.properties


def _reserved(
    kind: str, element_id: str, props: Mapping[str, Any], reserved: frozenset[str]
) -> KGError:
    names = ", ".join(sorted(reserved.intersection(props)))
    return KGError(
        f"{kind} {element_id!r} has a property named {names}, "
        "a name the NetworkX export uses itself"
    )


def actor_subgraph(graph: Graph, ontology: Ontology | None = None) -> Graph:
    """The actors of ``graph`` with all their properties, and the interaction edges between them.

    A :class:`~kg.model.Graph`, so every exporter can write the actor network (``kg export
    --view actors``); :func:`actor_view` is the lean NetworkX view of the same network.

    >>> from kg.facts import load_facts, sample_facts_path
    >>> sub = actor_subgraph(load_facts(sample_facts_path()))
    >>> sorted(set(sub.counts()) - {"Person", "Country", "Organisation"})
    ['INTERACTS_WITH']
    """
    ont = ontology or load_ontology()
    actors = frozenset(ont.actor_labels)
    interaction = ont.interaction_type
    sub = Graph()
    for node in graph.nodes.values():
        if node.label in actors:
            sub.add_node(node)
    for edge in graph.edges.values():
        if edge.type == interaction and edge.source in sub.nodes and edge.target in sub.nodes:
            sub.add_edge(edge)
    return sub


def actor_chunks(chunks: Iterable[Graph], ontology: Ontology | None = None) -> Iterator[Graph]:
    """The actor network of a stream of graphs, chunk by chunk (see :func:`actor_subgraph`).

    Each chunk keeps its actors and its interaction edges; the ontology lets interactions join
    actors only, so no edge needs the other chunks to be kept or dropped.
    """
    ont = ontology or load_ontology()
    actors = frozenset(ont.actor_labels)
    interaction = ont.interaction_type
    for chunk in chunks:
        sub = Graph()
        sub.nodes.update((k, n) for k, n in chunk.nodes.items() if n.label in actors)
        sub.edges.update((k, e) for k, e in chunk.edges.items() if e.type == interaction)
        yield sub


def _chunks(graph: Graph | Iterable[Graph]) -> Iterable[Graph]:
    return (graph,) if isinstance(graph, Graph) else graph


def _build(
    graph: Graph | Iterable[Graph], view: str, ontology: Ontology | None = None
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    succ, pred, nodes = g._succ, g._pred, g._node
    shared: dict[Any, Any] = {}
    for chunk in _chunks(graph):
        v = _View(chunk, view, ontology, whole=isinstance(graph, Graph))
        for node_id, attrs in v.nodes():
            # The views build a fresh attribute dict per node: it is kept as it is.
            if node_id in nodes:
                nodes[node_id].update(attrs)
            else:
                nodes[node_id] = attrs
                succ[node_id] = {}
                pred[node_id] = {}
        # The adjacency is filled directly (networkx's own layout, as add_edge builds it): one
        # key dict per node pair shared by both directions, one attribute dict per edge.
        for key, source, target, attrs in v.edges():
            for end in (source, target):
                if end not in nodes:
                    nodes[end] = {}
                    succ[end] = {}
                    pred[end] = {}
            keydict = succ[source].get(target)
            if keydict is None:
                keydict = succ[source][target] = pred[target][source] = {}
            if view == "full":
                keydict[key] = attrs  # a fresh dict already
            else:
                # A copy of the graph's own dict; its few distinct values (class, status, dates)
                # are shared between the edges rather than held once per edge.
                keydict[key] = {
                    name: shared.setdefault(value, value)
                    if type(value) is str and name != "event"
                    else value
                    for name, value in attrs.items()
                }
    return g


def to_networkx(graph: Graph | Iterable[Graph]) -> nx.MultiDiGraph:
    """The whole graph as a MultiDiGraph.

    Nodes are keyed by id, with ``label`` (the class) and every property; edges are keyed by edge
    id, with ``type`` and every property. Property values are shared with ``graph``, not copied:
    change the lists of one and the other sees it. ``graph`` may be a stream of graphs (chunks
    from :func:`kg.facts.iter_facts` or a store's ``iter_graph``): then only the MultiDiGraph is
    held whole.

    >>> from kg.model import Edge, Node
    >>> g = Graph()
    >>> g.add_node(Node("putin", "Person", {"name": "Vladimir Putin"}))
    >>> g.add_node(Node("russia", "Country"))
    >>> g.add_edge(Edge.between("putin", "HOLDS_POSITION", "russia", {"position": "President"}))
    >>> [(source, target, key, data)] = to_networkx(g).edges(keys=True, data=True)
    >>> source, target, key
    ('putin', 'russia', 'putin|HOLDS_POSITION|russia')
    >>> data
    {'type': 'HOLDS_POSITION', 'position': 'President'}
    """
    return _build(graph, "full")


def actor_view(graph: Graph | Iterable[Graph], ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """The actor interaction network: actors, and the interaction edges derived from events.

    Every actor of the graph is a node (those without interactions too), with ``label``, and
    ``name``, ``wikidata``, ``category`` where set; every interaction edge is keyed by its id and
    carries ``event``, ``event_type``, ``date``, ``status`` (those set) and ``directed``, False
    when no source names the event's initiator (see :func:`symmetric_view`). The interaction
    edges are the ones :func:`kg.facts.derive_interactions` added to the graph.
    """
    return _build(graph, "actors", ontology)


def symmetric_view(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of a view in which every edge with ``directed`` False also runs the other way.

    The reverse edge has the same key and attributes. Directed measures (in- and out-degree,
    successors, PageRank, directed paths) then see an interaction whose initiator nobody names
    from both ends, instead of from the end that happens to be its start; the other edges are
    kept as they are. Count interactions by key or event, not by edge: an undirected one is two
    edges here, and ``.to_undirected()`` merges the two back into one.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", "call", directed=False)
    'call'
    >>> g.add_edge("a", "c", "demand", directed=True)
    'demand'
    >>> sorted(symmetric_view(g).edges(keys=True))
    [('a', 'b', 'call'), ('a', 'c', 'demand'), ('b', 'a', 'call')]
    >>> symmetric_view(g).to_undirected().number_of_edges()
    2
    """
    both = view.copy()
    both.add_edges_from(
        (target, source, key, attrs)
        for source, target, key, attrs in view.edges(keys=True, data=True)
        if attrs.get("directed") is False and source != target
    )
    return both


# ------------------------------------------------------------------------------------------ values


def _as_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return json.dumps(value) if _NOT_XML.search(text) else text


def _xml_value(name: str, value: Any) -> tuple[str, str, str]:
    """(attribute name as written, XML type, text) of one value, JSON-encoded when it must be."""
    if isinstance(value, bool):
        return name, "boolean", "true" if value else "false"
    if isinstance(value, int):
        return name, "long", str(value)
    if isinstance(value, float):
        text = repr(value)
        return name, "double", {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)
    if isinstance(value, str) and value and not _NOT_XML.search(value):
        return name, "string", value
    if isinstance(value, str | list | tuple):
        return name + JSON_SUFFIX, "string", _as_json(value)
    raise KGError(
        f"property {name!r} has a value of type {type(value).__name__}, which kg does not export"
    )


def _check_id(kind: str, element_id: str) -> str:
    if _NOT_XML.search(element_id):
        raise KGError(f"{kind} id {element_id!r} holds a character XML cannot carry")
    return element_id


def _decode(attrs: dict[str, Any]) -> dict[str, Any]:
    """Undo the ``:json`` encoding of GraphML and GEXF attribute values."""
    if not any(name.endswith(JSON_SUFFIX) for name in attrs):
        return attrs
    return {
        (name[: -len(JSON_SUFFIX)] if name.endswith(JSON_SUFFIX) else name): (
            json.loads(value) if name.endswith(JSON_SUFFIX) else value
        )
        for name, value in attrs.items()
    }


def _keys(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """Every (written name, XML type) pair the rows use, in first-seen order, with an id."""
    keys: dict[tuple[str, str], str] = {}
    for attrs in rows:
        for name, value in attrs.items():
            written, xml_type, _ = _xml_value(name, value)
            if (written, xml_type) not in keys:
                keys[written, xml_type] = str(len(keys))
    return keys


def _write(pieces: Iterable[str], stream: BinaryIO) -> None:
    buffer: list[str] = []
    for piece in pieces:
        buffer.append(piece)
        if len(buffer) >= _CHUNK:
            stream.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    if buffer:
        stream.write("".join(buffer).encode("utf-8"))


def _text(value: str) -> str:
    return escape(value, {"\r": "&#13;"})


# ------------------------------------------------------------------------------------------ GraphML

_GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def generate_graphml(graph: Graph, *, view: str = "full") -> Iterator[str]:
    """The GraphML document of a view, piece by piece (see the module notes for the encoding)."""
    v = _View(graph, view)
    node_keys = _keys(attrs for _, attrs in v.nodes())
    edge_keys = _keys(attrs for *_, attrs in v.edges())
    yield _GRAPHML_HEAD
    for domain, prefix, keys in (("node", "n", node_keys), ("edge", "e", edge_keys)):
        for (name, xml_type), key_id in keys.items():
            yield (
                f'  <key id="{prefix}{key_id}" for="{domain}" '
                f'attr.name={quoteattr(name)} attr.type="{xml_type}"/>\n'
            )
    yield '  <graph id="G" edgedefault="directed">\n'
    for node_id, attrs in v.nodes():
        yield f"    <node id={quoteattr(_check_id('node', node_id))}>"
        for name, value in attrs.items():
            written, xml_type, text = _xml_value(name, value)
            yield f'<data key="n{node_keys[written, xml_type]}">{_text(text)}</data>'
        yield "</node>\n"
    for key, source, target, attrs in v.edges():
        yield (
            f"    <edge id={quoteattr(_check_id('edge', key))} source={quoteattr(source)} "
            f"target={quoteattr(target)}>"
        )
        for name, value in attrs.items():
            written, xml_type, text = _xml_value(name, value)
            yield f'<data key="e{edge_keys[written, xml_type]}">{_text(text)}</data>'
        yield "</edge>\n"
    yield "  </graph>\n</graphml>\n"


def write_graphml(graph: Graph, stream: BinaryIO, *, view: str = "full") -> None:
    """Stream a view of ``graph`` as GraphML (UTF-8) to an open binary stream."""
    _write(generate_graphml(graph, view=view), stream)


def _open(source: Source) -> contextlib.AbstractContextManager[IO[bytes]]:
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb")  # closed by the caller's with
        except OSError as exc:
            raise KGError(f"cannot read {os.fspath(source)}: {exc.strerror}") from None
    return contextlib.nullcontext(source)  # the caller's stream stays open


def _read_with(reader: Callable[[IO[bytes]], Any], source: Source, fmt: str) -> Any:
    with _open(source) as stream:
        try:
            return reader(stream)
        except (nx.NetworkXError, SyntaxError, ValueError, KeyError, TypeError) as exc:
            raise KGError(f"{_name(source)}: not a {fmt} file kg can read: {exc}") from None


def _name(source: Source) -> str:
    return (
        os.fspath(source)
        if isinstance(source, str | os.PathLike)
        else getattr(source, "name", f"<{type(source).__name__}>")
    )


def read_graphml(source: Source) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml` back into the MultiDiGraph it holds."""
    g = _read_with(
        lambda s: nx.read_graphml(s, node_type=str, edge_key_type=str, force_multigraph=True),
        source,
        "GraphML",
    )
    out = nx.MultiDiGraph()
    for node_id, attrs in g.nodes(data=True):
        out.add_node(node_id, **_decode(attrs))
    for source_id, target_id, key, attrs in g.edges(keys=True, data=True):
        out.add_edge(source_id, target_id, key, **_decode(attrs))
    return out


# ------------------------------------------------------------------------------------------ GEXF

_GEXF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gexf xmlns="http://www.gexf.net/1.2draft" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft '
    'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
    "  <meta><creator>kg</creator></meta>\n"
    '  <graph defaultedgetype="directed" mode="static">\n'
)
_GEXF_TYPES = {"string": "string", "long": "long", "double": "double", "boolean": "boolean"}


def _gexf_node(attrs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(display label, attributes) of a node: the class goes under ``class``."""
    rest = {"class" if name == "label" else name: value for name, value in attrs.items()}
    return str(attrs.get("name", "")), rest


def _gexf_edge(attrs: Mapping[str, Any], view: str) -> tuple[str | None, Mapping[str, Any]]:
    """(label, attributes) of an edge: its relationship type is the label in the full view."""
    if view == "full":
        return str(attrs["type"]), {name: value for name, value in attrs.items() if name != "type"}
    return None, attrs


def generate_gexf(graph: Graph, *, view: str = "full") -> Iterator[str]:
    """The GEXF 1.2 document of a view, piece by piece (see the module notes for the encoding)."""
    v = _View(graph, view)
    node_keys = _keys(_gexf_node(attrs)[1] for _, attrs in v.nodes())
    edge_keys = _keys(_gexf_edge(attrs, view)[1] for *_, attrs in v.edges())
    yield _GEXF_HEAD
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        yield f'    <attributes class="{domain}" mode="static">\n'
        for (name, xml_type), key_id in keys.items():
            yield (
                f'      <attribute id="{key_id}" title={quoteattr(name)} '
                f'type="{_GEXF_TYPES[xml_type]}"/>\n'
            )
        yield "    </attributes>\n"
    yield "    <nodes>\n"
    for node_id, attrs in v.nodes():
        display, node_rest = _gexf_node(attrs)
        label = display if display and not _NOT_XML.search(display) else node_id
        yield f"      <node id={quoteattr(_check_id('node', node_id))} label={quoteattr(label)}>"
        yield from _attvalues(node_rest, node_keys)
        yield "</node>\n"
    yield "    </nodes>\n    <edges>\n"
    for key, source, target, attrs in v.edges():
        edge_label, edge_rest = _gexf_edge(attrs, view)
        labelled = f" label={quoteattr(edge_label)}" if edge_label is not None else ""
        yield (
            f"      <edge id={quoteattr(_check_id('edge', key))} source={quoteattr(source)} "
            f"target={quoteattr(target)}{labelled}>"
        )
        yield from _attvalues(edge_rest, edge_keys)
        yield "</edge>\n"
    yield "    </edges>\n  </graph>\n</gexf>\n"


def _attvalues(attrs: Mapping[str, Any], keys: Mapping[tuple[str, str], str]) -> Iterator[str]:
    if not attrs:
        return
    yield "<attvalues>"
    for name, value in attrs.items():
        written, xml_type, text = _xml_value(name, value)
        yield f'<attvalue for="{keys[written, xml_type]}" value={quoteattr(text)}/>'
    yield "</attvalues>"


def write_gexf(graph: Graph, stream: BinaryIO, *, view: str = "full") -> None:
    """Stream a view of ``graph`` as GEXF 1.2 (UTF-8) to an open binary stream."""
    _write(generate_gexf(graph, view=view), stream)


def read_gexf(source: Source) -> nx.MultiDiGraph:
    """Read a GEXF file written by :func:`write_gexf` back into the MultiDiGraph it holds."""
    g = _read_with(lambda s: nx.read_gexf(s, node_type=str), source, "GEXF")
    out = nx.MultiDiGraph()
    for node_id, attrs in g.nodes(data=True):
        node_attrs = _decode({name: value for name, value in attrs.items() if name != "label"})
        out.add_node(node_id, **{"label" if n == "class" else n: v for n, v in node_attrs.items()})
    # networkx keeps the GEXF edge id as the attribute "id" (and as the key of a multigraph).
    for source_id, target_id, attrs in g.edges(data=True):
        edge_attrs = {"type": attrs["label"]} if "label" in attrs else {}
        edge_attrs.update((n, v) for n, v in attrs.items() if n not in ("id", "label"))
        out.add_edge(source_id, target_id, attrs["id"], **_decode(edge_attrs))
    return out


# ---------------------------------------------------------------------------------- node-link JSON


def _json_record(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape everything instead
        text = json.dumps(record)
    return text


def generate_node_link(graph: Graph, *, view: str = "full") -> Iterator[str]:
    """The node-link JSON document of a view, piece by piece, one node or edge per line.

    The same document as ``json.dump(nx.node_link_data(G, edges="edges"))`` of the view (keys
    ``directed``, ``multigraph``, ``graph``, ``nodes``, ``edges``; edges with ``source``,
    ``target`` and ``key``), written without building ``G``.
    """
    v = _View(graph, view)
    yield '{"directed": true, "multigraph": true, "graph": {},\n "nodes": ['
    sep = "\n  "
    for node_id, attrs in v.nodes():
        yield sep + _json_record({**attrs, "id": node_id})
        sep = ",\n  "
    yield '],\n "edges": ['
    sep = "\n  "
    for key, source, target, attrs in v.edges():
        yield sep + _json_record({**attrs, "source": source, "target": target, "key": key})
        sep = ",\n  "
    yield "]}\n"


def write_node_link(graph: Graph, stream: BinaryIO, *, view: str = "full") -> None:
    """Stream a view of ``graph`` as node-link JSON (UTF-8) to an open binary stream."""
    _write(generate_node_link(graph, view=view), stream)


def read_node_link(source: Source) -> nx.MultiDiGraph:
    """Read a node-link JSON file (from :func:`write_node_link`) into a MultiDiGraph."""

    def parse(stream: IO[bytes]) -> nx.MultiDiGraph:
        data = json.load(stream)
        if not isinstance(data, dict):
            raise ValueError("the document is not a JSON object")
        g = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        return g if isinstance(g, nx.MultiDiGraph) else nx.MultiDiGraph(g)

    return _read_with(parse, source, "node-link JSON")
