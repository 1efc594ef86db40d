"""The Cypher query library: one question per file in ``cypher/``, and the runner that answers it.

Each library file ``cypher/<name>.cypher`` starts with a header in a fixed form, then the query::

    // Question: Who called whom, when, with what status, according to which source?
    // Parameters:
    //   status: string = null   -- only calls with this status (null: all)
    // Example: kg query calls -p status=occurred
    // Returns: one row per call ...
    MATCH (c:Call) ...

A field starts with ``// Key: value`` (Question, Parameters, Example, Returns, Engines) and goes on
over the following lines indented by two spaces or more. Under ``Parameters`` (or ``Parameters:
none``) each line declares ``name: type = default   -- help``; types are ``string``, ``integer``,
``float``, ``boolean``, ``list`` (of strings) and ``list[integer]``, ``list[float]``,
``list[boolean]``. The query text is what follows the header; it is written in the Cypher both
engines share. Where a question needs a dialect feature, ``<name>.<engine>.cypher`` beside it
holds that engine's text (``shortest_path.ladybug.cypher``, ``shortest_path.neo4j.cypher``) and
replaces the shared text on that engine.

Parameter values given as text (``-p key=value`` on the command line) are converted to the
declared type; ``null`` is the null value of every type and a quoted value (``'null'``) is a
string. A file outside the library may be run too; its header is optional, and parameters it
does not declare are read as JSON when they parse as JSON, else as strings.

>>> calls = get_query("calls")
>>> calls.question
'Who called whom, when, with what status, according to which source?'
>>> [(p.name, p.type, p.default) for p in calls.parameters]
[('status', 'string', None)]
>>> resolve_parameters(calls, {"status": "planned"})
{'status': 'planned'}
>>> parse_param(get_query("interaction_degree"), "min_degree=2")
('min_degree', 2)
>>> "allShortestPaths" in query_text(get_query("shortest_path"), "neo4j")
True
"""

from __future__ import annotations

import difflib
import json
import math
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import QueryError
from kg.resources import cypher_dir
from kg.stores import STORES, QueryResult, Store

__all__ = [
    "PARAM_TYPES",
    "ParamDef",
    "QueryDef",
    "adhoc_query",
    "get_query",
    "list_queries",
    "parse_param",
    "parse_query",
    "parse_value",
    "query_text",
    "resolve_parameters",
    "run_query",
    "split_param",
    "used_parameters",
]

_SCALARS = ("string", "integer", "float", "boolean")
PARAM_TYPES = (*_SCALARS, "list", *(f"list[{t}]" for t in _SCALARS))
_ANY = "any"  # the type of a parameter an ad-hoc file uses without declaring it

_FIELDS = ("Question", "Parameters", "Example", "Returns", "Engines")
_FIELD_LINE = re.compile(rf"^//\s?({'|'.join(_FIELDS)}):\s*(.*?)\s*$")
_CONTINUATION = re.compile(r"^//\s{2,}(\S.*?)\s*$")
_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[a-z]+(?:\[[a-z]+\])?)\s*=\s*(?P<rest>.*)$"
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Strings, comments and quoted names first, so a "$" inside them is not read as a parameter.
_TOKENS = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/|\$([A-Za-z_]\w*)", re.DOTALL
)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class ParamDef:
    """A query parameter: its name, type, default value and a line of help."""

    name: str
    type: str
    default: Any = None
    help: str = ""

    @property
    def default_text(self) -> str:
        """The default as it would be typed after ``-p name=``.

        >>> ParamDef("after", "string", "2025-05-17").default_text, ParamDef("s", "string").default_text
        ('2025-05-17', 'null')
        """
        return _as_text(self.default)


