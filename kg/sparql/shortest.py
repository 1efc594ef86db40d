"""The text of ``sparql/shortest_path.rq``, written from its Cypher twin and the ontology.

SPARQL 1.1 has no shortest path, and no named subquery, so the query is long and regular: kg
writes it (``python -m kg.sparql.shortest > sparql/shortest_path.rq``) and a test checks that the
committed file is what this module writes. The actor classes and the relations a chain may follow
are read from ``cypher/shortest_path.ladybug.cypher`` (its first node pattern's labels and its
path's relationship types) and named as the ontology names them in RDF.

How the query finds the chains without ever listing walks:

- ``W(v, k)``, the nodes some walk of exactly ``k`` steps from ``v`` reaches, is a nest of ``k``
  subqueries, each the DISTINCT neighbours of the one inside: at most one row per node at
  every level, whatever the number of walks.
- The second actor ``b`` is exactly ``h`` steps from the first ``a`` when ``a`` is in
  ``W(b, h)`` but neither in ``W(b, h - 1)`` nor in ``W(b, h - 2)`` (a walk can step back and
  forth, so those two cover every shorter length).
- On a chain of ``h`` steps from ``a`` to ``b``, the actor at position ``i`` is in
  ``W(a, i)`` and in ``W(b, h - i)``; when ``a`` and ``b`` are ``h`` steps apart, every chain of
  such actors whose neighbours are linked is a shortest one, and every shortest one is such a
  chain.

So there is one branch per length ``h``: the first actor must be exactly ``h`` steps away (else
the branch is empty), each position's candidates are the small set of those two walks, and
``FILTER EXISTS`` checks that consecutive actors are linked. Every subquery starts from a
parameter, never from every node of the graph: Oxigraph joins the subqueries' answers, so a
pattern left open to every node (``?x <relation> ?y``) would be read whole.

>>> text = shortest_path_text()
>>> text.count("} UNION {"), "$from" in text and "$to" in text
(5, True)
"""

from __future__ import annotations

import itertools
import re
import sys

from kg.errors import KGError
from kg.export.rdf import mapping
from kg.resources import cypher_dir

__all__ = ["MAX_HOPS", "shortest_path_text"]

MAX_HOPS = 6
"""The longest chain, as in the Cypher twin (``ALL SHORTEST 1..6``)."""

_HEADER = """\
# Question: What is the shortest chain of relations between two actors?
# Parameters:
#   from: string = "marco-rubio"           -- id of the first actor
#   to: string = "volodymyr-zelenskyy"     -- id of the second actor
# Example: kg sparql query shortest_path -p from=sergey-lavrov -p to=donald-trump
# Returns: one row per shortest chain of actors (all of them when several tie), ordered by the ids
#   along the chain: its number of hops, and the ids and names of the actors along it from the
#   first actor to the second. Chains go through actor-to-actor relations in either direction
#   (interactions, positions held, parts and memberships), at most 6 hops; none when an actor is
#   unknown or both are the same.
"""
_INDENT = "        "
_FIRST = "id:$from"
_SECOND = "id:$to"
_LABELS = re.compile(r"\(a:([A-Za-z|]+)")
_TYPES = re.compile(r"\[:([A-Z_|]+)\*")


def _twin() -> tuple[list[str], list[str]]:
    """The actor labels and relationship types of the Cypher twin."""
    path = cypher_dir() / "shortest_path.ladybug.cypher"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KGError(f"cannot read {path}: {exc.strerror or exc}") from None
    labels, types = _LABELS.search(text), _TYPES.search(text)
    if labels is None or types is None:
        raise KGError(f"{path}: no (a:Label|...) pattern or [:TYPE|...*] path to follow")
    return labels.group(1).split("|"), types.group(1).split("|")


def _step() -> str:
    """One step along any relation a chain may follow, in either direction."""
    m = mapping()
    _, types = _twin()
    terms = [m.term(str(m.relationships[t])) for t in types]
    return "(" + "|".join(f"{t}|^{t}" for t in terms) + ")"


