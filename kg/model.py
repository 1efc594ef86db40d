"""kg's one internal representation: a graph of typed nodes and typed edges with properties.

Facts files, importers and stores produce a :class:`Graph`; stores and exporters consume one. Every
node and edge has a stable id, so the same facts always give the same graph, and two graphs compare
equal exactly when they hold the same nodes, edges and property values.

>>> g = Graph()
>>> g.add_node(Node("putin", "Person", {"name": "Vladimir Putin"}))
>>> g.add_node(Node("russia", "Country", {"name": "Russia"}))
>>> g.add_edge(Edge.between("putin", "HOLDS_POSITION", "russia", {"position": "President"}))
>>> g.edges["putin|HOLDS_POSITION|russia"].properties["position"]
'President'
>>> g.counts()
{'Country': 1, 'Person': 1, 'HOLDS_POSITION': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import KGError

__all__ = ["Edge", "Graph", "Node", "PropertyValue", "clean_properties"]

PropertyValue = str | int | float | bool | list[str]


def clean_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """Drop absent values (None, empty lists) so every store and format agrees on what is set.

    >>> clean_properties({"a": 1, "b": None, "c": [], "d": ["x"]})
    {'a': 1, 'd': ['x']}
    """
    return {
        k: (list(v) if isinstance(v, list | tuple) else v)
        for k, v in props.items()
        if v is not None and v != [] and v != ()
    }


@dataclass(frozen=True)
class Node:
    """A node: a stable id, one label (an ontology class) and its properties."""

    id: str
    label: str
    properties: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", clean_properties(self.properties))

    @property
    def name(self) -> str:
        """The display name, falling back to the id."""
        return str(self.properties.get("name", self.id))


@dataclass(frozen=True)
class Edge:
    """A directed edge of one relationship type between two node ids."""

    id: str
    type: str
    source: str
    target: str
    properties: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", clean_properties(self.properties))

    @staticmethod
    def key(source: str, rel_type: str, target: str, qualifier: str | None = None) -> str:
        """The stable id of an edge; ``qualifier`` tells apart parallel edges of one type."""
        base = f"{source}|{rel_type}|{target}"
        return f"{base}|{qualifier}" if qualifier else base

    @classmethod
    def between(
        cls,
        source: str,
        rel_type: str,
        target: str,
        properties: Mapping[str, Any] | None = None,
        qualifier: str | None = None,
    ) -> Edge:
        """Build an edge with its stable id."""
        return cls(
            cls.key(source, rel_type, target, qualifier),
            rel_type,
            source,
            target,
            dict(properties or {}),
        )


class GraphConflict(KGError):
    """The same id was given twice with different content."""


@dataclass
class Graph:
    """Nodes and edges keyed by id, in insertion order."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        """Add a node; adding the same node again is a no-op, a different one with its id an error."""
        old = self.nodes.get(node.id)
        if old is not None and old != node:
            raise GraphConflict(f"node {node.id!r} is defined twice with different content")
        self.nodes[node.id] = node

    def add_edge(self, edge: Edge) -> None:
        """Add an edge; the same rules as :meth:`add_node`."""
        old = self.edges.get(edge.id)
        if old is not None and old != edge:
            raise GraphConflict(f"edge {edge.id!r} is defined twice with different content")
        self.edges[edge.id] = edge

    def update(self, other: Graph) -> None:
        """Merge another graph into this one (same conflict rules)."""
        for node in other.nodes.values():
            self.add_node(node)
        for edge in other.edges.values():
            self.add_edge(edge)

    def nodes_by_label(self) -> dict[str, list[Node]]:
        """Nodes grouped by label, in insertion order."""
        groups: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            groups.setdefault(node.label, []).append(node)
        return groups

    def edges_by_type(self) -> dict[str, list[Edge]]:
        """Edges grouped by type, in insertion order."""
        groups: dict[str, list[Edge]] = {}
        for edge in self.edges.values():
            groups.setdefault(edge.type, []).append(edge)
        return groups

    def out_edges(self, node_id: str, rel_type: str | None = None) -> Iterator[Edge]:
        """Edges that start at a node, optionally of one type."""
        return (
            e
            for e in self.edges.values()
            if e.source == node_id and (rel_type is None or e.type == rel_type)
        )

    def counts(self) -> dict[str, int]:
        """Number of nodes per label, then of edges per type, each sorted by name."""
        nodes = Counter(n.label for n in self.nodes.values())
        edges = Counter(e.type for e in self.edges.values())
        return {**dict(sorted(nodes.items())), **dict(sorted(edges.items()))}

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)