@dataclass(frozen=True)
class QueryDef:
    """A query of the library (or an ad-hoc file): its header, its text and its engine variants."""

    name: str
    path: Path | None
    question: str
    parameters: list[ParamDef]
    example: str
    text: str
    variants: dict[str, str] = field(default_factory=dict)
    returns: str = ""
    engines: str = ""

    def parameter(self, name: str) -> ParamDef:
        """The definition of one parameter.

        Raises:
            QueryError: the query has no parameter of that name; the message lists the known ones.
        """
        for param in self.parameters:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r}; its parameters: {known}")


# ---------------------------------------------------------------------------------------- values


def _as_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(v) for v in value)
    return str(value)


def _unquote(raw: str) -> tuple[str, bool]:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1], True
    return raw, False


def _scalar(name: str, type_: str, raw: str) -> Any:
    text, quoted = _unquote(raw.strip()) if type_ != "string" else _unquote(raw)
    if not quoted and text.strip() == "null":
        return None
    if type_ == "string":
        return text
    if type_ == "integer":
        try:
            return int(text, 10)
        except ValueError:
            raise QueryError(f"parameter {name} is an integer, not {raw!r}") from None
    if type_ == "float":
        try:
            value = float(text)
        except ValueError:
            raise QueryError(f"parameter {name} is a number, not {raw!r}") from None
        if not math.isfinite(value):
            raise QueryError(f"parameter {name} must be a finite number, not {raw!r}")
        return value
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise QueryError(f"parameter {name} is true or false, not {raw!r}")


def _check_json(name: str, type_: str, value: Any, raw: str) -> Any:
    """A JSON-decoded list item, checked against the item type."""
    ok = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }[type_]
    if value is not None and not ok:
        raise QueryError(f"parameter {name} is a list of {type_} values; {raw!r} holds {value!r}")
    return float(value) if type_ == "float" and value is not None else value


def _list(name: str, item_type: str, raw: str) -> list[Any] | None:
    text = raw.strip()
    if text == "null":
        return None
    if text == "":
        return []
    if text.startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise QueryError(f"parameter {name}: {raw!r} is not a JSON list: {exc.msg}") from None
        if not isinstance(values, list):
            raise QueryError(f"parameter {name}: {raw!r} is not a JSON list")
        return [_check_json(name, item_type, v, raw) for v in values]
    return [_scalar(name, item_type, item.strip()) for item in text.split(",")]


def _any(raw: str) -> Any:
    """An undeclared parameter: JSON when the text is JSON, else the text itself."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    return value if not isinstance(value, dict) else raw


def parse_value(param: ParamDef, raw: str) -> Any:
    """Convert the text of a value to the parameter's type.

    ``null`` is the null value of every type; quote it (``'null'``) to mean the string. A list is
    comma-separated items or a JSON list.

    >>> parse_value(ParamDef("n", "integer"), "42")
    42
    >>> parse_value(ParamDef("ids", "list"), "a, b")
    ['a', 'b']
    >>> parse_value(ParamDef("ids", "list[integer]"), "[1, 2]")
    [1, 2]
    >>> parse_value(ParamDef("status", "string"), "null") is None
    True
    >>> parse_value(ParamDef("status", "string"), "'null'")
    'null'
    >>> parse_value(ParamDef("on", "boolean"), "maybe")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: parameter on is true or false, not 'maybe'

    Raises:
        QueryError: the text is not a value of that type.
    """
    if param.type == _ANY:
        return _any(raw)
    if param.type.startswith("list"):
        item = param.type[5:-1] if param.type != "list" else "string"
        return _list(param.name, item, raw)
    if param.type not in _SCALARS:
        raise QueryError(f"parameter {param.name} has unknown type {param.type!r}")
    return _scalar(param.name, param.type, raw)


def split_param(assignment: str) -> tuple[str, str]:
    """Split a ``name=value`` assignment into the name and the text of the value.

    >>> split_param("after=2025-05-18")
    ('after', '2025-05-18')

    Raises:
        QueryError: there is no ``=`` or no name before it.
    """
    name, sep, raw = assignment.partition("=")
    if not sep or not name.strip():
        raise QueryError(f"a parameter is given as name=value, not {assignment!r}")
    return name.strip(), raw


def parse_param(definition: QueryDef, assignment: str) -> tuple[str, Any]:
    """Read one ``name=value`` assignment for a query: the name and the value in its declared type.

    >>> parse_param(get_query("calls"), "status=occurred")
    ('status', 'occurred')
    >>> parse_param(get_query("calls"), "state=occurred")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: query 'calls' has no parameter 'state'; its parameters: status

    Raises:
        QueryError: the text is not ``name=value``, the query has no such parameter, or the value
            is not of the parameter's type.
    """
    name, raw = split_param(assignment)
    return name, parse_value(definition.parameter(name), raw)


def resolve_parameters(
    query: QueryDef, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every parameter of the query with its value: the defaults, replaced by the overrides.

    Overrides given as text are converted to the declared type; other values are taken as they are.

    >>> resolve_parameters(get_query("shortest_path"), {"to": "donald-trump"})
    {'from': 'marco-rubio', 'to': 'donald-trump'}

    Raises:
        QueryError: an override names a parameter the query does not have (the message lists the
            ones it has), or its value is not of the declared type.
    """
    values = {p.name: p.default for p in query.parameters}
    for name, raw in (overrides or {}).items():
        param = query.parameter(name)
        values[name] = parse_value(param, raw) if isinstance(raw, str) else raw
    return values


