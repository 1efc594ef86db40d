"""CSV files for ``neo4j-admin database import full``, the fastest way into a new Neo4j database.

:func:`write_csv_dir` writes one file per node label, ``nodes_<Label>.csv``, with the header
``id:ID,<property>:<type>,...,:LABEL``, and one per relationship type,
``relationships_<TYPE>.csv``, with ``:START_ID,:END_ID,:TYPE,id:string,<property>:<type>,...``.
The columns are the ontology's properties of that label or type, in ontology order, whether or
not a value is set; the types are ``string``, ``long`` (integers; Cypher integers are 64-bit),
``double`` and ``boolean``, with ``[]`` appended for list properties (``alias:string[]``), whose
elements are joined with the array delimiter (``;`` unless told otherwise). Beside them,
``import.args`` holds the arguments of the import, one per line, and ``import.sh`` runs it::

    ./import.sh [DATABASE]        # NEO4J_ADMIN=/path/to/neo4j-admin to pick the executable

Quoting follows RFC 4180 with Neo4j's defaults (``--delimiter=,`` and ``--quote='"'``): a field
is quoted when it holds the delimiter, the quote (doubled inside) or a line break, and an empty
string is written as ``""`` because Neo4j reads an unquoted empty field as "no value". When a
value holds a line break, ``--multiline-fields=true`` is added to the arguments. A list element
that holds the array delimiter, or is empty, cannot be written unambiguously and is refused with
a :class:`~kg.errors.KGError` naming the element; choose another ``array_delimiter``.

>>> import tempfile
>>> from kg.facts import load_facts, sample_facts_path
>>> with tempfile.TemporaryDirectory() as folder:
...     export = write_csv_dir(load_facts(sample_facts_path()), folder)
...     header = (Path(folder) / "nodes_Person.csv").read_text(encoding="utf-8").splitlines()[0]
>>> header.split(",")[:5]
['id:ID', 'name:string', 'label_fr:string', 'label_en:string', 'alias:string[]']
>>> export.arguments()[-2:]
['--delimiter=,', '--array-delimiter=;']
"""

from __future__ import annotations

import math
import os
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.model import Graph
from kg.ontology import Ontology, PropertyDef, load_ontology

__all__ = ["NEO4J_TYPES", "CsvExport", "header_type", "write_csv_dir"]

NEO4J_TYPES = {"string": "string", "integer": "long", "double": "double", "boolean": "boolean"}
DELIMITER = ","
QUOTE = '"'
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_LINE_BREAK = re.compile(r"[\r\n]")


def header_type(prop: PropertyDef) -> str:
    """The import-header type of a property.

    >>> ont = load_ontology()
    >>> header_type(ont.properties["alias"]), header_type(ont.properties["quote_start"])
    ('string[]', 'long')
    """
    base = NEO4J_TYPES[prop.datatype]
    return f"{base}[]" if prop.many else base


@dataclass
class CsvExport:
    """What :func:`write_csv_dir` wrote: the files, in import order, and the import options."""

    folder: Path
    node_files: list[str] = field(default_factory=list)
    relationship_files: list[str] = field(default_factory=list)
    array_delimiter: str = ";"
    multiline: bool = False

    def arguments(self, absolute: bool = False) -> list[str]:
        """The ``neo4j-admin database import full`` arguments, file names relative or absolute."""

        def where(name: str) -> str:
            return str((self.folder / name).resolve()) if absolute else name

        args = [f"--nodes={where(n)}" for n in self.node_files]
        args += [f"--relationships={where(r)}" for r in self.relationship_files]
        args += [f"--delimiter={DELIMITER}", f"--array-delimiter={self.array_delimiter}"]
        if self.multiline:
            args.append("--multiline-fields=true")
        return args


def _quote(text: str) -> str:
    if text == "" or _NEEDS_QUOTES.search(text):
        return QUOTE + text.replace(QUOTE, QUOTE + QUOTE) + QUOTE
    return text


class _Writer:
    """Formats the values of one export; remembers whether a value spans lines."""

    def __init__(self, array_delimiter: str) -> None:
        self.array_delimiter = array_delimiter
        self.multiline = False

    def scalar(self, prop: PropertyDef, value: Any, where: str) -> str:
        kind = prop.datatype
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if kind == "boolean" and isinstance(value, bool):
            return "true" if value else "false"
        if kind == "double" and isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if math.isnan(number):
                return "NaN"
            if math.isinf(number):
                return "Infinity" if number > 0 else "-Infinity"
            return repr(number)
        raise KGError(
            f"{where}: property {prop.name} must be {kind}, not {type(value).__name__} {value!r}"
        )

    def field(self, prop: PropertyDef, value: Any, where: str) -> str:
        """One CSV field, quoted as needed; an absent value is an empty unquoted field."""
        if value is None:
            return ""
        if prop.many:
            if not isinstance(value, list | tuple):
                raise KGError(f"{where}: property {prop.name} holds a list, not {value!r}")
            parts = []
            for item in value:
                text = self.scalar(prop, item, where)
                if text == "" or self.array_delimiter in text:
                    raise KGError(
                        f"{where}: {prop.name} element {item!r} is empty or holds the array "
                        f"delimiter {self.array_delimiter!r}; export with another array_delimiter"
                    )
                parts.append(text)
            text = self.array_delimiter.join(parts)
        else:
            text = self.scalar(prop, value, where)
        if not self.multiline and _LINE_BREAK.search(text):
            self.multiline = True
        return _quote(text)


