"""The SPARQL query library: the questions of ``cypher/`` in SPARQL, and what only RDF asks well.

Each file ``sparql/<name>.rq`` starts with the header of its Cypher twin, written as ``#``
comments, then the query::

    # Question: Who called whom, when, with what status, according to which source?
    # Parameters:
    #   status: string = null   -- only calls with this status (null: all)
    # Example: kg sparql query calls -p status=occurred
    # Lists: callers, participants, sources
    SELECT ...

Parameters are SPARQL variables written with ``$`` (``$status``). A value is put in as an RDF
term (a literal, escaped by pyoxigraph), never as text; a null value leaves the variable unbound,
so ``FILTER(!BOUND($status) || ?status = $status)`` is the twin of Cypher's
``coalesce($status, ...)``. ``id:$actor`` is the node whose id the parameter holds, written as
its IRI (``VALUES ?a { id:$actor }``, ``UNDEF`` for a null): Oxigraph then starts from that node,
where a node computed by ``BIND(IRI(...))`` is joined only after every match around it is read.
SPARQL has no list values: a column named under ``Lists`` is a ``GROUP_CONCAT`` whose items end with (or are joined by) U+001F (:data:`ITEM_SEPARATOR`); empty
items are dropped, so ``GROUP_CONCAT(IF(?kind = "x", CONCAT(?name, "\\u001f"), ""); separator="")``
collects the names of one kind of several in one pass (an unbound value would void the whole
aggregate). An item may carry its
sort key before U+001E (:data:`KEY_SEPARATOR`); the items are sorted by key (else by value) and
the keys dropped, since ``GROUP_CONCAT`` promises no order.

Values come back typed the way ``kg query`` gives them: integers, booleans and doubles as Python
numbers and booleans, every other literal (dates included) as its text.

>>> calls = get_sparql_query("calls")
>>> calls.question
'Who called whom, when, with what status, according to which source?'
>>> bind_parameters("SELECT * { ?c kg:status $status }", {"status": "occurred"})
'SELECT * { ?c kg:status "occurred" }'
>>> bind_parameters("SELECT * { ?c kg:status $status }", {"status": None})
'SELECT * { ?c kg:status $status }'
"""

from __future__ import annotations

import difflib
import re
import shlex
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.export.rdf import node_iri
from kg.queries import ParamDef, parse_param, parse_query, resolve_parameters, split_header
from kg.resources import _locate
from kg.stores.base import QueryResult

__all__ = [
    "ITEM_SEPARATOR",
    "KEY_SEPARATOR",
    "SparqlQuery",
    "adhoc_sparql",
    "ask_endpoint",
    "ask_store",
    "bind_parameters",
    "get_sparql_query",
    "list_sparql_queries",
    "run_sparql",
    "sparql_dir",
    "used_variables",
]

