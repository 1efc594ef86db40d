"""What every importer shares: reading a tab-separated file with Arrow, checking its columns,
building the import's tables, and loading them into a store.

A file is read by pyarrow's CSV reader with every column as bytes; each column is then checked
as a whole (UTF-8, dates, numbers, CAMEO codes) with Arrow compute functions, so a bad row is
found without a Python object per row. The first bad cell stops the import with one line naming
the file, the line and the column (:class:`ImportRowError`); with ``skip_bad`` the row goes to
the rejects instead. The source module makes a :class:`~kg.importers.columns.Frame` of the
checked rows (a GDELT row is stated by its SOURCEURL, an ICEWS event by its story) and
:func:`~kg.importers.columns.assemble` the node and relationship tables. Events the store does
not hold yet go straight to the store's bulk path (:func:`load_new`); an import that gives an
event the store holds, or one event twice, goes through the claims machinery
(:func:`load_claims`): the same events again change nothing, and an event two sources describe
gets a claim from each.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from kg.errors import KGError
from kg.facts import FactsFile
from kg.grow import Change
from kg.importers.cameo import Codebook
from kg.importers.columns import (
    Frame,
    Tables,
    as_documents,
    as_graphs,
    assemble,
    edge_tables,
    node_tables,
)
from kg.importers.resolve import slug
from kg.model import Edge, Node
from kg.ontology import Ontology
from kg.stores.base import LoadReport, Progress

__all__ = [
    "Check",
    "ImportReport",
    "ImportRowError",
    "Rejected",
    "check_columns",
    "file_document_id",
    "import_files",
    "load_claims",
    "load_new",
    "read_table",
]

DATE8 = r"^[0-9]{8}$"
INTEGER = r"^-?[0-9]+$"
NUMBER = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
LOOKUP_BATCH = 100_000  # event ids looked up in the store per query


class ImportRowError(KGError):
    """A bad row: the file, the line and the column, and what is wrong."""

    def __init__(self, path: str, line: int, column: str, reason: str) -> None:
        self.path, self.line, self.column, self.reason = path, line, column, reason
        super().__init__(f"{path}:{line}: column {column}: {reason}")


@dataclass
class Rejected:
    """A row left out by ``--skip-bad``: where it is, why, and its text."""

    path: str
    line: int
    column: str
    reason: str
    text: str


@dataclass
class Check:
    """A rule on one column: a regular expression its non-empty (or every) value must match."""

    column: str
    pattern: str | None = None
    allowed: frozenset[str] | None = None
    optional: bool = False  # an empty value passes
    what: str = "a value"
    date_format: str | None = None  # the value must also be a real calendar date


@dataclass
class ImportReport:
    """What an import read and did, per file and in total."""

    files: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    events: int = 0
    rejected: int = 0
    actors_left_out: int = 0
    actors_created: int = 0
    actors_matched: int = 0
    merged: int = 0
    documents: int = 0
    load: LoadReport = field(default_factory=LoadReport)
    seconds: float = 0.0

    def as_dict(self, store: str) -> dict[str, Any]:
        """The machine-readable summary ``--format json`` prints."""
        return {
            "store": store,
            "files": self.files,
            "rows": self.rows,
            "events": self.events,
            "rejected": self.rejected,
            "documents": self.documents,
            "merged": self.merged,
            "actors_matched": self.actors_matched,
            "actors_created": self.actors_created,
            "actors_left_out": self.actors_left_out,
            "nodes_created": self.load.nodes_created,
            "nodes_updated": self.load.nodes_updated,
            "nodes_deleted": self.load.nodes_deleted,
            "relationships_created": self.load.edges_created,
            "relationships_updated": self.load.edges_updated,
            "relationships_deleted": self.load.edges_deleted,
            "unchanged": self.load.unchanged,
            "seconds": round(self.seconds, 3),
        }


def raw_bytes(path: Path) -> bytes:
    """A file's bytes, from inside a .zip when it is one (the one member the projects put there)."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise KGError(
                        f"{path}: a zip of event data holds one file, this one {len(members)}"
                    )
                return archive.read(members[0])
        return path.read_bytes()
    except OSError as exc:
        raise KGError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except zipfile.BadZipFile as exc:
        raise KGError(f"{path}: not a readable zip file: {exc}") from None


