"""The ``kg`` command: thin click commands over the library.

Each command parses its options, makes one library call and turns :class:`~kg.errors.KGError` into
a one-line message with exit code 1. Usage errors exit with 2. Everything a person reads has a
``--format json`` twin.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.config import Neo4jConfig
from kg.errors import KGError
from kg.model import Graph
from kg.stores.base import Store

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = "kg.lbug"


# ------------------------------------------------------------------------------------------ helpers


def _fail_cleanly(func: F) -> F:
    """Turn the library's own errors into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            TerminalProgress.end_line()
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """``--format`` with the given choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format; json is the machine-readable twin of the table.",
    )


as_of_option = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Only what sources published by this day (YYYY-MM-DD) said: the view of that day.",
)


def store_options(func: F) -> F:
    """Options that choose the store: ``--db`` (embedded) or ``--uri`` and friends (Neo4j)."""
    options = [
        click.option(
            "--db",
            type=click.Path(dir_okay=True, path_type=Path),
            default=None,
            help=f"Embedded LadybugDB store [default: ./{DEFAULT_DB}].",
        ),
        click.option(
            "--uri",
            envvar="NEO4J_URI",
            default=None,
            help="Neo4j URI (bolt://, neo4j://, +s, +ssc) [env NEO4J_URI]; selects the Neo4j store.",
        ),
        click.option(
            "--user",
            "username",
            envvar="NEO4J_USERNAME",
            default=None,
            help="Neo4j user [env NEO4J_USERNAME, default neo4j].",
        ),
        click.option(
            "--password",
            envvar="NEO4J_PASSWORD",
            default=None,
            help="Neo4j password. Prefer the environment (NEO4J_PASSWORD) or the prompt: a flag shows in the process list.",
        ),
        click.option(
            "--database",
            envvar="NEO4J_DATABASE",
            default=None,
            help="Neo4j database [env NEO4J_DATABASE, default neo4j].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextmanager
def open_store_from_options(
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    *,
    read_only: bool,
    buffer_pool_size: int = 0,
) -> Iterator[Store]:
    """The store the options name: Neo4j when a URI is given (and no --db), else LadybugDB.

    ``buffer_pool_size`` caps the embedded engine's page cache (0: the engine's default, most
    of the machine's memory), for commands that stream a whole store through a bounded window.
    """
    from kg.stores import open_store

    store: Store
    if uri and db is None:
        if password is None and sys.stdin.isatty():
            password = click.prompt("Neo4j password", hide_input=True)
        config = Neo4jConfig.resolve(
            uri=uri, username=username, password=password, database=database
        )
        store = open_store("neo4j", config=config)
    else:
        store = open_store(
            "ladybug",
            path=db or Path(DEFAULT_DB),
            read_only=read_only,
            buffer_pool_size=buffer_pool_size,
        )
    try:
        yield store
    finally:
        store.close()


class TerminalProgress:
    """Progress on stderr when it is a terminal; silent otherwise (logs and pipes stay clean)."""

    line_open = False  # a progress line is on the terminal without its newline yet

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        pct = f"{100 * done // total:3d}%" if total else "    "
        click.echo(
            f"\r{pct} {step[:60]:<60} {time.monotonic() - self.started:6.1f}s",
            err=True,
            nl=done >= total,
        )
        TerminalProgress.line_open = done < total

    @classmethod
    def end_line(cls) -> None:
        """End a progress line a failure left open, so the error starts on a line of its own."""
        if cls.line_open:
            click.echo(err=True)
            cls.line_open = False


class FactsStream:
    """The chunks of facts files (:func:`kg.facts.iter_facts`), counted as they pass.

    Shows how many files have been read on the progress display, and lends that fraction to a
    store's progress steps whose total is unknown (a streamed load does not know its size).
    """

    def __init__(self, paths: Sequence[Path], progress: Callable[[str, int, int], None]) -> None:
        self.paths = paths
        self.progress = progress
        self.read = 0
        self.nodes = 0
        self.relationships = 0
        self.counts: dict[str, int] = {}

    def __iter__(self) -> Iterator[Graph]:
        from kg.facts import iter_facts

        for chunk in iter_facts(*self.paths):
            self.read = min(self.read + 1, len(self.paths))
            self.nodes += len(chunk.nodes)
            self.relationships += len(chunk.edges)
            for name, count in chunk.counts().items():
                self.counts[name] = self.counts.get(name, 0) + count
            self.progress("reading facts", self.read, len(self.paths))
            yield chunk

    def store_progress(self, step: str, done: int, total: int) -> None:
        """A store's progress; when its total is unknown, the share of files read stands in."""
        if total:
            self.progress(step, done, total)
        else:
            self.progress(step, self.read, len(self.paths))

    def sorted_counts(self) -> dict[str, int]:
        """Counts by label, then by relationship type, as :meth:`kg.model.Graph.counts` gives."""
        from kg.ontology import load_ontology

        labels = set(load_ontology().node_labels)
        nodes = {k: v for k, v in sorted(self.counts.items()) if k in labels}
        return {**nodes, **{k: v for k, v in sorted(self.counts.items()) if k not in labels}}


