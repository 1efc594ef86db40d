"""Exporters: one module per family of formats, found by name through a small registry.

Each format is a writer ``write(graph, stream)`` that streams bytes to an open binary stream. The
registry names the module and function, imported only when the format is used, so adding a format
is one new module and one line here. Formats marked ``streams`` (Turtle, N-Triples, JSON-LD) also
take a stream of graphs (chunks from :func:`kg.facts.iter_facts` or a store's ``iter_graph``) and
write each as it comes, so memory stays flat at any size; the others need the whole graph first
(their headers list every attribute key; a TriG or N-Quads dataset places each document's claims
by the facts they are about), and :func:`export` merges the chunks for them. :func:`export` writes
to a path through a temporary file and renames it at the end, so a failed export never leaves a
partial file under the target name.

>>> guess_format("out/kg.ttl"), guess_format("out/kg.trig")
('turtle', 'trig')
>>> sorted(FORMATS)[:3]
['csv', 'gexf', 'graphml']
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import KGError
from kg.model import Graph

__all__ = ["FORMATS", "ExportFormat", "export", "get_writer", "guess_format", "merge_chunks"]


@dataclass(frozen=True)
class ExportFormat:
    """A registered format: where its writer lives and the file suffix it goes with."""

    name: str
    target: str  # "module:function"
    suffix: str
    directory: bool = False  # writes a folder of files rather than one stream
    description: str = ""
    streams: bool = False  # the writer takes a stream of graphs (chunks) as well as one graph


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "turtle",
            "kg.export.rdf:write_turtle",
            ".ttl",
            description="RDF Turtle, streamed",
            streams=True,
        ),
        ExportFormat(
            "ntriples",
            "kg.export.rdf:write_ntriples",
            ".nt",
            description="RDF N-Triples, streamed",
            streams=True,
        ),
        ExportFormat(
            "jsonld",
            "kg.export.rdf:write_jsonld",
            ".jsonld",
            description="RDF JSON-LD (pyoxigraph), streamed",
            streams=True,
        ),
        ExportFormat(
            "trig",
            "kg.export.rdf:write_trig",
            ".trig",
            description="RDF dataset as TriG (pyoxigraph): current view and PROV-O, a named graph per source",
        ),
        ExportFormat(
            "nquads",
            "kg.export.rdf:write_nquads",
            ".nq",
            description="RDF dataset as N-Quads (pyoxigraph): the same quads as TriG",
        ),
        ExportFormat(
            "graphml",
            "kg.export.nx:write_graphml",
            ".graphml",
            description="NetworkX MultiDiGraph as GraphML",
        ),
        ExportFormat(
            "gexf", "kg.export.nx:write_gexf", ".gexf", description="NetworkX MultiDiGraph as GEXF"
        ),
        ExportFormat(
            "json", "kg.export.nx:write_node_link", ".json", description="NetworkX node-link JSON"
        ),
        ExportFormat(
            "csv",
            "kg.export.csv:write_csv_dir",
            "",
            directory=True,
            description="CSV files in the neo4j-admin database import header format",
        ),
    )
}


def guess_format(path: str | os.PathLike[str]) -> str:
    """The format a file name's suffix stands for."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if fmt.suffix and fmt.suffix == suffix:
            return fmt.name
    known = ", ".join(sorted(f.suffix for f in FORMATS.values() if f.suffix))
    raise KGError(
        f"{path}: cannot tell the format from the suffix {suffix or '(none)'}; use one of {known} or name the format"
    )


def get_writer(name: str) -> Callable[..., None]:
    """The writer function of a format, imported on first use."""
    try:
        fmt = FORMATS[name]
    except KeyError:
        raise KGError(
            f"unknown export format {name!r}; known: {', '.join(sorted(FORMATS))}"
        ) from None
    module, _, func = fmt.target.partition(":")
    writer: Callable[..., None] = getattr(importlib.import_module(module), func)
    return writer


def export(
    graph: Graph | Iterable[Graph], fmt: str, dest: str | os.PathLike[str] | BinaryIO
) -> None:
    """Write ``graph`` in format ``fmt`` to a path (atomically) or an open binary stream.

    ``graph`` may be a stream of graphs: a streaming format writes them one by one, any other
    merges them into one graph first.

    For a folder format (csv) ``dest`` is the folder; it is built beside the target and renamed
    into place.

    Raises:
        KGError: the format is unknown, the graph breaks the ontology, or the output cannot be
            written (a full disk, a missing permission): nothing is left under the target name,
            and a file or folder already there is kept as it was.
    """
    writer = get_writer(fmt)
    if not isinstance(graph, Graph) and not FORMATS[fmt].streams:
        graph = merge_chunks(graph)
    if not isinstance(dest, str | os.PathLike):
        try:
            writer(graph, dest)
        except OSError as exc:
            raise KGError(f"cannot write the {fmt} export: {exc.strerror or exc}") from None
        return
    target = Path(dest)
    try:
        _export_to(graph, fmt, writer, target)
    except OSError as exc:
        raise KGError(f"{target}: cannot write the export: {exc.strerror or exc}") from None


def merge_chunks(chunks: Iterable[Graph]) -> Graph:
    """One graph holding every chunk of a stream (the same id twice must be the same element)."""
    merged = Graph()
    for chunk in chunks:
        merged.update(chunk)
    return merged


def _export_to(
    graph: Graph | Iterable[Graph], fmt: str, writer: Callable[..., None], target: Path
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if FORMATS[fmt].directory:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            writer(graph, staging)
            staging.chmod(_umask_mode(directory=True))
            if target.exists():
                _replace_dir(staging, target)
            else:
                staging.rename(target)
        except BaseException as exc:
            _remove_tree(staging)
            if isinstance(exc, KGError) and str(staging) in str(exc):
                # The writer names the files of the staging folder; the user named the target.
                raise KGError(str(exc).replace(str(staging), str(target))) from None
            raise
        return
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            writer(graph, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp_name, _umask_mode(directory=False))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask_mode(directory: bool) -> int:
    """The mode a plain ``open`` or ``mkdir`` would give: temporary files are private (0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def _remove_tree(path: Path) -> None:
    for child in sorted(path.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    path.rmdir()


def _replace_dir(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        _remove_tree(old)
    target.rename(old)
    staging.rename(target)
    _remove_tree(old)
