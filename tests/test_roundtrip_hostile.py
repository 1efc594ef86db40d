"""Hostile strings come back exactly: from both stores, from every export, and through a facts file.

One Hypothesis property per way back. Each example puts arbitrary text (quotes, backslashes,
newlines, right-to-left marks, emoji, astral characters, Cypher- and XML-looking text, C1
controls, U+2028, a byte-order mark ...) into the names, French and English labels, aliases,
descriptions, quotes, notes and source names and URLs of a small graph, and reads every one back.

The text excludes exactly what the facts loader refuses in a value: C0 controls other than tab, LF
and CR, lone surrogates, and U+FFFE / U+FFFF (XML 1.0 cannot carry them, and the GraphML and GEXF
exports are XML). :data:`NOT_XML` spells that rule; ``kg.facts`` keeps its own copy private, so
:func:`test_the_filter_is_the_loaders_rule` checks the two agree, character by character at every
boundary.

RDF has no order and no duplicates among the values of one predicate, so aliases read back from
Turtle, N-Triples and JSON-LD are compared as sets; everywhere else lists come back in order.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import FactsError
from kg.export import export
from kg.export.nx import read_gexf, read_graphml, read_node_link
from kg.export.rdf import edge_iri, mapping, node_iri
from kg.facts import load_facts
from kg.generate import yaml_string
from kg.model import Edge, Graph, Node
from tests.conftest import MARKER

# ------------------------------------------------------------------------------------ the strings

# What the facts loader refuses in a value (kg.facts._NOT_XML): C0 controls but \t \n \r, lone
# surrogates, U+FFFE and U+FFFF. Everything else is fair game.
NOT_XML = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))

# Pieces that broke, or could break, an escaper somewhere; mixed with arbitrary characters.
PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\u0041",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "🕊️",  # dove + variation selector
    "👩🏽‍⚖️",  # ZWJ sequence
    "\U0001d518",  # mathematical fraktur U (astral)
    "\U0010fffd",  # the last astral character that is not a noncharacter
    "\x85",  # NEL: a line break to YAML 1.1
    "\u2028",
    "\u2029",
    "\ufeff",  # byte-order mark
    "\x7f",
    "\x9f",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "<a>",
    "${HOME}",
    "%7C",
    "@fr",
    "^^xsd:string",
    "_:b0",
    "#",
    "MATCH (n) DETACH DELETE n //",
    "') RETURN 1 //",
    "`",
    "{",
    "}",
    "null",
    "~",
    "- ",
    ": ",
]
_CHARACTERS = st.characters(codec="utf-8", exclude_characters=NOT_XML)  # utf-8: no surrogates
HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(_CHARACTERS, min_size=1, max_size=3)), max_size=8
).map("".join)

# The string properties the examples fill, and where (node and edge ids of :func:`hostile_graph`).
FIELDS = (
    "name",
    "label_fr",
    "label_en",
    "alias",
    "description",
    "quote",
    "note",
    "source_name",
    "source_url",
    "edge_quote",
    "edge_note",
)
TEXTS = st.fixed_dictionaries(
    {
        **{f: HOSTILE_TEXT for f in FIELDS if f != "alias"},
        "alias": st.lists(HOSTILE_TEXT, min_size=1, max_size=3),
    }
)

EXAMPLES: list[dict[str, Any]] = [
    {f: ("say \"hi\" \\ 'yo' \n\r\t 🕊️ \u200f\u05e9\u05dc\u05d5\u05dd") for f in FIELDS},
    {f: "\U0001d518\x85\u2028\u2029\ufeff\x7f\x9f]]><&>" for f in FIELDS},
    {f: "" for f in FIELDS},
    {f: "null" for f in FIELDS},
]
for _texts in EXAMPLES:
    _texts["alias"] = [_texts["name"], _texts["name"] + "!", ""]


def fixed_examples(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run the test on each of :data:`EXAMPLES` too, whatever Hypothesis draws."""
    for texts in EXAMPLES:
        test = example(texts=texts)(test)
    return test


