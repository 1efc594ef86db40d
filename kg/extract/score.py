"""Score a draft against hand-written facts: precision, recall and F1, matched by meaning.

Ids differ between a draft and the facts a person wrote, so nothing is matched by id:

- actors match when they have the same type and share a name, label, alias or quote (compared
  without accents, case or article). Only the actors the hand-written facts quote from the text
  count: an extractor cannot find what the text does not name;
- events (and agreements) match when they have the same class and their quotes overlap, or they
  share an actor and do not disagree on the date; their roles (role type and matched actor),
  dates and statuses are then scored over the matched pairs;
- attributions are the sources by their author, and each CITES between two sources by the
  authors at both ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.extract.actors import normalise
from kg.facts import read_files
from kg.model import Graph, Node
from kg.ontology import Ontology, load_ontology

__all__ = ["TARGETS", "Row", "read_facts_file", "score"]

# What kg extract must reach on the reports kg's tests hold (F1).
TARGETS = {"actors": 0.8, "events": 0.6}


@dataclass(frozen=True)
class Row:
    """One line of a score: how many the gold has, the draft has, and both have."""

    what: str
    gold: int
    found: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else (1.0 if not self.found else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "gold": self.gold,
            "found": self.found,
            "matched": self.matched,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def read_facts_file(path: Path, context: Sequence[Path] = ()) -> Graph:
    """What one facts file says, as a graph; its references may go to the ``context`` files
    (the reports it follows)."""
    wanted = os.path.abspath(path)
    for parsed in read_files([*context, path]):
        if os.path.abspath(parsed.shown) == wanted:
            return parsed.graph
    return read_files([path])[0].graph


def _names(node: Node) -> set[str]:
    props = node.properties
    found = {props.get("name"), props.get("label_fr"), props.get("label_en"), props.get("quote")}
    found |= set(props.get("alias") or [])
    names = {normalise(n) for n in found if isinstance(n, str)}
    return names - {""}


def _greedy(pairs: Iterable[tuple[float, str, str]]) -> dict[str, str]:
    """One-to-one matching, best score first: draft id -> gold id."""
    matched: dict[str, str] = {}
    taken: set[str] = set()
    for _, found, gold in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if found not in matched and gold not in taken:
            matched[found] = gold
            taken.add(gold)
    return matched


def _actors(graph: Graph, ont: Ontology, quoted: bool) -> list[Node]:
    return [
        n
        for n in graph.nodes.values()
        if n.label in ont.actor_labels and (not quoted or "quote" in n.properties)
    ]


def _events(graph: Graph, ont: Ontology) -> list[Node]:
    kinds = {*ont.event_labels, "Agreement"}
    return [n for n in graph.nodes.values() if n.label in kinds and "quote" in n.properties]


def _roles(graph: Graph, ont: Ontology) -> dict[str, set[tuple[str, str]]]:
    kinds = {*ont.actor_role_types, "HAS_PARTY"}
    roles: dict[str, set[tuple[str, str]]] = {}
    for e in graph.edges.values():
        if e.type in kinds:
            roles.setdefault(e.source, set()).add((e.type, e.target))
    return roles


def _overlap(a: Node, b: Node) -> int:
    pa, pb = a.properties, b.properties
    return max(0, min(pa["quote_end"], pb["quote_end"]) - max(pa["quote_start"], pb["quote_start"]))


def score(draft: Graph, gold: Graph, ont: Ontology | None = None) -> list[Row]:
    """The rows of the score of ``draft`` against ``gold`` (two graphs of the same text)."""
    ont = ont or load_ontology()
    found_actors = _actors(draft, ont, quoted=False)
    gold_actors = _actors(gold, ont, quoted=True)
    actor_map = _greedy(
        (len(_names(f) & _names(g)), f.id, g.id)
        for f in found_actors
        for g in gold_actors
        if f.label == g.label and _names(f) & _names(g)
    )
    rows = [Row("actors", len(gold_actors), len(found_actors), len(actor_map))]

    found_events, gold_events = _events(draft, ont), _events(gold, ont)
    found_roles, gold_roles = _roles(draft, ont), _roles(gold, ont)

    def mapped(roles: set[tuple[str, str]]) -> set[tuple[str, str]]:
        return {(r, actor_map.get(a, a)) for r, a in roles}

    pairs = []
    for f in found_events:
        for g in gold_events:
            if f.label != g.label:
                continue
            shared = {a for _, a in mapped(found_roles.get(f.id, set()))} & {
                a for _, a in gold_roles.get(g.id, set())
            }
            fd, gd = f.properties.get("date"), g.properties.get("date")
            agree = fd is None or gd is None or fd == gd
            overlap = _overlap(f, g)
            if overlap or (shared and agree):
                pairs.append(
                    (overlap / 1000 + len(shared) + (1 if fd and fd == gd else 0), f.id, g.id)
                )
    event_map = _greedy(pairs)
    rows.append(Row("events", len(gold_events), len(found_events), len(event_map)))

    role_gold = role_found = role_hit = 0
    date_gold = date_found = date_hit = status_hit = 0
    for f_id, g_id in event_map.items():
        fr, gr = mapped(found_roles.get(f_id, set())), gold_roles.get(g_id, set())
        role_gold, role_found, role_hit = (
            role_gold + len(gr),
            role_found + len(fr),
            role_hit + len(fr & gr),
        )
        fp, gp = draft.nodes[f_id].properties, gold.nodes[g_id].properties
        date_found += "date" in fp
        date_gold += "date" in gp
        date_hit += "date" in fp and fp.get("date") == gp.get("date")
        status_hit += fp.get("status") == gp.get("status")
    rows.append(Row("event roles", role_gold, role_found, role_hit))
    rows.append(Row("event dates", date_gold, date_found, date_hit))
    rows.append(Row("event statuses", len(event_map), len(event_map), status_hit))
    rows.append(_attributions(draft, gold, ont, actor_map))
    return rows


def _attributions(draft: Graph, gold: Graph, ont: Ontology, actor_map: dict[str, str]) -> Row:
    def items(
        graph: Graph, rename: dict[str, str]
    ) -> list[tuple[str, frozenset[str], frozenset[str]]]:
        documents = {n.id for n in graph.nodes.values() if n.label == "Article"}
        authors: dict[str, set[str]] = {}
        for e in graph.edges.values():
            if e.type == "AUTHORED_BY":
                authors.setdefault(e.source, set()).add(rename.get(e.target, e.target))
        found: list[tuple[str, frozenset[str], frozenset[str]]] = [
            ("by", frozenset(a), frozenset()) for s, a in authors.items() if s not in documents
        ]
        for e in graph.edges.values():
            if e.type == "CITES" and e.source not in documents:
                found.append(
                    (
                        "cites",
                        frozenset(authors.get(e.source, ())),
                        frozenset(authors.get(e.target, ())),
                    )
                )
        return found

    gold_items, found_items = items(gold, {}), items(draft, actor_map)
    hits = 0
    used: set[int] = set()
    for kind, who, whom in found_items:
        for i, (gkind, gwho, gwhom) in enumerate(gold_items):
            if i in used or kind != gkind or not who & gwho:
                continue
            if kind == "cites" and not whom & gwhom:
                continue
            used.add(i)
            hits += 1
            break
    return Row("attributions", len(gold_items), len(found_items), hits)
