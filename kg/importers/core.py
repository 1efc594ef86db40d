"""What every importer shares: reading a tab-separated file with Arrow, checking its columns,
turning rows into documents, and loading them into a store with the claims machinery.

A file is read by pyarrow's CSV reader with every column as bytes; each column is then checked
as a whole (UTF-8, dates, numbers, CAMEO codes) with Arrow compute functions, so a bad row is
found without a Python object per row. The first bad cell stops the import with one line naming
the file, the line and the column (:class:`ImportRowError`); with ``skip_bad`` the row goes to
the rejects instead. Rows then become statements of their source document (a GDELT row of its
SOURCEURL, an ICEWS event of its story), loaded by :func:`kg.grow.plan_load` and the store's
``load``: the same events again change nothing, and an event two sources describe gets a claim
from each.
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
from kg.importers.cameo import INTENDED, Codebook
from kg.importers.resolve import slug
from kg.model import Edge, Graph, Node
from kg.ontology import Ontology
from kg.stores.base import LoadReport, Progress

__all__ = [
    "Check",
    "Document",
    "ImportReport",
    "ImportRowError",
    "Rejected",
    "check_columns",
    "file_document",
    "import_files",
    "load_imported",
    "read_table",
]

DATE8 = r"^[0-9]{8}$"
INTEGER = r"^-?[0-9]+$"
NUMBER = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"


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
class Document:
    """One source document of an import: its node and what it says about events."""

    node: Node
    graph: Graph = field(default_factory=Graph)
    lines: dict[str, int] = field(default_factory=dict)


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


def read_table(
    data: bytes, names: Sequence[str], shown: str, header: bool, rejects: list[Rejected] | None
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
            pa.py_buffer(data),
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


def add_announced_event(
    doc: Document,
    book: Codebook,
    code: str,
    announced_label: str,
    event_id: str,
    names: str,
    actors: Sequence[str | None],
    according_to: str,
    line: int,
) -> None:
    """Add the planned event an intent code (03x) announces, to the document's graph.

    An intent to act is never an event that occurred: the row's event announces a planned
    event of the intended kind, between the row's actors, stated by the same source.
    """
    graph = doc.graph
    planned_id = f"{event_id}-announced"
    intended = INTENDED.get(code[:3])
    graph.add_node(
        Node(
            planned_id,
            announced_label,
            {
                "name": f"{book.codes[code].name}: the announced event"
                + (f" ({names})" if names else ""),
                "status": "planned",
                "cameo_code": intended,
                "cameo_root_code": intended[:2] if intended else None,
                "cameo_concept": intended,
            },
        )
    )
    doc.lines.setdefault(planned_id, line)
    graph.add_edge(Edge.between(event_id, "ANNOUNCES", planned_id))
    graph.add_edge(Edge.between(planned_id, "ACCORDING_TO", according_to))
    for actor in dict.fromkeys(a for a in actors if a):
        graph.add_edge(Edge.between(planned_id, "HAS_PARTICIPANT", actor))


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


def to_files(documents: Sequence[Document], shown: str) -> list[FactsFile]:
    """Each document as the facts machinery knows them: every node it describes names it."""
    for doc in documents:
        for node_id, node in list(doc.graph.nodes.items()):
            if node.properties.get("document") != doc.node.id:
                props = dict(node.properties, document=doc.node.id)
                doc.graph.nodes[node_id] = Node(node.id, node.label, props)
    return [
        FactsFile(
            shown=shown,
            document=doc.node.id,
            published=doc.node.properties.get("published"),
            graph=doc.graph,
            lines=dict(doc.lines),
            edge_lines={},
        )
        for doc in documents
    ]


def load_imported(
    store: Any,
    files: list[FactsFile],
    ont: Ontology,
    progress: Progress | None = None,
) -> tuple[LoadReport, Change]:
    """Load imported documents into a store as :func:`kg.grow.load_documents` loads facts."""
    from kg.grow import plan_load

    started = time.perf_counter()
    change = plan_load(store, files, ont)
    report: LoadReport = store.load(change.write, progress, remove=change.remove)
    report.seconds = time.perf_counter() - started
    return report, change


def file_document(source: str, shown: str, held: dict[str, Document]) -> Document:
    """The document of an imported file itself: a Report that describes the nodes kg made from
    it (and, for a GDELT backfile, whose rows name no source, its events)."""
    name = Path(shown).name
    doc_id = f"{source}-file-{slug(name)}"
    doc = held.get(doc_id)
    if doc is None:
        node = Node(doc_id, "Report", {"name": f"{source.upper()} events file {name}"})
        doc = held[doc_id] = Document(node)
        doc.graph.add_node(node)
        doc.lines[doc_id] = 1
    return doc


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
    documents: dict[str, Document] = {}
    for path in paths:
        shown = str(path)
        data = raw_bytes(Path(path))
        names, header, layout = module.layout(data, shown)
        before = len(rejects) if rejects is not None else 0
        table, lines = read_table(data, names, shown, header, rejects)
        text, lines = check_columns(table, lines, module.checks(names, book), shown, rejects)
        made_before = set(resolver.created)
        _touched, events = module.documents(text, lines, shown, book, resolver, documents)
        new = [resolver.created[i] for i in resolver.created if i not in made_before]
        if new:
            # The nodes kg makes (actors, their links to their countries) are described once,
            # by the file, so that a source's document can be unloaded alone.
            made = file_document(source, shown, documents)
            for node, edges in new:
                made.graph.add_node(node)
                made.lines.setdefault(node.id, 0)
                for edge in edges:
                    made.graph.add_edge(edge)
        rejected = (len(rejects) - before) if rejects is not None else 0
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
    report.actors_created = sum(
        1 for node, _ in resolver.created.values() if node.label in ont.actor_labels
    )
    report.actors_left_out = resolver.left_out
    report.documents = len(documents)
    files = to_files(list(documents.values()), ", ".join(str(p) for p in paths))
    if rejects is not None and skip_bad is not None:
        write_rejects(skip_bad, rejects)
    # Store actors the events meet: what resolution matched rather than made.
    roles = frozenset(ont.actor_role_types)
    report.actors_matched = len(
        {
            edge.target
            for doc in documents.values()
            for edge in doc.graph.edges.values()
            if edge.type in roles and edge.target not in resolver.created
        }
    )
    report.load, change = load_imported(store, files, ont, progress)
    events = frozenset(ont.event_labels)
    # Events more than one source describes: their view is merged from several claims.
    report.merged = sum(
        1
        for node in change.write.nodes.values()
        if node.label in events and len(node.properties.get("documents", ())) > 1
    )
    report.seconds = time.perf_counter() - started
    return report
