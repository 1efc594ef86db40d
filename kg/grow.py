"""How the graph grows one report at a time: incremental loads, retraction, and the view as of a day.

A load reads its facts files as documents (:func:`kg.facts.read_files`): references may go to
nodes the store holds. Every node a file gives a record of is *touched*: kg reads what the store
holds around it (the node, its links, its claims), replaces what this load's documents said
before with what they say now, keeps what other documents said, encodes the node again
(:func:`kg.claims.encode`) with the interactions of the events among them, and writes the
difference in one transaction: what is new or changed, and the deletion of what the new
encoding no longer has (a claim, a link, an interaction). Loading the same files again changes
nothing, and the order in which documents are loaded does not change the result.

Facts files above :data:`INCREMENTAL_MAX` bytes (a generated corpus) are streamed into the
store as before (:func:`kg.facts.iter_facts`): they must not describe nodes the store or other
files already describe from other documents.

:func:`unload` removes what one document said: its claims, and the nodes and links only it
gave; the touched nodes fall back to the remaining claims. :func:`as_of_graph` gives the graph
as the documents published by a day describe it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.claims import Statement, as_of, decode, keep_starts, published_dates
from kg.errors import KGError, StoreError
from kg.facts import FactsFile, combine, read_files
from kg.model import Edge, Graph
from kg.ontology import Ontology, load_ontology
from kg.stores.base import LoadReport, Progress, Store

__all__ = [
    "INCREMENTAL_MAX",
    "Change",
    "as_of_graph",
    "check_date",
    "load_documents",
    "plan_load",
    "plan_unload",
    "unload",
    "validate_against",
]

INCREMENTAL_MAX = 256 * 2**20  # bytes of facts above which a load streams as a snapshot


@dataclass
class Change:
    """What a load or an unload writes: elements to upsert and elements to delete."""

    write: Graph = field(default_factory=Graph)
    remove: Graph = field(default_factory=Graph)
    documents: list[str] = field(default_factory=list)
    touched: int = 0


def check_date(text: str, what: str = "--as-of") -> str:
    """An ISO date (YYYY-MM-DD), or a KGError saying what is wrong with it.

    >>> check_date("2025-05-18")
    '2025-05-18'
    """
    import datetime as dt

    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise KGError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None
    if len(text) != 10:
        raise KGError(f"{what} {text!r} is not a date (YYYY-MM-DD)")
    return day.isoformat()


def _held_statements(
    store: Store, ids: Iterable[str], ont: Ontology
) -> tuple[dict[str, list[Statement]], Graph]:
    """The statements the store holds about these nodes, and what it holds around them."""
    around = store.neighbourhood(ids)
    out: dict[str, list[Edge]] = {}
    for edge in around.edges.values():
        out.setdefault(edge.source, []).append(edge)
    held: dict[str, list[Statement]] = {}
    for node_id in ids:
        node = around.nodes.get(node_id)
        if node is None or node.label == ont.claim_label:
            continue
        edges = out.get(node_id, [])
        claims = [around.nodes[e.target] for e in edges if e.type == ont.claim_type]
        held[node_id] = decode(node, edges, claims, ont)
    return held, around


def _stored_interactions(
    store: Store, around: Graph, events: Iterable[str], ont: Ontology
) -> dict[str, list[Edge]]:
    """The interactions the store holds for these events, by event id.

    A directed event's are derived again from its roles (from its initiators: the same edges
    whatever the order of the roles). An undirected event's are read from the store: they start
    at the participant that came first when they were written, and the store gives roles back
    in an order of its own (Neo4j's is arbitrary), so deriving them again could name other edges.
    """
    from kg.facts import interaction_edges

    wanted = set(events)
    roles = frozenset(ont.actor_role_types)
    given: dict[str, list[Edge]] = {}
    for edge in around.edges.values():
        if edge.source in wanted and edge.type in roles:
            given.setdefault(edge.source, []).append(edge)
    found: dict[str, list[Edge]] = {}
    undirected: set[str] = set()
    for event_id, edges in given.items():
        if any(e.type == ont.initiator_type for e in edges):
            found[event_id] = interaction_edges(around.nodes[event_id], edges, ont)
        else:
            undirected.add(event_id)
    actors = sorted({e.target for event_id in undirected for e in given[event_id]})
    if actors:
        for edge in store.neighbourhood(actors).edges.values():
            event = edge.properties.get("event")
            if edge.type == ont.interaction_type and event in undirected:
                found.setdefault(str(event), []).append(edge)
    return found


def _old_elements(
    around: Graph, ids: Iterable[str], ont: Ontology, interactions: Mapping[str, list[Edge]]
) -> Graph:
    """What the store holds for these nodes: them, their links and claims, their interactions."""
    old = Graph()
    interaction = ont.interaction_type
    out: dict[str, list[Edge]] = {}
    for edge in around.edges.values():
        # An actor's interactions belong to their events: only a touched event's are replaced.
        if edge.type != interaction:
            out.setdefault(edge.source, []).append(edge)
    for node_id in ids:
        node = around.nodes.get(node_id)
        if node is None:
            continue
        old.nodes[node_id] = node
        for edge in out.get(node_id, ()):
            old.edges[edge.id] = edge
            if edge.type == ont.claim_type:
                old.nodes[edge.target] = around.nodes[edge.target]
        for held in interactions.get(node_id, ()):
            old.edges[held.id] = held
    return old


def _published(store: Store, documents: Iterable[str], ont: Ontology) -> dict[str, str]:
    """The publication dates of documents the store holds, by id."""
    return published_dates(store.nodes(d for d in documents if d), ont)


def _difference(old: Graph, new: Graph, change: Change) -> None:
    for node_id, node in old.nodes.items():
        if node_id not in new.nodes:
            change.remove.nodes[node_id] = node
    for edge_id, edge in old.edges.items():
        if edge_id not in new.edges:
            change.remove.edges[edge_id] = edge


def plan_load(store: Store, files: Sequence[FactsFile], ont: Ontology | None = None) -> Change:
    """What loading these documents into the store writes and deletes."""
    ont = ont or load_ontology()
    touched = sorted({node_id for f in files for node_id in f.statements()})
    held, around = _held_statements(store, touched, ont)
    loading = {f.document for f in files}
    for node_id, statements in held.items():
        held[node_id] = [st for st in statements if st.document not in loading]
    others = {st.document for sts in held.values() for st in sts if st.document}
    published = _published(store, others, ont)
    new = combine(files, held, published, ont)
    stored = _stored_interactions(store, around, touched, ont)
    keep_starts(new, (e for edges in stored.values() for e in edges), ont)
    old = _old_elements(around, touched, ont, stored)
    change = Change(write=new, documents=sorted(loading), touched=len(touched))
    _difference(old, new, change)
    return change


def load_documents(
    store: Store, paths: Sequence[Path], progress: Progress | None = None
) -> tuple[LoadReport, Change]:
    """Load facts files into a store as documents that add to what it holds (see the module).

    Raises:
        FactsError: a file is invalid, refers to a node neither the files nor the store hold,
            or contradicts another document on a node's identity; nothing was written.
    """
    started = time.perf_counter()
    ont = load_ontology()
    files = read_files(paths, ont, known=store.labels_of)
    change = plan_load(store, files, ont)
    report: LoadReport = store.load(change.write, progress, remove=change.remove)
    report.seconds = time.perf_counter() - started
    return report, change


def validate_against(store: Store, paths: Sequence[Path]) -> Graph:
    """Check facts files as :func:`load_documents` would, writing nothing; the graph they add."""
    ont = load_ontology()
    files = read_files(paths, ont, known=store.labels_of)
    return plan_load(store, files, ont).write


def plan_unload(store: Store, document: str, ont: Ontology | None = None) -> Change:
    """What retracting one document deletes and rewrites."""
    ont = ont or load_ontology()
    touched = store.documented_by(document)
    if not touched:
        raise StoreError(f"the store holds nothing from a document {document!r}")
    held, around = _held_statements(store, touched, ont)
    remaining = {
        node_id: [st for st in statements if st.document != document]
        for node_id, statements in held.items()
    }
    gone = sorted(
        node_id
        for node_id, statements in remaining.items()
        if not any(st.described for st in statements)
    )
    if gone:
        gone_set = set(gone)
        # In a fixed order, so that the refusal names the same reference on every engine.
        for edge in sorted(store.incoming(gone), key=lambda e: (e.target, e.source, e.id)):
            if (
                edge.source in gone_set
                or edge.type in (ont.interaction_type, ont.claim_type)
                or (edge.source in remaining and _only_from(edge, held[edge.source], document))
            ):
                continue
            raise StoreError(
                f"cannot unload {document!r}: {edge.source!r} ({edge.type}) refers to "
                f"{edge.target!r}, which only {document!r} describes; unload the document that "
                f"gives {edge.source!r} first, or describe {edge.target!r} there"
            )
    others = {st.document for sts in remaining.values() for st in sts if st.document}
    published = _published(store, others, ont)
    kept = {n: sts for n, sts in remaining.items() if n not in gone}
    new = combine([], kept, published, ont)
    for node_id in gone:
        for edge_id in [e.id for e in new.edges.values() if e.target == node_id]:
            del new.edges[edge_id]
    stored = _stored_interactions(store, around, touched, ont)
    keep_starts(new, (e for edges in stored.values() for e in edges), ont)
    old = _old_elements(around, touched, ont, stored)
    change = Change(write=new, documents=[document], touched=len(touched))
    for node_id in gone:
        change.remove.nodes[node_id] = old.nodes[node_id]
    for node_id, node in old.nodes.items():
        if node_id not in new.nodes and node_id not in gone:
            change.remove.nodes[node_id] = node
    for edge_id, edge in old.edges.items():
        if edge_id in new.edges:
            continue
        if edge.source in change.remove.nodes or edge.target in change.remove.nodes:
            continue  # goes with its node
        change.remove.edges[edge_id] = edge
    return change


def _only_from(edge: Edge, statements: Sequence[Statement], document: str) -> bool:
    """Whether only ``document`` among the statements gives this link."""
    givers = {st.document for st in statements if any(e.id == edge.id for e in st.links)}
    return givers == {document}


def unload(
    store: Store, document: str, progress: Progress | None = None
) -> tuple[LoadReport, Change]:
    """Retract one document from a store, all or nothing (see the module).

    Raises:
        StoreError: the store holds nothing from that document, or another document refers to
            a node only this one describes; nothing was changed.
    """
    started = time.perf_counter()
    change = plan_unload(store, document)
    report: LoadReport = store.load(change.write, progress, remove=change.remove)
    report.seconds = time.perf_counter() - started
    return report, change


def as_of_graph(graph: Graph, day: str, ont: Ontology | None = None) -> Graph:
    """The graph as documents published by ``day`` describe it (:func:`kg.claims.as_of`)."""
    return as_of(graph, check_date(day), ont or load_ontology())