def render_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, JSON (a list of objects) or CSV.

    >>> print(render_rows(["a", "b"], [[1, None], ["xy", ["p", "q"]]], "table"))
    a   b
    --  ----
    1
    xy  p, q
    """
    if fmt == "json":
        return json.dumps(
            [dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\n", " ")


def _streaming_store(
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
) -> contextlib.AbstractContextManager[Store]:
    """The store the options name, opened read-only to be read chunk by chunk (``iter_graph``)."""
    from kg.stores.ladybug import STREAM_BUFFER_POOL

    return open_store_from_options(
        db, uri, username, password, database, read_only=True, buffer_pool_size=STREAM_BUFFER_POOL
    )


def _graph_from(
    facts: Sequence[Path],
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
) -> Graph:
    """The graph to work on: from facts files, or read back from a store when one is named."""
    from kg.facts import load_facts

    if facts or (db is None and not uri):
        return load_facts(*facts)
    with open_store_from_options(db, uri, username, password, database, read_only=True) as store:
        return store.read_graph()


def _expand_folders(
    ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]
) -> tuple[Path, ...]:
    """A folder stands for the ``*.facts.yaml`` files in it, in name order (a generated corpus)."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.facts.yaml"))
            if not found:
                raise click.BadParameter(f"{path} holds no *.facts.yaml file", ctx=ctx, param=param)
            expanded.extend(found)
        else:
            expanded.append(path)
    return tuple(expanded)


facts_argument = click.argument(
    "facts", nargs=-1, type=click.Path(exists=True, path_type=Path), callback=_expand_folders
)


# ------------------------------------------------------------------------------------------ commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kg", message="%(prog)s %(version)s")
def main() -> None:
    """kg: a knowledge graph of diplomatic actors and events, traced to its sources.

    Load facts into the embedded store (LadybugDB) or Neo4j, ask it Cypher questions, export RDF,
    NetworkX and CSV, and analyse the actor network.

    Example: kg load && kg query calls
    """


# Facts files larger than this go into Neo4j in journaled batches unless --commit-every says.
JOURNAL_ABOVE = 256 * 2**20
AUTO_COMMIT_EVERY = 100_000


def facts_size(paths: Iterable[Path]) -> int:
    """Bytes of facts files on disk."""
    return sum(path.stat().st_size for path in paths)


def auto_commit_every(size: int) -> int | None:
    """The Neo4j batch size kg load picks by itself for ``size`` bytes of facts (None: one
    transaction)."""
    return AUTO_COMMIT_EVERY if size > JOURNAL_ABOVE else None