def fixed_pairs(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run a (texts, changed) test on each of :data:`EXAMPLES` followed by the next one."""
    for texts, changed in zip(EXAMPLES, EXAMPLES[1:] + EXAMPLES[:1], strict=True):
        test = example(texts=texts, changed=changed)(test)
    return test


_counter = itertools.count()


def hostile_graph(texts: dict[str, Any], suffix: str = "") -> Graph:
    """Four nodes and three edges carrying the texts; ``suffix`` makes the ids new."""
    person, call, source = f"person{suffix}", f"call{suffix}", f"source{suffix}"
    g = Graph()
    g.add_node(
        Node(
            person,
            "Person",
            {
                "name": texts["name"],
                "label_fr": texts["label_fr"],
                "label_en": texts["label_en"],
                "alias": list(texts["alias"]),
                "description": texts["description"],
            },
        )
    )
    g.add_node(Node(f"country{suffix}", "Country", {"name": texts["label_en"]}))
    g.add_node(
        Node(
            source,
            "Article",
            {
                "name": texts["source_name"],
                "url": texts["source_url"],
                "description": texts["description"],
            },
        )
    )
    g.add_node(
        Node(
            call,
            "Call",
            {
                "name": texts["name"],
                "status": "occurred",
                "quote": texts["quote"],
                "quote_start": 0,
                "quote_end": len(texts["quote"]),
                "document": source,
                "note": texts["note"],
            },
        )
    )
    quoted = {"quote": texts["edge_quote"], "quote_start": 3, "quote_end": 4, "document": source}
    g.add_edge(
        Edge.between(call, "HAS_PARTICIPANT", person, {**quoted, "note": texts["edge_note"]})
    )
    g.add_edge(Edge.between(call, "ACCORDING_TO", source, quoted))
    g.add_edge(Edge.between(person, "HOLDS_POSITION", f"country{suffix}", {"note": texts["note"]}))
    return g


# The properties hostile_graph fills with the texts (the others are fixed).
HOSTILE_PROPERTIES = frozenset(
    {"name", "label_fr", "label_en", "alias", "description", "quote", "note", "url"}
)


def expected_strings(graph: Graph, as_sets: bool = False) -> dict[tuple[str, str], Any]:
    """(element id, property) -> value, for every hostile property of the graph."""
    out: dict[tuple[str, str], Any] = {}
    elements: list[Node | Edge] = [*graph.nodes.values(), *graph.edges.values()]
    for element in elements:
        for name, value in element.properties.items():
            if name in HOSTILE_PROPERTIES:
                out[element.id, name] = (
                    sorted(set(value)) if as_sets and isinstance(value, list) else value
                )
    return out


def _record_inputs(count: int) -> None:
    """Count the strings tried for scripts/reliability (a JSON line in $KG_RELIABILITY_LOG)."""
    log = os.environ.get("KG_RELIABILITY_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({"kind": "inputs", "count": count, "test": "roundtrip"}) + "\n")


# ------------------------------------------------------------------------------------ the filter


def test_the_filter_is_the_loaders_rule(tmp_path):
    """Every character NOT_XML excludes is refused by the loader, its neighbours are accepted."""
    (tmp_path / "t.txt").write_text("x", encoding="utf-8")

    def loads(char: str, why: str = "is not allowed in a value") -> bool:
        # json.dumps writes a lone surrogate as an escape; yaml_string writes the rest.
        quoted = json.dumps("a" + char) if "\ud800" <= char <= "\udfff" else yaml_string("a" + char)
        facts = textwrap.dedent(
            f"""\
            kg: 1
            document: {{id: d, type: Article, text: t.txt, name: {quoted}}}
            nodes: []
            """
        )
        (tmp_path / "t.facts.yaml").write_text(facts, encoding="utf-8")
        try:
            load_facts(tmp_path / "t.facts.yaml")
        except FactsError as exc:
            assert why in str(exc), exc
            return False
        return True

    for char in NOT_XML:
        assert not loads(char), f"U+{ord(char):04X} is accepted, but NOT_XML excludes it"
    for code in (0x09, 0x0A, 0x0D, 0x20, 0x7F, 0x85, 0xA0, 0xD7FF, 0xE000, 0xFFFD, 0x10000):
        assert loads(chr(code)), f"U+{code:04X} is refused, but NOT_XML allows it"
    for code in (0xD800, 0xDBFF, 0xDC00, 0xDFFF):  # lone surrogates: the YAML reader refuses them
        assert not loads(chr(code), why="invalid Unicode character escape")


# ------------------------------------------------------------------------------------ the stores


def _same_elements(got: Graph, want: Graph) -> None:
    for node in want.nodes.values():
        assert got.nodes.get(node.id) == node
    for edge in want.edges.values():
        assert got.edges.get(edge.id) == edge


@pytest.fixture(scope="module")
def shared_lbug(tmp_path_factory):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(tmp_path_factory.mktemp("roundtrip") / "kg.lbug")
    yield store
    store.close()


@settings(max_examples=25, deadline=None)
@given(texts=TEXTS, changed=TEXTS)
@fixed_pairs
def test_ladybug_stores_hostile_strings_exactly(shared_lbug, texts, changed):
    """Written by COPY (new ids), then changed in place by SET (the same ids): read back exactly."""
    suffix = f"-{next(_counter)}"
    first, second = hostile_graph(texts, suffix), hostile_graph(changed, suffix)
    shared_lbug.load(first)
    _same_elements(shared_lbug.read_graph(), first)
    shared_lbug.load(second)
    _same_elements(shared_lbug.read_graph(), second)
    _record_inputs(2)


@pytest.mark.neo4j
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=TEXTS, changed=TEXTS)
@fixed_pairs
def test_neo4j_stores_hostile_strings_exactly(neo4j_store, texts, changed):
    neo4j_store.query(f"MATCH (n) WHERE NOT n:{MARKER} DETACH DELETE n")
    first, second = hostile_graph(texts), hostile_graph(changed)
    neo4j_store.load(first)
    assert neo4j_store.read_graph() == first
    neo4j_store.load(second)
    assert neo4j_store.read_graph() == second
    _record_inputs(2)


# ------------------------------------------------------------------------------------ RDF


def _ox_term(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _parse(data: bytes, parser: str) -> rdflib.Graph:
    """Parse with rdflib, or with pyoxigraph (``ox-...``) into an rdflib Graph."""
    if parser.startswith("ox-"):
        fmt = {"ox-turtle": ox.RdfFormat.TURTLE, "ox-nt": ox.RdfFormat.N_TRIPLES}[parser]
        g = rdflib.Graph()
        for triple in ox.parse(input=data, format=fmt):
            g.add((_ox_term(triple.subject), _ox_term(triple.predicate), _ox_term(triple.object)))
        return g
    return rdflib.Graph().parse(data=data, format=parser)


def rdf_strings(g: rdflib.Graph, graph: Graph) -> dict[tuple[str, str], Any]:
    """The hostile properties of the graph's elements as an RDF graph holds them."""
    m = mapping()
    out: dict[tuple[str, str], Any] = {}
    elements: list[tuple[Node | Edge, rdflib.URIRef]] = [
        (n, node_iri(n.id)) for n in graph.nodes.values()
    ]
    elements += [(e, edge_iri(e.id)) for e in graph.edges.values() if e.properties]
    for element, subject in elements:
        for name in element.properties:
            if name not in HOSTILE_PROPERTIES:
                continue
            term = m.properties[name]
            values = sorted(
                str(o)
                for o in g.objects(subject, term.predicate)
                if isinstance(o, rdflib.Literal) and o.language == term.language
            )
            if term.many:
                out[element.id, name] = values
            else:
                assert len(values) == 1, (element.id, name, values)
                out[element.id, name] = values[0]
    return out


RDF_WAYS = [("turtle", "turtle"), ("turtle", "ox-turtle"), ("ntriples", "nt")]
RDF_WAYS += [("ntriples", "ox-nt"), ("jsonld", "json-ld")]


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS)
@fixed_examples
def test_rdf_exports_carry_hostile_strings_exactly(texts):
    graph = hostile_graph(texts)
    want = expected_strings(graph, as_sets=True)
    for fmt, parser in RDF_WAYS:
        buffer = io.BytesIO()
        export(graph, fmt, buffer)
        got = rdf_strings(_parse(buffer.getvalue(), parser), graph)
        assert got == want, (fmt, parser)
    _record_inputs(1)