# ---------------------------------------------------------------------------------------- files


def used_parameters(text: str) -> list[str]:
    """The ``$parameters`` a Cypher text uses, in order of first use (strings and comments skipped).

    >>> used_parameters("MATCH (n {id: $id}) // not $this\\nWHERE n.x = '$no' RETURN $id, $other")
    ['id', 'other']
    """
    names = [m.group(1) for m in _TOKENS.finditer(text) if m.group(1)]
    return list(dict.fromkeys(names))


def split_header(source: str, comment: str = "//") -> tuple[list[str], str]:
    """The leading comment lines of a file (``//`` in Cypher, ``#`` in SPARQL), and the text after them."""
    lines = source.splitlines()
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith(comment)):
        i += 1
    header = [line.strip() for line in lines[:i] if line.strip()]
    return header, "\n".join(lines[i:]).strip()


def _parse_default(name: str, type_: str, rest: str, where: str) -> tuple[Any, str]:
    """The default value and the help text of a parameter line (the part after ``=``)."""
    rest = rest.strip()
    if rest[:1] in ("'", '"'):  # a quoted default may hold anything but its quote
        end = rest.find(rest[0], 1)
        if end < 0:
            raise QueryError(f"{where}: the default of parameter {name} has no closing quote")
        raw, tail = rest[: end + 1], rest[end + 1 :].strip()
    else:
        raw, sep, tail = rest.partition("--")
        raw, tail = raw.strip(), sep + tail
    if tail and not tail.startswith("--"):
        raise QueryError(f"{where}: parameter {name}: write its help after '--'")
    return parse_value(ParamDef(name, type_), raw), tail[2:].strip()


def _parse_parameters(lines: list[str], where: str) -> list[ParamDef]:
    params: list[ParamDef] = []
    for line in lines:
        match = _PARAM_LINE.match(line)
        if match is None:
            raise QueryError(
                f"{where}: parameter line {line!r} is not 'name: type = default -- help'"
            )
        name, type_ = match.group("name"), match.group("type")
        if type_ not in PARAM_TYPES:
            raise QueryError(
                f"{where}: parameter {name} has unknown type {type_!r}; use one of {', '.join(PARAM_TYPES)}"
            )
        if any(p.name == name for p in params):
            raise QueryError(f"{where}: parameter {name} is declared twice")
        default, help_text = _parse_default(name, type_, match.group("rest"), where)
        params.append(ParamDef(name, type_, default, help_text))
    return params


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no query file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from None