@main.command()
@facts_argument
@store_options
@click.option(
    "--commit-every",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help=(
        "Neo4j: commit about every N elements, with an undo journal so that a failed or killed "
        "load is undone (others see the load as it goes); 0: one transaction "
        "[default: one transaction if the load fits the server's transaction memory, else "
        f"journaled batches; {AUTO_COMMIT_EVERY} when the facts exceed "
        f"{JOURNAL_ABOVE // 2**20} MiB]."
    ),
)
@click.option("--quiet", is_flag=True, help="No progress display.")
@format_option("text", "json", default="text")
@_fail_cleanly
def load(
    facts: tuple[Path, ...],
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    commit_every: int | None,
    quiet: bool,
    fmt: str,
) -> None:
    """Load facts files (default: the bundled article) into a store, all or nothing.

    Loading the same facts again changes nothing.

    Example: kg load kg/data/article.facts.yaml --db kg.lbug
    """
    from kg.facts import sample_facts_path
    from kg.grow import INCREMENTAL_MAX
    from kg.stores.base import LoadReport
    from kg.stores.neo4j import Neo4jLoadReport, Neo4jStore

    paths = facts or (sample_facts_path(),)
    neo4j = bool(uri) and db is None
    if commit_every is not None and not neo4j:
        raise click.UsageError("--commit-every is for Neo4j (--uri or NEO4J_URI)")
    every, note = commit_every, None
    size = facts_size(paths)
    if neo4j and commit_every is None and auto_commit_every(size) is not None:
        every = auto_commit_every(size)
        note = (
            f"{size / 2**20:,.0f} MiB of facts: loading in journaled batches of about {every:,} "
            "elements (a failed load is undone; --commit-every 0 for one transaction)"
        )
        if fmt != "json":
            click.echo(f"Note: {note}.", err=True)
    stream = FactsStream(paths, TerminalProgress(False if quiet else None))
    recovered: list[str] = []
    report: LoadReport
    incremental = size <= INCREMENTAL_MAX and not every
    change = None
    with open_store_from_options(db, uri, username, password, database, read_only=False) as store:
        if isinstance(store, Neo4jStore):
            store.commit_every = every  # store.load, in kg.grow, commits as the user asked
        if incremental:
            from kg.grow import load_documents

            report, change = load_documents(
                store, paths, TerminalProgress(False if quiet else None)
            )
            counts = change.write.counts()
            stream.nodes, stream.relationships = len(change.write.nodes), len(change.write.edges)
            stream.counts = counts
        elif isinstance(store, Neo4jStore):
            report = store.load_chunks(stream, progress=stream.store_progress, commit_every=every)
        else:
            report = store.load_chunks(stream, progress=stream.store_progress)
        where = _store_name(db, uri)
    if isinstance(report, Neo4jLoadReport):
        recovered = [r.describe() for r in report.recovered]
        every = report.commit_every
        if report.note:
            note = report.note
            if fmt != "json":
                click.echo(f"Note: {note}.", err=True)
    if fmt != "json":
        for line in recovered:
            click.echo(f"{line[0].upper()}{line[1:]}.", err=True)
    summary = {
        "store": where,
        "documents": change.documents if change is not None else None,
        "nodes": stream.nodes,
        "relationships": stream.relationships,
        "nodes_created": report.nodes_created,
        "nodes_updated": report.nodes_updated,
        "nodes_deleted": report.nodes_deleted,
        "relationships_created": report.edges_created,
        "relationships_updated": report.edges_updated,
        "relationships_deleted": report.edges_deleted,
        "unchanged": report.unchanged,
        "seconds": round(report.seconds, 3),
        "mode": "incremental" if incremental else "snapshot",
        "commit_every": every,
        "note": note,
        "recovered": recovered,
    }
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2))
        return
    deleted = report.nodes_deleted + report.edges_deleted
    click.echo(
        f"Loaded {summary['nodes']} nodes and {summary['relationships']} relationships into {where}: "
        f"{report.nodes_created + report.edges_created} created, {report.nodes_updated + report.edges_updated} updated, "
        + (f"{deleted} deleted, " if deleted else "")
        + f"{report.unchanged} unchanged."
    )


