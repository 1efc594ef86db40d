"""What every store offers, whatever the engine behind it.

A store loads a :class:`~kg.model.Graph` all-or-nothing and idempotently, reads its whole content
back as a Graph, runs Cypher with parameters, and counts what it holds. The embedded store
(LadybugDB) and the server store (Neo4j) both implement :class:`Store`; the CLI and the query
library only ever see this interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kg.model import Graph

__all__ = ["LoadReport", "Progress", "QueryResult", "Store"]

# Called with (what is being done, units done so far, total units) during long operations.
Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    """What a load changed: elements created, updated and already present."""

    nodes_created: int = 0
    nodes_updated: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        """Elements created or updated."""
        return self.nodes_created + self.nodes_updated + self.edges_created + self.edges_updated


@dataclass
class QueryResult:
    """Column names and rows of a query, values as plain Python (str, int, float, bool, list, None)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Store(Protocol):
    """A graph database kg can load into, read from and query."""

    engine: str  # "ladybug" or "neo4j": picks per-engine query variants

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        """Write the graph's nodes and edges; all or nothing; loading it again changes nothing."""
        ...

    def read_graph(self) -> Graph:
        """Everything the store holds, as a Graph equal to the one(s) loaded."""
        ...

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement with parameters; values never go into the text."""
        ...

    def stats(self) -> dict[str, int]:
        """Number of nodes per label and of relationships per type, sorted by name, zeros left out."""
        ...

    def close(self) -> None:
        """Release the database (file lock or connection pool)."""
        ...