def test_jsonld_keeps_an_empty_alias():
    """pyoxigraph writes JSON-LD: an empty first alias survives (rdflib 7.6's writer lost it)."""
    graph = Graph()
    graph.add_node(Node("p", "Person", {"name": "P", "alias": ["", "Pootie"]}))
    buffer = io.BytesIO()
    export(graph, "jsonld", buffer)
    parsed = rdflib.Graph().parse(data=buffer.getvalue(), format="json-ld")
    aliases = {
        str(o) for o in parsed.objects(node_iri("p"), mapping().properties["alias"].predicate)
    }
    assert aliases == {"", "Pootie"}


# ------------------------------------------------------------------------------------ NetworkX


def nx_strings(g: Any, graph: Graph) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for node in graph.nodes.values():
        attrs = g.nodes[node.id]
        out.update({(node.id, k): v for k, v in attrs.items() if k in HOSTILE_PROPERTIES})
    for edge in graph.edges.values():
        attrs = g.edges[edge.source, edge.target, edge.id]
        out.update({(edge.id, k): v for k, v in attrs.items() if k in HOSTILE_PROPERTIES})
    return out


NX_WAYS = [("graphml", read_graphml), ("gexf", read_gexf), ("json", read_node_link)]


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS)
@fixed_examples
def test_networkx_files_carry_hostile_strings_exactly(texts):
    graph = hostile_graph(texts)
    want = expected_strings(graph)
    for fmt, read in NX_WAYS:
        buffer = io.BytesIO()
        export(graph, fmt, buffer)
        buffer.seek(0)
        assert nx_strings(read(buffer), graph) == want, fmt
    _record_inputs(1)