def open_source(path: Path) -> tuple[bytes, bytes | Path]:
    """A file's first line and what :func:`read_table` reads: a plain file is read from disk
    by Arrow (its bytes are never all held at once), a zipped one from its member's bytes."""
    try:
        if not zipfile.is_zipfile(path):
            with path.open("rb") as file:
                return file.readline(1 << 20), path
    except OSError as exc:
        raise KGError(f"{path}: cannot read: {exc.strerror or exc}") from None
    data = raw_bytes(path)
    return data[: 1 << 20], data


def read_table(
    data: bytes | Path,
    names: Sequence[str],
    shown: str,
    header: bool,
    rejects: list[Rejected] | None,
) -> tuple[pa.Table, pa.Array]:
    """Every row of a tab-separated file as bytes columns, and each row's line number.

    A row with another number of columns stops the read (an :class:`ImportRowError`), or goes to
    ``rejects`` when given.
    """
    skipped: list[int] = []
    stopped: list[ImportRowError] = []

    def invalid(row: Any) -> str:
        # An exception raised here does not reach the caller: say "error" and raise it after.
        reason = f"{row.actual_columns} columns where the file's layout has {row.expected_columns}"
        if rejects is None:
            stopped.append(ImportRowError(shown, row.number, "-", reason))
            return "error"
        rejects.append(Rejected(shown, row.number, "-", reason, row.text))
        skipped.append(row.number)
        return "skip"

    try:
        table = pcsv.read_csv(
            str(data) if isinstance(data, Path) else pa.py_buffer(data),
            read_options=pcsv.ReadOptions(
                column_names=list(names), skip_rows=1 if header else 0, use_threads=False
            ),
            parse_options=pcsv.ParseOptions(
                delimiter="\t", quote_char=False, invalid_row_handler=invalid
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.binary() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if stopped:
            raise stopped[0] from None
        raise KGError(f"{shown}: cannot read as tab-separated values: {exc}") from None
    first = 2 if header else 1
    # Line of each row: the rows in order, past the lines the handler skipped.
    lines: list[int] = []
    line, skip = first, sorted(skipped)
    k = 0
    for _ in range(table.num_rows):
        while k < len(skip) and skip[k] == line:
            line += 1
            k += 1
        lines.append(line)
        line += 1
    return table, pa.array(lines, pa.int64())


def _bad_text(column: pa.ChunkedArray) -> int | None:
    """The first row whose bytes are not UTF-8, None when all are."""
    try:
        pc.cast(column, pa.string())
        return None
    except pa.ArrowInvalid:
        for i, value in enumerate(column.to_pylist()):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return i
        return None  # pragma: no cover


def check_columns(
    table: pa.Table,
    lines: pa.Array,
    checks: Sequence[Check],
    shown: str,
    rejects: list[Rejected] | None,
) -> tuple[pa.Table, pa.Array]:
    """The table as text, its bad rows stopped on or removed (see :func:`read_table`)."""
    columns = {}
    bad_rows: dict[int, tuple[str, str]] = {}
    for name in table.column_names:
        column = table.column(name)
        while (row := _bad_text(column)) is not None:
            bad_rows.setdefault(row, (name, "not valid UTF-8"))
            if rejects is None:
                break
            fixed = column.to_pylist()
            fixed[row] = b""
            column = pa.chunked_array([pa.array(fixed, pa.binary())])
        columns[name] = pc.cast(column, pa.string()) if row is None or rejects is not None else None
    if bad_rows and rejects is None:
        row, (name, reason) = min(bad_rows.items())
        raise ImportRowError(shown, int(lines[row].as_py()), name, reason)
    text = pa.table({n: c for n, c in columns.items()})
    for check in checks:
        values = text.column(check.column)
        if check.allowed is not None:
            ok = pc.is_in(values, value_set=pa.array(sorted(check.allowed), pa.string()))
        elif check.pattern is not None:
            ok = pc.match_substring_regex(values, check.pattern)
        else:
            ok = pc.not_equal(pc.utf8_length(values), -1)
        if check.date_format is not None:
            parsed = pc.strptime(values, format=check.date_format, unit="s", error_is_null=True)
            # Arrow rolls 30 February over into March: a real date reads back as it was written.
            again = pc.strftime(parsed, format=check.date_format)
            ok = pc.and_(ok, pc.fill_null(pc.equal(again, values), False))
        if check.optional:
            ok = pc.or_(ok, pc.equal(values, ""))
        failing = pc.indices_nonzero(pc.invert(ok)).to_pylist()
        for row in failing:
            value = values[row].as_py()
            reason = (
                f"{check.what} expected, found {value!r}"
                if value
                else f"{check.what} expected, found nothing"
            )
            bad_rows.setdefault(row, (check.column, reason))
            if rejects is None:
                break
    if not bad_rows:
        return text, lines
    if rejects is None:
        row, (name, reason) = min(bad_rows.items())
        raise ImportRowError(shown, int(lines[row].as_py()), name, reason)
    raw = table.to_pylist()
    for row, (name, reason) in sorted(bad_rows.items()):
        values = [v.decode("utf-8", "replace") for v in raw[row].values()]
        rejects.append(Rejected(shown, int(lines[row].as_py()), name, reason, "\t".join(values)))
    keep = pc.invert(pa.array([i in bad_rows for i in range(text.num_rows)]))
    return text.filter(keep), lines.filter(keep)


def cameo_check(column: str, book: Codebook) -> Check:
    """The column holds a code of the CAMEO book."""
    return Check(column, allowed=frozenset(book.codes), what="a CAMEO event code")


def write_rejects(path: Path, rejects: Sequence[Rejected]) -> None:
    """The rejected rows, one a line: file, line, column, reason, then the row as read."""
    with path.open("w", encoding="utf-8") as out:
        out.write("file\tline\tcolumn\treason\trow\n")
        for r in rejects:
            reason = r.reason.replace("\t", " ").replace("\n", " ")
            out.write(f"{r.path}\t{r.line}\t{r.column}\t{reason}\t{r.text}\n")


def file_document_id(source: str, shown: str) -> str:
    """The id of the document an imported file itself is: it describes the nodes kg made from it
    (and, for a GDELT backfile, whose rows name no source, its events)."""
    return f"{source}-file-{slug(Path(shown).name)}"


def file_document_name(source: str, shown: str) -> str:
    return f"{source.upper()} events file {Path(shown).name}"


def _file_document(source: str, shown: str, documents: pa.Table) -> pa.Table:
    """The file's document, published on the day of its first document (the actors it makes
    are known from then on, as of any later day)."""
    return pa.table(
        {
            "id": [file_document_id(source, shown)],
            "label": ["Report"],
            "line": pa.array([1], pa.int64()),
            "name": [file_document_name(source, shown)],
            "published": [pc.min(documents.column("published")).as_py()],
        }
    )


def _check_repeats(events: pa.Table, shown: str) -> None:
    """An event a source gives twice must be the same each time (another source may differ)."""
    ids = events.column("id")
    if pc.count_distinct(ids).as_py() == events.num_rows:
        return
    counts = pc.value_counts(ids)
    twice = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    rows = events.filter(pc.is_in(ids, value_set=twice))
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows.to_pylist():
        line = row.pop("line")
        key = (row["id"], row["document"])
        if seen.setdefault(key, row) != row:
            raise ImportRowError(
                shown, line, "-", f"event {row['id']} given twice by one source with other values"
            )


def _events_are_new(store: Any, tables: Tables, ont: Ontology) -> bool:
    """Whether every event of the import is given once and the store holds none of them."""
    ids = tables.ids(ont.event_labels)
    if not ids:
        return True
    every = pa.chunked_array(list(ids.values()))
    if pc.count_distinct(every).as_py() < len(every):
        return False
    for label, values in ids.items():
        (held,) = store.query(f"MATCH (n:`{label}`) RETURN count(n) AS held").rows[0]
        if not held:
            continue
        for start in range(0, len(values), LOOKUP_BATCH):
            batch = values.slice(start, LOOKUP_BATCH).to_pylist()
            found = store.query(
                f"UNWIND $ids AS i MATCH (n:`{label}`) WHERE n.id = i RETURN count(n) AS held",
                {"ids": batch},
            ).rows[0][0]
            if found:
                return False
    return True


def load_new(store: Any, tables: Tables, progress: Progress | None = None) -> LoadReport:
    """Write an import's tables as they are: the embedded store takes them as columns (and the
    tables are emptied), another store as graphs of about 50,000 elements."""
    if hasattr(store, "load_tables"):
        nodes, edges = node_tables(tables), edge_tables(tables)
        # The store's load drops each table once staged: nothing else may hold them.
        tables.nodes.clear()
        tables.edges.clear()
        report: LoadReport = store.load_tables(nodes, edges, progress)
        return report
    chunked: LoadReport = store.load_chunks(as_graphs(tables), progress)
    return chunked


def load_claims(
    store: Any, tables: Tables, ont: Ontology, shown: str, progress: Progress | None = None
) -> tuple[LoadReport, Change]:
    """Write an import through the claims machinery (:func:`kg.grow.plan_load`): each document's
    share of the tables is its statement, merged with what the store and other documents say."""
    from kg.grow import plan_load

    started = time.perf_counter()
    files = []
    for document, (graph, lines) in as_documents(tables, ont.interaction_type).items():
        node = graph.nodes.get(document)
        files.append(
            FactsFile(
                shown=shown,
                document=document,
                published=node.properties.get("published") if node is not None else None,
                graph=graph,
                lines=lines,
                edge_lines={},
            )
        )
    change = plan_load(store, files, ont)
    report: LoadReport = store.load(change.write, progress, remove=change.remove)
    report.seconds = time.perf_counter() - started
    return report, change


def import_files(
    store: Any,
    source: str,
    paths: Sequence[Path],
    skip_bad: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import event data files of one source (``gdelt``, ``icews``) into a store, all or nothing.

    Raises:
        ImportRowError: a bad row (without ``skip_bad``); nothing was written.
        KGError: a file cannot be read or has no known layout; nothing was written.
    """
    import importlib

    from kg.importers import SOURCES
    from kg.importers.cameo import load_codebook
    from kg.importers.resolve import Resolver
    from kg.ontology import load_ontology

    started = time.perf_counter()
    module = importlib.import_module(SOURCES[source])
    ont = load_ontology()
    book = load_codebook()
    resolver = Resolver.from_store(store)
    rejects: list[Rejected] | None = [] if skip_bad is not None else None
    report = ImportReport()
    frames: list[Frame] = []
    named: set[str] = set()  # the documents the rows name
    made: list[tuple[str, list[Node], list[Edge]]] = []
    for path in paths:
        shown = str(path)
        first, data = open_source(Path(path))
        names, header, layout = module.layout(first, shown)
        before = len(rejects) if rejects is not None else 0
        table, lines = read_table(data, names, shown, header, rejects)
        del data
        text, lines = check_columns(table, lines, module.checks(names, book), shown, rejects)
        del table
        # Only the columns the source reads are kept (the others were checked).
        text = text.select([n for n in text.column_names if n in module.USED])
        made_before = set(resolver.created)
        frame = module.frame(text, lines, shown, book, resolver)
        named.update(pc.unique(frame.events.column("document")).to_pylist())
        _check_repeats(frame.events, shown)
        new = [resolver.created[i] for i in resolver.created if i not in made_before]
        if new:
            # The nodes kg makes (actors, their links to their countries) are described once,
            # by the file, so that a source's document can be unloaded alone.
            document = file_document_id(source, shown)
            if document not in frame.documents.column("id").to_pylist():
                frame.documents = pa.concat_tables(
                    [frame.documents, _file_document(source, shown, frame.documents)],
                    promote_options="permissive",
                )
            made.append((document, [n for n, _ in new], [e for _, edges in new for e in edges]))
        frames.append(frame)
        rejected = (len(rejects) - before) if rejects is not None else 0
        events = frame.events.num_rows
        report.files.append(
            {
                "file": shown,
                "layout": layout,
                "rows": text.num_rows + rejected,
                "events": events,
                "rejected": rejected,
            }
        )
        report.rows += text.num_rows + rejected
        report.events += events
        report.rejected += rejected
        report.actors_left_out += frame.left_out
        del text, frame
        pa.default_memory_pool().release_unused()  # what reading held, before the next file
    report.actors_created = sum(
        1 for node, _ in resolver.created.values() if node.label in ont.actor_labels
    )
    if rejects is not None and skip_bad is not None:
        write_rejects(skip_bad, rejects)
    tables = assemble(frames, made, resolver.known, book, ont)
    del frames
    report.documents = len(named)
    # Store actors the events meet: what resolution matched rather than made.
    met: set[str] = set()
    for rtype in ont.actor_role_types:
        for table in tables.edges.get(rtype, []):
            met.update(pc.unique(table.column("to")).to_pylist())
    report.actors_matched = len(met.difference(resolver.created))
    if _events_are_new(store, tables, ont):
        report.load = load_new(store, tables, progress)
    else:
        shown = ", ".join(str(p) for p in paths)
        report.load, change = load_claims(store, tables, ont, shown, progress)
        events_labels = frozenset(ont.event_labels)
        # Events more than one source describes: their view is merged from several claims.
        report.merged = sum(
            1
            for node in change.write.nodes.values()
            if node.label in events_labels and len(node.properties.get("documents", ())) > 1
        )
    report.seconds = time.perf_counter() - started
    return report
