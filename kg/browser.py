"""What Neo4j Browser users get from kg: the style (GraSS), the ``:param`` lines, the guide.

Every label gets a colour by its group (actors, events, sources, the rest), a caption from its
``name``, and every relationship type a caption of its type. ``ontology/kg.grass`` is this output;
drag it onto Neo4j Browser, or type ``:style`` followed by it.

The guide (``cypher/guide.html``, ``kg schema --guide``) walks a Browser user through the graph
and every query of the library with its parameters; ``scripts/neo4j`` serves it and the style
under ``/kg/`` of the server itself, so ``:guide http://127.0.0.1:PORT/kg/guide.html`` opens it.

>>> print(grass().splitlines()[0])
node {
>>> from kg.queries import get_query
>>> param_lines(get_query("dyad_events"))
[":param a => 'russia'", ":param b => 'ukraine'"]
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from kg.ontology import Ontology, load_ontology
from kg.queries import QueryDef, list_queries, query_text

__all__ = ["ACTOR_NETWORK", "OVERVIEW", "grass", "guide", "param_lines"]

# The picture of the README: the actors and who interacts with whom.
ACTOR_NETWORK = "MATCH p = (:Person|Country|Organisation)-[:INTERACTS_WITH]->() RETURN p"

# The guide's first query: what the graph holds, by label.
OVERVIEW = (
    "MATCH (n) UNWIND labels(n) AS label\n"
    "RETURN label, count(*) AS nodes ORDER BY nodes DESC, label"
)

# The guide names the server it is served from with this; the server puts its own /kg/ address
# in its place (kg.neo4jserver.guides.GuideFiles).
SERVER_PLACEHOLDER = "{{kg-server}}"

# Colours per group: actors warm, events cool, sources grey; each shade one label of the group.
_PALETTES = {
    "actor": ["#F79767", "#F16667", "#FFC454", "#DA7194"],
    "event": ["#4C8EDA", "#57C7E3", "#8DCC93", "#6DCE9E", "#569480", "#A5ABB6"],
    "source": ["#C990C0", "#D9C8AE", "#ECB5C9", "#B5A9D4"],
    "other": ["#FFE081", "#C5E3A4", "#BEDDE7", "#E3D3C5"],
}


def _group(ont: Ontology, label: str) -> str:
    if label in ont.actor_labels:
        return "actor"
    if label in ont.event_labels:
        return "event"
    if label in ont.source_labels:
        return "source"
    return "other"


def grass(ontology: Ontology | None = None) -> str:
    """The GraSS text: one rule per label and per relationship type, in ontology order."""
    ont = ontology or load_ontology()
    rules = [
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
        "  text-color-internal: #FFFFFF;\n  font-size: 10px;\n  caption: '{name}';\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n  padding: 3px;\n"
        "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: '<type>';\n}",
    ]
    used: dict[str, int] = {}
    for label in ont.node_labels:
        group = _group(ont, label)
        palette = _PALETTES[group]
        colour = palette[used.get(group, 0) % len(palette)]
        used[group] = used.get(group, 0) + 1
        size = {"actor": 65, "event": 50, "source": 40, "other": 45}[group]
        rules.append(
            f"node.{label} {{\n  color: {colour};\n  border-color: {colour};\n  diameter: {size}px;\n"
            f"  text-color-internal: #2A2C34;\n  caption: '{{name}}';\n}}"
        )
    for rtype in ont.relationships:
        width = "2px" if ont.relationships[rtype].derived else "1px"
        rules.append(f"relationship.{rtype} {{\n  shaft-width: {width};\n  caption: '<type>';\n}}")
    return "\n\n".join(rules) + "\n"


def _cypher_literal(value: Any) -> str:
    """A parameter value as Cypher writes it: 'text' (quotes escaped), numbers, null, lists."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_cypher_literal(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def param_lines(query: QueryDef) -> list[str]:
    """The ``:param`` lines that give a library query its default parameters in Neo4j Browser."""
    return [f":param {p.name} => {_cypher_literal(p.default)}" for p in query.parameters]


def _runnable(text: str) -> str:
    return f'<pre class="code runnable">{html.escape(text, quote=False)}</pre>'


def _query_slide(query: QueryDef) -> str:
    parts = [f"<h3>{html.escape(query.question)}</h3>"]
    parts.append(
        f"<p>Query <code>{query.name}</code> of <code>cypher/</code>. "
        "Click a line to put it in the editor, or its play icon to run it.</p>"
    )
    if query.parameters:
        parts.append("<p>Its parameters (the defaults of <code>kg query</code>):</p>")
        parts.extend(_runnable(line) for line in param_lines(query))
        helps = "".join(
            f"<li><code>{p.name}</code>: {html.escape(p.help)}</li>" for p in query.parameters
        )
        parts.append(f"<ul>{helps}</ul>")
    parts.append(_runnable(query_text(query, "neo4j").strip()))
    if query.returns:
        parts.append(f"<p>{html.escape(query.returns)}</p>")
    parts.append(f"<p>The same from a shell: <code>{html.escape(query.example)}</code></p>")
    return '<slide class="row-fluid"><div class="col-sm-12">' + "".join(parts) + "</div></slide>"


def guide(queries: Sequence[QueryDef] | None = None) -> str:
    """The Neo4j Browser guide: what is in the graph, its style, then one slide per query."""
    library = list(queries) if queries is not None else list_queries()
    names = ", ".join(f"<code>{q.name}</code>" for q in library)
    intro = (
        '<slide class="row-fluid"><div class="col-sm-12">'
        "<h3>What is in this graph</h3>"
        "<p>kg's graph of diplomatic actors and events: persons, countries and organisations, "
        "the calls, negotiations and other events they take part in, and the reports that "
        "state each fact. Count the nodes by label:</p>"
        f"{_runnable(OVERVIEW)}"
        "<p>Give every label its colour and caption it by name with kg's style:</p>"
        f"{_runnable(':style ' + SERVER_PLACEHOLDER + 'kg.grass')}"
        "<p>Then look at the actors and who interacts with whom:</p>"
        f"{_runnable(ACTOR_NETWORK)}"
        f"<p>The next slides are the {len(library)} questions of kg's query library ({names}), "
        "each with its parameters.</p></div></slide>"
    )
    slides = [intro, *(_query_slide(q) for q in library)]
    return (
        "<title>kg: the diplomacy graph</title>\n"
        '<article class="guide"><carousel class="deck container-fluid">\n'
        + "\n".join(slides)
        + "\n</carousel></article>\n"
    )