# ------------------------------------------------------------------------------------ facts files


def write_facts(folder: Path, texts: dict[str, Any]) -> Path:
    """A facts file holding the texts, written with yaml_string; the quotes are in doc.txt."""
    opening = "«"
    document = f"{opening}{texts['quote']}» {texts['edge_quote']}"
    (folder / "doc.txt").write_text(document, encoding="utf-8", newline="")
    q_start, q_end = len(opening), len(opening) + len(texts["quote"])
    e_start = q_end + 2
    e_end = e_start + len(texts["edge_quote"])
    y = yaml_string
    aliases = ", ".join(y(a) for a in texts["alias"])
    facts = f"""\
kg: 1
document:
  id: source
  type: Article
  text: doc.txt
  name: {y(texts["source_name"])}
  url: {y(texts["source_url"])}
  description: {y(texts["description"])}
nodes:
  - id: person
    type: Person
    name: {y(texts["name"])}
    label_fr: {y(texts["label_fr"])}
    label_en: {y(texts["label_en"])}
    alias: [{aliases}]
    description: {y(texts["description"])}
  - id: call
    type: Call
    name: {y(texts["name"])}
    status: occurred
    quote: {y(texts["quote"])}
    quote_start: {q_start}
    quote_end: {q_end}
    note: {y(texts["note"])}
    links:
      HAS_PARTICIPANT:
        - to: person
          quote: {y(texts["edge_quote"])}
          quote_start: {e_start}
          quote_end: {e_end}
          note: {y(texts["edge_note"])}
      ACCORDING_TO: source
"""
    path = folder / "hostile.facts.yaml"
    path.write_text(facts, encoding="utf-8", newline="")
    return path


@settings(max_examples=40, deadline=None)
@given(texts=TEXTS)
@fixed_examples
def test_facts_files_carry_hostile_strings_exactly(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("facts")
    graph = load_facts(write_facts(folder, texts))
    person, call, source = (graph.nodes[i].properties for i in ("person", "call", "source"))
    assert (person["name"], person["label_fr"], person["label_en"]) == (
        texts["name"],
        texts["label_fr"],
        texts["label_en"],
    )
    assert person["alias"] == list(texts["alias"])
    assert person["description"] == source["description"] == texts["description"]
    assert (call["name"], call["quote"], call["note"]) == (
        texts["name"],
        texts["quote"],
        texts["note"],
    )
    assert (source["name"], source["url"]) == (texts["source_name"], texts["source_url"])
    participant = graph.edges["call|HAS_PARTICIPANT|person"].properties
    assert (participant["quote"], participant["note"]) == (
        texts["edge_quote"],
        texts["edge_note"],
    )
    _record_inputs(1)