def _variants(path: Path) -> dict[str, str]:
    """The engine texts beside a query file: ``<name>.<engine>.cypher``."""
    found = {}
    for engine in sorted(STORES):
        variant = path.with_name(f"{path.stem}.{engine}.cypher")
        if variant.is_file():
            found[engine] = split_header(_read(variant))[1]
    return found


def parse_query(
    source: str,
    name: str,
    path: Path | None = None,
    variants: Mapping[str, str] | None = None,
    strict: bool = False,
) -> QueryDef:
    """Build a :class:`QueryDef` from the text of a query file.

    Args:
        source: the file's text, header included.
        name: the query's name.
        path: where it was read from, for messages.
        variants: engine-specific texts that replace the shared one on their engine.
        strict: hold it to the library's rules: a question, declared parameters (each one used,
            each one used declared), an example ``kg query <name> ...`` whose parameters parse,
            and a text for every engine.

    >>> q = parse_query("MATCH (n {id: $id}) RETURN n.name", "adhoc")
    >>> [(p.name, p.type) for p in q.parameters], q.text
    ([('id', 'any')], 'MATCH (n {id: $id}) RETURN n.name')

    Raises:
        QueryError: the header is malformed, or (strict) incomplete.
    """
    where = str(path) if path is not None else name
    header, text = split_header(source)
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in header:
        match = _FIELD_LINE.match(line)
        if match is not None:
            current = match.group(1)
            if current in fields:
                raise QueryError(f"{where}: the header gives {current} twice")
            fields[current] = [match.group(2)] if match.group(2) else []
            continue
        cont = _CONTINUATION.match(line)
        if cont is not None and current is not None:
            fields[current].append(cont.group(1))
        else:
            current = None  # a comment that is not part of the header's fields
    variants = dict(variants or {})
    declared: list[ParamDef] | None = None
    if "Parameters" in fields:
        lines = fields["Parameters"]
        if lines[:1] == ["none"]:
            if len(lines) > 1:
                raise QueryError(f"{where}: 'Parameters: none' cannot be followed by parameters")
            lines = []
        declared = _parse_parameters(lines, where)
    used = used_parameters("\n".join([text, *variants.values()]))
    if declared is None:
        parameters = [ParamDef(n, _ANY) for n in used]
    else:
        names = {p.name for p in declared}
        parameters = declared + [ParamDef(n, _ANY) for n in used if n not in names]
    query = QueryDef(
        name=name,
        path=path,
        question=" ".join(fields.get("Question", [])),
        parameters=parameters,
        example=" ".join(fields.get("Example", [])),
        text=text,
        variants=variants,
        returns=" ".join(fields.get("Returns", [])),
        engines=" ".join(fields.get("Engines", [])),
    )
    if strict:
        _check_library_query(query, declared, used, where)
    return query


def _check_library_query(
    query: QueryDef, declared: list[ParamDef] | None, used: list[str], where: str
) -> None:
    if not query.question:
        raise QueryError(f"{where}: the header needs '// Question: ...'")
    if declared is None:
        raise QueryError(f"{where}: the header needs '// Parameters:' (or '// Parameters: none')")
    missing = [e for e in sorted(STORES) if not query.text and e not in query.variants]
    if missing:
        raise QueryError(f"{where}: no query text for {', '.join(missing)}")
    undeclared = [n for n in used if n not in {p.name for p in declared}]
    if undeclared:
        raise QueryError(f"{where}: the text uses undeclared parameters: {', '.join(undeclared)}")
    unused = [p.name for p in declared if p.name not in used]
    if unused:
        raise QueryError(f"{where}: declared parameters the text does not use: {', '.join(unused)}")
    prefix = f"kg query {query.name}"
    if query.example != prefix and not query.example.startswith(prefix + " "):
        raise QueryError(f"{where}: the example must start with '{prefix}'")
    words = shlex.split(query.example[len(prefix) :])
    if len(words) % 2 or any(flag != "-p" for flag in words[::2]):
        raise QueryError(f"{where}: the example may only add '-p name=value' options")
    for assignment in words[1::2]:
        try:
            parse_param(query, assignment)
        except QueryError as exc:
            raise QueryError(f"{where}: the example: {exc}") from None