ITEM_SEPARATOR = "\x1f"
"""Joins the items of a list column in a ``GROUP_CONCAT``: U+001F, the unit separator."""
KEY_SEPARATOR = "\x1e"
"""Ends the sort key an item of a list column may start with: U+001E, the record separator."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Strings, IRIs and comments first, so a "$" inside them is not read as a parameter. An IRI
# holds no space, which tells it from a "<" comparison.
_TOKENS = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*|id:\$([A-Za-z_]\w*)|\$([A-Za-z_]\w*)",
    re.DOTALL,
)
_HEADER_LINE = re.compile(r"^#\s?(\w+):\s*(.*?)\s*$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    f"{_XSD}{t}"
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOATS = {f"{_XSD}double", f"{_XSD}float", f"{_XSD}decimal"}
_BOOLEAN = f"{_XSD}boolean"
_RESULTS_JSON = "application/sparql-results+json"


def sparql_dir() -> Path:
    """The folder of the SPARQL query library, one ``.rq`` file per question.

    >>> (sparql_dir() / "calls.rq").is_file()
    True
    """
    return _locate("sparql", "kg.sparql_files")


@dataclass(frozen=True)
class SparqlQuery:
    """A SPARQL query of the library (or an ad-hoc one): its header and its text."""

    name: str
    path: Path | None
    question: str
    parameters: list[ParamDef]
    example: str
    text: str
    lists: tuple[str, ...] = ()
    returns: str = ""


# ---------------------------------------------------------------------------------------- files


def used_variables(text: str) -> list[str]:
    """The ``$parameters`` a SPARQL text uses, in order (strings, IRIs and comments skipped).

    >>> used_variables('SELECT * { <http://x#$no> ?p "$no" . ?s ?p $id . VALUES ?n { id:$n } }')
    ['id', 'n']
    """
    names = [m.group(1) or m.group(2) for m in _TOKENS.finditer(text)]
    return list(dict.fromkeys(n for n in names if n))


def parse_sparql(
    source: str, name: str, path: Path | None = None, strict: bool = False
) -> SparqlQuery:
    """Build a :class:`SparqlQuery` from a file's text; its header reads as a Cypher query's.

    >>> q = parse_sparql('# Question: Who?\\n# Parameters: none\\nSELECT ?x {}', "who")
    >>> q.question, q.parameters, q.text
    ('Who?', [], 'SELECT ?x {}')

    Raises:
        QueryError: the header is malformed, or (strict) breaks the library's rules.
    """
    where = str(path) if path is not None else name
    header, text = split_header(source, "#")
    # The header is the Cypher library's, with '#' for '//': kg.queries reads it.
    cypher_header = "\n".join("//" + line[1:] for line in header)
    head = parse_query(cypher_header, name, path)
    lists: tuple[str, ...] = ()
    for line in header:
        match = _HEADER_LINE.match(line)
        if match and match.group(1) == "Lists":
            lists = tuple(c.strip() for c in match.group(2).split(",") if c.strip())
    declared = "Parameters" in {m.group(1) for m in map(_HEADER_LINE.match, header) if m}
    used = used_variables(text)
    names = {p.name for p in head.parameters}
    params = list(head.parameters) + [ParamDef(n, "any") for n in used if n not in names]
    query = SparqlQuery(name, path, head.question, params, head.example, text, lists, head.returns)
    if strict:
        _check_library_query(query, declared, used, where)
    return query


def _check_library_query(query: SparqlQuery, declared: bool, used: list[str], where: str) -> None:
    if not query.question:
        raise QueryError(f"{where}: the header needs '# Question: ...'")
    if not declared:
        raise QueryError(f"{where}: the header needs '# Parameters:' (or '# Parameters: none')")
    if not query.text:
        raise QueryError(f"{where}: no query text after the header")
    undeclared = [p.name for p in query.parameters if p.type == "any"]
    if undeclared:
        raise QueryError(f"{where}: the text uses undeclared parameters: {', '.join(undeclared)}")
    unused = [p.name for p in query.parameters if p.name not in used]
    if unused:
        raise QueryError(f"{where}: declared parameters the text does not use: {', '.join(unused)}")
    prefix = f"kg sparql query {query.name}"
    if query.example != prefix and not query.example.startswith(prefix + " "):
        raise QueryError(f"{where}: the example must start with '{prefix}'")
    words = shlex.split(query.example[len(prefix) :])
    if len(words) % 2 or any(flag != "-p" for flag in words[::2]):
        raise QueryError(f"{where}: the example may only add '-p name=value' options")
    for assignment in words[1::2]:
        parse_param(_as_cypher(query), assignment)


def _as_cypher(query: SparqlQuery) -> Any:
    """The query as :mod:`kg.queries` sees one, to check and convert its parameters."""
    from kg.queries import QueryDef

    return QueryDef(query.name, query.path, query.question, query.parameters, query.example, "")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no query file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from None


def list_sparql_queries() -> list[SparqlQuery]:
    """Every query of the SPARQL library, by name, each checked against the library's rules.

    >>> "calls" in [q.name for q in list_sparql_queries()]
    True
    """
    return [get_sparql_query(path.stem) for path in sorted(sparql_dir().glob("*.rq"))]


def get_sparql_query(name_or_path: str | Path) -> SparqlQuery:
    """A query by library name (``calls``), or the query in any ``.rq`` file by path.

    Raises:
        QueryError: no such query or file, or a library file breaks the rules.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith(".rq"):
        path = Path(name_or_path)
        return parse_sparql(_read(path), path.stem, path)
    path = sparql_dir() / f"{text}.rq"
    if not _NAME.fullmatch(text) or not path.is_file():
        known = sorted(p.stem for p in sparql_dir().glob("*.rq"))
        close = difflib.get_close_matches(text, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise QueryError(f"unknown SPARQL query {text!r}{hint} (known: {', '.join(known)})")
    return parse_sparql(_read(path), text, path, strict=True)


def adhoc_sparql(text: str, name: str = "adhoc") -> SparqlQuery:
    """A query given as SPARQL text (``kg sparql query -e '...'``).

    >>> [p.name for p in adhoc_sparql("SELECT ?n { $who <http://x/name> ?n }").parameters]
    ['who']
    """
    return parse_sparql(text, name)


# ---------------------------------------------------------------------------------------- values


def _term(name: str, value: Any) -> str:
    """The SPARQL text of a parameter value: an RDF term, escaped by pyoxigraph."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a bare numeral is an xsd:integer, and LIMIT takes no other form
    if isinstance(value, bool | float | str):
        return str(ox.Literal(value))
    raise QueryError(f"parameter {name}: a SPARQL parameter is one value, not {value!r}")


def _node(name: str, value: Any) -> str:
    """The IRI of the node whose id a parameter holds (``UNDEF`` for a null: ``VALUES`` only)."""
    if value is None:
        return "UNDEF"
    if not isinstance(value, str):
        raise QueryError(f"parameter {name}: a node id is text, not {value!r}")
    return f"<{node_iri(value)}>"


def bind_parameters(text: str, values: Mapping[str, Any]) -> str:
    """Put each non-null parameter value in the text as an RDF term; a null leaves it unbound.

    ``id:$name`` stands for the node whose id the parameter holds: its IRI, written in the text
    so that the engine starts from that node (``VALUES ?x { id:$name }``; a null is ``UNDEF``).
    Computed from the value (``BIND(IRI(CONCAT(STR(id:), ENCODE_FOR_URI($name))) AS ?x)``), the
    same node is a value Oxigraph joins only after reading every match of the patterns around it.

    >>> bind_parameters('SELECT * { ?x ?p $n . FILTER(?x != "$n") }', {"n": 2})
    'SELECT * { ?x ?p 2 . FILTER(?x != "$n") }'
    >>> bind_parameters("SELECT * { VALUES ?a { id:$a } }", {"a": "Lavrov"})
    'SELECT * { VALUES ?a { <https://w3id.org/kg-diplo/id/Lavrov> } }'
    >>> bind_parameters("SELECT * { VALUES ?a { id:$a } }", {"a": None})
    'SELECT * { VALUES ?a { UNDEF } }'
    """

    def replace(match: re.Match[str]) -> str:
        node, name = match.group(1), match.group(2)
        if node is not None:
            return _node(node, values.get(node))
        if name is None or values.get(name) is None:
            return match.group(0)
        return _term(name, values[name])

    return _TOKENS.sub(replace, text)


def _value(term: Any) -> Any:
    """A result term as plain Python, typed as ``kg query`` types its values."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _FLOATS:
            return float(term.value)
        if datatype == _BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    return term.value


def _items(text: Any) -> list[Any]:
    if text is None or text == "":
        return []
    pairs = []
    for item in str(text).split(ITEM_SEPARATOR):
        if not item:  # items may end with the separator (see the module)
            continue
        key, sep, value = item.partition(KEY_SEPARATOR)
        pairs.append((key, value) if sep else (item, item))
    return [value for _, value in sorted(pairs)]


def _result(solutions: Any, lists: tuple[str, ...]) -> QueryResult:
    if isinstance(solutions, ox.QueryBoolean):
        return QueryResult(["result"], [[bool(solutions)]])
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(
            "kg sparql query answers SELECT and ASK queries (CONSTRUCT: use the endpoint)"
        )
    columns = [v.value for v in solutions.variables]
    as_list = [c in lists for c in columns]
    rows = []
    for solution in solutions:
        row = [_value(solution[c]) for c in columns]
        rows.append([_items(v) if lst else v for v, lst in zip(row, as_list, strict=True)])
    return QueryResult(columns, rows)


# ---------------------------------------------------------------------------------------- running


def ask_store(store: Any, text: str, lists: tuple[str, ...] = ()) -> QueryResult:
    """Answer a SPARQL text on an embedded pyoxigraph store.

    Raises:
        QueryError: the text is not SPARQL, or the query failed.
    """
    try:
        return _result(store.query(text), lists)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {_first_line(str(exc))}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"the SPARQL query failed: {_first_line(str(exc))}") from None


