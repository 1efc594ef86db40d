"""The RDF dataset a SPARQL endpoint serves, and the pyoxigraph store that holds it.

The dataset is the TriG export (:func:`kg.export.rdf.dataset_quads`: the current view in the
default graph, one named graph per source document, named by the document's IRI) with two graphs
of vocabulary beside it, so one endpoint answers questions about the data and its terms alike:

- ``<https://w3id.org/kg-diplo/ontology>`` (:data:`ONTOLOGY_GRAPH`): ``ontology/kg.ttl``;
- ``<https://w3id.org/kg-diplo/cameo/>`` (:data:`CAMEO_GRAPH`): the CAMEO code book as a SKOS
  concept scheme, ``ontology/cameo.ttl``.

>>> from kg.facts import load_facts, sample_facts_path
>>> store = load_store(load_facts(sample_facts_path()))
>>> sorted(g.value for g in store.named_graphs())
['https://w3id.org/kg-diplo/cameo/', 'https://w3id.org/kg-diplo/id/article-2025-05-17', 'https://w3id.org/kg-diplo/ontology']
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.export.rdf import ClaimedChunks, _batches, dataset_quads, stream_nquads
from kg.model import Graph
from kg.resources import ontology_dir

if TYPE_CHECKING:
    from kg.stores.base import Store

__all__ = [
    "CAMEO_GRAPH",
    "ONTOLOGY_GRAPH",
    "load_store",
    "load_store_from",
    "quads",
    "vocabulary_quads",
]

ONTOLOGY_GRAPH = "https://w3id.org/kg-diplo/ontology"
"""The named graph of the ontology: the ontology's own IRI."""
CAMEO_GRAPH = "https://w3id.org/kg-diplo/cameo/"
"""The named graph of the CAMEO concept scheme: the namespace of its concepts."""

_VOCABULARIES = (("kg.ttl", ONTOLOGY_GRAPH), ("cameo.ttl", CAMEO_GRAPH))


def vocabulary_quads() -> Iterator[Any]:
    """The ontology and the CAMEO concept scheme, each in its named graph.

    >>> graphs = {q.graph_name.value for q in vocabulary_quads()}
    >>> sorted(graphs) == sorted([ONTOLOGY_GRAPH, CAMEO_GRAPH])
    True
    """
    for name, graph in _VOCABULARIES:
        path = ontology_dir() / name
        try:
            target = ox.NamedNode(graph)
            for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
        except (OSError, SyntaxError) as exc:
            raise KGError(f"cannot read {path}: {exc}") from None


def quads(graph: Graph) -> Iterator[Any]:
    """Every quad of the endpoint's dataset: the TriG export of ``graph``, then the vocabularies."""
    yield from dataset_quads(graph)
    yield from vocabulary_quads()


def load_store(graph: Graph, path: Path | None = None) -> Any:
    """A pyoxigraph store holding the dataset of ``graph``: in memory, or on disk at ``path``.

    A store on disk is the folder Oxigraph's server opens (``oxigraph serve-read-only
    --location``); it is loaded in bulk, which skips transactions, so the folder must be new
    or empty, and nothing else may have it open.

    Raises:
        KGError: the folder cannot be used as a store (another process holds it, no permission).
    """
    if path is None:
        store = ox.Store()
        store.extend(quads(graph))
        return store
    try:
        store = ox.Store(str(path))
        store.bulk_extend(quads(graph))
        store.flush()
    except OSError as exc:
        raise KGError(f"{path}: cannot load the SPARQL store: {exc}") from None
    return store


def load_store_from(store: Store, path: Path, chunk_size: int = 100_000) -> Any:
    """A pyoxigraph store on disk at ``path`` holding the dataset of a kg store, streamed.

    The kg store is read chunk by chunk (:meth:`~kg.stores.base.Store.iter_graph`) and its
    N-Quads (:func:`kg.export.rdf.stream_nquads`) go through a pipe straight into Oxigraph's bulk
    loader, which parses them in Rust while this process writes the next ones: memory holds one
    chunk and the loader's buffers, whatever the size. The folder must be new or empty; on any
    error the caller removes it (:func:`kg.sparql.server.load_folder`), since a bulk load writes
    as it goes.

    Raises:
        KGError: the kg store cannot be read, or the folder cannot be used as a store.
    """
    chunks = ClaimedChunks.of_store(store, chunk_size)
    target = ox.Store(str(path))
    _bulk_load(target, stream_nquads(chunks, chunks.claimed), path)
    target.bulk_extend(vocabulary_quads())
    target.flush()
    return target


def _bulk_load(target: Any, pieces: Iterable[str], path: Path) -> None:
    """Feed N-Quads text to ``target``'s bulk loader through a pipe, written by a thread."""
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def feed() -> None:
        try:
            with os.fdopen(write_end, "wb", buffering=1 << 20) as pipe:
                for batch in _batches(pieces):
                    pipe.write(batch)
        except BrokenPipeError:
            pass  # the loader stopped first: its own error says why
        except BaseException as exc:  # raised again in the caller's thread
            failed.append(exc)

    feeder = threading.Thread(target=feed, name="kg-nquads", daemon=True)
    feeder.start()
    try:
        target.bulk_load(path=f"/dev/fd/{read_end}", format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise KGError(f"Oxigraph refused the RDF kg wrote (a bug in kg): {exc}") from None
    except OSError as exc:
        raise KGError(f"{path}: cannot load the SPARQL store: {exc}") from None
    finally:
        os.close(read_end)  # a writer still blocked on a full pipe now fails and stops
        feeder.join()
    if failed:
        raise failed[0]