@main.command()
@click.argument("document")
@store_options
@format_option("text", "json", default="text")
@_fail_cleanly
def unload(
    document: str,
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Retract what one DOCUMENT said (the document id of a facts file), all or nothing.

    Its claims go, and the nodes and links only it gave; every fact it touched falls back to the
    claims of the other documents. Loading the document again gives back the same store.

    Example: kg unload followup-2025-05-20 --db kg.lbug
    """
    from kg.grow import unload as do_unload

    with open_store_from_options(db, uri, username, password, database, read_only=False) as store:
        report, change = do_unload(store, document)
        where = _store_name(db, uri)
    summary = {
        "store": where,
        "document": document,
        "facts_touched": change.touched,
        "nodes_deleted": report.nodes_deleted,
        "relationships_deleted": report.edges_deleted,
        "nodes_updated": report.nodes_updated,
        "relationships_updated": report.edges_updated,
        "seconds": round(report.seconds, 3),
    }
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(
        f"Unloaded {document} from {where}: {change.touched} facts touched, "
        f"{_plural(report.nodes_deleted, 'node')} and "
        f"{_plural(report.edges_deleted, 'relationship')} deleted "
        "(besides those that went with their nodes), "
        f"{report.nodes_updated + report.edges_updated} updated."
    )


@main.command()
@click.argument("name", required=False)
@click.option(
    "-e", "--execute", "cypher", default=None, help="Run this Cypher text instead of a named query."
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Query parameter; repeatable.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the queries of the library.")
@as_of_option
@store_options
@format_option("table", "json", "csv")
@_fail_cleanly
def query(
    name: str | None,
    cypher: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    as_of: str | None,
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Run a query of the library by NAME, a .cypher FILE, or -e 'CYPHER'.

    Values are passed only as parameters (-p key=value), never pasted into the text.

    Example: kg query upcoming_calls -p after=2025-05-18 --format json
    """
    from kg import queries

    if list_queries:
        defs = queries.list_queries()
        rows = [
            [q.name, q.question, ", ".join(f"{p.name}={p.default_text}" for p in q.parameters)]
            for q in defs
        ]
        click.echo(render_rows(["name", "question", "parameters"], rows, fmt))
        return
    if (name is None) == (cypher is None):
        raise click.UsageError("give a query NAME or FILE, or -e 'CYPHER' (one of them), or --list")
    overrides = dict(queries.split_param(p) for p in params)
    qdef = queries.adhoc_query(cypher) if cypher is not None else queries.get_query(name or "")
    queries.resolve_parameters(qdef, overrides)  # a wrong parameter fails before any connection
    day = _check_as_of(as_of)
    with open_store_from_options(db, uri, username, password, database, read_only=True) as store:
        if day is None:
            result = queries.run_query(store, qdef, overrides)
        else:
            from kg.grow import as_of_graph
            from kg.stores.ladybug import LadybugStore

            view = as_of_graph(store.read_graph(), day)
            # The view of a past day is a graph of its own: it is asked in an embedded store.
            with (
                tempfile.TemporaryDirectory(prefix="kg-as-of-") as folder,
                LadybugStore(Path(folder) / "as-of.lbug") as past,
            ):
                past.load(view)
                result = queries.run_query(past, qdef, overrides)
    click.echo(render_rows(result.columns, result.rows, fmt))


def _store_name(db: Path | None, uri: str | None) -> str:
    """How messages name the store a command wrote to (``--db`` wins over ``--uri``)."""
    return f"Neo4j {uri}" if uri and db is None else str(db or DEFAULT_DB)


def _plural(count: int, noun: str) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _check_as_of(as_of: str | None) -> str | None:
    if as_of is None:
        return None
    from kg.grow import check_date

    return check_date(as_of)


def _facts_chunks(facts: Sequence[Path]) -> Iterable[Graph]:
    """Facts files as chunks: merged in memory (claims of several documents) unless too big."""
    from kg.facts import iter_facts, load_facts, sample_facts_path
    from kg.grow import INCREMENTAL_MAX

    paths = list(facts) or [sample_facts_path()]
    if facts_size(paths) <= INCREMENTAL_MAX:
        return [load_facts(*paths)]
    return iter_facts(*paths)


@main.command()
@facts_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(
        ["turtle", "ntriples", "jsonld", "trig", "nquads", "graphml", "gexf", "json", "csv"]
    ),
    default=None,
    help="Output format [default: from the -o suffix].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File (a folder for csv); '-' or none: standard output.",
)
@click.option(
    "--view",
    type=click.Choice(["full", "actors"]),
    default="full",
    show_default=True,
    help="NetworkX formats: the full graph or the actor interaction view.",
)
@as_of_option
@store_options
@_fail_cleanly
def export(
    facts: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    view: str,
    as_of: str | None,
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
) -> None:
    """Export facts files, or a store's content, as RDF, NetworkX or neo4j-admin CSV.

    The file is written to a temporary name and renamed when complete.

    Example: kg export --format turtle -o out/kg.ttl
    """
    from kg.export import FORMATS, guess_format
    from kg.export import export as do_export

    if fmt is None:
        if output is None or str(output) == "-":
            raise click.UsageError("name the format with --format when writing to standard output")
        fmt = guess_format(output)
    if FORMATS[fmt].directory and (output is None or str(output) == "-"):
        raise click.UsageError(f"{fmt} writes a folder of files: give it with -o FOLDER")
    from kg.export.nx import actor_chunks

    day = _check_as_of(as_of)
    with contextlib.ExitStack() as stack:
        chunks: Iterable[Graph]
        if facts or (db is None and not uri):
            chunks = _facts_chunks(facts)
        else:
            store = stack.enter_context(_streaming_store(db, uri, username, password, database))
            chunks = store.iter_graph()
            if fmt in ("trig", "nquads") and day is None and view == "full":
                from kg.export.rdf import ClaimedChunks

                # A dataset is written as the store's chunks come, not merged in memory first.
                chunks = ClaimedChunks.of_store(store)
        if day is not None:
            from kg.export import merge_chunks
            from kg.grow import as_of_graph

            chunks = [as_of_graph(merge_chunks(chunks), day)]
        if view == "actors":
            chunks = actor_chunks(chunks)
        if output is None or str(output) == "-":
            do_export(chunks, fmt, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            do_export(chunks, fmt, output)
    if output is not None and str(output) != "-":
        click.echo(f"Wrote {output} ({fmt}).", err=True)


@main.command()
@facts_argument
@store_options
@format_option("text", "json", default="text")
@_fail_cleanly
def validate(
    facts: tuple[Path, ...],
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Check facts files against the ontology without loading them.

    With --db or --uri, references may go to nodes that store holds, and the files are checked
    against what it holds as kg load would (identities, labels); nothing is written.

    Example: kg validate followup.facts.yaml --db kg.lbug
    """
    from kg.facts import sample_facts_path
    from kg.grow import INCREMENTAL_MAX

    paths = facts or (sample_facts_path(),)
    stream = FactsStream(paths, TerminalProgress(False))
    if db is not None or uri:
        from kg.grow import validate_against

        with open_store_from_options(
            db, uri, username, password, database, read_only=True
        ) as store:
            graph = validate_against(store, paths)
        stream.nodes, stream.relationships = len(graph.nodes), len(graph.edges)
        stream.counts = graph.counts()
    elif facts_size(paths) <= INCREMENTAL_MAX:
        from kg.facts import load_facts

        graph = load_facts(*paths)
        stream.nodes, stream.relationships = len(graph.nodes), len(graph.edges)
        stream.counts = graph.counts()
    else:
        for _ in stream:
            pass
    report = {
        "files": [str(p) for p in paths],
        "valid": True,
        "nodes": stream.nodes,
        "relationships": stream.relationships,
        "counts": stream.sorted_counts(),
    }
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(
            f"{len(paths)} file(s) valid: {stream.nodes} nodes, {stream.relationships} relationships."
        )


@main.command()
@store_options
@format_option("table", "json", default="table")
@_fail_cleanly
def stats(
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Count the nodes per label and relationships per type in a store.

    Example: kg stats --db kg.lbug --format json
    """
    with open_store_from_options(db, uri, username, password, database, read_only=True) as store:
        counts = store.stats()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    click.echo(
        render_rows(["label or type", "count"], [[k, v] for k, v in counts.items()], "table")
    )


@main.command()
@click.option(
    "--shacl", is_flag=True, help="Print the SHACL shapes derived from the ontology (Turtle)."
)
@click.option(
    "--ladybug", "ddl", is_flag=True, help="Print the LadybugDB DDL derived from the ontology."
)
@click.option(
    "--grass", is_flag=True, help="Print the Neo4j Browser style (GraSS) derived from the ontology."
)
@click.option(
    "--neo4j",
    "neo4j",
    is_flag=True,
    help="Print the Neo4j constraints and indexes derived from the ontology.",
)
@click.option(
    "--html",
    "html_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write the ontology's HTML documentation (index.html, kg.ttl) into DIR.",
)
@click.option(
    "--guide",
    "browser_guide",
    is_flag=True,
    help="Print the Neo4j Browser guide to the query library (cypher/guide.html).",
)
@format_option("table", "json", default="table")
@_fail_cleanly
def schema(
    shacl: bool,
    ddl: bool,
    grass: bool,
    neo4j: bool,
    html_dir: Path | None,
    browser_guide: bool,
    fmt: str,
) -> None:
    """Show what the ontology defines: labels, relationship types and their endpoints.

    Example: kg schema --format json
    """
    from kg.ontology import load_ontology

    if html_dir is not None:
        from kg.docs import write_html

        written = write_html(html_dir)
        if fmt == "json":
            click.echo(json.dumps({"written": [str(p) for p in written]}))
        else:
            click.echo(f"Wrote the ontology's documentation: {written[0]} (open it in a browser).")
        return

    if shacl:
        from kg.shacl import shapes_turtle

        click.echo(shapes_turtle(), nl=False)
        return
    if grass:
        from kg.browser import grass as grass_text

        click.echo(grass_text(), nl=False)
        return
    if browser_guide:
        from kg.browser import guide

        click.echo(guide(), nl=False)
        return
    if ddl:
        from kg.stores.ladybug import schema_statements

        click.echo("\n".join(f"{s};" for s in schema_statements()))
        return
    if neo4j:
        from kg.stores.neo4j import constraint_statements

        click.echo("\n".join(f"{s};" for s in constraint_statements()))
        return
    ont = load_ontology()
    labels = [
        {
            "label": c.name,
            "parents": list(c.parents),
            "cameo": c.cameo,
            "properties": list(c.properties),
        }
        for c in ont.classes.values()
        if not c.abstract
    ]
    rels = [
        {
            "type": r.type,
            "from": sorted(r.sources),
            "to": sorted(r.targets),
            "properties": list(r.properties),
            "derived": r.derived,
        }
        for r in ont.relationships.values()
    ]
    if fmt == "json":
        click.echo(json.dumps({"labels": labels, "relationships": rels}, indent=2))
        return
    click.echo(
        render_rows(
            ["label", "subclass of", "CAMEO"],
            [[d["label"], d["parents"], d["cameo"]] for d in labels],
            "table",
        )
    )
    click.echo("")
    click.echo(
        render_rows(
            ["relationship", "from", "to"],
            [
                [rel.type, _abbreviate(sorted(rel.sources)), _abbreviate(sorted(rel.targets))]
                for rel in ont.relationships.values()
            ],
            "table",
        )
    )


def _abbreviate(labels: list[str]) -> str:
    """``any Actor`` when the labels are exactly one abstract class's, else ``A|B``."""
    from kg.ontology import load_ontology

    ont = load_ontology()
    for name, cls in ont.classes.items():
        if cls.abstract and sorted(ont.subclasses(name)) == labels:
            return f"any {name}"
    return "|".join(labels)


@main.command()
@facts_argument
@store_options
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the actor network to this PNG file.",
)
@as_of_option
@format_option("table", "json", default="table")
@_fail_cleanly
def analyze(
    facts: tuple[Path, ...],
    as_of: str | None,
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    plot: Path | None,
    fmt: str,
) -> None:
    """Degree and betweenness of actors, brokers between the sides of a conflict, and a timeline.

    Example: kg analyze --plot out/actors.png
    """
    from kg.analyze import analyze as run_analysis
    from kg.analyze import plot_actor_network

    day = _check_as_of(as_of)
    graph = _graph_from(facts, db, uri, username, password, database)
    if day is not None:
        from kg.grow import as_of_graph

        graph = as_of_graph(graph, day)
    report = run_analysis(graph)
    if plot is not None:
        plot_actor_network(graph, plot)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    if plot is not None:
        click.echo(f"Wrote {plot}.", err=True)


@main.command()
@click.option(
    "--events", type=click.IntRange(min=1), required=True, help="How many events to generate."
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Same events and seed: byte-identical files.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Folder to write the facts files into.",
)
@click.option(
    "--per-file",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Events per facts file.",
)
@click.option("--quiet", is_flag=True, help="No progress display.")
@format_option("text", "json", default="text")
@_fail_cleanly
def generate(events: int, seed: int, output: Path, per_file: int, quiet: bool, fmt: str) -> None:
    """Write a deterministic synthetic corpus that follows the ontology, as facts files.

    Load all its files at once: kg load corpus (a folder stands for its *.facts.yaml files).

    Example: kg generate --events 10000 --seed 7 -o corpus
    """
    from kg.generate import generate_corpus

    progress = TerminalProgress(False if quiet else None)
    paths = generate_corpus(events, seed, output, events_per_file=per_file, progress=progress)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "folder": str(output),
                    "events": events,
                    "seed": seed,
                    "files": [str(p) for p in paths],
                },
                indent=2,
            )
        )
    else:
        click.echo(f"Wrote {events} events in {len(paths)} facts files to {output}.")