def ask_endpoint(
    url: str, text: str, lists: tuple[str, ...] = (), timeout: float = 600.0
) -> QueryResult:
    """Answer a SPARQL text on an endpoint, by the SPARQL 1.1 Protocol (a POST of the query).

    Raises:
        QueryError: the endpoint refused the query (its message, first line).
        KGError: the endpoint cannot be reached.
    """
    data = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": f"{_RESULTS_JSON}, application/sparql-results+xml;q=0.5",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        message = exc.read().decode("utf-8", "replace").strip() or exc.reason
        raise QueryError(
            f"the endpoint refused the query ({exc.code}): {_first_line(message)}"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KGError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
    if kind != _RESULTS_JSON:
        raise QueryError(
            f"the endpoint answered {kind}, not SPARQL results (a SELECT or ASK query?)"
        )
    try:
        # The results are parsed as they are read: a server that stops a query once its answer
        # has begun (Oxigraph at its --timeout-s) ends the body with its message instead.
        return _result(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON), lists)
    except (SyntaxError, ValueError) as exc:
        raise QueryError(
            f"the endpoint's answer broke off after {len(body):,} bytes: {_why(body, exc)}"
        ) from None


def _why(body: bytes, exc: Exception) -> str:
    """Why an answer broke off: the words a server that gave up wrote after the last complete
    result (Oxigraph: "The SPARQL operation has been cancelled"), else the parser's message."""
    tail = body[-400:].decode("utf-8", "replace")
    said = tail[max(tail.rfind("}"), tail.rfind("[")) + 1 :].strip()
    return said if said and len(said) < 200 else _first_line(str(exc))


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "no message"


def run_sparql(
    target: Any,
    query: SparqlQuery | str | Path,
    overrides: Mapping[str, Any] | None = None,
) -> QueryResult:
    """Answer a query of the library (or a file, or an ad-hoc query) with parameters.

    Args:
        target: an endpoint URL (``http://127.0.0.1:7878/query``) or a pyoxigraph store.
        query: a :class:`SparqlQuery`, a library name or a ``.rq`` path.
        overrides: parameter values, as text (converted to the declared types) or as values.

    Raises:
        QueryError: the query or a parameter is unknown or malformed, or the engine refused it.
        KGError: the endpoint cannot be reached.
    """
    if not isinstance(query, SparqlQuery):
        query = get_sparql_query(query)
    values = resolve_parameters(_as_cypher(query), overrides)
    text = bind_parameters(query.text, values)
    try:
        if isinstance(target, str):
            return ask_endpoint(target, text, query.lists)
        return ask_store(target, text, query.lists)
    except QueryError as exc:
        raise QueryError(f"SPARQL query {query.name!r}: {exc}") from None