def _walk(start: str, steps: int, out: str, tag: str, step: str) -> list[str]:
    """The lines of a subquery whose one column ``out`` holds ``W(start, steps)``."""
    if steps == 0:
        return [f"{{ VALUES {out} {{ {start} }} }}"]
    lines = [f"{{ VALUES ?{tag}0 {{ {start} }} }}"]
    for i in range(1, steps + 1):
        var = out if i == steps else f"?{tag}{i}"
        lines = [
            f"{{ SELECT DISTINCT {var} WHERE {{",
            *(f"    {line}" for line in lines),
            f"    {var} {step} ?{tag}{i - 1} .",
            "} }",
        ]
    return lines


def _branch(hops: int, step: str) -> list[str]:
    """The chains of exactly ``hops`` steps, empty unless the actors are that far apart."""
    plural = "s" if hops > 1 else ""
    lines = [
        f"# {hops} hop{plural}: the first actor is exactly {hops} step{plural} from the second."
    ]
    lines.append(f"BIND({hops} AS ?hops)")
    lines += _walk(_SECOND, hops, "?a", "s", step)
    lines.append(f"VALUES ?a {{ {_FIRST} }}")
    for shorter in (hops - 1, hops - 2):
        if shorter >= 0:
            lines += ["MINUS", *_walk(_SECOND, shorter, "?a", "s", step)]
    chain = ["?a", *(f"?n{i}" for i in range(1, hops)), "?b"]
    for i in range(1, hops):
        lines.append(
            f"# position {i}: {i} step(s) from the first actor, {hops - i} from the second"
        )
        lines += _walk(_FIRST, i, f"?n{i}", "f", step)
        lines += _walk(_SECOND, hops - i, f"?n{i}", "t", step)
    lines.append(f"VALUES ?b {{ {_SECOND} }}")
    lines += [f"FILTER EXISTS {{ {x} {step} {y} }}" for x, y in itertools.pairwise(chain)]
    ids = ', " ", '.join(f"STRAFTER(STR({v}), STR(id:))" for v in chain)
    lines.append(f"BIND(CONCAT({ids}) AS ?path_key)")
    keyed = ", ".join(
        f'"{i}\\u001e", STRAFTER(STR({v}), STR(id:)), "\\u001f"' for i, v in enumerate(chain)
    )
    lines.append(f"BIND(CONCAT({keyed}) AS ?ids)")
    lines += [f"OPTIONAL {{ {v} kg:name {v}_name }}" for v in chain]
    keyed = ", ".join(
        f'"{i}\\u001e", COALESCE({v}_name, ""), "\\u001f"' for i, v in enumerate(chain)
    )
    lines.append(f"BIND(CONCAT({keyed}) AS ?names)")
    return [_INDENT + line for line in lines]


def shortest_path_text(max_hops: int = MAX_HOPS) -> str:
    """The whole of ``sparql/shortest_path.rq``: the Cypher twin's header, then the query."""
    m = mapping()
    labels, _ = _twin()
    classes = " ".join(m.term(str(m.classes[label])) for label in labels)
    step = _step()
    lines = [
        *_HEADER.splitlines(),
        "# Plan: SPARQL 1.1 has no shortest path; kg writes this text (kg/sparql/shortest.py says",
        "#   how it finds the chains, one branch per length, from walks that stay DISTINCT at every",
        "#   step, so no list of walks is ever built). Regenerate it with",
        "#   python -m kg.sparql.shortest > sparql/shortest_path.rq",
        "# Lists: ids, names",
        f"PREFIX kg: <{m.prefixes['kg']}>",
        f"PREFIX id: <{m.prefixes['id']}>",
        "SELECT ?hops ?ids ?names",
        "WHERE {",
        "  {",
        "    SELECT DISTINCT ?hops ?path_key ?ids ?names",
        "    WHERE {",
        f"      VALUES ?first {{ {_FIRST} }}",
        f"      VALUES ?second {{ {_SECOND} }}",
        "      FILTER(?first != ?second)",
        f"      VALUES ?first_class {{ {classes} }}",
        f"      VALUES ?second_class {{ {classes} }}",
        "      ?first a ?first_class .",
        "      ?second a ?second_class .",
        "      {",
    ]
    for hops in range(1, max_hops + 1):
        if hops > 1:
            lines.append("      } UNION {")
        lines += _branch(hops, step)
    lines += ["      }", "    }", "  }", "}", "ORDER BY ?path_key", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(shortest_path_text())