def _check_delimiter(array_delimiter: str) -> None:
    if len(array_delimiter) != 1 or array_delimiter in (DELIMITER, QUOTE, "\r", "\n"):
        raise KGError(
            f"the array delimiter must be one character other than {DELIMITER!r}, {QUOTE!r} "
            f"and line breaks, not {array_delimiter!r}"
        )


def _columns(
    props: list[PropertyDef], present: Iterable[Mapping[str, Any]], what: str
) -> list[PropertyDef]:
    """The ontology's properties; a property it does not define is an error, not a silent drop."""
    known = {p.name for p in props}
    for values in present:
        unknown = set(values) - known
        if unknown:
            raise KGError(f"{what}: property {', '.join(sorted(unknown))} is not in the ontology")
    return props


def write_csv_dir(
    graph: Graph,
    folder: str | os.PathLike[str],
    *,
    array_delimiter: str = ";",
    ontology: Ontology | None = None,
) -> CsvExport:
    """Write ``graph`` as neo4j-admin import files, ``import.args`` and ``import.sh`` to ``folder``.

    The folder is created if needed; files of the same names are overwritten.
    """
    _check_delimiter(array_delimiter)
    ont = ontology or load_ontology()
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KGError(f"cannot create {target}: {exc.strerror}") from None
    export = CsvExport(folder=target, array_delimiter=array_delimiter)
    writer = _Writer(array_delimiter)

    by_label = graph.nodes_by_label()
    for label in [*ont.node_labels, *sorted(set(by_label) - set(ont.node_labels))]:
        nodes = by_label.get(label)
        if not nodes:
            continue
        if label not in ont.classes:
            raise KGError(
                f"node {nodes[0].id!r} has the label {label!r}, which the ontology does not define"
            )
        columns = _columns(
            ont.node_properties(label), (n.properties for n in nodes), f"label {label}"
        )
        name = f"nodes_{label}.csv"
        header = ["id:ID", *(f"{p.name}:{header_type(p)}" for p in columns), ":LABEL"]
        rows = (
            [
                _quote(node.id),
                *(writer.field(p, node.properties.get(p.name), f"node {node.id}") for p in columns),
                label,
            ]
            for node in nodes
        )
        _write_file(target / name, header, rows)
        export.node_files.append(name)

    by_type = graph.edges_by_type()
    for rel_type in [*ont.relationships, *sorted(set(by_type) - set(ont.relationships))]:
        edges = by_type.get(rel_type)
        if not edges:
            continue
        if rel_type not in ont.relationships:
            raise KGError(
                f"edge {edges[0].id!r} has the type {rel_type!r}, "
                "which the ontology does not define"
            )
        columns = _columns(
            ont.relationship_properties(rel_type), (e.properties for e in edges), f"type {rel_type}"
        )
        name = f"relationships_{rel_type}.csv"
        header = [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "id:string",
            *(f"{p.name}:{header_type(p)}" for p in columns),
        ]
        rows = (
            [
                _quote(edge.source),
                _quote(edge.target),
                rel_type,
                _quote(edge.id),
                *(writer.field(p, edge.properties.get(p.name), f"edge {edge.id}") for p in columns),
            ]
            for edge in edges
        )
        _write_file(target / name, header, rows)
        export.relationship_files.append(name)

    export.multiline = writer.multiline
    _write_scripts(export)
    return export


def _write_file(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(DELIMITER.join(header) + "\n")
            out.writelines(DELIMITER.join(row) + "\n" for row in rows)
    except OSError as exc:
        raise KGError(f"cannot write {path}: {exc.strerror}") from None


def _write_scripts(export: CsvExport) -> None:
    args = export.arguments()
    (export.folder / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
    lines = [
        "#!/usr/bin/env bash",
        "# Import these files into a new Neo4j database (Neo4j 5, the DBMS stopped or the",
        "# database absent):  ./import.sh [DATABASE]   (default: neo4j)",
        "# NEO4J_ADMIN names the neo4j-admin executable (default: neo4j-admin on the PATH).",
        "# Quotes are Neo4j's default '\"'; import.args holds the same arguments, one per line.",
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        'exec "${NEO4J_ADMIN:-neo4j-admin}" database import full \\',
        *(f"    {shlex.quote(arg)} \\" for arg in args),
        '    "${1:-neo4j}"',
    ]
    script = export.folder / "import.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script.chmod(0o755)
