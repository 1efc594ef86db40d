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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.claims import ClaimConflict, Statement, as_of, decode, published_dates
from kg.errors import FactsError, KGError, StoreError
from kg.facts import FactsFile, combine, read_files
from kg.model import Edge, Graph
from kg.ontology import Ontology, load_ontology
from kg.stores.base import LoadReport, Progress

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
    store: Any, ids: Iterable[str], ont: Ontology
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


def _old_elements(around: Graph, ids: Iterable[str], ont: Ontology) -> Graph:
    """What the store holds for these nodes: them, their links and claims, their interactions."""
    from kg.facts import interaction_edges

    old = Graph()
    roles = frozenset(ont.actor_role_types)
    for node_id in ids:
        node = around.nodes.get(node_id)
        if node is None:
            continue
        old.nodes[node_id] = node
        # An actor's interactions belong to their events: only a touched event's are replaced.
        given = [
            e
            for e in around.edges.values()
            if e.source == node_id and e.type != ont.interaction_type
        ]
        for edge in given:
            old.edges[edge.id] = edge
            if edge.type == ont.claim_type:
                old.nodes[edge.target] = around.nodes[edge.target]
        if node.label in ont.event_labels:
            for derived in interaction_edges(node, [e for e in given if e.type in roles], ont):
                old.edges[derived.id] = derived
    return old


def _published(store: Any, documents: Iterable[str], ont: Ontology) -> dict[str, str]:
    around = Graph()
    docs = sorted({d for d in documents if d})
    if docs:
        around = store.neighbourhood(docs)
    return published_dates(around, ont)


def _difference(old: Graph, new: Graph, change: Change) -> None:
    for node_id, node in old.nodes.items():
        if node_id not in new.nodes:
            change.remove.nodes[node_id] = node
    for edge_id, edge in old.edges.items():
        if edge_id not in new.edges:
            change.remove.edges[edge_id] = edge


def plan_load(store: Any, files: Sequence[FactsFile], ont: Ontology | None = None) -> Change:
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
    old = _old_elements(around, touched, ont)
    change = Change(write=new, documents=sorted(loading), touched=len(touched))
    _difference(old, new, change)
    return change


def load_documents(
    store: Any, paths: Sequence[Path], progress: Progress | None = None
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


def validate_against(store: Any, paths: Sequence[Path]) -> Graph:
    """Check facts files as :func:`load_documents` would, writing nothing; the graph they add."""
    ont = load_ontology()
    files = read_files(paths, ont, known=store.labels_of)
    return plan_load(store, files, ont).write


def plan_unload(store: Any, document: str, ont: Ontology | None = None) -> Change:
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
        for edge in store.incoming(gone):
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
    try:
        new = combine([], kept, published, ont)
    except FactsError:
        raise
    except ClaimConflict as exc:  # pragma: no cover - combine turns it into a FactsError
        raise StoreError(str(exc)) from None
    for node_id in gone:
        for edge_id in [e.id for e in new.edges.values() if e.target == node_id]:
            del new.edges[edge_id]
    old = _old_elements(around, touched, ont)
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
    store: Any, document: str, progress: Progress | None = None
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
