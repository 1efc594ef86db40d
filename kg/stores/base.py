"""What every store offers, whatever the engine behind it.

A store loads a :class:`~kg.model.Graph` all-or-nothing and idempotently, reads its whole content
back as a Graph, runs Cypher with parameters, and counts what it holds. Large loads and reads
stream: :meth:`Store.load_chunks` takes an iterable of graphs (one facts file's worth each, from
:func:`kg.facts.iter_facts`) and writes them as one all-or-nothing load, and
:meth:`Store.iter_graph` reads the store back in chunks, so memory holds one chunk at a time. The embedded store
(LadybugDB) and the server store (Neo4j) both implement :class:`Store`; the CLI and the query
library only ever see this interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kg.model import Edge, Graph

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
    nodes_deleted: int = 0
    edges_deleted: int = 0

    @property
    def changed(self) -> int:
        """Elements created, updated or deleted."""
        return (
            self.nodes_created
            + self.nodes_updated
            + self.edges_created
            + self.edges_updated
            + self.nodes_deleted
            + self.edges_deleted
        )


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

    def load(
        self, graph: Graph, progress: Progress | None = None, remove: Graph | None = None
    ) -> LoadReport:
        """Write the graph's nodes and edges; all or nothing; loading it again changes nothing.

        ``remove``: nodes and relationships to delete in the same transaction (by id; a node goes
        with its relationships).
        """
        ...

    def labels_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The labels of the nodes the store holds among ``ids``, by id."""
        ...

    def nodes(self, ids: Iterable[str]) -> Graph:
        """The nodes the store holds among ``ids``, with their properties."""
        ...

    def neighbourhood(self, ids: Iterable[str]) -> Graph:
        """The nodes with these ids, every relationship from them, and the nodes those reach."""
        ...

    def incoming(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship that ends at one of these nodes."""
        ...

    def documented_by(self, document: str) -> list[str]:
        """Ids of the nodes a document describes (their own document, or one of their claims')."""
        ...

    def load_chunks(self, chunks: Iterable[Graph], progress: Progress | None = None) -> LoadReport:
        """Write a stream of graphs as one load: all or nothing, idempotent.

        ``load(graph)`` is ``load_chunks([graph])``. A node comes in one chunk only; an edge may
        refer to a node of any chunk or of the store. Nothing is committed before the iterable is
        exhausted, so an exception it raises leaves the store as it was.
        """
        ...

    def read_graph(self) -> Graph:
        """Everything the store holds, as a Graph equal to the one(s) loaded."""
        ...

    def iter_graph(self, chunk_size: int = 100_000) -> Iterator[Graph]:
        """Everything the store holds, in Graphs of about ``chunk_size`` elements (nodes first)."""
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