# ------------------------------------------------------------------------------------------ import


@main.group("import")
def import_group() -> None:
    """Import coded event data (GDELT, ICEWS) into a store, mapped through CAMEO.

    Example: kg import gdelt 20250517.export.CSV.zip --db kg.lbug
    """


def _import_command(source: str, example: str, layouts: str) -> None:
    @import_group.command(
        source,
        help=(
            f"Import {source.upper()} event files ({layouts}; plain or .zip) into a store, all "
            "or nothing. Each event is what its source says (a claim); importing the same "
            "files again changes nothing. A bad row stops the import with its file, line and "
            f"column, and nothing is written.\n\nExample: {example}"
        ),
    )
    @click.argument(
        "files",
        nargs=-1,
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @store_options
    @click.option(
        "--skip-bad",
        "skip_bad",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="REJECTS.tsv",
        help="Write bad rows there (file, line, column, reason, row) and import the rest.",
    )
    @format_option("text", "json", default="text")
    @_fail_cleanly
    def command(
        files: tuple[Path, ...],
        db: Path | None,
        uri: str | None,
        username: str | None,
        password: str | None,
        database: str | None,
        skip_bad: Path | None,
        fmt: str,
    ) -> None:
        from kg.importers.core import import_files

        with open_store_from_options(
            db, uri, username, password, database, read_only=False
        ) as store:
            report = import_files(store, source, list(files), skip_bad=skip_bad)
        where = _store_name(db, uri)
        # Set when a Neo4j load did not fit one transaction and went in journaled batches.
        note = getattr(report.load, "note", None)
        summary = {**report.as_dict(where), "note": note}
        if fmt == "json":
            click.echo(json.dumps(summary, indent=2))
            return
        if note:
            click.echo(f"Note: {note}.", err=True)
        for info in report.files:
            click.echo(
                f"{info['file']}: {info['layout']}, {info['rows']} rows, {info['events']} "
                f"events" + (f", {info['rejected']} rejected" if info["rejected"] else "")
            )
        load = report.load
        click.echo(
            f"Imported {report.events} events from {report.documents} documents into {where}: "
            f"{load.nodes_created + load.edges_created} created, "
            f"{load.nodes_updated + load.edges_updated} updated, {load.unchanged} unchanged"
            + f"; actors: {report.actors_matched} found in the store, {report.actors_created} new"
            + (f", {report.merged} events merged from several sources" if report.merged else "")
            + (f"; {report.rejected} rows rejected to {skip_bad}" if skip_bad else "")
            + (
                f"; {report.actors_left_out} actors left out (regions, roles without a country)"
                if report.actors_left_out
                else ""
            )
            + "."
        )


_import_command(
    "gdelt",
    "kg import gdelt 20250517.export.CSV.zip --db kg.lbug",
    "1.0 daily: 58 columns, 1.0 backfile: 57, 2.0: 61, detected per file",
)
_import_command(
    "icews",
    "kg import icews events.2018.tab --skip-bad rejects.tsv",
    "tab-separated with their header",
)


# ------------------------------------------------------------------------------------------ sparql


@main.group("sparql")
def sparql_group() -> None:
    """SPARQL over the graph: a read-only endpoint, and the query library of sparql/.

    Example: kg sparql serve --db kg.lbug
    """


@sparql_group.command("serve")
@facts_argument
@store_options
@click.option(
    "--bind",
    default="127.0.0.1:7878",
    show_default=True,
    metavar="HOST:PORT",
    help="Where the endpoint listens; port 0 picks a free one. Loopback unless you say otherwise.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the Oxigraph store, emptied and loaded again at each start [default: a temporary folder].",
)
@format_option("text", "json", default="text")
@_fail_cleanly
def sparql_serve(
    facts: tuple[Path, ...],
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    bind: str,
    data: Path | None,
    fmt: str,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph) until Ctrl-C.

    The dataset is the TriG export's (the current view in the default graph, each source's
    claims in its named graph) with the ontology and the CAMEO concept scheme in graphs of their
    own. It is loaded at each start: after `kg load`, start it again.

    Example: kg sparql serve --db kg.lbug --bind 127.0.0.1:7878
    """
    from kg.sparql.server import SparqlServer, is_loopback, load_folder, parse_bind

    host, port = parse_bind(bind)
    with contextlib.ExitStack() as stack:
        folder = data
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-sparql-")))
            folder = folder / "store"
        if facts or (db is None and not uri):
            from kg.facts import load_facts

            quads = load_folder(load_facts(*facts), folder)
        else:
            # A store is streamed into the endpoint's, chunk by chunk: any size fits.
            with _streaming_store(db, uri, username, password, database) as store:
                quads = load_folder(store, folder)
        # A SIGTERM (a service manager, kill) stops the server as Ctrl-C does, never orphaning it.
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        stack.callback(signal.signal, signal.SIGTERM, previous)
        server = stack.enter_context(SparqlServer(folder, host, port))
        try:
            if not is_loopback(host):
                click.echo(
                    f"Warning: listening on {host}, not loopback: whoever reaches it can query the graph.",
                    err=True,
                )
            if fmt == "json":
                note = {
                    "endpoint": server.url,
                    "quads": quads,
                    "data": str(folder),
                    "read_only": True,
                }
                click.echo(json.dumps(note))
            else:
                click.echo(
                    f"SPARQL endpoint: {server.url} (read-only, {quads} quads). Ctrl-C stops it."
                )
            sys.stdout.flush()
            code = server.wait()
        except KeyboardInterrupt:
            server.stop()
            click.echo("Stopped.", err=True)
            return
    if code != 0:
        raise click.ClickException(f"the SPARQL server stopped with exit code {code}")


@sparql_group.command("query")
@click.argument("name", required=False)
@click.option("-e", "--execute", "text", default=None, help="Run this SPARQL text.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Query parameter; repeatable.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the queries of sparql/.")
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="SPARQL endpoint (http://127.0.0.1:7878/query); none: an embedded store of the graph.",
)
@click.option(
    "--facts",
    "facts",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    callback=_expand_folders,
    help="Without --endpoint: facts files to ask (repeatable) [default: --db, or the sample].",
)
@store_options
@format_option("table", "json", "csv")
@_fail_cleanly
def sparql_query(
    name: str | None,
    text: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    endpoint: str | None,
    facts: tuple[Path, ...],
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Run a SPARQL query by NAME (sparql/), a .rq FILE, or -e 'SPARQL'.

    Values are given as parameters (-p key=value) and put in as RDF terms.

    Example: kg sparql query calls -p status=occurred --endpoint http://127.0.0.1:7878/query
    """
    from kg import queries
    from kg.sparql import library

    if list_queries:
        defs = library.list_sparql_queries()
        rows = [
            [q.name, q.question, ", ".join(f"{p.name}={p.default_text}" for p in q.parameters)]
            for q in defs
        ]
        click.echo(render_rows(["name", "question", "parameters"], rows, fmt))
        return
    if (name is None) == (text is None):
        raise click.UsageError(
            "give a query NAME or FILE.rq, or -e 'SPARQL' (one of them), or --list"
        )
    qdef = library.adhoc_sparql(text) if text is not None else library.get_sparql_query(name or "")
    overrides = dict(queries.split_param(p) for p in params)
    queries.resolve_parameters(library._as_cypher(qdef), overrides)  # fail before any loading
    target: Any = endpoint
    if endpoint is None:
        from kg.sparql.dataset import load_store

        target = load_store(_graph_from(facts, db, uri, username, password, database))
    result = library.run_sparql(target, qdef, overrides)
    click.echo(render_rows(result.columns, result.rows, fmt))


# kg extract lives with its library (kg.extract) and uses the helpers above.
from kg.extract.cli import extract_command  # noqa: E402

main.add_command(extract_command)