def _library_file(name: str) -> Path:
    return cypher_dir() / f"{name}.cypher"


def _is_engine_variant(path: Path) -> bool:
    stem, dot, engine = path.stem.rpartition(".")
    return bool(dot) and bool(stem) and engine in STORES


def list_queries() -> list[QueryDef]:
    """Every query of the library, by name, each checked against the library's rules.

    >>> "calls" in [q.name for q in list_queries()]
    True

    Raises:
        QueryError: a file of the library breaks its rules (the message names the file).
    """
    folder = cypher_dir()
    queries = []
    for path in sorted(folder.glob("*.cypher")):
        if _is_engine_variant(path):
            base = path.with_name(path.stem.rpartition(".")[0] + ".cypher")
            if not base.is_file():
                raise QueryError(f"{path}: engine text without its query file {base.name}")
            continue
        if not _NAME.fullmatch(path.stem):
            raise QueryError(f"{path}: a query name is snake_case ([a-z][a-z0-9_]*)")
        queries.append(get_query(path.stem))
    return queries


def get_query(name_or_path: str | Path) -> QueryDef:
    """A query by library name (``calls``), or the query in any ``.cypher`` file by path.

    A library query is held to the library's rules; a file elsewhere may lack a header. Engine
    texts beside a file (``<name>.<engine>.cypher``) are its variants.

    Raises:
        QueryError: no such query or file, or the file breaks the rules.
    """
    text = str(name_or_path)
    is_path = (
        isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith(".cypher")
    )
    if not is_path:
        path = _library_file(text)
        if not _NAME.fullmatch(text) or not path.is_file():
            known = sorted(
                p.stem for p in cypher_dir().glob("*.cypher") if not _is_engine_variant(p)
            )
            close = difflib.get_close_matches(text, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise QueryError(f"unknown query {text!r}{hint} (known: {', '.join(known)})")
        return parse_query(_read(path), text, path, _variants(path), strict=True)
    path = Path(name_or_path)
    source = _read(path)
    if _is_engine_variant(path):  # an engine's text run on its own
        return parse_query(source, path.stem, path)
    return parse_query(source, path.stem, path, _variants(path))


def adhoc_query(text: str, name: str = "adhoc") -> QueryDef:
    """A query given as Cypher text (``kg query -e '...'``); its parameters are read as JSON or text.

    >>> [p.name for p in adhoc_query("MATCH (p:Person {id: $id}) RETURN p.name").parameters]
    ['id']
    """
    return parse_query(text, name)


def query_text(query: QueryDef, engine: str) -> str:
    """The text to send to an engine: its own variant if the query has one, else the shared text.

    Raises:
        QueryError: the query has neither.
    """
    text = query.variants.get(engine) or query.text
    if not text:
        has = ", ".join(sorted(query.variants)) or "none"
        raise QueryError(f"query {query.name!r} has no text for engine {engine!r} (it has: {has})")
    return text


def run_query(
    store: Store, query: QueryDef | str | Path, overrides: Mapping[str, Any] | None = None
) -> QueryResult:
    """Answer a query on a store: the engine's text with the defaults and the overrides.

    Args:
        store: any kg store; its ``engine`` picks the variant.
        query: a :class:`QueryDef`, a library name or a file path.
        overrides: parameter values, as text (converted to the declared types) or as values.

    Raises:
        QueryError: the query or a parameter is unknown or malformed, or the engine rejected it.
    """
    if not isinstance(query, QueryDef):
        query = get_query(query)
    values = resolve_parameters(query, overrides)
    text = query_text(query, store.engine)
    used = set(used_parameters(text))
    parameters = {k: v for k, v in values.items() if k in used}
    try:
        return store.query(text, parameters)
    except QueryError as exc:
        raise QueryError(f"query {query.name!r} failed on {store.engine}: {exc}") from None
